//! sspr's contract: the domain types and rules, and the typed server functions with the
//! service traits the server implements. The server and the browser UI (`ui/`) both
//! compile it; nothing here is browser-only.

pub mod api;
pub mod bundle;
pub mod domain;
