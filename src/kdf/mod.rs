//! The scrypt key derivation function, the hot path of every command.

use crate::password::Params;

/// Derives `out.len()` bytes with scrypt(`password`, `salt`, N, r, p) into `out`.
///
/// Allocates 128 · N · r bytes (32 MiB at Better Auth's parameters) per call.
pub fn scrypt(password: &[u8], salt: &[u8], params: &Params, out: &mut [u8]) {
    let p = scrypt::Params::new(params.log_n(), params.r(), params.p(), out.len())
        .expect("Params are validated on construction");
    scrypt::scrypt(password, salt, &p, out).expect("output length is validated by Params");
}
