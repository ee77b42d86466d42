//! Storing runs: what a [`SqliteStore`](super::SqliteStore) with a heartbeat remembers of each series (its
//! current run) and the rule that turns a new sample into row writes ([`Run::take`]).
//!
//! A series is stored as runs of one value (see the `samples` table in [`super::db`]). A sample equal to the
//! current run's value extends it: the memory notes the time, and the row's `last_ms` is written only once the
//! heartbeat has passed since it was last written, so a quiet series costs a hash lookup per sample and one
//! in-place update per heartbeat, and the file does not grow. A different value closes the run (its `last_ms`
//! set to the last time the memory saw it) and starts a new one. A late sample (older than the newest seen) is
//! written as a point of its own; when it contradicts the current run, that run's value starts again at its next
//! known confirmation, so the late point cannot hide the current value.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::metrics::Labels;

/// Whether two values count as the same for a run: equal, or both NaN.
pub(super) fn same_value(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

/// A series' current run as the memory knows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Run {
    /// When its value was first seen: the row's `ts_ms`.
    pub start_ms: i64,
    pub value: f64,
    /// The newest time the value was seen (written or not).
    pub seen_ms: i64,
    /// The row's `last_ms` as last written.
    pub stored_ms: i64,
}

/// One row write of a series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Write {
    /// Writes the run `start_ms..=last_ms` of `value`, replacing any row of the series at `start_ms`.
    Put { start_ms: i64, last_ms: i64, value: f64 },
    /// Moves the `last_ms` of the run at `start_ms` to `last_ms` (writing the whole run if its row is gone).
    Confirm { start_ms: i64, last_ms: i64, value: f64 },
}

impl Write {
    /// A sample stored on its own: a one-point run.
    pub fn point(ts_ms: i64, value: f64) -> Self {
        Write::Put { start_ms: ts_ms, last_ms: ts_ms, value }
    }
}

/// At most two writes per sample (closing a run and starting the next).
pub(super) type Writes = [Option<Write>; 2];

impl Run {
    /// A run as its row reads: written up to `last_ms`.
    pub fn stored(start_ms: i64, last_ms: i64, value: f64) -> Self {
        Run { start_ms, value, seen_ms: last_ms, stored_ms: last_ms }
    }

    /// The first run of a series (nothing stored yet) and its write.
    pub fn first(ts_ms: i64, value: f64) -> (Run, Write) {
        (Run::stored(ts_ms, ts_ms, value), Write::point(ts_ms, value))
    }

    /// What a sample at `ts_ms` with `value` does to the series whose current run is `self`: the current run
    /// afterwards and the rows to write, none while the sample only extends the run inside the heartbeat.
    pub fn take(self, ts_ms: i64, value: f64, heartbeat_ms: i64) -> (Run, Writes) {
        let same = same_value(self.value, value);
        if ts_ms > self.seen_ms && same {
            // Extends the run; its row is confirmed once per heartbeat.
            let mut run = Run { seen_ms: ts_ms, ..self };
            if ts_ms - self.stored_ms < heartbeat_ms {
                return (run, [None, None]);
            }
            run.stored_ms = ts_ms;
            let confirm = Write::Confirm { start_ms: self.start_ms, last_ms: ts_ms, value: self.value };
            return (run, [Some(confirm), None]);
        }
        if ts_ms >= self.seen_ms && !same {
            // A change: the run ends where the memory last saw it, the new value starts a run.
            let close = (self.stored_ms < self.seen_ms && self.seen_ms < ts_ms).then_some(Write::Confirm {
                start_ms: self.start_ms,
                last_ms: self.seen_ms,
                value: self.value,
            });
            let (run, start) = Run::first(ts_ms, value);
            return (run, [close, Some(start)]);
        }
        if ts_ms >= self.start_ms && same {
            // Inside the run already.
            return (self, [None, None]);
        }
        let late = Write::point(ts_ms, value);
        if ts_ms < self.start_ms {
            // Before the current run: history only.
            return (self, [Some(late), None]);
        }
        // Contradicts the current run: its value starts again at the first confirmation known after `ts_ms`
        // (its row's end if written after, else the newest seen), so the late point does not hide it.
        let again = if self.stored_ms > ts_ms { self.stored_ms } else { self.seen_ms };
        let run = Run::stored(again, self.seen_ms, self.value);
        let reopen = Write::Put { start_ms: again, last_ms: self.seen_ms, value: self.value };
        (run, [Some(late), Some(reopen)])
    }
}

/// Per series (name -> labels), the current run of every series seen so far.
#[derive(Debug, Default)]
pub(super) struct Memory(HashMap<String, HashMap<Labels, Run>>);

impl Memory {
    /// The remembered current run of `name{labels}`, if that series was seen.
    pub fn get(&self, name: &str, labels: &Labels) -> Option<Run> {
        self.0.get(name).and_then(|by_labels| by_labels.get(labels)).copied()
    }

    /// Remembers `run` as the current run of `name{labels}` (cloning the name and labels only the first time).
    pub fn set(&mut self, name: &str, labels: &Labels, run: Run) {
        match self.0.get_mut(name) {
            Some(by_labels) => match by_labels.get_mut(labels) {
                Some(current) => *current = run,
                None => {
                    by_labels.insert(labels.clone(), run);
                }
            },
            None => {
                self.0.insert(name.to_string(), HashMap::from([(labels.clone(), run)]));
            }
        }
    }

    /// The confirmations to write before deleting the runs that ended before `cutoff_ms`: a current run whose
    /// row ends before the cutoff but which was seen since would otherwise be deleted while it goes on.
    pub fn unwritten_before(&self, cutoff_ms: i64) -> Vec<(&str, &Labels, Write)> {
        let mut found = Vec::new();
        for (name, by_labels) in &self.0 {
            for (labels, run) in by_labels {
                if run.stored_ms < cutoff_ms && run.seen_ms >= cutoff_ms {
                    let confirm = Write::Confirm { start_ms: run.start_ms, last_ms: run.seen_ms, value: run.value };
                    found.push((name.as_str(), labels, confirm));
                }
            }
        }
        found
    }

    /// Every confirmation seen since its run's row was last written (what a stop would lose).
    pub fn unwritten(&self) -> Vec<(&str, &Labels, Write)> {
        let mut found = Vec::new();
        for (name, by_labels) in &self.0 {
            for (labels, run) in by_labels.iter().filter(|(_, run)| run.seen_ms > run.stored_ms) {
                let confirm = Write::Confirm { start_ms: run.start_ms, last_ms: run.seen_ms, value: run.value };
                found.push((name.as_str(), labels, confirm));
            }
        }
        found
    }

    /// Once [`Memory::unwritten`] is written: every run is stored up to its last sighting.
    pub fn all_written(&mut self) {
        for run in self.0.values_mut().flat_map(|by_labels| by_labels.values_mut()) {
            run.stored_ms = run.seen_ms;
        }
    }

    /// Once [`Memory::unwritten_before`] is written and the runs that ended before `cutoff_ms` are deleted:
    /// forgets the deleted runs (such a series is looked up again, so a sample equal to a deleted value starts
    /// a new run rather than extending a gone one) and notes the confirmed ones as written.
    pub fn settle_before(&mut self, cutoff_ms: i64) {
        for by_labels in self.0.values_mut() {
            by_labels.retain(|_, run| run.seen_ms >= cutoff_ms);
            for run in by_labels.values_mut().filter(|run| run.stored_ms < cutoff_ms) {
                run.stored_ms = run.seen_ms;
            }
        }
        self.0.retain(|_, by_labels| !by_labels.is_empty());
    }
}

/// The heartbeat and the memory of current runs.
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

    /// The memory, held for a whole insert so that two inserts cannot decide on the same stale run. Every
    /// change to it is a single insert, assignment or retain, so a poisoned lock still guards a usable map.
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

    fn labels(account: &str) -> Labels {
        Labels::from([("account".to_string(), account.to_string())])
    }

    /// The points `range` answers for one account, in seconds.
    fn stored_times(store: &SqliteStore, account: &str) -> Vec<i64> {
        let all = store.range("account_balance_hbar", t(0), t(1_000_000)).unwrap();
        all.iter().filter(|s| s.labels["account"] == account).map(|s| s.timestamp.as_millis() / 1000).collect()
    }

    /// The rows of the `samples` table as (ts, last) in seconds and value, oldest first.
    fn rows(store: &SqliteStore) -> Vec<(i64, i64, f64)> {
        let conn = store.db().lock();
        let mut stmt = conn.prepare("SELECT ts_ms, last_ms, value FROM samples ORDER BY series_id, ts_ms").unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)? / 1000, r.get::<_, i64>(1)? / 1000, r.get(2)?)));
        rows.unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn conforms_with_a_heartbeat() {
        crate::store::tests::conformance(|| {
            Box::new(SqliteStore::with_heartbeat(Db::in_memory().unwrap(), Duration::from_secs(60)))
        });
    }

    #[test]
    fn a_quiet_series_is_one_row_confirmed_once_per_heartbeat_and_a_change_starts_a_run() {
        let store = SqliteStore::with_heartbeat(Db::in_memory().unwrap(), Duration::from_secs(60));
        assert_eq!(store.heartbeat(), Some(Duration::from_secs(60)));
        // Every 10 s for 3 minutes: 0.0.1 never changes, 0.0.2 changes once at 70 s.
        for secs in (0..=180).step_by(10) {
            let moved = if secs >= 70 { 2.5 } else { 2.0 };
            store.insert(&[balance("0.0.1", 1.0, secs), balance("0.0.2", moved, secs)]).unwrap();
        }
        assert_eq!(rows(&store), [(0, 180, 1.0), (0, 60, 2.0), (70, 130, 2.5)], "last_ms written each heartbeat");
        assert_eq!(stored_times(&store, "0.0.1"), [0, 180]);
        assert_eq!(stored_times(&store, "0.0.2"), [0, 60, 70, 130]);
        let at = |account: &str, secs| store.value_at("account_balance_hbar", &labels(account), t(secs)).unwrap();
        assert_eq!(at("0.0.1", 35), Some(balance("0.0.1", 1.0, 0)), "inside a run, its start");
        assert_eq!(at("0.0.1", 500), Some(balance("0.0.1", 1.0, 180)), "after it, its newest confirmation");
        assert_eq!(at("0.0.2", 69), Some(balance("0.0.2", 2.0, 60)));
        assert_eq!(at("0.0.2", 125), Some(balance("0.0.2", 2.5, 70)));
        let newest: Vec<(f64, i64)> =
            store.latest_per_series().unwrap().iter().map(|s| (s.value, s.timestamp.as_millis() / 1000)).collect();
        assert_eq!(newest, [(1.0, 180), (2.5, 130)], "the newest written confirmation");
        // NaN equals NaN: an unknown value that stays unknown is quiet too.
        for secs in [0, 10, 20] {
            store.insert(&[Sample::new("nan", &[], f64::NAN, t(secs))]).unwrap();
        }
        assert_eq!(store.range("nan", t(0), t(100)).unwrap().len(), 1);
    }

    #[test]
    fn a_change_closes_the_run_where_it_was_last_seen() {
        let store = SqliteStore::with_heartbeat(Db::in_memory().unwrap(), Duration::from_secs(60));
        let batch: Vec<Sample> = (0..6).map(|i| balance("0.0.1", if i == 3 { 9.0 } else { 1.0 }, i * 10)).collect();
        store.insert(&batch).unwrap();
        assert_eq!(rows(&store), [(0, 20, 1.0), (30, 30, 9.0), (40, 40, 1.0)], "one batch, in order");
        assert_eq!(stored_times(&store, "0.0.1"), [0, 20, 30, 40]);
        // Range bounds cut through runs: a run that started before `from` answers its confirmation inside.
        let cut = store.range("account_balance_hbar", t(10), t(45)).unwrap();
        assert_eq!(cut.iter().map(|s| s.timestamp.as_millis() / 1000).collect::<Vec<_>>(), [20, 30, 40]);
        let latest = store.latest("account_balance_hbar", 2).unwrap();
        assert_eq!(latest, [balance("0.0.1", 1.0, 40), balance("0.0.1", 9.0, 30)]);
    }

    #[test]
    fn a_new_store_reads_the_current_run_from_the_table() {
        let db = Db::in_memory().unwrap();
        let first = SqliteStore::with_heartbeat(db.clone(), Duration::from_secs(60));
        first.insert(&[balance("0.0.1", 1.0, 0), balance("0.0.1", 1.0, 30)]).unwrap();
        drop(first);
        let second = SqliteStore::with_heartbeat(db.clone(), Duration::from_secs(60));
        second.insert(&[balance("0.0.1", 1.0, 40)]).unwrap();
        second.insert(&[balance("0.0.1", 1.0, 60), balance("0.0.1", 3.0, 65)]).unwrap();
        assert_eq!(rows(&second), [(0, 60, 1.0), (65, 65, 3.0)], "the first run goes on");
        // Without a heartbeat, every sample a point.
        let every = SqliteStore::new(db);
        assert_eq!(every.heartbeat(), None);
        every.insert(&[balance("0.0.1", 3.0, 70), balance("0.0.1", 3.0, 80)]).unwrap();
        assert_eq!(stored_times(&every, "0.0.1"), [0, 60, 65, 70, 80]);
    }

    #[test]
    fn a_run_ended_before_the_cutoff_is_deleted_and_a_going_one_kept_whole() {
        let store = SqliteStore::with_heartbeat(Db::in_memory().unwrap(), Duration::from_secs(3600));
        store.insert(&[balance("0.0.1", 1.0, 0), balance("0.0.2", 1.0, 100)]).unwrap();
        store.insert(&[balance("0.0.3", 5.0, 0), balance("0.0.3", 5.0, 70)]).unwrap();
        // 0.0.3 was seen at 70, after the cutoff, though its row still ends at 0: confirmed, not deleted.
        assert_eq!(store.delete_older_than(t(50)).unwrap(), 1);
        assert_eq!(stored_times(&store, "0.0.3"), [0, 70], "kept whole, its start included");
        store.insert(&[balance("0.0.1", 1.0, 60), balance("0.0.2", 1.0, 160), balance("0.0.3", 5.0, 80)]).unwrap();
        assert_eq!(stored_times(&store, "0.0.1"), [60], "its run is gone, so this one starts a new run");
        assert_eq!(stored_times(&store, "0.0.2"), [100], "still remembered, still extended in memory");
        assert_eq!(stored_times(&store, "0.0.3"), [0, 70]);
        assert_eq!(store.delete_older_than(t(75)).unwrap(), 1, "0.0.1's new run; 0.0.3 goes on in memory");
        assert_eq!(stored_times(&store, "0.0.3"), [0, 80]);
        assert_eq!(store.delete_older_than(t(1000)).unwrap(), 2);
        assert!(store.latest_per_series().unwrap().is_empty());
    }

    #[test]
    fn extending_a_run_runs_no_sql() {
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
        store.insert(&[balance("0.0.1", 1.0, 60)]).unwrap();
        assert_eq!(stored_times(&store, "0.0.1"), [0, 60], "the heartbeat writes in place");
        assert_eq!(rows(&store).len(), 2, "and adds no row");
    }

    #[test]
    fn a_late_sample_is_a_point_that_does_not_hide_the_current_value() {
        let store = SqliteStore::with_heartbeat(Db::in_memory().unwrap(), Duration::from_secs(60));
        let samples: Vec<Sample> = (0..=9).map(|i| balance("0.0.1", 1.0, i * 10)).collect();
        store.insert(&samples).unwrap();
        store.insert(&[balance("0.0.1", 7.0, 75)]).unwrap();
        let at = |secs| store.value_at("account_balance_hbar", &labels("0.0.1"), t(secs)).unwrap().map(|s| s.value);
        // Between the late point and the run's next known confirmation (90 s, in memory), the late value.
        assert_eq!((at(50), at(75), at(80), at(90), at(1000)), (Some(1.0), Some(7.0), Some(7.0), Some(1.0), Some(1.0)));
        assert_eq!(stored_times(&store, "0.0.1"), [0, 60, 75, 90]);
        store.insert(&[balance("0.0.1", 1.0, 100)]).unwrap();
        assert_eq!(rows(&store), [(0, 60, 1.0), (75, 75, 7.0), (90, 90, 1.0)], "the run goes on from 90");
        store.insert(&[balance("0.0.1", 3.0, -10)]).unwrap();
        assert_eq!(at(-5), Some(3.0));
        assert_eq!(at(1000), Some(1.0), "before the run, history only");
    }

    /// A run from 0 s of 5.0, seen up to 30 s, written up to 10 s.
    const RUN: Run = Run { start_ms: 0, value: 5.0, seen_ms: 30_000, stored_ms: 10_000 };
    const HB: i64 = 60_000;

    #[test]
    fn equal_values_extend_in_memory_until_the_heartbeat() {
        assert_eq!(RUN.take(40_000, 5.0, HB), (Run { seen_ms: 40_000, ..RUN }, [None, None]));
        assert_eq!(RUN.take(30_000, 5.0, HB), (RUN, [None, None]), "the same point again");
        assert_eq!(RUN.take(20_000, 5.0, HB), (RUN, [None, None]), "inside the run");
        let confirm = Write::Confirm { start_ms: 0, last_ms: 70_000, value: 5.0 };
        assert_eq!(RUN.take(70_000, 5.0, HB), (Run::stored(0, 70_000, 5.0), [Some(confirm), None]));
        let nan = Run::stored(0, 0, f64::NAN);
        assert_eq!(nan.take(10, f64::NAN, HB).1, [None, None], "NaN equals NaN here");
    }

    #[test]
    fn a_change_closes_the_run_and_starts_one() {
        let close = Write::Confirm { start_ms: 0, last_ms: 30_000, value: 5.0 };
        let (run, writes) = RUN.take(40_000, 6.0, HB);
        assert_eq!((run, writes), (Run::stored(40_000, 40_000, 6.0), [Some(close), Some(Write::point(40_000, 6.0))]));
        let written = Run { stored_ms: 30_000, ..RUN };
        assert_eq!(written.take(40_000, 6.0, HB).1, [None, Some(Write::point(40_000, 6.0))], "already written");
        let (run, writes) = RUN.take(30_000, 6.0, HB);
        assert_eq!((run, writes), (Run::stored(30_000, 30_000, 6.0), [None, Some(Write::point(30_000, 6.0))]));
        let (run, writes) = Run::stored(0, 0, 1.0).take(10, f64::NAN, HB);
        assert!(run.value.is_nan() && run.start_ms == 10, "a change to NaN");
        assert!(matches!(writes, [None, Some(Write::Put { start_ms: 10, last_ms: 10, .. })]));
    }

    #[test]
    fn a_late_sample_is_written_as_a_point() {
        let late = |ts, v| RUN.take(ts, v, HB);
        assert_eq!(late(-5_000, 5.0), (RUN, [Some(Write::point(-5_000, 5.0)), None]), "before the run");
        assert_eq!(late(-5_000, 1.0), (RUN, [Some(Write::point(-5_000, 1.0)), None]));
        // Inside the run with another value: the run starts again at its next known confirmation.
        let again_at_written = Write::Put { start_ms: 10_000, last_ms: 30_000, value: 5.0 };
        assert_eq!(
            late(5_000, 1.0),
            (Run::stored(10_000, 30_000, 5.0), [Some(Write::point(5_000, 1.0)), Some(again_at_written)])
        );
        let again_at_seen = Write::Put { start_ms: 30_000, last_ms: 30_000, value: 5.0 };
        assert_eq!(
            late(20_000, 1.0),
            (Run::stored(30_000, 30_000, 5.0), [Some(Write::point(20_000, 1.0)), Some(again_at_seen)])
        );
        assert_eq!(late(0, 1.0).1, [Some(Write::point(0, 1.0)), Some(again_at_written)], "its start replaced");
    }

    #[test]
    fn the_memory_confirms_going_runs_and_forgets_ended_ones() {
        let mut memory = Memory::default();
        let a: Labels = [("a".to_string(), "1".to_string())].into();
        memory.set("x", &a, Run::stored(0, 10, 1.0));
        memory.set("y", &a, Run { start_ms: 0, value: 2.0, seen_ms: 30, stored_ms: 5 });
        memory.set("z", &a, Run::stored(0, 40, 3.0));
        memory.set("x", &a, Run::stored(0, 20, 1.0));
        assert_eq!(memory.get("x", &a), Some(Run::stored(0, 20, 1.0)));
        let unwritten: Vec<(String, Write)> =
            memory.unwritten_before(25).into_iter().map(|(name, _, w)| (name.to_string(), w)).collect();
        assert_eq!(unwritten, [("y".to_string(), Write::Confirm { start_ms: 0, last_ms: 30, value: 2.0 })]);
        memory.settle_before(25);
        assert_eq!(memory.get("x", &a), None);
        assert!(!memory.0.contains_key("x"));
        assert_eq!(memory.get("y", &a), Some(Run::stored(0, 30, 2.0)), "noted as written");
        assert_eq!(memory.get("z", &a), Some(Run::stored(0, 40, 3.0)));
    }
}
