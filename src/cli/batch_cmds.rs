//! `hash --batch`, `verify --batch` (JSON lines in, JSON lines out) and `bench`.

use std::io::{BufRead, Write};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Args;
use serde::Deserialize;
use serde_json::json;
use zeroize::Zeroizing;

use bascrypt::kdf;
use bascrypt::password::{self, Params, Password, Salt};

/// Lines are read and hashed this many at a time, so memory stays bounded
/// however long the input is.
const CHUNK: usize = 256;
/// The longest input line accepted.
const MAX_LINE: usize = 1 << 20;

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HashLine {
    password: String,
    #[serde(default)]
    salt: Option<String>,
    #[serde(default)]
    id: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyLine {
    password: String,
    hash: String,
    #[serde(default)]
    id: Option<serde_json::Value>,
}

/// One input line, parsed or refused.
enum Parsed<T> {
    Ok(T),
    Bad(String, Option<serde_json::Value>),
}

fn parse<T: for<'de> Deserialize<'de>>(
    line: &[u8],
    number: u64,
    example: &str,
    fields: &str,
) -> Parsed<T> {
    let id = || {
        serde_json::from_slice::<serde_json::Value>(line)
            .ok()
            .and_then(|v| v.get("id").cloned())
    };
    if line.len() > MAX_LINE {
        return Parsed::Bad(format!("line {number}: longer than {MAX_LINE} bytes"), None);
    }
    // serde's derived structs also accept a JSON array, field by field in
    // order, so `["pw"]` would hash "pw"; only an object is a line.
    if !line.trim_ascii_start().starts_with(b"{") {
        return Parsed::Bad(
            format!("line {number}: not a JSON object; expected one object a line like {example}"),
            None,
        );
    }
    match serde_json::from_slice::<T>(line) {
        Ok(v) => Parsed::Ok(v),
        // serde_json's message can quote the input; say where, never what.
        Err(e) => {
            let what = match e.classify() {
                serde_json::error::Category::Data => {
                    format!("a field is missing, unknown or not a string (fields: {fields})")
                }
                serde_json::error::Category::Eof => "the JSON ends early".to_owned(),
                _ => "not valid JSON".to_owned(),
            };
            Parsed::Bad(
                format!(
                    "line {number}, column {}: {what}; expected one object a line like {example}",
                    e.column()
                ),
                id(),
            )
        }
    }
}

/// Reads up to [`CHUNK`] non-empty lines; the buffer holding them is wiped on drop.
fn read_chunk<R: BufRead>(
    input: &mut R,
    next_line: &mut u64,
) -> Result<Vec<(u64, Zeroizing<Vec<u8>>)>> {
    let mut out = Vec::new();
    while out.len() < CHUNK {
        let mut buf = Zeroizing::new(Vec::new());
        // Bounded, so a line without a newline cannot grow without limit.
        let n = <&mut _ as std::io::Read>::take(&mut *input, MAX_LINE as u64 + 2)
            .read_until(b'\n', &mut buf)
            .context("reading standard input")?;
        if n == 0 {
            break;
        }
        *next_line += 1;
        if buf.len() > MAX_LINE + 1 && !buf.ends_with(b"\n") {
            bail!("line {next_line} of standard input is longer than {MAX_LINE} bytes");
        }
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        out.push((*next_line, buf));
    }
    Ok(out)
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

/// A parsed line's password, its other input, and the `id` to echo.
type Item<T> = (Password, T, Option<serde_json::Value>);

/// The loop both batch modes share: read a chunk, parse each line, compute
/// the good ones together, answer every line in order. Returns the worst code.
fn run_batch<T>(
    parse_line: impl Fn(&[u8], u64) -> Parsed<Item<T>>,
    compute: impl Fn(&[(&str, &T)]) -> Vec<(serde_json::Value, u8)>,
    unusable: impl Fn(String) -> serde_json::Value,
) -> Result<u8> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut line_no, mut worst) = (0u64, 0u8);
    loop {
        let chunk = read_chunk(&mut input, &mut line_no)?;
        if chunk.is_empty() {
            break;
        }
        let parsed: Vec<Parsed<Item<T>>> =
            chunk.iter().map(|(n, raw)| parse_line(raw, *n)).collect();
        let jobs: Vec<(&str, &T)> = parsed
            .iter()
            .filter_map(|p| match p {
                Parsed::Ok((pw, extra, _)) => Some((pw.expose(), extra)),
                Parsed::Bad(..) => None,
            })
            .collect();
        let mut answers = compute(&jobs).into_iter();
        drop(jobs);
        for p in parsed {
            let (v, code, id) = match p {
                Parsed::Ok((_, _, id)) => {
                    let (v, code) = answers.next().expect("one answer per good line");
                    (v, code, id)
                }
                Parsed::Bad(message, id) => (unusable(message), 2, id),
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
    let parse_line = |raw: &[u8], n: u64| match parse::<HashLine>(
        raw,
        n,
        r#"{"password":"...","salt":"..."}"#,
        "password, optional salt and id",
    ) {
        Parsed::Ok(l) => {
            let pw = Password::new(l.password);
            // The same rules as `hash --password-stdin`: nothing to store for an
            // empty password, and a NUL is never typed.
            if pw.expose().is_empty() {
                return Parsed::Bad(
                    format!("line {n}: the password is empty; refusing to hash it"),
                    l.id,
                );
            }
            if pw.expose().contains('\0') {
                return Parsed::Bad(format!("line {n}: the password contains a NUL character; a typed password never does"), l.id);
            }
            match l.salt.as_deref().map(Salt::parse).transpose() {
                Ok(salt) => Parsed::Ok((pw, salt.unwrap_or_else(Salt::random), l.id)),
                Err(e) => Parsed::Bad(format!("line {n}: salt: {e}"), l.id),
            }
        }
        Parsed::Bad(m, id) => Parsed::Bad(m, id),
    };
    let compute = |jobs: &[(&str, &Salt)]| {
        let jobs: Vec<(&str, Salt)> = jobs.iter().map(|(pw, salt)| (*pw, **salt)).collect();
        password::hash_batch(&jobs, params, threads)
            .into_iter()
            .map(|h| (json!({ "hash": h.to_string() }), 0))
            .collect()
    };
    run_batch(parse_line, compute, |message| json!({ "error": message }))
}

/// `verify --batch`: `{"password": "...", "hash": "...", "id": …?}` per line in,
/// `{"match": bool, "verdict": …}` per line out, in order.
pub fn verify(params: &Params, threads: usize) -> Result<u8> {
    let parse_line = |raw: &[u8], n: u64| match parse::<VerifyLine>(
        raw,
        n,
        r#"{"password":"...","hash":"..."}"#,
        "password, hash, optional id",
    ) {
        Parsed::Ok(l) => Parsed::Ok((Password::new(l.password), l.hash, l.id)),
        Parsed::Bad(m, id) => Parsed::Bad(m, id),
    };
    let compute = |jobs: &[(&str, &String)]| {
        let jobs: Vec<(&str, &str)> = jobs.iter().map(|(pw, h)| (*pw, h.as_str())).collect();
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
        parse_line,
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
