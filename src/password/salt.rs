//! The salt half of a stored value.

use std::fmt;

use rand::RngCore;
use thiserror::Error;

/// A Better Auth salt: 16 random bytes written as 32 lowercase hex characters.
///
/// Better Auth feeds scrypt the **text** of the salt (its 32 ASCII bytes), not
/// the 16 bytes it spells; [`Salt::as_scrypt_input`] gives exactly those bytes.
///
/// ```
/// use bascrypt::password::Salt;
///
/// let salt = Salt::parse("00112233445566778899aabbccddeeff").unwrap();
/// assert_eq!(salt.as_scrypt_input(), b"00112233445566778899aabbccddeeff");
/// assert!(Salt::parse("00112233445566778899AABBCCDDEEFF").is_err());
/// assert_eq!(Salt::random().as_str().len(), 32);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Salt([u8; Salt::LEN]);

/// Why a text is not a Better Auth salt.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SaltError {
    /// Not 32 characters long.
    #[error("a salt is 32 hex characters (16 bytes), this one has {0} characters")]
    Length(usize),
    /// Holds uppercase hex digits.
    #[error("the salt has uppercase hex at character {0}: Better Auth writes lowercase and hashes the text as-is, so write it in lowercase")]
    Uppercase(usize),
    /// Holds a character that is not a hex digit.
    #[error("the salt has a character that is not a hex digit at character {0}")]
    NotHex(usize),
}

impl Salt {
    /// Length of the salt text in characters.
    pub const LEN: usize = 32;

    /// A fresh random salt (a CSPRNG seeded by the operating system).
    pub fn random() -> Salt {
        let mut bytes = [0u8; 16];
        // ThreadRng is a CSPRNG reseeded from the OS, as Better Auth uses crypto.getRandomValues.
        rand::rng().fill_bytes(&mut bytes);
        let mut text = [0u8; Salt::LEN];
        hex::encode_to_slice(bytes, &mut text).expect("32 = 2 * 16");
        Salt(text)
    }

    /// Parses 32 lowercase hex characters.
    ///
    /// # Errors
    /// [`SaltError`] names the first problem and where it is.
    pub fn parse(text: &str) -> Result<Salt, SaltError> {
        let count = text.chars().count();
        if text.len() != Salt::LEN || count != Salt::LEN {
            return Err(SaltError::Length(count));
        }
        let mut out = [0u8; Salt::LEN];
        for (i, b) in text.bytes().enumerate() {
            match b {
                b'0'..=b'9' | b'a'..=b'f' => out[i] = b,
                b'A'..=b'F' => return Err(SaltError::Uppercase(i + 1)),
                _ => return Err(SaltError::NotHex(i + 1)),
            }
        }
        Ok(Salt(out))
    }

    /// The salt text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("only ASCII hex digits are stored")
    }

    /// The bytes Better Auth passes to scrypt as the salt: the text, not the decoded bytes.
    pub fn as_scrypt_input(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Display for Salt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Salt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Salt({})", self.as_str())
    }
}

impl std::str::FromStr for Salt {
    type Err = SaltError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Salt::parse(s)
    }
}
