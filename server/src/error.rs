//! Failures inside the server. They never reach a user as they are: `internal` logs them
//! with the request id and hands the client a generic error that shows the id.

use app::domain::AppError;
use std::fmt::Display;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("password hashing: {0}")]
    Hashing(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Logs an unexpected failure and turns it into the generic 500 the user sees.
pub fn internal(request_id: &str, error: impl Display) -> AppError {
    tracing::error!(request_id, error = %error, "request failed");
    AppError::Internal {
        request_id: request_id.to_owned(),
    }
}

/// Turns any failure into the generic 500, logged with the request id.
pub trait OrInternal<T> {
    fn or_internal(self, request_id: &str) -> Result<T, AppError>;
}

impl<T, E: Display> OrInternal<T> for Result<T, E> {
    fn or_internal(self, request_id: &str) -> Result<T, AppError> {
        self.map_err(|e| internal(request_id, e))
    }
}
