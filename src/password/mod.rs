//! Better Auth's credential password format: hash, verify, inspect, explain.
//!
//! Better Auth stores `account.password` as `<salt>:<key>`, where the salt is
//! 32 lowercase hex characters and the key is scrypt(N = 16384, r = 16, p = 1,
//! 64 bytes) of the NFKC-normalized password with the salt **text** as salt,
//! written as 128 lowercase hex characters.
//!
//! ```
//! use bascrypt::password;
//!
//! let stored = password::hash("correct horse battery staple");
//! assert_eq!(password::verify("correct horse battery staple", &stored.to_string()), Ok(true));
//! assert_eq!(password::verify("Correct horse battery staple", &stored.to_string()), Ok(false));
//! // No ':' at all: Better Auth throws rather than answering "wrong password".
//! assert!(password::verify("x", "$2a$10$N9qo8uLOickgx2ZMRZoMye").is_err());
//! ```

mod batch;
mod batch_lines;
mod explain;
mod finding;
mod inspect;
mod params;
mod salt;
mod secret;
mod stored_hash;

use subtle::ConstantTimeEq;
use thiserror::Error;
use zeroize::Zeroizing;

pub use batch::{hash_batch, verify_batch};
pub use batch_lines::{
    BadBatchLine, BatchLine, BatchReader, HashRequest, VerifyRequest, MAX_BATCH_LINE_BYTES,
};
pub use explain::explain;
pub use finding::{Finding, Severity};
pub use inspect::{inspect, Inspection, Verdict};
pub use params::{Params, ParamsError};
pub use salt::{Salt, SaltError};
pub use secret::{Password, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH};
pub use stored_hash::{StoredHash, StoredHashError};

/// Better Auth would throw `Invalid password hash` on this stored value.
///
/// Sign-in does not catch it, so the user sees a server error (HTTP 500), not
/// "invalid password".
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// The value has no `:`.
    #[error("Invalid password hash: the value has no ':' (Better Auth expects <salt>:<key>)")]
    NoColon,
    /// The part before the first `:` is empty.
    #[error("Invalid password hash: the salt (before the ':') is empty")]
    EmptySalt,
    /// The part after the first `:` is empty.
    #[error("Invalid password hash: the key (after the ':') is empty")]
    EmptyKey,
}

/// Hashes `password` with a fresh random salt at Better Auth's parameters.
///
/// Costs one scrypt call: 32 MiB of memory and tens of milliseconds.
pub fn hash(password: &str) -> StoredHash {
    hash_with_salt(password, &Salt::random(), &Params::BETTER_AUTH)
}

/// Hashes `password` with the given salt and parameters: the same inputs
/// always give the same value.
///
/// ```
/// use bascrypt::password::{hash_with_salt, Params, Salt};
///
/// let salt = Salt::parse("00112233445566778899aabbccddeeff").unwrap();
/// let stored = hash_with_salt("password123", &salt, &Params::BETTER_AUTH);
/// // Known answer from the better-auth npm package.
/// assert!(stored.to_string().ends_with(":73122e887cfc14f91396cdef78dfe4b9dec28d459037601c4904cedba5a637ab97b39b40c236df5d42881d0109ca8cf0f85e39dbaba2911c190915bd8f30fe85"));
/// ```
pub fn hash_with_salt(password: &str, salt: &Salt, params: &Params) -> StoredHash {
    let key = derive_key(password, salt.as_scrypt_input(), params);
    StoredHash::new(*salt, key.to_vec())
}

/// Checks `password` against a stored value exactly as Better Auth ≥ 1.6 does.
///
/// Splits on `:` and uses the first two parts (later parts are ignored),
/// derives the key from the salt *text*, and compares lowercase hex **text**:
/// an uppercase or whitespace-padded key never matches. The comparison here is
/// constant-time even though Better Auth's is not.
///
/// # Errors
/// [`VerifyError`] where Better Auth would throw `Invalid password hash`: no
/// `:`, or an empty salt or key part.
pub fn verify(password: &str, stored: &str) -> Result<bool, VerifyError> {
    verify_with(password, stored, &Params::BETTER_AUTH)
}

/// [`verify`] with other scrypt parameters, for apps that configured their own.
///
/// # Errors
/// As [`verify`].
pub fn verify_with(password: &str, stored: &str, params: &Params) -> Result<bool, VerifyError> {
    let (salt, key) = split_stored(stored)?;
    let computed = derive_key_hex(password, salt.as_bytes(), params);
    Ok(bool::from(computed.as_slice().ct_eq(key.as_bytes())))
}

/// Better Auth's split: parts 0 and 1 of `stored.split(':')`, both non-empty.
pub(crate) fn split_stored(stored: &str) -> Result<(&str, &str), VerifyError> {
    let mut parts = stored.split(':');
    let salt = parts.next().unwrap_or("");
    let key = parts.next().ok_or(VerifyError::NoColon)?;
    if salt.is_empty() {
        return Err(VerifyError::EmptySalt);
    }
    if key.is_empty() {
        return Err(VerifyError::EmptyKey);
    }
    Ok((salt, key))
}

/// scrypt of the NFKC-normalized password, in a buffer wiped on drop.
pub(crate) fn derive_key(password: &str, salt: &[u8], params: &Params) -> Zeroizing<Vec<u8>> {
    let normalized = Password::from(password).normalized();
    derive_raw(normalized.as_bytes(), salt, params)
}

/// scrypt of exactly these password bytes (no normalization).
pub(crate) fn derive_raw(password: &[u8], salt: &[u8], params: &Params) -> Zeroizing<Vec<u8>> {
    let mut key = Zeroizing::new(vec![0u8; params.key_len()]);
    crate::kdf::derive(password, salt, params, &mut key);
    key
}

/// [`derive_key`] as lowercase hex text, the form Better Auth compares.
pub(crate) fn derive_key_hex(password: &str, salt: &[u8], params: &Params) -> Zeroizing<Vec<u8>> {
    to_hex(&derive_key(password, salt, params))
}

pub(crate) fn to_hex(bytes: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(vec![0u8; bytes.len() * 2]);
    hex::encode_to_slice(bytes, &mut out).expect("output is twice the input");
    out
}
