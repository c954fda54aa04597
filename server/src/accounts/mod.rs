//! User accounts: canonical names, storage, sign-in with lockout and password change.
//! The admin users list is `admin::users`.

pub mod canonical;
pub mod lock_notice;
mod lockout;
mod service;
mod status;
pub mod store;

pub use canonical::{canonical_text, canonical_username};
pub use lockout::Lockout;
pub use service::{Caller, SqlAccounts};
pub use status::StoredStatus;
