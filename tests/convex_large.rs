//! Add a user to a generated export of a million component users, streaming.
//! Too slow for the normal suite; run with
//! `cargo test --release --test convex_large -- --ignored --nocapture`
//! (`BASCRYPT_LARGE_USERS=…` to change the size, `BASCRYPT_LARGE_LEVEL=6` for
//! the usual Deflate level instead of the default 1).

use std::time::Instant;

use bascrypt::convex::fixture::write_synthetic_export;
use bascrypt::convex::jsonl::{self, Document};
use bascrypt::convex::{ConvexId, Snapshot, WriteOptions};
use serde_json::json;

fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

fn object(value: serde_json::Value) -> Document {
    match value {
        serde_json::Value::Object(map) => map,
        _ => Document::new(),
    }
}

#[test]
#[ignore = "generates a large export; run by hand"]
fn add_user_to_a_million_user_export() {
    let users: u64 = std::env::var("BASCRYPT_LARGE_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("large.zip");
    let output = dir.path().join("out.zip");

    let started = Instant::now();
    write_synthetic_export(&input, users, 7).unwrap();
    let size = std::fs::metadata(&input).unwrap().len();
    eprintln!(
        "generated {users} users: {:.1} MB in {:.1?} (peak RSS {:?} MiB)",
        size as f64 / 1e6,
        started.elapsed(),
        peak_rss_mib()
    );

    let started = Instant::now();
    let mut snapshot = Snapshot::open(&input).unwrap();
    let email = "new.admin@example.com";
    let mut seen = 0u64;
    for row in snapshot.rows("betterAuth", "user").unwrap() {
        let row = row.unwrap();
        assert_ne!(row.str_field("email"), Some(email));
        seen += 1;
    }
    assert_eq!(seen, users);
    let scanned = started.elapsed();

    let auth = snapshot.component("betterAuth").unwrap().clone();
    let (user_table, account_table) = (
        auth.table("user").unwrap().number,
        auth.table("account").unwrap().number,
    );
    let mut rng = rand::rng();
    let user_id = ConvexId::new(user_table, &mut rng).to_string();
    let now = jsonl::now_millis();
    let mut edit = snapshot.edit();
    edit.append(
        "betterAuth",
        "user",
        object(json!({
            "_id": user_id,
            "_creationTime": jsonl::now_creation_time(),
            "createdAt": now.clone(),
            "email": email,
            "emailVerified": true,
            "name": "New Admin",
            "updatedAt": now.clone(),
        })),
    )
    .unwrap();
    edit.append(
        "betterAuth",
        "account",
        object(json!({
            "_id": ConvexId::new(account_table, &mut rng).to_string(),
            "_creationTime": jsonl::now_creation_time(),
            "accountId": user_id,
            "createdAt": now.clone(),
            "password": bascrypt::convex::fixture::SYNTHETIC_PASSWORD_HASH,
            "providerId": "credential",
            "updatedAt": now,
            "userId": user_id,
        })),
    )
    .unwrap();
    if let Some(level) = std::env::var("BASCRYPT_LARGE_LEVEL")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        edit.set_compression_level(level);
    }
    let summary = edit.write(&output, WriteOptions::default()).unwrap();
    assert_eq!(summary.tables[0].appended, 1);
    eprintln!(
        "add-user: scan {scanned:.1?}, total {:.1?}, output {:.1} MB, peak RSS {:?} MiB",
        started.elapsed(),
        std::fs::metadata(&output).unwrap().len() as f64 / 1e6,
        peak_rss_mib()
    );
}
