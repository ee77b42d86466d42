//! `/metrics` render time (`cargo bench --bench metrics`): `serve::metrics::render` of a model holding the latest
//! samples of 10,000 watched accounts (balance and transactions each, two token balances for every tenth), 30
//! nodes and the collectors' own series, as `hmon serve` watching 10,000 accounts holds them. Target: under 50 ms.
//!
//! The references, timed in the same run over the same samples: writing every sample as a line with `format!`
//! (no escaping, no families, no order: the least an exposition costs) and `serde_json` of the samples. Each is the
//! median of RUNS runs after a warm-up.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use hmon::metrics::Sample;
use hmon::pipeline::model::{CollectorHealth, Model};
use hmon::serve::metrics::render;
use hmon::timestamp::Timestamp;

const ACCOUNTS: usize = 10_000;
const NODES: usize = 30;
const RUNS: usize = 31;
const TARGET: Duration = Duration::from_millis(50);

fn main() {
    let model = bench_model();
    let body = render(&model, "0.1.0", Duration::from_secs(600));
    let lines = body.lines().filter(|l| !l.starts_with('#')).count();
    let rendered = median(|| render(&model, "0.1.0", Duration::from_secs(600)).len());
    let naive = median(|| naive_lines(&model).len());
    let json = median(|| serde_json::to_string(&model.latest.values().collect::<Vec<_>>()).map_or(0, |s| s.len()));
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "/metrics render, {ACCOUNTS} accounts ({} series in the model; {lines} samples, {} bytes of text), median of \
         {RUNS}:",
        model.latest.len(),
        body.len()
    );
    println!("  serve::metrics::render      {:8.2} ms", ms(rendered));
    println!(
        "  format! of each sample      {:8.2} ms   ratio render/format!: {:.2}",
        ms(naive),
        rendered.as_secs_f64() / naive.as_secs_f64()
    );
    println!(
        "  serde_json of the samples   {:8.2} ms   ratio render/serde_json: {:.2}",
        ms(json),
        rendered.as_secs_f64() / json.as_secs_f64()
    );
    println!(
        "  target {} ms: ratio {:.3} (< 1){}",
        TARGET.as_millis(),
        rendered.as_secs_f64() / TARGET.as_secs_f64(),
        if rendered < TARGET { "" } else { "  MISSED" }
    );
}

/// The median time of `f` over [`RUNS`] runs, after two warm-up runs. `f` returns a size so its work is used.
fn median(mut f: impl FnMut() -> usize) -> Duration {
    let mut sink = 0;
    for _ in 0..2 {
        sink += f();
    }
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            sink += std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    assert!(sink > 0, "every run produced text");
    times.sort();
    times[RUNS / 2]
}

/// Every sample as `hmon_<name>{k="v",...} value`, in the model's order, unescaped.
fn naive_lines(model: &Model) -> String {
    let mut out = String::new();
    for s in model.latest.values() {
        let labels: Vec<String> = s.labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
        let _ = writeln!(out, "hmon_{}{{{}}} {}", s.name, labels.join(","), s.value);
    }
    out
}

/// The model of `hmon serve` watching [`ACCOUNTS`] accounts, [`NODES`] nodes and the mirror.
fn bench_model() -> Model {
    let mut model = Model::default();
    let at = Timestamp::from_millis(1_700_000_000_000);
    let mut add = |name: &str, labels: &[(&str, &str)], value: f64| {
        let s = Sample::new(name.to_string(), labels, value, at);
        model.apply(&hmon::pipeline::Event::Sample(s.into()));
    };
    for i in 0..ACCOUNTS {
        let account = format!("0.0.{}", 200_000 + i);
        let label = format!("bench account {i}");
        let labels = [("account", account.as_str()), ("label", label.as_str())];
        add("account_balance_hbar", &labels, 1_000.0 + i as f64 * 0.123_456_78);
        add("account_transactions", &labels, (i % 3) as f64);
        if i % 10 == 0 {
            add("account_token_balance", &[("account", &account), ("token", "0.0.5000")], 150.0);
            add("account_token_balance", &[("account", &account), ("token", "0.0.5001")], 7.0);
        }
    }
    for node in 0..NODES {
        let (id, account) = (node.to_string(), format!("0.0.{}", node + 3));
        let labels = [("node_id", id.as_str()), ("node_account_id", account.as_str())];
        add("node_up", &labels, 1.0);
        add("node_latency_seconds", &labels, 0.012 + node as f64 / 1000.0);
    }
    add("network_nodes", &[], NODES as f64);
    add("network_stake_hbar", &[], 4.5e9);
    add("mirror_lag_seconds", &[], 3.2);
    add("network_tps", &[], 412.5);
    for collector in ["accounts", "mirror", "nodes"] {
        add("collector_up", &[("collector", collector)], 1.0);
        add("collector_errors", &[("collector", collector)], 0.0);
        add("collector_duration_seconds", &[("collector", collector)], 0.8);
    }
    for collector in ["accounts", "mirror", "nodes"] {
        model
            .collectors
            .insert(collector.into(), CollectorHealth { up: true, last_cycle: Some(at), ..Default::default() });
    }
    model
}
