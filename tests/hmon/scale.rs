//! The accounts collector in stream mode, in process against the fake mirror: warm-up by id-list reads, balances
//! moved by the network's transactions, the drift check, the cursor across runs, the mode choice and the budget.
//!
//! The fake answers `/api/v1/accounts` (the id list) with one fixed body set per test (`listed`): the rows it holds
//! for accounts not asked about must be ignored, like any answer the collector did not ask for.

use std::time::Duration;

use hmon::collect::accounts::{AccountsCollector, AccountsTuning, ScaleTuning, WatchedAccount};
use hmon::collect::mode::ModeSetting;
use hmon::collect::{Clock, Collector, Cycle};
use hmon::metrics::Sample;
use hmon::mirror::retry::RetryPolicy;
use hmon::mirror::{ClientOptions, MirrorClient};
use hmon::store::Db;
use hmon::timestamp::Timestamp;
use serde_json::{json, Value};

use crate::fake_mirror::{FakeMirror, Fault, Tx};

const TUNING: AccountsTuning = AccountsTuning { batch_size: 50, refresh_cycles: 30, concurrency: 4 };

fn client(mirror: &FakeMirror) -> MirrorClient {
    let retry = RetryPolicy { max_attempts: 1, ..RetryPolicy::default() };
    MirrorClient::new(&mirror.url, ClientOptions { timeout: Duration::from_secs(5), retry }).unwrap()
}

fn scale(mode: ModeSetting, rate_limit: f64) -> ScaleTuning {
    ScaleTuning { mode, rate_limit, interval: Duration::from_secs(10), single_cycle: false }
}

/// 0.0.5000 and on.
fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("0.0.{}", 5000 + i)).collect()
}

fn watched(ids: &[String]) -> Vec<WatchedAccount> {
    ids.iter().map(|id| WatchedAccount { id: id.parse().unwrap(), label: String::new() }).collect()
}

/// One account of an `/api/v1/accounts` body: id, tinybars, balance.timestamp, tokens (id, balance).
type Row<'a> = (&'a str, i64, &'a str, &'a [(&'a str, i64)]);

/// An `/api/v1/accounts` body, shaped like the API's.
fn listed(rows: &[Row<'_>]) -> Value {
    let accounts: Vec<Value> = rows
        .iter()
        .map(|(id, tinybars, at, tokens)| {
            let tokens: Vec<Value> = tokens.iter().map(|(t, b)| json!({"token_id": t, "balance": b})).collect();
            json!({
                "account": id, "alias": null, "auto_renew_period": 7776000,
                "balance": {"balance": tinybars, "timestamp": at, "tokens": tokens},
                "created_timestamp": "1600000000.000000001", "decline_reward": false, "delegation_address": null,
                "deleted": false, "ethereum_nonce": 0, "evm_address": null, "expiry_timestamp": null,
                "key": null, "max_automatic_token_associations": 0, "memo": "", "pending_reward": 0,
                "receiver_sig_required": false, "staked_account_id": null, "staked_node_id": null,
                "stake_period_start": null
            })
        })
        .collect();
    json!({"accounts": accounts, "links": {"next": null}})
}

/// Every one of `ids` at `tinybars` as of balance.timestamp 1700000000, no tokens.
fn all_at(ids: &[String], tinybars: i64) -> Value {
    let rows: Vec<Row<'_>> = ids.iter().map(|id| (id.as_str(), tinybars, "1700000000.000000000", &[][..])).collect();
    listed(&rows)
}

fn value(samples: &[Sample], name: &str, account: &str) -> Option<f64> {
    samples.iter().find(|s| s.name == name && s.labels.get("account").is_some_and(|a| a == account)).map(|s| s.value)
}

fn own(samples: &[Sample], name: &str) -> Option<f64> {
    samples.iter().find(|s| s.name == name).map(|s| s.value)
}

fn count(samples: &[Sample], name: &str) -> usize {
    samples.iter().filter(|s| s.name == name).count()
}

/// What the pipeline does with a cycle's collector state: commit it with the cycle.
fn keep(db: &Db, cycle: &Cycle) {
    db.write(|tx| {
        for (key, value) in &cycle.keep {
            tx.execute("INSERT OR REPLACE INTO kv (key, value) VALUES (?1, ?2)", [key, value])?;
        }
        Ok(())
    })
    .unwrap()
}

#[test]
fn the_stream_warms_up_by_id_lists_then_moves_balances_without_rereading() {
    let mirror = FakeMirror::start();
    let ids = ids(120);
    mirror.set_static("/api/v1/accounts", 200, all_at(&ids, 1_000_000_000));
    mirror.transfer(Tx::new("0.0.9", "0.0.8", 1, 1_700_000_000));
    let client = client(&mirror);
    let mut collector =
        AccountsCollector::new(client.clone(), watched(&ids), TUNING).with_scale(scale(ModeSetting::Stream, 20.0));
    let rt = tokio::runtime::Runtime::new().unwrap();

    let first = rt.block_on(collector.cycle(Timestamp::now()));
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    // The newest transaction (to start the stream before it), two id lists (100 + 20), one short page.
    assert_eq!(client.requests_sent(), 4);
    let lists: Vec<String> =
        mirror.requests().into_iter().filter(|r| r.path == "/api/v1/accounts").map(|r| r.query).collect();
    assert_eq!(lists.iter().map(|q| q.matches("account.id=").count()).collect::<Vec<_>>(), [100, 20]);
    assert!(lists.iter().all(|q| q.ends_with("limit=100")), "{lists:?}");
    let page =
        mirror.requests().into_iter().find(|r| r.path == "/api/v1/transactions" && r.query.contains("gt")).unwrap();
    assert_eq!(page.query, "timestamp=gt:1699999985.000000007&order=asc&limit=100", "15 s before the newest");
    assert_eq!(count(&first.samples, "account_balance_hbar"), 120);
    assert_eq!(count(&first.samples, "account_transactions"), 120);
    assert_eq!(value(&first.samples, "account_balance_hbar", "0.0.5003"), Some(10.0));
    assert_eq!(
        (own(&first.samples, "accounts_streaming"), own(&first.samples, "accounts_drift")),
        (Some(1.0), Some(0.0))
    );
    assert!(own(&first.samples, "accounts_stream_lag_seconds").is_some_and(|lag| lag > 0.0));
    assert!(!collector.hurry(), "warmed up and at the head");

    // Two watched accounts move: the stream applies the transfer to the balances read before.
    mirror.transfer(Tx::new("0.0.5003", "0.0.5100", 7, 1_700_000_010));
    let before = client.requests_sent();
    let second = rt.block_on(collector.cycle(Timestamp::now()));
    assert!(second.errors.is_empty(), "{:?}", second.errors);
    assert_eq!(client.requests_sent() - before, 2, "one page and one id list of the drift check");
    assert_eq!(
        value(&second.samples, "account_balance_hbar", "0.0.5003"),
        Some((1_000_000_000 - 7 - 100_000) as f64 / 1e8)
    );
    assert_eq!(value(&second.samples, "account_balance_hbar", "0.0.5100"), Some(10.000_000_07));
    let counts: Vec<Option<f64>> = ["0.0.5003", "0.0.5100", "0.0.5000"]
        .iter()
        .map(|id| value(&second.samples, "account_transactions", id))
        .collect();
    assert_eq!(counts, [Some(1.0), Some(1.0), Some(0.0)]);

    // The drift check reads the rest: 0.0.5100 lines up with the stream, 0.0.5101 does not (the read wins).
    let mut rows: Vec<Row<'_>> =
        ids.iter().map(|id| (id.as_str(), 1_000_000_000, "1700000000.000000000", &[][..])).collect();
    rows[100] = ("0.0.5100", 1_000_000_007, "1700000010.000000007", &[]);
    rows[101] = ("0.0.5101", 999, "1700000000.000000000", &[]);
    mirror.set_static("/api/v1/accounts", 200, listed(&rows));
    let third = rt.block_on(collector.cycle(Timestamp::now()));
    assert!(third.errors.is_empty(), "{:?}", third.errors);
    assert_eq!(own(&third.samples, "accounts_drift"), Some(1.0));
    assert_eq!(value(&third.samples, "account_balance_hbar", "0.0.5101"), Some(999e-8));
    assert_eq!(value(&third.samples, "account_balance_hbar", "0.0.5100"), Some(10.000_000_07));
}

#[test]
fn a_new_run_resumes_from_the_stored_cursor_without_counting_twice() {
    let mirror = FakeMirror::start();
    let ids = ids(60);
    mirror.set_static("/api/v1/accounts", 200, all_at(&ids, 1_000_000_000));
    mirror.transfer(Tx::new("0.0.9", "0.0.8", 1, 1_700_000_000));
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_owned(&dir.path().join("hmon.db")).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let run = || {
        AccountsCollector::new(client(&mirror), watched(&ids), TUNING)
            .with_scale(scale(ModeSetting::Stream, 20.0))
            .with_cursor_store(db.clone())
    };
    let mut first = run();
    let cycle = rt.block_on(first.cycle(Timestamp::now()));
    keep(&db, &cycle);
    mirror.transfer(Tx::new("0.0.5001", "0.0.5002", 5, 1_700_000_010));
    let cycle = rt.block_on(first.cycle(Timestamp::now()));
    keep(&db, &cycle);
    assert_eq!(value(&cycle.samples, "account_transactions", "0.0.5001"), Some(1.0));
    let stored = db.get_value::<Value>("accounts.stream").unwrap();
    assert_eq!(stored, Some(json!({"cursor": "1700000010.000000007"})));
    drop(first);

    mirror.transfer(Tx::new("0.0.5001", "0.0.5003", 6, 1_700_000_020));
    let mut next = run();
    let cycle = rt.block_on(next.cycle(Timestamp::now()));
    assert!(cycle.errors.is_empty(), "{:?}", cycle.errors);
    // The stream starts 15 s before the newest transaction (before the stored cursor), so the transfer at 10 is
    // read again: it moves the balances (read as of 1700000000) but is not counted again.
    let counts: Vec<Option<f64>> = ["0.0.5001", "0.0.5002", "0.0.5003"]
        .iter()
        .map(|id| value(&cycle.samples, "account_transactions", id))
        .collect();
    assert_eq!(counts, [Some(1.0), Some(0.0), Some(1.0)]);
    assert_eq!(value(&cycle.samples, "account_balance_hbar", "0.0.5002"), Some(10.000_000_05));
    assert_eq!(
        value(&cycle.samples, "account_balance_hbar", "0.0.5001"),
        Some((1_000_000_000 - 11 - 200_000) as f64 / 1e8)
    );
    keep(&db, &cycle);
    assert_eq!(db.get_value::<Value>("accounts.stream").unwrap(), Some(json!({"cursor": "1700000020.000000007"})));
}

#[test]
fn auto_mode_streams_when_the_network_is_quiet_and_batches_when_it_is_busy() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let ids = ids(120);
    for (per_block, want) in [(2, 1.0), (200, 0.0)] {
        let mirror = FakeMirror::start();
        mirror.set_static("/api/v1/accounts", 200, all_at(&ids, 1));
        for id in &ids {
            mirror.account(id, 1, &[]);
        }
        // Ten 2 s blocks: 1 or 100 transactions a second. Batches cost 3 + 4 requests a cycle for 120 accounts;
        // the stream 1 + 2 at 1 tx/s, 10 + 2 at 100 tx/s.
        mirror.blocks(10, per_block, 1_700_000_000);
        // The stream measures the same rate, from transactions that name no watched account.
        mirror.busy(per_block as usize * 10, 2_000 / per_block, 1_700_000_000);
        let mut collector =
            AccountsCollector::new(client(&mirror), watched(&ids), TUNING).with_scale(scale(ModeSetting::Auto, 20.0));
        // The warm-up streams whatever the rate: it reads 100 accounts a request.
        let cycle = rt.block_on(collector.cycle(Timestamp::now()));
        assert!(cycle.errors.is_empty(), "{:?}", cycle.errors);
        assert_eq!(own(&cycle.samples, "accounts_streaming"), Some(1.0), "{per_block} a block");
        assert_eq!(count(&cycle.samples, "account_balance_hbar"), 120);
        assert_eq!(mirror.hits("/api/v1/accounts"), 2, "two id-list reads");
        assert_eq!(mirror.hits("/api/v1/blocks"), 1);
        // Then the costs decide; the rate is asked for again only after a minute.
        let cycle = rt.block_on(collector.cycle(Timestamp::now()));
        assert!(cycle.errors.is_empty(), "{:?}", cycle.errors);
        assert_eq!(own(&cycle.samples, "accounts_streaming"), Some(want), "{per_block} a block");
        assert_eq!(count(&cycle.samples, "account_balance_hbar"), 120, "the balances carried over");
        assert_eq!(mirror.hits("/api/v1/blocks"), 1);
    }
}

#[test]
fn a_list_of_one_batch_costs_what_it_did_and_never_asks_for_the_rate() {
    let mirror = FakeMirror::start();
    let ids = ids(50);
    for id in &ids {
        mirror.account(id, 1_000_000_000, &[]);
    }
    mirror.blocks(10, 2, 1_700_000_000);
    mirror.transfer(Tx::new("0.0.9", "0.0.8", 1, 1_700_000_000));
    let client = client(&mirror);
    let mut collector =
        AccountsCollector::new(client.clone(), watched(&ids), TUNING).with_scale(scale(ModeSetting::Auto, 20.0));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let first = rt.block_on(collector.cycle(Timestamp::now()));
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    assert_eq!(client.requests_sent(), 1 + 50, "the newest transaction, then every balance once");
    let before = client.requests_sent();
    rt.block_on(collector.cycle(Timestamp::now()));
    assert_eq!(client.requests_sent() - before, 1 + 2, "one batch and the refresh slice");
    assert_eq!(mirror.hits("/api/v1/blocks") + mirror.hits("/api/v1/accounts"), 0);
    assert!(first.samples.iter().all(|s| !s.name.starts_with("accounts_")), "no new series for short lists");
}

#[test]
fn a_stream_that_cannot_keep_up_reports_its_lag_and_hurries() {
    let mirror = FakeMirror::start();
    let ids = ids(60);
    mirror.set_static("/api/v1/accounts", 200, all_at(&ids, 1));
    // 250 transactions in the 15 s before the newest: more than one page.
    for i in 0..250 {
        mirror.transfer(Tx::new("0.0.9", "0.0.5000", 1, 1_700_000_000 - 14 + i / 20));
    }
    // 0.3 requests a second for 10 s: a budget of 2 a cycle.
    let mut collector =
        AccountsCollector::new(client(&mirror), watched(&ids), TUNING).with_scale(scale(ModeSetting::Stream, 0.3));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let first = rt.block_on(collector.cycle(Timestamp::now()));
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    // The start, then one page; no budget left for reads: nothing known yet, but the stream was read.
    assert_eq!((count(&first.samples, "account_balance_hbar"), count(&first.samples, "account_transactions")), (0, 60));
    assert!(collector.hurry(), "more pages wait");
    let second = rt.block_on(collector.cycle(Timestamp::now()));
    assert!(second.errors.is_empty(), "{:?}", second.errors);
    // One id list (its bracket starts from the head seen at the start: older, so safe), and one page.
    assert_eq!(count(&second.samples, "account_balance_hbar"), 60, "the read confirmed them");
    assert_eq!(count(&second.samples, "account_transactions"), 60, "the stream was read too");
    let lag = own(&second.samples, "accounts_stream_lag_seconds").unwrap();
    assert!(lag > Timestamp { secs: 1_700_000_000, nanos: 0 }.seconds_until(Timestamp::now()) - 10.0, "{lag}");
    assert!(collector.hurry());
}

#[test]
fn a_failed_stream_confirms_only_what_was_read() {
    let mirror = FakeMirror::start();
    let ids = ids(60);
    // 0.0.5059 is not on the mirror.
    mirror.set_static("/api/v1/accounts", 200, all_at(&ids[..59], 1));
    mirror.transfer(Tx::new("0.0.9", "0.0.8", 1, 1_700_000_000));
    let mut collector =
        AccountsCollector::new(client(&mirror), watched(&ids), TUNING).with_scale(scale(ModeSetting::Stream, 20.0));
    let rt = tokio::runtime::Runtime::new().unwrap();
    mirror.faults("/api/v1/transactions?timestamp=gt", vec![Fault::Status(500)]);
    let first = rt.block_on(collector.cycle(Timestamp::now()));
    assert_eq!(count(&first.samples, "account_balance_hbar"), 59, "read this cycle");
    assert_eq!(count(&first.samples, "account_transactions"), 0);
    assert_eq!(first.errors.len(), 2, "{:?}", first.errors);
    assert!(first.errors[0].starts_with("network transactions after 1699999985.000000007: "), "{:?}", first.errors);
    assert_eq!(first.errors[1], "balances: not found on the mirror: 0.0.5059");
    assert!(!collector.hurry(), "a failing mirror is asked again after the interval");
    mirror.faults("/api/v1/transactions?timestamp=gt", vec![Fault::Status(500)]);
    let second = rt.block_on(collector.cycle(Timestamp::now()));
    assert_eq!(count(&second.samples, "account_balance_hbar"), 59, "the read confirmed them");
    let third = rt.block_on(collector.cycle(Timestamp::now()));
    assert_eq!(count(&third.samples, "account_balance_hbar"), 59, "the stream confirmed them");
    assert_eq!(count(&third.samples, "account_transactions"), 60);
    assert_eq!(third.errors, ["balances: not found on the mirror: 0.0.5059"]);
    assert!(!collector.hurry());
}

#[test]
fn between_cycles_a_glimpse_reports_the_moved_balances_and_the_cycle_counts_them() {
    let mirror = FakeMirror::start();
    let ids = ids(60);
    mirror.set_static("/api/v1/accounts", 200, all_at(&ids, 1_000_000_000));
    mirror.transfer(Tx::new("0.0.9", "0.0.8", 1, 1_700_000_000));
    let client = client(&mirror);
    let mut collector =
        AccountsCollector::new(client.clone(), watched(&ids), TUNING).with_scale(scale(ModeSetting::Stream, 20.0));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let first = rt.block_on(collector.cycle(Timestamp::now()));
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    assert_eq!(collector.glimpse_every(), Some(Duration::from_secs(2)), "warmed up and at the head");

    mirror.transfer(Tx::new("0.0.5003", "0.0.5010", 7, 1_700_000_010));
    let before = client.requests_sent();
    let glimpse = rt.block_on(collector.glimpse(Timestamp::now()));
    assert_eq!(client.requests_sent() - before, 1, "one short page");
    let names: Vec<(&str, &str)> =
        glimpse.iter().map(|s| (&*s.name, s.labels.get("account").map_or("", String::as_str))).collect();
    assert_eq!(names, [("account_balance_hbar", "0.0.5003"), ("account_balance_hbar", "0.0.5010")], "only what moved");
    assert_eq!(value(&glimpse, "account_balance_hbar", "0.0.5010"), Some(10.000_000_07));
    // A quiet glimpse costs one short page and says nothing; a failed one waits for the cycle to be reported.
    assert!(rt.block_on(collector.glimpse(Timestamp::now())).is_empty());
    mirror.faults("/api/v1/transactions?timestamp=gt", vec![Fault::Status(500)]);
    assert!(rt.block_on(collector.glimpse(Timestamp::now())).is_empty());

    mirror.transfer(Tx::new("0.0.5003", "0.0.5011", 5, 1_700_000_020));
    let cycle = rt.block_on(collector.cycle(Timestamp::now()));
    assert_eq!(cycle.errors.len(), 1, "the glimpse's failure: {:?}", cycle.errors);
    assert!(cycle.errors[0].starts_with("network transactions after 1700000010."), "{:?}", cycle.errors);
    let counts: Vec<Option<f64>> = ["0.0.5003", "0.0.5010", "0.0.5011", "0.0.5000"]
        .iter()
        .map(|id| value(&cycle.samples, "account_transactions", id))
        .collect();
    assert_eq!(counts, [Some(2.0), Some(1.0), Some(1.0), Some(0.0)], "the glimpse's transaction and the cycle's");
    assert_eq!(value(&cycle.samples, "account_balance_hbar", "0.0.5010"), Some(10.000_000_07));
    assert_eq!(value(&cycle.samples, "account_balance_hbar", "0.0.5011"), Some(10.000_000_05));
    let next = rt.block_on(collector.cycle(Timestamp::now()));
    assert_eq!(value(&next.samples, "account_transactions", "0.0.5003"), Some(0.0), "counted once");

    // Per-account batches have no glimpses.
    let mut batches =
        AccountsCollector::new(client.clone(), watched(&ids), TUNING).with_scale(scale(ModeSetting::Batches, 20.0));
    rt.block_on(batches.cycle(Timestamp::now()));
    assert_eq!(batches.glimpse_every(), None);
}

/// `[collect]` of a config with `accounts` watched.
fn config_with(accounts: &[String], collect: &str) -> String {
    let mut text = format!("{}\n[collect]\n{collect}\n", crate::FAST_RETRIES);
    for id in accounts {
        text.push_str(&format!("\n[[accounts]]\nid = \"{id}\"\n"));
    }
    text
}

/// The samples named `name` among `watch --json` output lines.
fn printed(stdout: &str, name: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["type"] == "sample" && e["name"] == name)
        .collect()
}

#[test]
fn watch_once_in_stream_mode_reads_everything_in_one_cycle_and_cron_runs_carry_on() {
    let env = crate::Env::start();
    let ids = ids(150);
    let mut rows: Vec<Row<'_>> =
        ids.iter().map(|id| (id.as_str(), 100_000_000, "1700000000.000000000", &[][..])).collect();
    rows[7] = ("0.0.5007", 100_000_000, "1700000000.000000000", &[("0.0.7777", 1234)]);
    env.mirror.set_static("/api/v1/accounts", 200, listed(&rows));
    // Its own token list gives the decimals.
    env.mirror.account("0.0.5007", 100_000_000, &[("0.0.7777", 1234, 2)]);
    env.mirror.transfer(Tx::new("0.0.9", "0.0.8", 1, 1_700_000_000));
    // A budget of 4 requests a cycle (3 a second for 2 s, 80 %): one cycle could not start the stream, read 150
    // accounts and a token list and follow the stream, but a single run does it all.
    env.write_config(&config_with(&ids, "mode = \"stream\"\nrate_limit = 3\ninterval = \"2s\""));
    let (code, stdout, stderr) = crate::run(env.hmon().args(["watch", "--once", "--json"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(printed(&stdout, "account_balance_hbar").len(), 150);
    let token = printed(&stdout, "account_token_balance");
    assert_eq!((token.len(), token[0]["value"].as_f64()), (1, Some(12.34)));
    assert_eq!(printed(&stdout, "accounts_streaming")[0]["value"], 1.0);
    assert_eq!(env.mirror.hits("/api/v1/accounts"), 2);

    env.mirror.transfer(Tx::new("0.0.5001", "0.0.5002", 5, 1_700_000_010));
    let (code, stdout, stderr) = crate::run(env.hmon().args(["watch", "--once", "--json"]));
    assert_eq!(code, 0, "{stderr}");
    let counted = |stdout: &str| -> f64 {
        printed(stdout, "account_transactions").iter().map(|s| s["value"].as_f64().unwrap()).sum()
    };
    assert_eq!(counted(&stdout), 2.0, "0.0.5001 and 0.0.5002, once each");
    let (code, stdout, stderr) = crate::run(env.hmon().args(["watch", "--once", "--json"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(counted(&stdout), 0.0, "not again");
}

/// A change is seen seconds after it reaches the mirror, not at the next cycle: with a minute between cycles, the
/// moved balance comes before the accounts collector's next `cycle` event.
#[test]
fn watch_sees_a_streamed_change_between_two_cycles() {
    let env = crate::Env::start();
    let ids = ids(60);
    env.mirror.set_static("/api/v1/accounts", 200, all_at(&ids, 100_000_000));
    env.mirror.transfer(Tx::new("0.0.9", "0.0.8", 1, 1_700_000_000));
    env.write_config(&config_with(&ids, "mode = \"stream\""));
    let (_child, rx) = crate::watch::spawn_json(&env, &["watch", "--json", "--interval", "60s"]);
    let is_cycle = |e: &Value| e["type"] == "cycle" && e["collector"] == "accounts";
    let first = crate::watch::next_event(&rx, is_cycle);
    assert!(first["samples"].as_u64().unwrap_or(0) >= 120, "{first}");

    env.mirror.transfer(Tx::new("0.0.5001", "0.0.5002", 5, 1_700_000_010));
    let is_moved = |e: &Value| e["type"] == "sample" && e["name"] == "account_balance_hbar";
    let next = crate::watch::next_event(&rx, |e| is_moved(e) || is_cycle(e));
    assert!(is_moved(&next), "the change came with the next cycle, not before: {next}");
    let moved = [next, crate::watch::next_event(&rx, |e| is_moved(e) || is_cycle(e))];
    let values: Vec<(&str, f64)> =
        moved.iter().map(|e| (e["labels"]["account"].as_str().unwrap_or(""), e["value"].as_f64().unwrap())).collect();
    assert_eq!(values, [("0.0.5001", (100_000_000 - 5 - 100_000) as f64 / 1e8), ("0.0.5002", 1.000_000_05)]);
}

#[test]
fn an_unknown_mode_is_refused_with_the_choices() {
    let env = crate::Env::start();
    env.write_config(&config_with(&ids(1), "mode = \"fast\""));
    let (code, _, stderr) = crate::run(env.hmon().args(["watch", "--once"]));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("'fast' is not a mode: expected \"auto\", \"batches\" or \"stream\""), "{stderr}");
    assert!(stderr.contains("mode"), "{stderr}");
}

#[test]
fn a_stream_far_behind_catches_up_in_windows_without_a_gap() {
    let mirror = FakeMirror::start();
    let ids = ids(60);
    // The mirror's balances include all 1,000 transfers below: the reads are ahead of the stream, which must not
    // add any of them again.
    let mut rows: Vec<Row<'_>> =
        ids.iter().map(|id| (id.as_str(), 1_000_000_000, "1700000000.000000000", &[][..])).collect();
    rows[0] = ("0.0.5000", 1_000_000_000 - 1000 * 100_001, "1700001000.000000007", &[]);
    rows[1] = ("0.0.5001", 1_000_000_000 + 1000, "1700001000.000000007", &[]);
    mirror.set_static("/api/v1/accounts", 200, listed(&rows));
    // 1,000 transfers of 1 tinybar from 0.0.5000 to 0.0.5001, one a second, after a stored cursor.
    for i in 0..1000 {
        mirror.transfer(Tx::new("0.0.5000", "0.0.5001", 1, 1_700_000_001 + i));
    }
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_owned(&dir.path().join("hmon.db")).unwrap();
    db.write(|tx| Db::put_value(tx, "accounts.stream", &json!({"cursor": "1700000000.000000000"}))).unwrap();
    // 0.5 requests a second for 10 s: 4 requests a cycle.
    let mut collector = AccountsCollector::new(client(&mirror), watched(&ids), TUNING)
        .with_scale(scale(ModeSetting::Stream, 0.5))
        .with_cursor_store(db.clone());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (mut counted, mut cycles) = (0.0, 0);
    let mut last = Vec::new();
    while cycles < 20 {
        let cycle = rt.block_on(collector.cycle(Timestamp::now()));
        assert!(cycle.errors.is_empty(), "{:?}", cycle.errors);
        counted += value(&cycle.samples, "account_transactions", "0.0.5001").unwrap_or(0.0);
        cycles += 1;
        last = cycle.samples;
        if !collector.hurry() {
            break;
        }
    }
    // The stream counted every transaction once, and added none that the reads held already.
    assert_eq!(value(&last, "account_balance_hbar", "0.0.5001"), Some((1_000_000_000 + 1000) as f64 / 1e8));
    assert_eq!(value(&last, "account_balance_hbar", "0.0.5000"), Some((1_000_000_000 - 1000 * 100_001) as f64 / 1e8));
    assert_eq!((counted, own(&last, "accounts_drift")), (1000.0, Some(0.0)));
    assert!(cycles < 20, "caught up in {cycles} cycles");
    let windowed = mirror.requests().iter().filter(|r| r.query.contains("timestamp=lte")).count();
    assert!(windowed >= 2, "windows were read side by side: {windowed}");
}

/// Stream mode against the fake's synthetic network (fees, token transfers, failed transactions, staking rewards,
/// children): after many random transactions, every watched balance the collector derived, hbar and token, is the
/// mirror's, and no read ever disagreed with the stream (no drift).
#[test]
fn balances_derived_from_the_stream_equal_the_mirrors_after_many_random_transactions() {
    let sim = crate::fake_mirror::Sim {
        first: 200_000,
        accounts: 300,
        tokens: vec![("0.0.7000", 2), ("0.0.7001", 0)],
        seed: 11,
    };
    let mirror = FakeMirror::network(sim);
    mirror.advance(300);
    let ids: Vec<String> = (0..300).map(|i| format!("0.0.{}", 200_000 + i)).collect();
    let client = client(&mirror);
    let mut collector = AccountsCollector::new(client, watched(&ids), TUNING)
        .with_scale(scale(ModeSetting::Stream, 1000.0))
        .with_clock(Clock::new(mirror.clock()));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut last = Cycle::default();
    // About 10 s of consensus time a round; then 60 s in which no watched balance moves, so that every transfer
    // a read's bracket left in doubt is settled by a later read.
    for round in 0..14 {
        match round {
            0 => {}
            1..8 => mirror.advance(400),
            _ => mirror.idle(400),
        }
        last = rt.block_on(collector.cycle(Timestamp::now()));
        assert!(last.errors.is_empty(), "round {round}: {:?}", last.errors);
        assert_eq!(own(&last.samples, "accounts_drift"), Some(0.0), "round {round}: a read disagreed");
    }
    let hbar = mirror.hbar_balances();
    for id in &ids {
        let derived = value(&last.samples, "account_balance_hbar", id);
        assert_eq!(derived, Some(hbar[id] as f64 / 1e8), "{id}");
    }
    let decimals = |token: &str| if token == "0.0.7000" { 100.0 } else { 1.0 };
    let mut tokens_checked = 0;
    for ((account, token), units) in mirror.token_balances() {
        if !ids.contains(&account) {
            continue;
        }
        let derived = last.samples.iter().find(|s| {
            s.name == "account_token_balance"
                && s.labels.get("account") == Some(&account)
                && s.labels.get("token") == Some(&token)
        });
        assert_eq!(derived.map(|s| s.value), Some(units as f64 / decimals(&token)), "{account} {token}");
        tokens_checked += 1;
    }
    assert!(tokens_checked > 300, "the accounts hold tokens: {tokens_checked}");
}

/// The stream's steady cost follows the network, not the list: after the warm-up, the same transactions cost the
/// same requests whether 300 or 3,000 of the network's accounts are watched.
#[test]
fn a_steady_cycle_costs_the_same_requests_for_ten_times_the_accounts() {
    let steady = |watched_accounts: usize| {
        let sim = crate::fake_mirror::Sim { first: 300_000, accounts: 3_000, tokens: vec![("0.0.7000", 2)], seed: 5 };
        let mirror = FakeMirror::network(sim);
        mirror.advance(200);
        let ids: Vec<String> = (0..watched_accounts).map(|i| format!("0.0.{}", 300_000 + i)).collect();
        let mut collector = AccountsCollector::new(client(&mirror), watched(&ids), TUNING)
            .with_scale(scale(ModeSetting::Stream, 1000.0))
            .with_clock(Clock::new(mirror.clock()));
        let rt = tokio::runtime::Runtime::new().unwrap();
        // The warm-up, then quiet consensus time, so that no read's bracket is open when the measured
        // transactions come.
        for round in 0..3 {
            if round > 0 {
                mirror.idle(600);
            }
            let cycle = rt.block_on(collector.cycle(Timestamp::now()));
            assert!(cycle.errors.is_empty(), "{watched_accounts}: {:?}", cycle.errors);
            assert!(!collector.hurry(), "{watched_accounts}: warmed up in one cycle");
        }
        mirror.advance(450);
        let before = mirror.requests().len();
        let cycle = rt.block_on(collector.cycle(Timestamp::now()));
        assert!(cycle.errors.is_empty(), "{watched_accounts}: {:?}", cycle.errors);
        assert_eq!(own(&cycle.samples, "accounts_drift"), Some(0.0));
        let requests: Vec<String> = mirror.requests()[before..].iter().map(|r| r.path.clone()).collect();
        (requests, count(&cycle.samples, "account_balance_hbar"))
    };
    let (small, small_balances) = steady(300);
    let (large, large_balances) = steady(3_000);
    assert_eq!((small_balances, large_balances), (300, 3_000), "every balance confirmed");
    assert_eq!(small, large, "the same requests");
    let pages = small.iter().filter(|p| p.as_str() == "/api/v1/transactions").count();
    assert!((5..=7).contains(&pages), "450 transactions take 5 pages and the short one: {small:?}");
    assert!(small.len() <= pages + 2, "a drift-check read at most besides: {small:?}");
}
