//! Writing passwords and clearing locks in the directory. OpenLDAP gets the Password Modify
//! extended operation (RFC 3062), so slapd hashes the password under its own policy; Active
//! Directory gets `unicodePwd` (over the encrypted connection the settings insist on). sspr
//! keeps no copy of a directory password.

use super::connection::{Connector, DirectoryError};
use super::flavour::Flavour;
use super::people::Person;
use super::refusal::{policy_hints_request, ppolicy_request, refusal};
use app::domain::PasswordRefusal;
use ldap3::exop::PasswordModify;
use ldap3::{Ldap, LdapResult, Mod};
use std::collections::HashSet;

/// Why a write did not happen. Nothing was changed in either case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteError {
    /// The directory refused this password (or this account) under its own policy.
    Refused(PasswordRefusal),
    Directory(DirectoryError),
}

impl From<DirectoryError> for WriteError {
    fn from(error: DirectoryError) -> Self {
        Self::Directory(error)
    }
}

impl From<ldap3::LdapError> for WriteError {
    fn from(error: ldap3::LdapError) -> Self {
        Self::Directory(error.into())
    }
}

/// Sets `person`'s password over `ldap`, bound as the service account (a reset: no old
/// password).
pub async fn reset(
    connector: &Connector,
    ldap: &mut Ldap,
    person: &Person,
    new_password: &str,
) -> Result<(), WriteError> {
    write(connector, ldap, person, None, new_password).await
}

/// Changes a known password as the person, so the directory applies its rules for users.
pub async fn change(
    connector: &Connector,
    person: &Person,
    old_password: &str,
    new_password: &str,
) -> Result<bool, WriteError> {
    let mut ldap = connector.open().await?;
    if !connector.bind(&mut ldap, &person.dn, old_password).await? {
        return Ok(false);
    }
    let result = write(
        connector,
        &mut ldap,
        person,
        Some(old_password),
        new_password,
    )
    .await;
    let _ = ldap.unbind().await;
    result.map(|()| true)
}

async fn write(
    connector: &Connector,
    ldap: &mut Ldap,
    person: &Person,
    old_password: Option<&str>,
    new_password: &str,
) -> Result<(), WriteError> {
    let timeout = connector.settings().operation_timeout;
    let result = match connector.settings().flavour {
        Flavour::Openldap => {
            let exop = PasswordModify {
                user_id: Some(&person.dn),
                old_pass: old_password,
                new_pass: Some(new_password),
            };
            ldap.with_timeout(timeout)
                .with_controls(vec![ppolicy_request()])
                .extended(exop)
                .await?
                .1
        }
        Flavour::ActiveDirectory => {
            let mods = match old_password {
                // A reset replaces; a user's own change deletes the old and adds the new,
                // which is how AD knows to check the old password and the user's rules.
                None => vec![Mod::Replace(
                    b"unicodePwd".to_vec(),
                    set(unicode_pwd(new_password)),
                )],
                Some(old) => vec![
                    Mod::Delete(b"unicodePwd".to_vec(), set(unicode_pwd(old))),
                    Mod::Add(b"unicodePwd".to_vec(), set(unicode_pwd(new_password))),
                ],
            };
            ldap.with_timeout(timeout)
                .with_controls(vec![policy_hints_request()])
                .modify(&person.dn, mods)
                .await?
        }
    };
    outcome(result)
}

/// Clears a lock left by failed sign-ins, over `ldap` bound as the service account.
pub async fn unlock(
    connector: &Connector,
    ldap: &mut Ldap,
    person: &Person,
) -> Result<(), WriteError> {
    let timeout = connector.settings().operation_timeout;
    let mods: Vec<Mod<Vec<u8>>> = match connector.settings().flavour {
        Flavour::Openldap => vec![Mod::Delete(
            b"pwdAccountLockedTime".to_vec(),
            HashSet::new(),
        )],
        Flavour::ActiveDirectory => vec![Mod::Replace(b"lockoutTime".to_vec(), set(b"0".to_vec()))],
    };
    outcome(ldap.with_timeout(timeout).modify(&person.dn, mods).await?)
}

fn outcome(result: LdapResult) -> Result<(), WriteError> {
    if result.rc == 0 {
        return Ok(());
    }
    match refusal(&result) {
        Some(reason) => Err(WriteError::Refused(reason)),
        None => Err(WriteError::Directory(DirectoryError::Refused {
            rc: result.rc,
            text: result.text,
        })),
    }
}

fn set(value: Vec<u8>) -> HashSet<Vec<u8>> {
    HashSet::from([value])
}

/// AD's password attribute: the password in double quotes, as UTF-16LE.
fn unicode_pwd(password: &str) -> Vec<u8> {
    format!("\"{password}\"")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::unicode_pwd;

    #[test]
    fn unicode_pwd_is_the_quoted_password_in_utf16le() {
        assert_eq!(unicode_pwd("Ab1"), b"\"\0A\0b\x001\0\"\0".to_vec());
        assert_eq!(unicode_pwd("Ω").len(), 6);
    }
}
