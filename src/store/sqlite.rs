//! [`SqliteStore`]: samples kept in the store database ([`Db`]), for durable runs. It reads and writes the
//! `series` and `samples` tables only.
//! Timestamps are stored as whole milliseconds, values as REAL (NaN is stored as NULL and read back as NaN).

use std::cmp::Reverse;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, MutexGuard};
use std::time::Duration;

use anyhow::Context;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, TransactionBehavior};

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

/// A [`MetricStore`] in the store database ([`Db`]), sharing its one connection.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    db: Arc<Db>,
}

/// A series row: its id and labels.
struct SeriesRow {
    id: i64,
    labels: Labels,
}

impl SqliteStore {
    /// The metric store inside `db`.
    pub fn new(db: Arc<Db>) -> Self {
        Self { db }
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
        insert_batch(&mut self.lock(), samples).with_context(|| self.failed(true))
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
        delete_before(&mut self.lock(), cutoff.as_millis()).with_context(|| self.failed(true))
    }
}

/// Inserts a batch in one immediate transaction.
fn insert_batch(conn: &mut Connection, samples: &[Sample]) -> anyhow::Result<()> {
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
mod tests {
    use super::*;
    use crate::store::db::SCHEMA_VERSION;
    use crate::store::tests::conformance;

    fn t(secs: i64) -> Timestamp {
        Timestamp::from_millis(secs * 1000)
    }

    #[test]
    fn conforms_in_memory() {
        conformance(|| Box::new(SqliteStore::open_in_memory().unwrap()));
    }

    #[test]
    fn conforms_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let count = std::cell::Cell::new(0);
        conformance(|| {
            count.set(count.get() + 1);
            Box::new(SqliteStore::open(&dir.path().join(format!("{}.db", count.get()))).unwrap())
        });
    }

    #[test]
    fn is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<SqliteStore>();
    }

    #[test]
    fn survives_reopening_and_shares_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/dirs/hmon.db");
        let sample = Sample::new("balance", &[("account", "0.0.1001")], 12.5, t(100));
        {
            let store = SqliteStore::open(&path).unwrap();
            assert_eq!(store.path(), path.display().to_string());
            store.insert(&[sample.clone(), Sample::new("balance", &[("account", "0.0.1001")], 1.0, t(1))]).unwrap();
        }
        // Another module's table in the same file, through its own connection.
        let other = Connection::open(&path).unwrap();
        other.execute("CREATE TABLE outbox (id INTEGER PRIMARY KEY, body TEXT)", []).unwrap();
        other.execute("INSERT INTO outbox (body) VALUES ('x')", []).unwrap();
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.latest("balance", 1).unwrap(), std::slice::from_ref(&sample));
        assert_eq!(store.latest_per_series().unwrap(), [sample]);
        store.delete_older_than(t(1000)).unwrap();
        let outbox: i64 = other.query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0)).unwrap();
        assert_eq!(outbox, 1);
        let mode: String = other.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let version: i64 = other.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }

    #[test]
    fn an_unwritable_path_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, "not a directory").unwrap();
        let path = file.join("sub/hmon.db");
        let err = SqliteStore::open(&path).unwrap_err();
        assert!(err.to_string().contains(&format!("cannot open the store {}", path.display())), "{err:#}");
        assert!(format!("{err:#}").contains("cannot create the directory"), "{err:#}");
        let not_sqlite = dir.path().join("garbage.db");
        std::fs::write(&not_sqlite, vec![b'x'; 4096]).unwrap();
        let err = SqliteStore::open(&not_sqlite).unwrap_err();
        assert!(err.to_string().contains(&not_sqlite.display().to_string()), "{err:#}");
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hmon.db");
        drop(SqliteStore::open(&path).unwrap());
        Connection::open(&path).unwrap().pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        let err = format!("{:#}", SqliteStore::open(&path).unwrap_err());
        assert!(err.contains("newer hmon") && err.contains(&path.display().to_string()), "{err}");
    }

    #[test]
    fn labels_are_stored_canonically_and_timestamps_in_millis() {
        let store = SqliteStore::open_in_memory().unwrap();
        let ts = Timestamp { secs: 1_700_000_000, nanos: 123_456_789 };
        store.insert(&[Sample::new("x", &[("b", "2"), ("a", "1")], 1.0, ts)]).unwrap();
        let conn = store.lock();
        let (labels, ms): (String, i64) = conn
            .query_row("SELECT labels, ts_ms FROM series JOIN samples ON series_id = id", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(labels, r#"{"a":"1","b":"2"}"#);
        assert_eq!(ms, 1_700_000_000_123);
        drop(conn);
        assert_eq!(store.latest("x", 1).unwrap()[0].timestamp, Timestamp { secs: 1_700_000_000, nanos: 123_000_000 });
    }

    #[test]
    fn the_default_path_ends_in_hmon_db() {
        if let Some(path) = default_path() {
            assert!(path.ends_with("hmon/hmon.db"), "{}", path.display());
        }
        assert_eq!(DEFAULT_RETENTION.as_secs(), 604_800);
    }
}
