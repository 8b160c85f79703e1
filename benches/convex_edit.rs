//! Snapshot editing on a generated export: scanning the component `user`
//! table, and a whole add-user (scan + append to `user` and `account` + write).
//! `BASCRYPT_BENCH_USERS` sets the size (default 50,000; the million-user run
//! is `tests/convex_large.rs`).

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;

use bascrypt::convex::fixture::{write_synthetic_export, SYNTHETIC_PASSWORD_HASH};
use bascrypt::convex::jsonl::{self, Document};
use bascrypt::convex::{ConvexId, Snapshot, WriteOptions};

fn object(value: serde_json::Value) -> Document {
    match value {
        serde_json::Value::Object(map) => map,
        _ => Document::new(),
    }
}

fn add_user(input: &Path, output: &Path, level: Option<u8>) {
    let mut snapshot = Snapshot::open(input).unwrap();
    let email = "new.admin@example.com";
    for row in snapshot.rows("betterAuth", "user").unwrap() {
        assert_ne!(row.unwrap().str_field("email"), Some(email));
    }
    let auth = snapshot.component("betterAuth").unwrap();
    let user_table = auth.table("user").unwrap().number;
    let account_table = auth.table("account").unwrap().number;
    let mut rng = rand::rng();
    let user_id = ConvexId::new(user_table, &mut rng).to_string();
    let now = jsonl::now_millis();
    let mut edit = snapshot.edit();
    edit.append(
        "betterAuth",
        "user",
        object(json!({
            "_id": user_id, "_creationTime": jsonl::now_creation_time(),
            "createdAt": now.clone(), "email": email, "emailVerified": true,
            "name": "New Admin", "updatedAt": now.clone(),
        })),
    )
    .unwrap();
    edit.append(
        "betterAuth",
        "account",
        object(json!({
            "_id": ConvexId::new(account_table, &mut rng).to_string(),
            "_creationTime": jsonl::now_creation_time(), "accountId": user_id,
            "createdAt": now.clone(), "password": SYNTHETIC_PASSWORD_HASH,
            "providerId": "credential", "updatedAt": now, "userId": user_id,
        })),
    )
    .unwrap();
    if let Some(level) = level {
        edit.set_compression_level(level);
    }
    edit.write(output, WriteOptions { force: true }).unwrap();
}

fn snapshot_edit(c: &mut Criterion) {
    let users: u64 = std::env::var("BASCRYPT_BENCH_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.zip");
    let output = dir.path().join("out.zip");
    write_synthetic_export(&input, users, 1).unwrap();

    let mut g = c.benchmark_group(format!("convex-snapshot-{users}-users"));
    g.sample_size(10);
    g.bench_function("scan component users", |b| {
        b.iter(|| {
            let mut snapshot = Snapshot::open(&input).unwrap();
            snapshot.rows("betterAuth", "user").unwrap().count()
        })
    });
    g.bench_function("add-user (deflate 6)", |b| {
        b.iter(|| add_user(&input, &output, Some(6)))
    });
    g.bench_function("add-user (default, deflate 1)", |b| {
        b.iter(|| add_user(&input, &output, None))
    });
    g.finish();
}

criterion_group!(benches, snapshot_edit);
criterion_main!(benches);
