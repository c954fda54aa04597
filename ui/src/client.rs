//! The browser side of every server function: one `fetch` for all of them.
//!
//! The server-function macros would give each function its own copy of the request and
//! response handling, inlined into each caller; across twenty functions that is a large
//! share of the wasm bundle, which has a size budget. Here only the JSON encoding of the
//! arguments and the decoding of the answer differ per function, and both stay out of
//! the callers' futures: the request, the status check and the decoding of an error are
//! one boxed future shared by every call. The arguments are the server function's own
//! type and the path is its own `PATH`, so nothing is written twice.

use app::domain::AppError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use server_fn::ServerFn;
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

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

/// POSTs JSON and returns whether the status was 2xx, and the body.
async fn post(path: &str, body: String) -> Result<(bool, String), AppError> {
    let network = |_: JsValue| AppError::Network;
    let headers = web_sys::Headers::new().map_err(network)?;
    headers
        .set("Content-Type", "application/json")
        .map_err(network)?;
    headers.set("Accept", "application/json").map_err(network)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&body));
    let window = web_sys::window().ok_or(AppError::Network)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(network)?
        .dyn_into()
        .map_err(network)?;
    let text = JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?
        .as_string()
        .unwrap_or_default();
    Ok((response.ok(), text))
}
