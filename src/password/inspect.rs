//! What is wrong with a stored value, without the password.

use serde::Serialize;

use super::finding::{Finding, Severity};
use super::{split_stored, Params, VerifyError};

/// The overall answer of [`inspect`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Better Auth's verify can return true for this value (with the right password).
    Acceptable,
    /// Better Auth's verify always returns false for this value.
    NeverMatches,
    /// Better Auth's verify throws on this value: sign-in answers HTTP 500.
    Throws,
}

/// Everything [`inspect`] found about one stored value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Inspection {
    /// The overall answer.
    pub verdict: Verdict,
    /// One entry per defect, worst first.
    pub findings: Vec<Finding>,
}

impl Inspection {
    /// True when Better Auth's verify can ever accept the value.
    pub fn is_acceptable(&self) -> bool {
        self.verdict == Verdict::Acceptable
    }
}

const RESET_FIX: &str = "set a new password: `bascrypt hash` makes a value to paste into account.password, or `bascrypt snapshot set-password` edits an export";

/// Names every reason Better Auth's default verify could refuse or throw on
/// `stored`, without needing the password.
///
/// Recognizes foreign formats (bcrypt, argon2, PHC scrypt, Django PBKDF2,
/// sha-crypt, bare MD5/SHA digests) by name, and damage to a Better Auth value
/// (whitespace or a newline around it, quotes, uppercase hex, a truncated key,
/// non-hex characters, empty parts, extra `:` parts).
///
/// ```
/// use bascrypt::password::{inspect, Params, Verdict};
///
/// let good = "00112233445566778899aabbccddeeff:73122e887cfc14f91396cdef78dfe4b9dec28d459037601c4904cedba5a637ab97b39b40c236df5d42881d0109ca8cf0f85e39dbaba2911c190915bd8f30fe85";
/// assert_eq!(inspect(good, &Params::BETTER_AUTH).verdict, Verdict::Acceptable);
///
/// let pasted = format!("{good}\n");
/// let report = inspect(&pasted, &Params::BETTER_AUTH);
/// assert_eq!(report.verdict, Verdict::NeverMatches);
/// assert_eq!(report.findings[0].code, "whitespace");
///
/// let bcrypt = "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
/// assert_eq!(inspect(bcrypt, &Params::BETTER_AUTH).findings[0].code, "foreign-hash");
/// ```
pub fn inspect(stored: &str, params: &Params) -> Inspection {
    let mut findings = Vec::new();

    let trimmed = stored.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if trimmed.len() != stored.len() {
        findings.push(whitespace_finding(stored, trimmed));
    }
    let mut core = trimmed;
    if core.len() >= 2
        && ((core.starts_with('"') && core.ends_with('"'))
            || (core.starts_with('\'') && core.ends_with('\'')))
    {
        findings.push(
            Finding::new(
                "quoted",
                Severity::Error,
                "the value is wrapped in quotes, which became part of the salt and the key",
            )
            .fix("store the value without the surrounding quotes"),
        );
        core = &core[1..core.len() - 1];
    }

    let throws = split_stored(stored).err();
    if let Some(format) = foreign_format(core) {
        let severity = if throws.is_some() {
            Severity::Throws
        } else {
            Severity::Error
        };
        let consequence = if throws.is_some() {
            "Better Auth's default verify throws `Invalid password hash` on it (no ':'), so sign-in answers HTTP 500, not \"invalid password\""
        } else {
            "Better Auth's default verify can never match it"
        };
        findings.push(
            Finding::new(
                "foreign-hash",
                severity,
                format!("this looks like {format}, not Better Auth's scrypt <salt>:<key>; {consequence}"),
            )
            .fix(format!(
                "either {RESET_FIX}, or give Better Auth an `emailAndPassword.password.verify` that also accepts {format} while users migrate"
            )),
        );
        return finish(findings);
    }

    if let Some(err) = throws {
        let (code, why) = match err {
            VerifyError::NoColon => ("no-colon", "the value has no ':'"),
            VerifyError::EmptySalt => ("empty-salt", "the salt (before the first ':') is empty"),
            VerifyError::EmptyKey => ("empty-key", "the key (after the first ':') is empty"),
        };
        findings.push(
            Finding::new(
                code,
                Severity::Throws,
                format!("{why}: Better Auth throws `Invalid password hash`, so sign-in answers HTTP 500, not \"invalid password\""),
            )
            .fix(RESET_FIX),
        );
        return finish(findings);
    }

    // Better Auth ignores everything after the second ':'.
    let mut parts = core.split(':');
    let salt = parts.next().unwrap_or("");
    let key = parts.next().unwrap_or("");
    let extra = parts.count();
    if extra > 0 {
        findings.push(
            Finding::new(
                "extra-parts",
                Severity::Warning,
                format!("the value has {} ':' separators; Better Auth uses only <salt>:<key> and ignores the rest, so it can still verify, but it did not write this", extra + 1),
            )
            .fix("drop everything after the key"),
        );
    }

    // A wholly uppercased value is one defect, reported on the key.
    if !key.chars().any(|c| c.is_ascii_uppercase()) {
        check_salt(salt, &mut findings);
    } else {
        check_salt(&salt.to_ascii_lowercase(), &mut findings);
    }
    let salt_upper = salt.chars().any(|c| c.is_ascii_uppercase());
    check_key(key, salt_upper, params, &mut findings);
    finish(findings)
}

fn finish(mut findings: Vec<Finding>) -> Inspection {
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let verdict = match findings.first().map(|f| f.severity) {
        Some(Severity::Throws) => Verdict::Throws,
        Some(Severity::Error) => Verdict::NeverMatches,
        _ => Verdict::Acceptable,
    };
    Inspection { verdict, findings }
}

fn whitespace_finding(stored: &str, trimmed: &str) -> Finding {
    let start = trimmed.as_ptr() as usize - stored.as_ptr() as usize;
    let leading = &stored[..start];
    let trailing = &stored[start + trimmed.len()..];
    let mut places = Vec::new();
    if !leading.is_empty() {
        places.push(format!("starts with {}", describe_whitespace(leading)));
    }
    if !trailing.is_empty() {
        places.push(format!("ends with {}", describe_whitespace(trailing)));
    }
    Finding::new(
        "whitespace",
        Severity::Error,
        format!(
            "the value {}; Better Auth compares the text as stored, so it never matches (a copy-paste or a file read without trimming usually does this)",
            places.join(" and ")
        ),
    )
    .fix("store the value without the surrounding whitespace")
}

fn describe_whitespace(s: &str) -> String {
    if s == "\r\n" {
        return "CR LF (\\r\\n)".into();
    }
    // Runs of one character, and only the first few runs: a value padded
    // with a megabyte of mixed whitespace must not give a megabyte of text.
    const SHOWN: usize = 4;
    let mut runs: Vec<(&str, usize)> = Vec::new();
    for c in s.chars() {
        let name = match c {
            '\n' => "LF (\\n)",
            '\r' => "CR (\\r)",
            '\t' => "a tab",
            ' ' => "a space",
            '\u{feff}' => "a byte-order mark",
            _ => "a Unicode space",
        };
        match runs.last_mut() {
            Some((last, count)) if *last == name => *count += 1,
            _ => runs.push((name, 1)),
        }
    }
    let mut parts: Vec<String> = runs
        .iter()
        .take(SHOWN)
        .map(|&(name, count)| match count {
            1 => name.to_owned(),
            n => format!("{n} × {name}"),
        })
        .collect();
    if runs.len() > SHOWN {
        let rest: usize = runs[SHOWN..].iter().map(|&(_, n)| n).sum();
        parts.push(format!("{rest} more whitespace characters"));
    }
    parts.join(", ")
}

fn check_salt(salt: &str, findings: &mut Vec<Finding>) {
    let len = salt.chars().count();
    if salt.chars().any(|c| c.is_ascii_uppercase()) && salt.chars().all(|c| c.is_ascii_hexdigit()) {
        findings.push(Finding::new(
            "uppercase-hex",
            Severity::Warning,
            "the salt has uppercase hex digits; Better Auth writes lowercase and hashes the salt text as-is, so this only verifies if the key was made from this exact uppercase text",
        ));
    } else if let Some(pos) = salt.chars().position(|c| !c.is_ascii_hexdigit()) {
        findings.push(Finding::new(
            "salt-not-hex",
            Severity::Warning,
            format!("character {} of the salt is not a hex digit; Better Auth's salts are hex, though verify uses any salt text as-is", pos + 1),
        ));
    }
    if len != 32 {
        findings.push(Finding::new(
            "salt-length",
            Severity::Warning,
            format!("the salt is {len} characters; Better Auth writes 32 (16 random bytes in hex). It can still verify if the key was made with this salt text"),
        ));
    }
}

fn check_key(key: &str, salt_upper: bool, params: &Params, findings: &mut Vec<Finding>) {
    let expected = params.key_len() * 2;
    let len = key.chars().count();
    if let Some(pos) = key.chars().position(|c| !c.is_ascii_hexdigit()) {
        findings.push(
            Finding::new(
                "non-hex",
                Severity::Error,
                format!("character {} of the key is not a hex digit; the computed key is always lowercase hex, so it never matches", pos + 1),
            )
            .fix(RESET_FIX),
        );
    } else if key.chars().any(|c| c.is_ascii_uppercase()) {
        findings.push(
            Finding::new(
                "uppercase-hex",
                Severity::Error,
                "the key has uppercase hex digits: Better Auth ≥ 1.6 compares lowercase hex text, so it never matches (≤ 1.5 compared bytes and accepted it)",
            )
            .fix(if salt_upper {
                // The whole value was uppercased: the key was made from the
                // lowercase salt text, so lowercasing the key alone never matches.
                "store the whole value (salt and key) in lowercase: an uppercased copy of a Better Auth value verifies again once lowercased (verify --explain with the password confirms it)"
            } else {
                "store the key in lowercase; the value is otherwise unchanged"
            }),
        );
    }
    if len != expected {
        let what = if len * 2 == expected {
            format!(
                "exactly half: a {}-byte key, truncated or made with a shorter output length",
                len / 2
            )
        } else if len < expected {
            "too short: truncated".into()
        } else {
            "too long".into()
        };
        findings.push(
            Finding::new(
                "key-length",
                Severity::Error,
                format!("the key is {len} characters, {what}; with these parameters Better Auth computes {expected}, so it never matches"),
            )
            .fix(RESET_FIX),
        );
    }
}

/// Names a well-known password hash format, if `value` is one.
fn foreign_format(value: &str) -> Option<&'static str> {
    const PREFIXES: &[(&str, &str)] = &[
        ("$2a$", "bcrypt"),
        ("$2b$", "bcrypt"),
        ("$2y$", "bcrypt"),
        ("$2x$", "bcrypt"),
        ("$argon2id$", "argon2id"),
        ("$argon2i$", "argon2i"),
        ("$argon2d$", "argon2d"),
        ("$scrypt$", "PHC-format scrypt"),
        ("$7$", "crypt(3) scrypt ($7$)"),
        ("$y$", "yescrypt"),
        ("$pbkdf2", "PHC-format PBKDF2"),
        ("pbkdf2_sha256$", "Django PBKDF2-SHA256"),
        ("pbkdf2_sha1$", "Django PBKDF2-SHA1"),
        ("argon2$", "Django argon2"),
        ("bcrypt_sha256$", "Django bcrypt-SHA256"),
        ("bcrypt$", "Django bcrypt"),
        ("$1$", "MD5-crypt"),
        ("$5$", "SHA-256-crypt"),
        ("$6$", "SHA-512-crypt"),
        ("{SSHA}", "LDAP salted SHA-1"),
        ("{SHA}", "LDAP SHA-1"),
    ];
    if let Some((_, name)) = PREFIXES.iter().find(|(p, _)| value.starts_with(p)) {
        return Some(name);
    }
    if value.chars().all(|c| c.is_ascii_hexdigit()) {
        return match value.len() {
            32 => Some("a bare MD5 hex digest (unsalted)"),
            40 => Some("a bare SHA-1 hex digest (unsalted)"),
            64 => Some("a bare SHA-256 hex digest (unsalted)"),
            128 => Some("a bare SHA-512 hex digest (unsalted)"),
            _ => None,
        };
    }
    None
}
