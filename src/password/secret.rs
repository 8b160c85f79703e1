//! The password as a secret: NFKC-normalized, never printed, wiped on drop.

use std::fmt;

use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

/// Better Auth's default minimum password length, in UTF-16 code units.
pub const MIN_PASSWORD_LENGTH: usize = 8;
/// Better Auth's default maximum password length, in UTF-16 code units.
pub const MAX_PASSWORD_LENGTH: usize = 128;

/// A password held in memory that is wiped when dropped.
///
/// `Debug` prints `Password(<redacted>)`, so a password never reaches a log
/// through `{:?}`.
///
/// ```
/// use bascrypt::password::Password;
///
/// let p = Password::new("ﬁsh".to_string());
/// assert_eq!(format!("{p:?}"), "Password(<redacted>)");
/// assert_eq!(p.normalized().as_str(), "fish"); // NFKC turns the ligature into "fi"
/// assert_eq!(Password::new("😀".into()).utf16_len(), 2); // JavaScript's .length
/// assert!(Password::new("first\nsecond".into()).setting_warnings()[0].contains("a line break"));
/// ```
#[derive(Clone)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// Takes ownership of `text`; it is wiped when the `Password` is dropped.
    pub fn new(text: String) -> Password {
        Password(Zeroizing::new(text))
    }

    /// The password as typed.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The password after Unicode NFKC normalization, as Better Auth hashes it.
    pub fn normalized(&self) -> Zeroizing<String> {
        // Room for the worst case up front (NFKC turns one 3-byte character,
        // U+FDFA, into 33 bytes), so the string never reallocates and leaves
        // an unwiped copy of the password in freed memory.
        let mut out = Zeroizing::new(String::with_capacity(self.0.len() * 11 + 16));
        out.extend(self.0.nfkc());
        out
    }

    /// True when NFKC normalization changes the password.
    pub fn changes_under_nfkc(&self) -> bool {
        self.normalized().as_str() != self.expose()
    }

    /// The length Better Auth's limits count: UTF-16 code units (JavaScript `.length`).
    pub fn utf16_len(&self) -> usize {
        self.0.encode_utf16().count()
    }

    /// Everything worth a warning before *setting* this password: Better
    /// Auth's length limits, and whitespace or a CR at either end (usually a
    /// copy-paste or file-reading accident, and invisible at the prompt).
    pub fn setting_warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self.length_warning().into_iter().collect();
        let text = self.expose();
        if text.ends_with('\r') {
            out.push("the password ends with a carriage return (\\r): was it read from a Windows file? Sign-in needs it typed exactly".into());
        } else if text.trim_end() != text {
            out.push(
                "the password ends with whitespace, which the person signing in must type too"
                    .into(),
            );
        }
        // A trailing \r is told above; any other control character (a line
        // break inside, a tab) cannot be typed into a sign-in form.
        let body = text.strip_suffix('\r').unwrap_or(text);
        if let Some((i, c)) = body.chars().enumerate().find(|(_, c)| c.is_control()) {
            let what = match c {
                '\n' | '\r' => "a line break",
                '\t' => "a tab",
                _ => "a control character",
            };
            out.push(format!(
                "the password contains {what} (U+{:04X}, character {}), which a sign-in form cannot take: was more than one line read?",
                c as u32,
                i + 1
            ));
        }
        if text.trim_start() != text {
            out.push(
                "the password starts with whitespace, which the person signing in must type too"
                    .into(),
            );
        }
        out
    }

    /// Better Auth's default length rule (8 to 128 UTF-16 code units), as a
    /// human sentence when the password breaks it.
    pub fn length_warning(&self) -> Option<String> {
        let n = self.utf16_len();
        if n < MIN_PASSWORD_LENGTH {
            Some(format!(
                "the password is {n} UTF-16 code unit{} long; Better Auth's default minimum is {MIN_PASSWORD_LENGTH}, so sign-up and password changes through Better Auth would refuse it (sign-in still works)",
                if n == 1 { "" } else { "s" }
            ))
        } else if n > MAX_PASSWORD_LENGTH {
            Some(format!(
                "the password is {n} UTF-16 code units long; Better Auth's default maximum is {MAX_PASSWORD_LENGTH}: sign-up refuses it and Better Auth 1.7 refuses it at sign-in"
            ))
        } else {
            None
        }
    }
}

impl From<&str> for Password {
    fn from(s: &str) -> Self {
        Password::new(s.to_owned())
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}
