//! The whole-export doctor over a synthetic export of 1,000,000 users.
//! Ignored by default (it writes a ~200 MB ZIP); run with
//! `cargo test --release --test doctor_million -- --ignored --nocapture`
//! (`DOCTOR_USERS=N` for another size, `DOCTOR_EXPORT=path` to keep the ZIP).

use std::time::Instant;

use bascrypt::convex::fixture::write_synthetic_export;
use bascrypt::convex::Snapshot;
use bascrypt::doctor::{scan, DoctorOptions};

#[test]
#[ignore = "writes a ~200 MB export; run on demand"]
fn million_users() {
    let users: u64 = std::env::var("DOCTOR_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    // DOCTOR_EXPORT=path keeps the export there, to time the CLI on it too.
    let dir = tempfile::tempdir().unwrap();
    let zip = std::env::var_os("DOCTOR_EXPORT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("million.zip"));
    let t = Instant::now();
    write_synthetic_export(&zip, users, 42).unwrap();
    println!("wrote {users} users in {:.1}s", t.elapsed().as_secs_f64());
    let mut snapshot = Snapshot::open(&zip).unwrap();
    let options = DoctorOptions::new(zip.display().to_string());
    let t = Instant::now();
    let result = scan(&mut snapshot, &options, 20, &mut |_| {}).unwrap();
    println!(
        "doctor scanned {} rows in {:.2}s (second pass: {}): {:?}",
        result.stats.rows,
        t.elapsed().as_secs_f64(),
        result.stats.second_pass,
        result
            .report
            .groups
            .iter()
            .map(|g| (g.code, g.count))
            .collect::<Vec<_>>()
    );
    assert_eq!(result.stats.users, users);
    assert!(!result.report.has_errors(), "{:#?}", result.report);
}
