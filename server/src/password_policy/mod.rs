//! The password policy on the server: the saved settings, the verdict on a new password
//! (length, the common list, banned words, the user's names, history) and the history
//! itself. The reset wizard and the password change both go through [`PasswordPolicies`],
//! and the rules shared with the client live in `app::domain::password_policy`.
//!
//! Every password is NFKC-normalised before it is measured, compared or fingerprinted, as
//! it is before hashing (`passwords.rs`), so "é" typed precomposed or decomposed, or "ﬁ"
//! as a ligature, is one and the same password everywhere.

mod api;
mod common;
mod history;
mod policies;
mod strength;

pub use api::PasswordPolicyApi;
pub use policies::{shape, PasswordPolicies};
