//! `sspr directory check`: connect, bind, count users and groups, and say in plain words
//! what is wrong, so an operator can fix the configuration before users meet it.

use super::connection::{Connector, DirectoryError};
use super::listing::entries;
use crate::directory::settings::SearchBase;
use ldap3::Ldap;
use std::fmt;

/// What the check found in a directory that works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub users: usize,
    pub groups: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckProblem {
    Directory(DirectoryError),
    /// The base DN does not exist (or the service account may not see it).
    BaseMissing {
        key: &'static str,
        base: String,
    },
    /// The users' filter matches nobody under the base.
    NoUsers {
        base: String,
        filter: String,
    },
}

impl fmt::Display for CheckProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Directory(error) => error.fmt(f),
            Self::BaseMissing { key, base } => write!(
                f,
                "{key} `{base}` does not exist, or the service account may not read it"
            ),
            Self::NoUsers { base, filter } => write!(
                f,
                "no entry under `{base}` matches the users' filter `{filter}`"
            ),
        }
    }
}

impl From<DirectoryError> for CheckProblem {
    fn from(error: DirectoryError) -> Self {
        Self::Directory(error)
    }
}

const NO_SUCH_OBJECT: u32 = 32;

pub async fn check(connector: &Connector) -> Result<Found, CheckProblem> {
    let mut ldap = connector.service().await?;
    let settings = connector.settings();
    let users = count(
        &mut ldap,
        &settings.users,
        "directory.user_base",
        settings.operation_timeout,
    )
    .await?;
    if users == 0 {
        return Err(CheckProblem::NoUsers {
            base: settings.users.base.clone(),
            filter: settings.users.filter.clone(),
        });
    }
    let groups = count(
        &mut ldap,
        &settings.groups,
        "directory.group_base",
        settings.operation_timeout,
    )
    .await?;
    let _ = ldap.unbind().await;
    Ok(Found { users, groups })
}

/// Entries matching, page by page.
async fn count(
    ldap: &mut Ldap,
    search: &SearchBase,
    key: &'static str,
    timeout: std::time::Duration,
) -> Result<usize, CheckProblem> {
    // "1.1" asks for no attributes: only the entries are counted.
    match entries(ldap, search, vec!["1.1".to_owned()], timeout).await {
        Ok(found) => Ok(found.len()),
        Err(DirectoryError::Refused {
            rc: NO_SUCH_OBJECT, ..
        }) => Err(CheckProblem::BaseMissing {
            key,
            base: search.base.clone(),
        }),
        Err(other) => Err(other.into()),
    }
}
