//! Groups and their members.

use crate::api::codec::StrictJson;
#[cfg(feature = "ssr")]
use crate::api::context::RequestMeta;
use crate::domain::{AppError, FieldProblem};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The most code points a group name may have.
pub const MAX_GROUP_NAME_CHARS: usize = 64;
/// Members listed per group; the rest are counted.
pub const MEMBERS_SHOWN: u32 = 200;

/// A group name as typed, trimmed: 1 to 64 code points, no control characters. Names
/// compare case-insensitively on the server (like usernames), so "Sales" and "sales" are
/// one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupName(String);

impl GroupName {
    pub fn parse(raw: &str) -> Result<Self, FieldProblem> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(FieldProblem::Required);
        }
        if trimmed.chars().nth(MAX_GROUP_NAME_CHARS).is_some() {
            return Err(FieldProblem::TooLong);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(FieldProblem::ControlCharacters);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The parsed name, or the field error for `field`.
    pub fn field(raw: &str, field: &str) -> Result<Self, AppError> {
        Self::parse(raw).map_err(|problem| AppError::invalid(field, problem))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One group in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub name: String,
    pub members: u64,
    /// The password reset policy's scope names this group, so it cannot be deleted.
    pub in_reset_scope: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    pub username: String,
    pub display_name: String,
}

/// A group's members by username, the first [`MEMBERS_SHOWN`] of `total`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberList {
    pub group: String,
    pub members: Vec<GroupMember>,
    pub total: u64,
}

/// Every group by name, with its member count (global admins).
#[server(endpoint = "list_groups", input = StrictJson)]
pub async fn list_groups() -> Result<Vec<GroupSummary>, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let groups = context::service::<dyn GroupService>()?;
    context::with_http_status(groups.list_groups(&meta).await)
}

/// Creates an empty group; a name taken (in any case) is a field error on `name`.
#[server(endpoint = "create_group", input = StrictJson)]
pub async fn create_group(name: String) -> Result<GroupSummary, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let groups = context::service::<dyn GroupService>()?;
    context::with_http_status(groups.create_group(&meta, name).await)
}

/// Renames a group; the reset scope follows the new name.
#[server(endpoint = "rename_group", input = StrictJson)]
pub async fn rename_group(name: String, new_name: String) -> Result<GroupSummary, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let groups = context::service::<dyn GroupService>()?;
    context::with_http_status(groups.rename_group(&meta, name, new_name).await)
}

/// Deletes a group unless the reset scope names it (`GroupInResetScope`).
#[server(endpoint = "delete_group", input = StrictJson)]
pub async fn delete_group(name: String) -> Result<(), AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let groups = context::service::<dyn GroupService>()?;
    context::with_http_status(groups.delete_group(&meta, name).await)
}

#[server(endpoint = "group_members", input = StrictJson)]
pub async fn group_members(name: String) -> Result<MemberList, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let groups = context::service::<dyn GroupService>()?;
    context::with_http_status(groups.group_members(&meta, name).await)
}

/// Adds the user to the group (nothing changes if they are in it already).
#[server(endpoint = "add_group_member", input = StrictJson)]
pub async fn add_group_member(name: String, username: String) -> Result<MemberList, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let groups = context::service::<dyn GroupService>()?;
    context::with_http_status(groups.add_group_member(&meta, name, username).await)
}

#[server(endpoint = "remove_group_member", input = StrictJson)]
pub async fn remove_group_member(name: String, username: String) -> Result<MemberList, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let groups = context::service::<dyn GroupService>()?;
    context::with_http_status(groups.remove_group_member(&meta, name, username).await)
}

/// Implemented by the server; every method checks the caller's role first.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait GroupService: Send + Sync {
    async fn list_groups(&self, meta: &RequestMeta) -> Result<Vec<GroupSummary>, AppError>;
    async fn create_group(
        &self,
        meta: &RequestMeta,
        name: String,
    ) -> Result<GroupSummary, AppError>;
    async fn rename_group(
        &self,
        meta: &RequestMeta,
        name: String,
        new_name: String,
    ) -> Result<GroupSummary, AppError>;
    async fn delete_group(&self, meta: &RequestMeta, name: String) -> Result<(), AppError>;
    async fn group_members(&self, meta: &RequestMeta, name: String)
        -> Result<MemberList, AppError>;
    async fn add_group_member(
        &self,
        meta: &RequestMeta,
        name: String,
        username: String,
    ) -> Result<MemberList, AppError>;
    async fn remove_group_member(
        &self,
        meta: &RequestMeta,
        name: String,
        username: String,
    ) -> Result<MemberList, AppError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_are_trimmed_and_bounded() {
        assert_eq!(GroupName::parse("  Sales ").unwrap().as_str(), "Sales");
        assert_eq!(
            GroupName::parse("Sales EMEA").unwrap().as_str(),
            "Sales EMEA"
        );
        assert_eq!(GroupName::parse("   "), Err(FieldProblem::Required));
        assert_eq!(
            GroupName::parse(&"g".repeat(MAX_GROUP_NAME_CHARS + 1)),
            Err(FieldProblem::TooLong)
        );
        assert!(GroupName::parse(&"γ".repeat(MAX_GROUP_NAME_CHARS)).is_ok());
        assert_eq!(
            GroupName::parse("a\u{7}b"),
            Err(FieldProblem::ControlCharacters)
        );
    }
}
