//! The one state every part of the server shares.

use crate::accounts::SqlAccounts;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::passwords::PasswordHasher;
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
}

impl AppState {
    pub fn new(config: Config, pool: SqlitePool, clock: SharedClock) -> Self {
        let config = Arc::new(config);
        let hasher = Arc::new(PasswordHasher::new(config.hashing));
        let sessions = Arc::new(Sessions::new(pool.clone(), clock.clone(), &config));
        let sign_in_throttle = Throttle::new(
            clock.clone(),
            config.sign_in.ip_limit,
            config.sign_in.ip_window_secs,
        );
        let accounts = Arc::new(SqlAccounts {
            pool: pool.clone(),
            clock: clock.clone(),
            hasher: hasher.clone(),
            sessions: sessions.clone(),
            sign_in_throttle,
            lockout: config.sign_in.lockout,
        });
        Self {
            config,
            pool,
            clock,
            hasher,
            sessions,
            accounts,
        }
    }
}
