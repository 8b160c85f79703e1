//! Convex snapshot exports: IDs, documents.jsonl, the ZIP.
