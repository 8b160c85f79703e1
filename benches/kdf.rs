//! Criterion groups for the scrypt hot path at Better Auth's parameters, each
//! with the RustCrypto `scrypt` crate as the baseline in the same group.
//!
//! `cargo bench --bench kdf` takes a few minutes: small sample sizes, short
//! measurement times. The machine's noise shows in the intervals; the ratio
//! between two lines of one group is what to read.

use bascrypt::kdf::{self, Backend, Job};
use bascrypt::password::Params;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;

const PASSWORD: &[u8] = b"password123";
const SALT: &[u8] = b"00112233445566778899aabbccddeeff";

fn scrypt_crate(password: &[u8], out: &mut [u8; 64]) {
    let p = scrypt::Params::new(14, 16, 1).unwrap();
    scrypt::scrypt(password, SALT, &p, out).unwrap();
}

fn single(c: &mut Criterion) {
    let mut g = c.benchmark_group("single hash");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    g.bench_function("scrypt crate", |b| {
        let mut out = [0u8; 64];
        b.iter(|| scrypt_crate(black_box(PASSWORD), &mut out));
    });
    for backend in kdf::available_backends() {
        g.bench_with_input(
            BenchmarkId::new("bascrypt", format!("{backend:?}")),
            &backend,
            |b, &backend| {
                let mut out = [0u8; 64];
                b.iter(|| {
                    kdf::derive_with(
                        backend,
                        black_box(PASSWORD),
                        SALT,
                        &Params::BETTER_AUTH,
                        &mut out,
                    )
                });
            },
        );
    }
    g.finish();
}

fn batch(c: &mut Criterion) {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let backend = Backend::best();
    let count = threads * kdf::batch_lanes(backend);
    let passwords: Vec<[u8; 8]> = (0..count as u64).map(u64::to_le_bytes).collect();

    let mut g = c.benchmark_group(format!("batch throughput, {threads} threads"));
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Elements(count as u64));
    g.bench_function(format!("scrypt crate, {count} hashes"), |b| {
        b.iter(|| {
            std::thread::scope(|s| {
                for chunk in passwords.chunks(count.div_ceil(threads)) {
                    s.spawn(move || {
                        let mut out = [0u8; 64];
                        for pw in chunk {
                            scrypt_crate(pw, &mut out);
                        }
                    });
                }
            })
        });
    });
    g.bench_function(format!("bascrypt {backend:?}, {count} hashes"), |b| {
        let mut outs = vec![[0u8; 64]; count];
        b.iter(|| {
            let mut jobs: Vec<Job<'_>> = passwords
                .iter()
                .zip(outs.iter_mut())
                .map(|(pw, out)| Job {
                    password: pw,
                    salt: SALT,
                    out,
                })
                .collect();
            kdf::derive_batch(&Params::BETTER_AUTH, &mut jobs, threads);
        });
    });
    g.finish();
}

criterion_group!(benches, single, batch);
criterion_main!(benches);
