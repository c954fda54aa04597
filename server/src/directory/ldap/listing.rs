//! Everyone and every group the configuration puts in scope, read page by page (AD answers
//! at most 1,000 entries per search otherwise), for the mirror and for the check.

use super::connection::{Connector, DirectoryError};
use super::people::{first, person, wanted, Person};
use crate::directory::settings::SearchBase;
use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
use ldap3::{Ldap, SearchEntry};
use std::time::Duration;

const PAGE: i32 = 500;

/// A group entry: its DN and the name people know it by (its `cn`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub dn: String,
    pub name: String,
}

/// Every entry `search` matches, with `attributes`.
pub async fn entries(
    ldap: &mut Ldap,
    search: &SearchBase,
    attributes: Vec<String>,
    timeout: Duration,
) -> Result<Vec<SearchEntry>, DirectoryError> {
    let adapters: Vec<Box<dyn Adapter<_, _>>> = vec![
        Box::new(EntriesOnly::new()),
        Box::new(PagedResults::new(PAGE)),
    ];
    let mut stream = ldap
        .with_timeout(timeout)
        .streaming_search_with(
            adapters,
            &search.base,
            search.scope.ldap(),
            &search.filter,
            attributes,
        )
        .await?;
    let mut found = Vec::new();
    while let Some(entry) = stream.next().await? {
        found.push(SearchEntry::construct(entry));
    }
    let result = stream.finish().await;
    match result.rc {
        0 => Ok(found),
        rc => Err(DirectoryError::Refused {
            rc,
            text: result.text,
        }),
    }
}

/// Everyone the users' base, scope and filter select.
pub async fn people(connector: &Connector, ldap: &mut Ldap) -> Result<Vec<Person>, DirectoryError> {
    let settings = connector.settings();
    let found = entries(
        ldap,
        &settings.users,
        wanted(connector),
        settings.operation_timeout,
    )
    .await?;
    Ok(found
        .into_iter()
        .map(|entry| person(connector, entry))
        .filter(|person| !person.login.is_empty())
        .collect())
}

/// Every group the groups' base and filter select.
pub async fn groups(connector: &Connector, ldap: &mut Ldap) -> Result<Vec<Group>, DirectoryError> {
    let settings = connector.settings();
    let found = entries(
        ldap,
        &settings.groups,
        vec!["cn".to_owned()],
        settings.operation_timeout,
    )
    .await?;
    Ok(found
        .into_iter()
        .map(|entry| Group {
            name: first(&entry, "cn").unwrap_or_else(|| entry.dn.clone()),
            dn: entry.dn,
        })
        .collect())
}
