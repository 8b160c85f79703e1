//! Round trips between the `bascrypt` binary and the real better-auth npm
//! packages (1.6.x and 1.7.x, installed side by side in vectors/node_modules).
//!
//! Needs `npm ci --prefix vectors` first. Set `BASCRYPT_SKIP_NODE=1` to skip
//! (the test then only prints a notice). Passwords reach `bascrypt` and node
//! through standard input only, never the command line.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

mod common;
use common::{node_ready, run_with_stdin, BIN};

/// `node vectors/interop.mjs <mode>` with `input` as JSON on stdin.
fn node(dir: &Path, mode: &str, input: &Value) -> Value {
    let mut cmd = Command::new("node");
    cmd.arg(dir.join("interop.mjs")).arg(mode).current_dir(dir);
    let out = run_with_stdin(cmd, input.to_string().as_bytes());
    assert!(
        out.status.success(),
        "node interop.mjs {mode} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("interop.mjs prints JSON");
    let versions = v["versions"].as_object().expect("versions");
    assert!(versions["16"].as_str().unwrap().starts_with("1.6."));
    assert!(versions["17"].as_str().unwrap().starts_with("1.7."));
    v
}

/// `bascrypt hash --password-stdin [--salt S]`; the password is followed by a
/// newline, which the CLI strips.
fn bascrypt_hash(password: &str, salt: Option<&str>) -> String {
    let mut cmd = Command::new(BIN);
    cmd.args(["hash", "--password-stdin"]);
    if let Some(s) = salt {
        cmd.args(["--salt", s]);
    }
    let out = run_with_stdin(cmd, format!("{password}\n").as_bytes());
    assert!(
        out.status.success(),
        "bascrypt hash failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
    let stored = stdout.trim_end_matches(['\n', '\r']).to_string();
    assert_eq!(stored.lines().count(), 1, "one line expected: {stdout:?}");
    stored
}

/// `bascrypt verify STORED --password-stdin`: the exit code.
fn bascrypt_verify(stored: &str, password: &str) -> i32 {
    let mut cmd = Command::new(BIN);
    cmd.args(["verify", stored, "--password-stdin"]);
    let out = run_with_stdin(cmd, format!("{password}\r\n").as_bytes());
    out.status
        .code()
        .expect("bascrypt verify exited by a signal")
}

/// Diverse passwords; none contains a NUL or ends in a line ending (the CLI strips one).
const PASSWORDS: &[&str] = &[
    "password123",
    "correct horse battery staple",
    "\u{FB01}nance-\u{FB01}le",    // NFKC: ligature fi
    "cafe\u{301} cre\u{300}me",    // NFKC: decomposed accents
    "pin\u{FF11}\u{FF12}\u{FF13}", // NFKC: full-width digits
    "300\u{212A} \u{212B}",        // NFKC: Kelvin and Angstrom signs
    "\u{1F510} secret \u{1F980}",  // emoji (non-BMP)
    "  a:b:c\twith tab  ",
    "",
];

/// A password that must not match `p` (NFKC-different, not just differently spelled).
fn wrong(p: &str) -> String {
    format!("{p}x")
}

fn outcome(v: &Value) -> Result<bool, String> {
    match (v["result"].as_bool(), v["throws"].as_str()) {
        (Some(b), None) => Ok(b),
        (None, Some(m)) => Err(m.to_string()),
        _ => panic!("bad oracle outcome {v}"),
    }
}

#[test]
fn better_auth_accepts_bascrypt_hashes() {
    let Some(dir) = node_ready() else { return };
    let mut cases = Vec::new();
    let mut labels = Vec::new();
    // `bascrypt hash` refuses to store the empty password (tests/cli_password.rs);
    // the other direction below still checks that it verifies like Better Auth.
    for (i, p) in PASSWORDS.iter().filter(|p| !p.is_empty()).enumerate() {
        let stored = if i == 0 {
            // One reproducible value through --salt as well.
            bascrypt_hash(p, Some("0123456789abcdef0123456789abcdef"))
        } else {
            bascrypt_hash(p, None)
        };
        cases.push(json!({ "stored": stored, "password": p }));
        labels.push((format!("{p:?} (right password)"), true));
        cases.push(json!({ "stored": stored, "password": wrong(p) }));
        labels.push((format!("{p:?} (wrong password)"), false));
    }
    let answer = node(&dir, "verify", &Value::Array(cases));
    let results = answer["results"].as_array().expect("results");
    assert_eq!(results.len(), labels.len());
    let mut failures = Vec::new();
    for ((label, want), r) in labels.iter().zip(results) {
        for v in ["16", "17"] {
            let got = outcome(&r[v]);
            if got != Ok(*want) {
                failures.push(format!(
                    "better-auth {}: {label}: expected {want}, got {got:?}",
                    answer["versions"][v]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bascrypt_accepts_better_auth_hashes() {
    let Some(dir) = node_ready() else { return };
    let input: Vec<Value> = PASSWORDS.iter().map(|p| json!({ "password": p })).collect();
    let answer = node(&dir, "hash", &Value::Array(input));
    let results = answer["results"].as_array().expect("results");
    assert_eq!(results.len(), PASSWORDS.len());
    let mut failures = Vec::new();
    for (p, r) in PASSWORDS.iter().zip(results) {
        for v in ["16", "17"] {
            let stored = r[v].as_str().expect("stored value");
            let version = &answer["versions"][v];
            let right = bascrypt_verify(stored, p);
            if right != 0 {
                failures.push(format!(
                    "better-auth {version} hash of {p:?}: verify exit {right}, want 0"
                ));
            }
            let bad = bascrypt_verify(stored, &wrong(p));
            if bad != 1 {
                failures.push(format!(
                    "better-auth {version} hash of {p:?}: wrong password exit {bad}, want 1"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bascrypt_verify_exit_codes_follow_better_auth_on_odd_values() {
    // Ask the real verifyPassword what it does with odd stored values, then
    // require bascrypt's exit code to say the same: 0 true, 1 false, 2 throws.
    let Some(dir) = node_ready() else { return };
    let p = "password123";
    let good = "00112233445566778899aabbccddeeff:73122e887cfc14f91396cdef78dfe4b9dec28d459037601c4904cedba5a637ab97b39b40c236df5d42881d0109ca8cf0f85e39dbaba2911c190915bd8f30fe85";
    let (salt, key) = good.split_once(':').unwrap();
    let odd = vec![
        good.to_string(),
        format!("{good}:junk"),
        format!("{salt}:{}", key.to_uppercase()),
        format!("{salt}:{}", &key[..64]),
        format!("{salt}:{key} "),
        format!("{salt}:"),
        format!(":{key}"),
        format!("{salt}{key}"),
        format!("{salt}::{key}"),
        "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy".to_string(),
        "x:y".to_string(),
    ];
    let input: Vec<Value> = odd
        .iter()
        .map(|s| json!({ "stored": s, "password": p }))
        .collect();
    let answer = node(&dir, "verify", &Value::Array(input));
    let results = answer["results"].as_array().expect("results");
    let mut seen = [false; 3];
    let mut failures = Vec::new();
    for (stored, r) in odd.iter().zip(results) {
        let o16 = outcome(&r["16"]);
        assert_eq!(o16, outcome(&r["17"]), "1.6 and 1.7 disagree on {stored:?}");
        let want = match o16 {
            Ok(true) => 0,
            Ok(false) => 1,
            Err(_) => 2,
        };
        seen[want as usize] = true;
        let got = bascrypt_verify(stored, p);
        if got != want {
            failures.push(format!(
                "{stored:?}: Better Auth {o16:?} => want exit {want}, bascrypt exit {got}"
            ));
        }
    }
    assert_eq!(
        seen, [true; 3],
        "the odd values should cover match, no match and throw"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
