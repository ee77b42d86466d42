//! The monitoring pipeline that `watch` (and later `serve`) runs:
//! collectors -> metric store -> alert manager -> webhook dispatcher, one way.
//!
//! Collectors run on their own tasks and intervals; one task owns the store writes and the rule state, so
//! evaluation is sequential and lock-free; delivery runs on the dispatcher's own pool, so a slow receiver delays
//! nothing here. Everything that happens is also sent out as an [`Event`] for displays.

pub mod model;
pub mod plan;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use serde::Serialize;
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::alert::manager::{AlertManager, Changes, Outgoing};
use crate::alert::silence;
use crate::collect::accounts::AccountsCollector;
use crate::collect::network::{MirrorCollector, NodesCollector};
use crate::collect::{self, Batch, Collector, Cycle};
use crate::metrics::Sample;
use crate::mirror::MirrorClient;
use crate::network::Network;
use crate::store::{Db, MetricStore};
use crate::text::Inert;
use crate::timestamp::Timestamp;
use crate::webhook::outbox::{push_in, Entry};
use crate::webhook::{DeliveryEvent, Dispatcher, Notification, ShutdownReport};

pub use model::{Model, ModelHandle};
pub use plan::Plan;

/// Something that happened, for `watch` (JSON Lines: one object per event with a `type` field).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A new sample: `{"type":"sample","name":..,"labels":..,"value":..,"timestamp":..}`.
    Sample(Sample),
    /// A notification the alert manager queued (firing, repeat or resolved), once it is stored.
    Alert(Notification),
    /// A collector's source failed this cycle; it is asked again next cycle.
    CollectorError { collector: String, message: String, timestamp: String },
    /// A delivery outcome from the webhook dispatcher.
    Delivery(DeliveryEvent),
    /// This reader fell behind and `missed` events were skipped (the pipeline never waits for a reader).
    Lagged { missed: u64 },
}

/// Events a reader may fall behind by before it misses some.
pub const EVENT_BUFFER: usize = 65_536;

/// A running pipeline.
pub struct Monitor {
    stop: watch::Sender<bool>,
    pipeline: JoinHandle<()>,
    forward: JoinHandle<()>,
    forward_stop: oneshot::Sender<()>,
    dispatcher: Dispatcher,
    events: broadcast::Sender<Event>,
    model: ModelHandle,
}

/// What to connect the pipeline to.
pub struct Parts {
    pub plan: Plan,
    pub client: MirrorClient,
    pub network: Network,
    /// Where samples go.
    pub store: Arc<dyn MetricStore>,
    /// Where alert state, silences and the outbox live (the dispatcher's outbox must be in it too).
    pub db: Arc<Db>,
    /// The rules with their restored state ([`restore`]).
    pub manager: AlertManager,
    pub dispatcher: Dispatcher,
    /// One cycle of every collector, then stop.
    pub once: bool,
}

/// The alert manager for `plan`'s rules with the state persisted in `db`; rows of rules no longer configured
/// are deleted.
pub fn restore(plan: &Plan, db: &Db) -> anyhow::Result<AlertManager> {
    let mut manager = AlertManager::new(plan.rules.clone()).with_stale_cycles(plan.stale_cycles);
    let rows = {
        let conn = db.lock();
        let mut stmt = conn.prepare("SELECT rule, labels, state FROM alert_state")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<Result<Vec<(String, String, String)>, _>>()?
    };
    let gone = manager.restore(rows);
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
        let Parts { plan, client, network, store, db, manager, dispatcher, once } = parts;
        let client = client.with_rate_limit(plan.rate_limit);
        let (stop, stop_rx) = watch::channel(false);
        let (batches, batch_rx) = mpsc::channel::<Batch>(64);
        let (events, first_reader) = broadcast::channel::<Event>(EVENT_BUFFER);

        if !plan.accounts.is_empty() {
            let c = AccountsCollector::new(client.clone(), plan.accounts.clone(), plan.tuning)
                .with_cursor_store(db.clone());
            tokio::spawn(collect::run(c, plan.interval, batches.clone(), stop_rx.clone(), once));
        }
        let mirror = MirrorCollector { client: client.clone(), blocks: 10 };
        tokio::spawn(collect::run(mirror, plan.interval, batches.clone(), stop_rx.clone(), once));
        let nodes = NodesCollector { client, network, probe_timeout: plan.probe_timeout };
        tokio::spawn(collect::run(nodes, plan.nodes_interval, batches.clone(), stop_rx.clone(), once));
        let deliveries = DeliveryCollector { dispatcher: dispatcher.clone() };
        tokio::spawn(collect::run(deliveries, plan.interval, batches, stop_rx, once));

        let webhook_names: Vec<String> = plan.webhooks.iter().map(|w| w.name.clone()).collect();
        let (writer, model) = model::model();
        let sink = Sink {
            store,
            db,
            retention: plan.retention,
            dispatcher: dispatcher.clone(),
            webhooks: webhook_names,
            events: events.clone(),
            model: writer,
        };
        let pipeline = tokio::spawn(evaluate(batch_rx, manager, sink));
        let delivered = dispatcher.subscribe_from_start();
        let (forward_stop, stop_forwarding) = tokio::sync::oneshot::channel();
        let forward = tokio::spawn(forward_deliveries(delivered, events.clone(), stop_forwarding));
        (Monitor { stop, pipeline, forward, forward_stop, dispatcher, events, model }, first_reader)
    }

    /// Another reader of the events, from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// The current-state model.
    pub fn model(&self) -> ModelHandle {
        self.model.clone()
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
            while self.dispatcher.stats().pending > 0 {
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
                let _ = events.send(Event::Delivery(e));
            }
            Err(broadcast::error::RecvError::Lagged(_)) => {}
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
    loop {
        match delivered.try_recv() {
            Ok(e) => {
                let _ = events.send(Event::Delivery(e));
            }
            Err(broadcast::error::TryRecvError::Lagged(_)) => {}
            Err(_) => return,
        }
    }
}

/// Where evaluated batches go.
struct Sink {
    store: Arc<dyn MetricStore>,
    db: Arc<Db>,
    retention: Duration,
    dispatcher: Dispatcher,
    webhooks: Vec<String>,
    events: broadcast::Sender<Event>,
    model: model::ModelWriter,
}

/// How often samples past the retention are deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// The one task that writes the store and evaluates rules, batch by batch, in arrival order.
async fn evaluate(mut batches: mpsc::Receiver<Batch>, mut manager: AlertManager, sink: Sink) {
    let mut pruned_at: Option<std::time::Instant> = None;
    while let Some(batch) = batches.recv().await {
        let now = Timestamp::now();
        if pruned_at.is_none_or(|t| t.elapsed() >= PRUNE_EVERY) {
            pruned_at = Some(std::time::Instant::now());
            let (store, cutoff) = (sink.store.clone(), now.minus(sink.retention));
            if let Err(e) = sink.db.run(move |_| store.delete_older_than(cutoff)).await {
                tracing::error!(error = %Inert(format_args!("{e:#}")), "cannot prune the metric store");
            }
        }
        let Batch { collector, cycle: Cycle { samples, errors } } = batch;
        let store = sink.store.clone();
        let (samples, stored) = sink
            .db
            .run(move |_| {
                let r = store.insert(&samples);
                Ok((samples, r))
            })
            .await
            .unwrap_or_else(|e| (Vec::new(), Err(e)));
        let mut store_errors = Vec::new();
        if let Err(e) = stored {
            tracing::error!(error = %Inert(format_args!("{e:#}")), "cannot store samples");
            store_errors.push(format!("{e:#}"));
        }
        let silences = match sink.db.run(move |db| silence::active(&db.lock(), now)).await {
            Ok(s) => s,
            Err(e) => {
                store_errors.push(format!("cannot read the silences: {e:#}"));
                manager_silences(&sink)
            }
        };
        manager.set_silences(silences.clone());
        let mut outgoing: Vec<Outgoing> = Vec::new();
        manager.begin_batch();
        for sample in &samples {
            manager.observe(sample, sample.timestamp, &mut outgoing);
        }
        manager.end_batch(collector, now, &mut outgoing);
        let queued = commit(&sink, &mut manager, outgoing, now).await;
        if let Err(e) = &queued {
            tracing::error!(error = %Inert(format_args!("{e:#}")), "cannot store alert state and notifications");
            store_errors.push(format!("{e:#}"));
        }

        let mut batch_events: Vec<Event> = Vec::with_capacity(samples.len() + errors.len() + 2);
        batch_events.extend(errors.iter().map(|m| collector_error(collector, m.clone())));
        batch_events.extend(store_errors.into_iter().map(|m| collector_error("store", m)));
        batch_events.extend(samples.into_iter().map(Event::Sample));
        batch_events.extend(queued.unwrap_or_default().into_iter().map(Event::Alert));
        let alerts = manager.alerts(now);
        let delivery = sink.dispatcher.stats();
        sink.model.update(|m| {
            for event in &batch_events {
                m.apply(event);
            }
            m.alerts = alerts;
            m.silences = silences;
            m.delivery = delivery;
            let health = m.collectors.entry(collector.to_string()).or_default();
            health.up = errors.is_empty();
            health.last_cycle = Some(now);
            health.failed_cycles += u64::from(!errors.is_empty());
            if errors.is_empty() {
                health.last_error = None;
            }
        });
        for event in batch_events {
            let _ = sink.events.send(event);
        }
    }
}

/// The silences last known (when reading them failed this time).
fn manager_silences(sink: &Sink) -> Vec<silence::Silence> {
    sink.model.read_silences()
}

/// Stores the batch's state changes and notifications in one transaction, then hands the notifications to the
/// dispatcher. On failure the manager rolls back, so the next batch decides again.
async fn commit(
    sink: &Sink,
    manager: &mut AlertManager,
    outgoing: Vec<Outgoing>,
    now: Timestamp,
) -> anyhow::Result<Vec<Notification>> {
    let changes = manager.take_changes();
    if changes.is_empty() && outgoing.is_empty() {
        manager.committed();
        return Ok(Vec::new());
    }
    let mut rows: Vec<(String, String, Notification)> = Vec::new();
    for out in &outgoing {
        let targets = out.webhooks.as_ref().unwrap_or(&sink.webhooks);
        for webhook in targets {
            rows.push((webhook.clone(), out.ordering_key.clone(), out.notification.clone()));
        }
    }
    let now_ms = now.as_millis();
    let written = sink
        .db
        .run(move |db| {
            let write = |tx: &rusqlite::Transaction<'_>| persist(tx, &changes, &rows, now_ms);
            if rows.is_empty() {
                db.write(write)
            } else {
                db.write_synced(write)
            }
        })
        .await;
    match written {
        Ok(entries) => {
            manager.committed();
            if let Err(e) = sink.dispatcher.queued(entries) {
                // The rows are stored: the dispatcher's re-scan or the next start delivers them.
                tracing::warn!(error = %Inert(format_args!("{e:#}")), "notifications wait in the outbox");
            }
            Ok(outgoing.into_iter().map(|o| o.notification).collect())
        }
        Err(e) => {
            manager.rolled_back();
            Err(e)
        }
    }
}

/// Writes state changes and outbox rows inside `tx`; returns the outbox entries.
fn persist(
    tx: &rusqlite::Transaction<'_>,
    changes: &Changes,
    rows: &[(String, String, Notification)],
    now_ms: i64,
) -> anyhow::Result<Vec<Entry>> {
    {
        let mut upsert = tx.prepare_cached(
            "INSERT INTO alert_state (rule, labels, state) VALUES (?1, ?2, ?3) \
             ON CONFLICT (rule, labels) DO UPDATE SET state = excluded.state",
        )?;
        for (rule, labels, state) in &changes.upserts {
            upsert.execute([rule, labels, state]).context("cannot store an alert state")?;
        }
        let mut delete = tx.prepare_cached("DELETE FROM alert_state WHERE rule = ?1 AND labels = ?2")?;
        for (rule, labels) in &changes.deletes {
            delete.execute([rule, labels]).context("cannot delete an alert state")?;
        }
    }
    let mut entries = Vec::with_capacity(rows.len());
    for (webhook, key, n) in rows {
        let seq = push_in(tx, webhook, key, n, now_ms)?;
        entries.push(Entry::queued(seq, webhook, key, n.clone(), now_ms));
    }
    Ok(entries)
}

fn collector_error(collector: &str, message: String) -> Event {
    Event::CollectorError { collector: collector.to_string(), message, timestamp: Timestamp::now().to_rfc3339() }
}

/// The dispatcher's counters as samples: `webhook_deliveries`, `webhook_failures`, `webhook_dropped` and
/// `webhook_dead_letters`.
struct DeliveryCollector {
    dispatcher: Dispatcher,
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
        Cycle { samples, errors: Vec::new() }
    }
}
