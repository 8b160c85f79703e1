//! Writing an edited copy of a snapshot: untouched entries are copied as
//! compressed bytes, edited tables are streamed line by line.

use std::io::{self, BufWriter, Read, Seek, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::error::SnapshotError;
use super::id::{ConvexId, TableNumber};
use super::jsonl::{self, Document};
use super::output::write_atomically;
use super::snapshot::{Component, Row, Snapshot, Table};

/// What to do with one existing row of an edited table.
#[derive(Debug, Clone, PartialEq)]
pub enum LineAction {
    /// Keep the line exactly as it is, byte for byte.
    Keep,
    /// Write this document instead (encoded per [`jsonl::write_document`]).
    Replace(Document),
    /// Leave the row out.
    Drop,
}

/// The error a row editor may return to stop the write; it is reported with
/// the entry name and line number.
pub type RowEditorError = Box<dyn std::error::Error + Send + Sync>;

type RowEditor<'a> = Box<dyn FnMut(&Row) -> Result<LineAction, RowEditorError> + 'a>;

/// Options for [`SnapshotEdit::write`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Replace an existing destination file (never the input itself).
    pub force: bool,
}

/// What happened to one table during a write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableChanges {
    /// Component mount path (`""` for the app).
    pub component: String,
    /// Table name.
    pub table: String,
    /// The table's number in its component.
    pub number: u32,
    /// Whether the table was added to the component's `_tables`.
    pub created: bool,
    /// Rows written unchanged.
    pub kept: u64,
    /// Rows replaced by the editor.
    pub replaced: u64,
    /// Rows dropped by the editor.
    pub dropped: u64,
    /// Rows appended.
    pub appended: u64,
}

/// The outcome of [`SnapshotEdit::write`]: one record per changed table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditSummary {
    /// Changed tables, in the order they were first named.
    pub tables: Vec<TableChanges>,
}

struct PendingTable<'a> {
    component: usize,
    table: String,
    number: TableNumber,
    /// Not listed in `_tables`: a line is appended there.
    created: bool,
    editor: Option<RowEditor<'a>>,
    appended: Vec<Document>,
}

/// A planned set of changes to a snapshot, written out as a new ZIP.
///
/// Every entry that is not edited is copied as its compressed bytes, with the
/// same name, order and CRC. In an edited table, rows the editor keeps stay
/// byte-identical. New and rewritten entries are Deflate-compressed with unix
/// mode 0644, as `npx convex export` writes them.
///
/// Costs: the edited tables are decompressed, streamed and recompressed;
/// memory holds only the current line and the rows to append.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use bascrypt::convex::{fixture, jsonl, ConvexId, LineAction, Snapshot, WriteOptions};
/// use serde_json::json;
/// # let dir = tempfile::tempdir()?;
/// # let input = dir.path().join("snapshot.zip");
/// # fixture::zip_directory("tests/fixtures/sample-export".as_ref(), &input)?;
/// # let output = dir.path().join("out.zip");
///
/// let snapshot = Snapshot::open(&input)?;
/// let mut edit = snapshot.edit();
///
/// // A new table gets the next free number; rows carry it in their `_id`.
/// let number = edit.ensure_table("", "auditLog")?;
/// let mut doc = jsonl::Document::new();
/// doc.insert("_id".into(), json!(ConvexId::new(number, &mut rand::rng()).to_string()));
/// doc.insert("_creationTime".into(), jsonl::now_creation_time());
/// doc.insert("event".into(), json!("admin created"));
/// edit.append("", "auditLog", doc)?;
///
/// // Sign everyone out: drop every session row.
/// edit.edit_rows("betterAuth", "session", |_row| Ok(LineAction::Drop))?;
///
/// let summary = edit.write(&output, WriteOptions::default())?;
/// assert_eq!(summary.tables[1].dropped, 2);
/// # Ok(()) }
/// ```
pub struct SnapshotEdit<'a> {
    snapshot: Snapshot,
    pending: Vec<PendingTable<'a>>,
    compression_level: u8,
}

impl Snapshot {
    /// Starts planning changes to this snapshot; nothing is written until
    /// [`SnapshotEdit::write`].
    pub fn edit<'a>(self) -> SnapshotEdit<'a> {
        SnapshotEdit {
            snapshot: self,
            pending: Vec::new(),
            compression_level: DEFAULT_LEVEL,
        }
    }
}

/// Convex table names: a letter, then letters, digits or `_`, at most 64
/// characters. Names starting with `_` are system tables.
fn is_valid_table_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 64
}

impl<'a> SnapshotEdit<'a> {
    /// Sets the Deflate level (0–9) of the entries that are rewritten.
    ///
    /// The default is 1: on a million-user export, adding a user took 9 s at
    /// level 1 against 50 s at level 6, for a ZIP 11% larger (156 vs 141 MB).
    /// The importer reads any level; untouched entries keep their bytes.
    pub fn set_compression_level(&mut self, level: u8) {
        self.compression_level = level.min(9);
    }

    /// The snapshot being edited, e.g. to look up table numbers.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    fn component_index(&self, component: &str) -> Result<usize, SnapshotError> {
        let wanted = self.snapshot.component(component)?.name().to_owned();
        Ok(self
            .snapshot
            .components()
            .iter()
            .position(|c| c.name() == wanted)
            .unwrap_or(0))
    }

    fn pending_index(&mut self, component: &str, table: &str) -> Result<usize, SnapshotError> {
        let ci = self.component_index(component)?;
        if let Some(i) = self
            .pending
            .iter()
            .position(|p| p.component == ci && p.table == table)
        {
            return Ok(i);
        }
        let c = &self.snapshot.components()[ci];
        let number = c
            .table(table)
            .ok_or_else(|| SnapshotError::NoSuchTable {
                component: c.name().to_owned(),
                table: table.to_owned(),
            })?
            .number;
        self.pending.push(PendingTable {
            component: ci,
            table: table.to_owned(),
            number,
            created: false,
            editor: None,
            appended: Vec::new(),
        });
        Ok(self.pending.len() - 1)
    }

    /// The number of `table` in `component`, adding the table if the component
    /// does not have it yet.
    ///
    /// A new table gets one more than the largest number in the component (at
    /// least 10001), a line in `_tables/documents.jsonl`, and
    /// `documents.jsonl` + `generated_schema.jsonl` entries when written.
    /// Use the number for the new rows' `_id`s.
    pub fn ensure_table(
        &mut self,
        component: &str,
        table: &str,
    ) -> Result<TableNumber, SnapshotError> {
        let ci = self.component_index(component)?;
        let c = &self.snapshot.components()[ci];
        if let Some(t) = c.table(table) {
            return Ok(t.number);
        }
        if !is_valid_table_name(table) {
            return Err(SnapshotError::InvalidTableName {
                table: table.to_owned(),
            });
        }
        let entry = c.documents_entry(table);
        if self.snapshot.has_entry(&entry) {
            return Err(SnapshotError::InvalidEdit(format!(
                "`{entry}` exists but `{table}` is not listed in `{}`; the import would number it from its first row's `_id`, so fix the listing first",
                c.tables_entry
            )));
        }
        let number = c.next_table_number();
        self.snapshot.components_mut()[ci].push_table(Table {
            name: table.to_owned(),
            number,
        });
        self.pending.push(PendingTable {
            component: ci,
            table: table.to_owned(),
            number,
            created: true,
            editor: None,
            appended: Vec::new(),
        });
        Ok(number)
    }

    /// Runs `editor` on every existing row of `table` when the snapshot is
    /// written, keeping, replacing or dropping each.
    ///
    /// The editor sees rows in file order; an error it returns aborts the
    /// write, reported with the entry and line. One editor per table.
    pub fn edit_rows<F>(
        &mut self,
        component: &str,
        table: &str,
        editor: F,
    ) -> Result<(), SnapshotError>
    where
        F: FnMut(&Row) -> Result<LineAction, RowEditorError> + 'a,
    {
        let i = self.pending_index(component, table)?;
        if self.pending[i].editor.is_some() {
            return Err(SnapshotError::InvalidEdit(format!(
                "table `{table}` already has a row editor; combine the edits into one"
            )));
        }
        self.pending[i].editor = Some(Box::new(editor));
        Ok(())
    }

    /// Appends `document` at the end of `table` when written.
    ///
    /// Checks what the import would refuse: an `_id` must be a valid Convex ID
    /// of this table's number, `_creationTime` a float, and no other top-level
    /// field may start with `_`. Uniqueness of `_id`s is the caller's job
    /// ([`ConvexId::new`] makes collisions negligible).
    pub fn append(
        &mut self,
        component: &str,
        table: &str,
        document: Document,
    ) -> Result<(), SnapshotError> {
        let i = self.pending_index(component, table)?;
        let number = self.pending[i].number;
        check_new_document(&document, table, number)?;
        self.pending[i].appended.push(document);
        Ok(())
    }

    /// Writes the edited snapshot to `dest` through a temporary file beside it
    /// (mode 0600), renamed into place once complete.
    ///
    /// Refuses when `dest` is the input (or a link to it), or exists and
    /// `options.force` is off. On error nothing is left at `dest`.
    pub fn write(self, dest: &Path, options: WriteOptions) -> Result<EditSummary, SnapshotError> {
        let input = self.snapshot.path().to_owned();
        write_atomically(dest, Some(&input), options.force, |file| {
            let out = self.write_zip(BufWriter::with_capacity(1 << 20, file))?;
            let (writer, summary) = out;
            writer.into_inner().map_err(|e| SnapshotError::Io {
                path: dest.to_owned(),
                source: e.into_error(),
            })?;
            Ok(summary)
        })
    }

    /// Runs every edit as [`SnapshotEdit::write`] would (editors, checks,
    /// counts) but writes nothing: for `--dry-run`. Costs the same time as a
    /// write, and no disk.
    pub fn dry_run(self) -> Result<EditSummary, SnapshotError> {
        self.write_into(Discard::default())
    }

    /// Writes the edited snapshot into any seekable writer (a `Cursor`, a file
    /// you manage yourself), flushing it at the end.
    pub fn write_into<W: Write + Seek>(self, out: W) -> Result<EditSummary, SnapshotError> {
        let (mut out, summary) = self.write_zip(out)?;
        out.flush().map_err(|source| SnapshotError::Entry {
            entry: "(end of ZIP)".to_owned(),
            source,
        })?;
        Ok(summary)
    }

    fn write_zip<W: Write + Seek>(mut self, out: W) -> Result<(W, EditSummary), SnapshotError> {
        let components: Vec<Component> = self.snapshot.components().to_vec();
        let names: Vec<String> = self.snapshot.entry_names().map(str::to_owned).collect();
        let mut summary = EditSummary {
            tables: self
                .pending
                .iter()
                .map(|p| TableChanges {
                    component: components[p.component].name().to_owned(),
                    table: p.table.clone(),
                    number: p.number.get(),
                    created: p.created,
                    ..TableChanges::default()
                })
                .collect(),
        };

        // Where each table without a documents entry gets written: after the
        // component's last own table entry, keeping components together.
        let mut anchors: Vec<(usize, usize)> = Vec::new();
        for (pi, p) in self.pending.iter().enumerate() {
            let c = &components[p.component];
            if names.contains(&c.documents_entry(&p.table)) {
                continue;
            }
            let own = names.iter().rposition(|n| {
                n.strip_prefix(c.prefix())
                    .is_some_and(|rest| !rest.starts_with('_') && rest.split('/').nth(1).is_some())
            });
            let anchor = own
                .or_else(|| names.iter().position(|n| *n == c.tables_entry))
                .unwrap_or(names.len().saturating_sub(1));
            anchors.push((anchor, pi));
        }

        let mut zip = ZipWriter::new(out);
        for (index, name) in names.iter().enumerate() {
            let created_here: Vec<usize> = self
                .pending
                .iter()
                .enumerate()
                .filter(|(_, p)| p.created && components[p.component].tables_entry == *name)
                .map(|(i, _)| i)
                .collect();
            let edited = self
                .pending
                .iter()
                .position(|p| components[p.component].documents_entry(&p.table) == *name);

            if !created_here.is_empty() {
                let new_tables: Vec<(String, TableNumber)> = created_here
                    .iter()
                    .map(|&i| (self.pending[i].table.clone(), self.pending[i].number))
                    .collect();
                self.rewrite_tables_list(&mut zip, index, name, &new_tables)?;
            } else if let Some(pi) = edited {
                let changes = self.stream_table(&mut zip, index, name, pi)?;
                merge(&mut summary.tables[pi], changes);
            } else {
                // Copied as compressed bytes, so nothing would notice damage:
                // inflate it once (the reader checks the CRC at the end) so a
                // corrupt input entry is never handed on as a good export.
                let mut check = self
                    .snapshot
                    .archive_mut()
                    .by_index(index)
                    .map_err(|e| zip_error(name, e))?;
                let declared = check.size();
                let unpacked = io::copy(&mut check, &mut io::sink()).map_err(|e| {
                    entry_error(
                        name,
                        io::Error::new(
                            e.kind(),
                            format!("damaged in the input ZIP ({e}); re-export it with `npx convex export`"),
                        ),
                    )
                })?;
                drop(check);
                // The CRC covers the data, not the size the directory
                // declares; a copy with a wrong size fails in other readers.
                if unpacked > declared {
                    return Err(SnapshotError::SizeMismatch {
                        entry: name.to_owned(),
                        declared,
                    });
                }
                if unpacked < declared {
                    return Err(entry_error(
                        name,
                        io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!("unpacks to {unpacked} bytes, not the {declared} the ZIP's directory declares: the ZIP is damaged; re-export it with `npx convex export`"),
                        ),
                    ));
                }
                let file = self
                    .snapshot
                    .archive_mut()
                    .by_index_raw(index)
                    .map_err(|e| zip_error(name, e))?;
                zip.raw_copy_file(file).map_err(|e| zip_error(name, e))?;
            }

            for &(_, pi) in anchors.iter().filter(|(a, _)| *a == index) {
                let appended = self.write_new_table(&mut zip, &components, pi, &names)?;
                summary.tables[pi].appended += appended;
            }
        }
        let out = zip
            .finish()
            .map_err(|e| zip_error("(central directory)", e))?;
        Ok((out, summary))
    }

    fn new_entry_options(
        &mut self,
        index: usize,
        name: &str,
    ) -> Result<SimpleFileOptions, SnapshotError> {
        let source = self
            .snapshot
            .archive_mut()
            .by_index_raw(index)
            .map_err(|e| zip_error(name, e))?;
        // ZIP64 headers are needed above 4 GiB; decide from the source's size
        // with room for what an edit can add.
        let large = source.size() > (3 << 30);
        Ok(SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(i64::from(self.compression_level)))
            .unix_permissions(0o644)
            .large_file(large)
            .last_modified_time(source.last_modified().unwrap_or_default()))
    }

    fn rewrite_tables_list<W: Write + Seek>(
        &mut self,
        zip: &mut ZipWriter<W>,
        index: usize,
        name: &str,
        new_tables: &[(String, TableNumber)],
    ) -> Result<(), SnapshotError> {
        let options = self.new_entry_options(index, name)?;
        let mut existing = Vec::new();
        self.snapshot
            .archive_mut()
            .by_index(index)
            .map_err(|e| zip_error(name, e))?
            .read_to_end(&mut existing)
            .map_err(|source| entry_error(name, source))?;
        zip.start_file(name, options)
            .map_err(|e| zip_error(name, e))?;
        let mut out = existing;
        if !out.is_empty() && !out.ends_with(b"\n") {
            out.push(b'\n');
        }
        // Convex writes these lines name first (its serde_json keeps insertion
        // order), unlike documents; follow whatever the file already does.
        let id_first = out.starts_with(b"{\"id\"");
        for (table, number) in new_tables {
            let table = serde_json::to_string(table).unwrap_or_default();
            let line = if id_first {
                format!("{{\"id\":{number},\"name\":{table}}}\n")
            } else {
                format!("{{\"name\":{table},\"id\":{number}}}\n")
            };
            out.extend_from_slice(line.as_bytes());
        }
        zip.write_all(&out)
            .map_err(|source| entry_error(name, source))
    }

    fn stream_table<W: Write + Seek>(
        &mut self,
        zip: &mut ZipWriter<W>,
        index: usize,
        name: &str,
        pi: usize,
    ) -> Result<TableChanges, SnapshotError> {
        let options = self.new_entry_options(index, name)?;
        zip.start_file(name, options)
            .map_err(|e| zip_error(name, e))?;
        // Lines are small; batching them spares the compressor a call per line.
        let mut sink = BufWriter::with_capacity(256 << 10, &mut *zip);
        let mut changes = TableChanges::default();
        let pending = &mut self.pending[pi];
        let mut rows = self.snapshot.rows_of_entry(name)?;
        let mut ends_with_newline = true;
        let mut encoded = Vec::with_capacity(1024);
        while let Some(next) = rows.next_raw() {
            let (line, raw, newline) = next?;
            let (raw, action) = match pending.editor.as_mut() {
                None => (raw, LineAction::Keep),
                Some(editor) => {
                    let document =
                        jsonl::parse_line(&raw).map_err(|source| SnapshotError::Line {
                            entry: name.to_owned(),
                            line,
                            source,
                        })?;
                    let row = Row {
                        line,
                        raw,
                        document,
                    };
                    let action = editor(&row).map_err(|source| SnapshotError::Edit {
                        entry: name.to_owned(),
                        line,
                        source,
                    })?;
                    (row.raw, action)
                }
            };
            match action {
                LineAction::Keep => {
                    write_line(&mut sink, name, &raw, newline)?;
                    changes.kept += 1;
                    ends_with_newline = newline;
                }
                LineAction::Replace(document) => {
                    check_new_document(&document, &pending.table, pending.number)?;
                    encoded.clear();
                    let _ = jsonl::write_document(&mut encoded, &document);
                    sink.write_all(&encoded)
                        .map_err(|source| entry_error(name, source))?;
                    changes.replaced += 1;
                    ends_with_newline = true;
                }
                LineAction::Drop => changes.dropped += 1,
            }
        }
        // Each table is streamed once: free what its editor holds (a set of
        // every `_id`, say) before the next table's is built up.
        pending.editor = None;
        if !pending.appended.is_empty() && !ends_with_newline {
            sink.write_all(b"\n")
                .map_err(|source| entry_error(name, source))?;
        }
        for document in pending.appended.drain(..) {
            encoded.clear();
            let _ = jsonl::write_document(&mut encoded, &document);
            sink.write_all(&encoded)
                .map_err(|source| entry_error(name, source))?;
            changes.appended += 1;
        }
        sink.into_inner()
            .map_err(|e| entry_error(name, e.into_error()))?;
        Ok(changes)
    }

    fn write_new_table<W: Write + Seek>(
        &mut self,
        zip: &mut ZipWriter<W>,
        components: &[Component],
        pi: usize,
        names: &[String],
    ) -> Result<u64, SnapshotError> {
        let c = &components[self.pending[pi].component];
        let tables_index = names.iter().position(|n| *n == c.tables_entry).unwrap_or(0);
        let options = self.new_entry_options(tables_index, &c.tables_entry)?;
        let entry = c.documents_entry(&self.pending[pi].table);
        zip.start_file(entry.as_str(), options)
            .map_err(|e| zip_error(&entry, e))?;
        let mut count = 0;
        let mut encoded = Vec::with_capacity(1024);
        for document in self.pending[pi].appended.drain(..) {
            encoded.clear();
            let _ = jsonl::write_document(&mut encoded, &document);
            zip.write_all(&encoded)
                .map_err(|source| entry_error(&entry, source))?;
            count += 1;
        }
        let schema = format!(
            "{}{}/generated_schema.jsonl",
            c.prefix(),
            self.pending[pi].table
        );
        if !names.contains(&schema) {
            zip.start_file(schema.as_str(), options)
                .map_err(|e| zip_error(&schema, e))?;
            zip.write_all(GENERATED_SCHEMA)
                .map_err(|source| entry_error(&schema, source))?;
        }
        Ok(count)
    }
}

/// Fast Deflate: rewriting big tables dominates an edit's time, and the
/// importer does not care how well they are compressed.
const DEFAULT_LEVEL: u8 = 1;

/// A writer that keeps only its length and position, so the ZIP writer can
/// seek back to patch headers while nothing is stored.
#[derive(Default)]
struct Discard {
    position: u64,
    len: u64,
}

impl Write for Discard {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.position += buf.len() as u64;
        self.len = self.len.max(self.position);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Seek for Discard {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        let target = match to {
            io::SeekFrom::Start(n) => Some(n),
            io::SeekFrom::End(d) => self.len.checked_add_signed(d),
            io::SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        self.position = target.ok_or_else(|| io::Error::other("seek before start"))?;
        Ok(self.position)
    }
}

/// The `generated_schema.jsonl` current exports write for every table.
pub const GENERATED_SCHEMA: &[u8] = b"\"uniform\"\n";

fn write_line<W: Write>(
    zip: &mut W,
    name: &str,
    raw: &[u8],
    newline: bool,
) -> Result<(), SnapshotError> {
    zip.write_all(raw)
        .map_err(|source| entry_error(name, source))?;
    if newline {
        zip.write_all(b"\n")
            .map_err(|source| entry_error(name, source))?;
    }
    Ok(())
}

fn merge(total: &mut TableChanges, part: TableChanges) {
    total.kept += part.kept;
    total.replaced += part.replaced;
    total.dropped += part.dropped;
    total.appended += part.appended;
}

fn entry_error(entry: &str, source: io::Error) -> SnapshotError {
    SnapshotError::Entry {
        entry: entry.to_owned(),
        source,
    }
}

fn zip_error(entry: &str, error: zip::result::ZipError) -> SnapshotError {
    let source = match error {
        zip::result::ZipError::Io(e) => e,
        other => io::Error::other(other),
    };
    entry_error(entry, source)
}

/// Convex's document size limit. Its own measure differs a little from the
/// JSON length, so this only catches the clearly oversized.
const MAX_DOCUMENT_BYTES: usize = 1 << 20;

/// What `npx convex import` would refuse in a document we are about to write.
fn check_new_document(
    document: &Document,
    table: &str,
    number: TableNumber,
) -> Result<(), SnapshotError> {
    let refuse = |why: String| {
        Err(SnapshotError::InvalidEdit(format!(
            "new `{table}` row: {why}"
        )))
    };
    if let Some(id) = document.get("_id") {
        let Some(text) = id.as_str() else {
            return refuse("`_id` must be a string".to_owned());
        };
        match text.parse::<ConvexId>() {
            Err(e) => return refuse(format!("`_id` {text:?} is invalid: {e}")),
            Ok(id) if id.table() != number => {
                return refuse(format!(
                    "`_id` {text} belongs to table number {}, but `{table}` is {number}",
                    id.table()
                ))
            }
            Ok(_) => {}
        }
    }
    if let Some(time) = document.get("_creationTime") {
        let ok = jsonl::is_float_number(time)
            && time
                .as_f64()
                .is_some_and(|t| t > 0.0 && t < 9_007_199_254_740_992.0);
        if !ok {
            return refuse(format!(
                "`_creationTime` must be a float in milliseconds with a fraction or `.0`, e.g. 1750222681271.0, not {time}"
            ));
        }
    }
    let size = jsonl::encode_document(document).len();
    if size > MAX_DOCUMENT_BYTES {
        return refuse(format!(
            "it is {size} bytes as JSON; Convex documents are at most 1 MiB"
        ));
    }
    if let Some(field) = document
        .keys()
        .find(|k| k.starts_with('_') && *k != "_id" && *k != "_creationTime")
    {
        return refuse(format!(
            "field `{field}` starts with `_`, which Convex reserves"
        ));
    }
    Ok(())
}
