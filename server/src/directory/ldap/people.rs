//! Finding a person in the directory, by the name they typed, with the service account:
//! one exact, escaped match within the configured base, scope and filter, or nobody.

use super::connection::{Connector, DirectoryError};
use super::filter::equals_within;
use super::flavour::Flavour;
use ldap3::{Ldap, SearchEntry};

/// A user entry as sspr needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub dn: String,
    pub login: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub mobile: Option<String>,
    /// The directory's stable id (entryUUID, objectGUID as a GUID string).
    pub stable_id: String,
    /// DNs of the groups the person is a direct member of.
    pub groups: Vec<String>,
    pub lock: LockState,
    /// AD's `adminCount=1`: an account under AdminSDHolder protection.
    pub protected: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockState {
    Open,
    /// Locked after failed sign-ins (ppolicy `pwdAccountLockedTime`, AD `lockoutTime`).
    Locked,
    /// Switched off by an administrator (ppolicy's permanent lock, AD's ACCOUNTDISABLE).
    Disabled,
}

/// ppolicy writes this time for an account locked until an administrator unlocks it.
const PERMANENT_LOCK: &str = "000001010000Z";
/// `userAccountControl` ACCOUNTDISABLE.
const ACCOUNT_DISABLE: u32 = 0x2;

/// The attributes sspr reads from a user entry.
pub(super) fn wanted(connector: &Connector) -> Vec<String> {
    let map = &connector.settings().attributes;
    [
        map.login.as_str(),
        map.display_name.as_str(),
        map.email.as_str(),
        map.mobile.as_str(),
        map.stable_id.as_str(),
        map.member_of.as_str(),
        "pwdAccountLockedTime",
        "lockoutTime",
        "userAccountControl",
        "adminCount",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// The one person whose login attribute equals `login`, or `None`.
pub async fn find(
    connector: &Connector,
    ldap: &mut Ldap,
    login: &str,
) -> Result<Option<Person>, DirectoryError> {
    let settings = connector.settings();
    let filter = equals_within(&settings.users.filter, &settings.attributes.login, login);
    let base = (settings.users.base.as_str(), settings.users.scope.ldap());
    one(connector, ldap, base, &filter).await
}

/// The person at `dn`, if it is still there and still matches the users' filter.
pub async fn at(
    connector: &Connector,
    ldap: &mut Ldap,
    dn: &str,
) -> Result<Option<Person>, DirectoryError> {
    let filter = connector.settings().users.filter.clone();
    match one(connector, ldap, (dn, ldap3::Scope::Base), &filter).await {
        // The entry was renamed or deleted.
        Err(DirectoryError::Refused {
            rc: NO_SUCH_OBJECT, ..
        }) => Ok(None),
        other => other,
    }
}

const NO_SUCH_OBJECT: u32 = 32;

async fn one(
    connector: &Connector,
    ldap: &mut Ldap,
    (base, scope): (&str, ldap3::Scope),
    filter: &str,
) -> Result<Option<Person>, DirectoryError> {
    let result = ldap
        .with_timeout(connector.settings().operation_timeout)
        .search(base, scope, filter, wanted(connector))
        .await?;
    let (entries, _) = result.success()?;
    // Two entries with the same login are a directory mistake: serve neither.
    let mut entries = entries.into_iter();
    let (Some(entry), None) = (entries.next(), entries.next()) else {
        return Ok(None);
    };
    Ok(Some(person(connector, SearchEntry::construct(entry))))
}

pub(super) fn person(connector: &Connector, entry: SearchEntry) -> Person {
    let settings = connector.settings();
    let map = &settings.attributes;
    let text = |name: &str| first(&entry, name);
    let lock = lock_state(settings.flavour, &entry);
    Person {
        login: text(&map.login).unwrap_or_default(),
        display_name: text(&map.display_name),
        email: text(&map.email),
        mobile: text(&map.mobile),
        stable_id: stable_id(&entry, &map.stable_id).unwrap_or_else(|| entry.dn.to_lowercase()),
        groups: values(&entry, &map.member_of),
        lock,
        protected: text("adminCount").is_some_and(|v| v.trim() == "1"),
        dn: entry.dn,
    }
}

fn lock_state(flavour: Flavour, entry: &SearchEntry) -> LockState {
    match flavour {
        Flavour::Openldap => match first(entry, "pwdAccountLockedTime").as_deref() {
            None => LockState::Open,
            Some(PERMANENT_LOCK) => LockState::Disabled,
            Some(_) => LockState::Locked,
        },
        Flavour::ActiveDirectory => {
            let control = first(entry, "userAccountControl")
                .and_then(|v| v.trim().parse::<u32>().ok())
                .unwrap_or(0);
            let locked = first(entry, "lockoutTime").is_some_and(|v| !matches!(v.trim(), "" | "0"));
            if control & ACCOUNT_DISABLE != 0 {
                LockState::Disabled
            } else if locked {
                LockState::Locked
            } else {
                LockState::Open
            }
        }
    }
}

/// Servers answer attribute names in their own case: look them up without it.
fn values(entry: &SearchEntry, name: &str) -> Vec<String> {
    entry
        .attrs
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, values)| values.clone())
        .unwrap_or_default()
}

pub(super) fn first(entry: &SearchEntry, name: &str) -> Option<String> {
    values(entry, name)
        .into_iter()
        .next()
        .filter(|v| !v.is_empty())
}

/// entryUUID is text; AD's objectGUID is 16 bytes in the little-endian GUID layout.
fn stable_id(entry: &SearchEntry, name: &str) -> Option<String> {
    if let Some(text) = first(entry, name) {
        return Some(text.to_lowercase());
    }
    let bytes = entry
        .bin_attrs
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .and_then(|(_, values)| values.first())?;
    uuid::Uuid::from_slice_le(bytes)
        .ok()
        .map(|id| id.to_string())
}
