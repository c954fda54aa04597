//! Building blocks the pages share.

mod alert;
mod download;
mod field;
mod form;
mod header;
mod page;
mod problem;
mod router;
mod text;

pub use alert::{error_text, local_time, ErrorAlert, Notice};
pub use download::download_csv;
pub use field::{SubmitButton, TextField};
pub use form::form_action;
pub use header::Header;
pub use page::{Loading, PageTitle};
pub use problem::{field_problem, problem_text, unless_field, watch_field_problem};
pub use router::{provide_router, use_location, use_navigate, Location, A};
pub use text::Tr;
