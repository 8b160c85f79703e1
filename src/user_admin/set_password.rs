//! `set-password`: replace the password of a user's credential account.

use std::path::Path;

use serde_json::json;

use crate::convex::{jsonl, ConvexId, Document, LineAction, Snapshot, WriteOptions};

use super::add::unique_id_guard;
use super::lookup::find_by_email;
use super::report::{ChangeKind, ChangeReport};
use super::{normalize_email, StoredPasswordSource, UserAdminError};

/// Sets the password of the user whose email is `email` to the ready
/// `<salt>:<key>` value `password` gives once the user is found, and writes the result to `dest` (a dry run
/// when `None`).
///
/// The user is the one sign-in would find: stored email equal to the
/// lowercased `email`. Its first `credential` account gets the new `password`
/// and `updatedAt`; an `accountId` that is not the user id (which Better Auth
/// 1.7 cannot find) is corrected too. A user without a credential account
/// (OAuth only) gets one.
///
/// # Errors
/// No such user (with a hint when one differs only by case), several, or the
/// snapshot cannot be read or written; nothing is written then.
pub fn set_password(
    mut snapshot: Snapshot,
    component: &str,
    email: &str,
    password: StoredPasswordSource<'_>,
    dest: Option<&Path>,
    options: WriteOptions,
) -> Result<ChangeReport, UserAdminError> {
    let mut report = ChangeReport::default();
    let email = normalize_email(email)?;
    let component = snapshot.component(component)?.name().to_owned();
    let user = find_by_email(&mut snapshot, &component, &email)?.the_user(&email)?;
    report.user_id = user.id.clone();

    // Which credential account to change: the first, as Better Auth 1.6 reads it.
    let mut target: Option<(u64, String, Option<String>)> = None;
    let has_account_table = snapshot.component(&component)?.table("account").is_some();
    if has_account_table {
        for row in snapshot.rows(&component, "account")? {
            let row = row?;
            if row.str_field("userId") == Some(user.id.as_str())
                && row.str_field("providerId") == Some("credential")
            {
                target = Some((
                    row.line,
                    row.id().unwrap_or_default().to_owned(),
                    row.str_field("accountId").map(str::to_owned),
                ));
                break;
            }
        }
    }

    let stored_password = password().map_err(UserAdminError::Password)?;
    let stored_password = stored_password.as_str();
    let mut edit = snapshot.edit();
    let now = jsonl::now_millis();
    match target {
        Some((line, account_id, existing_account_id)) => {
            let password = stored_password.to_owned();
            let uid = user.id.clone();
            let stamp = now.clone();
            edit.edit_rows(&component, "account", move |row| {
                if row.line != line {
                    return Ok(LineAction::Keep);
                }
                let mut doc = row.document.clone();
                doc.insert("password".into(), json!(password));
                doc.insert("updatedAt".into(), stamp.clone());
                doc.insert("accountId".into(), json!(uid));
                Ok(LineAction::Replace(doc))
            })?;
            let mut detail = "replaced the password, updatedAt = now".to_string();
            if existing_account_id.as_deref() != Some(user.id.as_str()) {
                detail.push_str(&format!(
                    "; accountId was {:?}, set to the user id (Better Auth 1.7 finds the account by it)",
                    existing_account_id.as_deref().unwrap_or("(missing)")
                ));
            }
            report.change(
                ChangeKind::Update,
                &component,
                "account",
                &account_id,
                detail,
            );
        }
        None => {
            let number = edit.ensure_table(&component, "account")?;
            let account_id = ConvexId::new(number, &mut rand::rng()).to_string();
            let mut doc = Document::new();
            doc.insert("_id".into(), json!(account_id));
            doc.insert("_creationTime".into(), jsonl::now_creation_time());
            doc.insert("accountId".into(), json!(user.id));
            doc.insert("providerId".into(), json!("credential"));
            doc.insert("userId".into(), json!(user.id));
            doc.insert("password".into(), json!(stored_password));
            doc.insert("createdAt".into(), now.clone());
            doc.insert("updatedAt".into(), now.clone());
            if has_account_table {
                edit.edit_rows(&component, "account", unique_id_guard(account_id.clone()))?;
            }
            edit.append(&component, "account", doc)?;
            report.change(
                ChangeKind::Add,
                &component,
                "account",
                &account_id,
                "the user had no credential account (OAuth only?): added one with the password",
            );
        }
    }
    if let Some(dest) = dest {
        let summary = edit.write(dest, options)?;
        report.note_created_tables(&summary);
        report.written = true;
    }
    Ok(report)
}
