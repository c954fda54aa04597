//! The password policy both sides run: the client for live feedback, the server to decide.
//! Length is checked here on both sides; the checks that need data only the server holds
//! (the common-password list, banned words, the user's names, history) are applied by the
//! server, which answers with a [`PasswordVerdict`].

use serde::{Deserialize, Serialize};

/// Fewest code points a new password may have under the minimal policy.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Most code points accepted. Longer input is refused, never truncated.
pub const MAX_PASSWORD_CHARS: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordProblem {
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    Mismatch,
    /// On the list of common and breached passwords.
    Common,
    /// Contains a word the organisation banned.
    BannedWord,
    /// Contains the user's name or username.
    ContainsName,
    /// One of the last `depth` passwords of this account.
    Reused {
        depth: u8,
    },
}

/// The length limits in force, which the client needs for live feedback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordRules {
    pub min_chars: u16,
    pub max_chars: u16,
}

/// The server's verdict on a candidate password: every problem found, and a strength
/// estimate from 0 (very weak) to 4 (strong) that informs but does not decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordVerdict {
    pub problems: Vec<PasswordProblem>,
    pub strength: u8,
}

/// Checks a new password and its confirmation. Length is counted in Unicode code points.
pub fn check_new_password(password: &str, confirmation: &str) -> Result<(), PasswordProblem> {
    // Four bytes per code point at most, so this refuses huge input before counting.
    if password.len() > MAX_PASSWORD_CHARS * 4 || password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong {
            max: MAX_PASSWORD_CHARS,
        });
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort {
            min: MIN_PASSWORD_CHARS,
        });
    }
    if password != confirmation {
        return Err(PasswordProblem::Mismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_code_points_are_too_short_and_eight_are_enough() {
        assert_eq!(
            check_new_password("1234567", "1234567"),
            Err(PasswordProblem::TooShort { min: 8 })
        );
        assert_eq!(check_new_password("12345678", "12345678"), Ok(()));
    }

    #[test]
    fn length_counts_code_points_not_bytes() {
        // Eight Greek letters are 16 bytes but eight characters.
        assert_eq!(check_new_password("αβγδεζηθ", "αβγδεζηθ"), Ok(()));
        assert!(check_new_password("αβγδεζη", "αβγδεζη").is_err());
    }

    #[test]
    fn over_256_code_points_is_refused_not_truncated() {
        let long = "a".repeat(257);
        assert_eq!(
            check_new_password(&long, &long),
            Err(PasswordProblem::TooLong { max: 256 })
        );
        let ok = "a".repeat(256);
        assert_eq!(check_new_password(&ok, &ok), Ok(()));
    }

    #[test]
    fn a_different_confirmation_is_a_mismatch() {
        assert_eq!(
            check_new_password("correct horse", "correct horsf"),
            Err(PasswordProblem::Mismatch)
        );
    }
}
