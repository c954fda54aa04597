//! The words of the reset wizard's messages, in the recipient's language. Nothing a visitor
//! typed goes into a message; the admin's contact text is escaped for HTML.

use crate::delivery::{Channel, Message};
use crate::security_info::messages::Language;

pub struct Mail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Mail {
    /// The message that carries this mail to `recipient`; by SMS only the text goes.
    pub fn message(
        self,
        channel: Channel,
        user_id: i64,
        recipient: String,
        language: Language,
    ) -> Message {
        Message {
            channel,
            user_id: Some(user_id),
            recipient,
            subject: self.subject,
            text: self.text,
            html: (channel == Channel::Email).then_some(self.html),
            language: language.tag().into(),
            expires_at: None,
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A mail of plain paragraphs: joined for the text part, escaped for the HTML part.
pub(crate) fn mail(language: Language, subject: &str, paragraphs: &[String]) -> Mail {
    let text = paragraphs.join("\n\n") + "\n";
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>", escape(p)))
        .collect();
    Mail {
        subject: subject.into(),
        text,
        html: format!(
            "<!doctype html><html lang=\"{}\"><body>{body}</body></html>",
            language.tag()
        ),
    }
}

fn contact_line(language: Language, contact: &str) -> String {
    match (language, contact.trim().is_empty()) {
        (Language::En, true) => "Contact your administrator or helpdesk.".into(),
        (Language::El, true) => "Επικοινωνήστε με τον διαχειριστή ή την υποστήριξη.".into(),
        (_, false) => contact.trim().to_owned(),
    }
}

pub fn code_email(language: Language, code: &str, minutes: i64) -> Mail {
    match language {
        Language::En => mail(
            language,
            "Your password reset code",
            &[
                "Someone asked to reset the password of your account. Type this code to go on:".into(),
                code.into(),
                format!("It works once, for {minutes} minutes."),
                "If it was not you, ignore this message: your password stays as it is. Never tell anyone this code.".into(),
            ],
        ),
        Language::El => mail(
            language,
            "Ο κωδικός επαναφοράς κωδικού πρόσβασης",
            &[
                "Κάποιος ζήτησε επαναφορά του κωδικού πρόσβασης του λογαριασμού σας. Πληκτρολογήστε αυτόν τον κωδικό για να συνεχίσετε:".into(),
                code.into(),
                format!("Ισχύει μία φορά, για {minutes} λεπτά."),
                "Αν δεν ήσασταν εσείς, αγνοήστε αυτό το μήνυμα: ο κωδικός πρόσβασής σας δεν αλλάζει. Μη δώσετε ποτέ αυτόν τον κωδικό σε κανέναν.".into(),
            ],
        ),
    }
}

pub fn code_sms(language: Language, code: &str, minutes: i64) -> String {
    match language {
        Language::En => {
            format!("sspr password reset code: {code}. Valid {minutes} min. Never share it.")
        }
        Language::El => {
            format!("Κωδικός επαναφοράς sspr: {code}. Ισχύει {minutes} λεπτά. Μην τον μοιραστείτε.")
        }
    }
}

/// After a reset or an unlock: what happened, and what to do if it was not them.
pub fn changed_email(language: Language, unlocked: bool, contact: &str) -> Mail {
    let contact = contact_line(language, contact);
    match (language, unlocked) {
        (Language::En, false) => mail(
            language,
            "Your password was reset",
            &[
                "The password of your account was just reset through self-service password reset, and every session was signed out.".into(),
                format!("If this was not you, your account may be at risk. {contact}"),
            ],
        ),
        (Language::En, true) => mail(
            language,
            "Your account was unlocked",
            &[
                "Your account was just unlocked through self-service password reset. Your password did not change.".into(),
                format!("If this was not you, {contact}"),
            ],
        ),
        (Language::El, false) => mail(
            language,
            "Έγινε επαναφορά του κωδικού πρόσβασής σας",
            &[
                "Ο κωδικός πρόσβασης του λογαριασμού σας μόλις επαναφέρθηκε μέσω της αυτοεξυπηρέτησης και όλες οι συνδέσεις αποσυνδέθηκαν.".into(),
                format!("Αν δεν ήσασταν εσείς, ο λογαριασμός σας μπορεί να κινδυνεύει. {contact}"),
            ],
        ),
        (Language::El, true) => mail(
            language,
            "Ο λογαριασμός σας ξεκλειδώθηκε",
            &[
                "Ο λογαριασμός σας μόλις ξεκλειδώθηκε μέσω της αυτοεξυπηρέτησης. Ο κωδικός πρόσβασης δεν άλλαξε.".into(),
                format!("Αν δεν ήσασταν εσείς: {contact}"),
            ],
        ),
    }
}

/// To a user in scope who tried to reset but has too few methods registered.
pub fn cannot_reset_email(language: Language, contact: &str) -> Mail {
    let contact = contact_line(language, contact);
    match language {
        Language::En => mail(
            language,
            "You cannot reset your password yourself yet",
            &[
                "Someone tried to reset the password of your account, but not enough security info is registered for it, so no code was sent.".into(),
                format!("To reset your password: {contact} Once you can sign in, register more security info so you can do it yourself next time."),
            ],
        ),
        Language::El => mail(
            language,
            "Δεν μπορείτε ακόμη να επαναφέρετε μόνοι τον κωδικό σας",
            &[
                "Κάποιος προσπάθησε να επαναφέρει τον κωδικό πρόσβασης του λογαριασμού σας, αλλά δεν υπάρχουν αρκετά στοιχεία ασφαλείας, οπότε δεν στάλθηκε κωδικός.".into(),
                format!("Για επαναφορά: {contact} Όταν συνδεθείτε, καταχωρίστε περισσότερα στοιχεία ασφαλείας για να το κάνετε μόνοι σας την επόμενη φορά."),
            ],
        ),
    }
}

/// To every global admin when an administrator reset their own password.
pub fn admin_reset_email(language: Language, username: &str) -> Mail {
    match language {
        Language::En => mail(
            language,
            "An administrator reset their password",
            &[format!(
                "The administrator account \"{username}\" just reset its password through self-service password reset. If that is unexpected, check the audit log."
            )],
        ),
        Language::El => mail(
            language,
            "Ένας διαχειριστής επανέφερε τον κωδικό του",
            &[format!(
                "Ο λογαριασμός διαχειριστή «{username}» μόλις επανέφερε τον κωδικό πρόσβασής του μέσω της αυτοεξυπηρέτησης. Αν δεν το περιμένατε, ελέγξτε το αρχείο ελέγχου."
            )],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_admins_contact_text_is_escaped_in_html_and_kept_in_text() {
        let mail = cannot_reset_email(Language::En, "Call <b>x</b> & ask");
        assert!(mail.html.contains("Call &lt;b&gt;x&lt;/b&gt; &amp; ask"));
        assert!(mail.text.contains("Call <b>x</b> & ask"));
    }

    #[test]
    fn messages_come_in_both_languages_and_carry_no_password() {
        let en = changed_email(Language::En, false, "");
        assert!(en.text.contains("signed out") && en.text.contains("administrator"));
        let el = changed_email(Language::El, true, "");
        assert!(el.subject.contains("ξεκλειδώθηκε"));
        let code = code_email(Language::En, "12345678", 10);
        assert!(code.text.contains("12345678") && code.text.contains("10 minutes"));
    }
}
