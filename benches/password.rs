//! `hash` and `verify` at Better Auth's parameters, with the `scrypt` crate as the baseline.

use criterion::{black_box, criterion_group, criterion_main, Criterion};

use bascrypt::password::{self, Params, Salt};

const STORED: &str = "00112233445566778899aabbccddeeff:73122e887cfc14f91396cdef78dfe4b9dec28d459037601c4904cedba5a637ab97b39b40c236df5d42881d0109ca8cf0f85e39dbaba2911c190915bd8f30fe85";

fn password_ops(c: &mut Criterion) {
    let mut g = c.benchmark_group("better-auth-password");
    g.sample_size(10);
    let salt = Salt::parse("00112233445566778899aabbccddeeff").unwrap();
    g.bench_function("bascrypt hash", |b| {
        b.iter(|| password::hash_with_salt(black_box("password123"), &salt, &Params::BETTER_AUTH))
    });
    g.bench_function("bascrypt verify", |b| {
        b.iter(|| password::verify(black_box("password123"), black_box(STORED)))
    });
    g.bench_function("scrypt crate scrypt::scrypt", |b| {
        let p = scrypt::Params::new(14, 16, 1).unwrap();
        let mut out = [0u8; 64];
        b.iter(|| {
            scrypt::scrypt(
                black_box(b"password123"),
                b"00112233445566778899aabbccddeeff",
                &p,
                &mut out,
            )
            .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, password_ops);
criterion_main!(benches);
