//! Alerts that survive: `kill -9` and restarts, cron runs of `watch --once`, no-data alerts, silences, and one
//! owner per store file. The real binary, the fake mirror and a local receiver; outcomes are awaited on events
//! and the receiver, never on sleeps.

use serde_json::Value;

use crate::receiver::Receiver;
use crate::watch::{config, lines, next_event, spawn_watch, WAIT};
use crate::{run, Env};

fn is_alert(status: &'static str) -> impl Fn(&Value) -> bool {
    move |e: &Value| e["type"] == "alert" && e["status"] == status
}

fn store(env: &Env) -> String {
    env.dir.path().join("state/hmon.db").to_str().expect("utf-8 path").to_string()
}

#[cfg(unix)]
#[test]
fn a_killed_monitor_keeps_its_firing_alert_and_resolves_it_with_the_original_start() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 100, &[]);
    let receiver = Receiver::start(&[]);
    config(&env, &[("ops", &receiver.url, "")], "");
    let store = store(&env);
    let (mut child, rx) = spawn_watch(&env, &["--store", &store]);
    let fired = next_event(&rx, is_alert("firing"));
    // Delivered and out of the outbox (a kill before that would mean one more delivery of the same id).
    next_event(&rx, |e| e["type"] == "delivery" && e["event"] == "delivered");
    child.0.kill().expect("kill -9");
    let _ = child.0.wait();

    // Still low at the restart: nothing new is announced over two cycles.
    let (mut child, rx) = spawn_watch(&env, &["--store", &store]);
    for _ in 0..2 {
        next_event(&rx, |e| {
            assert!(!is_alert("firing")(e), "announced again after the restart: {e}");
            e["type"] == "cycle" && e["collector"] == "accounts"
        });
    }
    child.0.kill().expect("kill -9");
    let _ = child.0.wait();

    // The balance recovers while hmon is down: the first cycle after the restart resolves the alert.
    env.mirror.set_balance("0.0.1001", 5_000_000_000);
    let (_child, rx) = spawn_watch(&env, &["--store", &store]);
    let cycles = std::cell::Cell::new(0);
    let resolved = next_event(&rx, |e| {
        assert!(!is_alert("firing")(e), "announced again after the restart: {e}");
        if e["type"] == "cycle" && e["collector"] == "accounts" {
            cycles.set(cycles.get() + 1);
        }
        is_alert("resolved")(e)
    });
    // A cycle's alerts come before its `cycle` event.
    assert_eq!(cycles.get(), 0, "resolved by the first cycle");
    assert_eq!(resolved["starts_at"], fired["starts_at"], "the original start");
    let got = receiver.wait_for(2, WAIT);
    let statuses: Vec<&str> = got.iter().map(|r| r.body["status"].as_str().unwrap_or("")).collect();
    assert_eq!(statuses, ["firing", "resolved"]);
    assert_eq!(got[1].body["starts_at"], got[0].body["starts_at"]);
}

#[test]
fn cron_runs_of_once_honour_for_and_repeat_and_resolve() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 100, &[]);
    let receiver = Receiver::start(&[]);
    // `for` is short but not zero: the first run can only make it pending; a later run finds it still true.
    config(&env, &[("ops", &receiver.url, "")], "for = \"1ms\"\nrepeat = \"1h\"");
    let once = || {
        let (code, stdout, stderr) = run(env.hmon().args(["watch", "--once", "--json"]));
        assert_eq!(code, 0, "{stderr}");
        lines(&stdout).into_iter().filter(|e| e["type"] == "alert").collect::<Vec<_>>()
    };
    assert!(once().is_empty(), "the first run starts the `for` clock");
    let second = once();
    assert_eq!(second.len(), 1, "the second run fires: {second:?}");
    assert_eq!(second[0]["status"], "firing");
    assert!(once().is_empty(), "the third run respects `repeat`");
    assert_eq!(receiver.received().len(), 1);
    env.mirror.set_balance("0.0.1001", 5_000_000_000);
    let fourth = once();
    assert_eq!(fourth.len(), 1);
    assert_eq!((fourth[0]["status"].as_str(), &fourth[0]["starts_at"]), (Some("resolved"), &second[0]["starts_at"]));
    let got = receiver.wait_for(2, WAIT);
    assert_eq!(got[1].body["status"], "resolved");
    let default_store = env.dir.path().join("data/hmon/hmon.db");
    assert!(default_store.exists(), "--once keeps its state in the default data file");
    // Another network's run does not take over that state.
    let (code, _, stderr) = run(env.hmon().args(["watch", "--once", "--network", "mainnet"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("holds the state of network testnet; this run watches mainnet"), "{stderr}");
}

#[test]
fn once_exits_1_on_a_dead_mirror_and_collector_up_fires() {
    let env = Env::start();
    let receiver = Receiver::start(&[]);
    env.write_config(&format!(
        "{}\n[[webhooks]]\nname = \"ops\"\nurl = \"{}\"\n\n[[rules]]\nname = \"mirror-down\"\nmetric = \"collector_up\"\n\
         labels = {{ collector = \"mirror\" }}\ncondition = \"==\"\nthreshold = 0\n",
        crate::FAST_RETRIES,
        receiver.url
    ));
    let dead = crate::mock_node::dead_address();
    let (code, stdout, stderr) =
        run(env.hmon().env("HMON_MIRROR_URL", format!("http://{dead}")).args(["watch", "--once", "--json"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("collector mirror:"), "{stderr}");
    let events = lines(&stdout);
    let up = events.iter().find(|e| e["name"] == "collector_up" && e["labels"]["collector"] == "mirror").unwrap();
    assert_eq!(up["value"], 0.0);
    let alert = events.iter().find(|e| is_alert("firing")(e)).expect("mirror-down fires");
    assert_eq!(alert["rule"], "mirror-down");
    assert_eq!(receiver.wait_for(1, WAIT)[0].body["rule"], "mirror-down");
}

#[test]
fn absent_fires_for_an_account_the_mirror_does_not_know() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 100, &[]);
    env.write_config(&format!(
        "{}\n[[accounts]]\nid = \"0.0.1001\"\n\n[[accounts]]\nid = \"0.0.4040\"\n\n[[rules]]\nname = \"no-balance\"\n\
         metric = \"account_balance_hbar\"\nlabels = {{ account = \"0.0.4040\" }}\ncondition = \"absent\"\n\
         [[rules]]\nname = \"known\"\nmetric = \"account_balance_hbar\"\nlabels = {{ account = \"0.0.1001\" }}\n\
         condition = \"absent\"\n",
        crate::FAST_RETRIES
    ));
    let (code, stdout, stderr) = run(env.hmon().args(["watch", "--once", "--json"]));
    assert_eq!(code, 1, "a balance could not be read: {stderr}");
    let alerts: Vec<Value> = lines(&stdout).into_iter().filter(|e| e["type"] == "alert").collect();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!((alerts[0]["rule"].as_str(), alerts[0]["status"].as_str()), (Some("no-balance"), Some("firing")));
    assert_eq!(alerts[0]["summary"], "no account_balance_hbar data");
}

#[test]
fn a_silence_holds_a_notification_back_until_it_is_removed() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 100, &[]);
    let receiver = Receiver::start(&[]);
    config(&env, &[("ops", &receiver.url, "")], "");
    let store = store(&env);
    let (code, id, stderr) = run(env
        .hmon()
        .args(["alert", "silence", "add", "--rule", "low-balance", "--for", "1h"])
        .args(["--label", "account=0.0.1001", "--store", &store]));
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = run(env.hmon().args(["watch", "--once", "--json", "--store", &store]));
    assert_eq!(code, 0, "{stderr}");
    assert!(!lines(&stdout).iter().any(|e| e["type"] == "alert"), "held back: {stdout}");
    assert!(receiver.received().is_empty());
    let (code, _, stderr) = run(env.hmon().args(["alert", "silence", "remove", id.trim(), "--store", &store]));
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = run(env.hmon().args(["watch", "--once", "--json", "--store", &store]));
    assert_eq!(code, 0, "{stderr}");
    let alert = lines(&stdout).into_iter().find(|e| is_alert("firing")(e)).expect("announced once the silence is gone");
    assert_eq!(receiver.wait_for(1, WAIT)[0].body["id"], alert["id"]);
}

#[test]
fn a_second_monitor_on_the_same_store_is_refused() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 5_000_000_000, &[]);
    config(&env, &[], "");
    let store = store(&env);
    let (child, rx) = spawn_watch(&env, &["--store", &store]);
    next_event(&rx, |e| e["type"] == "sample");
    let (code, _, stderr) = run(env.hmon().args(["watch", "--once", "--store", &store]));
    assert_eq!(code, 5, "{stderr}");
    assert!(stderr.contains(&store) && stderr.contains(&format!("pid {}", child.0.id())), "{stderr}");
}

#[test]
fn a_receiver_down_longer_than_the_old_retry_budget_gets_the_alert_once_when_back() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 100, &[]);
    let dead = crate::mock_node::dead_address();
    let url = format!("http://{dead}/hook");
    config(&env, &[("ops", &url, "backoff = \"20ms\"\nmax_backoff = \"50ms\"")], "");
    let store = store(&env);
    let (_child, rx) = spawn_watch(&env, &["--store", &store]);
    let alert = next_event(&rx, is_alert("firing"));
    // The old dispatcher gave up after 5 attempts; this one is still trying after 8.
    for attempt in 1..=8 {
        next_event(&rx, |e| e["type"] == "delivery" && e["event"] == "retrying" && e["attempt"] == attempt);
    }
    let receiver = Receiver::start_at(dead, &[]);
    let delivered = next_event(&rx, |e| e["type"] == "delivery" && e["event"] == "delivered");
    assert_eq!(delivered["id"], alert["id"]);
    let got = receiver.received();
    assert_eq!(got.len(), 1, "delivered once");
    assert_eq!(got[0].body["id"], alert["id"], "the same notification");
}
