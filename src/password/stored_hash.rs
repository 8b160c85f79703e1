//! The whole stored value, `<salt>:<key>`, in the form Better Auth writes it.

use std::fmt;

use thiserror::Error;

use super::salt::{Salt, SaltError};

/// A well-formed credential password value: a [`Salt`] and the derived key.
///
/// This is the strict form Better Auth writes: exactly one `:`, a 32-character
/// lowercase hex salt and a non-empty lowercase hex key (128 characters at
/// Better Auth's parameters). Parsing then printing gives back the same text.
/// To learn *why* a value is not well-formed, use [`inspect`](super::inspect);
/// to check a password the way Better Auth does (which is more lenient), use
/// [`verify`](super::verify).
///
/// ```
/// use bascrypt::password::StoredHash;
///
/// let text = "00112233445566778899aabbccddeeff:73122e887cfc14f91396cdef78dfe4b9dec28d459037601c4904cedba5a637ab97b39b40c236df5d42881d0109ca8cf0f85e39dbaba2911c190915bd8f30fe85";
/// let stored: StoredHash = text.parse().unwrap();
/// assert_eq!(stored.salt().as_str(), "00112233445566778899aabbccddeeff");
/// assert_eq!(stored.key().len(), 64);
/// assert_eq!(stored.to_string(), text);
/// assert!("$2a$10$abc".parse::<StoredHash>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct StoredHash {
    salt: Salt,
    key: Vec<u8>,
}

/// Why a text is not a well-formed stored value.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum StoredHashError {
    /// There is no `:` at all.
    #[error("no ':' in the value: a Better Auth password value is <salt>:<key>")]
    NoColon,
    /// More than one `:`.
    #[error(
        "more than one ':' in the value: a Better Auth password value is exactly <salt>:<key>"
    )]
    ExtraParts,
    /// The salt part is wrong.
    #[error("bad salt: {0}")]
    Salt(#[from] SaltError),
    /// The key part is empty, odd-length, or not lowercase hex.
    #[error("bad key: {0}")]
    Key(String),
}

impl StoredHash {
    /// Builds a value from a salt and the derived key bytes.
    pub fn new(salt: Salt, key: Vec<u8>) -> StoredHash {
        StoredHash { salt, key }
    }

    /// Parses the strict `<salt>:<key>` form.
    ///
    /// # Errors
    /// [`StoredHashError`] for anything but exactly one `:`, a valid [`Salt`]
    /// and a non-empty, even-length, lowercase hex key.
    pub fn parse(text: &str) -> Result<StoredHash, StoredHashError> {
        let (salt, key) = text.split_once(':').ok_or(StoredHashError::NoColon)?;
        if key.contains(':') {
            return Err(StoredHashError::ExtraParts);
        }
        let salt = Salt::parse(salt)?;
        if key.is_empty() {
            return Err(StoredHashError::Key("the key is empty".into()));
        }
        if let Some((i, _)) = key
            .char_indices()
            .find(|&(_, c)| !matches!(c, '0'..='9' | 'a'..='f'))
        {
            return Err(StoredHashError::Key(format!(
                "character {} of the key is not a lowercase hex digit",
                key[..i].chars().count() + 1
            )));
        }
        if key.len() % 2 != 0 {
            return Err(StoredHashError::Key(format!(
                "the key has an odd number of hex digits ({})",
                key.len()
            )));
        }
        let key = hex::decode(key).expect("checked: even-length lowercase hex");
        Ok(StoredHash { salt, key })
    }

    /// The salt.
    pub fn salt(&self) -> &Salt {
        &self.salt
    }

    /// The derived key bytes.
    pub fn key(&self) -> &[u8] {
        &self.key
    }
}

impl fmt::Display for StoredHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.salt, hex::encode(&self.key))
    }
}

impl fmt::Debug for StoredHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StoredHash({self})")
    }
}

impl std::str::FromStr for StoredHash {
    type Err = StoredHashError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StoredHash::parse(s)
    }
}
