//! The verification methods a user can register, and the shapes of what they type back:
//! one-time codes, authenticator codes and security answers.

use serde::{Deserialize, Serialize};

/// The methods that can prove who a user is during a reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    Email,
    Phone,
    Authenticator,
    Questions,
    RecoveryCodes,
}

impl MethodKind {
    pub const ALL: [MethodKind; 5] = [
        MethodKind::Email,
        MethodKind::Phone,
        MethodKind::Authenticator,
        MethodKind::Questions,
        MethodKind::RecoveryCodes,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Authenticator => "authenticator",
            Self::Questions => "questions",
            Self::RecoveryCodes => "recovery_codes",
        }
    }

    /// Recovery codes are a fallback for a lost phone or authenticator, not a method of
    /// their own, so they do not count towards the number of methods policy requires.
    pub fn counts_towards_registration(self) -> bool {
        self != Self::RecoveryCodes
    }
}

/// Why a signed-in user is asked to visit their security info now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegistrationDue {
    /// Fewer methods are registered than policy requires.
    Incomplete { required: u8, registered: u8 },
    /// The info was last confirmed longer ago than policy allows.
    Reconfirm,
}

/// Digits in an emailed or texted one-time code.
pub const CODE_DIGITS: usize = 8;
/// Digits in an authenticator app's code.
pub const TOTP_DIGITS: usize = 6;
/// Shortest and longest security answer, in characters after normalisation.
pub const MIN_ANSWER_CHARS: usize = 3;
pub const MAX_ANSWER_CHARS: usize = 128;

/// Strips the spaces people type or paste into codes and checks the digits, so
/// "1234 5678" is accepted and "12a45678" is refused before anything is looked up.
pub fn parse_code(raw: &str, digits: usize) -> Option<String> {
    let code: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (code.len() == digits && code.chars().all(|c| c.is_ascii_digit())).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_accept_spaces_and_refuse_other_shapes() {
        assert_eq!(
            parse_code(" 1234 5678 ", CODE_DIGITS).as_deref(),
            Some("12345678")
        );
        assert_eq!(
            parse_code("123-456", TOTP_DIGITS).as_deref(),
            Some("123456")
        );
        assert_eq!(parse_code("1234567", CODE_DIGITS), None);
        assert_eq!(parse_code("12a45678", CODE_DIGITS), None);
        assert_eq!(parse_code("１２３４５６", TOTP_DIGITS), None);
    }

    #[test]
    fn recovery_codes_do_not_count_as_a_method() {
        let counted = MethodKind::ALL
            .iter()
            .filter(|m| m.counts_towards_registration())
            .count();
        assert_eq!(counted, 4);
    }
}
