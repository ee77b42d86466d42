//! [`SqliteStore`]: samples kept in the store database ([`Db`]), for durable runs. It reads and writes the
//! `series` and `samples` tables only; the SQL lives in [`rows`].
//!
//! A series is stored as runs of one value: a row holds when the value was first seen (`ts_ms`), the newest time
//! it was confirmed (`last_ms`) and the value. Without a heartbeat ([`SqliteStore::new`]) every sample is a run
//! of its own (`last_ms = ts_ms`); with one ([`SqliteStore::with_heartbeat`]) equal samples extend the current
//! run (see [`super::changes`]). Reads answer each run as its start and, when later, its newest confirmation
//! ([`rows::points`]):
//!
//! - `latest`, `latest_matching`, `range`: those points, a run ending where the series' next run starts.
//! - `latest_per_series`: each series' newest run at its newest confirmation (`last_ms`).
//! - `value_at(at)`: the run with the newest start at or before `at`, as its newest point at or before `at`: the
//!   last element `range(.., at + 1 ms)` would give for that series.
//! - `delete_older_than(cutoff)`: deletes the runs that ended (`last_ms`) before `cutoff` and counts them; a run
//!   confirmed at or after `cutoff` is kept whole, its older start included, so a quiet series keeps the time
//!   its value was first seen.
//!
//! Timestamps are stored as whole milliseconds, values as REAL (NaN is stored as NULL and read back as NaN).

use std::cmp::Reverse;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, MutexGuard};
use std::time::Duration;

use anyhow::Context;
use rusqlite::Connection;

use self::rows::{
    delete_before, labels_json, newest_per_series, newest_run, newest_runs, points, runs_between, series_of, write_runs,
};
use super::changes::{Changes, Run, Write};
use super::db::Db;
use super::MetricStore;
use crate::metrics::{Labels, Sample};
use crate::timestamp::Timestamp;

/// How long the daemon keeps samples unless configured otherwise: 7 days.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// The default store file, `<data dir>/hmon/hmon.db` (e.g. `~/.local/share/hmon/hmon.db` on Linux), if the
/// platform has a data directory.
pub fn default_path() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join("hmon").join("hmon.db"))
}

/// A [`MetricStore`] in the store database ([`Db`]), sharing its one connection. Clones share the database and
/// the memory of current runs.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    db: Arc<Db>,
    /// With a heartbeat: the memory of each series' current run.
    changes: Option<Arc<Changes>>,
}

impl SqliteStore {
    /// The metric store inside `db`, storing every sample as a point of its own (a one-point run).
    pub fn new(db: Arc<Db>) -> Self {
        Self { db, changes: None }
    }

    /// The metric store inside `db`, storing runs: a sample equal to its series' current value (NaN counts as
    /// equal to NaN) extends the current run, a different one starts a new run. The run's `last_ms` is written
    /// in place once `heartbeat` has passed since it was last written (and when the run ends), so a quiet series
    /// costs one row however long it stays quiet, and a sample that only extends a run inside the heartbeat
    /// costs no SQL: each series' current run is kept in memory (read from the table the first time a series is
    /// seen). Reads answer what is written: the newest confirmation lags the newest sample by less than the
    /// heartbeat; [`MetricStore::value_at`] answers the value at any time.
    ///
    /// Only one store with a heartbeat should write a given database: another writer's samples are not seen.
    pub fn with_heartbeat(db: Arc<Db>, heartbeat: Duration) -> Self {
        Self { db, changes: Some(Arc::new(Changes::new(heartbeat))) }
    }

    /// The heartbeat, when this store extends runs.
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
            None => {
                let points = samples.iter().map(|s| (&*s.name, &*s.labels, Write::point(millis(s), s.value)));
                write_runs(&mut self.lock(), points)
            }
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
        // The newest `n` runs of each series answer at least its newest `n` samples.
        let newest = |conn: &Connection, id| -> anyhow::Result<Vec<(i64, f64)>> {
            let points = points(&newest_runs(conn, id, limit(n))?);
            Ok(points[points.len().saturating_sub(n)..].to_vec())
        };
        let mut found = per_series(&mut self.lock(), name, matcher, newest).with_context(|| self.failed(false))?;
        found.sort_by_key(|s| Reverse(s.timestamp));
        found.truncate(n);
        Ok(found)
    }

    fn range(&self, name: &str, from: Timestamp, to: Timestamp) -> anyhow::Result<Vec<Sample>> {
        let (from_ms, to_ms) = (from.as_millis(), to.as_millis());
        let inside = |conn: &Connection, id| -> anyhow::Result<Vec<(i64, f64)>> {
            let mut points = points(&runs_between(conn, id, from_ms, to_ms)?);
            points.retain(|&(ts, _)| from_ms <= ts && ts < to_ms);
            Ok(points)
        };
        let mut found =
            per_series(&mut self.lock(), name, &Labels::new(), inside).with_context(|| self.failed(false))?;
        found.sort_by_key(|s| s.timestamp);
        Ok(found)
    }

    fn latest_per_series(&self) -> anyhow::Result<Vec<Sample>> {
        let runs = newest_per_series(&self.lock()).with_context(|| self.failed(false))?;
        let mut found: Vec<Sample> =
            runs.iter().map(|(name, labels, run)| to_sample(name, labels, run.last_ms, run.value)).collect();
        found.sort_by_cached_key(Sample::series);
        Ok(found)
    }

    fn delete_older_than(&self, cutoff: Timestamp) -> anyhow::Result<usize> {
        let cutoff_ms = cutoff.as_millis();
        // The memory first, then the connection, the order `insert` takes them in.
        let memory = self.changes.as_ref().map(|c| c.lock());
        let unwritten = memory.as_ref().map(|m| m.unwritten_before(cutoff_ms)).unwrap_or_default();
        let deleted = delete_before(&mut self.lock(), cutoff_ms, unwritten).with_context(|| self.failed(true))?;
        if let Some(mut memory) = memory {
            memory.settle_before(cutoff_ms);
        }
        Ok(deleted)
    }

    fn flush(&self) -> anyhow::Result<()> {
        let Some(changes) = &self.changes else { return Ok(()) };
        let mut memory = changes.lock();
        let unwritten = memory.unwritten();
        if unwritten.is_empty() {
            return Ok(());
        }
        rows::write_confirmations(&mut self.lock(), unwritten).with_context(|| self.failed(true))?;
        memory.all_written();
        Ok(())
    }

    fn value_at(&self, name: &str, labels: &Labels, at: Timestamp) -> anyhow::Result<Option<Sample>> {
        let at_ms = at.as_millis();
        let found =
            (|| newest_run(&self.lock(), name, &labels_json(labels)?, at_ms))().with_context(|| self.failed(false))?;
        Ok(found.map(|run| to_sample(name, labels, run.point_at(at_ms), run.value)))
    }
}

impl SqliteStore {
    /// Turns the samples into run writes ([`Run::take`]) and applies them in one transaction; the memory is
    /// updated only once that transaction has committed. Samples that only extend a run write nothing.
    fn insert_changes(&self, changes: &Changes, samples: &[Sample]) -> anyhow::Result<()> {
        let mut memory = changes.lock();
        // The current run of each series this batch touched, as the batch leaves it (None: nothing stored).
        let mut batch: HashMap<(&str, &Labels), Option<Run>> = HashMap::new();
        let unseen: Vec<&Sample> = samples.iter().filter(|s| memory.get(&s.name, &s.labels).is_none()).collect();
        if !unseen.is_empty() {
            let conn = self.lock();
            for s in unseen {
                if let std::collections::hash_map::Entry::Vacant(e) = batch.entry((&*s.name, &s.labels)) {
                    let newest = newest_run(&conn, &s.name, &labels_json(&s.labels)?, i64::MAX)?;
                    e.insert(newest.map(|r| Run::stored(r.ts_ms, r.last_ms, r.value)));
                }
            }
        }
        let mut writes: Vec<(&str, &Labels, Write)> = Vec::new();
        for s in samples {
            let key = (&*s.name, &*s.labels);
            let current = match batch.get(&key) {
                Some(run) => *run,
                None => memory.get(key.0, key.1),
            };
            let (run, steps) = match current {
                Some(run) => run.take(millis(s), s.value, changes.heartbeat_ms()),
                None => {
                    let (run, write) = Run::first(millis(s), s.value);
                    (run, [Some(write), None])
                }
            };
            if current != Some(run) {
                batch.insert(key, Some(run));
            }
            writes.extend(steps.into_iter().flatten().map(|w| (key.0, key.1, w)));
        }
        if !writes.is_empty() {
            write_runs(&mut self.lock(), writes)?;
        }
        for ((name, labels), run) in batch {
            if let Some(run) = run {
                memory.set(name, labels, run);
            }
        }
        Ok(())
    }
}

/// Runs `answer` (the samples of one series id, as timestamp and value) on each series of `name` matching
/// `matcher`, in one read transaction so the series see one snapshot; returns the samples unsorted.
fn per_series(
    conn: &mut Connection,
    name: &str,
    matcher: &Labels,
    answer: impl Fn(&Connection, i64) -> anyhow::Result<Vec<(i64, f64)>>,
) -> anyhow::Result<Vec<Sample>> {
    let tx = conn.transaction()?;
    let mut found = Vec::new();
    for row in series_of(&tx, name, matcher)? {
        found.extend(answer(&tx, row.id)?.into_iter().map(|(ts, v)| to_sample(name, &row.labels, ts, v)));
    }
    Ok(found)
}

/// A sample's timestamp in whole milliseconds, the precision stored.
fn millis(s: &Sample) -> i64 {
    s.timestamp.as_millis()
}

fn to_sample(name: &str, labels: &Labels, ts_ms: i64, value: f64) -> Sample {
    Sample {
        name: name.to_string().into(),
        labels: Arc::new(labels.clone()),
        value,
        timestamp: Timestamp::from_millis(ts_ms),
        error: None,
    }
}

mod rows;
#[cfg(test)]
mod tests;
