//! The SQL of [`SqliteStore`](super::SqliteStore): run rows written, read and deleted, and how a series' runs
//! read as samples ([`points`]).
//!
//! A run answers as at most two samples: its start (`ts_ms`) and, when later, its newest confirmation
//! (`last_ms`), both with the run's value. A run ends where the series' next run starts, so a confirmation at or
//! after the next start is not answered (it can only come from a late sample written inside a run).

use std::collections::HashMap;

use anyhow::Context;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::super::changes::Write;
use crate::metrics::{labels_match, Labels};

/// A `samples` row: one run of one value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct RunRow {
    pub ts_ms: i64,
    pub last_ms: i64,
    pub value: f64,
}

impl RunRow {
    /// Its newest point at or before `at_ms` (`at_ms >= ts_ms`), when no later run starts by `at_ms`.
    pub fn point_at(self, at_ms: i64) -> i64 {
        if self.last_ms <= at_ms {
            self.last_ms
        } else {
            self.ts_ms
        }
    }
}

/// A series row: its id and labels.
pub(super) struct SeriesRow {
    pub id: i64,
    pub labels: Labels,
}

/// The samples (timestamp, value) that a series' runs answer, oldest first; `runs` is oldest first and holds
/// every run of the series from its first up to its last (the last's successor, if any, starts after whatever
/// the caller asks about).
pub(super) fn points(runs: &[RunRow]) -> Vec<(i64, f64)> {
    let mut found = Vec::with_capacity(runs.len() * 2);
    for (i, run) in runs.iter().enumerate() {
        found.push((run.ts_ms, run.value));
        let next = runs.get(i + 1).map_or(i64::MAX, |n| n.ts_ms);
        if run.last_ms > run.ts_ms && run.last_ms < next {
            found.push((run.last_ms, run.value));
        }
    }
    found
}

/// Labels in their canonical stored form: a JSON object with sorted keys, no whitespace.
pub(super) fn labels_json(labels: &Labels) -> anyhow::Result<String> {
    serde_json::to_string(labels).context("cannot encode labels as JSON")
}

/// A stored value: NULL is how SQLite stores NaN.
fn value(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<f64> {
    Ok(row.get::<_, Option<f64>>(idx)?.unwrap_or(f64::NAN))
}

fn run_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RunRow> {
    Ok(RunRow { ts_ms: r.get(0)?, last_ms: r.get(1)?, value: value(r, 2)? })
}

/// The series of metric `name` whose labels match `matcher`.
pub(super) fn series_of(conn: &Connection, name: &str, matcher: &Labels) -> anyhow::Result<Vec<SeriesRow>> {
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

/// The newest `n` runs of series `id`, oldest first: a primary-key range read backwards.
pub(super) fn newest_runs(conn: &Connection, id: i64, n: i64) -> anyhow::Result<Vec<RunRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ts_ms, last_ms, value FROM samples WHERE series_id = ?1 ORDER BY ts_ms DESC LIMIT ?2",
    )?;
    let mut runs = stmt.query_map(params![id, n], run_row)?.collect::<Result<Vec<_>, _>>()?;
    runs.reverse();
    Ok(runs)
}

/// The runs of series `id` that can answer samples in `from_ms..to_ms`, oldest first: the newest run starting
/// before `from_ms` (its confirmation may fall inside) and those starting inside. Two primary-key lookups.
pub(super) fn runs_between(conn: &Connection, id: i64, from_ms: i64, to_ms: i64) -> anyhow::Result<Vec<RunRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ts_ms, last_ms, value FROM samples WHERE series_id = ?1 AND ts_ms < ?3 AND ts_ms >= \
         (SELECT COALESCE(MAX(ts_ms), ?2) FROM samples WHERE series_id = ?1 AND ts_ms < ?2) ORDER BY ts_ms",
    )?;
    let runs = stmt.query_map(params![id, from_ms, to_ms], run_row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(runs)
}

/// The newest run of `name` with these canonical labels that starts at or before `at_ms`: the series row by its
/// unique key, then one primary-key lookup.
pub(super) fn newest_run(
    conn: &Connection,
    name: &str,
    labels_json: &str,
    at_ms: i64,
) -> anyhow::Result<Option<RunRow>> {
    let mut stmt = conn.prepare_cached(
        // CROSS JOIN keeps series as the outer loop: one index lookup, then the newest run up to `at_ms`.
        "SELECT x.ts_ms, x.last_ms, x.value FROM series s CROSS JOIN samples x ON x.series_id = s.id \
         WHERE s.name = ?1 AND s.labels = ?2 AND x.ts_ms <= ?3 ORDER BY x.ts_ms DESC LIMIT 1",
    )?;
    Ok(stmt.query_row(params![name, labels_json, at_ms], run_row).optional()?)
}

/// The newest run of every series (a primary-key lookup each) as (name, labels, run), in no particular order.
pub(super) fn newest_per_series(conn: &Connection) -> anyhow::Result<Vec<(String, Labels, RunRow)>> {
    let mut stmt = conn.prepare_cached(
        // CROSS JOIN keeps series as the outer loop (SQLite does not reorder it): one lookup per series, not a scan.
        "SELECT x.ts_ms, x.last_ms, x.value, s.name, s.labels FROM series s CROSS JOIN samples x \
         ON x.series_id = s.id WHERE x.ts_ms = (SELECT MAX(ts_ms) FROM samples WHERE series_id = s.id)",
    )?;
    let rows = stmt.query_map([], |r| Ok((run_row(r)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?)))?;
    let mut found = Vec::new();
    for row in rows {
        let (run, name, json) = row?;
        let labels: Labels =
            serde_json::from_str(&json).with_context(|| format!("a series of {name} has invalid labels {json}"))?;
        found.push((name, labels, run));
    }
    Ok(found)
}

/// Applies `writes` (any number of series, in order) in one immediate transaction.
pub(super) fn write_runs<'a>(
    conn: &mut Connection,
    writes: impl IntoIterator<Item = (&'a str, &'a Labels, Write)>,
) -> anyhow::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    write_in(&tx, writes)?;
    tx.commit()?;
    Ok(())
}

/// Applies `writes` inside `tx`, adding series rows as needed.
fn write_in<'a>(
    tx: &Transaction<'_>,
    writes: impl IntoIterator<Item = (&'a str, &'a Labels, Write)>,
) -> anyhow::Result<()> {
    let mut find = tx.prepare_cached("SELECT id FROM series WHERE name = ?1 AND labels = ?2")?;
    let mut add = tx.prepare_cached("INSERT INTO series (name, labels) VALUES (?1, ?2)")?;
    let mut put =
        tx.prepare_cached("INSERT OR REPLACE INTO samples (series_id, ts_ms, last_ms, value) VALUES (?1, ?2, ?3, ?4)")?;
    let mut confirm = tx.prepare_cached(
        "INSERT INTO samples (series_id, ts_ms, last_ms, value) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (series_id, ts_ms) DO UPDATE SET last_ms = excluded.last_ms",
    )?;
    // Series ids are looked up once per batch and not kept across batches: another process may prune series in
    // between.
    let mut ids: HashMap<(&str, &Labels), i64> = HashMap::new();
    for (name, labels, write) in writes {
        let id = match ids.get(&(name, labels)) {
            Some(id) => *id,
            None => {
                let json = labels_json(labels)?;
                let id = match find.query_row(params![name, json], |row| row.get(0)).optional()? {
                    Some(id) => id,
                    None => {
                        add.execute(params![name, json])?;
                        tx.last_insert_rowid()
                    }
                };
                ids.insert((name, labels), id);
                id
            }
        };
        match write {
            Write::Put { start_ms, last_ms, value } => put.execute(params![id, start_ms, last_ms, value])?,
            Write::Confirm { start_ms, last_ms, value } => confirm.execute(params![id, start_ms, last_ms, value])?,
        };
    }
    Ok(())
}

/// In one immediate transaction: applies `confirm` (runs still going on, see
/// [`Memory::unwritten_before`](super::super::changes::Memory::unwritten_before)), then deletes the runs that
/// ended (`last_ms`) before `cutoff_ms` and the series left empty; returns how many runs went.
/// Writes confirmations in one transaction.
pub(super) fn write_confirmations<'a>(
    conn: &mut Connection,
    confirm: impl IntoIterator<Item = (&'a str, &'a Labels, Write)>,
) -> anyhow::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    write_in(&tx, confirm)?;
    tx.commit()?;
    Ok(())
}

pub(super) fn delete_before<'a>(
    conn: &mut Connection,
    cutoff_ms: i64,
    confirm: impl IntoIterator<Item = (&'a str, &'a Labels, Write)>,
) -> anyhow::Result<usize> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    write_in(&tx, confirm)?;
    let mut deleted = 0;
    {
        // Per series, so each delete is a primary-key range (a run ends at or after it starts) instead of a scan
        // of the whole table.
        let mut ids = tx.prepare_cached("SELECT id FROM series")?;
        let ids = ids.query_map([], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>()?;
        let mut del = tx.prepare_cached("DELETE FROM samples WHERE series_id = ?1 AND ts_ms < ?2 AND last_ms < ?2")?;
        for id in ids {
            deleted += del.execute(params![id, cutoff_ms])?;
        }
        tx.execute("DELETE FROM series WHERE NOT EXISTS (SELECT 1 FROM samples WHERE series_id = series.id)", [])?;
    }
    tx.commit()?;
    Ok(deleted)
}
