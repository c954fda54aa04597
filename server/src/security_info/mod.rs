//! Security info: the methods users register so they can later prove who they are, and
//! the registration policy that asks them to.

pub mod messages;
mod registration;
pub mod service;
pub mod store;

pub use registration::registration_status;
pub use service::SqlSecurityInfo;
