//! [`MemoryStore`]: samples kept in process memory, bounded per series. Each series is a ring buffer sorted by
//! timestamp; when a series holds its bound, inserting drops its oldest sample. A run of equal values keeps only
//! its first and its newest sighting (what the SQLite store keeps of a run too), so a quiet series costs two
//! points however long it stays quiet. Nothing survives the process, which is what `watch` and tests want.

use std::cmp::Reverse;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::changes::same_value;
use super::MetricStore;
use crate::metrics::{labels_match, Labels, Sample};
use crate::timestamp::Timestamp;

/// The bound per series of [`MemoryStore::default`].
pub const DEFAULT_PER_SERIES: usize = 1000;

/// One series' points, sorted by timestamp, oldest first, at most one per timestamp.
type Points = VecDeque<(Timestamp, f64)>;

/// Metric name -> label set -> points: a series is identified by its name and labels, as a `SeriesKey` is.
type Series = BTreeMap<String, BTreeMap<Arc<Labels>, Points>>;

/// An in-memory [`MetricStore`] holding at most `per_series` samples per series (the newest ones).
#[derive(Debug)]
pub struct MemoryStore {
    per_series: usize,
    series: RwLock<Series>,
}

impl MemoryStore {
    /// A store keeping the newest `per_series` samples of each series (at least one).
    pub fn new(per_series: usize) -> Self {
        Self { per_series: per_series.max(1), series: RwLock::new(BTreeMap::new()) }
    }

    /// How many samples of each series this store keeps.
    pub fn per_series(&self) -> usize {
        self.per_series
    }

    // A panic while holding the lock cannot leave the maps half-updated in a way that breaks the invariants
    // (every mutation is a single push, insert, pop or drain), so a poisoned lock is still usable.
    fn read(&self) -> RwLockReadGuard<'_, Series> {
        self.series.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Series> {
        self.series.write().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for MemoryStore {
    /// Keeps [`DEFAULT_PER_SERIES`] samples per series.
    fn default() -> Self {
        Self::new(DEFAULT_PER_SERIES)
    }
}

/// Adds a point keeping the order, replacing a point at the same timestamp, then enforces the bound.
fn push(points: &mut Points, ts: Timestamp, value: f64, bound: usize) {
    match points.back() {
        Some(&(last, _)) if ts <= last => match points.binary_search_by(|(t, _)| t.cmp(&ts)) {
            Ok(i) => points[i].1 = value,
            Err(i) => points.insert(i, (ts, value)),
        },
        _ => {
            let n = points.len();
            let run = n >= 2 && same_value(points[n - 2].1, value) && same_value(points[n - 1].1, value);
            match points.back_mut() {
                // The run goes on: its newest sighting moves.
                Some(last) if run => last.0 = ts,
                _ => points.push_back((ts, value)),
            }
        }
    }
    while points.len() > bound {
        points.pop_front();
    }
}

fn sample(name: &str, labels: &Arc<Labels>, (timestamp, value): (Timestamp, f64)) -> Sample {
    Sample::of(name.to_string(), Arc::clone(labels), value, timestamp)
}

impl MetricStore for MemoryStore {
    fn insert(&self, samples: &[Sample]) -> anyhow::Result<()> {
        if samples.is_empty() {
            return Ok(());
        }
        let mut all = self.write();
        for s in samples {
            // Look up before inserting so the common case (a known series) clones neither name nor labels.
            if !all.get(&*s.name).is_some_and(|by_labels| by_labels.contains_key(&s.labels)) {
                all.entry(s.name.to_string()).or_default().insert(s.labels.clone(), Points::new());
            }
            if let Some(points) = all.get_mut(&*s.name).and_then(|by_labels| by_labels.get_mut(&s.labels)) {
                push(points, s.timestamp, s.value, self.per_series);
            }
        }
        Ok(())
    }

    fn latest(&self, name: &str, n: usize) -> anyhow::Result<Vec<Sample>> {
        self.latest_matching(name, &Labels::new(), n)
    }

    fn latest_matching(&self, name: &str, matcher: &Labels, n: usize) -> anyhow::Result<Vec<Sample>> {
        let all = self.read();
        let Some(by_labels) = all.get(name) else { return Ok(Vec::new()) };
        let mut found: Vec<(Timestamp, f64, &Arc<Labels>)> = Vec::new();
        for (labels, points) in by_labels.iter().filter(|(labels, _)| labels_match(matcher, labels)) {
            found.extend(points.iter().rev().take(n).map(|&(ts, v)| (ts, v, labels)));
        }
        found.sort_by_key(|&(ts, ..)| Reverse(ts));
        found.truncate(n);
        Ok(found.into_iter().map(|(ts, v, labels)| sample(name, labels, (ts, v))).collect())
    }

    fn range(&self, name: &str, from: Timestamp, to: Timestamp) -> anyhow::Result<Vec<Sample>> {
        let all = self.read();
        let Some(by_labels) = all.get(name) else { return Ok(Vec::new()) };
        let mut found: Vec<(Timestamp, f64, &Arc<Labels>)> = Vec::new();
        for (labels, points) in by_labels {
            let start = points.partition_point(|(t, _)| *t < from);
            found.extend(points.range(start..).take_while(|(t, _)| *t < to).map(|&(ts, v)| (ts, v, labels)));
        }
        found.sort_by_key(|&(ts, ..)| ts);
        Ok(found.into_iter().map(|(ts, v, labels)| sample(name, labels, (ts, v))).collect())
    }

    fn latest_per_series(&self) -> anyhow::Result<Vec<Sample>> {
        let all = self.read();
        let mut found: Vec<Sample> = all
            .iter()
            .flat_map(|(name, by_labels)| {
                by_labels.iter().filter_map(move |(labels, points)| points.back().map(|p| sample(name, labels, *p)))
            })
            .collect();
        found.sort_by_cached_key(Sample::series);
        Ok(found)
    }

    fn delete_older_than(&self, cutoff: Timestamp) -> anyhow::Result<usize> {
        let mut all = self.write();
        let mut deleted = 0;
        for by_labels in all.values_mut() {
            for points in by_labels.values_mut() {
                let mut old = points.partition_point(|(t, _)| *t < cutoff);
                // A run confirmed at or after the cutoff keeps its older start (the time its value was first seen).
                if old > 0 && points.get(old).is_some_and(|next| same_value(next.1, points[old - 1].1)) {
                    old -= 1;
                }
                points.drain(..old);
                deleted += old;
            }
            by_labels.retain(|_, points| !points.is_empty());
        }
        all.retain(|_, by_labels| !by_labels.is_empty());
        Ok(deleted)
    }

    fn value_at(&self, name: &str, labels: &Labels, at: Timestamp) -> anyhow::Result<Option<Sample>> {
        let all = self.read();
        let Some((labels, points)) = all.get(name).and_then(|by_labels| by_labels.get_key_value(labels)) else {
            return Ok(None);
        };
        let upto = points.partition_point(|(t, _)| *t <= at);
        Ok(upto.checked_sub(1).map(|i| sample(name, labels, points[i])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::conformance;

    fn t(secs: i64) -> Timestamp {
        Timestamp::from_millis(secs * 1000)
    }

    #[test]
    fn conforms() {
        conformance(|| Box::new(MemoryStore::default()));
        conformance(|| Box::new(MemoryStore::new(50)));
    }

    #[test]
    fn is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<MemoryStore>();
    }

    #[test]
    fn each_series_keeps_its_newest_up_to_the_bound() {
        let store = MemoryStore::default();
        assert_eq!(store.per_series(), 1000);
        store.insert(&[Sample::new("cpu", &[("host", "b")], -1.0, t(0))]).unwrap();
        for batch in 0..15 {
            let samples: Vec<Sample> = (batch * 100..(batch + 1) * 100)
                .map(|i| Sample::new("cpu", &[("host", "a")], i as f64, t(i)))
                .collect();
            store.insert(&samples).unwrap();
        }
        let a = Labels::from([("host".to_string(), "a".to_string())]);
        let kept = store.latest_matching("cpu", &a, 5000).unwrap();
        assert_eq!(kept.len(), 1000);
        assert_eq!(kept[0].timestamp, t(1499));
        assert_eq!(kept[999].timestamp, t(500), "the oldest 500 were dropped");
        assert!(store.range("cpu", t(0), t(500)).unwrap().iter().all(|s| s.labels["host"] == "b"));
        let b = Labels::from([("host".to_string(), "b".to_string())]);
        assert_eq!(store.latest_matching("cpu", &b, 10).unwrap(), [Sample::new("cpu", &[("host", "b")], -1.0, t(0))]);
        assert_eq!(store.latest("cpu", 5000).unwrap().len(), 1001);
    }

    #[test]
    fn a_late_sample_older_than_a_full_series_is_dropped() {
        let store = MemoryStore::new(3);
        let at = |secs| Sample::new("x", &[], secs as f64, t(secs));
        store.insert(&[at(10), at(20), at(30)]).unwrap();
        store.insert(&[at(5)]).unwrap();
        let secs = |v: Vec<Sample>| v.iter().map(|s| s.value).collect::<Vec<_>>();
        assert_eq!(secs(store.range("x", t(0), t(100)).unwrap()), [10.0, 20.0, 30.0]);
        store.insert(&[at(15)]).unwrap();
        assert_eq!(secs(store.range("x", t(0), t(100)).unwrap()), [15.0, 20.0, 30.0]);
        assert_eq!(MemoryStore::new(0).per_series(), 1);
    }

    #[test]
    fn a_run_of_one_value_keeps_its_first_and_newest_sighting() {
        let store = MemoryStore::new(1000);
        let values = [1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 1.0, f64::NAN, f64::NAN, f64::NAN];
        let samples: Vec<Sample> =
            values.iter().enumerate().map(|(i, v)| Sample::new("x", &[], *v, t(i as i64))).collect();
        store.insert(&samples).unwrap();
        let kept: Vec<(i64, f64)> =
            store.range("x", t(0), t(100)).unwrap().iter().map(|s| (s.timestamp.as_millis() / 1000, s.value)).collect();
        let (first, last) = (&kept[..5], &kept[5..]);
        assert_eq!(first, [(0, 1.0), (3, 1.0), (4, 2.0), (5, 2.0), (6, 1.0)]);
        assert_eq!((last.len(), last[0].0, last[1].0), (2, 7, 9));
        assert!(last.iter().all(|(_, v)| v.is_nan()));
        assert_eq!(store.value_at("x", &Labels::new(), t(2)).unwrap().map(|s| s.value), Some(1.0));
    }

    #[test]
    fn pruning_keeps_the_start_of_a_run_still_going() {
        let store = MemoryStore::new(1000);
        let values = [(0, 1.0), (10, 2.0), (20, 2.0), (30, 2.0)];
        store.insert(&values.map(|(secs, v)| Sample::new("x", &[], v, t(secs)))).unwrap();
        assert_eq!(store.delete_older_than(t(15)).unwrap(), 1, "the run of 1.0 ended before the cutoff");
        let value_at = |secs| store.value_at("x", &Labels::new(), t(secs)).unwrap().map(|s| s.value);
        assert_eq!((value_at(12), value_at(25)), (Some(2.0), Some(2.0)), "the run of 2.0 still starts at 10");
        assert_eq!(store.delete_older_than(t(40)).unwrap(), 2, "ended before the new cutoff");
        assert_eq!(value_at(45), None);
    }

    #[test]
    fn keeps_nanosecond_timestamps() {
        let store = MemoryStore::default();
        let ts = Timestamp { secs: 1_700_000_000, nanos: 123_456_789 };
        store.insert(&[Sample::new("x", &[], 1.0, ts)]).unwrap();
        assert_eq!(store.latest("x", 1).unwrap()[0].timestamp, ts);
    }
}
