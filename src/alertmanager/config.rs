//! `[[alertmanagers]]` and the forwarding keys of `[serve]`: the TOML shape ([`AlertmanagerConfig`]), its checks,
//! and the validated [`Forwarding`] the forwarder runs. Nothing here quotes a token, a password or a URL's user
//! info: errors name the entry and the key.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
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
/// The shortest `[serve] resend_delay`: shorter would flood the Alertmanagers with the same list.
pub const MIN_RESEND_DELAY: Duration = Duration::from_secs(1);
/// The longest `[serve] resend_delay`: Alertmanager would wait hours to notice that hmon stopped, and the times
/// derived from it (`endsAt`, the retry backoff) stay far from any overflow.
pub const MAX_RESEND_DELAY: Duration = Duration::from_secs(3600);
/// The longest a firing alert is sent to last (`endsAt - now`), whatever `4 x max(interval, resend_delay)` says: a
/// `[collect] interval` of years would otherwise give an `endsAt` past what RFC 3339 can write.
pub const MAX_ALERT_LIFETIME: Duration = Duration::from_secs(366 * 24 * 3600);

/// The keys of `[serve]` that [`Forwarding`] reads: a reload applies them at once, unlike the others.
pub const SERVE_KEYS: &[&str] = &["external_labels", "external_url", "resend_delay", "watchdog"];

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
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The URL without user info, for logs and the `alertmanager` label of the metrics.
    pub name: String,
    /// `<url>/api/v2/alerts`.
    pub endpoint: reqwest::Url,
    pub timeout: Duration,
    pub auth: Auth,
}

/// What the forwarder needs: where to send, and how to build the alerts.
#[derive(Debug, Clone, PartialEq)]
pub struct Forwarding {
    pub targets: Vec<Target>,
    pub options: Options,
}

/// How alerts are built and re-sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// `[serve] external_labels`: added to every alert (a label the alert has already wins).
    pub external_labels: BTreeMap<String, String>,
    /// `[serve] external_url`: the `generatorURL` of every alert (see [`Options::generator_url`]).
    pub external_url: Option<String>,
    /// The address `serve` answers on: the `generatorURL` without an `external_url`.
    pub listen: SocketAddr,
    /// Firing alerts are sent again this often (`[serve] resend_delay`).
    pub resend_delay: Duration,
    /// How often rules are evaluated (`[collect] interval`): with `resend_delay` it sets how long a sent alert
    /// stays firing in Alertmanager without news.
    pub eval_interval: Duration,
    /// Whether the always-firing `HmonWatchdog` alert is sent (`[serve] watchdog`, default true).
    pub watchdog: bool,
}

impl Options {
    /// The `generatorURL` of every alert: `[serve] external_url`, else `http://<listen address>/` (the status
    /// page).
    pub fn generator_url(&self) -> String {
        match &self.external_url {
            Some(url) => url.clone(),
            None => format!("http://{}/", self.listen),
        }
    }

    /// How long a firing alert is sent to last without news: `4 x max(eval_interval, resend_delay)`, as
    /// Prometheus does, at most [`MAX_ALERT_LIFETIME`] (and never an overflow).
    pub fn alert_lifetime(&self) -> Duration {
        self.eval_interval.max(self.resend_delay).saturating_mul(4).min(MAX_ALERT_LIFETIME)
    }
}

impl Forwarding {
    /// Reads `[[alertmanagers]]` and the forwarding keys of `[serve]`; `listen` is the address `serve` answers
    /// on (for the default `generatorURL`; see [`Forwarding::listening_on`]), `eval_interval` the collectors'
    /// interval. `None` when no Alertmanager is configured, though the `[serve]` keys are checked even then.
    pub fn from_config(
        config: &LoadedConfig,
        listen: SocketAddr,
        eval_interval: Duration,
    ) -> Result<Option<Forwarding>, Error> {
        let serve = config.file.serve.clone().unwrap_or_default();
        let resend_delay = match &serve.resend_delay {
            Some(text) => {
                let delay =
                    parse_duration(text, "resend_delay").map_err(|e| config.error_at(&["serve"], "resend_delay", e))?;
                check_resend_delay(delay).map_err(|e| config.error_at(&["serve"], "resend_delay", e))?
            }
            None => DEFAULT_RESEND_DELAY,
        };
        for (name, value) in &serve.external_labels {
            check_external_label(name, value).map_err(|e| config.error_at(&["serve"], "external_labels", e))?;
        }
        let external_url = match &serve.external_url {
            Some(url) => {
                check_url(url).map_err(|e| config.error_at(&["serve"], "external_url", e))?;
                Some(url.trim().to_string())
            }
            None => None,
        };
        let mut targets = Vec::new();
        for (i, entry) in config.file.alertmanagers.iter().enumerate() {
            let target =
                entry.validate().map_err(|e| config.error_at(&[], "alertmanagers", format!("entry {}: {e}", i + 1)))?;
            // Twice the same Alertmanager would get every list twice, and its counters would mix.
            if let Some(j) = targets.iter().position(|t: &Target| t.name == target.name) {
                let message =
                    format!("entry {}: the same Alertmanager as entry {} ({})", i + 1, j + 1, inert(&target.name));
                return Err(config.error_at(&[], "alertmanagers", message));
            }
            targets.push(target);
        }
        if targets.is_empty() {
            return Ok(None);
        }
        let options = Options {
            external_labels: serve.external_labels.clone(),
            external_url,
            listen,
            resend_delay,
            eval_interval,
            watchdog: serve.watchdog.unwrap_or(true),
        };
        Ok(Some(Forwarding { targets, options }))
    }

    /// The same, with `bound` as the address `serve` answers on: the one bound when the configured port was 0.
    pub fn listening_on(self, bound: SocketAddr) -> Forwarding {
        Forwarding { options: Options { listen: bound, ..self.options }, ..self }
    }
}

/// `resend_delay` within [`MIN_RESEND_DELAY`] and [`MAX_RESEND_DELAY`].
fn check_resend_delay(delay: Duration) -> Result<Duration, String> {
    if (MIN_RESEND_DELAY..=MAX_RESEND_DELAY).contains(&delay) {
        return Ok(delay);
    }
    Err(format!(
        "{} is out of range: expected {} to {}",
        humantime::format_duration(delay),
        humantime::format_duration(MIN_RESEND_DELAY),
        humantime::format_duration(MAX_RESEND_DELAY)
    ))
}

/// An external label Alertmanager keeps as written: a valid name, not reserved, and a value (Alertmanager drops
/// a label whose value is empty).
fn check_external_label(name: &str, value: &str) -> Result<(), String> {
    if name.starts_with("__") {
        return Err(format!("label name '{}' is reserved: names starting with __ are for internal use", inert(name)));
    }
    if !is_label_name(name) {
        return Err(format!(
            "invalid label name '{}': expected letters, digits and _, not starting with a digit",
            inert(name)
        ));
    }
    if value.is_empty() {
        return Err(format!("label '{name}' has an empty value: Alertmanager drops such a label; leave it out"));
    }
    Ok(())
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

/// A label name as Alertmanager takes it and as `/metrics` writes them: `[a-zA-Z_][a-zA-Z0-9_]*`, and not
/// starting with `__` (reserved for internal use in Prometheus).
pub fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    !name.starts_with("__")
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
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

    /// `Forwarding::from_config` of a config file holding `text`, as its error message.
    fn forwarding(text: &str) -> Result<Option<Forwarding>, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        let config = LoadedConfig::load(&path, true).map_err(|e| e.to_string())?;
        let listen = "127.0.0.1:8754".parse().unwrap();
        Forwarding::from_config(&config, listen, Duration::from_secs(10)).map_err(|e| e.to_string())
    }

    const ONE: &str = "[[alertmanagers]]\nurl = \"http://h:9093\"\n";

    #[test]
    fn resend_delay_out_of_range_is_refused_naming_the_key_and_the_range() {
        for delay in ["500ms", "61m", "100000y"] {
            let err = forwarding(&format!("[serve]\nresend_delay = \"{delay}\"\n{ONE}")).unwrap_err();
            assert!(err.contains("serve.resend_delay") && err.contains("expected 1s to 1h"), "{delay}: {err}");
        }
        for (delay, want) in [("1s", 1), ("1h", 3600)] {
            let ok = forwarding(&format!("[serve]\nresend_delay = \"{delay}\"\n{ONE}")).unwrap().unwrap();
            assert_eq!(ok.options.resend_delay, Duration::from_secs(want));
        }
    }

    #[test]
    fn external_labels_must_be_kept_by_alertmanager_as_written() {
        for (labels, want) in [
            ("{ \"bad-name\" = \"x\" }", "invalid label name 'bad-name'"),
            ("{ __tenant = \"x\" }", "reserved"),
            ("{ cluster = \"\" }", "empty value"),
        ] {
            let err = forwarding(&format!("[serve]\nexternal_labels = {labels}\n{ONE}")).unwrap_err();
            assert!(err.contains("serve.external_labels") && err.contains(want), "{labels}: {err}");
            // Checked without an Alertmanager too: adding one later must not be what reveals the mistake.
            let err = forwarding(&format!("[serve]\nexternal_labels = {labels}\n")).unwrap_err();
            assert!(err.contains(want), "{labels}: {err}");
        }
    }

    #[test]
    fn the_same_alertmanager_twice_is_refused() {
        let twice = format!("{ONE}[[alertmanagers]]\nurl = \"http://h:9093/\"\nbearer_token = \"tok-3\"\n");
        let err = forwarding(&twice).unwrap_err();
        assert!(err.contains("entry 2: the same Alertmanager as entry 1 (http://h:9093)"), "{err}");
        assert!(!err.contains("tok-3"), "{err}");
        let two = format!("{ONE}[[alertmanagers]]\nurl = \"http://h2:9093\"\n");
        assert_eq!(forwarding(&two).unwrap().unwrap().targets.len(), 2);
    }

    #[test]
    fn the_generator_url_is_the_external_url_else_the_address_bound() {
        let f = forwarding(ONE).unwrap().unwrap();
        assert_eq!(f.options.generator_url(), "http://127.0.0.1:8754/");
        let bound = f.listening_on("127.0.0.1:40123".parse().unwrap());
        assert_eq!(bound.options.generator_url(), "http://127.0.0.1:40123/");
        let f = forwarding(&format!("[serve]\nexternal_url = \"https://hmon.example.com/\"\n{ONE}")).unwrap().unwrap();
        let bound = f.listening_on("127.0.0.1:40123".parse().unwrap());
        assert_eq!(bound.options.generator_url(), "https://hmon.example.com/");
        assert!(forwarding("[serve]\nexternal_url = \"not a url\"\n").unwrap_err().contains("serve.external_url"));
    }

    #[test]
    fn label_names() {
        assert!(is_label_name("cluster") && is_label_name("_a1"));
        assert!(!is_label_name("1a") && !is_label_name("a-b") && !is_label_name(""));
        assert!(!is_label_name("__name__") && !is_label_name("__x"));
    }
}
