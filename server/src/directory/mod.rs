//! Where accounts come from: sspr's own SQLite accounts (`local`, with CSV import), or an
//! existing LDAP directory (OpenLDAP or Active Directory) whose passwords sspr writes.

pub mod connected;
pub mod import;
pub mod ldap;
pub mod mirror;
pub mod outage;
pub mod settings;

pub use settings::{DirectoryConfig, RawDirectory};
