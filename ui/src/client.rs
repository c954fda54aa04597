//! The browser side of every server function: one `fetch` for all of them.
//!
//! The server-function macros would give each function its own copy of the request and
//! response handling, inlined into each caller; across twenty functions that is a large
//! share of the wasm bundle, which has a size budget. Here only the JSON encoding of the
//! arguments and the decoding of the answer differ per function, and both stay out of
//! the callers' futures: the request, the status check and the decoding of an error are
//! one boxed future shared by every call. The arguments are the server function's own
//! type and the path is its own `PATH`, so nothing is written twice.
//!
//! gloo-net (its `http` feature only) in place of hand-driven web-sys `fetch` costs about
//! 2 KB gzipped (wasm + JS, `-9`): users' bundle 220,586 -> 222,619 bytes, admin's
//! 332,501 -> 334,582 (CSS adds 3,294 to each).

use app::domain::AppError;
use gloo_net::http::Request;
use serde::de::DeserializeOwned;
use serde::Serialize;
use server_fn::ServerFn;
use std::future::Future;
use std::pin::Pin;

/// Calls a server function, e.g. `call(SignIn { username, password })`.
pub fn call<F>(args: F) -> impl Future<Output = Result<F::Output, AppError>>
where
    F: ServerFn + Serialize,
    F::Output: DeserializeOwned,
{
    // Plain structs of strings and numbers always encode; the message is never shown
    // (the user sees the generic "bad request" text), so it need not carry serde's.
    let body = serde_json::to_string(&args)
        .map_err(|_| AppError::BadRequest("arguments could not be encoded".to_owned()));
    let reply = send(F::PATH, body);
    async move { decode(&reply.await?) }
}

/// The answer of a successful call; an unreadable one means it never really arrived.
#[inline(never)]
fn decode<T: DeserializeOwned>(text: &str) -> Result<T, AppError> {
    serde_json::from_str(text).map_err(|_| AppError::Network)
}

/// POSTs the JSON body; the body of a 2xx answer, or the error the server answered with.
/// Boxed, so every call shares this one copy instead of inlining it.
fn send(
    path: &'static str,
    body: Result<String, AppError>,
) -> Pin<Box<dyn Future<Output = Result<String, AppError>>>> {
    Box::pin(async move {
        let (ok, text) = post(path, body?).await?;
        if ok {
            Ok(text)
        } else {
            // Errors arrive as the JSON of `AppError`; anything else (a proxy's error
            // page) means the server's answer never really arrived.
            Err(serde_json::from_str(&text).unwrap_or(AppError::Network))
        }
    })
}

/// POSTs JSON and returns whether the status was 2xx, and the body. Credentials are
/// fetch's default (same-origin), so the session cookie goes along; any failure to reach
/// the server or read its answer is a network error.
async fn post(path: &str, body: String) -> Result<(bool, String), AppError> {
    let network = |_: gloo_net::Error| AppError::Network;
    let response = Request::post(path)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .body(body)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    let text = response.text().await.map_err(network)?;
    Ok((response.ok(), text))
}
