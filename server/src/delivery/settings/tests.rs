use super::*;
use figment::providers::{Format, Serialized, Toml};
use figment::Figment;
use secrecy::ExposeSecret;

/// The `[delivery]` section of a configuration file, over the defaults, checked.
fn from_toml(text: &str) -> Result<DeliveryConfig, ConfigError> {
    let raw: RawDelivery = Figment::from(Serialized::default("delivery", RawDelivery::default()))
        .merge(Toml::string(text))
        .extract_inner("delivery")
        .map_err(|e| bad(&e.path.join("."), e.kind.to_string()))?;
    raw.check()
}

fn defaults() -> DeliveryConfig {
    RawDelivery::default().check().unwrap()
}

fn key_of(text: &str) -> String {
    from_toml(text).unwrap_err().key
}

#[test]
fn the_defaults_hold_messages_in_the_outbox_and_have_no_sms() {
    let delivery = defaults();
    assert_eq!(delivery.mode, DeliveryMode::Outbox);
    assert!(!delivery.sms_configured());
    assert_eq!(delivery.smtp.security, SmtpSecurity::StartTls);
    assert!(delivery.smtp.credentials.is_none());
    assert_eq!(delivery.smtp.from.email.to_string(), "sspr@localhost");
}

#[test]
fn a_full_delivery_section_is_read() {
    let delivery = from_toml(
        r#"
        [delivery]
        mode = "send"
        [delivery.smtp]
        host = "smtp.example.org"
        port = 465
        security = "tls"
        username = "sspr"
        password = "hunter2"
        from = "Password reset <reset@example.org>"
        [delivery.sms]
        url = "https://sms.example.org/send"
        method = "put"
        headers = { Authorization = "Bearer abc" }
        "#,
    )
    .unwrap();
    assert_eq!(delivery.mode, DeliveryMode::Send);
    assert!(delivery.sms_configured());
    let (user, password) = delivery.smtp.credentials.clone().unwrap();
    assert_eq!(
        (user.as_str(), password.expose_secret()),
        ("sspr", "hunter2")
    );
    let sms = delivery.sms.clone().unwrap();
    assert_eq!(sms.method, http::Method::PUT);
    assert_eq!(sms.headers[0].0.as_str(), "authorization");
    let printed = format!("{delivery:?}");
    assert!(!printed.contains("hunter2"), "{printed}");
    assert!(!printed.contains("Bearer abc"), "{printed}");
}

#[test]
fn the_example_file_documents_the_delivery_defaults() {
    let example = include_str!("../../../../sspr.example.toml");
    let delivery = from_toml(example).unwrap();
    let defaults = defaults();
    assert_eq!(format!("{delivery:?}"), format!("{defaults:?}"));
}

#[test]
fn backoff_doubles_from_the_base_and_stops_at_the_cap() {
    let delivery = defaults();
    let waits: Vec<i64> = (1..=11).map(|n| delivery.backoff_secs(n)).collect();
    assert_eq!(waits, [2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
    assert_eq!(delivery.backoff_secs(1000), 900);
}

#[test]
fn an_unknown_mode_or_security_is_refused() {
    assert_eq!(key_of("[delivery]\nmode = \"smtp\""), "delivery.mode");
    assert_eq!(
        key_of("[delivery.smtp]\nsecurity = \"ssl\""),
        "delivery.smtp.security"
    );
}

#[test]
fn a_from_address_that_is_not_a_mailbox_is_refused() {
    assert_eq!(
        key_of("[delivery.smtp]\nfrom = \"not an address\""),
        "delivery.smtp.from"
    );
}

#[test]
fn half_set_credentials_or_credentials_in_clear_are_refused() {
    assert_eq!(
        key_of("[delivery.smtp]\nusername = \"sspr\""),
        "delivery.smtp.username"
    );
    assert_eq!(
        key_of("[delivery.smtp]\nhost = \"mail.example.org\"\nsecurity = \"none\"\nusername = \"u\"\npassword = \"p\""),
        "delivery.smtp.security"
    );
    assert!(from_toml(
        "[delivery.smtp]\nhost = \"127.0.0.1\"\nsecurity = \"none\"\nusername = \"u\"\npassword = \"p\""
    )
    .is_ok());
}

#[test]
fn an_sms_url_that_is_not_http_is_refused_without_repeating_it() {
    let error =
        from_toml("[delivery.sms]\nurl = \"ftp://sms.example.org/?key=s3cret\"").unwrap_err();
    assert_eq!(error.key, "delivery.sms.url");
    assert!(!error.reason.contains("s3cret"));
    assert_eq!(
        key_of("[delivery.sms]\nurl = \"not a url\""),
        "delivery.sms.url"
    );
}

#[test]
fn a_body_template_that_is_not_json_or_lacks_a_placeholder_is_refused() {
    // Quoting the placeholder double-quotes the JSON string literal.
    assert_eq!(
        key_of("[delivery.sms]\nbody_template = '{\"to\": \"{{to}}\", \"text\": {{text}}}'"),
        "delivery.sms.body_template"
    );
    assert_eq!(
        key_of("[delivery.sms]\nbody_template = '{\"to\": {{to}}}'"),
        "delivery.sms.body_template"
    );
}

#[test]
fn bad_sms_methods_and_headers_are_refused() {
    let with_url = "[delivery.sms]\nurl = \"https://sms.example.org\"\n";
    assert_eq!(
        key_of(&format!("{with_url}method = \"GET\"")),
        "delivery.sms.method"
    );
    assert_eq!(
        key_of(&format!("{with_url}headers = {{ \"Bad Name\" = \"x\" }}")),
        "delivery.sms.headers.Bad Name"
    );
}

#[test]
fn out_of_range_delivery_numbers_are_refused() {
    assert_eq!(
        key_of("[delivery]\nmax_attempts = 0"),
        "delivery.max_attempts"
    );
    assert_eq!(
        key_of("[delivery]\nretry_base_seconds = 10\nretry_max_seconds = 5"),
        "delivery.retry_max_seconds"
    );
    assert_eq!(
        key_of("[delivery.smtp]\nport = 70000"),
        "delivery.smtp.port"
    );
}
