//! Reading a password: a no-echo prompt on a terminal, or standard input with a flag.

use std::io::{IsTerminal, Read};

use anyhow::{bail, Context, Result};
use bascrypt::password::Password;
use zeroize::Zeroizing;

/// The most a password on standard input may be; Better Auth's own maximum is 128 characters.
const STDIN_LIMIT: usize = 64 * 1024;

/// How the command gets its password.
#[derive(Clone, Copy)]
pub enum Source {
    /// `--password-stdin`.
    Stdin,
    /// The terminal prompt; `confirm` asks twice.
    Prompt { confirm: bool },
}

/// A password to *store*: never empty (an unset shell variable must not become
/// an admin's password), with warnings for what is probably a mistake.
pub fn read_new_password(source: Source) -> Result<(Password, Vec<String>)> {
    let pw = read_password(source)?;
    if pw.expose().is_empty() {
        bail!("the password is empty: refusing to store a hash of the empty password (an unset variable in `printf \"$PW\" | …` does this); nothing was written");
    }
    let warnings = pw.setting_warnings();
    Ok((pw, warnings))
}

pub fn read_password(source: Source) -> Result<Password> {
    match source {
        Source::Stdin => read_stdin(&mut std::io::stdin().lock()),
        Source::Prompt { confirm } => prompt(confirm),
    }
}

fn prompt(confirm: bool) -> Result<Password> {
    if !std::io::stdin().is_terminal() {
        bail!("no password given: standard input is not a terminal, so there is nothing to prompt on; pass --password-stdin and pipe the password in (one trailing newline is stripped)");
    }
    let first = Password::new(
        rpassword::prompt_password("Password: ")
            .context("could not read the password from the terminal")?,
    );
    if confirm {
        let second = Password::new(
            rpassword::prompt_password("Repeat password: ")
                .context("could not read the password from the terminal")?,
        );
        if first.expose() != second.expose() {
            bail!("the two passwords differ; nothing was done");
        }
    }
    check_text(first.expose().as_bytes(), "the password typed")?;
    Ok(first)
}

/// Reads the whole of `input`, strips one trailing `\n` or `\r\n`, and checks it is text.
pub fn read_stdin(input: &mut impl Read) -> Result<Password> {
    // Sized up front so reading never reallocates and leaves an unwiped copy behind.
    let mut bytes = Zeroizing::new(Vec::with_capacity(STDIN_LIMIT + 1));
    input
        .take(STDIN_LIMIT as u64 + 1)
        .read_to_end(&mut bytes)
        .context("could not read the password from standard input")?;
    if bytes.len() > STDIN_LIMIT {
        bail!("more than {STDIN_LIMIT} bytes on standard input: that is not a password (Better Auth's maximum is 128 characters); pipe in the password alone");
    }
    let ending = if bytes.ends_with(b"\r\n") {
        2
    } else {
        usize::from(bytes.ends_with(b"\n"))
    };
    let len = bytes.len() - ending;
    bytes.truncate(len);
    check_text(&bytes, "the password on standard input")?;
    let text = String::from_utf8(std::mem::take(&mut *bytes)).expect("checked UTF-8 above");
    Ok(Password::new(text))
}

fn check_text(bytes: &[u8], what: &str) -> Result<()> {
    if let Err(e) = std::str::from_utf8(bytes) {
        bail!("{what} is not valid UTF-8 (byte {} is the first bad one): Better Auth hashes Unicode text, and these bytes have no text to hash; check the input's encoding", e.valid_up_to() + 1);
    }
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        bail!("{what} contains a NUL byte (byte {}): a typed password never does; was a binary file piped in?", pos + 1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<String> {
        read_stdin(&mut &bytes[..]).map(|p| p.expose().to_string())
    }

    #[test]
    fn strips_exactly_one_line_ending() {
        assert_eq!(read(b"pw\n").unwrap(), "pw");
        assert_eq!(read(b"pw\r\n").unwrap(), "pw");
        assert_eq!(read(b"pw\n\n").unwrap(), "pw\n");
        assert_eq!(read(b" pw \r").unwrap(), " pw \r");
        assert_eq!(read(b"").unwrap(), "");
    }

    #[test]
    fn refuses_non_text() {
        let err = read(b"ab\xed\xa0\x80cd").unwrap_err().to_string();
        assert!(err.contains("not valid UTF-8 (byte 3"), "{err}");
        let err = read(b"a\0b").unwrap_err().to_string();
        assert!(err.contains("NUL byte (byte 2)"), "{err}");
        assert!(read(&vec![b'a'; STDIN_LIMIT + 1]).is_err());
        assert!(read(&vec![b'a'; STDIN_LIMIT]).is_ok());
    }
}
