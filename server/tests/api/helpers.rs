use app::domain::{proof_of_work, Role};
use axum::body::Body;
use axum::Router;
use http::{Request, StatusCode};
use serde_json::{json, Value};
use server::accounts::store::{self, NewUser};
use server::clock::{Clock, ManualClock};
use server::config::RawConfig;
use server::AppState;
use std::sync::Arc;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    /// `name=value` of the session cookie this reply set, if any.
    pub fn session_cookie(&self) -> Option<String> {
        let header = self.headers.get(http::header::SET_COOKIE)?.to_str().ok()?;
        let pair = header.split(';').next()?;
        (!pair.ends_with('=')).then(|| pair.to_owned())
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut RawConfig)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut raw = RawConfig {
        database_path: dir.path().join("sspr.db").display().to_string(),
        static_dir: dir.path().join("no-dist").display().to_string(),
        ..RawConfig::default()
    };
    raw.sign_in.ip_limit = 1_000;
    adjust(&mut raw);
    let config = raw.check().unwrap();
    let pool = server::db::connect(&config.database_path).await.unwrap();
    let clock = ManualClock::new(1_800_000_000);
    let state = AppState::new(config, pool, clock.clone()).expect("state");
    let router = server::web::router(state.clone());
    TestApp {
        state,
        router,
        clock,
        _dir: dir,
    }
}

impl TestApp {
    pub fn origin(&self) -> String {
        self.state.config.public_origin.clone()
    }

    pub async fn add_user(&self, username: &str, roles: &[Role]) -> i64 {
        self.add_user_with(username, PASSWORD, roles, false).await
    }

    pub async fn add_user_with(
        &self,
        username: &str,
        password: &str,
        roles: &[Role],
        must_change: bool,
    ) -> i64 {
        let now = self.clock.now();
        let mut conn = self.state.pool.acquire().await.unwrap();
        let user = NewUser {
            username: app::domain::Username::parse(username).unwrap(),
            display_name: format!("{username} display"),
            email: Some(format!("{}@example.org", username.to_lowercase())),
            phone: None,
            must_change_password: must_change,
        };
        let id = store::insert_user(&mut conn, &user, now).await.unwrap();
        let phc = self.state.hasher.hash(password).await.unwrap();
        store::set_password(&mut conn, id, &phc, self.state.hasher.params(), now)
            .await
            .unwrap();
        for role in roles {
            store::grant_role(&mut conn, id, *role, now).await.unwrap();
        }
        id
    }

    /// Sends a raw request through the whole router.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }

    /// Sends a request as if it came over a connection from `peer`, as `axum::serve` with
    /// connect info tells the handlers (`send` alone gives no peer address).
    pub async fn send_from(&self, peer: &str, mut request: Request<Body>) -> Reply {
        let ip: std::net::IpAddr = peer.parse().unwrap();
        let addr = std::net::SocketAddr::new(ip, 40_000);
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(addr));
        self.send(request).await
    }

    /// Calls a server function as the browser does, with our Origin.
    pub async fn call(&self, function: &str, args: Value, cookie: Option<&str>) -> Reply {
        let mut request = Request::post(format!("/api/{function}"))
            .header("content-type", "application/json")
            .header("origin", self.origin());
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        self.send(request.body(Body::from(args.to_string())).unwrap())
            .await
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Reply {
        self.call(
            "sign_in",
            serde_json::json!({ "username": username, "password": password }),
            None,
        )
        .await
    }

    /// Signs in and returns the session cookie, failing the test if sign-in fails.
    pub async fn session(&self, username: &str) -> String {
        let reply = self.sign_in(username, PASSWORD).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.session_cookie().expect("a session cookie")
    }

    /// The reset policy page as `cookie` loads it: `reset`, `registration`, `revisions`.
    pub async fn policy_editor(&self, cookie: &str) -> Value {
        let reply = self
            .call("admin_reset_policy", serde_json::json!({}), Some(cookie))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.body
    }

    /// Loads the reset policy page, lets `edit` change the reset and registration policy,
    /// and saves them as the dashboard does, at the revisions just loaded.
    pub async fn edit_policies(
        &self,
        cookie: &str,
        edit: impl FnOnce(&mut Value, &mut Value),
    ) -> Reply {
        let editor = self.policy_editor(cookie).await;
        let (mut reset, mut registration) =
            (editor["reset"].clone(), editor["registration"].clone());
        edit(&mut reset, &mut registration);
        let args = serde_json::json!({
            "reset": reset,
            "registration": registration,
            "revisions": editor["revisions"],
        });
        self.call("admin_save_reset_policy", args, Some(cookie))
            .await
    }

    pub async fn current_user(&self, cookie: &str) -> Value {
        self.call("current_user", serde_json::json!({}), Some(cookie))
            .await
            .body
    }
}

/// The callers `assert_roles` tries, by username; `role_callers` creates them.
const ROLE_CALLERS: [(&str, Option<Role>); 4] = [
    ("rc-plain", None),
    ("rc-global", Some(Role::GlobalAdmin)),
    ("rc-helpdesk", Some(Role::HelpdeskAdmin)),
    ("rc-reports", Some(Role::ReportsReader)),
];

/// Sessions for a plain user and one user of each admin role, for `assert_roles`.
pub struct RoleCallers(Vec<(Option<Role>, String)>);

impl TestApp {
    pub async fn role_callers(&self) -> RoleCallers {
        let mut sessions = Vec::new();
        for (name, role) in ROLE_CALLERS {
            self.add_user(name, role.as_slice()).await;
            sessions.push((role, self.session(name).await));
        }
        RoleCallers(sessions)
    }

    /// Calls `function` with no session (401), as a plain user (403) and as each admin
    /// role: refused with 403 unless the role is in `allowed`, never 401/403 if it is.
    /// `args` must be a valid call, since an allowed role's call really runs.
    pub async fn assert_roles(
        &self,
        callers: &RoleCallers,
        function: &str,
        args: Value,
        allowed: &[Role],
    ) {
        let anonymous = self.call(function, args.clone(), None).await;
        assert_eq!(
            anonymous.status, 401,
            "{function} without a session: {}",
            anonymous.text
        );
        for (role, cookie) in &callers.0 {
            let reply = self.call(function, args.clone(), Some(cookie)).await;
            let may = role.is_some_and(|r| allowed.contains(&r));
            if may {
                assert!(
                    reply.status != 401 && reply.status != 403,
                    "{function} as {role:?} should be allowed: {} {}",
                    reply.status,
                    reply.text
                );
            } else {
                assert_eq!(reply.status, 403, "{function} as {role:?}: {}", reply.text);
                assert_eq!(reply.body, serde_json::json!("Forbidden"));
            }
        }
    }
}

// The reset wizard's first step and its codes, for every test that walks it.

/// A solved CAPTCHA: (challenge, nonce).
pub async fn solved(app: &TestApp) -> (String, u64) {
    let reply = app.call("reset_challenge", json!({}), None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let challenge = reply.body["challenge"].as_str().unwrap().to_owned();
    let difficulty = reply.body["difficulty"].as_u64().unwrap() as u8;
    let nonce = proof_of_work::search(&challenge, difficulty, 0, 1 << 24).unwrap();
    (challenge, nonce)
}

/// `name=value` of the wizard cookie a reply set.
pub fn wizard_cookie(reply: &Reply) -> Option<String> {
    reply
        .headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("sspr_reset="))
        .and_then(|v| v.split(';').next())
        .filter(|pair| !pair.ends_with('='))
        .map(str::to_owned)
}

pub async fn begin(app: &TestApp, user: &str) -> (Reply, Option<String>) {
    let (challenge, nonce) = solved(app).await;
    let reply = app
        .call(
            "reset_begin",
            json!({ "user": user, "challenge": challenge, "nonce": nonce, "language": "en" }),
            None,
        )
        .await;
    let cookie = wizard_cookie(&reply);
    (reply, cookie)
}

/// The eight-digit code in the newest outbox message to `recipient`.
pub async fn code_for(app: &TestApp, recipient: &str) -> String {
    let body: String = sqlx::query_scalar(
        "SELECT body_text FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(recipient)
    .fetch_one(&app.state.pool)
    .await
    .unwrap();
    body.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 8)
        .unwrap_or_else(|| panic!("no code in {body:?}"))
        .to_owned()
}

pub fn step_name(reply: &Reply) -> String {
    let step = &reply.body["step"];
    match step {
        Value::String(s) => s.clone(),
        Value::Object(map) => map.keys().next().cloned().unwrap_or_default(),
        _ => panic!("no step in {}", reply.text),
    }
}
