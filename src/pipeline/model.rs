//! The pipeline's one current-state model: the latest sample of every series, every pending and firing alert,
//! the silences in force, each collector's health, recent errors and the delivery counters. The evaluation task
//! writes it (the Alertmanager forwarder only its own counters); the live view, the HTTP API and the metrics read
//! it. Nothing keeps its own copy.

use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde::Serialize;
use tokio::sync::watch;

use crate::alert::manager::AlertView;
use crate::alert::silence::Silence;
use crate::metrics::{Labels, Sample};
use crate::timestamp::Timestamp;
use crate::webhook::{DeliveryEvent, DeliveryStats};

use super::Event;

/// How many recent errors the model keeps.
const RECENT_ERRORS: usize = 5;

/// A series in [`Model::latest`]: its name and labels.
pub type Series = (Cow<'static, str>, Arc<Labels>);

/// The current state of the pipeline.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Model {
    /// The newest sample of every series, by name then labels (the name is borrowed, the labels shared with the
    /// sample: a key allocates nothing).
    #[serde(skip)]
    pub latest: BTreeMap<Series, Arc<Sample>>,
    /// Pending and firing alerts, by rule then labels.
    pub alerts: Vec<AlertView>,
    /// Silences in force.
    pub silences: Vec<Silence>,
    /// Per collector: whether its last cycle succeeded, and its last error.
    pub collectors: BTreeMap<String, CollectorHealth>,
    /// Recent errors, newest first: `HH:MM:SS source: message` (raw text: make it inert to show it).
    pub errors: VecDeque<String>,
    /// Webhook delivery counters.
    pub delivery: DeliveryStats,
    /// Store writes or reads that failed since start (samples, alert state, silences).
    pub store_failures: u64,
    /// When the pipeline last evaluated a batch: the Alertmanager forwarder stops refreshing alerts (the
    /// watchdog included) when this grows old, so a dead pipeline is noticed downstream.
    pub evaluated_at: Option<Timestamp>,
    /// Alertmanager forwarding counters: written by `crate::alertmanager`'s forwarder, not by the pipeline.
    #[serde(skip)]
    pub alertmanager: crate::alertmanager::Stats,
}

/// One collector's health.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct CollectorHealth {
    /// Whether its last cycle had no error.
    pub up: bool,
    /// When its last cycle ended.
    pub last_cycle: Option<Timestamp>,
    /// Its last error, if any, and when.
    pub last_error: Option<String>,
    /// Cycles with an error since start.
    pub failed_cycles: u64,
}

impl Model {
    /// Takes in an event: a sample, a collector error or a delivery outcome.
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::Sample(s) => {
                self.latest.insert((s.name.clone(), Arc::clone(&s.labels)), Arc::clone(s));
            }
            Event::CollectorError(error) => {
                let super::CollectorError { collector, message, timestamp } = &**error;
                let time = timestamp.get(11..19).unwrap_or(timestamp);
                self.recent(format!("{time} {collector}: {message}"));
                // "store" is hmon's own store, not a collector: counted in `store_failures` by the pipeline.
                if collector != "store" {
                    self.collectors.entry(collector.clone()).or_default().last_error = Some(message.clone());
                }
            }
            Event::Delivery(delivery) => {
                if let DeliveryEvent::Dropped { webhook, reason, .. } = &**delivery {
                    let time = Timestamp::now().to_rfc3339();
                    self.recent(format!("{} webhook {webhook}: {reason}", time.get(11..19).unwrap_or(&time)));
                }
            }
            Event::Alert(_) | Event::Lagged { .. } | Event::Cycle(_) => {}
        }
    }

    fn recent(&mut self, line: String) {
        self.errors.push_front(line);
        self.errors.truncate(RECENT_ERRORS);
    }

    /// Takes in a sample that repeats the latest of its series (value and error): only its time moves, in place
    /// unless a reader still holds the previous one.
    pub fn confirm(&mut self, sample: &Sample) {
        match self.latest.get_mut(&(sample.name.clone(), Arc::clone(&sample.labels))) {
            Some(latest) => Arc::make_mut(latest).timestamp = sample.timestamp,
            None => {
                self.latest.insert((sample.name.clone(), Arc::clone(&sample.labels)), Arc::new(sample.clone()));
            }
        }
    }

    /// The latest value of series `name{labels}`.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let labels: Labels = labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        self.latest.get(&(Cow::Owned(name.to_string()), Arc::new(labels))).map(|s| s.value)
    }

    /// The latest samples of metric `name`.
    pub fn of(&self, name: &str) -> impl Iterator<Item = &Sample> {
        let name = name.to_string();
        self.latest.values().map(|s| &**s).filter(move |s| s.name == name)
    }

    /// The firing alerts.
    pub fn firing(&self) -> impl Iterator<Item = &AlertView> {
        self.alerts.iter().filter(|a| a.state == "firing")
    }
}

/// A shared handle on the model: read it any time; `changed` wakes on every update and ends when the pipeline
/// has stopped.
#[derive(Debug, Clone)]
pub struct ModelHandle {
    model: Arc<RwLock<Model>>,
    version: watch::Receiver<u64>,
}

/// The writer's side. A clone writes the same model: a daemon that restarts its pipeline keeps one, so its
/// readers never see the model end.
#[derive(Debug, Clone)]
pub struct ModelWriter {
    model: Arc<RwLock<Model>>,
    version: Arc<watch::Sender<u64>>,
}

/// A new, empty model: its writer and a first reader.
pub fn model() -> (ModelWriter, ModelHandle) {
    let model = Arc::new(RwLock::new(Model::default()));
    let (tx, rx) = watch::channel(0);
    (ModelWriter { model: model.clone(), version: Arc::new(tx) }, ModelHandle { model, version: rx })
}

impl ModelHandle {
    /// The model as it is now. Hold the guard briefly: the pipeline waits for it.
    pub fn read(&self) -> RwLockReadGuard<'_, Model> {
        self.model.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How many updates the model has had. Read before [`ModelHandle::read`], it is a key for anything derived
    /// from the model: the model read after it is at least that new.
    pub fn version(&self) -> u64 {
        *self.version.borrow()
    }

    /// Waits for the next update; false once the pipeline has stopped and nothing will change any more.
    pub async fn changed(&mut self) -> bool {
        self.version.changed().await.is_ok()
    }
}

impl ModelWriter {
    /// Changes the model, then wakes the readers.
    pub fn update(&self, f: impl FnOnce(&mut Model)) {
        {
            let mut model: RwLockWriteGuard<'_, Model> =
                self.model.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&mut model);
        }
        self.version.send_modify(|v| *v += 1);
    }

    /// The silences the model holds now.
    pub fn read_silences(&self) -> Vec<Silence> {
        self.model.read().unwrap_or_else(std::sync::PoisonError::into_inner).silences.clone()
    }

    /// Another reader.
    pub fn handle(&self) -> ModelHandle {
        ModelHandle { model: self.model.clone(), version: self.version.subscribe() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_confirmed_sample_moves_the_time_of_the_latest_and_leaves_a_held_one_alone() {
        let at = |secs| Timestamp { secs, nanos: 0 };
        let sample = |v, secs| Sample::new("account_balance_hbar", &[("account", "0.0.7")], v, at(secs));
        let mut model = Model::default();
        let first = Arc::new(sample(5.0, 1));
        model.apply(&Event::Sample(Arc::clone(&first)));
        model.confirm(&sample(5.0, 2));
        assert_eq!(first.timestamp, at(1), "a reader's copy does not change under it");
        let latest: Vec<(f64, Timestamp)> = model.of("account_balance_hbar").map(|s| (s.value, s.timestamp)).collect();
        assert_eq!(latest, [(5.0, at(2))]);
        drop(first);
        model.confirm(&sample(5.0, 3));
        assert_eq!(model.of("account_balance_hbar").map(|s| s.timestamp).collect::<Vec<_>>(), [at(3)]);
        // A series the model lost (a reload dropped it) comes back.
        model.latest.clear();
        model.confirm(&sample(5.0, 4));
        assert_eq!(model.value("account_balance_hbar", &[("account", "0.0.7")]), Some(5.0));
    }
}
