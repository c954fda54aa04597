//! Time to interactive of `/reset` and `/admin` in headless Chromium: cold loads against
//! a server the bench already runs, driven by `end2end/harness/interactive.mjs` with the
//! Playwright packages of `end2end/` and Debian's Chromium (which `make bench` installs).
//! When those are missing, the figure says so instead of failing the bench.

use crate::client::Api;
use crate::progress::progress;
use std::path::Path;
use tokio::process::Command;

const SCRIPT: &str = "end2end/harness/interactive.mjs";
const PACKAGES: &str = "end2end/node_modules/@playwright/test";
const CHROMIUM: &str = "/usr/bin/chromium";

/// The page whose loads are timed; the script knows what "usable" means for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The user-ID field is there and enabled.
    Reset,
    /// Signed in as an admin: the section navigation and the overview's figures are shown.
    Admin,
}

impl Page {
    fn name(self) -> &'static str {
        match self {
            Self::Reset => "reset",
            Self::Admin => "admin",
        }
    }

    pub fn path(self) -> &'static str {
        match self {
            Self::Reset => "/reset",
            Self::Admin => "/admin",
        }
    }
}

/// Each cold load's time from navigation start to usable, in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Loads {
    pub samples_ms: Vec<f64>,
    pub median_ms: f64,
}

/// The loads, or why there are none (said in the report in place of the figure).
pub type Interactive = Result<Loads, String>;

/// `loads` cold loads of `/reset` on the server at `origin`.
pub async fn reset(origin: &str, loads: usize) -> Interactive {
    time(origin, Page::Reset, loads, None).await
}

/// `loads` cold loads of `/admin`, signed in as the seeded admin, whose sign-in asks for
/// security info: postponed once for the session, as an admin would, so `/admin` shows.
pub async fn admin(api: &Api, origin: &str, loads: usize) -> Interactive {
    let cookie = crate::admin_load::sign_in(api).await?;
    let reply = api
        .call("postpone_registration", "{}".into(), Some(&cookie))
        .await?;
    if reply.status != 200 {
        return Err(format!(
            "postponing the admin's registration answered {}",
            reply.status
        ));
    }
    time(origin, Page::Admin, loads, Some(&cookie)).await
}

async fn time(origin: &str, page: Page, loads: usize, cookie: Option<&str>) -> Interactive {
    missing_tools()?;
    progress(&format!(
        "time to interactive of {}: {loads} cold loads in headless Chromium",
        page.path()
    ));
    let mut command = Command::new("node");
    command
        .arg(SCRIPT)
        .args([origin, page.name(), &loads.to_string()])
        .env("CHROMIUM", CHROMIUM)
        .kill_on_drop(true);
    if let Some(cookie) = cookie {
        command.env("SESSION_COOKIE", cookie);
    }
    let output = command.output().await.map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "n/a (node is not installed)".to_owned(),
        _ => format!("n/a (cannot run node: {e})"),
    })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(format!("failed ({}): {last}", output.status));
    }
    parse(&String::from_utf8_lossy(&output.stdout))
}

/// What `make bench` installs but a bare `sspr-bench` may lack, as the report's words.
fn missing_tools() -> Result<(), String> {
    if !Path::new(SCRIPT).is_file() {
        return Err(format!(
            "n/a (no {SCRIPT}: run the bench from the repository's root)"
        ));
    }
    if !Path::new(PACKAGES).is_dir() {
        return Err("n/a (end2end/node_modules is missing: `make test-tools` installs it)".into());
    }
    if !Path::new(CHROMIUM).is_file() {
        return Err(format!(
            "n/a (no {CHROMIUM}: `make test-tools` installs it)"
        ));
    }
    Ok(())
}

/// The script's one line of JSON: `{"samples_ms": [...], "median_ms": ...}`.
fn parse(stdout: &str) -> Interactive {
    let line = stdout.lines().rfind(|l| l.starts_with('{')).unwrap_or("");
    let value: serde_json::Value = serde_json::from_str(line)
        .map_err(|e| format!("failed: the script printed no figures ({e})"))?;
    let samples_ms: Vec<f64> = value["samples_ms"]
        .as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
        .unwrap_or_default();
    let median_ms = value["median_ms"].as_f64();
    match median_ms {
        Some(median_ms) if !samples_ms.is_empty() => Ok(Loads {
            samples_ms,
            median_ms,
        }),
        _ => Err(format!("failed: the script printed {line:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scripts_line_gives_each_sample_and_the_median() {
        let out = "{\"page\":\"reset\",\"path\":\"/reset\",\"samples_ms\":[210.5,190,230],\"median_ms\":210.5}\n";
        let loads = parse(out).unwrap();
        assert_eq!(loads.samples_ms, vec![210.5, 190.0, 230.0]);
        assert_eq!(loads.median_ms, 210.5);
        assert!(parse("").is_err());
        assert!(parse("{\"samples_ms\":[],\"median_ms\":1}").is_err());
    }
}
