//! The `bascrypt snapshot …` flags that `cli_snapshot.rs` does not cover
//! (`--unverified`, `--allow-foreign-hash`, `--app-link`, nested `--component`,
//! `--dry-run`), the byte-for-byte promises of `set-password` and
//! `remove-user`, and `doctor --explain` naming an r = 8 hash made by Node's
//! own scrypt.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{SystemTime, UNIX_EPOCH};

use bascrypt::convex::{ConvexId, TableNumber};
use common::{bascrypt, copy_dir, entries, packed_sample, RawEntry};
use serde_json::{json, Value};

/// `password123` (salt `00112233…`), Better Auth's parameters (shared doc known answer).
const ADMIN_HASH: &str = "00112233445566778899aabbccddeeff:73122e887cfc14f91396cdef78dfe4b9dec28d459037601c4904cedba5a637ab97b39b40c236df5d42881d0109ca8cf0f85e39dbaba2911c190915bd8f30fe85";
/// `correct horse battery staple` (salt `01234567…`), Better Auth's parameters.
const HORSE_HASH: &str = "0123456789abcdef0123456789abcdef:e1034727d858e2fca8a705fe561781100520e78064f8d2bfa492937c58df02eb15d40233f809f179c7fb9863b8eb9dc5a8d2dc196c0b9733c05fa426f224856e";
/// A bcrypt value (what a migration from another auth library brings along).
const BCRYPT: &str = "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";

const USER_ENTRY: &str = "_components/betterAuth/user/documents.jsonl";
const ACCOUNT_ENTRY: &str = "_components/betterAuth/account/documents.jsonl";
const SESSION_ENTRY: &str = "_components/betterAuth/session/documents.jsonl";
const APP_USERS_ENTRY: &str = "users/documents.jsonl";

// The sample export's rows (tests/fixtures/sample-export).
const ALICE_ID: &str = "j57cgv40jr973dxv2ejyfy6n4n7j27rx";
const ALICE_ACCOUNT_ID: &str = "j97ecfdw33ntv7965c4g1zzqz97j3hqb";
const ALICE_SESSION_ID: &str = "jd77vzdr5apch9cs04jksfsv957j2148";
const ERIN_ID: &str = "j570014yz9jcvhvnfmpknmrwc17j93j4";
const ERIN_CREDENTIAL_ID: &str = "j9792gryt09qbgf2a1fbf2326x7jbhzy";
const ERIN_GOOGLE_ID: &str = "j971t7g44912kt2dhhjz6rjvvh7j9m8q";
const DAVE_APP_ID: &str = "j57b31t1v8dsyqrvv997w21rfn7j2ffv";

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample-export")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs `bascrypt ARGS`, expects exit 0 and JSON on stdout.
fn json_ok(args: &[&str], stdin: &[u8]) -> Value {
    let o = bascrypt(args, stdin);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}{}",
        stdout(&o),
        stderr(&o)
    );
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", stdout(&o)))
}

fn entry<'a>(all: &'a [RawEntry], name: &str) -> &'a RawEntry {
    all.iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no entry {name}"))
}

/// The lines of a documents.jsonl, each with its `\n`.
fn raw_lines(content: &[u8]) -> Vec<&[u8]> {
    content.split_inclusive(|&b| b == b'\n').collect()
}

fn parse(line: &[u8]) -> Value {
    serde_json::from_slice(line).unwrap()
}

fn names(all: &[RawEntry]) -> Vec<&str> {
    all.iter().map(|e| e.name.as_str()).collect()
}

/// The entry was copied raw: same CRC, method, compressed bytes and content.
fn assert_raw_copy(a: &RawEntry, b: &RawEntry) {
    assert_eq!(a.name, b.name);
    assert_eq!(
        (a.crc, a.method, &a.compressed, &a.content),
        (b.crc, b.method, &b.compressed, &b.content),
        "{} was not copied byte for byte",
        a.name
    );
}

/// `{"name": number}` from `<prefix>_tables/documents.jsonl`.
fn table_numbers(all: &[RawEntry], prefix: &str) -> BTreeMap<String, u32> {
    raw_lines(&entry(all, &format!("{prefix}_tables/documents.jsonl")).content)
        .into_iter()
        .map(|l| {
            let v = parse(l);
            (
                v["name"].as_str().unwrap().to_owned(),
                v["id"].as_u64().unwrap() as u32,
            )
        })
        .collect()
}

fn id_table(id: &str) -> u32 {
    id.parse::<ConvexId>()
        .unwrap_or_else(|e| panic!("{id:?} is not a Convex ID: {e}"))
        .table()
        .get()
}

/// The lines `after` has beyond `before`, which must be a byte-for-byte prefix of it.
fn appended<'a>(before: &RawEntry, after: &'a RawEntry) -> Vec<&'a [u8]> {
    assert!(
        after.content.starts_with(&before.content),
        "{}: the old lines changed",
        before.name
    );
    raw_lines(&after.content[before.content.len()..])
}

/// The raw JSON text of `field` in a line written with sorted keys, no spaces.
fn raw_field<'a>(line: &'a str, field: &str) -> &'a str {
    let key = format!("\"{field}\":");
    let start = line
        .find(&key)
        .unwrap_or_else(|| panic!("no {field} in {line}"))
        + key.len();
    let rest = &line[start..];
    let end = rest.find([',', '}']).unwrap();
    &rest[..end]
}

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as f64
}

fn pack(dir: &Path, out: &Path) {
    let o = bascrypt(&["snapshot", "pack", s(dir), "-o", s(out)], b"");
    assert_eq!(o.status.code(), Some(0), "pack: {}", stderr(&o));
}

/// Runs `add-user` for a fresh email and returns (input entries, output entries, report).
fn add_user(extra: &[&str], email: &str) -> (Vec<RawEntry>, Vec<RawEntry>, Value) {
    let tmp = tempfile::tempdir().unwrap();
    let input = packed_sample(tmp.path(), "in.zip");
    let out = tmp.path().join("out.zip");
    let mut args = vec![
        "snapshot",
        "add-user",
        s(&input),
        "--email",
        email,
        "--json",
        "-o",
        s(&out),
    ];
    args.extend_from_slice(extra);
    let report = json_ok(&args, b"");
    assert_eq!(report["written"], true);
    (entries(&input), entries(&out), report)
}

/// The new component user row of an `add-user` run.
fn new_user_row(a: &[RawEntry], b: &[RawEntry]) -> Value {
    let added = appended(entry(a, USER_ENTRY), entry(b, USER_ENTRY));
    assert_eq!(added.len(), 1);
    parse(added[0])
}

/// The new account row of an `add-user` run.
fn new_account_row(a: &[RawEntry], b: &[RawEntry]) -> Value {
    let added = appended(entry(a, ACCOUNT_ENTRY), entry(b, ACCOUNT_ENTRY));
    assert_eq!(added.len(), 1);
    parse(added[0])
}

// ---------------------------------------------------------------------------
// 1. --unverified

#[test]
fn add_user_unverified_stores_email_verified_false_and_the_default_is_true() {
    for (flags, expected) in [(&["--unverified"][..], false), (&[][..], true)] {
        let mut extra = vec!["--password-hash", ADMIN_HASH];
        extra.extend_from_slice(flags);
        let (a, b, report) = add_user(&extra, "frank@example.com");
        let user = new_user_row(&a, &b);
        assert_eq!(user["email"], "frank@example.com");
        assert_eq!(
            user["emailVerified"],
            Value::Bool(expected),
            "{flags:?}: {user}"
        );
        assert_eq!(user["_id"], report["user_id"]);
        let detail = report["changes"][0]["detail"].as_str().unwrap();
        let said = if expected {
            "email verified"
        } else {
            "email not verified"
        };
        assert!(detail.ends_with(said), "{flags:?}: {detail}");

        // `snapshot users` reads it back the same way.
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("x.zip");
        write_entries(&b, &out);
        let listed = json_ok(&["snapshot", "users", s(&out), "--json"], b"");
        let frank = listed["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == "frank@example.com")
            .unwrap();
        assert_eq!(frank["email_verified"], Value::Bool(expected));
    }
}

/// Writes entries into a new ZIP (Deflate), to read them back with bascrypt.
fn write_entries(all: &[RawEntry], out: &Path) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    for e in all {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(0o644);
        zip.start_file(e.name.as_str(), options).unwrap();
        zip.write_all(&e.content).unwrap();
    }
    zip.finish().unwrap();
}

// ---------------------------------------------------------------------------
// 2. --allow-foreign-hash

#[test]
fn add_user_allow_foreign_hash_stores_the_value_exactly_and_is_required() {
    let (a, b, report) = add_user(
        &["--password-hash", BCRYPT, "--allow-foreign-hash"],
        "frank@example.com",
    );
    let account = new_account_row(&a, &b);
    assert_eq!(account["password"], BCRYPT);
    assert_eq!(account["providerId"], "credential");
    assert_eq!(account["userId"], report["user_id"]);
    assert_eq!(account["accountId"], report["user_id"]);
    let notes = report["notes"].to_string();
    assert!(notes.contains("--allow-foreign-hash"), "{notes}");

    // Without the flag: refused, nothing written.
    let tmp = tempfile::tempdir().unwrap();
    let input = packed_sample(tmp.path(), "in.zip");
    let out = tmp.path().join("out.zip");
    let o = bascrypt(
        &[
            "snapshot",
            "add-user",
            s(&input),
            "--email",
            "frank@example.com",
            "--password-hash",
            BCRYPT,
            "-o",
            s(&out),
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--allow-foreign-hash"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

// ---------------------------------------------------------------------------
// 3. --app-link

#[test]
fn add_user_app_link_names_the_field_of_a_new_app_row() {
    let (a, b, report) = add_user(
        &[
            "--password-hash",
            ADMIN_HASH,
            "--app-table",
            "users",
            "--app-link",
            "betterAuthId",
            "--app-set",
            "isAdmin=true",
        ],
        "frank@example.com",
    );
    let user_id = report["user_id"].as_str().unwrap();
    assert_eq!(new_user_row(&a, &b)["_id"], user_id);
    let added = appended(entry(&a, APP_USERS_ENTRY), entry(&b, APP_USERS_ENTRY));
    assert_eq!(added.len(), 1, "one new app row");
    let row = parse(added[0]);
    assert_eq!(row["betterAuthId"], user_id, "{row}");
    assert!(
        row.get("authId").is_none(),
        "the default link was written too: {row}"
    );
    assert_eq!(row["isAdmin"], true);
    assert_eq!(
        id_table(row["_id"].as_str().unwrap()),
        table_numbers(&b, "")["users"]
    );
    let change = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["table"] == "users")
        .unwrap();
    assert_eq!(change["kind"], "add");
    assert_eq!(change["id"], row["_id"]);
}

#[test]
fn add_user_app_link_names_the_field_of_an_existing_app_row() {
    // dave@example.com is in the app's users table only (line 5).
    let (a, b, report) = add_user(
        &[
            "--password-hash",
            ADMIN_HASH,
            "--app-table",
            "users",
            "--app-link",
            "betterAuthId",
        ],
        "dave@example.com",
    );
    let user_id = report["user_id"].as_str().unwrap();
    let (before, after) = (
        raw_lines(&entry(&a, APP_USERS_ENTRY).content),
        raw_lines(&entry(&b, APP_USERS_ENTRY).content),
    );
    assert_eq!(before.len(), after.len(), "no app row may be added");
    for (i, (x, y)) in before.iter().zip(&after).enumerate() {
        let old = parse(x);
        if old["_id"] == DAVE_APP_ID {
            let mut expected = old.clone();
            expected["betterAuthId"] = json!(user_id);
            assert_eq!(parse(y), expected, "line {}", i + 1);
        } else {
            assert_eq!(x, y, "line {} changed", i + 1);
        }
    }
    let change = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["table"] == "users")
        .unwrap();
    assert_eq!(change["kind"], "update");
    assert_eq!(change["id"], DAVE_APP_ID);
}

// ---------------------------------------------------------------------------
// 4. --component a/b

/// The sample export with `betterAuth` moved to `a/b` and its table numbers
/// changed to 10011…10015 (the `_id`s re-made to match, and every reference
/// to them), so that no number of the nested component equals one of another
/// component's.
fn nested_export(root: &Path) -> PathBuf {
    let dir = root.join("export");
    copy_dir(&sample_dir(), &dir);
    let nested = dir.join("_components/a/_components/b");
    std::fs::create_dir_all(nested.parent().unwrap()).unwrap();
    std::fs::rename(dir.join("_components/betterAuth"), &nested).unwrap();
    // A component without tables of its own still has an (empty) `_tables`.
    std::fs::create_dir_all(dir.join("_components/a/_tables")).unwrap();
    std::fs::write(dir.join("_components/a/_tables/documents.jsonl"), b"").unwrap();

    let tables_path = nested.join("_tables/documents.jsonl");
    let old_tables = std::fs::read_to_string(&tables_path).unwrap();
    let mut renumber = BTreeMap::new();
    let mut new_tables = String::new();
    for line in old_tables.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let old = v["id"].as_u64().unwrap() as u32;
        renumber.insert(old, old + 10);
        new_tables.push_str(&format!(
            "{{\"name\":\"{}\",\"id\":{}}}\n",
            v["name"].as_str().unwrap(),
            old + 10
        ));
    }
    std::fs::write(&tables_path, new_tables).unwrap();

    // Every `_id` of the component, old text → new text.
    let mut ids = BTreeMap::new();
    for table in std::fs::read_dir(&nested).unwrap() {
        let docs = table.unwrap().path().join("documents.jsonl");
        if docs.ends_with("_tables/documents.jsonl") || !docs.is_file() {
            continue;
        }
        for line in std::fs::read_to_string(&docs).unwrap().lines() {
            let old_text = parse(line.as_bytes())["_id"].as_str().unwrap().to_owned();
            let old: ConvexId = old_text.parse().unwrap();
            let number = TableNumber::new(renumber[&old.table().get()]).unwrap();
            let new = ConvexId::from_parts(number, *old.internal_id()).to_string();
            ids.insert(old_text, new);
        }
    }
    assert!(ids.len() >= 10, "{ids:?}");
    rewrite_all(&dir, &|text| {
        ids.iter().fold(text, |t, (old, new)| {
            t.replace(&format!("\"{old}\""), &format!("\"{new}\""))
        })
    });
    let zip = root.join("nested.zip");
    pack(&dir, &zip);
    zip
}

fn rewrite_all(dir: &Path, f: &dyn Fn(String) -> String) {
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            rewrite_all(&path, f);
        } else if path.extension().is_some_and(|x| x == "jsonl") {
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, f(text)).unwrap();
        }
    }
}

#[test]
fn add_user_into_a_nested_component() {
    let tmp = tempfile::tempdir().unwrap();
    let input = nested_export(tmp.path());
    let out = tmp.path().join("out.zip");
    let prefix = "_components/a/_components/b/";
    let a = entries(&input);
    let numbers = table_numbers(&a, prefix);
    assert_eq!(numbers["user"], 10011);
    assert_eq!(numbers["account"], 10012);
    // The nested export is usable as it stands.
    let listed = json_ok(
        &[
            "snapshot",
            "users",
            s(&input),
            "--component",
            "a/b",
            "--json",
        ],
        b"",
    );
    assert_eq!(listed["users"].as_array().unwrap().len(), 4);

    let report = json_ok(
        &[
            "snapshot",
            "add-user",
            s(&input),
            "--component",
            "a/b",
            "--email",
            "frank@example.com",
            "--password-hash",
            ADMIN_HASH,
            "--json",
            "-o",
            s(&out),
        ],
        b"",
    );
    let b = entries(&out);
    assert_eq!(
        names(&a),
        names(&b),
        "entries must keep their names and order"
    );
    let user_entry = format!("{prefix}user/documents.jsonl");
    let account_entry = format!("{prefix}account/documents.jsonl");
    for (x, y) in a.iter().zip(&b) {
        if x.name != user_entry && x.name != account_entry {
            assert_raw_copy(x, y);
        }
    }
    let user_lines = appended(entry(&a, &user_entry), entry(&b, &user_entry));
    let account_lines = appended(entry(&a, &account_entry), entry(&b, &account_entry));
    assert_eq!((user_lines.len(), account_lines.len()), (1, 1));
    let (user, account) = (parse(user_lines[0]), parse(account_lines[0]));
    let user_id = user["_id"].as_str().unwrap();
    assert_eq!(user_id, report["user_id"]);
    assert_eq!(user["email"], "frank@example.com");
    assert_eq!(id_table(user_id), 10011);
    assert_eq!(id_table(account["_id"].as_str().unwrap()), 10012);
    assert_eq!(account["userId"], user_id);
    assert_eq!(account["accountId"], user_id);
    assert_eq!(account["password"], ADMIN_HASH);
    for c in report["changes"].as_array().unwrap() {
        assert_eq!(c["component"], "a/b", "{c}");
    }

    let listed = json_ok(
        &["snapshot", "users", s(&out), "--component", "a/b", "--json"],
        b"",
    );
    let frank = listed["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "frank@example.com")
        .expect("the new user is listed in a/b");
    assert_eq!(frank["credential"]["state"], "valid");
}

// ---------------------------------------------------------------------------
// 5. set-password

#[test]
fn set_password_changes_only_password_and_updated_at_of_the_credential_account() {
    // Alice has one credential account; Erin a Google account first, then a credential one.
    for (email, user_id, account_id) in [
        ("alice@example.com", ALICE_ID, ALICE_ACCOUNT_ID),
        ("erin@example.com", ERIN_ID, ERIN_CREDENTIAL_ID),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let input = packed_sample(tmp.path(), "in.zip");
        let out = tmp.path().join("out.zip");
        let t0 = now_ms();
        let report = json_ok(
            &[
                "snapshot",
                "set-password",
                s(&input),
                "--email",
                email,
                "--password-hash",
                HORSE_HASH,
                "--json",
                "-o",
                s(&out),
            ],
            b"",
        );
        let t1 = now_ms();
        assert_eq!(report["user_id"], user_id);
        assert_eq!(report["written"], true);
        let changes = report["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{report}");
        assert_eq!(
            (&changes[0]["kind"], &changes[0]["table"], &changes[0]["id"]),
            (&json!("update"), &json!("account"), &json!(account_id))
        );

        let (a, b) = (entries(&input), entries(&out));
        assert_eq!(
            names(&a),
            names(&b),
            "entries must keep their names and order"
        );
        for (x, y) in a.iter().zip(&b) {
            if x.name != ACCOUNT_ENTRY {
                assert_raw_copy(x, y);
            }
        }
        let (before, after) = (
            raw_lines(&entry(&a, ACCOUNT_ENTRY).content),
            raw_lines(&entry(&b, ACCOUNT_ENTRY).content),
        );
        assert_eq!(before.len(), after.len());
        let mut edited = 0;
        for (i, (x, y)) in before.iter().zip(&after).enumerate() {
            if parse(x)["_id"] != account_id {
                assert_eq!(
                    String::from_utf8_lossy(x),
                    String::from_utf8_lossy(y),
                    "{email}: line {} changed",
                    i + 1
                );
                continue;
            }
            edited += 1;
            let (x, y) = (
                std::str::from_utf8(x).unwrap(),
                std::str::from_utf8(y).unwrap(),
            );
            let (old_stamp, new_stamp) = (raw_field(x, "updatedAt"), raw_field(y, "updatedAt"));
            let (int, frac) = new_stamp
                .split_once('.')
                .unwrap_or_else(|| panic!("updatedAt {new_stamp} has no fraction: {y}"));
            assert!(
                !int.is_empty()
                    && !frac.is_empty()
                    && int.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit()),
                "updatedAt written as {new_stamp}"
            );
            let (old_v, new_v): (f64, f64) =
                (old_stamp.parse().unwrap(), new_stamp.parse().unwrap());
            assert!(new_v > old_v, "updatedAt {new_stamp} not after {old_stamp}");
            assert!(
                new_v >= t0.floor() - 1.0 && new_v <= t1 + 1.0,
                "updatedAt {new_stamp} is not the time of the run ({t0}..{t1})"
            );
            let old_password = parse(x.as_bytes())["password"].as_str().unwrap().to_owned();
            assert_ne!(old_password, HORSE_HASH);
            // Everything else of the line, byte for byte.
            let expected = x
                .replace(
                    &format!("\"password\":\"{old_password}\""),
                    &format!("\"password\":\"{HORSE_HASH}\""),
                )
                .replace(
                    &format!("\"updatedAt\":{old_stamp}"),
                    &format!("\"updatedAt\":{new_stamp}"),
                );
            assert_eq!(y, expected, "{email}");
        }
        assert_eq!(edited, 1, "{email}");
        if email == "erin@example.com" {
            // The Google account (line 1) is untouched.
            assert_eq!(parse(after[0])["_id"], ERIN_GOOGLE_ID);
            assert_eq!(before[0], after[0]);
        }
    }
}

// ---------------------------------------------------------------------------
// 6. remove-user

#[test]
fn remove_user_drops_exactly_the_users_lines_and_copies_the_rest_byte_for_byte() {
    // Alice: user, credential account, session, app row. Erin: user and two
    // accounts (Google and credential), no session (so that table stays raw).
    for (email, user_id, app_table) in [
        ("alice@example.com", ALICE_ID, true),
        ("erin@example.com", ERIN_ID, false),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let input = packed_sample(tmp.path(), "in.zip");
        let out = tmp.path().join("out.zip");
        let mut args = vec![
            "snapshot",
            "remove-user",
            s(&input),
            "--email",
            email,
            "--json",
            "-o",
            s(&out),
        ];
        if app_table {
            args.extend(["--app-table", "users"]);
        }
        let report = json_ok(&args, b"");
        assert_eq!(report["user_id"], user_id);
        let (a, b) = (entries(&input), entries(&out));
        assert_eq!(
            names(&a),
            names(&b),
            "entries must keep their names and order"
        );

        // Which lines must go, worked out here from the input.
        let doomed = |name: &str, line: &Value| -> bool {
            match name {
                USER_ENTRY => line["_id"] == user_id,
                ACCOUNT_ENTRY | SESSION_ENTRY => line["userId"] == user_id,
                APP_USERS_ENTRY => app_table && line["authId"] == user_id,
                _ => false,
            }
        };
        let mut removed_ids = Vec::new();
        for (x, y) in a.iter().zip(&b) {
            let lines = raw_lines(&x.content);
            let gone: Vec<bool> = if x.name.ends_with("/documents.jsonl") {
                lines.iter().map(|l| doomed(&x.name, &parse(l))).collect()
            } else {
                vec![false; lines.len()]
            };
            if !gone.contains(&true) {
                assert_raw_copy(x, y);
                continue;
            }
            let kept: Vec<u8> = lines
                .iter()
                .zip(&gone)
                .filter(|(_, &g)| !g)
                .flat_map(|(l, _)| l.iter().copied())
                .collect();
            assert_eq!(
                String::from_utf8_lossy(&y.content),
                String::from_utf8_lossy(&kept),
                "{email}: {}",
                x.name
            );
            for (l, _) in lines.iter().zip(&gone).filter(|(_, &g)| g) {
                removed_ids.push(parse(l)["_id"].as_str().unwrap().to_owned());
            }
        }
        let expected_count = if app_table { 4 } else { 3 };
        assert_eq!(
            removed_ids.len(),
            expected_count,
            "{email}: {removed_ids:?}"
        );
        let mut reported: Vec<String> = report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                assert_eq!(c["kind"], "remove");
                c["id"].as_str().unwrap().to_owned()
            })
            .collect();
        reported.sort();
        removed_ids.sort();
        assert_eq!(reported, removed_ids, "{email}");
    }
}

// ---------------------------------------------------------------------------
// 7. --dry-run

#[test]
fn dry_runs_write_nothing_and_report_the_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let input = packed_sample(tmp.path(), "in.zip");
    let out = tmp.path().join("out.zip");
    let input_bytes = std::fs::read(&input).unwrap();
    let runs: [(&str, Vec<&str>); 3] = [
        (
            "add-user",
            vec![
                "--email",
                "frank@example.com",
                "--password-hash",
                ADMIN_HASH,
            ],
        ),
        (
            "set-password",
            vec![
                "--email",
                "alice@example.com",
                "--password-hash",
                HORSE_HASH,
            ],
        ),
        ("remove-user", vec!["--email", "alice@example.com"]),
    ];
    for (command, flags) in &runs {
        let mut args = vec!["snapshot", command, s(&input)];
        args.extend(flags.iter().copied());
        args.extend(["-o", s(&out), "--dry-run"]);
        let o = bascrypt(&args, b"");
        assert_eq!(o.status.code(), Some(0), "{command}: {}", stderr(&o));
        let text = stdout(&o);
        assert!(
            text.contains("dry run: nothing written"),
            "{command}: {text}"
        );
        let would = match *command {
            "add-user" => "would add betterAuth/user ",
            "set-password" => "would update betterAuth/account j97ecfdw33ntv7965c4g1zzqz97j3hqb",
            _ => "would remove betterAuth/user j57cgv40jr973dxv2ejyfy6n4n7j27rx",
        };
        assert!(text.contains(would), "{command}: {text}");
        assert!(!text.contains("wrote "), "{command}: {text}");
        assert!(!out.exists(), "{command} --dry-run wrote {}", out.display());

        args.push("--json");
        let dry = json_ok(&args, b"");
        assert!(!out.exists(), "{command} --dry-run --json wrote the output");
        assert_eq!(dry["written"], false, "{command}: {dry}");
        assert!(dry["output"].is_null(), "{command}: {dry}");
        let changes: Vec<(String, String, String, String)> = dry["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["kind"].as_str().unwrap().to_owned(),
                    c["component"].as_str().unwrap().to_owned(),
                    c["table"].as_str().unwrap().to_owned(),
                    c["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let expected: Vec<(&str, &str, &str, String)> = match *command {
            "add-user" => {
                let (u, acc) = (&changes[0].3, &changes[1].3);
                assert_eq!((id_table(u), id_table(acc)), (10001, 10002), "{dry}");
                assert_eq!(dry["user_id"], json!(u));
                vec![
                    ("add", "betterAuth", "user", u.clone()),
                    ("add", "betterAuth", "account", acc.clone()),
                ]
            }
            "set-password" => vec![("update", "betterAuth", "account", ALICE_ACCOUNT_ID.into())],
            _ => vec![
                ("remove", "betterAuth", "account", ALICE_ACCOUNT_ID.into()),
                ("remove", "betterAuth", "session", ALICE_SESSION_ID.into()),
                ("remove", "betterAuth", "user", ALICE_ID.into()),
            ],
        };
        let mut sorted = changes.clone();
        if *command == "remove-user" {
            sorted.sort_by(|x, y| x.2.cmp(&y.2));
        }
        let expected: Vec<(String, String, String, String)> = expected
            .into_iter()
            .map(|(k, c, t, i)| (k.into(), c.into(), t.into(), i))
            .collect();
        assert_eq!(sorted, expected, "{command}: {dry}");

        // The real run reports the same changes (add-user's ids are random).
        let mut real_args = args.clone();
        real_args.retain(|a| *a != "--dry-run");
        let real = json_ok(&real_args, b"");
        assert_eq!(real["written"], true);
        assert_eq!(real["output"], s(&out));
        let strip = |v: &Value| -> Vec<Value> {
            v["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    let mut c = c.clone();
                    if *command == "add-user" {
                        c["id"] = Value::Null;
                        c["detail"] = Value::Null;
                    }
                    c
                })
                .collect()
        };
        assert_eq!(strip(&dry), strip(&real), "{command}");
        std::fs::remove_file(&out).unwrap();
    }
    assert_eq!(std::fs::read(&input).unwrap(), input_bytes);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

// ---------------------------------------------------------------------------
// 8. an existing email

#[test]
fn adding_an_existing_email_points_to_set_password() {
    let tmp = tempfile::tempdir().unwrap();
    let input = packed_sample(tmp.path(), "in.zip");
    let out = tmp.path().join("out.zip");
    let cases: [(&str, &[&str], &[u8]); 3] = [
        ("alice@example.com", &["--password-hash", ADMIN_HASH], b""),
        ("Alice@Example.COM", &["--password-hash", ADMIN_HASH], b""),
        // The user is checked before the password is asked for.
        (
            "alice@example.com",
            &["--password-stdin"],
            b"a perfectly good password\n",
        ),
    ];
    for (email, flags, stdin) in cases {
        let mut args = vec!["snapshot", "add-user", s(&input), "--email", email];
        args.extend_from_slice(flags);
        args.extend(["-o", s(&out)]);
        let o = bascrypt(&args, stdin);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{email}: {err}");
        assert!(err.contains("already exists"), "{email}: {err}");
        assert!(err.contains(ALICE_ID), "{email}: {err}");
        assert!(
            err.contains("bascrypt snapshot set-password"),
            "{email}: {err}"
        );
        assert!(!out.exists());
    }
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

// ---------------------------------------------------------------------------
// 9. doctor --explain on an r = 8 hash

/// The password123 / r = 8 value generated by vectors/generate.mjs with Node's
/// scrypt (and refused by both better-auth versions).
fn r8_vector() -> (String, String) {
    let path = common::vectors_dir().join("better-auth-vectors.json");
    let v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let r8 = v["must_not_verify"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "r8")
        .unwrap();
    (
        r8["password"].as_str().unwrap().to_owned(),
        r8["stored"].as_str().unwrap().to_owned(),
    )
}

/// `<salt>:<key>` with Node's own scrypt, r = 8, the way Better Auth feeds it
/// (NFKC password, salt text); the password goes in on stdin.
fn node_r8(password: &str, salt: &str) -> String {
    const SCRIPT: &str = r#"
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  const { password, salt } = JSON.parse(input);
  const key = require("crypto").scryptSync(password.normalize("NFKC"), salt, 64,
    { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  process.stdout.write(salt + ":" + key.toString("hex"));
});
"#;
    let mut cmd = Command::new("node");
    cmd.args(["-e", SCRIPT]);
    let input = json!({ "password": password, "salt": salt }).to_string();
    let o = common::run_with_stdin(cmd, input.as_bytes());
    assert!(o.status.success(), "node failed: {}", stderr(&o));
    String::from_utf8(o.stdout).unwrap()
}

/// The sample export with Alice's credential account holding `stored`.
fn export_with_alice_password(root: &Path, stored: &str) -> PathBuf {
    let dir = root.join("export");
    copy_dir(&sample_dir(), &dir);
    let path = dir.join("_components/betterAuth/account/documents.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut edited = String::new();
    let mut hits = 0;
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        if v["_id"] == ALICE_ACCOUNT_ID {
            let old = v["password"].as_str().unwrap();
            edited.push_str(&line.replace(old, stored));
            hits += 1;
        } else {
            edited.push_str(line);
        }
        edited.push('\n');
    }
    assert_eq!(hits, 1);
    std::fs::write(&path, edited).unwrap();
    let zip = root.join("r8.zip");
    pack(&dir, &zip);
    zip
}

fn doctor_alice(zip: &Path, password: &str) -> (Option<i32>, Value, String) {
    let mut stdin = password.as_bytes().to_vec();
    stdin.push(b'\n');
    let base = [
        "doctor",
        s(zip),
        "--email",
        "alice@example.com",
        "--password-stdin",
        "--explain",
    ];
    let o = bascrypt(&base, &stdin);
    let text = stdout(&o);
    let mut with_json = base.to_vec();
    with_json.push("--json");
    let j = bascrypt(&with_json, &stdin);
    assert_eq!(j.status.code(), o.status.code(), "{}", stderr(&j));
    assert!(
        !text.contains(password) && !stdout(&j).contains(password),
        "the password was printed"
    );
    (
        o.status.code(),
        serde_json::from_slice(&j.stdout).unwrap(),
        text,
    )
}

fn wrong_password_finding(v: &Value) -> &Value {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "wrong-password")
        .unwrap_or_else(|| panic!("no wrong-password finding: {v}"))
}

#[test]
fn doctor_explain_names_an_r8_hash_made_by_node() {
    let (vector_password, vector_stored) = r8_vector();
    assert!(vector_stored
        .split(':')
        .nth(1)
        .unwrap()
        .starts_with("791f673e6bdb380d"));
    let mut cases = vec![(vector_password, vector_stored)];
    if std::env::var("BASCRYPT_SKIP_NODE").as_deref() != Ok("1") {
        // Node made the vector above: it must give it again here.
        assert_eq!(
            node_r8(&cases[0].0, "00112233445566778899aabbccddeeff"),
            cases[0].1
        );
        // And a fresh one, with a password NFKC changes ("ﬁ" → "fi").
        let password = "\u{FB01}rst Legacy-8 p4ss".to_owned();
        let stored = node_r8(&password, "9f86d081884c7d659a2feaa0c55ad015");
        cases.push((password, stored));
    } else {
        eprintln!("BASCRYPT_SKIP_NODE=1: only the stored r = 8 vector is checked");
    }
    for (password, stored) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let zip = export_with_alice_password(tmp.path(), &stored);

        let (code, v, text) = doctor_alice(&zip, &password);
        assert_eq!(code, Some(1), "{text}");
        assert_eq!(v["password_checked"], true);
        let f = wrong_password_finding(&v);
        assert_eq!(f["severity"], "error");
        assert_eq!(f["id"], ALICE_ACCOUNT_ID);
        assert_eq!(f["line"], 5);
        let message = f["message"].as_str().unwrap();
        assert!(message.contains("(r8-legacy)"), "{message}");
        assert!(message.contains("r = 8"), "{message}");
        assert!(!message.contains("no-known-cause"), "{message}");
        let fix = f["fix"].as_str().unwrap();
        assert!(fix.contains("Better Auth's parameters"), "{fix}");
        assert!(fix.contains("set-password"), "{fix}");
        for version in ["1.6", "1.7"] {
            assert_eq!(v["signin"][version]["log"], "Invalid password", "{v}");
        }
        assert!(text.contains("wrong-password"), "{text}");
        assert!(text.contains("(r8-legacy)"), "{text}");

        // A different password against the same hash: no r = 8 attribution.
        let (code, v, _) = doctor_alice(&zip, "not the password at all");
        assert_eq!(code, Some(1));
        let message = wrong_password_finding(&v)["message"].as_str().unwrap();
        assert!(!message.contains("r8-legacy"), "{message}");
        assert!(message.contains("(no-known-cause)"), "{message}");
    }

    // The right (r = 16) hash for the same password: no finding at all.
    let tmp = tempfile::tempdir().unwrap();
    let zip = export_with_alice_password(tmp.path(), ADMIN_HASH);
    let (code, v, text) = doctor_alice(&zip, "password123");
    assert_eq!(code, Some(0), "{text}");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["code"] != "wrong-password"),
        "{v}"
    );
}
