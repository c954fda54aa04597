//! Proving who someone is: one-time codes sent by email or SMS, authenticator apps
//! (TOTP), security answers and recovery codes. Registration (`security_info`) and the
//! reset wizard both build on these.

pub mod answers;
pub mod codes;
pub mod recovery;
pub mod totp;

pub use codes::{CodeError, CodeProblem, CodeRules, SendCap};
