//! Building blocks the pages share.

mod alert;
mod download;
mod field;
mod form;
mod header;
mod router;
mod text;

pub use alert::{error_text, local_time, problem_text, ErrorAlert, Notice};
pub use download::download_csv;
pub use field::{SubmitButton, TextField};
pub use form::form_action;
pub use header::Header;
pub use router::{in_admin_area, provide_router, use_location, use_navigate, Location, A};
pub use text::Tr;
