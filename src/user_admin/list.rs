//! `users`: who is in the component, how they sign in, and whether their hash can work.

use std::collections::HashMap;

use serde::Serialize;

use crate::convex::{ConvexId, Snapshot};
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
    let mut accounts = AccountIndex::default();
    if snapshot.component(&component)?.table("account").is_some() {
        for row in snapshot.rows(&component, "account")? {
            let row = row?;
            let Some(user_id) = row.str_field("userId") else {
                continue;
            };
            let provider = row.str_field("providerId").unwrap_or("(none)");
            let credential = (provider == "credential").then(|| match row.str_field("password") {
                None => CredentialState::NoPassword,
                Some(stored) => {
                    let report = inspect(stored, &Params::BETTER_AUTH);
                    match report.verdict {
                        Verdict::Acceptable => CredentialState::Valid,
                        _ => CredentialState::Invalid(report.findings[0].code.to_owned()),
                    }
                }
            });
            accounts.add(user_id, provider, credential);
        }
    }
    for row in snapshot.rows(&component, "user")? {
        let row = row?;
        let id = row.id().unwrap_or_default().to_owned();
        let (providers, credential) = accounts.take(&id);
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

/// Calls `each` with the stored email of every user of `component`, in
/// table order (an empty string for a row without one), holding nothing.
///
/// # Errors
/// The component, or a line of its user table, cannot be read.
pub fn for_each_user_email(
    snapshot: &mut Snapshot,
    component: &str,
    mut each: impl FnMut(&str),
) -> Result<(), UserAdminError> {
    let component = snapshot.component(component)?.name().to_owned();
    for row in snapshot.rows(&component, "user")? {
        each(row?.str_field("email").unwrap_or_default());
    }
    Ok(())
}

/// The accounts of every user, held while the user table streams past: a
/// few dozen bytes a user (provider names and hash states are stored once
/// and referred to by number), so a million users fit in well under 100 MB.
#[derive(Default)]
struct AccountIndex {
    /// Keyed by the internal ID of `userId`; a `userId` that is not a Convex
    /// ID (a broken row) goes to `other`.
    by_id: HashMap<ConvexId, UserAccounts>,
    other: HashMap<String, UserAccounts>,
    providers: Vec<String>,
    states: Vec<CredentialState>,
}

/// One user's accounts: provider numbers in table order, and the state of
/// the first credential account's hash.
#[derive(Default)]
struct UserAccounts {
    providers: Vec<usize>,
    credential: Option<usize>,
}

impl AccountIndex {
    fn add(&mut self, user_id: &str, provider: &str, credential: Option<CredentialState>) {
        let provider = number_of(&mut self.providers, provider, str::to_owned);
        let credential = credential.map(|state| number_of(&mut self.states, &state, Clone::clone));
        let user = match user_id.parse::<ConvexId>() {
            Ok(id) => self.by_id.entry(id).or_default(),
            Err(_) => self.other.entry(user_id.to_owned()).or_default(),
        };
        user.providers.push(provider);
        if user.credential.is_none() {
            user.credential = credential;
        }
    }

    /// The providers and credential state of `user_id`, removed from the index.
    fn take(&mut self, user_id: &str) -> (Vec<String>, Option<CredentialState>) {
        let user = match user_id.parse::<ConvexId>() {
            Ok(id) => self.by_id.remove(&id),
            Err(_) => self.other.remove(user_id),
        };
        let Some(user) = user else {
            return (Vec::new(), None);
        };
        let providers = user
            .providers
            .iter()
            .map(|&n| self.providers[n].clone())
            .collect();
        (providers, user.credential.map(|n| self.states[n].clone()))
    }
}

/// The number of `value` in `values`, added at the end when new. The lists
/// stay short (a handful of providers and hash states), so a scan is enough.
fn number_of<T, Q>(values: &mut Vec<T>, value: &Q, to_owned: impl FnOnce(&Q) -> T) -> usize
where
    T: std::borrow::Borrow<Q>,
    Q: PartialEq + ?Sized,
{
    match values.iter().position(|v| v.borrow() == value) {
        Some(n) => n,
        None => {
            values.push(to_owned(value));
            values.len() - 1
        }
    }
}
