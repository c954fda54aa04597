//! Starting and stopping the test directory.

use server::directory::ldap::Connector;
use server::directory::{DirectoryConfig, RawDirectory};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

pub struct Slapd {
    dir: tempfile::TempDir,
    pub env: HashMap<String, String>,
}

fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../directories/openldap")
}

impl Slapd {
    pub fn start() -> Slapd {
        let dir = tempfile::tempdir().expect("temp dir");
        let env = crate::start_directory("openldap", &[dir.path().as_os_str()]);
        Slapd { dir, env }
    }

    pub fn stop(&self) {
        let status = Command::new(scripts().join("stop"))
            .arg(self.dir.path())
            .status()
            .expect("running directories/openldap/stop");
        assert!(status.success());
    }

    /// The `[directory]` section the sample configuration gives, pointed at this slapd.
    pub fn raw(&self) -> RawDirectory {
        let sample = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../config-examples/openldap.toml"),
        )
        .expect("config-examples/openldap.toml");
        let sample = sample
            .replace("ldaps://ldap.example.org", &self.env["LDAPS_URL"])
            .replace("/etc/sspr/ldap-ca.pem", &self.env["LDAP_CA_FILE"])
            .replace("change-me-service-password", "service-account-secret");
        #[derive(serde::Deserialize)]
        struct File {
            directory: RawDirectory,
        }
        let file: File = toml_from(&sample);
        file.directory
    }

    pub fn connector(&self) -> Connector {
        match self
            .raw()
            .check()
            .expect("the sample configuration is valid")
        {
            DirectoryConfig::Ldap(settings) => {
                Connector::new(Arc::new(*settings)).expect("connector")
            }
            DirectoryConfig::Local => panic!("the sample names kind = \"ldap\""),
        }
    }

    /// Whether `dn` binds with `password`, asked with the OpenLDAP tools.
    pub fn binds(&self, dn: &str, password: &str) -> bool {
        Command::new("ldapwhoami")
            .args(["-x", "-H", &self.env["LDAP_URL"], "-D", dn, "-w", password])
            .output()
            .expect("ldapwhoami")
            .status
            .success()
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = Command::new(scripts().join("stop"))
            .arg(self.dir.path())
            .status();
    }
}

fn toml_from<T: serde::de::DeserializeOwned>(text: &str) -> T {
    use figment::providers::{Format, Toml};
    figment::Figment::from(Toml::string(text))
        .extract()
        .expect("the sample configuration parses")
}
