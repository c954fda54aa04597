//! sspr's server: configuration, storage, the account workflows, and the web layer that
//! serves the built app and its server functions.

pub mod accounts;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod directory;
pub mod error;
pub mod observability;
pub mod passwords;
pub mod sessions;
pub mod state;
pub mod throttle;
pub mod web;

pub use state::AppState;
