//! The scrypt key derivation function, the hot path of every command.
//!
//! Everything above this module calls [`derive`] (one hash, lowest latency) or
//! [`derive_batch`] (many hashes, highest throughput); how they get their speed
//! is this module's business alone. Results are bit for bit those of the
//! RustCrypto `scrypt` crate (checked by `tests/kdf_equivalence.rs`).
//!
//! ```
//! use bascrypt::{kdf, password::Params};
//!
//! let params = Params::new(10, 8, 1, 32).unwrap(); // cheap, for the example
//! let mut key = [0u8; 32];
//! kdf::derive(b"password123", b"salt", &params, &mut key);
//!
//! let mut a = [0u8; 32];
//! let mut b = [0u8; 32];
//! let mut jobs = [
//!     kdf::Job { password: b"password123", salt: b"salt", out: &mut a },
//!     kdf::Job { password: b"hunter2", salt: b"pepper", out: &mut b },
//! ];
//! kdf::derive_batch(&params, &mut jobs, 2);
//! assert_eq!(a, key);
//! ```
//!
//! # Memory
//!
//! A hash in flight needs 128 · N · r bytes (32 MiB at Better Auth's
//! parameters) plus a few KiB. [`derive`] uses one such buffer per calling
//! thread; [`derive_batch`] uses `threads × lanes` of them, where `lanes` is
//! [`batch_lanes`] (16 with AVX-512, 8 with AVX2, 4 with SSE2, 2 portable),
//! capped by the number of jobs per thread: 2 threads × 16 lanes = 1 GiB.
//! Buffers are kept in a process-wide pool after use so the next call does not
//! pay for faulting them in again; they are not zeroed in between (as with the
//! `scrypt` crate, which frees V without zeroing it).
//!
//! # Backends
//!
//! ROMix/BlockMix are implemented here over a small SIMD abstraction
//! (`block_mix.rs`), with backends picked at run time: AVX-512 (F+VL), AVX2,
//! SSE2 and a portable one. [`derive_with`] and [`derive_batch_with`] force a
//! backend, for tests and benchmarks. All `unsafe` code of the crate's hot
//! path lives in this module.

mod block_mix;
mod romix;
mod salsa;
mod scratch;
mod tuning;

#[doc(hidden)]
pub use tuning::set_nt_stores;

use crate::password::Params;
use scratch::Scratch;
use sha2::Sha256;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// An implementation of Salsa20/8 and ROMix for one instruction set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    /// Plain Rust, any CPU.
    Portable,
    /// x86 SSE2: one hash per 128-bit register.
    Sse2,
    /// x86 AVX2: 128-bit rows for one hash, two hashes per 256-bit register in batches.
    Avx2,
    /// x86 AVX-512 F+VL: one-instruction rotates; four hashes per 512-bit register in batches.
    Avx512,
}

impl Backend {
    /// Whether this CPU can run the backend.
    pub fn is_available(self) -> bool {
        match self {
            Backend::Portable => true,
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::Sse2 => std::arch::is_x86_feature_detected!("sse2"),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::Avx512 => {
                std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512vl")
            }
            #[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
            _ => false,
        }
    }

    /// The fastest backend this CPU can run.
    pub fn best() -> Backend {
        [Backend::Avx512, Backend::Avx2, Backend::Sse2]
            .into_iter()
            .find(|b| b.is_available())
            .unwrap_or(Backend::Portable)
    }
}

/// Every backend this CPU can run, fastest last.
pub fn available_backends() -> Vec<Backend> {
    [
        Backend::Portable,
        Backend::Sse2,
        Backend::Avx2,
        Backend::Avx512,
    ]
    .into_iter()
    .filter(|b| b.is_available())
    .collect()
}

/// Derives `out.len()` bytes of scrypt(`password`, `salt`, N, r, p) into `out`.
///
/// `params.key_len()` is ignored here: the length of `out` decides. Needs
/// 128 · N · r bytes of scratch memory (32 MiB at Better Auth's parameters),
/// taken from a pool and kept there for the next call, so only the first call
/// pays for faulting it in.
///
/// # Panics
/// If `out` is empty or longer than 1024 bytes; [`Params`] already keeps
/// `key_len` in that range, so callers that size `out` from it never panic.
pub fn derive(password: &[u8], salt: &[u8], params: &Params, out: &mut [u8]) {
    derive_with(Backend::best(), password, salt, params, out);
}

/// [`derive`] with a chosen backend, for tests and benchmarks.
///
/// # Panics
/// As [`derive`], and if `backend` is not available on this CPU.
pub fn derive_with(
    backend: Backend,
    password: &[u8],
    salt: &[u8],
    params: &Params,
    out: &mut [u8],
) {
    check_out(out);
    let (n, r) = (params.n() as usize, params.r() as usize);
    let mut b = vec![0u8; params.p() as usize * 128 * r];
    pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, 1, &mut b);
    let mut scratch = Scratch::take(params.memory_bytes());
    for chunk in b.chunks_exact_mut(128 * r) {
        romix::romix_lanes(backend, false, &mut [chunk], scratch.as_mut_slice(), n, r);
    }
    scratch.give_back();
    pbkdf2::pbkdf2_hmac::<Sha256>(password, &b, 1, out);
    zeroize::Zeroize::zeroize(&mut b);
}

fn check_out(out: &[u8]) {
    assert!(
        (1..=1024).contains(&out.len()),
        "scrypt output must be 1 to 1024 bytes"
    );
}

/// One derivation of a batch: its inputs and where its key goes.
#[derive(Debug)]
pub struct Job<'a> {
    /// The password bytes.
    pub password: &'a [u8],
    /// The salt bytes.
    pub salt: &'a [u8],
    /// Receives `out.len()` bytes of key (1 to 1024).
    pub out: &'a mut [u8],
}

/// How many hashes one thread of [`derive_batch`] interleaves with `backend`
/// (each needs its own 128 · N · r bytes).
pub fn batch_lanes(backend: Backend) -> usize {
    romix::lanes_per_call(backend, true)
}

/// Derives every job's key with the same `params`, on `threads` threads.
///
/// Each thread interleaves up to [`batch_lanes`] independent hashes in SIMD
/// lanes, so throughput is several times that of [`derive`] in a loop; each
/// key is exactly what [`derive`] gives for its inputs, written to its own
/// `out` (so results stay in input order). Memory: up to `threads ×
/// batch_lanes(Backend::best())` times 128 · N · r bytes, fewer when there
/// are fewer jobs.
///
/// # Panics
/// If a job's `out` is empty or longer than 1024 bytes.
pub fn derive_batch(params: &Params, jobs: &mut [Job<'_>], threads: usize) {
    let backend = Backend::best();
    derive_batch_with(backend, batch_lanes(backend), params, jobs, threads);
}

/// [`derive_batch`] with a chosen backend and at most `lanes` hashes per
/// thread at a time (clamped to 1..=[`batch_lanes`]), for tests and tuning.
///
/// # Panics
/// As [`derive_batch`], and if `backend` is not available on this CPU.
pub fn derive_batch_with(
    backend: Backend,
    lanes: usize,
    params: &Params,
    jobs: &mut [Job<'_>],
    threads: usize,
) {
    assert!(
        backend.is_available(),
        "{backend:?} is not available on this CPU"
    );
    jobs.iter().for_each(|j| check_out(j.out));
    if jobs.is_empty() {
        return;
    }
    let p = params.p() as usize;
    let threads = threads.clamp(1, jobs.len() * p);
    // Spread the work evenly: no thread takes more lanes than its share.
    let share = (jobs.len() * p).div_ceil(threads);
    let lanes = lanes.clamp(1, batch_lanes(backend)).min(share);
    let jobs_per_claim = (lanes / p).max(1);
    let queue = Mutex::new(jobs.chunks_mut(jobs_per_claim));
    let work = || batch_worker(backend, lanes, params, &queue);
    if threads == 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(work);
            }
        });
    }
}

fn batch_worker<'j, 'a: 'j, I>(backend: Backend, lanes: usize, params: &Params, queue: &Mutex<I>)
where
    I: Iterator<Item = &'j mut [Job<'a>]>,
{
    let (n, r, p) = (
        params.n() as usize,
        params.r() as usize,
        params.p() as usize,
    );
    let entry = 128 * r;
    let mut scratch: Option<Scratch> = None;
    loop {
        let claim = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
        let Some(claim) = claim else { break };
        let mut bs: Vec<Vec<u8>> = claim
            .iter()
            .map(|job| {
                let mut b = vec![0u8; p * entry];
                pbkdf2::pbkdf2_hmac::<Sha256>(job.password, job.salt, 1, &mut b);
                b
            })
            .collect();
        let mut tasks: Vec<&mut [u8]> = bs
            .iter_mut()
            .flat_map(|b| b.chunks_exact_mut(entry))
            .collect();
        let scratch = scratch.get_or_insert_with(|| Scratch::take(lanes * n * entry));
        for group in tasks.chunks_mut(lanes) {
            romix::romix_lanes(backend, true, group, scratch.as_mut_slice(), n, r);
        }
        for (job, b) in claim.iter_mut().zip(bs.iter_mut()) {
            pbkdf2::pbkdf2_hmac::<Sha256>(job.password, b, 1, job.out);
            zeroize::Zeroize::zeroize(b);
        }
    }
    if let Some(s) = scratch {
        s.give_back();
    }
}

/// What [`measure`] saw: how many hashes took how long.
#[derive(Clone, Copy, Debug)]
pub struct Measurement {
    /// Threads used.
    pub threads: usize,
    /// Hashes completed.
    pub hashes: u64,
    /// Wall-clock time they took.
    pub elapsed: Duration,
}

impl Measurement {
    /// Throughput of the whole machine at this thread count.
    pub fn hashes_per_second(&self) -> f64 {
        self.hashes as f64 / self.elapsed.as_secs_f64()
    }
    /// Wall-clock milliseconds per hash, as seen by the whole batch (1000 / throughput).
    pub fn ms_per_hash(&self) -> f64 {
        self.elapsed.as_secs_f64() * 1000.0 / self.hashes as f64
    }
}

/// Measures this machine: with `threads == 0`, single [`derive`] calls one
/// after another (the latency of one sign-in); otherwise [`derive_batch`] on
/// `threads` threads (sign-ins per second), for at least `duration`.
///
/// Runs one untimed warm-up derivation first so that scratch memory is
/// already faulted in, as it is in a long-running process.
pub fn measure(params: &Params, threads: usize, duration: Duration) -> Measurement {
    let mut out = vec![0u8; params.key_len()];
    derive(b"warm-up", b"0123456789abcdef", params, &mut out);
    if threads > 0 {
        // The batch scratch (lanes x 32 MiB per thread) is faulted in once per
        // process; a long-running batch never pays it again, so neither do we.
        batch_round(params, threads, u64::MAX);
    }
    let start = Instant::now();
    let mut hashes = 0u64;
    let mut round = 0u64;
    while start.elapsed() < duration || hashes == 0 {
        if threads == 0 {
            derive(&round.to_le_bytes(), b"0123456789abcdef", params, &mut out);
            hashes += 1;
        } else {
            hashes += batch_round(params, threads, round);
        }
        round += 1;
    }
    Measurement {
        threads: threads.max(1),
        hashes,
        elapsed: start.elapsed(),
    }
}

/// One full batch (every lane of every thread busy); returns how many hashes it did.
fn batch_round(params: &Params, threads: usize, round: u64) -> u64 {
    let per_round = threads * batch_lanes(Backend::best());
    let passwords: Vec<[u8; 16]> = (0..per_round)
        .map(|i| {
            let mut pw = [0u8; 16];
            pw[..8].copy_from_slice(&round.to_le_bytes());
            pw[8..].copy_from_slice(&(i as u64).to_le_bytes());
            pw
        })
        .collect();
    let mut outs = vec![vec![0u8; params.key_len()]; per_round];
    let mut jobs: Vec<Job<'_>> = passwords
        .iter()
        .zip(outs.iter_mut())
        .map(|(pw, out)| Job {
            password: pw,
            salt: b"0123456789abcdef",
            out,
        })
        .collect();
    derive_batch(params, &mut jobs, threads);
    per_round as u64
}
