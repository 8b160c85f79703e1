//! Checks of one row, shared by the whole-export scan and the per-email walk.

use serde_json::Value;

use crate::auth_rows::{AccountRow, UserRow};
use crate::convex::{jsonl, ConvexId, LineError, Row, Snapshot, SnapshotError, TableNumber};
use crate::password::{self, Params, Verdict};

use super::finding::{Code, Severity};
use super::fix::Fixes;
use super::report::Collector;
use super::DoctorError;

/// A table being read: how findings name it and what its rows must satisfy.
pub(crate) struct TableInfo {
    /// `betterAuth/user`, or `users` for an app table.
    pub label: String,
    /// The number its `_id`s must carry, from `_tables/documents.jsonl`.
    pub number: Option<TableNumber>,
    /// `generated_schema.jsonl` is `"uniform"` (or absent): integral numbers
    /// import as Int64.
    pub uniform: bool,
}

pub(crate) fn label(component: &str, table: &str) -> String {
    if component.is_empty() {
        table.to_owned()
    } else {
        format!("{component}/{table}")
    }
}

impl TableInfo {
    pub(crate) fn read(
        snapshot: &mut Snapshot,
        component: &str,
        table: &str,
    ) -> Result<TableInfo, DoctorError> {
        let c = snapshot.component(component)?;
        let number = c.table(table).map(|t| t.number);
        let schema = format!("{}{table}/generated_schema.jsonl", c.prefix());
        let uniform = if snapshot.has_entry(&schema) {
            let mut rows = snapshot.rows_of_entry(&schema)?;
            match rows.next_raw() {
                Some(Ok((_, raw, _))) => raw.trim_ascii() == b"\"uniform\"",
                Some(Err(e)) => return Err(e.into()),
                None => true,
            }
        } else {
            true
        };
        Ok(TableInfo {
            label: label(component, table),
            number,
            uniform,
        })
    }
}

/// Turns a line that is not a document into a `bad-line` finding; any other
/// read error (a damaged ZIP) is returned, as the export is unusable.
pub(crate) fn line_error(
    info: &TableInfo,
    err: SnapshotError,
    c: &mut Collector,
) -> Result<(), DoctorError> {
    let (line, what, fix) = match &err {
        SnapshotError::Line { line, source, .. } => {
            let fix = match source {
                LineError::Blank => "delete the blank line",
                LineError::ByteOrderMark => "save the file without a byte-order mark",
                LineError::CarriageReturn => "convert the file to LF line endings",
                _ => "repair or delete the line (every line must be one JSON object)",
            };
            (*line, source.to_string(), fix)
        }
        SnapshotError::LineTooLong { line, max, .. } => (
            *line,
            format!("longer than {max} bytes; the rest of this table could not be read"),
            "the file is damaged: export again",
        ),
        _ => return Err(err.into()),
    };
    c.add(Code::BadLine, Severity::Error, &info.label, |f| {
        f.line(line)
            .message(format!("line {line}: {what}"))
            .fix(fix)
    });
    Ok(())
}

/// `invalid-id` and `integer-float`, for a row of any table.
pub(crate) fn check_row(info: &TableInfo, row: &Row, c: &mut Collector) {
    if let Some(id) = row.document.get("_id") {
        let problem = match id.as_str().map(str::parse::<ConvexId>) {
            None => Some("`_id` is not a string".to_owned()),
            Some(Err(e)) => Some(format!("`_id` {id} is not a valid Convex ID: {e}")),
            Some(Ok(parsed)) => match info.number {
                Some(n) if parsed.table() != n => Some(format!(
                    "`_id` {id} carries table number {}, but `{}` is table {n} in `_tables/documents.jsonl`: the import fails (\"came from a different deployment\")",
                    parsed.table(),
                    info.label
                )),
                _ => None,
            },
        };
        if let Some(problem) = problem {
            c.add(Code::InvalidId, Severity::Error, &info.label, |f| {
                f.id(id.as_str()).line(row.line).message(problem).fix(
                    "delete the `_id` field so the import assigns a fresh one (and update anything that refers to it), or restore the original ID",
                )
            });
        }
    }
    if info.uniform {
        for (key, value) in &row.document {
            let timelike = key == "_creationTime" || key.ends_with("At");
            if timelike && matches!(value, Value::Number(_)) && !jsonl::is_float_number(value) {
                let effect = if key == "_creationTime" {
                    "the import fails outright"
                } else {
                    "it imports as an Int64 and a `v.number()` schema refuses it"
                };
                c.add(Code::IntegerFloat, Severity::Error, &info.label, |f| {
                    f.id(row.id()).line(row.line).message(format!(
                        "`{key}` is {value}, written without a fraction in a \"uniform\" export: {effect}"
                    ))
                    .fix(format!("write it as {value}.0 (JSON.stringify drops the .0; Convex needs it)"))
                });
            }
        }
    }
}

/// `email-case`, `email-whitespace` and `password-on-user-row`, for a
/// component `user` row.
pub(crate) fn check_user(
    info: &TableInfo,
    line: u64,
    user: &UserRow,
    fixes: &Fixes<'_>,
    c: &mut Collector,
) {
    if let Some(email) = user.email.as_deref() {
        let trimmed = email.trim();
        let wanted = trimmed.to_lowercase();
        if trimmed != email {
            c.add(Code::EmailWhitespace, Severity::Error, &info.label, |f| {
                f.id(Some(&user.id)).email(Some(email)).line(line).message(format!(
                    "the stored email {email:?} has whitespace around it: Better Auth compares the typed email exactly, so this user is never found (\"User not found\")"
                ))
                .fix(format!("change this row's email to {wanted:?} (Convex dashboard, or a mutation in the component)"))
            });
        }
        if !trimmed.is_empty() && !crate::auth_rows::passes_email_check(trimmed) {
            c.add(Code::InvalidEmail, Severity::Error, &info.label, |f| {
                f.id(Some(&user.id)).email(Some(email)).line(line).message(format!(
                    "the stored email {trimmed:?} fails the check Better Auth runs on the typed email first (zod's z.email(): ASCII letters, digits and _ ' + - in dot-separated runs, a domain with a dot and a final label of 2+ letters), so sign-in answers 400 INVALID_EMAIL and password reset 400, whatever the password"
                ))
                .fix("give the user an address that passes (Convex dashboard, or a mutation in the component), or remove the row: bascrypt snapshot remove-user … --user-id <_id>".to_owned())
            });
        }
        if trimmed != trimmed.to_lowercase() {
            c.add(Code::EmailCase, Severity::Error, &info.label, |f| {
                f.id(Some(&user.id)).email(Some(email)).line(line).message(format!(
                    "the stored email {email:?} is not lowercase: Better Auth lowercases the typed email and compares exactly, so sign-in and password reset never find this user (\"User not found\")"
                ))
                .fix(format!("change this row's email to {wanted:?} (Convex dashboard, or a mutation in the component); sign-up always stores it lowercased"))
            });
        }
    }
    if !user.password_like_fields.is_empty() {
        let fields = user.password_like_fields.join("`, `");
        let email = user.email.as_deref();
        c.add(Code::PasswordOnUserRow, Severity::Warning, &info.label, |f| {
            f.id(Some(&user.id)).email(email).line(line).message(format!(
                "the user row has `{fields}`: Better Auth never reads a password from the user row, only `password` of the account with providerId \"credential\""
            ))
            .fix(format!(
                "remove `{fields}` from the user row and store the password in the credential account: {}",
                fixes.set_password(email.unwrap_or(super::fix::EMAIL_PLACEHOLDER))
            ))
        });
    }
}

/// `account-id-mismatch`, `no-password`, `foreign-hash` and
/// `malformed-hash`, for a `credential` account. `email` is its user's, when
/// known (the scan patches it in later otherwise).
pub(crate) fn check_credential(
    info: &TableInfo,
    line: u64,
    account: &AccountRow,
    email: Option<&str>,
    fixes: &Fixes<'_>,
    c: &mut Collector,
) {
    let user_id = account.user_id.as_deref().unwrap_or("");
    let set_password = fixes.set_password(email.unwrap_or(super::fix::EMAIL_PLACEHOLDER));
    if account.account_id.as_deref() != Some(user_id) {
        let shown = account.account_id.as_deref().unwrap_or("(missing)");
        c.add(Code::AccountIdMismatch, Severity::Warning, &info.label, |f| {
            f.id(Some(&account.id)).email(email).line(line).message(format!(
                "the credential account's accountId is {shown:?}, not its user's _id {user_id:?}: signs in on Better Auth 1.6 (Convex today), but 1.7 looks the account up by accountId and logs \"User not found\""
            ))
            .fix(format!("set this account's accountId to {user_id:?}, as sign-up writes it"))
        });
    }
    let Some(stored) = account.password.as_deref() else {
        c.add(Code::NoPassword, Severity::Error, &info.label, |f| {
            f.id(Some(&account.id)).email(email).line(line)
                .message("the credential account has no password: sign-in logs \"Password not found\" (401)")
                .fix(format!("{set_password}, or have the person use password reset"))
        });
        return;
    };
    let inspection = password::inspect(stored, &Params::BETTER_AUTH);
    if inspection.verdict == Verdict::Acceptable {
        return;
    }
    let first = &inspection.findings[0];
    let effect = if inspection.verdict == Verdict::Throws {
        "sign-in answers a server error (500, `Invalid password hash`), not 401"
    } else {
        "sign-in logs \"Invalid password\" (401) whatever is typed"
    };
    let code = if first.code == "foreign-hash" {
        Code::ForeignHash
    } else {
        Code::MalformedHash
    };
    c.add(code, Severity::Error, &info.label, |f| {
        f.id(Some(&account.id))
            .email(email)
            .line(line)
            .message(if code == Code::ForeignHash {
                first.message.clone()
            } else {
                format!("{} [{}]: {effect}", first.message, first.code)
            })
            .fix(format!(
                "{set_password} (or password reset){}",
                if code == Code::ForeignHash {
                    "; or give Better Auth a custom `password.verify` that accepts this format while users migrate"
                } else {
                    ""
                }
            ))
    });
}
