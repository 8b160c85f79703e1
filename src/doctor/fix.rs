//! The fix lines: concrete `bascrypt snapshot …` commands with the real
//! email and file name.

use super::DoctorOptions;

/// Stands in for an email the whole-export scan learns only at the end.
pub(crate) const EMAIL_PLACEHOLDER: &str = "<EMAIL>";

/// `text` as one shell word: bare when it is plainly safe, else single-quoted.
pub(crate) fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c));
    if plain || text == EMAIL_PLACEHOLDER {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The output name the fix commands suggest: `snapshot.zip` → `snapshot-fixed.zip`.
fn fixed_name(snapshot: &str) -> String {
    match snapshot.strip_suffix(".zip") {
        Some(stem) => format!("{stem}-fixed.zip"),
        None => format!("{snapshot}-fixed.zip"),
    }
}

pub(crate) struct Fixes<'a> {
    pub options: &'a DoctorOptions,
}

impl Fixes<'_> {
    fn common(&self) -> String {
        let o = self.options;
        let mut s = shell_word(&o.snapshot_name);
        if o.component != crate::user_admin::DEFAULT_COMPONENT {
            s.push_str(&format!(" --component {}", shell_word(&o.component)));
        }
        s
    }

    fn out(&self) -> String {
        format!(
            "-o {}",
            shell_word(&fixed_name(&self.options.snapshot_name))
        )
    }

    /// Adds the user (asks for the password), linking the app row when there is one.
    pub(crate) fn add_user(&self, email: &str, with_app_table: bool) -> String {
        let app = if with_app_table {
            let o = self.options;
            let mut s = format!(" --app-table {}", shell_word(&o.app_table));
            if o.app_link != "authId" {
                s.push_str(&format!(" --app-link {}", shell_word(&o.app_link)));
            }
            s
        } else {
            String::new()
        };
        format!(
            "bascrypt snapshot add-user {} --email {}{app} {}",
            self.common(),
            shell_word(&email.to_lowercase()),
            self.out()
        )
    }

    /// Stores a fresh Better Auth hash (adding a credential account when missing).
    pub(crate) fn set_password(&self, email: &str) -> String {
        format!(
            "bascrypt snapshot set-password {} --email {} {}",
            self.common(),
            shell_word(email),
            self.out()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(shell_word("ops.lead@example.com"), "ops.lead@example.com");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("o'neil@x.io"), r"'o'\''neil@x.io'");
        assert_eq!(fixed_name("dir/snap.zip"), "dir/snap-fixed.zip");
    }
}
