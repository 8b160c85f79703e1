//! `bascrypt snapshot …` as a user runs it: what changes, what must not, and the refusals.

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

use bascrypt::convex::jsonl;
use bascrypt::convex::ConvexId;
use common::{bascrypt, copy_dir, entries, packed_sample};
use serde_json::Value;

const ADMIN_HASH: &str = "00112233445566778899aabbccddeeff:73122e887cfc14f91396cdef78dfe4b9dec28d459037601c4904cedba5a637ab97b39b40c236df5d42881d0109ca8cf0f85e39dbaba2911c190915bd8f30fe85";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json_out(o: &Output) -> Value {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn table_numbers(zip: &Path, prefix: &str) -> BTreeMap<String, u32> {
    let e = entries(zip);
    let tables = e
        .iter()
        .find(|e| e.name == format!("{prefix}_tables/documents.jsonl"))
        .unwrap();
    String::from_utf8(tables.content.clone())
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["name"].as_str().unwrap().to_owned(),
                v["id"].as_u64().unwrap() as u32,
            )
        })
        .collect()
}

#[test]
fn add_user_changes_exactly_the_rows_it_means_to() {
    let tmp = tempfile::tempdir().unwrap();
    let input = packed_sample(tmp.path(), "in.zip");
    let out = tmp.path().join("out.zip");
    let before_input = std::fs::read(&input).unwrap();
    let report = json_out(&bascrypt(
        &[
            "snapshot",
            "add-user",
            s(&input),
            "--email",
            "Root@Example.COM",
            "--password-hash",
            ADMIN_HASH,
            "--app-table",
            "users",
            "--app-set",
            "isAdmin=true",
            "--app-set",
            "credits=3",
            "--json",
            "-o",
            s(&out),
        ],
        b"",
    ));
    assert_eq!(
        std::fs::read(&input).unwrap(),
        before_input,
        "the input changed"
    );
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let user_id = report["user_id"].as_str().unwrap().to_owned();

    let (a, b) = (entries(&input), entries(&out));
    assert_eq!(
        a.iter().map(|e| &e.name).collect::<Vec<_>>(),
        b.iter().map(|e| &e.name).collect::<Vec<_>>(),
        "entries must keep their names and order"
    );
    let edited = [
        "_components/betterAuth/user/documents.jsonl",
        "_components/betterAuth/account/documents.jsonl",
        "users/documents.jsonl",
    ];
    for (x, y) in a.iter().zip(&b) {
        if edited.contains(&x.name.as_str()) {
            // Every old line is still there, byte for byte, and exactly one line is added.
            assert!(
                y.content.starts_with(&x.content),
                "{}: old lines changed",
                x.name
            );
            let added = &y.content[x.content.len()..];
            assert_eq!(
                added.iter().filter(|&&c| c == b'\n').count(),
                1,
                "{}",
                x.name
            );
        } else {
            assert_eq!(
                (x.crc, x.method, &x.compressed),
                (y.crc, y.method, &y.compressed),
                "{} was not copied raw",
                x.name
            );
        }
    }

    let numbers = table_numbers(&out, "_components/betterAuth/");
    let new_line = |name: &str| -> (String, Value) {
        let (x, y) = (
            a.iter().find(|e| e.name == name).unwrap(),
            b.iter().find(|e| e.name == name).unwrap(),
        );
        let line = String::from_utf8(y.content[x.content.len()..].to_vec()).unwrap();
        let v = serde_json::from_str(&line).unwrap();
        (line, v)
    };
    let (user_line, user) = new_line("_components/betterAuth/user/documents.jsonl");
    let (account_line, account) = new_line("_components/betterAuth/account/documents.jsonl");
    let (app_line, app) = new_line("users/documents.jsonl");
    for line in [&user_line, &account_line, &app_line] {
        // Re-encoding with sorted keys gives the same bytes: keys are sorted, one line, \n.
        let doc = jsonl::parse_line(line.trim_end_matches('\n').as_bytes()).unwrap();
        assert_eq!(
            String::from_utf8(jsonl::encode_document(&doc)).unwrap(),
            *line
        );
        assert!(!line.contains("\r") && line.ends_with('\n'));
    }
    assert_eq!(user["_id"], user_id.as_str());
    assert_eq!(user["email"], "root@example.com");
    assert_eq!(user["emailVerified"], true);
    assert_eq!(user["name"], "root");
    for field in ["_creationTime", "createdAt", "updatedAt"] {
        assert!(
            jsonl::is_float_number(&user[field]),
            "user.{field} = {}",
            user[field]
        );
        assert!(
            jsonl::is_float_number(&account[field]),
            "account.{field} = {}",
            account[field]
        );
    }
    let uid: ConvexId = user_id.parse().unwrap();
    assert_eq!(uid.table().get(), numbers["user"]);
    let aid: ConvexId = account["_id"].as_str().unwrap().parse().unwrap();
    assert_eq!(aid.table().get(), numbers["account"]);
    assert_eq!(account["providerId"], "credential");
    assert_eq!(account["accountId"], user_id.as_str());
    assert_eq!(account["userId"], user_id.as_str());
    assert_eq!(account["password"], ADMIN_HASH);
    assert_eq!(app["authId"], user_id.as_str());
    assert_eq!(app["isAdmin"], true);
    assert!(app_line.contains("\"credits\":3.0"), "{app_line}");
    let app_id: ConvexId = app["_id"].as_str().unwrap().parse().unwrap();
    assert_eq!(app_id.table().get(), table_numbers(&out, "")["users"]);
}

#[test]
fn add_user_links_an_app_only_person_instead_of_duplicating_them() {
    let tmp = tempfile::tempdir().unwrap();
    let input = packed_sample(tmp.path(), "in.zip");
    let out = tmp.path().join("out.zip");
    let report = json_out(&bascrypt(
        &[
            "snapshot",
            "add-user",
            s(&input),
            "--email",
            "dave@example.com",
            "--password-hash",
            ADMIN_HASH,
            "--app-table",
            "users",
            "--app-set",
            "isAdmin=true",
            "--json",
            "-o",
            s(&out),
        ],
        b"",
    ));
    let changes = report["changes"].as_array().unwrap();
    let app_change = changes.iter().find(|c| c["table"] == "users").unwrap();
    assert_eq!(app_change["kind"], "update");
    let (a, b) = (entries(&input), entries(&out));
    let users = |e: &[common::RawEntry]| {
        String::from_utf8(
            e.iter()
                .find(|e| e.name == "users/documents.jsonl")
                .unwrap()
                .content
                .clone(),
        )
        .unwrap()
    };
    let (before, after) = (users(&a), users(&b));
    assert_eq!(before.lines().count(), after.lines().count());
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(x, y)| x != y)
        .collect();
    assert_eq!(changed.len(), 1);
    let row: Value = serde_json::from_str(changed[0].1).unwrap();
    assert_eq!(row["email"], "dave@example.com");
    assert_eq!(row["authId"], report["user_id"]);
    assert_eq!(row["isAdmin"], true);
}

#[test]
fn refusals_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let input = packed_sample(tmp.path(), "in.zip");
    let out = tmp.path().join("out.zip");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["add-user", s(&input), "--email", "alice@example.com", "--password-hash", ADMIN_HASH, "-o", s(&out)],
         "already exists (line 2 of `_components/betterAuth/user/documents.jsonl`"),
        (vec!["add-user", s(&input), "--email", "ALICE@example.com", "--password-hash", ADMIN_HASH, "-o", s(&out)],
         "already exists"),
        (vec!["add-user", s(&input), "--email", "x@example.com", "--password-hash", "$2a$10$abcdefghijklmnopqrstuv", "-o", s(&out)],
         "--allow-foreign-hash"),
        (vec!["add-user", s(&input), "--email", "not an email", "--password-hash", ADMIN_HASH, "-o", s(&out)],
         "is not an email address"),
        (vec!["add-user", s(&input), "--email", "x@example.com", "--password-hash", ADMIN_HASH, "-o", s(&input), "--force"],
         "is the input export (or a link to it)"),
        (vec!["add-user", s(&input), "--email", "x@example.com", "--password-hash", ADMIN_HASH, "--component", "auth", "-o", s(&out)],
         "no component `auth` (it has: "),
        (vec!["set-password", s(&input), "--email", "nobody@example.com", "--password-hash", ADMIN_HASH, "-o", s(&out)],
         "no user in `_components/betterAuth/user/documents.jsonl` has the email \"nobody@example.com\""),
        (vec!["remove-user", s(&input), "--email", "nobody@example.com", "-o", s(&out)],
         "has the email \"nobody@example.com\""),
        (vec!["users", s(tmp.path())], "cannot use"),
        (vec!["add-user", s(&input), "--email", "a@@example.com", "--password-hash", ADMIN_HASH, "-o", s(&out)],
         "more than one '@'"),
        (vec!["add-user", s(&input), "--email", "x@example.com", "--password-hash", ADMIN_HASH, "--user-set", "name=x", "-o", s(&out)],
         "--user-set name: add-user sets it itself; use --name"),
        (vec!["add-user", s(&input), "--email", "x@example.com", "--password-hash", ADMIN_HASH, "--app-table", "users", "--app-set", "authId=x", "-o", s(&out)],
         "--app-set authId: it is the link field"),
        (vec!["add-user", s(&input), "--email", "x@example.com", "--password-hash", ADMIN_HASH, "--app-table", "user", "-o", s(&out)],
         "the app has no table `user` (it has: users, todos)"),
        (vec!["add-user", s(&input), "--email", "x@example.com", "--password-hash", ADMIN_HASH, "--app-table", "users", "--app-set", "n=9007199254740993", "-o", s(&out)],
         "cannot be stored exactly as a float"),
        (vec!["add-user", s(&input), "--email", "x@example.com", "--password-hash", ADMIN_HASH, "-o", "/nonexistent-folder/x.zip"],
         "the folder /nonexistent-folder does not exist"),
        (vec!["add-user", s(&input), "--email", "x@example.com", "--password-stdin", "-o", s(&out)],
         "the password is empty"),

    ];
    for (args, expected) in cases {
        let mut full = vec!["snapshot"];
        full.extend(&args);
        let o = bascrypt(&full, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
        assert!(!out.exists(), "{args:?} wrote an output");
    }
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");

    // An existing output needs --force; a dry run writes nothing.
    std::fs::write(&out, b"keep me").unwrap();
    let o = bascrypt(
        &[
            "snapshot",
            "add-user",
            s(&input),
            "--email",
            "x@example.com",
            "--password-hash",
            ADMIN_HASH,
            "-o",
            s(&out),
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("already exists; pass --force"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
    std::fs::remove_file(&out).unwrap();
    let o = bascrypt(
        &[
            "snapshot",
            "add-user",
            s(&input),
            "--email",
            "x@example.com",
            "--password-hash",
            ADMIN_HASH,
            "--dry-run",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("would add betterAuth/user"));
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn remove_user_takes_accounts_sessions_and_the_app_row() {
    let tmp = tempfile::tempdir().unwrap();
    let input = packed_sample(tmp.path(), "in.zip");
    let out = tmp.path().join("out.zip");
    let report = json_out(&bascrypt(
        &[
            "snapshot",
            "remove-user",
            s(&input),
            "--email",
            "Alice@Example.com",
            "--app-table",
            "users",
            "--json",
            "-o",
            s(&out),
        ],
        b"",
    ));
    let mut removed: Vec<String> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}/{}",
                c["component"].as_str().unwrap(),
                c["table"].as_str().unwrap()
            )
        })
        .collect();
    removed.sort();
    assert_eq!(
        removed,
        [
            "/users",
            "betterAuth/account",
            "betterAuth/session",
            "betterAuth/user"
        ]
    );
    let uid = report["user_id"].as_str().unwrap();
    for e in entries(&out) {
        assert!(
            !String::from_utf8_lossy(&e.content).contains(&format!("\"{uid}\""))
                || e.name.contains("jwks"),
            "{} still mentions the user",
            e.name
        );
    }
    let listed = json_out(&bascrypt(&["snapshot", "users", s(&out), "--json"], b""));
    assert!(!listed.to_string().contains("alice@example.com"));
}

#[test]
fn users_lists_providers_and_hash_state() {
    let tmp = tempfile::tempdir().unwrap();
    let input = packed_sample(tmp.path(), "in.zip");
    let v = json_out(&bascrypt(&["snapshot", "users", s(&input), "--json"], b""));
    let by_email: BTreeMap<&str, &Value> = v["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["email"].as_str().unwrap(), u))
        .collect();
    assert_eq!(
        by_email["bob@gmail.com"]["credential"]["state"],
        "no-credential-account"
    );
    assert_eq!(
        by_email["alice@example.com"]["credential"]["state"],
        "valid"
    );
    assert_eq!(
        by_email["erin@example.com"]["providers"],
        serde_json::json!(["google", "credential"])
    );
    assert_eq!(by_email["carol@example.com"]["email_verified"], false);
}

#[test]
fn force_never_replaces_a_link_a_pipe_or_a_device() {
    let tmp = tempfile::tempdir().unwrap();
    let input = packed_sample(tmp.path(), "in.zip");
    let target = tmp.path().join("target.zip");
    std::fs::write(&target, b"keep me").unwrap();
    let link = tmp.path().join("link.zip");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let fifo = tmp.path().join("pipe.zip");
    let c = std::ffi::CString::new(s(&fifo)).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let cases: [(&Path, &str); 2] = [
        (&link, "is a symbolic link"),
        (
            &fifo,
            "is a device, named pipe or socket, not a regular file",
        ),
    ];
    for (dest, expected) in cases {
        let runs: [Vec<&str>; 3] = [
            vec![
                "snapshot",
                "add-user",
                s(&input),
                "--email",
                "x@example.com",
                "--password-hash",
                ADMIN_HASH,
                "-o",
                s(dest),
                "--force",
            ],
            vec![
                "snapshot",
                "pack",
                "tests/fixtures/sample-export",
                "-o",
                s(dest),
                "--force",
            ],
            vec!["snapshot", "sample", "-o", s(dest), "--force"],
        ];
        for args in runs {
            let o = bascrypt(&args, b"");
            assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
            assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
        }
    }
    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink());
    assert_eq!(std::fs::read(&target).unwrap(), b"keep me");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
}

/// `bascrypt snapshot users big.zip | head -1`: the listing outgrows the pipe
/// while `head` has gone. It must end quietly (SIGPIPE, as `cat` does), not
/// panic with "failed printing to stdout".
#[test]
fn a_listing_cut_short_by_a_closed_pipe_ends_without_a_panic() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};

    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("big.zip");
    bascrypt::convex::fixture::write_synthetic_export(&input, 5_000, 7).unwrap();
    for json in [false, true] {
        let mut cmd = Command::new(common::BIN);
        cmd.args(["snapshot", "users", s(&input)]);
        if json {
            cmd.arg("--json");
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The JSON listing is one line: read its start only.
        let mut first = vec![0; 64];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let first = String::from_utf8(first).unwrap();
        // The reader is dropped here: the pipe is closed with most of the
        // listing (well over a pipe buffer) still to come.
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "json={json}: {err}");
        assert_eq!(
            out.status.signal(),
            Some(libc::SIGPIPE),
            "json={json}: {err}"
        );
        assert!(first.starts_with(if json { "{\"users\":[{" } else { "email " }));
    }
}

/// The listing is printed as the user table streams past, so it must still
/// be one JSON object, and the text columns must line up, whatever the size.
#[test]
fn a_long_listing_is_one_json_object_and_lines_up() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("big.zip");
    bascrypt::convex::fixture::write_synthetic_export(&input, 2_500, 3).unwrap();
    let v = json_out(&bascrypt(&["snapshot", "users", s(&input), "--json"], b""));
    let users = v["users"].as_array().unwrap();
    let rows = common::entries(&input)
        .into_iter()
        .find(|e| e.name == "_components/betterAuth/user/documents.jsonl")
        .unwrap()
        .content
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    assert_eq!(users.len(), rows);
    let text = bascrypt(&["snapshot", "users", s(&input)], b"");
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    let text = String::from_utf8(text.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), rows + 1);
    let column = lines[0].find("verified").unwrap();
    for line in &lines[1..] {
        let email_end = line.find(' ').unwrap();
        assert!(email_end <= column - 2, "{line}");
        assert!(
            line[column..].starts_with("yes ") || line[column..].starts_with("no "),
            "{line}"
        );
    }
    assert!(stderr(&bascrypt(&["snapshot", "users", s(&input)], b""))
        .contains(&format!("{rows} users")));
}

/// A broken row after some users were printed: `--json` still prints one
/// object, with the users so far and the error, and the exit code says so.
#[test]
fn a_listing_stopped_by_a_bad_row_still_prints_one_json_object() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("export");
    copy_dir(Path::new("tests/fixtures/sample-export"), &dir);
    let table = dir.join("_components/betterAuth/user/documents.jsonl");
    let mut rows = std::fs::read(&table).unwrap();
    rows.extend_from_slice(b"[1,2]\n");
    std::fs::write(&table, rows).unwrap();
    let input = tmp.path().join("broken.zip");
    bascrypt::convex::fixture::zip_directory_unchecked(&dir, &input).unwrap();

    let o = bascrypt(&["snapshot", "users", s(&input), "--json"], b"");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["users"].as_array().unwrap().len(), 4);
    let error = v["error"].as_str().unwrap();
    assert!(
        error.contains("_components/betterAuth/user/documents.jsonl") && error.contains("line 5"),
        "{error}"
    );
    assert!(stderr(&o).contains(error));

    let o = bascrypt(&["snapshot", "users", s(&input)], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(stderr(&o).contains("line 5"), "{}", stderr(&o));
}

/// Carol's app row is linked the older way: her component user's `userId`
/// holds the app row's `_id`. `remove-user --app-table` must take that row
/// too, or doctor then reports her as an app-only user.
#[test]
fn remove_user_takes_the_app_row_of_a_legacy_userid_link() {
    let tmp = tempfile::tempdir().unwrap();
    let input = packed_sample(tmp.path(), "in.zip");
    let out = tmp.path().join("out.zip");
    let o = bascrypt(
        &[
            "snapshot",
            "remove-user",
            s(&input),
            "--email",
            "carol@example.com",
            "--app-table",
            "users",
            "-o",
            s(&out),
            "--json",
        ],
        b"",
    );
    let v = json_out(&o);
    let app_row = "j576shfwwjxxewr28qgk3493r17j2ckd";
    assert!(
        v["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["table"] == "users" && c["id"] == app_row),
        "{v}"
    );
    let users = common::entries(&out)
        .into_iter()
        .find(|e| e.name == "users/documents.jsonl")
        .unwrap();
    let text = String::from_utf8(users.content).unwrap();
    assert!(!text.contains("carol@example.com"), "{text}");
    assert!(!text.contains(app_row));
    let doctor = bascrypt(&["doctor", s(&out), "--json"], b"");
    let report: Value = serde_json::from_slice(&doctor.stdout).unwrap();
    assert!(
        !report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["email"] == "carol@example.com"),
        "{report}"
    );
}

/// The shared option groups (limits, output) must not pull a command's own
/// options under their heading in `--help`.
#[test]
fn help_lists_each_commands_own_options_first() {
    for command in ["add-user", "set-password", "remove-user", "users"] {
        let o = bascrypt(&["snapshot", command, "--help"], b"");
        let help = String::from_utf8(o.stdout).unwrap();
        let options = help.find("\nOptions:").unwrap();
        let limits = help.find("\nLimits (").unwrap();
        let output = help.find("\nOutput:").unwrap();
        assert!(options < limits && limits < output, "{help}");
        let output_section = &help[output..];
        assert_eq!(
            output_section.matches("\n      --").count(),
            1,
            "{command}: only --json belongs under Output:\n{help}"
        );
    }
}
