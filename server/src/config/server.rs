//! The top-level keys: where the server listens and is reached, its logging, the proxies
//! it believes, and its secret key.

use crate::config_error::{bad, ConfigError};
use crate::secret::ServerSecret;
use crate::web::client_ip::IpRange;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

pub(super) fn check_bind(raw: &str) -> Result<SocketAddr, ConfigError> {
    raw.parse::<SocketAddr>()
        .map_err(|e| bad("bind", format!("`{raw}` is not an address:port ({e})")))
}

/// The public URL must be absolute http(s) with a host and no path, query or fragment.
/// Gives the origin, and whether cookies must be secure.
pub(super) fn check_public_url(raw: &str) -> Result<(String, bool), ConfigError> {
    let key = "public_base_url";
    let url = url::Url::parse(raw).map_err(|e| bad(key, format!("`{raw}` is not a URL ({e})")))?;
    let secure = match url.scheme() {
        "https" => true,
        "http" => false,
        other => {
            return Err(bad(
                key,
                format!("scheme must be http or https, got {other}"),
            ))
        }
    };
    if url.host_str().is_none() {
        return Err(bad(key, "must name a host"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(bad(key, "must not have a path, query or fragment"));
    }
    Ok((url.origin().ascii_serialization(), secure))
}

pub(super) fn check_log(level: &str, format: &str) -> Result<LogFormat, ConfigError> {
    tracing_subscriber::EnvFilter::try_new(level)
        .map_err(|e| bad("log_level", format!("`{level}` is not a log filter ({e})")))?;
    match format {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        other => Err(bad(
            "log_format",
            format!("must be \"text\" or \"json\", got \"{other}\""),
        )),
    }
}

pub(super) fn check_proxies(list: &[String]) -> Result<Vec<IpRange>, ConfigError> {
    list.iter()
        .map(|text| {
            IpRange::parse(text).ok_or_else(|| {
                bad(
                    "trusted_proxies",
                    format!("`{text}` is not an address or CIDR range"),
                )
            })
        })
        .collect()
}

/// The key given as hex, or else the one kept in `secret_file` (by default `sspr.key`
/// beside the database), made on first start.
pub(super) fn load_secret(
    secret_key: &str,
    secret_file: &str,
    database_path: &str,
) -> Result<ServerSecret, ConfigError> {
    if !secret_key.is_empty() {
        return ServerSecret::from_hex(secret_key)
            .ok_or_else(|| bad("secret_key", "must be 64 hex digits"));
    }
    let file = if secret_file.is_empty() {
        Path::new(database_path).with_file_name("sspr.key")
    } else {
        PathBuf::from(secret_file)
    };
    ServerSecret::load_or_create(&file)
        .map_err(|e| bad("secret_file", format!("{}: {e}", file.display())))
}
