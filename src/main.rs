//! The `bascrypt` command: argument parsing and printing only; the library does the work.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
