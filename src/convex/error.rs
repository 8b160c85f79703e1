//! The one error type of snapshot reading and writing.

use std::io;
use std::path::PathBuf;

use super::jsonl::LineError;

/// What went wrong with a snapshot export, with the entry, line and a hint at
/// what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// A file could not be opened, read, created or renamed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The ZIP structure is damaged, or this is not a ZIP.
    #[error("{}: not a readable ZIP file ({source}); pass the file `npx convex export --path` wrote", path.display())]
    Zip {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: zip::result::ZipError,
    },
    /// A ZIP entry could not be read or written.
    #[error("`{entry}`: {source}")]
    Entry {
        /// The entry name.
        entry: String,
        /// The cause (damaged data, CRC mismatch, disk full...).
        #[source]
        source: io::Error,
    },
    /// There is no `_tables/documents.jsonl` at the top of the ZIP.
    #[error("{}: not a Convex snapshot export: there is no `_tables/documents.jsonl` at the top level{hint}", path.display())]
    NotAnExport {
        /// The file.
        path: PathBuf,
        /// Extra advice when the cause is recognisable.
        hint: String,
    },
    /// An entry name that could escape a directory when unpacked.
    #[error("entry `{entry}` has an unsafe name (absolute, `..`, backslash or NUL); a Convex export never has one, so this ZIP was not written by `npx convex export`")]
    UnsafeEntryName {
        /// The entry name.
        entry: String,
    },
    /// Two entries with one name: readers disagree on which one counts.
    #[error("the ZIP's central directory lists {listed} entries but only {distinct} distinct names; a repeated entry name makes it ambiguous which copy `npx convex import` reads, so re-export instead")]
    DuplicateEntries {
        /// Entries in the central directory.
        listed: u64,
        /// Distinct names.
        distinct: usize,
    },
    /// More entries than [`crate::convex::Limits::max_entries`].
    #[error("the ZIP has {count} entries, more than the limit of {max}; raise the limit with --max-entries if this export is genuine")]
    TooManyEntries {
        /// Entries in the central directory.
        count: u64,
        /// The limit.
        max: usize,
    },
    /// An entry larger than [`crate::convex::Limits::max_entry_bytes`].
    #[error(
        "`{entry}` unpacks to more than {max} bytes; raise the limit with --max-entry-bytes if this export is genuine"
    )]
    EntryTooLarge {
        /// The entry name.
        entry: String,
        /// The limit.
        max: u64,
    },
    /// The declared unpacked sizes add up to more than
    /// [`crate::convex::Limits::max_total_bytes`].
    #[error("the ZIP's entries unpack to more than {max} bytes in total (a zip bomb, or a very large export); raise the limit with --max-total-bytes if this export is genuine")]
    TotalTooLarge {
        /// The limit.
        max: u64,
    },
    /// An entry that unpacks to more bytes than the ZIP's directory says.
    #[error("`{entry}` unpacks to more than the {declared} bytes the ZIP's directory declares for it: the ZIP is damaged or crafted (a zip bomb); re-export it")]
    SizeMismatch {
        /// The entry name.
        entry: String,
        /// The declared unpacked size.
        declared: u64,
    },
    /// An encrypted entry.
    #[error("entry `{entry}` is encrypted; `npx convex export` never encrypts entries and `npx convex import` cannot read them, so pass the ZIP the export wrote")]
    EncryptedEntry {
        /// The entry name.
        entry: String,
    },
    /// An entry compressed with a method other than Stored or Deflate.
    #[error("entry `{entry}` uses ZIP compression method {method}{}; Convex exports use Deflate, and bascrypt reads only Stored and Deflate: re-zip with plain Deflate (`zip -r`), or pass the ZIP the export wrote", method_name(*method))]
    UnsupportedCompression {
        /// The entry name.
        entry: String,
        /// The method number from the entry's header (8 is Deflate).
        method: u16,
    },
    /// A line longer than [`crate::convex::Limits::max_line_bytes`].
    #[error("line {line} of `{entry}` is longer than {max} bytes (a Convex document is at most 1 MiB); the file is damaged or not a documents.jsonl, or raise the limit with --max-line-bytes")]
    LineTooLong {
        /// The entry name.
        entry: String,
        /// Line number, from 1.
        line: u64,
        /// The limit.
        max: usize,
    },
    /// A line that is not a valid document.
    #[error("line {line} of `{entry}`: {source}")]
    Line {
        /// The entry name.
        entry: String,
        /// Line number, from 1.
        line: u64,
        /// What is wrong with it.
        #[source]
        source: LineError,
    },
    /// A row of a `_tables/documents.jsonl` that does not name a table.
    #[error("line {line} of `{entry}`: {problem}")]
    TablesList {
        /// The entry name.
        entry: String,
        /// Line number, from 1.
        line: u64,
        /// What is wrong.
        problem: String,
    },
    /// The component is not in this export.
    #[error("this export has no component `{name}` (it has: {}); check the mount name in convex.config.ts", list_or_none(available))]
    NoSuchComponent {
        /// The requested component (`""` is the app itself).
        name: String,
        /// Components present.
        available: Vec<String>,
    },
    /// The table is not in the component.
    #[error("component `{component}` has no table `{table}` in this export")]
    NoSuchTable {
        /// The component (`""` is the app itself).
        component: String,
        /// The table.
        table: String,
    },
    /// A table name Convex would refuse.
    #[error("`{table}` is not a valid Convex table name (letters, digits and `_`, starting with a letter, at most 64 characters)")]
    InvalidTableName {
        /// The name.
        table: String,
    },
    /// An edit was asked for twice, or a new document does not fit its table.
    #[error("{0}")]
    InvalidEdit(String),
    /// The caller's row editor refused a row.
    #[error("line {line} of `{entry}`: {source}")]
    Edit {
        /// The entry name.
        entry: String,
        /// Line number, from 1.
        line: u64,
        /// The editor's reason.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The output path is the input export.
    #[error("{}: is the input export (or a link to it); write the edited export to another file", path.display())]
    SameAsInput {
        /// The path.
        path: PathBuf,
    },
    /// A table listed in `_tables/documents.jsonl` has no documents entry.
    #[error("`{tables_entry}` lists table `{table}`, but the export has no `{entry}`: an export writes one for every table (empty when the table is), so this ZIP was damaged or edited by hand, and `npx convex import --replace-all` of it would delete that table's rows; export again, or add the entry (an empty file for an empty table)")]
    MissingTableEntry {
        /// The `_tables` entry.
        tables_entry: String,
        /// The table's name.
        table: String,
        /// The missing documents entry.
        entry: String,
    },
    /// An entry's name differs between the central directory and its local header.
    #[error("entry `{entry}`: the ZIP's directory and the entry's own header name it differently (`{local}`): the ZIP is damaged; export it again")]
    LocalNameMismatch {
        /// The name in the central directory.
        entry: String,
        /// The name in the local header.
        local: String,
    },
    /// Something other than a regular file is at the output path.
    #[error("{}: is {what}", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What is there, and what to do.
        what: &'static str,
    },
    /// The output exists and `force` was not given.
    #[error("{}: already exists; pass --force to replace it", path.display())]
    DestinationExists {
        /// The path.
        path: PathBuf,
    },
}

fn method_name(method: u16) -> &'static str {
    match method {
        9 => " (Deflate64)",
        12 => " (bzip2)",
        14 => " (LZMA)",
        93 => " (Zstandard)",
        95 => " (XZ)",
        99 => " (AES encryption)",
        _ => "",
    }
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        return "none".to_owned();
    }
    names
        .iter()
        .map(|n| {
            if n.is_empty() {
                "(app)".to_owned()
            } else {
                format!("`{n}`")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
