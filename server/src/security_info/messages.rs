//! The words of the messages that carry one-time codes, in the recipient's language.
//! Only the code varies; nothing a user typed is put in a message, so it cannot carry
//! an attacker's text or links.

/// Languages messages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    En,
    El,
}

impl Language {
    /// Anything unknown is English.
    pub fn parse(tag: &str) -> Self {
        if tag.trim().to_ascii_lowercase().starts_with("el") {
            Self::El
        } else {
            Self::En
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::El => "el",
        }
    }
}

pub struct CodeEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub fn code_email(language: Language, code: &str, minutes: i64) -> CodeEmail {
    let (subject, intro, validity, ignore) = match language {
        Language::En => (
            "Your sspr verification code",
            "Use this code to confirm your email address for password reset:",
            format!("It works once, for {minutes} minutes."),
            "If you did not ask for it, ignore this message: nothing changes until the code is typed in.",
        ),
        Language::El => (
            "Ο κωδικός επαλήθευσης του sspr",
            "Χρησιμοποιήστε αυτόν τον κωδικό για να επιβεβαιώσετε τη διεύθυνση email σας για την επαναφορά κωδικού πρόσβασης:",
            format!("Ισχύει μία φορά, για {minutes} λεπτά."),
            "Αν δεν τον ζητήσατε, αγνοήστε αυτό το μήνυμα: τίποτα δεν αλλάζει αν δεν πληκτρολογηθεί ο κωδικός.",
        ),
    };
    let text = format!("{intro}\n\n    {code}\n\n{validity}\n{ignore}\n");
    // The code is digits only and the rest is fixed text, so nothing needs escaping.
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><body><p>{intro}</p>\
         <p><strong style=\"font-size:1.5em;letter-spacing:0.1em\">{code}</strong></p>\
         <p>{validity}</p><p>{ignore}</p></body></html>",
        lang = language.tag()
    );
    CodeEmail {
        subject: subject.into(),
        text,
        html,
    }
}

pub fn code_sms(language: Language, code: &str, minutes: i64) -> String {
    match language {
        Language::En => format!("sspr code: {code}. Valid for {minutes} min. Do not share it."),
        Language::El => {
            format!("Κωδικός sspr: {code}. Ισχύει {minutes} λεπτά. Μην τον μοιραστείτε.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_carry_the_code_in_the_recipients_language() {
        let en = code_email(Language::En, "12345678", 10);
        assert!(en.text.contains("12345678") && en.html.contains("12345678"));
        assert!(en.text.contains("10 minutes"));
        let el = code_email(Language::parse("el-GR"), "12345678", 10);
        assert!(el.subject.starts_with("Ο κωδικός"));
        assert!(code_sms(Language::El, "87654321", 10).contains("87654321"));
        assert_eq!(Language::parse("fr"), Language::En);
    }
}
