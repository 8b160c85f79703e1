//! What an operation changed (or, in a dry run, would change).

use serde::Serialize;

use crate::convex::EditSummary;

/// What happened to one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// A row was added.
    Add,
    /// A row was changed.
    Update,
    /// A row was removed.
    Remove,
}

/// One row changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Added, updated or removed.
    pub kind: ChangeKind,
    /// Component mount path (`""` for the app).
    pub component: String,
    /// Table.
    pub table: String,
    /// The row's `_id`.
    pub id: String,
    /// What, in plain words.
    pub detail: String,
}

/// The result of an operation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChangeReport {
    /// Whether the output was written (false in a dry run).
    pub written: bool,
    /// Row by row.
    pub changes: Vec<Change>,
    /// Things the operator should know (an email that was lowercased, a table
    /// that was created, …).
    pub notes: Vec<String>,
    /// The `_id` of the user concerned.
    pub user_id: String,
}

impl ChangeReport {
    pub(crate) fn change(
        &mut self,
        kind: ChangeKind,
        component: &str,
        table: &str,
        id: &str,
        detail: impl Into<String>,
    ) {
        self.changes.push(Change {
            kind,
            component: component.to_owned(),
            table: table.to_owned(),
            id: id.to_owned(),
            detail: detail.into(),
        });
    }

    pub(crate) fn note_created_tables(&mut self, summary: &EditSummary) {
        for t in summary.tables.iter().filter(|t| t.created) {
            let place = if t.component.is_empty() {
                "the app".to_string()
            } else {
                format!("component `{}`", t.component)
            };
            self.notes.push(format!(
                "created table `{}` in {place} as table number {}",
                t.table, t.number
            ));
        }
    }
}
