//! `bascrypt doctor` as a user runs it: exit codes, JSON shape, secrets.

mod doctor_support;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use doctor_support::ExportBuilder;
use serde_json::Value;

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bascrypt"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn export(dir: &std::path::Path, broken: bool) -> String {
    let mut b = ExportBuilder::default();
    let id = b.person("alice@example.com");
    b.app_user("alice@example.com", Some(&id));
    if broken {
        b.app_user("admin@example.com", None);
    }
    b.build(dir).display().to_string()
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let clean = export(dir.path(), false);
    let o = run(&["doctor", &clean], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("no findings"));

    let dir2 = tempfile::tempdir().unwrap();
    let broken = export(dir2.path(), true);
    let o = run(&["doctor", &broken], b"");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("error app-only-user × 1"),
        "{}",
        stdout(&o)
    );

    let not_zip = dir.path().join("x.zip");
    std::fs::write(&not_zip, b"hello").unwrap();
    let o = run(&["doctor", not_zip.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn json_whole_export() {
    let dir = tempfile::tempdir().unwrap();
    let zip = export(dir.path(), true);
    let o = run(&["doctor", &zip, "--json"], b"");
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["code"], "app-only-user");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["table"], "users");
    assert_eq!(f["email"], "admin@example.com");
    assert!(f["fix"].as_str().unwrap().contains("add-user"));
    assert_eq!(v["groups"][0]["count"], 1);
    assert!(v["signin"].is_null());
}

#[test]
fn json_one_email_with_password_never_prints_it() {
    let dir = tempfile::tempdir().unwrap();
    let zip = export(dir.path(), false);
    let secret = "not-the-password-42";
    let o = run(
        &[
            "doctor",
            &zip,
            "--email",
            "Alice@Example.com",
            "--password-stdin",
            "--explain",
            "--json",
        ],
        format!("{secret}\n").as_bytes(),
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(!out.contains(secret) && !String::from_utf8_lossy(&o.stderr).contains(secret));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["lookup"], "alice@example.com");
    assert_eq!(v["signin"]["1.6"]["status"], 401);
    assert_eq!(v["signin"]["1.7"]["log"], "Invalid password");
    assert_eq!(v["findings"][0]["code"], "wrong-password");
    assert!(v["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("no-known-cause"));
    assert_eq!(v["password_reset"]["email_sent"], true);

    let o = run(
        &[
            "doctor",
            &zip,
            "--email",
            "alice@example.com",
            "--password-stdin",
        ],
        b"password123\n",
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("Better Auth 1.6: signs in (200)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn explain_needs_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let zip = export(dir.path(), false);
    let o = run(
        &["doctor", &zip, "--email", "a@example.com", "--explain"],
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--password-stdin"));
}
