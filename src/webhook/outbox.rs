//! Deliveries not yet finished: the [`Outbox`] that keeps them, in memory or in SQLite so they survive a
//! restart, and the keyed queue that orders them for the dispatcher's workers.
//!
//! The dispatcher pushes a notification before queueing it and removes it only once the receiver accepted it
//! (HTTP 2xx) or the dispatcher gave up on it (counted as dropped): delivery is at least once. The SQLite outbox
//! uses its own connection and its own table, so it can live in the same file as the metric store.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::Hash;
use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, Context};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::notification::Notification;
use crate::store::Db;
use crate::timestamp::Timestamp;

/// One pending delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Position in the outbox; entries are delivered in this order per (webhook, key).
    pub seq: i64,
    pub webhook: String,
    pub key: String,
    pub notification: Notification,
    /// Attempts made so far, across restarts.
    pub attempts: u32,
    /// When it was pushed, milliseconds since the epoch.
    pub created_ms: i64,
}

/// Pending deliveries; cheap to clone (clones share the same database).
#[derive(Clone)]
pub struct Outbox {
    db: Arc<Db>,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Outbox({})", self.db.path())
    }
}

/// Stores a delivery of `n` to `webhook` under ordering `key` inside `tx` (so it commits with whatever decided
/// it); returns its seq.
pub fn push_in(tx: &Transaction<'_>, webhook: &str, key: &str, n: &Notification, now_ms: i64) -> anyhow::Result<i64> {
    let json = serde_json::to_string(n).context("cannot encode the notification")?;
    tx.execute(
        "INSERT INTO webhook_outbox (webhook, ordering_key, notification, attempts, created_ms, next_ms) \
         VALUES (?1, ?2, ?3, 0, ?4, ?4)",
        params![webhook, key, json, now_ms],
    )
    .context("cannot store a webhook notification in the outbox")?;
    Ok(tx.last_insert_rowid())
}

impl Outbox {
    /// An outbox that lives as long as the process: nothing survives a restart.
    pub fn memory() -> Outbox {
        Outbox { db: Db::in_memory().expect("an in-memory SQLite database opens") }
    }

    /// The outbox in the store database `db`.
    pub fn new(db: Arc<Db>) -> Outbox {
        Outbox { db }
    }

    /// Opens the outbox in the store file at `path`, beside any owner (for tests and short edits).
    pub fn open_sqlite(path: &Path) -> anyhow::Result<Outbox> {
        Ok(Outbox { db: Db::open_shared(path)? })
    }

    /// The database it lives in.
    pub fn db(&self) -> &Arc<Db> {
        &self.db
    }

    /// Whether entries survive a restart.
    pub fn is_durable(&self) -> bool {
        self.db.is_durable()
    }

    /// Stores a delivery of `n` to `webhook` under ordering `key`; durable (synced) before it returns. Returns its
    /// seq.
    pub fn push(&self, webhook: &str, key: &str, n: &Notification) -> anyhow::Result<i64> {
        let now_ms = Timestamp::now().as_millis();
        self.db.write_synced(|tx| push_in(tx, webhook, key, n, now_ms))
    }

    /// Everything pending, oldest first. Rows that no longer decode are logged and removed.
    pub fn pending(&self) -> anyhow::Result<Vec<Entry>> {
        let conn = self.db.lock();
        let rows = read_rows(&conn).context("cannot read the webhook outbox")?;
        let mut out = Vec::with_capacity(rows.len());
        for (seq, row) in rows {
            match row {
                Ok(entry) => out.push(entry),
                Err(e) => {
                    tracing::warn!(seq, error = %e, "removing an undecodable entry from the webhook outbox");
                    conn.execute("DELETE FROM webhook_outbox WHERE seq = ?1", [seq])
                        .context("cannot clean the webhook outbox")?;
                }
            }
        }
        Ok(out)
    }

    /// Forgets entry `seq` (delivered or given up on). Removing an absent entry is not an error.
    pub fn remove(&self, seq: i64) -> anyhow::Result<()> {
        self.db
            .lock()
            .execute("DELETE FROM webhook_outbox WHERE seq = ?1", [seq])
            .context("cannot remove a delivered notification from the webhook outbox")?;
        Ok(())
    }

    /// Counts one more attempt for entry `seq`.
    pub fn record_attempt(&self, seq: i64) -> anyhow::Result<()> {
        self.db
            .lock()
            .execute("UPDATE webhook_outbox SET attempts = attempts + 1 WHERE seq = ?1", [seq])
            .context("cannot record a delivery attempt in the webhook outbox")?;
        Ok(())
    }

    /// How many entries are pending.
    pub fn len(&self) -> anyhow::Result<u64> {
        let n: Option<i64> = self
            .db
            .lock()
            .query_row("SELECT COUNT(*) FROM webhook_outbox WHERE dead_ms IS NULL", [], |r| r.get(0))
            .optional()
            .context("cannot count the webhook outbox")?;
        Ok(n.unwrap_or(0).max(0) as u64)
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> anyhow::Result<bool> {
        Ok(self.len()? == 0)
    }
}

/// Work waiting per key, in order, and the keys ready to be worked on: a key is ready when it has work and none
/// of its work is in flight. Taking from a key puts it in flight until [`KeyedQueue::release`].
pub(crate) struct KeyedQueue<K, T> {
    keys: HashMap<K, VecDeque<T>>,
    in_flight: HashSet<K>,
    ready: VecDeque<K>,
}

impl<K, T> Default for KeyedQueue<K, T> {
    fn default() -> Self {
        Self { keys: HashMap::new(), in_flight: HashSet::new(), ready: VecDeque::new() }
    }
}

impl<K: Hash + Eq + Clone, T> KeyedQueue<K, T> {
    /// Appends `item` to `key`; true when the key became ready.
    pub(crate) fn push(&mut self, key: K, item: T) -> bool {
        let items = self.keys.entry(key.clone()).or_default();
        items.push_back(item);
        let became_ready = items.len() == 1 && !self.in_flight.contains(&key);
        if became_ready {
            self.ready.push_back(key);
        }
        became_ready
    }

    /// The head of the next ready key, which is in flight from now on.
    pub(crate) fn take(&mut self) -> Option<(K, T)> {
        while let Some(key) = self.ready.pop_front() {
            if let Some(item) = self.keys.get_mut(&key).and_then(VecDeque::pop_front) {
                self.in_flight.insert(key.clone());
                return Some((key, item));
            }
        }
        None
    }

    /// Puts a taken item back at the head of its key, which stays in flight.
    pub(crate) fn put_back(&mut self, key: &K, item: T) {
        self.keys.entry(key.clone()).or_default().push_front(item);
    }

    /// Ends the key's time in flight; true when it has more work and became ready again.
    pub(crate) fn release(&mut self, key: &K) -> bool {
        self.in_flight.remove(key);
        if self.keys.get(key).is_none_or(VecDeque::is_empty) {
            self.keys.remove(key);
            return false;
        }
        self.ready.push_back(key.clone());
        true
    }

    /// Whether some key is ready.
    pub(crate) fn has_ready(&self) -> bool {
        !self.ready.is_empty()
    }
}

type Row = (i64, Result<Entry, anyhow::Error>);

fn read_rows(conn: &Connection) -> rusqlite::Result<Vec<Row>> {
    let mut stmt = conn.prepare(
        "SELECT seq, webhook, ordering_key, notification, attempts, created_ms FROM webhook_outbox \
         WHERE dead_ms IS NULL ORDER BY seq",
    )?;
    let rows = stmt.query_map([], |r| {
        let seq: i64 = r.get(0)?;
        let json: String = r.get(3)?;
        let attempts: i64 = r.get(4)?;
        let entry = serde_json::from_str::<Notification>(&json)
            .map_err(|e| anyhow!("bad notification JSON: {e}"))
            .and_then(|notification| {
                Ok(Entry {
                    seq,
                    webhook: r.get(1)?,
                    key: r.get(2)?,
                    notification,
                    attempts: u32::try_from(attempts.max(0)).unwrap_or(u32::MAX),
                    created_ms: r.get(5)?,
                })
            });
        Ok((seq, entry))
    })?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhook::notification::{AlertStatus, Severity};

    fn note(id: &str) -> Notification {
        Notification {
            id: id.into(),
            status: AlertStatus::Firing,
            rule: "r".into(),
            severity: Severity::Warning,
            metric: "m".into(),
            labels: Default::default(),
            value: 1.0,
            threshold: None,
            starts_at: "2026-01-02T03:04:05Z".into(),
            ends_at: None,
            summary: String::new(),
            test: false,
        }
    }

    fn exercise(outbox: &Outbox) {
        let a = outbox.push("ops", "k1", &note("a")).unwrap();
        let b = outbox.push("ops", "k2", &note("b")).unwrap();
        let c = outbox.push("chat", "k1", &note("c")).unwrap();
        assert!(a < b && b < c);
        outbox.record_attempt(b).unwrap();
        outbox.record_attempt(b).unwrap();
        outbox.remove(a).unwrap();
        outbox.remove(a).unwrap();
        let pending = outbox.pending().unwrap();
        let ids: Vec<(&str, &str, u32)> =
            pending.iter().map(|e| (e.notification.id.as_str(), e.key.as_str(), e.attempts)).collect();
        assert_eq!(ids, [("b", "k2", 2), ("c", "k1", 0)]);
        assert_eq!(pending[1].webhook, "chat");
        assert_eq!(outbox.len().unwrap(), 2);
    }

    #[test]
    fn memory_outbox_keeps_order_and_attempts() {
        exercise(&Outbox::memory());
    }

    #[test]
    fn sqlite_outbox_survives_reopening_and_shares_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hmon.db");
        let other = Connection::open(&path).unwrap();
        other.execute_batch("CREATE TABLE samples (name TEXT); INSERT INTO samples VALUES ('x');").unwrap();
        let outbox = Outbox::open_sqlite(&path).unwrap();
        assert!(outbox.is_durable());
        exercise(&outbox);
        drop(outbox);
        let reopened = Outbox::open_sqlite(&path).unwrap();
        let pending = reopened.pending().unwrap();
        assert_eq!(pending.len(), 2);
        assert_eq!(pending[0].notification, note("b"));
        let n: i64 = other.query_row("SELECT COUNT(*) FROM samples", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn undecodable_rows_are_dropped_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hmon.db");
        let outbox = Outbox::open_sqlite(&path).unwrap();
        outbox.push("ops", "k", &note("good")).unwrap();
        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO webhook_outbox (webhook, ordering_key, notification, attempts, created_ms) \
                      VALUES ('ops', 'k', '{\"value\": null}', 0, 0)",
            [],
        )
        .unwrap();
        let pending = outbox.pending().unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(outbox.len().unwrap(), 1);
    }

    #[test]
    fn keyed_queue_keeps_order_per_key_and_one_in_flight() {
        let mut q = KeyedQueue::default();
        assert!(q.push("a", 1));
        assert!(!q.push("a", 2));
        assert!(q.push("b", 10));
        assert_eq!(q.take(), Some(("a", 1)));
        assert_eq!(q.take(), Some(("b", 10)));
        assert_eq!(q.take(), None, "a is in flight");
        q.put_back(&"a", 1);
        assert!(q.release(&"a"));
        assert!(!q.release(&"b"));
        assert_eq!(q.take(), Some(("a", 1)));
        assert!(q.release(&"a"));
        assert_eq!(q.take(), Some(("a", 2)));
        assert!(!q.release(&"a"));
        assert!(!q.has_ready() && q.keys.is_empty() && q.in_flight.is_empty());
    }
}
