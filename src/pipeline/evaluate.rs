//! The evaluation task: the one writer of the store, the alert state and the read model. Batch by batch, in
//! arrival order: store the samples, evaluate the rules, commit the state changes, the notifications and the
//! collector's own state in one transaction, publish the events, then hand the notifications to the dispatcher.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::sync::mpsc;

use super::{Control, Event, Sink};
use crate::alert::manager::{AlertManager, Changes, Outgoing};
use crate::alert::silence;
use crate::collect::{Batch, Cycle};
use crate::metrics::Sample;
use crate::text::Inert;
use crate::timestamp::Timestamp;
use crate::webhook::outbox::{push_in, Entry};
use crate::webhook::Notification;

/// How often samples past the retention are deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// Evaluates batches until the collectors are gone; applies changes from `control` between two batches.
pub(super) async fn evaluate(
    mut batches: mpsc::Receiver<Batch>,
    mut control: mpsc::Receiver<Control>,
    mut manager: AlertManager,
    sink: Sink,
) {
    let mut pruned_at: Option<std::time::Instant> = None;
    let mut published = Published::default();
    loop {
        let batch = tokio::select! {
            biased;
            Some(change) = control.recv() => {
                apply(change, &mut manager, &sink).await;
                continue;
            }
            batch = batches.recv() => match batch {
                Some(batch) => batch,
                None => break,
            },
        };
        let now = Timestamp::now();
        if let Some(store) = sink.store.clone().filter(|_| pruned_at.is_none_or(|t| t.elapsed() >= PRUNE_EVERY)) {
            pruned_at = Some(std::time::Instant::now());
            let cutoff = now.minus(sink.retention);
            if let Err(e) = sink.db.run(move |_| store.delete_older_than(cutoff)).await {
                tracing::error!(error = %Inert(format_args!("{e:#}")), "cannot prune the metric store");
            }
        }
        let Batch { collector, cycle: Cycle { samples, errors, keep }, glimpse } = batch;
        let mut store_errors = Vec::new();
        let samples = store_samples(&sink, samples, &mut store_errors).await;
        let silences = match sink.db.run(move |db| silence::active(&db.lock(), now)).await {
            Ok(s) => s,
            Err(e) => {
                store_errors.push(format!("cannot read the silences: {e:#}"));
                sink.model.read_silences()
            }
        };
        manager.set_silences(silences.clone());
        let mut outgoing: Vec<Outgoing> = Vec::new();
        // A glimpse is no cycle: what it does not name is not missing, so staleness and `absent` wait for the next.
        if !glimpse {
            manager.begin_batch();
        }
        for sample in &samples {
            manager.observe(sample, sample.timestamp, &mut outgoing);
        }
        if !glimpse {
            manager.end_batch(collector, now, &mut outgoing);
        }
        let (notifications, entries) = match commit(&sink, &mut manager, outgoing, keep, now).await {
            Ok(done) => done,
            Err(e) => {
                tracing::error!(error = %Inert(format_args!("{e:#}")), "cannot store alert state and notifications");
                store_errors.push(format!("{e:#}"));
                (Vec::new(), Vec::new())
            }
        };

        // Only news becomes an event; a sample that repeats what readers were sent only refreshes the model's time
        // (no allocation for a quiet series).
        let news: Vec<bool> = samples.iter().map(|s| published.changed(s)).collect();
        let unchanged = news.iter().filter(|n| !**n).count();
        let mut batch_events: Vec<Event> =
            Vec::with_capacity(samples.len() - unchanged + errors.len() + notifications.len());
        batch_events.extend(errors.iter().map(|m| collector_error(collector, m.clone())));
        batch_events.extend(store_errors.iter().map(|m| collector_error("store", m.clone())));
        let sample_count = samples.len();
        let fresh = samples.iter().zip(&news).filter(|(_, news)| **news);
        batch_events.extend(fresh.map(|(s, _)| Event::Sample(Arc::new(s.clone()))));
        for n in &notifications {
            log_alert(n);
        }
        batch_events.extend(notifications.into_iter().map(|n| Event::Alert(Box::new(n))));
        let alerts = manager.alerts();
        let delivery = sink.dispatcher.stats();
        sink.model.update(|m| {
            for event in &batch_events {
                m.apply(event);
            }
            for (sample, _) in samples.iter().zip(&news).filter(|(_, news)| !**news) {
                m.confirm(sample);
            }
            m.alerts = alerts;
            m.silences = silences;
            m.delivery = delivery;
            m.store_failures += store_errors.len() as u64;
            m.evaluated_at = Some(Timestamp::now());
            if glimpse {
                return;
            }
            let health = m.collectors.entry(collector.to_string()).or_default();
            health.up = errors.is_empty();
            health.last_cycle = Some(now);
            health.failed_cycles += u64::from(!errors.is_empty());
            if errors.is_empty() {
                health.last_error = None;
            }
        });
        drop(samples);
        for event in batch_events {
            let _ = sink.events.send(event);
        }
        if !glimpse {
            let (collector, timestamp) = (collector.to_string(), now.to_rfc3339());
            let done = super::CycleDone { collector, timestamp, samples: sample_count, unchanged };
            let _ = sink.events.send(Event::Cycle(Box::new(done)));
        }
        // After the alert events, so no delivery outcome is heard before the alert it belongs to.
        if let Err(e) = sink.dispatcher.queued(entries) {
            // The rows are stored: the dispatcher's re-scan or the next start delivers them.
            tracing::warn!(error = %Inert(format_args!("{e:#}")), "notifications wait in the outbox");
        }
    }
    // The collectors are done: what the store kept in memory only (quiet series' last sightings) goes to disk.
    let Some(store) = sink.store.clone() else { return };
    if let Err(e) = sink.db.run(move |_| store.flush()).await {
        tracing::error!(error = %Inert(format_args!("{e:#}")), "cannot write the last samples to the store");
    }
}

/// Applies a change to the running pipeline and shows its effect in the model.
async fn apply(change: Control, manager: &mut AlertManager, sink: &Sink) {
    let silences = match change {
        Control::Rules { rules, stale_cycles, collectors, done } => {
            let gone: Vec<String> = manager
                .rules()
                .iter()
                .filter(|old| !rules.iter().any(|new| new.name == old.name))
                .map(|old| old.name.clone())
                .collect();
            let result = match retire(manager, sink, gone).await {
                Ok(()) => {
                    let restored =
                        sink.db.run(move |db| super::restore_rules(rules, stale_cycles, &collectors, db)).await;
                    restored.map(|mut restored| {
                        restored.set_silences(sink.model.read_silences());
                        *manager = restored;
                    })
                }
                Err(e) => Err(e),
            };
            let _ = done.send(result);
            None
        }
        Control::Retire { rules, done } => {
            let _ = done.send(retire(manager, sink, rules).await);
            None
        }
        Control::Silences => {
            let now = Timestamp::now();
            match sink.db.run(move |db| silence::active(&db.lock(), now)).await {
                Ok(silences) => {
                    manager.set_silences(silences.clone());
                    Some(silences)
                }
                Err(e) => {
                    tracing::warn!(error = %Inert(format_args!("{e:#}")), "cannot read the silences");
                    None
                }
            }
        }
    };
    let alerts = manager.alerts();
    sink.model.update(|m| {
        m.alerts = alerts;
        if let Some(silences) = silences {
            m.silences = silences;
        }
    });
}

/// Retires the states of `rules` (about to leave the configuration): resolved notifications for their announced
/// firing alerts are stored with the state changes in one transaction, published and handed to the dispatcher.
async fn retire(manager: &mut AlertManager, sink: &Sink, rules: Vec<String>) -> anyhow::Result<()> {
    if rules.is_empty() {
        return Ok(());
    }
    let now = Timestamp::now();
    let mut outgoing = Vec::new();
    manager.retire_rules(&rules, now, &mut outgoing);
    let (notifications, entries) = commit(sink, manager, outgoing, Vec::new(), now).await?;
    for n in notifications {
        log_alert(&n);
        let _ = sink.events.send(Event::Alert(Box::new(n)));
    }
    if let Err(e) = sink.dispatcher.queued(entries) {
        tracing::warn!(error = %Inert(format_args!("{e:#}")), "notifications wait in the outbox");
    }
    Ok(())
}

/// Stores the samples off the async threads; they come back for evaluation whatever happened to the write.
async fn store_samples(sink: &Sink, samples: Vec<Sample>, errors: &mut Vec<String>) -> Vec<Sample> {
    let Some(store) = sink.store.clone() else { return samples };
    let samples = Arc::new(samples);
    let batch = samples.clone();
    if let Err(e) = sink.db.run(move |_| store.insert(&batch)).await {
        tracing::error!(error = %Inert(format_args!("{e:#}")), "cannot store samples");
        errors.push(format!("{e:#}"));
    }
    Arc::try_unwrap(samples).unwrap_or_else(|shared| (*shared).clone())
}

/// Stores the batch's state changes, notifications and collector state in one transaction. On failure the
/// manager rolls back, so the next batch decides again. Returns the notifications and their outbox entries.
async fn commit(
    sink: &Sink,
    manager: &mut AlertManager,
    outgoing: Vec<Outgoing>,
    keep: Vec<(String, String)>,
    now: Timestamp,
) -> anyhow::Result<(Vec<Notification>, Vec<Entry>)> {
    let changes = manager.take_changes();
    if changes.is_empty() && outgoing.is_empty() && keep.is_empty() {
        manager.committed();
        return Ok((Vec::new(), Vec::new()));
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
            let write = |tx: &rusqlite::Transaction<'_>| persist(tx, &changes, &rows, &keep, now_ms);
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
            Ok((outgoing.into_iter().map(|o| o.notification).collect(), entries))
        }
        Err(e) => {
            manager.rolled_back();
            Err(e)
        }
    }
}

/// Writes state changes, outbox rows and collector state inside `tx`; returns the outbox entries.
fn persist(
    tx: &rusqlite::Transaction<'_>,
    changes: &Changes,
    rows: &[(String, String, Notification)],
    keep: &[(String, String)],
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
        let mut kv = tx.prepare_cached(
            "INSERT INTO kv (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )?;
        for (key, value) in keep {
            kv.execute([key, value]).with_context(|| format!("cannot store {key}"))?;
        }
    }
    let mut entries = Vec::with_capacity(rows.len());
    for (webhook, key, n) in rows {
        let seq = push_in(tx, webhook, key, n, now_ms)?;
        entries.push(Entry::queued(seq, webhook, key, n.clone(), now_ms));
    }
    Ok(entries)
}

/// One info line per notification queued (`serve` logs at info; `watch` shows its alerts itself).
fn log_alert(n: &Notification) {
    tracing::info!(
        rule = %Inert(&n.rule),
        status = ?n.status,
        labels = %Inert(format_args!("{:?}", n.labels)),
        value = n.value,
        id = %n.id,
        "alert"
    );
}

fn collector_error(collector: &str, message: String) -> Event {
    Event::collector_error(collector, &message, &Timestamp::now().to_rfc3339())
}

/// What readers of the event stream were last sent of each series: a sample that repeats it is not sent again.
#[derive(Default)]
struct Published {
    /// Series (name and labels) -> the value's bits and the error's hash.
    last: HashMap<u64, (u64, u64)>,
}

/// Metrics that count what happened since the previous cycle: each non-zero sample is news, even if it equals the
/// previous one (one transaction in each of two cycles is two transactions).
const PER_CYCLE_COUNTS: [&str; 1] = ["account_transactions"];

impl Published {
    /// Whether `sample` is news: a series not sent before, a value or error that differs from the last sent, or a
    /// non-zero per-cycle count.
    fn changed(&mut self, sample: &Sample) -> bool {
        let seen = (sample.value.to_bits(), hash(&sample.error));
        let differs = self.last.insert(hash(&(&sample.name, &sample.labels)), seen) != Some(seen);
        differs || (sample.value != 0.0 && PER_CYCLE_COUNTS.contains(&&*sample.name))
    }
}

fn hash(value: &impl Hash) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_is_a_new_series_a_change_or_a_count_of_something() {
        let mut published = Published::default();
        let at = Timestamp { secs: 1, nanos: 0 };
        let balance = |v| Sample::new("account_balance_hbar", &[("account", "0.0.7")], v, at);
        let count = |v| Sample::new("account_transactions", &[("account", "0.0.7")], v, at);
        let sent: Vec<bool> =
            [balance(1.0), balance(1.0), balance(2.0), balance(1.0), balance(f64::NAN), balance(f64::NAN)]
                .iter()
                .map(|s| published.changed(s))
                .collect();
        assert_eq!(sent, [true, false, true, true, true, false]);
        let sent: Vec<bool> =
            [count(0.0), count(0.0), count(1.0), count(1.0), count(0.0)].iter().map(|s| published.changed(s)).collect();
        assert_eq!(sent, [true, false, true, true, true], "one transaction in each of two cycles is two");
        let failed = |e: &str| Sample::new("node_up", &[], 0.0, at).with_error(Some(e.into()));
        assert!(published.changed(&failed("refused")));
        assert!(published.changed(&failed("timed out")), "the same value with another reason");
    }
}
