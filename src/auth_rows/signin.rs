//! Better Auth's email + password sign-in, step by step, over export rows.

use serde::Serialize;

use super::rows::{AccountRow, UserRow};
use crate::password::{self, Params, Verdict};

/// The Better Auth versions whose sign-in rules differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum BetterAuthVersion {
    /// 1.6.x, what `@convex-dev/better-auth` runs today.
    #[serde(rename = "1.6")]
    V1_6,
    /// 1.7.x.
    #[serde(rename = "1.7")]
    V1_7,
}

impl BetterAuthVersion {
    /// Both, oldest first.
    pub const ALL: [BetterAuthVersion; 2] = [BetterAuthVersion::V1_6, BetterAuthVersion::V1_7];

    /// "1.6" or "1.7".
    pub fn as_str(self) -> &'static str {
        match self {
            BetterAuthVersion::V1_6 => "1.6",
            BetterAuthVersion::V1_7 => "1.7",
        }
    }
}

/// How a sign-in attempt ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Signed in (HTTP 200).
    Success,
    /// Refused, with the status and log line below.
    Failure,
    /// Every row is in place; it now depends on the password, which was not given.
    DependsOnPassword,
}

/// What Better Auth would do with one sign-in attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignInVerdict {
    /// Which rules.
    pub version: BetterAuthVersion,
    /// How it ends.
    pub outcome: Outcome,
    /// The HTTP status, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The line Better Auth logs on the server (`User not found`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<&'static str>,
    /// The step that decided, in plain words.
    pub reason: String,
}

/// One attempt: the typed email and password, and the rows that can matter.
#[derive(Clone, Copy, Debug)]
pub struct SignInAttempt<'a> {
    /// The email as typed.
    pub email: &'a str,
    /// The password as typed; `None` to stop before the password check.
    pub password: Option<&'a str>,
    /// Whether the app sets `requireEmailVerification`.
    pub require_email_verification: bool,
}

/// The rows an attempt can touch, in table order.
#[derive(Clone, Copy, Debug)]
pub struct SignInRows<'a> {
    /// Component users (at least those whose stored email could match).
    pub users: &'a [UserRow],
    /// Component accounts (at least those of the users above).
    pub accounts: &'a [AccountRow],
}

impl SignInVerdict {
    fn fail(version: BetterAuthVersion, status: u16, log: &'static str, reason: String) -> Self {
        SignInVerdict {
            version,
            outcome: Outcome::Failure,
            status: Some(status),
            log: Some(log),
            reason,
        }
    }
}

/// Walks Better Auth's `signInEmail` for `attempt` over `rows`.
///
/// Both first check the typed email with zod's `z.email()` (400
/// `INVALID_EMAIL`, no log line; see [`super::passes_email_check`]).
/// 1.6: find the user whose stored email equals the lowercased typed email
/// (`User not found`), then its `credential` account (`Credential account not
/// found`), then its password (`Password not found`), then verify (throws →
/// 500, false → `Invalid password`), then email verification (403).
/// 1.7 also refuses passwords over 128 characters (400 `PASSWORD_TOO_LONG`), and uses the
/// credential account whose `accountId` equals the user id; every miss there logs
/// `User not found`.
pub fn simulate_sign_in(
    version: BetterAuthVersion,
    attempt: &SignInAttempt<'_>,
    rows: &SignInRows<'_>,
) -> SignInVerdict {
    use BetterAuthVersion::*;
    if !super::passes_email_check(attempt.email) {
        return SignInVerdict {
            version,
            outcome: Outcome::Failure,
            status: Some(400),
            log: None,
            reason: format!("{:?} fails the email check Better Auth runs first (zod's z.email()): 400 INVALID_EMAIL, before any user is looked up", attempt.email),
        };
    }
    let typed = attempt.email.to_lowercase();
    if version == V1_7 {
        if let Some(pw) = attempt.password {
            let len = pw.encode_utf16().count();
            if len > password::MAX_PASSWORD_LENGTH {
                return SignInVerdict::fail(version, 400, "Password is too long",
                    format!("the password is {len} UTF-16 code units; 1.7 refuses more than {} at sign-in", password::MAX_PASSWORD_LENGTH));
            }
        }
    }
    let Some(user) = rows
        .users
        .iter()
        .find(|u| u.email.as_deref() == Some(typed.as_str()))
    else {
        return SignInVerdict::fail(version, 401, "User not found",
            format!("no component user has the email {typed:?} exactly (Better Auth lowercases what is typed and compares exactly)"));
    };
    let mut credentials = rows
        .accounts
        .iter()
        .filter(|a| a.user_id.as_deref() == Some(user.id.as_str()) && a.is_credential());
    let credential = match version {
        // 1.6 takes the user's first credential account, whatever its accountId.
        V1_6 => match credentials.next() {
            Some(a) => a,
            None => {
                return SignInVerdict::fail(
                    version,
                    401,
                    "Credential account not found",
                    format!(
                        "user {} has no account with providerId \"credential\"",
                        user.id
                    ),
                )
            }
        },
        // 1.7 looks the account up by (credential, accountId = user id).
        V1_7 => {
            let all: Vec<&AccountRow> = credentials.collect();
            match all.iter().copied().find(|a| a.account_id.as_deref() == Some(user.id.as_str())) {
                Some(a) => a,
                None if all.is_empty() => {
                    return SignInVerdict::fail(version, 401, "User not found",
                        format!("user {} has no account with providerId \"credential\" (1.7 reports this as \"User not found\")", user.id))
                }
                None => {
                    return SignInVerdict::fail(version, 401, "User not found",
                        format!("the credential account {}'s accountId is {:?}, not the user id {}: 1.7 looks the account up by accountId and reports \"User not found\"", all[0].id, all[0].account_id.as_deref().unwrap_or("(missing)"), user.id))
                }
            }
        }
    };
    let Some(stored) = credential.password.as_deref() else {
        return SignInVerdict::fail(
            version,
            401,
            "Password not found",
            format!("the credential account {} has no password", credential.id),
        );
    };
    let inspection = password::inspect(stored, &Params::BETTER_AUTH);
    if inspection.verdict == Verdict::Throws {
        return SignInVerdict {
            version,
            outcome: Outcome::Failure,
            status: Some(500),
            log: Some("Invalid password hash"),
            reason: format!("verify throws `Invalid password hash` on the stored value ({}); sign-in answers a server error", inspection.findings[0].code),
        };
    }
    match attempt.password {
        None if inspection.verdict == Verdict::NeverMatches => {
            return SignInVerdict::fail(version, 401, "Invalid password",
                format!("the stored value can never match any password ({})", inspection.findings[0].code));
        }
        None => {
            return SignInVerdict {
                version,
                outcome: Outcome::DependsOnPassword,
                status: None,
                log: None,
                reason: "every row is in place; it now depends on the password (give --password-stdin to check it)".into(),
            }
        }
        Some(pw) => match password::verify(pw, stored) {
            Ok(true) => {}
            Ok(false) => {
                return SignInVerdict::fail(version, 401, "Invalid password", "the password does not match the stored hash".into())
            }
            Err(e) => {
                return SignInVerdict {
                    version,
                    outcome: Outcome::Failure,
                    status: Some(500),
                    log: Some("Invalid password hash"),
                    reason: format!("verify throws: {e}"),
                }
            }
        },
    }
    if attempt.require_email_verification && user.email_verified != Some(true) {
        return SignInVerdict {
            version,
            outcome: Outcome::Failure,
            status: Some(403),
            log: None,
            reason: "the password is right but emailVerified is not true and the app requires verification (EMAIL_NOT_VERIFIED)".into(),
        };
    }
    SignInVerdict {
        version,
        outcome: Outcome::Success,
        status: Some(200),
        log: None,
        reason: "signs in".into(),
    }
}
