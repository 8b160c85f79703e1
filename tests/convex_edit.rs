//! Editing a snapshot: untouched entries and lines stay byte-identical, new
//! rows and tables follow the export rules, output never clobbers.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use bascrypt::convex::fixture::zip_directory;
use bascrypt::convex::jsonl::{self, Document};
use bascrypt::convex::{
    ConvexId, Limits, LineAction, Snapshot, SnapshotError, WriteOptions, TEMP_PREFIX,
};
use serde_json::json;
use zip::ZipArchive;

mod common;
use common::entries;

fn sample_zip(dir: &Path) -> PathBuf {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample-export");
    let zip = dir.join("snapshot.zip");
    zip_directory(&sample, &zip).unwrap();
    zip
}

fn lines(data: &[u8]) -> Vec<&[u8]> {
    data.split_inclusive(|&b| b == b'\n').collect()
}

fn new_user(id: &ConvexId, email: &str) -> Document {
    let now = jsonl::now_millis();
    match json!({
        "_id": id.to_string(),
        "_creationTime": jsonl::now_creation_time(),
        "createdAt": now.clone(),
        "email": email,
        "emailVerified": true,
        "name": "New Admin",
        "updatedAt": now,
    }) {
        serde_json::Value::Object(m) => m,
        _ => unreachable!(),
    }
}

#[test]
fn edit_keeps_everything_else_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let input = sample_zip(dir.path());
    let output = dir.path().join("out.zip");

    let snapshot = Snapshot::open(&input).unwrap();
    let user_table = snapshot
        .component("betterAuth")
        .unwrap()
        .table("user")
        .unwrap()
        .number;
    let mut edit = snapshot.edit();
    let id = ConvexId::new(user_table, &mut rand::rng());
    edit.append("betterAuth", "user", new_user(&id, "new@example.com"))
        .unwrap();
    // Replace alice's credential password, keep every other account row.
    edit.edit_rows("betterAuth", "account", |row| {
        if row.str_field("providerId") == Some("credential")
            && row.raw.windows(5).any(|w| w == b"j57cg")
        {
            let mut doc = row.document.clone();
            doc.insert("password".into(), json!("aa:bb"));
            doc.insert("updatedAt".into(), jsonl::now_millis());
            Ok(LineAction::Replace(doc))
        } else {
            Ok(LineAction::Keep)
        }
    })
    .unwrap();
    edit.edit_rows("betterAuth", "session", |row| {
        Ok(if row.line == 1 {
            LineAction::Drop
        } else {
            LineAction::Keep
        })
    })
    .unwrap();
    let summary = edit.write(&output, WriteOptions::default()).unwrap();
    assert_eq!(summary.tables.len(), 3);
    assert_eq!(summary.tables[0].appended, 1);
    assert_eq!(summary.tables[1].replaced, 1);
    assert_eq!(summary.tables[1].kept, 4);
    assert_eq!(summary.tables[2].dropped, 1);

    let before = entries(&input);
    let after = entries(&output);
    assert_eq!(
        before.iter().map(|e| &e.name).collect::<Vec<_>>(),
        after.iter().map(|e| &e.name).collect::<Vec<_>>(),
        "same entries in the same order"
    );
    let edited = [
        "_components/betterAuth/user/documents.jsonl",
        "_components/betterAuth/account/documents.jsonl",
        "_components/betterAuth/session/documents.jsonl",
    ];
    for (b, a) in before.iter().zip(&after) {
        if edited.contains(&b.name.as_str()) {
            assert_eq!(a.method, zip::CompressionMethod::Deflated);
            continue;
        }
        assert_eq!(b.crc, a.crc, "{}", b.name);
        assert_eq!(b.method, a.method, "{}", b.name);
        assert_eq!(
            b.compressed, a.compressed,
            "{}: raw compressed bytes",
            b.name
        );
    }

    // user: every old line identical, one canonical line appended.
    let (b, a) = (&before[8], &after[8]);
    assert_eq!(b.name, edited[0]);
    let (bl, al) = (lines(&b.content), lines(&a.content));
    assert_eq!(al.len(), bl.len() + 1);
    assert_eq!(&al[..bl.len()], &bl[..]);
    let appended = jsonl::parse_line(al[bl.len()].strip_suffix(b"\n").unwrap()).unwrap();
    assert_eq!(appended["_id"], id.to_string());
    assert_eq!(jsonl::encode_document(&appended), al[bl.len()]);

    // account: only alice's credential line differs.
    let (b, a) = (&before[10], &after[10]);
    let (bl, al) = (lines(&b.content), lines(&a.content));
    assert_eq!(bl.len(), al.len());
    let differing: Vec<usize> = (0..bl.len()).filter(|&i| bl[i] != al[i]).collect();
    assert_eq!(differing.len(), 1);
    let changed = String::from_utf8(al[differing[0]].to_vec()).unwrap();
    assert!(changed.contains("\"password\":\"aa:bb\""), "{changed}");
    assert!(changed.ends_with("}\n"));

    // session: first line gone, second kept.
    let (b, a) = (&before[12], &after[12]);
    assert_eq!(lines(&a.content), lines(&b.content)[1..]);

    // The result opens as a snapshot again.
    let mut again = Snapshot::open(&output).unwrap();
    assert_eq!(again.rows("betterAuth", "user").unwrap().count(), 5);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&output).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let mut archive = ZipArchive::new(File::open(&output).unwrap()).unwrap();
    let f = archive.by_name(edited[0]).unwrap();
    assert_eq!(f.unix_mode().map(|m| m & 0o777), Some(0o644));
}

#[test]
fn a_missing_table_is_created_with_a_free_number() {
    let dir = tempfile::tempdir().unwrap();
    let input = sample_zip(dir.path());
    let output = dir.path().join("out.zip");
    let mut edit = Snapshot::open(&input).unwrap().edit();
    let number = edit.ensure_table("", "auditLog").unwrap();
    assert_eq!(number.get(), 10003);
    assert_eq!(edit.ensure_table("", "auditLog").unwrap(), number);
    assert_eq!(
        edit.ensure_table("rateLimiter", "other").unwrap().get(),
        10002
    );
    let id = ConvexId::new(number, &mut rand::rng());
    let mut doc = Document::new();
    doc.insert("_id".into(), json!(id.to_string()));
    doc.insert("_creationTime".into(), jsonl::now_creation_time());
    doc.insert("event".into(), json!("admin created"));
    edit.append("", "auditLog", doc).unwrap();
    edit.write(&output, WriteOptions::default()).unwrap();

    let mut snapshot = Snapshot::open(&output).unwrap();
    let root = snapshot.component("").unwrap();
    assert_eq!(root.table("auditLog").unwrap().number, number);
    let rows: Vec<_> = snapshot.rows("", "auditLog").unwrap().collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(snapshot.rows("rateLimiter", "other").unwrap().count(), 0);

    let all = entries(&output);
    let tables = all
        .iter()
        .find(|e| e.name == "_tables/documents.jsonl")
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&tables.content),
        "{\"name\":\"users\",\"id\":10001}\n{\"name\":\"todos\",\"id\":10002}\n{\"name\":\"auditLog\",\"id\":10003}\n"
    );
    let schema = all
        .iter()
        .find(|e| e.name == "auditLog/generated_schema.jsonl")
        .unwrap();
    assert_eq!(schema.content, b"\"uniform\"\n");
    // New entries sit with their component's tables, before the components.
    let pos = |n: &str| all.iter().position(|e| e.name == n).unwrap();
    assert_eq!(
        pos("auditLog/documents.jsonl"),
        pos("todos/generated_schema.jsonl") + 1
    );
    assert!(
        pos("_components/rateLimiter/other/documents.jsonl")
            > pos("_components/rateLimiter/rateLimits/generated_schema.jsonl")
    );
}

#[test]
fn appended_rows_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let input = sample_zip(dir.path());
    let mut edit = Snapshot::open(&input).unwrap().edit();
    let wrong_table = ConvexId::new(
        bascrypt::convex::TableNumber::new(10002).unwrap(),
        &mut rand::rng(),
    );
    let err = edit
        .append(
            "betterAuth",
            "user",
            new_user(&wrong_table, "x@example.com"),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("belongs to table number 10002"),
        "{err}"
    );

    let id = ConvexId::new(
        bascrypt::convex::TableNumber::new(10001).unwrap(),
        &mut rand::rng(),
    );
    let mut doc = new_user(&id, "x@example.com");
    doc.insert("_creationTime".into(), json!(1750222681271u64));
    let err = edit.append("betterAuth", "user", doc).unwrap_err();
    assert!(err.to_string().contains("_creationTime"), "{err}");

    let mut doc = new_user(&id, "x@example.com");
    doc.insert("_secret".into(), json!(1));
    assert!(edit.append("betterAuth", "user", doc).is_err());

    assert!(matches!(
        edit.append("nope", "user", Document::new()),
        Err(SnapshotError::NoSuchComponent { .. })
    ));
    assert!(matches!(
        edit.append("betterAuth", "nope", Document::new()),
        Err(SnapshotError::NoSuchTable { .. })
    ));
    assert!(edit.ensure_table("", "bad-name").is_err());
    assert!(edit.ensure_table("", "_system").is_err());
}

fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(TEMP_PREFIX))
        .collect()
}

#[test]
fn an_editor_error_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let input = sample_zip(dir.path());
    let output = dir.path().join("out.zip");
    let mut edit = Snapshot::open(&input).unwrap().edit();
    edit.edit_rows("betterAuth", "account", |row| {
        if row.line == 3 {
            Err("refusing this row".into())
        } else {
            Ok(LineAction::Keep)
        }
    })
    .unwrap();
    let err = edit.write(&output, WriteOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("line 3 of `_components/betterAuth/account/documents.jsonl`")
            && text.contains("refusing this row"),
        "{text}"
    );
    assert!(!output.exists());
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn output_never_replaces_the_input_and_needs_force() {
    let dir = tempfile::tempdir().unwrap();
    let input = sample_zip(dir.path());
    let original = fs::read(&input).unwrap();

    let err = Snapshot::open(&input)
        .unwrap()
        .edit()
        .write(&input, WriteOptions { force: true })
        .unwrap_err();
    assert!(matches!(err, SnapshotError::SameAsInput { .. }), "{err}");

    // Through another spelling of the path and through a hard link.
    let other = dir.path().join(".").join("snapshot.zip");
    assert!(matches!(
        Snapshot::open(&input)
            .unwrap()
            .edit()
            .write(&other, WriteOptions { force: true }),
        Err(SnapshotError::SameAsInput { .. })
    ));
    let link = dir.path().join("link.zip");
    fs::hard_link(&input, &link).unwrap();
    assert!(matches!(
        Snapshot::open(&input)
            .unwrap()
            .edit()
            .write(&link, WriteOptions { force: true }),
        Err(SnapshotError::SameAsInput { .. })
    ));
    assert_eq!(fs::read(&input).unwrap(), original);

    let existing = dir.path().join("existing.zip");
    fs::write(&existing, b"keep me").unwrap();
    let err = Snapshot::open(&input)
        .unwrap()
        .edit()
        .write(&existing, WriteOptions::default())
        .unwrap_err();
    assert!(
        matches!(err, SnapshotError::DestinationExists { .. }),
        "{err}"
    );
    assert_eq!(fs::read(&existing).unwrap(), b"keep me");
    Snapshot::open(&input)
        .unwrap()
        .edit()
        .write(&existing, WriteOptions { force: true })
        .unwrap();
    // With no changes, the copy holds the same entries.
    let (a, b) = (entries(&input), entries(&existing));
    assert!(a
        .iter()
        .zip(&b)
        .all(|(x, y)| x.name == y.name && x.compressed == y.compressed));
    assert!(leftovers(dir.path()).is_empty());
}

fn write_zip(path: &Path, files: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(File::create(path).unwrap());
    for (name, data) in files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn bad_lines_are_reported_with_entry_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.zip");
    let good = b"{\"_creationTime\":1.5,\"_id\":\"x\"}\n";
    for (content, expected) in [
        (
            &b"{\"a\":1}\n\n"[..],
            "line 2 of `users/documents.jsonl`: blank line",
        ),
        (
            &b"\xEF\xBB\xBF{}\n"[..],
            "line 1 of `users/documents.jsonl`: starts with a UTF-8 byte-order mark",
        ),
        (&b"{}\r\n"[..], "carriage return"),
        (&b"[]\n"[..], "JSON array"),
        (
            &b"{\"a\":1}\n{\"a\":\n"[..],
            "line 2 of `users/documents.jsonl`: not valid JSON",
        ),
    ] {
        write_zip(
            &path,
            &[
                (
                    "_tables/documents.jsonl",
                    b"{\"name\":\"users\",\"id\":10001}\n",
                ),
                ("users/documents.jsonl", content),
            ],
        );
        let mut snapshot = Snapshot::open(&path).unwrap();
        let err = snapshot
            .rows("", "users")
            .unwrap()
            .find_map(Result::err)
            .unwrap();
        assert!(err.to_string().contains(expected), "{err} / {expected}");
    }
    // A long line hits the limit instead of filling memory.
    write_zip(
        &path,
        &[
            (
                "_tables/documents.jsonl",
                b"{\"name\":\"users\",\"id\":10001}\n",
            ),
            (
                "users/documents.jsonl",
                &[good.as_slice(), &[b' '; 5000], b"\n"].concat(),
            ),
        ],
    );
    let limits = Limits {
        max_line_bytes: 1000,
        ..Limits::default()
    };
    let mut snapshot = Snapshot::open_with_limits(&path, limits).unwrap();
    let results: Vec<_> = snapshot.rows("", "users").unwrap().collect();
    assert!(results[0].is_ok());
    assert!(matches!(
        results[1],
        Err(SnapshotError::LineTooLong { line: 2, .. })
    ));
}

#[test]
fn suspicious_zips_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.zip");
    let tables: (&str, &[u8]) = ("_tables/documents.jsonl", b"");

    write_zip(&path, &[tables, ("../evil", b"x")]);
    assert!(matches!(
        Snapshot::open(&path),
        Err(SnapshotError::UnsafeEntryName { .. })
    ));
    write_zip(&path, &[tables, ("/etc/x", b"x")]);
    assert!(matches!(
        Snapshot::open(&path),
        Err(SnapshotError::UnsafeEntryName { .. })
    ));

    // Two entries with one name: patch "dup2" into "dup1" everywhere.
    write_zip(&path, &[tables, ("dup1", b"a"), ("dup2", b"b")]);
    let mut bytes = fs::read(&path).unwrap();
    for i in 0..bytes.len() - 4 {
        if &bytes[i..i + 4] == b"dup2" {
            bytes[i + 3] = b'1';
        }
    }
    fs::write(&path, bytes).unwrap();
    assert!(matches!(
        Snapshot::open(&path),
        Err(SnapshotError::DuplicateEntries {
            listed: 3,
            distinct: 2
        })
    ));

    write_zip(&path, &[tables, ("a", b""), ("b", b"")]);
    let limits = Limits {
        max_entries: 2,
        ..Limits::default()
    };
    assert!(matches!(
        Snapshot::open_with_limits(&path, limits),
        Err(SnapshotError::TooManyEntries { count: 3, max: 2 })
    ));

    // Zipped with its folder around it: say so.
    write_zip(&path, &[("snapshot/_tables/documents.jsonl", b"")]);
    let err = Snapshot::open(&path).unwrap_err();
    assert!(err.to_string().contains("under `snapshot/`"), "{err}");

    fs::write(&path, b"not a zip").unwrap();
    assert!(matches!(
        Snapshot::open(&path),
        Err(SnapshotError::Zip { .. })
    ));

    // Two tables with one number would fail the import.
    write_zip(
        &path,
        &[(
            "_tables/documents.jsonl",
            b"{\"name\":\"a\",\"id\":10001}\n{\"name\":\"b\",\"id\":10001}\n",
        )],
    );
    let err = Snapshot::open(&path).unwrap_err();
    assert!(err.to_string().contains("both have number 10001"), "{err}");
}

#[test]
fn nested_components_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested.zip");
    write_zip(
        &path,
        &[
            ("_tables/documents.jsonl", b""),
            (
                "_components/a/_tables/documents.jsonl",
                b"{\"name\":\"t\",\"id\":10001}\n",
            ),
            ("_components/a/t/documents.jsonl", b""),
            (
                "_components/a/_components/b/_tables/documents.jsonl",
                b"{\"name\":\"user\",\"id\":10001}\n",
            ),
            (
                "_components/a/_components/b/user/documents.jsonl",
                b"{\"_id\":\"x\"}\n",
            ),
        ],
    );
    let mut snapshot = Snapshot::open(&path).unwrap();
    let names: Vec<&str> = snapshot.components().iter().map(|c| c.name()).collect();
    assert_eq!(names, ["", "a", "a/b"]);
    assert_eq!(
        snapshot.component("a/b").unwrap().prefix(),
        "_components/a/_components/b/"
    );
    assert_eq!(snapshot.rows("a/b", "user").unwrap().count(), 1);
    let err = snapshot.component("betterAuth").unwrap_err();
    assert!(err.to_string().contains("`a`, `a/b`"), "{err}");
}

#[test]
fn dry_run_counts_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let input = sample_zip(dir.path());
    let mut edit = Snapshot::open(&input).unwrap().edit();
    edit.edit_rows("betterAuth", "account", |row| {
        Ok(if row.str_field("providerId") == Some("google") {
            LineAction::Drop
        } else {
            LineAction::Keep
        })
    })
    .unwrap();
    let summary = edit.dry_run().unwrap();
    assert_eq!(summary.tables[0].dropped, 2);
    assert_eq!(summary.tables[0].kept, 3);
    let files: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1, "only the input");
}

#[test]
fn oversized_rows_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = sample_zip(dir.path());
    let mut edit = Snapshot::open(&input).unwrap().edit();
    let mut doc = Document::new();
    doc.insert("blob".into(), json!("x".repeat(1 << 20)));
    let err = edit.append("", "todos", doc).unwrap_err();
    assert!(err.to_string().contains("at most 1 MiB"), "{err}");
}

#[test]
fn a_last_line_without_newline_is_kept_and_terminated_before_appending() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.zip");
    let output = dir.path().join("out.zip");
    let id = ConvexId::new(
        bascrypt::convex::TableNumber::new(10001).unwrap(),
        &mut rand::rng(),
    );
    let last = format!("{{\"_creationTime\":1.5,\"_id\":\"{id}\"}}");
    write_zip(
        &input,
        &[
            (
                "_tables/documents.jsonl",
                b"{\"name\":\"users\",\"id\":10001}\n",
            ),
            ("users/documents.jsonl", last.as_bytes()),
        ],
    );
    let mut edit = Snapshot::open(&input).unwrap().edit();
    edit.edit_rows("", "users", |_| Ok(LineAction::Keep))
        .unwrap();
    let new_id = ConvexId::new(id.table(), &mut rand::rng());
    let mut doc = Document::new();
    doc.insert("_id".into(), json!(new_id.to_string()));
    edit.append("", "users", doc).unwrap();
    edit.write(&output, WriteOptions::default()).unwrap();
    let users = entries(&output)
        .into_iter()
        .find(|e| e.name == "users/documents.jsonl")
        .unwrap();
    assert_eq!(
        String::from_utf8(users.content).unwrap(),
        format!("{last}\n{{\"_id\":\"{new_id}\"}}\n")
    );
}

/// More than 65,535 entries (e.g. `--include-file-storage`) puts the count in
/// the ZIP64 record; the duplicate check must read it there.
#[test]
fn zip64_entry_counts_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.zip");
    let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("_tables/documents.jsonl", options).unwrap();
    for i in 0..66_000 {
        zip.start_file(format!("_storage/{i}.txt"), options)
            .unwrap();
    }
    zip.finish().unwrap();
    let snapshot = Snapshot::open(&path).unwrap();
    assert_eq!(snapshot.entry_names().count(), 66_001);
}
