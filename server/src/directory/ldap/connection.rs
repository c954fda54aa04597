//! Opening a connection to the directory and binding as the service account, with the
//! configured time limits, and naming in plain words what went wrong.

use super::tls;
use crate::directory::settings::{LdapSettings, Transport};
use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, LdapError, StdStream};
use secrecy::ExposeSecret;
use std::fmt;
use std::sync::Arc;

/// Why the directory could not be used. The texts are for the operator (logs and
/// `sspr directory check`); a user only ever sees "unavailable, try again later".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectoryError {
    Unreachable(String),
    Tls(String),
    Timeout,
    BindRefused,
    Refused { rc: u32, text: String },
    Protocol(String),
}

/// LDAP's sizeLimitExceeded: the directory caps how many entries one search returns.
const SIZE_LIMIT_EXCEEDED: u32 = 4;

impl fmt::Display for DirectoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreachable(why) => write!(f, "the directory cannot be reached: {why}"),
            Self::Tls(why) => write!(f, "the TLS connection to the directory failed: {why}"),
            Self::Timeout => f.write_str("the directory did not answer in time"),
            Self::BindRefused => {
                f.write_str("the directory refused the service account's bind DN or password")
            }
            Self::Refused {
                rc: SIZE_LIMIT_EXCEEDED,
                text,
            } => write!(
                f,
                "the directory refused to return everyone in scope (size limit exceeded, \
                 result {SIZE_LIMIT_EXCEEDED}: {text}); give the service account no size limit for paged \
                 searches (OpenLDAP: `limits` or `olcLimits` with size=unlimited)"
            ),
            Self::Refused { rc, text } => write!(f, "the directory answered {rc}: {text}"),
            Self::Protocol(why) => write!(f, "talking to the directory failed: {why}"),
        }
    }
}

impl std::error::Error for DirectoryError {}

impl From<LdapError> for DirectoryError {
    fn from(error: LdapError) -> Self {
        match error {
            // rustls reports a refused certificate as an I/O error wrapping its own.
            LdapError::Io { source } if is_tls(&source) => Self::Tls(source.to_string()),
            LdapError::Io { source } => Self::Unreachable(source.to_string()),
            LdapError::Timeout { .. } => Self::Timeout,
            LdapError::Rustls { source } => Self::Tls(source.to_string()),
            LdapError::DNSName { .. } => Self::Tls(error.to_string()),
            LdapError::LdapResult { result } => Self::Refused {
                rc: result.rc,
                text: result.text,
            },
            other => Self::Protocol(other.to_string()),
        }
    }
}

fn is_tls(error: &std::io::Error) -> bool {
    error
        .get_ref()
        .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
}

const INVALID_CREDENTIALS: u32 = 49;

/// Opens connections to one configured directory.
#[derive(Clone)]
pub struct Connector {
    settings: Arc<LdapSettings>,
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl Connector {
    pub fn new(settings: Arc<LdapSettings>) -> Result<Self, DirectoryError> {
        let tls = match &settings.ca_file {
            Some(path) => Some(tls::client_config(path).map_err(DirectoryError::Tls)?),
            None => None,
        };
        Ok(Self { settings, tls })
    }

    pub fn settings(&self) -> &LdapSettings {
        &self.settings
    }

    /// A new connection, not yet bound.
    pub async fn open(&self) -> Result<Ldap, DirectoryError> {
        let mut options = LdapConnSettings::new()
            .set_conn_timeout(self.settings.connect_timeout)
            .set_starttls(self.settings.transport == Transport::StartTls)
            .set_std_stream(StdStream::Tcp(self.tcp().await?));
        if let Some(config) = &self.tls {
            options = options.set_config(config.clone());
        }
        let (connection, ldap) = LdapConnAsync::with_settings(options, &self.settings.url).await?;
        tokio::spawn(async move {
            if let Err(error) = connection.drive().await {
                tracing::debug!(%error, "directory connection ended");
            }
        });
        Ok(ldap)
    }

    /// The TCP connection under `open`, made here with Nagle's algorithm off: ldap3 leaves
    /// it on, and each small LDAP message then waited for the server's delayed ACK (a wrong
    /// sign-in against slapd took 48 ms, nearly all of it that wait).
    async fn tcp(&self) -> Result<std::net::TcpStream, DirectoryError> {
        let url = url::Url::parse(&self.settings.url)
            .map_err(|e| DirectoryError::Unreachable(e.to_string()))?;
        let port = url.port().unwrap_or(match url.scheme() {
            "ldaps" => 636,
            _ => 389,
        });
        let host = match url.host() {
            Some(url::Host::Domain(name)) if !name.is_empty() => name.to_owned(),
            Some(url::Host::Ipv4(address)) => address.to_string(),
            Some(url::Host::Ipv6(address)) => address.to_string(),
            _ => "localhost".to_owned(),
        };
        let connect = tokio::net::TcpStream::connect((host.as_str(), port));
        let stream = tokio::time::timeout(self.settings.connect_timeout, connect)
            .await
            .map_err(|_| DirectoryError::Timeout)?
            .map_err(|e| DirectoryError::Unreachable(e.to_string()))?;
        let unreachable = |e: std::io::Error| DirectoryError::Unreachable(e.to_string());
        stream.set_nodelay(true).map_err(unreachable)?;
        stream.into_std().map_err(unreachable)
    }

    /// A connection bound as the service account.
    pub async fn service(&self) -> Result<Ldap, DirectoryError> {
        let mut ldap = self.open().await?;
        let password = self.settings.bind_password.expose_secret();
        self.bind(&mut ldap, &self.settings.bind_dn, password)
            .await?
            .then_some(ldap)
            .ok_or(DirectoryError::BindRefused)
    }

    /// Binds `ldap` as `dn`: `Ok(false)` when the directory refuses the password.
    pub async fn bind(
        &self,
        ldap: &mut Ldap,
        dn: &str,
        password: &str,
    ) -> Result<bool, DirectoryError> {
        // An empty password would be an anonymous ("unauthenticated") bind that succeeds.
        if password.is_empty() {
            return Ok(false);
        }
        let result = ldap
            .with_timeout(self.settings.operation_timeout)
            .simple_bind(dn, password)
            .await?;
        match result.rc {
            0 => Ok(true),
            INVALID_CREDENTIALS => Ok(false),
            rc => Err(DirectoryError::Refused {
                rc,
                text: result.text,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DirectoryError;

    #[test]
    fn a_size_limit_says_what_to_change() {
        let capped = DirectoryError::Refused {
            rc: 4,
            text: String::new(),
        };
        assert!(capped
            .to_string()
            .contains("no size limit for paged searches"));
        let other = DirectoryError::Refused {
            rc: 50,
            text: "no access".into(),
        };
        assert_eq!(other.to_string(), "the directory answered 50: no access");
    }
}
