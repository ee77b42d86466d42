use serde_json::json;

use crate::fake_mirror::{FakeMirror, Fault};
use crate::{fixture, json_of, run, Env, FAST_RETRIES};

#[test]
fn json_has_exact_amounts_tokens_and_the_mirror_timestamp() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 1_234_567_800, &[("0.0.5000", 150, 2), ("0.0.5001", 7, 0)]);
    env.mirror.account("0.0.1002", 5, &[]);
    let out = json_of(env.hmon().args(["balance", "0.0.1001", "0.0.1002", "--json"]));
    assert_eq!(out[0]["account"], "0.0.1001");
    assert_eq!(out[0]["tinybars"], 1_234_567_800i64);
    assert_eq!(out[0]["hbar"], "12.34567800");
    assert_eq!(out[0]["timestamp"], "1700000000.123456789");
    assert_eq!(
        out[0]["tokens"],
        json!([
            {"token_id": "0.0.5000", "balance": 150, "decimals": 2},
            {"token_id": "0.0.5001", "balance": 7, "decimals": 0}
        ])
    );
    assert_eq!((out[1]["account"].as_str(), out[1]["hbar"].as_str()), (Some("0.0.1002"), Some("0.00000005")));
    assert_eq!(out[1]["tokens"], json!([]));
    // One request for each account and one for its tokens (with decimals). 0.0.1002 needs no tokens answer: its
    // request may be dropped before it is even sent.
    for path in ["/api/v1/accounts/0.0.1001", "/api/v1/accounts/0.0.1001/tokens", "/api/v1/accounts/0.0.1002"] {
        assert_eq!(env.mirror.hits(path), 1, "{path}");
    }
    assert!(env.mirror.hits("/api/v1/accounts/0.0.1002/tokens") <= 1);
    assert_eq!(env.mirror.requests().len(), 3 + env.mirror.hits("/api/v1/accounts/0.0.1002/tokens"));
}

#[test]
fn a_plain_id_asks_for_the_account_and_its_tokens_at_once() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 1_234_567_800, &[("0.0.5000", 150, 2)]);
    // The account's answer waits for the tokens request: it comes only if both were sent together.
    env.mirror.hold_until("/api/v1/accounts/0.0.1001", &["/api/v1/accounts/0.0.1001/tokens"]);
    let out = json_of(env.hmon().args(["balance", "0.0.1001", "--json", "--timeout", "30s"]));
    assert_eq!(env.mirror.held("/api/v1/accounts/0.0.1001"), [true], "the account was answered only by giving up");
    assert_eq!(out[0]["hbar"], "12.34567800");
    assert_eq!(out[0]["tokens"], json!([{"token_id": "0.0.5000", "balance": 150, "decimals": 2}]));
    assert_eq!(env.mirror.requests().len(), 2);
}

#[test]
fn an_account_without_tokens_needs_no_answer_from_its_tokens_request() {
    let env = Env::start();
    env.mirror.account("0.0.1002", 5, &[]);
    env.mirror.faults("/api/v1/accounts/0.0.1002/tokens", vec![Fault::Hang; 3]);
    env.mirror.hold_until("/api/v1/accounts/0.0.1002", &["/api/v1/accounts/0.0.1002/tokens"]);
    // Waiting for the tokens answer would take 3 x 30 s.
    let out = json_of(env.hmon().args(["balance", "0.0.1002", "--json", "--timeout", "30s"]));
    assert_eq!((out[0]["tinybars"].as_i64(), out[0]["tokens"].clone()), (Some(5), json!([])));
    assert_eq!(env.mirror.held("/api/v1/accounts/0.0.1002"), [true]);
    assert_eq!(env.mirror.hits("/api/v1/accounts/0.0.1002/tokens"), 1);
}

#[test]
fn an_evm_address_is_resolved_before_its_tokens_are_asked_for() {
    let env = Env::start();
    env.mirror.account("0.0.255", 10, &[("0.0.5000", 150, 2)]);
    env.mirror.account("0.0.256", 20, &[]);
    let (holder, empty) = (format!("0x{:040x}", 255), format!("0x{:040x}", 256));
    let out = json_of(env.hmon().args(["balance", &holder, &empty, "--json"]));
    assert_eq!(out[0]["account"], "0.0.255");
    assert_eq!(out[0]["tokens"], json!([{"token_id": "0.0.5000", "balance": 150, "decimals": 2}]));
    assert_eq!((out[1]["account"].as_str(), out[1]["tokens"].clone()), (Some("0.0.256"), json!([])));
    let mut paths: Vec<String> = env.mirror.requests().into_iter().map(|r| r.path).collect();
    let tokens_at = paths.iter().position(|p| p == "/api/v1/accounts/0.0.255/tokens").expect("tokens request");
    let account_at = paths.iter().position(|p| *p == format!("/api/v1/accounts/{holder}")).expect("account request");
    assert!(account_at < tokens_at, "{paths:?}");
    paths.sort();
    // No tokens request for an account without tokens, and none under the EVM address.
    assert_eq!(
        paths,
        [
            "/api/v1/accounts/0.0.255/tokens".to_string(),
            format!("/api/v1/accounts/{holder}"),
            format!("/api/v1/accounts/{empty}")
        ]
    );
}

#[test]
fn concurrency_1_sends_one_request_at_a_time() {
    let env = Env::start();
    env.write_config(&format!("{FAST_RETRIES}concurrency = 1\n"));
    env.mirror.account("0.0.1001", 1, &[("0.0.5000", 150, 2)]);
    env.mirror.account("0.0.1002", 5, &[]);
    let out = json_of(env.hmon().args(["balance", "0.0.1001", "0.0.1002", "--json"]));
    assert_eq!(out[0]["tokens"][0]["token_id"], "0.0.5000");
    let paths: Vec<String> = env.mirror.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/api/v1/accounts/0.0.1001", "/api/v1/accounts/0.0.1001/tokens", "/api/v1/accounts/0.0.1002"]);
}

#[test]
fn evm_addresses_and_checksums_resolve_to_the_account() {
    let env = Env::start();
    env.mirror.account("0.0.255", 10, &[]);
    let evm = format!("0x{:040x}", 255);
    let out = json_of(env.hmon().args(["balance", &evm, "0.0.255-rdaor", "--json", "--network", "testnet"]));
    assert_eq!(out[0]["account"], "0.0.255");
    assert_eq!(out[1]["account"], "0.0.255");
}

#[test]
fn an_unknown_account_is_exit_4_with_nothing_on_stdout() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 1, &[]);
    let (code, stdout, stderr) = run(env.hmon().args(["balance", "0.0.1001", "0.0.7", "--json"]));
    assert_eq!(code, 4, "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(stderr.trim(), "hmon: error: account 0.0.7 not found on testnet");
}

#[test]
fn with_several_failures_the_most_serious_decides_in_any_order() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 1, &[]);
    // The account request of 0.0.1001 fails three times (the retry limit): a remote failure. 0.0.7 does not exist.
    env.mirror.faults("/api/v1/accounts/0.0.1001?", vec![Fault::Status(503); 6]);
    for order in [["0.0.7", "0.0.1001"], ["0.0.1001", "0.0.7"]] {
        let (code, stdout, stderr) = run(env.hmon().arg("balance").args(order));
        assert_eq!((code, stdout.as_str()), (1, ""), "{order:?}: {stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{stderr}");
        assert!(lines[0].contains("account 0.0.7 not found"), "{stderr}");
        assert!(lines[1].contains("answered HTTP 503 on each of 3 attempts"), "the decisive one comes last: {stderr}");
    }
}

#[test]
fn an_unknown_account_is_reported_as_such_whatever_its_tokens_request_says() {
    const TOKENS: &str = "/api/v1/accounts/0.0.7/tokens";
    // The fake answers 404 for an unknown account's tokens; a mirror could also list none, fail, or never answer.
    type Answer = fn(&FakeMirror);
    let cases: [(&str, Answer); 4] = [
        ("404", |_| {}),
        ("empty list", |m| m.set_static(TOKENS, 200, json!({"tokens": [], "links": {"next": null}}))),
        ("500", |m| m.set_static(TOKENS, 500, json!({"_status": {"messages": [{"message": "boom"}]}}))),
        ("no answer", |m| m.faults(TOKENS, vec![Fault::Hang; 3])),
    ];
    for (case, tokens_answer) in cases {
        let env = Env::start();
        env.mirror.hold_until("/api/v1/accounts/0.0.7", &[TOKENS]);
        tokens_answer(&env.mirror);
        // A tokens request that never answers would hold hmon for 3 x 30 s if it waited for it.
        let (code, stdout, stderr) = run(env.hmon().args(["balance", "0.0.7", "--json", "--timeout", "30s"]));
        assert_eq!((code, stdout.as_str()), (4, ""), "{case}: {stderr}");
        assert_eq!(stderr.trim(), "hmon: error: account 0.0.7 not found on testnet", "{case}");
        assert_eq!(env.mirror.held("/api/v1/accounts/0.0.7"), [true], "{case}: the tokens request went out at once");
        assert_eq!(env.mirror.hits("/api/v1/accounts/0.0.7"), 1, "{case}: 404 is not retried");
    }
}

#[test]
fn requests_carry_the_user_agent() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 1, &[("0.0.5000", 150, 2)]);
    json_of(env.hmon().args(["balance", "0.0.1001", "--json"]));
    let mut reqs = env.mirror.requests();
    reqs.sort_by(|a, b| a.path.cmp(&b.path));
    assert!(reqs.iter().all(|r| r.user_agent == format!("hmon/{}", env!("CARGO_PKG_VERSION"))), "{reqs:?}");
    let queries: Vec<(&str, &str)> = reqs.iter().map(|r| (r.path.as_str(), r.query.as_str())).collect();
    assert_eq!(
        queries,
        [("/api/v1/accounts/0.0.1001", "transactions=false"), ("/api/v1/accounts/0.0.1001/tokens", "limit=100")]
    );
}

#[test]
fn a_pipe_gets_tab_separated_rows() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 150_000_000, &[("0.0.5000", 150, 2)]);
    let (code, stdout, _) = run(env.hmon().args(["balance", "0.0.1001"]));
    assert_eq!(code, 0);
    let fields: Vec<&str> = stdout.trim_end().split('\t').collect();
    assert_eq!(&fields[..3], ["0.0.1001", "1.5 ℏ", "1.5 0.0.5000"]);
}

#[test]
fn the_real_fixture_account_body_parses_end_to_end() {
    let env = Env::start();
    env.mirror.set_static("/api/v1/accounts/0.0.8", 200, fixture("accounts__id__no-params.json", 0));
    env.mirror.set_static("/api/v1/accounts/0.0.8/tokens", 200, fixture("accounts__id__tokens__no-params.json", 0));
    let out = json_of(env.hmon().args(["balance", "0.0.8", "--json"]));
    assert_eq!(out[0]["tinybars"], 80);
    assert_eq!(out[0]["timestamp"], "0.000002344");
    assert_eq!(out[0]["tokens"][0], json!({"token_id": "0.0.1135", "balance": 15, "decimals": 1}));
}
