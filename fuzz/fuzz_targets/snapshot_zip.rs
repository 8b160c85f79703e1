//! A whole export ZIP: open it, stream every row of every table, list the
//! users, run `doctor` (whole export, and one email), plan an `add-user`
//! (dry run), and write an edited copy that must open again. Never runs
//! scrypt: no password is given, and the stored hash is a fixed value.
#![no_main]

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::OnceLock;

use bascrypt::convex::{LineAction, Limits, Snapshot};
use bascrypt::doctor::{self, DoctorOptions, EmailCheck};
use bascrypt::user_admin::{self, NewUser};
use libfuzzer_sys::fuzz_target;

const STORED: &str = "00112233445566778899aabbccddeeff:73122e887cfc14f91396cdef78dfe4b9dec28d459037601c4904cedba5a637ab97b39b40c236df5d42881d0109ca8cf0f85e39dbaba2911c190915bd8f30fe85";

// Small limits keep each run cheap; the limits themselves are part of what is tested.
const LIMITS: Limits = Limits {
    max_line_bytes: 1 << 20,
    max_entry_bytes: 16 << 20,
    max_total_bytes: 64 << 20,
    max_entries: 10_000,
};

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().to_owned();
        (dir, path)
    })
    .1
}

fn open(data: &[u8], name: &str) -> Option<Snapshot> {
    let path = scratch().join(name);
    std::fs::write(&path, data).expect("write scratch file");
    Snapshot::open_with_limits(&path, LIMITS).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some(mut snapshot) = open(data, "in.zip") else {
        return;
    };
    let tables: Vec<(String, String)> = snapshot
        .components()
        .iter()
        .flat_map(|c| c.tables().iter().map(|t| (c.name().to_owned(), t.name.clone())))
        .collect();
    for (component, table) in &tables {
        if let Ok(rows) = snapshot.rows(component, table) {
            for row in rows {
                if let Ok(row) = row {
                    let _ = row.id();
                }
            }
        }
    }
    let _ = user_admin::list_users(&mut snapshot, user_admin::DEFAULT_COMPONENT);

    let options = DoctorOptions::new("in.zip");
    let _ = doctor::scan(&mut snapshot, &options, 5, &mut |_| {});
    let check = EmailCheck {
        email: "Alice@Example.com",
        password: None,
        explain: false,
    };
    let _ = doctor::diagnose_email(&mut snapshot, &check, &options);

    let user = NewUser {
        email: "fuzz@example.com".into(),
        name: None,
        email_verified: true,
        user_fields: Vec::new(),
        app_row: None,
        create_app_table: false,
    };
    if let Some(snapshot) = open(data, "in.zip") {
        let _ = user_admin::add_user(
            snapshot,
            user_admin::DEFAULT_COMPONENT,
            &user,
            Box::new(|| Ok(STORED.to_owned())),
            None,
            Default::default(),
        );
    }

    // The writer: keep every row of the first table with a documents entry,
    // and the result must be an export again.
    let Some(snapshot) = open(data, "in.zip") else {
        return;
    };
    let mut edit = snapshot.edit();
    let Some((component, table)) = tables
        .iter()
        .find(|(c, t)| {
            let c = edit.snapshot().component(c).expect("listed");
            edit.snapshot().has_entry(&c.documents_entry(t))
        })
        .cloned()
    else {
        return;
    };
    edit.edit_rows(&component, &table, |_| Ok(LineAction::Keep))
        .expect("first editor");
    let mut out = Cursor::new(Vec::new());
    if edit.write_into(&mut out).is_ok() {
        let reopened = open(&out.into_inner(), "out.zip");
        assert!(reopened.is_some(), "an edited copy of an export must open");
    }
});
