//! The connected directory as the rest of the server uses it: reading everyone into the
//! mirror (on a timer and on request), reading one person afresh before a write, checking a
//! password by binding as its owner, and writing passwords and unlocks.

use super::ldap::listing;
use super::ldap::password::{self, WriteError};
use super::ldap::people::{self, Person};
use super::ldap::pool::ServicePool;
use super::ldap::{filter, Connector, DirectoryError};
use super::mirror::{self, Applied};
use super::settings::LdapSettings;
use crate::clock::SharedClock;
use sqlx::SqlitePool;
use std::sync::Arc;

/// Why reading the directory into the mirror failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    #[error("storing the directory's users: {0}")]
    Store(#[from] sqlx::Error),
}

/// What a sign-in's password check found.
#[derive(Debug)]
pub enum Bind {
    /// The directory accepted the password of this person.
    Accepted(Person),
    /// This person exists but the directory refused the password (or the account is locked).
    Refused(Person),
    /// Nobody in scope has this login.
    Nobody,
}

pub struct ConnectedDirectory {
    pool: ServicePool,
    db: SqlitePool,
    clock: SharedClock,
    /// One whole read at a time; a second request waits and finds it fresh.
    reading: tokio::sync::Mutex<()>,
}

impl ConnectedDirectory {
    pub fn new(
        settings: Arc<LdapSettings>,
        db: SqlitePool,
        clock: SharedClock,
    ) -> Result<Self, DirectoryError> {
        Ok(Self {
            pool: ServicePool::new(Connector::new(settings)?),
            db,
            clock,
            reading: tokio::sync::Mutex::new(()),
        })
    }

    pub fn settings(&self) -> &LdapSettings {
        self.pool.connector().settings()
    }

    fn connector(&self) -> &Connector {
        self.pool.connector()
    }

    /// Reads every user and group in scope into the mirror, in one transaction.
    pub async fn read_all(&self) -> Result<Applied, ReadError> {
        let _one = self.reading.lock().await;
        let (people, groups) = self
            .with_service(|connector, mut ldap| async move {
                let people = listing::people(&connector, &mut ldap).await?;
                let groups = listing::groups(&connector, &mut ldap).await?;
                Ok(((people, groups), ldap))
            })
            .await?;
        let mut tx = self.db.begin_with("BEGIN IMMEDIATE").await?;
        let settings = self.settings();
        let applied = mirror::apply(&mut tx, &people, &groups, settings, self.clock.now()).await?;
        tx.commit().await?;
        tracing::info!(
            users = applied.users,
            groups = applied.groups,
            absent = applied.absent,
            "directory read"
        );
        Ok(applied)
    }

    /// Reads everyone again every `refresh`, for as long as the server runs.
    pub fn keep_fresh(self: Arc<Self>) {
        let every = self.settings().refresh;
        tokio::spawn(async move {
            // The first read happened at start-up.
            let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                if let Err(error) = self.read_all().await {
                    tracing::warn!(%error, "reading the directory failed; the last read stays in use");
                }
            }
        });
    }

    /// The person a mirrored account was read from, as the directory has them now; `None`
    /// when the entry is gone, or its DN now names someone else.
    pub async fn current(&self, user_id: i64) -> Result<Option<Person>, ReadError> {
        let Some((dn, stable_id)) = mirror::entry_of(&self.db, user_id).await? else {
            return Ok(None);
        };
        let person = self
            .with_service(|connector, mut ldap| async move {
                let person = people::at(&connector, &mut ldap, &dn).await?;
                Ok((person, ldap))
            })
            .await?;
        Ok(person.filter(|p| p.stable_id == stable_id))
    }

    /// Brings the mirror's row for `person` up to date; returns the row's id.
    pub async fn refresh(&self, person: &Person) -> Result<i64, sqlx::Error> {
        let mut tx = self.db.begin_with("BEGIN IMMEDIATE").await?;
        let id = mirror::refresh(&mut tx, person, self.settings(), self.clock.now()).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Checks `password` by binding as the person with `login`. For an unknown login it
    /// binds a DN that names nobody, so the directory does comparable work either way.
    pub async fn bind(&self, login: &str, password: &str) -> Result<Bind, DirectoryError> {
        let wanted = login.to_owned();
        let person = self
            .with_service(|connector, mut ldap| async move {
                let person = people::find(&connector, &mut ldap, &wanted).await?;
                Ok((person, ldap))
            })
            .await?;
        let settings = self.settings();
        let dn = match &person {
            Some(person) => person.dn.clone(),
            None => filter::child_dn(&settings.attributes.login, login, &settings.users.base),
        };
        let mut ldap = self.connector().open().await?;
        let accepted = self.connector().bind(&mut ldap, &dn, password).await;
        let _ = ldap.unbind().await;
        Ok(match (person, accepted?) {
            (Some(person), true) => Bind::Accepted(person),
            (Some(person), false) => Bind::Refused(person),
            (None, _) => Bind::Nobody,
        })
    }

    /// Sets a new password as the service account.
    pub async fn reset(&self, person: &Person, new_password: &str) -> Result<(), WriteError> {
        let mut ldap = self.pool.take().await?;
        let result = password::reset(self.connector(), &mut ldap, person, new_password).await;
        self.settle(ldap, &result);
        result
    }

    /// Clears the directory's lock on `person`.
    pub async fn unlock(&self, person: &Person) -> Result<(), WriteError> {
        let mut ldap = self.pool.take().await?;
        let result = password::unlock(self.connector(), &mut ldap, person).await;
        self.settle(ldap, &result);
        result
    }

    /// Changes a known password as its owner. `Ok(false)`: the old password is wrong.
    pub async fn change(&self, person: &Person, old: &str, new: &str) -> Result<bool, WriteError> {
        password::change(self.connector(), person, old, new).await
    }

    /// Whether the service account can bind now, for `/healthz`.
    pub async fn reachable(&self) -> Result<(), DirectoryError> {
        self.with_service(|_, ldap| async move { Ok(((), ldap)) })
            .await
    }

    /// Runs `op` on a pooled service connection, which goes back to the pool only when `op`
    /// succeeded.
    async fn with_service<T, F, Fut>(&self, op: F) -> Result<T, DirectoryError>
    where
        F: FnOnce(Connector, ldap3::Ldap) -> Fut,
        Fut: std::future::Future<Output = Result<(T, ldap3::Ldap), DirectoryError>>,
    {
        let ldap = self.pool.take().await?;
        match op(self.connector().clone(), ldap).await {
            Ok((value, ldap)) => {
                self.pool.give_back(ldap);
                Ok(value)
            }
            Err(error) => {
                self.pool.clear();
                Err(error)
            }
        }
    }

    /// A connection whose write succeeded or was refused on its merits is still good.
    fn settle(&self, ldap: ldap3::Ldap, result: &Result<(), WriteError>) {
        match result {
            Ok(()) | Err(WriteError::Refused(_)) => self.pool.give_back(ldap),
            Err(WriteError::Directory(_)) => self.pool.clear(),
        }
    }
}
