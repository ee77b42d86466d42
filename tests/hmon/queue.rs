//! `hmon alert queue` end to end: a receiver that rejects a notification leaves a dead letter after
//! `hmon watch --once --store F`; the queue shows it with the receiver's error, `retry` puts it back in line and
//! the next run delivers it with the same id; `drop` deletes a row; bad IDs are usage errors or not found.

use std::time::Duration;

use serde_json::Value;

use crate::receiver::{Answer, Receiver};
use crate::{json_of, run, Env, FAST_RETRIES};

const WAIT: Duration = Duration::from_secs(30);
/// What the receiver answers first: a rejection whose text tries to colour a terminal.
const REJECTION: &str = "rejected: \u{1b}[31mred";

fn config(env: &Env, url: &str) {
    env.write_config(&format!(
        "{FAST_RETRIES}\n[[accounts]]\nid = \"0.0.1001\"\n\n\
         [[webhooks]]\nname = \"ops\"\nurl = \"{url}\"\ngive_up_after = \"1m\"\nbackoff = \"10ms\"\n\n\
         [[rules]]\nname = \"low-balance\"\nmetric = \"account_balance_hbar\"\ncondition = \"<\"\nthreshold = 10.0\n"
    ));
}

#[test]
fn a_rejected_notification_waits_as_a_dead_letter_until_retried() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 100, &[]);
    let receiver = Receiver::start(&[Answer::Body(400, REJECTION)]); // then 200 to everything
    config(&env, &receiver.url);
    let store = env.dir.path().join("hmon.db");
    let store = store.to_str().unwrap();

    let (code, _, stderr) = run(env.hmon().args(["watch", "--once", "--json", "--store", store]));
    assert_eq!(code, 1, "a dead letter is a failed run: {stderr}");
    assert!(stderr.contains("1 notifications were given up on and kept as dead letters"), "{stderr}");
    let first = receiver.wait_for(1, WAIT);
    let id = first[0].body["id"].as_str().unwrap().to_string();

    let rows = json_of(env.hmon().args(["alert", "queue", "--json", "--store", store]));
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!((row["status"].as_str(), row["webhook"].as_str()), (Some("dead"), Some("ops")));
    assert_eq!((row["rule"].as_str(), row["notification_id"].as_str()), (Some("low-balance"), Some(id.as_str())));
    assert_eq!(row["last_error"], format!("HTTP 400: {REJECTION}"), "exact in JSON");
    assert_eq!((row["attempts"].as_u64(), &row["next_attempt_at"]), (Some(1), &Value::Null));
    for time in ["queued_at", "dead_at"] {
        let text = row[time].as_str().unwrap_or("");
        assert!(hmon::timestamp::Timestamp::parse_rfc3339(text).is_some(), "{time}: {row}");
    }
    // In a pipe: tab-separated, the receiver's text inert, nothing of the URL.
    let (code, stdout, _) = run(env.hmon().args(["alert", "queue", "--store", store]));
    assert_eq!(code, 0);
    let line = stdout.lines().next().unwrap_or_default();
    let cells: Vec<&str> = line.split('\t').collect();
    assert_eq!(cells[..4], [row["id"].to_string().as_str(), "ops", "low-balance", "dead"], "{line}");
    assert!(line.ends_with("HTTP 400: rejected: \\u{1b}[31mred") && !stdout.contains('\u{1b}'), "{stdout:?}");
    assert!(!stdout.contains(&receiver.url), "{stdout}");

    let retried = json_of(env.hmon().args(["alert", "queue", "retry", "--all-dead", "--json", "--store", store]));
    assert_eq!(retried, serde_json::json!({ "retried": [row["id"]] }));
    let (code, _, stderr) = run(env.hmon().args(["watch", "--once", "--json", "--store", store]));
    assert_eq!(code, 0, "{stderr}");
    // The alert still fires and was announced already: the dead letter is the only request of this run.
    let got = receiver.wait_for(2, WAIT);
    assert_eq!(got[1].body["id"].as_str(), Some(id.as_str()), "the same notification, sent again");
    assert_eq!(receiver.received().len(), 2, "not announced again");
    let rows = json_of(env.hmon().args(["alert", "queue", "--json", "--store", store]));
    assert_eq!(rows, serde_json::json!([]), "delivered: nothing left");
}

#[test]
fn drop_deletes_a_row_and_bad_ids_are_refused() {
    let env = Env::start();
    let store = env.dir.path().join("hmon.db");
    let outbox = hmon::webhook::Outbox::open_sqlite(&store).unwrap();
    let note: hmon::webhook::Notification = serde_json::from_value(serde_json::json!({
        "id": "n-1", "status": "firing", "rule": "r", "severity": "info", "metric": "m", "labels": {},
        "value": 1.0, "threshold": null, "starts_at": "2026-01-02T03:04:05Z", "ends_at": null, "summary": ""
    }))
    .unwrap();
    let seq = outbox.push("ops", "k", &note).unwrap().seq.to_string();
    let store = store.to_str().unwrap();

    let (code, _, stderr) = run(env.hmon().args(["alert", "queue", "retry", "999", "--store", store]));
    assert_eq!(code, 4, "{stderr}");
    assert!(stderr.contains("no notification with ID 999"), "{stderr}");
    let (code, _, stderr) = run(env.hmon().args(["alert", "queue", "drop", "zero", "--store", store]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("ID column"), "{stderr}");

    let dropped = json_of(env.hmon().args(["alert", "queue", "drop", &seq, "--json", "--store", store]));
    assert_eq!(dropped["dropped"].to_string(), seq);
    assert!(outbox.rows().unwrap().is_empty());
    let (code, _, _) = run(env.hmon().args(["alert", "queue", "drop", &seq, "--store", store]));
    assert_eq!(code, 4, "already gone");
}
