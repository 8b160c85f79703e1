//! `add-user`: a component user, its credential account, and optionally the app's own row.

use std::path::Path;

use serde_json::{json, Value};

use crate::convex::{jsonl, ConvexId, Document, LineAction, Snapshot, WriteOptions};

use super::lookup::find_by_email;
use super::report::{ChangeKind, ChangeReport};
use super::{normalize_email, StoredPasswordSource, UserAdminError};

/// The user to add.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// The email; stored lowercased, as Better Auth does.
    pub email: String,
    /// The display name; the part of the email before `@` when `None`.
    pub name: Option<String>,
    /// `emailVerified`.
    pub email_verified: bool,
    /// Extra fields for the component `user` row (e.g. the admin plugin's `role`).
    pub user_fields: Vec<(String, Value)>,
    /// A row in the app's own users table, linked to the new user.
    pub app_row: Option<AppRow>,
}

/// A row in the app's own table (at the root of the export), linked to the
/// component user by `link_field` (`authId` in current Convex guidance).
///
/// When the table already has a row whose `email` field matches (any case),
/// that row is linked and updated instead of adding a second one: that is the
/// usual "in the app table but not in Better Auth" repair.
#[derive(Clone, Debug)]
pub struct AppRow {
    /// The app table, e.g. `users`.
    pub table: String,
    /// The field that holds the component user's `_id`.
    pub link_field: String,
    /// Fields to set, e.g. `isAdmin: true`.
    pub fields: Vec<(String, Value)>,
}

/// Adds `user` to `component` of `snapshot` and writes the result to `dest`
/// (or, when `dest` is `None`, only reports what it would do). `password`
/// gives the ready `account.password` value once the email is known to be free.
///
/// Writes a `user` row (email lowercased, `emailVerified`, `createdAt` /
/// `updatedAt` now as floats) and a `credential` account with
/// `accountId = userId = ` the new user's `_id`, exactly the shape Better
/// Auth's sign-up writes. New `_id`s carry the tables' numbers from
/// `_tables/documents.jsonl` and are checked unique while writing.
///
/// # Errors
/// A user with this email (or one differing only by case) exists, the
/// email or an app field is unusable, or the snapshot cannot be read or
/// written; nothing is written then.
pub fn add_user(
    mut snapshot: Snapshot,
    component: &str,
    user: &NewUser,
    password: StoredPasswordSource<'_>,
    dest: Option<&Path>,
    options: WriteOptions,
) -> Result<ChangeReport, UserAdminError> {
    let mut report = ChangeReport::default();
    let email = normalize_email(&user.email)?;
    if email != user.email {
        report
            .notes
            .push(format!("stored the email as {email:?}: Better Auth lowercases emails, and sign-in finds only the lowercase form"));
    }
    for (field, _) in user
        .user_fields
        .iter()
        .chain(user.app_row.iter().flat_map(|a| a.fields.iter()))
    {
        check_field_name(field)?;
    }
    if let Some(app) = &user.app_row {
        check_field_name(&app.link_field)?;
    }

    let component = snapshot.component(component)?.name().to_owned();
    let matches = find_by_email(&mut snapshot, &component, &email)?;
    if let Some(u) = matches.exact.first() {
        return Err(UserAdminError::EmailExists {
            email,
            entry: matches.entry,
            line: u.line,
            id: u.id.clone(),
        });
    }
    if let Some(u) = matches.case_only.first() {
        return Err(UserAdminError::EmailCaseConflict {
            email,
            stored: u.stored_email.clone(),
            entry: matches.entry,
            line: u.line,
        });
    }
    let app_match = match &user.app_row {
        Some(app) => find_app_row(&mut snapshot, &app.table, &email)?,
        None => None,
    };

    let stored_password = password().map_err(UserAdminError::Password)?;
    let had = |t: &str| snapshot.component(&component).map(|c| c.table(t).is_some());
    let (had_user, had_account) = (had("user")?, had("account")?);
    let mut edit = snapshot.edit();
    let mut rng = rand::rng();
    let user_id = ConvexId::new(edit.ensure_table(&component, "user")?, &mut rng).to_string();
    let account_id = ConvexId::new(edit.ensure_table(&component, "account")?, &mut rng).to_string();
    report.user_id = user_id.clone();
    let now = jsonl::now_millis();

    let name = user
        .name
        .clone()
        .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
    let mut user_doc = Document::new();
    for (k, v) in &user.user_fields {
        user_doc.insert(k.clone(), v.clone());
    }
    user_doc.insert("_id".into(), json!(user_id));
    user_doc.insert("_creationTime".into(), jsonl::now_creation_time());
    user_doc.insert("name".into(), json!(name));
    user_doc.insert("email".into(), json!(email));
    user_doc.insert("emailVerified".into(), json!(user.email_verified));
    user_doc.insert("createdAt".into(), now.clone());
    user_doc.insert("updatedAt".into(), now.clone());

    let mut account_doc = Document::new();
    account_doc.insert("_id".into(), json!(account_id));
    account_doc.insert("_creationTime".into(), jsonl::now_creation_time());
    account_doc.insert("accountId".into(), json!(user_id));
    account_doc.insert("providerId".into(), json!("credential"));
    account_doc.insert("userId".into(), json!(user_id));
    account_doc.insert("password".into(), json!(stored_password));
    account_doc.insert("createdAt".into(), now.clone());
    account_doc.insert("updatedAt".into(), now.clone());

    if had_user {
        edit.edit_rows(&component, "user", unique_id_guard(user_id.clone()))?;
    }
    if had_account {
        edit.edit_rows(&component, "account", unique_id_guard(account_id.clone()))?;
    }
    edit.append(&component, "user", user_doc)?;
    edit.append(&component, "account", account_doc)?;
    let verified = if user.email_verified {
        "verified"
    } else {
        "not verified"
    };
    report.change(
        ChangeKind::Add,
        &component,
        "user",
        &user_id,
        format!("{email} ({name}), email {verified}"),
    );
    report.change(
        ChangeKind::Add,
        &component,
        "account",
        &account_id,
        "credential account with the password hash",
    );

    if let Some(app) = &user.app_row {
        let number = edit.ensure_table("", &app.table)?;
        match app_match {
            Some((line, existing_id)) => {
                let (link, fields) = (app.link_field.clone(), app.fields.clone());
                let uid = user_id.clone();
                edit.edit_rows("", &app.table, move |row| {
                    if row.line != line {
                        return Ok(LineAction::Keep);
                    }
                    let mut doc = row.document.clone();
                    doc.insert(link.clone(), json!(uid));
                    for (k, v) in &fields {
                        doc.insert(k.clone(), v.clone());
                    }
                    Ok(LineAction::Replace(doc))
                })?;
                report.change(
                    ChangeKind::Update,
                    "",
                    &app.table,
                    &existing_id,
                    format!("existing row with this email (line {line}): set {} to the new user's _id{}", app.link_field, describe_fields(&app.fields)),
                );
            }
            None => {
                let app_id = ConvexId::new(number, &mut rng).to_string();
                let mut doc = Document::new();
                for (k, v) in &app.fields {
                    doc.insert(k.clone(), v.clone());
                }
                doc.insert("_id".into(), json!(app_id));
                doc.insert("_creationTime".into(), jsonl::now_creation_time());
                doc.insert(app.link_field.clone(), json!(user_id));
                edit.append("", &app.table, doc)?;
                report.change(
                    ChangeKind::Add,
                    "",
                    &app.table,
                    &app_id,
                    format!(
                        "{} = the new user's _id{}",
                        app.link_field,
                        describe_fields(&app.fields)
                    ),
                );
                report.notes.push(format!(
                    "the new `{}` row holds only the fields you set; if the app's schema requires more, add them with --app-set",
                    app.table
                ));
            }
        }
    }

    if let Some(dest) = dest {
        let summary = edit.write(dest, options)?;
        report.note_created_tables(&summary);
        report.written = true;
    }
    Ok(report)
}

/// Keeps every row, failing the write if one already has `id`.
pub(crate) fn unique_id_guard(
    id: String,
) -> impl FnMut(&crate::convex::Row) -> Result<LineAction, crate::convex::RowEditorError> {
    move |row| {
        if row.id() == Some(id.as_str()) {
            return Err(
                format!("a row already has the new _id {id}; run the command again").into(),
            );
        }
        Ok(LineAction::Keep)
    }
}

fn describe_fields(fields: &[(String, Value)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!(", {k} = {v}"))
        .collect::<String>()
}

fn check_field_name(field: &str) -> Result<(), UserAdminError> {
    let why = if field.is_empty() {
        "it is empty"
    } else if field.starts_with('_') {
        "Convex reserves top-level fields starting with '_'"
    } else if field.starts_with('$') {
        "Convex field names cannot start with '$'"
    } else if !field.chars().all(|c| c.is_ascii_graphic()) {
        "Convex field names are printable ASCII without spaces"
    } else {
        return Ok(());
    };
    Err(UserAdminError::InvalidAppField {
        field: field.to_owned(),
        why: why.to_owned(),
    })
}

/// The line and `_id` of the app row whose `email` matches, if exactly one does.
fn find_app_row(
    snapshot: &mut Snapshot,
    table: &str,
    email: &str,
) -> Result<Option<(u64, String)>, UserAdminError> {
    let root = snapshot.component("")?;
    if root.table(table).is_none() {
        return Ok(None);
    }
    let mut found = Vec::new();
    let mut rows = snapshot.rows("", table)?;
    let entry = rows.entry().to_owned();
    for row in &mut rows {
        let row = row?;
        if row.str_field("email").map(str::to_lowercase).as_deref() == Some(email) {
            found.push((row.line, row.id().unwrap_or_default().to_owned()));
        }
    }
    if found.len() > 1 {
        return Err(UserAdminError::AmbiguousEmail {
            email: email.to_owned(),
            entry,
            count: found.len(),
            lines: found
                .iter()
                .map(|(l, _)| l.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(found.pop())
}

/// Parses a `--app-set`/`--user-set` value: a JSON literal (`true`, `3`,
/// `"x"`, `null`, `[1]`) or else a plain string. Whole numbers become floats,
/// because Convex's `v.number()` is a float and an integer literal would import
/// as an Int64.
///
/// ```
/// use bascrypt::user_admin::field_value;
/// assert_eq!(field_value("true"), serde_json::json!(true));
/// assert_eq!(field_value("3").to_string(), "3.0");
/// assert_eq!(field_value("ACTIVE"), serde_json::json!("ACTIVE"));
/// assert_eq!(field_value("\"3\""), serde_json::json!("3"));
/// ```
pub fn field_value(text: &str) -> Value {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Number(n)) if !jsonl::is_float_number(&Value::Number(n.clone())) => {
            match n.to_string().parse::<f64>() {
                Ok(f) => jsonl::float(f),
                Err(_) => Value::String(text.to_owned()),
            }
        }
        Ok(v) => v,
        Err(_) => Value::String(text.to_owned()),
    }
}
