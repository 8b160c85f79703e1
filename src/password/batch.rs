//! Many hashes or verifications at once, on all cores, several per core in SIMD lanes.

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::{split_stored, to_hex, Params, Password, Salt, StoredHash, VerifyError};
use crate::kdf::{derive_batch, Job};

/// Hashes every `(password, salt)` pair at `params` on `threads` threads.
///
/// Each result is exactly [`hash_with_salt`](super::hash_with_salt) of its
/// pair, in input order; throughput is several times a loop of single
/// hashes. Memory: up to `threads ×` [`crate::kdf::batch_lanes`] ` × 128 · N · r`
/// bytes (512 MiB per thread with AVX-512 at Better Auth's parameters).
///
/// ```
/// use bascrypt::password::{hash_batch, hash_with_salt, Params, Salt};
///
/// let p = Params::new(10, 8, 1, 64).unwrap(); // cheap, for the example
/// let salt = Salt::random();
/// let out = hash_batch(&[("a", salt), ("b", salt)], &p, 2);
/// assert_eq!(out[1], hash_with_salt("b", &salt, &p));
/// ```
pub fn hash_batch(items: &[(&str, Salt)], params: &Params, threads: usize) -> Vec<StoredHash> {
    let jobs: Vec<(&str, Option<&[u8]>)> = items
        .iter()
        .map(|(pw, salt)| (*pw, Some(salt.as_scrypt_input())))
        .collect();
    derive_many(&jobs, params, threads)
        .into_iter()
        .zip(items)
        .map(|(key, (_, salt))| StoredHash::new(*salt, key.expect("every job has a salt").to_vec()))
        .collect()
}

/// Verifies every `(password, stored)` pair as [`verify_with`](super::verify_with)
/// would, on `threads` threads, in input order. Values Better Auth would throw
/// on cost nothing.
///
/// ```
/// use bascrypt::password::{hash_with_salt, verify_batch, Params, Salt, VerifyError};
///
/// let p = Params::new(10, 8, 1, 64).unwrap();
/// let stored = hash_with_salt("right", &Salt::random(), &p).to_string();
/// let out = verify_batch(&[("right", &stored), ("wrong", &stored), ("x", "nocolon")], &p, 2);
/// assert_eq!(out, vec![Ok(true), Ok(false), Err(VerifyError::NoColon)]);
/// ```
pub fn verify_batch(
    items: &[(&str, &str)],
    params: &Params,
    threads: usize,
) -> Vec<Result<bool, VerifyError>> {
    let split: Vec<Result<(&str, &str), VerifyError>> = items
        .iter()
        .map(|(_, stored)| split_stored(stored))
        .collect();
    let jobs: Vec<(&str, Option<&[u8]>)> = items
        .iter()
        .zip(&split)
        .map(|((pw, _), parts)| (*pw, parts.as_ref().ok().map(|(salt, _)| salt.as_bytes())))
        .collect();
    derive_many(&jobs, params, threads)
        .into_iter()
        .zip(split)
        .map(|(key, parts)| {
            let (_, stored_key) = parts?;
            let key = key.expect("a job ran for every usable value");
            Ok(bool::from(
                to_hex(&key).as_slice().ct_eq(stored_key.as_bytes()),
            ))
        })
        .collect()
}

/// Derives the key of every `(password, Some(salt))` (NFKC first), skipping
/// `None` salts, in one batch; keys live in buffers wiped on drop.
fn derive_many(
    items: &[(&str, Option<&[u8]>)],
    params: &Params,
    threads: usize,
) -> Vec<Option<Zeroizing<Vec<u8>>>> {
    let normalized: Vec<Zeroizing<String>> = items
        .iter()
        .map(|(pw, _)| Password::from(*pw).normalized())
        .collect();
    let mut keys: Vec<Option<Zeroizing<Vec<u8>>>> = items
        .iter()
        .map(|(_, salt)| salt.map(|_| Zeroizing::new(vec![0u8; params.key_len()])))
        .collect();
    let mut jobs: Vec<Job<'_>> = normalized
        .iter()
        .zip(items)
        .zip(keys.iter_mut())
        .filter_map(|((pw, (_, salt)), key)| {
            Some(Job {
                password: pw.as_bytes(),
                salt: (*salt)?,
                out: key.as_mut()?.as_mut_slice(),
            })
        })
        .collect();
    derive_batch(params, &mut jobs, threads);
    drop(jobs);
    keys
}
