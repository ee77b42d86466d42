//! Effective settings: flags over environment over config file over defaults, each value with its source.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::config::{self, LoadedConfig, Secret};
use crate::error::Error;
use crate::network::{self, Network, BUILTIN};
use crate::secret::mask_url;
use crate::timestamp::parse_duration;

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Flag(&'static str),
    Env(&'static str),
    File,
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(name) => write!(f, "flag {name}"),
            Source::Env(name) => write!(f, "env {name}"),
            Source::File => f.write_str("file"),
            Source::Default => f.write_str("default"),
        }
    }
}

impl Serialize for Source {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A value and where it came from.
#[derive(Debug, Clone)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Setting<T> {
    pub fn new(value: T, source: Source) -> Self {
        Self { value, source }
    }
}

/// What the command line (flags or their environment variables) asked for. `Debug` masks URL credentials.
#[derive(Default, Clone)]
pub struct Overrides {
    pub network: Option<Setting<String>>,
    pub mirror_url: Option<Setting<String>>,
    pub config: Option<Setting<PathBuf>>,
    pub timeout: Option<Setting<String>>,
}

impl fmt::Debug for Overrides {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Overrides")
            .field("network", &self.network)
            .field("mirror_url", &self.mirror_url.as_ref().map(|u| mask_url(&u.value)))
            .field("config", &self.config)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Retry and concurrency tuning for the mirror client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MirrorTuning {
    pub max_attempts: u32,
    pub backoff: Duration,
    pub concurrency: usize,
}

impl Default for MirrorTuning {
    fn default() -> Self {
        Self { max_attempts: 4, backoff: Duration::from_millis(250), concurrency: 8 }
    }
}

/// Everything a command needs to know about where and how to talk, resolved once. `Debug` masks what may be
/// secret (the key, credentials in the mirror URL; the config file's text is left out).
pub struct Settings {
    pub config: LoadedConfig,
    pub config_path: Setting<Option<PathBuf>>,
    pub network: Setting<Network>,
    pub mirror_url: Setting<String>,
    pub timeout: Setting<Duration>,
    pub operator_id: Option<Setting<String>>,
    pub operator_key: Option<Setting<Secret>>,
    pub key_type: Option<String>,
    pub mirror: MirrorTuning,
    /// Things the user should hear about once (e.g. a private key in a world-readable file).
    pub warnings: Vec<String>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("config", &self.config)
            .field("config_path", &self.config_path)
            .field("network", &self.network)
            .field("mirror_url", &mask_url(&self.mirror_url.value))
            .field("mirror_url_source", &self.mirror_url.source)
            .field("timeout", &self.timeout)
            .field("operator_id", &self.operator_id)
            .field("operator_key", &self.operator_key)
            .field("key_type", &self.key_type)
            .field("mirror", &self.mirror)
            .field("warnings", &self.warnings)
            .finish()
    }
}

/// The default per-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

impl Settings {
    /// Resolves the settings. `env` reads environment variables (injected for tests).
    pub fn resolve(over: Overrides, env: impl Fn(&str) -> Option<String>) -> Result<Settings, Error> {
        let config_path = match &over.config {
            Some(p) => Setting::new(Some(p.value.clone()), p.source.clone()),
            None => Setting::new(config::default_path(), Source::Default),
        };
        let config = match &config_path.value {
            Some(path) => LoadedConfig::load(path, config_path.source != Source::Default)?,
            None => LoadedConfig::default(),
        };
        let file = &config.file;

        let network_name = match over.network {
            Some(n) => n,
            None => match &file.network {
                Some(n) => Setting::new(n.clone(), Source::File),
                None => Setting::new("testnet".to_string(), Source::Default),
            },
        };
        let network = Setting::new(network_from(&config, &network_name)?, network_name.source.clone());

        let mirror_url = match over.mirror_url {
            Some(u) => Setting::new(normalize_mirror_url(&u.value).map_err(Error::usage)?, u.source),
            None => {
                let source = match config.file.networks.get(&network.value.name).and_then(|n| n.mirror_url.as_ref()) {
                    Some(_) => Source::File,
                    None => Source::Default,
                };
                Setting::new(network.value.mirror_url.clone(), source)
            }
        };

        let timeout = match over.timeout {
            Some(t) => Setting::new(parse_duration(&t.value, "--timeout")?, t.source),
            None => match &file.timeout {
                Some(t) => Setting::new(
                    parse_duration(t, "timeout").map_err(|e| config.error_at(&[], "timeout", e))?,
                    Source::File,
                ),
                None => Setting::new(DEFAULT_TIMEOUT, Source::Default),
            },
        };

        let operator = file.operator.as_ref();
        let operator_id = match operator.and_then(|o| o.account_id.clone()) {
            Some(id) => Some(Setting::new(id, Source::File)),
            None => {
                env("OPERATOR_ID").filter(|v| !v.trim().is_empty()).map(|v| Setting::new(v, Source::Env("OPERATOR_ID")))
            }
        };
        let operator_key = match operator.and_then(|o| o.private_key.clone()) {
            Some(key) => Some(Setting::new(key, Source::File)),
            None => env("OPERATOR_KEY")
                .filter(|v| !v.trim().is_empty())
                .map(|v| Setting::new(Secret::new(v), Source::Env("OPERATOR_KEY"))),
        };
        let key_type = operator.and_then(|o| o.key_type.clone());

        let mut warnings = Vec::new();
        if let Some(path) = &config.path {
            let secrets = config.file.secrets();
            if let (false, Some(mode)) = (secrets.is_empty(), config::readable_by_others(path)) {
                warnings.push(format!(
                    "{} holds secrets ({}) and is readable by others (mode {mode:o}); run: chmod 600 {}",
                    path.display(),
                    secrets.join(", "),
                    path.display()
                ));
            }
        }

        let mirror = mirror_tuning(&config)?;
        Ok(Settings {
            config_path,
            network,
            mirror_url,
            timeout,
            operator_id,
            operator_key,
            key_type,
            mirror,
            warnings,
            config,
        })
    }
}

fn network_from(config: &LoadedConfig, name: &Setting<String>) -> Result<Network, Error> {
    let section = config.file.networks.get(&name.value);
    let mut net = match (Network::builtin(&name.value), section) {
        (Some(net), _) => net,
        (None, Some(_)) => {
            Network { name: name.value.clone(), mirror_url: String::new(), ledger_id: None, nodes: Default::default() }
        }
        (None, None) => {
            let mut known: Vec<String> = BUILTIN.iter().map(|s| s.to_string()).collect();
            known.extend(config.file.networks.keys().cloned());
            let msg = format!(
                "unknown network '{}': expected one of {}, or a network defined as [networks.NAME] in the config file",
                name.value,
                known.join(", ")
            );
            return Err(match name.source {
                Source::File => config.error_at(&[], "network", msg),
                _ => Error::usage(msg),
            });
        }
    };
    if let Some(section) = section {
        let table = ["networks", name.value.as_str()];
        if let Some(url) = &section.mirror_url {
            net.mirror_url = normalize_mirror_url(url).map_err(|e| config.error_at(&table, "mirror_url", e))?;
        }
        if let Some(id) = &section.ledger_id {
            net.ledger_id = Some(network::parse_ledger_id(id).ok_or_else(|| {
                config.error_at(
                    &table,
                    "ledger_id",
                    format!("invalid ledger id '{id}': expected hex bytes, e.g. \"03\""),
                )
            })?);
        }
        for (addr, account) in &section.nodes {
            if account.parse::<crate::ids::EntityId>().is_err() || !addr.contains(':') {
                return Err(config.error_at(
                    &table,
                    "nodes",
                    format!("invalid node '{addr}' = '{account}': expected \"host:port\" = \"shard.realm.num\""),
                ));
            }
        }
        net.nodes = section.nodes.clone();
    }
    if net.mirror_url.is_empty() {
        return Err(config.error_at(&["networks", &name.value], "mirror_url", "a custom network needs a mirror_url"));
    }
    Ok(net)
}

fn mirror_tuning(config: &LoadedConfig) -> Result<MirrorTuning, Error> {
    let mut tuning = MirrorTuning::default();
    let Some(section) = &config.file.mirror else { return Ok(tuning) };
    if let Some(n) = section.max_attempts {
        if !(1..=20).contains(&n) {
            return Err(config.error_at(&["mirror"], "max_attempts", format!("{n} is out of range: expected 1 to 20")));
        }
        tuning.max_attempts = n;
    }
    if let Some(b) = &section.backoff {
        tuning.backoff = parse_duration(b, "backoff").map_err(|e| config.error_at(&["mirror"], "backoff", e))?;
    }
    if let Some(c) = section.concurrency {
        if !(1..=64).contains(&c) {
            return Err(config.error_at(&["mirror"], "concurrency", format!("{c} is out of range: expected 1 to 64")));
        }
        tuning.concurrency = c;
    }
    Ok(tuning)
}

/// Checks a mirror base URL and brings it to `scheme://host[:port][/prefix]` (no trailing `/`, no `/api/v1`).
pub fn normalize_mirror_url(raw: &str) -> Result<String, String> {
    let shown = mask_url(raw);
    let bad =
        |why: &str| format!("invalid mirror URL '{shown}': {why}; expected e.g. https://testnet.mirrornode.hedera.com");
    let url = url::Url::parse(raw.trim()).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("no query or fragment allowed"));
    }
    let mut s = url.as_str().trim_end_matches('/').to_string();
    if let Some(stripped) = s.strip_suffix("/api/v1") {
        s = stripped.to_string();
    }
    Ok(s)
}

#[cfg(test)]
mod tests;
