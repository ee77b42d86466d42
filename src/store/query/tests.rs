//! The API's sample reads on a small store: paging across series that share start times, label matching,
//! since and until, and the newest run of every series.

use std::time::Duration;

use super::*;
use crate::metrics::Sample;
use crate::store::{MetricStore, SqliteStore};
use crate::timestamp::Timestamp;

fn t(secs: i64) -> Timestamp {
    Timestamp::from_millis(secs * 1000)
}

/// `balance` of two accounts sampled at 10, 20 and 30 s (account a changes at 30, b stays 7), `lag` at 15.
fn fixture() -> std::sync::Arc<Db> {
    let db = Db::in_memory().unwrap();
    let store = SqliteStore::with_heartbeat(db.clone(), Duration::from_secs(1));
    let a = [("account", "0.0.1"), ("label", "a")];
    let b = [("account", "0.0.2"), ("label", "b")];
    for (secs, va) in [(10, 1.0), (20, 1.0), (30, 2.0)] {
        store.insert(&[Sample::new("balance", &a, va, t(secs)), Sample::new("balance", &b, 7.0, t(secs))]).unwrap();
    }
    store.insert(&[Sample::new("lag", &[], f64::NAN, t(15))]).unwrap();
    store.flush().unwrap();
    db
}

fn query(name: Option<&str>, limit: usize) -> RunQuery {
    RunQuery { name: name.map(String::from), limit, ..RunQuery::default() }
}

/// (account label or "-", ts secs, last secs, value) of each run.
fn shown(page: &RunPage) -> Vec<(String, i64, i64, f64)> {
    page.runs
        .iter()
        .map(|r| {
            let who = r.labels.get("label").cloned().unwrap_or_else(|| "-".into());
            (who, r.ts_ms / 1000, r.last_ms / 1000, r.value)
        })
        .collect()
}

#[test]
fn runs_come_newest_first_with_their_span() {
    let db = fixture();
    let page = runs(&db, &query(Some("balance"), 10)).unwrap();
    assert!(!page.more);
    let mut got = shown(&page);
    // b's series was created second, so at 10 s it comes first (higher series id).
    assert_eq!(got.remove(0), ("a".into(), 30, 30, 2.0));
    assert_eq!(got, [("b".into(), 10, 30, 7.0), ("a".into(), 10, 20, 1.0)]);
    let all = runs(&db, &query(None, 10)).unwrap();
    assert_eq!(all.runs.len(), 4);
    assert!(all.runs[1].value.is_nan() && all.runs[1].name == "lag");
}

#[test]
fn pages_continue_after_the_cursor_through_equal_start_times() {
    let db = fixture();
    let mut q = query(None, 1);
    let mut seen = Vec::new();
    loop {
        let page = runs(&db, &q).unwrap();
        seen.extend(page.runs.iter().map(StoredRun::cursor));
        let Some(last) = page.runs.last() else { break };
        q.after = Some(last.cursor());
        if !page.more {
            break;
        }
    }
    let expected: Vec<Cursor> = runs(&db, &query(None, 100)).unwrap().runs.iter().map(StoredRun::cursor).collect();
    assert_eq!(seen, expected);
    assert_eq!(seen.len(), 4);
    let cursor = Cursor { ts_ms: -5, series_id: 3 };
    assert_eq!(cursor.to_string().parse::<Cursor>(), Ok(cursor));
    for bad in ["", "1", "a-1", "1-", "1-x", "1--2", "--1"] {
        assert!(bad.parse::<Cursor>().is_err(), "{bad}");
    }
}

#[test]
fn labels_since_and_until_narrow_the_runs() {
    let db = fixture();
    let only_b = RunQuery { labels: [("label".into(), "b".into())].into(), ..query(Some("balance"), 10) };
    assert_eq!(shown(&runs(&db, &only_b).unwrap()), [("b".into(), 10, 30, 7.0)]);
    let both = RunQuery {
        labels: [("label".into(), "b".into()), ("account".into(), "0.0.1".into())].into(),
        ..query(Some("balance"), 10)
    };
    assert!(runs(&db, &both).unwrap().runs.is_empty(), "every label must match");

    let since = RunQuery { since_ms: Some(25_000), ..query(Some("balance"), 10) };
    let got: Vec<_> = shown(&runs(&db, &since).unwrap()).into_iter().map(|r| (r.0, r.1)).collect();
    // a's first run (confirmed last at 20 s) is a's value until its next run starts at 30 s.
    assert_eq!(got, [("a".into(), 30), ("b".into(), 10), ("a".into(), 10)], "in force at 25 s, or later");
    let until = RunQuery { until_ms: Some(30_000), ..query(Some("balance"), 10) };
    let got: Vec<_> = shown(&runs(&db, &until).unwrap()).into_iter().map(|r| (r.0, r.1)).collect();
    assert_eq!(got, [("b".into(), 10), ("a".into(), 10)], "until is exclusive");
    let window = RunQuery { since_ms: Some(21_000), until_ms: Some(29_000), ..query(Some("balance"), 10) };
    let got: Vec<_> = shown(&runs(&db, &window).unwrap()).into_iter().map(|r| (r.0, r.1)).collect();
    assert_eq!(got, [("b".into(), 10), ("a".into(), 10)], "the runs in force from 21 to 29 s");
}

#[test]
fn series_lists_each_with_its_newest_run() {
    let db = fixture();
    let all = series(&db, None).unwrap();
    let names: Vec<(&str, i64)> = all.iter().map(|r| (r.name.as_str(), r.ts_ms / 1000)).collect();
    assert_eq!(names, [("balance", 30), ("balance", 10), ("lag", 15)]);
    assert_eq!(all[1].last_ms, 30_000);
    assert_eq!(series(&db, Some("lag")).unwrap().len(), 1);
    assert!(series(&db, Some("nope")).unwrap().is_empty());
}
