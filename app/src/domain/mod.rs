//! Types and rules shared by the wasm client and the server. Each one is pure Rust so the
//! same code gives live feedback in the browser and decides on the server.

pub mod admin_bundle;
pub mod audit;
pub mod contact;
pub mod directory;
pub mod error;
pub mod password_policy;
pub mod path;
pub mod proof_of_work;
pub mod reset_policy;
pub mod roles;
pub mod security_info;
pub mod username;

pub use admin_bundle::{is_admin_path, AdminBundle};
pub use contact::{Email, EmailProblem, PhoneNumber, PhoneProblem};
pub use directory::PasswordRefusal;
pub use error::{AppError, FieldProblem};
pub use password_policy::PasswordProblem;
pub use roles::{may_act_on, AdminSection, Role};
pub use security_info::{MethodKind, RegistrationDue};
pub use username::{Username, UsernameProblem};
