//! The alerts as Alertmanager's API v2 takes them (`POST /api/v2/alerts`), built from the read model's alerts
//! and what was sent before ([`Memory`]), at a time the caller passes in (no clock here, so tests choose it).
//!
//! As Prometheus does: a firing alert ends at `now + 4 x max(evaluation interval, resend delay)`, so Alertmanager
//! resolves it by itself if hmon stops sending; an alert that stops firing (resolved, removed, or silenced in hmon)
//! is sent with `endsAt` = the time that was noticed and kept in the list for [`RESOLVED_RESEND`]. Pending alerts
//! are not sent. Identity is the label set, so two hmon instances with the same rules make one alert.
//!
//! Alertmanager refuses an alert whose `endsAt` is before its `startsAt`, or with a label name outside
//! `[a-zA-Z_][a-zA-Z0-9_]*`, and drops labels whose value is empty: `endsAt` is never before `startsAt`, and the
//! label set is made one it keeps as it is (see [`label_set`]).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use super::config::{is_label_name, Options};
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
    /// RFC 3339 in JSON, as every time here.
    #[serde(rename = "startsAt")]
    pub starts_at: Timestamp,
    /// Never before `starts_at`.
    #[serde(rename = "endsAt")]
    pub ends_at: Timestamp,
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
        let generator_url = options.generator_url();
        let firing: BTreeMap<Labels, PostableAlert> = alerts
            .iter()
            .filter(|a| a.state == "firing" && !a.silenced)
            .map(|a| {
                let alert = alert_of(a, options, &generator_url);
                (alert.labels.clone(), alert)
            })
            .collect();
        for (labels, alert) in std::mem::take(&mut self.firing) {
            if !firing.contains_key(&labels) {
                self.resolved.insert(labels, (ending(alert, now), now));
            }
        }
        self.resolved.retain(|labels, (_, at)| !firing.contains_key(labels) && at.seconds_until(now) < window());
        self.firing = firing;

        let ends_at = plus(now, options.alert_lifetime());
        let mut batch = Batch::default();
        if options.watchdog {
            batch.alerts.push(ending(watchdog(options, &generator_url, started), ends_at));
        }
        for alert in self.firing.values() {
            batch.alerts.push(ending(alert.clone(), ends_at));
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

/// How long the pipeline may go without evaluating a batch before the forwarder counts it as stopped: three
/// evaluation intervals (every collector sends a batch each interval), at least [`EVALUATION_GRACE_MIN`].
pub fn evaluating(evaluated_at: Option<Timestamp>, options: &Options, now: Timestamp) -> bool {
    let grace = options.eval_interval.saturating_mul(3).max(EVALUATION_GRACE_MIN).as_secs_f64();
    evaluated_at.is_some_and(|at| at.seconds_until(now) <= grace)
}

/// The shortest grace [`evaluating`] allows: a slow store write must not look like a dead pipeline.
const EVALUATION_GRACE_MIN: Duration = Duration::from_secs(30);

/// `alert` ending at `at`, or at its start if that is later: Alertmanager refuses an alert that ends before it
/// starts (a `since` ahead of this clock, e.g. restored from a store written by a host whose clock ran ahead).
fn ending(alert: PostableAlert, at: Timestamp) -> PostableAlert {
    PostableAlert { ends_at: at.max(alert.starts_at), ..alert }
}

fn window() -> f64 {
    RESOLVED_RESEND.as_secs_f64()
}

/// `t + d`, to the millisecond, saturating.
fn plus(t: Timestamp, d: Duration) -> Timestamp {
    Timestamp::from_millis(t.as_millis().saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)))
}

/// `alertname` and `severity` first (they win over series labels of those names), then the series labels, then
/// the external labels where the alert has no label of that name; made a [`label_set`].
fn labels_of(rule: &str, severity: &str, series: &Labels, options: &Options) -> Labels {
    let mut labels = label_set(series);
    labels.insert("alertname".to_string(), rule.to_string());
    labels.insert("severity".to_string(), severity.to_string());
    for (name, value) in &options.external_labels {
        if !labels.contains_key(name) {
            labels.insert(name.clone(), value.clone());
        }
    }
    labels.retain(|_, value| !value.is_empty());
    labels
}

/// `series` as labels Alertmanager takes as they are, so that one odd label cannot make it refuse the alert (and
/// the identity hmon remembers is the one Alertmanager keeps):
/// - a name outside `[a-zA-Z_][a-zA-Z0-9_]*` has each offending character replaced with `_`, as Prometheus's
///   `strutil.SanitizeFullLabelName` does (`node-id` becomes `node_id`); a valid name already there wins;
/// - names starting with `__` are reserved for internal use in Prometheus and dropped, as `/metrics` leaves them
///   out too (there, dropping the whole sample); so is an empty name;
/// - labels with an empty value are dropped: Alertmanager drops them before it checks the alert.
///
/// Values need no change: Alertmanager asks for valid UTF-8, and a Rust string is nothing else.
pub fn label_set(series: &Labels) -> Labels {
    let mut labels = Labels::new();
    let mut renamed = Vec::new();
    for (name, value) in series.iter().filter(|(_, value)| !value.is_empty()) {
        if is_label_name(name) {
            labels.insert(name.clone(), value.clone());
        } else {
            renamed.push((sanitized(name), value));
        }
    }
    for (name, value) in renamed {
        if !name.is_empty() && !name.starts_with("__") && !labels.contains_key(&name) {
            labels.insert(name, value.clone());
        }
    }
    labels
}

/// `name` with each character Alertmanager refuses there replaced with `_` (a digit only at the start).
fn sanitized(name: &str) -> String {
    (name.chars().enumerate())
        .map(|(i, c)| if c.is_ascii_alphabetic() || c == '_' || (i > 0 && c.is_ascii_digit()) { c } else { '_' })
        .collect()
}

fn alert_of(view: &AlertView, options: &Options, generator_url: &str) -> PostableAlert {
    let mut annotations = BTreeMap::from([("summary".to_string(), view.summary.clone())]);
    if let Some(value) = view.value {
        annotations.insert("value".to_string(), format_value(value));
    }
    PostableAlert {
        labels: labels_of(&view.rule, view.severity.as_str(), &view.labels, options),
        annotations,
        starts_at: view.since,
        ends_at: view.since,
        generator_url: generator_url.to_string(),
    }
}

fn watchdog(options: &Options, generator_url: &str, started: Timestamp) -> PostableAlert {
    let summary = "hmon is running: this alert always fires; route it to a dead man's switch, which pages when it \
                   stops arriving";
    PostableAlert {
        labels: labels_of(WATCHDOG, "none", &Labels::new(), options),
        annotations: BTreeMap::from([("summary".to_string(), summary.to_string())]),
        starts_at: started,
        ends_at: started,
        generator_url: generator_url.to_string(),
    }
}

#[cfg(test)]
#[path = "payload_tests.rs"]
mod tests;
