//! sspr's server: configuration, storage, the account workflows, and the web layer that
//! serves the built app and its server functions.

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod captcha;
pub mod cli;
pub mod clock;
pub mod config;
pub mod config_error;
pub mod csv_cell;
pub mod db;
pub mod delivery;
pub mod demo;
pub mod directory;
pub mod error;
pub mod observability;
pub mod password_policy;
pub mod passwords;
pub mod policy;
pub mod reset;
pub mod revocation;
pub mod secret;
pub mod security_info;
pub mod sessions;
pub mod state;
pub mod throttle;
pub mod verification;
pub mod web;
pub mod writer_queue;

pub use state::AppState;

/// What tools beside the server may build on, on purpose: today the bench (`bench/`), which
/// drives a child `sspr` over HTTP but first writes its database the way the server would
/// (accounts, groups and a keyed audit chain, far faster than through the API). Only this
/// is kept stable for them; the rest of the crate is the server's own.
pub mod tools {
    /// The password hashing the server does, and its default parameters
    /// (`RawHashing::default()`: what it runs with when no configuration sets them).
    pub use crate::config::RawHashing;
    pub use crate::passwords::{HashingParams, PasswordHasher};

    /// A database file opened with the server's migrations applied.
    pub use crate::db::connect;

    /// The key file the server reads beside its database (`sspr.key`).
    pub use crate::secret::ServerSecret;

    /// Accounts, groups and roles, written and read as the server does.
    pub mod accounts {
        pub use crate::accounts::canonical_username;
        pub use crate::accounts::store::{
            ensure_group, find_by_name, grant_role, insert_user, password_hash, roles,
            set_password, NewUser, LOCK_REASON_SIGN_IN,
        };
    }

    /// The audit log's keyed hash chain: a row's link, the head record, and the check.
    pub mod audit {
        pub use crate::audit::{
            verify_chain, write_head, AuditKind, ChainHead, ChainKey, Link, Outcome, GENESIS_HASH,
        };
    }
}
