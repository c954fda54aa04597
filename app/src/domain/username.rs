//! A sign-in name as the user typed it, parsed once at the boundary.
//!
//! Uniqueness is decided on the server after Unicode NFKC normalisation and case folding
//! (see `server::accounts::canonical`), so "Admin" and "ａｄｍｉｎ" are the same account.
//! The shape rules here are what both sides check.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The most code points a username may have.
pub const MAX_USERNAME_CHARS: usize = 64;

/// Why a username was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UsernameProblem {
    Empty,
    TooLong,
    ControlCharacter,
    Whitespace,
}

/// A username that is non-empty, at most 64 code points, with no control characters
/// and no whitespace inside. Leading and trailing whitespace is trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, UsernameProblem> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(UsernameProblem::Empty);
        }
        // Count lazily so an enormous input is refused without walking all of it.
        if trimmed.chars().nth(MAX_USERNAME_CHARS).is_some() {
            return Err(UsernameProblem::TooLong);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(UsernameProblem::ControlCharacter);
        }
        if trimmed.chars().any(char::is_whitespace) {
            return Err(UsernameProblem::Whitespace);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = UsernameProblem;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Username> for String {
    fn from(value: Username) -> Self {
        value.0
    }
}

impl fmt::Display for UsernameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::Empty => "username is empty",
            Self::TooLong => "username is longer than 64 characters",
            Self::ControlCharacter => "username contains a control character",
            Self::Whitespace => "username contains a space",
        };
        f.write_str(text)
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_name_is_kept_and_trimmed() {
        assert_eq!(Username::parse("  maria ").unwrap().as_str(), "maria");
    }

    #[test]
    fn greek_and_email_style_names_are_accepted() {
        assert!(Username::parse("ελένη").is_ok());
        assert!(Username::parse("j.doe@example.com").is_ok());
    }

    #[test]
    fn empty_and_blank_names_are_refused() {
        assert_eq!(Username::parse(""), Err(UsernameProblem::Empty));
        assert_eq!(Username::parse("   "), Err(UsernameProblem::Empty));
    }

    #[test]
    fn a_name_of_65_code_points_is_too_long_but_64_is_fine() {
        assert!(Username::parse(&"é".repeat(64)).is_ok());
        assert_eq!(
            Username::parse(&"é".repeat(65)),
            Err(UsernameProblem::TooLong)
        );
    }

    #[test]
    fn control_characters_and_inner_spaces_are_refused() {
        assert_eq!(
            Username::parse("ad\u{0}min"),
            Err(UsernameProblem::ControlCharacter)
        );
        assert_eq!(
            Username::parse("ad\u{1b}min"),
            Err(UsernameProblem::ControlCharacter)
        );
        assert_eq!(Username::parse("ad min"), Err(UsernameProblem::Whitespace));
    }

    #[test]
    fn deserialising_runs_the_same_parse() {
        let parsed: Result<Username, _> = serde_json::from_str("\"a\\u0007b\"");
        assert!(parsed.is_err());
    }
}
