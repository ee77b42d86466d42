//! The alerts as Alertmanager's API v2 takes them (`POST /api/v2/alerts`), built from the read model's alerts
//! and what was sent before ([`Memory`]), at a time the caller passes in (no clock here, so tests choose it).
//!
//! As Prometheus does: a firing alert ends at `now + 4 x max(evaluation interval, resend delay)`, so Alertmanager
//! resolves it by itself if hmon stops sending; an alert that stops firing (resolved, removed, or silenced in hmon)
//! is sent with `endsAt` = the time that was noticed and kept in the list for [`RESOLVED_RESEND`]. Pending alerts
//! are not sent. Identity is the label set, so two hmon instances with the same rules make one alert.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use super::config::Options;
use crate::alert::manager::AlertView;
use crate::alert::rule::format_value;
use crate::metrics::Labels;
use crate::timestamp::Timestamp;

/// How long a resolved alert is sent again after it resolved (Prometheus's 15 minutes).
pub const RESOLVED_RESEND: Duration = Duration::from_secs(15 * 60);
/// The name of the always-firing alert (a dead man's switch).
pub const WATCHDOG: &str = "HmonWatchdog";

/// One alert of a `POST /api/v2/alerts` body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostableAlert {
    pub labels: Labels,
    pub annotations: BTreeMap<String, String>,
    #[serde(rename = "startsAt")]
    pub starts_at: String,
    #[serde(rename = "endsAt")]
    pub ends_at: String,
    #[serde(rename = "generatorURL")]
    pub generator_url: String,
}

/// The list to send now.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    pub alerts: Vec<PostableAlert>,
    /// Firing alerts in the list, the watchdog included.
    pub firing: usize,
    /// Resolved alerts in the list (within their re-send window).
    pub resolved: usize,
    /// Which label sets fire and which are resolved: when it changes, the list is sent at once rather than at
    /// the next re-send.
    pub shape: Vec<(bool, Labels)>,
}

/// What the forwarder remembers between two rounds: the alerts firing at the last round and those resolved in
/// the last [`RESOLVED_RESEND`].
#[derive(Debug, Default)]
pub struct Memory {
    started: Option<Timestamp>,
    firing: BTreeMap<Labels, PostableAlert>,
    resolved: BTreeMap<Labels, (PostableAlert, Timestamp)>,
}

impl Memory {
    /// The list to send at `now` for the model's `alerts`; remembers what fires and what resolved.
    pub fn round(&mut self, alerts: &[AlertView], options: &Options, now: Timestamp) -> Batch {
        let started = *self.started.get_or_insert(now);
        let firing: BTreeMap<Labels, PostableAlert> = alerts
            .iter()
            .filter(|a| a.state == "firing" && !a.silenced)
            .map(|a| {
                let alert = alert_of(a, options);
                (alert.labels.clone(), alert)
            })
            .collect();
        let ended = now.to_rfc3339();
        for (labels, mut alert) in std::mem::take(&mut self.firing) {
            if !firing.contains_key(&labels) {
                alert.ends_at = ended.clone();
                self.resolved.insert(labels, (alert, now));
            }
        }
        self.resolved.retain(|labels, (_, at)| !firing.contains_key(labels) && at.seconds_until(now) < window());
        self.firing = firing;

        let ends_at = plus(now, options.eval_interval.max(options.resend_delay) * 4).to_rfc3339();
        let mut batch = Batch::default();
        if options.watchdog {
            batch.alerts.push(PostableAlert { ends_at: ends_at.clone(), ..watchdog(options, started) });
        }
        for alert in self.firing.values() {
            batch.alerts.push(PostableAlert { ends_at: ends_at.clone(), ..alert.clone() });
            batch.shape.push((true, alert.labels.clone()));
        }
        batch.firing = batch.alerts.len();
        for (labels, (alert, _)) in &self.resolved {
            batch.alerts.push(alert.clone());
            batch.shape.push((false, labels.clone()));
        }
        batch.resolved = self.resolved.len();
        batch
    }
}

fn window() -> f64 {
    RESOLVED_RESEND.as_secs_f64()
}

/// `t + d`, to the millisecond.
fn plus(t: Timestamp, d: Duration) -> Timestamp {
    Timestamp::from_millis(t.as_millis().saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)))
}

/// `alertname` and `severity` first (they win over series labels of those names), then the series labels, then
/// the external labels where the alert has no label of that name.
fn labels_of(rule: &str, severity: &str, series: &Labels, options: &Options) -> Labels {
    let mut labels = series.clone();
    labels.insert("alertname".to_string(), rule.to_string());
    labels.insert("severity".to_string(), severity.to_string());
    for (name, value) in &options.external_labels {
        labels.entry(name.clone()).or_insert_with(|| value.clone());
    }
    labels
}

fn alert_of(view: &AlertView, options: &Options) -> PostableAlert {
    let mut annotations = BTreeMap::from([("summary".to_string(), view.summary.clone())]);
    if let Some(value) = view.value {
        annotations.insert("value".to_string(), format_value(value));
    }
    PostableAlert {
        labels: labels_of(&view.rule, view.severity.as_str(), &view.labels, options),
        annotations,
        starts_at: view.since.to_rfc3339(),
        ends_at: String::new(),
        generator_url: options.generator_url.clone(),
    }
}

fn watchdog(options: &Options, started: Timestamp) -> PostableAlert {
    let summary = "hmon is running: this alert always fires; route it to a dead man's switch, which pages when it \
                   stops arriving";
    PostableAlert {
        labels: labels_of(WATCHDOG, "none", &Labels::new(), options),
        annotations: BTreeMap::from([("summary".to_string(), summary.to_string())]),
        starts_at: started.to_rfc3339(),
        ends_at: String::new(),
        generator_url: options.generator_url.clone(),
    }
}

#[cfg(test)]
#[path = "payload_tests.rs"]
mod tests;
