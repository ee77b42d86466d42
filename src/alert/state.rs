//! The state of one (rule, series) pair as it is kept and stored, and the small pure functions the alert manager
//! decides with: the next phase, whether a repeat is due, a rule's fingerprint, the collector behind a series.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use crate::collect::collector_of;
use crate::metrics::{labels_match, Labels};
use crate::timestamp::Timestamp;

use super::rule::Rule;
use super::silence::Silence;

/// Where one (rule, series) pair stands.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Phase {
    Inactive,
    Pending { since: Timestamp },
    Firing { since: Timestamp },
}

/// The state of one (rule, series) pair, as persisted (JSON in `alert_state.state`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesState {
    pub phase: Phase,
    /// The `starts_at` receivers were told fires, until its resolved notification is queued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced: Option<Timestamp>,
    /// When the last firing notification was queued (the `repeat` clock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sent: Option<Timestamp>,
    /// When an announced alert stopped firing, while its resolved notification is held back by a silence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<Timestamp>,
    /// The last value seen (the previous value for change conditions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// When a sample last arrived (absent rules), or when the rule was first evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<Timestamp>,
    /// Cycles of its collector in a row without a sample of this series.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub missed: u32,
    /// The definition of the rule this state was decided under ([`fingerprint`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Whether the alert ended because its series stopped reporting.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_data: bool,
    /// The series' labels (the key, stored beside the state).
    #[serde(skip)]
    pub labels: Labels,
    /// The batch that last brought a sample (not persisted).
    #[serde(skip)]
    pub(super) batch: u64,
}

pub(super) fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl SeriesState {
    pub(super) fn new(labels: Labels) -> Self {
        SeriesState {
            phase: Phase::Inactive,
            announced: None,
            last_sent: None,
            resolved_at: None,
            value: None,
            seen: None,
            missed: 0,
            rule: None,
            no_data: false,
            labels,
            batch: 0,
        }
    }

    /// Whether receivers are owed a notification (held back by a silence).
    pub(super) fn owes(&self) -> bool {
        match self.phase {
            Phase::Firing { since } => self.announced != Some(since),
            _ => self.announced.is_some(),
        }
    }
}

/// (rule index, series hash).
pub(super) type Key = (usize, u64);

/// Hashes a [`Key`], whose second half is a hash already, with one multiply instead of SipHash over it again
/// (the per-sample lookups are the hot path).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(26) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

pub(super) type KeyMap<V> = HashMap<Key, V, std::hash::BuildHasherDefault<KeyHasher>>;
pub(super) type KeySet = HashSet<Key, std::hash::BuildHasherDefault<KeyHasher>>;

/// The next phase of a threshold or change rule after a sample.
pub(super) fn advance(phase: Phase, active: bool, rule: &Rule, now: Timestamp) -> Phase {
    match phase {
        Phase::Inactive if !active => Phase::Inactive,
        Phase::Inactive if rule.pending.is_zero() => Phase::Firing { since: now },
        Phase::Inactive => Phase::Pending { since: now },
        Phase::Pending { .. } if !active => Phase::Inactive,
        Phase::Pending { since } if since.seconds_until(now) >= rule.pending.as_secs_f64() => {
            Phase::Firing { since: now }
        }
        pending @ Phase::Pending { .. } => pending,
        Phase::Firing { .. } if !active => Phase::Inactive,
        firing @ Phase::Firing { .. } => firing,
    }
}

/// Whether a silence in force matches the rule and series (their time window was checked when they were set).
pub(super) fn silenced(silences: &[Silence], rule: &str, labels: &Labels) -> bool {
    silences.iter().any(|s| s.rule == rule && labels_match(&s.labels, labels))
}

/// What a rule's decisions depend on: metric, matchers, condition and threshold. A stored state decided under
/// another definition is retired at restore.
pub(super) fn fingerprint(rule: &Rule) -> String {
    let labels = serde_json::to_string(&rule.labels).unwrap_or_default();
    let threshold = rule.threshold.map_or("-".to_string(), |t| format!("{:x}", t.to_bits()));
    format!("{}|{labels}|{}|{threshold}", rule.metric, rule.condition.as_str())
}

/// Whether an announced firing alert is due to be repeated.
pub(super) fn due_repeat(state: &SeriesState, rule: &Rule, now: Timestamp) -> bool {
    matches!(state.phase, Phase::Firing { since } if state.announced == Some(since))
        && state.last_sent.is_none_or(|sent| sent.seconds_until(now) >= rule.repeat.as_secs_f64())
}

/// The collector whose batches carry `metric`'s series: `collector_*` metrics by their `collector` label.
pub(super) fn source<'a>(metric: &str, labels: &'a Labels) -> Option<&'a str> {
    match collector_of(metric) {
        Some(c) => Some(c),
        None => labels.get("collector").map(String::as_str),
    }
}

pub(super) fn series_hash(name: &str, labels: &Labels) -> u64 {
    let mut h = DefaultHasher::new();
    name.hash(&mut h);
    labels.hash(&mut h);
    h.finish()
}
