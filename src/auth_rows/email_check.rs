//! The email check Better Auth runs before it looks a user up.
//!
//! Both 1.6 and 1.7 start `signInEmail` with `z.email().safeParse(email)`
//! and answer 400 `INVALID_EMAIL` when it fails; `request-password-reset`
//! answers 400 `VALIDATION_ERROR`. Neither logs anything. So a user row whose
//! email fails this check can never sign in with a password, however right
//! the rest of its rows are.

/// Whether zod's `z.email()` (zod 4.6.7, what better-auth 1.6 and 1.7
/// install) accepts `email`. The rule is zod's regular expression
///
/// ```text
/// ^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$
/// ```
///
/// spelled out: ASCII only; the local part is dot-separated runs of letters,
/// digits and `_ ' + -`, none empty, not ending in `'`; the domain has two or
/// more dot-separated labels of letters, digits and `-` that do not start
/// with `-`, the last one two or more letters.
///
/// ```
/// use bascrypt::auth_rows::passes_email_check;
/// assert!(passes_email_check("Ops.Lead+x@Example.co.uk"));
/// assert!(!passes_email_check("a..b@example.com"));
/// assert!(!passes_email_check("user@localhost"));
/// assert!(!passes_email_check("jürgen@example.com"));
/// ```
pub fn passes_email_check(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let local_char = |c: char| c.is_ascii_alphanumeric() || "_'+-".contains(c);
    let local_ok = local
        .split('.')
        .all(|run| !run.is_empty() && run.chars().all(local_char))
        && local.chars().last().is_some_and(|c| c != '\'');
    let labels: Vec<&str> = domain.split('.').collect();
    let Some((last, rest)) = labels.split_last() else {
        return false;
    };
    let domain_ok = !rest.is_empty()
        && rest.iter().all(|label| {
            label
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && last.len() >= 2
        && last.chars().all(|c| c.is_ascii_alphabetic());
    local_ok && domain_ok
}
