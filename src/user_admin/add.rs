//! `add-user`: a component user, its credential account, and optionally the app's own row.

use std::path::Path;

use serde_json::{json, Value};

use crate::convex::{jsonl, ConvexId, Document, LineAction, Row, Snapshot, WriteOptions};

use super::ids::{bad_row_id, check_ids, checked, checked_keep, TableIds};
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
    /// Create the app table when the export has none by that name (otherwise
    /// a typo in its name is an error).
    pub create_app_table: bool,
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
    // Lookups (set-password, remove-user) take any stored address, so that
    // a broken row can be fixed; a new user must be able to sign in.
    if !crate::auth_rows::passes_email_check(&email) {
        return Err(UserAdminError::InvalidEmail {
            email: user.email.clone(),
            why: "Better Auth checks the typed email with zod's z.email() before anything else and answers 400 INVALID_EMAIL for this one (it takes ASCII letters, digits and _ ' + - in dot-separated runs, and a domain with a dot and a final label of 2+ letters), so this user could never sign in",
        });
    }
    if email != user.email {
        report
            .notes
            .push(format!("stored the email as \"{email}\": Better Auth lowercases emails, and sign-in finds only the lowercase form"));
    }
    for (field, _) in &user.user_fields {
        check_field_name(field)?;
        if let Some((_, instead)) = USER_FIELDS_SET_BY_ADD.iter().find(|(f, _)| f == field) {
            return Err(UserAdminError::InvalidInput {
                what: format!("--user-set {field}"),
                why: format!("add-user sets it itself; {instead}"),
            });
        }
    }
    if let Some(app) = &user.app_row {
        check_field_name(&app.link_field)?;
        for (field, _) in &app.fields {
            check_field_name(field)?;
            if *field == app.link_field {
                return Err(UserAdminError::InvalidInput {
                    what: format!("--app-set {field}"),
                    why: "it is the link field, which add-user sets to the new user's _id".into(),
                });
            }
        }
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
    let app_table_missing = match &user.app_row {
        Some(app) => {
            let root = snapshot.component("")?;
            if root.table(&app.table).is_none() {
                if !user.create_app_table {
                    let tables: Vec<&str> = root.tables().iter().map(|t| t.name.as_str()).collect();
                    return Err(UserAdminError::InvalidInput {
                        what: format!("--app-table {}", app.table),
                        why: format!("the app has no table `{}` (it has: {}); check the name, or pass --create-app-table to add it", app.table, tables.join(", ")),
                    });
                }
                true
            } else {
                false
            }
        }
        None => false,
    };

    let stored_password = password().map_err(UserAdminError::Password)?;
    let had = |t: &str| snapshot.component(&component).map(|c| c.table(t).is_some());
    let (had_user, had_account) = (had("user")?, had("account")?);
    if had_account && dest.is_none() {
        // A real write checks the account rows as it copies them; a dry run
        // must find the same problems.
        check_ids(&mut snapshot, &component, "account")?;
    }
    let mut edit = snapshot.edit();
    let mut rng = rand::rng();
    let user_number = edit.ensure_table(&component, "user")?;
    let account_number = edit.ensure_table(&component, "account")?;
    let user_id = ConvexId::new(user_number, &mut rng).to_string();
    let account_id = ConvexId::new(account_number, &mut rng).to_string();
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
        edit.edit_rows(
            &component,
            "user",
            checked_keep("user", Some(user_number), Some(user_id.clone())),
        )?;
    }
    if had_account {
        edit.edit_rows(
            &component,
            "account",
            checked_keep("account", Some(account_number), Some(account_id.clone())),
        )?;
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
        let snapshot_has_rows = edit
            .snapshot()
            .has_entry(&format!("{}/documents.jsonl", app.table));
        let number = edit.ensure_table("", &app.table)?;
        if app_table_missing {
            report
                .notes
                .push(format!("the app had no table `{}`: created it", app.table));
        }
        match app_match {
            Some((line, existing_id)) => {
                let (link, fields) = (app.link_field.clone(), app.fields.clone());
                let uid = user_id.clone();
                let editor = checked(&app.table, Some(number), move |row: &Row| {
                    if row.line != line {
                        return Ok(LineAction::Keep);
                    }
                    let mut doc = row.document.clone();
                    doc.insert(link.clone(), json!(uid));
                    for (k, v) in &fields {
                        doc.insert(k.clone(), v.clone());
                    }
                    Ok(LineAction::Replace(doc))
                });
                edit.edit_rows("", &app.table, editor)?;
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
                if snapshot_has_rows {
                    edit.edit_rows(
                        "",
                        &app.table,
                        checked_keep(&app.table, Some(number), Some(app_id.clone())),
                    )?;
                }
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

/// Fields of the component user row that add-user writes, and the flag to use instead.
const USER_FIELDS_SET_BY_ADD: &[(&str, &str)] = &[
    ("name", "use --name"),
    ("email", "use --email"),
    ("emailVerified", "use --unverified"),
    ("createdAt", "it is set to now"),
    ("updatedAt", "it is set to now"),
];

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
    Err(UserAdminError::InvalidInput {
        what: format!("field `{field}`"),
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
    let mut ids = TableIds::new(table, root.table(table).map(|t| t.number));
    let mut rows = snapshot.rows("", table)?;
    let entry = rows.entry().to_owned();
    for row in &mut rows {
        let row = row?;
        ids.check(&row)
            .map_err(|problem| bad_row_id(&entry, row.line, problem))?;
        if row.str_field("email").map(str::to_lowercase).as_deref() == Some(email) {
            found.push((row.line, row.id().unwrap_or_default().to_owned()));
        }
    }
    if found.len() > 1 {
        // Not AmbiguousEmail: its advice (remove-user --user-id) is for
        // component users, and app rows are the app's own to merge.
        let rows = found
            .iter()
            .map(|(line, id)| format!("line {line} _id {id}"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(UserAdminError::InvalidInput {
            what: format!("--app-table {table}"),
            why: format!("{} rows of `{entry}` have the email \"{email}\" ({rows}), so bascrypt cannot tell which one to link; merge them in your app (the Convex dashboard, or a mutation) and export again, or leave --app-table out and link the row yourself", found.len()),
        });
    }
    Ok(found.pop())
}

/// Parses a `--app-set`/`--user-set` value: a JSON literal (`true`, `3`,
/// `"x"`, `null`, `[1]`, `{"a": 1}`) or else a plain string. Whole numbers,
/// at any depth, become floats, because Convex's `v.number()` is a float and
/// an integer literal would import as an Int64.
///
/// # Errors
/// A number that no float holds exactly (beyond 2^53, or infinite): quote it
/// to store it as a string. A near miss of a literal (`True`, `NULL`, `[1,2`,
/// `{`), which would otherwise be stored as a string nobody meant.
///
/// ```
/// use bascrypt::user_admin::field_value;
/// assert_eq!(field_value("true").unwrap(), serde_json::json!(true));
/// assert_eq!(field_value("3").unwrap().to_string(), "3.0");
/// assert_eq!(field_value(r#"{"a":[1]}"#).unwrap().to_string(), r#"{"a":[1.0]}"#);
/// assert_eq!(field_value("ACTIVE").unwrap(), serde_json::json!("ACTIVE"));
/// assert!(field_value("True").is_err()); // true, or "True" for the text
/// assert!(field_value("[1,2").is_err());
/// assert_eq!(field_value("\"3\"").unwrap(), serde_json::json!("3"));
/// assert!(field_value("9007199254740993").is_err());
/// ```
pub fn field_value(text: &str) -> Result<Value, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => floats_everywhere(v),
        // Near misses of a literal would silently become strings (and
        // "True" is truthy in JavaScript): say so instead.
        Err(e) if text.trim_start().starts_with(['{', '[', '"']) => Err(format!(
            "{text} starts like JSON but is not valid JSON ({e}); fix it, or to store it as text write it as a JSON string"
        )),
        Err(_) if ["true", "false", "null"].iter().any(|w| text.eq_ignore_ascii_case(w)) => Err(format!(
            "{text} is not a JSON literal (true, false and null are lowercase); write {}, or \"{text}\" for the text",
            text.to_lowercase()
        )),
        Err(_) => Ok(Value::String(text.to_owned())),
    }
}

fn floats_everywhere(value: Value) -> Result<Value, String> {
    Ok(match value {
        Value::Number(n) => {
            let text = n.to_string();
            let f: f64 = text
                .parse()
                .map_err(|_| format!("{text} is not a number"))?;
            if !f.is_finite() {
                return Err(format!(
                    "{text} is out of range for a float; quote it to store a string"
                ));
            }
            let exact = if text.contains(['.', 'e', 'E']) {
                true
            } else {
                text.parse::<i128>()
                    .is_ok_and(|i| i.unsigned_abs() <= 1 << 53)
            };
            if !exact {
                return Err(format!("{text} cannot be stored exactly as a float (Convex v.number()); quote it to store a string"));
            }
            jsonl::float(f)
        }
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(floats_everywhere)
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| Ok((k, floats_everywhere(v)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other,
    })
}
