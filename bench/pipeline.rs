//! Part 2 benchmarks, printed in one run (`cargo bench --bench pipeline`), each against its reference:
//! 1. mirror requests per collection cycle for 1,000 watched accounts with little activity, vs one request per
//!    account (target: at most 1/10);
//! 2. rule evaluation throughput through 1,000 rules on one core (target: at least 1 million samples/s);
//! 3. delivery of 1,000 notifications through the durable outbox (a store file) to a receiver that takes 50 ms
//!    per request, vs the ideal for the pool size (target: within 1.3x).
//!
//! Everything runs on 127.0.0.1.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, RawQuery};
use axum::Json;
use hmon::alert::manager::AlertManager;
use hmon::alert::rule::RuleConfig;
use hmon::collect::accounts::{AccountsCollector, AccountsTuning, WatchedAccount};
use hmon::collect::Collector;
use hmon::metrics::Sample;
use hmon::mirror::retry::RetryPolicy;
use hmon::mirror::{ClientOptions, MirrorClient};
use hmon::store::Db;
use hmon::timestamp::Timestamp;
use hmon::webhook::{
    push_in, AlertStatus, Dispatcher, DispatcherOptions, Entry, Notification, Outbox, Severity, WebhookConfig,
};
use serde_json::{json, Value};

const ACCOUNTS: u64 = 1000;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    requests_per_cycle().await;
    rule_throughput();
    delivery().await;
}

async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// A mirror holding 1,000 accounts; `activity` transactions land between cycles.
async fn requests_per_cycle() {
    let txs: Arc<Mutex<Vec<Value>>> = Arc::new(Mutex::new(Vec::new()));
    let feed = txs.clone();
    let app = axum::Router::new()
        .route(
            "/api/v1/accounts/{id}",
            axum::routing::get(|Path(id): Path<String>| async move {
                Json(json!({"account": id, "balance": {"balance": 100, "timestamp": "1.000000000", "tokens": []}}))
            }),
        )
        .route(
            "/api/v1/transactions",
            axum::routing::get(move |RawQuery(q): RawQuery| {
                let feed = feed.clone();
                async move {
                    let q = q.unwrap_or_default();
                    let after = q.split("timestamp=gt%3A").nth(1).and_then(|t| t.split('&').next()).unwrap_or("0");
                    let after: f64 = after.parse().unwrap_or(0.0);
                    let page: Vec<Value> = feed
                        .lock()
                        .expect("feed")
                        .iter()
                        .filter(|t| {
                            t["consensus_timestamp"].as_str().and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0) > after
                        })
                        .filter(|t| {
                            q.contains(&format!("account.id={}&", t["transfers"][0]["account"].as_str().unwrap_or("")))
                        })
                        .cloned()
                        .collect();
                    Json(json!({"transactions": page, "links": {"next": null}}))
                }
            }),
        );
    let url = serve(app).await;
    let opts = ClientOptions { timeout: Duration::from_secs(5), retry: RetryPolicy::default() };
    let client = MirrorClient::new(&url, opts).expect("client");
    let accounts = (0..ACCOUNTS)
        .map(|i| WatchedAccount { id: format!("0.0.{}", 10_000 + i).parse().expect("id"), label: String::new() })
        .collect();
    let tuning = AccountsTuning { batch_size: 50, refresh_cycles: 30, concurrency: 8 };
    let mut collector = AccountsCollector::new(client.clone(), accounts, tuning);
    let _ = collector.cycle(Timestamp::now()).await;
    let before = client.requests_sent();
    let cycles = 30u64;
    for c in 0..cycles {
        // Little activity: 3 accounts move each cycle.
        for k in 0..3u64 {
            let account = format!("0.0.{}", 10_000 + (c * 37 + k * 101) % ACCOUNTS);
            let ts = format!("{}.000000000", 1000 + c * 10 + k);
            let tx = json!({"transaction_id": format!("{account}-1-000000000"), "consensus_timestamp": ts,
                "name": "CRYPTOTRANSFER", "result": "SUCCESS", "charged_tx_fee": 1,
                "transfers": [{"account": account, "amount": -1}]});
            txs.lock().expect("feed").push(tx);
        }
        let _ = collector.cycle(Timestamp::now()).await;
    }
    let per_cycle = (client.requests_sent() - before) as f64 / cycles as f64;
    println!("1. requests per cycle, {ACCOUNTS} accounts, 3 active a cycle: {per_cycle:.1}");
    println!("   naive (one per account): {ACCOUNTS}; ratio {:.3} (target <= 0.100)", per_cycle / ACCOUNTS as f64);
}

/// 1,000 threshold rules (one per account) and one change rule over every account.
fn bench_rules() -> Vec<hmon::alert::rule::Rule> {
    let mut rules: Vec<hmon::alert::rule::Rule> = (0..ACCOUNTS)
        .map(|i| {
            RuleConfig {
                name: format!("low-{i}"),
                metric: "account_balance_hbar".into(),
                labels: [("account".to_string(), format!("0.0.{i}"))].into(),
                condition: "<".into(),
                threshold: Some(10.0),
                ..Default::default()
            }
            .validate(&[])
            .expect("valid rule")
        })
        .collect();
    let drop_rule = RuleConfig {
        name: "any-decrease".into(),
        metric: "account_balance_hbar".into(),
        condition: "decreased".into(),
        repeat: Some("4h".into()),
        ..Default::default()
    };
    rules.push(drop_rule.validate(&[]).expect("valid rule"));
    rules
}

/// Rule evaluation in batches of one collector cycle (1,000 samples, 2 rules each), first in memory only, then
/// with every batch's state changes committed to an SQLite store file, as the pipeline does. 5% of the balances
/// change (upwards) every cycle, so the change rule has state to store.
fn rule_throughput() {
    let cycles = 2_000usize;
    let batches: Vec<Vec<Sample>> = (0..cycles)
        .map(|c| {
            (0..ACCOUNTS)
                .map(|i| {
                    let value = 50.0 + if i % 20 == (c as u64 % 20) { c as f64 } else { 0.0 };
                    let at = Timestamp::from_millis(1_700_000_000_000 + c as i64 * 10_000);
                    Sample::new("account_balance_hbar", &[("account", &format!("0.0.{i}")), ("label", "x")], value, at)
                })
                .collect()
        })
        .collect();
    let total = cycles * ACCOUNTS as usize;
    let run = |db: Option<&Db>| -> f64 {
        let mut manager = AlertManager::new(bench_rules());
        let mut out = Vec::new();
        let started = Instant::now();
        for batch in &batches {
            let now = batch[0].timestamp;
            manager.begin_batch();
            for s in batch {
                manager.observe(s, s.timestamp, &mut out);
            }
            manager.end_batch("accounts", now, &mut out);
            out.clear();
            let changes = manager.take_changes();
            if let Some(db) = db {
                db.write(|tx| {
                    let mut upsert = tx.prepare_cached(
                        "INSERT INTO alert_state (rule, labels, state) VALUES (?1, ?2, ?3) \
                         ON CONFLICT (rule, labels) DO UPDATE SET state = excluded.state",
                    )?;
                    for (rule, labels, state) in &changes.upserts {
                        upsert.execute([rule, labels, state])?;
                    }
                    Ok(())
                })
                .expect("commit");
            }
            manager.committed();
        }
        total as f64 / started.elapsed().as_secs_f64()
    };
    let memory = run(None);
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open_owned(&dir.path().join("hmon.db")).expect("store");
    let durable = run(Some(&db));
    let stored: i64 = db.lock().query_row("SELECT COUNT(*) FROM alert_state", [], |r| r.get(0)).expect("count");
    println!("2. rule evaluation, {} rules, {total} samples in {cycles} cycles of {ACCOUNTS}, one core:", ACCOUNTS + 1);
    println!(
        "   in memory: {:.2} M samples/s; with state committed each cycle: {:.2} M samples/s",
        memory / 1e6,
        durable / 1e6
    );
    println!(
        "   persistence costs {:.0}% of the in-memory rate; target 1.00 M/s: ratio {:.2} (>= 1); {stored} states stored",
        (1.0 - durable / memory) * 100.0,
        durable / 1e6
    );
}

/// How the benchmark hands notifications to the dispatcher.
#[derive(Clone, Copy, Debug)]
enum Handover {
    /// `Dispatcher::enqueue`: one synced write per notification.
    Enqueue,
    /// The pipeline's way: `push_in` for a batch in one synced transaction, then `Dispatcher::queued`.
    Batches(usize),
}

/// 1,000 notifications through the durable outbox (a store file, as `watch --store` uses) to a receiver that
/// takes 50 ms per request: every one is written before it is queued, read back before its attempt and deleted
/// once delivered.
async fn delivery() {
    delivery_through(Handover::Enqueue).await;
    delivery_through(Handover::Batches(50)).await;
}

fn bench_note(i: usize) -> Notification {
    Notification {
        id: format!("n{i}"),
        status: AlertStatus::Firing,
        rule: "bench".into(),
        severity: Severity::Info,
        metric: "account_balance_hbar".into(),
        labels: Default::default(),
        value: 1.0,
        threshold: Some(2.0),
        starts_at: Timestamp::now().to_rfc3339(),
        ends_at: None,
        summary: "bench".into(),
        test: false,
    }
}

async fn delivery_through(handover: Handover) {
    let app = axum::Router::new().fallback(|| async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        "ok"
    });
    let url = serve(app).await;
    let workers = 16;
    let hook: WebhookConfig = toml::from_str(&format!("name = \"bench\"\nurl = \"{url}/hook\"\n")).expect("webhook");
    let hook = hook.validate().expect("valid webhook");
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open_owned(&dir.path().join("hmon.db")).expect("store file");
    let outbox = Outbox::new(db.clone());
    let dispatcher = Dispatcher::start(vec![hook], outbox.clone(), DispatcherOptions { workers, ..Default::default() })
        .expect("dispatcher");
    let total = 1000;
    let started = Instant::now();
    match handover {
        Handover::Enqueue => {
            for i in 0..total {
                dispatcher.enqueue("bench", &format!("key-{i}"), &bench_note(i)).expect("enqueue");
            }
        }
        Handover::Batches(size) => {
            for first in (0..total).step_by(size) {
                let now = Timestamp::now().as_millis();
                let entries = db
                    .write_synced(|tx| {
                        (first..(first + size).min(total))
                            .map(|i| {
                                let (key, n) = (format!("key-{i}"), bench_note(i));
                                let seq = push_in(tx, "bench", &key, &n, now)?;
                                Ok(Entry::queued(seq, "bench", &key, n, now))
                            })
                            .collect::<anyhow::Result<Vec<Entry>>>()
                    })
                    .expect("commit a batch");
                dispatcher.queued(entries).expect("queued");
            }
        }
    }
    let queued = started.elapsed();
    while dispatcher.stats().delivered < total as u64 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = started.elapsed();
    let ideal = Duration::from_millis(50) * total as u32 / workers as u32;
    println!(
        "3. delivery of {total} notifications through the durable outbox ({handover:?}), 50 ms each, {workers} \
         workers: {:.2} s (all in the outbox after {:.2} s)",
        elapsed.as_secs_f64(),
        queued.as_secs_f64()
    );
    println!(
        "   ideal {:.2} s; ratio {:.2} (target <= 1.30); {} left in the outbox",
        ideal.as_secs_f64(),
        elapsed.as_secs_f64() / ideal.as_secs_f64(),
        outbox.len().expect("count")
    );
    let _ = dispatcher.shutdown(Duration::from_secs(1)).await;
}
