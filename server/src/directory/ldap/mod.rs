//! The LDAP account source: connecting (TLS always checked), finding people with escaped
//! filters, and turning the directory's answers into reasons people can act on.

pub mod check;
pub mod connection;
pub mod filter;
pub mod flavour;
pub mod listing;
pub mod password;
pub mod people;
pub mod pool;
pub mod refusal;
pub mod tls;

pub use connection::{Connector, DirectoryError};
