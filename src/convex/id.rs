//! Convex document IDs (`_id`): the table number, 16 bytes of internal ID and a
//! checksum, written in Convex's base32.

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use rand::RngCore;

/// The number a table has inside its component, as listed in that component's
/// `_tables/documents.jsonl`.
///
/// Every `_id` carries it, and `npx convex import` refuses an `_id` whose number
/// differs from the number its table gets. Never 0.
///
/// ```
/// use bascrypt::convex::TableNumber;
/// let users = TableNumber::new(10001).unwrap();
/// assert_eq!(users.get(), 10001);
/// assert!(TableNumber::new(0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TableNumber(u32);

impl TableNumber {
    /// The number Convex gives to the first user table of a component; later
    /// tables count up from here.
    pub const FIRST_USER_TABLE: TableNumber = TableNumber(10001);

    /// A table number; 0 is refused because Convex never hands it out and an ID
    /// decoder treats it as corrupt.
    pub fn new(number: u32) -> Result<Self, IdError> {
        if number == 0 {
            Err(IdError::ZeroTableNumber)
        } else {
            Ok(TableNumber(number))
        }
    }

    /// The number itself.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for TableNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Why a string is not a valid Convex ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// Convex IDs are 31 to 37 characters long (never 33 or 35).
    #[error("a Convex ID is 31 to 37 characters long, this one has {len}")]
    Length {
        /// Characters in the input.
        len: usize,
    },
    /// A character outside `0123456789abcdefghjkmnpqrstvwxyz`.
    #[error("character {ch:?} at position {position} is not in Convex's base32 alphabet (0-9 and lowercase letters except i, l, o, u)")]
    Character {
        /// The offending character.
        ch: char,
        /// Its character position, from 0.
        position: usize,
    },
    /// The table number is missing, too long, or longer than 5 varint bytes.
    #[error("the table number at the start of the ID is not a valid varint")]
    TableNumberVarint,
    /// The table number decodes to 0.
    #[error("table number 0 is not a valid Convex table")]
    ZeroTableNumber,
    /// Fewer than 16 internal-ID bytes plus the 2 checksum bytes follow the table number.
    #[error("the ID is truncated: {missing} bytes are missing")]
    Truncated {
        /// How many bytes are missing.
        missing: usize,
    },
    /// Bytes are left after the checksum.
    #[error("the ID has {extra} bytes too many after its checksum")]
    TrailingBytes {
        /// How many bytes are left over.
        extra: usize,
    },
    /// The Fletcher-16 footer does not match: a typo, or a hand-edited ID.
    #[error("the ID's checksum does not match (mistyped or hand-edited?)")]
    Checksum,
    /// The bytes decode, but Convex would write them differently (non-zero
    /// padding bits or a non-minimal varint), so Convex rejects the text.
    #[error("the ID is not in canonical form (Convex would encode these bytes differently)")]
    NotCanonical,
}

/// A Convex document ID, the value of every document's `_id`.
///
/// Parse one with [`str::parse`] (which checks everything Convex checks), make a
/// fresh one with [`ConvexId::new`], and write it with `to_string()`.
///
/// ```
/// use bascrypt::convex::{ConvexId, TableNumber};
///
/// let id: ConvexId = "jd7f2yq3tcc5h4ce9qhqdk0ach6hbmyb".parse().unwrap();
/// assert_eq!(id.table(), TableNumber::new(10003).unwrap());
///
/// let users = TableNumber::new(10001).unwrap();
/// let fresh = ConvexId::new(users, &mut rand::rng());
/// assert_eq!(fresh.to_string().len(), 32);
/// assert_eq!(fresh.to_string().parse::<ConvexId>().unwrap(), fresh);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConvexId {
    table: TableNumber,
    internal: [u8; 16],
}

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const MIN_LEN: usize = 31;
const MAX_LEN: usize = 37;
/// The footer is XORed with the ID format version; Convex only has version 0.
const VERSION: u16 = 0;
const MAX_VARINT_BYTES: usize = 5;

impl ConvexId {
    /// A new random ID for a document of `table`, shaped the way Convex makes
    /// them: 14 random bytes, then today's day number since 1970 (big-endian),
    /// which keeps IDs made on one day close together in Convex's indexes.
    ///
    /// Uniqueness comes from the 112 random bits; pass a cryptographic RNG
    /// such as `rand::rng()`.
    pub fn new<R: RngCore + ?Sized>(table: TableNumber, rng: &mut R) -> Self {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Self::new_on_day(table, rng, secs / 86_400)
    }

    /// Like [`ConvexId::new`] with a given day number (unix seconds / 86400), for
    /// reproducible fixtures. Day numbers past 65535 wrap, as in Convex.
    pub fn new_on_day<R: RngCore + ?Sized>(table: TableNumber, rng: &mut R, day: u64) -> Self {
        let mut internal = [0u8; 16];
        rng.fill_bytes(&mut internal[..14]);
        internal[14..].copy_from_slice(&(day as u16).to_be_bytes());
        ConvexId { table, internal }
    }

    /// An ID from its parts, exactly as given.
    pub fn from_parts(table: TableNumber, internal: [u8; 16]) -> Self {
        ConvexId { table, internal }
    }

    /// The table this ID belongs to.
    pub fn table(&self) -> TableNumber {
        self.table
    }

    /// The 16 internal-ID bytes.
    pub fn internal_id(&self) -> &[u8; 16] {
        &self.internal
    }

    fn to_bytes(self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(MAX_VARINT_BYTES + 16 + 2);
        let mut n = self.table.0;
        loop {
            let low = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                bytes.push(low);
                break;
            }
            bytes.push(low | 0x80);
        }
        bytes.extend_from_slice(&self.internal);
        let footer = fletcher16(&bytes) ^ VERSION;
        bytes.extend_from_slice(&footer.to_le_bytes());
        bytes
    }
}

/// Fletcher-16 with both sums taken mod 256 (not 255, as the textbook has it):
/// that is what Convex computes, so the textbook variant would reject real IDs.
/// Returns `c0 | c1 << 8`, so the little-endian bytes are `[c0, c1]`.
fn fletcher16(bytes: &[u8]) -> u16 {
    let (mut c0, mut c1) = (0u8, 0u8);
    for &b in bytes {
        c0 = c0.wrapping_add(b);
        c1 = c1.wrapping_add(c0);
    }
    u16::from(c0) | (u16::from(c1) << 8)
}

fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut group = [0u8; 5];
        group[..chunk.len()].copy_from_slice(chunk);
        let n = group.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let chars = [0, 2, 4, 5, 7, 8][chunk.len()];
        for i in 0..chars {
            let index = (n >> (35 - 5 * i)) & 31;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

/// Byte -> digit value, 0xff where the byte is not in [`ALPHABET`]: a table
/// because a whole-export scan decodes millions of IDs.
const DIGITS: [u8; 256] = {
    let mut table = [0xff; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

fn alphabet_index(c: u8) -> Option<u8> {
    match DIGITS[c as usize] {
        0xff => None,
        d => Some(d),
    }
}

/// Decodes base32 text whose length is already known to be valid; padding bits
/// are dropped here and caught later by the canonical re-encode check.
fn base32_decode(text: &str) -> Result<Vec<u8>, IdError> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    for (chunk_index, chunk) in text.as_bytes().chunks(8).enumerate() {
        let mut n = 0u64;
        for (i, &c) in chunk.iter().enumerate() {
            let value = alphabet_index(c).ok_or_else(|| IdError::Character {
                // The input is ASCII up to here, so byte positions are character positions.
                ch: text[chunk_index * 8 + i..].chars().next().unwrap_or('?'),
                position: text[..chunk_index * 8 + i].chars().count(),
            })?;
            n = (n << 5) | u64::from(value);
        }
        n <<= 5 * (8 - chunk.len());
        let byte_count = match chunk.len() {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            // 1, 3 or 6 characters cannot come from whole bytes.
            _ => return Err(IdError::NotCanonical),
        };
        for i in 0..byte_count {
            out.push((n >> (32 - 8 * i)) as u8);
        }
    }
    Ok(out)
}

impl FromStr for ConvexId {
    type Err = IdError;

    /// Decodes and validates an ID the way Convex does: length, alphabet,
    /// varint, checksum, no leftover bytes, canonical text.
    fn from_str(text: &str) -> Result<Self, IdError> {
        let len = text.chars().count();
        if !(MIN_LEN..=MAX_LEN).contains(&len) {
            return Err(IdError::Length { len });
        }
        if let Some((position, ch)) = text
            .chars()
            .enumerate()
            .find(|&(_, c)| !c.is_ascii() || alphabet_index(c as u8).is_none())
        {
            return Err(IdError::Character { ch, position });
        }
        let bytes = base32_decode(text)?;

        let mut table: u32 = 0;
        let mut varint_len = None;
        for (i, &b) in bytes.iter().take(MAX_VARINT_BYTES).enumerate() {
            // High bits of a fifth byte fall off, exactly as in Convex's
            // decoder; the canonical check below then rejects such IDs.
            table |= u32::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                varint_len = Some(i + 1);
                break;
            }
        }
        let varint_len = varint_len.ok_or(IdError::TableNumberVarint)?;
        let table = TableNumber::new(table)?;

        let body_end = varint_len + 16;
        let needed = body_end + 2;
        if bytes.len() < needed {
            return Err(IdError::Truncated {
                missing: needed - bytes.len(),
            });
        }
        if bytes.len() > needed {
            return Err(IdError::TrailingBytes {
                extra: bytes.len() - needed,
            });
        }
        let footer = u16::from_le_bytes([bytes[body_end], bytes[body_end + 1]]);
        if fletcher16(&bytes[..body_end]) ^ VERSION != footer {
            return Err(IdError::Checksum);
        }
        let mut internal = [0u8; 16];
        internal.copy_from_slice(&bytes[varint_len..body_end]);
        let id = ConvexId { table, internal };
        // Non-minimal varints and non-zero padding bits decode to the same bytes
        // as the canonical text; Convex rejects them, so must we.
        if id.to_string() != text {
            return Err(IdError::NotCanonical);
        }
        Ok(id)
    }
}

impl fmt::Display for ConvexId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&base32_encode(&self.to_bytes()))
    }
}

impl serde::Serialize for ConvexId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fletcher_wraps_mod_256() {
        assert_eq!(fletcher16(&[0xff, 0xff]), 0xfe | (0xfd << 8));
    }

    #[test]
    fn base32_lengths() {
        for (n, len) in [(1, 2), (2, 4), (3, 5), (4, 7), (5, 8), (6, 10)] {
            assert_eq!(base32_encode(&vec![0u8; n]).len(), len);
        }
    }
}
