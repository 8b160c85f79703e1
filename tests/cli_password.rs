//! The `hash`, `verify` and `inspect` commands as a user runs them: exit codes, output, secrets.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const GOOD: &str = "00112233445566778899aabbccddeeff:73122e887cfc14f91396cdef78dfe4b9dec28d459037601c4904cedba5a637ab97b39b40c236df5d42881d0109ca8cf0f85e39dbaba2911c190915bd8f30fe85";

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bascrypt"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The command may exit before reading (bad flags): a broken pipe here is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn hash_with_salt_reproduces_the_known_answer() {
    let o = run(
        &[
            "hash",
            "--password-stdin",
            "--salt",
            "00112233445566778899aabbccddeeff",
        ],
        b"password123\n",
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(text(&o).0, format!("{GOOD}\n"));
}

#[test]
fn hash_strips_exactly_one_newline() {
    let salt = "00112233445566778899aabbccddeeff";
    let crlf = run(
        &["hash", "--password-stdin", "--salt", salt],
        b"password123\r\n",
    );
    assert_eq!(text(&crlf).0, format!("{GOOD}\n"));
    let two = run(
        &["hash", "--password-stdin", "--salt", salt],
        b"password123\n\n",
    );
    assert_ne!(text(&two).0, format!("{GOOD}\n"));
}

#[test]
fn hash_refuses_the_empty_password() {
    for input in [&b""[..], b"\n", b"\r\n"] {
        let o = run(&["hash", "--password-stdin"], input);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            text(&o).1.contains("the password is empty"),
            "{:?}",
            text(&o)
        );
        assert!(text(&o).0.is_empty());
    }
}

#[test]
fn hash_warns_about_better_auth_length_limits() {
    let o = run(&["hash", "--password-stdin"], b"short\n");
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o).1.contains("minimum is 8"), "{:?}", text(&o));
    let long = "é".repeat(129);
    let o = run(&["hash", "--password-stdin", "--json"], long.as_bytes());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["warnings"][0].as_str().unwrap().contains("129 UTF-16"));
    assert_eq!(v["hash"].as_str().unwrap().len(), 161);
}

#[test]
fn verify_exit_codes_are_the_contract() {
    assert_eq!(
        run(&["verify", GOOD, "--password-stdin"], b"password123")
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&["verify", GOOD, "--password-stdin"], b"password124")
            .status
            .code(),
        Some(1)
    );
    let upper = GOOD.to_uppercase();
    assert_eq!(
        run(&["verify", &upper, "--password-stdin"], b"password123")
            .status
            .code(),
        Some(1)
    );
    let o = run(
        &[
            "verify",
            "$2a$10$abcdefghijklmnopqrstuv",
            "--password-stdin",
        ],
        b"password123",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).0.contains("Invalid password hash"),
        "{:?}",
        text(&o)
    );
    assert!(text(&o).0.contains("bcrypt"), "{:?}", text(&o));
}

#[test]
fn verify_json_has_match_and_findings() {
    let o = run(
        &["verify", GOOD, "--password-stdin", "--json"],
        b"password123\n",
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["match"], true);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);

    let padded = format!("{GOOD}\n");
    let o = run(
        &["verify", &padded, "--password-stdin", "--json", "--explain"],
        b"password123\n",
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["match"], false);
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"whitespace"), "{codes:?}");
    assert!(codes.contains(&"stored-whitespace"), "{codes:?}");
}

#[test]
fn inspect_exit_codes_and_json() {
    assert_eq!(run(&["inspect", GOOD], b"").status.code(), Some(0));
    let o = run(&["inspect", &GOOD[..100], "--json"], b"");
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verdict"], "never-matches");
    assert_eq!(v["findings"][0]["code"], "key-length");
}

#[test]
fn unusable_input_exits_2_with_a_specific_message() {
    let o = run(&["verify", GOOD, "--password-stdin"], b"\xff\xfe");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("not valid UTF-8"), "{:?}", text(&o));

    let o = run(&["hash", "--password-stdin", "--salt", "ABC"], b"pw");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("32 hex characters"), "{:?}", text(&o));

    // No flag and no terminal: say how to give the password instead of hanging.
    let o = run(&["hash"], b"password123\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("--password-stdin"), "{:?}", text(&o));

    let o = run(&["hash", "--password-stdin", "--scrypt-n", "1000"], b"pw");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("power of two"), "{:?}", text(&o));

    let o = run(
        &["hash", "--password-stdin", "--scrypt-n", "1099511627776"],
        b"pw",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o)
            .1
            .contains("--scrypt-n must be a power of two from 2 to 2^31, got 1099511627776"),
        "{:?}",
        text(&o)
    );

    // Refused at once, not after hours of hashing.
    let started = std::time::Instant::now();
    let o = run(
        &["hash", "--password-stdin", "--scrypt-p", "1000000"],
        b"pw",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o)
            .1
            .contains("makes one hash 1000000x the work of Better Auth's"),
        "{:?}",
        text(&o)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn no_password_on_the_command_line_and_none_in_output() {
    let secret = "Tr0ub4dor&3-unique-marker";
    let help = run(&["hash", "--help"], b"");
    assert!(
        !text(&help).0.contains("--password "),
        "a flag takes the password"
    );
    let h = run(&["hash", "--password-stdin"], secret.as_bytes());
    let stored = text(&h).0.trim().to_string();
    for args in [
        vec!["verify", stored.as_str(), "--password-stdin", "--explain"],
        vec!["verify", stored.as_str(), "--password-stdin", "--json"],
        vec!["verify", "not-a-hash", "--password-stdin", "--json"],
        vec!["verify", GOOD, "--password-stdin", "--explain", "--json"],
    ] {
        let o = run(&args, secret.as_bytes());
        let (out, err) = text(&o);
        assert!(
            !out.contains(secret) && !err.contains(secret),
            "{args:?} leaked it"
        );
    }
}

#[test]
fn a_password_with_a_line_break_inside_is_warned_about() {
    let o = run(
        &["hash", "--password-stdin"],
        b"Zebra-Quokka-7731\nsecond\n",
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("contains a line break (U+000A, character 18)"),
        "{err}"
    );
    assert!(!err.contains("Zebra") && !out.contains("Zebra"));
    let o = run(&["hash", "--password-stdin"], b"tab\there-and-more\n");
    assert!(text(&o).1.contains("contains a tab (U+0009, character 4)"));
}
