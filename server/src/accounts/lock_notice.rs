//! The mail that tells an account's owner it was locked after failed sign-ins. Sign-in
//! itself answers a locked account like a wrong password (so nobody learns that the name
//! exists), so this message is how the real owner finds out, and how to get in now.

use super::store::UserRecord;
use crate::delivery::{Channel, Delivery, EnqueueError};
use crate::reset::messages::{mail, Mail};
use crate::security_info::messages::Language;
use sqlx::SqliteConnection;

/// `2027-01-15 09:30 UTC`: one unambiguous form for every reader, whatever their zone.
fn utc_minute(at: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| at.to_string())
}

/// The mail's words. `reset_url` is the configured public origin's `/reset`, never a
/// Host header, so a forged request cannot point it elsewhere.
pub fn locked_email(language: Language, until: i64, duration_secs: i64, reset_url: &str) -> Mail {
    let until = utc_minute(until);
    let minutes = (duration_secs / 60).max(1);
    match language {
        Language::En => mail(
            language,
            "Your account is locked for a while",
            &[
                format!("After too many failed sign-ins, your account is locked for {minutes} minutes, until {until}."),
                "If it was not you, your password is still safe: nobody signed in. You need not do anything.".into(),
                format!("To unlock it or reset your password now, go to {reset_url}"),
            ],
        ),
        Language::El => mail(
            language,
            "Ο λογαριασμός σας κλειδώθηκε προσωρινά",
            &[
                format!("Μετά από πολλές αποτυχημένες συνδέσεις, ο λογαριασμός σας κλειδώθηκε για {minutes} λεπτά, έως τις {until}."),
                "Αν δεν ήσασταν εσείς, ο κωδικός πρόσβασής σας είναι ακόμη ασφαλής: κανείς δεν συνδέθηκε. Δεν χρειάζεται να κάνετε τίποτα.".into(),
                format!("Για να τον ξεκλειδώσετε ή να επαναφέρετε τον κωδικό σας τώρα, μεταβείτε στο {reset_url}"),
            ],
        ),
    }
}

/// Queues the mail in the caller's transaction (the one that locks the account), to the
/// registered email address, else the profile's. False when the account has neither.
pub async fn queue(
    conn: &mut SqliteConnection,
    delivery: &Delivery,
    user: &UserRecord,
    lock: (i64, i64),
    public_origin: &str,
) -> Result<bool, EnqueueError> {
    let registered: Option<String> =
        sqlx::query_scalar("SELECT value FROM auth_methods WHERE user_id = ? AND kind = 'email'")
            .bind(user.id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(recipient) = registered.or_else(|| user.email.clone()) else {
        return Ok(false);
    };
    let language = Language::parse(&user.language);
    let (until, duration_secs) = lock;
    let reset_url = format!("{public_origin}/reset");
    let message = locked_email(language, until, duration_secs, &reset_url).message(
        Channel::Email,
        user.id,
        recipient,
        language,
    );
    delivery.enqueue(conn, &message).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_mail_names_the_end_in_utc_the_duration_and_the_reset_page() {
        // 2027-01-15 09:30:00 UTC.
        let until = 1_800_005_400;
        let en = locked_email(Language::En, until, 900, "https://id.example.org/reset");
        assert!(
            en.text.contains("until 2027-01-15 09:30 UTC"),
            "{}",
            en.text
        );
        assert!(en.text.contains("15 minutes"));
        assert!(en.text.contains("password is still safe"));
        assert!(en.text.contains("https://id.example.org/reset"));
        let el = locked_email(Language::El, until, 3600, "https://id.example.org/reset");
        assert!(el.text.contains("60 λεπτά") && el.text.contains("2027-01-15 09:30 UTC"));
        assert!(el.html.contains("lang=\"el\""));
    }
}
