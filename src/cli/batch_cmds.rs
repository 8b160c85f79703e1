//! `hash --batch`, `verify --batch` (JSON lines in, JSON lines out) and `bench`.

use std::io::Write;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Args;
use serde_json::json;

use bascrypt::kdf;
use bascrypt::password::{
    self, BadBatchLine, BatchLine, BatchReader, HashRequest, Params, Salt, VerifyRequest,
};

/// Lines are read and hashed this many at a time, so memory stays bounded
/// however long the input is.
const CHUNK: usize = 256;

/// The default thread count: every core.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The most memory a batch may hold at once, in MiB.
const MAX_BATCH_MEMORY_MIB: usize = 8 * 1024;

/// The thread count for a batch: as asked (or every core), checked against
/// the memory it would take (threads x lanes x 128 * N * r).
pub fn threads_for(params: &Params, requested: Option<usize>) -> Result<usize> {
    let threads = match requested {
        Some(0) => bail!("--threads must be at least 1"),
        Some(n) => n,
        None => default_threads(),
    };
    let lanes = kdf::batch_lanes(kdf::Backend::best());
    let mib = (params.memory_bytes() >> 20)
        .saturating_mul(lanes)
        .saturating_mul(threads);
    if mib > MAX_BATCH_MEMORY_MIB {
        bail!("{threads} threads x {lanes} hashes in flight x {} MiB each needs {mib} MiB; bascrypt refuses more than {MAX_BATCH_MEMORY_MIB} MiB: lower --threads", params.memory_bytes() >> 20);
    }
    Ok(threads)
}

fn emit(
    out: &mut impl Write,
    mut v: serde_json::Value,
    id: Option<serde_json::Value>,
) -> Result<()> {
    if let Some(id) = id {
        v["id"] = id;
    }
    writeln!(out, "{v}").context("writing standard output")
}

/// A request that carries an `id` to echo in its answer.
trait Request {
    fn id(&self) -> Option<serde_json::Value>;
}

impl Request for HashRequest {
    fn id(&self) -> Option<serde_json::Value> {
        self.id.clone()
    }
}

impl Request for VerifyRequest {
    fn id(&self) -> Option<serde_json::Value> {
        self.id.clone()
    }
}

/// The loop both batch modes share: read a chunk, parse each line, compute
/// the good ones together, answer every line in order. Returns the worst code.
fn run_batch<T: Request>(
    parse_line: impl Fn(&BatchLine) -> Result<T, BadBatchLine>,
    compute: impl Fn(&[&T]) -> Vec<(serde_json::Value, u8)>,
    unusable: impl Fn(String) -> serde_json::Value,
) -> Result<u8> {
    let mut input = BatchReader::new(std::io::stdin().lock());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut worst = 0u8;
    loop {
        let chunk = input.next_chunk(CHUNK).context("reading standard input")?;
        if chunk.is_empty() {
            break;
        }
        let parsed: Vec<Result<T, BadBatchLine>> = chunk.iter().map(&parse_line).collect();
        drop(chunk);
        let good: Vec<&T> = parsed.iter().filter_map(|p| p.as_ref().ok()).collect();
        let mut answers = compute(&good).into_iter();
        for p in &parsed {
            let (v, code, id) = match p {
                Ok(request) => {
                    let (v, code) = answers.next().expect("one answer per good line");
                    (v, code, request.id())
                }
                Err(bad) => (unusable(bad.to_string()), 2, bad.id.clone()),
            };
            worst = worst.max(code);
            emit(&mut out, v, id)?;
        }
        out.flush()?;
    }
    Ok(worst)
}

/// `hash --batch`: `{"password": "...", "salt": "..."?, "id": …?}` per line in,
/// `{"hash": "..."}` or `{"error": "..."}` per line out, in order.
pub fn hash(params: &Params, threads: usize) -> Result<u8> {
    let compute = |jobs: &[&HashRequest]| {
        let jobs: Vec<(&str, Salt)> = jobs.iter().map(|r| (r.password.expose(), r.salt)).collect();
        password::hash_batch(&jobs, params, threads)
            .into_iter()
            .map(|h| (json!({ "hash": h.to_string() }), 0))
            .collect()
    };
    run_batch(
        HashRequest::parse,
        compute,
        |message| json!({ "error": message }),
    )
}

/// `verify --batch`: `{"password": "...", "hash": "...", "id": …?}` per line in,
/// `{"match": bool, "verdict": …}` per line out, in order.
pub fn verify(params: &Params, threads: usize) -> Result<u8> {
    let compute = |jobs: &[&VerifyRequest]| {
        let jobs: Vec<(&str, &str)> = jobs
            .iter()
            .map(|r| (r.password.expose(), r.stored.as_str()))
            .collect();
        password::verify_batch(&jobs, params, threads)
            .into_iter()
            .map(|r| match r {
                Ok(true) => (json!({ "match": true, "verdict": "match" }), 0),
                Ok(false) => (json!({ "match": false, "verdict": "no-match" }), 1),
                Err(e) => (
                    json!({ "match": false, "verdict": "throws", "error": e.to_string() }),
                    2,
                ),
            })
            .collect()
    };
    run_batch(
        VerifyRequest::parse,
        compute,
        |message| json!({ "match": false, "verdict": "unusable", "error": message }),
    )
}

#[derive(Args)]
pub struct BenchArgs {
    /// Measure 1 to this many threads (default: every core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Seconds to measure each setting.
    #[arg(long, default_value_t = 3.0, value_name = "S")]
    seconds: f64,
    #[command(flatten)]
    params: super::ParamsArgs,
    #[command(flatten)]
    pub output: super::OutputArgs,
}

/// `bench`: this machine's ms per hash and hashes per second for 1..N threads.
pub fn bench(a: BenchArgs) -> Result<u8> {
    let params = a.params.params()?;
    if !(a.seconds > 0.0 && a.seconds <= 600.0) {
        bail!("--seconds must be more than 0 and at most 600");
    }
    let max = a.threads.unwrap_or_else(default_threads).max(1);
    let duration = Duration::from_secs_f64(a.seconds);
    let backend = kdf::Backend::best();
    let lanes = kdf::batch_lanes(backend);
    if !a.output.json {
        eprintln!(
            "measuring scrypt N={} r={} p={} on {backend:?} ({lanes} hashes per thread in batch mode), {} s per row…",
            params.n(), params.r(), params.p(), a.seconds
        );
    }
    let single = kdf::measure(&params, 0, duration);
    let rows: Vec<kdf::Measurement> = (1..=max)
        .map(|t| kdf::measure(&params, t, duration))
        .collect();
    if a.output.json {
        let rows: Vec<_> = rows
            .iter()
            .map(|m| json!({ "threads": m.threads, "hashes_per_second": m.hashes_per_second(), "ms_per_hash": m.ms_per_hash() }))
            .collect();
        println!(
            "{}",
            json!({
                "backend": format!("{backend:?}"),
                "lanes_per_thread": lanes,
                "single_ms_per_hash": single.ms_per_hash(),
                "batch": rows,
                "memory_per_thread_bytes": lanes * params.memory_bytes(),
            })
        );
        return Ok(0);
    }
    println!(
        "one hash at a time (sign-in latency): {:.1} ms",
        single.ms_per_hash()
    );
    println!(
        "threads  hashes/s  (batch mode, {} MiB per thread)",
        (lanes * params.memory_bytes()) >> 20
    );
    for m in &rows {
        println!("{:7}  {:8.1}", m.threads, m.hashes_per_second());
    }
    Ok(0)
}
