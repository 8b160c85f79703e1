//! `users`: who is in the component, how they sign in, and whether their hash can work.

use std::collections::HashMap;

use serde::Serialize;

use crate::convex::Snapshot;
use crate::password::{inspect, Params, Verdict};

use super::UserAdminError;

/// The state of a user's password, as far as it can be told without the password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state", content = "problem")]
pub enum CredentialState {
    /// No `credential` account: the user cannot sign in with a password.
    NoCredentialAccount,
    /// A credential account without a password.
    NoPassword,
    /// A value Better Auth's verify can accept.
    Valid,
    /// A value Better Auth can never accept; the first finding's code
    /// (`foreign-hash`, `uppercase-hex`, …).
    Invalid(String),
}

/// One component user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UserSummary {
    /// `_id`.
    pub id: String,
    /// The stored email.
    pub email: String,
    /// `emailVerified`.
    pub email_verified: bool,
    /// The providers of the user's accounts (`credential`, `google`, …).
    pub providers: Vec<String>,
    /// The password's state.
    pub credential: CredentialState,
}

/// Lists the users of `component`, in table order.
///
/// Holds every summary in memory; for a large export, [`for_each_user`]
/// streams them instead.
///
/// # Errors
/// The component, or a line of its tables, cannot be read.
pub fn list_users(
    snapshot: &mut Snapshot,
    component: &str,
) -> Result<Vec<UserSummary>, UserAdminError> {
    let mut users = Vec::new();
    for_each_user(snapshot, component, |u| {
        users.push(u);
        Ok(())
    })?;
    Ok(users)
}

/// Calls `each` with every user of `component`, in table order, as the
/// `user` table streams past.
///
/// Reads the `account` table first, keeping one small record per user with
/// accounts (its providers and the state of its credential hash); no user
/// row is kept. `each` may stop the walk by returning an error.
///
/// # Errors
/// The component, or a line of its tables, cannot be read; or `each` failed.
pub fn for_each_user(
    snapshot: &mut Snapshot,
    component: &str,
    mut each: impl FnMut(UserSummary) -> Result<(), UserAdminError>,
) -> Result<(), UserAdminError> {
    let component = snapshot.component(component)?.name().to_owned();
    let mut accounts: HashMap<String, (Vec<String>, Option<CredentialState>)> = HashMap::new();
    if snapshot.component(&component)?.table("account").is_some() {
        for row in snapshot.rows(&component, "account")? {
            let row = row?;
            let Some(user_id) = row.str_field("userId") else {
                continue;
            };
            let provider = row.str_field("providerId").unwrap_or("(none)").to_owned();
            let entry = accounts.entry(user_id.to_owned()).or_default();
            if provider == "credential" && entry.1.is_none() {
                entry.1 = Some(match row.str_field("password") {
                    None => CredentialState::NoPassword,
                    Some(stored) => {
                        let report = inspect(stored, &Params::BETTER_AUTH);
                        match report.verdict {
                            Verdict::Acceptable => CredentialState::Valid,
                            _ => CredentialState::Invalid(report.findings[0].code.to_owned()),
                        }
                    }
                });
            }
            entry.0.push(provider);
        }
    }
    for row in snapshot.rows(&component, "user")? {
        let row = row?;
        let id = row.id().unwrap_or_default().to_owned();
        let (providers, credential) = accounts.remove(&id).unwrap_or_default();
        each(UserSummary {
            email: row.str_field("email").unwrap_or_default().to_owned(),
            email_verified: row.document.get("emailVerified").and_then(|v| v.as_bool())
                == Some(true),
            providers,
            credential: credential.unwrap_or(CredentialState::NoCredentialAccount),
            id,
        })?;
    }
    Ok(())
}
