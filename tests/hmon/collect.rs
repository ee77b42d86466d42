//! The accounts collector, in process against the fake mirror: how many requests a cycle costs, and what it counts.

use hmon::collect::accounts::{AccountsCollector, AccountsTuning, WatchedAccount};
use hmon::collect::Collector;
use hmon::mirror::retry::RetryPolicy;
use hmon::mirror::{ClientOptions, MirrorClient};
use hmon::timestamp::Timestamp;

use crate::fake_mirror::{FakeMirror, Tx};

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
