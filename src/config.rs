//! The TOML config file: its format, where it lives, and errors that name the file, line and key.
//!
//! The file is the single source of truth that people edit by hand; later parts add `[[accounts]]`,
//! `[[rules]]`, `[[webhooks]]`, `[collect]` and `[serve]`, which this part accepts and leaves to them.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::Error;

mod errors;

pub use crate::secret::Secret;
use crate::secret::{has_credentials, mask_url};
use crate::text::inert;
use errors::{locate, parse_error};

/// The file as written. Unknown keys are errors, so a typo never silently does nothing. `Debug` never shows a
/// secret: keys, webhook secrets, header values and URL credentials are masked.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The default network: a built-in name or one defined under `[networks.NAME]`.
    pub network: Option<String>,
    /// The default per-request timeout, e.g. "10s".
    pub timeout: Option<String>,
    pub operator: Option<OperatorSection>,
    #[serde(default)]
    pub networks: BTreeMap<String, NetworkSection>,
    pub mirror: Option<MirrorSection>,
    /// `[[accounts]]`: accounts that `watch` (and `serve`) follow.
    #[serde(default)]
    pub accounts: Vec<AccountEntry>,
    /// `[[rules]]`: alert rules, validated by `crate::alert::rule`.
    #[serde(default)]
    pub rules: Vec<crate::alert::rule::RuleConfig>,
    /// `[[webhooks]]`: where notifications go, validated by `crate::webhook`.
    #[serde(default)]
    pub webhooks: Vec<crate::webhook::WebhookConfig>,
    /// `[[alertmanagers]]`: where `serve` forwards alerts, validated by `crate::alertmanager`.
    #[serde(default)]
    pub alertmanagers: Vec<crate::alertmanager::AlertmanagerConfig>,
    pub collect: Option<CollectSection>,
    pub store: Option<StoreSection>,
    pub serve: Option<ServeSection>,
    /// `[canary]`: the end-to-end transaction check (`hmon canary`, and a collector in `watch` and `serve`).
    pub canary: Option<CanarySection>,
}

impl ConfigFile {
    /// What in this file is secret, named for a warning (`operator private key`, `secret of webhook 'ops'`).
    pub fn secrets(&self) -> Vec<String> {
        let mut found = Vec::new();
        if self.operator.as_ref().is_some_and(|o| o.private_key.is_some()) {
            found.push("operator private key".to_string());
        }
        for hook in &self.webhooks {
            let name = inert(&hook.name);
            if hook.secret.is_some() {
                found.push(format!("secret of webhook '{name}'"));
            }
            if !hook.headers.is_empty() {
                found.push(format!("headers of webhook '{name}'"));
            }
            if url_may_be_secret(&hook.url) {
                found.push(format!("url of webhook '{name}'"));
            }
        }
        found.extend(crate::alertmanager::secrets(&self.alertmanagers));
        for (name, net) in &self.networks {
            if net.mirror_url.as_deref().is_some_and(has_credentials) {
                found.push(format!("credentials in the mirror_url of network '{}'", inert(name)));
            }
        }
        found
    }
}

/// Whether a webhook URL may be a credential: user info, or a path or query beyond `/` (Slack and Discord put
/// their tokens there).
fn url_may_be_secret(url: &str) -> bool {
    match url::Url::parse(url.trim()) {
        Ok(u) => {
            !u.username().is_empty() || u.password().is_some() || !matches!(u.path(), "" | "/") || u.query().is_some()
        }
        Err(_) => true,
    }
}

impl fmt::Debug for ConfigFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigFile")
            .field("network", &self.network)
            .field("timeout", &self.timeout)
            .field("operator", &self.operator)
            .field("networks", &self.networks)
            .field("mirror", &self.mirror)
            .field("accounts", &self.accounts)
            .field("rules", &self.rules)
            .field("webhooks", &self.webhooks)
            .field("alertmanagers", &self.alertmanagers)
            .field("collect", &self.collect)
            .field("store", &self.store)
            .field("serve", &self.serve)
            .field("canary", &self.canary)
            .finish()
    }
}

/// `[store]`: the metric store.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreSection {
    /// How long samples are kept (default "7d").
    pub retention: Option<String>,
}

/// `[serve]`: the daemon's HTTP server.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeSection {
    /// Address to listen on, e.g. "127.0.0.1:8754" (default: loopback, see `crate::serve::DEFAULT_LISTEN`).
    pub listen: Option<String>,
    /// A file holding the API token (mode 600); `HMON_API_TOKEN` wins over it (see `crate::serve::token`).
    pub token_file: Option<PathBuf>,
    /// Host names a loopback listener answers to besides localhost, 127.0.0.1 and [::1], e.g. ["hmon.internal"].
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Labels added to every alert forwarded to `[[alertmanagers]]`, e.g. `{ region = "eu" }`.
    #[serde(default)]
    pub external_labels: BTreeMap<String, String>,
    /// The URL alerts link back to (`generatorURL`); default `http://<listen address>/`.
    pub external_url: Option<String>,
    /// How often firing alerts are sent to `[[alertmanagers]]` again (default "1m").
    pub resend_delay: Option<String>,
    /// Whether the always-firing `HmonWatchdog` alert is forwarded (default true).
    pub watchdog: Option<bool>,
}

/// An `[[accounts]]` entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountEntry {
    pub id: String,
    #[serde(default)]
    pub label: Option<String>,
}

/// `[collect]`: how often and how politely the collectors poll.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectSection {
    /// Accounts and mirror health (default "10s", at least "2s").
    pub interval: Option<String>,
    /// Address book and node probes (default "60s").
    pub nodes_interval: Option<String>,
    /// Every watched balance is re-read at least this often even without transactions (default "5m").
    pub balance_refresh: Option<String>,
    /// Mirror requests a second at most (default 20).
    pub rate_limit: Option<f64>,
    /// Accounts per `/transactions` request (default 50, at most 100).
    pub batch_size: Option<usize>,
    /// How watched accounts are followed: "auto" (default: whichever costs fewer requests), "batches"
    /// (`/transactions` per batch of accounts) or "stream" (every transaction of the network).
    pub mode: Option<String>,
    /// Time limit of each node probe (default "3s").
    pub probe_timeout: Option<String>,
    /// Cycles of its collector a series may miss before its alerts resolve with "no data" (default 5).
    pub stale_cycles: Option<u32>,
}

/// `[canary]`: what the canary sends and how often `watch` and `serve` send it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CanarySection {
    /// Run the canary as a collector in `watch` and `serve` (default false).
    pub enabled: Option<bool>,
    /// Between two tries of the collector (default "5m", at least "10s").
    pub interval: Option<String>,
    /// The nodes the collector tries in turn (default: every node of the address book).
    pub nodes: Option<Vec<String>>,
    /// Send a message to this topic instead of a 1-tinybar transfer to the node.
    pub topic: Option<String>,
    /// The most one try may cost, in hbar (default "0.01", "0.1" with a topic).
    pub max_fee: Option<String>,
    /// From the submission to the record on the mirror, at most (default "60s").
    pub timeout: Option<String>,
}

/// `[operator]`: the account that pays for transactions, and its key.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorSection {
    pub account_id: Option<String>,
    pub private_key: Option<Secret>,
    /// `ed25519` or `ecdsa`, for a raw hex key whose type cannot be told from its bytes.
    pub key_type: Option<String>,
}

/// `[networks.NAME]`: a custom network, or overrides for a built-in one.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSection {
    pub mirror_url: Option<String>,
    /// Hex ledger id used for HIP-15 checksums ("00" mainnet, "01" testnet, "02" previewnet).
    pub ledger_id: Option<String>,
    /// Consensus node gRPC addresses: `"host:port" = "0.0.3"`.
    #[serde(default)]
    pub nodes: BTreeMap<String, String>,
}

impl fmt::Debug for NetworkSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetworkSection")
            .field("mirror_url", &self.mirror_url.as_deref().map(mask_url))
            .field("ledger_id", &self.ledger_id)
            .field("nodes", &self.nodes)
            .finish()
    }
}

/// `[mirror]`: how hmon treats the mirror node.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MirrorSection {
    /// Attempts per request, retries included (default 4).
    pub max_attempts: Option<u32>,
    /// First retry delay, doubled each attempt, with jitter (default "250ms").
    pub backoff: Option<String>,
    /// Requests in flight at once for multi-account commands (default 8).
    pub concurrency: Option<usize>,
}

/// A loaded config file with the text it came from, for locating errors. `Debug` leaves the text out.
#[derive(Default)]
pub struct LoadedConfig {
    pub file: ConfigFile,
    /// Where it was read from; `None` when the default path had no file.
    pub path: Option<PathBuf>,
    source: String,
}

impl fmt::Debug for LoadedConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadedConfig")
            .field("file", &self.file)
            .field("path", &self.path)
            .field("source", &format_args!("<{} bytes, not shown>", self.source.len()))
            .finish()
    }
}

/// The default path: `<config dir>/hmon/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("hmon").join("config.toml"))
}

impl LoadedConfig {
    /// Reads `path`. A missing file is an error when the path was named (`explicit`), defaults otherwise.
    pub fn load(path: &Path, explicit: bool) -> Result<Self, Error> {
        let source = match std::fs::read_to_string(path) {
            Ok(s) => s,
            // A default path under a file (not a directory) cannot hold a config either: defaults too.
            Err(e) if is_absent(&e) && !explicit => return Ok(Self::default()),
            Err(e) => {
                return Err(Error::config(format!("cannot read config file {}: {}", path.display(), io_reason(&e))))
            }
        };
        let file = toml::from_str(&source).map_err(|e| parse_error(path, &source, &e))?;
        Ok(Self { file, path: Some(path.to_path_buf()), source })
    }

    /// Whether this file and `other` say the same once the top-level keys `except` are left out (comments and
    /// layout aside). Files that do not parse as TOML count as different.
    pub fn same_except(&self, other: &LoadedConfig, except: &[&str]) -> bool {
        let strip = |mut table: toml::Table| {
            table.retain(|key, _| !except.contains(&key));
            table
        };
        match (self.top_level(), other.top_level()) {
            (Some(a), Some(b)) => strip(a) == strip(b),
            _ => false,
        }
    }

    /// Whether this file and `other` give the top-level key `key` the same value (both leaving it out counts).
    pub fn same_at(&self, other: &LoadedConfig, key: &str) -> bool {
        match (self.top_level(), other.top_level()) {
            (Some(a), Some(b)) => a.get(key) == b.get(key),
            _ => false,
        }
    }

    /// Whether this file and `other` give the table `table` the same keys and values once its keys `except` are
    /// left out (a table left out counts as empty). Files that do not parse as TOML count as different.
    pub fn same_in(&self, other: &LoadedConfig, table: &str, except: &[&str]) -> bool {
        let strip = |top: toml::Table| {
            let mut inner = top.get(table).and_then(toml::Value::as_table).cloned().unwrap_or_default();
            inner.retain(|key, _| !except.contains(&key));
            inner
        };
        match (self.top_level(), other.top_level()) {
            (Some(a), Some(b)) => strip(a) == strip(b),
            _ => false,
        }
    }

    fn top_level(&self) -> Option<toml::Table> {
        self.source.parse().ok()
    }

    /// A config error about `table.key` in this file, with the line where the key stands when it can be found.
    pub fn error_at(&self, table: &[&str], key: &str, message: impl fmt::Display) -> Error {
        let Some(path) = &self.path else {
            return Error::config(message.to_string());
        };
        let dotted: Vec<&str> = table.iter().copied().chain([key]).collect();
        match locate(&self.source, table, key) {
            Some(line) => Error::config(format!("{}:{line}: key '{}': {message}", path.display(), dotted.join("."))),
            None => Error::config(format!("{}: key '{}': {message}", path.display(), dotted.join("."))),
        }
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Whether an I/O error means that no file is there.
pub(crate) fn is_absent(e: &std::io::Error) -> bool {
    matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory)
}

/// Whether others than the owner can read the file (Unix); other platforms report `None`.
pub fn readable_by_others(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o044 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str) -> Result<LoadedConfig, Error> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        LoadedConfig::load(&path, true)
    }

    #[test]
    fn a_full_file_parses() {
        let cfg = load_str(
            r#"
            network = "mynet"
            timeout = "5s"
            [operator]
            account_id = "0.0.2"
            private_key = "302e020100300506032b657004220420aaaa"
            [networks.mynet]
            mirror_url = "http://127.0.0.1:5551"
            ledger_id = "03"
            nodes = { "127.0.0.1:50211" = "0.0.3" }
            [mirror]
            max_attempts = 2
            [[accounts]]
            id = "0.0.1001"
            [[rules]]
            name = "low"
            metric = "account_balance_hbar"
            condition = "<"
            threshold = 10.0
            "#,
        )
        .unwrap();
        assert_eq!(cfg.file.network.as_deref(), Some("mynet"));
        assert_eq!(cfg.file.networks["mynet"].nodes["127.0.0.1:50211"], "0.0.3");
        assert_eq!(cfg.file.accounts.len(), 1);
    }

    #[test]
    fn errors_name_file_line_and_key_but_not_the_value() {
        let err = load_str("network = \"testnet\"\n[operator]\naccount_id = 12\nprivate_key = \"302e\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("config.toml:3:14: key 'operator.account_id'"), "{err}");
        let err = load_str("[operator]\nprivate_key = 5\n").unwrap_err().to_string();
        assert!(err.contains("key 'operator.private_key'"), "{err}");
        let err = load_str("netwrk = \"testnet\"\n").unwrap_err().to_string();
        assert!(err.contains(":1:1:") && err.contains("unknown field `netwrk`"), "{err}");
        let err = load_str("network = \"testnet\n").unwrap_err().to_string();
        assert!(err.contains("config.toml:1:"), "{err}");
    }

    #[test]
    fn errors_never_quote_the_value_found() {
        let hook = "[[webhooks]]\nname = \"ops\"\nurl = \"https://h/x\"\n";
        for (text, secret, want) in [
            (
                format!("{hook}headers = \"Bearer tok-123\"\n"),
                "tok-123",
                "invalid type: expected a map, found a string",
            ),
            (format!("{hook}secret = [\"whsec-1\"]\n"), "whsec-1", "invalid type: expected a string, found a sequence"),
            (format!("{hook}format = \"sk-tok-2\"\n"), "sk-tok-2", "unknown value: expected one of `json`, `slack`"),
            ("[[webhooks]]\nname = \"ops\"\nurl = 77\n".into(), "77", "expected a string, found an integer"),
            ("[operator]\nprivate_key = { k = \"302e-key\" }\n".into(), "302e-key", "expected a string, found a map"),
            ("[operator]\nprivate_key = 302999\n".into(), "302999", "expected a string, found an integer"),
        ] {
            let err = load_str(&text).unwrap_err().to_string();
            assert!(err.contains(want) && !err.contains(secret), "{text}: {err}");
        }
        let err = load_str(&format!("{hook}headers = \"Bearer tok-123\"\n")).unwrap_err().to_string();
        assert!(err.contains("config.toml:4:11: key 'webhooks.headers'"), "{err}");
    }

    #[test]
    fn semantic_errors_find_their_line() {
        let cfg = load_str("# hi\n[networks.\"my net\"]\nmirror_url = \"x\"\n").unwrap();
        let err = cfg.error_at(&["networks", "my net"], "mirror_url", "bad url").to_string();
        assert!(err.ends_with("config.toml:3: key 'networks.my net.mirror_url': bad url"), "{err}");
        // A parse error in the same table names the key the same way.
        let err = load_str("[networks.\"my net\"]\nmirror_url = 5\n").unwrap_err().to_string();
        assert!(err.contains("key 'networks.my net.mirror_url'"), "{err}");
    }

    #[test]
    fn a_table_compares_the_same_without_the_keys_left_out() {
        let base = load_str("[serve]\nlisten = \"127.0.0.1:1\"\nwatchdog = true\n").unwrap();
        let other_watchdog = load_str("# a comment\n[serve]\nwatchdog = false\nlisten = \"127.0.0.1:1\"\n").unwrap();
        let other_listen = load_str("[serve]\nlisten = \"127.0.0.1:2\"\nwatchdog = true\n").unwrap();
        let only_watchdog = load_str("[serve]\nwatchdog = false\n").unwrap();
        let none = load_str("network = \"testnet\"\n").unwrap();
        assert!(base.same_in(&other_watchdog, "serve", &["watchdog"]));
        assert!(!base.same_in(&other_watchdog, "serve", &[]));
        assert!(!base.same_in(&other_listen, "serve", &["watchdog"]));
        assert!(only_watchdog.same_in(&none, "serve", &["watchdog"]), "a table left out counts as empty");
    }

    #[test]
    fn missing_default_file_means_defaults_but_named_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("absent.toml");
        assert!(LoadedConfig::load(&path, false).unwrap().path.is_none());
        let err = LoadedConfig::load(&path, true).unwrap_err();
        assert!(err.to_string().contains("absent.toml: no such file"), "{err}");
    }
}
