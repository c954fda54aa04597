//! The password policy both sides run: the client for live feedback, the server to decide.
//! Length and confirmation are checked here on both sides; the checks that need data only
//! the server holds (the common-password list, banned words, the user's names, history)
//! are applied by the server, which answers with a [`PasswordVerdict`].
//!
//! Nothing here normalises Unicode: NFKC needs tables too large for the wasm bundle, so
//! the server normalises (NFKC) before it calls these functions, and the client's live
//! feedback counts what was typed. The two differ only for decomposed or compatibility
//! characters, where the server's answer is the one that counts.
//!
//! There are no composition rules (NIST SP 800-63B-4): length, a blocklist and context
//! words decide, and the strength estimate only informs.

use serde::{Deserialize, Serialize};

/// Fewest code points for a password an administrator sets from the command line, where
/// the account usually must change it at its next sign-in. Passwords users choose follow
/// [`PasswordPolicy`].
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Most code points any password may have. Longer input is refused, never truncated.
/// Sign-in refuses more than four bytes per character of this before hashing, so no
/// policy may allow more.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// The minimum length administrators may choose: 15 is NIST SP 800-63B-4's minimum when
/// the password is the only factor; 8 is its floor when it is one of two.
pub const MIN_CHARS_RANGE: std::ops::RangeInclusive<u16> = 8..=64;
/// The maximum length administrators may choose: NIST asks for at least 64.
pub const MAX_CHARS_RANGE: std::ops::RangeInclusive<u16> = 64..=MAX_PASSWORD_CHARS as u16;
/// The most previous passwords a policy may remember.
pub const MAX_HISTORY_DEPTH: u8 = 24;
/// The most banned words a policy may list.
pub const MAX_BANNED_WORDS: usize = 200;
/// A banned word's length limits, counted after [`fold_for_matching`]; shorter words would
/// match too much by chance.
pub const BANNED_WORD_CHARS: std::ops::RangeInclusive<usize> = 3..=64;
/// Failed sign-ins in a row that lock an account, as administrators may choose.
pub const LOCKOUT_THRESHOLD_RANGE: std::ops::RangeInclusive<u16> = 1..=100;
/// How long a sign-in lock lasts, in minutes (up to a day).
pub const LOCKOUT_MINUTES_RANGE: std::ops::RangeInclusive<u16> = 1..=1440;
/// Name fragments shorter than this are ignored: "Jo" or "Ann" turn up in passphrases by
/// chance far more often than as the user's name.
pub const MIN_NAME_FRAGMENT_CHARS: usize = 4;

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

impl Default for PasswordRules {
    fn default() -> Self {
        PasswordPolicy::default().rules()
    }
}

/// The server's verdict on a candidate password: every problem found, and a strength
/// estimate from 0 (very weak) to 4 (strong) that informs but does not decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordVerdict {
    pub problems: Vec<PasswordProblem>,
    pub strength: u8,
}

impl PasswordVerdict {
    pub fn is_acceptable(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The password policy an administrator edits. Stored as JSON; settings missing from a
/// saved document take their defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordPolicy {
    pub min_chars: u16,
    pub max_chars: u16,
    /// How many of the latest passwords (the current one included) may not be chosen
    /// again; 0 turns the history check off.
    pub history_depth: u8,
    /// Words no password may contain, matched after [`fold_for_matching`].
    pub banned_words: Vec<String>,
    /// Failed sign-ins in a row that lock the account; `None` keeps the configured
    /// `[sign_in]` default (documents saved before this setting existed).
    pub lockout_threshold: Option<u16>,
    /// Minutes a sign-in lock lasts; `None` keeps the configured default.
    pub lockout_minutes: Option<u16>,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_chars: 15,
            max_chars: MAX_PASSWORD_CHARS as u16,
            history_depth: 5,
            banned_words: Vec::new(),
            lockout_threshold: None,
            lockout_minutes: None,
        }
    }
}

/// What is wrong with a password policy, by setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordPolicyProblem {
    /// Outside [`MIN_CHARS_RANGE`].
    MinChars,
    /// Outside [`MAX_CHARS_RANGE`].
    MaxChars,
    /// Above [`MAX_HISTORY_DEPTH`].
    HistoryDepth,
    /// More than [`MAX_BANNED_WORDS`].
    TooManyBannedWords,
    /// A banned word whose folded length is outside [`BANNED_WORD_CHARS`].
    BannedWordLength,
    /// Outside [`LOCKOUT_THRESHOLD_RANGE`].
    LockoutThreshold,
    /// Outside [`LOCKOUT_MINUTES_RANGE`].
    LockoutMinutes,
}

impl PasswordPolicyProblem {
    /// The setting at fault, as the field name the editor shows the problem under.
    pub fn field(self) -> &'static str {
        match self {
            Self::MinChars => "min_chars",
            Self::MaxChars => "max_chars",
            Self::HistoryDepth => "history_depth",
            Self::TooManyBannedWords | Self::BannedWordLength => "banned_words",
            Self::LockoutThreshold => "lockout_threshold",
            Self::LockoutMinutes => "lockout_minutes",
        }
    }
}

impl PasswordPolicy {
    /// Checks every setting. Any minimum in range is below any maximum in range.
    pub fn check(&self) -> Result<(), PasswordPolicyProblem> {
        use PasswordPolicyProblem as P;
        if !MIN_CHARS_RANGE.contains(&self.min_chars) {
            return Err(P::MinChars);
        }
        if !MAX_CHARS_RANGE.contains(&self.max_chars) {
            return Err(P::MaxChars);
        }
        if self.history_depth > MAX_HISTORY_DEPTH {
            return Err(P::HistoryDepth);
        }
        if self.banned_words.len() > MAX_BANNED_WORDS {
            return Err(P::TooManyBannedWords);
        }
        let folded_len = |word: &String| fold_for_matching(word).chars().count();
        if self
            .banned_words
            .iter()
            .any(|w| !BANNED_WORD_CHARS.contains(&folded_len(w)))
        {
            return Err(P::BannedWordLength);
        }
        if self
            .lockout_threshold
            .is_some_and(|n| !LOCKOUT_THRESHOLD_RANGE.contains(&n))
        {
            return Err(P::LockoutThreshold);
        }
        if self
            .lockout_minutes
            .is_some_and(|n| !LOCKOUT_MINUTES_RANGE.contains(&n))
        {
            return Err(P::LockoutMinutes);
        }
        Ok(())
    }

    pub fn rules(&self) -> PasswordRules {
        PasswordRules {
            min_chars: self.min_chars,
            max_chars: self.max_chars,
        }
    }
}

/// Length and confirmation: the checks the client can run as the user types. Length is
/// counted in code points; input longer than four bytes per allowed code point is refused
/// before anything is counted, so a megabyte of input costs nothing.
pub fn check_local(
    rules: &PasswordRules,
    password: &str,
    confirmation: &str,
) -> Vec<PasswordProblem> {
    let (min, max) = (usize::from(rules.min_chars), usize::from(rules.max_chars));
    if password.len() > max * 4 {
        return vec![PasswordProblem::TooLong { max }];
    }
    let mut problems = Vec::new();
    let chars = password.chars().count();
    if chars > max {
        problems.push(PasswordProblem::TooLong { max });
    } else if chars < min {
        problems.push(PasswordProblem::TooShort { min });
    }
    if password != confirmation {
        problems.push(PasswordProblem::Mismatch);
    }
    problems
}

/// The minimal rule for passwords an administrator sets from the command line (8 to 256
/// code points, confirmed). It is deliberately weaker than [`PasswordPolicy`]: those
/// passwords are handed over and usually must be changed at the next sign-in, when the
/// full policy applies. Imported users get no password at all.
pub fn check_new_password(password: &str, confirmation: &str) -> Result<(), PasswordProblem> {
    let minimal = PasswordRules {
        min_chars: MIN_PASSWORD_CHARS as u16,
        max_chars: MAX_PASSWORD_CHARS as u16,
    };
    match check_local(&minimal, password, confirmation).first() {
        Some(problem) => Err(*problem),
        None => Ok(()),
    }
}

/// One character folded: lowercase letters stand for themselves, the usual look-alike
/// digits and symbols stand for the letter they imitate, and everything else (spaces,
/// punctuation) is dropped so "a-c-m-e" still spells "acme". `l` and `1` are both read as
/// `i`, so "he11o" and "hello" fold alike whichever letter the `1` meant.
fn fold_char(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '!' | '|' | 'l' => 'i',
        '3' | '€' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '6' | '9' => 'g',
        '7' | '+' => 't',
        '8' => 'b',
        // Greek final sigma is the same letter as σ.
        'ς' => 'σ',
        c if c.is_alphanumeric() => c,
        _ => return None,
    })
}

/// Text as compared against banned words and names: lowercased, look-alike substitutions
/// undone (0→o, 1/l/!→i, 3→e, 4/@→a, 5/$→s, 7→t, …) and separators dropped. The server
/// passes NFKC-normalised text.
pub fn fold_for_matching(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .filter_map(fold_char)
        .collect()
}

/// Whether the password contains any of the banned words, both folded. Words that fold to
/// fewer than three characters are ignored: they would match almost anything.
pub fn contains_banned(password: &str, words: &[String]) -> bool {
    let folded = fold_for_matching(password);
    words
        .iter()
        .map(|w| fold_for_matching(w))
        .filter(|w| w.chars().count() >= *BANNED_WORD_CHARS.start())
        .any(|w| folded.contains(&w))
}

/// Whether the password contains one of the user's names: each name (display name,
/// username, the local part of an email address) is split into its words, and the words
/// run together are tried as well ("j.smith" gives "smith" and "jsmith"). Fragments shorter
/// than [`MIN_NAME_FRAGMENT_CHARS`] after folding are ignored.
pub fn contains_name(password: &str, names: &[&str]) -> bool {
    let folded = fold_for_matching(password);
    let long_enough = |f: &String| f.chars().count() >= MIN_NAME_FRAGMENT_CHARS;
    names.iter().any(|name| {
        let mut fragments: Vec<String> = name
            .split(|c: char| !c.is_alphanumeric())
            .map(fold_for_matching)
            .collect();
        fragments.push(fold_for_matching(
            &name.replace(|c: char| !c.is_alphanumeric(), ""),
        ));
        fragments
            .iter()
            .filter(|f| long_enough(f))
            .any(|f| folded.contains(f.as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> PasswordRules {
        PasswordPolicy::default().rules()
    }

    #[test]
    fn the_default_policy_follows_nist_for_a_single_factor_and_is_valid() {
        let policy = PasswordPolicy::default();
        assert_eq!((policy.min_chars, policy.max_chars), (15, 256));
        assert_eq!(policy.history_depth, 5);
        assert!(policy.banned_words.is_empty());
        assert_eq!(policy.check(), Ok(()));
        assert_eq!(PasswordRules::default(), policy.rules());
    }

    #[test]
    fn fourteen_code_points_are_too_short_and_fifteen_are_enough() {
        assert_eq!(
            check_local(&rules(), "fourteen chars", "fourteen chars"),
            vec![PasswordProblem::TooShort { min: 15 }]
        );
        assert_eq!(
            check_local(&rules(), "fifteen chars!!", "fifteen chars!!"),
            vec![]
        );
    }

    #[test]
    fn sixty_four_and_two_hundred_fifty_six_are_accepted_but_257_is_refused_whole() {
        for len in [64, 256] {
            let password = "a".repeat(len);
            assert_eq!(check_local(&rules(), &password, &password), vec![]);
        }
        let long = "a".repeat(257);
        assert_eq!(
            check_local(&rules(), &long, &long),
            vec![PasswordProblem::TooLong { max: 256 }]
        );
    }

    #[test]
    fn huge_input_is_refused_by_its_byte_length_before_counting() {
        let huge = "a".repeat(1 << 20);
        // Even a confirmation that differs reports only the length: nothing was compared.
        assert_eq!(
            check_local(&rules(), &huge, "other"),
            vec![PasswordProblem::TooLong { max: 256 }]
        );
    }

    #[test]
    fn length_counts_code_points_so_fifteen_emoji_are_enough() {
        let emoji = "😀".repeat(15);
        assert_eq!(emoji.len(), 60);
        assert_eq!(check_local(&rules(), &emoji, &emoji), vec![]);
        let fourteen = "😀".repeat(14);
        assert_eq!(
            check_local(&rules(), &fourteen, &fourteen),
            vec![PasswordProblem::TooShort { min: 15 }]
        );
        // 256 four-byte characters fit the byte bound exactly.
        let widest = "😀".repeat(256);
        assert_eq!(check_local(&rules(), &widest, &widest), vec![]);
    }

    #[test]
    fn a_different_confirmation_is_a_mismatch_as_well_as_any_length_problem() {
        assert_eq!(
            check_local(&rules(), "correct horse battery", "correct horse batterY"),
            vec![PasswordProblem::Mismatch]
        );
        assert_eq!(
            check_local(&rules(), "short", "shorter"),
            vec![
                PasswordProblem::TooShort { min: 15 },
                PasswordProblem::Mismatch
            ]
        );
    }

    #[test]
    fn the_command_line_rule_stays_at_eight_to_256() {
        assert_eq!(
            check_new_password("1234567", "1234567"),
            Err(PasswordProblem::TooShort { min: 8 })
        );
        assert_eq!(check_new_password("12345678", "12345678"), Ok(()));
        // The end-to-end fixture password.
        assert_eq!(
            check_new_password("correct-horse-e2e", "correct-horse-e2e"),
            Ok(())
        );
        let long = "a".repeat(257);
        assert_eq!(
            check_new_password(&long, &long),
            Err(PasswordProblem::TooLong { max: 256 })
        );
        assert_eq!(
            check_new_password("correct horse", "correct horsf"),
            Err(PasswordProblem::Mismatch)
        );
    }

    #[test]
    fn out_of_range_settings_are_refused_by_field() {
        let with = |change: fn(&mut PasswordPolicy)| {
            let mut policy = PasswordPolicy::default();
            change(&mut policy);
            policy.check().map_err(PasswordPolicyProblem::field)
        };
        assert_eq!(with(|p| p.min_chars = 7), Err("min_chars"));
        assert_eq!(with(|p| p.min_chars = 8), Ok(()));
        assert_eq!(with(|p| p.min_chars = 65), Err("min_chars"));
        assert_eq!(with(|p| p.max_chars = 63), Err("max_chars"));
        assert_eq!(with(|p| p.max_chars = 257), Err("max_chars"));
        assert_eq!(with(|p| p.history_depth = 25), Err("history_depth"));
        assert_eq!(with(|p| p.history_depth = 0), Ok(()));
        assert_eq!(
            with(|p| p.banned_words = vec!["a-b".into()]),
            Err("banned_words")
        );
        assert_eq!(
            with(|p| p.banned_words = vec!["word".into(); 201]),
            Err("banned_words")
        );
        assert_eq!(with(|p| p.banned_words = vec!["acme".into()]), Ok(()));
        assert_eq!(
            with(|p| p.lockout_threshold = Some(0)),
            Err("lockout_threshold")
        );
        assert_eq!(with(|p| p.lockout_threshold = Some(100)), Ok(()));
        assert_eq!(
            with(|p| p.lockout_minutes = Some(1441)),
            Err("lockout_minutes")
        );
    }

    #[test]
    fn a_saved_document_missing_settings_takes_the_defaults() {
        let policy: PasswordPolicy = serde_json::from_str(r#"{"min_chars": 12}"#).unwrap();
        assert_eq!(policy.min_chars, 12);
        assert_eq!(policy.history_depth, 5);
    }

    #[test]
    fn folding_undoes_case_substitutions_and_separators() {
        assert_eq!(fold_for_matching("P@$$w0rd"), fold_for_matching("password"));
        assert_eq!(
            fold_for_matching("H3LL0 W0RLD!"),
            fold_for_matching("helloworldi")
        );
        assert_eq!(fold_for_matching("4-C-M-3"), "acme");
        assert_eq!(fold_for_matching("7r0ub4dor"), "troubador");
        assert_eq!(fold_for_matching("ΣΟΦΙΑ"), fold_for_matching("σοφια"));
        assert_eq!(fold_for_matching("Σοφίας"), "σοφίασ");
    }

    #[test]
    fn banned_words_match_after_case_and_substitutions() {
        let words = vec!["Acme".to_owned(), "winter".to_owned()];
        assert!(contains_banned("my-ACME-login-forever", &words));
        assert!(contains_banned("i love 4cm3 products", &words));
        assert!(contains_banned("W!NT3R is coming soon", &words));
        assert!(contains_banned("a c m e spaced out words", &words));
        assert!(!contains_banned("correct horse battery", &words));
        // A word too short to mean anything is ignored rather than matching everything.
        assert!(!contains_banned(
            "correct horse battery",
            &["e!".to_owned()]
        ));
    }

    #[test]
    fn names_match_by_fragment_and_short_fragments_are_ignored() {
        let names = ["maria", "Maria Papadopoulou", "m.papadopoulou"];
        assert!(contains_name("MariaLovesTheSea2024", &names));
        assert!(contains_name("the-p4p4dopoulou-family", &names));
        assert!(contains_name("mpapadopoulou is my login", &names));
        assert!(!contains_name("correct horse battery", &names));
        // "Jo" and "Li" are shorter than four characters and do not count.
        assert!(!contains_name("jovial lions roam", &["Jo Li", "jo"]));
        assert!(contains_name("enter john here please", &["John Li"]));
        // Greek names fold the same way.
        assert!(contains_name("γκρέτα και γάτα σπίτι", &["Γκρέτα Ελληνίδα"]));
    }
}
