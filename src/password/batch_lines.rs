//! The JSON-lines input of `hash --batch` and `verify --batch`: one request a
//! line, read with a bounded line length, refused without echoing a password.

use std::io::{self, BufRead};

use serde::Deserialize;
use thiserror::Error;
use zeroize::Zeroizing;

use super::{Password, Salt};

/// The longest batch line accepted, in bytes (without its line ending).
pub const MAX_BATCH_LINE_BYTES: usize = 1 << 20;

/// One line of batch input, with its 1-based line number; its bytes are
/// wiped when it is dropped, since they hold a password.
pub struct BatchLine {
    /// The line number in the input, from 1.
    pub number: u64,
    bytes: Zeroizing<Vec<u8>>,
    /// The line was longer than [`MAX_BATCH_LINE_BYTES`]; its bytes were dropped unread.
    too_long: bool,
}

impl BatchLine {
    /// A line from bytes already in memory (without the line ending).
    pub fn new(number: u64, bytes: &[u8]) -> BatchLine {
        BatchLine {
            number,
            bytes: Zeroizing::new(bytes.to_vec()),
            too_long: bytes.len() > MAX_BATCH_LINE_BYTES,
        }
    }
}

/// Why a batch line was refused. The message names the line and the problem,
/// never its content.
#[derive(Debug, Error, Clone, PartialEq)]
#[error("line {line}{}: {reason}", .column.map(|c| format!(", column {c}")).unwrap_or_default())]
pub struct BadBatchLine {
    /// The 1-based line number.
    pub line: u64,
    /// Where serde_json stopped, when it was a JSON error.
    pub column: Option<usize>,
    /// What is wrong, in words.
    pub reason: String,
    /// The line's `id`, when it could be read, so the answer can carry it.
    pub id: Option<serde_json::Value>,
}

/// A `hash --batch` line: `{"password": "...", "salt": "..."?, "id": …?}`.
#[derive(Debug)]
pub struct HashRequest {
    /// The password to hash.
    pub password: Password,
    /// The salt given, or a fresh random one.
    pub salt: Salt,
    /// Any JSON value, echoed in the answer so callers can match lines up.
    pub id: Option<serde_json::Value>,
}

/// A `verify --batch` line: `{"password": "...", "hash": "...", "id": …?}`.
#[derive(Debug)]
pub struct VerifyRequest {
    /// The password to check.
    pub password: Password,
    /// The stored value to check it against, as given.
    pub stored: String,
    /// Any JSON value, echoed in the answer.
    pub id: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HashFields {
    password: Zeroizing<String>,
    #[serde(default)]
    salt: Option<String>,
    #[serde(default)]
    id: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyFields {
    password: Zeroizing<String>,
    hash: String,
    #[serde(default)]
    id: Option<serde_json::Value>,
}

impl HashRequest {
    /// Parses one line. The password must be non-empty and free of NUL, as
    /// for `hash --password-stdin`; a salt, when given, must be a Better Auth salt.
    ///
    /// ```
    /// use bascrypt::password::{BatchLine, HashRequest};
    ///
    /// let ok = HashRequest::parse(&BatchLine::new(1, br#"{"password":"pw","id":7}"#)).unwrap();
    /// assert_eq!(ok.id, Some(7.into()));
    /// let bad = HashRequest::parse(&BatchLine::new(2, br#"["pw"]"#)).unwrap_err();
    /// assert!(bad.to_string().starts_with("line 2: not a JSON object"));
    /// ```
    ///
    /// # Errors
    /// [`BadBatchLine`], naming the line and the problem.
    pub fn parse(line: &BatchLine) -> Result<HashRequest, BadBatchLine> {
        let fields: HashFields = parse_object(
            line,
            r#"{"password":"...","salt":"..."}"#,
            "password, optional salt and id",
        )?;
        let bad = |reason: String| BadBatchLine {
            line: line.number,
            column: None,
            reason,
            id: fields.id.clone(),
        };
        if fields.password.is_empty() {
            return Err(bad("the password is empty; refusing to hash it".into()));
        }
        if fields.password.contains('\0') {
            return Err(bad(
                "the password contains a NUL character; a typed password never does".into(),
            ));
        }
        let salt = match fields.salt.as_deref().map(Salt::parse).transpose() {
            Ok(salt) => salt.unwrap_or_else(Salt::random),
            Err(e) => return Err(bad(format!("salt: {e}"))),
        };
        Ok(HashRequest {
            password: into_password(fields.password),
            salt,
            id: fields.id,
        })
    }
}

impl VerifyRequest {
    /// Parses one line; the stored value is taken as given (judging it is
    /// [`verify_with`](super::verify_with)'s job).
    ///
    /// ```
    /// use bascrypt::password::{BatchLine, VerifyRequest};
    ///
    /// let ok = VerifyRequest::parse(&BatchLine::new(1, br#"{"password":"pw","hash":"a:b"}"#)).unwrap();
    /// assert_eq!(ok.stored, "a:b");
    /// let bad = VerifyRequest::parse(&BatchLine::new(3, br#"{"password":"pw"}"#)).unwrap_err();
    /// assert_eq!(bad.line, 3);
    /// ```
    ///
    /// # Errors
    /// [`BadBatchLine`], naming the line and the problem.
    pub fn parse(line: &BatchLine) -> Result<VerifyRequest, BadBatchLine> {
        let fields: VerifyFields = parse_object(
            line,
            r#"{"password":"...","hash":"..."}"#,
            "password, hash, optional id",
        )?;
        Ok(VerifyRequest {
            password: into_password(fields.password),
            stored: fields.hash,
            id: fields.id,
        })
    }
}

/// Moves the text into a [`Password`] without leaving an unwiped copy.
fn into_password(mut text: Zeroizing<String>) -> Password {
    Password::new(std::mem::take(&mut *text))
}

fn parse_object<T: for<'de> Deserialize<'de>>(
    line: &BatchLine,
    example: &str,
    fields: &str,
) -> Result<T, BadBatchLine> {
    let bad = |column, reason: String, id| BadBatchLine {
        line: line.number,
        column,
        reason,
        id,
    };
    if line.too_long {
        return Err(bad(
            None,
            format!("longer than {MAX_BATCH_LINE_BYTES} bytes"),
            None,
        ));
    }
    if line.bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(bad(
            None,
            format!("a blank line; expected one object a line like {example}"),
            None,
        ));
    }
    // serde's derived structs also accept a JSON array, field by field in
    // order, so `["pw"]` would hash "pw"; only an object is a line.
    if !line.bytes.trim_ascii_start().starts_with(b"{") {
        return Err(bad(
            None,
            format!("not a JSON object; expected one object a line like {example}"),
            None,
        ));
    }
    serde_json::from_slice::<T>(&line.bytes).map_err(|e| {
        // serde_json's message can quote the input; say where, never what.
        let what = match e.classify() {
            serde_json::error::Category::Data => {
                format!("a field is missing, unknown or not a string (fields: {fields})")
            }
            serde_json::error::Category::Eof => "the JSON ends early".to_owned(),
            _ => "not valid JSON".to_owned(),
        };
        let id = serde_json::from_slice::<serde_json::Value>(&line.bytes)
            .ok()
            .and_then(|v| v.get("id").cloned());
        bad(
            Some(e.column()),
            format!("{what}; expected one object a line like {example}"),
            id,
        )
    })
}

/// Reads batch input a chunk of lines at a time, so memory stays bounded
/// however long the input is: at most [`MAX_BATCH_LINE_BYTES`] a line.
///
/// Every line is returned, blank ones too, so that each input line gets
/// exactly one answer and answers can be matched to inputs by position.
/// Line endings (`\n`, `\r\n`) are stripped; a line over the limit is
/// skipped to its end and returned marked, so it is answered in place like
/// any other bad line.
///
/// ```
/// use bascrypt::password::{BatchReader, VerifyRequest};
///
/// let input: &[u8] = b"{\"password\":\"a\",\"hash\":\"x:y\"}\r\n\n{}\n";
/// let mut reader = BatchReader::new(input);
/// let chunk = reader.next_chunk(10).unwrap();
/// assert_eq!(chunk.iter().map(|l| l.number).collect::<Vec<_>>(), [1, 2, 3]);
/// assert!(VerifyRequest::parse(&chunk[0]).is_ok());
/// assert_eq!(
///     VerifyRequest::parse(&chunk[1]).unwrap_err().to_string(),
///     r#"line 2: a blank line; expected one object a line like {"password":"...","hash":"..."}"#
/// );
/// assert!(reader.next_chunk(10).unwrap().is_empty());
/// ```
pub struct BatchReader<R> {
    input: R,
    lines_read: u64,
}

impl<R: BufRead> BatchReader<R> {
    /// Reads from `input`.
    pub fn new(input: R) -> BatchReader<R> {
        BatchReader {
            input,
            lines_read: 0,
        }
    }

    /// Up to `max` non-blank lines; an empty vector at the end of the input.
    ///
    /// # Errors
    /// The input's own I/O errors.
    pub fn next_chunk(&mut self, max: usize) -> io::Result<Vec<BatchLine>> {
        let mut out = Vec::new();
        while out.len() < max {
            let Some(mut line) = self.read_line()? else {
                break;
            };
            while line
                .bytes
                .last()
                .is_some_and(|b| *b == b'\n' || *b == b'\r')
            {
                line.bytes.pop();
            }
            line.too_long |= line.bytes.len() > MAX_BATCH_LINE_BYTES;
            if line.too_long {
                line.bytes.clear();
            }
            out.push(line);
        }
        Ok(out)
    }

    /// One line with its ending, or `None` at the end of the input. A line
    /// past the limit is consumed to its end but not kept.
    fn read_line(&mut self) -> io::Result<Option<BatchLine>> {
        // Content, a `\r` and the `\n`: anything longer is refused anyway.
        const KEEP: usize = MAX_BATCH_LINE_BYTES + 2;
        let mut bytes = Zeroizing::new(Vec::new());
        let (mut seen_any, mut too_long) = (false, false);
        loop {
            let available = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                break;
            }
            seen_any = true;
            let (take, ended) = match available.iter().position(|b| *b == b'\n') {
                Some(i) => (i + 1, true),
                None => (available.len(), false),
            };
            if !too_long && bytes.len() + take <= KEEP {
                if bytes.capacity() < bytes.len() + take {
                    // Grow by hand: Vec's own growth would free the old
                    // buffer, password and all, without wiping it.
                    let cap = (bytes.len() + take)
                        .max(bytes.capacity() * 2)
                        .clamp(256, KEEP);
                    let mut bigger = Zeroizing::new(Vec::with_capacity(cap));
                    bigger.extend_from_slice(&bytes);
                    bytes = bigger;
                }
                bytes.extend_from_slice(&available[..take]);
            } else {
                too_long = true;
            }
            self.input.consume(take);
            if ended {
                break;
            }
        }
        if !seen_any {
            return Ok(None);
        }
        self.lines_read += 1;
        Ok(Some(BatchLine {
            number: self.lines_read,
            bytes,
            too_long,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overlong_line_is_marked_and_the_next_line_still_read() {
        let mut input = vec![b'{'; MAX_BATCH_LINE_BYTES + 10];
        input.extend_from_slice(b"\n{\"password\":\"pw\",\"hash\":\"a:b\"}\n");
        let mut reader = BatchReader::new(&input[..]);
        let chunk = reader.next_chunk(8).unwrap();
        assert_eq!(chunk.len(), 2);
        let err = VerifyRequest::parse(&chunk[0]).unwrap_err();
        assert_eq!(err.to_string(), "line 1: longer than 1048576 bytes");
        assert_eq!(VerifyRequest::parse(&chunk[1]).unwrap().stored, "a:b");
    }

    #[test]
    fn a_line_at_the_limit_is_read() {
        let head = br#"{"password":"pw","hash":""#;
        let tail = br#""}"#;
        let mut line = head.to_vec();
        line.resize(MAX_BATCH_LINE_BYTES - tail.len(), b'a');
        line.extend_from_slice(tail);
        line.extend_from_slice(b"\r\n");
        let chunk = BatchReader::new(&line[..]).next_chunk(1).unwrap();
        let request = VerifyRequest::parse(&chunk[0]).unwrap();
        assert_eq!(
            request.stored.len(),
            MAX_BATCH_LINE_BYTES - head.len() - tail.len()
        );
    }

    #[test]
    fn one_byte_over_the_limit_is_refused() {
        let line = vec![b' '; MAX_BATCH_LINE_BYTES + 1];
        let chunk = BatchReader::new(&line[..]).next_chunk(1).unwrap();
        assert!(HashRequest::parse(&chunk[0]).is_err());
    }

    #[test]
    fn refusals_never_quote_the_line() {
        let secret = "Quokka-Secret-991";
        let lines = [
            format!(r#"{{"password":"{secret}","salt":5}}"#),
            format!(r#"{{"password":"{secret}","extra":1}}"#),
            format!(r#"{{"password":"{secret}"#),
            format!(r#"["{secret}"]"#),
            format!(r#"{{"password":"{secret}","salt":"{secret}"}}"#),
            format!(r#"{{"password":"{secret}\u0000"}}"#),
        ];
        for (i, text) in lines.iter().enumerate() {
            let line = BatchLine::new(i as u64 + 1, text.as_bytes());
            let err = HashRequest::parse(&line).unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains(secret), "{shown}");
            assert!(shown.starts_with(&format!("line {}", i + 1)), "{shown}");
        }
    }

    #[test]
    fn the_id_is_kept_on_refused_lines_that_carry_one() {
        let line = BatchLine::new(4, br#"{"password":"","id":"row-9"}"#);
        let err = HashRequest::parse(&line).unwrap_err();
        assert_eq!(err.id, Some("row-9".into()));
        assert_eq!(
            err.to_string(),
            "line 4: the password is empty; refusing to hash it"
        );
        let line = BatchLine::new(5, br#"{"password":"x","hash":5,"id":[1]}"#);
        assert_eq!(
            VerifyRequest::parse(&line).unwrap_err().id,
            Some(serde_json::json!([1]))
        );
    }
}
