//! The alert manager: evaluates every rule on every new sample and keeps state per rule *and* per series.
//!
//! Each (rule, series) pair moves inactive -> pending -> firing -> inactive on its own, so one account's alert
//! never silences another's, and change conditions compare a series only with its own previous value. Time comes
//! in with each call (`now`), which keeps the state machine testable without sleeps.
//!
//! Work comes in batches, one per collector cycle: [`AlertManager::begin_batch`], [`AlertManager::observe`] for
//! each sample, [`AlertManager::end_batch`] (absent rules, staleness, silences), then [`AlertManager::take_changes`]
//! hands over what to persist. The caller commits the changed states and the notifications they produced in one
//! transaction, then calls [`AlertManager::committed`], or [`AlertManager::rolled_back`] if the commit failed: the
//! states that produced notifications go back to what they were, so the next batch decides again and nothing
//! counts as notified that was not queued.
//!
//! What receivers were told is part of the state (`announced`): a firing alert is announced once (then repeated
//! every `repeat`), a resolved one only if its firing was announced. While a silence matches, nothing is sent;
//! what is owed goes out when the silence ends.

use std::collections::HashMap;

use serde::Serialize;

use crate::metrics::{labels_match, Labels, Sample};
use crate::timestamp::Timestamp;
use crate::webhook::{AlertStatus, Notification};

use super::rule::{render_summary, Condition, Rule};
use super::silence::Silence;
pub use super::state::Phase;
use super::state::{advance, due_repeat, fingerprint, series_hash, silenced, source, Key, KeyMap, KeySet, SeriesState};

/// A notification to deliver, with the rule's webhook selection and the key that orders its deliveries.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub notification: Notification,
    /// `None`: every webhook.
    pub webhooks: Option<Vec<String>>,
    /// Rule plus series: deliveries with the same key keep their order.
    pub ordering_key: String,
}

/// One (rule, series) state, for displays and the read model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertView {
    pub rule: String,
    pub labels: Labels,
    pub severity: crate::webhook::Severity,
    /// `pending` or `firing`.
    pub state: &'static str,
    /// When it started pending or firing.
    pub since: Timestamp,
    pub value: Option<f64>,
    /// Whether a silence holds its notifications back.
    pub silenced: bool,
    /// The rule's summary for it.
    pub summary: String,
}

/// What changed in a batch, to persist in one transaction with the batch's notifications.
#[derive(Debug, Default)]
pub struct Changes {
    /// (rule, canonical label JSON, state JSON).
    pub upserts: Vec<(String, String, String)>,
    /// (rule, canonical label JSON).
    pub deletes: Vec<(String, String)>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.upserts.is_empty() && self.deletes.is_empty()
    }
}

/// Evaluates rules on samples.
#[derive(Debug, Default)]
pub struct AlertManager {
    rules: Vec<Rule>,
    /// metric name -> (first matcher label -> rules) and rules without matchers.
    index: HashMap<String, MetricRules>,
    states: KeyMap<SeriesState>,
    /// States changed since the last [`AlertManager::take_changes`] (a missing state is a delete).
    dirty: KeySet,
    /// States handed over by `take_changes` and not yet committed.
    in_commit: KeySet,
    /// States as they were before this batch produced a notification from them.
    undo: KeyMap<Option<SeriesState>>,
    /// The label JSON of states forgotten and not yet deleted from the store.
    removed: KeyMap<String>,
    /// States with a notification held back by a silence.
    held: KeySet,
    silences: Vec<Silence>,
    batch: u64,
    /// Rule name -> index.
    by_name: HashMap<String, usize>,
    /// Per rule: what its stored states were decided under (see [`fingerprint`]).
    fingerprints: Vec<String>,
    /// Per rule: the state key of an `absent` rule.
    absent_keys: Vec<Option<u64>>,
    /// Restored states that no longer apply: resolved (if announced) and forgotten at the first batch.
    retiring: Vec<Key>,
    /// Reused list of the rules a sample may match.
    scratch: Vec<usize>,
    /// Cycles of a collector without a sample before a series counts as gone.
    stale_cycles: u32,
}

#[derive(Debug, Default)]
struct MetricRules {
    /// First matcher label name -> value -> rules.
    by_label: HashMap<String, HashMap<String, Vec<usize>>>,
    unlabelled: Vec<usize>,
}

/// The default staleness window, in cycles of the series' collector.
pub const DEFAULT_STALE_CYCLES: u32 = 5;

impl AlertManager {
    pub fn new(rules: Vec<Rule>) -> Self {
        let mut index: HashMap<String, MetricRules> = HashMap::new();
        for (i, rule) in rules.iter().enumerate() {
            let entry = index.entry(rule.metric.clone()).or_default();
            match rule.labels.iter().next() {
                Some((k, v)) => entry.by_label.entry(k.clone()).or_default().entry(v.clone()).or_default().push(i),
                None => entry.unlabelled.push(i),
            }
        }
        let by_name = rules.iter().enumerate().map(|(i, r)| (r.name.clone(), i)).collect();
        let fingerprints = rules.iter().map(fingerprint).collect();
        let absent_keys = rules
            .iter()
            .map(|r| (r.condition == Condition::Absent).then(|| series_hash(&r.metric, &r.labels)))
            .collect();
        Self {
            rules,
            index,
            by_name,
            fingerprints,
            absent_keys,
            stale_cycles: DEFAULT_STALE_CYCLES,
            ..Default::default()
        }
    }

    /// Sets how many cycles of its collector a series may miss before it counts as gone (at least 1).
    pub fn with_stale_cycles(mut self, cycles: u32) -> Self {
        self.stale_cycles = cycles.max(1);
        self
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Sets the silences in force for this batch (active at its evaluation time, which may be later than its
    /// samples' time); notifications they match are held back.
    pub fn set_silences(&mut self, silences: Vec<Silence>) {
        let lifted = self.silences.iter().any(|old| !silences.iter().any(|new| new.id == old.id));
        self.silences = silences;
        if lifted {
            // Something was held back by a silence that is gone now: settle it at the end of the batch.
            self.dirty.extend(self.held.iter().copied());
        }
    }

    /// Starts a batch of samples from one collector cycle.
    pub fn begin_batch(&mut self) {
        self.batch += 1;
    }

    /// Evaluates every matching rule on `sample` at time `now`; pushes the notifications this causes.
    pub fn observe(&mut self, sample: &Sample, now: Timestamp, out: &mut Vec<Outgoing>) {
        let Some(metric) = self.index.get(&*sample.name) else { return };
        let mut candidates = std::mem::take(&mut self.scratch);
        candidates.clear();
        candidates.extend_from_slice(&metric.unlabelled);
        if !metric.by_label.is_empty() {
            for (k, v) in sample.labels.iter() {
                if let Some(rules) = metric.by_label.get(k.as_str()).and_then(|values| values.get(v.as_str())) {
                    candidates.extend_from_slice(rules);
                }
            }
        }
        if candidates.is_empty() {
            self.scratch = candidates;
            return;
        }
        let series = series_hash(&sample.name, &sample.labels);
        for &i in &candidates {
            if !labels_match(&self.rules[i].labels, &sample.labels) {
                continue;
            }
            if self.rules[i].condition == Condition::Absent {
                self.saw(i, now);
            } else {
                self.step(i, series, sample, now, out);
            }
        }
        self.scratch = candidates;
    }

    /// A sample for absent rule `i` arrived.
    fn saw(&mut self, i: usize, now: Timestamp) {
        let Some(hash) = self.absent_keys[i] else { return };
        let key = (i, hash);
        let batch = self.batch;
        let rule = &self.rules[i];
        let state = self.states.entry(key).or_insert_with(|| SeriesState::new(rule.labels.clone()));
        state.seen = Some(now);
        state.batch = batch;
        self.dirty.insert(key);
    }

    fn step(&mut self, i: usize, series: u64, sample: &Sample, now: Timestamp, out: &mut Vec<Outgoing>) {
        let key = (i, series);
        let rule = &self.rules[i];
        let state = match self.states.get_mut(&key) {
            Some(state) => state,
            None => {
                if rule.condition.holds(sample.value, rule.threshold.unwrap_or(0.0), None) {
                    // This may notify: should the commit fail, the state goes as it came.
                    self.undo.entry(key).or_insert(None);
                }
                self.states.entry(key).or_insert_with(|| SeriesState::new((*sample.labels).clone()))
            }
        };
        let active = rule.condition.holds(sample.value, rule.threshold.unwrap_or(0.0), state.value);
        let next = advance(state.phase, active, rule, now);
        let owed = state.owes() || due_repeat(state, rule, now);
        if next != state.phase || owed {
            // This may notify: remember the state as it was, should the commit fail.
            self.undo.entry(key).or_insert_with(|| Some(state.clone()));
        }
        state.batch = self.batch;
        // A new value is worth storing only where the next decision depends on it (change conditions); the
        // value a threshold rule shows is kept in memory and stored with its next transition.
        let new_value = state.value.is_none_or(|v| v.to_bits() != sample.value.to_bits());
        let mut changed = new_value && rule.condition.is_change() || state.missed > 0 || state.value.is_none();
        state.value = Some(sample.value);
        state.missed = 0;
        if next != state.phase {
            if matches!(state.phase, Phase::Firing { .. }) && state.announced.is_some() {
                state.resolved_at = Some(now);
                state.no_data = false;
            }
            state.phase = next;
            changed = true;
        }
        if changed || owed || state.owes() {
            self.dirty.insert(key);
            self.settle(key, now, out);
        }
    }

    /// Ends a batch from `collector` at `now`: `absent` rules of its metrics are checked, series it no longer
    /// reports go stale after the staleness window, and notifications held back by a silence that ended go out.
    pub fn end_batch(&mut self, collector: &str, now: Timestamp, out: &mut Vec<Outgoing>) {
        self.settle_retiring(now, out);
        let batch = self.batch;
        for i in 0..self.rules.len() {
            let rule = &self.rules[i];
            if rule.condition != Condition::Absent || source(&rule.metric, &rule.labels) != Some(collector) {
                continue;
            }
            let key = (i, series_hash(&rule.metric, &rule.labels));
            let labels = rule.labels.clone();
            let pending = rule.pending;
            let state = self.states.entry(key).or_insert_with(|| SeriesState::new(labels));
            let first = state.seen.is_none();
            let reference = *state.seen.get_or_insert(now);
            let missing = state.batch != batch;
            if first {
                self.dirty.insert(key);
            }
            let next = match (missing, state.phase) {
                (false, _) => Phase::Inactive,
                (true, Phase::Firing { since }) => Phase::Firing { since },
                (true, _) if reference.seconds_until(now) >= pending.as_secs_f64() => Phase::Firing { since: now },
                (true, _) => Phase::Pending { since: reference },
            };
            if next != state.phase {
                self.undo.entry(key).or_insert_with(|| Some(state.clone()));
                if matches!(state.phase, Phase::Firing { .. }) && state.announced.is_some() {
                    state.resolved_at = Some(now);
                }
                state.phase = next;
                self.dirty.insert(key);
            }
            self.settle(key, now, out);
        }
        self.expire(collector, now, out);
        let held: Vec<Key> = self.held.iter().copied().filter(|k| self.dirty.contains(k)).collect();
        for key in held {
            self.settle(key, now, out);
        }
    }

    /// Series of `collector`'s metrics that missed this batch: counted, and once past the window, resolved with
    /// "no data" and forgotten.
    fn expire(&mut self, collector: &str, now: Timestamp, out: &mut Vec<Outgoing>) {
        let batch = self.batch;
        let mut gone = Vec::new();
        for (key, state) in self.states.iter_mut() {
            let rule = &self.rules[key.0];
            if state.batch == batch
                || rule.condition == Condition::Absent
                || source(&rule.metric, &state.labels) != Some(collector)
            {
                continue;
            }
            state.missed = state.missed.saturating_add(1);
            self.dirty.insert(*key);
            if state.missed >= self.stale_cycles {
                gone.push(*key);
            }
        }
        for key in gone {
            let Some(state) = self.states.get_mut(&key) else { continue };
            self.undo.entry(key).or_insert_with(|| Some(state.clone()));
            if let Phase::Firing { .. } = state.phase {
                if state.announced.is_some() {
                    state.resolved_at = Some(now);
                    state.no_data = true;
                }
            }
            state.phase = Phase::Inactive;
            self.settle(key, now, out);
        }
    }

    /// Retires every state of the rules named `rules` at `now`: a firing alert receivers were told of is resolved
    /// (unless a silence holds it back), then the states are forgotten. For rules about to be removed from the
    /// configuration, whose states would otherwise be dropped without a word to the receivers.
    pub fn retire_rules(&mut self, rules: &[String], now: Timestamp, out: &mut Vec<Outgoing>) {
        let indexes: Vec<usize> = rules.iter().filter_map(|name| self.by_name.get(name).copied()).collect();
        let keys: Vec<Key> = self.states.keys().filter(|key| indexes.contains(&key.0)).copied().collect();
        self.retiring.extend(keys);
        self.settle_retiring(now, out);
    }

    /// Resolves (if announced) and forgets the states marked as retiring.
    fn settle_retiring(&mut self, now: Timestamp, out: &mut Vec<Outgoing>) {
        for key in std::mem::take(&mut self.retiring) {
            let stale_cycles = self.stale_cycles;
            let Some(state) = self.states.get_mut(&key) else { continue };
            self.undo.entry(key).or_insert_with(|| Some(state.clone()));
            if matches!(state.phase, Phase::Firing { .. }) && state.announced.is_some() {
                state.resolved_at = Some(now);
            }
            state.phase = Phase::Inactive;
            state.missed = stale_cycles;
            self.dirty.insert(key);
            self.settle(key, now, out);
        }
    }

    /// Sends what receivers are owed for `key`, unless a silence holds it back; forgets idle states.
    fn settle(&mut self, key: Key, now: Timestamp, out: &mut Vec<Outgoing>) {
        let rule = &self.rules[key.0];
        let Some(state) = self.states.get(&key) else { return };
        let owes = state.owes() || due_repeat(state, rule, now);
        if owes && silenced(&self.silences, &rule.name, &state.labels) {
            self.held.insert(key);
            return;
        }
        self.held.remove(&key);
        if owes {
            self.undo.entry(key).or_insert_with(|| Some(state.clone()));
        }
        let Some(state) = self.states.get_mut(&key) else { return };
        match state.phase {
            Phase::Firing { since } if owes => {
                if let Some(started) = state.announced.filter(|a| *a != since) {
                    // An earlier firing, announced, ended and fired again while held back: close it first.
                    let ended = state.resolved_at.unwrap_or(since);
                    out.push(outgoing(rule, state, started, Some(ended), AlertStatus::Resolved));
                    state.resolved_at = None;
                }
                out.push(outgoing(rule, state, since, None, AlertStatus::Firing));
                state.announced = Some(since);
                state.last_sent = Some(now);
            }
            Phase::Firing { .. } => {}
            Phase::Inactive | Phase::Pending { .. } => {
                if let Some(started) = state.announced {
                    let ended = state.resolved_at.unwrap_or(now);
                    out.push(outgoing(rule, state, started, Some(ended), AlertStatus::Resolved));
                    state.announced = None;
                    state.resolved_at = None;
                    state.last_sent = None;
                    state.no_data = false;
                }
            }
        }
        if state.phase == Phase::Inactive && state.announced.is_none() && state.missed >= self.stale_cycles {
            let labels = serde_json::to_string(&state.labels).unwrap_or_else(|_| "{}".into());
            self.removed.insert(key, labels);
            self.states.remove(&key);
        }
        self.dirty.insert(key);
    }

    /// Every pending and firing (rule, series), ordered by rule then labels.
    pub fn alerts(&self) -> Vec<AlertView> {
        let mut views: Vec<AlertView> = self
            .states
            .iter()
            .filter_map(|((i, _), s)| {
                let rule = &self.rules[*i];
                let (state, since) = match s.phase {
                    Phase::Pending { since } => ("pending", since),
                    Phase::Firing { since } => ("firing", since),
                    Phase::Inactive => return None,
                };
                Some(AlertView {
                    summary: render_summary(rule, &s.labels, s.value.unwrap_or(f64::NAN), state),
                    rule: rule.name.clone(),
                    labels: s.labels.clone(),
                    severity: rule.severity,
                    state,
                    since,
                    value: s.value,
                    silenced: silenced(&self.silences, &rule.name, &s.labels),
                })
            })
            .collect();
        views.sort_by(|a, b| (&a.rule, &a.labels).cmp(&(&b.rule, &b.labels)));
        views
    }

    /// The phase of `rule` for the series of `sample_like` (for tests and displays).
    pub fn phase(&self, rule: &str, sample_like: &Sample) -> Phase {
        let Some(i) = self.rules.iter().position(|r| r.name == rule) else { return Phase::Inactive };
        let labels =
            if self.rules[i].condition == Condition::Absent { &self.rules[i].labels } else { &sample_like.labels };
        self.states.get(&(i, series_hash(&sample_like.name, labels))).map_or(Phase::Inactive, |s| s.phase)
    }
}

fn outgoing(
    rule: &Rule,
    state: &SeriesState,
    since: Timestamp,
    ended: Option<Timestamp>,
    status: AlertStatus,
) -> Outgoing {
    let labels = &state.labels;
    let value = state.value.unwrap_or(f64::NAN);
    let no_data = status == AlertStatus::Resolved && state.no_data;
    let mut summary = render_summary(rule, labels, value, status.as_str());
    if no_data {
        summary.push_str(" (no data: the series stopped reporting)");
    }
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
            summary,
            test: false,
        },
        webhooks: rule.webhooks.clone(),
        ordering_key: format!("{}/{}", rule.name, series.join(",")),
    }
}

/// A random 128-bit id in hex: unique per notification, kept across its retries.
pub fn new_id() -> String {
    Notification::new_id()
}

mod persist;
#[cfg(test)]
mod tests;
