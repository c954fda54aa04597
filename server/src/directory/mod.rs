//! Bringing users in from elsewhere. For now a CSV file; directories (LDAP) come later.

pub mod import;
