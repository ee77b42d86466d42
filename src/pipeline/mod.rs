//! The monitoring pipeline that `watch` (and later `serve`) runs:
//! collectors -> metric store -> alert manager -> webhook dispatcher, one way.
//!
//! Collectors run on their own tasks and intervals; one task owns the store writes and the rule state, so
//! evaluation is sequential and lock-free; delivery runs on the dispatcher's own pool, so a slow receiver delays
//! nothing here. Everything that happens is also sent out as an [`Event`] for displays.

pub mod plan;

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::alert::manager::{AlertManager, Outgoing};
use crate::collect::accounts::AccountsCollector;
use crate::collect::network::{MirrorCollector, NodesCollector};
use crate::collect::{self, Batch, Collector, Cycle};
use crate::metrics::Sample;
use crate::mirror::MirrorClient;
use crate::network::Network;
use crate::store::MetricStore;
use crate::timestamp::Timestamp;
use crate::webhook::{DeliveryEvent, Dispatcher, Notification, ShutdownReport};

pub use plan::Plan;

/// Something that happened, for `watch` (JSON Lines: one object per event with a `type` field).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A new sample: `{"type":"sample","name":..,"labels":..,"value":..,"timestamp":..}`.
    Sample(Sample),
    /// A notification the alert manager sent out (firing, repeat or resolved).
    Alert(Notification),
    /// A collector's source failed this cycle; it is asked again next cycle.
    CollectorError { collector: String, message: String, timestamp: String },
    /// A delivery outcome from the webhook dispatcher.
    Delivery(DeliveryEvent),
}

/// A running pipeline.
pub struct Monitor {
    stop: watch::Sender<bool>,
    pipeline: JoinHandle<()>,
    forward: JoinHandle<()>,
    forward_stop: oneshot::Sender<()>,
    dispatcher: Dispatcher,
}

/// What to connect the pipeline to.
pub struct Parts {
    pub plan: Plan,
    pub client: MirrorClient,
    pub network: Network,
    pub store: Arc<dyn MetricStore>,
    pub dispatcher: Dispatcher,
    /// One cycle of every collector, then stop.
    pub once: bool,
}

impl Monitor {
    /// Starts collectors, the evaluation task and the event stream.
    pub fn start(parts: Parts) -> (Monitor, mpsc::UnboundedReceiver<Event>) {
        let Parts { plan, client, network, store, dispatcher, once } = parts;
        let client = client.with_rate_limit(plan.rate_limit);
        let (stop, stop_rx) = watch::channel(false);
        let (batches, batch_rx) = mpsc::channel::<Batch>(64);
        let (events, events_rx) = mpsc::unbounded_channel::<Event>();

        if !plan.accounts.is_empty() {
            let c = AccountsCollector::new(client.clone(), plan.accounts.clone(), plan.tuning);
            tokio::spawn(collect::run(c, plan.interval, batches.clone(), stop_rx.clone(), once));
        }
        let mirror = MirrorCollector { client: client.clone(), blocks: 10 };
        tokio::spawn(collect::run(mirror, plan.interval, batches.clone(), stop_rx.clone(), once));
        let nodes = NodesCollector { client, network, probe_timeout: plan.probe_timeout };
        tokio::spawn(collect::run(nodes, plan.nodes_interval, batches.clone(), stop_rx.clone(), once));
        let deliveries = DeliveryCollector { dispatcher: dispatcher.clone() };
        tokio::spawn(collect::run(deliveries, plan.interval, batches, stop_rx, once));

        let manager = AlertManager::new(plan.rules.clone());
        let webhook_names: Vec<String> = plan.webhooks.iter().map(|w| w.name.clone()).collect();
        let sink = Sink {
            store,
            retention: plan.retention,
            dispatcher: dispatcher.clone(),
            webhooks: webhook_names,
            events: events.clone(),
        };
        let pipeline = tokio::spawn(evaluate(batch_rx, manager, sink));
        let delivered = dispatcher.subscribe_from_start();
        let (forward_stop, stop_forwarding) = tokio::sync::oneshot::channel();
        let forward = tokio::spawn(forward_deliveries(delivered, events, stop_forwarding));
        (Monitor { stop, pipeline, forward, forward_stop, dispatcher }, events_rx)
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
                    Ok(Ok(_)) | Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => {}
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
    events: mpsc::UnboundedSender<Event>,
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
                if events.send(Event::Delivery(e)).is_err() {
                    return;
                }
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
    retention: Duration,
    dispatcher: Dispatcher,
    webhooks: Vec<String>,
    events: mpsc::UnboundedSender<Event>,
}

/// How often samples past the retention are deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// The one task that writes the store and evaluates rules, batch by batch, in arrival order.
async fn evaluate(mut batches: mpsc::Receiver<Batch>, mut manager: AlertManager, sink: Sink) {
    let Sink { store, retention, dispatcher, webhooks, events } = sink;
    let mut outgoing: Vec<Outgoing> = Vec::new();
    let mut pruned_at: Option<std::time::Instant> = None;
    while let Some(batch) = batches.recv().await {
        if pruned_at.is_none_or(|t| t.elapsed() >= PRUNE_EVERY) {
            pruned_at = Some(std::time::Instant::now());
            if let Err(e) = store.delete_older_than(Timestamp::now().minus(retention)) {
                tracing::error!(error = %format!("{e:#}"), "cannot prune the metric store");
            }
        }
        if let Err(e) = store.insert(&batch.cycle.samples) {
            tracing::error!(error = %format!("{e:#}"), "cannot store samples");
            let _ = events.send(collector_error("store", format!("{e:#}")));
        }
        for sample in &batch.cycle.samples {
            manager.observe(sample, sample.timestamp, &mut outgoing);
        }
        for message in batch.cycle.errors {
            let _ = events.send(collector_error(batch.collector, message));
        }
        for sample in batch.cycle.samples {
            let _ = events.send(Event::Sample(sample));
        }
        for out in outgoing.drain(..) {
            let targets = out.webhooks.clone().unwrap_or_else(|| webhooks.clone());
            for webhook in &targets {
                if let Err(e) = dispatcher.enqueue(webhook, &out.ordering_key, &out.notification) {
                    tracing::error!(webhook, error = %format!("{e:#}"), "cannot queue a notification");
                }
            }
            let _ = events.send(Event::Alert(out.notification));
        }
    }
}

fn collector_error(collector: &str, message: String) -> Event {
    Event::CollectorError { collector: collector.to_string(), message, timestamp: Timestamp::now().to_rfc3339() }
}

/// The dispatcher's counters as samples: `webhook_deliveries`, `webhook_failures`, `webhook_dropped`.
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
