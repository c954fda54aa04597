//! Where the configuration comes from: built-in defaults, then the file, then `SSPR_...`
//! environment variables.

use super::{Config, RawConfig};
use crate::config_error::{bad, ConfigError};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use std::path::Path;

/// Reads defaults, the optional file and the environment. `file` must exist when it was
/// named explicitly; the default `sspr.toml` may be absent.
pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
    let mut figment = Figment::from(Serialized::defaults(RawConfig::default()));
    match file {
        Some(path) if !path.exists() => {
            return Err(bad(
                "--config",
                format!("file {} does not exist", path.display()),
            ))
        }
        Some(path) => figment = figment.merge(Toml::file(path)),
        None => figment = figment.merge(Toml::file("sspr.toml")),
    }
    figment = figment.merge(Env::prefixed("SSPR_").split("__"));
    extract(figment)?.check()
}

/// The raw configuration, or the first value of a wrong type or an unknown key, named.
pub(super) fn extract(figment: Figment) -> Result<RawConfig, ConfigError> {
    figment.extract().map_err(|e| {
        let key = if e.path.is_empty() {
            "(file)".to_owned()
        } else {
            e.path.join(".")
        };
        bad(&key, e.kind.to_string())
    })
}
