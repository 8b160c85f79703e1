//! The sample export in `tests/fixtures/sample-export/`: how it is generated,
//! and checks that it looks exactly like a real export.
//!
//! Regenerate (deterministic; IDs come from a fixed seed):
//! `cargo test --test convex_fixture -- --ignored regenerate_sample_export`

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use bascrypt::convex::fixture::{zip_directory, EXPORT_README};
use bascrypt::convex::jsonl::{self, float, Document};
use bascrypt::convex::{ConvexId, Snapshot, TableNumber, GENERATED_SCHEMA};
use rand::{rngs::StdRng, SeedableRng};
use serde_json::{json, Value};

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample-export")
}

const PASSWORD123: &str = "00112233445566778899aabbccddeeff:73122e887cfc14f91396cdef78dfe4b9dec28d459037601c4904cedba5a637ab97b39b40c236df5d42881d0109ca8cf0f85e39dbaba2911c190915bd8f30fe85";
const HORSE: &str = "0123456789abcdef0123456789abcdef:e1034727d858e2fca8a705fe561781100520e78064f8d2bfa492937c58df02eb15d40233f809f179c7fb9863b8eb9dc5a8d2dc196c0b9733c05fa426f224856e";

/// An ID for a document created at `ms`, with that day in its last bytes.
fn gen_id(rng: &mut StdRng, table: u32, ms: f64) -> String {
    let day = (ms / 86_400_000.0) as u64;
    ConvexId::new_on_day(TableNumber::new(table).unwrap(), rng, day).to_string()
}

fn push(tables: &mut Vec<(String, Vec<Document>)>, path: &str, value: Value) {
    let doc = obj(value);
    match tables.iter_mut().find(|(p, _)| p == path) {
        Some((_, rows)) => rows.push(doc),
        None => tables.push((path.to_owned(), vec![doc])),
    }
}

fn obj(value: Value) -> Document {
    match value {
        Value::Object(m) => m,
        _ => panic!(),
    }
}

#[test]
#[ignore = "rewrites tests/fixtures/sample-export; run by hand"]
fn regenerate_sample_export() {
    let mut rng = StdRng::seed_from_u64(20250618);
    let mut tables: Vec<(String, Vec<Document>)> = Vec::new();
    // 2025-06-18, the day of the `_creationTime` in Convex's docs.
    let t0 = 1750222681271.6697f64;
    let ms = |offset_s: f64| t0 + offset_s * 1000.0;
    let whole = |offset_s: f64| float((t0 + offset_s * 1000.0).floor());
    let auth = "_components/betterAuth/";

    // Component users (Better Auth `user` table, 10001).
    let people = [
        ("alice", "Alice Admin", "alice@example.com", true, 0.0),
        ("bob", "Bob Google", "bob@gmail.com", true, 3600.0),
        ("carol", "Carol Legacy", "carol@example.com", false, 7200.0),
        ("erin", "Erin Both", "erin@example.com", true, 86400.0 * 3.0),
    ];
    let mut auth_ids = HashMap::new();
    let mut app_ids = HashMap::new();
    for (key, _, _, _, at) in people {
        auth_ids.insert(key, gen_id(&mut rng, 10001, ms(at)));
    }
    // App users (root `users`, 10001), incl. dave who has no auth user.
    let app_people = [
        ("alice", "ACTIVE", true, 10.0),
        ("bob", "TRIALING", false, 3610.0),
        ("carol", "CANCELED", false, 7210.0),
        ("dave", "ACTIVE", false, 9000.0),
        ("erin", "ACTIVE", false, 86400.0 * 3.0 + 10.0),
    ];
    for (key, _, _, at) in app_people {
        app_ids.insert(key, gen_id(&mut rng, 10001, ms(at)));
    }

    for (key, name, email, verified, at) in people {
        let mut doc = obj(json!({
            "_id": auth_ids[key],
            "_creationTime": float(ms(at)),
            "createdAt": whole(at),
            "email": email,
            "emailVerified": verified,
            "name": name,
            "updatedAt": whole(at + 60.0),
        }));
        match key {
            "bob" => {
                doc.insert(
                    "image".into(),
                    json!("https://lh3.googleusercontent.com/a/ACg8ocJbob=s96-c"),
                );
            }
            "carol" => {
                // Older apps linked the component user to the app row this way.
                doc.insert("userId".into(), json!(app_ids["carol"]));
                doc.insert("image".into(), Value::Null);
            }
            _ => {}
        }
        push(&mut tables, &format!("{auth}user"), Value::Object(doc));
    }

    // Accounts (10002): credential rows with real Better Auth hashes, Google rows.
    let accounts: [(&str, &str, f64); 5] = [
        ("alice", "credential", 1.0),
        ("bob", "google", 3601.0),
        ("carol", "credential", 7201.0),
        ("erin", "google", 86400.0 * 3.0 + 1.0),
        ("erin", "credential", 86400.0 * 4.0),
    ];
    for (key, provider, at) in accounts {
        let user = auth_ids[key].clone();
        let mut doc = obj(json!({
            "_id": gen_id(&mut rng, 10002, ms(at)),
            "_creationTime": float(ms(at) + 0.25),
            "createdAt": whole(at),
            "providerId": provider,
            "updatedAt": whole(at),
            "userId": user,
        }));
        if provider == "credential" {
            doc.insert("accountId".into(), json!(user));
            let hash = if key == "carol" { HORSE } else { PASSWORD123 };
            doc.insert("password".into(), json!(hash));
        } else {
            let sub = if key == "bob" {
                "109876543210987654321"
            } else {
                "104242424242424242424"
            };
            doc.insert("accountId".into(), json!(sub));
            doc.insert(
                "accessToken".into(),
                json!(format!("ya29.a0AfB_sample-{key}-access-token")),
            );
            doc.insert("accessTokenExpiresAt".into(), whole(at + 3599.0));
            doc.insert(
                "idToken".into(),
                json!(format!("eyJhbGciOiJSUzI1NiJ9.sample-{key}.sig")),
            );
            doc.insert("scope".into(), json!("openid,email,profile"));
            doc.insert("refreshToken".into(), Value::Null);
        }
        push(&mut tables, &format!("{auth}account"), Value::Object(doc));
    }

    // Sessions (10003).
    for (key, at, agent) in [
        ("alice", 120.0, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"),
        ("bob", 3700.0, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"),
    ] {
        push(&mut tables,
            &format!("{auth}session"),
            json!({
                "_id": gen_id(&mut rng, 10003, ms(at)),
                "_creationTime": float(ms(at) + 0.5),
                "createdAt": whole(at),
                "expiresAt": whole(at + 7.0 * 86400.0),
                "ipAddress": "203.0.113.7",
                "token": format!("sample{key}sessiontoken0123456789"),
                "updatedAt": whole(at),
                "userAgent": agent,
                "userId": auth_ids[key],
            }),
        );
    }

    // Verification (10004): a pending password reset for carol.
    push(
        &mut tables,
        &format!("{auth}verification"),
        json!({
            "_id": gen_id(&mut rng, 10004, ms(8000.0)),
            "_creationTime": float(ms(8000.0) + 0.125),
            "createdAt": whole(8000.0),
            "expiresAt": whole(8000.0 + 3600.0),
            "identifier": "reset-password:SampleResetToken123",
            "updatedAt": whole(8000.0),
            "value": auth_ids["carol"],
        }),
    );

    // JWKS (10005): the Convex plugin's signing key (sample values, not a real key).
    push(
        &mut tables,
        &format!("{auth}jwks"),
        json!({
            "_id": gen_id(&mut rng, 10005, ms(5.0)),
            "_creationTime": float(ms(5.0) + 0.75),
            "createdAt": whole(5.0),
            "privateKey": "{\"sample\":\"encrypted-private-key-placeholder\"}",
            "publicKey": "{\"crv\":\"Ed25519\",\"x\":\"sample-public-key-placeholder\",\"kty\":\"OKP\"}",
        }),
    );

    for (key, status, admin, at) in app_people {
        let mut doc = obj(json!({
            "_id": app_ids[key],
            "_creationTime": float(ms(at) + 0.0625),
            "email": format!("{key}@{}", if key == "bob" { "gmail.com" } else { "example.com" }),
            "isAdmin": admin,
            "subscriptionStatus": status,
        }));
        // Current guidance: the app row points at the component user. Carol
        // is linked the older way (from her component user's `userId`); dave
        // has no component user at all, so he cannot sign in.
        if key != "carol" && key != "dave" {
            doc.insert("authId".into(), json!(auth_ids[key]));
        }
        push(&mut tables, "users", Value::Object(doc));
    }

    // Todos (root, 10002).
    for (i, (owner, text, done)) in [
        ("alice", "Rotate the production admin password", false),
        ("alice", "Export the deployment before importing", true),
        ("bob", "Try the Google sign-in flow", false),
    ]
    .into_iter()
    .enumerate()
    {
        let at = 20000.0 + i as f64 * 30.0;
        push(
            &mut tables,
            "todos",
            json!({
                "_id": gen_id(&mut rng, 10002, ms(at)),
                "_creationTime": float(ms(at) + 0.375),
                "completed": done,
                "priority": float(i as f64 + 1.0),
                "text": text,
                "userId": app_ids[owner],
            }),
        );
    }

    // Rate limiter component (`rateLimits`, 10001).
    for (name, key, at) in [
        ("signIn", "alice@example.com", 130.0),
        ("passwordReset", "carol@example.com", 8000.0),
    ] {
        push(
            &mut tables,
            "_components/rateLimiter/rateLimits",
            json!({
                "_id": gen_id(&mut rng, 10001, ms(at)),
                "_creationTime": float(ms(at) + 0.875),
                "key": key,
                "name": name,
                "shard": float(0.0),
                "ts": whole(at),
                "value": float(4.5),
            }),
        );
    }

    let dir = sample_dir();
    let _ = fs::remove_dir_all(&dir);
    let write = |rel: &str, data: &[u8]| {
        let p = dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, data).unwrap();
    };
    write("README.md", EXPORT_README.as_bytes());
    write(
        "_tables/documents.jsonl",
        b"{\"name\":\"users\",\"id\":10001}\n{\"name\":\"todos\",\"id\":10002}\n",
    );
    write(
        "_components/betterAuth/_tables/documents.jsonl",
        b"{\"name\":\"user\",\"id\":10001}\n{\"name\":\"account\",\"id\":10002}\n{\"name\":\"session\",\"id\":10003}\n{\"name\":\"verification\",\"id\":10004}\n{\"name\":\"jwks\",\"id\":10005}\n",
    );
    write(
        "_components/rateLimiter/_tables/documents.jsonl",
        b"{\"name\":\"rateLimits\",\"id\":10001}\n",
    );
    for (path, mut rows) in tables {
        // Exports list rows in `_id` order.
        rows.sort_by(|a, b| a["_id"].as_str().cmp(&b["_id"].as_str()));
        let mut data = Vec::new();
        for row in &rows {
            jsonl::write_document(&mut data, row).unwrap();
        }
        write(&format!("{path}/documents.jsonl"), &data);
        write(&format!("{path}/generated_schema.jsonl"), GENERATED_SCHEMA);
    }
}

/// Every documents.jsonl line of the sample is what an export would hold.
#[test]
fn sample_export_is_canonical() {
    let out = tempfile::tempdir().unwrap();
    let zip = out.path().join("sample.zip");
    zip_directory(&sample_dir(), &zip).unwrap();
    let mut snapshot = Snapshot::open(&zip).unwrap();
    let names: Vec<&str> = snapshot.components().iter().map(|c| c.name()).collect();
    assert_eq!(names, ["", "betterAuth", "rateLimiter"]);

    let components = snapshot.components().to_vec();
    let mut total = 0;
    for component in &components {
        for table in component.tables() {
            let mut ids = HashSet::new();
            let mut last_id = String::new();
            for row in snapshot.rows(component.name(), &table.name).unwrap() {
                let row = row.unwrap();
                total += 1;
                let where_ = format!("{} {} line {}", component.name(), table.name, row.line);
                assert_eq!(
                    jsonl::encode_document(&row.document),
                    [&row.raw[..], b"\n"].concat(),
                    "{where_}: not canonical"
                );
                let id: ConvexId = row.id().unwrap().parse().unwrap();
                assert_eq!(id.table(), table.number, "{where_}");
                assert!(ids.insert(id), "{where_}: duplicate _id");
                assert!(
                    row.id().unwrap() > last_id.as_str(),
                    "{where_}: not in _id order"
                );
                last_id = row.id().unwrap().to_owned();
                assert!(
                    jsonl::is_float_number(&row.document["_creationTime"]),
                    "{where_}"
                );
                for key in ["createdAt", "updatedAt", "expiresAt"] {
                    if let Some(v) = row.document.get(key) {
                        assert!(jsonl::is_float_number(v), "{where_}: {key} is not a float");
                    }
                }
            }
            let schema = format!(
                "{}{}/generated_schema.jsonl",
                component.prefix(),
                table.name
            );
            assert!(snapshot.has_entry(&schema), "{schema}");
        }
    }
    assert!(total > 20);
}

/// Building the ZIP twice from the tree gives identical bytes, in export order.
#[test]
fn zip_directory_is_reproducible_and_ordered() {
    let out = tempfile::tempdir().unwrap();
    let (a, b) = (out.path().join("a.zip"), out.path().join("b.zip"));
    zip_directory(&sample_dir(), &a).unwrap();
    zip_directory(&sample_dir(), &b).unwrap();
    assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap());
    let snapshot = Snapshot::open(&a).unwrap();
    let names: Vec<&str> = snapshot.entry_names().collect();
    assert_eq!(names[0], "README.md");
    assert_eq!(names[1], "_tables/documents.jsonl");
    assert_eq!(names[2], "_components/betterAuth/_tables/documents.jsonl");
    assert_eq!(names[3], "_components/rateLimiter/_tables/documents.jsonl");
    assert_eq!(names[4], "users/documents.jsonl");
    assert_eq!(names[5], "users/generated_schema.jsonl");
    assert_eq!(names[6], "todos/documents.jsonl");
    assert_eq!(names[8], "_components/betterAuth/user/documents.jsonl");
    assert_eq!(names[10], "_components/betterAuth/account/documents.jsonl");
}

/// The compiled-in copy matches the tree, file for file and byte for byte.
#[test]
fn embedded_sample_matches_the_tree() {
    let out = tempfile::tempdir().unwrap();
    let (a, b) = (out.path().join("a.zip"), out.path().join("b.zip"));
    zip_directory(&sample_dir(), &a).unwrap();
    bascrypt::convex::fixture::write_sample_export(&b).unwrap();
    assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap());
}
