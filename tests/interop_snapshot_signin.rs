//! The main job end to end, judged by the real Better Auth: users written into
//! an export by `bascrypt snapshot …` are loaded into better-auth 1.6 and 1.7
//! (memory adapter, `id` = `_id`, `*At` → Date, via vectors/signin.mjs) and
//! signed in over HTTP.

mod common;

use std::path::Path;

use bascrypt::convex::Snapshot;
use common::{bascrypt, node_json, node_ready, packed_sample};
use serde_json::{json, Value};

fn rows(zip: &Path, table: &str) -> Vec<Value> {
    let mut s = Snapshot::open(zip).unwrap();
    s.rows("betterAuth", table)
        .unwrap()
        .map(|r| Value::Object(r.unwrap().document))
        .collect()
}

/// Status and first log line of each attempt, for both versions.
fn sign_in(dir: &Path, zip: &Path, attempts: &[(&str, &str)]) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    for version in ["16", "17"] {
        let input = json!({
            "version": version,
            "users": rows(zip, "user"),
            "accounts": rows(zip, "account"),
            "attempts": attempts.iter().map(|(e, p)| json!({"email": e, "password": p})).collect::<Vec<_>>(),
        });
        let v = node_json(dir, "signin.mjs", None, &input);
        for r in v["results"].as_array().unwrap() {
            let log = r["logs"]
                .get(0)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            out.push((r["status"].as_u64().unwrap(), log));
        }
    }
    out
}

fn ok(o: &std::process::Output) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn added_users_sign_in_with_real_better_auth() {
    let Some(dir) = node_ready() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let p = |name: &str| tmp.path().join(name).to_str().unwrap().to_owned();
    packed_sample(tmp.path(), "in.zip");

    // add-user: the new admin signs in; a wrong password does not; the sample's
    // own credential user (password123) still does.
    ok(&bascrypt(
        &[
            "snapshot",
            "add-user",
            &p("in.zip"),
            "--email",
            "New.Admin@Example.com",
            "--password-stdin",
            "--app-table",
            "users",
            "--app-set",
            "isAdmin=true",
            "-o",
            &p("added.zip"),
        ],
        b"first-Passw0rd\n",
    ));
    let got = sign_in(
        &dir,
        Path::new(&p("added.zip")),
        &[
            ("new.admin@example.com", "first-Passw0rd"),
            ("New.Admin@Example.com", "first-Passw0rd"),
            ("new.admin@example.com", "first-Passw0rd\n"),
            ("alice@example.com", "password123"),
        ],
    );
    let expect_once = [(200, ""), (200, ""), (401, "Invalid password"), (200, "")];
    let expected: Vec<(u64, String)> = expect_once
        .iter()
        .chain(expect_once.iter())
        .map(|(s, l)| (*s, l.to_string()))
        .collect();
    assert_eq!(got, expected);

    // set-password: the old password stops working, the new one works.
    ok(&bascrypt(
        &[
            "snapshot",
            "set-password",
            &p("added.zip"),
            "--email",
            "new.admin@example.com",
            "--password-stdin",
            "-o",
            &p("reset.zip"),
        ],
        b"second-Passw0rd\n",
    ));
    let got = sign_in(
        &dir,
        Path::new(&p("reset.zip")),
        &[
            ("new.admin@example.com", "first-Passw0rd"),
            ("new.admin@example.com", "second-Passw0rd"),
        ],
    );
    let expected: Vec<(u64, String)> = [(401, "Invalid password"), (200, "")]
        .iter()
        .cycle()
        .take(4)
        .map(|(s, l)| (*s, l.to_string()))
        .collect();
    assert_eq!(got, expected);

    // remove-user: gone for both versions.
    ok(&bascrypt(
        &[
            "snapshot",
            "remove-user",
            &p("reset.zip"),
            "--email",
            "new.admin@example.com",
            "--app-table",
            "users",
            "-o",
            &p("removed.zip"),
        ],
        b"",
    ));
    let got = sign_in(
        &dir,
        Path::new(&p("removed.zip")),
        &[("new.admin@example.com", "second-Passw0rd")],
    );
    assert_eq!(got, vec![(401, "User not found".to_string()); 2]);
}

#[test]
fn set_password_gives_an_oauth_only_user_a_working_credential_account() {
    let Some(dir) = node_ready() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let p = |name: &str| tmp.path().join(name).to_str().unwrap().to_owned();
    packed_sample(tmp.path(), "in.zip");
    let before = sign_in(
        &dir,
        Path::new(&p("in.zip")),
        &[("bob@gmail.com", "bobs-new-pass")],
    );
    assert_eq!(
        before,
        vec![
            (401, "Credential account not found".into()),
            (401, "User not found".into())
        ]
    );
    ok(&bascrypt(
        &[
            "snapshot",
            "set-password",
            &p("in.zip"),
            "--email",
            "bob@gmail.com",
            "--password-stdin",
            "-o",
            &p("out.zip"),
        ],
        b"bobs-new-pass\n",
    ));
    let after = sign_in(
        &dir,
        Path::new(&p("out.zip")),
        &[("bob@gmail.com", "bobs-new-pass")],
    );
    assert_eq!(after, vec![(200, String::new()); 2]);
}
