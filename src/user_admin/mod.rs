//! Adding, re-passwording, removing and listing Better Auth users in a Convex
//! snapshot export, so that the edited ZIP imports with
//! `npx convex import --replace-all` and the users sign in.
//!
//! Each operation reads the tables it needs in a streaming pass, then writes
//! a new ZIP in which every other entry, and every other line of the edited
//! tables, is byte for byte what it was.

mod add;
mod email;
mod ids;
mod list;
mod lookup;
mod remove;
mod report;
mod set_password;

use thiserror::Error;

use crate::convex::SnapshotError;

/// Supplies the `<salt>:<key>` value to store. Called only once the snapshot
/// has been checked, so nobody types a password for an edit that cannot happen.
pub type StoredPasswordSource<'a> =
    Box<dyn FnOnce() -> Result<String, Box<dyn std::error::Error + Send + Sync>> + 'a>;

pub use add::{add_user, field_value, AppRow, NewUser};
pub use email::normalize_email;
pub use list::{for_each_user, for_each_user_email, list_users, CredentialState, UserSummary};
pub use remove::{remove_user, RemoveUser};
pub use report::{Change, ChangeKind, ChangeReport};
pub use set_password::set_password;

/// The component Better Auth is normally mounted as.
pub const DEFAULT_COMPONENT: &str = "betterAuth";

/// Why a user operation could not be done. Nothing was written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum UserAdminError {
    /// Reading or writing the snapshot failed.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    /// The email is not a usable address.
    #[error("\"{email}\" is not an email address: {why}")]
    InvalidEmail {
        /// The email as given.
        email: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// A user with that email exists already.
    #[error("a user with the email \"{email}\" already exists (line {line} of `{entry}`, _id {id}); to change its password use `bascrypt snapshot set-password`")]
    EmailExists {
        /// The lowercased email.
        email: String,
        /// Where the user is.
        entry: String,
        /// Its line.
        line: u64,
        /// Its `_id`.
        id: String,
    },
    /// A user whose email differs only by case exists.
    #[error("the user at line {line} of `{entry}` has the email \"{stored}\", which differs from \"{email}\" only by case; Better Auth lowercases the typed email, so that user can never sign in. Fix or remove that row first (`bascrypt doctor` explains)")]
    EmailCaseConflict {
        /// The lowercased email asked for.
        email: String,
        /// The stored email.
        stored: String,
        /// Where.
        entry: String,
        /// Its line.
        line: u64,
    },
    /// No user has the email.
    #[error("no user in `{entry}` has the email \"{email}\"{hint}")]
    UserNotFound {
        /// The lowercased email.
        email: String,
        /// The user table's entry.
        entry: String,
        /// What to try.
        hint: String,
    },
    /// More than one user has the email.
    #[error("{count} users in `{entry}` have the email \"{email}\" (lines {lines}); remove the extra ones first with `bascrypt snapshot remove-user --user-id <_id>` (`snapshot users --json` lists the ids)")]
    AmbiguousEmail {
        /// The email.
        email: String,
        /// The user table's entry.
        entry: String,
        /// How many.
        count: usize,
        /// Their lines.
        lines: String,
    },
    /// A row whose `_id` the import would refuse: not a Convex ID, of another
    /// table, or repeated.
    #[error("line {line} of `{entry}`: {problem}; `npx convex import` would refuse this export, so fix it first (`bascrypt doctor` lists such rows)")]
    BadRowId {
        /// The entry.
        entry: String,
        /// The line, from 1.
        line: u64,
        /// What is wrong.
        problem: String,
    },
    /// Getting the password (a prompt, standard input) failed.
    #[error("{0}")]
    Password(Box<dyn std::error::Error + Send + Sync>),
    /// A field, value or table name given for the new rows that cannot be written.
    #[error("{what}: {why}")]
    InvalidInput {
        /// What was given (`field `isAdmin``, `--app-table users`).
        what: String,
        /// Why.
        why: String,
    },
    /// Handing a result on failed (writing the listing, say).
    #[error("cannot write the output: {0}")]
    Output(#[source] std::io::Error),
}
