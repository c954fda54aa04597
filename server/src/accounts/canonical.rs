//! The form a username is compared in: Unicode NFKC, then lowercase, then NFKC again
//! (lowercasing can produce sequences that compose differently). Without this,
//! "ａｄｍｉｎ" (fullwidth) and "Admin" could be two accounts, the class of bug behind
//! Django's CVE-2019-19844.

use app::domain::Username;
use unicode_normalization::UnicodeNormalization;

pub fn canonical_username(name: &Username) -> String {
    canonical_text(name.as_str())
}

/// The same folding for any name compared case-insensitively (groups, too).
pub fn canonical_text(text: &str) -> String {
    let folded: String = text.nfkc().collect::<String>().to_lowercase();
    folded.nfkc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(raw: &str) -> String {
        canonical_username(&Username::parse(raw).unwrap())
    }

    #[test]
    fn case_and_fullwidth_forms_collide() {
        assert_eq!(canon("Admin"), "admin");
        assert_eq!(canon("ａｄｍｉｎ"), "admin");
        assert_eq!(canon("ＡＤＭＩＮ"), canon("admin"));
    }

    #[test]
    fn composed_and_decomposed_accents_collide() {
        assert_eq!(canon("jos\u{e9}"), canon("jose\u{301}"));
    }

    #[test]
    fn greek_names_fold_case() {
        assert_eq!(canon("ΕΛΕΝΗ"), canon("ελενη"));
    }

    #[test]
    fn ligatures_fold_to_their_letters() {
        assert_eq!(canon("ﬁona"), "fiona");
    }
}
