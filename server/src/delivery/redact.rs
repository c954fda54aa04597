//! Keeping secrets out of logs and the outbox: recipients are masked in logs, and
//! transport errors are scrubbed of configured secrets and shortened before storing.

/// The longest `last_error` kept, in characters.
pub const MAX_ERROR_CHARS: usize = 500;

/// `a***@example.org` for an address, `+*********78` for a phone number: enough to tell
/// messages apart in a log without naming the person.
pub fn mask_recipient(recipient: &str) -> String {
    if recipient.contains('@') {
        return app::domain::contact::mask_email(recipient);
    }
    let chars: Vec<char> = recipient.chars().collect();
    if chars.len() > 4 {
        let keep = 2;
        let mut masked = String::new();
        for (i, c) in chars.iter().enumerate() {
            if (i == 0 && *c == '+') || i >= chars.len() - keep {
                masked.push(*c);
            } else {
                masked.push('*');
            }
        }
        masked
    } else {
        "***".to_owned()
    }
}

/// Replaces every configured secret in `error` and cuts it to `MAX_ERROR_CHARS`.
pub fn scrub_error(error: &str, secrets: &[String]) -> String {
    let mut clean = error.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        clean = clean.replace(secret.as_str(), "[redacted]");
    }
    match clean.char_indices().nth(MAX_ERROR_CHARS) {
        Some((cut, _)) => clean[..cut].to_owned(),
        None => clean,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_masked_but_stay_recognisable() {
        assert_eq!(mask_recipient("ada@example.org"), "a***@example.org");
        assert_eq!(mask_recipient("+306912345678"), "+**********78");
        assert_eq!(mask_recipient("123"), "***");
    }

    #[test]
    fn errors_lose_secrets_and_are_cut_to_five_hundred_characters() {
        let secrets = vec!["hunter2".to_owned(), String::new()];
        let error = format!("auth hunter2 failed {}", "é".repeat(600));
        let clean = scrub_error(&error, &secrets);
        assert!(!clean.contains("hunter2"));
        assert!(clean.starts_with("auth [redacted] failed"));
        assert_eq!(clean.chars().count(), MAX_ERROR_CHARS);
    }
}
