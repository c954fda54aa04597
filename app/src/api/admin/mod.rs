//! The admin dashboard's server functions, one module per section.

pub mod audit_log;
pub mod delivery;
pub mod directory;
pub mod groups;
pub mod policies;
pub mod reports;
pub mod troubleshoot;
pub mod users;

pub use audit_log::*;
pub use delivery::*;
pub use directory::*;
pub use groups::*;
pub use policies::*;
pub use reports::*;
pub use troubleshoot::*;
pub use users::*;
