//! English and Greek UI text. Strings live in `app/locales/{en,el}.json` and per-feature
//! `app/locales/<area>.{en,el}.json`; `build.rs` turns
//! them into the constants in [`k`]. The chosen language is kept in local storage (it is
//! not a secret) and defaults from the browser's languages, which is what it sends as
//! Accept-Language.

include!(concat!(env!("OUT_DIR"), "/i18n_tables.rs"));

/// One string in every locale, in `Locale::ALL` order; only `build.rs` makes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(&'static [&'static str; 2]);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    En,
    El,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::El];

    /// The BCP 47 tag for `<html lang>` and date formatting.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::El => "el-GR",
        }
    }

    /// The language's own name, shown in the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::El => "Ελληνικά",
        }
    }

    /// Picks the first supported language from a preference list such as
    /// `navigator.languages` or an Accept-Language header.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Locale {
        for tag in preferred {
            let primary = tag.split(['-', '_', ';']).next().unwrap_or("").trim();
            match primary.to_ascii_lowercase().as_str() {
                "el" => return Locale::El,
                "en" => return Locale::En,
                _ => {}
            }
        }
        Locale::En
    }

    pub fn from_tag(tag: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.tag() == tag)
    }

    pub fn text(self, key: Key) -> &'static str {
        key.0[self as usize]
    }
}

/// Replaces `{name}` placeholders in a translated string.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut text = template.to_owned();
    for (name, value) in values {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Every string of a locale, from `<locale>.json` and each `<area>.<locale>.json`.
    fn keys(locale: &str) -> BTreeMap<String, String> {
        let dir = format!("{}/locales", env!("CARGO_MANIFEST_DIR"));
        let mut all = BTreeMap::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            if name == format!("{locale}.json") || name.ends_with(&format!(".{locale}.json")) {
                let part: BTreeMap<String, String> =
                    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                all.extend(part);
            }
        }
        all
    }

    #[test]
    fn every_key_exists_in_every_locale() {
        let en = keys("en");
        let el = keys("el");
        let only_en: Vec<_> = en.keys().filter(|k| !el.contains_key(*k)).collect();
        let only_el: Vec<_> = el.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(only_en.is_empty(), "missing in el.json: {only_en:?}");
        assert!(only_el.is_empty(), "missing in en.json: {only_el:?}");
    }

    #[test]
    fn no_translation_is_empty_and_placeholders_match() {
        let en = keys("en");
        let el = keys("el");
        for (key, english) in &en {
            let greek = &el[key];
            assert!(
                !english.trim().is_empty() && !greek.trim().is_empty(),
                "{key} is empty"
            );
            let holes = |s: &str| s.matches('{').count();
            assert_eq!(
                holes(english),
                holes(greek),
                "{key} has different placeholders"
            );
        }
    }

    #[test]
    fn greek_is_chosen_from_accept_language_style_lists() {
        assert_eq!(Locale::negotiate(["el-GR", "en"]), Locale::El);
        assert_eq!(Locale::negotiate(["fr-FR", "el"]), Locale::El);
        assert_eq!(Locale::negotiate(["de"]), Locale::En);
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(fill("until {time}", &[("time", "10:00")]), "until 10:00");
    }
}
