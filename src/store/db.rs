//! [`Db`]: the one SQLite file (or in-memory database) that holds everything the pipeline must not lose:
//! samples (as runs of one value), the per-series alert state, the webhook outbox and its dead letters, the log of
//! recent deliveries, silences and collector cursors.
//!
//! One connection per process, behind a mutex: a state transition and the notifications it produces commit in
//! one transaction ([`Db::write`]). Durable files run in WAL mode with `synchronous=NORMAL`, which survives a
//! killed process; a transaction that queues notifications asks for a full sync ([`Db::write_synced`]), which
//! also survives a power cut.
//!
//! One process owns a store file at a time ([`Db::open_owned`]): `watch` and `serve` hold an exclusive lock on
//! `<file>-lock` (released by the kernel however the process ends, `kill -9` included) with their pid in it.
//! Short edits beside a running owner (`hmon alert queue`, `hmon alert silence`) use [`Db::open_shared`].

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use anyhow::Context;
use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::Error;

use super::schema::migrate;
pub use super::schema::{SCHEMA_VERSION, SENT_KEPT};

/// How long a statement waits for another connection's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The store database; share it as `Arc<Db>`.
pub struct Db {
    conn: Mutex<Connection>,
    /// The file path as shown in messages (`:memory:` in memory).
    shown: String,
    durable: bool,
    /// Held for the life of the owner; the kernel releases it when the process ends.
    _owner: Option<File>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.shown).field("owned", &self._owner.is_some()).finish()
    }
}

impl Db {
    /// Opens the store file at `path` (creating it and its directories) as its one owner (`watch`, `serve`).
    /// Fails with a local error naming the file and the other process when another hmon owns it.
    pub fn open_owned(path: &Path) -> anyhow::Result<Arc<Db>> {
        let shown = path.display().to_string();
        let open = || -> anyhow::Result<Db> {
            create_parent(path)?;
            let owner = take_ownership(path)?;
            let mut db = Db::open_file(path, shown.clone())?;
            db._owner = Some(owner);
            Ok(db)
        };
        open().map(Arc::new).with_context(|| format!("cannot open the store {shown}"))
    }

    /// Opens the store file at `path` beside whatever process owns it, for short reads and edits.
    pub fn open_shared(path: &Path) -> anyhow::Result<Arc<Db>> {
        let shown = path.display().to_string();
        let open = || -> anyhow::Result<Db> {
            create_parent(path)?;
            Db::open_file(path, shown.clone())
        };
        open().map(Arc::new).with_context(|| format!("cannot open the store {shown}"))
    }

    /// A database in memory, gone with the process (interactive `watch` without `--store`, tests).
    pub fn in_memory() -> anyhow::Result<Arc<Db>> {
        let mut conn = Connection::open_in_memory().context("cannot open an in-memory store")?;
        migrate(&mut conn).context("cannot set up an in-memory store")?;
        Ok(Arc::new(Db { conn: Mutex::new(conn), shown: ":memory:".into(), durable: false, _owner: None }))
    }

    fn open_file(path: &Path, shown: String) -> anyhow::Result<Db> {
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::local(format!(
                "cannot switch to the WAL journal mode (the journal mode stayed {mode})"
            ))
            .into());
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        migrate(&mut conn)?;
        Ok(Db { conn: Mutex::new(conn), shown, durable: true, _owner: None })
    }

    /// The file path as shown in messages (`:memory:` for an in-memory store).
    pub fn path(&self) -> &str {
        &self.shown
    }

    /// Whether what is written survives the process.
    pub fn is_durable(&self) -> bool {
        self.durable
    }

    /// The connection, for short reads. A panic while holding the lock leaves at most an open transaction,
    /// which rusqlite rolls back on drop, so a poisoned lock still guards a usable connection.
    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` in one immediate transaction and commits it; nothing of it is kept if `f` or the commit fails.
    /// Blocking: from async code, call it inside `spawn_blocking` when the store is durable.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> anyhow::Result<T>) -> anyhow::Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// [`Db::write`], synced to disk before it returns (survives a power cut, not only a crash): for
    /// transactions that queue notifications.
    pub fn write_synced<T>(&self, f: impl FnOnce(&Transaction<'_>) -> anyhow::Result<T>) -> anyhow::Result<T> {
        if !self.durable {
            return self.write(f);
        }
        let mut conn = self.lock();
        conn.pragma_update(None, "synchronous", "FULL")?;
        let result = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })();
        if let Err(e) = conn.pragma_update(None, "synchronous", "NORMAL") {
            // The transaction's outcome stands: reporting it as failed would decide it again.
            tracing::warn!(error = %e, "cannot return the store to synchronous=NORMAL");
        }
        result
    }

    /// Runs a blocking operation on the store off the async worker threads when it touches the disk (an
    /// in-memory store answers at once, so it runs in place).
    pub async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        op: impl FnOnce(&Db) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        if !self.durable {
            return op(self);
        }
        let db = Arc::clone(self);
        tokio::task::spawn_blocking(move || op(&db))
            .await
            .map_err(|e| anyhow::anyhow!("a store operation did not finish: {e}"))?
    }

    /// Reads the named value from `kv`, if any.
    pub fn get_value<T: serde::de::DeserializeOwned>(&self, key: &str) -> anyhow::Result<Option<T>> {
        use rusqlite::OptionalExtension;
        let text: Option<String> =
            self.lock().query_row("SELECT value FROM kv WHERE key = ?1", [key], |r| r.get(0)).optional()?;
        match text {
            Some(t) => Ok(Some(serde_json::from_str(&t).with_context(|| format!("stored value '{key}' is invalid"))?)),
            None => Ok(None),
        }
    }

    /// Writes the named value to `kv` inside `tx`.
    pub fn put_value<T: serde::Serialize>(tx: &Transaction<'_>, key: &str, value: &T) -> anyhow::Result<()> {
        let text = serde_json::to_string(value)?;
        tx.execute(
            "INSERT INTO kv (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            rusqlite::params![key, text],
        )?;
        Ok(())
    }
}

fn create_parent(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create the directory {}", dir.display()))?;
    }
    Ok(())
}

/// The lock file beside a store file: `<file>-lock`, in the directory with its links resolved, so two paths to
/// one file (a symbolic link, `..`) share one lock.
pub fn lock_path(path: &Path) -> PathBuf {
    let file = std::fs::canonicalize(path).unwrap_or_else(|_| {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        dir.join(path.file_name().unwrap_or_default())
    });
    let mut name = file.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push("-lock");
    file.with_file_name(name)
}

/// Takes the exclusive lock on `<file>-lock` and writes this process's id into it.
fn take_ownership(path: &Path) -> anyhow::Result<File> {
    let lock = lock_path(path);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock)
        .with_context(|| format!("cannot open the lock file {}", lock.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            let other = match text.trim().parse::<u32>() {
                Ok(pid) => format!("another hmon process (pid {pid})"),
                Err(_) => "another hmon process".to_string(),
            };
            return Err(Error::local(format!(
                "{} is in use by {other}; stop it, or give this one another file with --store",
                path.display()
            ))
            .into());
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock {}", lock.display()));
        }
    }
    file.set_len(0)?;
    file.rewind()?;
    writeln!(file, "{}", std::process::id())?;
    file.flush()?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema::{column_names, SCHEMA_V2};

    /// What version 1 created: series and one row per point.
    const SCHEMA_V1: &str = "
        CREATE TABLE series (id INTEGER PRIMARY KEY, name TEXT NOT NULL, labels TEXT NOT NULL, UNIQUE (name, labels));
        CREATE TABLE samples (
            series_id INTEGER NOT NULL REFERENCES series (id),
            ts_ms     INTEGER NOT NULL,
            value     REAL,
            PRIMARY KEY (series_id, ts_ms)
        ) WITHOUT ROWID;
    ";

    #[test]
    fn a_second_owner_is_refused_with_the_file_and_the_pid() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/hmon.db");
        let first = Db::open_owned(&path).unwrap();
        let err = format!("{:#}", Db::open_owned(&path).unwrap_err());
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains(&format!("pid {}", std::process::id())), "{err}");
        assert_eq!(crate::error::exit_code(&Db::open_owned(&path).unwrap_err()).code(), 5);
        // Beside the owner, short edits may still open it.
        let shared = Db::open_shared(&path).unwrap();
        shared.write(|tx| Db::put_value(tx, "k", &1)).unwrap();
        assert_eq!(first.get_value::<i32>("k").unwrap(), Some(1));
        drop(first);
        Db::open_owned(&path).expect("free again once the owner is gone");
    }

    #[cfg(unix)]
    #[test]
    fn two_paths_to_one_file_share_its_lock() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("link")).unwrap();
        let _owner = Db::open_owned(&dir.path().join("real/hmon.db")).unwrap();
        let err = format!("{:#}", Db::open_owned(&dir.path().join("link/hmon.db")).unwrap_err());
        assert!(err.contains("in use by another hmon process"), "{err}");
    }

    #[test]
    fn a_version_1_file_is_upgraded_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hmon.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(SCHEMA_V1).unwrap();
            conn.execute_batch(
                "CREATE TABLE webhook_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, webhook TEXT NOT NULL, \
                 ordering_key TEXT NOT NULL, notification TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, \
                 created_ms INTEGER NOT NULL);
                 INSERT INTO webhook_outbox (webhook, ordering_key, notification, created_ms) VALUES ('a','k','{}',1);
                 INSERT INTO series (id, name, labels) VALUES (7, 'x', '{}');
                 INSERT INTO samples (series_id, ts_ms, value) VALUES (7, 1000, 1.5), (7, 2000, 1.5), (7, 3000, NULL);
                 PRAGMA user_version = 1;",
            )
            .unwrap();
        }
        let db = Db::open_shared(&path).unwrap();
        let conn = db.lock();
        let (next, dead): (i64, Option<i64>) =
            conn.query_row("SELECT next_ms, dead_ms FROM webhook_outbox", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        assert_eq!((next, dead), (0, None));
        let mut runs = conn.prepare("SELECT series_id, ts_ms, last_ms, value FROM samples ORDER BY ts_ms").unwrap();
        let runs: Vec<(i64, i64, i64, Option<f64>)> = runs
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            runs,
            [(7, 1000, 1000, Some(1.5)), (7, 2000, 2000, Some(1.5)), (7, 3000, 3000, None)],
            "points as runs"
        );
        let left: i64 =
            conn.query_row("SELECT COUNT(*) FROM sqlite_master WHERE name = 'samples_v1'", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 0);
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }

    #[test]
    fn a_version_2_file_gains_the_delivery_log_and_keeps_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hmon.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(SCHEMA_V2).unwrap();
            conn.execute_batch(
                "INSERT INTO webhook_outbox (webhook, ordering_key, notification, created_ms) VALUES ('a', 'k', '{}', 1);
                 INSERT INTO alert_state (rule, labels, state) VALUES ('r', '{}', '{}');
                 PRAGMA user_version = 2;",
            )
            .unwrap();
        }
        let db = Db::open_shared(&path).unwrap();
        let conn = db.lock();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let columns = {
            let tx = Transaction::new_unchecked(&conn, TransactionBehavior::Deferred).unwrap();
            column_names(&tx, "webhook_sent").unwrap()
        };
        assert_eq!(
            columns,
            ["seq", "notification_id", "rule", "labels", "webhook", "status", "delivered_ms", "attempts"]
        );
        let kept: (i64, i64) = conn
            .query_row("SELECT (SELECT COUNT(*) FROM webhook_outbox), (SELECT COUNT(*) FROM alert_state)", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(kept, (1, 1));
        drop(conn);
        drop(db);
        Db::open_shared(&path).expect("a version-3 file opens again as it is");
    }

    #[test]
    fn a_failed_write_keeps_nothing() {
        let db = Db::in_memory().unwrap();
        let err: anyhow::Result<()> = db.write(|tx| {
            Db::put_value(tx, "a", &"x")?;
            anyhow::bail!("no")
        });
        assert!(err.is_err());
        assert_eq!(db.get_value::<String>("a").unwrap(), None);
        db.write_synced(|tx| Db::put_value(tx, "a", &"y")).unwrap();
        assert_eq!(db.get_value::<String>("a").unwrap().as_deref(), Some("y"));
    }
}
