//! `hmon canary` against a mock consensus node that checks what it is sent and the fake mirror, which shows the
//! transaction after a delay.

use std::time::Duration;

use hiero_sdk::PrivateKey;
use hiero_sdk_proto::services::ResponseCodeEnum;
use serde_json::{json, Value};

use crate::mock_node::{MockNode, Script, Taken};
use crate::{run, Env};

const OPERATOR: &str = "0.0.1001";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The operator's account on the mirror with `key`'s public key.
fn operator(env: &Env, key: &PrivateKey) {
    env.mirror.account(OPERATOR, 50_000_000_000, &[]);
    env.mirror.set_account_key(OPERATOR, "ED25519", &hex(&key.public_key().to_bytes_raw()));
}

/// The mirror's record of a transaction the node took: shown `delay` after it was taken.
fn record(taken: &Taken) -> Value {
    let (secs, nanos) = taken.valid_start;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    json!({
        "charged_tx_fee": 84_000, "consensus_timestamp": format!("{}.{:09}", now.as_secs(), now.subsec_nanos()),
        "entity_id": null, "max_fee": taken.max_fee.to_string(), "memo_base64": "aG1vbiBjYW5hcnk=",
        "name": "CRYPTOTRANSFER", "nft_transfers": [], "node": "0.0.3", "nonce": 0,
        "parent_consensus_timestamp": null, "result": "SUCCESS", "scheduled": false, "staking_reward_transfers": [],
        "token_transfers": [], "transaction_hash": "AAAA",
        "transaction_id": format!("0.0.{}-{secs}-{nanos:09}", taken.payer),
        "transfers": [{"account": "0.0.3", "amount": 1, "is_approval": false},
                      {"account": OPERATOR, "amount": -84_001, "is_approval": false},
                      {"account": "0.0.98", "amount": 84_000, "is_approval": false}],
        "valid_duration_seconds": "120", "valid_start_timestamp": format!("{secs}.{nanos:09}")
    })
}

/// A node taking transfers signed by `key`: answers after `submit`, the receipt after `handle` more, and the
/// mirror shows the transaction `mirror` after it was taken (never, when `None`).
fn node(
    env: &Env,
    key: &PrivateKey,
    precheck: ResponseCodeEnum,
    handle: Option<Duration>,
    mirror: Option<Duration>,
) -> MockNode {
    start_node(env, key, precheck, handle, mirror, false)
}

/// [`node`], whose answer to a submission is lost when `lose_answer`.
fn start_node(
    env: &Env,
    key: &PrivateKey,
    precheck: ResponseCodeEnum,
    handle: Option<Duration>,
    mirror: Option<Duration>,
    lose_answer: bool,
) -> MockNode {
    let publisher = env.mirror.publisher();
    let on_accept = mirror.map(|delay| {
        Box::new(move |taken: &Taken| publisher.publish_after(record(taken), delay))
            as Box<dyn Fn(&Taken) + Send + Sync>
    });
    let node = MockNode::canary(Script {
        account: 3,
        operator: key.public_key(),
        precheck,
        submit_delay: Duration::from_millis(200),
        handle_after: handle,
        receipt_status: ResponseCodeEnum::Success,
        on_accept,
        lose_answer,
    });
    let addr = node.addr;
    env.mirror.nodes(1, |_| (addr.ip().to_string(), addr.port()));
    node
}

fn canary(env: &Env, key: &PrivateKey, args: &[&str]) -> (i32, String, String) {
    let mut cmd = env.hmon();
    cmd.env("OPERATOR_ID", OPERATOR).env("OPERATOR_KEY", key.to_string_der()).arg("canary").args(args);
    run(&mut cmd)
}

fn seconds(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("{key} in {v}"))
}

#[test]
fn one_transfer_is_timed_to_the_node_its_receipt_and_the_mirror() {
    let env = Env::start();
    let key = PrivateKey::generate_ed25519();
    operator(&env, &key);
    let node =
        node(&env, &key, ResponseCodeEnum::Ok, Some(Duration::from_millis(600)), Some(Duration::from_millis(1200)));
    let (code, stdout, stderr) = canary(&env, &key, &["--json"]);
    assert_eq!(code, 0, "{stderr}{stdout}");
    let tries: Value = serde_json::from_str(&stdout).unwrap();
    let t = &tries[0];
    assert_eq!((t["node_account_id"].as_str(), t["success"].as_bool()), (Some("0.0.3"), Some(true)), "{t}");
    let (submit, handle, e2e) = (seconds(t, "submit_seconds"), seconds(t, "handle_seconds"), seconds(t, "e2e_seconds"));
    // What the fakes imposed: 200 ms to answer, the receipt 600 ms after, the mirror 1.2 s after acceptance.
    assert!(submit >= 0.2 && handle >= 0.8 && e2e >= 1.4, "{t}");
    assert!(submit <= handle && handle <= e2e, "{t}");
    assert_eq!((t["fee_tinybars"].as_i64(), t["fee_hbar"].as_str()), (Some(84_000), Some("0.00084000")));
    assert_eq!(t["result"], "SUCCESS");
    assert!(t["consensus_timestamp"].as_str().is_some_and(|c| c.contains('.')), "{t}");
    // One submission: a 1-tinybar transfer from the operator to the node, fee capped at 0.01 hbar, signed by the key.
    let taken = node.taken();
    assert_eq!(taken.len(), 1);
    assert_eq!((taken[0].payer, taken[0].max_fee), (1001, 1_000_000));
    let mut transfers = taken[0].transfers.clone();
    transfers.sort();
    assert_eq!(transfers, [(3, 1), (1001, -1)]);
    let (secs, nanos) = taken[0].valid_start;
    assert_eq!(t["transaction_id"], format!("0.0.1001-{secs}-{nanos:09}"), "the mirror's form, nanoseconds padded");
    assert!(!stdout.contains(&key.to_string_der()) && !stderr.contains(&key.to_string_der()));
}

#[test]
fn a_node_that_refuses_is_a_failure_with_its_reason_and_nothing_more_is_asked() {
    for (precheck, reason) in
        [(ResponseCodeEnum::Busy, "busy"), (ResponseCodeEnum::InsufficientPayerBalance, "insufficient_payer_balance")]
    {
        let env = Env::start();
        let key = PrivateKey::generate_ed25519();
        operator(&env, &key);
        let node = node(&env, &key, precheck, Some(Duration::ZERO), Some(Duration::ZERO));
        let (code, stdout, stderr) = canary(&env, &key, &["--json"]);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("1 of 1 canary tries failed"), "{stderr}");
        let t = &serde_json::from_str::<Value>(&stdout).unwrap()[0];
        assert_eq!((t["success"].as_bool(), t["reason"].as_str()), (Some(false), Some(reason)), "{t}");
        assert_eq!(t["error"], format!("precheck {}", precheck.as_str_name()));
        assert_eq!((node.calls(), node.taken().len()), (1, 0), "sent once, not taken");
        assert!(env.mirror.requests().iter().all(|r| !r.path.starts_with("/api/v1/transactions/")), "no lookup");
    }
}

#[test]
fn a_receipt_that_never_comes_and_a_transaction_the_mirror_never_shows_fail_after_the_timeout() {
    let env = Env::start();
    let key = PrivateKey::generate_ed25519();
    operator(&env, &key);
    let _node = node(&env, &key, ResponseCodeEnum::Ok, None, Some(Duration::ZERO));
    let (code, stdout, stderr) = canary(&env, &key, &["--json", "--wait", "2s"]);
    assert_eq!(code, 1, "{stderr}");
    let t = &serde_json::from_str::<Value>(&stdout).unwrap()[0];
    assert_eq!((t["reason"].as_str(), t["error"].as_str()), (Some("receipt_timeout"), Some("no receipt within 2s")));
    assert!(t["e2e_seconds"].is_number(), "the mirror still tells: {t}");

    let env = Env::start();
    operator(&env, &key);
    let _node = node(&env, &key, ResponseCodeEnum::Ok, Some(Duration::ZERO), None);
    let (code, stdout, stderr) = canary(&env, &key, &["--json", "--wait", "2s"]);
    assert_eq!(code, 1, "{stderr}");
    let t = &serde_json::from_str::<Value>(&stdout).unwrap()[0];
    assert_eq!(
        (t["reason"].as_str(), t["error"].as_str()),
        (Some("mirror_timeout"), Some("not on the mirror within 2s"))
    );
    assert!(t["handle_seconds"].is_number(), "{t}");
    assert!(env.mirror.requests().iter().filter(|r| r.path.starts_with("/api/v1/transactions/")).count() >= 3);
}

#[test]
fn missing_or_mismatched_credentials_exit_3_before_anything_is_sent() {
    let env = Env::start();
    let key = PrivateKey::generate_ed25519();
    operator(&env, &key);
    let node = node(&env, &key, ResponseCodeEnum::Ok, Some(Duration::ZERO), Some(Duration::ZERO));
    let (code, _, stderr) = run(env.hmon().args(["canary"]));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("the canary needs operator credentials"), "{stderr}");
    let other = PrivateKey::generate_ed25519();
    let (code, _, stderr) = canary(&env, &other, &[]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("does not belong to account 0.0.1001"), "{stderr}");
    assert!(!stderr.contains(&other.to_string_der()));
    assert_eq!(node.calls(), 0, "nothing was sent");
    let (code, _, stderr) = canary(&env, &key, &["--node", "0.0.4"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--node 0.0.4 is not a node of"), "{stderr}");
    let (code, _, stderr) = canary(&env, &key, &["--node", "three"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(node.calls(), 0);
}

/// In `watch`, the canary is a collector: its samples come with the others, and a rule on `canary_success` fires
/// through a webhook like any other.
#[test]
fn watch_runs_the_canary_and_a_rule_on_its_success_fires() {
    let env = Env::start();
    let key = PrivateKey::generate_ed25519();
    operator(&env, &key);
    let node = node(&env, &key, ResponseCodeEnum::Busy, Some(Duration::ZERO), Some(Duration::ZERO));
    let receiver = crate::receiver::Receiver::start(&[]);
    env.write_config(&format!(
        "{}\n[canary]\nenabled = true\ninterval = \"10s\"\n\n[[webhooks]]\nname = \"ops\"\nurl = \"{}\"\n\n\
         [[rules]]\nname = \"canary-failing\"\nmetric = \"canary_success\"\ncondition = \"<\"\nthreshold = 1.0\n\
         summary = \"canary failing on {{labels.node_account_id}}\"\n",
        crate::FAST_RETRIES,
        receiver.url
    ));
    let mut cmd = env.hmon();
    cmd.env("OPERATOR_ID", OPERATOR).env("OPERATOR_KEY", key.to_string_der()).args(["watch", "--once", "--json"]);
    let (code, stdout, stderr) = run(&mut cmd);
    // A cycle that failed is a remote failure of the run, as for any collector.
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("canary through 0.0.3: busy: precheck BUSY"), "{stderr}");
    let events = crate::watch::lines(&stdout);
    let success =
        events.iter().find(|e| e["type"] == "sample" && e["name"] == "canary_success").expect("canary_success");
    assert_eq!((success["labels"]["node_account_id"].as_str(), success["value"].as_f64()), (Some("0.0.3"), Some(0.0)));
    assert_eq!(success["error"], "precheck BUSY");
    let busy = events
        .iter()
        .find(|e| e["name"] == "canary_errors" && e["labels"]["reason"] == "busy")
        .expect("canary_errors{reason=busy}");
    assert_eq!(busy["value"], 1.0);
    let got = receiver.wait_for(1, crate::watch::WAIT);
    assert_eq!(
        (got[0].body["rule"].as_str(), got[0].body["status"].as_str()),
        (Some("canary-failing"), Some("firing"))
    );
    assert_eq!(got[0].body["summary"], "canary failing on 0.0.3");
    assert_eq!(node.calls(), 2, "the nodes collector's probe, and one try a cycle");

    // Without usable credentials, nothing runs.
    let (code, _, stderr) = run(env.hmon().args(["watch", "--once", "--json"]));
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(node.calls(), 2);
}

/// A submission whose answer is lost may have gone through: it is never sent again, and the mirror settles it.
#[test]
fn a_lost_answer_is_settled_by_the_mirror_and_never_sent_again() {
    let env = Env::start();
    let key = PrivateKey::generate_ed25519();
    operator(&env, &key);
    let node = start_node(&env, &key, ResponseCodeEnum::Ok, Some(Duration::ZERO), Some(Duration::ZERO), true);
    let (code, stdout, stderr) = canary(&env, &key, &["--json", "--wait", "2s"]);
    assert_eq!(code, 0, "{stderr}");
    let t = &serde_json::from_str::<Value>(&stdout).unwrap()[0];
    assert_eq!((t["success"].as_bool(), t["result"].as_str()), (Some(true), Some("SUCCESS")), "{t}");
    assert!(t["submit_seconds"].is_null() && t["handle_seconds"].is_null(), "never answered: {t}");
    assert!(t["e2e_seconds"].is_number(), "{t}");
    assert_eq!((node.calls(), node.taken().len()), (1, 1), "sent once");

    // Lost, and not on the mirror either: unknown, so a failure, still sent once.
    let env = Env::start();
    operator(&env, &key);
    let node = start_node(&env, &key, ResponseCodeEnum::Ok, Some(Duration::ZERO), None, true);
    let (code, stdout, stderr) = canary(&env, &key, &["--json", "--wait", "2s"]);
    assert_eq!(code, 1, "{stderr}");
    let t = &serde_json::from_str::<Value>(&stdout).unwrap()[0];
    assert_eq!(t["reason"], "submit_unknown", "{t}");
    assert_eq!(node.calls(), 1);
}

#[test]
fn with_a_topic_the_canary_sends_a_message_there_with_its_own_fee_cap() {
    let env = Env::start();
    let key = PrivateKey::generate_ed25519();
    operator(&env, &key);
    let node = node(&env, &key, ResponseCodeEnum::Ok, Some(Duration::ZERO), Some(Duration::ZERO));
    env.write_config(&format!("{}\n[canary]\ntopic = \"0.0.5555\"\n", crate::FAST_RETRIES));
    let (code, stdout, stderr) = canary(&env, &key, &["--json"]);
    assert_eq!(code, 0, "{stderr}");
    let t = &serde_json::from_str::<Value>(&stdout).unwrap()[0];
    assert_eq!(t["success"], true, "{t}");
    let taken = node.taken();
    assert_eq!(taken.len(), 1);
    assert_eq!((taken[0].topic, taken[0].max_fee), (Some(5555), 10_000_000), "0.1 hbar by default for a message");
    assert!(taken[0].transfers.is_empty());
}

/// The global `--timeout` (or `HMON_TIMEOUT`) is the mirror's per request: it does not cut a try short.
#[test]
fn the_mirror_request_timeout_does_not_shorten_a_try() {
    let env = Env::start();
    let key = PrivateKey::generate_ed25519();
    operator(&env, &key);
    let _node = node(&env, &key, ResponseCodeEnum::Ok, Some(Duration::ZERO), Some(Duration::from_millis(1500)));
    let mut cmd = env.hmon();
    cmd.env("HMON_TIMEOUT", "1s").env("OPERATOR_ID", OPERATOR).env("OPERATOR_KEY", key.to_string_der());
    let (code, stdout, stderr) = run(cmd.args(["canary", "--json"]));
    assert_eq!(code, 0, "{stderr}{stdout}");
    let (code, _, stderr) = canary(&env, &key, &["--wait", "6m"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("at most 5m"), "{stderr}");
}

/// As a collector, the canary tries the nodes in turn and reports each one's last try every cycle.
#[test]
fn the_collector_tries_the_nodes_in_turn_and_keeps_each_ones_last_outcome() {
    use hmon::canary::sign::{Kind, Operator};
    use hmon::canary::Options;
    use hmon::collect::canary::CanaryCollector;
    use hmon::collect::Collector;

    let env = Env::start();
    let key = PrivateKey::generate_ed25519();
    let publisher = env.mirror.publisher();
    let script = |account: i64, precheck: ResponseCodeEnum| {
        let publisher = publisher.clone();
        Script {
            account,
            operator: key.public_key(),
            precheck,
            submit_delay: Duration::ZERO,
            handle_after: Some(Duration::ZERO),
            receipt_status: ResponseCodeEnum::Success,
            on_accept: Some(Box::new(move |t: &Taken| publisher.publish_after(record(t), Duration::ZERO))),
            lose_answer: false,
        }
    };
    let nodes =
        [MockNode::canary(script(3, ResponseCodeEnum::Ok)), MockNode::canary(script(4, ResponseCodeEnum::Busy))];
    env.mirror.nodes(2, |i| (nodes[i].addr.ip().to_string(), nodes[i].addr.port()));
    let options = hmon::mirror::ClientOptions {
        timeout: Duration::from_secs(5),
        retry: hmon::mirror::retry::RetryPolicy::default(),
    };
    let client = hmon::mirror::MirrorClient::new(&env.mirror.url, options).unwrap();
    let operator = Operator::new("0.0.1001".parse().unwrap(), key.clone());
    let options = Options::new(Kind::Transfer, 1_000_000, Duration::from_secs(5));
    let network = hmon::network::Network::builtin("testnet").unwrap();
    let mut collector = CanaryCollector::new(client, network, std::sync::Arc::new(operator), options, Vec::new());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut successes = Vec::new();
    for _ in 0..3 {
        let cycle = rt.block_on(collector.cycle(hmon::timestamp::Timestamp::now()));
        let mut seen: Vec<(String, f64)> = cycle
            .samples
            .iter()
            .filter(|s| s.name == "canary_success")
            .map(|s| (s.labels.get("node_account_id").cloned().unwrap_or_default(), s.value))
            .collect();
        seen.sort_by(|a, b| a.0.cmp(&b.0));
        successes.push(seen);
    }
    let calls = (nodes[0].calls(), nodes[1].calls());
    assert!(calls == (2, 1) || calls == (1, 2), "in turn: {calls:?}");
    // From the second cycle on, both nodes' last outcomes are reported each cycle.
    let both = vec![("0.0.3".to_string(), 1.0), ("0.0.4".to_string(), 0.0)];
    assert_eq!(successes[1], both);
    assert_eq!(successes[2], both);
    assert_eq!(successes[0].len(), 1);
}

/// `serve` checks the canary's operator when a reload restarts the pipeline: a key that is not the account's is
/// refused, and the running configuration carries on.
#[cfg(unix)]
#[test]
fn a_serve_reload_checks_the_canary_operator_again() {
    let env = Env::start();
    let key = PrivateKey::generate_ed25519();
    operator(&env, &key);
    let _node = node(&env, &key, ResponseCodeEnum::Ok, Some(Duration::ZERO), Some(Duration::ZERO));
    let config =
        |interval: &str| format!("{}\n[canary]\nenabled = true\ninterval = \"{interval}\"\n", crate::FAST_RETRIES);
    env.write_config(&config("10s"));
    let der = key.to_string_der();
    let (_child, addr, _stderr) = crate::serve::serve_on_store(
        &env,
        "serve.db",
        &[("OPERATOR_ID", OPERATOR), ("OPERATOR_KEY", der.as_str()), ("HMON_API_TOKEN", crate::serve_api::TOKEN)],
    );

    // The account's key changes on the network: a reload that restarts the pipeline is refused.
    let other = PrivateKey::generate_ed25519();
    env.mirror.set_account_key(OPERATOR, "ED25519", &hex(&other.public_key().to_bytes_raw()));
    env.write_config(&config("20s"));
    let (status, body) = crate::serve_api::request(addr, "POST", "/-/reload", None);
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("does not belong to account 0.0.1001") && body.contains("carries on"), "{body}");
    assert!(!body.contains(&der));

    // Back to the account's key: applied.
    env.mirror.set_account_key(OPERATOR, "ED25519", &hex(&key.public_key().to_bytes_raw()));
    let (status, body) = crate::serve_api::request(addr, "POST", "/-/reload", None);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"restarted\":true"), "{body}");
}
