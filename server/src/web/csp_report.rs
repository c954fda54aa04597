//! `POST /csp-report`: browsers report Content-Security-Policy violations here, so an
//! injected script or a broken deployment shows up in the logs and metrics. Reports are
//! untrusted input: only the directive name (from a fixed list) becomes a metric label,
//! and URIs are logged without query or fragment, where tokens could hide.

use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "csp-report")]
    report: Report,
}

#[derive(Deserialize)]
struct Report {
    #[serde(rename = "effective-directive", default)]
    effective_directive: String,
    #[serde(rename = "violated-directive", default)]
    violated_directive: String,
    #[serde(rename = "blocked-uri", default)]
    blocked_uri: String,
}

const DIRECTIVES: [&str; 12] = [
    "default-src",
    "script-src",
    "script-src-elem",
    "script-src-attr",
    "style-src",
    "style-src-elem",
    "style-src-attr",
    "img-src",
    "font-src",
    "connect-src",
    "form-action",
    "frame-ancestors",
];

/// A directive name fit to be a metric label.
fn label(report: &Report) -> &'static str {
    let named = if report.effective_directive.is_empty() {
        report
            .violated_directive
            .split_whitespace()
            .next()
            .unwrap_or("")
    } else {
        report.effective_directive.as_str()
    };
    DIRECTIVES
        .iter()
        .find(|d| **d == named)
        .copied()
        .unwrap_or("other")
}

fn without_query(uri: &str) -> &str {
    let end = uri.find(['?', '#']).unwrap_or(uri.len());
    &uri[..end.min(200)]
}

pub async fn receive(body: Bytes) -> Response {
    match serde_json::from_slice::<Envelope>(&body) {
        Ok(Envelope { report }) => {
            let directive = label(&report);
            metrics::counter!("sspr_csp_violations_total", "directive" => directive).increment(1);
            tracing::warn!(
                directive,
                blocked = without_query(&report.blocked_uri),
                "content security policy violation"
            );
            StatusCode::NO_CONTENT.into_response()
        }
        Err(_) => (StatusCode::BAD_REQUEST, "not a CSP report\n").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(effective: &str, violated: &str) -> Report {
        Report {
            effective_directive: effective.into(),
            violated_directive: violated.into(),
            blocked_uri: String::new(),
        }
    }

    #[test]
    fn only_known_directives_become_labels() {
        assert_eq!(label(&report("script-src-elem", "")), "script-src-elem");
        assert_eq!(label(&report("", "style-src 'self'")), "style-src");
        assert_eq!(label(&report("made-up-directive-1234", "")), "other");
    }

    #[test]
    fn queries_and_fragments_are_cut_from_uris() {
        assert_eq!(
            without_query("https://x.test/reset?token=secret#t=1"),
            "https://x.test/reset"
        );
        assert_eq!(without_query("inline"), "inline");
    }
}
