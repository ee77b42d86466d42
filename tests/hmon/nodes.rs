use hiero_sdk_proto::services::{ResponseCodeEnum, ResponseType};

use crate::mock_node::{dead_address, MockNode, SilentNode};
use crate::{json_of, run, Env};

#[test]
fn the_whole_address_book_is_paged_in() {
    let env = Env::start();
    env.mirror.nodes(31, |i| ("35.0.0.1".to_string(), 50211 + i as u16));
    let out = json_of(env.hmon().args(["nodes", "--json"]));
    let nodes = out.as_array().unwrap();
    assert_eq!(nodes.len(), 31);
    assert_eq!(nodes[30]["node_id"], 30);
    assert_eq!(nodes[0]["node_account_id"], "0.0.3");
    assert_eq!(nodes[1]["stake_hbar"], "1000000.00000001");
    assert_eq!(nodes[1]["stake_tinybars"], 100_000_000_000_001i64);
    assert_eq!(nodes[0]["min_stake_hbar"], "10000000.00000000");
    assert_eq!(nodes[0]["endpoints"][0], "35.0.0.1:50211");
    assert!(nodes[0].get("ping").is_none(), "no probe without --ping");
    let reqs = env.mirror.requests();
    assert_eq!(reqs.len(), 2, "25 + 6");
    assert!(reqs.iter().all(|r| r.query.contains("limit=25")));
}

#[test]
fn ping_reports_each_node_and_a_dead_one_is_just_a_row() {
    let env = Env::start();
    let up = MockNode::start(ResponseCodeEnum::Ok);
    let busy = MockNode::start(ResponseCodeEnum::Busy);
    let silent = SilentNode::start();
    let dead = dead_address();
    let addrs = [up.addr, busy.addr, dead, silent.addr];
    env.mirror.nodes(4, |i| (addrs[i].ip().to_string(), addrs[i].port()));
    let out = json_of(env.hmon().args(["nodes", "--ping", "--ping-timeout", "500ms", "--json"]));
    let ping = |i: usize| out[i]["ping"].clone();
    assert_eq!(ping(0)["up"], true);
    assert!(ping(0)["latency_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(ping(0)["error"], serde_json::Value::Null);
    assert_eq!((ping(1)["up"].as_bool(), ping(1)["error"].as_str()), (Some(false), Some("precheck BUSY")));
    assert_eq!((ping(2)["up"].as_bool(), ping(2)["error"].as_str()), (Some(false), Some("connection refused")));
    assert_eq!((ping(3)["up"].as_bool(), ping(3)["error"].as_str()), (Some(false), Some("timed out after 500ms")));
    assert_eq!(ping(3)["address"], silent.address());
    // The probe is the free cost query for 0.0.2, not the retired balance query.
    assert_eq!(up.calls(), 1);
    assert_eq!(up.last_query(), Some(((0, 0, 2), ResponseType::CostAnswer as i32)));
}

#[test]
fn configured_node_addresses_override_the_address_book() {
    let env = Env::start();
    let up = MockNode::start(ResponseCodeEnum::Ok);
    env.mirror.nodes(1, |_| ("35.0.0.1".to_string(), 50211));
    env.write_config(&format!(
        "network = \"lab\"\n[networks.lab]\nmirror_url = \"{}\"\nnodes = {{ \"{}\" = \"0.0.3\" }}\n",
        env.mirror.url,
        up.address()
    ));
    let out = json_of(env.hmon().env_remove("HMON_MIRROR_URL").args(["nodes", "--ping", "--json"]));
    assert_eq!(out[0]["ping"]["up"], true);
    assert_eq!(out[0]["ping"]["address"], up.address());
}

#[test]
fn the_table_marks_down_nodes() {
    let env = Env::start();
    let dead = dead_address();
    env.mirror.nodes(1, |_| (dead.ip().to_string(), dead.port()));
    let (code, stdout, stderr) = run(env.hmon().args(["nodes", "--ping", "--ping-timeout", "300ms"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("down: connection refused"), "{stdout}");
}
