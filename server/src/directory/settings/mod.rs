//! `[directory]`: which account source sspr uses. `local` (the default) keeps today's
//! SQLite accounts; `ldap` puts sspr in front of an existing OpenLDAP or Active Directory.
//! Every key is checked at start-up, with the key named in the message.

use super::ldap::flavour::{AttributeMap, Flavour};
use crate::config_error::{bad, in_range, ConfigError};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectoryKind {
    Local,
    Ldap,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The base entry's children only.
    One,
    /// The whole subtree below the base.
    Sub,
}

impl Scope {
    pub fn ldap(self) -> ldap3::Scope {
        match self {
            Scope::One => ldap3::Scope::OneLevel,
            Scope::Sub => ldap3::Scope::Subtree,
        }
    }
}

/// Attribute names; an empty one takes the flavour's preset.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawAttributes {
    pub login: String,
    pub display_name: String,
    pub email: String,
    pub mobile: String,
    pub stable_id: String,
    pub member_of: String,
}

/// The directory group (its DN) whose members hold each sspr role.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawRoles {
    pub global_admin: String,
    pub helpdesk: String,
    pub reports_reader: String,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawDirectory {
    pub kind: DirectoryKind,
    pub flavour: Flavour,
    /// `ldaps://host:636` or `ldap://host:389` (then with `starttls = true`).
    pub url: String,
    pub starttls: bool,
    /// PEM bundle of the CA(s) that signed the directory's certificate; empty: the
    /// system's roots. Certificates are always checked.
    pub ca_file: String,
    /// Plain `ldap://` without StartTLS sends passwords in the clear; only for a directory
    /// on the same host, and only when said here in so many words.
    pub allow_unencrypted: bool,
    pub connect_timeout_ms: i64,
    pub operation_timeout_ms: i64,
    pub bind_dn: String,
    /// Write-only: never logged, never shown.
    pub bind_password: String,
    pub user_base: String,
    pub user_scope: Scope,
    /// Empty: the flavour's filter. Only users matching it are in sspr's scope.
    pub user_filter: String,
    pub group_base: String,
    pub group_filter: String,
    pub attributes: RawAttributes,
    pub roles: RawRoles,
    /// Names (`cn`) of the directory's own privileged groups; empty: the flavour's.
    pub privileged_groups: Vec<String>,
    /// How often the users and groups are read again, in seconds.
    pub refresh_seconds: i64,
}

/// Everything but the service account's password, which is never logged.
impl std::fmt::Debug for RawDirectory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawDirectory")
            .field("kind", &self.kind)
            .field("flavour", &self.flavour)
            .field("url", &self.url)
            .field("starttls", &self.starttls)
            .field("ca_file", &self.ca_file)
            .field("bind_dn", &self.bind_dn)
            .field("bind_password_set", &!self.bind_password.is_empty())
            .field("user_base", &self.user_base)
            .field("user_filter", &self.user_filter)
            .field("group_base", &self.group_base)
            .finish_non_exhaustive()
    }
}

impl Default for RawDirectory {
    fn default() -> Self {
        Self {
            kind: DirectoryKind::Local,
            flavour: Flavour::Openldap,
            url: String::new(),
            starttls: false,
            ca_file: String::new(),
            allow_unencrypted: false,
            connect_timeout_ms: 3_000,
            operation_timeout_ms: 5_000,
            bind_dn: String::new(),
            bind_password: String::new(),
            user_base: String::new(),
            user_scope: Scope::Sub,
            user_filter: String::new(),
            group_base: String::new(),
            group_filter: String::new(),
            attributes: RawAttributes::default(),
            roles: RawRoles::default(),
            privileged_groups: Vec::new(),
            refresh_seconds: 120,
        }
    }
}

#[derive(Debug, Clone)]
pub enum DirectoryConfig {
    Local,
    Ldap(Box<LdapSettings>),
}

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Ldaps,
    StartTls,
    Unencrypted,
}

#[derive(Debug, Clone)]
pub struct SearchBase {
    pub base: String,
    pub scope: Scope,
    pub filter: String,
}

#[derive(Debug, Clone)]
pub struct LdapSettings {
    pub flavour: Flavour,
    pub url: String,
    pub transport: Transport,
    pub ca_file: Option<PathBuf>,
    pub connect_timeout: Duration,
    pub operation_timeout: Duration,
    pub bind_dn: String,
    pub bind_password: SecretString,
    pub users: SearchBase,
    pub groups: SearchBase,
    pub attributes: AttributeMap,
    pub roles: RawRoles,
    pub privileged_groups: Vec<String>,
    pub refresh: Duration,
}

impl RawDirectory {
    pub fn check(&self) -> Result<DirectoryConfig, ConfigError> {
        match self.kind {
            DirectoryKind::Local => Ok(DirectoryConfig::Local),
            DirectoryKind::Ldap => Ok(DirectoryConfig::Ldap(Box::new(self.check_ldap()?))),
        }
    }

    fn check_ldap(&self) -> Result<LdapSettings, ConfigError> {
        let transport = self.check_transport()?;
        let ca_file = self.check_ca_file()?;
        let required = |key: &str, value: &str| {
            if value.trim().is_empty() {
                Err(bad(key, "must be set when directory.kind is \"ldap\""))
            } else {
                Ok(value.trim().to_owned())
            }
        };
        let bind_dn = required("directory.bind_dn", &self.bind_dn)?;
        if self.bind_password.is_empty() {
            return Err(bad(
                "directory.bind_password",
                "must be set when directory.kind is \"ldap\"",
            ));
        }
        let user_base = required("directory.user_base", &self.user_base)?;
        let users = SearchBase {
            base: user_base.clone(),
            scope: self.user_scope,
            filter: filter_or(
                "directory.user_filter",
                &self.user_filter,
                self.flavour.user_filter(),
            )?,
        };
        let group_base = match self.group_base.trim() {
            "" => user_base,
            base => base.to_owned(),
        };
        let groups = SearchBase {
            base: group_base,
            scope: Scope::Sub,
            filter: filter_or(
                "directory.group_filter",
                &self.group_filter,
                self.flavour.group_filter(),
            )?,
        };
        let privileged_groups = if self.privileged_groups.is_empty() {
            self.flavour
                .privileged_groups()
                .iter()
                .map(|g| g.to_string())
                .collect()
        } else {
            self.privileged_groups.clone()
        };
        Ok(LdapSettings {
            flavour: self.flavour,
            url: self.url.trim().to_owned(),
            transport,
            ca_file,
            connect_timeout: millis("directory.connect_timeout_ms", self.connect_timeout_ms)?,
            operation_timeout: millis("directory.operation_timeout_ms", self.operation_timeout_ms)?,
            bind_dn,
            bind_password: SecretString::from(self.bind_password.clone()),
            users,
            groups,
            attributes: self.attributes.resolve(self.flavour)?,
            roles: self.roles.clone(),
            privileged_groups,
            refresh: self.check_refresh()?,
        })
    }

    fn check_transport(&self) -> Result<Transport, ConfigError> {
        let url = url::Url::parse(self.url.trim()).map_err(|e| {
            bad(
                "directory.url",
                format!("must be an ldap:// or ldaps:// URL ({e})"),
            )
        })?;
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("directory.url", "must name the directory's host"));
        }
        let transport = match (url.scheme(), self.starttls) {
            ("ldaps", false) => Transport::Ldaps,
            ("ldaps", true) => {
                return Err(bad(
                    "directory.starttls",
                    "is for ldap:// URLs; an ldaps:// connection is encrypted already",
                ))
            }
            ("ldap", true) => Transport::StartTls,
            ("ldap", false) if self.allow_unencrypted => Transport::Unencrypted,
            ("ldap", false) => {
                return Err(bad(
                    "directory.url",
                    "ldap:// without starttls would send passwords unencrypted: use ldaps://, \
                     or set starttls = true (or allow_unencrypted = true for a directory on this host)",
                ))
            }
            (other, _) => {
                return Err(bad(
                    "directory.url",
                    format!("must start with ldap:// or ldaps://, not {other}://"),
                ))
            }
        };
        if transport == Transport::Unencrypted && self.flavour == Flavour::ActiveDirectory {
            return Err(bad(
                "directory.allow_unencrypted",
                "Active Directory accepts passwords only over an encrypted connection",
            ));
        }
        Ok(transport)
    }

    fn check_refresh(&self) -> Result<Duration, ConfigError> {
        match u64::try_from(self.refresh_seconds) {
            Ok(secs @ 10..=86_400) => Ok(Duration::from_secs(secs)),
            _ => Err(bad(
                "directory.refresh_seconds",
                "must be between 10 and 86400 seconds",
            )),
        }
    }

    fn check_ca_file(&self) -> Result<Option<PathBuf>, ConfigError> {
        let path = self.ca_file.trim();
        if path.is_empty() {
            return Ok(None);
        }
        let path = PathBuf::from(path);
        super::ldap::tls::read_roots(&path).map_err(|reason| bad("directory.ca_file", reason))?;
        Ok(Some(path))
    }
}

impl RawAttributes {
    fn resolve(&self, flavour: Flavour) -> Result<AttributeMap, ConfigError> {
        let preset = flavour.attributes();
        let pick = |key: &str, given: &str, preset: String| -> Result<String, ConfigError> {
            let given = given.trim();
            if given.is_empty() {
                return Ok(preset);
            }
            let valid = given
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && given.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if valid {
                Ok(given.to_owned())
            } else {
                Err(bad(
                    key,
                    "must be an attribute name (letters, digits and -)",
                ))
            }
        };
        Ok(AttributeMap {
            login: pick("directory.attributes.login", &self.login, preset.login)?,
            display_name: pick(
                "directory.attributes.display_name",
                &self.display_name,
                preset.display_name,
            )?,
            email: pick("directory.attributes.email", &self.email, preset.email)?,
            mobile: pick("directory.attributes.mobile", &self.mobile, preset.mobile)?,
            stable_id: pick(
                "directory.attributes.stable_id",
                &self.stable_id,
                preset.stable_id,
            )?,
            member_of: pick(
                "directory.attributes.member_of",
                &self.member_of,
                preset.member_of,
            )?,
        })
    }
}

fn filter_or(key: &str, given: &str, preset: &str) -> Result<String, ConfigError> {
    let filter = match given.trim() {
        "" => preset,
        given => given,
    };
    ldap3::parse_filter(filter)
        .map(|_| filter.to_owned())
        .map_err(|_| bad(key, format!("is not a valid LDAP filter: {filter}")))
}

fn millis(key: &str, value: i64) -> Result<Duration, ConfigError> {
    let value = in_range(key, value, 100, 120_000)?;
    Ok(Duration::from_millis(value as u64))
}

#[cfg(test)]
mod tests;
