//! sspr's browser UI: the pages, components, strings and router of the users' app and of
//! the admin dashboard, compiled to wasm only. It calls the server through the contract
//! crate's server functions (`app::api`).

#![recursion_limit = "256"]

mod client;
mod components;
mod i18n;
mod pages;
mod state;

pub use pages::{admin_main, admin_policy, admin_records, App, ResetApp};
