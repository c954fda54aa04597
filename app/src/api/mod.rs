//! Typed server functions. The client calls them over HTTP; on the server each body only
//! takes the service from context and delegates, so the workflows live in `server/`.

pub mod account;
pub mod admin;
#[cfg(feature = "ssr")]
pub mod context;

pub use account::*;
pub use admin::*;

/// Registers every server function with the server's router. The server binary must call
/// this, or the linker drops the registrations and calls fail with "Could not find".
#[cfg(feature = "ssr")]
pub fn register_server_functions() {
    use server_fn::axum::register_explicit;
    register_explicit::<SignIn>();
    register_explicit::<SignOut>();
    register_explicit::<CurrentUser>();
    register_explicit::<ChangePassword>();
    register_explicit::<ListUsers>();
}
