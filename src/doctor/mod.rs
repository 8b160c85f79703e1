//! `doctor`: why a Better Auth sign-in fails, read from a Convex snapshot export.
//!
//! Two modes:
//! - [`diagnose_email`] walks Better Auth's sign-in (1.6 and 1.7 rules) and
//!   password-reset paths for one email over the export's rows and lists
//!   every [`Finding`] on the way, each with a one-line fix.
//! - [`scan`] reads the whole export once, streaming, and groups every
//!   finding by [`Code`], worst first, with counts. Its memory is a few
//!   compact indexes (see below), not the documents.
//!
//! Whole-export memory: 8 bytes per component user `_id`, 1 flag byte per
//! user, 8 bytes per distinct lowercased email, 8 bytes per app-table row
//! `_id`, and 8 bytes per row of the table being read (for `duplicate-id`),
//! all as 64-bit hashes in sorted vectors; plus the kept findings (at most
//! `limit` per code). About 35 MB at a million users.
//!
//! ```no_run
//! # fn main() -> Result<(), bascrypt::doctor::DoctorError> {
//! use bascrypt::convex::Snapshot;
//! use bascrypt::doctor::{diagnose_email, DoctorOptions, EmailCheck};
//!
//! let mut snapshot = Snapshot::open("snapshot.zip".as_ref())?;
//! let options = DoctorOptions::new("snapshot.zip");
//! let check = EmailCheck { email: "ops.lead@example.com", password: None, explain: false };
//! let diagnosis = diagnose_email(&mut snapshot, &check, &options)?;
//! for verdict in &diagnosis.signin {
//!     println!("{}: {:?} {:?}", verdict.version.as_str(), verdict.status, verdict.log);
//! }
//! for f in &diagnosis.findings {
//!     println!("{} {}: {}\n  fix: {}", f.severity, f.code, f.message, f.fix);
//! }
//! # Ok(()) }
//! ```

mod checks;
mod email;
mod finding;
mod fix;
mod index;
mod report;
mod scan;

pub use email::{diagnose_email, EmailCheck, EmailDiagnosis, ResetVerdict};
pub use finding::{Code, Finding, Severity};
pub use report::{FindingGroup, Report};
pub use scan::{scan, ScanProgress, ScanReport, ScanStats};

use crate::convex::SnapshotError;

/// Where Better Auth and the app's own users table are in the export, and
/// how fix lines name the export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DoctorOptions {
    /// The Better Auth component's mount path (default `betterAuth`).
    pub component: String,
    /// The app's own users table at the root (default `users`).
    pub app_table: String,
    /// The app table's field holding the component user's `_id` (default
    /// `authId`). A component user's own `userId` (the older link the other
    /// way round) is checked too.
    pub app_link: String,
    /// Whether the app sets `emailAndPassword.requireEmailVerification`.
    pub require_email_verification: bool,
    /// The export's path as the user typed it, for the `bascrypt snapshot …`
    /// fix lines.
    pub snapshot_name: String,
}

impl DoctorOptions {
    /// The defaults, for the export at `snapshot_name`.
    pub fn new(snapshot_name: impl Into<String>) -> Self {
        DoctorOptions {
            component: crate::user_admin::DEFAULT_COMPONENT.to_owned(),
            app_table: "users".to_owned(),
            app_link: "authId".to_owned(),
            require_email_verification: false,
            snapshot_name: snapshot_name.into(),
        }
    }
}

/// Why the doctor could not read the export at all (a finding is not an
/// error: it is the answer).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DoctorError {
    /// The export could not be opened or an entry could not be read.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
}
