//! The email as Better Auth stores it.

use super::UserAdminError;

/// Lowercases and checks `email` the way Better Auth stores it at sign-up.
///
/// Returns the stored form. Refuses what Better Auth's sign-up validation
/// would refuse in practice: no `@`, an empty side, whitespace or control
/// characters.
///
/// ```
/// use bascrypt::user_admin::normalize_email;
/// assert_eq!(normalize_email("Ops.Lead@Example.com").unwrap(), "ops.lead@example.com");
/// assert!(normalize_email("ops lead@example.com").is_err());
/// assert!(normalize_email("nobody").is_err());
/// assert!(normalize_email("a@@b.com").is_err());
/// assert!(normalize_email("a@b.com,c@d.com").is_err());
/// ```
pub fn normalize_email(email: &str) -> Result<String, UserAdminError> {
    let bad = |why| UserAdminError::InvalidEmail {
        email: email.to_owned(),
        why,
    };
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it contains whitespace or a control character"));
    }
    if let Some(c) = email.chars().find(|c| "\",;<>()[]\\:".contains(*c)) {
        return Err(bad(match c {
            ',' | ';' => "it holds a list separator: give one address",
            _ => "it holds a character ( \" , ; < > ( ) [ ] \\ : ) that Better Auth's email check refuses",
        }));
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err(bad("it has no '@'"));
    };
    if local.contains('@') {
        return Err(bad("it has more than one '@'"));
    }
    if local.is_empty() || domain.is_empty() {
        return Err(bad("the part before or after the '@' is empty"));
    }
    if !domain.contains('.') && domain != "localhost" {
        return Err(bad("the domain has no '.'"));
    }
    // JavaScript's toLowerCase, which Better Auth applies, agrees with Rust's
    // to_lowercase outside a few context-dependent letters (final sigma).
    Ok(email.to_lowercase())
}
