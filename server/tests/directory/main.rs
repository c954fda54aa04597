//! The LDAP account source against a real, throwaway OpenLDAP (slapd with ppolicy), started
//! per test by `directories/openldap/start` on free loopback ports. Where slapd cannot start,
//! these tests fail and say why.

mod openldap;
mod slapd;
