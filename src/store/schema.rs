//! The store file's schema and its migrations: what each table holds, and how files written by earlier versions
//! are upgraded in place (in one immediate transaction, so concurrent openers do not race).

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::Error;

/// The schema version this build writes and reads, kept in `PRAGMA user_version`.
pub const SCHEMA_VERSION: i64 = 3;

/// Version 2's schema; version 3 adds [`SCHEMA_V3`]. A file of version 1 (series and point samples only) is
/// upgraded in place by [`upgrade_v1`], a file of version 2 by adding [`SCHEMA_V3`].
///
/// - `series`: a name plus its labels as canonical JSON (keys sorted, compact).
/// - `samples`: one row per run of one value in a series: `ts_ms` when the value was first seen, `last_ms`
///   (`>= ts_ms`) the newest time it was confirmed, `value` (NULL for NaN). A run ends where the series' next
///   run starts; a sample stored on its own is a run with `last_ms = ts_ms`. The primary key
///   `(series_id, ts_ms)` is the clustered index every query uses.
/// - `webhook_outbox`: one row per (notification, webhook). `created_ms` starts the `give_up_after` clock (reset
///   by `alert queue retry`); `next_ms` is the earliest next attempt; `dead_ms` is NULL while pending and the time
///   it was given up once it is a dead letter, with `last_error` saying why.
/// - `alert_state`: one row per (rule, series); `labels` is the series' canonical label JSON (an `absent` rule's
///   own matchers for its one state), `state` the alert manager's JSON for it.
/// - `silences`: `labels` is a canonical JSON matcher; a silence is active while `starts_ms <= now < ends_ms`.
/// - `kv`: small named values (collector cursors), JSON.
pub(super) const SCHEMA_V2: &str = "
    CREATE TABLE IF NOT EXISTS series (
        id     INTEGER PRIMARY KEY,
        name   TEXT NOT NULL,
        labels TEXT NOT NULL,
        UNIQUE (name, labels)
    );
    CREATE TABLE IF NOT EXISTS samples (
        series_id INTEGER NOT NULL REFERENCES series (id),
        ts_ms     INTEGER NOT NULL,
        last_ms   INTEGER NOT NULL,
        value     REAL,
        PRIMARY KEY (series_id, ts_ms)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS webhook_outbox (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        webhook      TEXT NOT NULL,
        ordering_key TEXT NOT NULL,
        notification TEXT NOT NULL,
        attempts     INTEGER NOT NULL DEFAULT 0,
        created_ms   INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS alert_state (
        rule   TEXT NOT NULL,
        labels TEXT NOT NULL,
        state  TEXT NOT NULL,
        PRIMARY KEY (rule, labels)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS silences (
        id         TEXT PRIMARY KEY,
        rule       TEXT NOT NULL,
        labels     TEXT NOT NULL,
        starts_ms  INTEGER NOT NULL,
        ends_ms    INTEGER NOT NULL,
        comment    TEXT NOT NULL DEFAULT '',
        created_ms INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS kv (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
";

/// What version 3 adds: `webhook_sent`, a bounded log of delivered notifications (the outbox forgets them).
/// `seq` is the outbox row's seq (so the newest rows have the highest seqs); `labels` is the notification's
/// canonical label JSON, `status` `firing` or `resolved`, `attempts` the attempt that was accepted. Written in the
/// transaction that deletes the delivered outbox row; rows more than [`SENT_KEPT`] seqs older than the newest go.
const SCHEMA_V3: &str = "
    CREATE TABLE IF NOT EXISTS webhook_sent (
        seq             INTEGER PRIMARY KEY,
        notification_id TEXT NOT NULL,
        rule            TEXT NOT NULL,
        labels          TEXT NOT NULL,
        webhook         TEXT NOT NULL,
        status          TEXT NOT NULL,
        delivered_ms    INTEGER NOT NULL,
        attempts        INTEGER NOT NULL
    );
";

/// How many outbox seqs back `webhook_sent` reaches: at most this many delivered notifications are kept.
pub const SENT_KEPT: i64 = 10_000;

/// Version 1's `samples` (one row per point: `series_id, ts_ms, value`) becomes version 2's: each point a
/// one-point run. The old table is renamed before [`SCHEMA_V2`] creates the new one and dropped after the copy.
const SAMPLES_V1_ASIDE: &str = "ALTER TABLE samples RENAME TO samples_v1;";
const SAMPLES_V1_TO_RUNS: &str = "
    INSERT INTO samples (series_id, ts_ms, last_ms, value) SELECT series_id, ts_ms, ts_ms, value FROM samples_v1;
    DROP TABLE samples_v1;
";

/// Columns version 2 adds to a `webhook_outbox` table that version 1 created.
const OUTBOX_V2_COLUMNS: &[(&str, &str)] =
    &[("next_ms", "INTEGER NOT NULL DEFAULT 0"), ("last_error", "TEXT"), ("dead_ms", "INTEGER")];

/// Creates or upgrades the schema, in one immediate transaction so concurrent openers do not race.
pub(super) fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    match version {
        0 => {
            tx.execute_batch(SCHEMA_V2)?;
            // Nothing to add on a new file; an outbox table made outside the schema gains its version-2 columns.
            add_missing_columns(&tx, "webhook_outbox", OUTBOX_V2_COLUMNS)?;
            tx.execute_batch(SCHEMA_V3)?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        1 => {
            upgrade_v1(&tx)?;
            tx.execute_batch(SCHEMA_V3)?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        2 => {
            tx.execute_batch(SCHEMA_V3)?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        SCHEMA_VERSION => {}
        v if v > SCHEMA_VERSION => {
            return Err(Error::local(format!(
                "its schema version is {v}, written by a newer hmon (this one knows up to {SCHEMA_VERSION})"
            ))
            .into())
        }
        v => return Err(Error::local(format!("its schema version {v} is not one hmon ever wrote")).into()),
    }
    tx.commit()?;
    Ok(())
}

/// Upgrades a version-1 file: its point samples become one-point runs, the outbox gains its schedule columns,
/// and the tables version 2 adds are created.
fn upgrade_v1(tx: &Transaction<'_>) -> anyhow::Result<()> {
    let points = column_names(tx, "samples")?;
    // Version 1 always had a point `samples` table; anything else is left to SCHEMA_V2's IF NOT EXISTS.
    let convert = points.iter().any(|c| c == "ts_ms") && !points.iter().any(|c| c == "last_ms");
    if convert {
        tx.execute_batch(SAMPLES_V1_ASIDE)?;
    }
    tx.execute_batch(SCHEMA_V2)?;
    if convert {
        tx.execute_batch(SAMPLES_V1_TO_RUNS)?;
    }
    add_missing_columns(tx, "webhook_outbox", OUTBOX_V2_COLUMNS)
}

/// The column names of `table` (none if it does not exist).
pub(super) fn column_names(tx: &Transaction<'_>, table: &str) -> anyhow::Result<Vec<String>> {
    let mut stmt = tx.prepare(&format!("PRAGMA table_info({table})"))?;
    let names = stmt.query_map([], |r| r.get::<_, String>(1))?.collect::<Result<_, _>>()?;
    Ok(names)
}

fn add_missing_columns(tx: &Transaction<'_>, table: &str, columns: &[(&str, &str)]) -> anyhow::Result<()> {
    let have = column_names(tx, table)?;
    for (name, decl) in columns {
        if !have.iter().any(|h| h == name) {
            tx.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {name} {decl}"))?;
        }
    }
    Ok(())
}
