//! Silences on an in-memory store, at explicit times.

use super::*;

const HOUR: Duration = Duration::from_secs(3600);

/// Seconds since the epoch as a timestamp.
fn t(secs: i64) -> Timestamp {
    Timestamp::from_millis(secs * 1000)
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn ids(silences: &[Silence]) -> Vec<&str> {
    silences.iter().map(|s| s.id.as_str()).collect()
}

#[test]
fn add_list_remove_round_trip() {
    let db = Db::in_memory().unwrap();
    let now = t(1_700_000_000);
    let added = add(&db, "low", &labels(&[("account", "0.0.7")]), 2 * HOUR, "maintenance", now).unwrap();
    assert_eq!(added.id.len(), ID_DIGITS);
    assert!(added.id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{}", added.id);
    assert_eq!((added.starts_at, added.ends_at, added.created_at), (now, t(1_700_007_200), now));

    assert_eq!(list(&db, now, false).unwrap(), vec![added.clone()], "read back as written");
    assert!(remove(&db, &added.id).unwrap());
    assert!(!remove(&db, &added.id).unwrap(), "gone already");
    assert!(list(&db, now, true).unwrap().is_empty());
}

#[test]
fn ids_differ() {
    let db = Db::in_memory().unwrap();
    let now = t(1_700_000_000);
    let mut seen: Vec<String> = (0..50).map(|_| add(&db, "low", &Labels::new(), HOUR, "", now).unwrap().id).collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 50);
}

#[test]
fn times_are_kept_in_whole_milliseconds() {
    let db = Db::in_memory().unwrap();
    let now = Timestamp { secs: 1_700_000_000, nanos: 123_456_789 };
    let added = add(&db, "low", &Labels::new(), Duration::from_millis(1500), "", now).unwrap();
    assert_eq!(added.starts_at, Timestamp { secs: 1_700_000_000, nanos: 123_000_000 });
    assert_eq!(added.ends_at, Timestamp { secs: 1_700_000_001, nanos: 623_000_000 });
    assert_eq!(list(&db, now, false).unwrap(), vec![added]);
}

#[test]
fn a_silence_matches_its_rule_and_any_series_with_its_labels() {
    let now = t(1_700_000_000);
    let s = Silence {
        id: "a".into(),
        rule: "low".into(),
        labels: labels(&[("account", "0.0.7")]),
        starts_at: now,
        ends_at: t(1_700_003_600),
        comment: String::new(),
        created_at: now,
    };
    assert!(s.matches("low", &labels(&[("account", "0.0.7")]), now));
    assert!(s.matches("low", &labels(&[("account", "0.0.7"), ("network", "testnet")]), now), "a subset is enough");
    assert!(!s.matches("low", &labels(&[("account", "0.0.8")]), now));
    assert!(!s.matches("low", &Labels::new(), now), "a series without the label is not muted");
    assert!(!s.matches("high", &labels(&[("account", "0.0.7")]), now), "another rule");

    let everything = Silence { labels: Labels::new(), ..s };
    assert!(everything.matches("low", &Labels::new(), now));
    assert!(everything.matches("low", &labels(&[("account", "0.0.8")]), now));
}

#[test]
fn active_from_start_until_just_before_the_end() {
    let start = t(1_700_000_000);
    let s = Silence {
        id: "a".into(),
        rule: "low".into(),
        labels: Labels::new(),
        starts_at: start,
        ends_at: t(1_700_003_600),
        comment: String::new(),
        created_at: start,
    };
    let any = Labels::new();
    assert!(!s.matches("low", &any, Timestamp::from_millis(start.as_millis() - 1)));
    assert!(s.matches("low", &any, start));
    assert!(s.matches("low", &any, Timestamp::from_millis(s.ends_at.as_millis() - 1)));
    assert!(!s.matches("low", &any, s.ends_at), "the end is exclusive");
}

#[test]
fn active_reads_only_what_applies_now_soonest_end_first() {
    let db = Db::in_memory().unwrap();
    let now = t(1_700_000_000);
    let long = add(&db, "low", &Labels::new(), 3 * HOUR, "", now).unwrap();
    let short = add(&db, "high", &Labels::new(), HOUR, "", now).unwrap();
    let ended = add(&db, "low", &Labels::new(), HOUR, "", t(1_699_990_000)).unwrap();
    let conn = db.lock();
    assert_eq!(ids(&active(&conn, now).unwrap()), [short.id.as_str(), long.id.as_str()]);
    assert_eq!(ids(&active(&conn, ended.starts_at).unwrap()), [ended.id.as_str()], "not yet the others");
    assert_eq!(ids(&active(&conn, short.ends_at).unwrap()), [long.id.as_str()], "the end is exclusive");
    assert!(active(&conn, long.ends_at).unwrap().is_empty());
}

#[test]
fn list_puts_active_first_and_ended_only_with_all() {
    let db = Db::in_memory().unwrap();
    let now = t(1_700_000_000);
    let ended_long_ago = add(&db, "low", &Labels::new(), HOUR, "", t(1_699_900_000)).unwrap();
    let ended_recently = add(&db, "low", &Labels::new(), HOUR, "", t(1_699_996_000)).unwrap();
    let later = add(&db, "low", &Labels::new(), HOUR, "", t(1_700_001_000)).unwrap();
    let long = add(&db, "low", &Labels::new(), 5 * HOUR, "", now).unwrap();
    let short = add(&db, "low", &Labels::new(), HOUR, "", now).unwrap();

    let current = list(&db, now, false).unwrap();
    assert_eq!(ids(&current), [short.id.as_str(), long.id.as_str(), later.id.as_str()]);
    let all = list(&db, now, true).unwrap();
    assert_eq!(ids(&all), [&short.id, &long.id, &later.id, &ended_recently.id, &ended_long_ago.id].map(String::as_str));
    assert!(all.iter().filter(|s| s.ends_at <= now).all(|s| !s.is_active(now)), "never shown as active");
}

#[test]
fn adding_prunes_silences_that_ended_more_than_a_week_ago() {
    let db = Db::in_memory().unwrap();
    let start = t(1_700_000_000);
    let old = add(&db, "low", &Labels::new(), HOUR, "", start).unwrap();
    let kept_until = Timestamp::from_millis(old.ends_at.as_millis() + PRUNE_AFTER.as_millis() as i64);
    let stored = |db: &Db| -> Vec<String> {
        let conn = db.lock();
        let mut stmt = conn.prepare("SELECT id FROM silences ORDER BY created_ms").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };

    let just_before = Timestamp::from_millis(kept_until.as_millis() - 1);
    let second = add(&db, "low", &Labels::new(), HOUR, "", just_before).unwrap();
    assert_eq!(stored(&db), [old.id.clone(), second.id.clone()], "kept for a week");
    assert_eq!(ids(&list(&db, just_before, true).unwrap())[1], old.id, "and listed with --all");

    let third = add(&db, "low", &Labels::new(), HOUR, "", kept_until).unwrap();
    assert_eq!(stored(&db), [second.id.clone(), third.id.clone()], "pruned once a week past its end");
}

#[test]
fn ended_silences_are_listed_for_a_week_even_before_they_are_pruned() {
    let db = Db::in_memory().unwrap();
    let old = add(&db, "low", &Labels::new(), HOUR, "", t(1_700_000_000)).unwrap();
    let week_later = Timestamp::from_millis(old.ends_at.as_millis() + PRUNE_AFTER.as_millis() as i64);
    let just_before = Timestamp::from_millis(week_later.as_millis() - 1);
    assert_eq!(ids(&list(&db, just_before, true).unwrap()), [old.id.as_str()]);
    assert!(list(&db, week_later, true).unwrap().is_empty(), "still stored, no longer listed");
    assert!(list(&db, old.ends_at, false).unwrap().is_empty());
}

#[test]
fn durations_out_of_range_are_usage_errors() {
    let db = Db::in_memory().unwrap();
    let now = t(1_700_000_000);
    for d in [Duration::ZERO, Duration::from_micros(999), MAX_DURATION + Duration::from_secs(1)] {
        let err = add(&db, "low", &Labels::new(), d, "", now).unwrap_err();
        assert_eq!(crate::error::exit_code(&err).code(), 2, "{d:?}");
        assert!(err.to_string().contains("a silence lasts from 1ms to 3650d"), "{err}");
    }
    let err = add(&db, "low", &labels(&[(" ", "x")]), HOUR, "", now).unwrap_err();
    assert!(err.to_string().contains("invalid label name"), "{err}");
    assert!(list(&db, now, true).unwrap().is_empty(), "nothing written");
}

#[test]
fn json_has_snake_case_keys_and_rfc3339_times() {
    let now = t(1_700_000_000);
    let s = Silence {
        id: "0a1b2c3d4e".into(),
        rule: "low".into(),
        labels: labels(&[("account", "0.0.7")]),
        starts_at: now,
        ends_at: t(1_700_003_600),
        comment: "upgrade".into(),
        created_at: now,
    };
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "id": "0a1b2c3d4e",
            "rule": "low",
            "labels": { "account": "0.0.7" },
            "starts_at": "2023-11-14T22:13:20Z",
            "ends_at": "2023-11-14T23:13:20Z",
            "comment": "upgrade",
            "created_at": "2023-11-14T22:13:20Z",
        })
    );
}

#[test]
fn a_silence_covers_every_series_only_when_the_rule_requires_its_labels() {
    let now = t(1_700_000_000);
    let s = |pairs: &[(&str, &str)]| Silence {
        id: "a".into(),
        rule: "low".into(),
        labels: labels(pairs),
        starts_at: now,
        ends_at: t(1_700_003_600),
        comment: String::new(),
        created_at: now,
    };
    let rule = labels(&[("account", "0.0.7")]);
    assert!(s(&[]).covers_all_series(&rule));
    assert!(s(&[("account", "0.0.7")]).covers_all_series(&rule));
    assert!(!s(&[("account", "0.0.8")]).covers_all_series(&rule));
    assert!(!s(&[("network", "testnet")]).covers_all_series(&rule));
}
