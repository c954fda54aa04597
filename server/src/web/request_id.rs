//! The request id every log line and error carries.

/// The id `SetRequestIdLayer` gave this request.
pub(crate) fn request_id(headers: &http::HeaderMap) -> &str {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
}
