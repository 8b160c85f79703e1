//! The README's main-job command, run as written (with this build's binary
//! for `cargo run --release -q --`), must print what the README shows, but
//! for the random `_id`s.

use std::path::Path;
use std::process::Command;

/// The first fenced block of `kind` after `marker` in the README.
fn block_after<'a>(readme: &'a str, marker: &str, kind: &str) -> &'a str {
    let rest = &readme[readme.find(marker).expect("marker in README")..];
    let fence = format!("```{kind}\n");
    let start = rest.find(&fence).expect("fenced block") + fence.len();
    let len = rest[start..].find("```").expect("closing fence");
    &rest[start..start + len]
}

/// Replaces every Convex ID (31 to 37 characters of its base32 alphabet,
/// followed by `:`) with `<id>`.
fn mask_ids(text: &str) -> String {
    text.split(' ')
        .map(|word| match word.strip_suffix(':') {
            Some(id)
                if (31..=37).contains(&id.len())
                    && id
                        .bytes()
                        .all(|b| b"0123456789abcdefghjkmnpqrstvwxyz".contains(&b)) =>
            {
                "<id>:"
            }
            _ => word,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_main_job_prints_what_the_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let command = block_after(&readme, "**The main job**", "sh").trim();
    let expected = block_after(&readme, "**The main job**", "text");
    assert!(command.contains("cargo run --release -q --"), "{command}");
    let command = command
        .replace("cargo run --release -q --", env!("CARGO_BIN_EXE_bascrypt"))
        .replace(
            "tests/fixtures/sample-export",
            root.join("tests/fixtures/sample-export").to_str().unwrap(),
        );
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg(&command)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        mask_ids(&String::from_utf8_lossy(&out.stdout)),
        mask_ids(expected),
        "stderr: {stderr}"
    );
    assert!(dir.path().join("sample-with-admin.zip").is_file());
}
