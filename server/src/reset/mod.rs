//! The reset wizard: the workflow behind `/reset`. `service` runs the steps, `store` keeps
//! the wizard rows, `decoy` makes unknown names look like real ones.

pub mod service;

pub use service::SqlReset;
