//! The fake mirror against the real API: it answers the Mirror Node's own spec URLs with the spec's bodies and
//! links, its `/api/v1/accounts` list and network-wide `/api/v1/transactions` stream have the fixtures' shapes and
//! paging, and its synthetic network is consistent: a snapshot plus the stream's transfers gives the balances it
//! serves. The accounts collector's tests stand on this.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;

use hmon::mirror::models::{Account, TransactionsPage};
use serde_json::Value;

use crate::fake_mirror::{FakeMirror, Sim};
use crate::fixture;

/// A network of `accounts` accounts from 0.0.200000 holding three tokens.
fn sim(accounts: usize, seed: u64) -> Sim {
    Sim { first: 200_000, accounts, tokens: vec![("0.0.5000", 2), ("0.0.5001", 0), ("0.0.5002", 8)], seed }
}

/// GET `path` from the fake: (status, the `Link` header if any, the JSON body).
fn get(mirror: &FakeMirror, path: &str) -> (u16, Option<String>, Value) {
    let addr: SocketAddr = mirror.url.trim_start_matches("http://").parse().expect("the fake's address");
    let (status, head, body) = crate::serve::get(addr, path);
    let link = head.lines().find_map(|l| l.strip_prefix("link: ")).map(str::to_string);
    (status, link, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {body}")))
}

/// `field` of every page from `first` on, following `links.next` until it is null.
fn follow(mirror: &FakeMirror, first: &str, field: &str) -> (Vec<Value>, usize) {
    let (mut items, mut pages, mut path) = (Vec::new(), 0, Some(first.to_string()));
    while let Some(p) = path {
        let (status, _, body) = get(mirror, &p);
        assert_eq!(status, 200, "{p}: {body}");
        items.extend(body[field].as_array().expect("a list").iter().cloned());
        pages += 1;
        assert!(pages < 1_000, "links.next never ends");
        path = body["links"]["next"].as_str().map(str::to_string);
    }
    (items, pages)
}

fn ids(items: &[Value]) -> Vec<&str> {
    items.iter().map(|a| a["account"].as_str().expect("account")).collect()
}

/// The accounts of two pages, in order.
fn items_of(first: &Value, second: &Value) -> Vec<Value> {
    [first, second].iter().flat_map(|p| p["accounts"].as_array().unwrap().clone()).collect()
}

/// `/api/v1/accounts?account.id=A&account.id=B…&limit=100`.
fn id_list(nums: impl IntoIterator<Item = u64>) -> String {
    let ids: Vec<String> = nums.into_iter().map(|n| format!("account.id=0.0.{n}")).collect();
    format!("/api/v1/accounts?{}&limit=100", ids.join("&"))
}

#[test]
fn transactions_answer_the_spec_urls_with_the_spec_bodies_and_links() {
    let no_params = fixture("transactions__no-params.json", 0);
    let mirror = FakeMirror::start();
    mirror.insert_transactions(no_params["transactions"].as_array().unwrap().clone());
    assert_eq!(get(&mirror, "/api/v1/transactions").2, no_params);

    let path = format!("{}/tests/fixtures/mirror/transactions__timestamp.json", env!("CARGO_MANIFEST_DIR"));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let tests = doc["tests"].as_array().unwrap();
    let mirror = FakeMirror::start();
    let mut all: BTreeMap<String, Value> = BTreeMap::new();
    for t in tests {
        for tx in t["responseJson"]["transactions"].as_array().unwrap() {
            all.insert(tx["consensus_timestamp"].as_str().unwrap().to_string(), tx.clone());
        }
    }
    mirror.insert_transactions(all.into_values().collect());
    for t in tests {
        let urls: Vec<&str> = match t["url"].as_str() {
            Some(url) => vec![url],
            None => t["urls"].as_array().unwrap().iter().map(|u| u.as_str().unwrap()).collect(),
        };
        for url in urls {
            let (status, link, body) = get(&mirror, url);
            assert_eq!((status, &body), (200, &t["responseJson"]), "{url}");
            let next = body["links"]["next"].as_str();
            assert_eq!(link, next.map(|n| format!("<{n}>; rel=\"next\"")), "{url}: the Link header repeats next");
        }
    }
}

#[test]
fn the_accounts_list_pages_as_the_spec_shows() {
    // The accounts of the Mirror Node's spec tests `accounts/limit.json` and `accounts/accounts-range.json`.
    let mirror = FakeMirror::start();
    mirror.account("0.0.17", 70, &[("0.0.100001", 17, 0)]);
    mirror.account("0.0.18", 80, &[("0.0.100001", 18, 0), ("0.0.100002", 1818, 0)]);
    mirror.account("0.0.19", 90, &[]);
    mirror.account("0.0.20", 100, &[("0.0.99999", 335, 0), ("0.0.99998", 362, 0)]);
    mirror.account("0.0.21", 110, &[("0.0.100001", 21, 0)]);
    let cases: [(&str, &[&str], Option<&str>); 6] = [
        (
            "/api/v1/accounts?account.id=gt:0.0.17&limit=2",
            &["0.0.18", "0.0.19"],
            Some("/api/v1/accounts?limit=2&account.id=gt:0.0.19"),
        ),
        ("/api/v1/accounts?limit=2", &["0.0.17", "0.0.18"], Some("/api/v1/accounts?limit=2&account.id=gt:0.0.18")),
        (
            "/api/v1/accounts?limit=2&order=desc",
            &["0.0.21", "0.0.20"],
            Some("/api/v1/accounts?limit=2&order=desc&account.id=lt:0.0.20"),
        ),
        (
            "/api/v1/accounts?account.id=gte:0.0.18&account.id=lt:0.0.21&limit=2",
            &["0.0.18", "0.0.19"],
            Some("/api/v1/accounts?account.id=lt:0.0.21&account.id=gt:0.0.19&limit=2"),
        ),
        // A full page whose cursor leaves the range empty has no next link.
        ("/api/v1/accounts?account.id=gte:0.0.18&account.id=lt:0.0.21&limit=3", &["0.0.18", "0.0.19", "0.0.20"], None),
        ("/api/v1/accounts", &["0.0.17", "0.0.18", "0.0.19", "0.0.20", "0.0.21"], None),
    ];
    for (url, expected, next) in cases {
        let (status, link, body) = get(&mirror, url);
        assert_eq!(status, 200, "{url}: {body}");
        let accounts = body["accounts"].as_array().unwrap();
        assert_eq!((ids(accounts), body["links"]["next"].as_str()), (expected.to_vec(), next), "{url}");
        assert_eq!(link, next.map(|n| format!("<{n}>; rel=\"next\"")), "{url}");
    }
    // Tokens follow the list's order (accounts/limit.json: 0.0.20 desc lists 0.0.99999 first).
    let (_, _, desc) = get(&mirror, "/api/v1/accounts?limit=2&order=desc");
    let tokens: Vec<&str> = desc["accounts"][1]["balance"]["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["token_id"].as_str().unwrap())
        .collect();
    assert_eq!(tokens, ["0.0.99999", "0.0.99998"]);
    let (_, _, asc) = get(&mirror, "/api/v1/accounts?account.id=0.0.20");
    assert_eq!(asc["accounts"][0]["balance"]["tokens"][0]["token_id"], "0.0.99998");
}

#[test]
fn an_id_list_is_one_page_and_a_full_one_links_to_itself() {
    let mirror = FakeMirror::network(sim(300, 1));
    mirror.advance(50);
    // 100 ids, every third account, out of order: one page, ascending.
    let nums: Vec<u64> = (0..100).map(|i| 200_000 + 3 * i).rev().collect();
    let path = id_list(nums.iter().copied());
    let (status, _, body) = get(&mirror, &path);
    assert_eq!(status, 200, "{body}");
    let listed = body["accounts"].as_array().unwrap();
    let expected: Vec<String> = (0..100).map(|i| format!("0.0.{}", 200_000 + 3 * i)).collect();
    assert_eq!(ids(listed), expected);
    // `updateReqQuery` adds no cursor to `eq` values: the next link of a full page is the same query again.
    assert_eq!(body["links"]["next"].as_str(), Some(path.as_str()));
    // Fewer than 100 distinct ids never fill a page of 100, so there is no next link; a repeated id is listed
    // once, an unknown one not at all, and `eq:` is the same as no operator.
    let short = format!("{}&account.id=0.0.200100&account.id=eq:0.0.999999", id_list((0..98).map(|i| 200_100 + i)));
    let (_, _, short) = get(&mirror, &short);
    assert_eq!((short["accounts"].as_array().unwrap().len(), &short["links"]["next"]), (98, &Value::Null));
    // order=desc reverses the page; the last `limit` counts, and above 100 it is capped, silently.
    let (_, _, desc) = get(&mirror, &format!("{}&order=desc&limit=500", id_list((0..100).map(|i| 200_000 + i))));
    let desc_ids = ids(desc["accounts"].as_array().unwrap());
    assert_eq!((desc_ids.len(), desc_ids[0], desc_ids[99]), (100, "0.0.200099", "0.0.200000"));
    let range = "/api/v1/accounts?account.id=gte:0.0.200000&order=desc&limit=500";
    let (_, _, desc) = get(&mirror, range);
    let desc_ids = ids(desc["accounts"].as_array().unwrap());
    assert_eq!((desc_ids.len(), desc_ids[0], desc_ids[99]), (100, "0.0.200299", "0.0.200200"));
    let next = "/api/v1/accounts?account.id=gte:0.0.200000&account.id=lt:0.0.200200&order=desc&limit=500";
    assert_eq!(desc["links"]["next"], next, "the cursor joins the range");
    assert_eq!(follow(&mirror, range, "accounts").0.len(), 300);
    // A closed range pages in place and stops when the cursor reaches its end, even on a full page.
    let closed = "/api/v1/accounts?account.id=gte:0.0.200000&account.id=lte:0.0.200199&limit=100";
    let (_, _, first) = get(&mirror, closed);
    let next = "/api/v1/accounts?account.id=lte:0.0.200199&account.id=gt:0.0.200099&limit=100";
    assert_eq!(first["links"]["next"], next);
    let (_, _, second) = get(&mirror, next);
    assert_eq!(
        (ids(second["accounts"].as_array().unwrap())[99], &second["links"]["next"]),
        ("0.0.200199", &Value::Null)
    );
    assert_eq!(follow(&mirror, closed, "accounts"), (items_of(&first, &second), 2));
    // Every item is the single account's body without its transactions and links.
    for item in listed.iter().take(10) {
        let (_, _, mut single) = get(&mirror, &format!("/api/v1/accounts/{}", item["account"].as_str().unwrap()));
        let single = single.as_object_mut().unwrap();
        single.remove("transactions");
        single.remove("links");
        assert_eq!(item.as_object().unwrap(), single);
    }
    // balance=false leaves balances out.
    let (_, _, bare) = get(&mirror, &format!("{}&balance=false", id_list([200_000, 200_001])));
    assert!(bare["accounts"].as_array().unwrap().iter().all(|a| a["balance"].is_null()), "{bare}");
}

#[test]
fn the_accounts_list_refuses_what_the_api_refuses() {
    let mirror = FakeMirror::network(sim(200, 2));
    let message = |path: &str| {
        let (status, _, body) = get(&mirror, path);
        (
            status,
            body["_status"]["messages"].as_array().unwrap().iter().map(|m| m["message"].clone()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        message(&id_list(200_000..200_101)),
        (
            400,
            vec![Value::from("Parameter values count exceeds maximum number allowed: account.id count: 101 max: 100")]
        )
    );
    assert_eq!(
        message("/api/v1/accounts?account.id=0.0.x&limit=0&timestamp=1&order=up"),
        (
            400,
            [
                "Invalid parameter: account.id",
                "Invalid parameter: limit",
                "Unknown query parameter: timestamp",
                "Invalid parameter: order"
            ]
            .map(Value::from)
            .to_vec()
        )
    );
}

#[test]
fn list_items_and_stream_entries_have_the_fixtures_shapes() {
    let mirror = FakeMirror::network(sim(300, 3));
    mirror.advance(600);
    let single = fixture("accounts__id__no-params.json", 0);
    let (_, _, list) = get(&mirror, "/api/v1/accounts?account.id=gte:0.0.200000&limit=100");
    for item in list["accounts"].as_array().unwrap() {
        let mut expected = single.as_object().unwrap().clone();
        expected.remove("transactions");
        expected.remove("links");
        same_shape("account", &Value::Object(expected), item);
        serde_json::from_value::<Account>(item.clone()).expect("hmon's model reads a list item");
        assert!(is_timestamp(&item["balance"]["timestamp"]), "{item}");
    }
    let example = &fixture("transactions__no-params.json", 0)["transactions"][1];
    let (_, _, page) = get(&mirror, "/api/v1/transactions?order=asc&limit=100");
    serde_json::from_value::<TransactionsPage>(page.clone()).expect("hmon's model reads a page of the stream");
    let (txs, _) = follow(&mirror, "/api/v1/transactions?order=asc&limit=100", "transactions");
    assert_eq!(txs.len(), 600);
    for tx in &txs {
        same_shape("transaction", example, tx);
        assert!(is_timestamp(&tx["consensus_timestamp"]) && is_timestamp(&tx["valid_start_timestamp"]), "{tx}");
        let id = tx["transaction_id"].as_str().unwrap();
        let parts: Vec<&str> = id.split('-').collect();
        assert!(parts.len() == 3 && parts[0].starts_with("0.0.") && parts[2].len() == 9, "{id}");
        let order = |list: &Value, key: &dyn Fn(&Value) -> (u64, i64)| {
            let keys: Vec<(u64, i64)> = list.as_array().unwrap().iter().map(key).collect();
            keys.windows(2).all(|w| w[0] <= w[1])
        };
        let num = |v: &Value| v.as_str().unwrap().rsplit('.').next().unwrap().parse::<u64>().unwrap();
        assert!(order(&tx["transfers"], &|t| (num(&t["account"]), t["amount"].as_i64().unwrap())), "{tx}");
        assert!(order(&tx["token_transfers"], &|t| (num(&t["token_id"]), num(&t["account"]) as i64)), "{tx}");
    }
    kinds_are_all_there(&txs);
}

/// The stream holds every kind of entry a collector must get right.
fn kinds_are_all_there(txs: &[Value]) {
    let list = |tx: &Value, field: &str| tx[field].as_array().unwrap().clone();
    let accounts_of = |tx: &Value| list(tx, "transfers").iter().map(|t| t["account"].clone()).collect::<Vec<_>>();
    let failed: Vec<&Value> = txs.iter().filter(|t| t["result"] != "SUCCESS").collect();
    assert!(!failed.is_empty());
    for tx in &failed {
        assert!(list(tx, "token_transfers").is_empty(), "a failed transaction moves no tokens: {tx}");
        let debited: i64 = list(tx, "transfers").iter().map(|t| t["amount"].as_i64().unwrap()).filter(|a| *a < 0).sum();
        assert_eq!(-debited, tx["charged_tx_fee"].as_i64().unwrap(), "only the fee moves: {tx}");
    }
    let rewarded: Vec<&Value> = txs.iter().filter(|t| !list(t, "staking_reward_transfers").is_empty()).collect();
    assert!(!rewarded.is_empty());
    for tx in rewarded {
        let reward = &list(tx, "staking_reward_transfers")[0];
        let paid = list(tx, "transfers")
            .iter()
            .any(|t| t["account"] == "0.0.800" && t["amount"] == -reward["amount"].as_i64().unwrap());
        assert!(paid, "0.0.800 pays the reward inside transfers: {tx}");
        assert_eq!(accounts_of(tx).iter().filter(|a| *a == "0.0.800").count(), 2, "{tx}");
    }
    let children: Vec<(usize, &Value)> = txs.iter().enumerate().filter(|(_, t)| t["nonce"] == 1).collect();
    assert!(!children.is_empty());
    for (i, child) in children {
        assert_eq!(
            (child["scheduled"].as_bool(), &child["parent_consensus_timestamp"]),
            (Some(true), &txs[i - 1]["consensus_timestamp"])
        );
        assert_eq!(child["transaction_id"], txs[i - 1]["transaction_id"], "a child shares its parent's id");
    }
    let approved = |field: &str| txs.iter().any(|t| list(t, field).iter().any(|x| x["is_approval"] == true));
    assert!(approved("transfers") && approved("token_transfers"));
    let twice = txs.iter().any(|t| {
        let accounts = accounts_of(t);
        accounts
            .iter()
            .any(|a| a.as_str().unwrap().starts_with("0.0.2") && accounts.iter().filter(|b| *b == a).count() == 2)
    });
    assert!(twice, "some transfer lists a generated account twice");
    let paid_tokens =
        txs.iter().any(|t| !list(t, "token_transfers").is_empty() && t["charged_tx_fee"].as_i64() > Some(0));
    assert!(paid_tokens && txs.iter().any(|t| t["name"] == "CONSENSUSSUBMITMESSAGE"));
}

/// `actual` has exactly `expected`'s keys, each value of the same JSON kind (any kind where one is null), and so
/// on inside objects and the first items of lists.
fn same_shape(what: &str, expected: &Value, actual: &Value) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let (ek, ak): (BTreeSet<&String>, BTreeSet<&String>) = (e.keys().collect(), a.keys().collect());
            assert_eq!(ek, ak, "{what}: keys");
            for (k, v) in e {
                same_shape(&format!("{what}.{k}"), v, &a[k]);
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if let (Some(e), Some(a)) = (e.first(), a.first()) {
                same_shape(&format!("{what}[0]"), e, a);
            }
        }
        (Value::Null, _) | (_, Value::Null) => {}
        (e, a) => assert_eq!(std::mem::discriminant(e), std::mem::discriminant(a), "{what}: {e} against {a}"),
    }
}

fn is_timestamp(v: &Value) -> bool {
    v.as_str().and_then(|s| s.split_once('.')).is_some_and(|(secs, nanos)| {
        !secs.is_empty() && nanos.len() == 9 && format!("{secs}{nanos}").bytes().all(|b| b.is_ascii_digit())
    })
}

#[test]
fn the_stream_pages_forward_from_a_cursor_as_the_api_does() {
    let mirror = FakeMirror::network(sim(200, 4));
    mirror.advance(250);
    let start = "1700000000.000000000";
    let first = format!("/api/v1/transactions?timestamp=gt:{start}&order=asc&limit=100");
    let (_, _, page) = get(&mirror, &first);
    let last = page["transactions"][99]["consensus_timestamp"].as_str().unwrap().to_string();
    assert_eq!(page["links"]["next"], format!("/api/v1/transactions?order=asc&limit=100&timestamp=gt:{last}"));
    let (txs, pages) = follow(&mirror, &first, "transactions");
    assert_eq!((txs.len(), pages), (250, 3), "100 + 100 + 50, the short page ends it");
    let times: Vec<&str> = txs.iter().map(|t| t["consensus_timestamp"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| crate_nanos(w[0]) < crate_nanos(w[1])), "ascending, no repeats");
    // At the head: an empty page and no next link; the client keeps its own cursor.
    let head = mirror.head().unwrap();
    let (_, _, empty) = get(&mirror, &format!("/api/v1/transactions?timestamp=gt:{head}&order=asc&limit=100"));
    assert_eq!(empty, serde_json::json!({"transactions": [], "links": {"next": null}}));
    // Newest first by default; the cursor goes below the page.
    let (_, _, newest) = get(&mirror, "/api/v1/transactions?limit=2");
    let second = newest["transactions"][1]["consensus_timestamp"].as_str().unwrap();
    assert_eq!(newest["transactions"][0]["consensus_timestamp"], head.as_str());
    assert_eq!(newest["links"]["next"], format!("/api/v1/transactions?limit=2&timestamp=lt:{second}"));
    // A window between two cursors, capped at 100 a page.
    let window =
        format!("/api/v1/transactions?timestamp=gte:{}&timestamp=lt:{}&order=asc&limit=1000", times[10], times[160]);
    let (_, _, capped) = get(&mirror, &window);
    assert_eq!(capped["transactions"].as_array().unwrap().len(), 100);
    assert_eq!(follow(&mirror, &window, "transactions").0.len(), 150);
}

fn crate_nanos(t: &str) -> u128 {
    let (secs, nanos) = t.split_once('.').unwrap();
    secs.parse::<u128>().unwrap() * 1_000_000_000 + nanos.parse::<u128>().unwrap()
}

/// Hbar and token balances by account, from every page of the `/api/v1/accounts` list.
fn snapshot(mirror: &FakeMirror) -> (BTreeMap<String, i128>, BTreeMap<(String, String), i128>) {
    let (accounts, _) = follow(mirror, "/api/v1/accounts?limit=100", "accounts");
    let mut hbar = BTreeMap::new();
    let mut tokens = BTreeMap::new();
    for a in &accounts {
        let id = a["account"].as_str().unwrap().to_string();
        hbar.insert(id.clone(), a["balance"]["balance"].as_i64().unwrap() as i128);
        for t in a["balance"]["tokens"].as_array().unwrap() {
            tokens.insert(
                (id.clone(), t["token_id"].as_str().unwrap().to_string()),
                t["balance"].as_i64().unwrap() as i128,
            );
        }
    }
    (hbar, tokens)
}

#[test]
fn a_snapshot_plus_the_streams_transfers_is_what_the_fake_serves() {
    let mirror = FakeMirror::network(sim(400, 5));
    mirror.advance(300);
    let (mut hbar, mut tokens) = snapshot(&mirror);
    let cursor = mirror.head().unwrap();
    mirror.advance(3_000);

    let (mut path, mut seen, mut rewards) =
        (Some(format!("/api/v1/transactions?timestamp=gt:{cursor}&order=asc&limit=100")), 0, 0i128);
    while let Some(p) = path {
        let (_, _, body) = get(&mirror, &p);
        let page: TransactionsPage = serde_json::from_value(body.clone()).expect("hmon's model reads the page");
        for tx in &page.transactions {
            for t in &tx.transfers {
                *hbar.entry(t.account.clone()).or_default() += t.amount as i128;
            }
            for t in &tx.token_transfers {
                *tokens.entry((t.account.clone(), t.token_id.clone())).or_default() += t.amount as i128;
            }
        }
        for tx in body["transactions"].as_array().unwrap() {
            rewards += tx["staking_reward_transfers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["amount"].as_i64().unwrap() as i128)
                .sum::<i128>();
        }
        seen += page.transactions.len();
        path = page.links.next;
    }
    assert_eq!(seen, 3_000);
    let served: BTreeMap<String, i128> = mirror.hbar_balances().into_iter().map(|(k, v)| (k, v as i128)).collect();
    let served_tokens: BTreeMap<(String, String), i128> =
        mirror.token_balances().into_iter().map(|(k, v)| (k, v as i128)).collect();
    assert_eq!(hbar, served, "snapshot + Σ transfers = the balances the fake holds");
    assert_eq!(tokens, served_tokens, "snapshot + Σ token_transfers = the token balances the fake holds");
    assert_eq!(snapshot(&mirror), (served, served_tokens), "and what its list serves");
    assert!(rewards > 0, "rewards were paid, inside transfers: adding staking_reward_transfers would count them twice");
}

#[test]
fn balance_timestamps_line_a_read_up_with_the_stream() {
    let mirror = FakeMirror::network(sim(300, 6));
    mirror.advance(400);
    let (read, _) = follow(&mirror, "/api/v1/accounts?limit=100", "accounts");
    mirror.advance(1_500);
    let (all, _) = follow(&mirror, "/api/v1/transactions?order=asc&limit=100", "transactions");
    let mut last_change: BTreeMap<&str, &str> = BTreeMap::new();
    for tx in &all {
        for t in tx["transfers"].as_array().unwrap() {
            last_change.insert(t["account"].as_str().unwrap(), tx["consensus_timestamp"].as_str().unwrap());
        }
    }
    let now = mirror.hbar_balances();
    for a in &read {
        // Base B at bt = balance.timestamp, plus every transfer after bt, whenever the read was made.
        let (id, bt) = (a["account"].as_str().unwrap(), crate_nanos(a["balance"]["timestamp"].as_str().unwrap()));
        let mut balance = a["balance"]["balance"].as_i64().unwrap() as i128;
        for tx in all.iter().filter(|t| crate_nanos(t["consensus_timestamp"].as_str().unwrap()) > bt) {
            balance += tx["transfers"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|t| t["account"] == id)
                .map(|t| t["amount"].as_i64().unwrap() as i128)
                .sum::<i128>();
        }
        assert_eq!(balance, now[id] as i128, "{id}");
    }
    // balance.timestamp is the consensus time of the account's last hbar change.
    let (after, _) = follow(&mirror, "/api/v1/accounts?limit=100", "accounts");
    let moved: Vec<&Value> =
        after.iter().filter(|a| last_change.contains_key(a["account"].as_str().unwrap())).collect();
    assert!(moved.len() > 250);
    for a in moved {
        assert_eq!(a["balance"]["timestamp"].as_str(), last_change.get(a["account"].as_str().unwrap()).copied(), "{a}");
    }
}

#[test]
fn the_same_seed_makes_the_same_network() {
    let stream = |seed| {
        let mirror = FakeMirror::network(sim(100, seed));
        mirror.advance(300);
        (follow(&mirror, "/api/v1/transactions?order=asc&limit=100", "transactions").0, mirror.hbar_balances())
    };
    let a = stream(7);
    assert_eq!(a, stream(7));
    assert_ne!(a.0, stream(8).0);
}
