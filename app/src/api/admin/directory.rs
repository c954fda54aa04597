//! The connected directory as the dashboard shows it: whether users and groups come from
//! one, when they were last read, and a "read now" for after a change there.

use crate::api::codec::StrictJson;
#[cfg(feature = "ssr")]
use crate::api::context::RequestMeta;
use crate::domain::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// `None` from [`directory_status`]: accounts are sspr's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryState {
    /// The directory's address, for the admin to recognise it.
    pub url: String,
    /// Unix seconds of the last whole read; `None` before the first.
    pub read_at: Option<i64>,
    pub users: u64,
    pub groups: u64,
}

/// The connected directory, for every admin who may see users.
#[server(endpoint = "directory_status", input = StrictJson)]
pub async fn directory_status() -> Result<Option<DirectoryState>, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let directory = context::service::<dyn DirectoryService>()?;
    context::with_http_status(directory.status(&meta).await)
}

/// Reads every user and group from the directory now (global admins and helpdesk).
#[server(endpoint = "read_directory", input = StrictJson)]
pub async fn read_directory() -> Result<Option<DirectoryState>, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let directory = context::service::<dyn DirectoryService>()?;
    context::with_http_status(directory.read_now(&meta).await)
}

/// Implemented by the server; every method checks the caller's role first.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait DirectoryService: Send + Sync {
    async fn status(&self, meta: &RequestMeta) -> Result<Option<DirectoryState>, AppError>;
    async fn read_now(&self, meta: &RequestMeta) -> Result<Option<DirectoryState>, AppError>;
}
