//! Building small export ZIPs for the doctor tests.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use bascrypt::convex::fixture::zip_directory_unchecked;
use bascrypt::convex::{ConvexId, TableNumber};
use bascrypt::doctor::DoctorOptions;
use rand::{rngs::StdRng, SeedableRng};
use serde_json::{json, Value};

/// Better Auth's stored value for `password123` (known answer, shared docs).
pub const GOOD: &str = "00112233445566778899aabbccddeeff:73122e887cfc14f91396cdef78dfe4b9dec28d459037601c4904cedba5a637ab97b39b40c236df5d42881d0109ca8cf0f85e39dbaba2911c190915bd8f30fe85";
pub const T: f64 = 1733000000000.0;

/// Table numbers: root `users` 10001; component user/account/session 10001/10002/10003.
pub const USER: u32 = 10001;
pub const ACCOUNT: u32 = 10002;
pub const SESSION: u32 = 10003;
pub const APP: u32 = 10001;

pub struct Ids(StdRng);

impl Ids {
    pub fn new(seed: u64) -> Self {
        Ids(StdRng::seed_from_u64(seed))
    }
    pub fn next(&mut self, table: u32) -> String {
        ConvexId::new(TableNumber::new(table).unwrap(), &mut self.0).to_string()
    }
}

/// The lines of each `documents.jsonl`, raw, so tests can break them.
pub struct ExportBuilder {
    pub component: Option<&'static str>,
    pub users: Vec<String>,
    pub accounts: Vec<String>,
    pub sessions: Vec<String>,
    pub app_users: Vec<String>,
    pub app_schema: &'static str,
    pub ids: Ids,
}

impl Default for ExportBuilder {
    fn default() -> Self {
        ExportBuilder {
            component: Some("betterAuth"),
            users: Vec::new(),
            accounts: Vec::new(),
            sessions: Vec::new(),
            app_users: Vec::new(),
            app_schema: "\"uniform\"\n",
            ids: Ids::new(7),
        }
    }
}

pub fn line(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}

impl ExportBuilder {
    /// Adds a component user; returns its `_id`.
    pub fn user(&mut self, email: &str) -> String {
        let id = self.ids.next(USER);
        self.users.push(line(&json!({
            "_creationTime": 1733000000000.5, "_id": id, "createdAt": T, "email": email,
            "emailVerified": true, "name": "Someone", "updatedAt": T,
        })));
        id
    }

    /// Adds a credential account with `password123` for `user_id`.
    pub fn credential(&mut self, user_id: &str) -> String {
        self.account(user_id, "credential", Some(GOOD))
    }

    pub fn account(&mut self, user_id: &str, provider: &str, password: Option<&str>) -> String {
        let id = self.ids.next(ACCOUNT);
        let mut doc = json!({
            "_creationTime": 1733000000000.5, "_id": id, "accountId": user_id, "createdAt": T,
            "providerId": provider, "updatedAt": T, "userId": user_id,
        });
        if let Some(p) = password {
            doc["password"] = json!(p);
        }
        self.accounts.push(line(&doc));
        id
    }

    /// A user who signs in with `password123`.
    pub fn person(&mut self, email: &str) -> String {
        let id = self.user(email);
        self.credential(&id);
        id
    }

    pub fn session(&mut self, user_id: &str) -> String {
        let id = self.ids.next(SESSION);
        self.sessions.push(line(&json!({
            "_creationTime": 1733000000000.5, "_id": id, "createdAt": T, "expiresAt": T,
            "token": "tok", "updatedAt": T, "userId": user_id,
        })));
        id
    }

    pub fn app_user(&mut self, email: &str, auth_id: Option<&str>) -> String {
        let id = self.ids.next(APP);
        let mut doc =
            json!({"_creationTime": 1733000000000.7, "_id": id, "email": email, "isAdmin": false});
        if let Some(a) = auth_id {
            doc["authId"] = json!(a);
        }
        self.app_users.push(line(&doc));
        id
    }

    /// Writes the tree under `dir/tree` and zips it to `dir/snapshot.zip`.
    pub fn build(&self, dir: &Path) -> PathBuf {
        let tree = dir.join("tree");
        let write = |rel: &str, text: &str| {
            let p = tree.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        };
        let lines = |v: &[String]| v.iter().map(|l| format!("{l}\n")).collect::<String>();
        write("README.md", "# export\n");
        write(
            "_tables/documents.jsonl",
            "{\"name\":\"users\",\"id\":10001}\n",
        );
        write("users/documents.jsonl", &lines(&self.app_users));
        write("users/generated_schema.jsonl", self.app_schema);
        if let Some(c) = self.component {
            let p = format!("_components/{c}/");
            write(
                &format!("{p}_tables/documents.jsonl"),
                "{\"name\":\"user\",\"id\":10001}\n{\"name\":\"account\",\"id\":10002}\n{\"name\":\"session\",\"id\":10003}\n",
            );
            for (t, rows) in [
                ("user", &self.users),
                ("account", &self.accounts),
                ("session", &self.sessions),
            ] {
                write(&format!("{p}{t}/documents.jsonl"), &lines(rows));
                write(&format!("{p}{t}/generated_schema.jsonl"), "\"uniform\"\n");
            }
        }
        let out = dir.join("snapshot.zip");
        zip_directory_unchecked(&tree, &out).unwrap();
        out
    }
}

pub fn options(zip: &Path) -> DoctorOptions {
    DoctorOptions::new(zip.display().to_string())
}
