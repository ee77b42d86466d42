//! Reads of the stored samples for the HTTP API: runs of one value, newest first and paged ([`runs`]), and every
//! series with its newest run ([`series`]).
//!
//! A run is one `samples` row: a value first seen at `ts_ms` and last confirmed (written) at `last_ms`; it lasts
//! until its series' next run starts. Runs are ordered newest first by (`ts_ms`, series id), which is total, so a
//! page ends at a [`Cursor`] and the next page starts just after it, however many runs share a start time (every
//! series of a collector cycle does). Each series is read with primary-key ranges on `(series_id, ts_ms)`: at most
//! `limit + 1` runs per matching series, merged here.

use std::cmp::Reverse;
use std::fmt;
use std::str::FromStr;

use anyhow::Context;
use rusqlite::{params, Connection};

use super::db::Db;
use crate::metrics::{labels_match, Labels};

/// One stored run of a series.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRun {
    pub name: String,
    pub labels: Labels,
    /// The value (NaN when a NaN was stored).
    pub value: f64,
    /// When the value was first seen, ms since the epoch.
    pub ts_ms: i64,
    /// When it was last confirmed (written), ms since the epoch; `>= ts_ms`.
    pub last_ms: i64,
    /// The series' id in the store, for the cursor.
    pub series_id: i64,
}

impl StoredRun {
    /// The cursor just after this run.
    pub fn cursor(&self) -> Cursor {
        Cursor { ts_ms: self.ts_ms, series_id: self.series_id }
    }
}

/// A place in the newest-first order: the next page holds the runs after it (older start, or the same start and
/// a lower series id). Written `<ts_ms>-<series id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub ts_ms: i64,
    pub series_id: i64,
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ts_ms, self.series_id)
    }
}

impl FromStr for Cursor {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        // The time may be negative (before 1970): the series id follows the last '-'.
        let (ts, id) = s.rsplit_once('-').ok_or(())?;
        let digits = |t: &str| !t.is_empty() && t.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit());
        if !digits(ts) || !id.bytes().all(|b| b.is_ascii_digit()) || id.is_empty() {
            return Err(());
        }
        Ok(Cursor { ts_ms: ts.parse().map_err(drop)?, series_id: id.parse().map_err(drop)? })
    }
}

/// Which runs [`runs`] answers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunQuery {
    /// Only this metric; every metric when `None`.
    pub name: Option<String>,
    /// Only series whose labels include all of these.
    pub labels: Labels,
    /// Only runs still going at or after this time (`last_ms >= since_ms`).
    pub since_ms: Option<i64>,
    /// Only runs that started before this time (`ts_ms < until_ms`).
    pub until_ms: Option<i64>,
    /// Only runs after this place in the order (the previous page's last run).
    pub after: Option<Cursor>,
    /// At most this many runs.
    pub limit: usize,
}

/// A page of runs, newest first, and whether more follow it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunPage {
    pub runs: Vec<StoredRun>,
    pub more: bool,
}

/// A series row: id, name and labels.
struct SeriesRow {
    id: i64,
    name: String,
    labels: Labels,
}

/// The runs `q` asks for, newest first, in one read transaction.
pub fn runs(db: &Db, q: &RunQuery) -> anyhow::Result<RunPage> {
    let mut conn = db.lock();
    let tx = conn.transaction()?;
    let mut found = Vec::new();
    let want = i64::try_from(q.limit.saturating_add(1)).unwrap_or(i64::MAX);
    for s in matching_series(&tx, q.name.as_deref(), &q.labels)? {
        let mut before = q.until_ms.unwrap_or(i64::MAX);
        if let Some(after) = q.after {
            // Past the cursor: an older start, or the cursor's start in a series ordered after its series.
            let bound = if s.id < after.series_id { after.ts_ms.saturating_add(1) } else { after.ts_ms };
            before = before.min(bound);
        }
        for (ts_ms, last_ms, value) in series_runs(&tx, s.id, q.since_ms, before, want)? {
            found.push(StoredRun {
                name: s.name.clone(),
                labels: s.labels.clone(),
                value,
                ts_ms,
                last_ms,
                series_id: s.id,
            });
        }
    }
    found.sort_by_key(|r| Reverse((r.ts_ms, r.series_id)));
    let more = found.len() > q.limit;
    found.truncate(q.limit);
    Ok(RunPage { runs: found, more })
}

/// Every stored series (of metric `name`, when given) with its newest run, ordered by name then labels.
pub fn series(db: &Db, name: Option<&str>) -> anyhow::Result<Vec<StoredRun>> {
    let mut conn = db.lock();
    let tx = conn.transaction()?;
    let mut found = Vec::new();
    for s in matching_series(&tx, name, &Labels::new())? {
        if let Some((ts_ms, last_ms, value)) = series_runs(&tx, s.id, None, i64::MAX, 1)?.pop() {
            found.push(StoredRun { name: s.name, labels: s.labels, value, ts_ms, last_ms, series_id: s.id });
        }
    }
    found.sort_by(|a, b| (&a.name, &a.labels).cmp(&(&b.name, &b.labels)));
    Ok(found)
}

/// The series of `name` (or of every metric) whose labels include `matcher`.
fn matching_series(conn: &Connection, name: Option<&str>, matcher: &Labels) -> anyhow::Result<Vec<SeriesRow>> {
    let mut stmt = conn.prepare_cached("SELECT id, name, labels FROM series WHERE ?1 IS NULL OR name = ?1")?;
    let rows = stmt.query_map([name], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut found = Vec::new();
    for row in rows {
        let (id, name, json) = row?;
        let labels: Labels =
            serde_json::from_str(&json).with_context(|| format!("series {id} of {name} has invalid labels {json}"))?;
        if labels_match(matcher, &labels) {
            found.push(SeriesRow { id, name, labels });
        }
    }
    Ok(found)
}

/// Up to `n` runs of series `id` that started before `before_ms` and (with `since_ms`) were still going at
/// `since_ms`, newest first, as (ts_ms, last_ms, value). Runs of a series do not overlap, so only the newest run
/// starting before `since_ms` can reach into it: the scan stops there instead of at the series' first run.
fn series_runs(
    conn: &Connection,
    id: i64,
    since_ms: Option<i64>,
    before_ms: i64,
    n: i64,
) -> anyhow::Result<Vec<(i64, i64, f64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ts_ms, last_ms, value FROM samples WHERE series_id = ?1 AND ts_ms < ?2 AND last_ms >= ?3 \
         AND ts_ms >= (SELECT COALESCE(MAX(ts_ms), ?3) FROM samples WHERE series_id = ?1 AND ts_ms < ?3) \
         ORDER BY ts_ms DESC LIMIT ?4",
    )?;
    let since = since_ms.unwrap_or(i64::MIN);
    let rows = stmt.query_map(params![id, before_ms, since, n], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get::<_, Option<f64>>(2)?.unwrap_or(f64::NAN)))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests;
