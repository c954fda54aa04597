//! Contact details a user registers as verification methods: an email address and a
//! mobile number in E.164 form. Both parse once at the boundary, and both know how to
//! show themselves masked, so a screen or a log never needs the whole value.

use serde::{Deserialize, Serialize};
use std::fmt;

/// RFC 5321's limits: 254 octets for a path, 64 for the local part.
const MAX_EMAIL_LEN: usize = 254;
const MAX_LOCAL_LEN: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("invalid email address")]
pub enum EmailProblem {
    Empty,
    TooLong,
    /// Not exactly one `@`, or nothing before or after it.
    Shape,
    /// The part before `@` has spaces, control characters or misplaced dots.
    LocalPart,
    /// The part after `@` is not a domain name with a dot.
    Domain,
}

/// An email address with a plausible local part and a dotted domain name. The domain is
/// stored lowercase; the local part keeps its case, as mail servers may distinguish it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailProblem> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(EmailProblem::Empty);
        }
        if trimmed.len() > MAX_EMAIL_LEN {
            return Err(EmailProblem::TooLong);
        }
        let mut parts = trimmed.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(EmailProblem::Shape);
        };
        if local.is_empty() || domain.is_empty() {
            return Err(EmailProblem::Shape);
        }
        let bad_local_char =
            |c: char| c.is_whitespace() || c.is_control() || "\"(),:;<>[\\]".contains(c);
        if local.len() > MAX_LOCAL_LEN
            || local.chars().any(bad_local_char)
            || local.starts_with('.')
            || local.ends_with('.')
            || local.contains("..")
        {
            return Err(EmailProblem::LocalPart);
        }
        if !valid_domain(domain) {
            return Err(EmailProblem::Domain);
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `j***@example.com`: the first character of the local part and the whole domain.
    pub fn masked(&self) -> String {
        mask_email(&self.0)
    }
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.chars().count() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        // A top-level domain is never all digits, so `1.2.3.4` is refused.
        && labels.last().is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()))
}

/// Masks any stored address, valid or not, without panicking.
/// The hint for an address: its first letter and its domain, both lowercased, so a hint
/// shows nothing of how an address happens to be capitalised (decoy hints go through
/// this same function and must not differ in case).
pub fn mask_email(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).flat_map(char::to_lowercase).collect();
            format!("{first}***@{}", domain.to_lowercase())
        }
        None => "***".into(),
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailProblem;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

/// E.164 allows at most 15 digits; no real mobile number has fewer than 8.
const MIN_PHONE_DIGITS: usize = 8;
const MAX_PHONE_DIGITS: usize = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("invalid phone number")]
pub enum PhoneProblem {
    Empty,
    /// E.164 numbers start with `+` and the country code.
    MissingCountryCode,
    /// Only digits, spaces, dashes, dots and parentheses may appear.
    InvalidCharacter,
    TooShort,
    TooLong,
}

/// A phone number in E.164 form: `+`, a country code that does not start with 0, and at
/// most 15 digits in all. Spaces, dashes, dots and parentheses in the input are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self, PhoneProblem> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(PhoneProblem::Empty);
        }
        let Some(rest) = trimmed.strip_prefix('+') else {
            return Err(PhoneProblem::MissingCountryCode);
        };
        let mut digits = String::with_capacity(MAX_PHONE_DIGITS);
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(PhoneProblem::InvalidCharacter),
            }
            if digits.len() > MAX_PHONE_DIGITS {
                return Err(PhoneProblem::TooLong);
            }
        }
        if digits.starts_with('0') {
            return Err(PhoneProblem::MissingCountryCode);
        }
        if digits.len() < MIN_PHONE_DIGITS {
            return Err(PhoneProblem::TooShort);
        }
        Ok(Self(format!("+{digits}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `+30 *** *** **12`: the first two digits and the last two.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

/// Masks any stored number without panicking.
pub fn mask_phone(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 4 {
        return "***".into();
    }
    let head: String = digits[..2].iter().collect();
    let tail: String = digits[digits.len() - 2..].iter().collect();
    format!("+{head} *** *** **{tail}")
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneProblem;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_addresses_parse_and_the_domain_is_lowercased() {
        let email = Email::parse("  Jane.Doe+sspr@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "Jane.Doe+sspr@example.com");
        assert!(Email::parse("ελένη@παράδειγμα.ελ").is_ok());
    }

    #[test]
    fn malformed_addresses_say_what_is_wrong() {
        assert_eq!(Email::parse(" "), Err(EmailProblem::Empty));
        assert_eq!(Email::parse("jane"), Err(EmailProblem::Shape));
        assert_eq!(Email::parse("a@b@c.org"), Err(EmailProblem::Shape));
        assert_eq!(Email::parse("@example.com"), Err(EmailProblem::Shape));
        assert_eq!(
            Email::parse("ja ne@example.com"),
            Err(EmailProblem::LocalPart)
        );
        assert_eq!(
            Email::parse("jane.@example.com"),
            Err(EmailProblem::LocalPart)
        );
        assert_eq!(Email::parse("jane@localhost"), Err(EmailProblem::Domain));
        assert_eq!(Email::parse("jane@-bad.org"), Err(EmailProblem::Domain));
        assert_eq!(Email::parse("jane@1.2.3.4"), Err(EmailProblem::Domain));
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailProblem::TooLong));
    }

    #[test]
    fn header_injection_and_lists_are_not_addresses() {
        assert!(Email::parse("victim@x.test\r\nBcc: a@evil.test").is_err());
        assert!(Email::parse("victim@x.test,a@evil.test").is_err());
        assert!(Email::parse("victim@x.test%0acc:a@evil.test").is_err());
        assert!(Email::parse("\"a b\"@x.test").is_err());
    }

    #[test]
    fn emails_mask_all_but_the_first_letter_and_the_domain() {
        assert_eq!(
            Email::parse("jane@example.com").unwrap().masked(),
            "j***@example.com"
        );
        assert_eq!(mask_email("no-at-sign"), "***");
    }

    #[test]
    fn phone_numbers_are_normalised_to_e164() {
        let phone = PhoneNumber::parse("+30 (691) 234-5612").unwrap();
        assert_eq!(phone.as_str(), "+306912345612");
    }

    #[test]
    fn malformed_phone_numbers_say_what_is_wrong() {
        assert_eq!(PhoneNumber::parse(""), Err(PhoneProblem::Empty));
        assert_eq!(
            PhoneNumber::parse("6912345612"),
            Err(PhoneProblem::MissingCountryCode)
        );
        assert_eq!(
            PhoneNumber::parse("+06912345612"),
            Err(PhoneProblem::MissingCountryCode)
        );
        assert_eq!(
            PhoneNumber::parse("+30 691x"),
            Err(PhoneProblem::InvalidCharacter)
        );
        assert_eq!(PhoneNumber::parse("+3069"), Err(PhoneProblem::TooShort));
        assert_eq!(
            PhoneNumber::parse("+1234567890123456"),
            Err(PhoneProblem::TooLong)
        );
    }

    #[test]
    fn phones_mask_all_but_two_digits_at_each_end() {
        let phone = PhoneNumber::parse("+306912345612").unwrap();
        assert_eq!(phone.masked(), "+30 *** *** **12");
        assert_eq!(mask_phone("+1"), "***");
    }

    #[test]
    fn serde_refuses_invalid_values() {
        assert!(serde_json::from_str::<Email>("\"nope\"").is_err());
        assert!(serde_json::from_str::<PhoneNumber>("\"+306912345612\"").is_ok());
    }
}
