//! What to monitor and how, validated from the config file and `watch` flags before anything starts.

use std::collections::HashMap;
use std::time::Duration;

use crate::alert::rule::Rule;
use crate::collect::accounts::{AccountsTuning, WatchedAccount};
use crate::collect::mode::ModeSetting;
use crate::collect::MIN_INTERVAL;
use crate::config::LoadedConfig;
use crate::error::Error;
use crate::ids::EntityId;
use crate::timestamp::parse_duration;
use crate::webhook::Webhook;

/// A validated monitoring plan.
#[derive(Debug, Clone)]
pub struct Plan {
    pub accounts: Vec<WatchedAccount>,
    pub rules: Vec<Rule>,
    pub webhooks: Vec<Webhook>,
    /// Accounts and mirror health.
    pub interval: Duration,
    pub nodes_interval: Duration,
    pub tuning: AccountsTuning,
    /// Per-account batches, the network stream, or whichever costs less (`[collect] mode`).
    pub mode: ModeSetting,
    pub rate_limit: f64,
    pub probe_timeout: Duration,
    /// Samples older than this are deleted from the store.
    pub retention: Duration,
    /// Cycles of its collector a series may miss before it counts as gone.
    pub stale_cycles: u32,
    /// A quiet series is stored again at least this often (`balance_refresh`): the store's heartbeat.
    pub heartbeat: Duration,
    /// `[canary]` when `enabled`: the canary runs as a collector.
    pub canary: Option<crate::canary::settings::CanarySettings>,
}

impl Plan {
    /// The collectors [`crate::pipeline::Monitor::start`] runs for this plan, by name.
    pub fn collectors(&self) -> Vec<&'static str> {
        let mut running = vec!["mirror", "nodes", "webhooks"];
        if !self.accounts.is_empty() {
            running.push("accounts");
        }
        if self.canary.is_some() {
            running.push("canary");
        }
        running
    }

    /// Reads `[[accounts]]`, `[[rules]]`, `[[webhooks]]` and `[collect]`; `extra_accounts` come from
    /// `--account` and `interval` from `--interval` (usage errors), the rest from the file (config errors).
    pub fn from_config(
        config: &LoadedConfig,
        extra_accounts: &[String],
        interval: Option<Duration>,
    ) -> Result<Plan, Error> {
        let file = &config.file;
        let webhooks = webhooks(config)?;
        let names: Vec<String> = webhooks.iter().map(|w| w.name.clone()).collect();
        let rules = rules(config, &names)?;

        let mut accounts = Vec::new();
        let mut seen = HashMap::new();
        for (i, entry) in file.accounts.iter().enumerate() {
            let id: EntityId = entry.id.trim().parse().map_err(|_| {
                config.error_at(
                    &[],
                    "accounts",
                    format!("entry {}: invalid id '{}': expected shard.realm.num", i + 1, entry.id),
                )
            })?;
            push_account(&mut accounts, &mut seen, id, entry.label.clone().unwrap_or_default());
        }
        for raw in extra_accounts {
            let id: EntityId = raw.trim().parse().map_err(|_| {
                Error::usage(format!("invalid --account '{raw}': expected shard.realm.num, e.g. 0.0.1234"))
            })?;
            push_account(&mut accounts, &mut seen, id, String::new());
        }

        let collect = file.collect.clone().unwrap_or_default();
        let duration = |v: &Option<String>, key: &str, default: Duration| -> Result<Duration, Error> {
            let d = match v {
                Some(s) => parse_duration(s, key).map_err(|e| config.error_at(&["collect"], key, e))?,
                None => default,
            };
            Ok(d)
        };
        let file_interval = duration(&collect.interval, "interval", Duration::from_secs(10))?;
        let interval = match interval {
            Some(d) if d < MIN_INTERVAL => {
                return Err(Error::usage(format!(
                    "--interval {} is too fast: the mirror caches answers for 1-2 s; use 2s or more",
                    humantime::format_duration(d)
                )))
            }
            Some(d) => d,
            None if file_interval < MIN_INTERVAL => {
                return Err(config.error_at(&["collect"], "interval", "must be at least 2s (the mirror caches 1-2 s)"))
            }
            None => file_interval,
        };
        let nodes_interval =
            duration(&collect.nodes_interval, "nodes_interval", Duration::from_secs(60))?.max(MIN_INTERVAL);
        let refresh = duration(&collect.balance_refresh, "balance_refresh", Duration::from_secs(300))?;
        let probe_timeout = duration(&collect.probe_timeout, "probe_timeout", Duration::from_secs(3))?;
        let rate_limit = collect.rate_limit.unwrap_or(20.0);
        if !(0.1..=1000.0).contains(&rate_limit) {
            return Err(config.error_at(
                &["collect"],
                "rate_limit",
                format!("{rate_limit} is out of range: expected 0.1 to 1000 requests a second"),
            ));
        }
        let batch_size = collect.batch_size.unwrap_or(50);
        if !(1..=100).contains(&batch_size) {
            return Err(config.error_at(
                &["collect"],
                "batch_size",
                format!("{batch_size} is out of range: expected 1 to 100"),
            ));
        }
        let mode = match &collect.mode {
            Some(m) => m.parse::<ModeSetting>().map_err(|e| config.error_at(&["collect"], "mode", e))?,
            None => ModeSetting::default(),
        };
        let retention = match file.store.as_ref().and_then(|s| s.retention.as_ref()) {
            Some(r) => parse_duration(r, "retention").map_err(|e| config.error_at(&["store"], "retention", e))?,
            None => crate::store::DEFAULT_RETENTION,
        };
        let stale_cycles = collect.stale_cycles.unwrap_or(crate::alert::manager::DEFAULT_STALE_CYCLES);
        if !(1..=10_000).contains(&stale_cycles) {
            return Err(config.error_at(
                &["collect"],
                "stale_cycles",
                format!("{stale_cycles} is out of range: expected 1 to 10000 cycles"),
            ));
        }
        let refresh_cycles = (refresh.as_secs_f64() / interval.as_secs_f64()).ceil().max(1.0) as usize;
        let tuning = AccountsTuning { batch_size, refresh_cycles, ..AccountsTuning::default() };
        Ok(Plan {
            accounts,
            rules,
            webhooks,
            interval,
            nodes_interval,
            tuning,
            mode,
            rate_limit,
            probe_timeout,
            retention,
            stale_cycles,
            heartbeat: refresh,
            canary: Some(crate::canary::settings::CanarySettings::from_config(config)?).filter(|c| c.enabled),
        })
    }
}

/// Adds an account once (`seen` maps ids to their place): a second mention only fills in a missing label. A map,
/// not a search, so that 100,000 accounts load in linear time.
fn push_account(accounts: &mut Vec<WatchedAccount>, seen: &mut HashMap<EntityId, usize>, id: EntityId, label: String) {
    match seen.get(&id) {
        Some(&i) if accounts[i].label.is_empty() => accounts[i].label = label,
        Some(_) => {}
        None => {
            seen.insert(id, accounts.len());
            accounts.push(WatchedAccount { id, label });
        }
    }
}

/// Validates every `[[webhooks]]` entry and that names are unique.
pub fn webhooks(config: &LoadedConfig) -> Result<Vec<Webhook>, Error> {
    let mut out: Vec<Webhook> = Vec::new();
    for w in &config.file.webhooks {
        let hook = w.validate().map_err(|e| config.error_at(&[], "webhooks", format!("webhook '{}': {e}", w.name)))?;
        if out.iter().any(|o| o.name == hook.name) {
            return Err(config.error_at(&[], "webhooks", format!("webhook name '{}' is used twice", hook.name)));
        }
        out.push(hook);
    }
    Ok(out)
}

/// Validates every `[[rules]]` entry and that names are unique.
pub fn rules(config: &LoadedConfig, webhooks: &[String]) -> Result<Vec<Rule>, Error> {
    let mut out: Vec<Rule> = Vec::new();
    for r in &config.file.rules {
        let rule = r.validate(webhooks).map_err(|e| config.error_at(&[], "rules", e))?;
        if out.iter().any(|o| o.name == rule.name) {
            return Err(config.error_at(&[], "rules", format!("rule name '{}' is used twice", rule.name)));
        }
        out.push(rule);
    }
    Ok(out)
}
