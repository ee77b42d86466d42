//! Webhook notifications: alert notifications POSTed to HTTP receivers (generic JSON, Slack or Discord),
//! optionally HMAC-signed, kept in an outbox until each receiver accepts them, and delivered by a bounded pool of
//! workers that keeps per-key order, retries with backoff for as long as each webhook's `give_up_after` allows
//! (the schedule survives restarts), keeps what it gives up on as dead letters, and never lets one slow receiver
//! stall the rest.
//!
//! Files: `config` (the `[[webhooks]]` entry), `schedule` (verdicts and the retry schedule), `outbox` and
//! `letters` (the table), `sent` (the log of deliveries), `dispatcher` (the public API) with `worker` and `queue` (its machinery), `format` and
//! `sign` (the request body and its signature); HTTP is here.
//!
//! A webhook URL often is itself a credential (Slack and Discord put the token in the path), so logs, errors and
//! `Debug` output show only its scheme, host and port, never the path, query, user info, secret or header values.

pub mod config;
pub mod dispatcher;
pub mod format;
mod letters;
pub mod notification;
pub mod outbox;
mod queue;
pub mod schedule;
pub mod sent;
pub mod sign;
mod worker;

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, RETRY_AFTER, USER_AGENT};
use serde::{Deserialize, Serialize};

use crate::mirror::retry::parse_retry_after;
use crate::timestamp::Timestamp;

pub use config::{
    Webhook, WebhookConfig, DEFAULT_BACKOFF, DEFAULT_GIVE_UP_AFTER, DEFAULT_MAX_BACKOFF, DEFAULT_TIMEOUT,
};
pub use dispatcher::{DeliveryEvent, DeliveryStats, Dispatcher, DispatcherOptions, ShutdownReport, WebhookStats};
pub use letters::{QueueEntry, QueuedRow};
pub use notification::{AlertStatus, Notification, Severity};
pub use outbox::{push_in, Entry, Outbox};
pub use schedule::Schedule;

/// The body a webhook is sent: the notification as JSON, or a message Slack or Discord renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Json,
    Slack,
    Discord,
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
        headers.extend(config::header_map(&hook.headers)?);
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
