//! Interleaved timing of bascrypt's scrypt against the `scrypt` crate, at
//! Better Auth's parameters, for `benches/compare.sh`.
//!
//! `cargo bench --bench kdf_compare -- [ROUNDS] [THREADS]` runs ROUNDS rounds;
//! each round times every contender once, in turn, so that machine noise hits
//! them alike, and the medians are printed as `name ms_per_hash` lines.

use bascrypt::kdf::{self, Backend, Job};
use bascrypt::password::Params;
use std::time::Instant;

const SALT: &[u8] = b"00112233445566778899aabbccddeeff";

fn crate_single(pw: &[u8]) {
    let p = scrypt::Params::new(14, 16, 1).unwrap();
    let mut out = [0u8; 64];
    scrypt::scrypt(pw, SALT, &p, &mut out).unwrap();
    std::hint::black_box(out);
}

/// CPU time of the whole process so far, all threads, in milliseconds.
fn cpu_ms() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid timespec to write to.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1000.0 + ts.tv_nsec as f64 / 1e6
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let rounds: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(7);
    let threads: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2);
    let params = Params::BETTER_AUTH;

    // Warm-up: fault in our pooled buffers once, as a long-running process would.
    let mut out = [0u8; 64];
    for b in kdf::available_backends() {
        kdf::derive_with(b, b"warm", SALT, &params, &mut out);
    }

    type Contender<'a> = (String, usize, Box<dyn Fn(u64) + 'a>);
    let mut contenders: Vec<Contender<'_>> = Vec::new();
    contenders.push((
        "scrypt crate, 1 thread".into(),
        1,
        Box::new(|i| crate_single(&i.to_le_bytes())),
    ));
    for b in kdf::available_backends() {
        contenders.push((
            format!("bascrypt derive {b:?}"),
            1,
            Box::new(move |i| {
                let mut out = [0u8; 64];
                kdf::derive_with(b, &i.to_le_bytes(), SALT, &Params::BETTER_AUTH, &mut out);
                std::hint::black_box(out);
            }),
        ));
    }
    contenders.push((
        format!("scrypt crate, {threads} threads"),
        threads * 2,
        Box::new(move |i| {
            std::thread::scope(|s| {
                for t in 0..threads as u64 {
                    s.spawn(move || {
                        for k in 0..2u64 {
                            crate_single(&(i * 1000 + t * 10 + k).to_le_bytes());
                        }
                    });
                }
            });
        }),
    ));
    let best = Backend::best();
    for b in kdf::available_backends() {
        if b == Backend::Portable && best != Backend::Portable {
            continue;
        }
        // KDF_LANES=16,8 also tries other widths (default: the backend's own).
        let widths: Vec<usize> = std::env::var("KDF_LANES")
            .ok()
            .map(|v| v.split(',').filter_map(|w| w.parse().ok()).collect())
            .unwrap_or_else(|| vec![kdf::batch_lanes(b)]);
        for (t, lanes) in [1, threads]
            .into_iter()
            .flat_map(|t| widths.iter().map(move |&w| (t, w)))
        {
            let lanes = lanes.min(kdf::batch_lanes(b));
            let count = t * lanes;
            let suffix = if lanes == kdf::batch_lanes(b) {
                String::new()
            } else {
                format!(" ({lanes} lanes)")
            };
            contenders.push((
                format!("bascrypt batch {b:?}, {t} threads{suffix}"),
                count,
                Box::new(move |i| {
                    let pws: Vec<[u8; 16]> = (0..count as u64)
                        .map(|k| {
                            let mut pw = [0u8; 16];
                            pw[..8].copy_from_slice(&i.to_le_bytes());
                            pw[8..].copy_from_slice(&k.to_le_bytes());
                            pw
                        })
                        .collect();
                    let mut outs = vec![[0u8; 64]; count];
                    let mut jobs: Vec<Job<'_>> = pws
                        .iter()
                        .zip(outs.iter_mut())
                        .map(|(pw, out)| Job {
                            password: pw,
                            salt: SALT,
                            out,
                        })
                        .collect();
                    kdf::derive_batch_with(b, lanes, &Params::BETTER_AUTH, &mut jobs, t);
                    std::hint::black_box(outs);
                }),
            ));
        }
    }

    // KDF_ONLY=a|b keeps the contenders whose name contains a or b.
    if let Ok(only) = std::env::var("KDF_ONLY") {
        contenders.retain(|(name, _, _)| only.split('|').any(|o| name.contains(o)));
    }
    // KDF_AB=1 runs every bascrypt contender with non-temporal V stores
    // forced on and forced off, to compare the two in one run.
    if std::env::var("KDF_AB").is_ok_and(|v| v == "1") {
        let mut ab: Vec<Contender<'_>> = Vec::new();
        for (name, count, f) in contenders {
            if !name.starts_with("bascrypt") {
                ab.push((name, count, f));
                continue;
            }
            let f: std::rc::Rc<dyn Fn(u64)> = f.into();
            for nt in [false, true] {
                let f = f.clone();
                ab.push((
                    format!("{name} nt={nt}"),
                    count,
                    Box::new(move |i| {
                        kdf::set_nt_stores(Some(nt));
                        f(i);
                        kdf::set_nt_stores(None);
                    }),
                ));
            }
        }
        contenders = ab;
    }
    // One untimed pass so every batch configuration has its pool buffers.
    for (_, _, f) in &contenders {
        f(0);
    }
    let mut wall: Vec<Vec<f64>> = vec![Vec::new(); contenders.len()];
    let mut cpu: Vec<Vec<f64>> = vec![Vec::new(); contenders.len()];
    for round in 0..rounds {
        for (k, (_, count, f)) in contenders.iter().enumerate() {
            let (start, start_cpu) = (Instant::now(), cpu_ms());
            f(round as u64 + 1);
            wall[k].push(start.elapsed().as_secs_f64() * 1000.0 / *count as f64);
            cpu[k].push((cpu_ms() - start_cpu) / *count as f64);
        }
    }
    println!("contender\twall_ms_per_hash\tcpu_ms_per_hash");
    for (((name, _, _), w), c) in contenders.iter().zip(wall.iter_mut()).zip(cpu.iter_mut()) {
        println!("{name}\t{:.2}\t{:.2}", median(w), median(c));
    }
}
