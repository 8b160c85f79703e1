//! Convex snapshot exports (the ZIPs `npx convex export` writes and
//! `npx convex import --replace-all` reads back): document IDs, the
//! `documents.jsonl` line encoding, reading a snapshot and writing an edited
//! copy that leaves everything else byte for byte as it was.

mod error;
pub mod id;
pub mod jsonl;
pub mod snapshot;

pub use error::SnapshotError;
pub use id::{ConvexId, IdError, TableNumber};
pub use jsonl::{Document, LineError};
pub use snapshot::{Component, Limits, Row, Rows, Snapshot, Table};
