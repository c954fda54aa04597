//! The HTTP response a server function is building. A leaf: it names nothing in this
//! crate, so the error type can set its own status without importing the API back.

use leptos::prelude::use_context;

/// Sets the response's status code, when a response is being built.
pub fn set_status(code: u16) {
    if let (Some(options), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        options.set_status(status);
    }
}
