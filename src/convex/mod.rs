//! Convex snapshot exports (the ZIPs `npx convex export` writes and
//! `npx convex import --replace-all` reads back): document IDs, the
//! `documents.jsonl` line encoding, reading a snapshot and writing an edited
//! copy that leaves everything else byte for byte as it was.

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
pub use output::{remove_abandoned_temp_files, temp_file_prefix, TEMP_PREFIX};
pub use snapshot::{Component, Limits, Row, Rows, Snapshot, Table};
