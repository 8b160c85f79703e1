//! `remove-user`: the user, everything of theirs in the component, and optionally the app row.

use std::collections::BTreeMap;
use std::path::Path;

use crate::convex::{LineAction, Row, Snapshot, WriteOptions};

use super::ids::{bad_row_id, checked, TableIds};
use super::lookup::find_by_email;
use super::report::{ChangeKind, ChangeReport};
use super::{normalize_email, UserAdminError};

/// What to remove.
#[derive(Clone, Debug)]
pub struct RemoveUser {
    /// The user's email (any case).
    pub email: String,
    /// Pick the user by `_id` instead of by email: the way out when several
    /// users share an email (`email` is then only a cross-check, if not empty).
    pub user_id: Option<String>,
    /// Also remove the rows of this app table that link to the user (by
    /// `app_link`), and the row the user's legacy `userId` field points at.
    pub app_table: Option<String>,
    /// The app table's link field (`authId`).
    pub app_link: String,
}

/// Removes the user with `request.email` from `component`: the `user` row and
/// every row of the component's other tables whose `userId` is that user
/// (accounts, sessions, two-factor, passkeys, …), plus the linked app rows
/// when asked. Writes to `dest`, or only reports when `dest` is `None`.
///
/// Tables with nothing to remove are copied byte for byte.
///
/// # Errors
/// No such user or several, or the snapshot cannot be read or written.
pub fn remove_user(
    mut snapshot: Snapshot,
    component: &str,
    request: &RemoveUser,
    dest: Option<&Path>,
    options: WriteOptions,
) -> Result<ChangeReport, UserAdminError> {
    let mut report = ChangeReport::default();
    let component = snapshot.component(component)?.name().to_owned();
    let user = if let Some(id) = &request.user_id {
        find_by_id(&mut snapshot, &component, id, &request.email)?
    } else {
        let email = normalize_email(&request.email)?;
        let matches = find_by_email(&mut snapshot, &component, &email)?;
        if matches.exact.is_empty() && matches.case_only.len() == 1 {
            let u = matches.case_only[0].clone();
            report.notes.push(format!(
                "matched the stored email \"{}\" (differs only by case)",
                u.stored_email
            ));
            u
        } else {
            matches.the_user(&email)?
        }
    };
    report.user_id = user.id.clone();

    // Pass 1: which rows go, so untouched tables stay raw copies.
    let mut doomed: BTreeMap<(String, String), Vec<(u64, String)>> = BTreeMap::new();
    // Older apps link the other way: the component user's `userId` holds
    // the app row's `_id`.
    let mut legacy_app_id: Option<String> = None;
    let tables: Vec<String> = snapshot
        .component(&component)?
        .tables()
        .iter()
        .map(|t| t.name.clone())
        .collect();
    for table in &tables {
        if !snapshot.has_entry(&snapshot.component(&component)?.documents_entry(table)) {
            continue;
        }
        let number = snapshot
            .component(&component)?
            .table(table)
            .map(|t| t.number);
        let mut ids = TableIds::new(table, number);
        let mut rows = snapshot.rows(&component, table)?;
        let entry = rows.entry().to_owned();
        for row in &mut rows {
            let row = row?;
            // Checked here too, so a dry run refuses what the write would.
            ids.check(&row)
                .map_err(|problem| bad_row_id(&entry, row.line, problem))?;
            let hit = if table == "user" {
                let hit = row.id() == Some(user.id.as_str());
                if hit {
                    legacy_app_id = row.str_field("userId").map(str::to_owned);
                }
                hit
            } else {
                row.str_field("userId") == Some(user.id.as_str())
            };
            if hit {
                doomed
                    .entry((component.clone(), table.clone()))
                    .or_default()
                    .push((row.line, row.id().unwrap_or_default().to_owned()));
            }
        }
    }
    if let Some(app) = &request.app_table {
        if snapshot.component("")?.table(app).is_some() {
            for row in snapshot.rows("", app)? {
                let row = row?;
                let linked = row.str_field(&request.app_link) == Some(user.id.as_str());
                let legacy = legacy_app_id.is_some() && row.id() == legacy_app_id.as_deref();
                if linked || legacy {
                    doomed
                        .entry((String::new(), app.clone()))
                        .or_default()
                        .push((row.line, row.id().unwrap_or_default().to_owned()));
                }
            }
        } else {
            let root = snapshot.component("")?;
            let tables: Vec<&str> = root.tables().iter().map(|t| t.name.as_str()).collect();
            return Err(UserAdminError::InvalidInput {
                what: format!("--app-table {app}"),
                why: format!(
                    "the app has no table `{app}` (it has: {}); check the name, or leave --app-table out",
                    tables.join(", ")
                ),
            });
        }
    }

    let mut edit = snapshot.edit();
    for ((comp, table), rows) in &doomed {
        let lines: Vec<u64> = rows.iter().map(|(l, _)| *l).collect();
        let number = edit
            .snapshot()
            .component(comp)?
            .table(table)
            .map(|t| t.number);
        let editor = checked(table, number, move |row: &Row| {
            Ok(if lines.binary_search(&row.line).is_ok() {
                LineAction::Drop
            } else {
                LineAction::Keep
            })
        });
        edit.edit_rows(comp, table, editor)?;
        for (line, id) in rows {
            report.change(ChangeKind::Remove, comp, table, id, format!("line {line}"));
        }
    }
    if let Some(dest) = dest {
        edit.write(dest, options)?;
        report.written = true;
    }
    Ok(report)
}

/// The user whose `_id` is `id`; when `email` is not empty it must match (any case).
fn find_by_id(
    snapshot: &mut Snapshot,
    component: &str,
    id: &str,
    email: &str,
) -> Result<super::lookup::FoundUser, UserAdminError> {
    let mut rows = snapshot.rows(component, "user")?;
    let entry = rows.entry().to_owned();
    for row in &mut rows {
        let row = row?;
        if row.id() == Some(id) {
            let stored = row.str_field("email").unwrap_or_default().to_owned();
            if !email.is_empty() && stored.to_lowercase() != email.to_lowercase() {
                return Err(UserAdminError::InvalidInput {
                    what: format!("--user-id {id}"),
                    why: format!("that user's email is \"{stored}\", not \"{email}\""),
                });
            }
            return Ok(super::lookup::FoundUser {
                line: row.line,
                id: id.to_owned(),
                stored_email: stored,
            });
        }
    }
    Err(UserAdminError::InvalidInput {
        what: format!("--user-id {id}"),
        why: format!(
            "no user in `{entry}` has this _id; `bascrypt snapshot users --json` lists the ids"
        ),
    })
}
