//! The whole-export scan: every table read once, streaming, against compact
//! indexes; the component `user` table read a second time when findings
//! about users can only be told after the accounts were read.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use crate::auth_rows::{AccountRow, UserRow};
use crate::convex::Snapshot;

use super::checks::{check_credential, check_row, check_user, label, line_error, TableInfo};
use super::finding::{Code, Severity};
use super::fix::{shell_word, Fixes, EMAIL_PLACEHOLDER};
use super::index::{email_key, flags, hash64, HashSet64, UserIndex};
use super::report::{Collector, Report};
use super::{DoctorError, DoctorOptions};

/// Where a running scan is, for a progress display.
#[derive(Clone, Copy, Debug)]
pub struct ScanProgress<'a> {
    /// The table being read (`betterAuth/user`, `users`, …).
    pub table: &'a str,
    /// Rows of it read so far.
    pub rows: u64,
    /// Bytes of `documents.jsonl` read so far, over every table.
    pub bytes: u64,
    /// Bytes to read in all, as the ZIP declares them; grows once if the
    /// `user` table has to be read a second time.
    pub total_bytes: u64,
}

/// How much the scan read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ScanStats {
    /// Tables read.
    pub tables: u64,
    /// Lines read, over all tables (the second pass not counted).
    pub rows: u64,
    /// Component `user` rows.
    pub users: u64,
    /// Component `account` rows.
    pub accounts: u64,
    /// Component `session` rows.
    pub sessions: u64,
    /// Rows of the app's own users table.
    pub app_rows: u64,
    /// Whether the `user` table was read a second time.
    pub second_pass: bool,
    /// Wall time.
    #[serde(serialize_with = "secs")]
    pub elapsed: Duration,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// What [`scan`] found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScanReport {
    /// The findings, grouped by code, worst first.
    pub report: Report,
    /// What was read.
    pub stats: ScanStats,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    User,
    Account,
    Session,
    App,
    Other,
}

const PROGRESS_EVERY: u64 = 1 << 16;

/// Reads the whole export and reports every finding, at most `limit` kept
/// per code (all are counted).
///
/// Streams: memory is the compact indexes described in [the module
/// docs](super), not the documents. Reads every table of every component
/// once, and the component `user` table a second time when some user has no
/// credential account, emails or `_id`s repeat, users carry a legacy
/// `userId` link, or a kept finding needs its user's email for the fix line;
/// a table with repeated `_id`s is also read again to name them.
/// `progress` is called at the start of each table and every 65,536 rows,
/// with the bytes read so far and in all, for a progress bar.
///
/// # Errors
/// An entry cannot be read (damaged ZIP). A line that is not a document is
/// a `bad-line` finding, not an error.
pub fn scan(
    snapshot: &mut Snapshot,
    options: &DoctorOptions,
    limit: usize,
    progress: &mut dyn FnMut(ScanProgress<'_>),
) -> Result<ScanReport, DoctorError> {
    let started = Instant::now();
    let fixes = Fixes { options };
    let mut c = Collector::new(limit);
    let mut stats = ScanStats::default();
    let auth = options.component.trim_matches('/').to_owned();

    let mut order: Vec<(String, String, Role)> = Vec::new();
    let has_auth = snapshot.components().iter().any(|x| x.name() == auth);
    if has_auth {
        for (table, role) in [
            ("user", Role::User),
            ("account", Role::Account),
            ("session", Role::Session),
        ] {
            order.push((auth.clone(), table.to_owned(), role));
        }
    } else {
        component_missing(snapshot, options, &mut c);
    }
    order.push((String::new(), options.app_table.clone(), Role::App));
    for comp in snapshot.components() {
        for t in comp.tables() {
            if !order
                .iter()
                .any(|(c, n, _)| c == comp.name() && *n == t.name)
            {
                order.push((comp.name().to_owned(), t.name.clone(), Role::Other));
            }
        }
    }
    order.retain(|(comp, table, _)| {
        snapshot
            .component(comp)
            .map(|c| snapshot.has_entry(&c.documents_entry(table)))
            .unwrap_or(false)
    });

    let mut total_bytes = 0u64;
    for (comp, table, _) in &order {
        let entry = snapshot.component(comp)?.documents_entry(table);
        total_bytes += snapshot.entry_size(&entry).unwrap_or(0);
    }
    let mut bytes = 0u64;

    let mut users = UserIndex::default();
    let mut repeated_user_ids = HashSet64::default();
    let mut emails = HashSet64::default();
    let mut repeated_emails = HashSet64::default();
    let mut app_ids: Option<HashSet64> = None;
    let mut legacy_links = 0u64;

    for (comp, table, role) in &order {
        let info = TableInfo::read(snapshot, comp, table)?;
        progress(ScanProgress {
            table: &info.label,
            rows: 0,
            bytes,
            total_bytes,
        });
        stats.tables += 1;
        let mut ids = HashSet64::default();
        let mut read = 0u64;
        let mut rows = snapshot.rows(comp, table)?;
        for item in &mut rows {
            let mut row = match item {
                Ok(row) => row,
                Err(e) => {
                    line_error(&info, e, &mut c)?;
                    continue;
                }
            };
            read += 1;
            bytes += row.raw.len() as u64 + 1;
            if read.is_multiple_of(PROGRESS_EVERY) {
                progress(ScanProgress {
                    table: &info.label,
                    rows: read,
                    bytes,
                    total_bytes,
                });
            }
            check_row(&info, &row, &mut c);
            if let Some(id) = row.id() {
                ids.push(hash64(id));
            }
            match role {
                Role::User => {
                    let doc = Value::Object(std::mem::take(&mut row.document));
                    let user = UserRow::from_document(&doc);
                    check_user(&info, row.line, &user, &fixes, &mut c);
                    if let Some(email) = &user.email {
                        emails.push(email_key(email));
                    }
                    if user.legacy_app_id.is_some() {
                        legacy_links += 1;
                    }
                    if options.require_email_verification && user.email_verified != Some(true) {
                        c.add(Code::EmailNotVerified, Severity::Error, &info.label, |f| {
                            f.id(Some(&user.id)).email(user.email.as_deref()).line(row.line)
                                .message("emailVerified is not true and the app requires email verification: sign-in answers 403 EMAIL_NOT_VERIFIED even with the right password")
                                .fix("set emailVerified to true on this row if the address is known to be theirs, or have them verify it")
                        });
                    }
                }
                Role::Account => {
                    let doc = Value::Object(std::mem::take(&mut row.document));
                    let account = AccountRow::from_document(&doc);
                    let credential = account.is_credential();
                    let user = account.user_id.as_deref().map(hash64);
                    let flag =
                        flags::HAS_ACCOUNT | if credential { flags::HAS_CREDENTIAL } else { 0 };
                    match user.and_then(|u| users.mark(u, flag)) {
                        None => {
                            let uid = account.user_id.as_deref().unwrap_or("(missing)");
                            c.add(Code::OrphanAccount, Severity::Warning, &info.label, |f| {
                                f.id(Some(&account.id)).line(row.line).message(format!(
                                    "the account's userId {uid:?} is no user in the component: nobody can sign in with it"
                                ))
                                .fix("delete this account row, or point userId at the right user's _id")
                            });
                            // Its password cannot matter: no sign-in ever reaches it.
                        }
                        Some(before) => {
                            c.set_user_ref(user);
                            if credential && before & flags::HAS_CREDENTIAL != 0 {
                                c.add(Code::DuplicateCredentialAccount, Severity::Warning, &info.label, |f| {
                                    f.id(Some(&account.id)).line(row.line).message(
                                        "the user already has a credential account: 1.6 uses the first one in table order, 1.7 the one whose accountId is the user's _id, so the two versions may check different passwords",
                                    )
                                    .fix(format!("keep one credential account (accountId = the user's _id) and delete the other; `bascrypt doctor {} --email {EMAIL_PLACEHOLDER}` shows which one each version uses", shell_word(&options.snapshot_name)))
                                });
                            }
                            if credential {
                                check_credential(&info, row.line, &account, None, &fixes, &mut c);
                            }
                            c.set_user_ref(None);
                        }
                    }
                }
                Role::Session => {
                    let uid = row.str_field("userId");
                    if uid.map(hash64).and_then(|u| users.flags_of(u)).is_none() {
                        let uid = uid.unwrap_or("(missing)");
                        c.add(Code::OrphanSession, Severity::Warning, &info.label, |f| {
                            f.id(row.id())
                                .line(row.line)
                                .message(format!(
                                    "the session's userId {uid:?} is no user in the component"
                                ))
                                .fix("delete this session row (it can never be used)")
                        });
                    }
                }
                Role::App => {
                    let email = row.str_field("email");
                    let link = row.str_field(&options.app_link);
                    let linked = match link {
                        Some(l) if users.ids.contains(hash64(l)) => true,
                        Some(l) => {
                            let link_field = &options.app_link;
                            c.add(Code::AppLinkBroken, Severity::Error, &info.label, |f| {
                                f.id(row.id()).email(email).line(row.line).message(format!(
                                    "`{link_field}` is {l:?}, which is no user in the `{auth}` component: the app cannot find this person's auth user (and queries joining on it return nothing)"
                                ))
                                .fix(format!("set `{link_field}` to the component user's _id (`bascrypt doctor {} --email <EMAIL>` shows it), or add the user", shell_word(&options.snapshot_name)))
                            });
                            false
                        }
                        None => false,
                    };
                    if let Some(e) = email {
                        if !linked && has_auth && !emails.contains(email_key(e)) {
                            c.add(Code::AppOnlyUser, Severity::Error, &info.label, |f| {
                                f.id(row.id()).email(Some(e)).line(row.line).message(format!(
                                    "{e:?} is in the app's `{}` table but has no `{auth}` user: sign-in and password reset answer \"User not found\" (the dual-table trap)",
                                    options.app_table
                                ))
                                .fix(fixes.add_user(e, true))
                            });
                        }
                    }
                }
                Role::Other => {}
            }
        }
        drop(rows);
        stats.rows += read;
        let repeated = match role {
            Role::User => {
                stats.users = read;
                let repeated;
                (users, repeated) = UserIndex::from_ids(ids);
                repeated_emails = emails.finish();
                // Named in the second pass over `user`.
                repeated_user_ids = repeated;
                HashSet64::default()
            }
            Role::App => {
                stats.app_rows = read;
                let repeated = ids.finish();
                app_ids = Some(ids);
                repeated
            }
            _ => {
                match role {
                    Role::Account => stats.accounts = read,
                    Role::Session => stats.sessions = read,
                    _ => {}
                }
                ids.finish()
            }
        };
        if !repeated.is_empty() {
            report_repeated_ids(snapshot, comp, table, &info, &repeated, &mut c)?;
        }
    }

    let user_table = has_auth
        && order
            .iter()
            .any(|(comp, t, _)| *comp == auth && t == "user");
    let needs_second_pass = !repeated_user_ids.is_empty()
        || !repeated_emails.is_empty()
        || legacy_links > 0
        || !c.pending.is_empty()
        || users.flags.iter().any(|f| f & flags::HAS_CREDENTIAL == 0);
    if user_table && needs_second_pass {
        stats.second_pass = true;
        let info = TableInfo::read(snapshot, &auth, "user")?;
        let pass_label = format!("{} (second pass)", info.label);
        // Lines that failed to parse were not counted: start from the end.
        bytes = total_bytes;
        let entry = snapshot.component(&auth)?.documents_entry("user");
        let total_bytes = total_bytes + snapshot.entry_size(&entry).unwrap_or(0);
        progress(ScanProgress {
            table: &pass_label,
            rows: 0,
            bytes,
            total_bytes,
        });
        let mut pending: HashMap<u64, Vec<(Code, usize)>> = HashMap::new();
        for (code, index, user) in std::mem::take(&mut c.pending) {
            pending.entry(user).or_default().push((code, index));
        }
        let mut read = 0u64;
        for row in snapshot.rows(&auth, "user")?.flatten() {
            read += 1;
            bytes += row.raw.len() as u64 + 1;
            if read.is_multiple_of(PROGRESS_EVERY) {
                progress(ScanProgress {
                    table: &pass_label,
                    rows: read,
                    bytes,
                    total_bytes,
                });
            }
            let Some(id) = row.id() else { continue };
            let h = hash64(id);
            let email = row.str_field("email");
            if repeated_user_ids.contains(h) {
                c.add(Code::DuplicateId, Severity::Error, &info.label, |f| {
                    f.id(Some(id))
                        .email(email)
                        .line(row.line)
                        .message(format!(
                            "`_id` {id} occurs more than once in `{}`: the import fails",
                            info.label
                        ))
                        .fix("delete all but one of the rows with this _id")
                });
            }
            if let Some(e) = email {
                if repeated_emails.contains(email_key(e)) {
                    c.add(Code::DuplicateEmail, Severity::Error, &info.label, |f| {
                        f.id(Some(id)).email(Some(e)).line(row.line).message(format!(
                            "another user has the email {:?} (exactly, or differing only in case or surrounding spaces): Better Auth finds only the exactly-equal lowercase one, and which of two equal ones is not defined",
                            e.trim().to_lowercase()
                        ))
                        .fix("keep one user for this email: move what matters to it and delete the other (with its accounts and sessions)")
                    });
                }
            }
            if let Some(f) = users.flags_of(h) {
                if f & flags::HAS_CREDENTIAL == 0 {
                    let (severity, why) = if f & flags::HAS_ACCOUNT != 0 {
                        (
                            Severity::Info,
                            "the user signs in with another provider only (OAuth)",
                        )
                    } else {
                        (Severity::Warning, "the user has no account at all, so cannot sign in by any method (a migration that wrote users but not accounts does this)")
                    };
                    let shown = email.unwrap_or(EMAIL_PLACEHOLDER);
                    c.add(Code::NoCredentialAccount, severity, &info.label, |f| {
                        f.id(Some(id)).email(email).line(row.line).message(format!(
                            "no account with providerId \"credential\": {why}; email + password sign-in logs \"Credential account not found\" on 1.6, \"User not found\" on 1.7"
                        ))
                        .fix(format!("if they should sign in with a password: {} (or password reset, which creates the account)", fixes.set_password(shown)))
                    });
                }
            }
            if let (Some(legacy), Some(app)) = (row.str_field("userId"), &app_ids) {
                if !app.contains(hash64(legacy)) {
                    c.add(Code::AppLinkBroken, Severity::Error, &info.label, |f| {
                        f.id(Some(id)).email(email).line(row.line).message(format!(
                            "the user's legacy `userId` link is {legacy:?}, which is no row of the app's `{}` table",
                            options.app_table
                        ))
                        .fix("point userId at the app row's _id, or drop the field if the app links by `authId` now")
                    });
                }
            }
            if let (Some(list), Some(e)) = (pending.get(&h), email) {
                for &(code, index) in list {
                    if let Some(f) = c.kept_mut(code, index) {
                        f.email = Some(e.to_owned());
                        f.fix = f.fix.replace(EMAIL_PLACEHOLDER, &shell_word(e));
                        if e != e.trim().to_lowercase() && f.fix.contains("bascrypt snapshot") {
                            // The snapshot commands find users by the lowercase email.
                            f.fix = format!("first fix this user's stored email (email-case / email-whitespace), then: {}", f.fix.replace(&shell_word(e), &shell_word(&e.trim().to_lowercase())));
                        }
                    }
                }
            }
        }
    }
    stats.elapsed = started.elapsed();
    Ok(ScanReport {
        report: c.finish(),
        stats,
    })
}

pub(crate) fn component_missing(snapshot: &Snapshot, options: &DoctorOptions, c: &mut Collector) {
    let auth = options.component.trim_matches('/');
    let candidates: Vec<String> = snapshot
        .components()
        .iter()
        .filter(|x| x.table("user").is_some() && x.table("account").is_some())
        .map(|x| x.name().to_owned())
        .collect();
    let hint = match candidates.first() {
        Some(name) => format!(
            "component `{name}` has `user` and `account` tables: if Better Auth is mounted there, run again with --component {name}"
        ),
        None => format!(
            "export the deployment again (`npx convex export`) and check that `_components/{auth}/` is in the ZIP; never import this one with --replace-all"
        ),
    };
    c.add(Code::ComponentMissing, Severity::Error, "(export)", |f| {
        f.message(format!(
            "the export has no `{auth}` component (`_components/{auth}/`): nobody can be found to sign in, and `npx convex import --replace-all` of this ZIP would delete every Better Auth table"
        ))
        .fix(hint)
    });
}

fn report_repeated_ids(
    snapshot: &mut Snapshot,
    comp: &str,
    table: &str,
    info: &TableInfo,
    repeated: &HashSet64,
    c: &mut Collector,
) -> Result<(), DoctorError> {
    for row in snapshot.rows(comp, table)?.flatten() {
        if let Some(id) = row.id() {
            if repeated.contains(hash64(id)) {
                c.add(Code::DuplicateId, Severity::Error, &info.label, |f| {
                    f.id(Some(id))
                        .line(row.line)
                        .message(format!(
                            "`_id` {id} occurs more than once in `{}`: the import fails",
                            label(comp, table)
                        ))
                        .fix("delete all but one of the rows with this _id")
                });
            }
        }
    }
    Ok(())
}
