//! `bascrypt::kdf` must give bit for bit what the `scrypt` crate gives, on
//! every backend this CPU can run, single and batched.

use bascrypt::kdf::{self, Backend, Job};
use bascrypt::password::Params;
use proptest::prelude::*;

fn reference(password: &[u8], salt: &[u8], params: &Params, out_len: usize) -> Vec<u8> {
    let p = scrypt::Params::new(params.log_n(), params.r(), params.p()).unwrap();
    let mut out = vec![0u8; out_len];
    scrypt::scrypt(password, salt, &p, &mut out).unwrap();
    out
}

fn ours(
    backend: Backend,
    password: &[u8],
    salt: &[u8],
    params: &Params,
    out_len: usize,
) -> Vec<u8> {
    let mut out = vec![0u8; out_len];
    kdf::derive_with(backend, password, salt, params, &mut out);
    out
}

/// RFC 7914 section 12; the N = 1048576 vector (1 GiB) only with BASCRYPT_EXPENSIVE=1.
#[test]
fn rfc7914_vectors() {
    type Vector = (&'static [u8], &'static [u8], u8, u32, u32, &'static str);
    let vectors: [Vector; 4] = [
        (b"", b"", 4, 1, 1, "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"),
        (b"password", b"NaCl", 10, 8, 16, "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"),
        (b"pleaseletmein", b"SodiumChloride", 14, 8, 1, "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"),
        (b"pleaseletmein", b"SodiumChloride", 20, 8, 1, "2101cb9b6a511aaeaddbbe09cf70f881ec568d574a2ffd4dabe5ee9820adaa478e56fd8f4ba5d09ffa1c6d927c40f4c337304049e8a952fbcbf45c6fa77a41a4"),
    ];
    let expensive = std::env::var("BASCRYPT_EXPENSIVE").is_ok_and(|v| v == "1");
    for (pw, salt, log_n, r, p, hex_want) in vectors {
        if log_n == 20 && !expensive {
            continue;
        }
        let params = Params::new(log_n, r, p, 64).unwrap();
        let want = hex::decode(hex_want).unwrap();
        for backend in kdf::available_backends() {
            let got = ours(backend, pw, salt, &params, 64);
            assert_eq!(got, want, "{backend:?} N=2^{log_n}");
        }
        let mut out = [0u8; 64];
        let mut jobs = [Job {
            password: pw,
            salt,
            out: &mut out,
        }];
        kdf::derive_batch(&params, &mut jobs, 1);
        assert_eq!(out.to_vec(), want, "batch N=2^{log_n}");
    }
}

/// What Better Auth stores for `password123` with this (hex text) salt.
#[test]
fn better_auth_known_answer() {
    let want = "73122e887cfc14f91396cdef78dfe4b9dec28d459037601c4904cedba5a637ab97b39b40c236df5d42881d0109ca8cf0f85e39dbaba2911c190915bd8f30fe85";
    let salt = b"00112233445566778899aabbccddeeff";
    for backend in kdf::available_backends() {
        let got = ours(backend, b"password123", salt, &Params::BETTER_AUTH, 64);
        assert_eq!(hex::encode(got), want, "{backend:?}");
    }
    let mut out = [0u8; 64];
    kdf::derive(b"password123", salt, &Params::BETTER_AUTH, &mut out);
    assert_eq!(hex::encode(out), want);

    // A full batch on every backend, the known answer in one lane of several.
    for backend in kdf::available_backends() {
        let mut outs = vec![[0u8; 64]; kdf::batch_lanes(backend) + 1];
        let mut jobs: Vec<Job<'_>> = outs
            .iter_mut()
            .map(|out| Job {
                password: b"password123",
                salt,
                out,
            })
            .collect();
        kdf::derive_batch_with(backend, 64, &Params::BETTER_AUTH, &mut jobs, 2);
        for out in &outs {
            assert_eq!(hex::encode(out), want, "batch {backend:?}");
        }
    }
}

fn small_params() -> impl Strategy<Value = (Params, usize)> {
    (1u8..=10, 1u32..=16, 1u32..=3, 1usize..=128)
        .prop_map(|(log_n, r, p, len)| (Params::new(log_n, r, p, len).unwrap(), len))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn single_matches_scrypt_crate(
        password in proptest::collection::vec(any::<u8>(), 0..80),
        salt in proptest::collection::vec(any::<u8>(), 0..80),
        (params, len) in small_params(),
    ) {
        let want = reference(&password, &salt, &params, len);
        for backend in kdf::available_backends() {
            prop_assert_eq!(&ours(backend, &password, &salt, &params, len), &want, "{:?}", backend);
        }
    }

    #[test]
    fn batch_matches_scrypt_crate(
        inputs in proptest::collection::vec(
            (proptest::collection::vec(any::<u8>(), 0..40), proptest::collection::vec(any::<u8>(), 0..40)),
            1..20,
        ),
        (params, len) in small_params(),
        threads in 1usize..=3,
        lanes in 1usize..=16,
    ) {
        let want: Vec<Vec<u8>> = inputs.iter().map(|(pw, salt)| reference(pw, salt, &params, len)).collect();
        for backend in kdf::available_backends() {
            let mut outs = vec![vec![0u8; len]; inputs.len()];
            let mut jobs: Vec<Job<'_>> = inputs
                .iter()
                .zip(outs.iter_mut())
                .map(|((pw, salt), out)| Job { password: pw, salt, out })
                .collect();
            kdf::derive_batch_with(backend, lanes, &params, &mut jobs, threads);
            prop_assert_eq!(&outs, &want, "{:?} lanes {} threads {}", backend, lanes, threads);
        }
    }
}

/// Phase 1 of ROMix can write V with ordinary or non-temporal stores (a
/// switch kept for measuring); both must give the same bits, single and
/// batched, on every backend. The switch is process-wide, but every test
/// here compares with the `scrypt` crate, so flipping it under another test
/// cannot make that test pass or fail wrongly.
#[test]
fn both_store_kinds_match_scrypt_crate() {
    let cases = [
        (
            Params::new(4, 1, 1, 64).unwrap(),
            &b"password"[..],
            &b"NaCl"[..],
        ),
        (
            Params::new(10, 8, 2, 37).unwrap(),
            b"p\xc3\xa4ss",
            b"00112233445566778899aabbccddeeff",
        ),
        (Params::new(8, 16, 1, 64).unwrap(), b"", b"salt"),
    ];
    for nt in [false, true] {
        kdf::set_nt_stores(Some(nt));
        for (params, password, salt) in &cases {
            let len = params.key_len();
            let want = reference(password, salt, params, len);
            for backend in kdf::available_backends() {
                let got = ours(backend, password, salt, params, len);
                assert_eq!(got, want, "{backend:?} nt={nt} {params:?}");
                let mut outs = vec![vec![0u8; len]; kdf::batch_lanes(backend) + 3];
                let mut jobs: Vec<Job<'_>> = outs
                    .iter_mut()
                    .map(|out| Job {
                        password,
                        salt,
                        out,
                    })
                    .collect();
                kdf::derive_batch_with(backend, kdf::batch_lanes(backend), params, &mut jobs, 2);
                for out in &outs {
                    assert_eq!(out, &want, "batch {backend:?} nt={nt} {params:?}");
                }
            }
        }
    }
    kdf::set_nt_stores(None);
}
