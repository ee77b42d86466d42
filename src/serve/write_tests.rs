//! The writing routes in process, against a real daemon: its pipeline runs against a mirror that refuses every
//! connection (so `collector_up` is 0), its config file is a temporary one.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};
use tower::ServiceExt as _;

use super::daemon::{self, Start};
use super::*;
use crate::output::{ColorChoice, Output};
use crate::pipeline::{Event, Outputs};
use crate::settings::{Overrides, Setting, Settings, Source};
use crate::store::{Db, SqliteStore};

/// How long a test waits for the pipeline before it fails (a guard against hanging, not a measurement).
const WAIT: Duration = Duration::from_secs(30);

/// Writes need the API token.
pub(super) const TOKEN: &str = "write-tests-token";

pub(super) const CONFIG: &str = "\
# The team's monitor.
network = \"testnet\"

# Pages the on-call.
[[rules]]
name = \"mirror-down\" # keep this one
metric = \"collector_up\"
labels = { collector = \"mirror\" }
condition = \"<\"
threshold = 1
";

/// A running daemon behind the router (sessions named after port 8754), and its config file.
pub(super) struct Harness {
    pub(super) state: AppState,
    pub(super) outputs: Outputs,
    config: PathBuf,
    stopping: tokio::sync::watch::Sender<bool>,
    _dir: tempfile::TempDir,
}

pub(super) async fn harness(config: &str) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, config).unwrap();
    let overrides = Overrides {
        config: Some(Setting::new(path.clone(), Source::Flag("--config"))),
        mirror_url: Some(Setting::new("http://127.0.0.1:9/api/v1/".into(), Source::Flag("--mirror-url"))),
        ..Default::default()
    };
    let resolve: daemon::Resolve = Box::new(move || Settings::resolve(overrides.clone(), |_| None));
    let settings = resolve().unwrap();
    let db = Db::in_memory().unwrap();
    let store = Arc::new(SqliteStore::new(db.clone()));
    let (outputs, _events) = Outputs::new(0);
    let out = Output::detect(false, ColorChoice::Never, true);
    let listen = "127.0.0.1:8754".parse().unwrap();
    let interval = crate::pipeline::Plan::from_config(&settings.config, &[], None).unwrap().interval;
    let forwarding = crate::alertmanager::Forwarding::from_config(&settings.config, listen, interval).unwrap();
    let start = Start { settings, out, resolve, db: db.clone(), store, listen, forwarding, canary: None };
    let handle = daemon::start(start, outputs.clone()).unwrap();
    let (stopping, stopping_rx) = tokio::sync::watch::channel(false);
    let state = AppState {
        model: outputs.model.handle(),
        db,
        network: "testnet".into(),
        started: Instant::now(),
        version: "9.9.9",
        ready: Arc::new(AtomicBool::new(true)),
        collectors: Arc::new([]),
        loopback_only: true,
        daemon: Some(handle),
        stopping: stopping_rx,
        access: super::auth::Access {
            token: Some(super::token::ApiToken::new(TOKEN, "the test token").unwrap()),
            hosts: Arc::new([]),
            sessions: super::session::Sessions::new(8754),
        },
        metrics: Default::default(),
        status: Default::default(),
    };
    Harness { state, outputs, config: path, stopping, _dir: dir }
}

impl Harness {
    async fn send(&self, method: &str, uri: &str, body: Option<Value>) -> Response {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "localhost")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        app(self.state.clone()).oneshot(request.body(body).unwrap()).await.unwrap()
    }

    fn file(&self) -> String {
        std::fs::read_to_string(&self.config).unwrap()
    }

    /// Waits until the model satisfies `check`.
    async fn until(&self, what: &str, check: impl Fn(&crate::pipeline::Model) -> bool) {
        let mut model = self.outputs.model.handle();
        let deadline = tokio::time::Instant::now() + WAIT;
        while !check(&model.read()) {
            if tokio::time::timeout_at(deadline, model.changed()).await.is_err() {
                panic!("the model never showed {what}");
            }
        }
    }
}

async fn json_of(response: Response) -> Value {
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
}

async fn error_code(response: Response) -> String {
    json_of(response).await["error"]["code"].as_str().unwrap().to_string()
}

fn rule(name: &str) -> Value {
    json!({ "name": name, "metric": "collector_up", "labels": { "collector": "nodes" }, "condition": "<",
            "threshold": 0.5, "severity": "critical", "summary": "nodes collector down" })
}

#[tokio::test]
async fn a_rule_added_over_the_api_is_in_the_file_with_its_comments_and_runs_at_once() {
    let h = harness(CONFIG).await;
    let response = h.send("POST", "/api/v1/rules", Some(rule("nodes-down"))).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()[header::LOCATION], "/api/v1/rules/nodes-down");
    let answer = json_of(response).await;
    assert_eq!((answer["added"].as_str(), answer["rules"].as_u64()), (Some("nodes-down"), Some(2)));
    assert_eq!(answer["restarted"], false, "only the rules changed: no restart");

    let file = h.file();
    for kept in ["# The team's monitor.", "# Pages the on-call.", "# keep this one", "name = \"nodes-down\""] {
        assert!(file.contains(kept), "{kept:?} missing from:\n{file}");
    }
    let listed = json_of(h.send("GET", "/api/v1/rules", None).await).await;
    let names: Vec<&str> = listed.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["mirror-down", "nodes-down"]);
    let one = json_of(h.send("GET", "/api/v1/rules/nodes-down", None).await).await;
    assert_eq!(one, rule("nodes-down"), "the same keys as a [[rules]] table, round trip");

    // The nodes collector cannot reach the mirror: the new rule fires without a restart.
    h.until("the new rule firing", |m| m.firing().any(|a| a.rule == "nodes-down")).await;
}

#[tokio::test]
async fn invalid_duplicate_and_malformed_rules_are_refused_and_the_file_is_untouched() {
    let h = harness(CONFIG).await;
    let mut bad = rule("x");
    bad["condition"] = json!("about");
    let response = h.send("POST", "/api/v1/rules", Some(bad)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(response).await, "invalid_rule");

    let response = h.send("POST", "/api/v1/rules", Some(rule("mirror-down"))).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(response).await, "rule_exists");

    let mut unknown_key = rule("y");
    unknown_key["thresold"] = json!(3);
    let response = h.send("POST", "/api/v1/rules", Some(unknown_key)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let message = json_of(response).await["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("thresold"), "{message}");

    let request = Request::post("/api/v1/rules")
        .header(header::HOST, "localhost")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::from("name=x"))
        .unwrap();
    let response = app(h.state.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error_code(response).await, "unsupported_media_type");

    assert_eq!(h.file(), CONFIG, "no refused rule reached the file");
}

#[tokio::test]
async fn removing_a_rule_edits_the_file_and_an_unknown_one_is_404() {
    let h = harness(CONFIG).await;
    assert_eq!(h.send("POST", "/api/v1/rules", Some(rule("nodes-down"))).await.status(), StatusCode::CREATED);
    let response = h.send("DELETE", "/api/v1/rules/nodes-down", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json_of(response).await["removed"], "nodes-down");
    assert!(!h.file().contains("nodes-down"));
    assert!(h.file().contains("# Pages the on-call."));

    let response = h.send("DELETE", "/api/v1/rules/nodes-down", None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(response).await, "not_found");
    assert_eq!(h.send("GET", "/api/v1/rules/nodes-down", None).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_bad_file_is_refused_on_reload_and_the_old_configuration_carries_on() {
    let h = harness(CONFIG).await;
    std::fs::write(&h.config, format!("{CONFIG}\n[[rules]]\nname = \"broken\"\nmetric = \"nope\"\n")).unwrap();
    let response = h.send("POST", "/-/reload", None).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let error = json_of(response).await;
    assert_eq!(error["error"]["code"], "config_invalid");
    assert!(error["error"]["message"].as_str().unwrap().contains("the running one carries on"), "{error}");
    let listed = json_of(h.send("GET", "/api/v1/rules", None).await).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "still the old rules: {listed}");

    let two =
        format!("{CONFIG}\n{}", CONFIG.replace("mirror-down", "mirror-down-2").replace("network = \"testnet\"", ""));
    std::fs::write(&h.config, two).unwrap();
    let response = h.send("POST", "/-/reload", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let reloaded = json_of(response).await;
    assert_eq!((reloaded["rules"].as_u64(), reloaded["restarted"].as_bool()), (Some(2), Some(false)));
    h.until("the reloaded rule firing", |m| m.firing().any(|a| a.rule == "mirror-down-2")).await;
}

/// The time the mirror collector's last cycle ended.
fn mirror_cycle(m: &crate::pipeline::Model) -> Option<crate::timestamp::Timestamp> {
    m.collectors.get("mirror").and_then(|h| h.last_cycle)
}

#[tokio::test]
async fn a_reload_that_changes_more_than_rules_restarts_the_pipeline_and_alerts_carry_on() {
    let h = harness(CONFIG).await;
    let mut events = h.outputs.events.subscribe();
    h.until("the rule firing", |m| m.firing().any(|a| a.rule == "mirror-down")).await;
    let since = h.outputs.model.handle().read().firing().next().unwrap().since;
    std::fs::write(&h.config, format!("{CONFIG}\n[collect]\ninterval = \"7s\"\n")).unwrap();
    let response = h.send("POST", "/-/reload", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json_of(response).await["restarted"], true);
    // A cycle of the new pipeline: the alert still fires since the same time, and was not announced again.
    let before = mirror_cycle(&h.outputs.model.handle().read());
    h.until("a cycle of the restarted pipeline", |m| mirror_cycle(m) != before).await;
    let model = h.outputs.model.handle().read().clone();
    let alert = model.firing().find(|a| a.rule == "mirror-down").expect("still firing");
    assert_eq!(alert.since, since, "the same alert, not a new one");
    let mut firing = 0;
    while let Ok(event) = events.try_recv() {
        if let Event::Alert(n) = event {
            assert_eq!(n.status, crate::webhook::AlertStatus::Firing, "{n:?}");
            firing += 1;
        }
    }
    assert_eq!(firing, 1, "announced once, before the restart");
    let response = h.send("POST", "/api/v1/rules", Some(rule("nodes-down"))).await;
    assert_eq!(response.status(), StatusCode::CREATED, "the restarted pipeline takes rules");
}

#[tokio::test]
async fn removing_a_firing_rule_resolves_its_alert() {
    let h = harness(CONFIG).await;
    let mut events = h.outputs.events.subscribe();
    let firing = next_alert(&mut events).await;
    assert_eq!((firing.rule.as_str(), firing.status), ("mirror-down", crate::webhook::AlertStatus::Firing));
    assert_eq!(h.send("DELETE", "/api/v1/rules/mirror-down", None).await.status(), StatusCode::OK);
    let resolved = next_alert(&mut events).await;
    assert_eq!((resolved.rule.as_str(), resolved.status), ("mirror-down", crate::webhook::AlertStatus::Resolved));
    assert_eq!(resolved.starts_at, firing.starts_at);
    assert!(h.outputs.model.handle().read().alerts.is_empty());
}

#[tokio::test]
async fn readiness_follows_the_collectors_a_reload_leaves_running() {
    let with_account = format!("{CONFIG}\n[[accounts]]\nid = \"0.0.1001\"\n");
    let mut h = harness(&with_account).await;
    h.state.collectors = Arc::new([]);
    let running = |h: &Harness| h.state.daemon.as_ref().unwrap().running().unwrap().to_vec();
    assert!(running(&h).contains(&"accounts"));
    h.until("every collector's first cycle", |m| {
        ["mirror", "nodes", "webhooks", "accounts"]
            .iter()
            .all(|c| m.collectors.get(*c).is_some_and(|h| h.last_cycle.is_some()))
    })
    .await;
    assert!(h.state.is_ready());
    std::fs::write(&h.config, CONFIG).unwrap();
    let response = h.send("POST", "/-/reload", None).await;
    assert_eq!(json_of(response).await["restarted"], true);
    assert!(!running(&h).contains(&"accounts"));
    assert!(h.state.is_ready(), "ready without the accounts collector, which no longer runs");
}

/// The next alert notification on the event stream.
async fn next_alert(events: &mut tokio::sync::broadcast::Receiver<Event>) -> crate::webhook::Notification {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Ok(Event::Alert(n))) => return *n,
            Ok(Ok(_)) => {}
            other => panic!("no alert notification: {other:?}"),
        }
    }
}

#[tokio::test]
async fn silences_are_added_listed_applied_and_removed() {
    let h = harness(CONFIG).await;
    let response = h.send("POST", "/api/v1/silences", Some(json!({ "rule": "nope", "duration": "1h" }))).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let message = json_of(response).await["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("unknown rule 'nope'") && message.contains("mirror-down"), "{message}");
    let response = h.send("POST", "/api/v1/silences", Some(json!({ "rule": "mirror-down", "duration": "0s" }))).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let new = json!({ "rule": "mirror-down", "duration": "2h", "comment": "maintenance" });
    let response = h.send("POST", "/api/v1/silences", Some(new)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let added = json_of(response).await;
    let id = added["id"].as_str().unwrap().to_string();
    assert_eq!(added["comment"], "maintenance");
    h.until("the silence in the model", |m| m.silences.iter().any(|s| s.id == id)).await;
    let listed = json_of(h.send("GET", "/api/v1/silences", None).await).await;
    assert_eq!(listed[0]["id"], id.as_str());
    let response = h.send("GET", "/api/v1/silences?al=true", None).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "an unknown query parameter is refused");

    assert_eq!(h.send("DELETE", &format!("/api/v1/silences/{id}"), None).await.status(), StatusCode::OK);
    h.until("the silence gone from the model", |m| m.silences.is_empty()).await;
    let response = h.send("DELETE", &format!("/api/v1/silences/{id}"), None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_event_stream_carries_pipeline_events_and_ends_when_the_server_stops() {
    let h = harness(CONFIG).await;
    let response = h.send("GET", "/api/v1/events", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "text/event-stream");
    let mut body = response.into_body().into_data_stream();
    use futures::StreamExt as _;
    let error = Event::collector_error("mirror", "boom", "t");
    // The stream subscribes when polled first: keep sending until the event comes through.
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    while !seen.contains("\"message\":\"boom\"") {
        let _ = h.outputs.events.send(error.clone());
        match tokio::time::timeout_at(deadline, body.next()).await {
            Ok(Some(Ok(chunk))) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            other => panic!("the stream ended or stalled before the event: {other:?}; got {seen:?}"),
        }
    }
    assert!(seen.contains("event: collector_error"), "{seen}");
    h.stopping.send(true).unwrap();
    // Whatever was buffered drains, then the stream ends.
    let ended = tokio::time::timeout(WAIT, async {
        while let Some(chunk) = body.next().await {
            chunk.unwrap();
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream did not end when the server stopped");
}

#[tokio::test]
async fn a_stream_that_falls_behind_gets_a_resync_with_the_count_it_missed() {
    let h = harness(CONFIG).await;
    let response = h.send("GET", "/api/v1/events", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    // Subscribed when the request was answered; nothing is read while more than the buffer is sent.
    let extra = 10;
    for i in 0..crate::pipeline::EVENT_BUFFER + extra {
        let error = Event::collector_error("mirror", &format!("e{i}"), "t");
        let _ = h.outputs.events.send(error);
    }
    let mut body = response.into_body().into_data_stream();
    use futures::StreamExt as _;
    let first = tokio::time::timeout(WAIT, body.next()).await.expect("a first event").expect("not ended").unwrap();
    let first = String::from_utf8_lossy(&first).to_string();
    assert!(first.starts_with("event: resync\n"), "{first}");
    assert!(first.contains(&format!("data: {{\"missed\":{extra}}}")), "{first}");
    // Then the oldest event still held: the stream carries on.
    let next = tokio::time::timeout(WAIT, body.next()).await.expect("a next event").expect("not ended").unwrap();
    assert!(String::from_utf8_lossy(&next).contains(&format!("\"message\":\"e{extra}\"")), "{next:?}");
}

/// Reloads that change the Alertmanager forwarding.
#[path = "reload_forwarding_tests.rs"]
mod reload_forwarding;
