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

pub use state::AppState;
