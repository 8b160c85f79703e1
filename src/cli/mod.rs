//! The command line: parse arguments, call the library, print.

mod batch_cmds;
mod doctor_cmd;
mod password_cmds;
mod secret_input;
mod snapshot_cmds;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use bascrypt::password::Params;

/// Create, check and repair Better Auth credential passwords, in Convex exports too.
#[derive(Parser)]
#[command(name = "bascrypt", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Hash a password into the `<salt>:<key>` value Better Auth stores in account.password.
    Hash(password_cmds::HashArgs),
    /// Check a password against a stored value, exactly as Better Auth ≥ 1.6 does.
    ///
    /// Exit 0: Better Auth would accept it; 1: it would refuse it; 2: Better
    /// Auth would throw on this stored value (sign-in answers HTTP 500), or the
    /// input is unusable.
    Verify(password_cmds::VerifyArgs),
    /// Say whether Better Auth can ever accept a stored value, and name every defect.
    ///
    /// Exit 0: acceptable; 1: not.
    Inspect(password_cmds::InspectArgs),
    /// Edit a Convex snapshot export (`npx convex export`): add a user, set a password, remove,
    /// list. The output imports with `npx convex import --replace-all`.
    #[command(subcommand)]
    Snapshot(Box<snapshot_cmds::SnapshotCommand>),
    /// Say exactly why a login fails: for one email (--email) or the whole export.
    ///
    /// Exit 0: no error-level finding; 1: some; 2: the input is unusable.
    Doctor(Box<doctor_cmd::DoctorArgs>),
    /// Measure this machine: ms per hash, and hashes per second for 1..N threads.
    Bench(batch_cmds::BenchArgs),
}

/// Where the password comes from. No flag ever takes the password itself.
#[derive(Args, Clone, Copy)]
pub struct PasswordArgs {
    /// Read the password from standard input (one trailing \n or \r\n is stripped)
    /// instead of prompting.
    #[arg(long)]
    password_stdin: bool,
}

impl PasswordArgs {
    fn source(&self, confirm: bool) -> secret_input::Source {
        if self.password_stdin {
            secret_input::Source::Stdin
        } else {
            secret_input::Source::Prompt { confirm }
        }
    }
}

/// The most memory one hash may use, in MiB.
pub const MAX_HASH_MEMORY_MIB: usize = 1024;

/// `next_help_heading` would also move every later argument of the
/// command under this heading, so each argument names it.
const PARAMS_HEADING: &str = "Custom scrypt parameters (default: Better Auth's)";

/// scrypt parameters, for apps that gave Better Auth their own hash function.
#[derive(Args, Clone, Copy)]
pub struct ParamsArgs {
    /// scrypt N (a power of two).
    #[arg(help_heading = PARAMS_HEADING, long, value_name = "N", default_value_t = 16384)]
    scrypt_n: u64,
    /// scrypt r.
    #[arg(help_heading = PARAMS_HEADING, long, value_name = "R", default_value_t = 16)]
    scrypt_r: u32,
    /// scrypt p.
    #[arg(help_heading = PARAMS_HEADING, long, value_name = "P", default_value_t = 1)]
    scrypt_p: u32,
    /// Derived key length in bytes (the stored key has twice as many hex characters).
    #[arg(help_heading = PARAMS_HEADING, long, value_name = "BYTES", default_value_t = 64)]
    key_len: usize,
}

impl ParamsArgs {
    fn params(&self) -> anyhow::Result<Params> {
        let n = self.scrypt_n;
        if !n.is_power_of_two() || !(2..=1 << 31).contains(&n) {
            anyhow::bail!("--scrypt-n must be a power of two from 2 to 2^31, got {n}");
        }
        let params = Params::new(
            n.trailing_zeros() as u8,
            self.scrypt_r,
            self.scrypt_p,
            self.key_len,
        )?;
        // One hash needs 128 * N * r bytes; refuse what would exhaust the
        // machine rather than abort mid-way (Better Auth's need 32 MiB).
        let mib = params.memory_bytes() >> 20;
        if mib > MAX_HASH_MEMORY_MIB {
            anyhow::bail!("--scrypt-n {n} with --scrypt-r {} needs {mib} MiB of memory per hash; bascrypt refuses more than {MAX_HASH_MEMORY_MIB} MiB (Better Auth's parameters need 32 MiB)", self.scrypt_r);
        }
        // p runs the whole memory-hard mix p times over: a typo like
        // --scrypt-p 1000000 would otherwise run for hours.
        let work = params.memory_bytes() as u128 * u128::from(params.p());
        let better_auth = Params::BETTER_AUTH.memory_bytes() as u128;
        if work > MAX_HASH_WORK * better_auth {
            anyhow::bail!("--scrypt-p {} with --scrypt-n {n} and --scrypt-r {} makes one hash {}x the work of Better Auth's (N=16384, r=16, p=1); bascrypt refuses more than {MAX_HASH_WORK}x", params.p(), self.scrypt_r, work / better_auth);
        }
        Ok(params)
    }
}

/// The most work one hash may take, in multiples of Better Auth's (about
/// 40 ms here each): minutes, not hours.
const MAX_HASH_WORK: u128 = 1024;

/// `next_help_heading` would also move every later argument of the
/// command under this heading, so each argument names it.
const OUTPUT_HEADING: &str = "Output";

/// Output options every command shares.
#[derive(Args, Clone, Copy)]
pub struct OutputArgs {
    /// Print one JSON object on standard output instead of text.
    #[arg(help_heading = OUTPUT_HEADING, long)]
    json: bool,
}

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    quit_quietly_on_closed_pipe();
    report_resource_failures_plainly();
    remove_temp_file_when_interrupted();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Scripts that asked for JSON get JSON even for a usage error.
            if e.use_stderr() && std::env::args().any(|a| a == "--json") {
                let text = e.render().to_string();
                let what = text.split("\n\nUsage").next().unwrap_or(&text);
                let what = what.split_whitespace().collect::<Vec<_>>().join(" ");
                println!(
                    "{}",
                    serde_json::json!({ "error": what.trim_start_matches("error: ") })
                );
            }
            e.exit();
        }
    };
    let (json, result) = match cli.command {
        Command::Hash(a) => (a.output.json, password_cmds::hash(a)),
        Command::Verify(a) => (a.output.json, password_cmds::verify(a)),
        Command::Inspect(a) => (a.output.json, password_cmds::inspect(a)),
        Command::Snapshot(c) => (c.json(), snapshot_cmds::run(*c)),
        Command::Doctor(a) => (a.output.json, doctor_cmd::run(*a)),
        Command::Bench(a) => (a.output.json, batch_cmds::bench(a)),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            let message = describe(&err);
            if json {
                println!("{}", serde_json::json!({ "error": message }));
            }
            eprintln!("bascrypt: error: {message}");
            ExitCode::from(2)
        }
    }
}

/// `bascrypt … | head` closes the pipe early. Rust ignores SIGPIPE, so every
/// later `println!` would panic ("failed printing to stdout"); end the
/// process as other Unix filters do instead. Outputs that matter (ZIPs) go
/// to files, written to a temporary name and renamed, so nothing is left
/// half-written by this.
fn quit_quietly_on_closed_pipe() {
    // SAFETY: called first thing in main, before any thread starts; SIG_DFL
    // is a valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Ctrl-C (or SIGTERM, SIGHUP) during a long write: delete the half-written
/// temporary file, then die of the signal as usual. The no-echo prompt puts
/// its own handler in front of this one while it waits.
fn remove_temp_file_when_interrupted() {
    extern "C" fn on_signal(signal: libc::c_int) {
        bascrypt::convex::remove_temp_file_in_progress();
        // SAFETY: signal and raise are async-signal-safe.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
    }
    let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: called at start-up before any thread; the handler only
        // calls async-signal-safe functions.
        unsafe {
            libc::signal(signal, handler);
        }
    }
}

/// `println!` panics when standard output cannot be written (a full disk,
/// `>/dev/full`), and the KDF panics when the kernel refuses its 32 MiB
/// buffers (`ulimit -v`, overcommit off): both are the machine's state, not
/// bugs, so they end with exit 2 and a sentence instead of a panic report.
fn report_resource_failures_plainly() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        let plain = if let Some(why) = message.strip_prefix("failed printing to stdout: ") {
            Some(format!("cannot write to standard output ({why}); an output file named with -o is complete or absent, never half-written"))
        } else if message.starts_with("failed printing to stderr") {
            Some(String::new())
        } else if message.contains("of scrypt scratch memory") {
            Some(format!("{message}: not enough memory for this many hashes at once; lower --threads (each thread holds its batch lanes x 32 MiB)"))
        } else {
            None
        };
        match plain {
            Some(text) => {
                if !text.is_empty() {
                    // Standard error may be what failed: never panic again.
                    use std::io::Write;
                    let _ = writeln!(std::io::stderr(), "bascrypt: error: {text}");
                }
                std::process::exit(2);
            }
            None => default(info),
        }
    }));
}

/// The error and its causes on one line, each said once: library errors often
/// already include their source's text.
fn describe(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}
