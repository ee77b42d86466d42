//! The collectors in process against the fake mirror. Accounts: how many requests a cycle costs, what it counts,
//! what it emits when the mirror fails, and its cursors across runs. Nodes: why a node is down.

use std::collections::BTreeMap;
use std::time::Duration;

use hmon::collect::accounts::{AccountsCollector, AccountsTuning, WatchedAccount};
use hmon::collect::network::NodesCollector;
use hmon::collect::{Batch, Collector};
use hmon::metrics::Sample;
use hmon::mirror::retry::RetryPolicy;
use hmon::mirror::{ClientOptions, MirrorClient};
use hmon::store::Db;
use hmon::timestamp::Timestamp;

use crate::fake_mirror::{FakeMirror, Fault, Tx};
use crate::mock_node::{dead_address, MockNode};

/// A client of `mirror` that tries each request once, so one scripted fault fails it.
fn client_trying_once(mirror: &FakeMirror) -> MirrorClient {
    let retry = RetryPolicy { max_attempts: 1, ..RetryPolicy::default() };
    MirrorClient::new(&mirror.url, ClientOptions { timeout: Duration::from_secs(5), retry }).unwrap()
}

fn watched(ids: &[&str]) -> Vec<WatchedAccount> {
    ids.iter().map(|id| WatchedAccount { id: id.parse().unwrap(), label: String::new() }).collect()
}

/// The value of `name` for `account` among `samples`, if emitted.
fn value(samples: &[Sample], name: &str, account: &str) -> Option<f64> {
    samples.iter().find(|s| s.name == name && s.labels.get("account").is_some_and(|a| a == account)).map(|s| s.value)
}

/// `account_transactions` of each of `ids`.
fn counts(samples: &[Sample], ids: &[&str]) -> Vec<Option<f64>> {
    ids.iter().map(|id| value(samples, "account_transactions", id)).collect()
}

#[test]
fn a_quiet_cycle_batches_transactions_and_rereads_only_changed_balances() {
    let mirror = FakeMirror::start();
    let ids: Vec<String> = (0..120).map(|i| format!("0.0.{}", 5000 + i)).collect();
    for id in &ids {
        mirror.account(id, 1_000_000_000, &[]);
    }
    mirror.transfer(Tx::new("0.0.9", "0.0.8", 1, 1_700_000_000));
    let opts = ClientOptions { timeout: std::time::Duration::from_secs(5), retry: RetryPolicy::default() };
    let client = MirrorClient::new(&mirror.url, opts).unwrap();
    let accounts: Vec<WatchedAccount> =
        ids.iter().map(|id| WatchedAccount { id: id.parse().unwrap(), label: String::new() }).collect();
    let tuning = AccountsTuning { batch_size: 50, refresh_cycles: 10, concurrency: 4 };
    let mut collector = AccountsCollector::new(client.clone(), accounts, tuning);
    let rt = tokio::runtime::Runtime::new().unwrap();

    let first = rt.block_on(collector.cycle(Timestamp::now()));
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    assert_eq!(first.samples.iter().filter(|s| s.name == "account_balance_hbar").count(), 120);
    assert!(first.samples.iter().all(|s| s.name != "account_transactions"), "nothing counted before a cursor");
    let after_first = client.requests_sent();
    assert_eq!(after_first, 1 + 120, "the newest transaction, then every balance once");

    // Two watched accounts move; the others are quiet.
    mirror.transfer(Tx::new("0.0.5003", "0.0.5100", 7, 1_700_000_010));
    mirror.set_balance("0.0.5003", 900_000_000);
    let second = rt.block_on(collector.cycle(Timestamp::now()));
    assert!(second.errors.is_empty(), "{:?}", second.errors);
    let requests = client.requests_sent() - after_first;
    // 3 batches of /transactions + 2 changed accounts + a 12-account slice of the full refresh (at most).
    assert!(requests <= 3 + 2 + 12, "{requests} requests for 120 quiet accounts");
    let batches: Vec<_> = mirror
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/transactions" && r.query.contains("gt%3A"))
        .collect();
    assert_eq!(batches.len(), 3);
    assert_eq!(batches[0].query.matches("account.id=").count(), 50, "50 accounts in one request");
    let count = |id: &str| {
        second.samples.iter().find(|s| s.name == "account_transactions" && s.labels["account"] == id).map(|s| s.value)
    };
    assert_eq!((count("0.0.5003"), count("0.0.5100"), count("0.0.5000")), (Some(1.0), Some(1.0), Some(0.0)));
    let balance = second.samples.iter().find(|s| s.name == "account_balance_hbar" && s.labels["account"] == "0.0.5003");
    assert_eq!(balance.map(|s| s.value), Some(9.0), "a changed account is re-read at once");
}

#[test]
fn a_failed_query_confirms_nothing_and_the_collector_is_down() {
    let mirror = FakeMirror::start();
    let ids = ["0.0.5000", "0.0.5001", "0.0.5002", "0.0.5003", "0.0.5004"];
    for id in &ids[..4] {
        mirror.account(id, 1_000_000_000, &[]);
    }
    mirror.transfer(Tx::new("0.0.9", "0.0.8", 1, 1_700_000_000));
    // Batches [5000, 5001], [5002, 5003], [5004]; one account of the slow refresh a cycle, from the first.
    let tuning = AccountsTuning { batch_size: 2, refresh_cycles: 100, concurrency: 4 };
    let mut collector = AccountsCollector::new(client_trying_once(&mirror), watched(&ids), tuning);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let first = rt.block_on(collector.cycle(Timestamp::now()));
    assert_eq!(first.errors.len(), 1, "{:?}", first.errors);
    assert!(first.errors[0].starts_with("balance of 0.0.5004: not found"), "{:?}", first.errors);
    assert_eq!(value(&first.samples, "account_balance_hbar", "0.0.5001"), Some(10.0));
    assert_eq!(value(&first.samples, "account_balance_hbar", "0.0.5004"), None, "unknown to the mirror");

    // The first batch's query fails; 0.0.5002 moves but its balance cannot be read.
    mirror.faults("/api/v1/transactions?account.id=0.0.5000&", vec![Fault::Status(500)]);
    mirror.transfer(Tx::new("0.0.5002", "0.0.8", 1, 1_700_000_010));
    mirror.faults("/api/v1/accounts/0.0.5002?", vec![Fault::Status(500)]);
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Batch>(4);
    let (_stop, stop_rx) = tokio::sync::watch::channel(false);
    rt.block_on(hmon::collect::run(collector, Duration::from_secs(10), tx, stop_rx, true));
    let second = rx.try_recv().expect("one batch").cycle;
    let balances: Vec<Option<f64>> = ids.iter().map(|id| value(&second.samples, "account_balance_hbar", id)).collect();
    // 0.0.5000 was re-read (the slow refresh), 0.0.5001 was not and its batch's query failed, 0.0.5002's read
    // failed, 0.0.5003's batch showed no change, 0.0.5004 is unknown.
    assert_eq!(balances, [Some(10.0), None, None, Some(10.0), None]);
    assert_eq!(counts(&second.samples, &ids), [None, None, Some(1.0), Some(0.0), Some(0.0)]);
    let up = second.samples.iter().find(|s| s.name == "collector_up").map(|s| (s.value, s.labels["collector"].clone()));
    assert_eq!(up, Some((0.0, "accounts".to_string())));
    assert_eq!(second.errors.len(), 3, "{:?}", second.errors);
    for error in ["transactions of 2 accounts", "balance of 0.0.5002", "balance of 0.0.5004: not found"] {
        assert!(second.errors.iter().any(|e| e.starts_with(error)), "{error} in {:?}", second.errors);
    }
}

#[test]
fn saved_cursors_let_a_new_collector_count_only_newer_transactions() {
    let mirror = FakeMirror::start();
    let ids = ["0.0.5000", "0.0.5001", "0.0.5002"];
    for id in &ids {
        mirror.account(id, 1_000_000_000, &[]);
    }
    mirror.transfer(Tx::new("0.0.9", "0.0.8", 1, 1_700_000_000));
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_owned(&dir.path().join("hmon.db")).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    // What the pipeline does with a cycle's collector state: commit it with the cycle.
    let keep = |db: &Db, cycle: &hmon::collect::Cycle| {
        db.write(|tx| {
            for (key, value) in &cycle.keep {
                tx.execute("INSERT OR REPLACE INTO kv (key, value) VALUES (?1, ?2)", [key, value])?;
            }
            Ok(())
        })
        .unwrap()
    };
    let stored = |db: &Db| db.get_value::<BTreeMap<String, String>>("accounts.cursors").unwrap().unwrap_or_default();
    let tuning = AccountsTuning { batch_size: 2, refresh_cycles: 10, concurrency: 4 };
    let mut first =
        AccountsCollector::new(client_trying_once(&mirror), watched(&ids), tuning).with_cursor_store(db.clone());
    let cycle = rt.block_on(first.cycle(Timestamp::now()));
    keep(&db, &cycle);
    assert!(cycle.errors.is_empty(), "{:?}", cycle.errors);
    assert_eq!(counts(&cycle.samples, &ids), [None, None, None], "the first run starts at the newest transaction");
    assert!(stored(&db).values().all(|at| at == "1700000000.000000007"), "{:?}", stored(&db));
    mirror.transfer(Tx::new("0.0.5000", "0.0.8", 1, 1_700_000_010));
    let cycle = rt.block_on(first.cycle(Timestamp::now()));
    keep(&db, &cycle);
    assert_eq!(counts(&cycle.samples, &ids), [Some(1.0), Some(0.0), Some(0.0)]);
    drop(first);
    let saved = stored(&db);
    assert_eq!(saved["0.0.5000"], "1700000010.000000007");
    assert_eq!(saved["0.0.5002"], "1700000000.000000007", "its batch saw nothing newer");

    // The next run, with all three in one batch: it starts from the oldest cursor, 0.0.5002's, yet does not count
    // 0.0.5000's transaction again.
    mirror.transfer(Tx::new("0.0.5001", "0.0.5002", 1, 1_700_000_020));
    let newest_asked = || mirror.requests().iter().filter(|r| r.query == "limit=1&order=desc").count();
    let asked_before = newest_asked();
    let tuning = AccountsTuning { batch_size: 3, ..tuning };
    let mut next =
        AccountsCollector::new(client_trying_once(&mirror), watched(&ids), tuning).with_cursor_store(db.clone());
    let cycle = rt.block_on(next.cycle(Timestamp::now()));
    keep(&db, &cycle);
    assert!(cycle.errors.is_empty(), "{:?}", cycle.errors);
    assert_eq!(counts(&cycle.samples, &ids), [Some(0.0), Some(1.0), Some(1.0)]);
    assert_eq!(newest_asked(), asked_before, "no need for the mirror's newest transaction");
    assert!(stored(&db).values().all(|at| at == "1700000020.000000007"), "{:?}", stored(&db));
}

#[test]
fn a_down_node_carries_the_reason_its_probe_failed() {
    let mirror = FakeMirror::start();
    let up = MockNode::start(hiero_sdk_proto::services::ResponseCodeEnum::Ok);
    let dead = dead_address();
    let addrs = [up.addr, dead];
    mirror.nodes(2, |i| (addrs[i].ip().to_string(), addrs[i].port()));
    let network = hmon::network::Network {
        name: "lab".into(),
        mirror_url: mirror.url.clone(),
        ledger_id: None,
        nodes: BTreeMap::new(),
    };
    let mut collector =
        NodesCollector { client: client_trying_once(&mirror), network, probe_timeout: Duration::from_secs(5) };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let cycle = rt.block_on(collector.cycle(Timestamp::now()));
    let node_up = |account: &str| {
        cycle
            .samples
            .iter()
            .find(|s| s.name == "node_up" && s.labels.get("node_account_id").is_some_and(|a| a == account))
            .map(|s| (s.value, s.error.clone()))
    };
    assert_eq!(node_up("0.0.3"), Some((1.0, None)), "{cycle:?}");
    assert_eq!(node_up("0.0.4"), Some((0.0, Some("connection refused".to_string()))), "{cycle:?}");
}
