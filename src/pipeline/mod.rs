//! The monitoring pipeline that `watch` (and later `serve`) runs:
//! collectors -> metric store -> alert manager -> webhook dispatcher, one way.
//!
//! Collectors run on their own tasks and intervals; one task (`evaluate`) owns the store writes, the rule state
//! and the read model ([`Model`]), so evaluation is sequential and lock-free, and each batch's state changes and
//! notifications commit in one transaction; delivery runs on the dispatcher's own pools, so a slow receiver
//! delays nothing here. Everything that happens is also sent out as an [`Event`] (a bounded stream: a reader that
//! falls behind skips events and is told so).

mod evaluate;
pub mod model;
pub mod plan;

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::alert::manager::AlertManager;
use crate::alert::rule::Rule;
use crate::collect::accounts::{AccountsCollector, ScaleTuning};
use crate::collect::network::{MirrorCollector, NodesCollector};
use crate::collect::{self, Batch, Collector, Cycle};
use crate::metrics::Sample;
use crate::mirror::MirrorClient;
use crate::network::Network;
use crate::store::{Db, MetricStore};
use crate::timestamp::Timestamp;
use crate::webhook::{DeliveryEvent, Dispatcher, Notification, ShutdownReport};

pub use model::{Model, ModelHandle};
pub use plan::Plan;

/// Something that happened, for `watch` (JSON Lines: one object per event with a `type` field).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A series' first sample, or one whose value (or error) differs from the series' previous sample:
    /// `{"type":"sample","name":..,"labels":..,"value":..,"timestamp":..}`. A sample that only confirms the
    /// value is not sent (the [`Event::Cycle`] counts it), so a cycle over 100,000 quiet accounts costs readers
    /// one event, not 100,000.
    Sample(Arc<Sample>),
    /// A collector's cycle is evaluated: how many samples it brought and how many of them only confirmed an
    /// unchanged value. After the cycle's samples, errors and alerts.
    Cycle(Box<CycleDone>),
    /// A notification the alert manager queued (firing, repeat or resolved), once it is stored.
    Alert(Box<Notification>),
    /// A collector's source failed this cycle; it is asked again next cycle.
    CollectorError(Box<CollectorError>),
    /// A delivery outcome from the webhook dispatcher.
    Delivery(Box<DeliveryEvent>),
    /// This reader fell behind and `missed` events were skipped (the pipeline never waits for a reader).
    Lagged { missed: u64 },
}

// The larger variants are boxed: every slot of the event buffer is the size of an `Event`.

/// `{"type":"cycle",..}`: see [`Event::Cycle`].
#[derive(Debug, Clone, Serialize)]
pub struct CycleDone {
    pub collector: String,
    pub timestamp: String,
    pub samples: usize,
    pub unchanged: usize,
}

/// `{"type":"collector_error",..}`: see [`Event::CollectorError`].
#[derive(Debug, Clone, Serialize)]
pub struct CollectorError {
    pub collector: String,
    pub message: String,
    pub timestamp: String,
}

impl Event {
    pub fn collector_error(collector: &str, message: &str, timestamp: &str) -> Event {
        let (collector, message, timestamp) = (collector.to_string(), message.to_string(), timestamp.to_string());
        Event::CollectorError(Box::new(CollectorError { collector, message, timestamp }))
    }
}

/// Events a reader may fall behind by before it misses some, at least.
pub const EVENT_BUFFER: usize = 65_536;

/// Events a reader may fall behind by, for a plan watching `accounts`: room for the first stream cycle, which
/// brings every account's first transaction count and the balances read so far, so that a reader as fast as the
/// pipeline never misses the warm-up of a long watch list (a single `--once` cycle of a list with tokens may
/// overflow it: its reader gets every latest sample again). Later, a sample event is sent only for a change. A
/// slot costs about 50 bytes, and keeps its sample alive until it is reused.
pub fn event_buffer(accounts: usize) -> usize {
    EVENT_BUFFER.max(accounts.saturating_mul(2))
}

/// A running pipeline.
pub struct Monitor {
    stop: watch::Sender<bool>,
    pipeline: JoinHandle<()>,
    forward: JoinHandle<()>,
    forward_stop: oneshot::Sender<()>,
    pub(super) dispatcher: Dispatcher,
    pub(super) events: broadcast::Sender<Event>,
    model: ModelHandle,
    control: mpsc::Sender<Control>,
}

/// Where a pipeline's results go: the read model and the event stream. A pipeline started with the outputs of
/// one that stopped carries on where it left off (its readers see one model and one stream).
#[derive(Clone)]
pub struct Outputs {
    pub model: model::ModelWriter,
    pub events: broadcast::Sender<Event>,
}

impl Outputs {
    /// A new, empty model and event stream for a plan watching `accounts`; the receiver hears everything from
    /// the start.
    pub fn new(accounts: usize) -> (Outputs, broadcast::Receiver<Event>) {
        let (model, _) = model::model();
        let (events, first_reader) = broadcast::channel::<Event>(event_buffer(accounts));
        (Outputs { model, events }, first_reader)
    }
}

/// A change to a running pipeline, applied by the evaluation task between two batches.
pub(crate) enum Control {
    /// Evaluate these rules from now on: states of rules whose definition did not change carry on (read back from
    /// the store, where every batch leaves them), the others are dropped.
    Rules {
        rules: Vec<Rule>,
        stale_cycles: u32,
        collectors: Vec<&'static str>,
        done: oneshot::Sender<anyhow::Result<()>>,
    },
    /// Retire the states of these rules, about to leave the configuration: announced firing alerts are resolved.
    Retire { rules: Vec<String>, done: oneshot::Sender<anyhow::Result<()>> },
    /// Read the silences again now (one was added or removed).
    Silences,
}

/// What to connect the pipeline to.
pub struct Parts {
    pub plan: Plan,
    pub client: MirrorClient,
    pub network: Network,
    /// Where samples go; `None` keeps none (nothing would read them: `watch` without `--store`).
    pub store: Option<Arc<dyn MetricStore>>,
    /// Where alert state, silences and the outbox live (the dispatcher's outbox must be in it too).
    pub db: Arc<Db>,
    /// The rules with their restored state ([`restore`]).
    pub manager: AlertManager,
    pub dispatcher: Dispatcher,
    /// One cycle of every collector, then stop.
    pub once: bool,
    /// Where results go: those of a previous pipeline to carry on its model and stream, or `None` for new ones.
    pub outputs: Option<Outputs>,
    /// The canary's operator, checked, when the plan runs the canary.
    pub canary: Option<Arc<crate::canary::sign::Operator>>,
}

/// The alert manager for `plan`'s rules with the state persisted in `db`; rows of rules no longer configured
/// are deleted.
pub fn restore(plan: &Plan, db: &Db) -> anyhow::Result<AlertManager> {
    restore_rules(plan.rules.clone(), plan.stale_cycles, &plan.collectors(), db)
}

/// [`restore`] for a rule set: the manager for `rules` with their persisted state.
fn restore_rules(rules: Vec<Rule>, stale_cycles: u32, collectors: &[&str], db: &Db) -> anyhow::Result<AlertManager> {
    let mut manager = AlertManager::new(rules).with_stale_cycles(stale_cycles);
    let rows = {
        let conn = db.lock();
        let mut stmt = conn.prepare("SELECT rule, labels, state FROM alert_state")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<Result<Vec<(String, String, String)>, _>>()?
    };
    let gone = manager.restore(rows, collectors);
    if !gone.is_empty() {
        db.write(|tx| {
            for (rule, labels) in &gone {
                tx.execute("DELETE FROM alert_state WHERE rule = ?1 AND labels = ?2", [rule, labels])?;
            }
            Ok(())
        })?;
    }
    Ok(manager)
}

impl Monitor {
    /// Starts collectors, the evaluation task and the event stream; returns the first reader of the events
    /// (which hears everything from the start).
    pub fn start(parts: Parts) -> (Monitor, broadcast::Receiver<Event>) {
        let Parts { plan, client, network, store, db, manager, dispatcher, once, outputs, canary } = parts;
        let client = client.with_rate_limit(plan.rate_limit);
        let (stop, stop_rx) = watch::channel(false);
        let (batches, batch_rx) = mpsc::channel::<Batch>(64);
        let (control, control_rx) = mpsc::channel::<Control>(8);
        let (Outputs { model: writer, events }, first_reader) = match outputs {
            Some(outputs) => {
                let reader = outputs.events.subscribe();
                (outputs, reader)
            }
            None => Outputs::new(plan.accounts.len()),
        };
        let model = writer.handle();

        if !plan.accounts.is_empty() {
            let scale = ScaleTuning {
                mode: plan.mode,
                rate_limit: plan.rate_limit,
                interval: plan.interval,
                single_cycle: once,
            };
            let c = AccountsCollector::new(client.clone(), plan.accounts.clone(), plan.tuning)
                .with_scale(scale)
                .with_cursor_store(db.clone());
            tokio::spawn(collect::run(c, plan.interval, batches.clone(), stop_rx.clone(), once));
        }
        if let (Some(settings), Some(operator)) = (&plan.canary, canary) {
            let c = collect::canary::CanaryCollector::new(
                client.clone(),
                network.clone(),
                operator,
                settings.options,
                settings.nodes.clone(),
            );
            tokio::spawn(collect::run(c, settings.interval, batches.clone(), stop_rx.clone(), once));
        }
        let mirror = MirrorCollector { client: client.clone(), blocks: 10 };
        tokio::spawn(collect::run(mirror, plan.interval, batches.clone(), stop_rx.clone(), once));
        let nodes = NodesCollector { client, network, probe_timeout: plan.probe_timeout };
        tokio::spawn(collect::run(nodes, plan.nodes_interval, batches.clone(), stop_rx.clone(), once));
        let deliveries = DeliveryCollector { dispatcher: dispatcher.clone() };
        tokio::spawn(collect::run(deliveries, plan.interval, batches, stop_rx, once));

        let webhook_names: Vec<String> = plan.webhooks.iter().map(|w| w.name.clone()).collect();
        let sink = Sink {
            store,
            db,
            retention: plan.retention,
            dispatcher: dispatcher.clone(),
            webhooks: webhook_names,
            events: events.clone(),
            model: writer,
        };
        let pipeline = tokio::spawn(evaluate::evaluate(batch_rx, control_rx, manager, sink));
        let delivered = dispatcher.subscribe_from_start();
        let (forward_stop, stop_forwarding) = tokio::sync::oneshot::channel();
        let forward = tokio::spawn(forward_deliveries(delivered, events.clone(), stop_forwarding));
        (Monitor { stop, pipeline, forward, forward_stop, dispatcher, events, model, control }, first_reader)
    }

    /// Another reader of the events, from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// The current-state model.
    pub fn model(&self) -> ModelHandle {
        self.model.clone()
    }

    /// Evaluates `rules` from the next batch on, keeping the state of each rule whose definition is unchanged
    /// (see [`restore`]). Fails when the stored state cannot be read (the old rules keep running then) or the
    /// pipeline has stopped.
    pub async fn set_rules(
        &self,
        rules: Vec<Rule>,
        stale_cycles: u32,
        collectors: Vec<&'static str>,
    ) -> anyhow::Result<()> {
        let (done, result) = oneshot::channel();
        let control = Control::Rules { rules, stale_cycles, collectors, done };
        self.control.send(control).await.map_err(|_| anyhow::anyhow!("the pipeline has stopped"))?;
        result.await.map_err(|_| anyhow::anyhow!("the pipeline has stopped"))?
    }

    /// Resolves the announced firing alerts of `rules` (about to leave the configuration) and forgets their states;
    /// the resolved notifications are queued like any other.
    pub async fn retire_rules(&self, rules: Vec<String>) -> anyhow::Result<()> {
        let (done, result) = oneshot::channel();
        self.control
            .send(Control::Retire { rules, done })
            .await
            .map_err(|_| anyhow::anyhow!("the pipeline has stopped"))?;
        result.await.map_err(|_| anyhow::anyhow!("the pipeline has stopped"))?
    }

    /// Has the silences read again now, rather than at the next batch.
    pub fn silences_changed(&self) {
        let _ = self.control.try_send(Control::Silences);
    }

    /// Asks the collectors to stop after their current request.
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }

    /// Waits until every collector has stopped and every batch is evaluated (with `once`, after one cycle),
    /// then gives deliveries up to `grace` before leaving the rest in the outbox: with `drain`, until every queued
    /// notification is delivered or given up (retries included); without, only those in flight.
    pub async fn finish(self, grace: Duration, drain: bool) -> ShutdownReport {
        let _ = self.pipeline.await;
        let deadline = tokio::time::Instant::now() + grace;
        if drain {
            let mut outcomes = self.dispatcher.subscribe();
            let wall_deadline = Timestamp::now().as_millis() + grace.as_millis() as i64;
            while self.dispatcher.stats().pending > 0 {
                // Nothing can be delivered before the deadline (every retry is due after it): waiting is useless.
                if self.dispatcher.next_attempt().is_none_or(|at| at.as_millis() > wall_deadline) {
                    break;
                }
                // Each delivery outcome may be the last one; the deadline bounds the wait.
                match tokio::time::timeout_at(deadline, outcomes.recv()).await {
                    Ok(Ok(_)) | Ok(Err(broadcast::error::RecvError::Lagged(_))) => {}
                    Ok(Err(_)) | Err(_) => break,
                }
            }
        }
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let report = self.dispatcher.shutdown(left.max(Duration::from_millis(100))).await;
        // Every outcome of the shutdown is in the forwarder's buffer now: it passes them on, then ends.
        let _ = self.forward_stop.send(());
        let _ = self.forward.await;
        report
    }
}

/// Passes delivery outcomes on to the event stream until told to stop, then passes on what is still buffered.
async fn forward_deliveries(
    mut delivered: broadcast::Receiver<DeliveryEvent>,
    events: broadcast::Sender<Event>,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        let next = tokio::select! {
            biased;
            e = delivered.recv() => e,
            _ = &mut stop => break,
        };
        match next {
            Ok(e) => {
                let _ = events.send(Event::Delivery(Box::new(e)));
            }
            Err(broadcast::error::RecvError::Lagged(_)) => {}
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
    loop {
        match delivered.try_recv() {
            Ok(e) => {
                let _ = events.send(Event::Delivery(Box::new(e)));
            }
            Err(broadcast::error::TryRecvError::Lagged(_)) => {}
            Err(_) => return,
        }
    }
}

/// Where evaluated batches go.
pub(crate) struct Sink {
    pub(super) store: Option<Arc<dyn MetricStore>>,
    pub(super) db: Arc<Db>,
    pub(super) retention: Duration,
    pub(super) dispatcher: Dispatcher,
    pub(super) webhooks: Vec<String>,
    pub(super) events: broadcast::Sender<Event>,
    pub(super) model: model::ModelWriter,
}

/// The dispatcher's counters as samples: `webhook_deliveries`, `webhook_failures`, `webhook_dropped` and
/// `webhook_dead_letters`.
struct DeliveryCollector {
    pub(super) dispatcher: Dispatcher,
}

impl Collector for DeliveryCollector {
    fn name(&self) -> &'static str {
        "webhooks"
    }

    async fn cycle(&mut self, now: Timestamp) -> Cycle {
        let mut samples = Vec::new();
        for (name, s) in self.dispatcher.stats().per_webhook {
            let labels = [("webhook", name.as_str())];
            samples.push(Sample::new("webhook_deliveries", &labels, s.delivered as f64, now));
            samples.push(Sample::new("webhook_failures", &labels, s.failed_attempts as f64, now));
            samples.push(Sample::new("webhook_dropped", &labels, s.dropped as f64, now));
            samples.push(Sample::new("webhook_dead_letters", &labels, s.dead_letters as f64, now));
        }
        Cycle { samples, errors: Vec::new(), keep: Vec::new() }
    }
}
