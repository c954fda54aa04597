//! The reset wizard: the workflow behind `/reset`. `service` runs the steps, `store` keeps
//! the wizard rows, `admission` inserts new ones while their names are not blocked,
//! `limits` counts what blocks them, `account` decides who may reset with which methods,
//! `decoy` makes names that cannot reset look like ones that can, and `messages` holds
//! what is sent.

pub mod account;
pub mod admission;
pub mod decoy;
pub mod limits;
pub mod messages;
pub mod service;
pub mod store;

pub use service::SqlReset;
