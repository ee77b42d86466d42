//! Collectors: each asks one source for data on its own interval and turns the answers into samples.
//!
//! A collector never stops the pipeline: a failing source is recorded (`collector_errors`, an error event) and
//! asked again next cycle, while the other collectors go on. Every cycle also reports its own duration.

pub mod accounts;
pub mod network;

use std::future::Future;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};

use crate::metrics::Sample;
use crate::text::Inert;
use crate::timestamp::Timestamp;

/// What one collection cycle produced. Partial results come with the errors that cut them short.
#[derive(Debug, Default)]
pub struct Cycle {
    pub samples: Vec<Sample>,
    pub errors: Vec<String>,
}

/// One collector's cycle, on its way to the pipeline.
#[derive(Debug)]
pub struct Batch {
    pub collector: &'static str,
    pub cycle: Cycle,
}

/// A source of samples.
pub trait Collector: Send + 'static {
    /// Its name, the `collector` label of its own metrics.
    fn name(&self) -> &'static str;
    /// One collection; `now` stamps the samples.
    fn cycle(&mut self, now: Timestamp) -> impl Future<Output = Cycle> + Send;
}

/// Runs `collector` every `interval` until `stop` turns true (or once), sending each cycle's batch to `tx`.
pub async fn run<C: Collector>(
    mut collector: C,
    interval: Duration,
    tx: mpsc::Sender<Batch>,
    mut stop: watch::Receiver<bool>,
    once: bool,
) {
    let name = collector.name();
    let mut errors_total = 0u64;
    loop {
        let started = Instant::now();
        let now = Timestamp::now();
        let mut cycle = tokio::select! {
            c = collector.cycle(now) => c,
            _ = stop.wait_for(|s| *s) => return,
        };
        errors_total += cycle.errors.len() as u64;
        let labels = [("collector", name)];
        cycle.samples.push(Sample::new("collector_duration_seconds", &labels, started.elapsed().as_secs_f64(), now));
        cycle.samples.push(Sample::new("collector_errors", &labels, errors_total as f64, now));
        for e in &cycle.errors {
            tracing::info!(collector = name, error = %Inert(e), "collection failed");
        }
        if tx.send(Batch { collector: name, cycle }).await.is_err() || once {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}

/// The collector that produces `metric`, if any: the batches of that collector are where its series are
/// expected (for `absent` rules and staleness).
pub fn collector_of(metric: &str) -> Option<&'static str> {
    Some(match metric {
        "account_balance_hbar" | "account_token_balance" | "account_transactions" => "accounts",
        "mirror_lag_seconds" | "network_tps" => "mirror",
        "network_nodes" | "network_stake_hbar" | "node_up" | "node_latency_seconds" => "nodes",
        "webhook_deliveries" | "webhook_failures" | "webhook_dropped" | "webhook_dead_letters" => "webhooks",
        _ => return None,
    })
}

/// The fastest a collector may poll: the public mirror caches responses for 1-2 s.
pub const MIN_INTERVAL: Duration = Duration::from_secs(2);
