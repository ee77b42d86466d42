//! Webhook notifications: alert notifications POSTed to HTTP receivers (generic JSON, Slack or Discord),
//! optionally HMAC-signed, kept in an outbox until each receiver accepts them, and delivered by a bounded pool of
//! workers that keeps per-key order, retries with backoff and never lets one slow receiver stall the rest.
//!
//! A webhook URL often is itself a credential (Slack and Discord put the token in the path), so logs, errors and
//! `Debug` output show only its scheme, host and port, never the path, query, user info, secret or header values.

pub mod dispatcher;
pub mod format;
pub mod notification;
pub mod outbox;
pub mod sign;

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, RETRY_AFTER, USER_AGENT};
use serde::{Deserialize, Serialize};

use crate::mirror::retry::parse_retry_after;
use crate::secret::{url_origin, Secret};
use crate::timestamp::Timestamp;

pub use dispatcher::{DeliveryEvent, DeliveryStats, Dispatcher, DispatcherOptions, ShutdownReport, WebhookStats};
pub use notification::{AlertStatus, Notification, Severity};
pub use outbox::{Entry, Outbox};

/// The body a webhook is sent: the notification as JSON, or a message Slack or Discord renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Json,
    Slack,
    Discord,
}

/// Headers hmon sets itself; a `[[webhooks]]` entry may not set them.
const RESERVED_HEADERS: &[&str] =
    &["content-type", "content-length", "host", "transfer-encoding", "x-hmon-timestamp", "x-hmon-signature"];

/// Default per-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default attempts per notification, the first one included.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// One `[[webhooks]]` entry as written in TOML (deny_unknown_fields).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub format: Format,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub secret: Option<Secret>,
    /// Per-request timeout (humantime, e.g. "10s"); default 10s.
    pub timeout: Option<String>,
    /// Attempts per notification, the first one included; default 5, at most 20.
    pub max_attempts: Option<u32>,
}

impl fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("name", &self.name)
            .field("url", &url_origin(&self.url))
            .field("format", &self.format)
            .field("headers", &masked(&self.headers))
            .field("secret", &self.secret)
            .field("timeout", &self.timeout)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

impl WebhookConfig {
    /// Checks the entry and fills in defaults. The message says what is wrong and what is expected (the caller
    /// adds which webhook); it never quotes the URL's path, the secret or a header value.
    pub fn validate(&self) -> Result<Webhook, String> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err("webhook name is empty: expected a short name such as \"ops-slack\"".to_string());
        }
        check_url(&self.url)?;
        let timeout = match &self.timeout {
            None => DEFAULT_TIMEOUT,
            Some(t) => crate::timestamp::parse_duration(t, "timeout").map_err(|e| e.to_string())?,
        };
        let max_attempts = self.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS);
        if !(1..=20).contains(&max_attempts) {
            return Err(format!("invalid max_attempts {max_attempts}: expected 1 to 20 (attempts in all)"));
        }
        header_map(&self.headers)?;
        Ok(Webhook {
            name: name.to_string(),
            url: self.url.trim().to_string(),
            format: self.format,
            headers: self.headers.clone(),
            secret: self.secret.clone(),
            timeout,
            max_attempts,
        })
    }
}

/// A validated webhook, ready for the dispatcher.
#[derive(Clone)]
pub struct Webhook {
    pub name: String,
    pub url: String,
    pub format: Format,
    pub headers: BTreeMap<String, String>,
    pub secret: Option<Secret>,
    pub timeout: Duration,
    pub max_attempts: u32,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("name", &self.name)
            .field("url", &self.target())
            .field("format", &self.format)
            .field("headers", &masked(&self.headers))
            .field("secret", &self.secret)
            .field("timeout", &self.timeout)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

impl Webhook {
    /// The URL cut to `scheme://host:port`, safe for logs and errors.
    pub fn target(&self) -> String {
        url_origin(&self.url)
    }
}

fn check_url(url: &str) -> Result<(), String> {
    let expected = "expected an http:// or https:// URL with a host, e.g. https://hooks.example.com/hmon";
    let parsed = reqwest::Url::parse(url.trim()).map_err(|e| format!("invalid url ({e}): {expected}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("invalid url: scheme '{}' is not supported: {expected}", parsed.scheme()));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("invalid url: it has no host: {expected}"));
    }
    Ok(())
}

fn masked(headers: &BTreeMap<String, String>) -> BTreeMap<&str, &str> {
    headers.keys().map(|k| (k.as_str(), "********")).collect()
}

/// The configured headers as an HTTP header map, values marked sensitive. Errors name the header, not its value.
pub(crate) fn header_map(headers: &BTreeMap<String, String>) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let hn = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            format!("invalid header name '{}': expected letters, digits and -, e.g. Authorization", name.escape_debug())
        })?;
        if RESERVED_HEADERS.contains(&hn.as_str()) {
            return Err(format!("header '{name}' is set by hmon itself: remove it from headers"));
        }
        let mut hv = HeaderValue::from_str(value).map_err(|_| {
            format!("invalid value for header '{name}': expected visible ASCII text without line breaks")
        })?;
        hv.set_sensitive(true);
        map.insert(hn, hv);
    }
    Ok(map)
}

/// A receiver's answer: its HTTP status and the first 200 bytes of its body (lossy UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

impl Reply {
    /// Whether the receiver accepted the request (2xx).
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// `HTTP 500: <start of the body on one line>`, for logs and messages.
    pub fn describe(&self) -> String {
        let words: Vec<&str> = self.body.split_whitespace().collect();
        let snippet: String = words.join(" ").chars().take(100).collect();
        if snippet.is_empty() {
            format!("HTTP {}", self.status)
        } else {
            format!("HTTP {}: {snippet}", self.status)
        }
    }
}

/// Why a request got no HTTP answer. Names the receiver by scheme, host and port only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    #[error("cannot connect to {target}: {reason}")]
    Connect { target: String, reason: String },
    #[error("{target} did not answer within {}", humantime::format_duration(*.timeout))]
    Timeout { target: String, timeout: Duration },
    #[error("request to {target} failed: {reason}")]
    Request { target: String, reason: String },
}

/// The HTTP client for webhooks. Redirects are not followed: a POST would turn into a GET, and signed headers
/// would go to another host.
pub(crate) fn http_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()
}

/// A webhook ready to be called: the entry and the headers every request to it carries.
pub(crate) struct Endpoint {
    pub(crate) hook: Webhook,
    headers: HeaderMap,
}

impl Endpoint {
    /// Content type, user agent, then the configured headers (which may replace the user agent).
    pub(crate) fn new(hook: Webhook) -> Result<Self, String> {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, HeaderValue::from_static(concat!("hmon/", env!("CARGO_PKG_VERSION"))));
        headers.extend(header_map(&hook.headers)?);
        Ok(Self { hook, headers })
    }

    /// One signed POST of `body` within the webhook's timeout. Any HTTP answer is `Ok`, with the `Retry-After`
    /// it asked for.
    pub(crate) async fn post(
        &self,
        client: &reqwest::Client,
        body: &[u8],
    ) -> Result<(Reply, Option<Duration>), DeliveryError> {
        let hook = &self.hook;
        let mut headers = self.headers.clone();
        if let Some(secret) = &hook.secret {
            let now = Timestamp::now().secs;
            let mut signature = HeaderValue::from_str(&sign::sign(secret, now, body))
                .map_err(|e| DeliveryError::Request { target: hook.target(), reason: e.to_string() })?;
            signature.set_sensitive(true);
            headers.insert(HeaderName::from_static("x-hmon-timestamp"), HeaderValue::from(now));
            headers.insert(HeaderName::from_static("x-hmon-signature"), signature);
        }
        let request = client.post(&hook.url).headers(headers).timeout(hook.timeout).body(body.to_vec());
        let mut response = request.send().await.map_err(|e| self.transport_error(e))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let mut prefix = Vec::new();
        while prefix.len() < 200 {
            match response.chunk().await {
                Ok(Some(chunk)) => prefix.extend_from_slice(&chunk),
                _ => break,
            }
        }
        prefix.truncate(200);
        Ok((Reply { status, body: String::from_utf8_lossy(&prefix).into_owned() }, retry_after))
    }

    /// Classifies a transport failure; the message carries the innermost cause, never the URL.
    fn transport_error(&self, e: reqwest::Error) -> DeliveryError {
        let target = self.hook.target();
        if e.is_timeout() {
            return DeliveryError::Timeout { target, timeout: self.hook.timeout };
        }
        let is_connect = e.is_connect();
        let e = e.without_url();
        let mut cause: &dyn std::error::Error = &e;
        while let Some(next) = cause.source() {
            cause = next;
        }
        let reason = cause.to_string();
        if is_connect {
            DeliveryError::Connect { target, reason }
        } else {
            DeliveryError::Request { target, reason }
        }
    }
}

/// What one attempt means for a delivery.
pub(crate) enum Verdict {
    Delivered(u16),
    Retry { reason: String, retry_after: Option<Duration> },
    Drop(String),
}

impl Verdict {
    /// 2xx is delivered; 429, 5xx and transport failures are retried; anything else is dropped at once.
    pub(crate) fn of(result: Result<(Reply, Option<Duration>), DeliveryError>) -> Verdict {
        let (reply, retry_after) = match result {
            Ok(answer) => answer,
            Err(e) => return Verdict::Retry { reason: e.to_string(), retry_after: None },
        };
        let reason = reply.describe();
        match reply.status {
            200..=299 => Verdict::Delivered(reply.status),
            429 | 500..=599 => Verdict::Retry { reason, retry_after },
            300..=399 => Verdict::Drop(format!("{reason} (redirects are not followed: set url to the final address)")),
            _ => Verdict::Drop(reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> WebhookConfig {
        WebhookConfig {
            name: "ops".into(),
            url: url.into(),
            format: Format::Json,
            headers: [("Authorization".to_string(), "Bearer tok-123".to_string())].into(),
            secret: Some(Secret::new("whsec-abc")),
            timeout: None,
            max_attempts: None,
        }
    }

    #[test]
    fn defaults_and_toml_shape() {
        let text = "name = \"ops\"\nurl = \"https://hooks.example.com/x\"\nformat = \"slack\"\nsecret = \"s\"\n\
                    headers = { Authorization = \"Bearer t\" }\ntimeout = \"3s\"\nmax_attempts = 2\n";
        let cfg: WebhookConfig = toml::from_str(text).unwrap();
        let w = cfg.validate().unwrap();
        assert!(toml::from_str::<WebhookConfig>("name = \"a\"\nurl = \"http://h\"\nretries = 3\n").is_err());
        assert_eq!((w.format, w.timeout, w.max_attempts), (Format::Slack, Duration::from_secs(3), 2));
        let w = config("http://127.0.0.1:9/hook").validate().unwrap();
        assert_eq!((w.format, w.timeout, w.max_attempts), (Format::Json, DEFAULT_TIMEOUT, DEFAULT_MAX_ATTEMPTS));
    }

    #[test]
    fn bad_entries_say_what_is_expected() {
        let cases: Vec<(WebhookConfig, &str)> = vec![
            (config("ftp://h/x"), "scheme 'ftp'"),
            (config("not a url"), "expected an http:// or https:// URL"),
            (WebhookConfig { timeout: Some("0s".into()), ..config("http://h") }, "greater than zero"),
            (WebhookConfig { timeout: Some("10".into()), ..config("http://h") }, "with a unit"),
            (WebhookConfig { max_attempts: Some(0), ..config("http://h") }, "expected 1 to 20"),
            (WebhookConfig { max_attempts: Some(21), ..config("http://h") }, "expected 1 to 20"),
            (WebhookConfig { headers: [("Bad Name".into(), "v".into())].into(), ..config("http://h") }, "header name"),
            (WebhookConfig { headers: [("X-A".into(), "a\nb".into())].into(), ..config("http://h") }, "'X-A'"),
            (WebhookConfig { headers: [("Content-Type".into(), "x".into())].into(), ..config("http://h") }, "itself"),
        ];
        for (cfg, want) in cases {
            let err = cfg.validate().unwrap_err();
            assert!(err.contains(want) && !err.contains("Bearer"), "{want}: {err}");
        }
    }

    #[test]
    fn debug_hides_secret_header_values_and_url_path() {
        let cfg = config("https://hooks.slack.com/services/T0/B0/tokentoken");
        let w = cfg.validate().unwrap();
        for text in [format!("{cfg:?}"), format!("{w:?}")] {
            for secret in ["whsec-abc", "tok-123", "tokentoken"] {
                assert!(!text.contains(secret), "{text}");
            }
            assert!(text.contains("Authorization") && text.contains("https://hooks.slack.com"), "{text}");
        }
    }

    #[test]
    fn answers_are_delivered_retried_or_dropped() {
        let of = |status: u16| Verdict::of(Ok((Reply { status, body: " busy \n now ".into() }, None)));
        assert!(matches!(of(204), Verdict::Delivered(204)));
        assert!(matches!(of(429), Verdict::Retry { .. }) && matches!(of(503), Verdict::Retry { .. }));
        assert!(matches!(of(400), Verdict::Drop(r) if r == "HTTP 400: busy now"));
        assert!(matches!(of(301), Verdict::Drop(r) if r.contains("redirects are not followed")));
        let timeout = DeliveryError::Timeout { target: "http://h".into(), timeout: Duration::from_millis(300) };
        assert!(
            matches!(Verdict::of(Err(timeout)), Verdict::Retry { reason, .. } if reason == "http://h did not answer within 300ms")
        );
    }
}
