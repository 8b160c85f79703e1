//! Reading a snapshot export ZIP: its components, their tables, and the rows
//! of a table, streamed.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde_json::Value;
use zip::read::ZipFile;
use zip::ZipArchive;

use super::error::SnapshotError;
use super::id::TableNumber;
use super::jsonl::{self, Document};

/// Bounds on what [`Snapshot::open_with_limits`] accepts, so a damaged or
/// hostile ZIP fails with a message instead of exhausting memory or disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest line of a `documents.jsonl`, in bytes. Convex documents are at
    /// most 1 MiB, but escaping can make their JSON longer. Default 16 MiB.
    pub max_line_bytes: usize,
    /// Largest unpacked entry, in bytes, as declared in the ZIP's directory
    /// and as actually read. Default 64 GiB.
    pub max_entry_bytes: u64,
    /// Largest sum of the declared unpacked sizes of all entries, in bytes.
    /// Default 256 GiB.
    pub max_total_bytes: u64,
    /// Most entries in the ZIP. The reader keeps a small record per entry in
    /// memory (about 200 bytes). Default 10,000,000.
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line_bytes: 16 << 20,
            max_entry_bytes: 64 << 30,
            max_total_bytes: 256 << 30,
            max_entries: 10_000_000,
        }
    }
}

/// Most tables one `_tables/documents.jsonl` may list. Convex allows 10,000
/// tables in a deployment; this bounds the memory a hostile list can take.
pub const MAX_TABLES: usize = 100_000;

/// Largest `_tables/documents.jsonl`, in bytes: a list of [`MAX_TABLES`]
/// tables is a few MiB.
pub const MAX_TABLES_ENTRY_BYTES: u64 = 64 << 20;

/// A user table of a component: its name and the number its `_id`s carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The table name, e.g. `user`.
    pub name: String,
    /// Its number in this component.
    pub number: TableNumber,
}

/// The app itself or one mounted component, with the tables its
/// `_tables/documents.jsonl` lists.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # use bascrypt::convex::{fixture, Snapshot};
/// # let dir = tempfile::tempdir()?;
/// # let zip = dir.path().join("snapshot.zip");
/// # fixture::zip_directory("tests/fixtures/sample-export".as_ref(), &zip)?;
/// let snapshot = Snapshot::open(&zip)?;
/// let auth = snapshot.component("betterAuth")?;
/// assert_eq!(auth.prefix(), "_components/betterAuth/");
/// assert_eq!(auth.table("user").unwrap().number.get(), 10001);
/// assert_eq!(auth.next_table_number().get(), 10006);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    name: String,
    prefix: String,
    tables: Vec<Table>,
    /// The exact `_tables` lines' style, so an appended line looks like its
    /// neighbours.
    pub(crate) tables_entry: String,
}

impl Component {
    /// The mount path: `""` for the app itself, `betterAuth`, or `a/b` for a
    /// component `b` mounted inside component `a`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The entry-name prefix: `""`, `_components/betterAuth/`,
    /// `_components/a/_components/b/`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The tables listed in `_tables/documents.jsonl`, in file order.
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// The table called `name`, if listed.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The table numbered `number`, if listed.
    pub fn table_by_number(&self, number: TableNumber) -> Option<&Table> {
        self.tables.iter().find(|t| t.number == number)
    }

    /// The entry holding `table`'s rows: `<prefix><table>/documents.jsonl`.
    pub fn documents_entry(&self, table: &str) -> String {
        format!("{}{}/documents.jsonl", self.prefix, table)
    }

    /// The number a new table would get: one more than the largest in this
    /// component, and at least 10001 as Convex numbers user tables.
    pub fn next_table_number(&self) -> TableNumber {
        let max = self
            .tables
            .iter()
            .map(|t| t.number.get())
            .max()
            .unwrap_or(0);
        let next = max
            .saturating_add(1)
            .max(TableNumber::FIRST_USER_TABLE.get());
        TableNumber::new(next).unwrap_or(TableNumber::FIRST_USER_TABLE)
    }

    pub(crate) fn push_table(&mut self, table: Table) {
        self.tables.push(table);
    }
}

/// One line of a `documents.jsonl`: its number, its exact bytes and the parsed
/// document.
#[derive(Debug, Clone)]
pub struct Row {
    /// Line number in the entry, from 1.
    pub line: u64,
    /// The line's bytes, without the `\n`.
    pub raw: Vec<u8>,
    /// The parsed object.
    pub document: Document,
}

impl Row {
    /// The document's `_id`, if it has a string one.
    pub fn id(&self) -> Option<&str> {
        self.document.get("_id").and_then(Value::as_str)
    }

    /// Field `name` as a string, if it is one.
    pub fn str_field(&self, name: &str) -> Option<&str> {
        self.document.get(name).and_then(Value::as_str)
    }
}

/// An opened `npx convex export` ZIP.
///
/// Opening reads only the ZIP's directory and each component's
/// `_tables/documents.jsonl`; table rows are streamed on demand by
/// [`Snapshot::rows`], so memory does not grow with the export's size.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use bascrypt::convex::{fixture, Snapshot};
///
/// // The sample export kept in the repository, zipped as `npx convex export` would.
/// let dir = tempfile::tempdir()?;
/// let zip = dir.path().join("snapshot.zip");
/// fixture::zip_directory("tests/fixtures/sample-export".as_ref(), &zip)?;
///
/// let mut snapshot = Snapshot::open(&zip)?;
/// let mut emails = Vec::new();
/// for row in snapshot.rows("betterAuth", "user")? {
///     let row = row?; // a bad line comes back as an error naming entry and line
///     emails.push(row.str_field("email").unwrap_or_default().to_owned());
/// }
/// assert!(emails.contains(&"alice@example.com".to_owned()));
/// # Ok(()) }
/// ```
pub struct Snapshot {
    path: PathBuf,
    archive: ZipArchive<BufReader<File>>,
    components: Vec<Component>,
    limits: Limits,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("path", &self.path)
            .field("entries", &self.archive.len())
            .field("components", &self.components)
            .finish()
    }
}

impl Snapshot {
    /// Opens an export with the default [`Limits`].
    ///
    /// Fails when the file is not a ZIP, an entry name is unsafe or repeated,
    /// a limit is exceeded, the top-level `_tables/documents.jsonl` is missing,
    /// or a `_tables` list is malformed.
    pub fn open(path: &Path) -> Result<Self, SnapshotError> {
        Self::open_with_limits(path, Limits::default())
    }

    /// Opens an export with explicit [`Limits`].
    pub fn open_with_limits(path: &Path, limits: Limits) -> Result<Self, SnapshotError> {
        let io_err = |source| SnapshotError::Io {
            path: path.to_owned(),
            source,
        };
        // Opening a named pipe would block until something writes to it, and
        // a ZIP must be seekable anyway (its directory is at the end).
        let kind = std::fs::metadata(path).map_err(io_err)?.file_type();
        if !kind.is_file() {
            let what = if kind.is_dir() {
                "a directory (to zip an unpacked export, use `bascrypt snapshot pack`)"
            } else {
                "a pipe, socket or device, not a file (a ZIP is read from its end, so it must be a file on disk: save it first)"
            };
            return Err(io_err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("this is {what}"),
            )));
        }
        let mut file = File::open(path).map_err(io_err)?;
        // Counted before the ZIP reader builds its index, so a huge directory
        // fails early, and compared after, because that index silently keeps
        // only one of two entries with the same name.
        let listed = central_directory_entry_count(&mut file).map_err(io_err)?;
        if let Some(count) = listed {
            if count > limits.max_entries as u64 {
                return Err(SnapshotError::TooManyEntries {
                    count,
                    max: limits.max_entries,
                });
            }
        }
        file.seek(SeekFrom::Start(0)).map_err(io_err)?;
        let archive =
            ZipArchive::new(BufReader::new(file)).map_err(|source| SnapshotError::Zip {
                path: path.to_owned(),
                source,
            })?;
        if let Some(listed) = listed {
            if listed != archive.len() as u64 {
                return Err(SnapshotError::DuplicateEntries {
                    listed,
                    distinct: archive.len(),
                });
            }
        }
        let mut snapshot = Snapshot {
            path: path.to_owned(),
            archive,
            components: Vec::new(),
            limits,
        };
        snapshot.scan_entries()?;
        Ok(snapshot)
    }

    fn scan_entries(&mut self) -> Result<(), SnapshotError> {
        let mut tables_entries = Vec::new();
        let mut local_headers = Vec::new();
        let mut total: u64 = 0;
        for index in 0..self.archive.len() {
            let file = self
                .archive
                .by_index_raw(index)
                .map_err(|source| SnapshotError::Zip {
                    path: self.path.clone(),
                    source,
                })?;
            let name = file.name().to_owned();
            local_headers.push((file.header_start(), file.name_raw().to_vec()));
            if !is_safe_entry_name(&name) {
                return Err(SnapshotError::UnsafeEntryName { entry: name });
            }
            if file.size() > self.limits.max_entry_bytes {
                return Err(SnapshotError::EntryTooLarge {
                    entry: name,
                    max: self.limits.max_entry_bytes,
                });
            }
            total = total.saturating_add(file.size());
            if total > self.limits.max_total_bytes {
                return Err(SnapshotError::TotalTooLarge {
                    max: self.limits.max_total_bytes,
                });
            }
            // Refused up front rather than when the entry is read: an edited
            // copy would otherwise carry an entry `npx convex import` cannot read.
            if file.encrypted() {
                return Err(SnapshotError::EncryptedEntry { entry: name });
            }
            let method = file.compression();
            if !matches!(
                method,
                zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated
            ) {
                // The number is what `zipinfo` shows; the name is only known
                // for the methods this build of the zip crate has.
                #[allow(deprecated)]
                let number = method.to_u16();
                return Err(SnapshotError::UnsupportedCompression {
                    entry: name,
                    method: number,
                });
            }
            if let Some(prefix) = name.strip_suffix("_tables/documents.jsonl") {
                if let Some(component) = component_name(prefix) {
                    // The list is read whole when a table is added to it.
                    if file.size() > MAX_TABLES_ENTRY_BYTES {
                        return Err(SnapshotError::EntryTooLarge {
                            entry: name,
                            max: MAX_TABLES_ENTRY_BYTES,
                        });
                    }
                    tables_entries.push((component, prefix.to_owned(), name));
                }
            }
        }
        if !tables_entries
            .iter()
            .any(|(_, prefix, _)| prefix.is_empty())
        {
            let hint = self
                .archive
                .file_names()
                .find_map(|n| n.strip_suffix("/_tables/documents.jsonl"))
                .map(|folder| {
                    format!(
                        " (it is under `{folder}/`: zip the folder's contents, not the folder, or use the ZIP from `npx convex export` directly)"
                    )
                })
                .unwrap_or_default();
            return Err(SnapshotError::NotAnExport {
                path: self.path.clone(),
                hint,
            });
        }
        self.check_local_names(&local_headers)?;
        tables_entries.sort();
        for (name, prefix, entry) in tables_entries {
            let tables = self.read_tables_list(&entry)?;
            // An export writes a documents entry for every listed table (0
            // bytes when empty). Without it, `import --replace-all` would
            // delete that table's rows: the ZIP was damaged or hand-edited.
            if let Some(table) = tables.iter().find(|t| {
                self.archive
                    .index_for_name(&format!("{prefix}{}/documents.jsonl", t.name))
                    .is_none()
            }) {
                return Err(SnapshotError::MissingTableEntry {
                    tables_entry: entry,
                    table: table.name.clone(),
                    entry: format!("{prefix}{}/documents.jsonl", table.name),
                });
            }
            self.components.push(Component {
                name,
                prefix,
                tables,
                tables_entry: entry,
            });
        }
        Ok(())
    }

    /// Each entry's name in the central directory (what the ZIP reader
    /// indexes) must be the one in its local header (what unzip tools and
    /// the importer may read): a difference means a damaged directory, which
    /// would otherwise make a table silently vanish.
    fn check_local_names(&self, headers: &[(u64, Vec<u8>)]) -> Result<(), SnapshotError> {
        let io_err = |source| SnapshotError::Io {
            path: self.path.clone(),
            source,
        };
        let mut file = BufReader::new(File::open(&self.path).map_err(io_err)?);
        let mut fixed = [0u8; 30];
        let mut local = Vec::new();
        for (start, central) in headers {
            file.seek(SeekFrom::Start(*start)).map_err(io_err)?;
            file.read_exact(&mut fixed).map_err(io_err)?;
            let name_len = usize::from(u16::from_le_bytes([fixed[26], fixed[27]]));
            local.resize(name_len, 0);
            file.read_exact(&mut local).map_err(io_err)?;
            if fixed[..4] != [0x50, 0x4b, 0x03, 0x04] || local != *central {
                return Err(SnapshotError::LocalNameMismatch {
                    entry: String::from_utf8_lossy(central).into_owned(),
                    local: String::from_utf8_lossy(&local).into_owned(),
                });
            }
        }
        Ok(())
    }

    fn read_tables_list(&mut self, entry: &str) -> Result<Vec<Table>, SnapshotError> {
        let mut tables: Vec<Table> = Vec::new();
        // Indexed by name and number: a linear search per line would make a
        // long hostile list quadratic.
        let mut by_number: HashMap<TableNumber, usize> = HashMap::new();
        let mut names: HashSet<String> = HashSet::new();
        for row in self.rows_of_entry(entry)? {
            let row = row?;
            let problem = |problem: String| SnapshotError::TablesList {
                entry: entry.to_owned(),
                line: row.line,
                problem,
            };
            let name = row
                .str_field("name")
                .ok_or_else(|| problem("no string `name`".to_owned()))?
                .to_owned();
            let number = row
                .document
                .get("id")
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .and_then(|n| TableNumber::new(n).ok())
                .ok_or_else(|| problem(format!("table `{name}` has no valid numeric `id`")))?;
            if let Some(&other) = by_number.get(&number) {
                return Err(problem(format!(
                    "tables `{}` and `{name}` both have number {number}; the import would fail",
                    tables[other].name
                )));
            }
            if !names.insert(name.clone()) {
                return Err(problem(format!("table `{name}` is listed twice")));
            }
            if tables.len() >= MAX_TABLES {
                return Err(problem(format!(
                    "more than {MAX_TABLES} tables in one component; Convex allows far fewer, so this is not an export's table list"
                )));
            }
            by_number.insert(number, tables.len());
            tables.push(Table { name, number });
        }
        Ok(tables)
    }

    /// The path this snapshot was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The app and every component, the app first.
    pub fn components(&self) -> &[Component] {
        &self.components
    }

    /// The component mounted at `name` (`""` for the app, `betterAuth`, `a/b`).
    pub fn component(&self, name: &str) -> Result<&Component, SnapshotError> {
        let name = name.trim_matches('/');
        self.components
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| SnapshotError::NoSuchComponent {
                name: name.to_owned(),
                available: self.components.iter().map(|c| c.name.clone()).collect(),
            })
    }

    /// The names of all entries, in ZIP order.
    pub fn entry_names(&self) -> impl Iterator<Item = &str> {
        self.archive.file_names()
    }

    /// Whether the ZIP has an entry called `name`.
    pub fn has_entry(&self, name: &str) -> bool {
        self.archive.index_for_name(name).is_some()
    }

    /// The limits this snapshot was opened with.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The uncompressed size the ZIP declares for `entry` (a hint for
    /// progress displays: reading checks it, so a lie ends the read), or
    /// `None` when there is no such entry.
    pub fn entry_size(&mut self, entry: &str) -> Option<u64> {
        let index = self.archive.index_for_name(entry)?;
        self.archive.by_index_raw(index).ok().map(|f| f.size())
    }

    /// Streams the rows of `table` in `component`, one line at a time.
    ///
    /// Fails with [`SnapshotError::NoSuchTable`] when the table has no
    /// `documents.jsonl` entry. Each item is a row or the error of that line
    /// (with entry name and line number); after an error, iteration may go on
    /// with the next line.
    pub fn rows(&mut self, component: &str, table: &str) -> Result<Rows<'_>, SnapshotError> {
        let component = self.component(component)?;
        let entry = component.documents_entry(table);
        if !self.has_entry(&entry) {
            return Err(SnapshotError::NoSuchTable {
                component: component.name.clone(),
                table: table.to_owned(),
            });
        }
        self.rows_of_entry(&entry)
    }

    pub(crate) fn rows_of_entry(&mut self, entry: &str) -> Result<Rows<'_>, SnapshotError> {
        let limits = self.limits;
        let index = self
            .archive
            .index_for_name(entry)
            .ok_or_else(|| SnapshotError::Entry {
                entry: entry.to_owned(),
                source: io::Error::new(io::ErrorKind::NotFound, "no such entry"),
            })?;
        let file = self
            .archive
            .by_index(index)
            .map_err(|e| SnapshotError::Entry {
                entry: entry.to_owned(),
                source: io::Error::other(e),
            })?;
        Ok(Rows::new(entry.to_owned(), file, limits))
    }

    pub(crate) fn archive_mut(&mut self) -> &mut ZipArchive<BufReader<File>> {
        &mut self.archive
    }

    pub(crate) fn components_mut(&mut self) -> &mut Vec<Component> {
        &mut self.components
    }
}

/// Line number, bytes without `\n`, and whether the `\n` was there.
pub(crate) type RawLine = (u64, Vec<u8>, bool);

/// The rows of one `documents.jsonl` entry, streamed; see [`Snapshot::rows`].
pub struct Rows<'a> {
    entry: String,
    reader: LineReader<ZipFile<'a, BufReader<File>>>,
    line: u64,
    done: bool,
}

impl<'a> Rows<'a> {
    fn new(entry: String, file: ZipFile<'a, BufReader<File>>, limits: Limits) -> Self {
        let declared = file.size();
        Rows {
            entry,
            reader: LineReader::new(file, limits).declared(declared),
            line: 0,
            done: false,
        }
    }

    /// The entry being read.
    pub fn entry(&self) -> &str {
        &self.entry
    }

    /// The next line's bytes, without parsing: `None` at the end.
    pub(crate) fn next_raw(&mut self) -> Option<Result<RawLine, SnapshotError>> {
        if self.done {
            return None;
        }
        self.line += 1;
        match self.reader.read_line() {
            Ok(None) => {
                self.done = true;
                None
            }
            Ok(Some((raw, newline))) => Some(Ok((self.line, raw, newline))),
            Err(ReadLineError::TooLong(max)) => {
                self.done = true;
                Some(Err(SnapshotError::LineTooLong {
                    entry: self.entry.clone(),
                    line: self.line,
                    max,
                }))
            }
            Err(ReadLineError::EntryTooLarge(max)) => {
                self.done = true;
                Some(Err(SnapshotError::EntryTooLarge {
                    entry: self.entry.clone(),
                    max,
                }))
            }
            Err(ReadLineError::LargerThanDeclared(declared)) => {
                self.done = true;
                Some(Err(SnapshotError::SizeMismatch {
                    entry: self.entry.clone(),
                    declared,
                }))
            }
            Err(ReadLineError::Io(source)) => {
                self.done = true;
                Some(Err(SnapshotError::Entry {
                    entry: self.entry.clone(),
                    source,
                }))
            }
        }
    }
}

impl Iterator for Rows<'_> {
    type Item = Result<Row, SnapshotError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (line, raw, _newline) = match self.next_raw()? {
            Ok(parts) => parts,
            Err(e) => return Some(Err(e)),
        };
        Some(match jsonl::parse_line(&raw) {
            Ok(document) => Ok(Row {
                line,
                raw,
                document,
            }),
            Err(source) => Err(SnapshotError::Line {
                entry: self.entry.clone(),
                line,
                source,
            }),
        })
    }
}

pub(crate) enum ReadLineError {
    TooLong(usize),
    EntryTooLarge(u64),
    LargerThanDeclared(u64),
    Io(io::Error),
}

/// Splits a stream into `\n`-terminated lines with a cap on line length and
/// total size, unlike `BufRead::read_until`, which grows without bound.
pub(crate) struct LineReader<R> {
    inner: BufReader<R>,
    limits: Limits,
    total: u64,
    declared: Option<u64>,
}

impl<R: Read> LineReader<R> {
    pub(crate) fn new(inner: R, limits: Limits) -> Self {
        LineReader {
            inner: BufReader::with_capacity(64 << 10, inner),
            limits,
            total: 0,
            declared: None,
        }
    }

    /// Also fail as soon as more than `size` bytes come out: the size the
    /// ZIP's directory declares, which a zip bomb understates.
    pub(crate) fn declared(mut self, size: u64) -> Self {
        self.declared = Some(size);
        self
    }

    /// The next line without its `\n`, and whether it had one.
    pub(crate) fn read_line(&mut self) -> Result<Option<(Vec<u8>, bool)>, ReadLineError> {
        let mut line = Vec::new();
        loop {
            let available = self.inner.fill_buf().map_err(ReadLineError::Io)?;
            if available.is_empty() {
                return Ok(if line.is_empty() {
                    None
                } else {
                    Some((line, false))
                });
            }
            let (take, found) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (i, true),
                None => (available.len(), false),
            };
            if line.len() + take > self.limits.max_line_bytes {
                return Err(ReadLineError::TooLong(self.limits.max_line_bytes));
            }
            line.extend_from_slice(&available[..take]);
            let consumed = take + usize::from(found);
            self.inner.consume(consumed);
            self.total += consumed as u64;
            // The declared size was checked on open, but the data may unpack
            // to more than it declares.
            if self.total > self.limits.max_entry_bytes {
                return Err(ReadLineError::EntryTooLarge(self.limits.max_entry_bytes));
            }
            if let Some(declared) = self.declared.filter(|&d| self.total > d) {
                return Err(ReadLineError::LargerThanDeclared(declared));
            }
            if found {
                return Ok(Some((line, true)));
            }
        }
    }
}

/// `""` → app, `_components/a/` → `a`, `_components/a/_components/b/` → `a/b`;
/// anything else is not a component prefix.
pub(crate) fn component_name(prefix: &str) -> Option<String> {
    let mut rest = prefix;
    let mut names = Vec::new();
    while !rest.is_empty() {
        let after = rest.strip_prefix("_components/")?;
        let (name, tail) = after.split_once('/')?;
        if name.is_empty() {
            return None;
        }
        names.push(name);
        rest = tail;
    }
    Some(names.join("/"))
}

/// Rejects names that could land outside a directory when unpacked, which no
/// export contains.
pub(crate) fn is_safe_entry_name(name: &str) -> bool {
    let unsafe_name = name.is_empty()
        || name.starts_with('/')
        || name.contains('\\')
        || name.contains('\0')
        || name.split('/').any(|part| part == "..")
        // A Windows drive letter (`C:`).
        || (name.len() >= 2 && name.as_bytes()[1] == b':');
    !unsafe_name
}

/// The entry count in the ZIP's end-of-central-directory record (or its ZIP64
/// version), or `None` if the record is not found (the ZIP reader will then
/// report the damage itself).
fn central_directory_entry_count(file: &mut File) -> io::Result<Option<u64>> {
    const EOCD: &[u8; 4] = b"PK\x05\x06";
    const LOCATOR: &[u8; 4] = b"PK\x06\x07";
    const EOCD64: &[u8; 4] = b"PK\x06\x06";
    let len = file.seek(SeekFrom::End(0))?;
    // The record is 22 bytes plus a comment of at most 65535 bytes.
    let tail_len = len.min(22 + 65_535);
    let tail_start = len - tail_len;
    file.seek(SeekFrom::Start(tail_start))?;
    let mut tail = vec![0u8; tail_len as usize];
    file.read_exact(&mut tail)?;
    let Some(pos) = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| &tail[i..i + 4] == EOCD)
    else {
        return Ok(None);
    };
    let count = u64::from(u16::from_le_bytes([tail[pos + 10], tail[pos + 11]]));
    if count != 0xFFFF {
        return Ok(Some(count));
    }
    // ZIP64: the locator sits just before the classic record.
    let locator_pos = tail_start + pos as u64;
    if locator_pos < 20 {
        return Ok(None);
    }
    let mut locator = [0u8; 20];
    file.seek(SeekFrom::Start(locator_pos - 20))?;
    file.read_exact(&mut locator)?;
    if &locator[..4] != LOCATOR {
        return Ok(None);
    }
    let mut offset = [0u8; 8];
    offset.copy_from_slice(&locator[8..16]);
    let mut record = [0u8; 40];
    file.seek(SeekFrom::Start(u64::from_le_bytes(offset)))?;
    if file.read_exact(&mut record).is_err() || &record[..4] != EOCD64 {
        return Ok(None);
    }
    let mut total = [0u8; 8];
    total.copy_from_slice(&record[32..40]);
    Ok(Some(u64::from_le_bytes(total)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_names() {
        assert_eq!(component_name("").as_deref(), Some(""));
        assert_eq!(
            component_name("_components/betterAuth/").as_deref(),
            Some("betterAuth")
        );
        assert_eq!(
            component_name("_components/a/_components/b/").as_deref(),
            Some("a/b")
        );
        assert_eq!(component_name("users/"), None);
        assert_eq!(component_name("_components//"), None);
    }

    #[test]
    fn unsafe_names() {
        for bad in ["/etc/passwd", "../x", "a/../../x", "a\\b", "C:x", ""] {
            assert!(!is_safe_entry_name(bad), "{bad}");
        }
        assert!(is_safe_entry_name(
            "_components/betterAuth/user/documents.jsonl"
        ));
    }

    #[test]
    fn line_reader_limits() {
        let limits = Limits {
            max_line_bytes: 4,
            ..Limits::default()
        };
        let mut r = LineReader::new(&b"abcd\nab"[..], limits);
        assert_eq!(r.read_line().ok().flatten(), Some((b"abcd".to_vec(), true)));
        assert_eq!(r.read_line().ok().flatten(), Some((b"ab".to_vec(), false)));
        assert!(r.read_line().ok().flatten().is_none());
        let mut r = LineReader::new(&b"abcde\n"[..], limits);
        assert!(matches!(r.read_line(), Err(ReadLineError::TooLong(4))));
    }
}
