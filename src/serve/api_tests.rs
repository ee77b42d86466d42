//! The `/api/v1` routes in process: every route's 200 and each bad parameter's 400, paging, label filters,
//! since and until, alerts with silences and notifications, and the queue.

use std::time::Duration;

use axum::http::{header, StatusCode};
use serde_json::Value;

use super::tests::{body, get, json_error, state};
use super::AppState;
use crate::alert::manager::AlertView;
use crate::alert::silence::Silence;
use crate::metrics::Sample;
use crate::pipeline::Event;
use crate::store::{MetricStore, SqliteStore};
use crate::timestamp::Timestamp;
use crate::webhook::notification::example;
use crate::webhook::{Outbox, Severity};

async fn get_json(state: &AppState, uri: &str) -> Value {
    let response = get(state, uri).await;
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json", "{uri}");
    serde_json::from_str(&body(response).await).unwrap()
}

async fn bad(state: &AppState, uri: &str, said: &str) {
    let response = get(state, uri).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{uri}");
    let (code, message) = json_error(response).await;
    assert_eq!(code, "bad_request", "{uri}");
    assert!(message.contains(said), "{uri}: {message}");
}

fn t(secs: i64) -> Timestamp {
    Timestamp::from_millis(1_700_000_000_000 + secs * 1000)
}

/// Three accounts' balances at 0, 10 and 20 s (0.0.3 changes at 20 s), stored as runs.
fn stored_balances(state: &AppState) {
    let store = SqliteStore::with_heartbeat(state.db.clone(), Duration::from_secs(1));
    for (secs, last) in [(0, 3.0), (10, 3.0), (20, 4.0)] {
        let samples: Vec<Sample> = [("0.0.1", "a", 1.0), ("0.0.2", "b", 2.0), ("0.0.3", "c", last)]
            .iter()
            .map(|(id, label, v)| {
                Sample::new("account_balance_hbar", &[("account", id), ("label", label)], *v, t(secs))
            })
            .collect();
        store.insert(&samples).unwrap();
    }
    store.insert(&[Sample::new("network_tps", &[], 7.5, t(5))]).unwrap();
    store.flush().unwrap();
}

#[tokio::test]
async fn status_shows_the_model() {
    let (state, writer) = state();
    let at = Timestamp::now();
    writer.update(|m| {
        for s in [
            Sample::new("account_balance_hbar", &[("account", "0.0.1001"), ("label", "treasury \u{1b}[2J")], 5.0, at),
            Sample::new("account_token_balance", &[("account", "0.0.1001"), ("token", "0.0.5")], 12.5, at),
            Sample::new("mirror_lag_seconds", &[], 2.5, at),
            Sample::new("network_tps", &[], 9.0, at),
            Sample::new("node_up", &[("node_id", "0"), ("node_account_id", "0.0.3")], 1.0, at),
            Sample::new("node_up", &[("node_id", "1"), ("node_account_id", "0.0.4")], 0.0, at)
                .with_error(Some("connection refused \u{1b}[2J".into())),
            Sample::new("node_latency_seconds", &[("node_id", "0"), ("node_account_id", "0.0.3")], 0.25, at),
            // From before node 1 went down: not a current latency.
            Sample::new("node_latency_seconds", &[("node_id", "1"), ("node_account_id", "0.0.4")], 0.5, at),
        ] {
            m.apply(&Event::Sample(s.into()));
        }
        m.collectors.entry("mirror".into()).or_default().up = true;
    });
    let doc = get_json(&state, "/api/v1/status").await;
    assert_eq!((doc["network"].as_str(), doc["version"].as_str()), (Some("testnet"), Some("9.9.9")));
    assert_eq!((doc["mirror_lag_seconds"].as_f64(), doc["network_tps"].as_f64()), (Some(2.5), Some(9.0)));
    assert_eq!(
        doc["nodes"],
        serde_json::json!({"up": 1, "total": 2,
                           "down": [{"node_id": "1", "node_account_id": "0.0.4", "error": "connection refused \u{1b}[2J"}],
                           "latency": [{"node_id": "0", "node_account_id": "0.0.3", "seconds": 0.25}]})
    );
    let account = &doc["accounts"][0];
    assert_eq!(account["account"], "0.0.1001");
    assert_eq!(account["label"], "treasury \u{1b}[2J", "exact in JSON");
    assert_eq!(account["balance_hbar"], 5.0);
    assert_eq!(account["updated_at"], at.to_rfc3339());
    assert_eq!(account["tokens"][0]["token"], "0.0.5");
    assert_eq!(account["tokens"][0]["balance"], 12.5);
    assert_eq!(doc["updated_at"], at.to_rfc3339());
    assert_eq!(doc["collectors"]["mirror"]["up"], true);
    assert_eq!(doc["alerts"], serde_json::json!({"firing": [], "pending": []}));
    assert!(doc["uptime_seconds"].is_u64());
    bad(&state, "/api/v1/status?verbose=1", "unknown query parameter 'verbose'").await;
}

#[tokio::test]
async fn an_empty_status_has_every_field() {
    let (state, _writer) = state();
    let doc = get_json(&state, "/api/v1/status").await;
    for key in ["updated_at", "mirror_lag_seconds", "network_tps"] {
        assert!(doc[key].is_null(), "{key}: {doc}");
    }
    assert_eq!(doc["nodes"]["total"], 0);
    assert_eq!(doc["accounts"], serde_json::json!([]));
}

#[tokio::test]
async fn the_status_shows_each_change_of_the_model_once_rendered_per_change() {
    let (state, writer) = state();
    let first = get_json(&state, "/api/v1/status").await;
    assert_eq!(first, get_json(&state, "/api/v1/status").await, "the same model, the same document");
    let at = Timestamp::now();
    writer.update(|m| {
        m.apply(&Event::Sample(
            Sample::new("account_balance_hbar", &[("account", "0.0.7"), ("label", "")], 3.0, at).into(),
        ));
    });
    let second = get_json(&state, "/api/v1/status").await;
    assert_eq!(second["accounts"][0]["account"], "0.0.7", "{second}");
    assert_eq!(second["accounts"][0]["balance_hbar"], 3.0);
}

#[tokio::test]
async fn samples_page_through_every_run() {
    let (state, _writer) = state();
    stored_balances(&state);
    let mut uri = "/api/v1/samples?name=account_balance_hbar&limit=2".to_string();
    let mut seen = Vec::new();
    for _ in 0..5 {
        let doc = get_json(&state, &uri).await;
        let runs = doc["samples"].as_array().unwrap();
        assert!(runs.len() <= 2);
        seen.extend(runs.iter().map(|r| (r["labels"]["label"].as_str().unwrap().to_string(), r["value"].as_f64())));
        match doc["next"].as_str() {
            Some(next) => uri = next.to_string(),
            None => break,
        }
        assert!(uri.contains("name=account_balance_hbar") && uri.contains("limit=2"), "{uri}");
    }
    let shown: Vec<(&str, f64)> = seen.iter().map(|(l, v)| (l.as_str(), v.unwrap())).collect();
    assert_eq!(shown, [("c", 4.0), ("c", 3.0), ("b", 2.0), ("a", 1.0)], "newest first, each run once");
    let one = get_json(&state, "/api/v1/samples?name=account_balance_hbar&label=label:c&limit=1").await;
    let run = &one["samples"][0];
    assert_eq!(run["timestamp"], t(20).to_rfc3339());
    assert_eq!(run["last_timestamp"], t(20).to_rfc3339());
    assert_eq!(run["name"], "account_balance_hbar");
    assert!(one["next"].is_string());
}

#[tokio::test]
async fn samples_filter_by_labels_and_time() {
    let (state, _writer) = state();
    stored_balances(&state);
    let count = |doc: &Value| doc["samples"].as_array().unwrap().len();
    let a = get_json(&state, "/api/v1/samples?label=account:0.0.1&label=label:a").await;
    assert_eq!(count(&a), 1);
    assert_eq!((a["samples"][0]["last_timestamp"].as_str(), a["next"].as_str()), (Some(&*t(20).to_rfc3339()), None));
    let none = get_json(&state, "/api/v1/samples?label=account:0.0.1&label=label:b").await;
    assert_eq!(count(&none), 0, "every label must match");
    assert_eq!(count(&get_json(&state, "/api/v1/samples").await), 5, "every metric");

    let since = format!("/api/v1/samples?name=account_balance_hbar&since={}", t(15).to_rfc3339());
    // c's first run (3.0, last confirmed at 10 s) is still the value at 15 s: a run lasts until the next starts.
    assert_eq!(count(&get_json(&state, &since).await), 4, "the runs in force at 15 s and those after");
    let until = format!("/api/v1/samples?name=account_balance_hbar&until={}", t(20).to_rfc3339().replace('+', "%2B"));
    let doc = get_json(&state, &until).await;
    assert_eq!(count(&doc), 3, "until is exclusive");
    assert!(doc["samples"].as_array().unwrap().iter().all(|r| r["timestamp"] == t(0).to_rfc3339()));
    let offset = "/api/v1/samples?name=account_balance_hbar&since=2023-11-14T22:13:35%2B00:00";
    assert_eq!(count(&get_json(&state, offset).await), 4, "an offset is fine, the same time as above");
}

#[tokio::test]
async fn samples_refuse_each_bad_parameter() {
    let (state, _writer) = state();
    let base = "/api/v1/samples?";
    for (query, said) in [
        ("limit=0", "from 1 to 1000"),
        ("limit=1001", "from 1 to 1000"),
        ("limit=ten", "'ten' is not a whole number"),
        ("since=yesterday", "'since': 'yesterday' is not an RFC 3339 time; expected e.g. 2026-11-01T12:00:00Z"),
        ("until=2026-13-01T00:00:00Z", "'until'"),
        ("label=account", "expected NAME:VALUE"),
        ("label=:x", "expected NAME:VALUE"),
        ("label=a:1&label=a:2", "matched twice"),
        ("name=", "empty"),
        ("name=a&name=b", "more than once"),
        ("cursor=abc", "not a cursor"),
        ("lable=a:b", "unknown query parameter 'lable'"),
    ] {
        bad(&state, &format!("{base}{query}"), said).await;
    }
    let huge = format!("{base}since=%1B{}", "9".repeat(10_000));
    let response = get(&state, &huge).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (_, message) = json_error(response).await;
    assert!(message.len() < 300 && !message.contains('\u{1b}') && message.contains("\\u{1b}"), "{message}");
}

#[tokio::test]
async fn series_lists_each_with_its_newest_run() {
    let (state, _writer) = state();
    stored_balances(&state);
    let doc = get_json(&state, "/api/v1/series").await;
    let series = doc["series"].as_array().unwrap();
    assert_eq!(series.len(), 4);
    assert_eq!((series[2]["labels"]["account"].as_str(), series[2]["value"].as_f64()), (Some("0.0.3"), Some(4.0)));
    assert_eq!(series[3]["name"], "network_tps");
    assert_eq!(get_json(&state, "/api/v1/series?name=network_tps").await["series"].as_array().unwrap().len(), 1);
    bad(&state, "/api/v1/series?label=a:b", "unknown query parameter 'label'").await;
}

#[tokio::test]
async fn alerts_join_state_silences_and_notifications() {
    let (state, writer) = state();
    let labels = |account: &str| [("account".to_string(), account.to_string())].into_iter().collect();
    state
        .db
        .write(|tx| {
            tx.execute_batch(
                r#"INSERT INTO alert_state VALUES ('low-balance', '{"account":"0.0.1001"}',
                     '{"phase":{"state":"firing","since":"2026-01-02T03:04:05Z"},"value":5.0}');
                   INSERT INTO alert_state VALUES ('low-balance', '{"account":"0.0.2002"}', '{"phase":{"state":"inactive"}}');"#,
            )?;
            Ok(())
        })
        .unwrap();
    let outbox = Outbox::new(state.db.clone());
    let delivered = outbox.push("ops", "k", &example("n-1", "")).unwrap();
    outbox.delivered(delivered.seq, 1, 5_000).unwrap();
    outbox.push("ops", "k", &example("n-2", "")).unwrap();
    let now = Timestamp::now();
    writer.update(|m| {
        m.alerts.push(AlertView {
            rule: "low-balance".into(),
            labels: labels("0.0.1001"),
            severity: Severity::Critical,
            state: "firing",
            since: Timestamp::parse_rfc3339("2026-01-02T03:04:05Z").unwrap(),
            value: Some(5.0),
            silenced: true,
            summary: "low".into(),
        });
        m.silences.push(Silence {
            id: "abc".into(),
            rule: "low-balance".into(),
            labels: labels("0.0.1001"),
            starts_at: now.minus(Duration::from_secs(60)),
            ends_at: Timestamp::from_millis(now.as_millis() + 60_000),
            comment: String::new(),
            created_at: now,
        });
    });
    let doc = get_json(&state, "/api/v1/alerts").await;
    let alerts = doc["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 2);
    let firing = &alerts[0];
    assert_eq!((firing["state"].as_str(), firing["severity"].as_str()), (Some("firing"), Some("critical")));
    assert_eq!((firing["silenced"].as_bool(), firing["silences"][0].as_str()), (Some(true), Some("abc")));
    let sent = firing["notifications"].as_array().unwrap();
    assert_eq!(sent.len(), 2);
    assert_eq!((sent[0]["id"].as_str(), sent[0]["delivery"].as_str()), (Some("n-2"), Some("pending")));
    assert_eq!((sent[1]["id"].as_str(), sent[1]["delivery"].as_str()), (Some("n-1"), Some("delivered")));
    assert_eq!(sent[1]["delivered_at"], Timestamp::from_millis(5_000).to_rfc3339());
    let quiet = &alerts[1];
    assert_eq!((quiet["state"].as_str(), quiet["silenced"].as_bool()), (Some("inactive"), Some(false)));
    assert!(quiet["since"].is_null() && quiet["severity"].is_null());
    let only = get_json(&state, "/api/v1/alerts?rule=other").await;
    assert_eq!(only["alerts"], serde_json::json!([]));
    let one = get_json(&state, "/api/v1/alerts?rule=low-balance").await;
    let one = one["alerts"].as_array().unwrap();
    assert!(!one.is_empty() && one.iter().all(|a| a["rule"] == "low-balance"), "{one:?}");
    assert_eq!(one[0]["notifications"].as_array().unwrap().len(), 2, "the rule's notifications, read with it");
    bad(&state, "/api/v1/alerts?state=firing", "unknown query parameter 'state'").await;
}

#[tokio::test]
async fn queue_lists_pending_and_dead_as_the_cli_does() {
    let (state, _writer) = state();
    let outbox = Outbox::new(state.db.clone());
    let a = outbox.push("ops", "k", &example("a", "")).unwrap();
    let b = outbox.push("ops", "k", &example("b", "")).unwrap();
    outbox.bury(b.seq, Some(3), b.created_ms + 5, "HTTP 400: \u{1b}no").unwrap();
    let doc = get_json(&state, "/api/v1/queue").await;
    let expected = serde_json::to_value(outbox.entries().unwrap()).unwrap();
    assert_eq!(doc["notifications"], expected);
    let rows = doc["notifications"].as_array().unwrap();
    assert_eq!((rows[0]["id"].as_i64(), rows[0]["status"].as_str()), (Some(a.seq), Some("pending")));
    assert_eq!(
        (rows[1]["status"].as_str(), rows[1]["last_error"].as_str()),
        (Some("dead"), Some("HTTP 400: \u{1b}no"))
    );
    bad(&state, "/api/v1/queue?x=1", "unknown query parameter 'x'").await;
}

#[tokio::test]
async fn the_api_answers_get_only() {
    let (mut state, _writer) = state();
    state.access.token = Some(super::token::ApiToken::new("api-tests-token", "the test token").unwrap());
    for uri in ["/api/v1/status", "/api/v1/samples", "/api/v1/series", "/api/v1/alerts", "/api/v1/queue"] {
        let request = axum::http::Request::post(uri)
            .header(axum::http::header::HOST, "localhost")
            .header(axum::http::header::AUTHORIZATION, "Bearer api-tests-token")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = tower::ServiceExt::oneshot(super::app(state.clone()), request).await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{uri}");
    }
}
