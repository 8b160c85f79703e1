//! Convex snapshot exports: the ZIPs `npx convex export` writes and
//! `npx convex import --replace-all` reads back.
//!
//! - [`ConvexId`] and [`TableNumber`]: document IDs, decoded and validated as
//!   Convex does, and made fresh for new rows.
//! - [`jsonl`]: the one-object-a-line encoding of `documents.jsonl` (sorted keys,
//!   floats that stay floats).
//! - [`Snapshot`]: opens an export, lists its [`Component`]s and their tables,
//!   and streams a table's rows; memory stays flat in the export's size.
//! - [`SnapshotEdit`]: writes an edited copy in which everything not edited is
//!   carried over byte for byte, through a temporary file renamed into place.
//! - [`fixture`]: builds export ZIPs from a directory tree or synthetically.
//!
//! Nothing here prints or exits; every failure is a [`SnapshotError`] naming the
//! entry and line, and what to do.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use bascrypt::convex::{fixture, jsonl, ConvexId, Snapshot, WriteOptions};
//! use serde_json::json;
//! # let dir = tempfile::tempdir()?;
//! # let input = dir.path().join("snapshot.zip");
//! # fixture::zip_directory("tests/fixtures/sample-export".as_ref(), &input)?;
//! # let output = dir.path().join("with-admin.zip");
//!
//! let mut snapshot = Snapshot::open(&input)?;
//! // Pass 1: stream what you need to decide.
//! let taken = snapshot
//!     .rows("betterAuth", "user")?
//!     .any(|row| row.is_ok_and(|r| r.str_field("email") == Some("admin@example.com")));
//! assert!(!taken);
//!
//! // Pass 2: plan the change and write it.
//! let user_table = snapshot.component("betterAuth")?.table("user").unwrap().number;
//! let id = ConvexId::new(user_table, &mut rand::rng());
//! let now = jsonl::now_millis();
//! let serde_json::Value::Object(user) = json!({
//!     "_id": id.to_string(),
//!     "_creationTime": jsonl::now_creation_time(),
//!     "createdAt": now, "updatedAt": now,
//!     "email": "admin@example.com", "emailVerified": true, "name": "Admin",
//! }) else { unreachable!() };
//! let mut edit = snapshot.edit();
//! edit.append("betterAuth", "user", user)?;
//! edit.write(&output, WriteOptions::default())?;
//! # Ok(()) }
//! ```

mod edit;
mod error;
pub mod fixture;
pub mod id;
pub mod jsonl;
mod output;
pub mod snapshot;

pub use edit::{
    EditSummary, LineAction, RowEditorError, SnapshotEdit, TableChanges, WriteOptions,
    GENERATED_SCHEMA,
};
pub use error::SnapshotError;
pub use id::{ConvexId, IdError, TableNumber};
pub use jsonl::{Document, LineError};
pub use output::{
    check_destination, remove_abandoned_temp_files, remove_temp_file_in_progress, temp_file_prefix,
    TEMP_PREFIX,
};
pub use snapshot::{
    Component, Limits, Row, Rows, Snapshot, Table, MAX_TABLES, MAX_TABLES_ENTRY_BYTES,
};
