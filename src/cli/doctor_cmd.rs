//! `doctor`: why a sign-in fails, for one email or the whole export.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Args;
use serde_json::json;

use bascrypt::auth_rows::{Outcome, SignInVerdict};
use bascrypt::convex::Snapshot;
use bascrypt::doctor::{self, DoctorOptions, EmailCheck, Finding, ScanProgress};

use super::secret_input::{read_password, Source};
use super::OutputArgs;

#[derive(Args)]
pub struct DoctorArgs {
    /// The export ZIP (`npx convex export --path snapshot.zip`).
    #[arg(value_name = "SNAPSHOT.zip")]
    snapshot: PathBuf,
    /// Diagnose this one email: walk sign-in (1.6 and 1.7 rules) and password reset for it.
    #[arg(long, value_name = "EMAIL")]
    email: Option<String>,
    /// With --email: read the password from standard input (one trailing \n or \r\n is stripped)
    /// and check it too.
    #[arg(long, requires = "email", conflicts_with = "password")]
    password_stdin: bool,
    /// With --email: prompt for the password (no echo) and check it too.
    #[arg(long, requires = "email")]
    password: bool,
    /// With a password that does not match: say how the stored hash was probably made.
    #[arg(long)]
    explain: bool,
    /// The app sets emailAndPassword.requireEmailVerification.
    #[arg(long)]
    require_email_verification: bool,
    /// The Better Auth component's mount path (nested: `a/b`).
    #[arg(long, default_value = "betterAuth", value_name = "NAME")]
    component: String,
    /// The app's own users table (at the root of the export).
    #[arg(long, default_value = "users", value_name = "TABLE")]
    app_table: String,
    /// The app table's field that holds the component user's _id.
    #[arg(long, default_value = "authId", value_name = "FIELD")]
    app_link: String,
    /// Whole export: show at most N findings of each kind (all are counted).
    #[arg(long, default_value_t = 20, value_name = "N")]
    limit: usize,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(a: DoctorArgs) -> Result<u8> {
    if a.explain && !(a.password || a.password_stdin) {
        bail!("--explain needs the password: add --password-stdin (or --password to be prompted)");
    }
    let mut snapshot = Snapshot::open(&a.snapshot)
        .with_context(|| format!("cannot use {} as a Convex export", a.snapshot.display()))?;
    // The default may be absent (not every app keeps its own users table);
    // a table named on purpose and missing is a typo that would hide every
    // app-only user.
    let tables_here = |component: &str| {
        snapshot.component(component).map(|c| {
            c.tables()
                .iter()
                .map(|t| t.name.clone())
                .collect::<Vec<_>>()
        })
    };
    if a.app_table != "users" {
        let tables = tables_here("")?;
        if !tables.contains(&a.app_table) {
            bail!(
                "--app-table {}: the app has no table `{}` (it has: {}); check the name",
                a.app_table,
                a.app_table,
                tables.join(", ")
            );
        }
    }
    let options = DoctorOptions {
        component: a.component.clone(),
        app_table: a.app_table.clone(),
        app_link: a.app_link.clone(),
        require_email_verification: a.require_email_verification,
        snapshot_name: a.snapshot.display().to_string(),
    };
    match &a.email {
        Some(email) if email.trim().is_empty() => {
            bail!("--email is empty: give the address the person types at sign-in")
        }
        Some(email) => one_email(&a, &mut snapshot, email, &options),
        None => whole_export(&a, &mut snapshot, &options),
    }
}

fn one_email(
    a: &DoctorArgs,
    snapshot: &mut Snapshot,
    email: &str,
    options: &DoctorOptions,
) -> Result<u8> {
    let password = if a.password_stdin {
        Some(read_password(Source::Stdin)?)
    } else if a.password {
        Some(read_password(Source::Prompt { confirm: false })?)
    } else {
        None
    };
    let check = EmailCheck {
        email,
        password: password.as_ref().map(|p| p.expose()),
        explain: a.explain,
    };
    let d = doctor::diagnose_email(snapshot, &check, options)?;
    drop(password);
    let code = u8::from(d.has_errors());
    if a.output.json {
        let signin: serde_json::Map<String, serde_json::Value> = d
            .signin
            .iter()
            .map(|v| (v.version.as_str().to_owned(), json!(v)))
            .collect();
        let out = json!({
            "email": d.email,
            "lookup": d.lookup,
            "password_checked": d.password_checked,
            "findings": d.findings,
            "signin": signin,
            "password_reset": d.password_reset,
        });
        println!("{out}");
        return Ok(code);
    }
    println!(
        "{} in {} (Better Auth looks up {:?})",
        d.email,
        a.snapshot.display(),
        d.lookup
    );
    println!();
    println!(
        "sign-in{}:",
        if d.password_checked {
            " with the given password"
        } else {
            " (no password given: stops before the password check)"
        }
    );
    for v in &d.signin {
        println!("  Better Auth {}: {}", v.version.as_str(), verdict_line(v));
    }
    let r = &d.password_reset;
    println!(
        "password reset: {}{}",
        if r.email_sent {
            format!("{}, reset email sent", r.status)
        } else {
            format!("{}, but no email is ever sent", r.status)
        },
        r.log.map(|l| format!("; logs {l:?}")).unwrap_or_default()
    );
    println!();
    if d.findings.is_empty() {
        println!("no findings");
    } else {
        println!("findings:");
        for f in &d.findings {
            print_finding(f);
        }
    }
    Ok(code)
}

fn verdict_line(v: &SignInVerdict) -> String {
    match v.outcome {
        Outcome::Success => "signs in (200)".to_owned(),
        Outcome::DependsOnPassword => {
            "every row is in place; the result depends on the password".to_owned()
        }
        Outcome::Failure => {
            let status = v.status.map(|s| s.to_string()).unwrap_or_default();
            match v.log {
                Some(log) => format!("fails {status}, logs {log:?}: {}", v.reason),
                None => format!("fails {status}: {}", v.reason),
            }
        }
    }
}

fn print_finding(f: &Finding) {
    let mut place = f.table.clone();
    if let Some(line) = f.line {
        place.push_str(&format!(" line {line}"));
    }
    if let Some(id) = &f.id {
        place.push_str(&format!(" _id {id}"));
    }
    if let Some(email) = &f.email {
        place.push_str(&format!(" {email:?}"));
    }
    println!(
        "  {:<7} {:<22} {place}",
        f.severity.to_string(),
        f.code.as_str()
    );
    println!("          {}", f.message);
    if !f.fix.is_empty() {
        println!("          fix: {}", f.fix);
    }
}

fn whole_export(a: &DoctorArgs, snapshot: &mut Snapshot, options: &DoctorOptions) -> Result<u8> {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:30} {percent:>3}% {msg} ({elapsed}, about {eta} left)",
        ) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let mut progress = |p: ScanProgress<'_>| {
        if let Some(bar) = &bar {
            bar.set_length(p.total_bytes);
            bar.set_position(p.bytes.min(p.total_bytes));
            bar.set_message(format!("{}: {} rows", p.table, p.rows));
        }
    };
    let result = doctor::scan(snapshot, options, a.limit, &mut progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let scan = result?;
    let report = &scan.report;
    let code = u8::from(report.has_errors());
    if a.output.json {
        let groups: Vec<_> = report
            .groups
            .iter()
            .map(|g| json!({"code": g.code, "severity": g.severity, "count": g.count, "shown": g.findings.len()}))
            .collect();
        let findings: Vec<&Finding> = report.findings().collect();
        println!(
            "{}",
            json!({ "findings": findings, "groups": groups, "stats": scan.stats, "signin": null })
        );
        return Ok(code);
    }
    let s = &scan.stats;
    eprintln!(
        "read {} tables, {} rows ({} users, {} accounts, {} sessions, {} app rows) in {:.2}s",
        s.tables,
        s.rows,
        s.users,
        s.accounts,
        s.sessions,
        s.app_rows,
        s.elapsed.as_secs_f64()
    );
    if report.groups.is_empty() {
        println!("no findings");
        return Ok(0);
    }
    for g in &report.groups {
        let more = if (g.findings.len() as u64) < g.count {
            format!(" (first {} shown; --limit N for more)", g.findings.len())
        } else {
            String::new()
        };
        println!("{} {} × {}{more}", g.severity, g.code, g.count);
        for f in &g.findings {
            print_finding(f);
        }
        println!();
    }
    let count = |sev| {
        report
            .groups
            .iter()
            .filter(|g| g.severity == sev)
            .map(|g| g.count)
            .sum::<u64>()
    };
    println!(
        "{} errors, {} warnings, {} info",
        count(doctor::Severity::Error),
        count(doctor::Severity::Warning),
        count(doctor::Severity::Info)
    );
    Ok(code)
}
