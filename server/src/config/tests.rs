use super::*;
use crate::passwords::HashingParams;
use figment::providers::{Format, Serialized, Toml};
use figment::{Figment, Jail};
use std::path::Path;

fn from_toml(text: &str) -> Result<Config, ConfigError> {
    let figment =
        Figment::from(Serialized::defaults(RawConfig::default())).merge(Toml::string(text));
    extract(figment)?.check()
}

#[test]
fn the_example_file_is_valid_and_matches_the_defaults() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../sspr.example.toml"))
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let text = text.replace(
        "data/sspr.db",
        &dir.path().join("sspr.db").display().to_string(),
    );
    let config = from_toml(&text).unwrap();
    let defaults = RawConfig::default().check().unwrap();
    assert_eq!(config.reset.rules.defaults, defaults.reset.rules.defaults);
    assert!(config.trusted_proxies.is_empty());
}

#[test]
fn bad_reset_settings_name_their_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sspr.db").display().to_string();
    let error = from_toml(&format!(
        "database_path = {db:?}\n[reset]\nmethods_required = 3\n"
    ))
    .unwrap_err();
    assert_eq!(error.key, "reset.methods_required");
    let error = from_toml(&format!(
        "database_path = {db:?}\ntrusted_proxies = [\"10.0.0.0/99\"]\n"
    ))
    .unwrap_err();
    assert_eq!(error.key, "trusted_proxies");
}

#[test]
fn defaults_are_valid_and_safe() {
    let config = RawConfig::default().check().unwrap();
    assert_eq!(config.public_origin, "http://127.0.0.1:3000");
    assert!(!config.secure_cookies);
    assert_eq!(config.sign_in.lockout.threshold, 10);
    assert_eq!(config.sign_in.lockout.duration_secs, 15 * 60);
    assert_eq!(config.hashing, HashingParams::check(19_456, 2, 1).unwrap());
}

#[test]
fn a_file_overrides_defaults_and_https_makes_cookies_secure() {
    let config = from_toml(
        "public_base_url = \"https://reset.example.org\"\n[session]\nidle_minutes = 10\n",
    )
    .unwrap();
    assert_eq!(config.public_origin, "https://reset.example.org");
    assert!(config.secure_cookies);
    assert_eq!(config.session.idle_secs, 600);
}

#[test]
fn a_bad_address_names_the_key() {
    let error = from_toml("bind = \"localhost\"").unwrap_err();
    assert_eq!(error.key, "bind");
}

#[test]
fn a_public_url_with_a_path_or_other_scheme_is_refused() {
    assert_eq!(
        from_toml("public_base_url = \"https://x.org/reset\"")
            .unwrap_err()
            .key,
        "public_base_url"
    );
    assert_eq!(
        from_toml("public_base_url = \"ftp://x.org\"")
            .unwrap_err()
            .key,
        "public_base_url"
    );
    assert_eq!(
        from_toml("public_base_url = \"not a url\"")
            .unwrap_err()
            .key,
        "public_base_url"
    );
}

#[test]
fn out_of_range_numbers_name_the_key_and_the_range() {
    let error = from_toml("[sign_in]\nlockout_threshold = 0").unwrap_err();
    assert_eq!(error.key, "sign_in.lockout_threshold");
    assert!(
        error.reason.contains("between 1 and 100"),
        "{}",
        error.reason
    );
    let error = from_toml("[session]\nidle_minutes = 600\nabsolute_hours = 1").unwrap_err();
    assert_eq!(error.key, "session.idle_minutes");
}

#[test]
fn wrong_types_and_unknown_keys_are_refused_with_the_key() {
    let error = from_toml("[session]\nidle_minutes = \"soon\"").unwrap_err();
    assert_eq!(error.key, "session.idle_minutes");
    assert!(from_toml("colour = \"blue\"").is_err());
}

#[test]
fn weak_hashing_parameters_are_refused() {
    let error = from_toml("[password_hashing]\nmemory_kib = 1024\niterations = 1").unwrap_err();
    assert_eq!(error.key, "password_hashing");
}

#[test]
fn bad_log_settings_are_refused() {
    assert_eq!(
        from_toml("log_level = \"info,[\"").unwrap_err().key,
        "log_level"
    );
    assert_eq!(
        from_toml("log_format = \"xml\"").unwrap_err().key,
        "log_format"
    );
}

#[test]
#[allow(clippy::result_large_err)] // figment's Jail fixes the closure's error type
fn environment_variables_override_the_file() {
    Jail::expect_with(|jail| {
        jail.create_file("sspr.toml", "bind = \"127.0.0.1:4000\"")?;
        jail.set_env("SSPR_BIND", "127.0.0.1:5000");
        jail.set_env("SSPR_SESSION__IDLE_MINUTES", "5");
        let config = load(None).unwrap();
        assert_eq!(config.bind.port(), 5000);
        assert_eq!(config.session.idle_secs, 300);
        Ok(())
    });
}

#[test]
#[allow(clippy::result_large_err)] // figment's Jail fixes the closure's error type
fn delivery_settings_come_from_nested_environment_variables() {
    Jail::expect_with(|jail| {
        jail.set_env("SSPR_DELIVERY__MODE", "send");
        jail.set_env("SSPR_DELIVERY__SMTP__HOST", "smtp.example.org");
        jail.set_env("SSPR_DELIVERY__SMTP__PORT", "587");
        let config = load(None).unwrap();
        assert_eq!(config.delivery.mode, DeliveryMode::Send);
        assert_eq!(config.delivery.smtp.host, "smtp.example.org");
        assert_eq!(config.delivery.smtp.port, 587);
        Ok(())
    });
}

#[test]
fn a_named_config_file_must_exist() {
    let error = load(Some(Path::new("/nonexistent/sspr.toml"))).unwrap_err();
    assert_eq!(error.key, "--config");
}
