//! The alert manager: evaluates every rule on every new sample and keeps state per rule *and* per series.
//!
//! Each (rule, series) pair moves inactive -> pending -> firing -> resolved (back to inactive) on its own, so one
//! account's alert never silences another's, and change conditions compare a series only with its own previous
//! value. Time comes in with each call (`now`), which keeps the state machine testable without sleeps.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use crate::metrics::{labels_match, Labels, Sample};
use crate::timestamp::Timestamp;
use crate::webhook::{AlertStatus, Notification};

use super::rule::{render_summary, Rule};

/// Where one (rule, series) pair stands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Phase {
    Inactive,
    Pending { since: Timestamp },
    Firing { since: Timestamp, last_sent: Timestamp },
}

#[derive(Debug, Clone)]
struct SeriesState {
    phase: Phase,
    previous: Option<f64>,
    labels: Labels,
}

/// A notification to deliver, with the rule's webhook selection and the key that orders its deliveries.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub notification: Notification,
    /// `None`: every webhook.
    pub webhooks: Option<Vec<String>>,
    /// Rule plus series: deliveries with the same key keep their order.
    pub ordering_key: String,
}

/// One firing alert, for displays.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveAlert {
    pub rule: String,
    pub labels: Labels,
    pub since: Timestamp,
    pub value: f64,
}

/// Evaluates rules on samples.
#[derive(Debug, Default)]
pub struct AlertManager {
    rules: Vec<Rule>,
    /// metric name -> (first matcher label -> rules) and rules without matchers.
    index: HashMap<String, MetricRules>,
    states: HashMap<(usize, u64), SeriesState>,
}

#[derive(Debug, Default)]
struct MetricRules {
    by_label: HashMap<(String, String), Vec<usize>>,
    unlabelled: Vec<usize>,
}

impl AlertManager {
    pub fn new(rules: Vec<Rule>) -> Self {
        let mut index: HashMap<String, MetricRules> = HashMap::new();
        for (i, rule) in rules.iter().enumerate() {
            let entry = index.entry(rule.metric.clone()).or_default();
            match rule.labels.iter().next() {
                Some((k, v)) => entry.by_label.entry((k.clone(), v.clone())).or_default().push(i),
                None => entry.unlabelled.push(i),
            }
        }
        Self { rules, index, states: HashMap::new() }
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Evaluates every matching rule on `sample` at time `now`; returns the notifications this causes.
    pub fn observe(&mut self, sample: &Sample, now: Timestamp, out: &mut Vec<Outgoing>) {
        let Some(metric) = self.index.get(&sample.name) else { return };
        let series = series_hash(sample);
        let mut candidates: Vec<usize> = metric.unlabelled.clone();
        for (k, v) in &sample.labels {
            if let Some(rules) = metric.by_label.get(&(k.clone(), v.clone())) {
                candidates.extend(rules.iter().copied());
            }
        }
        for i in candidates {
            if labels_match(&self.rules[i].labels, &sample.labels) {
                self.step(i, series, sample, now, out);
            }
        }
    }

    fn step(&mut self, i: usize, series: u64, sample: &Sample, now: Timestamp, out: &mut Vec<Outgoing>) {
        let rule = &self.rules[i];
        let state = self.states.entry((i, series)).or_insert_with(|| SeriesState {
            phase: Phase::Inactive,
            previous: None,
            labels: sample.labels.clone(),
        });
        let active = rule.condition.holds(sample.value, rule.threshold.unwrap_or(0.0), state.previous);
        state.previous = Some(sample.value);
        let elapsed = |from: Timestamp| from.seconds_until(now);
        let (next, status) = match state.phase {
            Phase::Inactive if !active => (Phase::Inactive, None),
            Phase::Inactive if rule.pending.is_zero() => {
                (Phase::Firing { since: now, last_sent: now }, Some(AlertStatus::Firing))
            }
            Phase::Inactive => (Phase::Pending { since: now }, None),
            Phase::Pending { .. } if !active => (Phase::Inactive, None),
            Phase::Pending { since } if elapsed(since) >= rule.pending.as_secs_f64() => {
                (Phase::Firing { since: now, last_sent: now }, Some(AlertStatus::Firing))
            }
            pending @ Phase::Pending { .. } => (pending, None),
            Phase::Firing { since, .. } if !active => {
                out.push(outgoing(rule, &state.labels, sample.value, since, Some(now), AlertStatus::Resolved));
                (Phase::Inactive, None)
            }
            Phase::Firing { since, last_sent } if elapsed(last_sent) >= rule.repeat.as_secs_f64() => {
                (Phase::Firing { since, last_sent: now }, Some(AlertStatus::Firing))
            }
            firing @ Phase::Firing { .. } => (firing, None),
        };
        state.phase = next;
        if let (Some(status), Phase::Firing { since, .. }) = (status, next) {
            out.push(outgoing(rule, &state.labels, sample.value, since, None, status));
        }
    }

    /// The phase of `rule` for the series of `sample` (for tests and displays).
    pub fn phase(&self, rule: &str, sample_like: &Sample) -> Phase {
        let Some(i) = self.rules.iter().position(|r| r.name == rule) else { return Phase::Inactive };
        self.states.get(&(i, series_hash(sample_like))).map_or(Phase::Inactive, |s| s.phase)
    }

    /// Every firing alert, ordered by rule then labels.
    pub fn firing(&self) -> Vec<ActiveAlert> {
        let mut active: Vec<ActiveAlert> = self
            .states
            .iter()
            .filter_map(|((i, _), s)| match s.phase {
                Phase::Firing { since, .. } => Some(ActiveAlert {
                    rule: self.rules[*i].name.clone(),
                    labels: s.labels.clone(),
                    since,
                    value: s.previous.unwrap_or(f64::NAN),
                }),
                _ => None,
            })
            .collect();
        active.sort_by(|a, b| (&a.rule, &a.labels).cmp(&(&b.rule, &b.labels)));
        active
    }
}

fn series_hash(sample: &Sample) -> u64 {
    let mut h = DefaultHasher::new();
    sample.name.hash(&mut h);
    sample.labels.hash(&mut h);
    h.finish()
}

fn outgoing(
    rule: &Rule,
    labels: &Labels,
    value: f64,
    since: Timestamp,
    ended: Option<Timestamp>,
    status: AlertStatus,
) -> Outgoing {
    let status_text = if status == AlertStatus::Firing { "firing" } else { "resolved" };
    let series: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    Outgoing {
        notification: Notification {
            id: new_id(),
            status,
            rule: rule.name.clone(),
            severity: rule.severity,
            metric: rule.metric.clone(),
            labels: labels.clone(),
            value,
            threshold: rule.threshold,
            starts_at: since.to_rfc3339(),
            ends_at: ended.map(Timestamp::to_rfc3339),
            summary: render_summary(rule, labels, value, status_text),
            test: false,
        },
        webhooks: rule.webhooks.clone(),
        ordering_key: format!("{}/{}", rule.name, series.join(",")),
    }
}

/// A random 128-bit id in hex: unique per notification, kept across its retries.
pub fn new_id() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

#[cfg(test)]
mod tests;
