//! Forwarding alerts to Prometheus Alertmanager (`[[alertmanagers]]`), as Prometheus itself does: every firing
//! alert of the read model, and each resolved one for 15 minutes, is posted to `<url>/api/v2/alerts` of every
//! configured Alertmanager, again every `[serve] resend_delay`, with an always-firing `HmonWatchdog` alert beside
//! them (a dead man's switch; `[serve] watchdog = false` turns it off).
//!
//! [`config`] validates the entries, [`payload`] builds the list from the model at a given time, and
//! [`forwarder`] runs it: one task that wakes on model changes and on the re-send tick, and one task per
//! Alertmanager that posts the newest list (a queue of one: a newer list replaces an unsent one), retries an
//! outage with backoff (a refusal, a 4xx, is not retried) and counts outcomes in the model's [`Stats`]
//! (`hmon_alertmanager_*` on `/metrics`). An empty list is posted too, as a probe. A slow or unreachable
//! Alertmanager delays only its own posts; rules and webhooks never wait for any. The daemon
//! (`crate::serve::daemon`) owns the forwarder and gives it new settings on reload.

pub mod config;
pub mod forwarder;
pub mod payload;

use std::collections::BTreeMap;

use serde::Serialize;

pub use config::{AlertmanagerConfig, Forwarding};
pub use forwarder::Forwarder;

/// Forwarding counters, kept in the read model for `/metrics`.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Per Alertmanager (its URL without user info).
    pub per_alertmanager: BTreeMap<String, TargetStats>,
    /// Firing alerts in the latest list, the watchdog included.
    pub firing: u64,
    /// Resolved alerts in the latest list (re-sent for 15 minutes).
    pub resolved: u64,
}

/// One Alertmanager's counters.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct TargetStats {
    /// Posts it accepted (2xx).
    pub sent: u64,
    /// Posts it answered 400: it took the valid alerts of the list and refused the others.
    pub invalid: u64,
    /// Posts that failed: no answer, a timeout, a 5xx, or a 4xx other than 400 (a wrong path or credentials).
    pub errors: u64,
    /// Whether the latest post was taken (a 2xx, or a 400, which still takes the valid alerts). Every re-send
    /// posts, an empty list included, so this is never older than the re-send delay plus a timeout.
    pub up: bool,
}

/// What in these entries is secret, named for a warning.
pub fn secrets(entries: &[AlertmanagerConfig]) -> Vec<String> {
    let mut found = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        if entry.bearer_token.is_some() {
            found.push(format!("bearer_token of alertmanager {}", i + 1));
        }
        if entry.basic_auth.as_ref().is_some_and(|b| b.password.is_some()) {
            found.push(format!("basic_auth password of alertmanager {}", i + 1));
        }
    }
    found
}
