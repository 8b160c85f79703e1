//! Writes a synthetic Convex export with N Better Auth users, for scale tests.
//!
//! `cargo run --release --example synthetic_export -- big.zip 1000000`

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(out), Some(users)) = (args.next(), args.next()) else {
        eprintln!("usage: synthetic_export OUT.zip USERS [SEED]");
        std::process::exit(2);
    };
    let seed = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1);
    bascrypt::convex::fixture::write_synthetic_export(out.as_ref(), users.parse()?, seed)?;
    Ok(())
}
