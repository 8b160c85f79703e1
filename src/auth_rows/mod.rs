//! Better Auth's `user` and `account` rows and the sign-in rules that read them.

mod email_check;
mod rows;
mod signin;

pub use email_check::passes_email_check;

pub use rows::{AccountRow, UserRow};
pub use signin::{
    simulate_sign_in, BetterAuthVersion, Outcome, SignInAttempt, SignInRows, SignInVerdict,
};
