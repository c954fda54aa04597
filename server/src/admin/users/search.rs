//! Finding users: the filters of the list and the export, as SQL that uses indexes where
//! it can (status and group) and counts no further than `USERS_COUNT_CAP`.

use crate::accounts::{canonical_text, StoredStatus};
use crate::error::Result;
use app::api::{AccountStatus, UserRow, USERS_COUNT_CAP};
use app::domain::{AppError, FieldProblem};
use sqlx::{QueryBuilder, Sqlite, SqlitePool};
use std::collections::HashMap;

/// The longest search text, in characters.
pub const MAX_SEARCH_CHARS: usize = 128;

/// A group with at least this many members is filtered by walking users in name order
/// and probing membership (the first page comes after a few probes); a smaller one by
/// reading its members and sorting them (a few lookups instead of a scan of everyone).
const LARGE_GROUP: i64 = 2_000;

/// The group filter, and how its SQL should read the group.
struct GroupFilter {
    id: i64,
    large: bool,
}

/// What the admin filtered by, checked.
pub struct Filter {
    /// A LIKE pattern, `%` and `_` in the search taken literally; None for no search.
    pattern: Option<String>,
    group: Option<GroupFilter>,
    status: Option<AccountStatus>,
}

/// `%` and `_` in the search are literal.
fn like_pattern(search: &str) -> String {
    let escaped = search
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl Filter {
    /// Checks the filters; an unknown group is a field error, not an empty list.
    pub async fn parse(
        pool: &SqlitePool,
        search: &str,
        group: Option<&str>,
        status: Option<AccountStatus>,
    ) -> Result<std::result::Result<Self, AppError>> {
        let search = search.trim();
        if search.chars().nth(MAX_SEARCH_CHARS).is_some() {
            return Ok(Err(AppError::invalid("search", FieldProblem::TooLong)));
        }
        let group = match group.map(str::trim).filter(|g| !g.is_empty()) {
            None => None,
            Some(name) => {
                let id: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM groups WHERE name_canonical = ?")
                        .bind(canonical_text(name))
                        .fetch_optional(pool)
                        .await?;
                let Some(id) = id else {
                    return Ok(Err(AppError::invalid("group", FieldProblem::UnknownGroup)));
                };
                let members: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM group_members WHERE group_id = ? LIMIT ?)",
                )
                .bind(id)
                .bind(LARGE_GROUP)
                .fetch_one(pool)
                .await?;
                Some(GroupFilter {
                    id,
                    large: members >= LARGE_GROUP,
                })
            }
        };
        Ok(Ok(Self {
            pattern: (!search.is_empty()).then(|| like_pattern(search)),
            group,
            status,
        }))
    }

    /// Appends ` WHERE ...` (or nothing) with the values bound.
    fn push_where(&self, query: &mut QueryBuilder<Sqlite>) {
        let mut glue = " WHERE ";
        if let Some(pattern) = &self.pattern {
            query.push(glue);
            query.push("(username LIKE ");
            query.push_bind(pattern.clone());
            query.push(" ESCAPE '\\' OR display_name LIKE ");
            query.push_bind(pattern.clone());
            query.push(" ESCAPE '\\' OR email LIKE ");
            query.push_bind(pattern.clone());
            query.push(" ESCAPE '\\')");
            glue = " AND ";
        }
        if let Some(group) = &self.group {
            query.push(glue);
            query.push(if group.large {
                "EXISTS (SELECT 1 FROM group_members WHERE user_id = users.id AND group_id = "
            } else {
                "id IN (SELECT user_id FROM group_members WHERE group_id = "
            });
            query.push_bind(group.id);
            query.push(")");
            glue = " AND ";
        }
        if let Some(status) = self.status {
            query.push(glue);
            query.push("status = ");
            query.push_bind(status.as_str());
        }
    }
}

/// The total, capped as `count` caps it, when a page shows it: a page with fewer rows
/// than its size is the last (unless it is an empty page past the end).
pub fn total_from_last_page(page: u32, size: u32, rows: usize) -> Option<(u64, bool)> {
    let rows = u64::try_from(rows).ok()?;
    if rows >= u64::from(size) || (rows == 0 && page > 0) {
        return None;
    }
    let total = u64::from(page) * u64::from(size) + rows;
    Some((total.min(USERS_COUNT_CAP), total > USERS_COUNT_CAP))
}

type UserColumns = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    StoredStatus,
);

/// Matching users counted up to the cap: (count, whether more match).
pub async fn count(pool: &SqlitePool, filter: &Filter) -> Result<(u64, bool)> {
    let mut query = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM (SELECT 1 FROM ");
    match &filter.group {
        // A group alone: its members are the users, counted on the membership index.
        Some(group) if filter.pattern.is_none() && filter.status.is_none() => {
            query.push("group_members WHERE group_id = ");
            query.push_bind(group.id);
        }
        _ => {
            query.push("users");
            filter.push_where(&mut query);
        }
    }
    query.push(" LIMIT ");
    query.push_bind(i64::try_from(USERS_COUNT_CAP + 1).unwrap_or(i64::MAX));
    query.push(")");
    let counted: i64 = query.build_query_scalar().fetch_one(pool).await?;
    let counted = u64::try_from(counted).unwrap_or(0);
    Ok((counted.min(USERS_COUNT_CAP), counted > USERS_COUNT_CAP))
}

/// Matching users in username order; `limit` None for all of them.
async fn users(
    pool: &SqlitePool,
    filter: &Filter,
    limit: Option<(u32, u32)>,
) -> Result<Vec<UserColumns>> {
    let mut query = QueryBuilder::<Sqlite>::new(
        "SELECT id, username, display_name, email, phone, status FROM users",
    );
    filter.push_where(&mut query);
    query.push(" ORDER BY username_canonical");
    if let Some((page, size)) = limit {
        query.push(" LIMIT ");
        query.push_bind(i64::from(size));
        query.push(" OFFSET ");
        query.push_bind(i64::from(page) * i64::from(size));
    }
    Ok(query.build_query_as().fetch_all(pool).await?)
}

/// One page of matching users with their groups: two queries whatever the page size.
pub async fn page(
    pool: &SqlitePool,
    filter: &Filter,
    page: u32,
    size: u32,
) -> Result<Vec<UserRow>> {
    let found = users(pool, filter, Some((page, size))).await?;
    let mut groups = groups_of(pool, Some(found.iter().map(|u| u.0).collect())).await?;
    Ok(found
        .into_iter()
        .map(|(id, username, display_name, email, _, stored)| UserRow {
            username,
            display_name,
            email,
            status: stored.or_disabled(),
            groups: groups.remove(&id).unwrap_or_default(),
        })
        .collect())
}

/// A matching user with everything the CSV export writes.
pub struct ExportRow {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub groups: Vec<String>,
    pub status: AccountStatus,
}

/// Every matching user, for the export.
pub async fn all(pool: &SqlitePool, filter: &Filter) -> Result<Vec<ExportRow>> {
    let found = users(pool, filter, None).await?;
    let mut groups = groups_of(pool, None).await?;
    Ok(found
        .into_iter()
        .map(
            |(id, username, display_name, email, phone, stored)| ExportRow {
                username,
                display_name,
                email,
                phone,
                groups: groups.remove(&id).unwrap_or_default(),
                status: stored.or_disabled(),
            },
        )
        .collect())
}

/// Group names by user, in name order: of the given users, or of everyone.
async fn groups_of(pool: &SqlitePool, ids: Option<Vec<i64>>) -> Result<HashMap<i64, Vec<String>>> {
    let mut query = QueryBuilder::<Sqlite>::new(
        "SELECT gm.user_id, g.name FROM group_members gm JOIN groups g ON g.id = gm.group_id",
    );
    if let Some(ids) = ids {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        query.push(" WHERE gm.user_id IN (");
        let mut list = query.separated(", ");
        for id in ids {
            list.push_bind(id);
        }
        query.push(")");
    }
    query.push(" ORDER BY g.name_canonical");
    let rows: Vec<(i64, String)> = query.build_query_as().fetch_all(pool).await?;
    let mut by_user: HashMap<i64, Vec<String>> = HashMap::new();
    for (user_id, name) in rows {
        by_user.entry(user_id).or_default().push(name);
    }
    Ok(by_user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_page_gives_the_total_and_a_full_or_empty_one_does_not() {
        assert_eq!(total_from_last_page(0, 20, 3), Some((3, false)));
        assert_eq!(total_from_last_page(0, 20, 0), Some((0, false)));
        assert_eq!(total_from_last_page(2, 20, 5), Some((45, false)));
        assert_eq!(total_from_last_page(0, 20, 20), None);
        assert_eq!(total_from_last_page(3, 20, 0), None);
        let past_cap = u32::try_from(USERS_COUNT_CAP).unwrap();
        assert_eq!(
            total_from_last_page(past_cap, 20, 1),
            Some((USERS_COUNT_CAP, true))
        );
    }

    #[test]
    fn like_wildcards_in_a_search_are_literal() {
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
    }
}
