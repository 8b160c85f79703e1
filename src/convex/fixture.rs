//! Building export ZIPs from scratch: from a directory tree of JSON lines (the
//! sample export kept readable in the repository), or a synthetic export of
//! any size for benchmarks.

use std::fs;
use std::io::{BufWriter, Seek, Write};
use std::path::{Path, PathBuf};

use rand::{rngs::StdRng, SeedableRng};
use serde_json::{json, Value};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::edit::GENERATED_SCHEMA;
use super::error::SnapshotError;
use super::id::{ConvexId, TableNumber};
use super::jsonl::{self, Document};
use super::output::write_atomically;
use super::snapshot::component_name;

/// The README.md every `npx convex export` starts with.
pub const EXPORT_README: &str = "# Welcome to your Convex snapshot export!

This ZIP file contains a snapshot of the tables in your Convex deployment.

Documents for each table are listed as lines of JSON in
<table_name>/documents.jsonl files.

For details on the format and how to use this snapshot with npx convex import,
check out [the docs](https://docs.convex.dev/database/import-export/export) or
ask us in [Discord](http://convex.dev/community).
";

fn entry_options() -> SimpleFileOptions {
    // A fixed timestamp keeps builds of the same tree byte-identical.
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o644)
        .last_modified_time(DateTime::default())
}

fn io_at(path: &Path) -> impl Fn(std::io::Error) -> SnapshotError + '_ {
    move |source| SnapshotError::Io {
        path: path.to_owned(),
        source,
    }
}

fn zip_err(entry: &str) -> impl Fn(zip::result::ZipError) -> SnapshotError + '_ {
    move |e| SnapshotError::Entry {
        entry: entry.to_owned(),
        source: match e {
            zip::result::ZipError::Io(e) => e,
            other => std::io::Error::other(other),
        },
    }
}

/// Zips an unpacked export directory (`README.md`, `_tables/…`,
/// `<table>/documents.jsonl`, `_components/<name>/…`) into `out`, in the
/// order an export uses: README, every component's `_tables`, then each
/// component's tables by number (documents then generated schema), then
/// `_storage`. Entries are Deflate with mode 0644 and a fixed timestamp, so
/// the same tree always gives the same bytes. Files whose name starts with `.`
/// are skipped. `out` is replaced if it exists, via a temporary file.
///
/// ```no_run
/// # fn main() -> Result<(), bascrypt::convex::SnapshotError> {
/// use bascrypt::convex::fixture::zip_directory;
/// zip_directory("tests/fixtures/sample-export".as_ref(), "sample.zip".as_ref())?;
/// # Ok(()) }
/// ```
pub fn zip_directory(dir: &Path, out: &Path) -> Result<(), SnapshotError> {
    pack(dir, out, true)
}

/// [`zip_directory`] without checking the lines of `documents.jsonl` files:
/// for building fixtures of damaged exports (a BOM, a CRLF line) that
/// `bascrypt doctor` must diagnose. Never hand its output to `npx convex import`.
pub fn zip_directory_unchecked(dir: &Path, out: &Path) -> Result<(), SnapshotError> {
    pack(dir, out, false)
}

fn pack(dir: &Path, out: &Path, check_lines: bool) -> Result<(), SnapshotError> {
    let mut files = Vec::new();
    collect_files(dir, dir, &mut files)?;
    let strays: Vec<&str> = files
        .iter()
        .map(String::as_str)
        .filter(|f| !is_export_file(f))
        .collect();
    if !strays.is_empty() {
        let shown: Vec<&str> = strays.iter().take(5).copied().collect();
        return Err(SnapshotError::InvalidEdit(format!(
            "{}: {} file(s) are not part of a Convex export ({}{}); move them out of the folder, or they would be imported as tables or break the import",
            dir.display(),
            strays.len(),
            shown.join(", "),
            if strays.len() > 5 { ", …" } else { "" }
        )));
    }
    let out_dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let (Ok(d), Ok(o)) = (dir.canonicalize(), out_dir.canonicalize()) {
        if o.starts_with(&d) {
            return Err(SnapshotError::InvalidEdit(format!(
                "{}: the ZIP must be written outside the directory being zipped",
                out.display()
            )));
        }
    }

    // Components, app first, with their tables' numbers for ordering.
    let mut components: Vec<(String, Vec<(String, u32)>)> = Vec::new();
    for name in &files {
        if let Some(prefix) = name.strip_suffix("_tables/documents.jsonl") {
            if component_name(prefix).is_some() {
                let path = dir.join(name);
                let text = fs::read(&path).map_err(io_at(&path))?;
                let mut tables = Vec::new();
                for (i, line) in text.split(|&b| b == b'\n').enumerate() {
                    if line.is_empty() {
                        continue;
                    }
                    let doc = jsonl::parse_line(line).map_err(|source| SnapshotError::Line {
                        entry: name.clone(),
                        line: i as u64 + 1,
                        source,
                    })?;
                    if let (Some(t), Some(n)) = (
                        doc.get("name").and_then(Value::as_str),
                        doc.get("id").and_then(Value::as_u64),
                    ) {
                        tables.push((t.to_owned(), n as u32));
                    }
                }
                components.push((prefix.to_owned(), tables));
            }
        }
    }
    components.sort();

    let rank = |name: &str| -> (u8, usize, u32, String, u8, String) {
        if name == "README.md" {
            return (0, 0, 0, String::new(), 0, String::new());
        }
        // The longest matching prefix is the component that owns the file.
        let owner = components
            .iter()
            .enumerate()
            .filter(|(_, (p, _))| name.starts_with(p.as_str()))
            .max_by_key(|(_, (p, _))| p.len());
        let Some((ci, (prefix, tables))) = owner else {
            return (5, 0, 0, String::new(), 0, name.to_owned());
        };
        let rest = &name[prefix.len()..];
        if rest == "_tables/documents.jsonl" {
            return (1, ci, 0, String::new(), 0, String::new());
        }
        if let Some(file) = rest.strip_prefix("_storage/") {
            let first = u8::from(file != "documents.jsonl");
            return (3, ci, 0, String::new(), first, file.to_owned());
        }
        match rest.split_once('/') {
            Some((table, file)) if !table.starts_with('_') => {
                let number = tables
                    .iter()
                    .find(|(t, _)| t == table)
                    .map_or(u32::MAX, |(_, n)| *n);
                let file_rank = match file {
                    "documents.jsonl" => 0,
                    "generated_schema.jsonl" => 1,
                    _ => 2,
                };
                (2, ci, number, table.to_owned(), file_rank, file.to_owned())
            }
            _ => (4, ci, 0, String::new(), 0, rest.to_owned()),
        }
    };
    files.sort_by_cached_key(|name| rank(name));

    write_atomically(out, None, true, |file| {
        let mut zip = ZipWriter::new(BufWriter::new(file));
        for name in &files {
            let path = dir.join(name);
            zip.start_file(name.as_str(), entry_options())
                .map_err(zip_err(name))?;
            copy_checked(&path, name, check_lines, &mut zip)?;
        }
        finish(zip, out)
    })
}

/// Streams `path` into the ZIP; a `documents.jsonl` is checked line by line
/// on the way, so a hand edit the importer would refuse (CRLF, a blank line,
/// a BOM, broken JSON) is refused here, with its line.
fn copy_checked(
    path: &Path,
    name: &str,
    check_lines: bool,
    out: &mut impl Write,
) -> Result<(), SnapshotError> {
    let file = fs::File::open(path).map_err(io_at(path))?;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    if !check_lines || !name.ends_with("documents.jsonl") || name.contains("_storage/") {
        std::io::copy(&mut reader, out).map_err(io_at(path))?;
        return Ok(());
    }
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        let n = std::io::BufRead::read_until(&mut reader, b'\n', &mut line).map_err(io_at(path))?;
        if n == 0 {
            return Ok(());
        }
        number += 1;
        let body = line.strip_suffix(b"\n").unwrap_or(&line);
        jsonl::parse_line(body).map_err(|source| SnapshotError::Line {
            entry: name.to_owned(),
            line: number,
            source,
        })?;
        out.write_all(&line).map_err(io_at(path))?;
    }
}

/// Whether `name` is a file a Convex export holds: the README, a component's
/// `_tables` list, a table's `documents.jsonl` / `generated_schema.jsonl`, or
/// a `_storage` file.
fn is_export_file(name: &str) -> bool {
    if name == "README.md" {
        return true;
    }
    // Strip `_components/<name>/` prefixes, then look at what is left.
    let mut rest = name;
    while let Some(after) = rest.strip_prefix("_components/") {
        match after.split_once('/') {
            Some((component, tail)) if !component.is_empty() => rest = tail,
            _ => return false,
        }
    }
    match rest.split_once('/') {
        Some(("_tables", "documents.jsonl")) => true,
        Some(("_storage", file)) => !file.is_empty() && !file.contains('/'),
        Some((table, file)) => {
            !table.is_empty()
                && !table.starts_with('_')
                && matches!(file, "documents.jsonl" | "generated_schema.jsonl")
        }
        None => false,
    }
}

fn finish<W: Write + Seek>(zip: ZipWriter<BufWriter<W>>, out: &Path) -> Result<(), SnapshotError> {
    let writer = zip.finish().map_err(zip_err("(central directory)"))?;
    writer.into_inner().map_err(|e| SnapshotError::Io {
        path: out.to_owned(),
        source: e.into_error(),
    })?;
    Ok(())
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), SnapshotError> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(io_at(dir))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io_at(dir))?;
    entries.sort();
    for path in entries {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_none_or(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        let kind = fs::symlink_metadata(&path).map_err(io_at(&path))?;
        if kind.file_type().is_symlink() {
            return Err(SnapshotError::InvalidEdit(format!(
                "{}: is a symbolic link; pack copies only real files, so replace it with the file itself",
                path.display()
            )));
        }
        if kind.is_dir() {
            collect_files(root, &path, out)?;
        } else if kind.is_file() {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let name: Vec<&str> = relative
                .components()
                .filter_map(|c| c.as_os_str().to_str())
                .collect();
            out.push(name.join("/"));
        }
    }
    Ok(())
}

/// The sample export of `tests/fixtures/sample-export/`, compiled in, in
/// export order: an app with `users` (business fields such as `isAdmin`) and
/// `todos`, the `betterAuth` component (`user`, `account` with credential and
/// Google rows, `session`, `verification`, `jwks`) and a `rateLimiter`
/// component. Alice (`alice@example.com`, password `password123`) is the app
/// admin; Carol's password is `correct horse battery staple`.
pub const SAMPLE_EXPORT: &[(&str, &[u8])] = &[
    (
        "README.md",
        include_bytes!("../../tests/fixtures/sample-export/README.md"),
    ),
    (
        "_tables/documents.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/_tables/documents.jsonl"),
    ),
    (
        "_components/betterAuth/_tables/documents.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/_components/betterAuth/_tables/documents.jsonl"),
    ),
    (
        "_components/rateLimiter/_tables/documents.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/_components/rateLimiter/_tables/documents.jsonl"),
    ),
    (
        "users/documents.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/users/documents.jsonl"),
    ),
    (
        "users/generated_schema.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/users/generated_schema.jsonl"),
    ),
    (
        "todos/documents.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/todos/documents.jsonl"),
    ),
    (
        "todos/generated_schema.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/todos/generated_schema.jsonl"),
    ),
    (
        "_components/betterAuth/user/documents.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/_components/betterAuth/user/documents.jsonl"),
    ),
    (
        "_components/betterAuth/user/generated_schema.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/_components/betterAuth/user/generated_schema.jsonl"),
    ),
    (
        "_components/betterAuth/account/documents.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/_components/betterAuth/account/documents.jsonl"),
    ),
    (
        "_components/betterAuth/account/generated_schema.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/_components/betterAuth/account/generated_schema.jsonl"),
    ),
    (
        "_components/betterAuth/session/documents.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/_components/betterAuth/session/documents.jsonl"),
    ),
    (
        "_components/betterAuth/session/generated_schema.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/_components/betterAuth/session/generated_schema.jsonl"),
    ),
    (
        "_components/betterAuth/verification/documents.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/_components/betterAuth/verification/documents.jsonl"),
    ),
    (
        "_components/betterAuth/verification/generated_schema.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/_components/betterAuth/verification/generated_schema.jsonl"),
    ),
    (
        "_components/betterAuth/jwks/documents.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/_components/betterAuth/jwks/documents.jsonl"),
    ),
    (
        "_components/betterAuth/jwks/generated_schema.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/_components/betterAuth/jwks/generated_schema.jsonl"),
    ),
    (
        "_components/rateLimiter/rateLimits/documents.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/_components/rateLimiter/rateLimits/documents.jsonl"),
    ),
    (
        "_components/rateLimiter/rateLimits/generated_schema.jsonl",
        include_bytes!("../../tests/fixtures/sample-export/_components/rateLimiter/rateLimits/generated_schema.jsonl"),
    ),
];

/// Writes [`SAMPLE_EXPORT`] as a ZIP, byte-identical to
/// [`zip_directory`] on `tests/fixtures/sample-export`, without needing the
/// repository: the default input for trying bascrypt out.
pub fn write_sample_export(out: &Path) -> Result<(), SnapshotError> {
    write_atomically(out, None, true, |file| {
        let mut zip = ZipWriter::new(BufWriter::new(file));
        for (name, data) in SAMPLE_EXPORT {
            zip.start_file(*name, entry_options())
                .map_err(zip_err(name))?;
            zip.write_all(data).map_err(|source| SnapshotError::Entry {
                entry: (*name).to_owned(),
                source,
            })?;
        }
        finish(zip, out)
    })
}

/// The stored password of every synthetic user: Better Auth's hash of
/// `password123` (a known-answer value from the shared docs).
pub const SYNTHETIC_PASSWORD_HASH: &str = "00112233445566778899aabbccddeeff:73122e887cfc14f91396cdef78dfe4b9dec28d459037601c4904cedba5a637ab97b39b40c236df5d42881d0109ca8cf0f85e39dbaba2911c190915bd8f30fe85";

/// Writes a synthetic export with `users` Better Auth users for benchmarks:
/// component `betterAuth` with `user` (emails `user<i>@example.com`),
/// `account` (one credential account each, password `password123`), empty
/// `session` and `verification`, one `jwks` row; and an app `users` table
/// linking each by `authId`. IDs are valid and deterministic for `seed`.
///
/// Streams rows straight into the ZIP: memory stays small at any size. A
/// million users make a ZIP of roughly 200 MB.
pub fn write_synthetic_export(out: &Path, users: u64, seed: u64) -> Result<(), SnapshotError> {
    const DAY: u64 = 20_250; // mid 2025
    let number = |n| TableNumber::new(n).unwrap_or(TableNumber::FIRST_USER_TABLE);
    let app_users = number(10001);
    let (user, account, jwks) = (number(10001), number(10002), number(10005));
    let auth = "_components/betterAuth/";
    write_atomically(out, None, true, |file| {
        let mut zip = ZipWriter::new(BufWriter::with_capacity(1 << 20, file));
        let put = |zip: &mut ZipWriter<_>, name: &str, data: &[u8]| {
            zip.start_file(name, entry_options())
                .map_err(zip_err(name))?;
            zip.write_all(data).map_err(|source| SnapshotError::Entry {
                entry: name.to_owned(),
                source,
            })
        };
        put(&mut zip, "README.md", EXPORT_README.as_bytes())?;
        put(
            &mut zip,
            "_tables/documents.jsonl",
            b"{\"name\":\"users\",\"id\":10001}\n{\"name\":\"todos\",\"id\":10002}\n",
        )?;
        let auth_tables = "{\"name\":\"user\",\"id\":10001}\n{\"name\":\"account\",\"id\":10002}\n{\"name\":\"session\",\"id\":10003}\n{\"name\":\"verification\",\"id\":10004}\n{\"name\":\"jwks\",\"id\":10005}\n";
        put(
            &mut zip,
            &format!("{auth}_tables/documents.jsonl"),
            auth_tables.as_bytes(),
        )?;
        for (prefix, table) in [("", "todos"), (auth, "session"), (auth, "verification")] {
            put(&mut zip, &format!("{prefix}{table}/documents.jsonl"), b"")?;
            put(
                &mut zip,
                &format!("{prefix}{table}/generated_schema.jsonl"),
                GENERATED_SCHEMA,
            )?;
        }

        let base_ms = 1_750_000_000_000u64;
        let time = |i: u64| jsonl::float(base_ms as f64 + i as f64 * 1000.0);
        let creation = |i: u64| jsonl::float(base_ms as f64 + i as f64 * 1000.0 + 0.5);
        let mut line = Vec::with_capacity(512);

        // Each table is generated from its own seeded stream, so the three
        // linked tables agree on the user IDs without keeping them in memory.
        let user_ids = |seed: u64| {
            let mut rng = StdRng::seed_from_u64(seed);
            (0..users).map(move |_| ConvexId::new_on_day(user, &mut rng, DAY).to_string())
        };
        let mut write_rows = |zip: &mut ZipWriter<_>,
                              name: &str,
                              rows: &mut dyn Iterator<Item = Document>|
         -> Result<(), SnapshotError> {
            zip.start_file(name, entry_options())
                .map_err(zip_err(name))?;
            for doc in rows {
                line.clear();
                let _ = jsonl::write_document(&mut line, &doc);
                zip.write_all(&line)
                    .map_err(|source| SnapshotError::Entry {
                        entry: name.to_owned(),
                        source,
                    })?;
            }
            Ok(())
        };

        let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
        let mut rows = user_ids(seed).enumerate().map(|(i, id)| {
            let i = i as u64;
            object(json!({
                "_id": id,
                "_creationTime": creation(i),
                "createdAt": time(i),
                "email": format!("user{i}@example.com"),
                "emailVerified": true,
                "name": format!("User {i}"),
                "updatedAt": time(i),
            }))
        });
        write_rows(&mut zip, &format!("{auth}user/documents.jsonl"), &mut rows)?;
        put(
            &mut zip,
            &format!("{auth}user/generated_schema.jsonl"),
            GENERATED_SCHEMA,
        )?;

        let mut rows = user_ids(seed).enumerate().map(|(i, id)| {
            let i = i as u64;
            object(json!({
                "_id": ConvexId::new_on_day(account, &mut rng, DAY).to_string(),
                "_creationTime": creation(i),
                "accountId": id,
                "createdAt": time(i),
                "password": SYNTHETIC_PASSWORD_HASH,
                "providerId": "credential",
                "updatedAt": time(i),
                "userId": id,
            }))
        });
        write_rows(
            &mut zip,
            &format!("{auth}account/documents.jsonl"),
            &mut rows,
        )?;
        put(
            &mut zip,
            &format!("{auth}account/generated_schema.jsonl"),
            GENERATED_SCHEMA,
        )?;

        let mut rows = std::iter::once(object(json!({
            "_id": ConvexId::new_on_day(jwks, &mut rng, DAY).to_string(),
            "_creationTime": creation(0),
            "createdAt": time(0),
            "privateKey": "{\"synthetic\":true}",
            "publicKey": "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"synthetic\"}",
        })));
        write_rows(&mut zip, &format!("{auth}jwks/documents.jsonl"), &mut rows)?;
        put(
            &mut zip,
            &format!("{auth}jwks/generated_schema.jsonl"),
            GENERATED_SCHEMA,
        )?;

        let mut rows = user_ids(seed).enumerate().map(|(i, id)| {
            let i = i as u64;
            object(json!({
                "_id": ConvexId::new_on_day(app_users, &mut rng, DAY).to_string(),
                "_creationTime": creation(i),
                "authId": id,
                "email": format!("user{i}@example.com"),
                "isAdmin": false,
                "subscriptionStatus": "INACTIVE",
            }))
        });
        write_rows(&mut zip, "users/documents.jsonl", &mut rows)?;
        put(&mut zip, "users/generated_schema.jsonl", GENERATED_SCHEMA)?;
        finish(zip, out)
    })
}

fn object(value: Value) -> Document {
    match value {
        Value::Object(map) => map,
        _ => Document::new(),
    }
}
