//! How a value that does not match was probably made: the usual mistakes, tried one by one.

use subtle::ConstantTimeEq;

use super::finding::{Finding, Severity};
use super::{derive_key, derive_raw, split_stored, to_hex, Params, Password};

/// Tries the usual ways a stored value gets made wrong and returns each one
/// that reproduces `stored` for `password`.
///
/// Call it after [`verify`](super::verify) said no. It tries: a stored value
/// with whitespace or uppercase hex (accepted by Better Auth ≤ 1.5, refused by
/// ≥ 1.6), a truncated 32-byte key, the salt hex-decoded to 16 bytes, r = 8
/// (Lucia's `LegacyScrypt` and hand copies), a password that was not
/// NFKC-normalized, and a password with a trailing newline or surrounding
/// spaces. When nothing reproduces it, the single finding `no-known-cause`
/// says the password is most likely just different.
///
/// Costs up to eight scrypt calls (32 MiB each, one at a time).
///
/// ```
/// use bascrypt::password::{explain, hash_with_salt, Params, Salt};
///
/// let salt = Salt::parse("00112233445566778899aabbccddeeff").unwrap();
/// let stored = hash_with_salt("hunter2hunter2", &salt, &Params::BETTER_AUTH).to_string();
/// let shouted = stored.to_uppercase();
/// let found = explain("hunter2hunter2", &shouted, &Params::BETTER_AUTH);
/// assert_eq!(found[0].code, "uppercase-key");
/// ```
pub fn explain(password: &str, stored: &str, params: &Params) -> Vec<Finding> {
    let clean = stored.trim().trim_matches('"').to_ascii_lowercase();
    let Ok((salt, key)) = split_stored(&clean) else {
        return vec![Finding::new(
            "unusable-value",
            Severity::Throws,
            "the stored value has no <salt>:<key> shape to compare against; see `bascrypt inspect`",
        )];
    };
    let key = key.as_bytes();
    let mut found = Vec::new();
    let matches =
        |candidate: &[u8]| -> bool { bool::from(to_hex(candidate).as_slice().ct_eq(key)) };

    let right = derive_key(password, salt.as_bytes(), params);
    if matches(&right) {
        if stored.trim() != stored {
            found.push(
                Finding::new("stored-whitespace", Severity::Error,
                    "the value is right but has whitespace around it (a trailing newline, CR or space): Better Auth compares the text as stored")
                .fix("store it trimmed"),
            );
        }
        if stored.trim().starts_with('"') {
            found.push(
                Finding::new(
                    "stored-quoted",
                    Severity::Error,
                    "the value is right but wrapped in quotes",
                )
                .fix("store it without the quotes"),
            );
        }
        if stored.chars().any(|c| c.is_ascii_uppercase()) {
            found.push(
                Finding::new("uppercase-key", Severity::Error,
                    "the value is right but written in uppercase hex: Better Auth ≤ 1.5 accepted it, ≥ 1.6 compares lowercase text and refuses it")
                .fix("store it in lowercase"),
            );
        }
        return found;
    }
    let right_hex = to_hex(&right);
    // Constant-time like every comparison with a derived key, though only
    // the length of the prefix is compared here.
    if !key.is_empty()
        && key.len() < right_hex.len()
        && bool::from(right_hex[..key.len()].ct_eq(key))
    {
        found.push(
            Finding::new("truncated-key", Severity::Error,
                format!("the key is the first {} hex characters of the right one: it was truncated or made with a {}-byte output", key.len(), key.len() / 2))
            .fix("re-hash with a 64-byte output (`bascrypt hash`)"),
        );
    }

    if let Ok(decoded) = hex::decode(salt) {
        if matches(&derive_key(password, &decoded, params)) {
            found.push(
                Finding::new("salt-decoded", Severity::Error,
                    "the key was made with the salt hex-decoded to its 16 bytes; Better Auth feeds scrypt the salt's hex text")
                .fix("re-hash with the salt text as scrypt's salt (`bascrypt hash`)"),
            );
        }
    }
    if params.r() != 8 {
        if let Ok(r8) = Params::new(params.log_n(), 8, params.p(), params.key_len()) {
            if matches(&derive_key(password, salt.as_bytes(), &r8)) {
                found.push(
                    Finding::new("r8-legacy", Severity::Error,
                        "the key was made with r = 8 (Lucia's LegacyScrypt or a hand-written copy); Better Auth uses r = 16")
                    .fix("re-hash with Better Auth's parameters (`bascrypt hash`), or verify with r = 8 in a custom `password.verify` while users migrate"),
                );
            }
        }
    }
    let typed = Password::from(password);
    if typed.changes_under_nfkc()
        && matches(&derive_raw(password.as_bytes(), salt.as_bytes(), params))
    {
        found.push(
            Finding::new("not-normalized", Severity::Error,
                "the key was made from the password without NFKC normalization; Better Auth normalizes before hashing")
            .fix("re-hash through Better Auth or `bascrypt hash`, which normalize"),
        );
    }
    let variants: [(&str, String); 4] = [
        ("password-trailing-newline", format!("{password}\n")),
        ("password-trailing-crlf", format!("{password}\r\n")),
        ("password-trailing-space", format!("{password} ")),
        ("password-untrimmed", password.trim().to_string()),
    ];
    for (code, variant) in variants {
        let variant = Password::new(variant);
        if variant.expose() == password {
            continue;
        }
        if matches(&derive_key(variant.expose(), salt.as_bytes(), params)) {
            let what = match code {
                "password-trailing-newline" => "the password plus a trailing newline (\\n): it was read from a file or `echo` without stripping it",
                "password-trailing-crlf" => "the password plus a trailing CR LF (\\r\\n): it was read from a Windows file",
                "password-trailing-space" => "the password plus a trailing space",
                _ => "the password with its surrounding whitespace removed",
            };
            found.push(
                Finding::new(code, Severity::Error, format!("the key was made from {what}"))
                    .fix("re-hash the intended password (`bascrypt hash --password-stdin` strips one trailing newline)"),
            );
        }
    }
    if stored.trim() != stored || stored.chars().any(|c| c.is_ascii_uppercase()) {
        found.push(Finding::new(
            "stored-text-damaged",
            Severity::Info,
            "besides, the stored text has whitespace or uppercase hex; see `bascrypt inspect`",
        ));
    }
    if found.iter().all(|f| f.severity == Severity::Info) {
        found.insert(
            0,
            Finding::new("no-known-cause", Severity::Info,
                "none of the usual mistakes reproduces this key: the password is most likely simply different (or the app set its own scrypt parameters)")
            .fix("set a new password (`bascrypt hash`, or `bascrypt snapshot set-password`)"),
        );
    }
    found
}
