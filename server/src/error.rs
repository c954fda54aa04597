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

/// Logs an unexpected failure and turns it into the generic 500 the user sees. The log
/// line names the file and line of the call that failed (`#[track_caller]`), so a 500's
/// request id leads to the statement, not only to "request failed".
#[track_caller]
pub fn internal(request_id: &str, error: impl Display) -> AppError {
    let at = std::panic::Location::caller();
    tracing::error!(request_id, error = %error, at = %at, "request failed");
    AppError::Internal {
        request_id: request_id.to_owned(),
    }
}

/// Turns any failure into the generic 500, logged with the request id and the caller's
/// place in the source.
pub trait OrInternal<T> {
    #[track_caller]
    fn or_internal(self, request_id: &str) -> Result<T, AppError>;
}

impl<T, E: Display> OrInternal<T> for Result<T, E> {
    #[track_caller]
    fn or_internal(self, request_id: &str) -> Result<T, AppError> {
        match self {
            Ok(value) => Ok(value),
            // Not `map_err`: a closure would report this line instead of the caller's.
            Err(e) => Err(internal(request_id, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Collects what the subscriber writes.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::ErrorKind::Other)?
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn an_internal_error_is_logged_with_the_line_that_failed() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let failed: Result<(), &str> = Err("disk full");
        let line = line!() + 1;
        let answer = tracing::subscriber::with_default(subscriber, || failed.or_internal("r-1"));
        assert!(
            matches!(answer, Err(AppError::Internal { ref request_id }) if request_id == "r-1")
        );
        let logged =
            String::from_utf8(captured.0.lock().expect("log buffer").clone()).expect("utf-8 log");
        assert!(logged.contains("disk full"), "{logged}");
        assert!(
            logged.contains(&format!("{}:{line}:", file!())),
            "the log line names the caller: {logged}"
        );
    }
}
