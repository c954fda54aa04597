//! Calls to the server's functions as the browser makes them: POST `/api/<name>` with a
//! JSON body, our Origin, and the wizard (or admin session) cookie once there is one. One
//! keep-alive client (connections are reused) and no proxy, whatever the environment says.

use app::api::PowChallenge;
use app::domain::proof_of_work;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    origin: Arc<str>,
}

pub struct Reply {
    pub status: u16,
    /// `sspr_reset=...` when the reply set a non-empty wizard cookie.
    pub cookie: Option<String>,
    /// `sspr_session=...` (`__Host-sspr_session=...` on https) when the reply set a
    /// non-empty session cookie (sign-in).
    pub session: Option<String>,
    pub text: String,
}

impl Reply {
    /// Fails unless the reply is a 200 whose step is `step`.
    pub fn expect_step(&self, call: &str, step: &str) -> Result<(), String> {
        if self.status == 200 && self.text.contains(&format!("\"{step}\"")) {
            Ok(())
        } else {
            Err(format!(
                "{call} answered {} where step {step} was expected: {}",
                self.status,
                self.text.chars().take(300).collect::<String>()
            ))
        }
    }

    /// Fails unless the reply is a `status` carrying the error `error`.
    pub fn expect_error(&self, call: &str, status: u16, error: &str) -> Result<(), String> {
        if self.status == status && self.text.contains(&format!("\"{error}\"")) {
            Ok(())
        } else {
            Err(format!(
                "{call} answered {} where {status} {error} was expected: {}",
                self.status,
                self.text.chars().take(300).collect::<String>()
            ))
        }
    }
}

/// A `reset_begin` body with a solved CAPTCHA, ready to send.
pub struct Ticket {
    pub known: bool,
    pub body: String,
}

pub fn http_client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .no_proxy()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(usize::MAX)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

impl Api {
    pub fn new(http: reqwest::Client, origin: &str) -> Self {
        Self {
            http,
            origin: origin.into(),
        }
    }

    pub async fn call(
        &self,
        function: &str,
        body: String,
        cookie: Option<&str>,
    ) -> Result<Reply, String> {
        let mut request = self
            .http
            .post(format!("{}/api/{function}", self.origin))
            .header("content-type", "application/json")
            .header("origin", &*self.origin)
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("{function}: {e}"))?;
        let status = response.status().as_u16();
        let set_cookie = |name: &str| {
            response
                .headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find(|v| v.starts_with(name))
                .and_then(|v| v.split(';').next())
                .filter(|pair| !pair.ends_with('='))
                .map(str::to_owned)
        };
        let cookie = set_cookie("sspr_reset=");
        let session = set_cookie("sspr_session=").or_else(|| set_cookie("__Host-sspr_session="));
        let text = response
            .text()
            .await
            .map_err(|e| format!("{function}: {e}"))?;
        Ok(Reply {
            status,
            cookie,
            session,
            text,
        })
    }

    /// Fetches a CAPTCHA challenge and solves it: the client's part of the first step.
    pub async fn solved_challenge(&self) -> Result<(String, u64), String> {
        let reply = self.call("reset_challenge", "{}".into(), None).await?;
        if reply.status != 200 {
            return Err(format!(
                "reset_challenge answered {}: {}",
                reply.status, reply.text
            ));
        }
        let challenge: PowChallenge = serde_json::from_str(&reply.text)
            .map_err(|e| format!("reset_challenge answered {}: {e}", reply.text))?;
        let nonce = proof_of_work::search(&challenge.challenge, challenge.difficulty, 0, u64::MAX)
            .ok_or_else(|| "no nonce solves the challenge".to_owned())?;
        Ok((challenge.challenge, nonce))
    }

    /// A `reset_begin` body for `user` with a freshly solved challenge.
    pub async fn ticket(&self, user: &str, known: bool) -> Result<Ticket, String> {
        let (challenge, nonce) = self.solved_challenge().await?;
        let body = serde_json::json!({
            "user": user,
            "challenge": challenge,
            "nonce": nonce,
            "language": "en",
        })
        .to_string();
        Ok(Ticket { known, body })
    }

    /// Tickets for every `(name, known)`, `concurrency` fetched at a time, in order.
    pub async fn tickets(
        &self,
        people: Vec<(String, bool)>,
        concurrency: usize,
    ) -> Result<Vec<Ticket>, String> {
        let people = Arc::new(people);
        let mut workers = Vec::new();
        for worker in 0..concurrency.max(1) {
            let api = self.clone();
            let people = Arc::clone(&people);
            let step = concurrency.max(1);
            workers.push(tokio::spawn(async move {
                let mut out = Vec::new();
                for i in (worker..people.len()).step_by(step) {
                    let (name, known) = &people[i];
                    out.push((i, api.ticket(name, *known).await?));
                }
                Ok::<_, String>(out)
            }));
        }
        let mut all = Vec::with_capacity(people.len());
        for worker in workers {
            let part = worker
                .await
                .map_err(|e| format!("a challenge fetcher failed: {e}"))??;
            all.extend(part);
        }
        all.sort_by_key(|(i, _)| *i);
        Ok(all.into_iter().map(|(_, ticket)| ticket).collect())
    }
}
