//! Deliveries not yet finished, in the store database's `webhook_outbox` table: pending rows with their retry
//! schedule (`attempts`, `next_ms`, `last_error`) and dead letters (`dead_ms` set), so that neither the schedule
//! nor a notification given up on is lost in a restart.
//!
//! A notification is in the outbox before it is queued, and leaves it only when the receiver accepted it (HTTP
//! 2xx) or someone drops it (`hmon alert queue drop`): delivery is at least once, and giving up turns a row into a
//! dead letter instead of deleting it. Every operation here is blocking; the dispatcher calls them through
//! [`Db::run`]. The queue edits `hmon alert queue` makes are in `letters`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
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
    /// When it was queued (or last re-queued by `hmon alert queue retry`), milliseconds since the epoch: the
    /// `give_up_after` clock starts here.
    pub created_ms: i64,
    /// The earliest time of the next attempt, milliseconds since the epoch.
    pub next_ms: i64,
}

impl Entry {
    /// The entry for a row [`push_in`] just stored as `seq` at `now_ms`.
    pub fn queued(seq: i64, webhook: &str, key: &str, notification: Notification, now_ms: i64) -> Entry {
        Entry {
            seq,
            webhook: webhook.to_string(),
            key: key.to_string(),
            notification,
            attempts: 0,
            created_ms: now_ms,
            next_ms: now_ms,
        }
    }
}

/// A pending row's schedule as it is in the outbox now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RowState {
    pub(crate) attempts: u32,
    pub(crate) created_ms: i64,
    pub(crate) next_ms: i64,
}

/// What a re-scan of the outbox found.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// Pending rows the caller did not hold, in seq order.
    pub(crate) fresh: Vec<Entry>,
    /// Every pending row's `next_ms`, by seq.
    pub(crate) next_ms: HashMap<i64, i64>,
    /// Dead letters per webhook.
    pub(crate) dead: BTreeMap<String, u64>,
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
/// it); returns its seq. Hand the committed rows to [`super::Dispatcher::queued`] (see [`Entry::queued`]).
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

    /// Stores a delivery of `n` to `webhook` under ordering `key`, due now; durable (synced) before it returns.
    pub fn push(&self, webhook: &str, key: &str, n: &Notification) -> anyhow::Result<Entry> {
        let now_ms = Timestamp::now().as_millis();
        let seq = self.db.write_synced(|tx| push_in(tx, webhook, key, n, now_ms))?;
        Ok(Entry::queued(seq, webhook, key, n.clone(), now_ms))
    }

    /// Everything pending, oldest first. Rows that no longer decode become dead letters (and are logged).
    pub fn pending(&self) -> anyhow::Result<Vec<Entry>> {
        Ok(self.scan(&HashSet::new())?.fresh)
    }

    /// The pending rows not in `held`, every pending row's `next_ms`, and the dead letters per webhook.
    pub(crate) fn scan(&self, held: &HashSet<i64>) -> anyhow::Result<Scan> {
        let conn = self.db.lock();
        let mut scan = Scan::default();
        let mut undecodable = Vec::new();
        {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, webhook, ordering_key, notification, attempts, created_ms, next_ms \
                 FROM webhook_outbox WHERE dead_ms IS NULL ORDER BY seq",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let seq: i64 = r.get(0)?;
                let next_ms: i64 = r.get(6)?;
                scan.next_ms.insert(seq, next_ms);
                if held.contains(&seq) {
                    continue;
                }
                let json: String = r.get(3)?;
                match serde_json::from_str::<Notification>(&json) {
                    Ok(notification) => scan.fresh.push(Entry {
                        seq,
                        webhook: r.get(1)?,
                        key: r.get(2)?,
                        notification,
                        attempts: count(r.get(4)?),
                        created_ms: r.get(5)?,
                        next_ms,
                    }),
                    Err(e) => undecodable.push((seq, format!("the stored notification does not decode: {e}"))),
                }
            }
        }
        let now_ms = Timestamp::now().as_millis();
        for (seq, reason) in undecodable {
            tracing::warn!(seq, error = %crate::text::Inert(&reason), "a webhook outbox row is now a dead letter");
            scan.next_ms.remove(&seq);
            bury_on(&conn, seq, None, now_ms, &reason)?;
        }
        let mut stmt = conn.prepare_cached(
            "SELECT webhook, COUNT(*) FROM webhook_outbox WHERE dead_ms IS NOT NULL GROUP BY webhook",
        )?;
        let dead = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in dead {
            let (webhook, n) = row?;
            scan.dead.insert(webhook, n.max(0) as u64);
        }
        Ok(scan)
    }

    /// Row `seq`'s schedule now, or `None` when it is no longer pending (delivered, dropped by
    /// `hmon alert queue drop`, or a dead letter).
    pub(crate) fn state(&self, seq: i64) -> anyhow::Result<Option<RowState>> {
        let conn = self.db.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT attempts, created_ms, next_ms FROM webhook_outbox WHERE seq = ?1 AND dead_ms IS NULL",
        )?;
        let found = stmt
            .query_row([seq], |r| {
                Ok(RowState { attempts: count(r.get(0)?), created_ms: r.get(1)?, next_ms: r.get(2)? })
            })
            .optional()
            .context("cannot read a row of the webhook outbox")?;
        Ok(found)
    }

    /// Records a failed attempt and when to try again, in one statement; false when the row is no longer
    /// pending (someone dropped it meanwhile).
    pub(crate) fn record_failure(&self, seq: i64, attempts: u32, next_ms: i64, error: &str) -> anyhow::Result<bool> {
        let changed = self
            .db
            .lock()
            .prepare_cached(
                "UPDATE webhook_outbox SET attempts = ?2, next_ms = ?3, last_error = ?4 \
                 WHERE seq = ?1 AND dead_ms IS NULL",
            )?
            .execute(params![seq, attempts, next_ms, error])
            .context("cannot record a failed delivery attempt in the webhook outbox")?;
        Ok(changed > 0)
    }

    /// Turns pending row `seq` into a dead letter at `now_ms` with `reason` (and `attempts`, if given); false
    /// when it is no longer pending.
    pub(crate) fn bury(&self, seq: i64, attempts: Option<u32>, now_ms: i64, reason: &str) -> anyhow::Result<bool> {
        bury_on(&self.db.lock(), seq, attempts, now_ms, reason)
    }

    /// Forgets row `seq` (delivered, or dropped by hand); false when it was not there.
    pub fn remove(&self, seq: i64) -> anyhow::Result<bool> {
        let changed = self
            .db
            .lock()
            .prepare_cached("DELETE FROM webhook_outbox WHERE seq = ?1")?
            .execute([seq])
            .context("cannot remove a notification from the webhook outbox")?;
        Ok(changed > 0)
    }

    /// How many entries are pending (dead letters not counted).
    pub fn len(&self) -> anyhow::Result<u64> {
        self.count("dead_ms IS NULL")
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> anyhow::Result<bool> {
        Ok(self.len()? == 0)
    }

    /// How many dead letters there are.
    pub fn dead_letters(&self) -> anyhow::Result<u64> {
        self.count("dead_ms IS NOT NULL")
    }

    fn count(&self, filter: &str) -> anyhow::Result<u64> {
        let n: i64 = self
            .db
            .lock()
            .query_row(&format!("SELECT COUNT(*) FROM webhook_outbox WHERE {filter}"), [], |r| r.get(0))
            .context("cannot count the webhook outbox")?;
        Ok(n.max(0) as u64)
    }
}

fn bury_on(conn: &Connection, seq: i64, attempts: Option<u32>, now_ms: i64, reason: &str) -> anyhow::Result<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE webhook_outbox SET attempts = COALESCE(?2, attempts), dead_ms = ?3, last_error = ?4 \
             WHERE seq = ?1 AND dead_ms IS NULL",
        )?
        .execute(params![seq, attempts, now_ms, reason])
        .context("cannot turn a webhook notification into a dead letter")?;
    Ok(changed > 0)
}

/// A stored attempt count (never negative in practice) as a u32.
fn count(stored: i64) -> u32 {
    u32::try_from(stored.max(0)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhook::notification::example;

    fn exercise(outbox: &Outbox) {
        let a = outbox.push("ops", "k1", &example("a", "")).unwrap();
        let b = outbox.push("ops", "k2", &example("b", "")).unwrap();
        let c = outbox.push("chat", "k1", &example("c", "")).unwrap();
        assert!(a.seq < b.seq && b.seq < c.seq);
        assert_eq!((b.attempts, b.next_ms), (0, b.created_ms));
        assert!(outbox.record_failure(b.seq, 2, b.created_ms + 500, "HTTP 503").unwrap());
        assert!(outbox.remove(a.seq).unwrap());
        assert!(!outbox.remove(a.seq).unwrap(), "already gone");
        assert!(!outbox.record_failure(a.seq, 1, 0, "x").unwrap(), "a removed row is not brought back");
        let pending = outbox.pending().unwrap();
        let ids: Vec<(&str, &str, u32)> =
            pending.iter().map(|e| (e.notification.id.as_str(), e.key.as_str(), e.attempts)).collect();
        assert_eq!(ids, [("b", "k2", 2), ("c", "k1", 0)]);
        assert_eq!(pending[0].next_ms, b.created_ms + 500);
        assert_eq!(pending[1].webhook, "chat");
        assert_eq!(
            outbox.state(b.seq).unwrap(),
            Some(RowState { attempts: 2, created_ms: b.created_ms, next_ms: b.created_ms + 500 })
        );
        assert!(outbox.bury(c.seq, Some(1), c.created_ms + 9, "HTTP 400").unwrap());
        assert!(!outbox.bury(c.seq, Some(1), c.created_ms + 9, "HTTP 400").unwrap(), "already dead");
        assert_eq!(outbox.state(c.seq).unwrap(), None, "a dead letter is not pending");
        assert_eq!((outbox.len().unwrap(), outbox.dead_letters().unwrap()), (1, 1));
        let scan = outbox.scan(&[b.seq].into()).unwrap();
        assert!(scan.fresh.is_empty());
        assert_eq!(scan.next_ms, [(b.seq, b.created_ms + 500)].into());
        assert_eq!(scan.dead, [("chat".to_string(), 1)].into());
    }

    #[test]
    fn memory_outbox_keeps_order_schedule_and_dead_letters() {
        exercise(&Outbox::memory());
    }

    #[test]
    fn sqlite_outbox_survives_reopening_and_shares_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hmon.db");
        let outbox = Outbox::open_sqlite(&path).unwrap();
        assert!(outbox.is_durable());
        exercise(&outbox);
        drop(outbox);
        let reopened = Outbox::open_sqlite(&path).unwrap();
        let pending = reopened.pending().unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!((pending[0].notification.id.as_str(), pending[0].attempts), ("b", 2));
        assert_eq!(reopened.dead_letters().unwrap(), 1);
    }

    #[test]
    fn undecodable_rows_become_dead_letters() {
        let outbox = Outbox::memory();
        outbox.push("ops", "k", &example("good", "")).unwrap();
        outbox
            .db()
            .lock()
            .execute(
                "INSERT INTO webhook_outbox (webhook, ordering_key, notification, attempts, created_ms) \
                 VALUES ('ops', 'k', '{\"value\": null}', 0, 0)",
                [],
            )
            .unwrap();
        let pending = outbox.pending().unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!((outbox.len().unwrap(), outbox.dead_letters().unwrap()), (1, 1));
    }
}
