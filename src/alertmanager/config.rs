//! `[[alertmanagers]]` and the forwarding keys of `[serve]`: the TOML shape ([`AlertmanagerConfig`]), its checks,
//! and the validated [`Forwarding`] the forwarder runs. Nothing here quotes a token, a password or a URL's user
//! info: errors name the entry and the key.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::config::LoadedConfig;
use crate::error::Error;
use crate::secret::{mask_url, Secret};
use crate::text::inert;
use crate::timestamp::parse_duration;

/// Default per-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default `[serve] resend_delay`: how often the firing alerts are sent again (Prometheus's default too).
pub const DEFAULT_RESEND_DELAY: Duration = Duration::from_secs(60);

/// One `[[alertmanagers]]` entry as written.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertmanagerConfig {
    /// The Alertmanager's base URL, e.g. "http://127.0.0.1:9093"; alerts go to `<url>/api/v2/alerts`.
    pub url: String,
    /// Per-request timeout (humantime); default 10s.
    pub timeout: Option<String>,
    /// Sent as `Authorization: Bearer <token>`.
    pub bearer_token: Option<Secret>,
    /// A file holding the bearer token (read at start; surrounding whitespace is dropped).
    pub bearer_token_file: Option<PathBuf>,
    /// HTTP basic authentication.
    pub basic_auth: Option<BasicAuthConfig>,
}

/// `basic_auth = { username = "...", password = "..." }` (or `password_file`).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasicAuthConfig {
    pub username: String,
    pub password: Option<Secret>,
    pub password_file: Option<PathBuf>,
}

impl fmt::Debug for AlertmanagerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AlertmanagerConfig")
            .field("url", &mask_url(&self.url))
            .field("timeout", &self.timeout)
            .field("bearer_token", &self.bearer_token)
            .field("bearer_token_file", &self.bearer_token_file)
            .field("basic_auth", &self.basic_auth.as_ref().map(|b| (&b.username, "********")))
            .finish()
    }
}

/// How requests to one Alertmanager authenticate.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    None,
    Bearer(Secret),
    Basic { username: String, password: Secret },
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Bearer(_) => f.write_str("Bearer(********)"),
            Auth::Basic { username, .. } => write!(f, "Basic({username}:********)"),
        }
    }
}

/// A validated Alertmanager.
#[derive(Debug, Clone)]
pub struct Target {
    /// The URL without user info, for logs and the `alertmanager` label of the metrics.
    pub name: String,
    /// `<url>/api/v2/alerts`.
    pub endpoint: reqwest::Url,
    pub timeout: Duration,
    pub auth: Auth,
}

/// What the forwarder needs: where to send, and how to build the alerts.
#[derive(Debug, Clone)]
pub struct Forwarding {
    pub targets: Vec<Target>,
    pub options: Options,
}

/// How alerts are built and re-sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// `[serve] external_labels`: added to every alert (a label the alert has already wins).
    pub external_labels: BTreeMap<String, String>,
    /// The `generatorURL` of every alert: `[serve] external_url`, else `http://<listen address>/`.
    pub generator_url: String,
    /// Firing alerts are sent again this often (`[serve] resend_delay`).
    pub resend_delay: Duration,
    /// How often rules are evaluated (`[collect] interval`): with `resend_delay` it sets how long a sent alert
    /// stays firing in Alertmanager without news.
    pub eval_interval: Duration,
    /// Whether the always-firing `HmonWatchdog` alert is sent (`[serve] watchdog`, default true).
    pub watchdog: bool,
}

impl Forwarding {
    /// Reads `[[alertmanagers]]` and the forwarding keys of `[serve]`; `listen` is the address `serve` answers
    /// on (for the default `generatorURL`), `eval_interval` the collectors' interval. `None` when no
    /// Alertmanager is configured.
    pub fn from_config(
        config: &LoadedConfig,
        listen: std::net::SocketAddr,
        eval_interval: Duration,
    ) -> Result<Option<Forwarding>, Error> {
        let serve = config.file.serve.clone().unwrap_or_default();
        let resend_delay = match &serve.resend_delay {
            Some(text) => {
                parse_duration(text, "resend_delay").map_err(|e| config.error_at(&["serve"], "resend_delay", e))?
            }
            None => DEFAULT_RESEND_DELAY,
        };
        for name in serve.external_labels.keys() {
            if !is_label_name(name) {
                let message = format!(
                    "invalid label name '{}': expected letters, digits and _, not starting with a digit",
                    inert(name)
                );
                return Err(config.error_at(&["serve"], "external_labels", message));
            }
        }
        let generator_url = match &serve.external_url {
            Some(url) => {
                check_url(url).map_err(|e| config.error_at(&["serve"], "external_url", e))?;
                url.trim().to_string()
            }
            None => format!("http://{listen}/"),
        };
        let mut targets = Vec::new();
        for (i, entry) in config.file.alertmanagers.iter().enumerate() {
            let target =
                entry.validate().map_err(|e| config.error_at(&[], "alertmanagers", format!("entry {}: {e}", i + 1)))?;
            targets.push(target);
        }
        if targets.is_empty() {
            return Ok(None);
        }
        let options = Options {
            external_labels: serve.external_labels.clone(),
            generator_url,
            resend_delay,
            eval_interval,
            watchdog: serve.watchdog.unwrap_or(true),
        };
        Ok(Some(Forwarding { targets, options }))
    }
}

impl AlertmanagerConfig {
    /// Checks the entry and reads its secret files. The message never quotes a secret or the URL's user info.
    pub fn validate(&self) -> Result<Target, String> {
        let mut endpoint = check_url(&self.url)?;
        if !endpoint.username().is_empty() || endpoint.password().is_some() {
            return Err("the url holds a user name or password: use basic_auth instead".to_string());
        }
        let auth = match (&self.bearer_token, &self.bearer_token_file, &self.basic_auth) {
            (None, None, None) => Auth::None,
            (Some(token), None, None) => Auth::Bearer(token.clone()),
            (None, Some(path), None) => Auth::Bearer(read_secret(path, "bearer_token_file")?),
            (None, None, Some(basic)) => basic.validate()?,
            (Some(_), Some(_), _) => return Err("set bearer_token or bearer_token_file, not both".to_string()),
            _ => return Err("set a bearer token or basic_auth, not both".to_string()),
        };
        let timeout = match &self.timeout {
            Some(t) => parse_duration(t, "timeout").map_err(|e| e.to_string())?,
            None => DEFAULT_TIMEOUT,
        };
        endpoint.set_query(None);
        endpoint.set_fragment(None);
        let name = endpoint.as_str().trim_end_matches('/').to_string();
        let path = format!("{}/api/v2/alerts", endpoint.path().trim_end_matches('/'));
        endpoint.set_path(&path);
        Ok(Target { name, endpoint, timeout, auth })
    }
}

impl BasicAuthConfig {
    fn validate(&self) -> Result<Auth, String> {
        if self.username.is_empty() || self.username.contains(':') {
            return Err("basic_auth.username must be set and hold no ':'".to_string());
        }
        let password = match (&self.password, &self.password_file) {
            (Some(p), None) => p.clone(),
            (None, Some(path)) => read_secret(path, "basic_auth.password_file")?,
            _ => return Err("basic_auth needs one of password and password_file".to_string()),
        };
        Ok(Auth::Basic { username: self.username.clone(), password })
    }
}

/// A secret file's content, trimmed; errors name the file, never its content.
fn read_secret(path: &std::path::Path, key: &str) -> Result<Secret, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("{key}: cannot read {}: {}", path.display(), e.kind()))?;
    let value = text.trim();
    if value.is_empty() {
        return Err(format!("{key}: {} is empty", path.display()));
    }
    Ok(Secret::new(value))
}

fn check_url(url: &str) -> Result<reqwest::Url, String> {
    let expected = "expected an http:// or https:// URL with a host, e.g. http://127.0.0.1:9093";
    let parsed = reqwest::Url::parse(url.trim()).map_err(|e| format!("invalid url ({e}): {expected}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("invalid url: scheme '{}' is not supported: {expected}", inert(parsed.scheme())));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("invalid url: it has no host: {expected}"));
    }
    Ok(parsed)
}

/// A Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`.
pub fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> Result<Target, String> {
        toml::from_str::<AlertmanagerConfig>(text).map_err(|e| e.to_string())?.validate()
    }

    #[test]
    fn urls_auth_and_timeouts() {
        let t = entry("url = \"http://127.0.0.1:9093\"").unwrap();
        assert_eq!(t.endpoint.as_str(), "http://127.0.0.1:9093/api/v2/alerts");
        assert_eq!((t.timeout, &t.auth), (DEFAULT_TIMEOUT, &Auth::None));
        let t = entry("url = \"https://am.example.com/prefix/\"\ntimeout = \"3s\"\nbearer_token = \"tok-1\"").unwrap();
        assert_eq!(t.endpoint.as_str(), "https://am.example.com/prefix/api/v2/alerts");
        assert_eq!((t.timeout, t.auth), (Duration::from_secs(3), Auth::Bearer(Secret::new("tok-1"))));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pw");
        std::fs::write(&file, "pa55\n").unwrap();
        let text = format!(
            "url = \"http://h:9093\"\nbasic_auth = {{ username = \"u\", password_file = \"{}\" }}",
            file.display()
        );
        let t = entry(&text).unwrap();
        assert_eq!(t.auth, Auth::Basic { username: "u".into(), password: Secret::new("pa55") });
        assert!(!format!("{t:?}").contains("pa55"));
    }

    #[test]
    fn bad_entries_say_why_without_secrets() {
        for (text, want) in [
            ("url = \"ftp://h\"", "scheme 'ftp'"),
            ("url = \"http://u:hunter2@h:9093\"", "use basic_auth"),
            ("url = \"http://h\"\ntimeout = \"0s\"", "greater than zero"),
            ("url = \"http://h\"\nbearer_token = \"tok-9\"\nbearer_token_file = \"/x\"", "not both"),
            (
                "url = \"http://h\"\nbearer_token = \"tok-9\"\nbasic_auth = { username = \"u\", password = \"p\" }",
                "not both",
            ),
            ("url = \"http://h\"\nbasic_auth = { username = \"u\" }", "password"),
            ("url = \"http://h\"\nbearer_token_file = \"/nonexistent/tok-9\"", "cannot read"),
            ("url = \"http://h\"\ntoken = \"tok-9\"", "unknown field"),
        ] {
            let err = entry(text).unwrap_err();
            assert!(err.contains(want) && !err.contains("hunter2"), "{text}: {err}");
        }
    }

    #[test]
    fn label_names() {
        assert!(is_label_name("cluster") && is_label_name("_a1"));
        assert!(!is_label_name("1a") && !is_label_name("a-b") && !is_label_name(""));
    }
}
