use crate::fake_mirror::{Fault, Tx};
use crate::{json_of, run, Env};

/// 0.0.1001 pays 0.0.2002 `i` tinybars at second 1_700_000_000 + i, for i in 1..=n.
fn history(env: &Env, n: i64) {
    for i in 1..=n {
        let (kind, result) =
            if i % 10 == 0 { ("TOKENMINT", "INSUFFICIENT_PAYER_BALANCE") } else { ("CRYPTOTRANSFER", "SUCCESS") };
        env.mirror.transfer(
            Tx::new("0.0.1001", "0.0.2002", i, 1_700_000_000 + i).kind(kind).result(result).memo(format!("memo {i}")),
        );
    }
}

#[test]
fn newest_first_with_fee_net_change_and_decoded_memo() {
    let env = Env::start();
    history(&env, 3);
    let out = json_of(env.hmon().args(["records", "0.0.1001", "--json"]));
    let items = out.as_array().unwrap();
    assert_eq!(items.len(), 3);
    let first = &items[0];
    assert_eq!(first["transaction_id"], "0.0.1001-1699999998-000000000");
    assert_eq!(first["consensus_timestamp"], "1700000003.000000007");
    assert_eq!(first["type"], "CRYPTOTRANSFER");
    assert_eq!(first["result"], "SUCCESS");
    assert_eq!(first["fee_tinybars"], 100_000);
    assert_eq!(first["net_tinybars"], -100_003);
    assert_eq!(first["memo"], "memo 3");
    assert_eq!(first["transfers"].as_array().unwrap().len(), 4);
    // The receiving side sees its own net change.
    let out = json_of(env.hmon().args(["records", "0.0.2002", "--json", "--limit", "1"]));
    assert_eq!(out[0]["net_tinybars"], 3);
}

#[test]
fn any_limit_pages_across_links_next() {
    let env = Env::start();
    history(&env, 260);
    let out = json_of(env.hmon().args(["records", "0.0.1001", "--json", "--limit", "250"]));
    let items = out.as_array().unwrap();
    assert_eq!(items.len(), 250);
    assert_eq!(items[0]["consensus_timestamp"], "1700000260.000000007");
    assert_eq!(items[249]["consensus_timestamp"], "1700000011.000000007");
    // 100 + 100 + 50: three pages, each asking for at most the API's cap.
    assert_eq!(env.mirror.count("/api/v1/transactions"), 3);
    let mut seen: Vec<&str> = items.iter().map(|t| t["consensus_timestamp"].as_str().unwrap()).collect();
    seen.dedup();
    assert_eq!(seen.len(), 250, "no duplicates across pages");
}

#[test]
fn an_empty_page_with_a_next_link_does_not_stop_paging() {
    let env = Env::start();
    history(&env, 5);
    env.mirror.faults("/api/v1/transactions", vec![Fault::EmptyPage, Fault::EmptyPage]);
    let out = json_of(env.hmon().args(["records", "0.0.1001", "--json"]));
    assert_eq!(out.as_array().unwrap().len(), 5);
    assert_eq!(env.mirror.count("/api/v1/transactions"), 3);
}

#[test]
fn filters_reach_the_mirror_as_its_parameters() {
    let env = Env::start();
    history(&env, 30);
    let out = json_of(env.hmon().args([
        "records",
        "0.0.1001",
        "--json",
        "--since",
        "1700000005",
        "--until",
        "2023-11-14T22:13:41Z",
        "--type",
        "tokenmint",
        "--result",
        "fail",
    ]));
    let ids: Vec<&str> = out.as_array().unwrap().iter().map(|t| t["consensus_timestamp"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1700000020.000000007", "1700000010.000000007"]);
    let q = &env.mirror.requests()[0].query;
    for part in [
        "timestamp=gte%3A1700000005.000000000",
        "timestamp=lte%3A1700000021.000000000",
        "transactiontype=TOKENMINT",
        "result=fail",
    ] {
        assert!(q.contains(part), "{part} missing from {q}");
    }
}

#[test]
fn relative_since_is_measured_from_now() {
    let env = Env::start();
    history(&env, 2);
    let out = json_of(env.hmon().args(["records", "0.0.1001", "--json", "--since", "2h"]));
    assert_eq!(out.as_array().unwrap().len(), 0, "the fake history is from 2023");
    let q = &env.mirror.requests()[0].query;
    let since: i64 = q.split("timestamp=gte%3A").nth(1).unwrap().split('.').next().unwrap().parse().unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((now - 7200 - since).abs() < 60, "since={since} now={now}");
}

#[test]
fn csv_has_a_header_and_one_row_per_transaction() {
    let env = Env::start();
    history(&env, 2);
    env.mirror.transfer(Tx::new("0.0.1001", "0.0.2002", 1, 1_700_000_100).memo("a, \"quoted\" memo"));
    let (code, stdout, stderr) = run(env.hmon().args(["records", "0.0.1001", "--csv"]));
    assert_eq!(code, 0, "{stderr}");
    let mut reader = csv::Reader::from_reader(stdout.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[0], "consensus_timestamp");
    assert_eq!(&header[6], "net_tinybars");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][7], "a, \"quoted\" memo");
    assert_eq!(&rows[0][6], "-100001");
}

#[test]
fn an_evm_address_is_resolved_before_listing() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 1, &[]);
    history(&env, 1);
    let evm = format!("0x{:040x}", 1001);
    let out = json_of(env.hmon().args(["records", &evm, "--json"]));
    assert_eq!(out[0]["net_tinybars"], -100_001);
    assert!(env.mirror.requests()[1].query.contains("account.id=0.0.1001"));
}
