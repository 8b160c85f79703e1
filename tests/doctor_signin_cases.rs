//! The sign-in fixtures of `tests/fixtures/signin-cases.json`, through
//! `doctor --email`: codes, 1.6/1.7 verdicts and the password-reset verdict.
//! The same file feeds the real Better Auth (vectors/signin.mjs) in CI.

mod doctor_support;

use std::collections::BTreeSet;

use bascrypt::convex::Snapshot;
use bascrypt::doctor::{diagnose_email, EmailCheck, EmailDiagnosis};
use doctor_support::{line, ExportBuilder};
use serde_json::Value;

fn cases() -> Vec<Value> {
    let text = include_str!("fixtures/signin-cases.json");
    let doc: Value = serde_json::from_str(text).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn case(name: &str) -> Value {
    cases()
        .into_iter()
        .find(|c| c["case"] == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

/// Builds the case's export and runs the doctor for its attempt.
fn run(case: &Value) -> (EmailDiagnosis, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut b = ExportBuilder::default();
    let rows =
        |key: &str| -> Vec<String> { case[key].as_array().unwrap().iter().map(line).collect() };
    b.users = rows("users");
    b.accounts = rows("accounts");
    b.app_users = rows("app_users");
    let zip = b.build(dir.path());
    let mut options = doctor_support::options(&zip);
    options.require_email_verification = case["requireEmailVerification"].as_bool().unwrap();
    let mut snapshot = Snapshot::open(&zip).unwrap();
    let check = EmailCheck {
        email: case["attempt"]["email"].as_str().unwrap(),
        password: case["attempt"]["password"].as_str(),
        explain: false,
    };
    let d = diagnose_email(&mut snapshot, &check, &options).unwrap();
    (d, zip.display().to_string())
}

fn check_case(case: &Value) -> EmailDiagnosis {
    let name = case["case"].as_str().unwrap();
    let (d, _) = run(case);
    let codes: BTreeSet<&str> = d.findings.iter().map(|f| f.code.as_str()).collect();
    let expected: BTreeSet<&str> = case["expect"]["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(codes, expected, "{name}: codes; findings {:#?}", d.findings);
    for v in &d.signin {
        let want = &case["expect"]["signin"][v.version.as_str()];
        assert_eq!(
            v.status.map(u64::from),
            want["status"].as_u64(),
            "{name}: {} status ({})",
            v.version.as_str(),
            v.reason
        );
        assert_eq!(
            v.log,
            want["log"].as_str(),
            "{name}: {} log",
            v.version.as_str()
        );
    }
    let reset = &case["expect"]["reset"];
    assert_eq!(
        u64::from(d.password_reset.status),
        reset["status"].as_u64().unwrap(),
        "{name}: reset status"
    );
    assert_eq!(
        d.password_reset.email_sent,
        reset["email_sent"].as_bool().unwrap(),
        "{name}: reset email"
    );
    assert_eq!(
        d.password_reset.log,
        reset["log"].as_str(),
        "{name}: reset log"
    );
    assert!(
        d.findings.iter().all(|f| !f.fix.is_empty()),
        "{name}: every finding has a fix"
    );
    d
}

#[test]
fn every_signin_case() {
    let all = cases();
    assert!(all.len() >= 19);
    for case in &all {
        check_case(case);
    }
}

#[test]
fn issue_case_1_app_only_admin() {
    let c = case("app-only-admin");
    let (d, zip) = run(&c);
    check_case(&c);
    assert!(d.has_errors());
    let app_only = d
        .findings
        .iter()
        .find(|f| f.code.as_str() == "app-only-user")
        .unwrap();
    assert_eq!(app_only.table, "users");
    assert_eq!(
        app_only.fix,
        format!(
            "bascrypt snapshot add-user {zip} --email admin@example.com --app-table users -o {}",
            zip.replace(".zip", "-fixed.zip")
        )
    );
    assert!(d.has(bascrypt::doctor::Code::UserMissing));
}

#[test]
fn issue_case_2_mixed_case_email() {
    let d = check_case(&case("email-case"));
    let f = d
        .findings
        .iter()
        .find(|f| f.code.as_str() == "email-case")
        .unwrap();
    assert_eq!(f.email.as_deref(), Some("Ops.Lead@Example.com"));
    assert_eq!(f.line, Some(1));
    for v in &d.signin {
        assert_eq!((v.status, v.log), (Some(401), Some("User not found")));
    }
}

#[test]
fn issue_case_3_bcrypt_is_a_server_error() {
    let d = check_case(&case("bcrypt"));
    assert!(d.has(bascrypt::doctor::Code::ForeignHash));
    for v in &d.signin {
        assert_eq!(v.status, Some(500), "not 401: {}", v.reason);
    }
    let f = d
        .findings
        .iter()
        .find(|f| f.code.as_str() == "foreign-hash")
        .unwrap();
    assert!(
        f.fix.contains("bascrypt snapshot set-password"),
        "{}",
        f.fix
    );
    assert!(f.fix.contains("--email migrated@example.com"), "{}", f.fix);
}

#[test]
fn issue_case_4_google_only() {
    let d = check_case(&case("google-only"));
    assert!(d.has(bascrypt::doctor::Code::NoCredentialAccount));
    assert_eq!(d.signin[0].log, Some("Credential account not found"));
    assert_eq!(d.signin[1].log, Some("User not found"));
}
