//! Shared by the integration tests that run the `bascrypt` binary and the real
//! better-auth npm packages (vectors/node_modules, from `npm ci --prefix vectors`).
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_bascrypt");

pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// `None` (after printing a notice) when node tests are to be skipped; fails
/// with the fix when the packages are missing.
pub fn node_ready() -> Option<PathBuf> {
    let dir = vectors_dir();
    if std::env::var("BASCRYPT_SKIP_NODE").as_deref() == Ok("1") {
        eprintln!("skipped the real Better Auth checks because BASCRYPT_SKIP_NODE=1");
        return None;
    }
    for alias in ["better-auth-16", "better-auth-17"] {
        assert!(
            dir.join("node_modules")
                .join(alias)
                .join("package.json")
                .is_file(),
            "vectors/node_modules/{alias} is missing: run `npm ci --prefix vectors` \
             (or set BASCRYPT_SKIP_NODE=1 to skip the Better Auth interop tests)"
        );
    }
    Some(dir)
}

/// Runs `cmd` with `stdin` piped in; a command that exits before reading is fine.
pub fn run_with_stdin(mut cmd: Command, stdin: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let _ = child.stdin.take().expect("piped stdin").write_all(stdin);
    child.wait_with_output().expect("wait for child")
}

/// `bascrypt ARGS` with `stdin`.
pub fn bascrypt(args: &[&str], stdin: &[u8]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    run_with_stdin(cmd, stdin)
}

/// `node vectors/<script> [arg]` with `input` as JSON on stdin; its JSON output.
pub fn node_json(dir: &Path, script: &str, arg: Option<&str>, input: &Value) -> Value {
    let mut cmd = Command::new("node");
    cmd.arg(dir.join(script)).current_dir(dir);
    if let Some(a) = arg {
        cmd.arg(a);
    }
    let out = run_with_stdin(cmd, input.to_string().as_bytes());
    assert!(
        out.status.success(),
        "node {script} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the node script prints JSON")
}

/// One ZIP entry: its name, CRC, method, compressed bytes and content.
pub struct RawEntry {
    pub name: String,
    pub crc: u32,
    pub method: zip::CompressionMethod,
    pub compressed: Vec<u8>,
    pub content: Vec<u8>,
}

/// Every entry of the ZIP at `path`, in order.
pub fn entries(path: &Path) -> Vec<RawEntry> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut compressed = Vec::new();
        let (name, crc, method) = {
            let mut raw = archive.by_index_raw(i).unwrap();
            raw.read_to_end(&mut compressed).unwrap();
            (raw.name().to_owned(), raw.crc32(), raw.compression())
        };
        let mut content = Vec::new();
        archive
            .by_index(i)
            .unwrap()
            .read_to_end(&mut content)
            .unwrap();
        out.push(RawEntry {
            name,
            crc,
            method,
            compressed,
            content,
        });
    }
    out
}

/// The sample export shipped in the repo, packed into `dir/name` with `bascrypt snapshot pack`.
pub fn packed_sample(dir: &Path, name: &str) -> PathBuf {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample-export");
    let out = dir.join(name);
    let o = bascrypt(
        &[
            "snapshot",
            "pack",
            sample.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        b"",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// Copies the directory tree `from` to `to` (an unpacked export, to damage).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
