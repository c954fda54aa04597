//! Recovery codes: ten single-use codes of about 50 random bits each, shown once. Their
//! entropy makes a plain SHA-256 enough to store them.

use sqlx::SqliteConnection;

pub const RECOVERY_CODE_COUNT: usize = 10;

/// No 0/o, 1/l/i: codes are read off paper.
const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
const CODE_CHARS: usize = 10;

/// A fresh code such as `7hk2m-q9xte`.
pub fn generate() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let chars: String = (0..CODE_CHARS)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// The form a typed code is compared in: lowercase, without dashes or spaces.
pub fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

pub fn hash(code: &str) -> String {
    crate::sessions::hash_token(&normalise(code))
}

/// Uses up the account's unused code matching `typed`. False when none matches.
pub async fn redeem(
    conn: &mut SqliteConnection,
    user_id: i64,
    typed: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let used = sqlx::query(
        "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .bind(hash(typed))
    .execute(conn)
    .await?;
    Ok(used.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_ten_unambiguous_characters_in_two_groups() {
        let code = generate();
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        assert!(normalise(&code).bytes().all(|b| ALPHABET.contains(&b)));
        let many: HashSet<String> = (0..1000).map(|_| generate()).collect();
        assert_eq!(many.len(), 1000);
    }

    #[test]
    fn typing_variations_hash_the_same() {
        assert_eq!(hash("7HK2M-Q9XTE"), hash(" 7hk2m q9xte"));
        assert_ne!(hash("7hk2m-q9xte"), hash("7hk2m-q9xtf"));
    }
}
