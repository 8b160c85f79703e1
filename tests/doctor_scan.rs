//! The whole-export doctor: one small fixture export per finding code.

mod doctor_support;

use bascrypt::convex::Snapshot;
use bascrypt::doctor::{scan, Code, DoctorOptions, Report, Severity};
use doctor_support::{line, ExportBuilder, Ids, ACCOUNT, APP, GOOD, SESSION, T, USER};
use serde_json::json;

fn scan_with(b: &ExportBuilder, tweak: impl FnOnce(&mut DoctorOptions), limit: usize) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let zip = b.build(dir.path());
    let mut options = doctor_support::options(&zip);
    tweak(&mut options);
    let mut snapshot = Snapshot::open(&zip).unwrap();
    scan(&mut snapshot, &options, limit, &mut |_| {})
        .unwrap()
        .report
}

fn scan_of(b: &ExportBuilder) -> Report {
    scan_with(b, |_| {}, 20)
}

fn severity(r: &Report, code: Code) -> Severity {
    r.group(code)
        .unwrap_or_else(|| panic!("no {code}: {r:#?}"))
        .severity
}

/// Three password users linked from the app table, one Google user, sessions.
fn clean() -> ExportBuilder {
    let mut b = ExportBuilder::default();
    for email in ["alice@example.com", "bob@example.com", "carol@example.com"] {
        let id = b.person(email);
        b.app_user(email, Some(&id));
        b.session(&id);
    }
    let g = b.user("greta@gmail.com");
    b.account(&g, "google", None);
    b.app_user("greta@gmail.com", Some(&g));
    b
}

#[test]
fn clean_export_has_no_error_findings() {
    let r = scan_of(&clean());
    assert!(!r.has_errors(), "{r:#?}");
    // The Google-only user is worth knowing, nothing more.
    assert_eq!(r.count(Code::NoCredentialAccount), 1);
    assert_eq!(severity(&r, Code::NoCredentialAccount), Severity::Info);
    assert_eq!(r.groups.len(), 1, "{r:#?}");
}

#[test]
fn orphan_account_and_session() {
    let mut b = clean();
    let gone = Ids::new(99).next(USER);
    b.credential(&gone);
    b.session(&gone);
    b.session(&gone);
    let r = scan_of(&b);
    assert_eq!(r.count(Code::OrphanAccount), 1);
    assert_eq!(r.count(Code::OrphanSession), 2);
    assert_eq!(severity(&r, Code::OrphanSession), Severity::Warning);
    let f = &r.group(Code::OrphanAccount).unwrap().findings[0];
    assert_eq!(f.table, "betterAuth/account");
    assert_eq!(f.line, Some(5));
    assert!(f.message.contains(&gone));
}

#[test]
fn app_only_user_and_broken_authid_link() {
    let mut b = clean();
    b.app_user("dave@example.com", None);
    let dangling = Ids::new(98).next(USER);
    b.app_user("erin@example.com", Some(&dangling));
    let r = scan_of(&b);
    assert_eq!(r.count(Code::AppOnlyUser), 2, "{r:#?}");
    assert_eq!(r.count(Code::AppLinkBroken), 1);
    let dave = r
        .group(Code::AppOnlyUser)
        .unwrap()
        .findings
        .iter()
        .find(|f| f.email.as_deref() == Some("dave@example.com"))
        .unwrap();
    assert!(
        dave.fix.starts_with("bascrypt snapshot add-user "),
        "{}",
        dave.fix
    );
    assert!(
        dave.fix
            .contains("--email dave@example.com --app-table users -o "),
        "{}",
        dave.fix
    );
    assert!(r.has_errors());
}

#[test]
fn broken_legacy_userid_link() {
    let mut b = clean();
    let dangling = Ids::new(97).next(APP);
    let id = b.ids.next(USER);
    b.users.push(line(&json!({"_creationTime": 1733000000000.5, "_id": id, "createdAt": T, "email": "old@example.com", "emailVerified": true, "name": "Old", "updatedAt": T, "userId": dangling})));
    b.credential(&id);
    // A good legacy link: the component user's userId is an app row's _id.
    let app_id = b.app_user("older@example.com", None);
    let id2 = b.ids.next(USER);
    b.users.push(line(&json!({"_creationTime": 1733000000000.5, "_id": id2, "createdAt": T, "email": "older@example.com", "emailVerified": true, "name": "Older", "updatedAt": T, "userId": app_id})));
    b.credential(&id2);
    let r = scan_of(&b);
    assert_eq!(r.count(Code::AppLinkBroken), 1, "{r:#?}");
    let f = &r.group(Code::AppLinkBroken).unwrap().findings[0];
    assert_eq!(f.email.as_deref(), Some("old@example.com"));
    assert_eq!(f.table, "betterAuth/user");
}

#[test]
fn app_table_and_link_field_are_configurable() {
    let mut b = ExportBuilder::default();
    let id = b.person("a@example.com");
    b.app_users.push(line(&json!({"_creationTime": 1733000000000.7, "_id": b.ids.next(APP), "email": "a@example.com", "authUserId": id})));
    b.app_users.push(line(&json!({"_creationTime": 1733000000000.7, "_id": b.ids.next(APP), "email": "b@example.com", "authUserId": "nope"})));
    let r = scan_with(&b, |o| o.app_link = "authUserId".into(), 20);
    assert_eq!(r.count(Code::AppLinkBroken), 1);
    assert_eq!(r.count(Code::AppOnlyUser), 1);
    // Another table name: `users` is then just another table.
    let r = scan_with(&b, |o| o.app_table = "members".into(), 20);
    assert_eq!(r.count(Code::AppLinkBroken), 0);
}

#[test]
fn component_missing() {
    let mut b = clean();
    b.component = None;
    let r = scan_of(&b);
    assert_eq!(r.count(Code::ComponentMissing), 1);
    assert!(r.has_errors());
    // Mounted under another name: the fix says which --component to use.
    let mut b = clean();
    b.component = Some("auth");
    let r = scan_of(&b);
    let f = &r.group(Code::ComponentMissing).unwrap().findings[0];
    assert!(f.fix.contains("--component auth"), "{}", f.fix);
    let r = scan_with(&b, |o| o.component = "auth".into(), 20);
    assert_eq!(r.count(Code::ComponentMissing), 0);
    assert!(!r.has_errors(), "{r:#?}");
}

#[test]
fn invalid_ids() {
    let mut b = clean();
    b.users.push(line(&json!({"_creationTime": 1733000000000.5, "_id": "not-a-convex-id", "email": "x@example.com", "emailVerified": true, "name": "X"})));
    // A valid ID of the account table, in the user table.
    let wrong_table = b.ids.next(ACCOUNT);
    b.users.push(line(&json!({"_creationTime": 1733000000000.5, "_id": wrong_table, "email": "y@example.com", "emailVerified": true, "name": "Y"})));
    b.credential(&wrong_table);
    let r = scan_of(&b);
    let g = r.group(Code::InvalidId).unwrap_or_else(|| panic!("{r:#?}"));
    assert_eq!(g.count, 2);
    assert!(
        g.findings[0].message.contains("not a valid Convex ID"),
        "{}",
        g.findings[0].message
    );
    assert!(
        g.findings[1].message.contains("carries table number 10002"),
        "{}",
        g.findings[1].message
    );
    assert_eq!(g.findings[1].line, Some(6));
}

#[test]
fn duplicate_ids() {
    let mut b = clean();
    let dup = b.accounts[0].clone();
    b.accounts.push(dup);
    let dup_user = b.users[1].clone();
    b.users.push(dup_user);
    let r = scan_of(&b);
    let g = r
        .group(Code::DuplicateId)
        .unwrap_or_else(|| panic!("{r:#?}"));
    assert_eq!(g.count, 4, "both rows of each repeated _id: {g:#?}");
    let tables: Vec<&str> = g.findings.iter().map(|f| f.table.as_str()).collect();
    assert!(tables.contains(&"betterAuth/user") && tables.contains(&"betterAuth/account"));
    // The repeated user row also repeats its email; the repeated account is a second credential account.
    assert_eq!(r.count(Code::DuplicateEmail), 2);
    assert_eq!(r.count(Code::DuplicateCredentialAccount), 1);
}

#[test]
fn integer_floats_in_uniform_exports_only() {
    let mut b = clean();
    let id = b.ids.next(USER);
    b.users.push(format!(
        "{{\"_creationTime\":1733000000000,\"_id\":\"{id}\",\"createdAt\":1733000000000,\"email\":\"int@example.com\",\"emailVerified\":true,\"name\":\"Int\",\"updatedAt\":1733000000000.0}}"
    ));
    b.credential(&id);
    let r = scan_of(&b);
    let g = r
        .group(Code::IntegerFloat)
        .unwrap_or_else(|| panic!("{r:#?}"));
    assert_eq!(g.count, 2, "_creationTime and createdAt, not updatedAt");
    assert!(g
        .findings
        .iter()
        .any(|f| f.message.contains("fails outright")));
    assert!(g.findings[0].fix.contains("1733000000000.0"));

    // The same number in a table whose schema is an old typed shape is fine.
    let mut b = clean();
    b.app_schema = "{\"type\":\"object\"}\n";
    b.app_users.push(format!(
        "{{\"_creationTime\":1733000000000,\"_id\":\"{}\",\"email\":\"alice@example.com\"}}",
        b.ids.next(APP)
    ));
    let r = scan_of(&b);
    assert_eq!(r.count(Code::IntegerFloat), 0, "{r:#?}");
}

#[test]
fn bad_lines() {
    let mut b = clean();
    b.users.push("\u{feff}{\"name\":\"bom\"}".into());
    b.users.push("{\"name\":\"crlf\"}\r".into());
    b.users.push(String::new());
    b.users.push("[1,2]".into());
    let r = scan_of(&b);
    let g = r.group(Code::BadLine).unwrap_or_else(|| panic!("{r:#?}"));
    assert_eq!(g.count, 4);
    let lines: Vec<u64> = g.findings.iter().filter_map(|f| f.line).collect();
    assert_eq!(lines, vec![5, 6, 7, 8]);
    assert!(g.findings[0].fix.contains("byte-order mark"));
    assert!(g.findings[1].fix.contains("LF line endings"));
}

#[test]
fn user_and_credential_row_faults() {
    let mut b = clean();
    let upper = b.person("Upper@Example.com");
    let _ = upper;
    b.person("spaced@example.com ");
    b.person("twin@example.com");
    b.person("TWIN@example.com");
    let onrow = b.ids.next(USER);
    b.users.push(line(&json!({"_creationTime": 1733000000000.5, "_id": onrow, "createdAt": T, "email": "onrow@example.com", "emailVerified": true, "name": "On", "password": GOOD, "updatedAt": T})));
    b.credential(&onrow);
    let bcrypt = b.user("bcrypt@example.com");
    b.account(
        &bcrypt,
        "credential",
        Some("$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"),
    );
    let empty = b.user("emptykey@example.com");
    b.account(
        &empty,
        "credential",
        Some("00112233445566778899aabbccddeeff:"),
    );
    let nopw = b.user("nopw@example.com");
    b.account(&nopw, "credential", None);
    let mism = b.user("mism@example.com");
    let acc = b.ids.next(ACCOUNT);
    b.accounts.push(line(&json!({"_creationTime": 1733000000000.5, "_id": acc, "accountId": "mism@example.com", "createdAt": T, "password": GOOD, "providerId": "credential", "updatedAt": T, "userId": mism})));
    let none = b.user("noaccount@example.com");
    let _ = none;
    let r = scan_of(&b);
    assert_eq!(r.count(Code::EmailCase), 2, "Upper@ and TWIN@: {r:#?}");
    assert_eq!(r.count(Code::EmailWhitespace), 1);
    assert_eq!(r.count(Code::DuplicateEmail), 2);
    assert_eq!(r.count(Code::PasswordOnUserRow), 1);
    assert_eq!(r.count(Code::ForeignHash), 1);
    assert_eq!(r.count(Code::MalformedHash), 1);
    assert_eq!(r.count(Code::NoPassword), 1);
    assert_eq!(r.count(Code::AccountIdMismatch), 1);
    assert_eq!(severity(&r, Code::AccountIdMismatch), Severity::Warning);
    // One Google-only user (info) and one with no account at all (warning).
    assert_eq!(r.count(Code::NoCredentialAccount), 2);
    assert_eq!(severity(&r, Code::NoCredentialAccount), Severity::Warning);
    // Account findings learn their user's email in the second pass, for the fix line.
    let foreign = &r.group(Code::ForeignHash).unwrap().findings[0];
    assert_eq!(foreign.email.as_deref(), Some("bcrypt@example.com"));
    assert!(
        foreign.fix.contains("set-password") && foreign.fix.contains("--email bcrypt@example.com"),
        "{}",
        foreign.fix
    );
    assert!(r.findings().all(|f| !f.fix.contains("<EMAIL>")), "{r:#?}");
    // Worst first.
    let severities: Vec<Severity> = r.groups.iter().map(|g| g.severity).collect();
    let mut sorted = severities.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(severities, sorted);
}

#[test]
fn email_not_verified_only_when_required() {
    let mut b = clean();
    let id = b.ids.next(USER);
    b.users.push(line(&json!({"_creationTime": 1733000000000.5, "_id": id, "createdAt": T, "email": "unv@example.com", "emailVerified": false, "name": "U", "updatedAt": T})));
    b.credential(&id);
    assert_eq!(scan_of(&b).count(Code::EmailNotVerified), 0);
    let r = scan_with(&b, |o| o.require_email_verification = true, 20);
    assert_eq!(r.count(Code::EmailNotVerified), 1);
    assert_eq!(severity(&r, Code::EmailNotVerified), Severity::Error);
}

#[test]
fn limit_keeps_the_first_n_but_counts_all() {
    let mut b = clean();
    let gone = Ids::new(96).next(USER);
    for _ in 0..30 {
        b.session(&gone);
    }
    let r = scan_with(&b, |_| {}, 5);
    let g = r.group(Code::OrphanSession).unwrap();
    assert_eq!((g.count, g.findings.len()), (30, 5));
    assert_eq!(g.findings[0].line, Some(4));
    let _ = SESSION;
}

#[test]
fn an_orphan_accounts_password_is_not_judged() {
    let mut b = clean();
    let gone = Ids::new(95).next(USER);
    b.account(
        &gone,
        "credential",
        Some("$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"),
    );
    let r = scan_of(&b);
    assert_eq!(r.count(Code::OrphanAccount), 1);
    assert_eq!(r.count(Code::ForeignHash), 0, "{r:#?}");
}

/// The progress the scan reports drives the bar on a terminal: bytes only
/// grow, every table is announced, and at the end the bytes read are the
/// bytes the ZIP declares (the clean export's Google-only user makes the
/// scan read the `user` table twice, which the total must include).
#[test]
fn progress_counts_every_byte_of_every_table() {
    let dir = tempfile::tempdir().unwrap();
    let zip = clean().build(dir.path());
    let options = doctor_support::options(&zip);
    let mut snapshot = Snapshot::open(&zip).unwrap();
    let mut events: Vec<(String, u64, u64)> = Vec::new();
    let result = scan(&mut snapshot, &options, 20, &mut |p| {
        events.push((p.table.to_owned(), p.bytes, p.total_bytes))
    })
    .unwrap();
    assert!(result.stats.second_pass);

    let documents: Vec<(String, u64)> = entry_sizes(&zip)
        .into_iter()
        .filter(|(name, _)| name.ends_with("/documents.jsonl") && !name.contains("_tables/"))
        .collect();
    let user_table = documents
        .iter()
        .find(|(n, _)| n == "_components/betterAuth/user/documents.jsonl")
        .unwrap()
        .1;
    let all: u64 = documents.iter().map(|(_, size)| size).sum();
    let (_, bytes, total) = events.last().unwrap().clone();
    assert_eq!(total, all + user_table, "{events:?}");
    assert!(bytes <= total);
    assert!(events.windows(2).all(|w| w[0].1 <= w[1].1), "{events:?}");
    for table in [
        "betterAuth/user",
        "betterAuth/account",
        "betterAuth/session",
        "users",
    ] {
        assert!(events.iter().any(|e| e.0 == table), "{table}: {events:?}");
    }
    assert!(events.iter().any(|e| e.0.ends_with("(second pass)")));
}

/// Every entry of the ZIP with its uncompressed size.
fn entry_sizes(zip: &std::path::Path) -> Vec<(String, u64)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let f = archive.by_index(i).unwrap();
            (f.name().to_owned(), f.size())
        })
        .collect()
}

/// An address zod's `z.email()` refuses can never be typed at sign-in; an
/// uppercase or space-padded one that passes once fixed is reported as
/// `email-case` / `email-whitespace` only, not twice.
#[test]
fn invalid_email_only_for_addresses_zod_refuses() {
    let mut b = clean();
    let dots = b.person("two..dots@example.com");
    let _ = b.person("jürgen@example.com");
    let _ = b.person("admin@localhost");
    let _ = b.person("Upper.Case@Example.com");
    let _ = b.person(" padded@example.com");
    let r = scan_of(&b);
    assert_eq!(r.count(Code::InvalidEmail), 3, "{r:#?}");
    assert_eq!(severity(&r, Code::InvalidEmail), Severity::Error);
    assert_eq!(r.count(Code::EmailCase), 1);
    assert_eq!(r.count(Code::EmailWhitespace), 1);
    let f = r
        .group(Code::InvalidEmail)
        .unwrap()
        .findings
        .iter()
        .find(|f| f.id.as_deref() == Some(dots.as_str()))
        .unwrap();
    assert!(f.message.contains("400 INVALID_EMAIL"), "{}", f.message);
}
