//! Delivery settings (SMTP and SMS), test messages and retries, for global admins.
//!
//! The settings are a `policy_settings` document (`SavedDelivery`) that replaces the
//! configuration's `[delivery.smtp]` and `[delivery.sms]`; before the first save the
//! configuration's apply. A save is checked by the same rules as the configuration file,
//! stored only if nobody saved meanwhile, and applied to the running `Delivery` at once.
//! Secrets (the SMTP password, SMS header values, the query of the SMS URL) never leave
//! the server and never reach the log or the audit trail.

use super::Admin;
use crate::audit::{AuditEvent, AuditKind, Outcome};
use crate::delivery::settings::{SavedDelivery, SettingError, SAVED_SETTINGS};
use crate::delivery::{Channel, DeliveryMode, EnqueueError, Message};
use crate::error::OrInternal;
use crate::policy::settings::{load_revised, save_if};
use app::api::admin::delivery::DeliveryService;
use app::api::context::RequestMeta;
use app::api::{DeliverySettings, OutboxEntry, SmsSettings, SmtpSettings, TestChannel};
use app::domain::{AdminSection, AppError, Email, FieldProblem, PhoneNumber};
use std::collections::BTreeMap;

/// A test message is of no use after an hour.
const TEST_MESSAGE_TTL_SECS: i64 = 3600;

/// Serialises saves, so the settings applied last are the settings saved last.
static SAVING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[async_trait::async_trait]
impl DeliveryService for Admin {
    async fn outbox(&self, meta: &RequestMeta) -> Result<Vec<OutboxEntry>, AppError> {
        self.recent_outbox(meta).await
    }

    async fn settings(&self, meta: &RequestMeta) -> Result<DeliverySettings, AppError> {
        self.require(meta, AdminSection::Delivery).await?;
        let (saved, revision) = self.saved_delivery(meta).await?;
        Ok(self.shown(&saved, revision))
    }

    async fn save_settings(
        &self,
        meta: &RequestMeta,
        input: DeliverySettings,
    ) -> Result<DeliverySettings, AppError> {
        let caller = self.require(meta, AdminSection::Delivery).await?;
        let _saving = SAVING.lock().await;
        let (current, revision) = self.saved_delivery(meta).await?;
        if input.revision != revision {
            return Err(AppError::EditConflict);
        }
        let next = merge(&current, input)?;
        let (smtp, sms) = next.clone().check().map_err(field_error)?;
        let changed = changed_fields(&current, &next);
        if changed.is_empty() {
            return Ok(self.shown(&current, revision));
        }
        let now = self.clock.now();
        let saved = save_if(&self.pool, SAVED_SETTINGS, &next, revision, now)
            .await
            .or_internal(&meta.request_id)?;
        let Some(revision) = saved else {
            return Err(AppError::EditConflict);
        };
        self.delivery.apply(smtp, sms);
        // Names only: the values may be secrets.
        let detail = format!("changed: {}", changed.join(", "));
        tracing::info!(%detail, "delivery settings saved by an admin");
        self.record(
            meta,
            AuditEvent::by_admin(
                AuditKind::DeliverySettingsChanged,
                Outcome::Success,
                caller.user.id,
                meta,
            )
            .detail(detail),
        )
        .await?;
        Ok(self.shown(&next, revision))
    }

    async fn send_test(
        &self,
        meta: &RequestMeta,
        channel: TestChannel,
        to: String,
    ) -> Result<i64, AppError> {
        let caller = self.require(meta, AdminSection::Delivery).await?;
        let (channel, recipient, masked) = match channel {
            TestChannel::Email => {
                let email = Email::parse(&to)
                    .map_err(|p| AppError::invalid("to", FieldProblem::Email(p)))?;
                (Channel::Email, email.as_str().to_owned(), email.masked())
            }
            TestChannel::Sms => {
                let phone = PhoneNumber::parse(&to)
                    .map_err(|p| AppError::invalid("to", FieldProblem::Phone(p)))?;
                (Channel::Sms, phone.as_str().to_owned(), phone.masked())
            }
        };
        let now = self.clock.now();
        let message = Message {
            channel,
            user_id: None,
            recipient,
            subject: "sspr test message / δοκιμαστικό μήνυμα".into(),
            text: "This is a test message from sspr: delivery works.\n\
                   Αυτό είναι δοκιμαστικό μήνυμα από το sspr: η αποστολή λειτουργεί."
                .into(),
            html: None,
            language: "en".into(),
            expires_at: Some(now + TEST_MESSAGE_TTL_SECS),
        };
        let rid = &meta.request_id;
        let mut tx = self.pool.begin().await.or_internal(rid)?;
        let id = match self.delivery.enqueue(&mut tx, &message).await {
            Ok(id) => id,
            Err(EnqueueError::SmsNotConfigured) => return Err(AppError::MethodUnavailable),
            Err(EnqueueError::Database(e)) => return Err(e).or_internal(rid),
        };
        tx.commit().await.or_internal(rid)?;
        self.delivery.wake();
        self.record(
            meta,
            AuditEvent::by_admin(
                AuditKind::TestMessageSent,
                Outcome::Success,
                caller.user.id,
                meta,
            )
            .detail(format!("{} to {masked}", channel.as_str())),
        )
        .await?;
        Ok(id)
    }

    async fn retry(&self, meta: &RequestMeta, id: i64) -> Result<(), AppError> {
        let caller = self.require(meta, AdminSection::Outbox).await?;
        if !self
            .delivery
            .retry(id)
            .await
            .or_internal(&meta.request_id)?
        {
            return Err(AppError::NotFound);
        }
        self.record(
            meta,
            AuditEvent::by_admin(
                AuditKind::OutboxRetried,
                Outcome::Success,
                caller.user.id,
                meta,
            )
            .detail(format!("message {id}")),
        )
        .await
    }
}

impl Admin {
    /// The saved settings and their revision; the configuration's (revision 0) before the
    /// first save, or if the saved document no longer reads.
    async fn saved_delivery(&self, meta: &RequestMeta) -> Result<(SavedDelivery, i64), AppError> {
        let (saved, revision) = load_revised::<SavedDelivery>(&self.pool, SAVED_SETTINGS)
            .await
            .or_internal(&meta.request_id)?;
        let saved = saved.unwrap_or_else(|| SavedDelivery::from_config(&self.config.delivery));
        Ok((saved, revision))
    }

    /// What the page shows: everything but the secrets.
    fn shown(&self, saved: &SavedDelivery, revision: i64) -> DeliverySettings {
        let (url, url_hidden) = shown_url(&saved.sms.url);
        DeliverySettings {
            mode: match self.delivery.mode() {
                DeliveryMode::Outbox => "outbox",
                DeliveryMode::Send => "send",
            }
            .into(),
            smtp: SmtpSettings {
                host: saved.smtp.host.clone(),
                port: saved.smtp.port,
                security: saved.smtp.security.clone(),
                username: saved.smtp.username.clone(),
                password: String::new(),
                has_password: !saved.smtp.password.is_empty(),
                clear_password: false,
                from: saved.smtp.from.clone(),
                timeout_seconds: saved.smtp.timeout_seconds,
            },
            sms: SmsSettings {
                url,
                url_hidden,
                method: saved.sms.method.clone(),
                headers: saved
                    .sms
                    .headers
                    .keys()
                    .map(|name| format!("{name}:\n"))
                    .collect(),
                body_template: saved.sms.body_template.clone(),
                timeout_seconds: saved.sms.timeout_seconds,
            },
            revision,
        }
    }
}

/// The SMS URL without its query or password (either may hold an API key), and whether
/// anything was left out.
fn shown_url(url: &str) -> (String, bool) {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.query().is_some() || parsed.password().is_some() => {
            parsed.set_query(None);
            // Only fails for URLs that cannot have a password, which then have none.
            let _ = parsed.set_password(None);
            (parsed.to_string(), true)
        }
        _ => (url.to_owned(), false),
    }
}

/// The settings a save asks for: `input` over `current`, keeping the secrets the page
/// left empty.
fn merge(current: &SavedDelivery, input: DeliverySettings) -> Result<SavedDelivery, AppError> {
    let mut next = current.clone();
    let smtp = input.smtp;
    next.smtp.host = smtp.host;
    next.smtp.port = smtp.port;
    next.smtp.security = smtp.security;
    next.smtp.username = smtp.username.trim().to_owned();
    next.smtp.from = smtp.from;
    next.smtp.timeout_seconds = smtp.timeout_seconds;
    if !smtp.password.is_empty() {
        next.smtp.password = smtp.password;
    } else if smtp.clear_password {
        next.smtp.password.clear();
    }
    let sms = input.sms;
    // The address as shown (without its key) means "unchanged".
    if sms.url.trim() != shown_url(&current.sms.url).0 {
        next.sms.url = sms.url.trim().to_owned();
    }
    next.sms.method = sms.method;
    next.sms.headers = merge_headers(&current.sms.headers, &sms.headers)?;
    next.sms.body_template = sms.body_template;
    next.sms.timeout_seconds = sms.timeout_seconds;
    Ok(next)
}

/// One `Name: value` a line; a name without a value keeps that header's stored value.
/// Headers left out are removed.
fn merge_headers(
    current: &BTreeMap<String, String>,
    text: &str,
) -> Result<BTreeMap<String, String>, AppError> {
    let bad = || AppError::invalid("sms.headers", FieldProblem::Header);
    let mut headers = BTreeMap::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').ok_or_else(bad)?;
        let (name, value) = (name.trim(), value.trim());
        let value = if value.is_empty() {
            current
                .iter()
                .find(|(stored, _)| stored.eq_ignore_ascii_case(name))
                .map(|(_, stored)| stored.clone())
                .ok_or_else(bad)?
        } else {
            value.to_owned()
        };
        headers.insert(name.to_owned(), value);
    }
    Ok(headers)
}

/// The admin page's field for a failed check: `delivery.smtp.host` is `smtp.host`, and
/// every header is `sms.headers`.
fn field_error(error: SettingError) -> AppError {
    let field = error.key.trim_start_matches("delivery.");
    let field = if field.starts_with("sms.headers") {
        "sms.headers"
    } else {
        field
    };
    AppError::invalid(field, error.problem)
}

/// The names of the settings that differ, for the audit trail.
fn changed_fields(before: &SavedDelivery, after: &SavedDelivery) -> Vec<&'static str> {
    let (a, b) = (&before.smtp, &after.smtp);
    let (c, d) = (&before.sms, &after.sms);
    [
        ("smtp.host", a.host != b.host),
        ("smtp.port", a.port != b.port),
        ("smtp.security", a.security != b.security),
        ("smtp.username", a.username != b.username),
        ("smtp.password", a.password != b.password),
        ("smtp.from", a.from != b.from),
        (
            "smtp.timeout_seconds",
            a.timeout_seconds != b.timeout_seconds,
        ),
        ("sms.url", c.url != d.url),
        ("sms.method", c.method != d.method),
        ("sms.headers", c.headers != d.headers),
        ("sms.body_template", c.body_template != d.body_template),
        (
            "sms.timeout_seconds",
            c.timeout_seconds != d.timeout_seconds,
        ),
    ]
    .into_iter()
    .filter_map(|(name, differs)| differs.then_some(name))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RawDelivery;

    fn saved() -> SavedDelivery {
        let mut config = RawDelivery::default();
        config.smtp.username = "sspr".into();
        config.smtp.password = "s3cret".into();
        config.sms.url = "https://sms.example.org/send?key=k3y".into();
        config
            .sms
            .headers
            .insert("Authorization".into(), "Bearer t0k".into());
        SavedDelivery {
            smtp: config.smtp,
            sms: config.sms,
        }
    }

    fn input(saved: &SavedDelivery) -> DeliverySettings {
        let (url, url_hidden) = shown_url(&saved.sms.url);
        DeliverySettings {
            mode: "send".into(),
            smtp: SmtpSettings {
                host: saved.smtp.host.clone(),
                port: saved.smtp.port,
                security: saved.smtp.security.clone(),
                username: saved.smtp.username.clone(),
                password: String::new(),
                has_password: true,
                clear_password: false,
                from: saved.smtp.from.clone(),
                timeout_seconds: saved.smtp.timeout_seconds,
            },
            sms: SmsSettings {
                url,
                url_hidden,
                method: saved.sms.method.clone(),
                headers: "Authorization:\n".into(),
                body_template: saved.sms.body_template.clone(),
                timeout_seconds: saved.sms.timeout_seconds,
            },
            revision: 0,
        }
    }

    #[test]
    fn the_sms_url_is_shown_without_its_key_and_kept_when_sent_back_unchanged() {
        let current = saved();
        let shown = input(&current);
        assert_eq!(shown.sms.url, "https://sms.example.org/send");
        assert!(shown.sms.url_hidden);
        let next = merge(&current, shown).unwrap();
        assert_eq!(next.sms.url, "https://sms.example.org/send?key=k3y");
        assert_eq!(next.sms.headers["Authorization"], "Bearer t0k");
        assert_eq!(next.smtp.password, "s3cret");
        assert!(changed_fields(&current, &next).is_empty());
    }

    #[test]
    fn secrets_change_only_when_typed_or_cleared_and_only_names_are_reported() {
        let current = saved();
        let mut change = input(&current);
        change.smtp.password = "n3w".into();
        change.sms.headers = "Authorization: Bearer n3w\nX-Extra: 1".into();
        let next = merge(&current, change).unwrap();
        assert_eq!(next.smtp.password, "n3w");
        assert_eq!(next.sms.headers["X-Extra"], "1");
        assert_eq!(
            changed_fields(&current, &next),
            ["smtp.password", "sms.headers"]
        );

        let mut clear = input(&current);
        clear.smtp.clear_password = true;
        clear.smtp.username = String::new();
        clear.sms.headers = String::new();
        let next = merge(&current, clear).unwrap();
        assert_eq!(next.smtp.password, "");
        assert!(next.sms.headers.is_empty());
    }

    #[test]
    fn a_header_line_without_a_colon_or_a_new_header_without_a_value_is_refused() {
        let current = saved();
        for headers in ["Authorization", "X-New:"] {
            let mut bad = input(&current);
            bad.sms.headers = headers.into();
            assert_eq!(
                merge(&current, bad).err(),
                Some(AppError::invalid("sms.headers", FieldProblem::Header))
            );
        }
    }

    #[test]
    fn check_failures_name_the_page_field() {
        let mut next = saved();
        next.smtp.port = 0;
        let error = field_error(next.check().err().unwrap());
        assert!(matches!(error, AppError::Invalid { ref field, .. } if field == "smtp.port"));
        let mut next = saved();
        next.sms.headers.insert("Bad Name".into(), "x".into());
        assert_eq!(
            field_error(next.check().err().unwrap()),
            AppError::invalid("sms.headers", FieldProblem::Header)
        );
    }
}
