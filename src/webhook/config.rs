//! A `[[webhooks]]` entry: the TOML shape ([`WebhookConfig`]), its checks, and the validated [`Webhook`] the
//! dispatcher uses, retry schedule included. Nothing here quotes a URL's path, the secret or a header value.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;

use super::schedule::Schedule;
use super::Format;
use crate::secret::{url_origin, Secret};

/// Headers hmon sets itself; a `[[webhooks]]` entry may not set them.
const RESERVED_HEADERS: &[&str] =
    &["content-type", "content-length", "host", "transfer-encoding", "x-hmon-timestamp", "x-hmon-signature"];

/// Default per-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default `give_up_after`: how long a notification is retried before it becomes a dead letter.
pub const DEFAULT_GIVE_UP_AFTER: Duration = Duration::from_secs(24 * 3600);
/// Default `backoff`: the wait before the first retry.
pub const DEFAULT_BACKOFF: Duration = Duration::from_secs(1);
/// Default `max_backoff`: no wait between two attempts is longer (a `Retry-After` aside).
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(300);

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
    /// How long a notification is retried, counted from when it was queued (humantime); default 24h. After
    /// that it becomes a dead letter (`hmon alert queue`).
    pub give_up_after: Option<String>,
    /// The wait before the first retry (humantime); it doubles after each failed attempt; default 1s.
    pub backoff: Option<String>,
    /// The longest wait between two attempts (humantime), at least `backoff`; default 5m (or `backoff`, if
    /// longer). A receiver's `Retry-After` may ask for up to the longer of this and 1h.
    pub max_backoff: Option<String>,
    /// An extra limit: attempts in all, the first one included (1 to 20); none by default.
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
            .field("give_up_after", &self.give_up_after)
            .field("backoff", &self.backoff)
            .field("max_backoff", &self.max_backoff)
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
        let duration = |value: &Option<String>, key: &str, default: Duration| match value {
            None => Ok(default),
            Some(t) => crate::timestamp::parse_duration(t, key).map_err(|e| e.to_string()),
        };
        let timeout = duration(&self.timeout, "timeout", DEFAULT_TIMEOUT)?;
        let give_up_after = duration(&self.give_up_after, "give_up_after", DEFAULT_GIVE_UP_AFTER)?;
        let backoff = duration(&self.backoff, "backoff", DEFAULT_BACKOFF)?;
        let max_backoff = duration(&self.max_backoff, "max_backoff", DEFAULT_MAX_BACKOFF.max(backoff))?;
        if max_backoff < backoff {
            return Err(format!(
                "max_backoff {} is shorter than backoff {}: expected max_backoff >= backoff",
                humantime::format_duration(max_backoff),
                humantime::format_duration(backoff)
            ));
        }
        if let Some(n) = self.max_attempts.filter(|n| !(1..=20).contains(n)) {
            return Err(format!("invalid max_attempts {n}: expected 1 to 20 (attempts in all), or leave it out"));
        }
        header_map(&self.headers)?;
        Ok(Webhook {
            name: name.to_string(),
            url: self.url.trim().to_string(),
            format: self.format,
            headers: self.headers.clone(),
            secret: self.secret.clone(),
            timeout,
            give_up_after,
            backoff,
            max_backoff,
            max_attempts: self.max_attempts,
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
    /// Retried this long after it was queued, then a dead letter.
    pub give_up_after: Duration,
    /// The wait before the first retry; doubles after each failed attempt.
    pub backoff: Duration,
    /// The longest wait between attempts (a `Retry-After` may ask for more, see [`Schedule`]).
    pub max_backoff: Duration,
    /// An extra limit on attempts in all, if set.
    pub max_attempts: Option<u32>,
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
            .field("give_up_after", &self.give_up_after)
            .field("backoff", &self.backoff)
            .field("max_backoff", &self.max_backoff)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

impl Webhook {
    /// The URL cut to `scheme://host:port`, safe for logs and errors.
    pub fn target(&self) -> String {
        url_origin(&self.url)
    }

    /// When and whether to try again after a failed attempt.
    pub fn schedule(&self) -> Schedule {
        Schedule {
            give_up_after: self.give_up_after,
            backoff: self.backoff,
            max_backoff: self.max_backoff,
            max_attempts: self.max_attempts,
        }
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
            give_up_after: None,
            backoff: None,
            max_backoff: None,
            max_attempts: None,
        }
    }

    #[test]
    fn defaults_and_toml_shape() {
        let text = "name = \"ops\"\nurl = \"https://hooks.example.com/x\"\nformat = \"slack\"\nsecret = \"s\"\n\
                    headers = { Authorization = \"Bearer t\" }\ntimeout = \"3s\"\nmax_attempts = 2\n\
                    give_up_after = \"2h\"\nbackoff = \"5s\"\nmax_backoff = \"1m\"\n";
        let cfg: WebhookConfig = toml::from_str(text).unwrap();
        let w = cfg.validate().unwrap();
        assert!(toml::from_str::<WebhookConfig>("name = \"a\"\nurl = \"http://h\"\nretries = 3\n").is_err());
        assert_eq!((w.format, w.timeout, w.max_attempts), (Format::Slack, Duration::from_secs(3), Some(2)));
        assert_eq!(
            (w.give_up_after, w.backoff, w.max_backoff),
            (Duration::from_secs(7200), Duration::from_secs(5), Duration::from_secs(60))
        );
        let w = config("http://127.0.0.1:9/hook").validate().unwrap();
        assert_eq!((w.format, w.timeout, w.max_attempts), (Format::Json, DEFAULT_TIMEOUT, None));
        assert_eq!(
            (w.give_up_after, w.backoff, w.max_backoff),
            (DEFAULT_GIVE_UP_AFTER, DEFAULT_BACKOFF, DEFAULT_MAX_BACKOFF)
        );
        // A backoff above the default cap lifts the cap's default with it.
        let w = WebhookConfig { backoff: Some("10m".into()), ..config("http://h") }.validate().unwrap();
        assert_eq!(w.max_backoff, Duration::from_secs(600));
    }

    #[test]
    fn bad_entries_say_what_is_expected() {
        let cases: Vec<(WebhookConfig, &str)> = vec![
            (config("ftp://h/x"), "scheme 'ftp'"),
            (config("not a url"), "expected an http:// or https:// URL"),
            (WebhookConfig { timeout: Some("0s".into()), ..config("http://h") }, "greater than zero"),
            (WebhookConfig { timeout: Some("10".into()), ..config("http://h") }, "with a unit"),
            (WebhookConfig { give_up_after: Some("soon".into()), ..config("http://h") }, "invalid give_up_after"),
            (WebhookConfig { backoff: Some("0s".into()), ..config("http://h") }, "invalid backoff '0s'"),
            (
                WebhookConfig { backoff: Some("2m".into()), max_backoff: Some("1m".into()), ..config("http://h") },
                "expected max_backoff >= backoff",
            ),
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
}
