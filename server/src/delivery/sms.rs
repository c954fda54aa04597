//! SMS through an HTTP provider: one JSON request per message, built from the configured
//! template.

use super::settings::SmsConfig;
use super::sms_body::render_body;
use super::transport::{OutgoingMessage, Transport};
use async_trait::async_trait;

pub struct HttpSmsTransport {
    client: reqwest::Client,
    config: SmsConfig,
}

impl HttpSmsTransport {
    pub fn new(config: &SmsConfig) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            // Provider redirects are not followed: a redirect could carry the body (and
            // the code in it) somewhere unexpected.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Self {
            client,
            config: config.clone(),
        })
    }
}

#[async_trait]
impl Transport for HttpSmsTransport {
    async fn send(&self, message: &OutgoingMessage) -> Result<(), String> {
        let body = render_body(
            &self.config.body_template,
            &message.recipient,
            &message.text,
        );
        let mut request = self
            .client
            .request(self.config.method.clone(), self.config.url.clone());
        let mut has_content_type = false;
        for (name, value) in &self.config.headers {
            has_content_type |= name == http::header::CONTENT_TYPE;
            request = request.header(name.clone(), value.clone());
        }
        if !has_content_type {
            request = request.header(http::header::CONTENT_TYPE, "application/json");
        }
        // without_url: the URL may carry the provider's API key.
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|e| format!("SMS provider request failed: {}", e.without_url()))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            // The response body is not quoted: providers may echo the message (and code).
            Err(format!("SMS provider answered {status}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn the_template_gets_escaped_json_strings_and_stays_valid_json() {
        let text = "Your code is \"123 456\".\nBackslash \\ and {{to}} stay text.";
        let body = render_body(
            r#"{"to": {{to}}, "text": {{text}}, "sender": "sspr {{x}}"}"#,
            "+306912345678",
            text,
        );
        let value: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(value["to"], "+306912345678");
        assert_eq!(value["text"], text);
        assert_eq!(value["sender"], "sspr {{x}}");
    }

    /// A provider on a local port that records each request and answers `status`.
    async fn provider(status: u16) -> (String, Arc<Mutex<Vec<(http::HeaderMap, String)>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        let app = axum::Router::new().route(
            "/send",
            axum::routing::put(move |headers: http::HeaderMap, body: String| {
                let record = record.clone();
                async move {
                    record.lock().unwrap().push((headers, body));
                    http::StatusCode::from_u16(status).unwrap()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/send?key=s3cret", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, seen)
    }

    fn transport(url: &str) -> HttpSmsTransport {
        let raw = crate::delivery::settings::RawSms {
            url: url.to_owned(),
            method: "PUT".into(),
            headers: [("Authorization".to_owned(), "Bearer k3y".to_owned())].into(),
            ..Default::default()
        };
        let config = crate::delivery::settings::RawDelivery {
            sms: raw,
            ..Default::default()
        }
        .check()
        .unwrap();
        HttpSmsTransport::new(config.sms.as_ref().unwrap()).unwrap()
    }

    fn message() -> OutgoingMessage {
        OutgoingMessage {
            id: 7,
            channel: crate::delivery::Channel::Sms,
            recipient: "+306912345678".into(),
            subject: String::new(),
            text: "Code \"42\"\nbye".into(),
            html: None,
            language: "el".into(),
        }
    }

    #[tokio::test]
    async fn the_provider_gets_the_method_headers_and_json_body() {
        let (url, seen) = provider(200).await;
        transport(&url).send(&message()).await.unwrap();
        let seen = seen.lock().unwrap();
        let (headers, body) = &seen[0];
        assert_eq!(headers["authorization"], "Bearer k3y");
        assert_eq!(headers["content-type"], "application/json");
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(value["to"], "+306912345678");
        assert_eq!(value["text"], "Code \"42\"\nbye");
    }

    #[tokio::test]
    async fn a_non_success_answer_is_an_error_with_the_status_and_without_the_url() {
        let (url, _) = provider(401).await;
        let error = transport(&url).send(&message()).await.unwrap_err();
        assert!(error.contains("401"), "{error}");
        let (closed, _) = provider(200).await;
        let closed = closed.replace("/send", "/missing");
        let error = transport(&closed).send(&message()).await.unwrap_err();
        assert!(error.contains("405") || error.contains("404"), "{error}");
        let error = transport("http://127.0.0.1:1/send?key=s3cret")
            .send(&message())
            .await
            .unwrap_err();
        assert!(!error.contains("s3cret"), "{error}");
    }

    #[test]
    fn a_placeholder_can_appear_twice_and_inside_arrays() {
        let body = render_body(
            r#"{"to": [{{to}}], "copy": {{to}}, "m": {{text}}}"#,
            "+1",
            "é",
        );
        let value: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(value["to"][0], "+1");
        assert_eq!(value["copy"], "+1");
        assert_eq!(value["m"], "é");
    }
}
