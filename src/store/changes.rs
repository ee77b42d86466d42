//! Storing only changes: what a [`SqliteStore`](super::SqliteStore) with a heartbeat remembers of each series
//! (its last stored point) and the rule that decides whether a new sample is written.
//!
//! A sample is written when its value differs from the series' last stored value, when the heartbeat has passed
//! since that stored point, or when it is older than that point (a late sample is kept as it comes). Everything
//! else is skipped in memory, without touching the database, so a quiet series costs a hash lookup per sample.
//! Reading "the value at time T" ([`MetricStore::value_at`](super::MetricStore::value_at)) then answers the
//! newest stored point at or before T, which is the value every skipped sample had.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::metrics::Labels;

/// A series' last stored point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Stored {
    pub ts_ms: i64,
    pub value: f64,
}

/// Whether two values count as the same for skipping: equal, or both NaN.
pub(super) fn same_value(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

impl Stored {
    /// Whether a sample at `ts_ms` with `value` must be written, `self` being the last stored point.
    pub fn must_store(self, ts_ms: i64, value: f64, heartbeat_ms: i64) -> bool {
        !same_value(self.value, value) || ts_ms < self.ts_ms || ts_ms - self.ts_ms >= heartbeat_ms
    }

    /// The last stored point once a sample at `ts_ms` with `value` is written.
    pub fn after(last: Option<Stored>, ts_ms: i64, value: f64) -> Stored {
        match last {
            // A late sample does not move the newest point.
            Some(l) if ts_ms < l.ts_ms => l,
            _ => Stored { ts_ms, value },
        }
    }
}

/// Per series (name -> labels), the last stored point of every series seen so far.
#[derive(Debug, Default)]
pub(super) struct Memory(HashMap<String, HashMap<Labels, Stored>>);

impl Memory {
    /// The remembered last stored point of `name{labels}`, if that series was seen.
    pub fn get(&self, name: &str, labels: &Labels) -> Option<Stored> {
        self.0.get(name).and_then(|by_labels| by_labels.get(labels)).copied()
    }

    /// Remembers `stored` as the last stored point of `name{labels}` (cloning the name and labels only the first
    /// time).
    pub fn set(&mut self, name: &str, labels: &Labels, stored: Stored) {
        match self.0.get_mut(name) {
            Some(by_labels) => match by_labels.get_mut(labels) {
                Some(point) => *point = stored,
                None => {
                    by_labels.insert(labels.clone(), stored);
                }
            },
            None => {
                self.0.insert(name.to_string(), HashMap::from([(labels.clone(), stored)]));
            }
        }
    }

    /// Forgets every point older than `cutoff_ms` (deleted from the table): such a series is looked up again, so
    /// a sample equal to a deleted value is written rather than skipped.
    pub fn forget_before(&mut self, cutoff_ms: i64) {
        for by_labels in self.0.values_mut() {
            by_labels.retain(|_, point| point.ts_ms >= cutoff_ms);
        }
        self.0.retain(|_, by_labels| !by_labels.is_empty());
    }
}

/// The heartbeat and the memory of last stored points.
#[derive(Debug)]
pub(super) struct Changes {
    heartbeat_ms: i64,
    memory: Mutex<Memory>,
}

impl Changes {
    pub fn new(heartbeat: Duration) -> Self {
        let heartbeat_ms = i64::try_from(heartbeat.as_millis()).unwrap_or(i64::MAX);
        Self { heartbeat_ms, memory: Mutex::new(Memory::default()) }
    }

    pub fn heartbeat_ms(&self) -> i64 {
        self.heartbeat_ms
    }

    /// The memory, held for a whole insert so that two inserts cannot decide on the same stale point. Every
    /// change to it is a single insert or retain, so a poisoned lock still guards a usable map.
    pub fn lock(&self) -> MutexGuard<'_, Memory> {
        self.memory.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Sample;
    use crate::store::{Db, MetricStore, SqliteStore};
    use crate::timestamp::Timestamp;

    fn t(secs: i64) -> Timestamp {
        Timestamp::from_millis(secs * 1000)
    }

    fn balance(account: &str, value: f64, secs: i64) -> Sample {
        Sample::new("account_balance_hbar", &[("account", account)], value, t(secs))
    }

    fn stored_times(store: &SqliteStore, account: &str) -> Vec<i64> {
        let all = store.range("account_balance_hbar", t(0), t(1_000_000)).unwrap();
        all.iter().filter(|s| s.labels["account"] == account).map(|s| s.timestamp.as_millis() / 1000).collect()
    }

    #[test]
    fn conforms_with_a_heartbeat() {
        crate::store::tests::conformance(|| {
            Box::new(SqliteStore::with_heartbeat(Db::in_memory().unwrap(), Duration::from_secs(60)))
        });
    }

    #[test]
    fn a_quiet_series_is_stored_once_per_heartbeat_and_a_change_at_once() {
        let store = SqliteStore::with_heartbeat(Db::in_memory().unwrap(), Duration::from_secs(60));
        assert_eq!(store.heartbeat(), Some(Duration::from_secs(60)));
        // Every 10 s for 3 minutes: 0.0.1 never changes, 0.0.2 changes once at 70 s.
        for secs in (0..=180).step_by(10) {
            let moved = if secs >= 70 { 2.5 } else { 2.0 };
            store.insert(&[balance("0.0.1", 1.0, secs), balance("0.0.2", moved, secs)]).unwrap();
        }
        assert_eq!(stored_times(&store, "0.0.1"), [0, 60, 120, 180]);
        assert_eq!(stored_times(&store, "0.0.2"), [0, 60, 70, 130]);
        let labels = |account: &str| Labels::from([("account".to_string(), account.to_string())]);
        let at = |account: &str, secs| store.value_at("account_balance_hbar", &labels(account), t(secs)).unwrap();
        assert_eq!(at("0.0.1", 35), Some(balance("0.0.1", 1.0, 0)), "between stored points, the earlier one");
        assert_eq!(at("0.0.2", 69), Some(balance("0.0.2", 2.0, 60)));
        assert_eq!(at("0.0.2", 125), Some(balance("0.0.2", 2.5, 70)));
        // NaN equals NaN: an unknown value that stays unknown is quiet too.
        for secs in [0, 10, 20] {
            store.insert(&[Sample::new("nan", &[], f64::NAN, t(secs))]).unwrap();
        }
        assert_eq!(store.range("nan", t(0), t(100)).unwrap().len(), 1);
    }

    #[test]
    fn repeats_inside_one_batch_are_skipped_too() {
        let store = SqliteStore::with_heartbeat(Db::in_memory().unwrap(), Duration::from_secs(60));
        let batch: Vec<Sample> = (0..6).map(|i| balance("0.0.1", if i == 3 { 9.0 } else { 1.0 }, i * 10)).collect();
        store.insert(&batch).unwrap();
        assert_eq!(stored_times(&store, "0.0.1"), [0, 30, 40]);
    }

    #[test]
    fn a_new_store_reads_the_last_stored_point_from_the_table() {
        let db = Db::in_memory().unwrap();
        let first = SqliteStore::with_heartbeat(db.clone(), Duration::from_secs(60));
        first.insert(&[balance("0.0.1", 1.0, 0), balance("0.0.1", 1.0, 30)]).unwrap();
        drop(first);
        let second = SqliteStore::with_heartbeat(db.clone(), Duration::from_secs(60));
        second.insert(&[balance("0.0.1", 1.0, 40)]).unwrap();
        second.insert(&[balance("0.0.1", 1.0, 60), balance("0.0.1", 3.0, 65)]).unwrap();
        assert_eq!(stored_times(&second, "0.0.1"), [0, 60, 65]);
        // Without a heartbeat, every sample.
        let every = SqliteStore::new(db);
        assert_eq!(every.heartbeat(), None);
        every.insert(&[balance("0.0.1", 3.0, 70)]).unwrap();
        assert_eq!(stored_times(&every, "0.0.1"), [0, 60, 65, 70]);
    }

    #[test]
    fn a_deleted_point_is_not_taken_as_stored() {
        let store = SqliteStore::with_heartbeat(Db::in_memory().unwrap(), Duration::from_secs(3600));
        store.insert(&[balance("0.0.1", 1.0, 0), balance("0.0.2", 1.0, 100)]).unwrap();
        assert_eq!(store.delete_older_than(t(50)).unwrap(), 1);
        store.insert(&[balance("0.0.1", 1.0, 60), balance("0.0.2", 1.0, 160)]).unwrap();
        assert_eq!(stored_times(&store, "0.0.1"), [60], "its stored point is gone, so this one is written");
        assert_eq!(stored_times(&store, "0.0.2"), [100], "still remembered, still skipped");
    }

    #[test]
    fn skipping_runs_no_sql() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hmon.db");
        let store = SqliteStore::with_heartbeat(Db::open_shared(&path).unwrap(), Duration::from_secs(60));
        store.insert(&[balance("0.0.1", 1.0, 0), balance("0.0.2", 2.0, 0)]).unwrap();
        // Another connection holds the write lock: any write from the store would fail (after the busy timeout).
        let other = rusqlite::Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE; INSERT INTO kv (key, value) VALUES ('held', '1');").unwrap();
        for secs in (10..60).step_by(10) {
            store.insert(&[balance("0.0.1", 1.0, secs), balance("0.0.2", 2.0, secs)]).unwrap();
        }
        other.execute_batch("COMMIT").unwrap();
        assert_eq!(stored_times(&store, "0.0.1"), [0]);
    }

    #[test]
    fn equal_values_wait_for_the_heartbeat_and_changes_do_not() {
        let last = Stored { ts_ms: 1000, value: 5.0 };
        assert!(!last.must_store(1000, 5.0, 60_000), "the same point again");
        assert!(!last.must_store(60_999, 5.0, 60_000));
        assert!(last.must_store(61_000, 5.0, 60_000), "the heartbeat has passed");
        assert!(last.must_store(2000, 5.5, 60_000), "a change");
        assert!(last.must_store(1000, 6.0, 60_000), "a new value at the same time replaces it");
        assert!(last.must_store(500, 5.0, 60_000), "a late sample is kept");
        let nan = Stored { ts_ms: 0, value: f64::NAN };
        assert!(!nan.must_store(10, f64::NAN, 60_000), "NaN equals NaN here");
        assert!(nan.must_store(10, 0.0, 60_000));
        assert!(Stored { ts_ms: 0, value: 1.0 }.must_store(10, f64::NAN, 60_000));
    }

    #[test]
    fn a_late_sample_does_not_move_the_newest_point() {
        let last = Some(Stored { ts_ms: 1000, value: 5.0 });
        assert_eq!(Stored::after(last, 500, 7.0), Stored { ts_ms: 1000, value: 5.0 });
        assert_eq!(Stored::after(last, 1000, 7.0), Stored { ts_ms: 1000, value: 7.0 });
        assert_eq!(Stored::after(None, 5, 1.0), Stored { ts_ms: 5, value: 1.0 });
    }

    #[test]
    fn forgetting_drops_old_points_and_empty_names() {
        let mut memory = Memory::default();
        let a: Labels = [("a".to_string(), "1".to_string())].into();
        memory.set("x", &a, Stored { ts_ms: 10, value: 1.0 });
        memory.set("y", &a, Stored { ts_ms: 30, value: 1.0 });
        memory.set("x", &a, Stored { ts_ms: 20, value: 2.0 });
        assert_eq!(memory.get("x", &a), Some(Stored { ts_ms: 20, value: 2.0 }));
        memory.forget_before(25);
        assert_eq!(memory.get("x", &a), None);
        assert!(!memory.0.contains_key("x"));
        assert_eq!(memory.get("y", &a).map(|s| s.ts_ms), Some(30));
    }
}
