//! Why a challenge and nonce were not accepted: a leaf, so the spent set and the checker
//! both name it without importing each other.

/// Why a challenge and nonce were not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CaptchaProblem {
    #[error("the challenge is not one this server issues")]
    Malformed,
    #[error("the challenge's signature does not match")]
    BadSignature,
    #[error("the challenge has expired")]
    Expired,
    #[error("the challenge is easier than required")]
    TooEasy,
    #[error("the nonce does not solve the challenge")]
    Unsolved,
    #[error("the challenge was already used")]
    Replayed,
    #[error("too many challenges are in use; try again later")]
    Overloaded,
}

impl CaptchaProblem {
    /// A stable name, for the audit log and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::BadSignature => "bad_signature",
            Self::Expired => "expired",
            Self::TooEasy => "too_easy",
            Self::Unsolved => "unsolved",
            Self::Replayed => "replayed",
            Self::Overloaded => "overloaded",
        }
    }
}
