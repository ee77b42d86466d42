//! The rule state machine, driven by a controllable clock: no sleeps.

use super::*;
use crate::alert::rule::RuleConfig;

fn at(secs: i64) -> Timestamp {
    Timestamp { secs, nanos: 0 }
}

fn balance(account: &str, value: f64, secs: i64) -> Sample {
    Sample::new("account_balance_hbar", &[("account", account), ("label", "x")], value, at(secs))
}

fn rule(condition: &str, threshold: Option<f64>, pending: &str, repeat: &str) -> Rule {
    RuleConfig {
        name: "low".into(),
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

/// Feeds one sample and returns (status, value) of what it caused.
fn feed(m: &mut AlertManager, s: Sample) -> Vec<(AlertStatus, f64)> {
    let mut out = Vec::new();
    m.observe(&s, s.timestamp, &mut out);
    out.into_iter().map(|o| (o.notification.status, o.notification.value)).collect()
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
    assert!(m.firing().is_empty());
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
    assert_eq!(feed(&mut m, balance("0.0.1", 5.0, 0)), [(AlertStatus::Firing, 5.0)]);
    assert_eq!(feed(&mut m, balance("0.0.2", 5.0, 1)), [(AlertStatus::Firing, 5.0)], "0.0.1 does not silence 0.0.2");
    assert_eq!(m.firing().len(), 2);
    assert_eq!(feed(&mut m, balance("0.0.1", 50.0, 2)), [(AlertStatus::Resolved, 50.0)]);
    assert_eq!(feed(&mut m, balance("0.0.2", 4.0, 3)), [], "0.0.2 still firing, no repeat yet");
    assert_eq!(m.firing()[0].labels["account"], "0.0.2");
}

#[test]
fn change_conditions_compare_each_series_with_its_own_past() {
    let mut m = AlertManager::new(vec![rule("decreased", None, "0s", "4h")]);
    assert_eq!(feed(&mut m, balance("0.0.1", 100.0, 0)), []);
    assert_eq!(feed(&mut m, balance("0.0.2", 50.0, 1)), [], "a lower value in another series is not a decrease");
    assert_eq!(feed(&mut m, balance("0.0.1", 90.0, 2)), [(AlertStatus::Firing, 90.0)]);
    assert_eq!(feed(&mut m, balance("0.0.1", 90.0, 3)), [(AlertStatus::Resolved, 90.0)]);
}

#[test]
fn label_matchers_select_series_and_notifications_carry_everything() {
    let mut r = rule("<", Some(10.0), "0s", "4h");
    r.labels = [("account".to_string(), "0.0.2".to_string())].into();
    let mut m = AlertManager::new(vec![r]);
    assert_eq!(feed(&mut m, balance("0.0.1", 1.0, 0)), []);
    let mut out = Vec::new();
    m.observe(&balance("0.0.2", 1.0, 5), at(5), &mut out);
    let n = &out[0].notification;
    assert_eq!((n.rule.as_str(), n.metric.as_str(), n.threshold), ("low", "account_balance_hbar", Some(10.0)));
    assert_eq!(n.labels["account"], "0.0.2");
    assert_eq!(n.starts_at, "1970-01-01T00:00:05Z");
    assert_eq!(n.ends_at, None);
    assert_eq!(n.summary, "account_balance_hbar is 1 (< 10)");
    assert_eq!(out[0].ordering_key, "low/account=0.0.2,label=x");
    let mut out2 = Vec::new();
    m.observe(&balance("0.0.2", 11.0, 9), at(9), &mut out2);
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
    m.observe(&Sample::new("network_tps", &[], 1.0, at(0)), at(0), &mut out);
    assert!(out.is_empty());
}
