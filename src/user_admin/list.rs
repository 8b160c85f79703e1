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
    accounts.sort();
    for row in snapshot.rows(&component, "user")? {
        let row = row?;
        let id = row.id().unwrap_or_default().to_owned();
        let (providers, credential) = accounts.of(&id);
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

/// The accounts of every user, held while the user table streams past.
///
/// One 28-byte record an account, sorted by user once the account table is
/// read (provider names and hash states are stored once and referred to by
/// number): about 30 MB for a million accounts, against hundreds for a map
/// of strings.
#[derive(Default)]
struct AccountIndex {
    /// `(userId, provider number, credential state number + 1 or 0)`, in
    /// table order until [`AccountIndex::sort`], then by user, stably.
    by_id: Vec<(ConvexId, u32, u32)>,
    /// Accounts whose `userId` is not a Convex ID (a broken row).
    other: HashMap<String, Vec<(u32, u32)>>,
    /// Provider names by number, and numbers by name: a hostile export may
    /// give every account a provider of its own.
    providers: Vec<String>,
    provider_numbers: HashMap<String, u32>,
    /// The few distinct states (a handful of finding codes).
    states: Vec<CredentialState>,
}

impl AccountIndex {
    fn add(&mut self, user_id: &str, provider: &str, credential: Option<CredentialState>) {
        let provider = match self.provider_numbers.get(provider) {
            Some(&n) => n,
            None => {
                let n = number(self.providers.len());
                self.providers.push(provider.to_owned());
                self.provider_numbers.insert(provider.to_owned(), n);
                n
            }
        };
        let state = credential.map_or(0, |state| {
            let n = self
                .states
                .iter()
                .position(|s| *s == state)
                .unwrap_or_else(|| {
                    self.states.push(state);
                    self.states.len() - 1
                });
            number(n) + 1
        });
        match user_id.parse::<ConvexId>() {
            Ok(id) => self.by_id.push((id, provider, state)),
            Err(_) => self
                .other
                .entry(user_id.to_owned())
                .or_default()
                .push((provider, state)),
        }
    }

    /// Call once every account is added.
    fn sort(&mut self) {
        // Stable: a user's providers stay in table order.
        self.by_id.sort_by_key(|&(id, _, _)| id);
    }

    /// The providers of `user_id`'s accounts, in table order, and the state
    /// of its first credential account's hash.
    fn of(&self, user_id: &str) -> (Vec<String>, Option<CredentialState>) {
        let accounts: Vec<(u32, u32)> = match user_id.parse::<ConvexId>() {
            Ok(id) => {
                let first = self.by_id.partition_point(|&(other, _, _)| other < id);
                self.by_id[first..]
                    .iter()
                    .take_while(|&&(other, _, _)| other == id)
                    .map(|&(_, provider, state)| (provider, state))
                    .collect()
            }
            Err(_) => self.other.get(user_id).cloned().unwrap_or_default(),
        };
        let providers = accounts
            .iter()
            .filter_map(|&(p, _)| self.providers.get(p as usize).cloned())
            .collect();
        let credential = accounts
            .iter()
            .find(|&&(_, state)| state != 0)
            .and_then(|&(_, state)| self.states.get(state as usize - 1).cloned());
        (providers, credential)
    }
}

/// A position as a record number. There are at most as many distinct
/// values as accounts, and 2^32 accounts is past every other limit
/// (`--max-entry-bytes`), so this never saturates in practice.
fn number(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
