//! The scrypt key derivation function, the hot path of every command.
//!
//! Everything above this module calls [`derive`]; how it gets its speed is
//! this module's business alone.

use crate::password::Params;

/// Derives `out.len()` bytes of scrypt(`password`, `salt`, N, r, p) into `out`.
///
/// `params.key_len()` is ignored here: the length of `out` decides. Costs
/// 128 · N · r bytes of scratch memory (32 MiB at Better Auth's parameters).
///
/// # Panics
/// If `out` is empty or longer than 1024 bytes; [`Params`] already keeps
/// `key_len` in that range, so callers that size `out` from it never panic.
pub fn derive(password: &[u8], salt: &[u8], params: &Params, out: &mut [u8]) {
    assert!(
        (1..=1024).contains(&out.len()),
        "scrypt output must be 1 to 1024 bytes"
    );
    let p = scrypt::Params::new(params.log_n(), params.r(), params.p())
        .expect("bascrypt Params are a subset of the scrypt crate's");
    scrypt::scrypt(password, salt, &p, out).expect("output length checked above");
}
