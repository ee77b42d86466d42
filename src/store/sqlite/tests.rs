//! `SqliteStore` on its own: the conformance suite in memory and on disk, the file it shares, its errors.

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

#[test]
fn runs_answer_their_start_and_newest_confirmation_up_to_the_next_run() {
    let store = SqliteStore::open_in_memory().unwrap();
    // Runs of 1.0 (10..40 s), 2.0 (50 s), 3.0 (60..90 s), and a late point of 4.0 at 70 s inside the last.
    store
        .lock()
        .execute_batch(
            "INSERT INTO series (id, name, labels) VALUES (1, 'x', '{}');
             INSERT INTO samples (series_id, ts_ms, last_ms, value) VALUES
                 (1, 10000, 40000, 1.0), (1, 50000, 50000, 2.0), (1, 60000, 90000, 3.0), (1, 70000, 70000, 4.0);",
        )
        .unwrap();
    let secs = |samples: Vec<Sample>| -> Vec<(i64, f64)> {
        samples.iter().map(|s| (s.timestamp.as_millis() / 1000, s.value)).collect()
    };
    let all = [(10, 1.0), (40, 1.0), (50, 2.0), (60, 3.0), (70, 4.0)];
    assert_eq!(secs(store.range("x", t(0), t(100)).unwrap()), all, "3.0's confirmation at 90 s is after 4.0 began");
    assert_eq!(secs(store.range("x", t(20), t(55)).unwrap()), [(40, 1.0), (50, 2.0)], "a run begun before from");
    assert_eq!(secs(store.range("x", t(41), t(100)).unwrap()), &all[2..]);
    assert_eq!(secs(store.latest("x", 2).unwrap()), [(70, 4.0), (60, 3.0)]);
    assert_eq!(secs(store.latest("x", 100).unwrap()), all.iter().rev().copied().collect::<Vec<_>>());
    assert_eq!(secs(store.latest_per_series().unwrap()), [(70, 4.0)]);
    let at = |secs: i64| store.value_at("x", &Labels::new(), Timestamp::from_millis(secs)).unwrap();
    for ms in (0..100_000).step_by(500) {
        let upto = store.range("x", t(0), Timestamp::from_millis(ms + 1)).unwrap();
        assert_eq!(at(ms), upto.last().cloned(), "value_at({ms} ms) is the last point range answers up to then");
    }
    assert_eq!(store.delete_older_than(t(45)).unwrap(), 1, "1.0's run ended at 40 s");
    assert_eq!(store.delete_older_than(t(80)).unwrap(), 2, "2.0 and the late 4.0; 3.0 was confirmed at 90 s");
    assert_eq!(secs(store.range("x", t(0), t(100)).unwrap()), [(60, 3.0), (90, 3.0)], "kept whole");
}

#[test]
fn a_flush_keeps_the_last_sighting_of_a_quiet_series_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hmon.db");
    let heartbeat = std::time::Duration::from_secs(300);
    let at = |secs: i64, value: f64| Sample::new("lag", &[], value, t(secs));
    {
        let store = SqliteStore::with_heartbeat(Db::open_shared(&path).unwrap(), heartbeat);
        for secs in [0, 60, 120, 180, 240] {
            store.insert(&[at(secs, 1.0)]).unwrap();
        }
        store.flush().unwrap();
    }
    let store = SqliteStore::with_heartbeat(Db::open_shared(&path).unwrap(), heartbeat);
    store.insert(&[at(270, 2.0)]).unwrap();
    let points: Vec<(i64, f64)> =
        store.range("lag", t(0), t(1000)).unwrap().iter().map(|s| (s.timestamp.as_millis() / 1000, s.value)).collect();
    assert_eq!(points, [(0, 1.0), (240, 1.0), (270, 2.0)], "the run of 1 was last seen at 240");
    assert_eq!(store.value_at("lag", &Labels::new(), t(250)).unwrap().map(|s| s.value), Some(1.0));
}
