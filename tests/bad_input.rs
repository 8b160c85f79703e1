//! The bad-input corpus: every way an export, a stored value or a password can
//! be wrong, run through the real `bascrypt` binary. Each case must exit 2 with
//! a message naming the file, the line and the problem, never panic (exit
//! 101), never leave an output or temporary file, never change its input.
//!
//! Inputs are built here from `tests/fixtures/sample-export` at test time (the
//! large ones too), so nothing big is committed.

mod common;

use std::collections::hash_map::DefaultHasher;
use std::fs::{self, File};
use std::hash::{Hash, Hasher};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use bascrypt::convex::fixture::{zip_directory, SYNTHETIC_PASSWORD_HASH};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

const GOOD_HASH: &str = SYNTHETIC_PASSWORD_HASH;
const USER: &str = "_components/betterAuth/user/documents.jsonl";
const ACCOUNT: &str = "_components/betterAuth/account/documents.jsonl";
const SESSION: &str = "_components/betterAuth/session/documents.jsonl";
const AUTH_TABLES: &str = "_components/betterAuth/_tables/documents.jsonl";
/// An `account` row's `_id` (table 10002) from the sample export.
const ACCOUNT_ID: &str = "j971t7g44912kt2dhhjz6rjvvh7j9m8q";
/// The first `user` row's `_id` (table 10001).
const ERIN_ID: &str = "j570014yz9jcvhvnfmpknmrwc17j93j4";

// ---------------------------------------------------------------- building inputs

/// The sample export's entries, in export order, unpacked.
fn sample_entries() -> Vec<(String, Vec<u8>)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.zip");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample-export");
    zip_directory(&sample, &path).unwrap();
    let mut archive = ZipArchive::new(File::open(&path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            (file.name().to_owned(), data)
        })
        .collect()
}

fn zip_bytes(entries: &[(String, Vec<u8>)], method: CompressionMethod) -> Vec<u8> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(method)
        .unix_permissions(0o644);
    for (name, data) in entries {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn sample_zip() -> Vec<u8> {
    zip_bytes(&sample_entries(), CompressionMethod::Deflated)
}

/// The sample with `entry`'s content replaced (or removed when `None`).
fn with_entry(entry: &str, content: Option<&[u8]>) -> Vec<u8> {
    let mut entries = sample_entries();
    match content {
        Some(data) => {
            let slot = entries.iter_mut().find(|(n, _)| n == entry).unwrap();
            slot.1 = data.to_vec();
        }
        None => entries.retain(|(n, _)| n != entry),
    }
    zip_bytes(&entries, CompressionMethod::Deflated)
}

/// The sample ZIP with one byte of `entry`'s name changed in the central
/// directory only (`d` of `documents` to `1`), as a damaged copy might be.
fn central_name_flipped(entry: &str) -> Vec<u8> {
    let mut bytes = zip_bytes(&sample_entries(), CompressionMethod::Deflated);
    let name = entry.as_bytes();
    // The last occurrence not inside a longer path is the directory's.
    let at = (0..bytes.len() - name.len())
        .rev()
        .find(|&i| &bytes[i..i + name.len()] == name && bytes[i - 1] != b'/')
        .unwrap();
    let d = at + entry.find("documents").unwrap();
    bytes[d] = b'1';
    bytes
}

/// The sample with `line` (without `\n`) put in front of `entry`'s lines.
fn with_first_line(entry: &str, line: &[u8]) -> Vec<u8> {
    let original = sample_entries()
        .into_iter()
        .find(|(n, _)| n == entry)
        .unwrap()
        .1;
    with_entry(entry, Some(&[line, b"\n", &original].concat()))
}

/// The sample with `line` inserted after line `after` of `entry`.
fn with_line_after(entry: &str, after: usize, line: &[u8]) -> Vec<u8> {
    let original = sample_entries()
        .into_iter()
        .find(|(n, _)| n == entry)
        .unwrap()
        .1;
    let mut lines: Vec<&[u8]> = original.split_inclusive(|&b| b == b'\n').collect();
    let inserted = [line, b"\n"].concat();
    lines.insert(after, &inserted);
    with_entry(entry, Some(&lines.concat()))
}

/// The sample with `line` added after `entry`'s lines.
fn with_last_line(entry: &str, line: &[u8]) -> Vec<u8> {
    let original = sample_entries()
        .into_iter()
        .find(|(n, _)| n == entry)
        .unwrap()
        .1;
    with_entry(entry, Some(&[&original[..], line, b"\n"].concat()))
}

/// A header of one entry in a ZIP: the central directory record and the
/// local header it points to.
struct Headers {
    central: usize,
    local: usize,
}

fn u16_at(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

/// Every entry's headers, by walking the central directory.
fn headers(zip: &[u8]) -> Vec<(String, Headers)> {
    let eocd = (0..zip.len() - 21)
        .rev()
        .find(|&i| &zip[i..i + 4] == b"PK\x05\x06")
        .unwrap();
    let (count, mut at) = (u16_at(zip, eocd + 10), u32_at(zip, eocd + 16));
    let mut out = Vec::new();
    for _ in 0..count {
        assert_eq!(&zip[at..at + 4], b"PK\x01\x02");
        let name_len = u16_at(zip, at + 28);
        let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap();
        let local = u32_at(zip, at + 42);
        out.push((name, Headers { central: at, local }));
        at += 46 + name_len + u16_at(zip, at + 30) + u16_at(zip, at + 32);
    }
    out
}

/// Rewrites `entry`'s name in both headers (same length only).
fn rename(zip: &mut [u8], entry: &str, new: &str) {
    assert_eq!(entry.len(), new.len());
    for (name, h) in headers(zip) {
        if name == entry {
            zip[h.central + 46..h.central + 46 + new.len()].copy_from_slice(new.as_bytes());
            zip[h.local + 30..h.local + 30 + new.len()].copy_from_slice(new.as_bytes());
        }
    }
}

/// Applies `patch(bytes, header_start, is_central)` to both headers of `entry`.
fn patch(zip: &mut [u8], entry: &str, patch: impl Fn(&mut [u8], usize, bool)) {
    for (name, h) in headers(zip) {
        if name == entry {
            patch(zip, h.central, true);
            patch(zip, h.local, false);
        }
    }
}

/// Sets a 16-bit field: central directory offset `central`, local header offset `local`.
fn set_u16(zip: &mut [u8], entry: &str, central: usize, local: usize, value: u16) {
    patch(zip, entry, |b, at, is_central| {
        let off = at + if is_central { central } else { local };
        b[off..off + 2].copy_from_slice(&value.to_le_bytes());
    });
}

/// Dave is in the app's `users` table twice (a second row, valid `_id`).
fn two_app_rows_for_dave() -> Vec<u8> {
    let users = bascrypt::convex::TableNumber::new(10001).unwrap();
    let id = bascrypt::convex::ConvexId::new(users, &mut rand::rng());
    let line = format!(
        r#"{{"_creationTime":1750231681272.5,"_id":"{id}","email":"Dave@example.com","isAdmin":true}}"#
    );
    with_last_line("users/documents.jsonl", line.as_bytes())
}

fn sample_with_entry_named(name: &str) -> Vec<u8> {
    let mut entries = sample_entries();
    entries.push((name.to_owned(), b"x".to_vec()));
    zip_bytes(&entries, CompressionMethod::Stored)
}

// ---------------------------------------------------------------- running cases

enum Input {
    /// A file `in.zip` with these bytes.
    Zip(Vec<u8>),
    /// A directory `in/` with these files (for `snapshot pack`).
    Dir(Vec<(String, Vec<u8>)>),
    /// Nothing on disk.
    None,
}

struct Case {
    name: &'static str,
    input: Input,
    /// `{in}` and `{out}` are replaced with the input and output paths.
    args: Vec<String>,
    stdin: Vec<u8>,
    /// Each must appear in standard error.
    expect: Vec<String>,
}

fn case(name: &'static str, input: Input, args: &[&str], expect: &[&str]) -> Case {
    Case {
        name,
        input,
        args: args.iter().map(|s| s.to_string()).collect(),
        stdin: Vec::new(),
        expect: expect.iter().map(|s| s.to_string()).collect(),
    }
}

impl Case {
    fn stdin(mut self, bytes: &[u8]) -> Self {
        self.stdin = bytes.to_vec();
        self
    }
}

fn add_user() -> Vec<&'static str> {
    vec![
        "snapshot",
        "add-user",
        "{in}",
        "--email",
        "new@example.com",
        "--password-hash",
        GOOD_HASH,
        "-o",
        "{out}",
    ]
}

fn add_user_with(extra: &[&'static str]) -> Vec<&'static str> {
    let mut args = add_user();
    args.extend_from_slice(extra);
    args
}

fn digest(path: &Path) -> Option<u64> {
    if path.is_dir() {
        let mut h = DefaultHasher::new();
        let mut files: Vec<PathBuf> = walk(path);
        files.sort();
        for f in files {
            f.hash(&mut h);
            fs::read(&f).unwrap().hash(&mut h);
        }
        return Some(h.finish());
    }
    let data = fs::read(path).ok()?;
    let mut h = DefaultHasher::new();
    data.hash(&mut h);
    Some(h.finish())
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// What a run left in its directory besides the input.
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "in.zip" && n != "in")
        .collect()
}

/// Runs one case and returns what is wrong with the outcome, if anything.
pub(crate) fn run_case(c: &Case) -> (Output, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let input = match &c.input {
        Input::Zip(bytes) => {
            let p = dir.path().join("in.zip");
            fs::write(&p, bytes).unwrap();
            Some(p)
        }
        Input::Dir(files) => {
            let p = dir.path().join("in");
            for (name, data) in files {
                let f = p.join(name);
                fs::create_dir_all(f.parent().unwrap()).unwrap();
                fs::write(f, data).unwrap();
            }
            Some(p)
        }
        Input::None => None,
    };
    let before = input.as_deref().and_then(digest);
    let out_path = dir.path().join("out.zip");
    let in_text = input
        .as_deref()
        .unwrap_or(Path::new("missing.zip"))
        .display()
        .to_string();
    let args: Vec<String> = c
        .args
        .iter()
        .map(|a| {
            a.replace("{in}", &in_text)
                .replace("{out}", &out_path.display().to_string())
        })
        .collect();
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = common::bascrypt(&refs, &c.stdin);

    let mut problems = Vec::new();
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(2) => {}
        Some(101) => problems.push(format!("panicked: {stderr}")),
        other => problems.push(format!("exit {other:?} instead of 2: {stderr}")),
    }
    for fragment in &c.expect {
        if !stderr.contains(fragment.as_str()) {
            problems.push(format!("stderr lacks {fragment:?}: {stderr}"));
        }
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        problems.push(format!("a panic message: {stderr}"));
    }
    if output.stdout.len() + output.stderr.len() > 4096 {
        problems.push(format!(
            "{} bytes of output: an error is a sentence, not an echo",
            output.stdout.len() + output.stderr.len()
        ));
    }
    let left = leftovers(dir.path());
    if !left.is_empty() {
        problems.push(format!("left files behind: {left:?}"));
    }
    if let Some(p) = &input {
        if digest(p) != before {
            problems.push("changed its input".to_owned());
        }
    }
    (output, problems)
}

/// All cases but the slow ones (see the tests below).
pub(crate) fn corpus() -> Vec<Case> {
    use Input::{Dir, Zip};
    let user_line = |line: usize| format!("line {line} of `{USER}`");
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let huge_declared = {
        let mut z = zip_bytes(&sample_entries(), CompressionMethod::Stored);
        // Uncompressed size in the central directory: 4 GiB − 2.
        patch(&mut z, USER, |b, at, central| {
            if central {
                b[at + 24..at + 28].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
            }
        });
        z
    };
    let understated = {
        let mut z = zip_bytes(&sample_entries(), CompressionMethod::Deflated);
        patch(&mut z, USER, |b, at, central| {
            let off = at + if central { 24 } else { 22 };
            b[off..off + 4].copy_from_slice(&100u32.to_le_bytes());
        });
        z
    };
    // A table add-user does not edit is copied raw: its declared size must
    // still be checked, or the copy is handed on with a size that makes other
    // readers fail its CRC.
    let size_of_copied = |size: u32| {
        let mut z = zip_bytes(&sample_entries(), CompressionMethod::Deflated);
        patch(&mut z, "todos/documents.jsonl", |b, at, central| {
            let off = at + if central { 24 } else { 22 };
            b[off..off + 4].copy_from_slice(&size.to_le_bytes());
        });
        z
    };
    let encrypted = {
        let mut z = zip_bytes(&sample_entries(), CompressionMethod::Stored);
        set_u16(&mut z, SESSION, 8, 6, 1);
        z
    };
    let bzip2 = {
        let mut z = zip_bytes(&sample_entries(), CompressionMethod::Stored);
        set_u16(&mut z, SESSION, 10, 8, 12);
        z
    };
    let duplicate_entry = {
        let mut entries = sample_entries();
        entries.push((
            "_components/betterAuth/user/documents.jsonX".into(),
            b"".to_vec(),
        ));
        let mut z = zip_bytes(&entries, CompressionMethod::Stored);
        rename(&mut z, "_components/betterAuth/user/documents.jsonX", USER);
        z
    };
    let truncated = {
        let z = sample_zip();
        z[..z.len() / 2].to_vec()
    };
    let folder_zipped = {
        let entries: Vec<(String, Vec<u8>)> = sample_entries()
            .into_iter()
            .map(|(n, d)| (format!("snapshot/{n}"), d))
            .collect();
        zip_bytes(&entries, CompressionMethod::Deflated)
    };
    let sample_dir_files = || -> Vec<(String, Vec<u8>)> { sample_entries() };
    let pack_bad_tables = {
        let mut files = sample_dir_files();
        files
            .iter_mut()
            .find(|(n, _)| n == "_tables/documents.jsonl")
            .unwrap()
            .1 =
            b"{\"name\":\"users\",\"id\":\"10001\"}\n{\"name\":\"todos\",\"id\":10002}\n".to_vec();
        files
    };
    let string_id_tables = with_entry(
        "_tables/documents.jsonl",
        Some(b"{\"name\":\"users\",\"id\":\"10001\"}\n{\"name\":\"todos\",\"id\":10002}\n"),
    );
    let big_stored = "a".repeat(100 * 1024);

    vec![
        // ------------------------------------------------ not an export at all
        case("not a zip", Zip(b"hello, I am a text file\n".to_vec()), &add_user(),
            &["in.zip: not a readable ZIP file", "pass the file `npx convex export --path` wrote"]),
        case("empty file", Zip(Vec::new()), &add_user(), &["in.zip: not a readable ZIP file"]),
        case("truncated zip", Zip(truncated), &add_user(), &["in.zip: not a readable ZIP file"]),
        case("missing input file", Input::None, &add_user(), &["missing.zip", "No such file or directory"]),
        case("folder zipped around the export", Zip(folder_zipped), &add_user(),
            &["not a Convex snapshot export: there is no `_tables/documents.jsonl` at the top level", "it is under `snapshot/`"]),
        case("missing top-level _tables", Zip(with_entry("_tables/documents.jsonl", None)), &add_user(),
            &["in.zip: not a Convex snapshot export: there is no `_tables/documents.jsonl` at the top level"]),
        // ------------------------------------------------ hostile ZIP structure
        case("entry name climbs out with ../", Zip(sample_with_entry_named("../../etc/cron.d/x")), &add_user(),
            &["entry `../../etc/cron.d/x` has an unsafe name"]),
        case("absolute entry name", Zip(sample_with_entry_named("/etc/passwd")), &add_user(),
            &["entry `/etc/passwd` has an unsafe name"]),
        case("backslash entry name", Zip(sample_with_entry_named("..\\..\\x")), &add_user(),
            &["has an unsafe name"]),
        case("repeated entry name", Zip(duplicate_entry), &add_user(),
            &["lists 21 entries but only 20 distinct names", "re-export"]),
        case("encrypted entry", Zip(encrypted), &add_user(),
            &[&format!("entry `{SESSION}` is encrypted")]),
        case("unknown compression method", Zip(bzip2), &add_user(),
            &[&format!("entry `{SESSION}` uses ZIP compression method 12 (bzip2)")]),
        case("huge declared size (zip bomb)", Zip(huge_declared), &add_user_with(&["--max-entry-bytes", "1GiB"]),
            &[&format!("`{USER}` unpacks to more than 1073741824 bytes"), "--max-entry-bytes"]),
        case("understated size of a copied entry", Zip(size_of_copied(100)), &add_user(),
            &["`todos/documents.jsonl` unpacks to more than the 100 bytes the ZIP's directory declares"]),
        case("overstated size of a copied entry", Zip(size_of_copied(100_000)), &add_user(),
            &["`todos/documents.jsonl`", "the ZIP's directory declares"]),
        case("understated size (zip bomb)", Zip(understated), &add_user(),
            &[&format!("`{USER}` unpacks to more than the 100 bytes the ZIP's directory declares")]),
        case("total size over the limit", Zip(sample_zip()), &add_user_with(&["--max-total-bytes", "1KiB"]),
            &["unpack to more than 1024 bytes in total", "--max-total-bytes"]),
        case("too many entries", Zip(sample_zip()), &add_user_with(&["--max-entries", "5"]),
            &["the ZIP has 20 entries, more than the limit of 5", "--max-entries"]),
        case("line over --max-line-bytes", Zip(sample_zip()), &add_user_with(&["--max-line-bytes", "100"]),
            &[&format!("{} is longer than 100 bytes", user_line(1)), "--max-line-bytes"]),
        case("unparsable size flag", Zip(sample_zip()), &add_user_with(&["--max-line-bytes", "lots"]),
            &["\"lots\" is not a size"]),
        // ------------------------------------------------ documents.jsonl lines
        case("byte-order mark", Zip(with_first_line(USER, b"\xEF\xBB\xBF{\"a\":1}")), &add_user(),
            &[&format!("{}: starts with a UTF-8 byte-order mark", user_line(1))]),
        case("CRLF line ending", Zip(with_first_line(USER, b"{\"a\":1}\r")), &add_user(),
            &[&format!("{}: ends in a carriage return (CRLF line ending", user_line(1))]),
        case("blank line", Zip(with_line_after(USER, 1, b"")), &add_user(),
            &[&format!("{}: blank line", user_line(2))]),
        case("whitespace-only line", Zip(with_last_line(USER, b"   ")), &add_user(),
            &[&format!("{}: blank line", user_line(5))]),
        case("invalid UTF-8", Zip(with_first_line(USER, b"{\"name\":\"\xff\xfe\"}")), &add_user(),
            &[&format!("{}: not valid UTF-8 at byte 9", user_line(1))]),
        case("non-object line", Zip(with_first_line(USER, b"[1,2,3]")), &add_user(),
            &[&format!("{}: is a JSON array, but every line must be one JSON object", user_line(1))]),
        case("string line", Zip(with_last_line(USER, b"\"hello\"")), &add_user(),
            &[&format!("{}: is a JSON string", user_line(5))]),
        case("truncated JSON", Zip(with_last_line(USER, b"{\"_id\":")), &add_user(),
            &[&format!("{}: not valid JSON", user_line(5))]),
        case("10,000-deep nesting", Zip(with_first_line(USER, deep.as_bytes())), &add_user(),
            &[&format!("{}: nested more than 64 levels deep", user_line(1))]),
        // ------------------------------------------------ _tables
        case("_tables line with a string id", Zip(string_id_tables), &add_user(),
            &["line 1 of `_tables/documents.jsonl`: table `users` has no valid numeric `id`"]),
        case("_tables line without a name", Zip(with_first_line(AUTH_TABLES, b"{\"id\":10009}")), &add_user(),
            &[&format!("line 1 of `{AUTH_TABLES}`: no string `name`")]),
        case("_tables number used twice", Zip(with_last_line(AUTH_TABLES, b"{\"name\":\"other\",\"id\":10001}")), &add_user(),
            &[&format!("line 6 of `{AUTH_TABLES}`: tables `user` and `other` both have number 10001")]),
        case("_tables name listed twice", Zip(with_last_line(AUTH_TABLES, b"{\"name\":\"user\",\"id\":10042}")), &add_user(),
            &[&format!("line 6 of `{AUTH_TABLES}`: table `user` is listed twice")]),
        // ------------------------------------------------ _id problems
        case("duplicate _id in user", Zip(with_last_line(USER, format!("{{\"_creationTime\":1.5,\"_id\":\"{ERIN_ID}\",\"email\":\"x@example.com\"}}").as_bytes())), &add_user(),
            &[&format!("{}: `_id` {ERIN_ID} is also the `_id` of line 1: two rows with one `_id`", user_line(5)), "`npx convex import` would refuse this export"]),
        case("_id from another table", Zip(with_last_line(USER, format!("{{\"_creationTime\":1.5,\"_id\":\"{ACCOUNT_ID}\",\"email\":\"x@example.com\"}}").as_bytes())), &add_user(),
            &[&format!("{}: `_id` {ACCOUNT_ID} belongs to table number 10002, but `user` is table 10001", user_line(5))]),
        case("_id that is not a Convex ID", Zip(with_last_line(USER, b"{\"_creationTime\":1.5,\"_id\":\"not-an-id\",\"email\":\"x@example.com\"}")), &add_user(),
            &[&format!("{}: `_id` \"not-an-id\" is not a Convex ID", user_line(5))]),
        case("row without _id", Zip(with_last_line(USER, b"{\"email\":\"x@example.com\"}")), &add_user(),
            &[&format!("{}: the row has no string `_id`", user_line(5))]),
        case("duplicate _id in account (add-user)", Zip(with_last_line(ACCOUNT, format!("{{\"_creationTime\":1.5,\"_id\":\"{ACCOUNT_ID}\",\"providerId\":\"credential\",\"userId\":\"u\"}}").as_bytes())), &add_user(),
            &[&format!("line 6 of `{ACCOUNT}`: `_id` {ACCOUNT_ID} is also the `_id` of line 1")]),
        case("duplicate _id in account (dry run)", Zip(with_last_line(ACCOUNT, format!("{{\"_creationTime\":1.5,\"_id\":\"{ACCOUNT_ID}\",\"providerId\":\"credential\",\"userId\":\"u\"}}").as_bytes())), &["snapshot", "add-user", "{in}", "--email", "new@example.com", "--password-hash", GOOD_HASH, "--dry-run"],
            &[&format!("line 6 of `{ACCOUNT}`: `_id` {ACCOUNT_ID} is also the `_id` of line 1")]),
        case("duplicate _id in account (set-password)", Zip(with_last_line(ACCOUNT, format!("{{\"_creationTime\":1.5,\"_id\":\"{ACCOUNT_ID}\",\"providerId\":\"credential\",\"userId\":\"u\"}}").as_bytes())), &["snapshot", "set-password", "{in}", "--email", "alice@example.com", "--password-hash", GOOD_HASH, "-o", "{out}"],
            &[&format!("line 6 of `{ACCOUNT}`: `_id` {ACCOUNT_ID} is also the `_id` of line 1")]),
        case("duplicate _id in account (set-password dry run)", Zip(with_last_line(ACCOUNT, format!("{{\"_creationTime\":1.5,\"_id\":\"{ACCOUNT_ID}\",\"providerId\":\"credential\",\"userId\":\"u\"}}").as_bytes())), &["snapshot", "set-password", "{in}", "--email", "alice@example.com", "--password-hash", GOOD_HASH, "--dry-run"],
            &[&format!("line 6 of `{ACCOUNT}`: `_id` {ACCOUNT_ID} is also the `_id` of line 1")]),
        case("_id from another table in session (remove-user dry run)", Zip(with_last_line(SESSION, format!("{{\"_creationTime\":1.5,\"_id\":\"{ERIN_ID}\",\"userId\":\"u\"}}").as_bytes())), &["snapshot", "remove-user", "{in}", "--email", "alice@example.com", "--dry-run"],
            &[&format!("line 3 of `{SESSION}`: `_id` {ERIN_ID} belongs to table number 10001, but `session` is table 10003")]),
        // ------------------------------------------------ other commands, other tables
        case("set-password: BOM in account", Zip(with_first_line(ACCOUNT, b"\xEF\xBB\xBF{}")), &["snapshot", "set-password", "{in}", "--email", "alice@example.com", "--password-hash", GOOD_HASH, "-o", "{out}"],
            &[&format!("line 1 of `{ACCOUNT}`: starts with a UTF-8 byte-order mark")]),
        case("remove-user: CRLF in session", Zip(with_last_line(SESSION, b"{\"a\":1}\r")), &["snapshot", "remove-user", "{in}", "--email", "alice@example.com", "-o", "{out}"],
            &[&format!("line 3 of `{SESSION}`: ends in a carriage return")]),
        case("users: invalid UTF-8 in account", Zip(with_last_line(ACCOUNT, b"{\"x\":\"\xc3\x28\"}")), &["snapshot", "users", "{in}"],
            &[&format!("line 6 of `{ACCOUNT}`: not valid UTF-8 at byte 6")]),
        case("component that does not exist", Zip(sample_zip()), &add_user_with(&["--component", "nope"]),
            &["this export has no component `nope` (it has: (app), `betterAuth`, `rateLimiter`)"]),
        case("users: component that does not exist", Zip(sample_zip()), &["snapshot", "users", "{in}", "--component", "nope"],
            &["this export has no component `nope`"]),
        case("user table missing", Zip(with_entry(USER, None)), &add_user(),
            &["`_components/betterAuth/_tables/documents.jsonl` lists table `user`, but the export has no `_components/betterAuth/user/documents.jsonl`", "would delete that table's rows"]),
        case("directory names an entry unlike its header", Zip(central_name_flipped("users/documents.jsonl")), &add_user(),
            &["entry `users/1ocuments.jsonl`: the ZIP's directory and the entry's own header name it differently (`users/documents.jsonl`)"]),
                case("pack: _tables with a string id", Dir(pack_bad_tables), &["snapshot", "pack", "{in}", "-o", "{out}"],
            &["line 1 of `_tables/documents.jsonl`: table `users` has no valid numeric `id`", "nothing written"]),
        case("pack: not an export directory", Dir(vec![("notes.txt".into(), b"hi".to_vec())]), &["snapshot", "pack", "{in}", "-o", "{out}"],
            &["not an unpacked Convex export (no _tables/documents.jsonl inside)"]),
        // ------------------------------------------------ output safety
        case("output is the input", Zip(sample_zip()), &["snapshot", "add-user", "{in}", "--email", "new@example.com", "--password-hash", GOOD_HASH, "-o", "{in}", "--force"],
            &["is the input export (or a link to it); write the edited export to another file"]),
        // ------------------------------------------------ stored values
        case("remove-user --app-table that does not exist", Zip(sample_zip()), &["snapshot", "remove-user", "{in}", "--email", "erin@example.com", "--app-table", "nosuch", "-o", "{out}"],
            &["--app-table nosuch: the app has no table `nosuch` (it has: users, todos)"]),
        case("doctor --app-table that does not exist", Zip(sample_zip()), &["doctor", "{in}", "--app-table", "nosuch"],
            &["--app-table nosuch: the app has no table `nosuch` (it has: users, todos)"]),
        case("two app rows with the email", Zip(two_app_rows_for_dave()), &["snapshot", "add-user", "{in}", "--email", "dave@example.com", "--password-hash", GOOD_HASH, "--app-table", "users", "-o", "{out}"],
            &["--app-table users: 2 rows of `users/documents.jsonl` have the email \"dave@example.com\" (line 5 _id j57b31t1v8dsyqrvv997w21rfn7j2ffv, line 6 _id ", "merge them in your app"]),
        case("--app-set True (not a JSON literal)", Zip(sample_zip()), &add_user_with(&["--app-table", "users", "--app-set", "isAdmin=True"]),
            &["--app-set isAdmin: True is not a JSON literal (true, false and null are lowercase); write true, or \"True\" for the text"]),
        case("--app-set broken JSON", Zip(sample_zip()), &add_user_with(&["--app-table", "users", "--app-set", "roles=[\"admin\""]),
            &["--app-set roles: [\"admin\" starts like JSON but is not valid JSON"]),
        case("--allow-foreign-hash without --password-hash", Zip(sample_zip()), &["snapshot", "set-password", "{in}", "--email", "alice@example.com", "--password-stdin", "--allow-foreign-hash", "-o", "{out}"],
            &["--allow-foreign-hash only goes with --password-hash"]).stdin(b"Change-me-now-42\n"),
        case("doctor --email empty", Zip(sample_zip()), &["doctor", "{in}", "--email", ""],
            &["--email is empty"]),
        case("--app-set field given twice", Zip(sample_zip()), &add_user_with(&["--app-table", "users", "--app-set", "isAdmin=true", "--app-set", "isAdmin=false"]),
            &["--app-set isAdmin=… is given twice; give each field once"]),
        case("--user-set without a field name", Zip(sample_zip()), &add_user_with(&["--user-set", "=admin"]),
            &["--user-set \"=admin\": the field name before '=' is empty"]),
        case("--password-hash not a Better Auth value", Zip(sample_zip()), &["snapshot", "add-user", "{in}", "--email", "new@example.com", "--password-hash", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", "-o", "{out}"],
            &["--password-hash: Better Auth's default verify cannot accept this value (foreign-hash"]),
        case("inspect: a 100 KiB stored value", Input::None, &["inspect", &big_stored],
            &["STORED is 102400 bytes long"]),
        case("verify: a 100 KiB stored value", Input::None, &["verify", "--password-stdin", &big_stored],
            &["STORED is 102400 bytes long"]).stdin(b"password123\n"),
        case("verify: a value with no ':'", Input::None, &["verify", "--password-stdin", "abc"], &[]).stdin(b"password123\n"),
        // ------------------------------------------------ passwords that are not text
        case("hash: NUL in the password", Input::None, &["hash", "--password-stdin"],
            &["the password on standard input contains a NUL byte (byte 3)"]).stdin(b"pw\0rd\n"),
        case("hash: byte-order mark before the password", Input::None, &["hash", "--password-stdin"],
            &["the password on standard input starts with a byte-order mark"]).stdin(b"\xef\xbb\xbfBom-secret-4242\r\n"),
        case("hash: lone surrogate (not UTF-8)", Input::None, &["hash", "--password-stdin"],
            &["the password on standard input is not valid UTF-8 (byte 3 is the first bad one)"]).stdin(b"pw\xed\xa0\x80Vq93-surrogate-secret\n"),
        case("hash: Latin-1 bytes", Input::None, &["hash", "--password-stdin"],
            &["is not valid UTF-8 (byte 2"]).stdin(b"Q\xe9Kw7-latin1-secret\n"),
        case("verify: NUL in the password", Input::None, &["verify", "--password-stdin", GOOD_HASH],
            &["contains a NUL byte (byte 1)"]).stdin(b"\0password123\n"),
        case("add-user: non-UTF-8 password", Zip(sample_zip()), &["snapshot", "add-user", "{in}", "--email", "new@example.com", "--password-stdin", "-o", "{out}"],
            &["the password on standard input is not valid UTF-8"]).stdin(b"\xff\xfe\n"),
        case("set-password: NUL in the password", Zip(sample_zip()), &["snapshot", "set-password", "{in}", "--email", "alice@example.com", "--password-stdin", "-o", "{out}"],
            &["contains a NUL byte"]).stdin(b"abc\0Zx81-nul-secret\n"),
        case("hash: more than 64 KiB on stdin", Input::None, &["hash", "--password-stdin"],
            &["more than 65536 bytes on standard input"]).stdin(&[b'a'; 70_000]),
    ]
}

#[test]
fn every_bad_input_is_refused_cleanly() {
    let cases = corpus();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let (_, problems) = run_case(c);
        for p in problems {
            failures.push(format!("[{}] {p}", c.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Deflate-compressing this many bytes takes a moment; it makes a ~100 KB ZIP.
fn hundred_mb_line_zip() -> Vec<u8> {
    let mut line = Vec::with_capacity(100 << 20);
    line.extend_from_slice(b"{\"_id\":\"x\",\"blob\":\"");
    line.resize((100 << 20) - 2, b'a');
    line.extend_from_slice(b"\"}");
    with_first_line(USER, &line)
}

#[test]
fn a_100_mb_line_is_refused_at_the_limit() {
    let started = Instant::now();
    let c = case(
        "100 MB line",
        Input::Zip(hundred_mb_line_zip()),
        &add_user(),
        &[&format!(
            "line 1 of `{USER}` is longer than 16777216 bytes (a Convex document is at most 1 MiB)"
        )],
    );
    let (_, problems) = run_case(&c);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn a_deflate_bomb_stops_at_the_line_limit() {
    // 1 GiB of spaces with no newline packs into about 1 MB.
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in sample_entries() {
        zip.start_file(name.as_str(), SimpleFileOptions::default())
            .unwrap();
        if name == USER {
            let chunk = vec![b' '; 1 << 20];
            for _ in 0..1024 {
                zip.write_all(&chunk).unwrap();
            }
        } else {
            zip.write_all(&data).unwrap();
        }
    }
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 8 << 20, "{}", bytes.len());
    let c = case(
        "deflate bomb",
        Input::Zip(bytes),
        &add_user(),
        &[&format!("line 1 of `{USER}` is longer than 16777216 bytes")],
    );
    let (_, problems) = run_case(&c);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_1_mb_stored_value_is_answered_quickly() {
    use bascrypt::password::{inspect, verify, Params, StoredHash, Verdict};
    // Too long for a command-line argument (Linux allows 128 KiB), so through
    // the library and through an export.
    for value in [
        "a".repeat(1 << 20),
        format!("{}:{}", "0".repeat(32), "f".repeat(1 << 20)),
        format!("{}:{}", "A".repeat(1 << 19), ":".repeat(1 << 19)),
        " \t\n".repeat(1 << 18),
    ] {
        let started = Instant::now();
        let report = inspect(&value, &Params::BETTER_AUTH);
        assert_ne!(report.verdict, Verdict::Acceptable);
        let text: usize = report.findings.iter().map(|f| f.message.len()).sum();
        assert!(text < 4096, "findings echo the value: {text} bytes");
        let _ = StoredHash::parse(&value);
        let _ = verify("password123", &value);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }

    // `snapshot users` inspects every stored password.
    let mut entries = sample_entries();
    let account = entries.iter_mut().find(|(n, _)| n == ACCOUNT).unwrap();
    account.1.extend_from_slice(
        format!(
            "{{\"_creationTime\":1.5,\"_id\":\"j977jy6tx3wt5k8wtd2yd4z3qx7j8m7b\",\"accountId\":\"{ERIN_ID}\",\"password\":\"{}:{}\",\"providerId\":\"credential\",\"userId\":\"{ERIN_ID}\"}}\n",
            "0".repeat(32),
            "e".repeat(1 << 20)
        )
        .as_bytes(),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.zip");
    fs::write(&path, zip_bytes(&entries, CompressionMethod::Deflated)).unwrap();
    let started = Instant::now();
    let out = common::bascrypt(&["snapshot", "users", path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stdout.len() < 4096);
    assert!(started.elapsed() < Duration::from_secs(10));
}

// ---------------------------------------------------------------- secrets

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The secrets a run's output must not hold: the password, and the key
/// Better Auth would derive from it with `salt`.
fn leaks(out: &Output, password: &str, salt: Option<&str>) -> Vec<String> {
    let all = [&out.stdout[..], &out.stderr[..]].concat();
    let mut found = Vec::new();
    if contains(&all, password.as_bytes()) {
        found.push(format!("the password {password:?}"));
    }
    if let Some(salt) = salt {
        use bascrypt::password::{hash_with_salt, Params, Salt};
        let stored = hash_with_salt(password, &Salt::parse(salt).unwrap(), &Params::BETTER_AUTH);
        let key = stored.to_string()[33..].to_owned();
        // Any 32-character stretch of the key is as good as a leak.
        if key.as_bytes().chunks(32).any(|part| contains(&all, part)) {
            found.push("the derived key".to_owned());
        }
    }
    found
}

fn unique_password(n: usize) -> String {
    format!("Uniq-{n}-{:016x}", rand::random::<u64>())
}

#[test]
fn no_command_in_the_corpus_prints_the_password() {
    let mut failures = Vec::new();
    for (n, mut c) in corpus().into_iter().enumerate() {
        let password = unique_password(n);
        // Where the case names a ready hash, type a password instead.
        if let Some(i) = c.args.iter().position(|a| a == "--password-hash") {
            c.args.splice(i..i + 2, ["--password-stdin".to_owned()]);
            c.stdin = format!("{password}\n").into_bytes();
        }
        let secret = if c.stdin.is_empty() {
            None
        } else {
            // The case's own password: its longest run of text, or the unique one.
            let text = String::from_utf8_lossy(&c.stdin).into_owned();
            let longest = text
                .split(|ch: char| ch.is_control() || ch == '\u{fffd}')
                .max_by_key(|s| s.len())
                .unwrap_or_default()
                .to_owned();
            Some(longest)
        };
        let (out, _) = run_case(&c);
        if let Some(secret) = secret.filter(|s| s.len() >= 8) {
            for leak in leaks(&out, &secret, None) {
                failures.push(format!("[{}] output holds {leak}", c.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn successful_commands_print_no_password_or_key() {
    const SALT: &str = "00112233445566778899aabbccddeeff";
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.zip");
    fs::write(&input, sample_zip()).unwrap();
    let input = input.to_str().unwrap();
    let right = unique_password(1000);
    let wrong = unique_password(1001);
    let stored = {
        use bascrypt::password::{hash_with_salt, Params, Salt};
        hash_with_salt(&right, &Salt::parse(SALT).unwrap(), &Params::BETTER_AUTH).to_string()
    };
    let out1 = dir.path().join("added.zip");
    let out2 = dir.path().join("reset.zip");
    let line = |p: &str| format!("{p}\n").into_bytes();
    let shouted = stored.to_uppercase();

    // Arguments, standard input, the password typed, and the salt whose
    // derived key must not show.
    type Run<'a> = (Vec<&'a str>, Vec<u8>, &'a str, Option<&'a str>);
    let runs: Vec<Run> = vec![
        (
            vec!["hash", "--password-stdin", "--salt", SALT],
            line(&right),
            &right,
            None,
        ),
        (
            vec!["hash", "--password-stdin", "--json"],
            line(&right),
            &right,
            None,
        ),
        (
            vec!["verify", "--password-stdin", &stored],
            line(&right),
            &right,
            None,
        ),
        (
            vec!["verify", "--password-stdin", "--explain", &stored],
            line(&wrong),
            &wrong,
            Some(SALT),
        ),
        (
            vec!["verify", "--password-stdin", "--explain", "--json", &stored],
            line(&wrong),
            &wrong,
            Some(SALT),
        ),
        (
            vec!["verify", "--password-stdin", &shouted],
            line(&wrong),
            &wrong,
            Some(SALT),
        ),
        (
            vec![
                "snapshot",
                "add-user",
                input,
                "--email",
                "new@example.com",
                "--password-stdin",
                "-o",
                out1.to_str().unwrap(),
            ],
            line(&right),
            &right,
            None,
        ),
        (
            vec![
                "snapshot",
                "set-password",
                input,
                "--email",
                "alice@example.com",
                "--password-stdin",
                "--json",
                "-o",
                out2.to_str().unwrap(),
            ],
            line(&wrong),
            &wrong,
            None,
        ),
        (
            vec!["snapshot", "users", out1.to_str().unwrap(), "--json"],
            Vec::new(),
            &right,
            None,
        ),
    ];
    for (args, stdin, password, salt) in &runs {
        let out = common::bascrypt(args, stdin);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let found = leaks(&out, password, *salt);
        assert!(found.is_empty(), "{args:?} printed {found:?}");
    }
    #[cfg(unix)]
    for written in [&out1, &out2] {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(written).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", written.display());
    }
    // The written exports hold the hash, never the password itself.
    for written in [&out1, &out2] {
        let mut archive = ZipArchive::new(File::open(written).unwrap()).unwrap();
        for i in 0..archive.len() {
            let mut data = Vec::new();
            archive.by_index(i).unwrap().read_to_end(&mut data).unwrap();
            assert!(!contains(&data, right.as_bytes()) && !contains(&data, wrong.as_bytes()));
        }
    }
}

#[test]
fn a_password_debug_print_is_redacted() {
    use bascrypt::password::Password;
    let secret = unique_password(2000);
    let p = Password::new(secret.clone());
    for text in [
        format!("{p:?}"),
        format!("{p:#?}"),
        format!("{:?}", Some(&p)),
    ] {
        assert!(!text.contains(&secret), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
    }
}

#[test]
fn a_huge_tables_list_is_linear_and_capped() {
    use bascrypt::convex::{Snapshot, MAX_TABLES};
    // The list is checked for repeated names and numbers; this was a linear
    // search per line, quadratic in the list's length.
    let list = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|i| format!("{{\"name\":\"t{i}\",\"id\":{}}}\n", 10001 + i))
            .collect::<String>()
            .into_bytes()
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.zip");
    // Every listed table needs its (here empty) documents entry.
    let mut zip = zip::ZipWriter::new(fs::File::create(&path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("_tables/documents.jsonl", stored).unwrap();
    std::io::Write::write_all(&mut zip, &list(MAX_TABLES)).unwrap();
    for i in 0..MAX_TABLES {
        zip.start_file(format!("t{i}/documents.jsonl"), stored)
            .unwrap();
    }
    zip.finish().unwrap();
    let started = Instant::now();
    let snapshot = Snapshot::open(&path).unwrap();
    assert_eq!(snapshot.component("").unwrap().tables().len(), MAX_TABLES);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );

    let c = case(
        "more tables than the cap",
        Input::Zip(with_entry(
            "_tables/documents.jsonl",
            Some(&list(MAX_TABLES + 1)),
        )),
        &add_user(),
        &["line 100001 of `_tables/documents.jsonl`: more than 100000 tables in one component"],
    );
    let (_, problems) = run_case(&c);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn batch_lines_that_are_refused_never_echo_the_password() {
    let secret = unique_password(3000);
    let long = "b".repeat(2 << 20);
    let input = format!(
        "{{\"password\":\"{secret}\",\"salt\":5}}\n\
         {{\"password\":\"{secret}\",\"bogus\":1}}\n\
         \u{1}{secret}\n\
         {{\"password\":\"{secret}\n\
         [\"{secret}\"]\n\
         {{\"password\":\"{secret}\\ud800\"}}\n"
    );
    let mut stdin = input.into_bytes();
    stdin.extend_from_slice(b"\xff\xfe");
    stdin.extend_from_slice(secret.as_bytes());
    stdin.push(b'\n');
    let out = common::bascrypt(&["hash", "--batch"], &stdin);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 7, "{text}");
    for (i, line) in text.lines().enumerate() {
        assert!(line.contains(&format!("line {}", i + 1)), "{line}");
    }
    assert_eq!(leaks(&out, &secret, None), Vec::<String>::new());

    // A line past the limit is answered in place, without echoing it, and
    // the lines after it are still read.
    let stdin = format!(
        "{{\"password\":\"{long}\",\"hash\":\"a:b\"}}\n{{\"password\":\"x\",\"hash\":\"nocolon\"}}\n"
    );
    let out = common::bascrypt(&["verify", "--batch"], stdin.as_bytes());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.len() + out.stderr.len() < 4096);
    let text = String::from_utf8_lossy(&out.stdout);
    let answers: Vec<&str> = text.lines().collect();
    assert_eq!(answers.len(), 2, "{text}");
    assert!(
        answers[0].contains("line 1: longer than 1048576 bytes"),
        "{text}"
    );
    assert!(answers[1].contains(r#""verdict":"throws""#), "{text}");
    let stdin = format!("{{\"password\":\"{secret}\",\"hash\":5}}\n");
    let out = common::bascrypt(&["verify", "--batch"], stdin.as_bytes());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(leaks(&out, &secret, None), Vec::<String>::new());
}

/// A stored value with no `:` is not a wrong password but a value Better Auth
/// throws on: `verify` says so (on standard output, as its verdict) and exits
/// 2, and `--json` says `throws`.
#[test]
fn verify_says_a_value_without_a_colon_throws() {
    let out = common::bascrypt(&["verify", "--password-stdin", "abc"], b"password123\n");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(
            "Better Auth would throw on this stored value, so sign-in answers HTTP 500: Invalid password hash"
        ),
        "{text}"
    );
    assert!(text.contains("[no-colon]"), "{text}");
    let out = common::bascrypt(
        &["verify", "--password-stdin", "--json", "abc"],
        b"password123\n",
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "throws");
    assert_eq!(v["match"], false);
    assert_eq!(v["findings"][0]["code"], "no-colon");
}

/// Standard output that cannot be written (a full disk) is the machine's
/// state, not a bug: exit 2 and a sentence, never a panic report.
#[test]
fn a_full_standard_output_is_an_error_not_a_panic() {
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = std::process::Command::new(common::BIN)
        .args(["inspect", "abc"])
        .stdout(full)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.starts_with(
            "bascrypt: error: cannot write to standard output (No space left on device"
        ),
        "{err}"
    );
}

/// A named pipe as the export would block the open forever, and a
/// directory is an unpacked export: both are refused at once, with what to do.
#[test]
fn a_pipe_or_a_directory_as_the_export_is_refused_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("export.zip");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let cases = [
        (
            fifo.to_str().unwrap(),
            "this is a pipe, socket or device, not a file",
        ),
        (
            dir.path().to_str().unwrap(),
            "this is a directory (to zip an unpacked export, use `bascrypt snapshot pack`)",
        ),
    ];
    for (path, expected) in cases {
        for args in [vec!["snapshot", "users", path], vec!["doctor", path]] {
            // Polled, so that a regression fails here instead of hanging CI.
            let mut child = std::process::Command::new(common::BIN)
                .args(&args)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let started = Instant::now();
            let status = loop {
                if let Some(status) = child.try_wait().unwrap() {
                    break status;
                }
                if started.elapsed() > Duration::from_secs(10) {
                    let _ = child.kill();
                    panic!("{args:?} still waits after 10 s");
                }
                std::thread::sleep(Duration::from_millis(20));
            };
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            assert_eq!(status.code(), Some(2), "{args:?}: {err}");
            assert!(err.contains(expected), "{args:?}: {err}");
        }
    }
}
