//! Silences: a rule's notifications muted for a while, for all its series or only those with given labels.
//!
//! A silence lives in the store's `silences` table ([`Db`]) so that `hmon alert silence` can add one beside a
//! running `watch`/`serve`, whose alert manager reads the active ones ([`active`]) once per evaluation batch and
//! asks each [`Silence::matches`]. A silence is active while `starts_at <= now < ends_at`; times are kept in
//! whole milliseconds. Ended silences stay listable (`list --all`) for [`PRUNE_AFTER`], then [`add`] deletes them.

use std::time::Duration;

use anyhow::Context as _;
use rusqlite::{params, Connection, Row};
use serde::Serialize;

use crate::error::Error;
use crate::metrics::{labels_match, Labels};
use crate::store::Db;
use crate::timestamp::Timestamp;

/// How long an ended silence is kept before [`add`] prunes it.
pub const PRUNE_AFTER: Duration = Duration::from_secs(7 * 24 * 3600);

/// The longest silence [`add`] accepts: ten years (long enough for "until further notice", and every end stays
/// an ordinary RFC 3339 time).
pub const MAX_DURATION: Duration = Duration::from_secs(3650 * 24 * 3600);

/// Hex digits in a silence id: 40 random bits, short enough to type, unique among the few silences kept.
pub const ID_DIGITS: usize = 10;

/// The columns every query reads, in the order [`from_row`] expects.
const COLUMNS: &str = "id, rule, labels, starts_ms, ends_ms, comment, created_ms";

/// One silence. In JSON the times are RFC 3339 and the keys are the field names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Silence {
    pub id: String,
    /// The rule it mutes, by name.
    pub rule: String,
    /// Only series whose labels include all of these (see [`labels_match`]); empty for every series of the rule.
    pub labels: Labels,
    pub starts_at: Timestamp,
    /// The first instant it no longer applies.
    pub ends_at: Timestamp,
    pub comment: String,
    pub created_at: Timestamp,
}

impl Silence {
    /// Whether it is active at `now`: `starts_at <= now < ends_at`.
    pub fn is_active(&self, now: Timestamp) -> bool {
        self.starts_at <= now && now < self.ends_at
    }

    /// Whether it mutes the alert of `rule` on the series with `labels` at `now`: the same rule, every label of
    /// the silence present in `labels` with the same value, and active at `now`.
    pub fn matches(&self, rule: &str, labels: &Labels, now: Timestamp) -> bool {
        self.rule == rule && labels_match(&self.labels, labels) && self.is_active(now)
    }

    /// Whether it mutes every series of a rule whose own label matcher is `rule_labels`: the silence asks for no
    /// label the rule does not already require of every series it evaluates.
    pub fn covers_all_series(&self, rule_labels: &Labels) -> bool {
        labels_match(&self.labels, rule_labels)
    }
}

/// Checks that `rule` is one of the `known` rules (a usage error listing them otherwise): a silence of an
/// unknown rule would silence nothing.
pub fn check_rule(known: &[&str], rule: &str) -> Result<(), Error> {
    if known.contains(&rule) {
        return Ok(());
    }
    let have = if known.is_empty() {
        "the config has no [[rules]]; add one with `hmon alert add`".to_string()
    } else {
        format!("the config's rules are: {}", known.join(", "))
    };
    Err(Error::usage(format!("unknown rule '{}': {have}", crate::text::inert(rule))))
}

/// Adds a silence of `rule` (only its series with `labels`, when given) from `now` for `duration`, and prunes
/// silences that ended more than [`PRUNE_AFTER`] ago. The caller checks that the rule exists; `duration` must
/// be at least a millisecond and at most [`MAX_DURATION`] (a usage error otherwise).
pub fn add(
    db: &Db,
    rule: &str,
    labels: &Labels,
    duration: Duration,
    comment: &str,
    now: Timestamp,
) -> anyhow::Result<Silence> {
    check_duration(duration)?;
    if let Some(key) = labels.keys().find(|k| k.trim().is_empty()) {
        return Err(Error::usage(format!("invalid label name '{key}': expected a non-empty name")).into());
    }
    let starts_at = Timestamp::from_millis(now.as_millis());
    let length = i64::try_from(duration.as_millis()).expect("at most MAX_DURATION, far below i64::MAX ms");
    let ends_at = Timestamp::from_millis(starts_at.as_millis() + length);
    let labels_json = serde_json::to_string(labels).context("cannot encode the silence's labels as JSON")?;
    let prune_before = starts_at.minus(PRUNE_AFTER).as_millis();
    let id = db
        .write(|tx| {
            tx.execute("DELETE FROM silences WHERE ends_ms <= ?1", [prune_before])?;
            // 40 random bits rarely collide with the few ids kept; on a collision, draw again.
            for _ in 0..8 {
                let id = new_id();
                let inserted = tx.execute(
                    "INSERT INTO silences (id, rule, labels, starts_ms, ends_ms, comment, created_ms) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?4) ON CONFLICT (id) DO NOTHING",
                    params![id, rule, labels_json, starts_at.as_millis(), ends_at.as_millis(), comment],
                )?;
                if inserted == 1 {
                    return Ok(id);
                }
            }
            Err(Error::local("cannot find an unused silence id after 8 tries").into())
        })
        .with_context(|| format!("cannot add a silence to the store {}", db.path()))?;
    Ok(Silence {
        id,
        rule: rule.to_string(),
        labels: labels.clone(),
        starts_at,
        ends_at,
        comment: comment.to_string(),
        created_at: starts_at,
    })
}

/// Whether a silence may last `duration`: from 1ms to [`MAX_DURATION`]; a usage error saying so otherwise.
pub fn check_duration(duration: Duration) -> Result<(), Error> {
    if duration < Duration::from_millis(1) || duration > MAX_DURATION {
        return Err(Error::usage(format!(
            "a silence lasts from 1ms to 3650d; {} is not in that range",
            humantime::format_duration(duration)
        )));
    }
    Ok(())
}

/// Removes the silence with this id; false when there is none.
pub fn remove(db: &Db, id: &str) -> anyhow::Result<bool> {
    let removed = db
        .write(|tx| Ok(tx.execute("DELETE FROM silences WHERE id = ?1", [id])?))
        .with_context(|| format!("cannot remove a silence from the store {}", db.path()))?;
    Ok(removed > 0)
}

/// The silences that have not ended at `now` (with `include_expired`, also those that ended less than
/// [`PRUNE_AFTER`] ago, pruned or not): the active ones first, soonest end first; then any that start later,
/// soonest start first; then the ended ones, most recently ended first.
pub fn list(db: &Db, now: Timestamp, include_expired: bool) -> anyhow::Result<Vec<Silence>> {
    let read = || -> anyhow::Result<Vec<Silence>> {
        let conn = db.lock();
        let mut stmt = conn
            .prepare(&format!("SELECT {COLUMNS} FROM silences WHERE ends_ms > ?1 ORDER BY ends_ms, starts_ms, id"))?;
        let since = if include_expired { now.minus(PRUNE_AFTER) } else { now };
        let rows = stmt.query_map([since.as_millis()], from_row)?;
        rows.map(|row| row?).collect()
    };
    let mut silences = read().with_context(|| format!("cannot read the silences in the store {}", db.path()))?;
    // A stable sort: ties keep the query's order (end, start, id).
    silences.sort_by_key(|s| {
        if s.is_active(now) {
            (0, s.ends_at.as_millis())
        } else if s.starts_at > now {
            (1, s.starts_at.as_millis())
        } else {
            (2, -s.ends_at.as_millis())
        }
    });
    Ok(silences)
}

/// The silences active at `now`, soonest end first, in one query on `conn` (a connection or a transaction the
/// caller already holds, e.g. the alert manager's evaluation batch).
pub fn active(conn: &Connection, now: Timestamp) -> anyhow::Result<Vec<Silence>> {
    let read = || -> anyhow::Result<Vec<Silence>> {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM silences WHERE starts_ms <= ?1 AND ends_ms > ?1 ORDER BY ends_ms, id"
        ))?;
        let rows = stmt.query_map([now.as_millis()], from_row)?;
        rows.map(|row| row?).collect()
    };
    read().context("cannot read the active silences")
}

/// A random id of [`ID_DIGITS`] lowercase hex digits.
fn new_id() -> String {
    format!("{:0width$x}", fastrand::u64(..1 << (4 * ID_DIGITS)), width = ID_DIGITS)
}

/// A row of [`COLUMNS`] as a silence; the outer error is SQLite's, the inner one a row hmon cannot read.
fn from_row(row: &Row<'_>) -> rusqlite::Result<anyhow::Result<Silence>> {
    let id: String = row.get(0)?;
    let json: String = row.get(2)?;
    let silence = || -> anyhow::Result<Silence> {
        let labels: Labels = serde_json::from_str(&json)
            .map_err(|e| Error::local(format!("silence {id} has invalid labels {json}: {e}")))?;
        Ok(Silence {
            id: id.clone(),
            rule: row.get(1)?,
            labels,
            starts_at: Timestamp::from_millis(row.get(3)?),
            ends_at: Timestamp::from_millis(row.get(4)?),
            comment: row.get(5)?,
            created_at: Timestamp::from_millis(row.get(6)?),
        })
    };
    Ok(silence())
}

#[cfg(test)]
mod tests;
