//! A rough strength estimate from 0 (very weak) to 4 (strong), shown to the user. The
//! policy decides, never this number, so a small estimator is enough: it builds nothing
//! at start-up and holds no dictionaries (the common list is checked separately, and a
//! password on it is scored 0 by the caller).

use std::collections::BTreeSet;

/// How many characters an attacker must consider for each position, by the kinds present.
fn pool_size(chars: &[char]) -> f64 {
    let has = |test: fn(&char) -> bool| chars.iter().any(test);
    let mut pool = 0.0;
    if has(char::is_ascii_lowercase) {
        pool += 26.0;
    }
    if has(char::is_ascii_uppercase) {
        pool += 26.0;
    }
    if has(char::is_ascii_digit) {
        pool += 10.0;
    }
    if has(|c| c.is_ascii_punctuation() || *c == ' ') {
        pool += 33.0;
    }
    if has(|c| !c.is_ascii()) {
        pool += 100.0;
    }
    pool
}

/// Estimated bits to guess: each character adds what its pool allows, except that one
/// repeating or continuing the character before it ("aa", "ab", "21") adds a quarter, and
/// a password of few distinct characters is discounted whatever its length.
fn bits(password: &str) -> f64 {
    let chars: Vec<char> = password.chars().collect();
    if chars.is_empty() {
        return 0.0;
    }
    let per_char = pool_size(&chars).max(2.0).log2();
    let effective: f64 = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let predictable = i > 0 && (c as i64 - chars[i - 1] as i64).abs() <= 1;
            if predictable {
                0.25
            } else {
                1.0
            }
        })
        .sum();
    let distinct = chars.iter().collect::<BTreeSet<_>>().len() as f64;
    effective * per_char * (distinct / 6.0).min(1.0)
}

/// 0..=4 by estimated bits. 15 random lowercase letters reach 3; a passphrase of three or
/// four words, or 12 random characters of every kind, reaches 4 only above 90 bits.
pub fn estimate(password: &str) -> u8 {
    match bits(password) {
        b if b < 40.0 => 0,
        b if b < 55.0 => 1,
        b if b < 70.0 => 2,
        b if b < 90.0 => 3,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repetition_and_runs_are_very_weak_whatever_the_length() {
        assert_eq!(estimate(""), 0);
        assert_eq!(estimate(&"a".repeat(64)), 0);
        assert_eq!(estimate(&"😀".repeat(15)), 0);
        assert_eq!(estimate("abcdefghijklmnop"), 0);
        assert_eq!(estimate("1234567890"), 0);
    }

    #[test]
    fn short_random_passwords_are_weak_and_long_ones_strong() {
        assert!(estimate("x7#Kq2") <= 1);
        assert_eq!(estimate("qzmvtrkfwhxpjdn"), 3);
        assert_eq!(estimate("correct horse battery"), 4);
        assert_eq!(estimate("Tq7#vZ2!mK9@pW4&"), 4);
    }

    #[test]
    fn more_kinds_of_character_score_higher_at_the_same_length() {
        assert!(bits("kfwhxpjdnq") < bits("kFw4xP#dnQ"));
        assert!(estimate("kfwhxpjd") <= estimate("kFw4xP#d"));
    }
}
