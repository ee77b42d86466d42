//! Collectors: each asks one source for data on its own interval and turns the answers into samples.
//!
//! A collector never stops the pipeline: a failing source is recorded (`collector_errors`, an error event) and
//! asked again next cycle, while the other collectors go on. Every cycle also reports its own duration and
//! `collector_up` (1 when it had no errors, 0 otherwise).
//!
//! A collector emits a sample only for what its source confirmed this cycle: when a source fails, its series
//! get no sample rather than a cached value passed off as fresh.

pub mod accounts;
pub mod batches;
pub mod bulk;
pub mod canary;
pub mod cursors;
pub mod ledger;
pub mod mode;
pub mod network;
pub mod pages;
pub mod stream;
pub mod streaming;
pub mod watchlist;

use std::future::Future;
use std::sync::Arc;
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
    /// Collector state to store in the `kv` table (key, JSON) in the same transaction as the alert state this
    /// cycle leads to, so a crash cannot keep one without the other (e.g. transaction cursors).
    pub keep: Vec<(String, String)>,
}

/// The host's clock as collectors read it to bracket what the mirror answered: the system's, or a test's that
/// keeps step with a fake network.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Timestamp + Send + Sync>);

impl Clock {
    pub fn new(now: impl Fn() -> Timestamp + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
    }

    pub fn now(&self) -> Timestamp {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::new(Timestamp::now)
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}

/// One collector's cycle, or a glimpse between two, on its way to the pipeline.
#[derive(Debug)]
pub struct Batch {
    pub collector: &'static str,
    pub cycle: Cycle,
    /// A glimpse ([`Collector::glimpse`]): only what changed. The series it does not name are not missing, and it
    /// says nothing of the collector's health.
    pub glimpse: bool,
}

/// A source of samples.
pub trait Collector: Send + 'static {
    /// Its name, the `collector` label of its own metrics.
    fn name(&self) -> &'static str;
    /// One collection; `now` stamps the samples.
    fn cycle(&mut self, now: Timestamp) -> impl Future<Output = Cycle> + Send;
    /// Whether the next cycle should start at once rather than after the interval: the collector has work left
    /// that it spread over cycles (a warm-up, a stream catching up), not a failure to retry.
    fn hurry(&self) -> bool {
        false
    }
    /// How often, between two cycles, the collector can tell what changed since ([`Collector::glimpse`]); `None`
    /// when it cannot now.
    fn glimpse_every(&self) -> Option<Duration> {
        None
    }
    /// A look between two cycles: samples of what changed since the last cycle or glimpse, and nothing else (no
    /// errors, no state to keep: the next cycle reports and keeps them). `now` stamps the samples.
    fn glimpse(&mut self, now: Timestamp) -> impl Future<Output = Vec<Sample>> + Send {
        let _ = now;
        async { Vec::new() }
    }
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
        let up = if cycle.errors.is_empty() { 1.0 } else { 0.0 };
        cycle.samples.push(Sample::new("collector_up", &labels, up, now));
        for e in &cycle.errors {
            tracing::info!(collector = name, error = %Inert(e), "collection failed");
        }
        if tx.send(Batch { collector: name, cycle, glimpse: false }).await.is_err() || once {
            return;
        }
        if collector.hurry() {
            continue;
        }
        let next = tokio::time::Instant::now() + interval;
        loop {
            let wake = collector.glimpse_every().map_or(next, |every| next.min(tokio::time::Instant::now() + every));
            tokio::select! {
                _ = tokio::time::sleep_until(wake) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
            if wake >= next {
                break;
            }
            let samples = tokio::select! {
                s = collector.glimpse(Timestamp::now()) => s,
                _ = stop.wait_for(|s| *s) => return,
            };
            if samples.is_empty() {
                continue;
            }
            let cycle = Cycle { samples, ..Cycle::default() };
            if tx.send(Batch { collector: name, cycle, glimpse: true }).await.is_err() {
                return;
            }
        }
    }
}

/// The collector that produces `metric`, if any: the batches of that collector are where its series are
/// expected (for `absent` rules and staleness).
pub fn collector_of(metric: &str) -> Option<&'static str> {
    Some(match metric {
        "account_balance_hbar"
        | "account_token_balance"
        | "account_transactions"
        | "accounts_streaming"
        | "accounts_drift"
        | "accounts_stream_lag_seconds" => "accounts",
        "mirror_lag_seconds" | "network_tps" => "mirror",
        "network_nodes" | "network_stake_hbar" | "node_up" | "node_latency_seconds" => "nodes",
        "webhook_deliveries" | "webhook_failures" | "webhook_dropped" | "webhook_dead_letters" => "webhooks",
        "canary_submit_seconds"
        | "canary_handle_seconds"
        | "canary_e2e_seconds"
        | "canary_fee_hbar"
        | "canary_success"
        | "canary_errors" => "canary",
        _ => return None,
    })
}

/// The fastest a collector may poll: the public mirror caches responses for 1-2 s.
pub const MIN_INTERVAL: Duration = Duration::from_secs(2);

#[cfg(test)]
mod tests {
    use super::*;

    /// A collector whose cycles fail as scripted.
    struct Scripted {
        errors: Vec<Vec<String>>,
    }

    impl Collector for Scripted {
        fn name(&self) -> &'static str {
            "scripted"
        }

        async fn cycle(&mut self, now: Timestamp) -> Cycle {
            let errors = if self.errors.is_empty() { Vec::new() } else { self.errors.remove(0) };
            Cycle { samples: vec![Sample::new("x", &[], 1.0, now)], errors, keep: Vec::new() }
        }
    }

    /// A collector whose every other glimpse sees a change.
    struct Glimpsing {
        glimpses: u32,
    }

    impl Collector for Glimpsing {
        fn name(&self) -> &'static str {
            "glimpsing"
        }

        async fn cycle(&mut self, now: Timestamp) -> Cycle {
            Cycle { samples: vec![Sample::new("x", &[], 0.0, now)], ..Cycle::default() }
        }

        fn glimpse_every(&self) -> Option<Duration> {
            Some(Duration::from_secs(1))
        }

        async fn glimpse(&mut self, now: Timestamp) -> Vec<Sample> {
            self.glimpses += 1;
            match self.glimpses % 2 {
                0 => vec![Sample::new("x", &[], f64::from(self.glimpses), now)],
                _ => Vec::new(),
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn between_cycles_only_glimpses_that_saw_a_change_are_sent() {
        let (tx, mut rx) = mpsc::channel(16);
        let (_stop, stop_rx) = watch::channel(false);
        let task = tokio::spawn(run(Glimpsing { glimpses: 0 }, Duration::from_millis(4500), tx, stop_rx, false));
        let mut seen = Vec::new();
        for _ in 0..6 {
            let batch = rx.recv().await.expect("a batch");
            let values: Vec<f64> = batch.cycle.samples.iter().filter(|s| s.name == "x").map(|s| s.value).collect();
            seen.push((batch.glimpse, values, batch.cycle.samples.iter().any(|s| s.name == "collector_up")));
        }
        drop(rx);
        task.await.expect("the collector stops");
        // Glimpses 1 s apart until the interval ends (4 between two cycles), then the cycle; the count goes on.
        let full = |v: f64| (false, vec![v], true);
        let glimpse = |v: f64| (true, vec![v], false);
        assert_eq!(seen, [full(0.0), glimpse(2.0), glimpse(4.0), full(0.0), glimpse(6.0), glimpse(8.0)]);
    }

    /// The value of the collector's own metric `name` in `batch`.
    fn own(batch: &Batch, name: &str) -> Option<f64> {
        let mut found = batch.cycle.samples.iter().filter(|s| s.name == name);
        let sample = found.next()?;
        assert!(found.next().is_none(), "one {name} a cycle");
        assert_eq!(sample.labels["collector"], "scripted");
        Some(sample.value)
    }

    #[tokio::test]
    async fn every_cycle_says_whether_the_collector_was_up() {
        let errors = vec![Vec::new(), vec!["a".to_string(), "b".to_string()], Vec::new()];
        let (tx, mut rx) = mpsc::channel(8);
        let (_stop, stop_rx) = watch::channel(false);
        let task = tokio::spawn(run(Scripted { errors }, Duration::ZERO, tx, stop_rx, false));
        let mut batches = Vec::new();
        for _ in 0..3 {
            batches.push(rx.recv().await.expect("a batch"));
        }
        // With nobody listening, its next send fails and it stops.
        drop(rx);
        task.await.expect("the collector stops");
        let up: Vec<Option<f64>> = batches.iter().map(|b| own(b, "collector_up")).collect();
        assert_eq!(up, [Some(1.0), Some(0.0), Some(1.0)]);
        let errors: Vec<Option<f64>> = batches.iter().map(|b| own(b, "collector_errors")).collect();
        assert_eq!(errors, [Some(0.0), Some(2.0), Some(2.0)]);
        assert!(batches.iter().all(|b| own(b, "collector_duration_seconds").is_some()));
    }
}
