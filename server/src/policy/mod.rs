//! Policy an admin controls. Each area is one JSON document in `policy_settings`; until an
//! admin saves one, the defaults from configuration apply.

pub mod registration;
pub mod reset;
pub mod settings;

pub use registration::RegistrationRules;
pub use reset::ResetRules;
