//! Checking the `_id`s of a table as its rows stream past.
//!
//! `npx convex import` refuses an export in which a `_id` is not a valid
//! Convex ID, belongs to another table, or repeats. An edit must not hand such
//! a file back as if it were fine, so the user operations refuse to edit a
//! table with one (`bascrypt doctor` reports them without refusing).

use std::collections::HashMap;

use crate::convex::{ConvexId, LineAction, Row, RowEditorError, Snapshot, TableNumber};

use super::UserAdminError;

/// The `_id`s seen so far in one table, with the line of each.
///
/// Costs about 40 bytes per row (the 16-byte internal ID, its line and the
/// hash table's overhead): some 40 MB for a million users.
pub(crate) struct TableIds {
    table: String,
    number: Option<TableNumber>,
    seen: HashMap<[u8; 16], u64>,
}

impl TableIds {
    /// `number` is the table's number from `_tables`, when it is listed.
    pub(crate) fn new(table: &str, number: Option<TableNumber>) -> Self {
        TableIds {
            table: table.to_owned(),
            number,
            seen: HashMap::new(),
        }
    }

    /// Records `row`'s `_id`, or says what the import would refuse about it.
    pub(crate) fn check(&mut self, row: &Row) -> Result<(), String> {
        let Some(text) = row.id() else {
            return Err("the row has no string `_id`".to_owned());
        };
        let id: ConvexId = text
            .parse()
            .map_err(|e| format!("`_id` {} is not a Convex ID: {e}", shorten(text)))?;
        if let Some(number) = self.number.filter(|&n| n != id.table()) {
            return Err(format!(
                "`_id` {text} belongs to table number {}, but `{}` is table {number} in `_tables/documents.jsonl`",
                id.table(),
                self.table
            ));
        }
        if let Some(first) = self.seen.insert(*id.internal_id(), row.line) {
            return Err(format!(
                "`_id` {text} is also the `_id` of line {first}: two rows with one `_id`"
            ));
        }
        Ok(())
    }
}

/// Reads every row of `table` to check its `_id`s.
pub(crate) fn check_ids(
    snapshot: &mut Snapshot,
    component: &str,
    table: &str,
) -> Result<(), UserAdminError> {
    let c = snapshot.component(component)?;
    if !snapshot.has_entry(&c.documents_entry(table)) {
        return Ok(());
    }
    let mut ids = TableIds::new(table, c.table(table).map(|t| t.number));
    let mut rows = snapshot.rows(component, table)?;
    let entry = rows.entry().to_owned();
    for row in &mut rows {
        let row = row?;
        ids.check(&row)
            .map_err(|problem| bad_row_id(&entry, row.line, problem))?;
    }
    Ok(())
}

/// The error for a row [`TableIds::check`] refused.
pub(crate) fn bad_row_id(entry: &str, line: u64, problem: String) -> UserAdminError {
    UserAdminError::BadRowId {
        entry: entry.to_owned(),
        line,
        problem,
    }
}

/// A row editor for a table that gets a new row with `new_id`: keeps every
/// row, and stops the write at a row whose `_id` is unusable or is `new_id`.
pub(crate) fn checked_keep(
    table: &str,
    number: Option<TableNumber>,
    new_id: Option<String>,
) -> impl FnMut(&Row) -> Result<LineAction, RowEditorError> {
    checked(table, number, move |row: &Row| {
        if new_id.as_deref().is_some_and(|id| row.id() == Some(id)) {
            return Err(format!(
                "a row already has the new _id {}; run the command again",
                new_id.as_deref().unwrap_or_default()
            )
            .into());
        }
        Ok(LineAction::Keep)
    })
}

/// Wraps a row editor so that it first checks every row's `_id`.
pub(crate) fn checked<F>(
    table: &str,
    number: Option<TableNumber>,
    mut editor: F,
) -> impl FnMut(&Row) -> Result<LineAction, RowEditorError>
where
    F: FnMut(&Row) -> Result<LineAction, RowEditorError>,
{
    let mut ids = TableIds::new(table, number);
    move |row| {
        ids.check(row).map_err(|problem| {
            RowEditorError::from(format!(
                "{problem}; `npx convex import` would refuse this export, so fix it first (`bascrypt doctor` lists such rows)"
            ))
        })?;
        editor(row)
    }
}

/// An `_id` as it may appear in a message: at most 64 characters.
fn shorten(text: &str) -> String {
    if text.chars().count() <= 64 {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(64).collect();
        format!("{head:?}… ({} bytes)", text.len())
    }
}
