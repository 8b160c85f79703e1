//! The scrypt cost parameters and key length a stored value was made with.

use thiserror::Error;

/// scrypt cost parameters plus the derived key length, as one value.
///
/// [`Params::BETTER_AUTH`] is what every released Better Auth uses
/// (N = 16384, r = 16, p = 1, 64-byte key). Apps that passed their own
/// `password.hash`/`password.verify` to Better Auth may use others; build those
/// with [`Params::new`].
///
/// ```
/// use bascrypt::password::Params;
///
/// let p = Params::BETTER_AUTH;
/// assert_eq!((p.n(), p.r(), p.p(), p.key_len()), (16384, 16, 1, 64));
/// assert_eq!(p.memory_bytes(), 32 * 1024 * 1024);
///
/// let cheap = Params::new(10, 8, 1, 32).unwrap();
/// assert_eq!(cheap.n(), 1024);
/// assert!(Params::new(0, 8, 1, 32).is_err()); // N must be at least 2
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Params {
    log_n: u8,
    r: u32,
    p: u32,
    key_len: usize,
}

/// Why a set of scrypt parameters was refused.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ParamsError {
    /// N must be a power of two between 2 and 2^31.
    #[error("log2 N must be between 1 and 31 (N from 2 to 2147483648), got {0}")]
    LogN(u8),
    /// r and p must be at least 1 and r · p below 2^30 (RFC 7914).
    #[error("r and p must be at least 1 and r * p below 2^30, got r = {r}, p = {p}")]
    RP {
        /// Block size.
        r: u32,
        /// Parallelism.
        p: u32,
    },
    /// The key length must be 1 to 1024 bytes.
    #[error("key length must be 1 to 1024 bytes, got {0}")]
    KeyLen(usize),
    /// 128 · N · r bytes would not fit in memory addressable here.
    #[error("128 * N * r bytes does not fit in memory (N = 2^{log_n}, r = {r})")]
    TooLarge {
        /// log2 N.
        log_n: u8,
        /// Block size.
        r: u32,
    },
}

impl Params {
    /// Better Auth's parameters: N = 16384, r = 16, p = 1, 64-byte key.
    pub const BETTER_AUTH: Params = Params {
        log_n: 14,
        r: 16,
        p: 1,
        key_len: 64,
    };

    /// Parameters with N = 2^`log_n`.
    ///
    /// # Errors
    /// [`ParamsError`] when N is not 2..=2^31, r or p is 0, r · p ≥ 2^30, the
    /// key length is not 1..=1024 bytes, or the 128 · N · r work buffer would
    /// not fit in `usize`.
    pub fn new(log_n: u8, r: u32, p: u32, key_len: usize) -> Result<Params, ParamsError> {
        if !(1..=31).contains(&log_n) {
            return Err(ParamsError::LogN(log_n));
        }
        if r == 0 || p == 0 || u64::from(r) * u64::from(p) >= 1 << 30 {
            return Err(ParamsError::RP { r, p });
        }
        if !(1..=1024).contains(&key_len) {
            return Err(ParamsError::KeyLen(key_len));
        }
        (128usize)
            .checked_mul(r as usize)
            .and_then(|x| x.checked_mul(1usize << log_n))
            .and_then(|x| x.checked_mul(p as usize))
            .ok_or(ParamsError::TooLarge { log_n, r })?;
        Ok(Params {
            log_n,
            r,
            p,
            key_len,
        })
    }

    /// Returns these parameters with another key length.
    ///
    /// # Errors
    /// [`ParamsError::KeyLen`] unless `key_len` is 1..=1024.
    pub fn with_key_len(self, key_len: usize) -> Result<Params, ParamsError> {
        Params::new(self.log_n, self.r, self.p, key_len)
    }

    /// log2 N.
    pub fn log_n(&self) -> u8 {
        self.log_n
    }
    /// N, the CPU/memory cost.
    pub fn n(&self) -> u64 {
        1u64 << self.log_n
    }
    /// r, the block size.
    pub fn r(&self) -> u32 {
        self.r
    }
    /// p, the parallelism.
    pub fn p(&self) -> u32 {
        self.p
    }
    /// The derived key length in bytes (the stored key has twice as many hex characters).
    pub fn key_len(&self) -> usize {
        self.key_len
    }
    /// The scratch memory one derivation needs: 128 · N · r bytes.
    pub fn memory_bytes(&self) -> usize {
        128 * self.r as usize * (1usize << self.log_n)
    }
}

impl Default for Params {
    fn default() -> Self {
        Params::BETTER_AUTH
    }
}
