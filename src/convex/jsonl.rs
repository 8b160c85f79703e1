//! The `documents.jsonl` line encoding of a Convex export: one JSON object a
//! line, keys sorted bytewise, floats always written with a fraction or exponent.

use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::{Map, Number, Value};

/// A parsed document: the JSON object of one line.
pub type Document = Map<String, Value>;

/// Objects and arrays nested deeper than this are refused when reading.
///
/// Convex allows 16 levels in a document; this reader is more lenient so it
/// never refuses a row Convex itself wrote, while still bounding recursion.
pub const MAX_READ_DEPTH: usize = 64;

/// Why one line of a `documents.jsonl` is not a document.
///
/// These carry no entry name or line number; [`crate::convex::SnapshotError`]
/// adds them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LineError {
    /// The line is empty; `npx convex import` fails on blank lines.
    #[error("blank line (the importer fails on it; delete the line)")]
    Blank,
    /// A UTF-8 byte-order mark at the start; the importer fails on it.
    #[error("starts with a UTF-8 byte-order mark (the importer fails on it; save without BOM)")]
    ByteOrderMark,
    /// The line ends in `\r` (CRLF line endings).
    #[error("ends in a carriage return (CRLF line ending; convert the file to LF endings)")]
    CarriageReturn,
    /// Not valid UTF-8.
    #[error("not valid UTF-8 at byte {offset}")]
    Utf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// Not valid JSON.
    #[error("not valid JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// Valid JSON, but not an object.
    #[error("is a JSON {found}, but every line must be one JSON object")]
    NotAnObject {
        /// What was found instead (`array`, `string`, ...).
        found: &'static str,
    },
    /// Nested deeper than [`MAX_READ_DEPTH`].
    #[error("nested more than {MAX_READ_DEPTH} levels deep (Convex allows 16)")]
    TooDeep,
}

/// Parses one line (without its `\n`) into a document.
///
/// Numbers keep their digits (serde_json's `arbitrary_precision`), so a parsed
/// and re-encoded `1750222681271.6697`, `1750222681271.0` or `-0.0` comes back
/// byte for byte. One exception: exponents are normalized to `e+`/`e-`
/// (`1e300` → `1e+300`, the same float to the importer). Lines an edit keeps
/// are copied raw, so this only touches rows an edit replaces.
///
/// ```
/// use bascrypt::convex::jsonl;
/// let doc = jsonl::parse_line(br#"{"_creationTime":1750222681271.0,"name":"Ada"}"#).unwrap();
/// assert_eq!(doc["name"], "Ada");
/// assert!(jsonl::parse_line(b"").is_err());
/// ```
pub fn parse_line(line: &[u8]) -> Result<Document, LineError> {
    if line.is_empty() {
        return Err(LineError::Blank);
    }
    if line.starts_with(b"\xEF\xBB\xBF") {
        return Err(LineError::ByteOrderMark);
    }
    if line.ends_with(b"\r") {
        return Err(LineError::CarriageReturn);
    }
    let text = std::str::from_utf8(line).map_err(|e| LineError::Utf8 {
        offset: e.valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(LineError::Blank);
    }
    // Check depth on the raw text first: serde_json's own recursion guard (128)
    // would also stop a stack overflow, but with a less useful message.
    if exceeds_depth(line, MAX_READ_DEPTH) {
        return Err(LineError::TooDeep);
    }
    match serde_json::from_str::<Value>(text).map_err(LineError::Json)? {
        Value::Object(map) => Ok(map),
        other => Err(LineError::NotAnObject {
            found: json_kind(&other),
        }),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Counts bracket depth outside strings; invalid JSON is left to the parser.
fn exceeds_depth(line: &[u8], max: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in line {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Writes `document` as one export line: keys sorted bytewise at every level,
/// no spaces, ending in `\n`.
///
/// Sorting is done here rather than relied on from `serde_json::Map`, because
/// any crate in the build enabling serde_json's `preserve_order` would silently
/// turn the map into insertion order.
///
/// ```
/// use bascrypt::convex::jsonl;
/// let doc = jsonl::parse_line(br#"{"b":1,"_id":"x","A":{"z":1.5,"a":[]}}"#).unwrap();
/// let mut out = Vec::new();
/// jsonl::write_document(&mut out, &doc).unwrap();
/// assert_eq!(out, b"{\"A\":{\"a\":[],\"z\":1.5},\"_id\":\"x\",\"b\":1}\n");
/// ```
pub fn write_document<W: Write + ?Sized>(out: &mut W, document: &Document) -> io::Result<()> {
    write_object(out, document)?;
    out.write_all(b"\n")
}

/// [`write_document`] into a new `Vec`.
pub fn encode_document(document: &Document) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    // Writing into a Vec cannot fail.
    let _ = write_document(&mut out, document);
    out
}

fn write_object<W: Write + ?Sized>(out: &mut W, map: &Document) -> io::Result<()> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    out.write_all(b"{")?;
    for (i, (key, value)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, key)?;
        out.write_all(b":")?;
        write_value(out, value)?;
    }
    out.write_all(b"}")
}

fn write_value<W: Write + ?Sized>(out: &mut W, value: &Value) -> io::Result<()> {
    match value {
        Value::Object(map) => write_object(out, map),
        Value::Array(items) => {
            out.write_all(b"[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write_value(out, item)?;
            }
            out.write_all(b"]")
        }
        scalar => serde_json::to_writer(&mut *out, scalar).map_err(io::Error::from),
    }
}

/// A JSON value Convex imports as a float (`v.number()`).
///
/// Finite values always carry a fraction or exponent (`1750222681271.0`,
/// `1e+300`, `-0.0`), because the importer reads a number without one as an
/// Int64. NaN and ±infinity, which JSON cannot spell, become Convex's
/// `{"$float":"<base64 of the little-endian bytes>"}`.
///
/// ```
/// use bascrypt::convex::jsonl::float;
/// assert_eq!(float(1750222681271.0).to_string(), "1750222681271.0");
/// assert_eq!(float(0.5).to_string(), "0.5");
/// assert_eq!(float(f64::NAN).to_string(), r#"{"$float":"AAAAAAAA+H8="}"#);
/// ```
pub fn float(value: f64) -> Value {
    if !value.is_finite() {
        let mut map = Map::new();
        map.insert(
            "$float".to_owned(),
            Value::String(base64::engine::general_purpose::STANDARD.encode(value.to_le_bytes())),
        );
        return Value::Object(map);
    }
    // serde_json's shortest round-trip text always has a `.` or an exponent
    // for floats (`1.0`, `1e+300`), which is what Convex needs.
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// Milliseconds since 1970 of `time`, as a float [`Value`] with sub-millisecond
/// digits, the way Convex writes `_creationTime` (`1750222681271.6697`).
pub fn millis_float(time: SystemTime) -> Value {
    let ms = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0);
    float(ms)
}

/// Whole milliseconds since 1970 of `time` as a float [`Value`]
/// (`1750222681271.0`), the way Better Auth's `createdAt`/`updatedAt`
/// (JavaScript `Date.getTime()`) land in a Convex export.
pub fn whole_millis_float(time: SystemTime) -> Value {
    let ms = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as f64)
        .unwrap_or(0.0);
    float(ms)
}

/// `_creationTime` for a document created now: see [`millis_float`].
pub fn now_creation_time() -> Value {
    millis_float(SystemTime::now())
}

/// `createdAt`/`updatedAt` for now: see [`whole_millis_float`].
pub fn now_millis() -> Value {
    whole_millis_float(SystemTime::now())
}

/// Whether `value` is a number Convex imports as a float (it has a `.` or an
/// exponent in its text), as opposed to an Int64.
pub fn is_float_number(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.to_string().contains(['.', 'e', 'E']),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_outside_strings() {
        assert!(!exceeds_depth(br#"{"a":"[[[[[[["}"#, 2));
        assert!(exceeds_depth(br#"{"a":[[1]]}"#, 2));
        assert!(!exceeds_depth(br#"{"a":"\"[[["}"#, 1));
    }
}
