//! [`SqliteStore`]: samples kept in the store database ([`Db`]), for durable runs. It reads and writes the
//! `series` and `samples` tables only.
//! Timestamps are stored as whole milliseconds, values as REAL (NaN is stored as NULL and read back as NaN).
//! With a heartbeat ([`SqliteStore::with_heartbeat`]) it stores only changes (see [`super::changes`]).

use std::cmp::Reverse;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, MutexGuard};
use std::time::Duration;

use anyhow::Context;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, TransactionBehavior};

use super::changes::{Changes, Stored};
use super::db::Db;
use super::MetricStore;
use crate::metrics::{labels_match, Labels, Sample};
use crate::timestamp::Timestamp;

/// How long the daemon keeps samples unless configured otherwise: 7 days.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// The default store file, `<data dir>/hmon/hmon.db` (e.g. `~/.local/share/hmon/hmon.db` on Linux), if the
/// platform has a data directory.
pub fn default_path() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join("hmon").join("hmon.db"))
}

/// A [`MetricStore`] in the store database ([`Db`]), sharing its one connection. Clones share the database and
/// the memory of last stored points.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    db: Arc<Db>,
    /// With a heartbeat: the memory of what was last stored per series.
    changes: Option<Arc<Changes>>,
}

/// A series row: its id and labels.
struct SeriesRow {
    id: i64,
    labels: Labels,
}

impl SqliteStore {
    /// The metric store inside `db`, storing every sample.
    pub fn new(db: Arc<Db>) -> Self {
        Self { db, changes: None }
    }

    /// The metric store inside `db`, storing a sample only when its value differs from the series' last stored
    /// value or when `heartbeat` has passed since that stored sample (NaN counts as equal to NaN). A quiet series
    /// thus costs one row per heartbeat, and skipping costs no SQL: the last stored point of each series is kept
    /// in memory (read from the table the first time a series is seen). Read it back with
    /// [`MetricStore::value_at`]; `range` and `latest` return the stored points only.
    ///
    /// Only one store with a heartbeat should write a given database: another writer's samples are not seen.
    pub fn with_heartbeat(db: Arc<Db>, heartbeat: Duration) -> Self {
        Self { db, changes: Some(Arc::new(Changes::new(heartbeat))) }
    }

    /// The heartbeat, when this store stores only changes.
    pub fn heartbeat(&self) -> Option<Duration> {
        self.changes.as_ref().map(|c| Duration::from_millis(c.heartbeat_ms().try_into().unwrap_or(u64::MAX)))
    }

    /// Opens (creating if needed, with its parent directories) the store file at `path`, beside any owner.
    /// Fails if the file was written by a newer hmon.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        Ok(Self::new(Db::open_shared(path)?))
    }

    /// A store in memory only, gone when dropped (for tests).
    pub fn open_in_memory() -> anyhow::Result<Self> {
        Ok(Self::new(Db::in_memory()?))
    }

    /// The file path as shown in messages (`:memory:` for an in-memory store).
    pub fn path(&self) -> &str {
        self.db.path()
    }

    /// The database it lives in.
    pub fn db(&self) -> &Arc<Db> {
        &self.db
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.db.lock()
    }

    /// The context of a failed read (`write` false) or write.
    fn failed(&self, write: bool) -> String {
        format!("cannot {} the metric store {}", if write { "write to" } else { "read" }, self.db.path())
    }
}

/// Labels in their canonical stored form: a JSON object with sorted keys, no whitespace.
fn labels_json(labels: &Labels) -> anyhow::Result<String> {
    serde_json::to_string(labels).context("cannot encode labels as JSON")
}

/// The series of metric `name` whose labels match `matcher`.
fn series_of(conn: &Connection, name: &str, matcher: &Labels) -> anyhow::Result<Vec<SeriesRow>> {
    let mut stmt = conn.prepare_cached("SELECT id, labels FROM series WHERE name = ?1")?;
    let rows = stmt.query_map([name], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)))?;
    let mut found = Vec::new();
    for row in rows {
        let (id, json) = row?;
        let labels: Labels =
            serde_json::from_str(&json).with_context(|| format!("series {id} of {name} has invalid labels {json}"))?;
        if labels_match(matcher, &labels) {
            found.push(SeriesRow { id, labels });
        }
    }
    Ok(found)
}

/// A stored value: NULL is how SQLite stores NaN.
fn value(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<f64> {
    Ok(row.get::<_, Option<f64>>(idx)?.unwrap_or(f64::NAN))
}

/// `n` as an SQL LIMIT.
fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl MetricStore for SqliteStore {
    fn insert(&self, samples: &[Sample]) -> anyhow::Result<()> {
        if samples.is_empty() {
            return Ok(());
        }
        match &self.changes {
            None => insert_batch(&mut self.lock(), samples),
            Some(changes) => self.insert_changes(changes, samples),
        }
        .with_context(|| self.failed(true))
    }

    fn latest(&self, name: &str, n: usize) -> anyhow::Result<Vec<Sample>> {
        self.latest_matching(name, &Labels::new(), n)
    }

    fn latest_matching(&self, name: &str, matcher: &Labels, n: usize) -> anyhow::Result<Vec<Sample>> {
        if n == 0 {
            return Ok(Vec::new());
        }
        // The newest `n` of each series, merged.
        let sql = "SELECT ts_ms, value FROM samples WHERE series_id = ?1 ORDER BY ts_ms DESC LIMIT ?2";
        let mut found =
            per_series(&mut self.lock(), name, matcher, sql, &[limit(n)], true).with_context(|| self.failed(false))?;
        found.truncate(n);
        Ok(found)
    }

    fn range(&self, name: &str, from: Timestamp, to: Timestamp) -> anyhow::Result<Vec<Sample>> {
        let sql = "SELECT ts_ms, value FROM samples WHERE series_id = ?1 AND ts_ms >= ?2 AND ts_ms < ?3";
        let bounds = [from.as_millis(), to.as_millis()];
        per_series(&mut self.lock(), name, &Labels::new(), sql, &bounds, false).with_context(|| self.failed(false))
    }

    fn latest_per_series(&self) -> anyhow::Result<Vec<Sample>> {
        newest_per_series(&self.lock()).with_context(|| self.failed(false))
    }

    fn delete_older_than(&self, cutoff: Timestamp) -> anyhow::Result<usize> {
        // The memory first, then the connection, the order `insert` takes them in.
        let memory = self.changes.as_ref().map(|c| c.lock());
        let deleted = delete_before(&mut self.lock(), cutoff.as_millis()).with_context(|| self.failed(true))?;
        if let Some(mut memory) = memory {
            memory.forget_before(cutoff.as_millis());
        }
        Ok(deleted)
    }

    fn value_at(&self, name: &str, labels: &Labels, at: Timestamp) -> anyhow::Result<Option<Sample>> {
        let found = (|| last_at(&self.lock(), name, &labels_json(labels)?, at.as_millis()))()
            .with_context(|| self.failed(false))?;
        Ok(found.map(|p| to_sample(name, labels, p.ts_ms, p.value)))
    }
}

impl SqliteStore {
    /// Inserts the samples that [`Stored::must_store`] keeps, in one transaction; the memory is updated only once
    /// that transaction has committed.
    fn insert_changes(&self, changes: &Changes, samples: &[Sample]) -> anyhow::Result<()> {
        let mut memory = changes.lock();
        // Points read or written by this batch, before they go into the memory.
        let mut batch: HashMap<(&str, &Labels), Option<Stored>> = HashMap::new();
        let unseen: Vec<&Sample> = samples.iter().filter(|s| memory.get(&s.name, &s.labels).is_none()).collect();
        if !unseen.is_empty() {
            let conn = self.lock();
            for s in unseen {
                if let std::collections::hash_map::Entry::Vacant(e) = batch.entry((s.name.as_str(), &s.labels)) {
                    e.insert(last_at(&conn, &s.name, &labels_json(&s.labels)?, i64::MAX)?);
                }
            }
        }
        let mut kept: Vec<&Sample> = Vec::new();
        for s in samples {
            let key = (s.name.as_str(), &s.labels);
            let last = match batch.get(&key) {
                Some(point) => *point,
                None => memory.get(key.0, key.1),
            };
            let ts_ms = s.timestamp.as_millis();
            if last.is_none_or(|l| l.must_store(ts_ms, s.value, changes.heartbeat_ms())) {
                kept.push(s);
                batch.insert(key, Some(Stored::after(last, ts_ms, s.value)));
            }
        }
        if !kept.is_empty() {
            insert_batch(&mut self.lock(), kept)?;
        }
        for ((name, labels), point) in batch {
            if let Some(point) = point {
                memory.set(name, labels, point);
            }
        }
        Ok(())
    }
}

/// The newest stored point of `name` with these canonical labels at or before `at_ms`: the series row by its
/// unique key, then one primary-key lookup.
fn last_at(conn: &Connection, name: &str, labels_json: &str, at_ms: i64) -> anyhow::Result<Option<Stored>> {
    let mut stmt = conn.prepare_cached(
        // CROSS JOIN keeps series as the outer loop: one index lookup, then the newest sample up to `at_ms`.
        "SELECT x.ts_ms, x.value FROM series s CROSS JOIN samples x ON x.series_id = s.id \
         WHERE s.name = ?1 AND s.labels = ?2 AND x.ts_ms <= ?3 ORDER BY x.ts_ms DESC LIMIT 1",
    )?;
    let point = stmt
        .query_row(params![name, labels_json, at_ms], |r| Ok(Stored { ts_ms: r.get(0)?, value: value(r, 1)? }))
        .optional()?;
    Ok(point)
}

/// Inserts a batch in one immediate transaction.
fn insert_batch<'a>(conn: &mut Connection, samples: impl IntoIterator<Item = &'a Sample>) -> anyhow::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut find = tx.prepare_cached("SELECT id FROM series WHERE name = ?1 AND labels = ?2")?;
        let mut add = tx.prepare_cached("INSERT INTO series (name, labels) VALUES (?1, ?2)")?;
        let mut put =
            tx.prepare_cached("INSERT OR REPLACE INTO samples (series_id, ts_ms, value) VALUES (?1, ?2, ?3)")?;
        // Series ids are looked up once per batch and not kept across batches: another process may prune series
        // in between.
        let mut ids: HashMap<(&str, &Labels), i64> = HashMap::new();
        for s in samples {
            let id = match ids.get(&(s.name.as_str(), &s.labels)) {
                Some(id) => *id,
                None => {
                    let json = labels_json(&s.labels)?;
                    let id = match find.query_row(params![s.name, json], |row| row.get(0)).optional()? {
                        Some(id) => id,
                        None => {
                            add.execute(params![s.name, json])?;
                            tx.last_insert_rowid()
                        }
                    };
                    ids.insert((s.name.as_str(), &s.labels), id);
                    id
                }
            };
            put.execute(params![id, s.timestamp.as_millis(), s.value])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Runs `sql` (selecting `ts_ms, value`, with `?1` the series id and `?2`.. the `bounds`) on each series of
/// `name` matching `matcher`, in one read transaction so the series see one snapshot; returns the samples
/// sorted by timestamp, newest first if `newest_first`. Each run is a primary-key range.
fn per_series(
    conn: &mut Connection,
    name: &str,
    matcher: &Labels,
    sql: &str,
    bounds: &[i64],
    newest_first: bool,
) -> anyhow::Result<Vec<Sample>> {
    let tx = conn.transaction()?;
    let series = series_of(&tx, name, matcher)?;
    let mut stmt = tx.prepare_cached(sql)?;
    let mut found: Vec<(i64, f64, &Labels)> = Vec::new();
    for row in &series {
        let args = params_from_iter(std::iter::once(row.id).chain(bounds.iter().copied()));
        let points = stmt.query_map(args, |r| Ok((r.get(0)?, value(r, 1)?)))?;
        for point in points {
            let (ts, v) = point?;
            found.push((ts, v, &row.labels));
        }
    }
    match newest_first {
        true => found.sort_by_key(|&(ts, ..)| Reverse(ts)),
        false => found.sort_by_key(|&(ts, ..)| ts),
    }
    Ok(found.into_iter().map(|(ts, v, labels)| to_sample(name, labels, ts, v)).collect())
}

/// The newest sample of every series (a primary-key lookup each), sorted by series key.
fn newest_per_series(conn: &Connection) -> anyhow::Result<Vec<Sample>> {
    let mut stmt = conn.prepare_cached(
        // CROSS JOIN keeps series as the outer loop (SQLite does not reorder it): one lookup per series, not a scan.
        "SELECT s.name, s.labels, x.ts_ms, x.value FROM series s CROSS JOIN samples x ON x.series_id = s.id \
         WHERE x.ts_ms = (SELECT MAX(ts_ms) FROM samples WHERE series_id = s.id)",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, value(r, 3)?)))?;
    let mut found = Vec::new();
    for row in rows {
        let (name, json, ts, v) = row?;
        let labels: Labels =
            serde_json::from_str(&json).with_context(|| format!("a series of {name} has invalid labels {json}"))?;
        found.push(to_sample(&name, &labels, ts, v));
    }
    found.sort_by_cached_key(Sample::series);
    Ok(found)
}

/// Deletes the samples with `ts_ms < cutoff_ms`, then the series left empty; returns how many samples went.
fn delete_before(conn: &mut Connection, cutoff_ms: i64) -> anyhow::Result<usize> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut deleted = 0;
    {
        // Per series, so each delete is a primary-key range instead of a scan of the whole table.
        let mut ids = tx.prepare_cached("SELECT id FROM series")?;
        let ids = ids.query_map([], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>()?;
        let mut del = tx.prepare_cached("DELETE FROM samples WHERE series_id = ?1 AND ts_ms < ?2")?;
        for id in ids {
            deleted += del.execute(params![id, cutoff_ms])?;
        }
        tx.execute("DELETE FROM series WHERE NOT EXISTS (SELECT 1 FROM samples WHERE series_id = series.id)", [])?;
    }
    tx.commit()?;
    Ok(deleted)
}

fn to_sample(name: &str, labels: &Labels, ts_ms: i64, value: f64) -> Sample {
    Sample { name: name.to_string(), labels: labels.clone(), value, timestamp: Timestamp::from_millis(ts_ms) }
}

#[cfg(test)]
mod tests;
