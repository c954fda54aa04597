//! Server tests through HTTP: each starts the real router on a fresh SQLite file with a
//! clock the test moves, and calls server functions the way the browser does.

mod helpers;

mod cli_import;
mod http_layer;
mod password_policy;
mod reset;
mod roles;
mod security_info;
mod sessions;
mod sign_in;
