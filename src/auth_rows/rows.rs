//! The Better Auth rows that sign-in reads, taken from Convex documents.

use serde_json::Value;

/// A component `user` row, as far as sign-in cares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserRow {
    /// The document `_id` (Better Auth's `id`).
    pub id: String,
    /// The stored email, exactly as stored.
    pub email: Option<String>,
    /// `emailVerified`; `None` when missing or not a boolean.
    pub email_verified: Option<bool>,
    /// `userId`: the legacy link to the app's own users table.
    pub legacy_app_id: Option<String>,
    /// Fields on the row that look like a password (`password`, `passwordHash`, …).
    pub password_like_fields: Vec<String>,
}

/// A component `account` row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountRow {
    /// The document `_id`.
    pub id: String,
    /// `userId`: the component user's `_id`.
    pub user_id: Option<String>,
    /// `accountId`: for `credential` accounts, the user's id.
    pub account_id: Option<String>,
    /// `providerId`: `credential`, `google`, …
    pub provider_id: Option<String>,
    /// `password`; `None` when missing or null.
    pub password: Option<String>,
}

fn string(doc: &Value, field: &str) -> Option<String> {
    doc.get(field).and_then(Value::as_str).map(str::to_owned)
}

impl UserRow {
    /// Reads the fields sign-in uses from a `user` document.
    pub fn from_document(doc: &Value) -> UserRow {
        let password_like_fields = doc
            .as_object()
            .map(|o| {
                o.keys()
                    .filter(|k| {
                        let k = k.to_ascii_lowercase();
                        k.contains("password") || k == "hash" || k == "passwordhash"
                    })
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        UserRow {
            id: string(doc, "_id").unwrap_or_default(),
            email: string(doc, "email"),
            email_verified: doc.get("emailVerified").and_then(Value::as_bool),
            legacy_app_id: string(doc, "userId"),
            password_like_fields,
        }
    }
}

impl AccountRow {
    /// Reads the fields sign-in uses from an `account` document.
    pub fn from_document(doc: &Value) -> AccountRow {
        AccountRow {
            id: string(doc, "_id").unwrap_or_default(),
            user_id: string(doc, "userId"),
            account_id: string(doc, "accountId"),
            provider_id: string(doc, "providerId"),
            password: string(doc, "password"),
        }
    }

    /// True for the email/password account.
    pub fn is_credential(&self) -> bool {
        self.provider_id.as_deref() == Some("credential")
    }
}
