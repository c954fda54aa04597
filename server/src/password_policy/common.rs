//! The built-in list of common and breached passwords (see `server/blocklist/README.md`),
//! and the shapes that are as guessable as anything on it.
//!
//! The list is compiled into the binary as one sorted, lower-cased text and searched in
//! place: no set is built, so it costs no heap, and only the few pages a binary search
//! touches are ever read into memory.

const LIST: &str = include_str!("../../blocklist/common-passwords.txt");

/// Whether `entry` is a line of `list`, a text of lines sorted by byte value, each ended
/// by `\n`. A binary search over byte offsets: each probe backs up to the start of the
/// line it landed in.
fn sorted_lines_contain(list: &str, entry: &str) -> bool {
    let bytes = list.as_bytes();
    let needle = entry.as_bytes();
    // [low, high) always starts and ends on line boundaries.
    let (mut low, mut high) = (0, bytes.len());
    while low < high {
        let middle = low + (high - low) / 2;
        let start = bytes[low..middle]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(low, |i| low + i + 1);
        let end = bytes[start..high]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(high, |i| start + i);
        match bytes[start..end].cmp(needle) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => low = (end + 1).min(high),
            std::cmp::Ordering::Greater => high = start,
        }
    }
    false
}

/// Only the substitutions that stand for letters, for looking words up in the list: unlike
/// the folding for banned words, separators are kept, since list entries have them too.
fn unleet(text: &str, one: char) -> String {
    text.chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | '!' => one,
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            c => c,
        })
        .collect()
}

fn on_list(lower: &str) -> bool {
    [lower.to_owned(), unleet(lower, 'i'), unleet(lower, 'l')]
        .iter()
        .any(|form| sorted_lines_contain(LIST, form))
}

/// A run where every character is the one before it, or the next or previous one in
/// order: "aaaa", "abcd", "4321"; digits wrap round, so "123456789012345" is one run.
fn is_run(chars: &[char]) -> bool {
    let kind = |c: char| match c {
        '0'..='9' => Some(('0', 10)),
        'a'..='z' => Some(('a', 26)),
        _ => None,
    };
    let Some(Some((base, modulus))) = chars.first().map(|&c| kind(c)) else {
        return false;
    };
    if chars.len() < 2 || chars.iter().any(|&c| kind(c) != Some((base, modulus))) {
        return false;
    }
    let index = |c: char| c as u32 - base as u32;
    let step = |pair: &[char]| (index(pair[1]) + modulus - index(pair[0])) % modulus;
    let first = step(&chars[..2]);
    [0, 1, modulus - 1].contains(&first) && chars.windows(2).all(|pair| step(pair) == first)
}

/// The shortest unit the text repeats, if it is made of two or more copies of one.
fn repeated_unit(chars: &[char]) -> Option<&[char]> {
    let n = chars.len();
    (1..=n / 2)
        .filter(|unit| n.is_multiple_of(*unit))
        .find(|&unit| chars.chunks(unit).all(|chunk| chunk == &chars[..unit]))
        .map(|unit| &chars[..unit])
}

/// Whether a password (NFKC-normalised) is common: on the list as typed or with look-alike
/// substitutions undone, a run like "123456789012345", or repetitions of something short
/// or common ("passwordpassword", "abcabcabcabcabc").
pub fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    if on_list(&lower) {
        return true;
    }
    let chars: Vec<char> = lower.chars().collect();
    if is_run(&chars) {
        return true;
    }
    match repeated_unit(&chars) {
        Some(unit) => {
            let unit: String = unit.iter().collect();
            unit.chars().count() <= 4 || is_common(&unit)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_unique_lower_case_and_long_enough_to_matter() {
        let lines: Vec<&str> = LIST.lines().collect();
        assert!(lines.len() > 40_000, "{}", lines.len());
        assert!(LIST.ends_with('\n'));
        for pair in lines.windows(2) {
            assert!(pair[0].as_bytes() < pair[1].as_bytes(), "{pair:?}");
        }
        for line in &lines {
            assert_eq!(line.to_lowercase(), *line);
            // Nothing shorter than the lowest minimum an admin may set: it could never pass.
            assert!(line.chars().count() >= 8, "{line}");
        }
    }

    #[test]
    fn every_entry_is_found_and_near_misses_are_not() {
        for line in LIST.lines() {
            assert!(sorted_lines_contain(LIST, line), "{line}");
            assert!(!sorted_lines_contain(LIST, &format!("{line}\u{1}")));
        }
        assert!(!sorted_lines_contain(LIST, ""));
        assert!(!sorted_lines_contain(LIST, "correct horse battery"));
    }

    #[test]
    fn the_search_handles_edges_of_a_small_list() {
        let list = "alpha\nbravo\ncharlie\n";
        for word in ["alpha", "bravo", "charlie"] {
            assert!(sorted_lines_contain(list, word));
        }
        for word in ["", "a", "alph", "alphas", "bravo\n", "delta", "zulu"] {
            assert!(!sorted_lines_contain(list, word), "{word:?}");
        }
        assert!(!sorted_lines_contain("", "alpha"));
        assert!(sorted_lines_contain("only", "only"));
    }

    #[test]
    fn common_and_breached_passwords_are_found_in_any_case() {
        assert!(is_common("passwordpassword"));
        assert!(is_common("PasswordPassword"));
        assert!(is_common("123456789012345"));
        assert!(is_common("iloveyou"));
        assert!(is_common("qwertyuiop"));
    }

    #[test]
    fn look_alike_substitutions_do_not_hide_a_common_password() {
        assert!(is_common("P@ssw0rdP@ssw0rd"));
        assert!(is_common("1l0v3y0u"));
    }

    #[test]
    fn runs_and_repetitions_are_common() {
        assert!(is_common("aaaaaaaaaaaaaaa"));
        assert!(is_common("abcdefghijklmnop"));
        assert!(is_common("987654321098765"));
        assert!(is_common("zyxwvutsrqponml"));
        assert!(is_common("abcabcabcabcabc"));
        assert!(is_common("qwertyuiopqwertyuiop"));
        // A run needs one direction and one kind of character.
        assert!(!is_run(&"12345abcde".chars().collect::<Vec<_>>()));
        assert!(!is_run(&"1234543210".chars().collect::<Vec<_>>()));
    }

    #[test]
    fn ordinary_passphrases_are_not_common() {
        for password in [
            "correct horse battery",
            "correcthorsebatterystaple",
            "a brand new secret",
            "correct-horse-e2e",
            "γκρέτα και γάτα σπίτι",
            "horse horse horse cart",
        ] {
            assert!(!is_common(password), "{password}");
        }
    }
}
