//! `hash --batch`, `verify --batch` and `bench`: order, equality with single hashing, exit codes.

mod common;

use bascrypt::password::{self, Params, Salt};
use common::bascrypt;
use serde_json::{json, Value};

const GOOD: &str = "00112233445566778899aabbccddeeff:73122e887cfc14f91396cdef78dfe4b9dec28d459037601c4904cedba5a637ab97b39b40c236df5d42881d0109ca8cf0f85e39dbaba2911c190915bd8f30fe85";

fn lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn hash_batch_matches_single_hashing_in_input_order() {
    let passwords: Vec<String> = (0..37).map(|i| format!("pässwörd-{i}-ﬁ")).collect();
    let salts: Vec<Salt> = (0..37).map(|_| Salt::random()).collect();
    let mut input = String::new();
    for (i, (pw, salt)) in passwords.iter().zip(&salts).enumerate() {
        input.push_str(&json!({"password": pw, "salt": salt.as_str(), "id": i}).to_string());
        input.push('\n');
    }
    // The known answer from the better-auth package, in the middle of the batch.
    input.push_str(
        r#"{"password":"password123","salt":"00112233445566778899aabbccddeeff","id":"ka"}"#,
    );
    input.push('\n');
    let o = bascrypt(&["hash", "--batch", "--threads", "2"], input.as_bytes());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = lines(&o.stdout);
    assert_eq!(out.len(), 38);
    for (i, (pw, salt)) in passwords.iter().zip(&salts).enumerate() {
        assert_eq!(out[i]["id"], i);
        let single = password::hash_with_salt(pw, salt, &Params::BETTER_AUTH).to_string();
        assert_eq!(out[i]["hash"], single.as_str(), "line {i}");
    }
    assert_eq!(out[37]["hash"], GOOD);
    assert_eq!(out[37]["id"], "ka");
}

#[test]
fn verify_batch_exit_code_is_the_worst_line() {
    let upper = GOOD.to_uppercase();
    let cases = [
        (vec![("password123", GOOD)], 0, vec!["match"]),
        (
            vec![("password123", GOOD), ("password124", GOOD)],
            1,
            vec!["match", "no-match"],
        ),
        (
            vec![
                ("password123", upper.as_str()),
                ("x", "$2a$10$abc"),
                ("password123", GOOD),
            ],
            2,
            vec!["no-match", "throws", "match"],
        ),
    ];
    for (items, code, verdicts) in cases {
        let input: String = items
            .iter()
            .map(|(p, h)| format!("{}\n", json!({"password": p, "hash": h})))
            .collect();
        let o = bascrypt(&["verify", "--batch"], input.as_bytes());
        assert_eq!(o.status.code(), Some(code), "{items:?}");
        let got: Vec<String> = lines(&o.stdout)
            .iter()
            .map(|v| v["verdict"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(got, verdicts);
    }
}

#[test]
fn bad_batch_lines_are_reported_in_place_without_echoing_them() {
    let secret = "hunter2-do-not-echo";
    let input = format!(
        "{{\"password\":\"{secret}\",\"salt\":\"nope\"}}\n{{\"password\":\"{secret}\" BROKEN\n\n{{\"password\":\"ok-pass\"}}\n"
    );
    let o = bascrypt(&["hash", "--batch"], input.as_bytes());
    assert_eq!(o.status.code(), Some(2));
    let out = lines(&o.stdout);
    assert_eq!(
        out.len(),
        4,
        "every line answered in place, the blank one too"
    );
    assert!(out[0]["error"]
        .as_str()
        .unwrap()
        .starts_with("line 1: salt:"));
    assert!(out[1]["error"]
        .as_str()
        .unwrap()
        .starts_with("line 2, column"));
    assert!(out[2]["error"]
        .as_str()
        .unwrap()
        .starts_with("line 3: a blank line"));
    assert_eq!(out[3]["hash"].as_str().unwrap().len(), 161);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!all.contains(secret));
}

#[test]
fn hash_batch_refuses_what_hash_refuses() {
    let o = bascrypt(
        &["hash", "--batch"],
        b"{\"password\":\"\"}\n{\"password\":\"a\\u0000b\"}\n",
    );
    assert_eq!(o.status.code(), Some(2));
    let out = lines(&o.stdout);
    assert!(out[0]["error"]
        .as_str()
        .unwrap()
        .contains("the password is empty"));
    assert!(out[1]["error"].as_str().unwrap().contains("NUL"));
}

#[test]
fn bench_reports_latency_and_throughput() {
    let o = bascrypt(
        &["bench", "--threads", "1", "--seconds", "0.2", "--json"],
        b"",
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["single_ms_per_hash"].as_f64().unwrap() > 1.0);
    assert_eq!(v["batch"][0]["threads"], 1);
    assert!(v["batch"][0]["hashes_per_second"].as_f64().unwrap() > 0.0);
    let o = bascrypt(&["bench", "--seconds", "0"], b"");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn every_input_line_gets_exactly_one_answer_blank_ones_too() {
    let input = format!(
        "{{\"password\":\"password123\",\"hash\":\"{GOOD}\"}}\n\n   \n{{\"password\":\"password124\",\"hash\":\"{GOOD}\"}}\r\n\r\n"
    );
    let o = bascrypt(&["verify", "--batch"], input.as_bytes());
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = lines(&o.stdout);
    let verdicts: Vec<&str> = out.iter().map(|v| v["verdict"].as_str().unwrap()).collect();
    assert_eq!(
        verdicts,
        ["match", "unusable", "unusable", "no-match", "unusable"]
    );
    assert!(out[1]["error"]
        .as_str()
        .unwrap()
        .starts_with("line 2: a blank line"));
    assert!(out[4]["error"]
        .as_str()
        .unwrap()
        .starts_with("line 5: a blank line"));
}
