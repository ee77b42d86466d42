//! The forwarder against in-process fake Alertmanagers on 127.0.0.1: every one gets the list, a failing one is
//! retried and counted, a held one delays no other, an empty list still probes, a refusal is told apart from an
//! outage, and new settings apply without losing what fires. Waits are on events (the model's changes, the
//! fakes' posts), each bounded by [`WAIT`].

use std::collections::BTreeMap;

use crate::metrics::Labels;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::Value;
use tokio::sync::watch;

use super::*;
use crate::alert::manager::AlertView;
use crate::alertmanager::config::{Auth, Options, Target};
use crate::alertmanager::{Forwarding, Stats};
use crate::pipeline::model::{model, ModelHandle, ModelWriter};
use crate::secret::Secret;
use crate::timestamp::Timestamp;
use crate::webhook::Severity;

/// How long a test waits for an event before it fails (a guard against hanging, not a measurement).
const WAIT: Duration = Duration::from_secs(10);

/// How a fake Alertmanager answers.
#[derive(Clone)]
enum Mode {
    Ok,
    /// 500 for the first `n` posts, then 200.
    FailFirst(usize),
    /// This status and body to every post.
    Answer(StatusCode, &'static str),
    /// No answer until the channel says true (then 200).
    Hold(watch::Receiver<bool>),
}

/// A post's `Authorization` header and body.
type Post = (Option<String>, Value);

/// What a fake received, and how many posts as an event.
#[derive(Clone)]
struct Posts {
    list: Arc<Mutex<Vec<Post>>>,
    count: Arc<watch::Sender<usize>>,
}

impl Posts {
    fn get(&self, i: usize) -> Post {
        self.list.lock().unwrap()[i].clone()
    }

    fn len(&self) -> usize {
        self.list.lock().unwrap().len()
    }

    /// Waits until at least `n` posts arrived.
    async fn at_least(&self, n: usize) {
        let mut count = self.count.subscribe();
        let arrived = tokio::time::timeout(WAIT, count.wait_for(|c| *c >= n)).await;
        assert!(arrived.is_ok_and(|r| r.is_ok()), "{} posts, not {n}", self.len());
    }
}

#[derive(Clone)]
struct Fake {
    mode: Mode,
    posts: Posts,
}

async fn receive(State(fake): State<Fake>, headers: HeaderMap, Json(body): Json<Value>) -> (StatusCode, String) {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).map(String::from);
    let n = {
        let mut posts = fake.posts.list.lock().unwrap();
        posts.push((auth, body));
        posts.len()
    };
    fake.posts.count.send_replace(n);
    match fake.mode {
        Mode::Ok => (StatusCode::OK, String::new()),
        Mode::FailFirst(k) if n <= k => (StatusCode::INTERNAL_SERVER_ERROR, "down".into()),
        Mode::FailFirst(_) => (StatusCode::OK, String::new()),
        Mode::Answer(status, body) => (status, body.to_string()),
        Mode::Hold(mut release) => {
            let _ = release.wait_for(|r| *r).await;
            (StatusCode::OK, String::new())
        }
    }
}

/// A fake Alertmanager and the posts it receives.
async fn fake(mode: Mode) -> (String, Posts) {
    let posts = Posts { list: Arc::default(), count: Arc::new(watch::channel(0).0) };
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

fn options() -> Options {
    Options {
        external_labels: BTreeMap::new(),
        external_url: None,
        listen: "127.0.0.1:8754".parse().unwrap(),
        resend_delay: Duration::from_millis(200),
        eval_interval: Duration::from_secs(1),
        watchdog: true,
    }
}

fn forwarding(targets: Vec<Target>) -> Forwarding {
    Forwarding { targets, options: options() }
}

fn firing() -> AlertView {
    AlertView {
        rule: "low-balance".into(),
        labels: Labels::from([("account".into(), "0.0.1001".into())]),
        severity: Severity::Warning,
        state: "firing",
        since: crate::timestamp::Timestamp::now(),
        value: Some(4.0),
        silenced: false,
        summary: "low".into(),
    }
}

/// A model with one firing alert, as a pipeline that evaluates leaves it.
fn started() -> (ModelWriter, ModelHandle) {
    let (writer, handle) = model();
    writer.update(|m| {
        m.alerts.push(firing());
        m.evaluated_at = Some(Timestamp::now());
    });
    (writer, handle)
}

/// Waits until the stats satisfy `done`, waking on the model's changes.
async fn until(handle: &ModelHandle, done: impl Fn(&Stats) -> bool) -> Stats {
    let mut handle = handle.clone();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let stats = handle.read().alertmanager.clone();
        if done(&stats) {
            return stats;
        }
        let changed = tokio::time::timeout_at(deadline, handle.changed()).await;
        assert!(changed.is_ok(), "not reached: {stats:?}");
    }
}

/// The alert names of a posted list.
fn names(body: &Value) -> Vec<&str> {
    body.as_array().unwrap().iter().map(|a| a["labels"]["alertname"].as_str().unwrap()).collect()
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
    let (auth, body) = a_posts.get(0);
    assert_eq!(auth.as_deref(), Some("Bearer tok-1"));
    assert_eq!(names(&body), ["HmonWatchdog", "low-balance"]);
    let (auth, _) = b_posts.get(0);
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
    assert!(a_posts.len() >= 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hanging_or_absent_alertmanager_times_out_and_is_counted_down() {
    let (_never, held) = watch::channel(false);
    let (hanging, _) = fake(Mode::Hold(held)).await;
    // A port nothing listens on: bound, then released.
    let absent = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let (writer, handle) = started();
    let targets = vec![target(&hanging, Auth::None), target(&absent, Auth::None)];
    let _forwarder = Forwarder::start(forwarding(targets), handle.clone(), writer).unwrap();
    let stats =
        until(&handle, |s| s.per_alertmanager[&hanging].errors >= 1 && s.per_alertmanager[&absent].errors >= 1).await;
    assert!(!stats.per_alertmanager[&hanging].up && !stats.per_alertmanager[&absent].up);
    assert_eq!(stats.per_alertmanager[&hanging].sent + stats.per_alertmanager[&absent].sent, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_alertmanager_that_does_not_answer_holds_up_no_other() {
    let (release, held) = watch::channel(false);
    let (slow, slow_posts) = fake(Mode::Hold(held)).await;
    let (ok, ok_posts) = fake(Mode::Ok).await;
    let (writer, handle) = started();
    // A timeout far beyond the test's wait: only posting to both at once lets the second one hear anything.
    let patient = Target { timeout: Duration::from_secs(600), ..target(&slow, Auth::None) };
    let _forwarder =
        Forwarder::start(forwarding(vec![patient, target(&ok, Auth::None)]), handle.clone(), writer).unwrap();
    slow_posts.at_least(1).await;
    // Two lists (the first and a re-send) taken by the other one while the first post to the slow one is held.
    let stats = until(&handle, |s| s.per_alertmanager[&ok].sent >= 2).await;
    assert!(ok_posts.len() >= 2);
    assert_eq!(slow_posts.len(), 1, "its first post is still unanswered");
    assert_eq!((stats.per_alertmanager[&slow].sent, stats.per_alertmanager[&slow].errors), (0, 0));
    release.send_replace(true);
    until(&handle, |s| s.per_alertmanager[&slow].sent >= 1).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_nothing_to_send_an_empty_list_is_posted_so_up_tells_the_truth() {
    let (a, a_posts) = fake(Mode::Ok).await;
    let (writer, handle) = model();
    let quiet = Forwarding { targets: vec![target(&a, Auth::None)], options: Options { watchdog: false, ..options() } };
    let _forwarder = Forwarder::start(quiet, handle.clone(), writer).unwrap();
    let stats = until(&handle, |s| s.per_alertmanager[&a].sent >= 2).await;
    assert!(stats.per_alertmanager[&a].up);
    assert_eq!((stats.firing, stats.resolved), (0, 0));
    assert_eq!(a_posts.get(0).1, serde_json::json!([]), "Alertmanager answers 200 to an empty list");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_400_counts_as_invalid_and_keeps_it_up_other_client_errors_count_as_errors() {
    let (bad, _) = fake(Mode::Answer(StatusCode::BAD_REQUEST, "start time must be before end time")).await;
    let (unauthorized, _) = fake(Mode::Answer(StatusCode::UNAUTHORIZED, "no")).await;
    let (writer, handle) = started();
    let targets = vec![target(&bad, Auth::None), target(&unauthorized, Auth::None)];
    let _forwarder = Forwarder::start(forwarding(targets), handle.clone(), writer).unwrap();
    let stats =
        until(&handle, |s| s.per_alertmanager[&bad].invalid >= 1 && s.per_alertmanager[&unauthorized].errors >= 1)
            .await;
    let (bad, unauthorized) = (&stats.per_alertmanager[&bad], &stats.per_alertmanager[&unauthorized]);
    assert!(bad.up, "a 400 keeps the valid alerts: it is up");
    assert_eq!((bad.errors, bad.sent), (0, 0), "{bad:?}");
    assert!(!unauthorized.up, "nothing was taken: {unauthorized:?}");
    assert_eq!((unauthorized.invalid, unauthorized.sent), (0, 0), "{unauthorized:?}");
}

#[test]
fn client_errors_but_408_and_429_are_refusals_not_retried_the_rest_are_retried() {
    for (code, want) in [
        (400, Some(true)),
        (401, Some(false)),
        (404, Some(false)),
        (413, Some(false)),
        (422, Some(false)),
        (408, None),
        (429, None),
        (500, None),
        (503, None),
        (302, None),
    ] {
        let status = StatusCode::from_u16(code).unwrap();
        let got = match outcome_of(status, String::new()) {
            Outcome::Refused { partial, .. } => Some(partial),
            Outcome::Failed(_) => None,
            Outcome::Accepted => panic!("{code} accepted"),
        };
        assert_eq!(got, want, "{code}");
    }
    assert_eq!(outcome_of(StatusCode::OK, String::new()), Outcome::Accepted);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_quotes_the_answer_inert_and_truncated() {
    let hostile: &'static str = Box::leak(format!("bad label\x1b[2J\n{}", "x".repeat(500)).into_boxed_str());
    let (url, _) = fake(Mode::Answer(StatusCode::BAD_REQUEST, hostile)).await;
    let poster = Poster {
        target: target(&url, Auth::Bearer(Secret::new("tok-secret"))),
        client: reqwest::Client::new(),
        writer: model().0,
        stopped: Default::default(),
        first_retry: Duration::from_millis(10),
        max_retry: Duration::from_millis(10),
    };
    let Outcome::Refused { partial: true, reason } = poster.post(&Batch::default()).await else {
        panic!("not a partial refusal");
    };
    assert!(reason.starts_with("HTTP 400 Bad Request: bad label\\u{1b}[2J\\nxxx"), "{reason}");
    assert!(!reason.contains(['\x1b', '\n']) && !reason.contains("tok-secret"), "{reason}");
    assert!(reason.ends_with('…') && reason.chars().count() < 260, "{reason}");
}

#[tokio::test(flavor = "multi_thread")]
async fn new_settings_apply_at_once_and_what_fires_goes_on_being_resent() {
    let (a, a_posts) = fake(Mode::Ok).await;
    let (b, b_posts) = fake(Mode::Ok).await;
    let (writer, handle) = started();
    let mut forwarder = Forwarder::start(forwarding(vec![target(&a, Auth::None)]), handle.clone(), writer).unwrap();
    a_posts.at_least(1).await;
    let (_, first) = a_posts.get(0);
    let dog_started = first[0]["startsAt"].clone();

    let labelled = Options { external_labels: BTreeMap::from([("region".into(), "eu".into())]), ..options() };
    forwarder.reconfigure(Forwarding { targets: vec![target(&b, Auth::None)], options: labelled });
    until(&handle, |s| s.per_alertmanager.keys().eq([&b])).await;
    // The first list with the new options (a list the builder made just before may come first) and a re-send:
    // the firing alert carries the new label; under its old labels it is a different alert to Alertmanager, sent
    // resolved.
    let labelled = |body: &Value| body[0]["labels"]["region"] == "eu";
    let mut first = 0;
    loop {
        b_posts.at_least(first + 1).await;
        if labelled(&b_posts.get(first).1) {
            break;
        }
        first += 1;
    }
    b_posts.at_least(first + 2).await;
    for i in first..first + 2 {
        let (_, body) = b_posts.get(i);
        let alerts = body.as_array().unwrap();
        assert_eq!(names(&body), ["HmonWatchdog", "low-balance", "low-balance"], "{body}");
        assert!(alerts[..2].iter().all(|a| a["labels"]["region"] == "eu"), "{body}");
        assert!(alerts[2]["labels"].get("region").is_none(), "the old identity, resolved: {body}");
        assert_eq!(alerts[0]["startsAt"], dog_started, "the watchdog did not start again");
    }
    drop(forwarder);
    assert!(handle.read().alertmanager.per_alertmanager.is_empty(), "a stopped forwarder leaves no counters");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pipeline_that_stopped_evaluating_refreshes_nothing_not_even_the_watchdog() {
    let (a, a_posts) = fake(Mode::Ok).await;
    let (writer, handle) = model();
    // Firing, but the last evaluation was an hour ago (a failed restart, a dead task).
    let hour_ago = Timestamp { secs: Timestamp::now().secs - 3600, nanos: 0 };
    writer.update(|m| {
        m.alerts.push(firing());
        m.evaluated_at = Some(hour_ago);
    });
    let _forwarder =
        Forwarder::start(forwarding(vec![target(&a, Auth::None)]), handle.clone(), writer.clone()).unwrap();
    a_posts.at_least(2).await;
    for i in 0..2 {
        assert_eq!(a_posts.get(i).1, serde_json::json!([]), "post {i}: nothing refreshed, nothing resolved");
    }
    // Evaluation comes back: the alert and the watchdog are sent again, the alert with its own start.
    writer.update(|m| m.evaluated_at = Some(Timestamp::now()));
    let seen = a_posts.len();
    a_posts.at_least(seen + 1).await;
    let (_, body) = a_posts.get(seen);
    assert_eq!(names(&body), ["HmonWatchdog", "low-balance"]);
    assert!(body.as_array().unwrap().iter().all(|a| a["endsAt"].as_str() > a["startsAt"].as_str()), "{body}");
}
