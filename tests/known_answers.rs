//! Known answers from the real better-auth npm packages and from RFC 7914.
//!
//! Every expected value here was produced or confirmed by `vectors/generate.mjs`
//! with the genuine `verifyPassword` / `hashPassword` of better-auth 1.6.x and
//! 1.7.x (see vectors/README.md), never by this crate.

use std::path::PathBuf;

use bascrypt::password::{self, Params, Salt};
use serde_json::Value;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

fn load(name: &str) -> Value {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn s<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("field {field:?} missing or not a string in {v}"))
}

fn entries<'a>(doc: &'a Value, key: &str, at_least: usize) -> &'a [Value] {
    let list = doc[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} missing from better-auth-vectors.json"));
    assert!(
        list.len() >= at_least,
        "{key} has {} entries, expected at least {at_least}",
        list.len()
    );
    list
}

/// What Better Auth's verifyPassword did, as recorded: `Ok(bool)` or `Err(message)`.
fn recorded_outcome(entry: &Value) -> Result<bool, String> {
    let expected = &entry["expected"];
    if let Some(msg) = expected["throws"].as_str() {
        Err(msg.to_string())
    } else {
        Ok(expected["result"]
            .as_bool()
            .unwrap_or_else(|| panic!("no expected result in {entry}")))
    }
}

/// Checks `verify` against each recorded outcome; returns the failures.
fn check_outcomes(list: &[Value]) -> Vec<String> {
    let mut failures = Vec::new();
    for e in list {
        let name = s(e, "name");
        let got = password::verify(s(e, "password"), s(e, "stored"));
        match (recorded_outcome(e), &got) {
            (Ok(want), Ok(have)) if want == *have => {}
            (Err(msg), Err(err)) if err.to_string().contains(&msg) => {}
            (want, _) => failures.push(format!(
                "{name}: Better Auth gave {want:?}, bascrypt gave {got:?}"
            )),
        }
    }
    failures
}

#[test]
fn better_auth_vectors_verify() {
    let doc = load("better-auth-vectors.json");
    let mut failures = Vec::new();
    for v in entries(&doc, "vectors", 25) {
        let got = password::verify(s(v, "password"), s(v, "stored"));
        if got != Ok(true) {
            failures.push(format!("{}: verify gave {got:?}", s(v, "name")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn better_auth_vectors_hash_with_salt() {
    let doc = load("better-auth-vectors.json");
    let mut failures = Vec::new();
    for v in entries(&doc, "vectors", 25) {
        let name = s(v, "name");
        let salt = match Salt::parse(s(v, "salt")) {
            Ok(salt) => salt,
            Err(e) => {
                failures.push(format!(
                    "{name}: Salt::parse refused {:?}: {e}",
                    s(v, "salt")
                ));
                continue;
            }
        };
        let stored = password::hash_with_salt(s(v, "password"), &salt, &Params::BETTER_AUTH);
        if stored.to_string() != s(v, "stored") {
            failures.push(format!(
                "{name}: hash_with_salt gave\n  {stored}\nBetter Auth stored\n  {}",
                s(v, "stored")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn nfkc_equivalent_passwords_share_a_stored_value() {
    // Entries of one nfkc_group are NFKC-equivalent spellings hashed with one
    // salt; Better Auth accepted each, so each spelling must verify against
    // every other spelling's stored value too.
    let doc = load("better-auth-vectors.json");
    let grouped: Vec<&Value> = entries(&doc, "vectors", 25)
        .iter()
        .filter(|v| v["nfkc_group"].is_string())
        .collect();
    assert!(grouped.len() >= 6, "expected NFKC groups in the vectors");
    for a in &grouped {
        for b in &grouped {
            if a["nfkc_group"] == b["nfkc_group"] {
                assert_eq!(
                    password::verify(s(a, "password"), s(b, "stored")),
                    Ok(true),
                    "{} against {}",
                    s(a, "name"),
                    s(b, "name")
                );
            }
        }
    }
}

#[test]
fn must_not_verify_matches_better_auth() {
    let doc = load("better-auth-vectors.json");
    let list = entries(&doc, "must_not_verify", 20);
    // The file must keep both kinds of outcome, or this test would prove little.
    assert!(list.iter().any(|e| recorded_outcome(e) == Ok(false)));
    assert!(list.iter().any(|e| recorded_outcome(e).is_err()));
    assert!(list.iter().all(|e| recorded_outcome(e) != Ok(true)));
    let failures = check_outcomes(list);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn verify_quirks_match_better_auth() {
    let doc = load("better-auth-vectors.json");
    let list = entries(&doc, "verify_quirks", 5);
    assert!(list.iter().any(|e| recorded_outcome(e) == Ok(true)));
    let failures = check_outcomes(list);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn both_better_auth_versions_agreed_on_every_recorded_outcome() {
    // The Rust side checks one expected outcome per entry; that is only right
    // if 1.6 and 1.7 behaved the same, which the generator also enforces.
    let doc = load("better-auth-vectors.json");
    for key in ["must_not_verify", "verify_quirks"] {
        for e in entries(&doc, key, 1) {
            let per_version = e["better_auth"]
                .as_object()
                .unwrap_or_else(|| panic!("no better_auth outcomes in {e}"));
            assert_eq!(per_version.len(), 2, "{}", s(e, "name"));
            for (version, outcome) in per_version {
                assert_eq!(outcome, &e["expected"], "{} under {version}", s(e, "name"));
            }
        }
    }
}

#[test]
fn rfc7914_vectors() {
    let doc = load("rfc7914.json");
    let list = doc["vectors"].as_array().expect("vectors array");
    assert_eq!(list.len(), 4, "RFC 7914 section 12 has 4 vectors");
    let expensive_ok = std::env::var("BASCRYPT_EXPENSIVE").as_deref() == Ok("1");
    let mut ran = 0;
    for v in list {
        let n = v["N"].as_u64().expect("N");
        if v["expensive"].as_bool() == Some(true) && !expensive_ok {
            eprintln!(
                "skipping RFC 7914 vector N = {n} (1 GiB); set BASCRYPT_EXPENSIVE=1 to run it"
            );
            continue;
        }
        let log_n = u8::try_from(n.trailing_zeros()).unwrap();
        assert_eq!(1u64 << log_n, n);
        let r = u32::try_from(v["r"].as_u64().expect("r")).unwrap();
        let p = u32::try_from(v["p"].as_u64().expect("p")).unwrap();
        let dk_len = usize::try_from(v["dkLen"].as_u64().expect("dkLen")).unwrap();
        let params = Params::new(log_n, r, p, dk_len).expect("RFC parameters are valid");
        let mut out = vec![0u8; dk_len];
        bascrypt::kdf::derive(
            s(v, "P").as_bytes(),
            s(v, "S").as_bytes(),
            &params,
            &mut out,
        );
        assert_eq!(
            hex::encode(&out),
            s(v, "DK"),
            "RFC 7914 vector N = {n}, r = {r}, p = {p}"
        );
        ran += 1;
    }
    assert!(ran >= 3);
}
