//! Metric storage: the [`MetricStore`] trait that the pipeline writes samples to and the daemon's queries read
//! from, plus its two implementations: [`MemoryStore`] (bounded ring buffers, for tests and embedders) and
//! [`SqliteStore`] (a durable file, for the daemon and `watch --store`). Both keep the same contract, checked by
//! one shared conformance suite. `watch` without a store file keeps no samples: nothing would read them.

mod changes;
pub mod db;
pub mod memory;
pub mod query;
mod schema;
pub mod sqlite;

pub use db::Db;
pub use memory::MemoryStore;
pub use sqlite::{default_path, SqliteStore, DEFAULT_RETENTION};

use crate::metrics::{Labels, Sample};
use crate::timestamp::Timestamp;

/// Where samples live. Sync: both implementations are fast enough to call from async code directly.
///
/// A series holds at most one sample per timestamp: inserting a sample at a timestamp its series already has
/// replaces the value. Samples with equal timestamps in different series come back in an unspecified order.
///
/// A store may keep a series as runs of one value rather than every sample ([`SqliteStore`] stores one row per
/// run): it then answers each run as the sample that started it and, when later, the run's newest written
/// confirmation, and the queries below speak of those samples. Storing every sample, each sample is a run of
/// its own. [`MetricStore::value_at`] answers the value at any time either way.
pub trait MetricStore: Send + Sync {
    /// Stores samples (any number of series, any order).
    fn insert(&self, samples: &[Sample]) -> anyhow::Result<()>;
    /// The newest `n` samples of metric `name`, over all its series, newest first.
    fn latest(&self, name: &str, n: usize) -> anyhow::Result<Vec<Sample>>;
    /// The newest `n` samples of `name` whose labels include every label of `matcher` (labels_match), newest first.
    fn latest_matching(&self, name: &str, matcher: &Labels, n: usize) -> anyhow::Result<Vec<Sample>>;
    /// Samples of `name` with from <= timestamp < to, oldest first.
    fn range(&self, name: &str, from: Timestamp, to: Timestamp) -> anyhow::Result<Vec<Sample>>;
    /// The newest sample of every series, sorted by series key.
    fn latest_per_series(&self) -> anyhow::Result<Vec<Sample>>;
    /// Writes out what is kept in memory only (the latest sightings of quiet series), before a stop.
    fn flush(&self) -> anyhow::Result<()> {
        Ok(())
    }
    /// Deletes every sample older than `cutoff`; returns how many were deleted. A store of runs deletes whole
    /// runs and counts runs: a run that ended before `cutoff` goes, one confirmed at or after `cutoff` stays with
    /// its older start, so a series that is still going keeps the time its value was first seen.
    fn delete_older_than(&self, cutoff: Timestamp) -> anyhow::Result<usize>;
    /// The value series `name{labels}` (exactly these labels, not a matcher) had at time `at`: its newest sample
    /// with timestamp <= `at`, if any. This stays right when a store keeps runs: the answer is the value of the
    /// run that started last at or before `at`, as its newest sample at or before `at`.
    fn value_at(&self, name: &str, labels: &Labels, at: Timestamp) -> anyhow::Result<Option<Sample>>;
}

#[cfg(test)]
mod tests {
    //! The conformance suite both implementations run. Timestamps are whole milliseconds, the precision
    //! `SqliteStore` keeps.

    use super::*;
    use crate::metrics::SeriesKey;

    /// Seconds since the epoch as a timestamp.
    fn t(secs: i64) -> Timestamp {
        Timestamp::from_millis(secs * 1000)
    }

    fn s(name: &str, labels: &[(&str, &str)], value: f64, secs: i64) -> Sample {
        Sample::new(name.to_string(), labels, value, t(secs))
    }

    fn matcher(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn times(samples: &[Sample]) -> Vec<i64> {
        samples.iter().map(|s| s.timestamp.as_millis() / 1000).collect()
    }

    /// Three `cpu` series and one `mem` series, inserted in a scrambled order over several batches.
    fn fixture(store: &dyn MetricStore) {
        let a = [("host", "a"), ("dc", "x")];
        let b = [("host", "b"), ("dc", "x")];
        let c = [("host", "c"), ("dc", "y")];
        store.insert(&[s("cpu", &a, 1.0, 10), s("cpu", &b, 2.0, 11), s("mem", &[("host", "a")], 9.0, 50)]).unwrap();
        store.insert(&[s("cpu", &c, 3.0, 12), s("cpu", &a, 4.0, 13), s("cpu", &b, 5.0, 14)]).unwrap();
        store.insert(&[s("cpu", &c, 6.0, 15)]).unwrap();
        store.insert(&[]).unwrap();
    }

    /// Runs every check, each on a fresh store from `make`.
    pub(super) fn conformance(make: impl Fn() -> Box<dyn MetricStore>) {
        latest_spans_series(&*make());
        latest_matching_takes_subsets(&*make());
        range_is_half_open(&*make());
        latest_per_series_is_sorted_by_key(&*make());
        delete_counts_and_forgets(&*make());
        out_of_order_inserts_come_back_ordered(&*make());
        same_timestamp_replaces(&*make());
        odd_values_round_trip(&*make());
        value_at_answers_the_newest_point_up_to_then(&*make());
    }

    fn latest_spans_series(store: &dyn MetricStore) {
        fixture(store);
        let top = store.latest("cpu", 3).unwrap();
        assert_eq!(times(&top), [15, 14, 13]);
        assert_eq!(top[0], s("cpu", &[("host", "c"), ("dc", "y")], 6.0, 15));
        assert_eq!(top.iter().map(|s| s.value).collect::<Vec<_>>(), [6.0, 5.0, 4.0]);
        assert_eq!(times(&store.latest("cpu", 100).unwrap()), [15, 14, 13, 12, 11, 10]);
        assert_eq!(store.latest("mem", 5).unwrap(), [s("mem", &[("host", "a")], 9.0, 50)]);
        assert!(store.latest("cpu", 0).unwrap().is_empty());
        assert!(store.latest("nope", 5).unwrap().is_empty());
        assert!(store.latest("cp", 5).unwrap().is_empty(), "a name prefix is not a name");
    }

    fn latest_matching_takes_subsets(store: &dyn MetricStore) {
        fixture(store);
        let x = store.latest_matching("cpu", &matcher(&[("dc", "x")]), 10).unwrap();
        assert_eq!(times(&x), [14, 13, 11, 10]);
        assert!(x.iter().all(|s| s.labels["dc"] == "x"));
        let hb = store.latest_matching("cpu", &matcher(&[("dc", "x"), ("host", "b")]), 1).unwrap();
        assert_eq!(hb, [s("cpu", &[("host", "b"), ("dc", "x")], 5.0, 14)]);
        assert_eq!(times(&store.latest_matching("cpu", &Labels::new(), 2).unwrap()), [15, 14]);
        assert!(store.latest_matching("cpu", &matcher(&[("dc", "z")]), 10).unwrap().is_empty());
        assert!(store.latest_matching("cpu", &matcher(&[("zone", "x")]), 10).unwrap().is_empty());
        assert!(store.latest_matching("mem", &matcher(&[("dc", "x")]), 10).unwrap().is_empty());
    }

    fn range_is_half_open(store: &dyn MetricStore) {
        fixture(store);
        let r = store.range("cpu", t(11), t(14)).unwrap();
        assert_eq!(times(&r), [11, 12, 13], "from is inclusive, to exclusive");
        assert_eq!(r[0], s("cpu", &[("host", "b"), ("dc", "x")], 2.0, 11));
        assert_eq!(times(&store.range("cpu", t(0), t(100)).unwrap()), [10, 11, 12, 13, 14, 15]);
        assert_eq!(times(&store.range("cpu", t(15), t(16)).unwrap()), [15]);
        assert!(store.range("cpu", t(12), t(12)).unwrap().is_empty());
        assert!(store.range("cpu", t(14), t(11)).unwrap().is_empty());
        assert!(store.range("nope", t(0), t(100)).unwrap().is_empty());
        let ms = store.range("cpu", Timestamp::from_millis(10_001), Timestamp::from_millis(11_001)).unwrap();
        assert_eq!(times(&ms), [11]);
    }

    fn latest_per_series_is_sorted_by_key(store: &dyn MetricStore) {
        assert!(store.latest_per_series().unwrap().is_empty());
        fixture(store);
        store.insert(&[s("ab", &[], 7.0, 1), s("a", &[("k", "v")], 8.0, 2)]).unwrap();
        let all = store.latest_per_series().unwrap();
        let keys: Vec<SeriesKey> = all.iter().map(Sample::series).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(all.len(), 6);
        let newest = |key: &str| {
            all.iter().find(|s| s.series().as_str() == key).map(|s| (s.value, times(std::slice::from_ref(s))))
        };
        assert_eq!(newest(r#"cpu{dc="x",host="a"}"#), Some((4.0, vec![13])));
        assert_eq!(newest(r#"cpu{dc="x",host="b"}"#), Some((5.0, vec![14])));
        assert_eq!(newest(r#"cpu{dc="y",host="c"}"#), Some((6.0, vec![15])));
        assert_eq!(newest(r#"mem{host="a"}"#), Some((9.0, vec![50])));
        assert_eq!(newest("ab{}"), Some((7.0, vec![1])));
    }

    fn delete_counts_and_forgets(store: &dyn MetricStore) {
        fixture(store);
        assert_eq!(store.delete_older_than(t(10)).unwrap(), 0, "the cutoff itself is kept");
        assert_eq!(store.delete_older_than(t(13)).unwrap(), 3);
        assert_eq!(store.delete_older_than(t(13)).unwrap(), 0);
        assert_eq!(times(&store.latest("cpu", 10).unwrap()), [15, 14, 13]);
        assert_eq!(store.latest_per_series().unwrap().len(), 4);
        assert_eq!(store.delete_older_than(t(15)).unwrap(), 2);
        let left: Vec<String> = store.latest_per_series().unwrap().iter().map(|s| s.series().to_string()).collect();
        assert_eq!(left, [r#"cpu{dc="y",host="c"}"#, r#"mem{host="a"}"#], "emptied series are gone");
        assert_eq!(store.delete_older_than(t(1000)).unwrap(), 2);
        assert!(store.latest_per_series().unwrap().is_empty());
        store.insert(&[s("cpu", &[("host", "a"), ("dc", "x")], 1.5, 2000)]).unwrap();
        assert_eq!(times(&store.latest("cpu", 5).unwrap()), [2000], "a deleted series can come back");
    }

    fn out_of_order_inserts_come_back_ordered(store: &dyn MetricStore) {
        let l = [("host", "a")];
        for secs in [5, 1, 3, 2, 4] {
            store.insert(&[s("lag", &l, secs as f64, secs)]).unwrap();
        }
        store
            .insert(&[s("lag", &l, 9.0, 9), s("lag", &l, 7.0, 7), s("lag", &l, 8.0, 8), s("lag", &l, 6.0, 6)])
            .unwrap();
        assert_eq!(times(&store.latest("lag", 100).unwrap()), [9, 8, 7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(times(&store.latest_matching("lag", &matcher(&l), 3).unwrap()), [9, 8, 7]);
        assert_eq!(times(&store.range("lag", t(2), t(8)).unwrap()), [2, 3, 4, 5, 6, 7]);
        assert_eq!(store.latest_per_series().unwrap(), [s("lag", &l, 9.0, 9)]);
        assert!(store.latest("lag", 100).unwrap().iter().all(|s| s.value == (s.timestamp.as_millis() / 1000) as f64));
        assert_eq!(store.delete_older_than(t(4)).unwrap(), 3);
        assert_eq!(times(&store.range("lag", t(0), t(100)).unwrap()), [4, 5, 6, 7, 8, 9]);
    }

    fn same_timestamp_replaces(store: &dyn MetricStore) {
        store.insert(&[s("up", &[], 1.0, 1), s("up", &[], 2.0, 2)]).unwrap();
        store.insert(&[s("up", &[], 0.0, 1)]).unwrap();
        store.insert(&[s("up", &[], 3.0, 2), s("up", &[], 4.0, 2)]).unwrap();
        let all = store.range("up", t(0), t(10)).unwrap();
        assert_eq!(all, [s("up", &[], 0.0, 1), s("up", &[], 4.0, 2)]);
    }

    fn value_at_answers_the_newest_point_up_to_then(store: &dyn MetricStore) {
        fixture(store);
        let a = matcher(&[("host", "a"), ("dc", "x")]);
        let at = |secs| store.value_at("cpu", &a, t(secs)).unwrap();
        assert_eq!(at(9), None, "before the first sample");
        assert_eq!(at(10), Some(s("cpu", &[("host", "a"), ("dc", "x")], 1.0, 10)), "at a sample, that sample");
        assert_eq!(at(12), Some(s("cpu", &[("host", "a"), ("dc", "x")], 1.0, 10)), "between two, the earlier");
        assert_eq!(at(13).map(|s| s.value), Some(4.0));
        assert_eq!(at(1_000_000).map(|s| s.value), Some(4.0), "after the last, the last");
        let just_before = Timestamp::from_millis(12_999);
        assert_eq!(store.value_at("cpu", &a, just_before).unwrap().map(|s| s.value), Some(1.0));
        assert_eq!(store.value_at("cpu", &matcher(&[("host", "a")]), t(20)).unwrap(), None, "labels are exact");
        assert_eq!(store.value_at("cpu", &Labels::new(), t(20)).unwrap(), None);
        assert_eq!(store.value_at("mem", &a, t(100)).unwrap(), None, "another metric's series");
        assert_eq!(store.value_at("nope", &a, t(100)).unwrap(), None);
        assert_eq!(store.value_at("mem", &matcher(&[("host", "a")]), t(50)).unwrap().map(|s| s.value), Some(9.0));
        store.insert(&[s("nan", &[], f64::NAN, 1)]).unwrap();
        assert!(store.value_at("nan", &Labels::new(), t(5)).unwrap().is_some_and(|s| s.value.is_nan()));
        store.delete_older_than(t(13)).unwrap();
        assert_eq!(at(12), None, "deleted samples are not answered");
        assert_eq!(at(14).map(|s| s.value), Some(4.0));
    }

    fn odd_values_round_trip(store: &dyn MetricStore) {
        let odd = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.5, 1e300, f64::MIN_POSITIVE];
        let samples: Vec<Sample> = odd.iter().enumerate().map(|(i, v)| s("odd", &[], *v, i as i64)).collect();
        store.insert(&samples).unwrap();
        let back = store.range("odd", t(0), t(10)).unwrap();
        assert_eq!(back.len(), odd.len());
        assert!(back[0].value.is_nan());
        assert_eq!(&back[1..], &samples[1..]);
        let labels = [("quote", "\"x\""), ("uni", "ħ✓"), ("empty", "")];
        store.insert(&[s("odd", &labels, 1.0, 100)]).unwrap();
        assert_eq!(store.latest_matching("odd", &matcher(&labels), 5).unwrap(), [s("odd", &labels, 1.0, 100)]);
    }
}
