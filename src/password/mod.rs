//! Better Auth's credential password format.
mod params;
pub use params::{Params, ParamsError};
