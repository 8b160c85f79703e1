//! scrypt parameters.
use thiserror::Error;

/// scrypt cost parameters and output length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    log_n: u8,
    r: u32,
    p: u32,
    key_len: usize,
}

/// Parameters that scrypt cannot run with.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ParamsError {
    /// Placeholder.
    #[error("invalid scrypt parameters: {0}")]
    Invalid(String),
}

impl Params {
    /// Better Auth's: N = 16384, r = 16, p = 1, 64-byte key.
    pub const BETTER_AUTH: Params = Params { log_n: 14, r: 16, p: 1, key_len: 64 };

    /// log2 N.
    pub fn log_n(&self) -> u8 { self.log_n }
    /// Block size r.
    pub fn r(&self) -> u32 { self.r }
    /// Parallelism p.
    pub fn p(&self) -> u32 { self.p }
    /// Key length in bytes.
    pub fn key_len(&self) -> usize { self.key_len }
}
