//! The command line: parse arguments, call the library, print.

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
}

/// Where the password comes from. No flag ever takes the password itself.
#[derive(Args, Clone, Copy)]
pub struct PasswordArgs {
    /// Read the password from standard input (one trailing newline is stripped)
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

/// scrypt parameters, for apps that gave Better Auth their own hash function.
#[derive(Args, Clone, Copy)]
#[command(next_help_heading = "Custom scrypt parameters (default: Better Auth's)")]
pub struct ParamsArgs {
    /// scrypt N (a power of two).
    #[arg(long, value_name = "N", default_value_t = 16384)]
    scrypt_n: u64,
    /// scrypt r.
    #[arg(long, value_name = "R", default_value_t = 16)]
    scrypt_r: u32,
    /// scrypt p.
    #[arg(long, value_name = "P", default_value_t = 1)]
    scrypt_p: u32,
    /// Derived key length in bytes (the stored key has twice as many hex characters).
    #[arg(long, value_name = "BYTES", default_value_t = 64)]
    key_len: usize,
}

impl ParamsArgs {
    fn params(&self) -> anyhow::Result<Params> {
        let n = self.scrypt_n;
        if !n.is_power_of_two() || n < 2 {
            anyhow::bail!("--scrypt-n must be a power of two of at least 2, got {n}");
        }
        Ok(Params::new(
            n.trailing_zeros() as u8,
            self.scrypt_r,
            self.scrypt_p,
            self.key_len,
        )?)
    }
}

/// Output options every command shares.
#[derive(Args, Clone, Copy)]
pub struct OutputArgs {
    /// Print one JSON object on standard output instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let (json, result) = match cli.command {
        Command::Hash(a) => (a.output.json, password_cmds::hash(a)),
        Command::Verify(a) => (a.output.json, password_cmds::verify(a)),
        Command::Inspect(a) => (a.output.json, password_cmds::inspect(a)),
        Command::Snapshot(c) => (c.json(), snapshot_cmds::run(*c)),
        Command::Doctor(a) => (a.output.json, doctor_cmd::run(*a)),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            if json {
                println!("{}", serde_json::json!({ "error": format!("{err:#}") }));
            }
            eprintln!("bascrypt: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
