use crate::fake_mirror::Tx;
use crate::{json_of, run, Env};

#[test]
fn the_summary_combines_freshness_tps_stake_supply_and_rate() {
    let env = Env::start();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    env.mirror.transfer(Tx::new("0.0.1001", "0.0.2002", 1, now - 3));
    env.mirror.blocks(10, 40, now - 2);
    env.mirror.nodes(3, |_| ("35.0.0.1".to_string(), 50211));
    let out = json_of(env.hmon().args(["network", "--json"]));
    let lag = out["mirror_lag_seconds"].as_f64().unwrap();
    assert!((2.0..60.0).contains(&lag), "lag {lag}");
    assert_eq!(out["tps"], 20.0, "400 transactions over 20 s");
    assert_eq!(out["blocks_sampled"], 10);
    assert_eq!(out["node_count"], 3);
    assert_eq!(out["total_stake_tinybars"], 300_000_000_000_003i64);
    assert_eq!(out["total_stake_hbar"], "3000000.00000003");
    assert_eq!(out["released_supply_hbar"], "49985222275.89315800");
    assert_eq!(out["total_supply_hbar"], "50000000000.00000000");
    assert!((out["usd_per_hbar"].as_f64().unwrap() - 0.150_013_67).abs() < 1e-6);
    assert_eq!(out["exchange_rate"]["cent_equivalent"], 450041);
}

#[test]
fn a_failing_part_fails_the_command_with_its_name() {
    let env = Env::start();
    env.mirror.set_static(
        "/api/v1/network/supply",
        500,
        serde_json::json!({"_status": {"messages": [{"message": "boom"}]}}),
    );
    let (code, stdout, stderr) = run(env.hmon().args(["network", "--json"]));
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert!(stderr.starts_with("hmon: error: reading the hbar supply: 127.0.0.1:"), "{stderr}");
    assert!(stderr.contains("HTTP 500 on each of 3 attempts"), "{stderr}");
}

#[test]
fn the_five_parts_are_asked_for_at_once() {
    let env = Env::start();
    env.mirror.nodes(3, |_| ("35.0.0.1".to_string(), 50211));
    let parts = [
        "/api/v1/transactions",
        "/api/v1/blocks",
        "/api/v1/network/nodes",
        "/api/v1/network/supply",
        "/api/v1/network/exchangerate",
    ];
    // Each answer waits for the four other requests: they come only if all five were sent together.
    for part in parts {
        let others: Vec<&str> = parts.iter().copied().filter(|p| *p != part).collect();
        env.mirror.hold_until(part, &others);
    }
    let out = json_of(env.hmon().args(["network", "--json", "--timeout", "30s"]));
    assert_eq!(out["node_count"], 3);
    for part in parts {
        assert_eq!(env.mirror.held(part), [true], "{part}");
    }
    assert_eq!(env.mirror.requests().len(), 5, "one request each");
}
