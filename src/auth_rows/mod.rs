//! Better Auth's `user` and `account` rows and the sign-in rules that read them.

mod rows;
mod signin;

pub use rows::{AccountRow, UserRow};
pub use signin::{
    simulate_sign_in, BetterAuthVersion, Outcome, SignInAttempt, SignInRows, SignInVerdict,
};
