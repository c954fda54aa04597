//! `[delivery.sms]`: the HTTP SMS provider, and the JSON body sent to it.

use super::problem::{fail, range, SettingError};
use app::domain::FieldProblem;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSms {
    pub url: String,
    pub method: String,
    pub headers: BTreeMap<String, String>,
    pub body_template: String,
    pub timeout_seconds: i64,
}

impl Default for RawSms {
    fn default() -> Self {
        Self {
            url: String::new(),
            method: "POST".into(),
            headers: BTreeMap::new(),
            body_template: r#"{"to": {{to}}, "text": {{text}}}"#.into(),
            timeout_seconds: 10,
        }
    }
}

#[derive(Clone)]
pub struct SmsConfig {
    pub url: url::Url,
    pub method: http::Method,
    pub headers: Vec<(http::HeaderName, http::HeaderValue)>,
    pub body_template: String,
    pub timeout: Duration,
}

impl fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("SmsConfig")
            .field("host", &self.url.host_str())
            .field("method", &self.method)
            .field("headers", &names)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RawSms {
    /// Checks the SMS settings; `None` when no provider URL is set.
    pub(crate) fn check(self) -> Result<Option<SmsConfig>, SettingError> {
        // Everything but the URL is checked even without one, so a mistake shows before
        // it matters.
        check_template(&self.body_template)?;
        let timeout = range("delivery.sms.timeout_seconds", self.timeout_seconds, 1, 30)?;
        let method = match self.method.to_ascii_uppercase().as_str() {
            "POST" => http::Method::POST,
            "PUT" => http::Method::PUT,
            "PATCH" => http::Method::PATCH,
            other => {
                return Err(fail(
                    "delivery.sms.method",
                    FieldProblem::UnknownChoice,
                    format!("must be POST, PUT or PATCH, got \"{other}\""),
                ))
            }
        };
        let headers = check_headers(&self.headers)?;
        let raw_url = self.url.trim();
        if raw_url.is_empty() {
            return Ok(None);
        }
        let bad_url = |reason: String| fail("delivery.sms.url", FieldProblem::Url, reason);
        // The URL may carry an API key, so errors do not repeat it.
        let url = url::Url::parse(raw_url).map_err(|e| bad_url(format!("is not a URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad_url("scheme must be http or https".into()));
        }
        if url.host_str().is_none() {
            return Err(bad_url("must name a host".into()));
        }
        Ok(Some(SmsConfig {
            url,
            method,
            headers,
            body_template: self.body_template,
            timeout: Duration::from_secs(timeout as u64),
        }))
    }

    /// The raw form of checked settings (the defaults when there is no provider).
    pub fn from_checked(sms: Option<&SmsConfig>) -> Self {
        let Some(sms) = sms else {
            return Self::default();
        };
        Self {
            url: sms.url.to_string(),
            method: sms.method.to_string(),
            headers: sms
                .headers
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.as_str().to_owned(), value)
                })
                .collect(),
            body_template: sms.body_template.clone(),
            timeout_seconds: sms.timeout.as_secs() as i64,
        }
    }
}

/// The template must use both placeholders and give valid JSON for awkward sample values.
fn check_template(template: &str) -> Result<(), SettingError> {
    let key = "delivery.sms.body_template";
    for placeholder in ["{{to}}", "{{text}}"] {
        if !template.contains(placeholder) {
            return Err(fail(
                key,
                FieldProblem::SmsTemplate,
                format!("must contain {placeholder}"),
            ));
        }
    }
    let sample = crate::delivery::sms_body::render_body(
        template,
        "+306900000000",
        "Your code is \"123456\".\nIt expires in 10 minutes.",
    );
    serde_json::from_str::<serde_json::Value>(&sample)
        .map(|_| ())
        .map_err(|e| {
            fail(
                key,
                FieldProblem::SmsTemplate,
                format!("does not give valid JSON ({e})"),
            )
        })
}

/// Header values may be API keys: they are marked sensitive, and errors do not quote them.
fn check_headers(
    headers: &BTreeMap<String, String>,
) -> Result<Vec<(http::HeaderName, http::HeaderValue)>, SettingError> {
    let mut checked = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        let key = format!("delivery.sms.headers.{name}");
        let header_name = http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| fail(&key, FieldProblem::Header, "is not a valid header name"))?;
        let mut header_value = http::HeaderValue::from_str(value).map_err(|_| {
            fail(
                &key,
                FieldProblem::Header,
                "value is not a valid header value",
            )
        })?;
        header_value.set_sensitive(true);
        checked.push((header_name, header_value));
    }
    Ok(checked)
}
