//! The dispatcher's machinery: the shared state, the workers that make one attempt at a time, the timers that
//! park a key until its next attempt, and the periodic re-scan of the outbox.
//!
//! Before each attempt a worker reads the row's schedule from the outbox: a row that is gone (dropped by
//! `hmon alert queue drop`) is forgotten quietly, and a row not yet due parks its key. Outbox reads and writes
//! run through [`crate::store::Db::run`], off the async threads when the store is a file.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::anyhow;
use tokio::sync::{broadcast, watch, Notify};
use tokio::task::JoinHandle;

use super::outbox::{Entry, Scan};
use super::queue::KeyedQueue;
use super::schedule::{Next, Verdict};
use super::{format, DeliveryEvent, Endpoint, Outbox, WebhookStats};
use crate::text::Inert;
use crate::timestamp::Timestamp;

/// One queued delivery: the outbox row and the body to send.
pub(crate) struct Job {
    pub(crate) seq: i64,
    pub(crate) id: String,
    pub(crate) body: Vec<u8>,
}

/// (webhook index, ordering key).
pub(crate) type QKey = (usize, String);

/// The queue and what the dispatcher holds.
pub(crate) struct Lines {
    queue: KeyedQueue<QKey, Job>,
    /// Per webhook: attempts in flight, at most `per_webhook`.
    busy: Vec<usize>,
    per_webhook: usize,
    /// Seqs queued, in flight or parked: a row is never queued twice.
    held: HashSet<i64>,
    /// Keys waiting for their head's next attempt: until when, and how to wake them early.
    parked: HashMap<QKey, (i64, Arc<Notify>)>,
}

impl Lines {
    /// When the next delivery attempt can happen, in ms since the epoch: `Some(0)` when one is in flight or ready
    /// now, the earliest parked key's time otherwise, `None` when nothing waits.
    pub(crate) fn next_attempt_ms(&self) -> Option<i64> {
        if self.busy.iter().any(|&n| n > 0) || self.queue.has_ready() {
            return Some(0);
        }
        self.parked.values().map(|(until_ms, _)| *until_ms).min()
    }

    pub(crate) fn new(webhooks: usize, per_webhook: usize) -> Self {
        Lines {
            queue: KeyedQueue::default(),
            busy: vec![0; webhooks],
            per_webhook: per_webhook.max(1),
            held: HashSet::new(),
            parked: HashMap::new(),
        }
    }
}

pub(crate) struct Shared {
    pub(crate) targets: Vec<Endpoint>,
    pub(crate) by_name: HashMap<String, usize>,
    pub(crate) outbox: Outbox,
    pub(crate) client: reqwest::Client,
    pub(crate) lines: Mutex<Lines>,
    pub(crate) wake: Notify,
    pub(crate) stats: Mutex<BTreeMap<String, WebhookStats>>,
    pub(crate) events: broadcast::Sender<DeliveryEvent>,
    /// A receiver made before the workers started, for `Dispatcher::subscribe_from_start`.
    pub(crate) first_events: Mutex<Option<broadcast::Receiver<DeliveryEvent>>>,
    pub(crate) stop: watch::Sender<bool>,
    /// The workers, then the re-scan.
    pub(crate) tasks: Mutex<Vec<JoinHandle<()>>>,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn now_ms() -> i64 {
    Timestamp::now().as_millis()
}

impl Shared {
    pub(crate) fn is_closed(&self) -> bool {
        *self.stop.borrow()
    }

    pub(crate) fn close(&self) {
        self.stop.send_replace(true);
        self.wake.notify_waiters();
    }

    pub(crate) fn index_of(&self, webhook: &str) -> anyhow::Result<usize> {
        self.by_name.get(webhook).copied().ok_or_else(|| {
            let names: Vec<&str> = self.targets.iter().map(|t| t.hook.name.as_str()).collect();
            anyhow!("no webhook named '{webhook}' (configured: {})", names.join(", "))
        })
    }

    /// Queues `job` unless its row is held already.
    pub(crate) fn queue_job(&self, key: QKey, job: Job) {
        let index = key.0;
        let ready = {
            let mut lines = lock(&self.lines);
            if !lines.held.insert(job.seq) {
                return;
            }
            let seq = job.seq;
            lines.queue.push(key, seq, job)
        };
        self.count(index, |s| s.pending += 1);
        if ready {
            self.wake.notify_one();
        }
    }

    /// Takes in what a scan found: dead-letter counts, and fresh rows to queue. Rows of webhooks no longer
    /// configured become dead letters through `bury` (called with their seqs and the reason).
    pub(crate) fn take_scan(
        &self,
        scan: Scan,
        bury: impl FnOnce(Vec<i64>, &str) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut orphans: Vec<Entry> = Vec::new();
        {
            let mut stats = lock(&self.stats);
            for (name, s) in stats.iter_mut() {
                s.dead_letters = scan.dead.get(name).copied().unwrap_or(0);
            }
            for (name, n) in &scan.dead {
                stats.entry(name.clone()).or_default().dead_letters = *n;
            }
        }
        for entry in scan.fresh {
            let Some(&index) = self.by_name.get(&entry.webhook) else {
                orphans.push(entry);
                continue;
            };
            let body = format::encode(self.targets[index].hook.format, &entry.notification)?;
            self.queue_job((index, entry.key), Job { seq: entry.seq, id: entry.notification.id, body });
        }
        if orphans.is_empty() {
            return Ok(());
        }
        bury(orphans.iter().map(|e| e.seq).collect(), "its webhook is no longer configured")?;
        let mut stats = lock(&self.stats);
        for e in orphans {
            tracing::warn!(webhook = %e.webhook, id = %e.notification.id, seq = e.seq,
                "a pending notification for a webhook that is no longer configured is now a dead letter");
            let s = stats.entry(e.webhook.clone()).or_default();
            (s.dropped, s.dead_letters) = (s.dropped + 1, s.dead_letters + 1);
            let reason = format!("webhook '{}' is no longer configured", e.webhook);
            let _ = self.events.send(DeliveryEvent::Dropped {
                webhook: e.webhook,
                id: e.notification.id,
                attempts: e.attempts,
                reason,
            });
        }
        Ok(())
    }

    fn count(&self, index: usize, f: impl FnOnce(&mut WebhookStats)) {
        f(lock(&self.stats).entry(self.targets[index].hook.name.clone()).or_default());
    }

    fn emit(&self, event: DeliveryEvent) {
        let _ = self.events.send(event);
    }

    /// Runs an outbox operation (off the async threads for a file); failures are logged and give `None`.
    async fn store<T: Send + 'static>(
        &self,
        what: &'static str,
        op: impl FnOnce(&Outbox) -> anyhow::Result<T> + Send + 'static,
    ) -> Option<T> {
        let outbox = self.outbox.clone();
        let db = Arc::clone(outbox.db());
        match db.run(move |_| op(&outbox)).await {
            Ok(value) => Some(value),
            Err(e) => {
                tracing::error!(error = %Inert(format_args!("{e:#}")), "webhook outbox: cannot {what}");
                None
            }
        }
    }

    /// A worker: one attempt at a time until the dispatcher closes.
    pub(crate) async fn work(self: Arc<Self>) {
        while let Some((key, job)) = self.next_job().await {
            let webhook = key.0;
            self.attempt(key, job).await;
            let more = {
                let mut lines = lock(&self.lines);
                lines.busy[webhook] = lines.busy[webhook].saturating_sub(1);
                lines.queue.has_ready()
            };
            if more {
                // A key of this webhook may have waited for a free slot.
                self.wake.notify_one();
            }
        }
    }

    /// The next job, waiting for one; `None` once the dispatcher is closed. The wake-up registration lives only
    /// while this waits: one left registered during a delivery would swallow a `notify_one` meant for an idle
    /// worker (and an unused notification is passed on when it is dropped).
    async fn next_job(&self) -> Option<(QKey, Job)> {
        loop {
            let woken = self.wake.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            if self.is_closed() {
                return None;
            }
            let next = {
                let mut lines = lock(&self.lines);
                let Lines { queue, busy, per_webhook, .. } = &mut *lines;
                let work = queue.take_where(|key| busy[key.0] < *per_webhook);
                if let Some((key, _)) = &work {
                    busy[key.0] += 1;
                }
                work.map(|work| (work, lines.queue.has_ready()))
            };
            match next {
                Some((work, more)) => {
                    if more {
                        self.wake.notify_one();
                    }
                    return Some(work);
                }
                None => woken.await,
            }
        }
    }

    /// One attempt at the head of `key` if it is due (else the key is parked), then whatever its answer means.
    async fn attempt(self: &Arc<Self>, key: QKey, job: Job) {
        let seq = job.seq;
        let Some(row) = self.store("read a row", move |o| o.state(seq)).await else {
            let retry_at = now_ms() + 1000;
            return self.park(key, job, retry_at); // the store failed: try again in a second
        };
        let Some(row) = row else {
            tracing::debug!(seq, id = %job.id, "a queued notification left the outbox meanwhile; skipping it");
            return self.finish(&key, seq);
        };
        if row.next_ms > now_ms() {
            return self.park(key, job, row.next_ms);
        }
        let target = &self.targets[key.0];
        let (name, attempt) = (target.hook.name.clone(), row.attempts.saturating_add(1));
        let failure = match Verdict::of(target.post(&self.client, &job.body).await) {
            Verdict::Delivered(status) => {
                self.mark_delivered(seq, attempt).await;
                self.count(key.0, |s| s.delivered += 1);
                self.settle(&key, seq);
                tracing::debug!(webhook = %name, id = %job.id, status, attempt, "webhook notification delivered");
                self.emit(DeliveryEvent::Delivered { webhook: name, id: job.id, status, attempts: attempt });
                return self.release(&key);
            }
            Verdict::Reject(reason) => return self.give_up(key, job, attempt, reason).await,
            Verdict::Retry(failure) => failure,
        };
        let reason = failure.reason.clone();
        match target.hook.schedule().next(failure, attempt, row.created_ms, now_ms(), fastrand::f64()) {
            Next::GiveUp(reason) => self.give_up(key, job, attempt, reason).await,
            Next::RetryAt { at_ms, wait } => {
                self.count(key.0, |s| s.failed_attempts += 1);
                let error = reason.clone();
                let kept =
                    self.store("record a failed attempt", move |o| o.record_failure(seq, attempt, at_ms, &error));
                if kept.await == Some(false) {
                    return self.finish(&key, seq); // dropped by hand while it was in flight
                }
                self.count(key.0, |s| s.retries += 1);
                tracing::info!(webhook = %name, id = %job.id, attempt, wait = ?wait, reason = %Inert(&reason),
                    "webhook delivery failed; will retry");
                self.emit(DeliveryEvent::Retrying { webhook: name, id: job.id.clone(), attempt, wait, reason });
                self.park(key, job, at_ms);
            }
        }
    }

    /// Records a delivery in the outbox. While that fails (a busy or full disk), the row stays held, so no re-scan
    /// sends it again; the write is retried with backoff for about 15 s. Past that, the row is let go and may be
    /// delivered a second time (with the same notification id): at least once, never lost.
    async fn mark_delivered(&self, seq: i64, attempt: u32) {
        let mut wait = Duration::from_millis(250);
        for _ in 0..6 {
            let at = now_ms();
            if self.store("remove a delivered notification", move |o| o.delivered(seq, attempt, at)).await.is_some() {
                return;
            }
            tokio::time::sleep(wait).await;
            wait *= 2;
        }
        tracing::error!(seq, "a delivered notification could not be marked so: it may be delivered again");
    }

    /// Makes the row a dead letter (unless it was dropped meanwhile) and moves on to the next of its key.
    async fn give_up(self: &Arc<Self>, key: QKey, job: Job, attempts: u32, reason: String) {
        let (seq, now) = (job.seq, now_ms());
        let why = reason.clone();
        let buried = self.store("keep a dead letter", move |o| o.bury(seq, Some(attempts), now, &why)).await;
        self.count(key.0, |s| s.failed_attempts += 1);
        self.settle(&key, seq);
        if buried == Some(true) {
            self.count(key.0, |s| (s.dropped, s.dead_letters) = (s.dropped + 1, s.dead_letters + 1));
            let webhook = self.targets[key.0].hook.name.clone();
            tracing::warn!(webhook = %webhook, id = %job.id, seq, attempts, reason = %Inert(&reason),
                "webhook notification dropped (kept as a dead letter: see hmon alert queue)");
            self.emit(DeliveryEvent::Dropped { webhook, id: job.id, attempts, reason });
        }
        self.release(&key);
    }

    /// The job is done with (delivered, dead, or gone): it is no longer held or pending, and its key moves on.
    fn finish(&self, key: &QKey, seq: i64) {
        self.settle(key, seq);
        self.release(key);
    }

    /// The job's row is no longer held or counted as pending (before its outcome is announced).
    fn settle(&self, key: &QKey, seq: i64) {
        lock(&self.lines).held.remove(&seq);
        self.count(key.0, |s| s.pending = s.pending.saturating_sub(1));
    }

    /// The key's next job may start (after the outcome of the last one is announced, so events keep key order).
    fn release(&self, key: &QKey) {
        if lock(&self.lines).queue.release(key) {
            self.wake.notify_one();
        }
    }

    /// Puts `job` back at the head of its key and parks the key until `until_ms` (or until the re-scan wakes
    /// it); no worker waits meanwhile. When shutting down the key stays parked: the row stays in the outbox.
    fn park(self: &Arc<Self>, key: QKey, job: Job, until_ms: i64) {
        if self.is_closed() {
            return;
        }
        let early = Arc::new(Notify::new());
        {
            let mut lines = lock(&self.lines);
            let seq = job.seq;
            lines.queue.put_back(&key, seq, job);
            lines.parked.insert(key.clone(), (until_ms, Arc::clone(&early)));
        }
        let wait = Duration::from_millis(u64::try_from(until_ms - now_ms()).unwrap_or(0));
        let shared = Arc::clone(self);
        let mut stop = self.stop.subscribe();
        tokio::spawn(async move {
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = early.notified() => {}
                _ = stop.wait_for(|stopped| *stopped) => return,
            }
            let ready = {
                let mut lines = lock(&shared.lines);
                lines.parked.remove(&key);
                lines.queue.release(&key)
            };
            if ready {
                shared.wake.notify_one();
            }
        });
    }

    /// Re-reads the outbox every `every` until the dispatcher closes.
    pub(crate) async fn rescan_every(self: Arc<Self>, every: Duration) {
        let mut stop = self.stop.subscribe();
        loop {
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stop.wait_for(|stopped| *stopped) => return,
            }
            if let Err(e) = self.rescan().await {
                tracing::error!(error = %Inert(format_args!("{e:#}")), "webhook outbox: cannot re-scan it");
            }
        }
    }

    /// Queues pending rows this dispatcher does not hold (put back in line by another process), refreshes the
    /// dead-letter counts, and wakes parked keys whose head is gone or due earlier than they were parked for.
    async fn rescan(self: &Arc<Self>) -> anyhow::Result<()> {
        let held = lock(&self.lines).held.clone();
        let Some(mut scan) = self.store("re-scan", move |o| o.scan(&held)).await else { return Ok(()) };
        let next_ms = std::mem::take(&mut scan.next_ms);
        let mut orphans = Vec::new();
        self.take_scan(scan, |seqs, reason| {
            orphans.push((seqs, reason.to_string()));
            Ok(())
        })?;
        for (seqs, reason) in orphans {
            let now = now_ms();
            self.store("keep a dead letter", move |o| {
                seqs.iter().try_for_each(|seq| o.bury(*seq, None, now, &reason).map(drop))
            })
            .await;
        }
        let lines = lock(&self.lines);
        for (key, (until_ms, early)) in &lines.parked {
            let due = lines.queue.head(key).and_then(|seq| next_ms.get(&seq));
            if due.is_none_or(|due| due < until_ms) {
                early.notify_one();
            }
        }
        Ok(())
    }
}
