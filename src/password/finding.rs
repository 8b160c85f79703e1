//! What `inspect` and `explain` report: one finding per defect or cause.

use std::fmt;

use serde::Serialize;

/// How bad a finding is for sign-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Worth knowing; changes nothing.
    Info,
    /// Better Auth can still accept the value, but it is not what Better Auth writes.
    Warning,
    /// Better Auth's verify can never return true for this value.
    Error,
    /// Better Auth's verify throws `Invalid password hash`: sign-in answers HTTP 500.
    Throws,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
            Severity::Throws => "throws",
        })
    }
}

/// One thing found about a stored value or a failed verification.
///
/// `code` is stable (scripts match on it); `message` and `fix` are for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable kebab-case identifier such as `uppercase-hex`.
    pub code: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// What is wrong, in plain words.
    pub message: String,
    /// What to do about it, when there is something to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Finding {
    pub(crate) fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity,
            message: message.into(),
            fix: None,
        }
    }

    pub(crate) fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}
