//! What the doctor reports: one [`Finding`] per fault, with a stable [`Code`].

use std::fmt;

use serde::Serialize;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Worth knowing; nothing fails because of it.
    Info,
    /// Fails only under some settings or versions, or is damage that does not
    /// stop sign-in today.
    Warning,
    /// Sign-in, password reset or `npx convex import` fails because of it.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $text:literal,)*) => {
        /// The kind of a finding. The kebab-case text ([`Code::as_str`]) is the
        /// stable contract scripts match on.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[$doc])* #[serde(rename = $text)] $variant,)*
        }

        impl Code {
            /// Every code, in the order of the table.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable kebab-case text, e.g. `email-case`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }
        }
    };
}

codes! {
    /// No component `user` has the (lowercased) email.
    UserMissing = "user-missing",
    /// The app's own users table has the person, the component `user` table does not.
    AppOnlyUser = "app-only-user",
    /// The stored email is not lowercase, so Better Auth's lookup never finds it.
    EmailCase = "email-case",
    /// The stored email has leading or trailing whitespace, so it never matches.
    EmailWhitespace = "email-whitespace",
    /// The stored email fails the email check Better Auth runs on what is
    /// typed (zod's `z.email()`), so nobody can type it and sign in.
    InvalidEmail = "invalid-email",
    /// Two component users whose emails are equal, or equal ignoring case.
    DuplicateEmail = "duplicate-email",
    /// The user has no `credential` account.
    NoCredentialAccount = "no-credential-account",
    /// A user has more than one `credential` account; 1.6 takes the first.
    DuplicateCredentialAccount = "duplicate-credential-account",
    /// The credential account's `accountId` is not the user's `_id`.
    AccountIdMismatch = "account-id-mismatch",
    /// A credential account without a password.
    NoPassword = "no-password",
    /// A bcrypt / argon2 / other hash Better Auth's default verify cannot read.
    ForeignHash = "foreign-hash",
    /// A Better Auth–shaped value that can never verify.
    MalformedHash = "malformed-hash",
    /// The given password does not match a well-formed hash.
    WrongPassword = "wrong-password",
    /// `emailVerified` is not true.
    EmailNotVerified = "email-not-verified",
    /// The given password is over 128 UTF-16 code units.
    PasswordTooLong = "password-too-long",
    /// A password-like field on the `user` row, where Better Auth never looks.
    PasswordOnUserRow = "password-on-user-row",
    /// An `account` row whose `userId` is no user.
    OrphanAccount = "orphan-account",
    /// A `session` row whose `userId` is no user.
    OrphanSession = "orphan-session",
    /// An app row's link (or a component user's legacy `userId`) points at nothing.
    AppLinkBroken = "app-link-broken",
    /// The export has no Better Auth component.
    ComponentMissing = "component-missing",
    /// An `_id` that is not a valid Convex ID or carries another table's number.
    InvalidId = "invalid-id",
    /// An `_id` that occurs twice in one table.
    DuplicateId = "duplicate-id",
    /// A `_creationTime` / `*At` number without a fraction in a `"uniform"` export.
    IntegerFloat = "integer-float",
    /// A BOM, CRLF, blank line or a line that is not a JSON object.
    BadLine = "bad-line",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One fault the doctor found, with where it is and what to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What kind of fault.
    pub code: Code,
    /// How bad.
    pub severity: Severity,
    /// Where: `betterAuth/user`, `users` (an app table), or `(export)`.
    pub table: String,
    /// The row's `_id`, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The email concerned, as stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The line of the table's `documents.jsonl`, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// What is wrong and what it does to sign-in, in plain words.
    pub message: String,
    /// One line saying how to repair it, often a `bascrypt snapshot …` command.
    pub fix: String,
}

impl Finding {
    pub(crate) fn new(code: Code, severity: Severity, table: impl Into<String>) -> Self {
        Finding {
            code,
            severity,
            table: table.into(),
            id: None,
            email: None,
            line: None,
            message: String::new(),
            fix: String::new(),
        }
    }

    pub(crate) fn id(mut self, id: Option<&str>) -> Self {
        self.id = id.filter(|s| !s.is_empty()).map(str::to_owned);
        self
    }

    pub(crate) fn email(mut self, email: Option<&str>) -> Self {
        self.email = email.map(str::to_owned);
        self
    }

    pub(crate) fn line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    pub(crate) fn message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    pub(crate) fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = fix.into();
        self
    }
}
