//! Delivers notifications to webhooks: at least once, in order per (webhook, key), in parallel across keys, with
//! patient, time-bounded retries whose schedule lives in the outbox (so it survives restarts).
//!
//! Work sits in a keyed queue: a map from (webhook, key) to the deliveries waiting on that key, in outbox order,
//! plus a ready queue of keys with work and nothing held. Each webhook has a bounded pool of workers of its own
//! (they take ready keys of that webhook only), so a slow or dead receiver can never hold a worker another
//! webhook needs. A worker takes a ready key and makes one attempt at its head. A failed attempt that will be retried records its schedule in the outbox, puts the
//! delivery back at the head of its key and parks the key on a timer until its next attempt, so backoff holds no
//! worker: a slow or dead receiver ties up at most one worker per key it has in flight, never enqueue, other keys
//! or other webhooks. A delivery given up on (a rejection, or `give_up_after` passed) stays in the outbox as a
//! dead letter. A periodic re-scan picks up rows another process put back in line (`hmon alert queue retry`)
//! and notices rows it dropped; the worker machinery is in `worker`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use serde::Serialize;
use tokio::sync::{broadcast, watch, Notify};

use super::outbox::Entry;
use super::worker::{lock, Job, Lines, Shared};
use super::{format, http_client, DeliveryError, Endpoint, Notification, Outbox, Reply, Webhook};

/// How the dispatcher runs. The retry schedule is each webhook's own (see [`Webhook`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DispatcherOptions {
    /// Deliveries in flight at once per webhook (default 8).
    pub workers: usize,
    /// How often the outbox is re-read for rows another process changed (default 2s).
    pub rescan: Duration,
}

impl Default for DispatcherOptions {
    fn default() -> Self {
        Self { workers: 8, rescan: Duration::from_secs(2) }
    }
}

/// Delivery counters of one webhook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WebhookStats {
    /// Accepted by the receiver (2xx), since this dispatcher started.
    pub delivered: u64,
    /// Attempts that did not end in a 2xx, the last one of a delivery given up on included.
    pub failed_attempts: u64,
    /// Attempts scheduled after a failed one.
    pub retries: u64,
    /// Given up on since this dispatcher started (moved to the dead letters): a 3xx or a 4xx other than 408 and
    /// 429, `give_up_after` passed, `max_attempts` used up, or the webhook is no longer configured.
    pub dropped: u64,
    /// Dead letters in the outbox now (kept across restarts; `hmon alert queue` retries or drops them).
    pub dead_letters: u64,
    /// Queued, in flight, or waiting for their next attempt.
    pub pending: u64,
}

/// Delivery counters, in all and per webhook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryStats {
    pub delivered: u64,
    pub failed_attempts: u64,
    pub retries: u64,
    pub dropped: u64,
    pub dead_letters: u64,
    pub pending: u64,
    pub per_webhook: BTreeMap<String, WebhookStats>,
}

/// What happened to a delivery, for subscribers. JSON: `{"event":"delivered","webhook":..,"id":..,..}`, with
/// `wait_ms` for the wait before a retry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum DeliveryEvent {
    /// The receiver answered `status` (2xx) on attempt number `attempts`.
    Delivered { webhook: String, id: String, status: u16, attempts: u32 },
    /// Attempt number `attempt` failed for `reason`; the next one comes after `wait`.
    Retrying {
        webhook: String,
        id: String,
        attempt: u32,
        #[serde(rename = "wait_ms", serialize_with = "millis")]
        wait: Duration,
        reason: String,
    },
    /// Given up after `attempts` attempts: the notification is a dead letter now (`hmon alert queue`).
    Dropped { webhook: String, id: String, attempts: u32, reason: String },
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The state [`Dispatcher::shutdown`] left.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShutdownReport {
    /// Workers cut off at the end of the grace period (each had at most one delivery in flight).
    pub aborted: usize,
    /// Deliveries not finished: kept in the outbox when it is durable, lost otherwise.
    pub left_pending: u64,
    /// Whether the outbox keeps them for the next start.
    pub durable: bool,
    /// Notifications moved to the dead letters since this dispatcher started.
    pub dead_lettered: u64,
}

/// Delivers notifications to webhooks in the background; cheap to clone.
#[derive(Clone)]
pub struct Dispatcher {
    shared: Arc<Shared>,
    _guard: Arc<CloseOnDrop>,
}

/// Stops the workers when the last handle is dropped without [`Dispatcher::shutdown`].
struct CloseOnDrop(Arc<Shared>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        self.0.close();
    }
}

impl Dispatcher {
    /// Starts `opts.workers` delivery tasks and the re-scan. Must run inside a tokio runtime; one dispatcher
    /// per outbox. Everything pending in the outbox is queued first, in seq order per (webhook, key); a key
    /// waits until its head's `next_ms`. Pending rows of webhooks no longer configured become dead letters. This
    /// reads the outbox once on the calling thread. Re-queued deliveries may begin before anyone has subscribed:
    /// [`Dispatcher::subscribe_from_start`] hears them anyway.
    pub fn start(webhooks: Vec<Webhook>, outbox: Outbox, opts: DispatcherOptions) -> anyhow::Result<Dispatcher> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| anyhow!("the webhook dispatcher must be started inside a tokio runtime"))?;
        if opts.workers == 0 {
            bail!("webhook workers must be at least 1");
        }
        if opts.rescan.is_zero() {
            bail!("the webhook outbox re-scan interval must be greater than zero");
        }
        let mut targets = Vec::with_capacity(webhooks.len());
        let mut by_name = HashMap::new();
        for hook in webhooks {
            if by_name.insert(hook.name.clone(), targets.len()).is_some() {
                bail!("two webhooks are named '{}': names must be unique", hook.name);
            }
            let name = hook.name.clone();
            targets.push(Endpoint::new(hook).map_err(|e| anyhow!("webhook '{name}': {e}"))?);
        }
        let stats = targets.iter().map(|t| (t.hook.name.clone(), Default::default())).collect();
        let targets_len = targets.len();
        let (events, first_events) = broadcast::channel(1024);
        let shared = Arc::new(Shared {
            targets,
            by_name,
            outbox,
            client: http_client().context("cannot create the webhook HTTP client")?,
            lines: Mutex::new(Lines::new(targets_len, opts.workers)),
            wake: Notify::new(),
            stats: Mutex::new(stats),
            events,
            first_events: Mutex::new(Some(first_events)),
            stop: watch::channel(false).0,
            tasks: Mutex::new(Vec::new()),
        });
        let scan = shared.outbox.scan(&Default::default()).context("cannot read the webhook outbox")?;
        shared.take_scan(scan, |seqs, reason| {
            let now_ms = crate::timestamp::Timestamp::now().as_millis();
            for seq in seqs {
                shared.outbox.bury(seq, None, now_ms, reason)?;
            }
            Ok(())
        })?;
        let workers = opts.workers * targets_len.max(1);
        let mut tasks: Vec<_> = (0..workers).map(|_| runtime.spawn(Arc::clone(&shared).work())).collect();
        tasks.push(runtime.spawn(Arc::clone(&shared).rescan_every(opts.rescan)));
        *lock(&shared.tasks) = tasks;
        Ok(Dispatcher { _guard: Arc::new(CloseOnDrop(Arc::clone(&shared))), shared })
    }

    /// Persists to the outbox, then queues; returns at once (never waits for delivery). `key` = rule + series:
    /// deliveries with the same (webhook, key) are made strictly in outbox order; different keys run in parallel.
    /// With a durable outbox this blocks for one synced write (a few milliseconds).
    pub fn enqueue(&self, webhook: &str, key: &str, n: &Notification) -> anyhow::Result<()> {
        let index = self.shared.index_of(webhook)?;
        if self.shared.is_closed() {
            bail!("the webhook dispatcher is shut down");
        }
        let body = format::encode(self.shared.targets[index].hook.format, n)?;
        let entry = self.shared.outbox.push(webhook, key, n)?;
        self.shared.queue_job((index, entry.key), Job { seq: entry.seq, id: entry.notification.id, body });
        Ok(())
    }

    /// Queues rows that are already in the outbox (committed with [`super::push_in`], e.g. together with the
    /// alert state that produced them; build each with [`Entry::queued`]). Never blocks; a row already queued
    /// is not queued twice. An entry for a webhook not configured is left to the re-scan, which makes it a dead
    /// letter, and the call reports it after queueing the others. After shutdown nothing is queued: the rows
    /// wait in the outbox for the next start.
    pub fn queued(&self, entries: Vec<Entry>) -> anyhow::Result<()> {
        if self.shared.is_closed() {
            bail!("the webhook dispatcher is shut down: the notifications stay in the outbox for the next start");
        }
        let mut unknown = None;
        for entry in entries {
            let index = match self.shared.index_of(&entry.webhook) {
                Ok(index) => index,
                Err(e) => {
                    unknown = Some(e);
                    continue;
                }
            };
            let body = format::encode(self.shared.targets[index].hook.format, &entry.notification)?;
            self.shared.queue_job((index, entry.key), Job { seq: entry.seq, id: entry.notification.id, body });
        }
        unknown.map_or(Ok(()), Err)
    }

    /// When the next delivery attempt can happen: `Some(now or earlier)` while one is in flight or ready, the
    /// earliest scheduled retry otherwise, `None` when nothing waits.
    pub fn next_attempt(&self) -> Option<crate::timestamp::Timestamp> {
        lock(&self.shared.lines).next_attempt_ms().map(crate::timestamp::Timestamp::from_millis)
    }

    /// Delivery counters so far.
    pub fn stats(&self) -> DeliveryStats {
        let per_webhook = lock(&self.shared.stats).clone();
        let mut total = DeliveryStats::default();
        for s in per_webhook.values() {
            total.delivered += s.delivered;
            total.failed_attempts += s.failed_attempts;
            total.retries += s.retries;
            total.dropped += s.dropped;
            total.dead_letters += s.dead_letters;
            total.pending += s.pending;
        }
        DeliveryStats { per_webhook, ..total }
    }

    /// Events from now on. A receiver that lags more than 1024 events behind misses some (`RecvError::Lagged`).
    pub fn subscribe(&self) -> broadcast::Receiver<DeliveryEvent> {
        self.shared.events.subscribe()
    }

    /// Events since the dispatcher started, re-queued deliveries included, for the first caller; later callers get
    /// [`Dispatcher::subscribe`].
    pub fn subscribe_from_start(&self) -> broadcast::Receiver<DeliveryEvent> {
        lock(&self.shared.first_events).take().unwrap_or_else(|| self.subscribe())
    }

    /// Stops taking work, waits up to `grace` for in-flight deliveries; whatever is left stays in the outbox
    /// (durable case). Deliveries waiting to be retried are not waited for.
    pub async fn shutdown(self, grace: Duration) -> ShutdownReport {
        self.shared.close();
        let handles = std::mem::take(&mut *lock(&self.shared.tasks));
        let deadline = tokio::time::Instant::now() + grace;
        let mut aborted = 0;
        let workers = handles.len().saturating_sub(1); // the last one is the re-scan
        for (i, mut handle) in handles.into_iter().enumerate() {
            if tokio::time::timeout_at(deadline, &mut handle).await.is_err() {
                handle.abort();
                aborted += usize::from(i < workers);
            }
        }
        let outbox = self.shared.outbox.clone();
        let db = Arc::clone(outbox.db());
        let left = db.run(move |_| outbox.len()).await;
        let left_pending = left.unwrap_or_else(|_| self.stats().pending);
        let dead_lettered = self.stats().dropped;
        ShutdownReport { aborted, left_pending, durable: self.shared.outbox.is_durable(), dead_lettered }
    }

    /// One immediate delivery through the real path (format, headers, signature, timeout) without retries and
    /// without the outbox, for `hmon alert test`. Any HTTP answer is `Ok`, 2xx or not: check `Reply::status`.
    pub async fn send_once(webhook: &Webhook, n: &Notification) -> Result<Reply, DeliveryError> {
        let request_error = |reason: String| DeliveryError::Request { target: webhook.target(), reason };
        let client = http_client().map_err(|e| request_error(e.to_string()))?;
        let endpoint = Endpoint::new(webhook.clone()).map_err(request_error)?;
        let body = format::encode(webhook.format, n).map_err(|e| request_error(e.to_string()))?;
        endpoint.post(&client, &body).await.map(|(reply, _)| reply)
    }
}
