//! Delivers notifications to webhooks: at least once, in order per (webhook, key), in parallel across keys.
//!
//! Work sits in a keyed queue: a map from (webhook, key) to the deliveries waiting on that key, plus a ready
//! queue of keys with work and nothing in flight. A bounded pool of workers takes a ready key, makes one attempt
//! at its head, then re-readies the key. A failed attempt that will be retried puts the delivery back at the head
//! of its key and parks the key on a timer, so backoff holds no worker: a slow or dead receiver ties up at most
//! one worker per key it has in flight, never enqueue, other keys or other webhooks. Every delivery is in the
//! outbox before it is queued and leaves it only when the receiver answered 2xx or it was dropped.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use serde::Serialize;
use tokio::sync::{broadcast, watch, Notify};
use tokio::task::JoinHandle;

use super::outbox::KeyedQueue;
use super::{format, http_client, DeliveryError, Endpoint, Notification, Outbox, Reply, Verdict, Webhook};
use crate::mirror::retry::RetryPolicy;
use crate::text::Inert;

/// How the dispatcher runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DispatcherOptions {
    /// Deliveries in flight at once, across all webhooks (default 8).
    pub workers: usize,
    /// Backoff between attempts and the longest `Retry-After` honoured (longer ones are cut to it). The number of
    /// attempts comes from each webhook's `max_attempts`, not from here.
    pub retry: RetryPolicy,
}

impl Default for DispatcherOptions {
    fn default() -> Self {
        let retry = RetryPolicy {
            max_attempts: super::DEFAULT_MAX_ATTEMPTS,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(300),
        };
        Self { workers: 8, retry }
    }
}

/// Delivery counters of one webhook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WebhookStats {
    /// Accepted by the receiver (2xx).
    pub delivered: u64,
    /// Attempts that did not end in a 2xx, the last one of a dropped delivery included.
    pub failed_attempts: u64,
    /// Attempts scheduled after a failed one.
    pub retries: u64,
    /// Given up on: a 4xx other than 429, or `max_attempts` used up.
    pub dropped: u64,
    /// Queued or in flight.
    pub pending: u64,
}

/// Delivery counters, in all and per webhook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryStats {
    pub delivered: u64,
    pub failed_attempts: u64,
    pub retries: u64,
    pub dropped: u64,
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
    /// Given up after `attempts` attempts.
    Dropped { webhook: String, id: String, attempts: u32, reason: String },
}

/// The state [`Dispatcher::shutdown`] left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShutdownReport {
    /// Workers cut off at the end of the grace period (each had at most one delivery in flight).
    pub aborted: usize,
    /// Deliveries not finished: kept in the outbox when it is durable, lost otherwise.
    pub left_pending: u64,
    /// Whether the outbox keeps them for the next start.
    pub durable: bool,
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

struct Job {
    seq: i64,
    id: String,
    body: Vec<u8>,
    attempts: u32,
}

/// (webhook index, ordering key).
type QKey = (usize, String);

struct Shared {
    targets: Vec<Endpoint>,
    by_name: HashMap<String, usize>,
    outbox: Outbox,
    client: reqwest::Client,
    retry: RetryPolicy,
    queue: Mutex<KeyedQueue<QKey, Job>>,
    wake: Notify,
    stats: Mutex<BTreeMap<String, WebhookStats>>,
    events: broadcast::Sender<DeliveryEvent>,
    /// A receiver made before the workers started, for [`Dispatcher::subscribe_from_start`].
    first_events: Mutex<Option<broadcast::Receiver<DeliveryEvent>>>,
    stop: watch::Sender<bool>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Dispatcher {
    /// Starts `workers` delivery tasks; re-queues everything pending in the outbox first (in order). Must run
    /// inside a tokio runtime; one dispatcher per outbox. Pending entries of webhooks no longer configured are
    /// dropped. Re-queued deliveries may begin before anyone has subscribed: [`Dispatcher::subscribe_from_start`]
    /// hears them anyway.
    pub fn start(webhooks: Vec<Webhook>, outbox: Outbox, opts: DispatcherOptions) -> anyhow::Result<Dispatcher> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| anyhow!("the webhook dispatcher must be started inside a tokio runtime"))?;
        if opts.workers == 0 {
            bail!("webhook workers must be at least 1");
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
        let stats = targets.iter().map(|t| (t.hook.name.clone(), WebhookStats::default())).collect();
        let (events, first_events) = broadcast::channel(1024);
        let shared = Arc::new(Shared {
            targets,
            by_name,
            outbox,
            client: http_client().context("cannot create the webhook HTTP client")?,
            retry: opts.retry,
            queue: Mutex::new(KeyedQueue::default()),
            wake: Notify::new(),
            stats: Mutex::new(stats),
            events,
            first_events: Mutex::new(Some(first_events)),
            stop: watch::channel(false).0,
            workers: Mutex::new(Vec::new()),
        });
        shared.requeue_pending()?;
        let handles = (0..opts.workers).map(|_| runtime.spawn(worker(Arc::clone(&shared)))).collect();
        *lock(&shared.workers) = handles;
        Ok(Dispatcher { _guard: Arc::new(CloseOnDrop(Arc::clone(&shared))), shared })
    }

    /// Persists to the outbox, then queues; returns at once (never waits for delivery). `key` = rule + series:
    /// deliveries with the same (webhook, key) are made strictly in enqueue order; different keys run in parallel.
    /// With the SQLite outbox this blocks for one synced write (a few milliseconds).
    pub fn enqueue(&self, webhook: &str, key: &str, n: &Notification) -> anyhow::Result<()> {
        let shared = &self.shared;
        let Some(&index) = shared.by_name.get(webhook) else {
            let names: Vec<&str> = shared.targets.iter().map(|t| t.hook.name.as_str()).collect();
            bail!("no webhook named '{webhook}' (configured: {})", names.join(", "));
        };
        if shared.is_closed() {
            bail!("the webhook dispatcher is shut down");
        }
        let body = format::encode(shared.targets[index].hook.format, n)?;
        let seq = shared.outbox.push(webhook, key, n)?;
        shared.queue_job((index, key.to_string()), Job { seq, id: n.id.clone(), body, attempts: 0 });
        Ok(())
    }

    /// Queues entries that are in the outbox already (written in the caller's transaction), in order.
    pub fn queued(&self, entries: Vec<super::Entry>) {
        let shared = &self.shared;
        for entry in entries {
            let Some(&index) = shared.by_name.get(&entry.webhook) else { continue };
            match format::encode(shared.targets[index].hook.format, &entry.notification) {
                Ok(body) => {
                    let job = Job { seq: entry.seq, id: entry.notification.id, body, attempts: entry.attempts };
                    shared.queue_job((index, entry.key), job);
                }
                Err(e) => tracing::error!(error = %e, "cannot encode a notification"),
            }
        }
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
        let handles = std::mem::take(&mut *lock(&self.shared.workers));
        let deadline = tokio::time::Instant::now() + grace;
        let mut aborted = 0;
        for mut handle in handles {
            if tokio::time::timeout_at(deadline, &mut handle).await.is_err() {
                handle.abort();
                aborted += 1;
            }
        }
        let left_pending = self.shared.outbox.len().unwrap_or_else(|_| self.stats().pending);
        ShutdownReport { aborted, left_pending, durable: self.shared.outbox.is_durable() }
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

impl Shared {
    fn is_closed(&self) -> bool {
        *self.stop.borrow()
    }

    fn close(&self) {
        self.stop.send_replace(true);
        self.wake.notify_waiters();
    }

    fn queue_job(&self, key: QKey, job: Job) {
        self.count(key.0, |s| s.pending += 1);
        if lock(&self.queue).push(key, job) {
            self.wake.notify_one();
        }
    }

    fn requeue_pending(&self) -> anyhow::Result<()> {
        for entry in self.outbox.pending()? {
            let Some(&index) = self.by_name.get(&entry.webhook) else {
                tracing::warn!(webhook = %entry.webhook, id = %entry.notification.id,
                    "dropping a pending notification for a webhook that is no longer configured");
                self.outbox.remove(entry.seq)?;
                lock(&self.stats).entry(entry.webhook).or_default().dropped += 1;
                continue;
            };
            let body = format::encode(self.targets[index].hook.format, &entry.notification)?;
            let job = Job { seq: entry.seq, id: entry.notification.id, body, attempts: entry.attempts };
            self.queue_job((index, entry.key), job);
        }
        Ok(())
    }

    fn count(&self, index: usize, f: impl FnOnce(&mut WebhookStats)) {
        f(lock(&self.stats).entry(self.targets[index].hook.name.clone()).or_default());
    }

    fn emit(&self, event: DeliveryEvent) {
        let _ = self.events.send(event);
    }

    /// Runs an outbox operation off the async threads when it touches the disk; failures are logged.
    async fn store(&self, what: &'static str, op: impl FnOnce(&Outbox) -> anyhow::Result<()> + Send + 'static) {
        let outbox = self.outbox.clone();
        let result = if outbox.is_durable() {
            tokio::task::spawn_blocking(move || op(&outbox)).await.unwrap_or_else(|e| Err(anyhow!(e)))
        } else {
            op(&outbox)
        };
        if let Err(e) = result {
            tracing::error!(error = %Inert(format_args!("{e:#}")), "webhook outbox: cannot {what}");
        }
    }

    /// One attempt at the head of `key`, then whatever follows from its answer.
    async fn run(self: &Arc<Self>, key: QKey, mut job: Job) {
        let target = &self.targets[key.0];
        job.attempts = job.attempts.saturating_add(1);
        let seq = job.seq;
        self.store("record an attempt", move |o| o.record_attempt(seq)).await;
        let (name, attempt) = (&target.hook.name, job.attempts);
        match Verdict::of(target.post(&self.client, &job.body).await) {
            Verdict::Delivered(status) => {
                self.store("remove a delivered notification", move |o| o.remove(seq)).await;
                self.count(key.0, |s| (s.delivered, s.pending) = (s.delivered + 1, s.pending.saturating_sub(1)));
                tracing::debug!(webhook = %name, id = %job.id, status, attempt, "webhook notification delivered");
                self.emit(DeliveryEvent::Delivered { webhook: name.clone(), id: job.id, status, attempts: attempt });
                self.release(&key);
            }
            Verdict::Retry { reason, retry_after } if attempt < target.hook.max_attempts => {
                let wait = match retry_after {
                    Some(asked) => asked.min(self.retry.max_retry_after),
                    None => self.retry.backoff(attempt, fastrand::f64()),
                };
                self.count(key.0, |s| (s.failed_attempts, s.retries) = (s.failed_attempts + 1, s.retries + 1));
                tracing::info!(webhook = %name, id = %job.id, attempt, wait = ?wait, reason = %Inert(&reason),
                    "webhook delivery failed; will retry");
                self.emit(DeliveryEvent::Retrying { webhook: name.clone(), id: job.id.clone(), attempt, wait, reason });
                self.retry_later(key, job, wait);
            }
            Verdict::Retry { reason, .. } => {
                self.drop_job(key, job, format!("gave up after {attempt} attempts: {reason}")).await
            }
            Verdict::Drop(reason) => self.drop_job(key, job, reason).await,
        }
    }

    async fn drop_job(&self, key: QKey, job: Job, reason: String) {
        let seq = job.seq;
        self.store("remove a dropped notification", move |o| o.remove(seq)).await;
        self.count(key.0, |s| {
            (s.failed_attempts, s.dropped, s.pending) =
                (s.failed_attempts + 1, s.dropped + 1, s.pending.saturating_sub(1))
        });
        let webhook = self.targets[key.0].hook.name.clone();
        tracing::warn!(webhook = %webhook, id = %job.id, attempts = job.attempts, reason = %Inert(&reason),
            "webhook notification dropped");
        self.emit(DeliveryEvent::Dropped { webhook, id: job.id, attempts: job.attempts, reason });
        self.release(&key);
    }

    fn release(&self, key: &QKey) {
        if lock(&self.queue).release(key) {
            self.wake.notify_one();
        }
    }

    /// Puts `job` back at the head of its key and parks the key for `wait`; no worker waits meanwhile.
    fn retry_later(self: &Arc<Self>, key: QKey, job: Job, wait: Duration) {
        if self.is_closed() {
            return; // shutting down: the delivery stays in the outbox
        }
        lock(&self.queue).put_back(&key, job);
        let shared = Arc::clone(self);
        let mut stop = self.stop.subscribe();
        tokio::spawn(async move {
            tokio::select! {
                _ = tokio::time::sleep(wait) => shared.release(&key),
                _ = stop.wait_for(|stopped| *stopped) => {}
            }
        });
    }
}

async fn worker(shared: Arc<Shared>) {
    while let Some((key, job)) = next_job(&shared).await {
        shared.run(key, job).await;
    }
}

/// The next job for a worker, waiting for one; `None` once the dispatcher is closed. The wake-up registration
/// lives only while this waits: one left registered during a delivery would swallow a `notify_one` meant for an
/// idle worker (and an unused notification is passed on when it is dropped).
async fn next_job(shared: &Shared) -> Option<(QKey, Job)> {
    loop {
        let woken = shared.wake.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        if shared.is_closed() {
            return None;
        }
        let next = {
            let mut queue = lock(&shared.queue);
            queue.take().map(|work| (work, queue.has_ready()))
        };
        match next {
            Some((work, more)) => {
                if more {
                    shared.wake.notify_one();
                }
                return Some(work);
            }
            None => woken.await,
        }
    }
}
