//! A few connections bound as the service account, kept open between requests. One that the
//! directory closed (a restart, an idle timeout) is dropped when next taken and a fresh one
//! is opened, so sspr reconnects by itself; every operation keeps its own time limit.

use super::connection::{Connector, DirectoryError};
use ldap3::Ldap;
use std::sync::Mutex;

/// How many idle service connections are kept.
const KEEP: usize = 4;

pub struct ServicePool {
    connector: Connector,
    idle: Mutex<Vec<Ldap>>,
}

impl ServicePool {
    pub fn new(connector: Connector) -> Self {
        Self {
            connector,
            idle: Mutex::new(Vec::new()),
        }
    }

    pub fn connector(&self) -> &Connector {
        &self.connector
    }

    /// An open service connection: an idle one, or a new one.
    pub async fn take(&self) -> Result<Ldap, DirectoryError> {
        while let Some(mut ldap) = self.pop() {
            if !ldap.is_closed() {
                return Ok(ldap);
            }
        }
        self.connector.service().await
    }

    /// Hands back a connection whose last operation succeeded; after a failure the caller
    /// drops it instead, since its state is unknown.
    pub fn give_back(&self, ldap: Ldap) {
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < KEEP {
                idle.push(ldap);
            }
        }
    }

    /// Forgets every idle connection (after the directory failed us).
    pub fn clear(&self) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }

    fn pop(&self) -> Option<Ldap> {
        self.idle.lock().ok().and_then(|mut idle| idle.pop())
    }
}
