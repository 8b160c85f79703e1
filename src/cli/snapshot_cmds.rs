//! `snapshot add-user | set-password | remove-user | users`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use serde_json::{json, Value};

use bascrypt::convex::{Limits, Snapshot, WriteOptions};
use bascrypt::password::{self, Params, Verdict};
use bascrypt::user_admin::{
    self, field_value, AppRow, ChangeReport, CredentialState, NewUser, RemoveUser, UserAdminError,
    UserSummary,
};

use super::secret_input::{read_new_password, Source};
use super::OutputArgs;

#[derive(Subcommand)]
pub enum SnapshotCommand {
    /// Add an email + password user (component `user` + `credential` account), and optionally
    /// a linked row in the app's own table.
    AddUser(AddUserArgs),
    /// Replace the password of a user's credential account (adding one if the user has none).
    SetPassword(SetPasswordArgs),
    /// Remove a user with their accounts, sessions and other component rows.
    RemoveUser(RemoveUserArgs),
    /// List the component's users: email, verified, providers, and whether the hash can work.
    Users(UsersArgs),
    /// Zip an unpacked export directory back into an export ZIP, in the order and encoding
    /// `npx convex export` uses.
    Pack(PackArgs),
    /// Write the sample export built into bascrypt (the repo's tests/fixtures/sample-export),
    /// to try the other commands on.
    Sample(SampleArgs),
}

#[derive(Args)]
pub struct SampleArgs {
    /// The ZIP to write.
    #[arg(short = 'o', long = "output", value_name = "OUT.zip")]
    out: PathBuf,
    /// Replace OUT.zip if it exists.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args)]
pub struct PackArgs {
    /// The unpacked export (holding `_tables/documents.jsonl`).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// The ZIP to write.
    #[arg(short = 'o', long = "output", value_name = "OUT.zip")]
    out: PathBuf,
    /// Replace OUT.zip if it exists.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `next_help_heading` would also move every later argument of the
/// command under this heading, so each argument names it.
const LIMITS_HEADING: &str = "Limits (raise them for a genuine export that exceeds one)";

/// Bounds on what an export may hold, so a damaged or hostile ZIP fails with
/// a message instead of exhausting memory, disk or time. Sizes take a plain
/// number of bytes or a suffix: 16MiB, 64GiB (K, M, G, T are powers of 1024).
#[derive(Args, Clone, Copy)]
pub struct LimitArgs {
    /// Longest line of a documents.jsonl.
    #[arg(help_heading = LIMITS_HEADING, long, value_name = "SIZE", default_value = "16MiB", value_parser = parse_size)]
    max_line_bytes: u64,
    /// Largest unpacked ZIP entry.
    #[arg(help_heading = LIMITS_HEADING, long, value_name = "SIZE", default_value = "64GiB", value_parser = parse_size)]
    max_entry_bytes: u64,
    /// Largest total of all entries' unpacked sizes.
    #[arg(help_heading = LIMITS_HEADING, long, value_name = "SIZE", default_value = "256GiB", value_parser = parse_size)]
    max_total_bytes: u64,
    /// Most entries in the ZIP.
    #[arg(help_heading = LIMITS_HEADING, long, value_name = "COUNT", default_value_t = 10_000_000)]
    max_entries: usize,
}

impl Default for LimitArgs {
    fn default() -> Self {
        let l = Limits::default();
        LimitArgs {
            max_line_bytes: l.max_line_bytes as u64,
            max_entry_bytes: l.max_entry_bytes,
            max_total_bytes: l.max_total_bytes,
            max_entries: l.max_entries,
        }
    }
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        Limits {
            max_line_bytes: usize::try_from(self.max_line_bytes).unwrap_or(usize::MAX),
            max_entry_bytes: self.max_entry_bytes,
            max_total_bytes: self.max_total_bytes,
            max_entries: self.max_entries,
        }
    }
}

/// `123`, `16MiB`, `16M`, `64GiB`, `2T`: bytes, with binary multiples.
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let number: u64 = number.parse().map_err(|_| {
        format!("{text:?} is not a size: give bytes, or a number with KiB, MiB, GiB or TiB")
    })?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kib" | "kb" => 10,
        "m" | "mib" | "mb" => 20,
        "g" | "gib" | "gb" => 30,
        "t" | "tib" | "tb" => 40,
        _ => {
            return Err(format!(
                "{text:?}: unknown unit {unit:?}; use KiB, MiB, GiB or TiB"
            ))
        }
    };
    number
        .checked_mul(1 << shift)
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("{text:?} is zero or too large"))
}

#[derive(Args)]
pub struct Common {
    /// The export ZIP (`npx convex export --path snapshot.zip`).
    #[arg(value_name = "SNAPSHOT.zip")]
    snapshot: PathBuf,
    /// The Better Auth component's mount path (nested: `a/b`).
    #[arg(long, default_value = user_admin::DEFAULT_COMPONENT, value_name = "NAME")]
    component: String,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args)]
pub struct WriteArgs {
    /// Where to write the edited export (never the input itself).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "OUT.zip",
        required_unless_present = "dry_run"
    )]
    out: Option<PathBuf>,
    /// Replace OUT.zip if it exists.
    #[arg(long)]
    force: bool,
    /// Print what would change and write nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Args)]
pub struct NewPasswordArgs {
    /// Read the password from standard input (one trailing \n or \r\n is stripped)
    /// instead of prompting.
    #[arg(long, conflicts_with = "password_hash")]
    password_stdin: bool,
    /// Store this ready `<salt>:<key>` value instead of hashing a password.
    #[arg(long, value_name = "STORED")]
    password_hash: Option<String>,
    /// With --password-hash: store it even if Better Auth's default verify
    /// cannot accept it (e.g. bcrypt, for an app with a custom verify).
    #[arg(long, requires = "password_hash")]
    allow_foreign_hash: bool,
}

#[derive(Args)]
pub struct AddUserArgs {
    #[command(flatten)]
    pub common: Common,
    /// The user's email (stored lowercased, as Better Auth does).
    #[arg(long)]
    email: String,
    /// The display name (default: the part of the email before '@').
    #[arg(long)]
    name: Option<String>,
    /// Store emailVerified = false (default true).
    #[arg(long)]
    unverified: bool,
    #[command(flatten)]
    password: NewPasswordArgs,
    /// Set a field on the component user row, e.g. `role=admin` for the admin plugin.
    #[arg(long, value_name = "FIELD=VALUE")]
    user_set: Vec<String>,
    /// Also write (or link, when one with this email exists) a row in this app table.
    #[arg(long, value_name = "TABLE")]
    app_table: Option<String>,
    /// A field of the app row; VALUE is a JSON literal (true, 3, "x") or else a string.
    #[arg(long, value_name = "FIELD=VALUE", requires = "app_table")]
    app_set: Vec<String>,
    /// The app row's field that holds the component user's _id.
    #[arg(
        long,
        value_name = "FIELD",
        default_value = "authId",
        requires = "app_table"
    )]
    app_link: String,
    /// Create --app-table if the export has no table by that name (otherwise a
    /// misspelt name is an error).
    #[arg(long, requires = "app_table")]
    create_app_table: bool,
    #[command(flatten)]
    write: WriteArgs,
}

#[derive(Args)]
pub struct SetPasswordArgs {
    #[command(flatten)]
    pub common: Common,
    /// The user's email.
    #[arg(long)]
    email: String,
    #[command(flatten)]
    password: NewPasswordArgs,
    #[command(flatten)]
    write: WriteArgs,
}

#[derive(Args)]
pub struct RemoveUserArgs {
    #[command(flatten)]
    pub common: Common,
    /// The user's email.
    #[arg(long, required_unless_present = "user_id")]
    email: Option<String>,
    /// Pick the user by component `_id` instead (when several share an email).
    #[arg(long, value_name = "ID")]
    user_id: Option<String>,
    /// Also remove the rows of this app table that link to the user.
    #[arg(long, value_name = "TABLE")]
    app_table: Option<String>,
    /// The app table's link field.
    #[arg(long, value_name = "FIELD", default_value = "authId")]
    app_link: String,
    #[command(flatten)]
    write: WriteArgs,
}

#[derive(Args)]
pub struct UsersArgs {
    #[command(flatten)]
    pub common: Common,
}

impl SnapshotCommand {
    pub fn json(&self) -> bool {
        match self {
            SnapshotCommand::AddUser(a) => a.common.output.json,
            SnapshotCommand::SetPassword(a) => a.common.output.json,
            SnapshotCommand::RemoveUser(a) => a.common.output.json,
            SnapshotCommand::Users(a) => a.common.output.json,
            SnapshotCommand::Pack(a) => a.output.json,
            SnapshotCommand::Sample(a) => a.output.json,
        }
    }
}

pub fn run(cmd: SnapshotCommand) -> Result<u8> {
    match cmd {
        SnapshotCommand::AddUser(a) => add_user(a),
        SnapshotCommand::SetPassword(a) => set_password(a),
        SnapshotCommand::RemoveUser(a) => remove_user(a),
        SnapshotCommand::Users(a) => users(a),
        SnapshotCommand::Pack(a) => pack(a),
        SnapshotCommand::Sample(a) => {
            bascrypt::convex::check_destination(&a.out, None, a.force)?;
            bascrypt::convex::fixture::write_sample_export(&a.out)?;
            describe_written(&a.out, &LimitArgs::default(), a.output.json)
        }
    }
}

fn pack(a: PackArgs) -> Result<u8> {
    if !a.dir.join("_tables/documents.jsonl").is_file() {
        bail!(
            "{}: not an unpacked Convex export (no _tables/documents.jsonl inside)",
            a.dir.display()
        );
    }
    bascrypt::convex::check_destination(&a.out, None, a.force)?;
    // Zipped into a temporary file and read back before it takes OUT's name:
    // a tree that does not make an export leaves no file behind.
    let out_dir = match a.out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    bascrypt::convex::remove_abandoned_temp_files(&out_dir);
    let temp = tempfile::Builder::new()
        .prefix(&bascrypt::convex::temp_file_prefix())
        .suffix(".zip")
        .tempfile_in(&out_dir)
        .with_context(|| format!("cannot create a temporary file in {}", out_dir.display()))?;
    bascrypt::convex::fixture::zip_directory(&a.dir, temp.path())?;
    open(temp.path(), &a.limits).with_context(|| {
        format!(
            "{} does not make a Convex export; nothing written",
            a.dir.display()
        )
    })?;
    let persisted = if a.force {
        temp.persist(&a.out)
    } else {
        temp.persist_noclobber(&a.out)
    };
    persisted
        .map_err(|e| e.error)
        .with_context(|| format!("{}: cannot write", a.out.display()))?;
    describe_written(&a.out, &a.limits, a.output.json)
}

/// Reads a written export back (what we hand over must open) and says what it holds.
fn describe_written(out: &Path, limits: &LimitArgs, json_output: bool) -> Result<u8> {
    let snapshot = open(out, limits)?;
    let tables: usize = snapshot.components().iter().map(|c| c.tables().len()).sum();
    if json_output {
        println!(
            "{}",
            json!({ "output": out.display().to_string(), "components": snapshot.components().len(), "tables": tables })
        );
    } else {
        println!(
            "wrote {} ({} components, {} tables)",
            out.display(),
            snapshot.components().len(),
            tables
        );
    }
    Ok(0)
}

fn open(path: &Path, limits: &LimitArgs) -> Result<Snapshot> {
    Snapshot::open_with_limits(path, limits.limits())
        .with_context(|| format!("cannot use {} as a Convex export", path.display()))
}

/// The destination, checked before any slow work (hashing) happens, in a dry
/// run too, so that the real run does not fail where the rehearsal passed.
fn destination<'a>(w: &'a WriteArgs, input: &Path) -> Result<(Option<&'a Path>, WriteOptions)> {
    if let Some(d) = w.out.as_deref() {
        let folder = match d.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if !folder.is_dir() {
            bail!(
                "{}: the folder {} does not exist",
                d.display(),
                folder.display()
            );
        }
        bascrypt::convex::check_destination(d, Some(input), w.force)?;
    }
    let dest = if w.dry_run { None } else { w.out.as_deref() };
    Ok((dest, WriteOptions { force: w.force }))
}

impl NewPasswordArgs {
    /// Flag combinations clap's `requires` lets through (a flattened bool).
    fn check(&self) -> Result<()> {
        if self.allow_foreign_hash && self.password_hash.is_none() {
            bail!("--allow-foreign-hash only goes with --password-hash (a typed password is always hashed the Better Auth way)");
        }
        Ok(())
    }
}

/// The value to store: a fresh hash of a password read securely, or a given value.
fn new_stored_value(p: &NewPasswordArgs) -> Result<(String, Vec<String>)> {
    let mut notes = Vec::new();
    if let Some(stored) = &p.password_hash {
        let report = password::inspect(stored, &Params::BETTER_AUTH);
        if report.verdict != Verdict::Acceptable {
            let first = &report.findings[0];
            if !p.allow_foreign_hash {
                bail!("--password-hash: Better Auth's default verify cannot accept this value ({}: {}); pass --allow-foreign-hash if the app verifies it itself", first.code, first.message);
            }
            notes.push(format!("stored a value Better Auth's default verify cannot accept ({}), as --allow-foreign-hash asked", first.code));
        }
        return Ok((stored.clone(), notes));
    }
    let source = if p.password_stdin {
        Source::Stdin
    } else {
        Source::Prompt { confirm: true }
    };
    let (pw, warnings) = read_new_password(source)?;
    notes.extend(warnings);
    Ok((password::hash(pw.expose()).to_string(), notes))
}

/// [`new_stored_value`], deferred until the library has checked the snapshot.
fn password_source<'a>(
    p: &'a NewPasswordArgs,
    notes: &'a mut Vec<String>,
) -> user_admin::StoredPasswordSource<'a> {
    Box::new(move || {
        let (stored, more) = new_stored_value(p)?;
        notes.extend(more);
        Ok(stored)
    })
}

fn parse_fields(items: &[String], flag: &str) -> Result<Vec<(String, Value)>> {
    let mut fields: Vec<(String, Value)> = Vec::new();
    for item in items {
        let (k, v) = item
            .split_once('=')
            .with_context(|| format!("{flag} {item:?}: expected FIELD=VALUE, e.g. isAdmin=true"))?;
        if k.is_empty() {
            bail!("{flag} {item:?}: the field name before '=' is empty");
        }
        // The last one would silently win: a typo'd repeat is more likely
        // than a deliberate override.
        if fields.iter().any(|(seen, _)| seen == k) {
            bail!("{flag} {k}=… is given twice; give each field once");
        }
        let value = field_value(v).map_err(|why| anyhow::anyhow!("{flag} {k}: {why}"))?;
        fields.push((k.to_owned(), value));
    }
    Ok(fields)
}

fn add_user(a: AddUserArgs) -> Result<u8> {
    a.password.check()?;
    let (dest, options) = destination(&a.write, &a.common.snapshot)?;
    let snapshot = open(&a.common.snapshot, &a.common.limits)?;
    let user_fields = parse_fields(&a.user_set, "--user-set")?;
    let app_row = match &a.app_table {
        Some(table) => Some(AppRow {
            table: table.clone(),
            link_field: a.app_link.clone(),
            fields: parse_fields(&a.app_set, "--app-set")?,
        }),
        None => None,
    };
    let mut notes = Vec::new();
    let user = NewUser {
        email: a.email.clone(),
        name: a.name.clone(),
        email_verified: !a.unverified,
        user_fields,
        app_row,
        create_app_table: a.create_app_table,
    };
    let source = password_source(&a.password, &mut notes);
    let mut report =
        user_admin::add_user(snapshot, &a.common.component, &user, source, dest, options)?;
    report.notes.extend(notes);
    print_report(&report, dest, a.common.output.json);
    Ok(0)
}

fn set_password(a: SetPasswordArgs) -> Result<u8> {
    a.password.check()?;
    let (dest, options) = destination(&a.write, &a.common.snapshot)?;
    let snapshot = open(&a.common.snapshot, &a.common.limits)?;
    let mut notes = Vec::new();
    let source = password_source(&a.password, &mut notes);
    let mut report = user_admin::set_password(
        snapshot,
        &a.common.component,
        &a.email,
        source,
        dest,
        options,
    )?;
    report.notes.extend(notes);
    print_report(&report, dest, a.common.output.json);
    Ok(0)
}

fn remove_user(a: RemoveUserArgs) -> Result<u8> {
    let (dest, options) = destination(&a.write, &a.common.snapshot)?;
    let snapshot = open(&a.common.snapshot, &a.common.limits)?;
    let request = RemoveUser {
        email: a.email.clone().unwrap_or_default(),
        user_id: a.user_id.clone(),
        app_table: a.app_table.clone(),
        app_link: a.app_link.clone(),
    };
    let report = user_admin::remove_user(snapshot, &a.common.component, &request, dest, options)?;
    print_report(&report, dest, a.common.output.json);
    Ok(0)
}

fn users(a: UsersArgs) -> Result<u8> {
    use std::io::Write;

    let mut snapshot = open(&a.common.snapshot, &a.common.limits)?;
    let component = &a.common.component;
    // Text lines up its columns, so the email column's width is read first:
    // one more pass over the user table keeps memory flat.
    let width = if a.common.output.json {
        None
    } else {
        let mut width = 5;
        user_admin::for_each_user_email(&mut snapshot, component, |email| {
            width = width.max(email.chars().count());
        })?;
        Some(width)
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut listing = UserListing {
        width,
        started: false,
        count: 0,
    };
    let walk = user_admin::for_each_user(&mut snapshot, component, |u| {
        listing.push(&mut out, &u).map_err(UserAdminError::Output)
    });
    let error = match walk {
        Ok(()) => None,
        // Nothing printed yet: the usual error report.
        Err(err) if !listing.started => return Err(err.into()),
        Err(err) => Some(err.to_string()),
    };
    // Some users may be printed already: a JSON listing still ends as one
    // valid object, carrying the error, so a script sees both.
    listing.finish(&mut out, error.as_deref())?;
    out.flush()?;
    match error {
        None => {
            eprintln!("{} users", listing.count);
            Ok(0)
        }
        Some(message) => {
            eprintln!("bascrypt: error: {message}");
            Ok(2)
        }
    }
}

/// The `users` listing, printed as the user table streams past so that
/// memory does not grow with the export.
struct UserListing {
    /// The email column's width, for text; `None` for JSON.
    width: Option<usize>,
    started: bool,
    count: u64,
}

impl UserListing {
    fn push(&mut self, out: &mut impl std::io::Write, u: &UserSummary) -> std::io::Result<()> {
        let first = !self.started;
        self.started = true;
        self.count += 1;
        let Some(width) = self.width else {
            out.write_all(if first { b"{\"users\":[" } else { b"," })?;
            // Through a Value so keys come sorted, as in every other --json output.
            let user = serde_json::to_value(u).map_err(std::io::Error::other)?;
            return serde_json::to_writer(&mut *out, &user).map_err(std::io::Error::other);
        };
        if first {
            self.header(out, width)?;
        }
        let state = match &u.credential {
            CredentialState::NoCredentialAccount => "no credential account".to_string(),
            CredentialState::NoPassword => "credential account without a password".to_string(),
            CredentialState::Valid => "valid Better Auth hash".to_string(),
            CredentialState::Invalid(code) => format!("cannot verify ({code})"),
        };
        let providers = if u.providers.is_empty() {
            "-".to_string()
        } else {
            u.providers.join(",")
        };
        let verified = if u.email_verified { "yes" } else { "no" };
        writeln!(
            out,
            "{:width$}  {verified:8}  {providers:20}  {state}",
            u.email
        )
    }

    fn header(&self, out: &mut impl std::io::Write, width: usize) -> std::io::Result<()> {
        writeln!(
            out,
            "{:width$}  verified  providers             password",
            "email"
        )
    }

    /// Ends the listing; `error` is what stopped it early, if anything.
    fn finish(&self, out: &mut impl std::io::Write, error: Option<&str>) -> std::io::Result<()> {
        match self.width {
            Some(width) if !self.started => self.header(out, width),
            Some(_) => Ok(()),
            None => {
                if !self.started {
                    out.write_all(b"{\"users\":[")?;
                }
                out.write_all(b"]")?;
                if let Some(error) = error {
                    out.write_all(b",\"error\":")?;
                    serde_json::to_writer(&mut *out, error).map_err(std::io::Error::other)?;
                }
                out.write_all(b"}\n")
            }
        }
    }
}

fn print_report(report: &ChangeReport, dest: Option<&Path>, json: bool) {
    if json {
        let mut v = serde_json::to_value(report).expect("serializable");
        v["output"] = json!(dest.map(|d| d.display().to_string()));
        println!("{v}");
        return;
    }
    let verb = if report.written { "" } else { "would " };
    for c in &report.changes {
        let what = match c.kind {
            user_admin::ChangeKind::Add => "add",
            user_admin::ChangeKind::Update => "update",
            user_admin::ChangeKind::Remove => "remove",
        };
        let place = if c.component.is_empty() {
            c.table.clone()
        } else {
            format!("{}/{}", c.component, c.table)
        };
        println!("{verb}{what} {place} {}: {}", c.id, c.detail);
    }
    for n in &report.notes {
        println!("note: {n}");
    }
    match dest {
        Some(d) => println!(
            "wrote {} (mode 0600); import it into the deployment you exported from: npx convex import --replace-all {} (add --prod for production; keep the original export to roll back)",
            d.display(),
            d.display()
        ),
        None => println!("dry run: nothing written"),
    }
}
