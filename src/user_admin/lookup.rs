//! Finding a user by email in one streaming pass over the component's `user` table.

use crate::convex::Snapshot;

use super::UserAdminError;

/// A component user row found by email.
#[derive(Clone, Debug)]
pub(crate) struct FoundUser {
    pub line: u64,
    pub id: String,
    pub stored_email: String,
}

/// Users whose stored email equals `email` exactly, and those equal only when
/// both are lowercased.
pub(crate) struct EmailMatches {
    pub entry: String,
    pub exact: Vec<FoundUser>,
    pub case_only: Vec<FoundUser>,
}

pub(crate) fn find_by_email(
    snapshot: &mut Snapshot,
    component: &str,
    email: &str,
) -> Result<EmailMatches, UserAdminError> {
    let lower = email.to_lowercase();
    let mut rows = snapshot.rows(component, "user")?;
    let entry = rows.entry().to_owned();
    let mut found = EmailMatches {
        entry,
        exact: Vec::new(),
        case_only: Vec::new(),
    };
    for row in &mut rows {
        let row = row?;
        let Some(stored) = row.str_field("email") else {
            continue;
        };
        let user = || FoundUser {
            line: row.line,
            id: row.id().unwrap_or_default().to_owned(),
            stored_email: stored.to_owned(),
        };
        if stored == email {
            found.exact.push(user());
        } else if stored.to_lowercase() == lower {
            found.case_only.push(user());
        }
    }
    Ok(found)
}

impl EmailMatches {
    /// The one user sign-in would find for `email` (already lowercased), or why not.
    pub(crate) fn the_user(self, email: &str) -> Result<FoundUser, UserAdminError> {
        match self.exact.len() {
            1 => Ok(self.exact.into_iter().next().expect("one")),
            0 => {
                let hint = match self.case_only.first() {
                    Some(u) => format!(
                        "; line {} has {:?}, which differs only by case, and sign-in can never find it: fix that row's email to lowercase first (`bascrypt doctor` explains)",
                        u.line, u.stored_email
                    ),
                    None => "; `bascrypt snapshot users` lists who is there, and `bascrypt snapshot add-user` adds one".into(),
                };
                Err(UserAdminError::UserNotFound {
                    email: email.to_owned(),
                    entry: self.entry,
                    hint,
                })
            }
            count => Err(UserAdminError::AmbiguousEmail {
                email: email.to_owned(),
                entry: self.entry,
                count,
                lines: self
                    .exact
                    .iter()
                    .map(|u| u.line.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }
}
