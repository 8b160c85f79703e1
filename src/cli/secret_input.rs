//! Reading a password: a no-echo prompt on a terminal, or standard input with a flag.

use std::io::{IsTerminal, Read};

use anyhow::{bail, Context, Result};
use bascrypt::password::Password;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

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
    // Echo is off while the prompt waits: a Ctrl-C there must turn it back on.
    let _echo = EchoGuard::install();
    let first = Password::new(
        rpassword::prompt_password("Password: ")
            .context("could not read the password from the terminal")?,
    );
    if confirm {
        let second = Password::new(
            rpassword::prompt_password("Repeat password: ")
                .context("could not read the password from the terminal")?,
        );
        if !bool::from(first.expose().as_bytes().ct_eq(second.expose().as_bytes())) {
            bail!("the two passwords differ; nothing was done");
        }
    }
    check_text(first.expose().as_bytes(), "the password typed")?;
    Ok(first)
}

/// Restores the terminal's settings if the process is interrupted (SIGINT,
/// SIGTERM, SIGHUP) while a no-echo prompt waits: without it, Ctrl-C at the
/// prompt leaves the shell with echo off.
struct EchoGuard {
    previous: Vec<(libc::c_int, libc::sighandler_t)>,
}

/// The terminal and its settings before the prompt, for the signal handler.
/// Written before the handlers are installed and only read after.
static mut SAVED: Option<(libc::c_int, libc::termios)> = None;

const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

extern "C" fn restore_and_die(signal: libc::c_int) {
    // SAFETY: SAVED is not written while handlers are installed; tcsetattr,
    // signal and raise are async-signal-safe.
    unsafe {
        if let Some((fd, termios)) = *std::ptr::addr_of!(SAVED) {
            libc::tcsetattr(fd, libc::TCSANOW, &termios);
        }
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

impl EchoGuard {
    fn install() -> Option<EchoGuard> {
        let tty = std::fs::OpenOptions::new()
            .read(true)
            .open("/dev/tty")
            .ok()?;
        // The descriptor must outlive the guard; it is closed at exit.
        let fd = std::os::fd::IntoRawFd::into_raw_fd(tty);
        // SAFETY: fd is an open terminal; termios is plain data that
        // tcgetattr fills; no handler runs yet while SAVED is written.
        unsafe {
            let mut termios = std::mem::zeroed::<libc::termios>();
            if libc::tcgetattr(fd, &mut termios) != 0 {
                libc::close(fd);
                return None;
            }
            *std::ptr::addr_of_mut!(SAVED) = Some((fd, termios));
            let handler = restore_and_die as extern "C" fn(libc::c_int) as libc::sighandler_t;
            let previous = SIGNALS
                .iter()
                .map(|&s| (s, libc::signal(s, handler)))
                .collect();
            Some(EchoGuard { previous })
        }
    }
}

impl Drop for EchoGuard {
    fn drop(&mut self) {
        // SAFETY: puts back the handlers install() replaced.
        unsafe {
            for &(s, h) in &self.previous {
                libc::signal(s, h);
            }
        }
    }
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
    // Checked above, but never `expect`: a panic message would print the
    // error's Debug, which holds the password's bytes.
    match String::from_utf8(std::mem::take(&mut *bytes)) {
        Ok(text) => Ok(Password::new(text)),
        Err(e) => {
            let mut raw = e.into_bytes();
            raw.zeroize();
            bail!("the password on standard input is not valid UTF-8")
        }
    }
}

fn check_text(bytes: &[u8], what: &str) -> Result<()> {
    if let Err(e) = std::str::from_utf8(bytes) {
        bail!("{what} is not valid UTF-8 (byte {} is the first bad one): Better Auth hashes Unicode text, and these bytes have no text to hash; check the input's encoding", e.valid_up_to() + 1);
    }
    if bytes.starts_with("\u{feff}".as_bytes()) {
        bail!("{what} starts with a byte-order mark (bytes EF BB BF, which Windows editors put at the start of a text file): it would become part of the password, and nobody can type it; save the file as UTF-8 without BOM, or pipe the password in with printf");
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
        let err = read(b"\xef\xbb\xbfChange-me-now-42\r\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("starts with a byte-order mark"), "{err}");
        assert!(!err.contains("Change-me"), "{err}");
        let err = read(b"a\0b").unwrap_err().to_string();
        assert!(err.contains("NUL byte (byte 2)"), "{err}");
        assert!(read(&vec![b'a'; STDIN_LIMIT + 1]).is_err());
        assert!(read(&vec![b'a'; STDIN_LIMIT]).is_ok());
    }
}
