//! sspr's web app. `domain` and `api` compile on both sides; the UI (`pages`,
//! `components`, `state`) only into the wasm client.

pub mod api;
pub mod domain;
pub mod i18n;

#[cfg(feature = "csr")]
mod components;
#[cfg(feature = "csr")]
mod pages;
#[cfg(feature = "csr")]
mod state;

#[cfg(feature = "csr")]
pub use pages::{AdminApp, App};
