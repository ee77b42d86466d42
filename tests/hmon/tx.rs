use crate::fake_mirror::Tx;
use crate::{fixture, json_of, run, Env};

#[test]
fn every_id_form_finds_the_transaction() {
    let env = Env::start();
    env.mirror.transfer(Tx::new("0.0.1001", "0.0.2002", 50, 1_700_000_005).memo("hi"));
    for id in ["0.0.1001@1700000000.000000000", "0.0.1001-1700000000-000000000", "0.0.1001@1700000000.0"] {
        let out = json_of(env.hmon().args(["tx", id, "--json"]));
        assert_eq!(out[0]["transaction_id"], "0.0.1001-1700000000-000000000", "{id}");
        assert_eq!(out[0]["result"], "SUCCESS");
        assert_eq!(out[0]["fee_tinybars"], 100_000);
        assert_eq!(out[0]["consensus_timestamp"], "1700000005.000000007");
        assert_eq!(out[0]["transfers"][3]["amount"], 50);
    }
    // One round trip each: the parent and its children come in one answer.
    assert_eq!(env.mirror.requests().len(), 3);
    assert!(env.mirror.requests().iter().all(|r| r.path == "/api/v1/transactions/0.0.1001-1700000000-000000000"));
}

#[test]
fn a_hash_is_sent_as_hex_and_children_are_listed() {
    let env = Env::start();
    let hex = "ae8bebf1c9fa0f309356e48057f6047af7cde63037d0509d16ddc3b20e085158bfdf14d15345c1b18b199b72fed4ac6f";
    let body = fixture("transactions__id__no-params.json", 1);
    let expected = body["transactions"].as_array().unwrap().len();
    env.mirror.set_static(&format!("/api/v1/transactions/{hex}"), 200, body);
    let out =
        json_of(env.hmon().args(["tx", "rovr8cn6DzCTVuSAV_YEevfN5jA30FCdFt3Dsg4IUVi_3xTRU0XBsYsZm3L-1Kxv", "--json"]));
    assert_eq!(out.as_array().unwrap().len(), expected);
    let (code, stdout, _) = run(env.hmon().args(["tx", &format!("0x{hex}")]));
    assert_eq!(code, 0);
    assert!(stdout.contains("Transaction\t0.0.10-1234567890-000000001"), "{stdout}");
}

#[test]
fn an_unknown_transaction_is_exit_4() {
    let env = Env::start();
    let (code, stdout, stderr) = run(env.hmon().args(["tx", "0.0.8@1234567890.000000006", "--json"]));
    assert_eq!((code, stdout.as_str()), (4, ""));
    assert_eq!(stderr.trim(), "hmon: error: transaction 0.0.8@1234567890.000000006 not found on testnet");
}
