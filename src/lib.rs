#![doc = include_str!("../README.md")]
#![forbid(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod auth_rows;
pub mod convex;
pub mod doctor;
pub mod kdf;
pub mod password;
pub mod user_admin;
