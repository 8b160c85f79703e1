//! Killing `snapshot add-user` (SIGKILL) at random points while it writes a
//! large export: the destination is either absent or a complete export with
//! the new user, and the only leftover is a temporary file whose name says it
//! is bascrypt's and whose process is dead, which the next write removes.
//! SIGINT, SIGTERM and SIGHUP leave not even that.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use bascrypt::convex::fixture::{write_synthetic_export, SYNTHETIC_PASSWORD_HASH};
use bascrypt::convex::{Snapshot, TEMP_PREFIX};
use rand::Rng;

const EMAIL: &str = "crash@example.com";

fn temp_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(TEMP_PREFIX))
        .collect()
}

fn add_user(input: &Path, out: &Path) -> Command {
    let mut cmd = Command::new(common::BIN);
    cmd.args(["snapshot", "add-user"])
        .arg(input)
        .args([
            "--email",
            EMAIL,
            "--password-hash",
            SYNTHETIC_PASSWORD_HASH,
            "-o",
        ])
        .arg(out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// A complete export holding the new user.
fn assert_complete(path: &Path) {
    let mut snapshot = Snapshot::open(path)
        .unwrap_or_else(|e| panic!("{} is not a complete export: {e}", path.display()));
    let found = snapshot
        .rows("betterAuth", "user")
        .unwrap()
        .map(|r| r.unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .any(|row| row.str_field("email") == Some(EMAIL));
    assert!(found, "{} lacks the new user", path.display());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", path.display());
    }
}

#[test]
fn sigkill_never_leaves_a_broken_export() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input").join("big.zip");
    fs::create_dir_all(input.parent().unwrap()).unwrap();
    write_synthetic_export(&input, 300_000, 7).unwrap();
    let out_dir = dir.path().join("out");
    fs::create_dir_all(&out_dir).unwrap();

    // One full run, to know how long a write takes.
    let t0 = Instant::now();
    let full = add_user(&input, &out_dir.join("full.zip"))
        .output()
        .unwrap();
    let duration = t0.elapsed();
    assert!(
        full.status.success(),
        "{}",
        String::from_utf8_lossy(&full.stderr)
    );
    assert_complete(&out_dir.join("full.zip"));
    eprintln!("a full add-user on 300,000 users takes {duration:?}");

    let mut rng = rand::rng();
    let (mut absent, mut complete) = (0, 0);
    const RUNS: u32 = 4;
    for run in 0..RUNS {
        // Spread over the whole run, the write phase included, with jitter.
        let fraction = (f64::from(run) + rng.random::<f64>()) / f64::from(RUNS);
        let delay = duration.mul_f64(fraction * 1.05);
        let dest = out_dir.join(format!("killed-{run}.zip"));
        let mut child = add_user(&input, &dest).spawn().unwrap();
        let pid = child.id();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();

        if dest.exists() {
            assert_complete(&dest);
            complete += 1;
        } else {
            absent += 1;
        }
        // Whatever is left is recognisably a dead process's temporary file.
        for name in temp_files(&out_dir) {
            let owner: Option<u32> = name
                .strip_prefix(TEMP_PREFIX)
                .and_then(|rest| rest.split('.').nth(1))
                .and_then(|pid| pid.parse().ok());
            assert_eq!(owner, Some(pid), "unexpected leftover {name}");
            assert!(
                !Path::new("/proc").join(pid.to_string()).exists(),
                "{name}: its process still runs"
            );
        }
        eprintln!(
            "run {run}: killed after {delay:?}: {}, {} temporary file(s)",
            if dest.exists() { "complete" } else { "absent" },
            temp_files(&out_dir).len()
        );
    }
    eprintln!("{absent} absent, {complete} complete");

    // Ctrl-C, SIGTERM and SIGHUP can be caught: the run deletes its own
    // temporary file before it dies of the signal.
    for (i, signal) in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP]
        .into_iter()
        .enumerate()
    {
        let dest = out_dir.join(format!("interrupted-{i}.zip"));
        let mut child = add_user(&input, &dest).spawn().unwrap();
        let pid = child.id();
        // Late in the run, when the temporary file is being filled.
        std::thread::sleep(duration.mul_f64(0.6 + 0.1 * i as f64));
        // SAFETY: pid is our child, not yet waited for.
        unsafe {
            libc::kill(pid as libc::pid_t, signal);
        }
        let status = child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        if dest.exists() {
            assert_complete(&dest);
        } else {
            assert_eq!(status.signal(), Some(signal), "{status:?}");
        }
        let own: Vec<String> = temp_files(&out_dir)
            .into_iter()
            .filter(|n| n.contains(&format!(".{pid}.")))
            .collect();
        assert_eq!(
            own,
            Vec::<String>::new(),
            "signal {signal} left its temporary file"
        );
    }

    // The next write into the directory removes the dead runs' files.
    let last = add_user(&input, &out_dir.join("last.zip"))
        .output()
        .unwrap();
    assert!(
        last.status.success(),
        "{}",
        String::from_utf8_lossy(&last.stderr)
    );
    assert_complete(&out_dir.join("last.zip"));
    assert_eq!(temp_files(&out_dir), Vec::<String>::new());
    // The input was never touched.
    assert!(Snapshot::open(&input).is_ok());
    assert!(temp_files(input.parent().unwrap()).is_empty());
    // About 30 s on an idle 2-core machine; not asserted, as CI load varies.
    eprintln!("crash test took {:?}", started.elapsed());
}
