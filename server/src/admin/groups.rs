//! Groups and their members. The password reset policy's scope names groups, so a group
//! in scope cannot be deleted, and renaming one renames it in the scope too (in the same
//! transaction): the users in it keep being able to reset under the new name.

use super::Admin;
use crate::accounts::canonical_text;
use crate::accounts::store::find_by_name;
use crate::audit::{AuditEvent, AuditKind, Outcome};
use crate::error::OrInternal;
use crate::policy::{reset, settings};
use app::api::admin::groups::{
    GroupMember, GroupName, GroupService, GroupSummary, MemberList, MEMBERS_SHOWN,
};
use app::api::context::RequestMeta;
use app::domain::reset_policy::{ResetPolicy, ResetScope};
use app::domain::{AdminSection, AppError, FieldProblem, Username};
use sqlx::SqliteConnection;

/// Whether the scope names the group with this canonical name.
fn in_scope(policy: &ResetPolicy, canonical: &str) -> bool {
    matches!(&policy.scope, ResetScope::Groups(names)
        if names.iter().any(|n| canonical_text(n) == canonical))
}

/// The scope with the group renamed, or `None` when the scope does not name it.
fn renamed_scope(policy: &ResetPolicy, canonical: &str, new_name: &str) -> Option<ResetPolicy> {
    let ResetScope::Groups(names) = &policy.scope else {
        return None;
    };
    if !in_scope(policy, canonical) {
        return None;
    }
    let mut renamed: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        let name = if canonical_text(name) == canonical {
            new_name.to_owned()
        } else {
            name.clone()
        };
        if !renamed
            .iter()
            .any(|n| canonical_text(n) == canonical_text(&name))
        {
            renamed.push(name);
        }
    }
    Some(ResetPolicy {
        scope: ResetScope::Groups(renamed),
        ..policy.clone()
    })
}

impl Admin {
    /// The reset policy in force and its revision (0 while the defaults apply), read
    /// through `conn` (inside a transaction, it is the one a save there replaces).
    async fn groups_scope_policy<'e>(
        &self,
        conn: impl sqlx::SqliteExecutor<'e>,
        rid: &str,
    ) -> Result<(ResetPolicy, i64), AppError> {
        let (saved, revision) = settings::load_revised::<ResetPolicy>(conn, reset::NAME)
            .await
            .or_internal(rid)?;
        Ok((
            saved.unwrap_or_else(|| self.reset.rules.defaults.clone()),
            revision,
        ))
    }

    /// The group's id and name, by any spelling of its name.
    async fn find_group(
        &self,
        conn: &mut SqliteConnection,
        name: &str,
        rid: &str,
    ) -> Result<(i64, String), AppError> {
        sqlx::query_as("SELECT id, name FROM groups WHERE name_canonical = ?")
            .bind(canonical_text(name.trim()))
            .fetch_optional(conn)
            .await
            .or_internal(rid)?
            .ok_or(AppError::NotFound)
    }

    async fn group_member_list(
        &self,
        group_id: i64,
        group: String,
        rid: &str,
    ) -> Result<MemberList, AppError> {
        let members: Vec<(String, String)> = sqlx::query_as(
            "SELECT u.username, u.display_name FROM group_members m JOIN users u ON u.id = m.user_id
             WHERE m.group_id = ? ORDER BY u.username_canonical LIMIT ?",
        )
        .bind(group_id)
        .bind(i64::from(MEMBERS_SHOWN))
        .fetch_all(&self.pool)
        .await
        .or_internal(rid)?;
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM group_members WHERE group_id = ?")
                .bind(group_id)
                .fetch_one(&self.pool)
                .await
                .or_internal(rid)?;
        Ok(MemberList {
            group,
            members: members
                .into_iter()
                .map(|(username, display_name)| GroupMember {
                    username,
                    display_name,
                })
                .collect(),
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    /// The account a typed username names, or a field error on `username`.
    async fn group_member_id(&self, username: &str, rid: &str) -> Result<(i64, String), AppError> {
        let name = Username::parse(username)
            .map_err(|p| AppError::invalid("username", FieldProblem::Username(p)))?;
        let user = find_by_name(&self.pool, &name)
            .await
            .or_internal(rid)?
            .ok_or_else(|| AppError::invalid("username", FieldProblem::UnknownUser))?;
        Ok((user.id, user.username))
    }

    async fn group_summary(
        &self,
        id: i64,
        name: String,
        rid: &str,
    ) -> Result<GroupSummary, AppError> {
        let members: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM group_members WHERE group_id = ?")
                .bind(id)
                .fetch_one(&self.pool)
                .await
                .or_internal(rid)?;
        let (policy, _) = self.groups_scope_policy(&self.pool, rid).await?;
        Ok(GroupSummary {
            in_reset_scope: in_scope(&policy, &canonical_text(&name)),
            name,
            members: u64::try_from(members).unwrap_or(0),
        })
    }
}

/// Adding a member or removing one: the same steps around a different statement.
#[derive(Clone, Copy)]
enum Membership {
    Add,
    Remove,
}

impl Admin {
    /// Adds `username` to the group or removes them; a change that changes nothing (already
    /// in, or not in) is not audited.
    async fn change_membership(
        &self,
        meta: &RequestMeta,
        name: &str,
        username: &str,
        change: Membership,
    ) -> Result<MemberList, AppError> {
        let caller = self.require(meta, AdminSection::Groups).await?;
        self.local_accounts()?;
        let rid = meta.request_id.as_str();
        let mut conn = self.pool.acquire().await.or_internal(rid)?;
        let (id, name) = self.find_group(&mut conn, name, rid).await?;
        let (user_id, username) = self.group_member_id(username, rid).await?;
        let (sql, verb) = match change {
            Membership::Add => (
                "INSERT INTO group_members (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                "added to",
            ),
            Membership::Remove => (
                "DELETE FROM group_members WHERE group_id = ? AND user_id = ?",
                "removed from",
            ),
        };
        let changed = sqlx::query(sql)
            .bind(id)
            .bind(user_id)
            .execute(&mut *conn)
            .await
            .or_internal(rid)?
            .rows_affected();
        drop(conn);
        if changed > 0 {
            let event = AuditEvent::by_admin(
                AuditKind::GroupMembersChanged,
                Outcome::Success,
                caller.user.id,
                meta,
            )
            .account(user_id)
            .detail(format!("{username} {verb} {name}"));
            self.record(meta, event).await?;
        }
        self.group_member_list(id, name, rid).await
    }
}

#[async_trait::async_trait]
impl GroupService for Admin {
    async fn list_groups(&self, meta: &RequestMeta) -> Result<Vec<GroupSummary>, AppError> {
        self.require(meta, AdminSection::Groups).await?;
        let rid = meta.request_id.as_str();
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT g.name, g.name_canonical,
                    (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id)
             FROM groups g ORDER BY g.name_canonical",
        )
        .fetch_all(&self.pool)
        .await
        .or_internal(rid)?;
        let (policy, _) = self.groups_scope_policy(&self.pool, rid).await?;
        Ok(rows
            .into_iter()
            .map(|(name, canonical, members)| GroupSummary {
                in_reset_scope: in_scope(&policy, &canonical),
                name,
                members: u64::try_from(members).unwrap_or(0),
            })
            .collect())
    }

    async fn create_group(
        &self,
        meta: &RequestMeta,
        name: String,
    ) -> Result<GroupSummary, AppError> {
        let caller = self.require(meta, AdminSection::Groups).await?;
        self.local_accounts()?;
        let rid = meta.request_id.as_str();
        let name = GroupName::field(&name, "name")?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO groups (name, name_canonical, created_at) VALUES (?, ?, ?)
             ON CONFLICT (name_canonical) DO NOTHING RETURNING id",
        )
        .bind(name.as_str())
        .bind(canonical_text(name.as_str()))
        .bind(self.clock.now())
        .fetch_optional(&self.pool)
        .await
        .or_internal(rid)?;
        let id = id.ok_or_else(|| AppError::invalid("name", FieldProblem::NameTaken))?;
        self.record(
            meta,
            AuditEvent::by_admin(
                AuditKind::GroupCreated,
                Outcome::Success,
                caller.user.id,
                meta,
            )
            .detail(name.as_str()),
        )
        .await?;
        self.group_summary(id, name.as_str().to_owned(), rid).await
    }

    async fn rename_group(
        &self,
        meta: &RequestMeta,
        name: String,
        new_name: String,
    ) -> Result<GroupSummary, AppError> {
        let caller = self.require(meta, AdminSection::Groups).await?;
        self.local_accounts()?;
        let rid = meta.request_id.as_str();
        let new_name = GroupName::field(&new_name, "new_name")?;
        let new_canonical = canonical_text(new_name.as_str());
        // BEGIN IMMEDIATE takes the write lock first: until this commits nobody can save
        // the reset policy, so the scope read in it stays the one in force.
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .or_internal(rid)?;
        let (id, old_name) = self.find_group(&mut tx, &name, rid).await?;
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM groups WHERE name_canonical = ? AND id <> ?")
                .bind(&new_canonical)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .or_internal(rid)?;
        if taken.is_some() {
            return Err(AppError::invalid("new_name", FieldProblem::NameTaken));
        }
        sqlx::query("UPDATE groups SET name = ?, name_canonical = ? WHERE id = ?")
            .bind(new_name.as_str())
            .bind(&new_canonical)
            .bind(id)
            .execute(&mut *tx)
            .await
            .or_internal(rid)?;
        // The scope names groups by name: rename the group there too rather than refuse,
        // so renaming never silently takes reset away from the group's members.
        let (policy, revision) = self.groups_scope_policy(&mut *tx, rid).await?;
        let scope_changed =
            match renamed_scope(&policy, &canonical_text(&old_name), new_name.as_str()) {
                Some(renamed) => {
                    settings::save_if(&mut *tx, reset::NAME, &renamed, revision, self.clock.now())
                        .await
                        .or_internal(rid)?
                        .ok_or(AppError::EditConflict)?;
                    true
                }
                None => false,
            };
        tx.commit().await.or_internal(rid)?;
        if scope_changed {
            // The wizard keeps the policy in memory until it changes.
            self.reset.forget_policy();
        }
        let detail = if scope_changed {
            format!("{old_name} -> {}; reset scope updated", new_name.as_str())
        } else {
            format!("{old_name} -> {}", new_name.as_str())
        };
        self.record(
            meta,
            AuditEvent::by_admin(
                AuditKind::GroupRenamed,
                Outcome::Success,
                caller.user.id,
                meta,
            )
            .detail(detail),
        )
        .await?;
        self.group_summary(id, new_name.as_str().to_owned(), rid)
            .await
    }

    async fn delete_group(&self, meta: &RequestMeta, name: String) -> Result<(), AppError> {
        let caller = self.require(meta, AdminSection::Groups).await?;
        self.local_accounts()?;
        let rid = meta.request_id.as_str();
        // The write lock first, as in `rename_group`: the scope cannot gain this group
        // between the check and the delete.
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .or_internal(rid)?;
        let (id, name) = self.find_group(&mut tx, &name, rid).await?;
        let (policy, _) = self.groups_scope_policy(&mut *tx, rid).await?;
        if in_scope(&policy, &canonical_text(&name)) {
            drop(tx);
            self.record(
                meta,
                AuditEvent::by_admin(
                    AuditKind::GroupDeleted,
                    Outcome::Denied,
                    caller.user.id,
                    meta,
                )
                .detail(format!("{name}: in the reset scope")),
            )
            .await?;
            return Err(AppError::GroupInResetScope);
        }
        // Memberships go with it (ON DELETE CASCADE).
        sqlx::query("DELETE FROM groups WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await
            .or_internal(rid)?;
        tx.commit().await.or_internal(rid)?;
        self.record(
            meta,
            AuditEvent::by_admin(
                AuditKind::GroupDeleted,
                Outcome::Success,
                caller.user.id,
                meta,
            )
            .detail(name),
        )
        .await
    }

    async fn group_members(
        &self,
        meta: &RequestMeta,
        name: String,
    ) -> Result<MemberList, AppError> {
        self.require(meta, AdminSection::Groups).await?;
        let rid = meta.request_id.as_str();
        let mut conn = self.pool.acquire().await.or_internal(rid)?;
        let (id, name) = self.find_group(&mut conn, &name, rid).await?;
        drop(conn);
        self.group_member_list(id, name, rid).await
    }

    async fn add_group_member(
        &self,
        meta: &RequestMeta,
        name: String,
        username: String,
    ) -> Result<MemberList, AppError> {
        self.change_membership(meta, &name, &username, Membership::Add)
            .await
    }

    async fn remove_group_member(
        &self,
        meta: &RequestMeta,
        name: String,
        username: String,
    ) -> Result<MemberList, AppError> {
        self.change_membership(meta, &name, &username, Membership::Remove)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scoped(names: &[&str]) -> ResetPolicy {
        ResetPolicy {
            scope: ResetScope::Groups(names.iter().map(|n| n.to_string()).collect()),
            ..ResetPolicy::default()
        }
    }

    #[test]
    fn the_scope_names_groups_in_any_case() {
        assert!(in_scope(&scoped(&["Sales"]), "sales"));
        assert!(!in_scope(&scoped(&["Sales"]), "support"));
        assert!(!in_scope(&ResetPolicy::default(), "sales"));
    }

    #[test]
    fn a_rename_follows_into_the_scope_and_leaves_other_groups_alone() {
        let renamed = renamed_scope(&scoped(&["Sales", "Support"]), "sales", "Sales EMEA").unwrap();
        assert_eq!(
            renamed.scope,
            ResetScope::Groups(vec!["Sales EMEA".into(), "Support".into()])
        );
        assert_eq!(
            renamed_scope(&scoped(&["Support"]), "sales", "Sales EMEA"),
            None
        );
        assert_eq!(renamed_scope(&ResetPolicy::default(), "sales", "x"), None);
    }
}
