//! The per-email walk: Better Auth's sign-in and password-reset paths for one
//! email, over the rows of the export that can matter to it.

use serde::Serialize;
use serde_json::Value;

use crate::auth_rows::{
    simulate_sign_in, AccountRow, BetterAuthVersion, SignInAttempt, SignInRows, SignInVerdict,
    UserRow,
};
use crate::convex::Snapshot;
use crate::password::{self, Params, Verdict, MAX_PASSWORD_LENGTH};

use super::checks::{check_credential, check_row, check_user, line_error, TableInfo};
use super::finding::{Code, Finding, Severity};
use super::fix::Fixes;
use super::report::Collector;
use super::scan::component_missing;
use super::{DoctorError, DoctorOptions};

/// The question: this email, and optionally the password the person types.
#[derive(Clone, Copy, Debug)]
pub struct EmailCheck<'a> {
    /// The email as the person types it.
    pub email: &'a str,
    /// The password, to verify it too; `None` stops before the password check.
    pub password: Option<&'a str>,
    /// When the password does not match a well-formed hash, try the usual
    /// mistakes ([`password::explain`]); costs up to eight scrypt calls.
    pub explain: bool,
}

/// What Better Auth's `request-password-reset` does for the email.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResetVerdict {
    /// The HTTP status: 200 either way, so the client cannot tell.
    pub status: u16,
    /// Whether the reset email is sent (`sendResetPassword` is called).
    pub email_sent: bool,
    /// The server log line, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<&'static str>,
    /// Why, in plain words.
    pub reason: String,
}

/// The answer for one email.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EmailDiagnosis {
    /// The email as given.
    pub email: String,
    /// What Better Auth looks up: the email lowercased.
    pub lookup: String,
    /// Whether a password was given and checked.
    pub password_checked: bool,
    /// The sign-in verdict under 1.6 and 1.7 rules.
    pub signin: Vec<SignInVerdict>,
    /// The password-reset verdict (the same under both versions).
    pub password_reset: ResetVerdict,
    /// Every finding on the way, worst first.
    pub findings: Vec<Finding>,
}

impl EmailDiagnosis {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// Whether a finding has `code`.
    pub fn has(&self, code: Code) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }
}

struct AppRowSeen {
    line: u64,
    id: Option<String>,
    email: Option<String>,
    link: Option<String>,
    link_exists: bool,
}

/// Walks sign-in and password reset for `check.email` over the export.
///
/// Reads the app's users table, the component's `user` table and its
/// `account` table once each, streaming, keeping only the rows of this
/// person (the users whose email equals the lookup, ignoring case and
/// surrounding spaces, and their accounts). Sign-in is simulated with
/// [`simulate_sign_in`] under both versions; a given password costs a few
/// scrypt calls (32 MiB each, one at a time), `explain` up to eight more.
///
/// # Errors
/// An entry cannot be read (damaged ZIP).
pub fn diagnose_email(
    snapshot: &mut Snapshot,
    check: &EmailCheck<'_>,
    options: &DoctorOptions,
) -> Result<EmailDiagnosis, DoctorError> {
    let lookup = check.email.trim().to_lowercase();
    let fixes = Fixes { options };
    let mut c = Collector::new(usize::MAX);
    let auth = options.component.trim_matches('/').to_owned();
    let has_auth = snapshot.components().iter().any(|x| x.name() == auth);
    let table_exists = |snapshot: &Snapshot, comp: &str, table: &str| {
        snapshot
            .component(comp)
            .map(|x| snapshot.has_entry(&x.documents_entry(table)))
            .unwrap_or(false)
    };

    // The app's own rows for this person.
    let mut app_rows: Vec<AppRowSeen> = Vec::new();
    let has_app = table_exists(snapshot, "", &options.app_table);
    if has_app {
        for row in snapshot.rows("", &options.app_table)?.flatten() {
            let email = row.str_field("email");
            if email.is_some_and(|e| e.trim().to_lowercase() == lookup) {
                app_rows.push(AppRowSeen {
                    line: row.line,
                    id: row.id().map(str::to_owned),
                    email: email.map(str::to_owned),
                    link: row.str_field(&options.app_link).map(str::to_owned),
                    link_exists: false,
                });
            }
        }
    }

    // Component users with this email, exactly or nearly.
    let mut users: Vec<(u64, UserRow)> = Vec::new();
    let mut accounts: Vec<(u64, AccountRow)> = Vec::new();
    let mut user_info = None;
    let mut account_info = None;
    if !has_auth {
        component_missing(snapshot, options, &mut c);
    } else if table_exists(snapshot, &auth, "user") {
        let info = TableInfo::read(snapshot, &auth, "user")?;
        for item in snapshot.rows(&auth, "user")? {
            let row = match item {
                Ok(row) => row,
                Err(e) => {
                    line_error(&info, e, &mut c)?;
                    continue;
                }
            };
            if let Some(id) = row.id() {
                for app in app_rows.iter_mut() {
                    if app.link.as_deref() == Some(id) {
                        app.link_exists = true;
                    }
                }
            }
            let matches = row
                .str_field("email")
                .is_some_and(|e| e.trim().to_lowercase() == lookup);
            if matches {
                check_row(&info, &row, &mut c);
                let user = UserRow::from_document(&Value::Object(row.document));
                check_user(&info, row.line, &user, &fixes, &mut c);
                users.push((row.line, user));
            }
        }
        user_info = Some(info);
    }

    // Their accounts.
    if has_auth && !users.is_empty() && table_exists(snapshot, &auth, "account") {
        let info = TableInfo::read(snapshot, &auth, "account")?;
        for item in snapshot.rows(&auth, "account")? {
            let row = match item {
                Ok(row) => row,
                Err(e) => {
                    line_error(&info, e, &mut c)?;
                    continue;
                }
            };
            let theirs = row
                .str_field("userId")
                .is_some_and(|uid| users.iter().any(|(_, u)| u.id == uid));
            if theirs {
                check_row(&info, &row, &mut c);
                accounts.push((
                    row.line,
                    AccountRow::from_document(&Value::Object(row.document)),
                ));
            }
        }
        account_info = Some(info);
    }

    let found = users
        .iter()
        .find(|(_, u)| u.email.as_deref() == Some(lookup.as_str()));
    let user_label = user_info
        .as_ref()
        .map_or_else(|| format!("{auth}/user"), |i| i.label.clone());

    if has_auth && found.is_none() {
        let near = users.first();
        c.add(Code::UserMissing, Severity::Error, &user_label, |f| {
            let f = f.email(Some(&lookup));
            match near {
                Some((line, u)) => f
                    .message(format!(
                        "no component user has the email {lookup:?} exactly; line {line} has {:?}, which Better Auth never matches: sign-in and password reset log \"User not found\"",
                        u.email.as_deref().unwrap_or_default()
                    ))
                    .fix("correct that row's stored email (see the email-case / email-whitespace finding)"),
                None => f
                    .message(format!(
                        "no component user has the email {lookup:?}: sign-in and password reset log \"User not found\""
                    ))
                    .fix(fixes.add_user(&lookup, !app_rows.is_empty())),
            }
        });
    }
    if found.is_none() || !has_auth {
        for app in &app_rows {
            let label = options.app_table.clone();
            c.add(Code::AppOnlyUser, Severity::Error, &label, |f| {
                f.id(app.id.as_deref()).email(app.email.as_deref()).line(app.line).message(format!(
                    "the app's `{}` table has this person (line {}), but the `{auth}` component has no user with this email: Better Auth only reads the component's tables (the dual-table trap)",
                    options.app_table, app.line
                ))
                .fix(fixes.add_user(&lookup, true))
            });
        }
    }
    if users.len() > 1 {
        for (line, u) in &users {
            c.add(Code::DuplicateEmail, Severity::Error, &user_label, |f| {
                f.id(Some(&u.id)).email(u.email.as_deref()).line(*line).message(format!(
                    "{} component users have this email (equal, or differing only in case or spaces); Better Auth uses the first exact lowercase match",
                    users.len()
                ))
                .fix("keep one user for this email: move what matters to it and delete the others (with their accounts and sessions)")
            });
        }
    }
    for app in &app_rows {
        if let (Some(link), false) = (&app.link, app.link_exists) {
            if has_auth {
                let field = &options.app_link;
                let target = found.map(|(_, u)| u.id.clone());
                c.add(Code::AppLinkBroken, Severity::Error, &options.app_table, |f| {
                    f.id(app.id.as_deref()).email(app.email.as_deref()).line(app.line).message(format!(
                        "the app row's `{field}` is {link:?}, which is no user in the `{auth}` component"
                    ))
                    .fix(match target {
                        Some(id) => format!("set `{field}` to {id:?}, this person's component user _id"),
                        None => fixes.add_user(&lookup, true),
                    })
                });
            }
        }
    }

    let account_label = account_info
        .as_ref()
        .map_or_else(|| format!("{auth}/account"), |i| i.label.clone());
    let mut password_checked = false;
    if let Some((line, user)) = found {
        let email = user.email.as_deref();
        if let Some(legacy) = &user.legacy_app_id {
            if has_app && !app_rows.iter().any(|a| a.id.as_deref() == Some(legacy)) {
                let exists = snapshot
                    .rows("", &options.app_table)?
                    .flatten()
                    .any(|r| r.id() == Some(legacy.as_str()));
                if !exists {
                    c.add(Code::AppLinkBroken, Severity::Error, &user_label, |f| {
                        f.id(Some(&user.id)).email(email).line(*line).message(format!(
                            "the user's legacy `userId` link is {legacy:?}, which is no row of the app's `{}` table",
                            options.app_table
                        ))
                        .fix("point userId at the app row's _id, or drop the field if the app links by `authId` now")
                    });
                }
            }
        }
        let own: Vec<&(u64, AccountRow)> = accounts
            .iter()
            .filter(|(_, a)| a.user_id.as_deref() == Some(user.id.as_str()))
            .collect();
        let credentials: Vec<&(u64, AccountRow)> = own
            .iter()
            .copied()
            .filter(|(_, a)| a.is_credential())
            .collect();
        if credentials.is_empty() {
            let providers: Vec<&str> = own
                .iter()
                .map(|(_, a)| a.provider_id.as_deref().unwrap_or("(none)"))
                .collect();
            let has = if providers.is_empty() {
                "no account at all".to_owned()
            } else {
                format!("only {} account(s)", providers.join(", "))
            };
            c.add(Code::NoCredentialAccount, Severity::Error, &user_label, |f| {
                f.id(Some(&user.id)).email(email).line(*line).message(format!(
                    "the user has {has}, no account with providerId \"credential\": password sign-in logs \"Credential account not found\" on 1.6 and \"User not found\" on 1.7 (401)"
                ))
                .fix(format!("{} (or password reset, which creates the credential account)", fixes.set_password(email.unwrap_or(&lookup))))
            });
        }
        if credentials.len() > 1 {
            for (line, a) in &credentials {
                c.add(Code::DuplicateCredentialAccount, Severity::Warning, &account_label, |f| {
                    f.id(Some(&a.id)).email(email).line(*line).message(format!(
                        "the user has {} credential accounts: 1.6 uses the first in table order, 1.7 the one whose accountId is the user's _id",
                        credentials.len()
                    ))
                    .fix("keep one credential account (accountId = the user's _id) and delete the others")
                });
            }
        }
        if let Some(info) = &account_info {
            for (line, a) in &credentials {
                check_credential(info, *line, a, email, &fixes, &mut c);
            }
        }
        if user.email_verified != Some(true) {
            let (severity, effect) = if options.require_email_verification {
                (Severity::Error, "the app requires email verification, so sign-in answers 403 EMAIL_NOT_VERIFIED even with the right password")
            } else {
                (Severity::Warning, "sign-in fails with 403 EMAIL_NOT_VERIFIED if the app sets requireEmailVerification (run with --require-email-verification if it does)")
            };
            c.add(Code::EmailNotVerified, severity, &user_label, |f| {
                f.id(Some(&user.id)).email(email).line(*line)
                    .message(format!("emailVerified is not true: {effect}"))
                    .fix("set emailVerified to true on this row if the address is known to be theirs, or have them verify it")
            });
        }
        if let Some(pw) = check.password {
            password_checked = true;
            let len = pw.encode_utf16().count();
            if len > MAX_PASSWORD_LENGTH {
                c.add(Code::PasswordTooLong, Severity::Warning, &user_label, |f| {
                    f.id(Some(&user.id)).email(email).line(*line).message(format!(
                        "the password is {len} UTF-16 code units, over Better Auth's maximum of {MAX_PASSWORD_LENGTH}: 1.7 refuses it at sign-in (400 PASSWORD_TOO_LONG, \"Password is too long\"); 1.6 still checks it"
                    ))
                    .fix(format!("set a password of at most {MAX_PASSWORD_LENGTH} characters: {}", fixes.set_password(email.unwrap_or(&lookup))))
                });
            }
            // The accounts each version checks: 1.6 the first credential
            // account, 1.7 the one whose accountId is the user's _id.
            let mut checked: Vec<&(u64, AccountRow)> = Vec::new();
            checked.extend(credentials.first().copied());
            if let Some(a) = credentials
                .iter()
                .copied()
                .find(|(_, a)| a.account_id.as_deref() == Some(user.id.as_str()))
            {
                if !checked.iter().any(|(l, _)| l == &a.0) {
                    checked.push(a);
                }
            }
            for (line, a) in checked {
                let Some(stored) = a.password.as_deref() else {
                    continue;
                };
                if password::inspect(stored, &Params::BETTER_AUTH).verdict != Verdict::Acceptable {
                    continue;
                }
                if password::verify(pw, stored) == Ok(false) {
                    let explained = if check.explain {
                        password::explain(pw, stored, &Params::BETTER_AUTH)
                    } else {
                        Vec::new()
                    };
                    c.add(Code::WrongPassword, Severity::Error, &account_label, |f| {
                        let mut message = "the stored hash is well formed but this password does not match it: sign-in logs \"Invalid password\" (401)".to_owned();
                        for e in &explained {
                            message.push_str(&format!("; {} ({})", e.message, e.code));
                        }
                        if !check.explain {
                            message.push_str("; --explain tries the usual ways a hash gets made wrong");
                        }
                        let fix = explained
                            .iter()
                            .find_map(|e| e.fix.clone())
                            .filter(|_| explained.first().is_some_and(|e| e.code != "no-known-cause"))
                            .map(|x| format!("{x}; or: {}", fixes.set_password(email.unwrap_or(&lookup))))
                            .unwrap_or_else(|| format!("check the password, or set a new one: {} (or password reset)", fixes.set_password(email.unwrap_or(&lookup))));
                        f.id(Some(&a.id)).email(email).line(*line).message(message).fix(fix)
                    });
                }
            }
        }
    }

    let user_rows: Vec<UserRow> = users.iter().map(|(_, u)| u.clone()).collect();
    let account_rows: Vec<AccountRow> = accounts.iter().map(|(_, a)| a.clone()).collect();
    let attempt = SignInAttempt {
        email: check.email.trim(),
        password: check.password,
        require_email_verification: options.require_email_verification,
    };
    let rows = SignInRows {
        users: &user_rows,
        accounts: &account_rows,
    };
    let signin = BetterAuthVersion::ALL
        .iter()
        .map(|&v| simulate_sign_in(v, &attempt, &rows))
        .collect();
    let password_reset = if !crate::auth_rows::passes_email_check(check.email) {
        ResetVerdict {
            status: 400,
            email_sent: false,
            log: None,
            reason: format!("{:?} fails the email check of the request body (zod's z.email()): 400 VALIDATION_ERROR, nothing is looked up or sent", check.email),
        }
    } else if found.is_some() {
        ResetVerdict {
            status: 200,
            email_sent: true,
            log: None,
            reason: "the user is found, so the reset email is sent (when the app configures sendResetPassword); resetting also creates a missing credential account and replaces an unusable hash".into(),
        }
    } else {
        ResetVerdict {
            status: 200,
            email_sent: false,
            log: Some("Reset Password: User not found"),
            reason: format!("no component user has the email {lookup:?}: Better Auth logs \"Reset Password: User not found\" but answers 200, so the person waits for an email that never comes"),
        }
    };
    let findings = c.finish().findings().cloned().collect();
    Ok(EmailDiagnosis {
        email: check.email.to_owned(),
        lookup,
        password_checked,
        signin,
        password_reset,
        findings,
    })
}
