//! The server under test: the release binary, started as a child process on a free port
//! with a fresh database in a temporary directory, and no configuration but the bench's
//! (no `sspr.toml` is read and no `SSPR_...` variable of the caller leaks in).

use crate::units::Bytes;
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

/// How long the server may take to answer `/healthz` after it is started.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// `reset.answer_floor_ms`, the server's default, set explicitly so the report can say how
/// much of each answer is spent waiting it out.
pub const ANSWER_FLOOR_MS: u64 = 6;

/// A directory of the bench's own, removed with everything in it when dropped.
pub struct Workdir(PathBuf);

impl Workdir {
    pub fn create() -> Result<Self, String> {
        let mut random = [0u8; 6];
        rand::fill(&mut random);
        let suffix: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let path = std::env::temp_dir().join(format!("sspr-bench-{}-{suffix}", std::process::id()));
        std::fs::create_dir(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(Self(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Workdir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What the server is started with, beyond the defaults every deployment gets.
pub struct Launch<'a> {
    pub binary: &'a Path,
    pub static_dir: &'a Path,
    pub database: &'a Path,
    pub workdir: &'a Path,
    pub captcha_difficulty: u8,
    pub max_resets_per_day: u8,
    /// Wizard starts per client address per window: every request comes from 127.0.0.1.
    pub ip_limit: u32,
    /// Set last, so these win over the bench's own settings.
    pub extra_env: &'a [(String, String)],
}

pub struct ServerProcess {
    child: Child,
    pid: u32,
    origin: String,
    log: PathBuf,
}

impl ServerProcess {
    pub async fn start(launch: &Launch<'_>, http: &reqwest::Client) -> Result<Self, String> {
        let port = free_port()?;
        let origin = format!("http://127.0.0.1:{port}");
        let log = launch.workdir.join("server.log");
        let out = std::fs::File::create(&log)
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("cannot share {}: {e}", log.display()))?;
        let mut command = Command::new(launch.binary);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("SSPR_") {
                command.env_remove(key);
            }
        }
        command
            .current_dir(launch.workdir)
            .env("SSPR_BIND", format!("127.0.0.1:{port}"))
            .env("SSPR_PUBLIC_BASE_URL", &origin)
            .env("SSPR_DATABASE_PATH", launch.database)
            .env("SSPR_STATIC_DIR", launch.static_dir)
            .env(
                "SSPR_RESET__CAPTCHA_DIFFICULTY",
                launch.captcha_difficulty.to_string(),
            )
            .env(
                "SSPR_RESET__MAX_RESETS_PER_DAY",
                launch.max_resets_per_day.to_string(),
            )
            .env("SSPR_RESET__IP_LIMIT", launch.ip_limit.to_string())
            .env("SSPR_RESET__ANSWER_FLOOR_MS", ANSWER_FLOOR_MS.to_string())
            .envs(launch.extra_env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .kill_on_drop(true);
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", launch.binary.display()))?;
        let pid = child
            .id()
            .ok_or_else(|| "the server exited at once".to_owned())?;
        let mut server = Self {
            child,
            pid,
            origin,
            log,
        };
        server.wait_until_healthy(http).await?;
        Ok(server)
    }

    async fn wait_until_healthy(&mut self, http: &reqwest::Client) -> Result<(), String> {
        let started = Instant::now();
        let url = format!("{}/healthz", self.origin);
        loop {
            self.check_running()?;
            if let Ok(reply) = http.get(&url).send().await {
                if reply.status().is_success() {
                    return Ok(());
                }
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "the server did not answer /healthz within {} s; its log ends:\n{}",
                    START_TIMEOUT.as_secs(),
                    self.log_tail()
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Fails, with the end of the server's log, when the server has exited.
    pub fn check_running(&mut self) -> Result<(), String> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(format!(
                "the server exited ({status}); its log ends:\n{}",
                self.log_tail()
            )),
            Err(e) => Err(format!("cannot watch the server process: {e}")),
        }
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn memory(&self) -> Result<Memory, String> {
        let path = format!("/proc/{}/status", self.pid);
        let status =
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
        Memory::parse(&status).ok_or_else(|| format!("{path} has no VmRSS or VmHWM line"))
    }

    pub async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }

    /// The last lines of the server's log, for an error that needs them.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

/// A port nothing listens on right now (the server binds it a moment later).
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| format!("cannot find a free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}

/// The server's resident memory now, and the most it has had since it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    pub resident: Bytes,
    pub peak: Bytes,
}

impl Memory {
    /// Reads `VmRSS` and `VmHWM` (in kB, that is KiB) from `/proc/<pid>/status`.
    fn parse(status: &str) -> Option<Self> {
        let field = |name: &str| {
            status.lines().find_map(|line| {
                let rest = line.strip_prefix(name)?.strip_prefix(':')?;
                let kib: u64 = rest.trim().strip_suffix("kB")?.trim().parse().ok()?;
                Some(Bytes(kib * 1024))
            })
        };
        Some(Self {
            resident: field("VmRSS")?,
            peak: field("VmHWM")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_read_from_proc_status_in_kib() {
        let status =
            "Name:\tsspr\nVmPeak:\t  900000 kB\nVmHWM:\t   40960 kB\nVmRSS:\t   20480 kB\n";
        let memory = Memory::parse(status).unwrap();
        assert_eq!(memory.resident, Bytes(20480 * 1024));
        assert_eq!(memory.peak, Bytes(40960 * 1024));
        assert_eq!(Memory::parse("VmRSS:\t1 kB\n"), None, "VmHWM is missing");
    }
}
