//! The policy service against a real (temporary) database.

use super::*;
use crate::accounts::store::{self, NewUser};
use app::domain::Username;

const NOW: i64 = 1_800_000_000;
const GOOD: &str = "correct horse battery";

struct Setup {
    policies: PasswordPolicies,
    user: UserRecord,
    _dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let pool = crate::db::connect(&dir.path().join("t.db")).await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let new = NewUser {
        username: Username::parse("m.papadopoulou").unwrap(),
        display_name: "Maria Papadopoulou".into(),
        email: Some("mpapa@example.org".into()),
        phone: None,
        must_change_password: false,
    };
    let id = store::insert_user(&mut conn, &new, NOW).await.unwrap();
    drop(conn);
    let user = store::find_by_id(&pool, id).await.unwrap().unwrap();
    let policies = PasswordPolicies::new(pool, ServerSecret::from_bytes([9; 32]));
    Setup {
        policies,
        user,
        _dir: dir,
    }
}

impl Setup {
    async fn problems(&self, password: &str) -> Vec<PasswordProblem> {
        self.policies
            .evaluate(&self.user, password, password)
            .await
            .unwrap()
            .problems
    }

    async fn remember(&self, password: &str) {
        let mut conn = self.policies.pool.acquire().await.unwrap();
        self.policies
            .remember(&mut conn, self.user.id, password, NOW)
            .await
            .unwrap();
    }

    async fn fingerprints(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM password_fingerprints WHERE user_id = ?")
            .bind(self.user.id)
            .fetch_one(&self.policies.pool)
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn a_good_passphrase_passes_with_a_strong_estimate() {
    let s = setup().await;
    let verdict = s.policies.evaluate(&s.user, GOOD, GOOD).await.unwrap();
    assert_eq!(verdict.problems, vec![]);
    assert!(verdict.is_acceptable());
    assert_eq!(verdict.strength, 4);
}

#[tokio::test]
async fn length_follows_the_saved_policy() {
    let s = setup().await;
    assert_eq!(
        s.problems("horse battery!").await,
        vec![PasswordProblem::TooShort { min: 15 }]
    );
    assert_eq!(s.problems("horse battery!!").await, vec![]);
    assert_eq!(
        s.problems(&"q".repeat(64)).await,
        vec![PasswordProblem::Common]
    );
    let strict = PasswordPolicy {
        min_chars: 22,
        max_chars: 64,
        ..PasswordPolicy::default()
    };
    s.policies.save(&strict, NOW).await.unwrap();
    assert_eq!(s.policies.rules().await.unwrap(), strict.rules());
    assert_eq!(
        s.problems(GOOD).await,
        vec![PasswordProblem::TooShort { min: 22 }]
    );
    let seventy_two = format!("{GOOD} {GOOD} {GOOD} purple");
    assert_eq!(seventy_two.chars().count(), 72);
    assert_eq!(
        s.problems(&seventy_two).await,
        vec![PasswordProblem::TooLong { max: 64 }]
    );
}

#[tokio::test]
async fn too_long_input_is_refused_whole_and_never_truncated() {
    let s = setup().await;
    // The first 256 characters alone would be a fine password.
    let long = format!("{GOOD}{}", "x".repeat(257 - GOOD.len()));
    assert_eq!(long.chars().count(), 257);
    let verdict = s.policies.evaluate(&s.user, &long, &long).await.unwrap();
    assert_eq!(
        verdict.problems,
        vec![PasswordProblem::TooLong { max: 256 }]
    );
    assert_eq!(verdict.strength, 0);
    let huge = "x".repeat(1 << 20);
    assert_eq!(
        s.problems(&huge).await,
        vec![PasswordProblem::TooLong { max: 256 }]
    );
}

#[tokio::test]
async fn fifteen_emoji_are_long_enough() {
    let s = setup().await;
    let emoji = "🐴🔋📎🦄🌵🎻🧲🪁🍉🚲🦉🧊🎈🪴🛶";
    assert_eq!(emoji.chars().count(), 15);
    assert_eq!(s.problems(emoji).await, vec![]);
}

#[tokio::test]
async fn length_and_confirmation_are_judged_after_nfkc() {
    let s = setup().await;
    let precomposed = "caf\u{e9} au lait, merci";
    let decomposed = "cafe\u{301} au lait, merci";
    let verdict = s
        .policies
        .evaluate(&s.user, precomposed, decomposed)
        .await
        .unwrap();
    assert_eq!(verdict.problems, vec![]);
    // Fifteen code points as typed, fourteen once "e" and its accent are one "é".
    let typed = "e\u{301}clair au cafe";
    assert_eq!(typed.chars().count(), 15);
    assert_eq!(
        s.problems(typed).await,
        vec![PasswordProblem::TooShort { min: 15 }]
    );
    // The ligature is two letters after NFKC, so 14 code points count as 15.
    let ligature = "\u{fb01}refly at lake";
    assert_eq!(ligature.chars().count(), 14);
    assert_eq!(s.problems(ligature).await, vec![]);
}

#[tokio::test]
async fn common_and_breached_passwords_are_refused_with_a_strength_of_zero() {
    let s = setup().await;
    for password in ["passwordpassword", "123456789012345", "P@ssw0rdP@ssw0rd"] {
        let verdict = s
            .policies
            .evaluate(&s.user, password, password)
            .await
            .unwrap();
        assert_eq!(
            verdict.problems,
            vec![PasswordProblem::Common],
            "{password}"
        );
        assert_eq!(verdict.strength, 0);
    }
}

#[tokio::test]
async fn banned_words_match_after_case_and_substitutions() {
    let s = setup().await;
    assert_eq!(s.problems("Acme rocks forever!").await, vec![]);
    let policy = PasswordPolicy {
        banned_words: vec!["acme".into()],
        ..PasswordPolicy::default()
    };
    s.policies.save(&policy, NOW).await.unwrap();
    for password in [
        "Acme rocks forever!",
        "4CM3 rocks forever!",
        "a.c.m.e rocks forever",
    ] {
        assert_eq!(
            s.problems(password).await,
            vec![PasswordProblem::BannedWord],
            "{password}"
        );
    }
    // The service's own name is banned without being listed.
    assert_eq!(
        s.problems("SSPR-2024-!!!!!!!").await,
        vec![PasswordProblem::BannedWord]
    );
}

#[tokio::test]
async fn the_users_names_username_and_email_are_refused() {
    let s = setup().await;
    for password in [
        "maria sails the aegean",
        "Papadopoulou forever and ever",
        "mpapadopoulou likes the sea",
        "mpapa has a long password",
    ] {
        assert_eq!(
            s.problems(password).await,
            vec![PasswordProblem::ContainsName],
            "{password}"
        );
    }
}

#[tokio::test]
async fn a_password_just_set_cannot_be_chosen_again() {
    let s = setup().await;
    assert_eq!(s.problems(GOOD).await, vec![]);
    s.remember(GOOD).await;
    assert_eq!(
        s.problems(GOOD).await,
        vec![PasswordProblem::Reused { depth: 5 }]
    );
    // The same characters in another Unicode form are the same password.
    s.remember("\u{fb01}refly over the lake").await;
    assert_eq!(
        s.problems("firefly over the lake").await,
        vec![PasswordProblem::Reused { depth: 5 }]
    );
}

#[tokio::test]
async fn only_the_latest_passwords_up_to_the_depth_count() {
    let s = setup().await;
    let passwords: Vec<String> = (0..6).map(|i| format!("{GOOD} number {i}")).collect();
    for password in &passwords {
        s.remember(password).await;
    }
    // The oldest of six is beyond a depth of five; the next is within it.
    assert_eq!(s.problems(&passwords[0]).await, vec![]);
    assert_eq!(
        s.problems(&passwords[1]).await,
        vec![PasswordProblem::Reused { depth: 5 }]
    );
    let deeper = PasswordPolicy {
        history_depth: 6,
        ..PasswordPolicy::default()
    };
    s.policies.save(&deeper, NOW).await.unwrap();
    assert_eq!(
        s.problems(&passwords[0]).await,
        vec![PasswordProblem::Reused { depth: 6 }]
    );
    let off = PasswordPolicy {
        history_depth: 0,
        ..PasswordPolicy::default()
    };
    s.policies.save(&off, NOW).await.unwrap();
    assert_eq!(s.problems(&passwords[5]).await, vec![]);
}

#[tokio::test]
async fn the_history_is_trimmed_to_the_most_any_policy_may_ask_for() {
    let s = setup().await;
    for i in 0..30 {
        s.remember(&format!("{GOOD} number {i}")).await;
    }
    assert_eq!(s.fingerprints().await, i64::from(MAX_HISTORY_DEPTH));
    let deepest = PasswordPolicy {
        history_depth: MAX_HISTORY_DEPTH,
        ..PasswordPolicy::default()
    };
    s.policies.save(&deepest, NOW).await.unwrap();
    assert_eq!(s.problems(&format!("{GOOD} number 5")).await, vec![]);
    assert_eq!(
        s.problems(&format!("{GOOD} number 6")).await,
        vec![PasswordProblem::Reused { depth: 24 }]
    );
}

#[tokio::test]
async fn no_fingerprint_holds_the_password_or_matches_another_users() {
    let s = setup().await;
    s.remember(GOOD).await;
    let stored: String = sqlx::query_scalar("SELECT fingerprint FROM password_fingerprints")
        .fetch_one(&s.policies.pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 64);
    assert!(!stored.contains("horse"));
    let other = UserRecord {
        id: s.user.id + 1,
        ..s.user.clone()
    };
    let verdict = s.policies.evaluate(&other, GOOD, GOOD).await.unwrap();
    assert_eq!(verdict.problems, vec![]);
}

#[tokio::test]
async fn a_change_must_change_the_password_even_without_history() {
    let s = setup().await;
    let off = PasswordPolicy {
        history_depth: 0,
        ..PasswordPolicy::default()
    };
    s.policies.save(&off, NOW).await.unwrap();
    let decomposed = "cafe\u{301} au lait, merci";
    let verdict = s
        .policies
        .evaluate_change(&s.user, "caf\u{e9} au lait, merci", decomposed, decomposed)
        .await
        .unwrap();
    assert_eq!(verdict.problems, vec![PasswordProblem::Reused { depth: 1 }]);
    let verdict = s
        .policies
        .evaluate_change(&s.user, "caf\u{e9} au lait, merci", GOOD, GOOD)
        .await
        .unwrap();
    assert_eq!(verdict.problems, vec![]);
}

#[tokio::test]
async fn the_live_preview_leaves_out_the_history() {
    let s = setup().await;
    s.remember(GOOD).await;
    let verdict = s.policies.preview(&s.user, GOOD).await.unwrap();
    assert_eq!(verdict.problems, vec![]);
    let verdict = s
        .policies
        .preview(&s.user, "maria sails away")
        .await
        .unwrap();
    assert_eq!(verdict.problems, vec![PasswordProblem::ContainsName]);
}

#[tokio::test]
async fn invalid_policies_are_refused_and_a_bad_saved_one_falls_back_to_the_defaults() {
    let s = setup().await;
    let weak = PasswordPolicy {
        min_chars: 6,
        ..PasswordPolicy::default()
    };
    let refused = match s.policies.save(&weak, NOW).await {
        Err(SaveError::Refused(refused)) => refused,
        other => panic!("not refused: {other:?}"),
    };
    assert_eq!(
        refused,
        AppError::invalid("min_chars", FieldProblem::OutOfRange)
    );
    assert_eq!(
        s.policies.current().await.unwrap(),
        PasswordPolicy::default()
    );
    sqlx::query("INSERT INTO policy_settings (name, value, updated_at) VALUES ('password', ?, 0)")
        .bind(r#"{"min_chars": 3}"#)
        .execute(&s.policies.pool)
        .await
        .unwrap();
    assert_eq!(
        s.policies.current().await.unwrap(),
        PasswordPolicy::default()
    );
}
