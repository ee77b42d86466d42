use serde_json::json;

use crate::fake_mirror::Fault;
use crate::{fixture, json_of, run, Env};

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
    // One request per account, plus one for decimals only where the account holds tokens.
    assert_eq!(env.mirror.count("/api/v1/accounts/0.0.1001/tokens"), 1);
    assert_eq!(env.mirror.count("/api/v1/accounts/0.0.1002"), 1);
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
    // Both 0.0.1001 requests fail three times (the retry limit): a remote failure. 0.0.7 does not exist.
    env.mirror.faults("/api/v1/accounts/0.0.1001", vec![Fault::Status(503); 6]);
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
fn requests_carry_the_user_agent() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 1, &[]);
    json_of(env.hmon().args(["balance", "0.0.1001", "--json"]));
    let reqs = env.mirror.requests();
    assert_eq!(reqs[0].user_agent, format!("hmon/{}", env!("CARGO_PKG_VERSION")));
    assert_eq!(reqs[0].query, "transactions=false");
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
