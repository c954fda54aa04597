//! The LDAP account source against a real, throwaway OpenLDAP (slapd with ppolicy), started
//! per test by `directories/openldap/start` on free loopback ports. Where slapd cannot start,
//! these tests fail and say why. The Active Directory flavour runs against a real Samba AD DC.

mod openldap;
mod samba;
mod slapd;

use server::directory::ldap::people::{self, Person};
use server::directory::ldap::Connector;

/// The person with this login, found with the service account.
pub async fn find(connector: &Connector, login: &str) -> Option<Person> {
    let mut ldap = connector.service().await.expect("service bind");
    people::find(connector, &mut ldap, login)
        .await
        .expect("search")
}
