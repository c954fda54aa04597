//! The password rules both sides run: the client for live feedback, the server to decide.
//! For now only length; the full policy (blocklists, history, banned words) builds on this.

use serde::{Deserialize, Serialize};

/// Fewest code points a new password may have under the minimal policy.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Most code points accepted. Longer input is refused, never truncated.
pub const MAX_PASSWORD_CHARS: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordProblem {
    TooShort { min: usize },
    TooLong { max: usize },
    Mismatch,
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
