use std::io::Write as _;
use std::process::{Command, Stdio};

use super::*;
use crate::alert::manager::AlertView;
use crate::alert::rule::KNOWN_METRICS;
use crate::alert::silence::Silence;
use crate::metrics::Labels;
use crate::pipeline::model::CollectorHealth;
use crate::timestamp::Timestamp;
use crate::webhook::WebhookStats;

const T: Timestamp = Timestamp { secs: 1_700_000_000, nanos: 0 };

/// Label values a hostile or broken mirror, token or config could put in a label.
const HOSTILE: &[&str] = &[
    "say \"hi\"",
    r"C:\new",
    r"\",
    "two\nlines",
    "\x1b[31mred\x1b[0m",
    "} 1\nhmon_fake 1",
    "\r\t\u{7f}\u{9b}",
    "\u{202e}evil\u{fffd}\u{feff}",
    "nul\0",
    "",
];

fn sample(model: &mut Model, name: &str, labels: &[(&str, &str)], value: f64) {
    let s = Sample::new(name.to_string(), labels, value, T);
    model.apply(&crate::pipeline::Event::Sample(s.into()));
}

fn alert(rule: &str, severity: Severity, state: &'static str) -> AlertView {
    AlertView {
        rule: rule.into(),
        labels: Labels::new(),
        severity,
        state,
        since: T,
        value: Some(1.0),
        silenced: false,
        summary: String::new(),
    }
}

fn silence() -> Silence {
    Silence {
        id: "s1".into(),
        rule: "low-balance".into(),
        labels: Labels::new(),
        starts_at: T,
        ends_at: Timestamp { secs: T.secs + 3600, nanos: 0 },
        comment: String::new(),
        created_at: T,
    }
}

fn webhook(pending: u64) -> WebhookStats {
    WebhookStats { pending, ..Default::default() }
}

/// Every metric the alert rules know has a kind and help text, so none is exported as a guess.
#[test]
fn every_known_metric_is_described() {
    let undescribed: Vec<&str> =
        KNOWN_METRICS.iter().copied().filter(|m| !METRICS.iter().any(|(name, ..)| name == m)).collect();
    assert!(undescribed.is_empty(), "describe these in METRICS: {undescribed:?}");
    assert_eq!(METRICS.len(), KNOWN_METRICS.len(), "METRICS describes a metric the rules do not know");
}

#[test]
fn a_small_model_renders_exactly() {
    let mut model = Model::default();
    sample(&mut model, "account_balance_hbar", &[("account", "0.0.1001"), ("label", "treasury")], 12.5);
    sample(&mut model, "account_balance_hbar", &[("account", "0.0.98"), ("label", "fees \"main\"")], 0.0);
    sample(&mut model, "collector_errors", &[("collector", "mirror")], 3.0);
    sample(&mut model, "collector_up", &[("collector", "mirror")], 0.0);
    sample(&mut model, "mirror_lag_seconds", &[], 2.25);
    model.collectors.insert("mirror".into(), CollectorHealth { up: true, ..Default::default() });
    model.collectors.insert("nodes".into(), CollectorHealth { up: true, ..Default::default() });
    model.alerts.push(alert("mirror-down", Severity::Critical, "firing"));
    model.alerts.push(alert("low-balance", Severity::Warning, "pending"));
    model.alerts.push(alert("low-balance-2", Severity::Warning, "pending"));
    model.silences.push(silence());
    model.delivery.per_webhook.insert("ops".into(), webhook(2));
    model.store_failures = 1;

    let text = render(&model, "1.2.3", Duration::from_millis(90_500));
    let expected = r#"# HELP hmon_account_balance_hbar Balance of a watched account, in hbar.
# TYPE hmon_account_balance_hbar gauge
hmon_account_balance_hbar{account="0.0.1001",label="treasury"} 12.5
hmon_account_balance_hbar{account="0.0.98",label="fees \"main\""} 0
# HELP hmon_alerts Alerts pending or firing now, by state and severity.
# TYPE hmon_alerts gauge
hmon_alerts{severity="critical",state="firing"} 1
hmon_alerts{severity="critical",state="pending"} 0
hmon_alerts{severity="info",state="firing"} 0
hmon_alerts{severity="info",state="pending"} 0
hmon_alerts{severity="warning",state="firing"} 0
hmon_alerts{severity="warning",state="pending"} 2
# HELP hmon_build_info hmon's version, as a label; always 1.
# TYPE hmon_build_info gauge
hmon_build_info{version="1.2.3"} 1
# HELP hmon_collector_errors_total Errors of the collector since hmon started.
# TYPE hmon_collector_errors_total counter
hmon_collector_errors_total{collector="mirror"} 3
# HELP hmon_collector_up Whether the collector's last cycle succeeded (1) or failed (0).
# TYPE hmon_collector_up gauge
hmon_collector_up{collector="mirror"} 0
hmon_collector_up{collector="nodes"} 1
# HELP hmon_mirror_lag_seconds Now minus the newest consensus timestamp on the mirror node.
# TYPE hmon_mirror_lag_seconds gauge
hmon_mirror_lag_seconds 2.25
# HELP hmon_silences Silences in force.
# TYPE hmon_silences gauge
hmon_silences 1
# HELP hmon_store_failures_total Reads and writes of hmon's store that failed since hmon started.
# TYPE hmon_store_failures_total counter
hmon_store_failures_total 1
# HELP hmon_uptime_seconds Time since hmon started.
# TYPE hmon_uptime_seconds gauge
hmon_uptime_seconds 90.5
# HELP hmon_webhook_pending Notifications to the webhook queued, in flight or waiting for their next attempt.
# TYPE hmon_webhook_pending gauge
hmon_webhook_pending{webhook="ops"} 2
"#;
    assert_eq!(text, expected);
}

#[test]
fn an_empty_model_still_has_the_pipeline_series() {
    let text = render(&Model::default(), "0.1.0", Duration::ZERO);
    let series: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(series.len(), 1 + 1 + 6 + 1 + 1, "{text}");
    assert!(text.contains("hmon_build_info{version=\"0.1.0\"} 1\n"));
    assert!(text.contains("hmon_uptime_seconds 0\n"));
    assert!(text.contains("hmon_store_failures_total 0\n"));
    assert!(!text.contains("hmon_webhook_pending"), "a family without samples is left out");
    assert!(!text.contains("hmon_collector_up"));
}

#[test]
fn counters_end_in_total_and_gauges_do_not() {
    let mut model = Model::default();
    for (metric, ..) in METRICS {
        sample(&mut model, metric, &[], 1.0);
    }
    let text = render(&model, "1", Duration::ZERO);
    for (metric, kind, _) in METRICS {
        let (name, other, kind) = match kind {
            Kind::Counter => (format!("hmon_{metric}_total"), format!("hmon_{metric} "), "counter"),
            Kind::Gauge => (format!("hmon_{metric}"), format!("hmon_{metric}_total"), "gauge"),
        };
        assert!(text.contains(&format!("\n# TYPE {name} {kind}\n{name} 1\n")), "{name} in\n{text}");
        assert!(!text.contains(&other), "{other} in\n{text}");
    }
    for counter in ["collector_errors", "webhook_deliveries", "webhook_failures", "webhook_dropped"] {
        assert!(text.contains(&format!("# TYPE hmon_{counter}_total counter\n")), "{counter}");
    }
}

#[test]
fn each_family_is_written_once_with_its_samples_together() {
    let mut model = Model::default();
    // Names that sort around each other: `node_up` and `node_up_x` as series keys interleave with others.
    for node in ["3", "10", "1"] {
        sample(&mut model, "node_up", &[("node_id", node), ("node_account_id", "0.0.4")], 1.0);
        sample(&mut model, "node_latency_seconds", &[("node_id", node), ("node_account_id", "0.0.4")], 0.1);
        sample(&mut model, "node_up_x", &[("node_id", node)], 1.0);
    }
    sample(&mut model, "node", &[], 7.0);
    model.collectors.insert("nodes".into(), CollectorHealth::default());
    let text = render(&model, "1", Duration::ZERO);

    let mut seen: Vec<&str> = Vec::new();
    let mut series = std::collections::HashSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let name = rest.split(' ').next().unwrap();
            assert!(!seen.contains(&name), "{name} twice");
            seen.push(name);
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let name = line.split(['{', ' ']).next().unwrap();
        assert_eq!(Some(&name), seen.last(), "{line} outside its family");
        assert!(series.insert(line.rsplit_once(' ').unwrap().0.to_string()), "{line} twice");
    }
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    assert_eq!(seen, sorted, "families in name order");
    assert!(text.contains("# HELP hmon_node The latest node sample.\n# TYPE hmon_node gauge\nhmon_node 7\n"));
    assert!(text.contains(
        "hmon_node_up{node_account_id=\"0.0.4\",node_id=\"1\"} 1\n\
         hmon_node_up{node_account_id=\"0.0.4\",node_id=\"10\"} 1\n\
         hmon_node_up{node_account_id=\"0.0.4\",node_id=\"3\"} 1\n"
    ));
    assert!(text.contains("hmon_collector_up{collector=\"nodes\"} 0\n"), "from the collector's health");
}

#[test]
fn hostile_label_values_stay_inside_their_quotes() {
    let mut model = Model::default();
    for (i, value) in HOSTILE.iter().enumerate() {
        sample(&mut model, "account_balance_hbar", &[("account", &format!("0.0.{i}")), ("label", value)], 1.0);
    }
    let text = render(&model, "v\"1\\\n", Duration::ZERO);
    assert!(text.contains("hmon_build_info{version=\"v\\\"1\\\\\\n\"} 1\n"), "{text}");
    assert!(text.contains(r#"{account="0.0.0",label="say \"hi\""} 1"#));
    assert!(text.contains(r#"{account="0.0.1",label="C:\\new"} 1"#));
    assert!(text.contains(r#"{account="0.0.2",label="\\"} 1"#));
    assert!(text.contains(r#"{account="0.0.3",label="two\nlines"} 1"#));
    assert!(text.contains("{account=\"0.0.4\",label=\"\x1b[31mred\x1b[0m\"} 1"));
    assert!(text.contains(r#"{account="0.0.5",label="} 1\nhmon_fake 1"} 1"#));
    assert!(text.contains("{account=\"0.0.8\",label=\"nul\u{fffd}\"} 1"));
    assert!(!text.contains('\0'));
    // Every line is a comment or one sample: no value could start a line of its own.
    for line in text.lines() {
        assert!(line.starts_with("# ") || line.starts_with("hmon_") && !line.starts_with("hmon_fake"), "{line:?}");
    }
}

#[test]
fn nan_and_infinities_are_written_as_prometheus_reads_them() {
    let mut model = Model::default();
    sample(&mut model, "mirror_lag_seconds", &[], f64::NAN);
    sample(&mut model, "account_balance_hbar", &[("account", "0.0.1")], f64::INFINITY);
    sample(&mut model, "account_balance_hbar", &[("account", "0.0.2")], f64::NEG_INFINITY);
    sample(&mut model, "network_stake_hbar", &[], 4.5e18);
    let text = render(&model, "1", Duration::ZERO);
    assert!(text.contains("\nhmon_mirror_lag_seconds NaN\n"));
    assert!(text.contains("\nhmon_account_balance_hbar{account=\"0.0.1\"} +Inf\n"));
    assert!(text.contains("\nhmon_account_balance_hbar{account=\"0.0.2\"} -Inf\n"));
    assert!(text.contains("\nhmon_network_stake_hbar 4.5e18\n"));
}

#[test]
fn samples_that_cannot_be_exported_safely_are_left_out() {
    let mut model = Model::default();
    sample(&mut model, "alerts", &[("state", "firing"), ("severity", "critical")], 99.0);
    sample(&mut model, "build_info", &[("version", "fake")], 1.0);
    sample(&mut model, "store_failures_total", &[], 5.0);
    sample(&mut model, "collector_errors_total", &[("collector", "x")], 5.0);
    sample(&mut model, "latency_count", &[], 5.0);
    sample(&mut model, "bad-name", &[], 5.0);
    sample(&mut model, "node_up", &[("__name__", "x")], 5.0);
    sample(&mut model, "node_up", &[("node id", "x")], 5.0);
    let text = render(&model, "1", Duration::ZERO);
    assert!(!text.contains(" 99\n") && !text.contains(" 5\n") && !text.contains("fake"), "{text}");
    assert!(!text.contains("hmon_node_up"), "{text}");
}

/// A realistic model: every known metric, several series each, hostile label values, and the pipeline's own state.
fn realistic_model() -> Model {
    let mut model = Model::default();
    for (i, label) in HOSTILE.iter().enumerate() {
        let account = format!("0.0.{}", 1000 + i);
        let labels = [("account", account.as_str()), ("label", label)];
        sample(&mut model, "account_balance_hbar", &labels, 1_234.567_890_12 * i as f64);
        sample(&mut model, "account_transactions", &labels, i as f64);
        sample(&mut model, "account_token_balance", &[("account", &account), ("token", label)], 1e-8);
    }
    for node in 0..4 {
        let (id, account) = (node.to_string(), format!("0.0.{}", node + 3));
        let labels = [("node_id", id.as_str()), ("node_account_id", account.as_str())];
        sample(&mut model, "node_up", &labels, f64::from(node != 2));
        if node != 2 {
            sample(&mut model, "node_latency_seconds", &labels, 0.042 * f64::from(node + 1));
        }
    }
    sample(&mut model, "accounts_streaming", &[], 1.0);
    sample(&mut model, "accounts_stream_lag_seconds", &[], 4.25);
    sample(&mut model, "accounts_drift", &[], 3.0);
    sample(&mut model, "network_nodes", &[], 4.0);
    sample(&mut model, "network_stake_hbar", &[], 4.5e18);
    sample(&mut model, "mirror_lag_seconds", &[], f64::NAN);
    sample(&mut model, "network_tps", &[], f64::INFINITY);
    for collector in ["accounts", "mirror", "nodes", "webhooks"] {
        sample(&mut model, "collector_up", &[("collector", collector)], 1.0);
        sample(&mut model, "collector_errors", &[("collector", collector)], 2.0);
        sample(&mut model, "collector_duration_seconds", &[("collector", collector)], 0.25);
        model.collectors.insert(collector.into(), CollectorHealth { up: true, ..Default::default() });
    }
    model.collectors.insert("probe \"x\"\n".into(), CollectorHealth::default());
    for (i, name) in ["ops", "pager \"night\"", "a\\b\nc"].into_iter().enumerate() {
        let i = i as u64;
        for (metric, value) in [
            ("webhook_deliveries", 10 * i),
            ("webhook_failures", i),
            ("webhook_dropped", i),
            ("webhook_dead_letters", i),
        ] {
            sample(&mut model, metric, &[("webhook", name)], value as f64);
        }
        model.delivery.per_webhook.insert(name.into(), webhook(i));
    }
    for (metric, value) in [
        ("canary_submit_seconds", 0.4),
        ("canary_handle_seconds", 2.9),
        ("canary_e2e_seconds", 6.1),
        ("canary_fee_hbar", 0.000_84),
    ] {
        sample(&mut model, metric, &[], value);
    }
    sample(&mut model, "canary_success", &[("node_account_id", "0.0.3")], 1.0);
    sample(&mut model, "canary_success", &[("node_account_id", "0.0.4")], 0.0);
    sample(&mut model, "canary_errors", &[("reason", "busy")], 2.0);
    model.alerts.push(alert("mirror-down", Severity::Critical, "firing"));
    model.alerts.push(alert("low-balance", Severity::Warning, "pending"));
    model.alerts.push(alert("new-node", Severity::Info, "firing"));
    model.silences.push(silence());
    model.store_failures = 3;
    for (i, name) in ["http://127.0.0.1:9093", "https://am.example.com/a\"b"].into_iter().enumerate() {
        let stats = crate::alertmanager::TargetStats { sent: 7, invalid: 2, errors: i as u64, up: i == 0 };
        model.alertmanager.per_alertmanager.insert(name.into(), stats);
    }
    (model.alertmanager.firing, model.alertmanager.resolved) = (3, 1);
    model
}

#[test]
fn the_realistic_model_has_every_metric() {
    let text = render(&realistic_model(), "0.1.0", Duration::from_secs(3600));
    for (metric, kind, _) in METRICS {
        let name = family_name(metric, *kind);
        assert!(text.contains(&format!("\n{name}{{")) || text.contains(&format!("\n{name} ")), "{name}");
    }
    assert!(text.contains("hmon_collector_up{collector=\"probe \\\"x\\\"\\n\"} 0\n"), "{text}");
    for line in [
        "hmon_alertmanager_sent_total{alertmanager=\"http://127.0.0.1:9093\"} 7\n",
        "hmon_alertmanager_invalid_total{alertmanager=\"http://127.0.0.1:9093\"} 2\n",
        "hmon_alertmanager_errors_total{alertmanager=\"https://am.example.com/a\\\"b\"} 1\n",
        "hmon_alertmanager_up{alertmanager=\"http://127.0.0.1:9093\"} 1\n",
        "hmon_alertmanager_alerts{state=\"firing\"} 3\n",
        "hmon_alertmanager_alerts{state=\"resolved\"} 1\n",
    ] {
        assert!(text.contains(line), "{line}{text}");
    }
}

/// Prometheus's own checker parses and lints the exposition: it must parse, and have nothing to say.
#[test]
fn promtool_accepts_the_exposition_without_a_lint() {
    let text = render(&realistic_model(), "0.1.0-dev+\"x\"\\", Duration::from_millis(1_234_567));
    assert_promtool_accepts(&text);
}

/// `promtool check metrics` parses `text` and has nothing to say about it.
pub(crate) fn assert_promtool_accepts(text: &str) {
    let mut child = match Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => panic!(
            "cannot run promtool ({e}): run `bash .ci/install-deps`, which provides it from Debian's prometheus package"
        ),
    };
    child.stdin.take().expect("stdin is piped").write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && said.is_empty(), "promtool check metrics: {}: {said}\n{text}", out.status);
}

#[test]
fn family_names_are_exactly_what_a_full_model_renders() {
    let names = family_names();
    assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats: {names:?}");
    let text = render(&realistic_model(), "1.0.0", Duration::from_secs(1));
    let rendered: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("# TYPE ")?.split(' ').next()).collect();
    assert_eq!(rendered, names, "the realistic model has every metric, so it renders every family");
    for name in ["hmon_account_balance_hbar", "hmon_alerts", "hmon_collector_errors_total", "hmon_build_info"] {
        assert!(names.iter().any(|n| n == name), "{name} missing from {names:?}");
    }
}
