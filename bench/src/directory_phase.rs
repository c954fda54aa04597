//! Whole resets with sspr in front of OpenLDAP: a throwaway slapd (the test directory's
//! scripts, ppolicy on), `--resets` people added to it, and a server in `ldap` mode whose
//! resets end in the Password Modify operation. slapd hashes the password itself, so this
//! figure is printed beside the local one, not held to the argon2 ratio. Then wrong
//! sign-ins, known names against unknown ones (`directory_sign_in`).

use crate::args::Args;
use crate::directory_sign_in::{self, SignInTiming};
use crate::plan;
use crate::process::{ServerProcess, Workdir};
use crate::progress::progress;
use crate::resets::{self, Resets};
use crate::seed::Names;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROOT_DN: &str = "cn=root,dc=example,dc=org";
const ROOT_PASSWORD: &str = "root-secret-only-for-loading";
const PEOPLE: &str = "ou=people,dc=example,dc=org";
/// `sign_in.directory_floor_ms` for the bench's server, printed with the sign-in figures.
pub const DIRECTORY_FLOOR_MS: &str = "20";
/// Two of the server's shortest refreshes and some.
const MIRROR_WAIT: Duration = Duration::from_secs(25);

/// slapd, stopped when dropped.
struct Slapd {
    dir: PathBuf,
    scripts: PathBuf,
    env: HashMap<String, String>,
}

impl Slapd {
    fn start(dir: &Path) -> Result<Self, String> {
        let scripts = std::path::absolute("directories/openldap")
            .map_err(|e| format!("cannot find directories/openldap: {e}"))?;
        let output = Command::new(scripts.join("start"))
            .arg(dir)
            .output()
            .map_err(|e| format!("cannot run directories/openldap/start: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "slapd did not start (scripts/install-tools.sh test installs it): {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let env = String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Ok(Self {
            dir: dir.to_owned(),
            scripts,
            env,
        })
    }

    fn value(&self, key: &str) -> Result<&str, String> {
        self.env
            .get(key)
            .map(String::as_str)
            .ok_or_else(|| format!("directories/openldap/start printed no {key}"))
    }

    /// Adds `count` people named as the bench's members, each with a mail address.
    fn add_people(&self, names: Names, count: usize) -> Result<(), String> {
        let mut ldif = String::new();
        for i in 0..count {
            let (uid, mail) = (names.member(i), names.member_email(i));
            ldif.push_str(&format!(
                "dn: uid={uid},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: Member {i}\nsn: Member\nmail: {mail}\nuserPassword: Initial-pass-{i}-x\n\n"
            ));
        }
        let mut child = Command::new("ldapadd")
            .args(["-x", "-H", self.value("LDAP_URL")?, "-D", ROOT_DN])
            .args(["-w", ROOT_PASSWORD])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run ldapadd: {e}"))?;
        child
            .stdin
            .take()
            .ok_or("ldapadd has no input")?
            .write_all(ldif.as_bytes())
            .map_err(|e| format!("writing to ldapadd: {e}"))?;
        let done = child
            .wait_with_output()
            .map_err(|e| format!("ldapadd: {e}"))?;
        if !done.status.success() {
            return Err(format!(
                "ldapadd refused the bench's people: {}",
                String::from_utf8_lossy(&done.stderr).trim()
            ));
        }
        Ok(())
    }

    /// The server's `[directory]` settings, as environment variables.
    fn server_env(&self) -> Result<Vec<(String, String)>, String> {
        let pair = |k: &str, v: &str| (format!("SSPR_DIRECTORY__{k}"), v.to_owned());
        Ok(vec![
            pair("KIND", "ldap"),
            pair("FLAVOUR", "openldap"),
            pair("URL", self.value("LDAPS_URL")?),
            pair("CA_FILE", self.value("LDAP_CA_FILE")?),
            pair("BIND_DN", "cn=sspr,ou=services,dc=example,dc=org"),
            pair("BIND_PASSWORD", "service-account-secret"),
            pair("USER_BASE", PEOPLE),
            pair("GROUP_BASE", "ou=groups,dc=example,dc=org"),
            // Should the first read of slapd at start-up fail, the next comes soon
            // (`wait_for_mirror`); 10 s is the shortest the server takes.
            pair("REFRESH_SECONDS", "10"),
            // The directory's own mail serves as the email method.
            ("SSPR_RESET__DIRECTORY_CONTACTS".into(), "true".into()),
            // Every sign-in comes from 127.0.0.1.
            ("SSPR_SIGN_IN__IP_LIMIT".into(), "1000000".into()),
            // Lower than the default 200 ms, so 2 x --resets sign-ins one at a time stay
            // short; still above slapd's bind time here (about 4 ms).
            (
                "SSPR_SIGN_IN__DIRECTORY_FLOOR_MS".into(),
                DIRECTORY_FLOOR_MS.into(),
            ),
        ])
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = Command::new(self.scripts.join("stop"))
            .arg(&self.dir)
            .status();
    }
}

/// What the bench measures against slapd.
pub struct DirectoryFigures {
    pub resets: Resets,
    pub sign_in: SignInTiming,
}

/// `--resets` whole resets against slapd, `--reset-concurrency` at a time, then as many
/// wrong sign-ins for known and for unknown names.
pub async fn directory_resets(
    args: &Args,
    binary: &Path,
    dist: &Path,
    http: &reqwest::Client,
) -> Result<DirectoryFigures, String> {
    let workdir = Workdir::create()?;
    progress("starting slapd for the directory resets");
    let slapd = Slapd::start(&workdir.path().join("slapd"))?;
    let names = Names {
        members: args.resets,
    };
    slapd.add_people(names, args.resets)?;
    let database = workdir.path().join("sspr.db");
    let mut extra = slapd.server_env()?;
    extra.extend(args.server_env.iter().cloned());
    let mut launch = plan::launch(args, binary, dist, &database, workdir.path());
    launch.extra_env = &extra;
    let server = ServerProcess::start(&launch, http).await?;
    let api = crate::client::Api::new(http.clone(), server.origin());
    progress(&format!(
        "{} whole resets against slapd, {} at a time",
        args.resets, args.reset_concurrency
    ));
    let reader = resets::open_reader(&database).await?;
    if let Err(e) = wait_for_mirror(&reader, args.resets).await {
        let log = server.log_tail();
        server.stop().await;
        return Err(format!("{e}; the server's log ends:\n{log}"));
    }
    let members = (0..args.resets).collect();
    let done = resets::run(&api, &reader, names, members, args.reset_concurrency).await;
    reader.close().await;
    let figures = match done {
        Ok(resets) => {
            progress("wrong sign-ins against slapd, known and unknown names interleaved");
            directory_sign_in::measure(&api, names, args.resets)
                .await
                .map(|sign_in| DirectoryFigures { resets, sign_in })
        }
        Err(e) => Err(e),
    };
    server.stop().await;
    figures
}

/// Waits until the server's mirror of the directory holds everyone added to slapd. The
/// server reads the directory before it serves, but serves an empty mirror when that read
/// fails, and a person not in the mirror gets a decoy wizard and no code.
async fn wait_for_mirror(reader: &sqlx::SqlitePool, people: usize) -> Result<(), String> {
    let deadline = Instant::now() + MIRROR_WAIT;
    loop {
        let mirrored: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE directory_id IS NOT NULL")
                .fetch_one(reader)
                .await
                .map_err(|e| format!("counting the mirrored people: {e}"))?;
        if usize::try_from(mirrored).is_ok_and(|n| n >= people) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "the server's directory mirror held {mirrored} of the {people} people in slapd after {} s (its reads of the directory failed)",
                MIRROR_WAIT.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
