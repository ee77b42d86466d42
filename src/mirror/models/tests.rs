//! Every real body from the Mirror Node's own spec tests, for the endpoints hmon reads, must parse.

use super::*;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/mirror/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// Every (status, body) in a fixture file; `java` bodies where the implementations differ (the live service).
fn bodies(name: &str) -> Vec<(u64, Value)> {
    let doc = fixture(name);
    let tests = doc.get("tests").and_then(Value::as_array).cloned().unwrap_or_else(|| vec![doc.clone()]);
    tests
        .into_iter()
        .map(|t| {
            let status = t["responseStatus"].as_u64().unwrap();
            let body = match t.get("responseJson") {
                Some(b) => b.clone(),
                None => t["responseJsonMatrix"]["java"].clone(),
            };
            (status, body)
        })
        .collect()
}

fn parse_all<T: serde::de::DeserializeOwned>(name: &str) -> Vec<T> {
    bodies(name)
        .into_iter()
        .filter(|(status, _)| *status == 200)
        .map(|(_, b)| serde_json::from_value(b).unwrap_or_else(|e| panic!("{name}: {e}")))
        .collect()
}

#[test]
fn accounts_parse() {
    let accounts: Vec<Account> = parse_all("accounts__id__no-params.json");
    let a = &accounts[0];
    assert_eq!(a.account, "0.0.8");
    let balance = a.balance.as_ref().unwrap();
    assert_eq!(balance.balance, 80);
    assert_eq!(balance.timestamp.as_deref(), Some("0.000002344"));
    assert_eq!(balance.tokens[1].token_id, "0.0.99999");
    assert_eq!(a.evm_address.as_deref(), Some("0xac384c53f03855fa1b3616052f8ba32c6c2a2fec"));
    assert!(parse_all::<Account>("accounts__id__transactions.json").len() >= 2);
}

#[test]
fn token_relationships_parse_with_decimals() {
    let pages: Vec<TokenRelationshipsPage> = parse_all("accounts__id__tokens__no-params.json");
    let (tokens, next) = pages[0].clone().split();
    assert_eq!((tokens[0].token_id.as_str(), tokens[0].balance, tokens[0].decimals), ("0.0.1135", 15, 1));
    assert!(next.is_none());
    let pages: Vec<TokenRelationshipsPage> = parse_all("accounts__id__tokens__token-id-pagination.json");
    assert!(pages.iter().any(|p| p.links.next.is_some()));
}

#[test]
fn transactions_parse() {
    for name in ["transactions__no-params.json", "transactions__account-id.json", "transactions__timestamp.json"] {
        let pages: Vec<TransactionsPage> = parse_all(name);
        assert!(!pages.is_empty(), "{name}");
    }
    let pages: Vec<TransactionsPage> = parse_all("transactions__timestamp.json");
    assert!(pages.iter().any(|p| p.links.next.as_deref().is_some_and(|n| n.starts_with("/api/v1/transactions?"))));
    let lists: Vec<TransactionList> = parse_all("transactions__id__no-params.json");
    let tx = &lists[0].transactions[0];
    assert_eq!(tx.transaction_id, "0.0.10-1234567890-000000001");
    assert_eq!(tx.charged_tx_fee, 7);
    assert_eq!(tx.max_fee.as_deref(), Some("33"));
    assert_eq!(tx.transfers[0], Transfer { account: "0.0.9".into(), amount: 10, is_approval: Some(false) });
}

#[test]
fn network_bodies_parse() {
    let nodes: Vec<NodesPage> = parse_all("network__nodes__no-params.json");
    let n = &nodes[0].nodes[0];
    assert_eq!((n.node_id, n.node_account_id.as_str(), n.stake), (0, "0.0.3", Some(13)));
    assert_eq!(n.service_endpoints[0].address().as_deref(), Some("128.0.0.5:50215"));
    assert!(nodes[0].nodes.iter().any(|n| n.stake.is_none()), "null stakes must parse");
    let ranged: Vec<NodesPage> = parse_all("network__nodes__node-range.json");
    assert!(ranged.iter().any(|p| p.links.next.is_some()));
    let rates: Vec<ExchangeRateSet> = parse_all("network__exchangerate__no-params.json");
    assert_eq!((rates[0].current_rate.cent_equivalent, rates[0].current_rate.hbar_equivalent), (450041, 30000));
    let supply: Vec<Supply> = parse_all("network__supply__no-params.json");
    assert_eq!(supply[0].total_supply, "5000000000000000000");
}

#[test]
fn every_error_body_parses_with_messages() {
    let files = [
        "accounts__id__invalid-entity-id-or-account-alias.json",
        "accounts__id__not-found.json",
        "accounts__id__tokens__invalid-params.json",
        "balances__invalid-param-values.json",
        "network__nodes__invalid-params.json",
        "network__supply__invalid-parameters.json",
        "transactions__id__not-found.json",
        "transactions__invalid-param-values.json",
    ];
    for name in files {
        for (status, body) in bodies(name) {
            assert!(status == 400 || status == 404, "{name}: {status}");
            let err: ErrorBody = serde_json::from_value(body).unwrap_or_else(|e| panic!("{name}: {e}"));
            let msgs = err.describe();
            assert!(!msgs.is_empty() && msgs.iter().all(|m| !m.is_empty()), "{name}: {msgs:?}");
        }
    }
    let supply = bodies("network__supply__invalid-parameters.json");
    let err: ErrorBody = serde_json::from_value(supply[0].1.clone()).unwrap();
    assert_eq!(err.describe(), ["Bad Request: Failed to convert 'timestamp'"]);
}

#[test]
fn blocks_parse_from_the_spec_example() {
    let body = r#"{"blocks":[{"count":3,"gas_used":300000,"hapi_version":"0.11.0","hash":"0x3c","logs_bloom":null,
        "name":"2022-05-03T06_46_26.060890949Z.rcd","number":77,"previous_hash":"0xf7","size":8192,
        "timestamp":{"from":"1651560386.060890949","to":"1651560386.661997287"}}],"links":{"next":null}}"#;
    let page: BlocksPage = serde_json::from_str(body).unwrap();
    assert_eq!((page.blocks[0].number, page.blocks[0].count), (77, 3));
    assert_eq!(page.blocks[0].timestamp.to.as_deref(), Some("1651560386.661997287"));
}

#[test]
fn account_lists_parse_from_real_account_bodies() {
    // The fixtures have no `/api/v1/accounts` list; its items are the same objects as `/accounts/{id}` without
    // `transactions` (spec `AccountsResponse`), so real account bodies make a real list.
    let mut items: Vec<Value> = Vec::new();
    for name in ["accounts__id__no-params.json", "accounts__id__transactions.json"] {
        for (status, mut body) in bodies(name) {
            if status == 200 {
                body.as_object_mut().unwrap().remove("transactions");
                body.as_object_mut().unwrap().remove("links");
                items.push(body);
            }
        }
    }
    // The spec lets `balance` and `balance.balance` be null.
    items.push(serde_json::json!({"account": "0.0.9", "balance": null, "deleted": true}));
    items.push(serde_json::json!({"account": "0.0.10", "balance": {"balance": null, "timestamp": null, "tokens": []}}));
    let page: AccountsPage =
        serde_json::from_value(serde_json::json!({"accounts": items, "links": {"next": null}})).unwrap();
    let a = &page.accounts[0];
    let balance = a.balance.as_ref().unwrap();
    assert_eq!(
        (a.account.as_str(), balance.balance, balance.timestamp.as_deref()),
        ("0.0.8", Some(80), Some("0.000002344"))
    );
    assert_eq!(balance.tokens[1].token_id, "0.0.99999");
    let n = page.accounts.len();
    assert!(page.accounts[n - 2].balance.is_none());
    assert_eq!(page.accounts[n - 1].balance.as_ref().unwrap().balance, None);
}

#[test]
fn stream_fields_parse_with_extreme_amounts_and_rewards() {
    let pages: Vec<TransactionsPage> = parse_all("transactions__no-params.json");
    let txs = &pages[0].transactions;
    let extreme = txs.iter().flat_map(|t| &t.token_transfers).map(|t| t.amount).max().unwrap();
    assert_eq!(extreme, 9_223_372_036_847_275_807);
    let child = txs.iter().find(|t| t.nonce == 1).unwrap();
    assert!(child.scheduled && child.parent_consensus_timestamp.is_some());
    // A staking reward shows in `transfers` (0.0.800 pays it) and again in `staking_reward_transfers`.
    let embedded: Vec<TransactionsPage> = parse_all("accounts__id__no-params.json");
    let rewarded = embedded[0]
        .transactions
        .iter()
        .find(|t| !t.staking_reward_transfers.is_empty())
        .expect("a transaction with a staking reward");
    let reward = &rewarded.staking_reward_transfers[0];
    assert!(rewarded.transfers.iter().any(|t| t.account == reward.account && t.amount == reward.amount));
    assert!(rewarded.transfers.iter().any(|t| t.account == "0.0.800" && t.amount < 0));
    for name in ["transactions__account-id.json", "transactions__timestamp.json", "accounts__id__transactions.json"] {
        for page in parse_all::<TransactionsPage>(name) {
            assert!(page.transactions.iter().all(|t| t.nft_transfers.iter().all(|n| !n.token_id.is_empty())), "{name}");
        }
    }
    let nft: NftTransfer = serde_json::from_str(
        r#"{"is_approval":false,"receiver_account_id":"0.0.9","sender_account_id":null,"serial_number":1,"token_id":"0.0.7"}"#,
    )
    .unwrap();
    assert_eq!((nft.sender_account_id, nft.receiver_account_id.as_deref()), (None, Some("0.0.9")));
}
