//! The rule state machine, driven by a controllable clock: no sleeps. A "run" is a batch; a restart is a new
//! manager restored from the previous one's persisted changes.

use std::time::Duration;

use super::*;
use crate::alert::rule::RuleConfig;

fn at(secs: i64) -> Timestamp {
    Timestamp { secs, nanos: 0 }
}

fn balance(account: &str, value: f64, secs: i64) -> Sample {
    Sample::new("account_balance_hbar", &[("account", account), ("label", "x")], value, at(secs))
}

fn rule(condition: &str, threshold: Option<f64>, pending: &str, repeat: &str) -> Rule {
    named("low", condition, threshold, pending, repeat)
}

fn named(name: &str, condition: &str, threshold: Option<f64>, pending: &str, repeat: &str) -> Rule {
    RuleConfig {
        name: name.into(),
        metric: "account_balance_hbar".into(),
        condition: condition.into(),
        threshold,
        pending: Some(pending.into()),
        repeat: Some(repeat.into()),
        ..Default::default()
    }
    .validate(&[])
    .unwrap()
}

/// Feeds one sample as its own accounts batch and returns (status, value) of what it caused.
fn feed(m: &mut AlertManager, s: Sample) -> Vec<(AlertStatus, f64)> {
    let now = s.timestamp;
    batch(m, &[s], now)
}

/// One accounts batch of `samples` at `now`.
fn batch(m: &mut AlertManager, samples: &[Sample], now: Timestamp) -> Vec<(AlertStatus, f64)> {
    full_batch(m, samples, now).into_iter().map(|o| (o.notification.status, o.notification.value)).collect()
}

fn full_batch(m: &mut AlertManager, samples: &[Sample], now: Timestamp) -> Vec<Outgoing> {
    let mut out = Vec::new();
    m.begin_batch();
    for s in samples {
        m.observe(s, s.timestamp, &mut out);
    }
    m.end_batch("accounts", now, &mut out);
    out
}

/// A persisted table of states: what `take_changes` wrote so far.
#[derive(Default)]
struct Table(std::collections::BTreeMap<(String, String), String>);

impl Table {
    fn commit(&mut self, m: &mut AlertManager) {
        let changes = m.take_changes();
        for (rule, labels, state) in changes.upserts {
            self.0.insert((rule, labels), state);
        }
        for key in changes.deletes {
            self.0.remove(&key);
        }
        m.committed();
    }

    fn restart(&self, rules: Vec<Rule>) -> AlertManager {
        let mut m = AlertManager::new(rules);
        let rows = self.0.iter().map(|((r, l), s)| (r.clone(), l.clone(), s.clone())).collect();
        assert!(m.restore(rows, &["accounts", "mirror", "nodes", "webhooks"]).is_empty());
        m
    }
}

#[test]
fn pending_then_firing_after_for_then_repeat_then_resolved() {
    let mut m = AlertManager::new(vec![rule("<", Some(10.0), "60s", "5m")]);
    assert_eq!(feed(&mut m, balance("0.0.1", 50.0, 0)), []);
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 10)), []);
    assert!(matches!(m.phase("low", &balance("0.0.1", 0.0, 0)), Phase::Pending { .. }));
    assert_eq!(feed(&mut m, balance("0.0.1", 4.0, 69)), [], "59 s pending is not yet 60");
    assert_eq!(feed(&mut m, balance("0.0.1", 3.0, 70)), [(AlertStatus::Firing, 3.0)]);
    assert_eq!(feed(&mut m, balance("0.0.1", 3.0, 80)), [], "no repeat before 5 minutes");
    assert_eq!(feed(&mut m, balance("0.0.1", 2.0, 370)), [(AlertStatus::Firing, 2.0)], "repeat after 5 minutes");
    assert_eq!(feed(&mut m, balance("0.0.1", 2.0, 400)), []);
    assert_eq!(feed(&mut m, balance("0.0.1", 20.0, 410)), [(AlertStatus::Resolved, 20.0)]);
    assert_eq!(m.phase("low", &balance("0.0.1", 0.0, 0)), Phase::Inactive);
    assert!(m.alerts().is_empty());
}

#[test]
fn pending_that_clears_never_fires() {
    let mut m = AlertManager::new(vec![rule("<", Some(10.0), "60s", "5m")]);
    feed(&mut m, balance("0.0.1", 5.0, 0));
    assert_eq!(feed(&mut m, balance("0.0.1", 50.0, 30)), []);
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 100)), [], "pending starts again from 100");
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 159)), []);
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 160)), [(AlertStatus::Firing, 5.0)]);
}

#[test]
fn two_series_under_one_rule_fire_and_resolve_independently() {
    let mut m = AlertManager::new(vec![rule("<", Some(10.0), "0s", "4h")]);
    assert_eq!(batch(&mut m, &[balance("0.0.1", 5.0, 0)], at(0)), [(AlertStatus::Firing, 5.0)]);
    assert_eq!(
        batch(&mut m, &[balance("0.0.1", 5.0, 1), balance("0.0.2", 5.0, 1)], at(1)),
        [(AlertStatus::Firing, 5.0)],
        "0.0.1 does not silence 0.0.2"
    );
    assert_eq!(m.alerts().len(), 2);
    assert_eq!(
        batch(&mut m, &[balance("0.0.1", 50.0, 2), balance("0.0.2", 4.0, 2)], at(2)),
        [(AlertStatus::Resolved, 50.0)],
        "0.0.2 still firing, no repeat yet"
    );
    assert_eq!(m.alerts()[0].labels["account"], "0.0.2");
}

#[test]
fn change_conditions_compare_each_series_with_its_own_past() {
    let mut m = AlertManager::new(vec![rule("decreased", None, "0s", "4h")]);
    assert_eq!(batch(&mut m, &[balance("0.0.1", 100.0, 0)], at(0)), []);
    let both = |v1, v2, t| [balance("0.0.1", v1, t), balance("0.0.2", v2, t)];
    assert_eq!(batch(&mut m, &both(100.0, 50.0, 1), at(1)), [], "a lower value in another series is not a decrease");
    assert_eq!(batch(&mut m, &both(90.0, 50.0, 2), at(2)), [(AlertStatus::Firing, 90.0)]);
    assert_eq!(batch(&mut m, &both(90.0, 50.0, 3), at(3)), [(AlertStatus::Resolved, 90.0)]);
}

#[test]
fn label_matchers_select_series_and_notifications_carry_everything() {
    let mut r = rule("<", Some(10.0), "0s", "4h");
    r.labels = [("account".to_string(), "0.0.2".to_string())].into();
    let mut m = AlertManager::new(vec![r]);
    assert!(full_batch(&mut m, &[balance("0.0.1", 1.0, 0)], at(0)).is_empty());
    let out = full_batch(&mut m, &[balance("0.0.2", 1.0, 5)], at(5));
    let n = &out[0].notification;
    assert_eq!((n.rule.as_str(), n.metric.as_str(), n.threshold), ("low", "account_balance_hbar", Some(10.0)));
    assert_eq!(n.labels["account"], "0.0.2");
    assert_eq!(n.starts_at, "1970-01-01T00:00:05Z");
    assert_eq!(n.ends_at, None);
    assert_eq!(n.summary, "account_balance_hbar is 1 (< 10)");
    assert_eq!(out[0].ordering_key, "low/account=0.0.2,label=x");
    let out2 = full_batch(&mut m, &[balance("0.0.2", 11.0, 9)], at(9));
    let resolved = &out2[0].notification;
    assert_eq!(
        (resolved.starts_at.as_str(), resolved.ends_at.as_deref()),
        ("1970-01-01T00:00:05Z", Some("1970-01-01T00:00:09Z"))
    );
    assert_eq!(resolved.value, 11.0, "resolved carries the last value");
    assert_ne!(resolved.id, n.id, "every notification has its own id");
}

#[test]
fn other_metrics_and_unmatched_labels_are_ignored() {
    let mut m = AlertManager::new(vec![rule("<", Some(10.0), "0s", "4h")]);
    let mut out = Vec::new();
    m.begin_batch();
    m.observe(&Sample::new("network_tps", &[], 1.0, at(0)), at(0), &mut out);
    m.end_batch("mirror", at(0), &mut out);
    assert!(out.is_empty());
    assert!(m.take_changes().is_empty(), "nothing to persist");
}

#[test]
fn a_restart_keeps_firing_alerts_their_start_and_their_repeat_schedule() {
    let rules = || vec![rule("<", Some(10.0), "0s", "5m")];
    let mut table = Table::default();
    let mut m = AlertManager::new(rules());
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 100)), [(AlertStatus::Firing, 5.0)]);
    table.commit(&mut m);

    let mut m = table.restart(rules());
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 200)), [], "still firing: not announced again");
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 400)), [(AlertStatus::Firing, 5.0)], "repeat 5 min after 100");
    table.commit(&mut m);

    let mut m = table.restart(rules());
    let out = full_batch(&mut m, &[balance("0.0.1", 50.0, 500)], at(500));
    assert_eq!(out.len(), 1);
    let n = &out[0].notification;
    assert_eq!((n.status, n.starts_at.as_str()), (AlertStatus::Resolved, "1970-01-01T00:01:40Z"));
    table.commit(&mut m);
    assert!(table.0.values().all(|s| !s.contains("firing")), "{:?}", table.0);
}

#[test]
fn for_timers_and_change_conditions_continue_across_restarts() {
    let rules = || vec![rule("<", Some(10.0), "60s", "4h"), named("drop", "decreased", None, "0s", "4h")];
    let mut table = Table::default();
    let mut m = AlertManager::new(rules());
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 0)), []);
    table.commit(&mut m);
    let mut m = table.restart(rules());
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 30)), [], "30 s of 60");
    table.commit(&mut m);
    let mut m = table.restart(rules());
    assert_eq!(feed(&mut m, balance("0.0.1", 4.0, 60)), [(AlertStatus::Firing, 4.0), (AlertStatus::Firing, 4.0)]);
    let firing = m.alerts();
    assert_eq!(firing.iter().map(|a| a.rule.as_str()).collect::<Vec<_>>(), ["drop", "low"]);
}

#[test]
fn a_failed_commit_decides_again_and_loses_nothing() {
    let mut m = AlertManager::new(vec![rule("<", Some(10.0), "0s", "4h")]);
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 0)), [(AlertStatus::Firing, 5.0)]);
    let changes = m.take_changes();
    assert_eq!(changes.upserts.len(), 1);
    m.rolled_back();
    assert_eq!(m.phase("low", &balance("0.0.1", 0.0, 0)), Phase::Inactive, "back to before the notification");
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 10)), [(AlertStatus::Firing, 5.0)], "decided again");
    let mut table = Table::default();
    table.commit(&mut m);
    assert_eq!(table.0.len(), 1);
}

#[test]
fn a_silence_holds_notifications_back_until_it_ends() {
    let rules = || vec![rule("<", Some(10.0), "0s", "4h")];
    let silence = |ends: i64| Silence {
        id: "s1".into(),
        rule: "low".into(),
        labels: [("account".to_string(), "0.0.1".to_string())].into(),
        starts_at: at(0),
        ends_at: at(ends),
        comment: String::new(),
        created_at: at(0),
    };
    let mut m = AlertManager::new(rules());
    m.set_silences(vec![silence(100)]);
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 10)), [], "silenced");
    // 0.0.2 reports once only and goes stale below, with a resolved notification of its own.
    assert_eq!(feed(&mut m, balance("0.0.2", 5.0, 11)), [(AlertStatus::Firing, 5.0)], "another series is not");
    assert!(m.alerts().iter().any(|a| a.silenced && a.labels["account"] == "0.0.1"));
    let mut table = Table::default();
    table.commit(&mut m);

    // The silence ends (here across a restart): the alert still fires and is announced now.
    let mut m = table.restart(rules());
    m.set_silences(vec![silence(100)]);
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 50)), []);
    m.set_silences(vec![]);
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 110)), [(AlertStatus::Firing, 5.0)]);

    // A resolution during a silence is told when the silence ends; an alert that fired and cleared entirely
    // inside a silence is never told.
    m.set_silences(vec![silence(1000)]);
    assert_eq!(feed(&mut m, balance("0.0.1", 50.0, 120)), []);
    m.set_silences(vec![]);
    let out = full_batch(&mut m, &[], at(130));
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].notification.ends_at.as_deref(), Some("1970-01-01T00:02:00Z"), "when it really ended");
    m.set_silences(vec![silence(1000)]);
    let stale = feed(&mut m, balance("0.0.1", 5.0, 140));
    assert_eq!(stale.len(), 1, "0.0.2 missed five batches: resolved with no data");
    assert_eq!(stale[0], (AlertStatus::Resolved, 5.0), "with its last value");
    assert_eq!(feed(&mut m, balance("0.0.1", 50.0, 150)), []);
    m.set_silences(vec![]);
    assert!(full_batch(&mut m, &[], at(160)).is_empty());
}

#[test]
fn absent_fires_when_no_sample_came_for_its_duration_and_resolves_when_one_does() {
    let mut r = rule("absent", None, "60s", "4h");
    r.labels = [("account".to_string(), "0.0.9".to_string())].into();
    let rules = || vec![r.clone()];
    let mut table = Table::default();
    let mut m = AlertManager::new(rules());
    assert_eq!(batch(&mut m, &[balance("0.0.1", 5.0, 0)], at(0)), [], "pending from the first look");
    table.commit(&mut m);
    let mut m = table.restart(rules());
    assert_eq!(batch(&mut m, &[], at(30)), []);
    let out = full_batch(&mut m, &[], at(60));
    assert_eq!(out.len(), 1, "60 s without a sample, across a restart");
    assert_eq!(out[0].notification.summary, "no account_balance_hbar data");
    assert_eq!(batch(&mut m, &[], at(70)), [], "announced once");
    let resolved = batch(&mut m, &[balance("0.0.9", 1.0, 80)], at(80));
    assert_eq!(resolved.len(), 1);
    assert_eq!(resolved[0].0, AlertStatus::Resolved);
    // Batches of other collectors say nothing about absence.
    let mut out = Vec::new();
    m.begin_batch();
    m.end_batch("mirror", at(10_000), &mut out);
    assert!(out.is_empty());
}

#[test]
fn a_series_that_stops_reporting_resolves_with_no_data_and_is_forgotten() {
    let mut m = AlertManager::new(vec![rule("<", Some(10.0), "0s", "4h")]).with_stale_cycles(3);
    let mut table = Table::default();
    assert_eq!(batch(&mut m, &[balance("0.0.1", 5.0, 0), balance("0.0.2", 50.0, 0)], at(0)).len(), 1);
    table.commit(&mut m);
    assert_eq!(batch(&mut m, &[balance("0.0.2", 50.0, 10)], at(10)), []);
    assert_eq!(batch(&mut m, &[balance("0.0.2", 50.0, 20)], at(20)), []);
    let out = full_batch(&mut m, &[balance("0.0.2", 50.0, 30)], at(30));
    assert_eq!(out.len(), 1);
    let n = &out[0].notification;
    assert_eq!(n.status, AlertStatus::Resolved);
    assert!(n.summary.ends_with("(no data: the series stopped reporting)"), "{}", n.summary);
    table.commit(&mut m);
    assert_eq!(table.0.len(), 1, "only 0.0.2's state is kept: {:?}", table.0);
    // The nodes collector's batches do not count as misses for account series.
    let mut out = Vec::new();
    for _ in 0..5 {
        m.begin_batch();
        m.end_batch("nodes", at(40), &mut out);
    }
    assert!(out.is_empty());
    assert_eq!(m.alerts().len(), 0);
    let _ = Duration::ZERO;
}

#[test]
fn restore_reports_rows_of_rules_that_are_gone() {
    let mut m = AlertManager::new(vec![rule("<", Some(10.0), "0s", "4h")]);
    let rows = vec![
        ("gone".into(), "{}".into(), r#"{"phase":"inactive"}"#.into()),
        ("low".into(), "{}".into(), "not json".into()),
    ];
    let stale = m.restore(rows, &["accounts"]);
    assert_eq!(stale.len(), 2);
}

fn silence_on(account: &str, ends: i64) -> Silence {
    Silence {
        id: format!("s-{account}"),
        rule: "low".into(),
        labels: [("account".to_string(), account.to_string())].into(),
        starts_at: at(0),
        ends_at: at(ends),
        comment: String::new(),
        created_at: at(0),
    }
}

#[test]
fn a_state_decided_under_another_rule_definition_is_resolved_and_forgotten() {
    let mut absent = rule("absent", None, "0s", "4h");
    absent.labels = [("account".to_string(), "0.0.9".to_string())].into();
    let mut table = Table::default();
    let mut m = AlertManager::new(vec![absent.clone()]);
    assert_eq!(batch(&mut m, &[], at(0)).len(), 1, "fires");
    table.commit(&mut m);

    // The rule now watches another account: the old alert must not stay firing forever.
    let mut moved = absent.clone();
    moved.labels = [("account".to_string(), "0.0.8".to_string())].into();
    let mut m = table.restart(vec![moved]);
    let out = full_batch(&mut m, &[balance("0.0.8", 1.0, 10)], at(10));
    assert_eq!(out.len(), 1);
    let n = &out[0].notification;
    assert_eq!((n.status, n.labels["account"].as_str()), (AlertStatus::Resolved, "0.0.9"));
    table.commit(&mut m);
    assert!(table.0.keys().all(|(_, labels)| !labels.contains("0.0.9")), "{:?}", table.0);

    // A threshold changed under the same name: its states are retired too.
    let mut table = Table::default();
    let mut m = AlertManager::new(vec![rule("<", Some(10.0), "0s", "4h")]);
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 0)).len(), 1);
    table.commit(&mut m);
    let mut m = table.restart(vec![rule("<", Some(3.0), "0s", "4h")]);
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 10)), [(AlertStatus::Resolved, 5.0)]);
}

#[test]
fn states_of_a_collector_that_no_longer_runs_are_retired() {
    let mut table = Table::default();
    let mut m = AlertManager::new(vec![rule("<", Some(10.0), "0s", "4h")]);
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 0)).len(), 1);
    table.commit(&mut m);
    let mut m = AlertManager::new(vec![rule("<", Some(10.0), "0s", "4h")]);
    let rows = table.0.iter().map(|((r, l), s)| (r.clone(), l.clone(), s.clone())).collect();
    assert!(m.restore(rows, &["mirror", "nodes", "webhooks"]).is_empty());
    let mut out = Vec::new();
    m.begin_batch();
    m.end_batch("mirror", at(10), &mut out);
    assert_eq!(out.len(), 1, "no accounts are watched any more: resolved");
    assert_eq!(out[0].notification.status, AlertStatus::Resolved);
    assert!(m.alerts().is_empty());
}

#[test]
fn a_refire_inside_a_silence_closes_the_earlier_firing_first() {
    let mut m = AlertManager::new(vec![rule("<", Some(10.0), "0s", "4h")]);
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 10)).len(), 1);
    m.set_silences(vec![silence_on("0.0.1", 1000)]);
    assert_eq!(feed(&mut m, balance("0.0.1", 50.0, 20)), []);
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 30)), []);
    m.set_silences(vec![]);
    let out = full_batch(&mut m, &[balance("0.0.1", 5.0, 40)], at(40));
    let told: Vec<(AlertStatus, &str, Option<&str>)> = out
        .iter()
        .map(|o| (o.notification.status, o.notification.starts_at.as_str(), o.notification.ends_at.as_deref()))
        .collect();
    assert_eq!(
        told,
        [
            (AlertStatus::Resolved, "1970-01-01T00:00:10Z", Some("1970-01-01T00:00:20Z")),
            (AlertStatus::Firing, "1970-01-01T00:00:30Z", None)
        ]
    );
}

#[test]
fn a_held_notification_goes_out_after_a_failed_commit_without_waiting_for_its_series() {
    let mut m = AlertManager::new(vec![rule("<", Some(10.0), "0s", "4h")]);
    let mut table = Table::default();
    m.set_silences(vec![silence_on("0.0.1", 1000)]);
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 10)), []);
    table.commit(&mut m);
    m.set_silences(vec![]);
    // The silence is lifted; the batch that announces it fails to commit.
    assert_eq!(full_batch(&mut m, &[], at(20)).len(), 1);
    let _ = m.take_changes();
    m.rolled_back();
    // The next batch (another collector's, no sample of 0.0.1) announces it again.
    let mut out = Vec::new();
    m.begin_batch();
    m.end_batch("mirror", at(30), &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].notification.status, AlertStatus::Firing);
}

#[test]
fn a_silence_made_during_a_cycle_holds_back_that_cycle() {
    // The cycle's samples are stamped at its start (0); the silence began while it ran (5) and is in force when
    // the batch is evaluated.
    let mut m = AlertManager::new(vec![rule("<", Some(10.0), "0s", "4h")]);
    let mut s = silence_on("0.0.1", 1000);
    s.starts_at = at(5);
    m.set_silences(vec![s]);
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 0)), []);
}
