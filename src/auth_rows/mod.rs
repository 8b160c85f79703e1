//! Better Auth user/account rows and the sign-in rules.
