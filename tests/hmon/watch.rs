//! `hmon watch` end to end: the real binary, the fake mirror and a local webhook receiver.

use std::io::{BufRead, BufReader};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use crate::receiver::{Answer, Receiver};
use crate::{run, Env, Spawned, FAST_RETRIES};

pub const WAIT: Duration = Duration::from_secs(30);

pub fn config(env: &Env, hooks: &[(&str, &str, &str)], rule_extra: &str) {
    let mut text = format!("{FAST_RETRIES}\n[[accounts]]\nid = \"0.0.1001\"\nlabel = \"treasury\"\n");
    for (name, url, extra) in hooks {
        text.push_str(&format!("\n[[webhooks]]\nname = \"{name}\"\nurl = \"{url}\"\n{extra}\n"));
    }
    text.push_str(&format!(
        "\n[[rules]]\nname = \"low-balance\"\nmetric = \"account_balance_hbar\"\ncondition = \"<\"\nthreshold = 10.0\n\
         summary = \"{{labels.label}} is low: {{value}} hbar\"\n{rule_extra}\n"
    ));
    env.write_config(&text);
}

pub fn lines(stdout: &str) -> Vec<Value> {
    stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect()
}

#[test]
fn once_collects_evaluates_and_delivers_a_signed_notification() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 500_000_000, &[("0.0.5000", 150, 2)]);
    let receiver = Receiver::start(&[]);
    config(&env, &[("ops", &receiver.url, "secret = \"s3cret\"")], "");
    let (code, stdout, stderr) = run(env.hmon().args(["watch", "--once", "--json"]));
    assert_eq!(code, 0, "{stderr}");
    let events = lines(&stdout);
    let balance = events.iter().find(|e| e["type"] == "sample" && e["name"] == "account_balance_hbar").unwrap();
    assert_eq!(balance["labels"], serde_json::json!({"account": "0.0.1001", "label": "treasury"}));
    assert_eq!(balance["value"], 5.0);
    let token = events.iter().find(|e| e["name"] == "account_token_balance").unwrap();
    assert_eq!((token["labels"]["token"].as_str(), token["value"].as_f64()), (Some("0.0.5000"), Some(1.5)));
    assert!(events.iter().any(|e| e["type"] == "sample" && e["name"] == "collector_duration_seconds"));
    let alert = events.iter().find(|e| e["type"] == "alert").unwrap();
    assert_eq!((alert["status"].as_str(), alert["rule"].as_str()), (Some("firing"), Some("low-balance")));

    let got = receiver.wait_for(1, WAIT);
    let body = &got[0].body;
    assert_eq!(body["id"], alert["id"]);
    assert_eq!(body["status"], "firing");
    assert_eq!(body["severity"], "warning");
    assert_eq!(body["metric"], "account_balance_hbar");
    assert_eq!(body["labels"]["account"], "0.0.1001");
    assert_eq!((body["value"].as_f64(), body["threshold"].as_f64()), (Some(5.0), Some(10.0)));
    assert_eq!(body["ends_at"], Value::Null);
    assert_eq!(body["summary"], "treasury is low: 5 hbar");
    // The receiver's side of the signature scheme: HMAC-SHA256 of "<timestamp>.<body>".
    let ts = &got[0].headers["x-hmon-timestamp"];
    let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
    mac.update(format!("{ts}.").as_bytes());
    mac.update(&got[0].raw);
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(got[0].headers["x-hmon-signature"], format!("sha256={expected}"));
    assert!(!stdout.contains("s3cret") && !stderr.contains("s3cret"));
}

#[test]
fn two_accounts_under_one_rule_fire_separately() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 100, &[]);
    env.mirror.account("0.0.1002", 200, &[]);
    let receiver = Receiver::start(&[]);
    config(&env, &[("ops", &receiver.url, "")], "");
    let (code, _, stderr) = run(env.hmon().args(["watch", "--once", "--json", "--account", "0.0.1002"]));
    assert_eq!(code, 0, "{stderr}");
    let got = receiver.wait_for(2, WAIT);
    let mut accounts: Vec<&str> = got.iter().map(|r| r.body["labels"]["account"].as_str().unwrap()).collect();
    accounts.sort();
    assert_eq!(accounts, ["0.0.1001", "0.0.1002"]);
    assert_ne!(got[0].body["id"], got[1].body["id"]);
}

#[test]
fn a_failing_receiver_gets_the_same_id_until_it_accepts_and_a_400_is_not_retried() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 100, &[]);
    let flaky = Receiver::start(&[Answer::Status(500), Answer::Status(500)]);
    let rejecting = Receiver::start(&[Answer::Status(400)]);
    config(&env, &[("flaky", &flaky.url, ""), ("rejecting", &rejecting.url, "")], "");
    let (code, stdout, stderr) = run(env.hmon().args(["watch", "--once", "--json"]));
    assert_eq!(code, 1, "the 400 made a dead letter: {stderr}");
    assert!(stderr.contains("dead letters"), "{stderr}");
    let got = flaky.wait_for(3, WAIT);
    assert_eq!(got.len(), 3, "delivered once after two failures");
    assert!(got.iter().all(|r| r.body["id"] == got[0].body["id"]), "one id across retries");
    assert_eq!(rejecting.received().len(), 1, "a 400 is not retried");
    let deliveries: Vec<Value> = lines(&stdout).into_iter().filter(|e| e["type"] == "delivery").collect();
    assert!(!deliveries.is_empty(), "delivery events are reported");
}

#[test]
fn a_hanging_receiver_delays_nothing_else() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 100, &[]);
    let hanging = Receiver::start(&[Answer::Hang, Answer::Hang, Answer::Hang]);
    let healthy = Receiver::start(&[]);
    config(&env, &[("hanging", &hanging.url, "timeout = \"1s\"\nmax_attempts = 2"), ("healthy", &healthy.url, "")], "");
    let (code, stdout, stderr) = run(env.hmon().args(["watch", "--once", "--json"]));
    assert_eq!(code, 1, "given up on the hanging receiver: {stderr}");
    assert_eq!(healthy.wait_for(1, WAIT).len(), 1);
    assert_eq!(hanging.received().len(), 2, "timed out twice, then given up");
    // Order, not time, proves it: the healthy receiver's delivery is reported before the hanging one's first
    // timeout, which a dispatcher that delivered one after the other could not do.
    let outcomes: Vec<(String, String)> = lines(&stdout)
        .into_iter()
        .filter(|e| e["type"] == "delivery")
        .map(|e| (e["webhook"].as_str().unwrap_or("").to_string(), e["event"].as_str().unwrap_or("").to_string()))
        .collect();
    let first_of = |hook: &str| outcomes.iter().position(|(w, _)| w == hook);
    assert!(first_of("healthy") < first_of("hanging") && first_of("healthy").is_some(), "{outcomes:?}");
    assert_eq!(outcomes[first_of("healthy").unwrap()].1, "delivered", "{outcomes:?}");
}

/// Spawns `hmon watch` with JSON Lines on a pipe; returns the process (killed on drop) and a channel of its events.
pub fn spawn_watch(env: &Env, extra: &[&str]) -> (Spawned, mpsc::Receiver<Value>) {
    let args: Vec<&str> = ["watch", "--json", "--interval", "2s"].into_iter().chain(extra.iter().copied()).collect();
    spawn_json(env, &args)
}

/// Spawns hmon with `args`, which print JSON Lines; returns the process (killed on drop) and a channel of them.
pub fn spawn_json(env: &Env, args: &[&str]) -> (Spawned, mpsc::Receiver<Value>) {
    let mut child = env.spawn(args);
    let stdout = child.0.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str::<Value>(&line) {
                if tx.send(v).is_err() {
                    return;
                }
            }
        }
    });
    (child, rx)
}

/// The next event matching `pred`, waiting at most `WAIT`.
pub fn next_event(rx: &mpsc::Receiver<Value>, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let event = rx.recv_timeout(left).expect("the expected event did not come");
        if pred(&event) {
            return event;
        }
    }
}

fn terminate(child: &mut Spawned) -> Option<i32> {
    let _ = Command::new("kill").args(["-TERM", &child.0.id().to_string()]).status();
    child.wait_within(Duration::from_secs(10)).code()
}

#[test]
fn pending_fires_repeats_and_resolves_then_sigterm_exits_cleanly() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 100, &[]);
    let receiver = Receiver::start(&[]);
    config(&env, &[("ops", &receiver.url, "")], "for = \"3s\"\nrepeat = \"4s\"");
    let (mut child, rx) = spawn_watch(&env, &[]);
    let is_alert = |status: &'static str| move |e: &Value| e["type"] == "alert" && e["status"] == status;
    let first = next_event(&rx, is_alert("firing"));
    let repeat = next_event(&rx, is_alert("firing"));
    assert_eq!(first["starts_at"], repeat["starts_at"], "a repeat belongs to the same firing");
    assert_ne!(first["id"], repeat["id"]);
    env.mirror.set_balance("0.0.1001", 5_000_000_000);
    let resolved = next_event(&rx, is_alert("resolved"));
    assert_eq!(resolved["value"], 50.0, "resolved carries the last value");
    assert_eq!(resolved["starts_at"], first["starts_at"]);
    assert!(resolved["ends_at"].is_string());
    let got = receiver.wait_for(3, WAIT);
    let statuses: Vec<&str> = got.iter().map(|r| r.body["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["firing", "firing", "resolved"], "delivered in order");
    assert_eq!(terminate(&mut child), Some(0));
}

#[cfg(unix)]
#[test]
fn the_outbox_survives_a_killed_process() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 100, &[]);
    let dead = crate::mock_node::dead_address();
    config(&env, &[("ops", &format!("http://{dead}/hook"), "max_attempts = 20")], "");
    let store = env.dir.path().join("hmon.db");
    let store_arg = store.to_str().unwrap();
    let (mut child, rx) = spawn_watch(&env, &["--store", store_arg]);
    let alert = next_event(&rx, |e| e["type"] == "alert");
    next_event(&rx, |e| e["type"] == "delivery");
    child.0.kill().expect("kill -9");
    let _ = child.0.wait();

    // The receiver comes up where the webhook points; a new run delivers what the killed one left.
    let receiver = Receiver::start_at(dead, &[]);
    env.mirror.set_balance("0.0.1001", 5_000_000_000);
    let (code, _, stderr) = run(env.hmon().args(["watch", "--once", "--json", "--store", store_arg]));
    assert_eq!(code, 0, "{stderr}");
    let got = receiver.wait_for(1, WAIT);
    assert_eq!(got[0].body["id"], alert["id"], "the same notification, delivered after the restart");
    assert_eq!(got[0].body["status"], "firing");
}

#[test]
fn bad_monitoring_config_is_refused() {
    let env = Env::start();
    env.write_config("[[rules]]\nname = \"x\"\nmetric = \"nope\"\ncondition = \"<\"\nthreshold = 1\n");
    let (code, _, stderr) = run(env.hmon().args(["watch", "--once"]));
    assert_eq!(code, 3);
    assert!(stderr.contains("rule 'x': unknown metric 'nope'"), "{stderr}");
    env.write_config("[[webhooks]]\nname = \"a\"\nurl = \"ftp://x\"\n");
    let (code, _, stderr) = run(env.hmon().args(["watch", "--once"]));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("webhook 'a'"), "{stderr}");
    env.write_config(FAST_RETRIES);
    let (code, _, stderr) = run(env.hmon().args(["watch", "--once", "--interval", "1s"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("--interval 1s is too fast"), "{stderr}");
    let (code, _, stderr) = run(env.hmon().args(["watch", "--once", "--account", "0.0.x"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("invalid --account '0.0.x'"), "{stderr}");
}

/// Sends SIGTERM to the child.
#[cfg(unix)]
fn sigterm(child: &Spawned) {
    let _ = Command::new("kill").args(["-TERM", &child.0.id().to_string()]).status();
}

#[cfg(unix)]
#[test]
fn a_stalled_reader_does_not_hold_up_the_shutdown() {
    let env = Env::start();
    // 300 accounts the mirror does not know: every cycle of per-account batches prints 300 error events (about
    // 60 KB), and three cycles are more than a pipe holds; nobody reads the pipe.
    let mut text = format!("{FAST_RETRIES}\n[collect]\nrate_limit = 1000\nmode = \"batches\"\n");
    for i in 0..300 {
        text.push_str(&format!("\n[[accounts]]\nid = \"0.0.{}\"\n", 5000 + i));
    }
    env.write_config(&text);
    let mut child = env.spawn(&["watch", "--json", "--interval", "2s"]);
    let deadline = Instant::now() + WAIT;
    while env.mirror.count("/api/v1/accounts/") < 900 {
        assert!(Instant::now() < deadline, "three cycles did not happen");
        std::thread::sleep(Duration::from_millis(20));
    }
    sigterm(&child);
    // Before, the printer blocked on the full pipe and the process never ended.
    assert_eq!(child.wait_within(crate::LIMIT).code(), Some(0));
}

#[cfg(unix)]
#[test]
fn a_second_signal_stops_at_once() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 100, &[]);
    let hanging = Receiver::start(&[Answer::Hang]);
    config(&env, &[("slow", &hanging.url, "timeout = \"60s\"")], "");
    let mut child = Spawned(
        env.std_command(assert_cmd::cargo::cargo_bin("hmon"))
            .args(["watch", "--json", "--interval", "2s"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn hmon"),
    );
    let stderr = child.0.stderr.take().expect("stderr");
    hanging.wait_for(1, WAIT);
    sigterm(&child);
    // The first signal waits for the delivery in flight (up to 5 s); the second does not.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + WAIT;
    loop {
        let line = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())).expect("the stopping notice");
        if line.contains("Ctrl-C again to stop at once") {
            break;
        }
    }
    sigterm(&child);
    assert_eq!(child.wait_within(crate::LIMIT).code(), Some(130));
    let rest: Vec<String> = rx.iter().collect();
    assert!(rest.iter().any(|l| l.contains("stopped at once")), "{rest:?}");
}

/// A `sample` event is news only: a series' first value and each change. A cycle that confirms an unchanged value
/// sends nothing for it, and its `cycle` event counts what it confirmed.
#[test]
fn watch_json_sends_a_balance_once_per_change_and_a_cycle_event_each_cycle() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 5_000_000_000, &[]);
    config(&env, &[], "");
    let (_child, rx) = spawn_watch(&env, &[]);
    let is_balance = |e: &Value| e["type"] == "sample" && e["name"] == "account_balance_hbar";
    let mut balances = Vec::new();
    let mut cycles = Vec::new();
    while cycles.len() < 3 {
        let e = next_event(&rx, |e| is_balance(e) || (e["type"] == "cycle" && e["collector"] == "accounts"));
        match is_balance(&e) {
            true => balances.push(e["value"].as_f64()),
            false => cycles.push((e["samples"].as_u64().unwrap_or(0), e["unchanged"].as_u64().unwrap_or(0))),
        }
    }
    assert_eq!(balances, [Some(50.0)], "sent once over three cycles");
    assert!(cycles[0].0 > 0, "the first cycle brought samples: {cycles:?}");
    assert!(cycles[1..].iter().all(|(samples, unchanged)| unchanged >= &1 && unchanged <= samples), "{cycles:?}");

    env.mirror.set_balance("0.0.1001", 7_000_000_000);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs();
    env.mirror.transfer(crate::fake_mirror::Tx::new("0.0.2", "0.0.1001", 2_000_000_000, now as i64));
    let changed = next_event(&rx, is_balance);
    assert_eq!(changed["value"], 70.0);
}
