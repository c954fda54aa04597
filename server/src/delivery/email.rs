//! Email over SMTP with lettre: TLS by rustls, the security mode from the configuration.

use super::settings::{SmtpConfig, SmtpSecurity};
use super::transport::{OutgoingMessage, Transport};
use async_trait::async_trait;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;

pub struct SmtpTransport {
    mailer: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpTransport {
    /// Builds the transport; no connection is made until the first send.
    pub fn new(config: &SmtpConfig) -> Result<Self, String> {
        let builder = match config.security {
            SmtpSecurity::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
                    .map_err(|e| format!("SMTP TLS set-up failed: {e}"))?
            }
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host)
                .map_err(|e| format!("SMTP TLS set-up failed: {e}"))?,
            SmtpSecurity::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.clone())
            }
        };
        let mut builder = builder.port(config.port).timeout(Some(config.timeout));
        if let Some((username, password)) = &config.credentials {
            builder = builder.credentials(Credentials::new(
                username.clone(),
                password.expose_secret().to_owned(),
            ));
        }
        Ok(Self {
            mailer: builder.build(),
            from: config.from.clone(),
        })
    }

    pub fn build_message(&self, message: &OutgoingMessage) -> Result<lettre::Message, String> {
        build_email(&self.from, message)
    }
}

/// `Content-Language`, so mail clients pick the right spelling checker and voice.
#[derive(Clone)]
struct ContentLanguage(String);

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

pub fn build_email(from: &Mailbox, message: &OutgoingMessage) -> Result<lettre::Message, String> {
    let to: Mailbox = message
        .recipient
        .parse()
        .map_err(|_| "the recipient is not a valid email address".to_owned())?;
    let mut builder = lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(message.subject.clone());
    // Only a plain language tag goes into a header; anything else is left out.
    if !message.language.is_empty()
        && message
            .language
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        builder = builder.header(ContentLanguage(message.language.clone()));
    }
    let built = match &message.html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            message.text.clone(),
            html.clone(),
        )),
        None => builder.singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(message.text.clone()),
        ),
    };
    built.map_err(|e| format!("cannot build the email: {e}"))
}

#[async_trait]
impl Transport for SmtpTransport {
    async fn send(&self, message: &OutgoingMessage) -> Result<(), String> {
        let email = self.build_message(message)?;
        // lettre's errors name the server's reply and the failing step, never credentials.
        self.mailer
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::Channel;

    fn outgoing(html: Option<&str>) -> OutgoingMessage {
        OutgoingMessage {
            id: 1,
            channel: Channel::Email,
            recipient: "ada@example.org".into(),
            subject: "Κωδικός επαλήθευσης".into(),
            text: "Code: 123456".into(),
            html: html.map(str::to_owned),
            language: "el".into(),
        }
    }

    #[test]
    fn an_email_with_html_is_multipart_alternative_with_a_language() {
        let from: Mailbox = "sspr <sspr@example.org>".parse().unwrap();
        let email = build_email(&from, &outgoing(Some("<p>Code: 123456</p>"))).unwrap();
        let raw = String::from_utf8(email.formatted()).unwrap();
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(raw.contains("Content-Language: el"), "{raw}");
        assert!(raw.contains("To: ada@example.org"), "{raw}");
        assert!(raw.contains("text/html"), "{raw}");
    }

    #[test]
    fn an_email_without_html_is_plain_text_and_a_bad_recipient_is_an_error() {
        let from: Mailbox = "sspr@example.org".parse().unwrap();
        let raw =
            String::from_utf8(build_email(&from, &outgoing(None)).unwrap().formatted()).unwrap();
        assert!(raw.contains("text/plain"), "{raw}");
        assert!(!raw.contains("multipart"), "{raw}");
        let mut bad = outgoing(None);
        bad.recipient = "not an address".into();
        assert!(build_email(&from, &bad).is_err());
    }

    #[test]
    fn every_security_mode_builds_a_transport() {
        let mut config = super::super::settings::RawSmtp::default().check().unwrap();
        for security in [
            SmtpSecurity::StartTls,
            SmtpSecurity::Tls,
            SmtpSecurity::None,
        ] {
            config.security = security;
            assert!(SmtpTransport::new(&config).is_ok());
        }
    }
}
