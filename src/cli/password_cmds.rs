//! `hash`, `verify` and `inspect`.

use anyhow::{Context, Result};
use clap::Args;
use serde_json::json;

use bascrypt::password::{self, Finding, Params, Salt, Severity, Verdict};

use super::batch_cmds;
use super::secret_input::{read_new_password, read_password};
use super::{OutputArgs, ParamsArgs, PasswordArgs};

#[derive(Args)]
pub struct HashArgs {
    #[command(flatten)]
    password: PasswordArgs,
    /// Use this salt (32 lowercase hex characters) instead of a random one, for
    /// a reproducible value.
    #[arg(long, value_name = "SALT", conflicts_with = "batch")]
    salt: Option<String>,
    /// Read JSON lines `{"password": "...", "salt": "..."}` (salt optional; an
    /// `id` is echoed back) from standard input and write one `{"hash": "..."}`
    /// line each, in order, using every core.
    #[arg(long, conflicts_with = "password_stdin")]
    batch: bool,
    /// Threads for --batch (default: every core).
    #[arg(long, value_name = "N", requires = "batch")]
    threads: Option<usize>,
    #[command(flatten)]
    params: ParamsArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The stored value, as in account.password (`<salt>:<key>`).
    #[arg(
        value_name = "STORED",
        required_unless_present = "batch",
        conflicts_with = "batch"
    )]
    stored: Option<String>,
    /// Read JSON lines `{"password": "...", "hash": "..."}` from standard input
    /// and write one `{"match": bool, "verdict": ...}` line each, in order,
    /// using every core. Exit 0 if all match, 1 if any does not, 2 if any
    /// line is unusable or would throw.
    #[arg(long, conflicts_with_all = ["password_stdin", "explain"])]
    batch: bool,
    /// Threads for --batch (default: every core).
    #[arg(long, value_name = "N", requires = "batch")]
    threads: Option<usize>,
    #[command(flatten)]
    password: PasswordArgs,
    /// When the password does not match, try the usual mistakes (decoded salt,
    /// r = 8, truncated key, missing NFKC, trailing newline, uppercase) and say
    /// which one reproduces the stored value.
    #[arg(long)]
    explain: bool,
    #[command(flatten)]
    params: ParamsArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args)]
pub struct InspectArgs {
    /// The stored value, as in account.password.
    #[arg(value_name = "STORED")]
    stored: String,
    #[command(flatten)]
    params: ParamsArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Longest STORED value taken: Better Auth's is 161 characters and no password
/// hash format comes near this, so anything longer is a pasted file or a
/// mistake, and answering about it would only echo it.
const MAX_STORED_BYTES: usize = 4096;

fn check_stored_size(stored: &str) -> Result<()> {
    if stored.len() > MAX_STORED_BYTES {
        anyhow::bail!(
            "STORED is {} bytes long; a Better Auth value is 161 characters (<32 hex salt>:<128 hex key>), and no password hash format is over {MAX_STORED_BYTES} bytes: pass the value of account.password alone",
            stored.len()
        );
    }
    Ok(())
}

pub fn hash(args: HashArgs) -> Result<u8> {
    let params = args.params.params()?;
    if args.batch {
        return batch_cmds::hash(&params, batch_cmds::threads_for(&params, args.threads)?);
    }
    let salt = match &args.salt {
        Some(text) => Salt::parse(text).context("--salt")?,
        None => Salt::random(),
    };
    let (pw, warnings) = read_new_password(args.password.source(true))?;
    let stored = password::hash_with_salt(pw.expose(), &salt, &params);
    if args.output.json {
        let out = json!({
            "hash": stored.to_string(),
            "salt": salt.as_str(),
            "params": params_json(&params),
            "warnings": warnings,
        });
        println!("{out}");
    } else {
        for w in &warnings {
            eprintln!("bascrypt: warning: {w}");
        }
        println!("{stored}");
    }
    Ok(0)
}

pub fn verify(args: VerifyArgs) -> Result<u8> {
    let params = args.params.params()?;
    if args.batch {
        return batch_cmds::verify(&params, batch_cmds::threads_for(&params, args.threads)?);
    }
    let stored = args.stored.as_deref().unwrap_or_default();
    check_stored_size(stored)?;
    let pw = read_password(args.password.source(false))?;
    let inspection = password::inspect(stored, &params);
    let result = password::verify_with(pw.expose(), stored, &params);
    let mut findings: Vec<Finding> = inspection.findings.clone();
    let (verdict, code) = match &result {
        Ok(true) => ("match", 0),
        Ok(false) => ("no-match", 1),
        Err(_) => ("throws", 2),
    };
    if result == Ok(false) && args.explain {
        findings.extend(password::explain(pw.expose(), stored, &params));
    }
    if let Some(w) = pw.length_warning() {
        findings.push(Finding {
            code: "password-length",
            severity: Severity::Info,
            message: w,
            fix: None,
        });
    }
    drop(pw);

    if args.output.json {
        let out = json!({
            "match": result == Ok(true),
            "verdict": verdict,
            "error": result.as_ref().err().map(|e| e.to_string()),
            "findings": findings,
        });
        println!("{out}");
        return Ok(code);
    }
    if params != Params::BETTER_AUTH {
        println!("note: custom scrypt parameters: the verdict holds for a Better Auth configured with them, not for the default");
    }
    match &result {
        Ok(true) => println!("match: Better Auth would accept this password"),
        Ok(false) => println!(
            "no match: Better Auth would refuse this password (it logs \"Invalid password\" and answers 401)"
        ),
        Err(e) => println!("Better Auth would throw on this stored value, so sign-in answers HTTP 500: {e}"),
    }
    print_findings(&findings);
    if result == Ok(false) && !args.explain {
        println!("hint: --explain tries the usual ways a value gets made wrong and says which one this is");
    }
    Ok(code)
}

pub fn inspect(args: InspectArgs) -> Result<u8> {
    let params = args.params.params()?;
    check_stored_size(&args.stored)?;
    let inspection = password::inspect(&args.stored, &params);
    if args.output.json {
        println!("{}", serde_json::to_string(&inspection)?);
    } else {
        match inspection.verdict {
            Verdict::Acceptable => println!(
                "acceptable: Better Auth's verify can accept this value with the right password"
            ),
            Verdict::NeverMatches => {
                println!("never matches: Better Auth's verify refuses this value whatever the password")
            }
            Verdict::Throws => println!(
                "throws: Better Auth's verify throws `Invalid password hash` on this value (sign-in answers HTTP 500)"
            ),
        }
        print_findings(&inspection.findings);
    }
    Ok(if inspection.is_acceptable() { 0 } else { 1 })
}

fn print_findings(findings: &[Finding]) {
    for f in findings {
        println!("  {} [{}]: {}", f.severity, f.code, f.message);
        if let Some(fix) = &f.fix {
            println!("    fix: {fix}");
        }
    }
}

fn params_json(p: &password::Params) -> serde_json::Value {
    json!({ "n": p.n(), "r": p.r(), "p": p.p(), "key_len": p.key_len() })
}
