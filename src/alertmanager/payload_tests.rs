//! Payload building at chosen times: labels, annotations, the `endsAt` rule, the resolved re-send window, silenced
//! alerts and the watchdog.

use std::collections::BTreeMap;
use std::time::Duration;

use super::*;
use crate::webhook::Severity;

const T0: i64 = 1_700_000_000;

fn at(secs: i64) -> Timestamp {
    Timestamp { secs: T0 + secs, nanos: 0 }
}

fn options(watchdog: bool) -> Options {
    Options {
        external_labels: BTreeMap::from([("cluster".into(), "eu-1".into()), ("account".into(), "shadowed".into())]),
        external_url: None,
        listen: "127.0.0.1:8754".parse().unwrap(),
        resend_delay: Duration::from_secs(60),
        eval_interval: Duration::from_secs(10),
        watchdog,
    }
}

fn view(state: &'static str, silenced: bool) -> AlertView {
    AlertView {
        rule: "low-balance".into(),
        labels: Labels::from([("account".into(), "0.0.1001".into()), ("label".into(), "treasury".into())]),
        severity: Severity::Critical,
        state,
        since: at(-30),
        value: Some(4.5),
        silenced,
        summary: "treasury is low".into(),
    }
}

#[test]
fn a_firing_alert_has_rule_series_and_external_labels_and_ends_four_resends_later() {
    let mut memory = Memory::default();
    let batch = memory.round(&[view("firing", false)], &options(false), at(0));
    assert_eq!((batch.firing, batch.resolved, batch.alerts.len()), (1, 0, 1));
    let alert = &batch.alerts[0];
    let want: Labels = [
        ("alertname", "low-balance"),
        ("severity", "critical"),
        ("account", "0.0.1001"),
        ("label", "treasury"),
        ("cluster", "eu-1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(alert.labels, want, "a series label wins over an external label of the same name");
    assert_eq!(alert.annotations["summary"], "treasury is low");
    assert_eq!(alert.annotations["value"], "4.5");
    assert_eq!(alert.starts_at, at(-30));
    assert_eq!(alert.ends_at, at(240), "4 x max(10s, 60s)");
    assert_eq!(alert.generator_url, "http://127.0.0.1:8754/");
    let json = serde_json::to_value(alert).unwrap();
    for key in ["labels", "annotations", "startsAt", "endsAt", "generatorURL"] {
        assert!(json.get(key).is_some(), "{key}: {json}");
    }
    assert_eq!(json["startsAt"], at(-30).to_rfc3339());
    // A longer evaluation interval sets the end instead.
    let slow = Options { eval_interval: Duration::from_secs(120), ..options(false) };
    let batch = Memory::default().round(&[view("firing", false)], &slow, at(0));
    assert_eq!(batch.alerts[0].ends_at, at(480));
}

#[test]
fn pending_and_silenced_alerts_are_not_sent() {
    let mut memory = Memory::default();
    let batch = memory.round(&[view("pending", false), view("firing", true)], &options(false), at(0));
    assert!(batch.alerts.is_empty() && batch.shape.is_empty(), "{batch:?}");
}

#[test]
fn a_resolved_alert_ends_when_noticed_and_is_resent_for_fifteen_minutes() {
    let mut memory = Memory::default();
    let firing = memory.round(&[view("firing", false)], &options(false), at(0));
    let resolved = memory.round(&[], &options(false), at(20));
    assert_ne!(firing.shape, resolved.shape, "a resolution is a change to send at once");
    assert_eq!((resolved.firing, resolved.resolved), (0, 1));
    assert_eq!(resolved.alerts[0].ends_at, at(20));
    assert_eq!(resolved.alerts[0].labels, firing.alerts[0].labels);
    let later = memory.round(&[], &options(false), at(20 + 899));
    assert_eq!(later.alerts, resolved.alerts, "re-sent unchanged within the window");
    assert_eq!(later.shape, resolved.shape, "nothing new: waits for the re-send tick");
    assert!(memory.round(&[], &options(false), at(20 + 900)).alerts.is_empty(), "forgotten after 15 minutes");
}

#[test]
fn an_alert_silenced_while_firing_resolves_and_one_firing_again_is_no_longer_resolved() {
    let mut memory = Memory::default();
    memory.round(&[view("firing", false)], &options(false), at(0));
    let silenced = memory.round(&[view("firing", true)], &options(false), at(10));
    assert_eq!((silenced.firing, silenced.resolved), (0, 1));
    let again = memory.round(&[view("firing", false)], &options(false), at(20));
    assert_eq!((again.firing, again.resolved), (1, 0));
    assert_eq!(again.alerts[0].ends_at, at(260));
}

#[test]
fn the_watchdog_always_fires_from_the_first_round() {
    let mut memory = Memory::default();
    memory.round(&[], &options(true), at(0));
    let batch = memory.round(&[view("firing", false)], &options(true), at(60));
    assert_eq!((batch.firing, batch.resolved), (2, 0));
    let dog = &batch.alerts[0];
    assert_eq!(dog.labels["alertname"], WATCHDOG);
    assert_eq!((dog.labels["severity"].as_str(), dog.labels["cluster"].as_str()), ("none", "eu-1"));
    assert_eq!((dog.starts_at, dog.ends_at), (at(0), at(300)));
    assert!(dog.annotations["summary"].contains("dead man's switch"));
    assert_eq!(batch.shape.len(), 1, "the watchdog never changes the shape");
}

#[test]
fn an_alert_never_ends_before_it_starts() {
    // `since` ahead of this clock (a store written by a host whose clock ran ahead): Alertmanager would refuse an
    // alert ending before it starts.
    let ahead = AlertView { since: at(1000), ..view("firing", false) };
    let mut memory = Memory::default();
    let firing = memory.round(std::slice::from_ref(&ahead), &options(false), at(0));
    assert_eq!((firing.alerts[0].starts_at, firing.alerts[0].ends_at), (at(1000), at(1000)));
    let resolved = memory.round(&[], &options(false), at(20));
    assert_eq!(resolved.resolved, 1);
    assert_eq!((resolved.alerts[0].starts_at, resolved.alerts[0].ends_at), (at(1000), at(1000)));
    // The usual case is untouched: a resolution after the start ends at the resolution.
    let mut memory = Memory::default();
    memory.round(&[view("firing", false)], &options(false), at(0));
    assert_eq!(memory.round(&[], &options(false), at(20)).alerts[0].ends_at, at(20));
}

#[test]
fn label_names_alertmanager_refuses_are_sanitized_and_reserved_or_empty_ones_dropped() {
    let odd = AlertView {
        labels: Labels::from([
            ("node-id".into(), "0.0.3".into()),
            ("9lives".into(), "x".into()),
            ("caf\u{e9}".into(), "y".into()),
            ("__name__".into(), "hidden".into()),
            ("-_x".into(), "dropped: sanitized into a reserved name".into()),
            ("".into(), "no name".into()),
            ("empty".into(), String::new()),
            // A valid name wins over an invalid one sanitized into it.
            ("a.b".into(), "sanitized".into()),
            ("a_b".into(), "valid".into()),
        ]),
        ..view("firing", false)
    };
    let batch = Memory::default().round(&[odd], &Options { external_labels: BTreeMap::new(), ..options(false) }, at(0));
    let labels = &batch.alerts[0].labels;
    let want: Labels = [
        ("_lives", "x"),
        ("a_b", "valid"),
        ("alertname", "low-balance"),
        ("caf_", "y"),
        ("node_id", "0.0.3"),
        ("severity", "critical"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(labels, &want);
    assert!(labels.keys().all(|name| crate::alertmanager::config::is_label_name(name)), "{labels:?}");
}

#[test]
fn huge_intervals_neither_overflow_nor_leave_rfc_3339() {
    let huge = Options { eval_interval: Duration::MAX, resend_delay: Duration::MAX, ..options(true) };
    let batch = Memory::default().round(&[view("firing", false)], &huge, at(0));
    for alert in &batch.alerts {
        let json = serde_json::to_value(alert).unwrap();
        let ends = json["endsAt"].as_str().unwrap();
        assert_eq!(Timestamp::parse_rfc3339(ends), Some(plus(at(0), crate::alertmanager::config::MAX_ALERT_LIFETIME)));
    }
}

#[test]
fn evaluation_counts_as_running_for_three_intervals_and_at_least_30_seconds() {
    let fast = options(false); // evaluated every 10 s: 30 s
    assert!(!evaluating(None, &fast, at(0)), "nothing evaluated yet");
    assert!(evaluating(Some(at(0)), &fast, at(30)));
    assert!(!evaluating(Some(at(0)), &fast, at(31)));
    let slow = Options { eval_interval: Duration::from_secs(60), ..options(false) };
    assert!(evaluating(Some(at(0)), &slow, at(180)) && !evaluating(Some(at(0)), &slow, at(181)));
    let quick = Options { eval_interval: Duration::from_secs(1), ..options(false) };
    assert!(evaluating(Some(at(0)), &quick, at(30)), "never under 30 s");
}
