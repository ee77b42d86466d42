//! The forwarder against in-process fake Alertmanagers on 127.0.0.1: every one gets the list, a failing one is
//! retried and counted, and a hanging one times out without delaying the others.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::Value;

use super::*;
use crate::alert::manager::AlertView;
use crate::alertmanager::config::{Auth, Options, Target};
use crate::alertmanager::{Forwarding, Stats};
use crate::pipeline::model::{model, ModelHandle, ModelWriter};
use crate::secret::Secret;
use crate::webhook::Severity;

/// How a fake Alertmanager answers.
#[derive(Clone, Copy)]
enum Mode {
    Ok,
    /// 500 for the first `n` posts, then 200.
    FailFirst(usize),
    /// Never answers in time.
    Hang,
}

/// Each post's `Authorization` header and body.
type Posts = Arc<Mutex<Vec<(Option<String>, Value)>>>;

#[derive(Clone)]
struct Fake {
    mode: Mode,
    posts: Posts,
}

async fn receive(State(fake): State<Fake>, headers: HeaderMap, Json(body): Json<Value>) -> StatusCode {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).map(String::from);
    let n = {
        let mut posts = fake.posts.lock().unwrap();
        posts.push((auth, body));
        posts.len()
    };
    match fake.mode {
        Mode::Ok => StatusCode::OK,
        Mode::FailFirst(k) if n <= k => StatusCode::INTERNAL_SERVER_ERROR,
        Mode::FailFirst(_) => StatusCode::OK,
        Mode::Hang => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            StatusCode::OK
        }
    }
}

/// A fake Alertmanager and the posts it received.
async fn fake(mode: Mode) -> (String, Posts) {
    let posts = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new().route("/api/v2/alerts", post(receive)).with_state(Fake { mode, posts: posts.clone() });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), posts)
}

fn target(url: &str, auth: Auth) -> Target {
    Target {
        name: url.to_string(),
        endpoint: format!("{url}/api/v2/alerts").parse().unwrap(),
        timeout: Duration::from_millis(300),
        auth,
    }
}

fn forwarding(targets: Vec<Target>) -> Forwarding {
    let options = Options {
        external_labels: BTreeMap::new(),
        external_url: None,
        listen: "127.0.0.1:8754".parse().unwrap(),
        resend_delay: Duration::from_millis(200),
        eval_interval: Duration::from_secs(1),
        watchdog: true,
    };
    Forwarding { targets, options }
}

fn firing() -> AlertView {
    AlertView {
        rule: "low-balance".into(),
        labels: BTreeMap::from([("account".into(), "0.0.1001".into())]),
        severity: Severity::Warning,
        state: "firing",
        since: crate::timestamp::Timestamp::now(),
        value: Some(4.0),
        silenced: false,
        summary: "low".into(),
    }
}

fn started() -> (ModelWriter, ModelHandle) {
    let (writer, handle) = model();
    writer.update(|m| m.alerts.push(firing()));
    (writer, handle)
}

/// Waits (up to 5 s) until the stats satisfy `done`.
async fn until(handle: &ModelHandle, done: impl Fn(&Stats) -> bool) -> Stats {
    for _ in 0..500 {
        let stats = handle.read().alertmanager.clone();
        if done(&stats) {
            return stats;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("not reached: {:?}", handle.read().alertmanager);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_alertmanager_gets_the_list_with_its_auth_and_it_is_resent() {
    let (a, a_posts) = fake(Mode::Ok).await;
    let (b, b_posts) = fake(Mode::Ok).await;
    let (writer, handle) = started();
    let targets = vec![
        target(&a, Auth::Bearer(Secret::new("tok-1"))),
        target(&b, Auth::Basic { username: "u".into(), password: Secret::new("p") }),
    ];
    let _forwarder = Forwarder::start(forwarding(targets), handle.clone(), writer).unwrap();
    let stats = until(&handle, |s| s.per_alertmanager.values().all(|t| t.sent >= 2)).await;
    assert_eq!((stats.firing, stats.resolved), (2, 0), "the alert and the watchdog");
    let (auth, body) = a_posts.lock().unwrap()[0].clone();
    assert_eq!(auth.as_deref(), Some("Bearer tok-1"));
    let names: Vec<&str> =
        body.as_array().unwrap().iter().map(|a| a["labels"]["alertname"].as_str().unwrap()).collect();
    assert_eq!(names, ["HmonWatchdog", "low-balance"]);
    let (auth, _) = b_posts.lock().unwrap()[0].clone();
    assert_eq!(auth.as_deref(), Some("Basic dTpw"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_alertmanager_is_retried_and_counted() {
    let (a, a_posts) = fake(Mode::FailFirst(2)).await;
    let (writer, handle) = started();
    let _forwarder = Forwarder::start(forwarding(vec![target(&a, Auth::None)]), handle.clone(), writer).unwrap();
    let stats = until(&handle, |s| s.per_alertmanager[&a].sent >= 1).await;
    assert_eq!(stats.per_alertmanager[&a].errors, 2);
    assert!(stats.per_alertmanager[&a].up);
    assert!(a_posts.lock().unwrap().len() >= 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hanging_or_absent_alertmanager_times_out_and_delays_no_other() {
    let (hanging, _) = fake(Mode::Hang).await;
    let (ok, _) = fake(Mode::Ok).await;
    // A port nothing listens on: bound, then released.
    let absent = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let (writer, handle) = started();
    let targets = vec![target(&hanging, Auth::None), target(&absent, Auth::None), target(&ok, Auth::None)];
    let _forwarder = Forwarder::start(forwarding(targets), handle.clone(), writer).unwrap();
    // Three re-sends to the healthy one while the hanging one is still waiting out its first timeout.
    until(&handle, |s| s.per_alertmanager[&ok].sent >= 3).await;
    let stats =
        until(&handle, |s| s.per_alertmanager[&hanging].errors >= 1 && s.per_alertmanager[&absent].errors >= 1).await;
    assert!(!stats.per_alertmanager[&hanging].up && !stats.per_alertmanager[&absent].up);
    assert_eq!(stats.per_alertmanager[&hanging].sent + stats.per_alertmanager[&absent].sent, 0);
}
