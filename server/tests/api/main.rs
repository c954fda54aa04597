//! Server tests through HTTP: each starts the real router on a fresh SQLite file with a
//! clock the test moves, and calls server functions the way the browser does.

mod helpers;

mod admin_audit;
mod admin_delivery;
mod admin_groups;
mod admin_policies;
mod admin_reports;
mod admin_troubleshoot;
mod admin_users;
mod audit_integrity;
mod cli_import;
mod csv_formulas;
mod enumeration;
mod http_layer;
mod metrics_access;
mod password_policy;
mod reset;
mod revocation;
mod roles;
mod security_info;
mod sessions;
mod sign_in;
mod sign_in_lockout;
mod unknown_fields;
mod wizard_shape;
