//! `[session]` and `[sign_in]`: how long a signed-in session lasts, and when repeated
//! failed sign-ins lock an account or slow an address.

use crate::accounts::Lockout;
use crate::config_error::{bad, in_range, ConfigError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSession {
    pub idle_minutes: i64,
    pub absolute_hours: i64,
    /// Changes to security info need the password typed within this many minutes.
    pub reauth_minutes: i64,
}

impl Default for RawSession {
    fn default() -> Self {
        Self {
            idle_minutes: 30,
            absolute_hours: 8,
            reauth_minutes: 10,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SessionConfig {
    pub idle_secs: i64,
    pub absolute_secs: i64,
    pub reauth_secs: i64,
}

impl RawSession {
    pub(super) fn check(&self) -> Result<SessionConfig, ConfigError> {
        let idle = in_range("session.idle_minutes", self.idle_minutes, 1, 24 * 60)?;
        let absolute = in_range("session.absolute_hours", self.absolute_hours, 1, 24 * 30)?;
        if idle > absolute * 60 {
            return Err(bad(
                "session.idle_minutes",
                "must not be longer than session.absolute_hours",
            ));
        }
        let reauth = in_range("session.reauth_minutes", self.reauth_minutes, 1, 24 * 60)?;
        Ok(SessionConfig {
            idle_secs: idle * 60,
            absolute_secs: absolute * 3600,
            reauth_secs: reauth * 60,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSignIn {
    pub lockout_threshold: i64,
    pub lockout_minutes: i64,
    pub ip_limit: i64,
    pub ip_window_seconds: i64,
    /// In `ldap` mode, the least time a refused sign-in takes to answer, so the directory's
    /// own extra work for a real name (ppolicy recording the failure) does not show.
    pub directory_floor_ms: i64,
}

impl Default for RawSignIn {
    fn default() -> Self {
        Self {
            lockout_threshold: 10,
            lockout_minutes: 15,
            ip_limit: 30,
            ip_window_seconds: 60,
            directory_floor_ms: 200,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SignInConfig {
    pub lockout: Lockout,
    pub ip_limit: u32,
    pub ip_window_secs: i64,
    pub directory_floor: std::time::Duration,
}

impl RawSignIn {
    pub(super) fn check(&self) -> Result<SignInConfig, ConfigError> {
        let lockout = Lockout {
            threshold: in_range("sign_in.lockout_threshold", self.lockout_threshold, 1, 100)?
                as u32,
            duration_secs: in_range("sign_in.lockout_minutes", self.lockout_minutes, 1, 24 * 60)?
                * 60,
        };
        Ok(SignInConfig {
            lockout,
            ip_limit: in_range("sign_in.ip_limit", self.ip_limit, 1, 1_000_000)? as u32,
            ip_window_secs: in_range(
                "sign_in.ip_window_seconds",
                self.ip_window_seconds,
                1,
                86_400,
            )?,
            directory_floor: std::time::Duration::from_millis(in_range(
                "sign_in.directory_floor_ms",
                self.directory_floor_ms,
                1,
                10_000,
            )? as u64),
        })
    }
}
