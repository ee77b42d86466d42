//! Reads of the stored samples for the HTTP API: runs of one value, newest first and paged ([`runs`]), and every
//! series with its newest run ([`series`]).
//!
//! A run is one `samples` row: a value first seen at `ts_ms` and last confirmed (written) at `last_ms`; it lasts
//! until its series' next run starts. Runs are ordered newest first by (`ts_ms`, series id), which is total, so a
//! page ends at a [`Cursor`] and the next page starts just after it, however many runs share a start time (every
//! series of a collector cycle does). Each series is read with primary-key ranges on `(series_id, ts_ms)`: at most
//! `limit + 1` runs per matching series, merged here.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;
use std::str::FromStr;

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
    /// Only runs in force at or after this time: those that started later, and the one in force then (a run lasts
    /// until its series' next run starts).
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
///
/// Each matching series is asked for its runs that could still make the page: once `limit + 1` candidates are
/// held, a series is only asked for runs newer than the oldest of them (one index seek when it has none), so the
/// work and memory stay bounded by the page, not by the store's history.
pub fn runs(db: &Db, q: &RunQuery) -> anyhow::Result<RunPage> {
    let mut conn = db.lock();
    let tx = conn.transaction()?;
    let series = matching_series(&tx, q.name.as_deref(), &q.labels)?;
    let want = q.limit.saturating_add(1);
    let mut best: BinaryHeap<Reverse<Candidate>> = BinaryHeap::with_capacity(want + 1);
    for (index, s) in series.iter().enumerate() {
        let mut before = q.until_ms.unwrap_or(i64::MAX);
        if let Some(after) = q.after {
            // Past the cursor: an older start, or the cursor's start in a series ordered after its series.
            let bound = if s.id < after.series_id { after.ts_ms.saturating_add(1) } else { after.ts_ms };
            before = before.min(bound);
        }
        // With the page full, only runs ordered before its oldest candidate count.
        let from = match best.peek() {
            Some(Reverse((ts, id, ..))) if best.len() >= want => {
                if s.id > *id {
                    *ts
                } else {
                    ts.saturating_add(1)
                }
            }
            _ => i64::MIN,
        };
        let n = i64::try_from(want).unwrap_or(i64::MAX);
        for (ts_ms, last_ms, value) in series_runs(&tx, s.id, q.since_ms, from, before, n)? {
            best.push(Reverse((ts_ms, s.id, last_ms, OrdF64(value), index)));
            if best.len() > want {
                best.pop();
            }
        }
    }
    let mut found: Vec<StoredRun> = best
        .into_iter()
        .map(|Reverse((ts_ms, series_id, last_ms, value, index))| StoredRun {
            name: series[index].name.clone(),
            labels: series[index].labels.clone(),
            value: value.0,
            ts_ms,
            last_ms,
            series_id,
        })
        .collect();
    found.sort_by_key(|r| Reverse((r.ts_ms, r.series_id)));
    let more = found.len() > q.limit;
    found.truncate(q.limit);
    Ok(RunPage { runs: found, more })
}

/// A run that may make the page, in page order: (start, series id, last, value, index in the matching series).
type Candidate = (i64, i64, i64, OrdF64, usize);

/// An `f64` ordered by its bits, only to sit in a heap key after fields that are unique already.
#[derive(Debug, Clone, Copy)]
struct OrdF64(f64);

impl PartialEq for OrdF64 {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}
impl Eq for OrdF64 {}
impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.to_bits().cmp(&other.0.to_bits())
    }
}

/// Every stored series (of metric `name`, when given) with its newest run, ordered by name then labels.
pub fn series(db: &Db, name: Option<&str>) -> anyhow::Result<Vec<StoredRun>> {
    let mut conn = db.lock();
    let tx = conn.transaction()?;
    let mut found = Vec::new();
    for s in matching_series(&tx, name, &Labels::new())? {
        if let Some((ts_ms, last_ms, value)) = series_runs(&tx, s.id, None, i64::MIN, i64::MAX, 1)?.pop() {
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
        // One damaged row must not hide every other series: it is skipped and said.
        let Ok(labels) = serde_json::from_str::<Labels>(&json) else {
            tracing::warn!(series = id, "skipping a stored series whose labels do not decode");
            continue;
        };
        if labels_match(matcher, &labels) {
            found.push(SeriesRow { id, name, labels });
        }
    }
    Ok(found)
}

/// Up to `n` runs of series `id` that started at or after `from_ms` and before `before_ms` and (with `since_ms`)
/// were in force at `since_ms` or later, newest first, as (ts_ms, last_ms, value). A run lasts until its series'
/// next run starts, so the one in force at `since_ms` is the newest that started before it: the scan stops there
/// instead of at the series' first run.
fn series_runs(
    conn: &Connection,
    id: i64,
    since_ms: Option<i64>,
    from_ms: i64,
    before_ms: i64,
    n: i64,
) -> anyhow::Result<Vec<(i64, i64, f64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ts_ms, last_ms, value FROM samples WHERE series_id = ?1 AND ts_ms < ?2 AND ts_ms >= ?5 \
         AND ts_ms >= (SELECT COALESCE(MAX(ts_ms), ?3) FROM samples WHERE series_id = ?1 AND ts_ms <= ?3) \
         ORDER BY ts_ms DESC LIMIT ?4",
    )?;
    let since = since_ms.unwrap_or(i64::MIN);
    let rows = stmt.query_map(params![id, before_ms, since, n, from_ms], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get::<_, Option<f64>>(2)?.unwrap_or(f64::NAN)))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests;
