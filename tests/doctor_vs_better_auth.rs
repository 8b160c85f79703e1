//! Doctor's sign-in and password-reset verdicts against the real Better Auth
//! (1.6.x and 1.7.x, `vectors/signin.mjs` over the memory adapter), on every
//! case of `tests/fixtures/signin-cases.json`.
//!
//! Needs `npm ci --prefix vectors` first; `BASCRYPT_SKIP_NODE=1` skips it.

mod doctor_support;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use bascrypt::convex::Snapshot;
use bascrypt::doctor::{diagnose_email, EmailCheck};
use doctor_support::{line, ExportBuilder};
use serde_json::{json, Value};

fn vectors_dir() -> Option<PathBuf> {
    if std::env::var("BASCRYPT_SKIP_NODE").as_deref() == Ok("1") {
        eprintln!("doctor_vs_better_auth: skipped because BASCRYPT_SKIP_NODE=1");
        return None;
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors");
    assert!(
        dir.join("node_modules/better-auth-16/package.json").is_file(),
        "vectors/node_modules is missing: run `npm ci --prefix vectors` (or set BASCRYPT_SKIP_NODE=1)"
    );
    Some(dir)
}

fn signin_mjs(dir: &PathBuf, input: &Value) -> Value {
    let mut child = Command::new("node")
        .arg(dir.join("signin.mjs"))
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The real log lines contain doctor's line (`Invalid password hash` is
/// logged as `Error Error: Invalid password hash`); no line means no logs.
fn log_agrees(doctor: Option<&str>, real: &Value) -> bool {
    let real: Vec<&str> = real
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    match doctor {
        None => real.is_empty(),
        Some(line) => real.iter().any(|r| r.contains(line)),
    }
}

/// Runs every case of one `requireEmailVerification` setting in one
/// `signin.mjs` call per version: the cases' emails are distinct, so their
/// rows can share one database without changing any answer.
#[test]
fn doctor_agrees_with_real_better_auth() {
    let Some(dir) = vectors_dir() else { return };
    let doc: Value = serde_json::from_str(include_str!("fixtures/signin-cases.json")).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    let mut compared = 0;
    for require in [false, true] {
        let group: Vec<&Value> = cases
            .iter()
            .filter(|c| c["requireEmailVerification"] == require)
            .collect();
        let concat = |key: &str| -> Vec<Value> {
            group
                .iter()
                .flat_map(|c| c[key].as_array().unwrap().clone())
                .collect()
        };
        let attempts: Vec<Value> = group
            .iter()
            .flat_map(|c| {
                let a = &c["attempt"];
                [a.clone(), json!({"kind": "reset", "email": a["email"]})]
            })
            .collect();
        let diagnoses: Vec<_> = group.iter().map(|c| doctor(c)).collect();
        for (version, label) in [("16", "1.6"), ("17", "1.7")] {
            let real = signin_mjs(
                &dir,
                &json!({
                    "version": version,
                    "users": concat("users"),
                    "accounts": concat("accounts"),
                    "requireEmailVerification": require,
                    "attempts": attempts,
                }),
            );
            for (i, case) in group.iter().enumerate() {
                let d = &diagnoses[i];
                let verdict = d
                    .signin
                    .iter()
                    .find(|v| v.version.as_str() == label)
                    .unwrap();
                let (signin, reset) = (&real["results"][2 * i], &real["results"][2 * i + 1]);
                let who = format!("{} on {}", case["case"], real["better_auth"]);
                assert_eq!(
                    verdict.status.map(u64::from),
                    signin["status"].as_u64(),
                    "{who}: status; doctor says {}",
                    verdict.reason
                );
                assert!(
                    log_agrees(verdict.log, &signin["logs"]),
                    "{who}: doctor logs {:?}, real {}",
                    verdict.log,
                    signin["logs"]
                );
                assert_eq!(
                    Some(u64::from(d.password_reset.status)),
                    reset["status"].as_u64(),
                    "{who}: reset status"
                );
                assert_eq!(
                    Some(d.password_reset.email_sent),
                    reset["reset_email_sent"].as_bool(),
                    "{who}: reset email"
                );
                assert!(
                    log_agrees(d.password_reset.log, &reset["logs"]),
                    "{who}: reset log {}",
                    reset["logs"]
                );
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 2 * cases.len());
}

fn doctor(case: &Value) -> bascrypt::doctor::EmailDiagnosis {
    let tmp = tempfile::tempdir().unwrap();
    let mut b = ExportBuilder::default();
    let rows =
        |key: &str| -> Vec<String> { case[key].as_array().unwrap().iter().map(line).collect() };
    b.users = rows("users");
    b.accounts = rows("accounts");
    b.app_users = rows("app_users");
    let zip = b.build(tmp.path());
    let mut options = doctor_support::options(&zip);
    options.require_email_verification = case["requireEmailVerification"].as_bool().unwrap();
    let attempt = &case["attempt"];
    let check = EmailCheck {
        email: attempt["email"].as_str().unwrap(),
        password: attempt["password"].as_str(),
        explain: false,
    };
    diagnose_email(&mut Snapshot::open(&zip).unwrap(), &check, &options).unwrap()
}
