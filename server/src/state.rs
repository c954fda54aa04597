//! The one state every part of the server shares.

use crate::accounts::SqlAccounts;
use crate::admin::Admin;
use crate::audit::Audit;
use crate::captcha::{Captcha, CHALLENGE_TTL_SECS};
use crate::clock::SharedClock;
use crate::config::Config;
use crate::delivery::Delivery;
use crate::directory::connected::ConnectedDirectory;
use crate::directory::ldap::DirectoryError;
use crate::directory::DirectoryConfig;
use crate::password_policy::PasswordPolicies;
use crate::passwords::PasswordHasher;
use crate::reset::SqlReset;
use crate::security_info::SqlSecurityInfo;
use crate::sessions::Sessions;
use crate::throttle::Throttle;
use sqlx::SqlitePool;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub pool: SqlitePool,
    pub clock: SharedClock,
    pub hasher: Arc<PasswordHasher>,
    pub sessions: Arc<Sessions>,
    pub accounts: Arc<SqlAccounts>,
    pub delivery: Arc<Delivery>,
    pub security: Arc<SqlSecurityInfo>,
    pub reset: Arc<SqlReset>,
    pub captcha: Arc<Captcha>,
    pub audit: Arc<Audit>,
    pub password_policy: Arc<PasswordPolicies>,
    pub admin: Arc<Admin>,
    /// The connected directory, in `directory.kind = "ldap"` mode.
    pub directory: Option<Arc<ConnectedDirectory>>,
}

impl AppState {
    /// Fails only when the directory's CA bundle cannot be read (it was read once already
    /// when the configuration was checked).
    pub fn new(
        config: Config,
        pool: SqlitePool,
        clock: SharedClock,
    ) -> Result<Self, DirectoryError> {
        let config = Arc::new(config);
        let directory = match &config.directory {
            DirectoryConfig::Local => None,
            DirectoryConfig::Ldap(settings) => Some(Arc::new(ConnectedDirectory::new(
                Arc::new((**settings).clone()),
                pool.clone(),
                clock.clone(),
            )?)),
        };
        let hasher = Arc::new(PasswordHasher::new(config.hashing));
        let sessions = Arc::new(Sessions::new(pool.clone(), clock.clone(), &config));
        let sign_in_throttle = Throttle::new(
            clock.clone(),
            config.sign_in.ip_limit,
            config.sign_in.ip_window_secs,
        );
        let password_policy = Arc::new(PasswordPolicies::new(pool.clone(), config.secret.clone()));
        let delivery = Arc::new(Delivery::new(pool.clone(), clock.clone(), &config.delivery));
        let write_gate = crate::db::WriteGate::default();
        let audit = Arc::new(
            Audit::new(pool.clone(), clock.clone(), &config.secret)
                .with_write_gate(write_gate.clone()),
        );
        let accounts = Arc::new(SqlAccounts {
            pool: pool.clone(),
            clock: clock.clone(),
            hasher: hasher.clone(),
            sessions: sessions.clone(),
            sign_in_throttle,
            lockout: config.sign_in.lockout,
            directory_floor: config.sign_in.directory_floor,
            registration: config.registration,
            password_policy: password_policy.clone(),
            delivery: delivery.clone(),
            public_origin: config.public_origin.clone(),
            directory: directory.clone(),
            audit: audit.clone(),
        });
        let security = Arc::new(SqlSecurityInfo {
            pool: pool.clone(),
            clock: clock.clone(),
            hasher: hasher.clone(),
            sessions: sessions.clone(),
            accounts: accounts.clone(),
            delivery: delivery.clone(),
            codes: config.codes,
            registration: config.registration,
            reauth_secs: config.session.reauth_secs,
            issuer: issuer(&config.public_origin),
            audit: audit.clone(),
        });
        let captcha = Arc::new(Captcha::new(
            &config.secret,
            clock.clone(),
            CHALLENGE_TTL_SECS,
        ));
        let reset = Arc::new(SqlReset {
            pool: pool.clone(),
            clock: clock.clone(),
            secret: config.secret.clone(),
            secure_cookies: config.secure_cookies,
            rules: config.reset.rules.clone(),
            registration: config.registration,
            codes: config.codes,
            hasher: hasher.clone(),
            accounts: accounts.clone(),
            delivery: delivery.clone(),
            captcha: captcha.clone(),
            audit: audit.clone(),
            password_policy: password_policy.clone(),
            throttle: Throttle::new(
                clock.clone(),
                config.reset.ip_limit,
                config.reset.ip_window_secs,
            ),
            profiles: crate::reset::decoy::Profiles::new(&config.public_origin),
            cached_policy: Default::default(),
            admissions: crate::reset::admission::Admissions::new(pool.clone(), write_gate.clone()),
            answer_floor: config.reset.answer_floor,
            directory: directory.clone(),
        });
        let admin = Arc::new(Admin {
            config: config.clone(),
            pool: pool.clone(),
            clock: clock.clone(),
            hasher: hasher.clone(),
            sessions: sessions.clone(),
            accounts: accounts.clone(),
            delivery: delivery.clone(),
            security: security.clone(),
            reset: reset.clone(),
            audit: audit.clone(),
            password_policy: password_policy.clone(),
            directory: directory.clone(),
        });
        Ok(Self {
            config,
            pool,
            clock,
            hasher,
            sessions,
            accounts,
            delivery,
            security,
            reset,
            captcha,
            audit,
            password_policy,
            admin,
            directory,
        })
    }
}

/// Authenticator apps show this next to the account: the host users know sspr by.
fn issuer(public_origin: &str) -> String {
    let host = public_origin.split("://").nth(1).unwrap_or(public_origin);
    format!("sspr ({host})")
}
