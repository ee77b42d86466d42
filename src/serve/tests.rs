//! The router in process: every route and status, with `tower::ServiceExt::oneshot`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use serde_json::Value;
use tower::ServiceExt as _;

use super::*;
use crate::metrics::Sample;
use crate::pipeline::model::{self, ModelWriter};
use crate::pipeline::Event;
use crate::store::Db;
use crate::timestamp::Timestamp;

pub(super) fn state() -> (AppState, ModelWriter) {
    let (writer, handle) = model::model();
    let state = AppState {
        model: handle,
        db: Db::in_memory().unwrap(),
        network: "testnet".into(),
        started: Instant::now(),
        version: "9.9.9",
        ready: Arc::new(AtomicBool::new(true)),
        collectors: ["mirror", "nodes"].into_iter().map(String::from).collect(),
        loopback_only: true,
        daemon: None,
        stopping: tokio::sync::watch::channel(false).1,
        access: auth::Access { token: None, hosts: Arc::new([]), sessions: session::Sessions::new(8754) },
        metrics: super::metrics::Cache::default(),
        status: Default::default(),
    };
    (state, writer)
}

pub(super) async fn send(state: &AppState, method: &str, uri: &str, host: Option<&str>) -> Response {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(host) = host {
        request = request.header(header::HOST, host);
    }
    app(state.clone()).oneshot(request.body(Body::empty()).unwrap()).await.unwrap()
}

pub(super) async fn get(state: &AppState, uri: &str) -> Response {
    send(state, "GET", uri, Some("127.0.0.1:8754")).await
}

pub(super) async fn body(response: Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

pub(super) async fn json_error(response: Response) -> (String, String) {
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    let doc: Value = serde_json::from_str(&body(response).await).unwrap();
    let error = doc["error"].as_object().unwrap_or_else(|| panic!("no error object: {doc}"));
    assert_eq!(error.len(), 2, "{doc}");
    (error["code"].as_str().unwrap().to_string(), error["message"].as_str().unwrap().to_string())
}

fn cycle_done(writer: &ModelWriter, collector: &str) {
    writer.update(|m| m.collectors.entry(collector.to_string()).or_default().last_cycle = Some(Timestamp::now()));
}

#[tokio::test]
async fn healthy_answers_200_with_nosniff() {
    let (state, _writer) = state();
    let response = get(&state, "/-/healthy").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

#[tokio::test]
async fn ready_waits_for_every_collector_and_not_while_stopping() {
    let (state, writer) = state();
    let response = get(&state, "/-/ready").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(json_error(response).await.0, "not_ready");
    cycle_done(&writer, "mirror");
    assert_eq!(get(&state, "/-/ready").await.status(), StatusCode::SERVICE_UNAVAILABLE, "nodes not done yet");
    cycle_done(&writer, "nodes");
    assert_eq!(get(&state, "/-/ready").await.status(), StatusCode::OK);
    state.ready.store(false, Ordering::Release);
    assert_eq!(get(&state, "/-/ready").await.status(), StatusCode::SERVICE_UNAVAILABLE, "stopping");
}

#[tokio::test]
async fn metrics_has_the_prometheus_content_type_and_the_samples() {
    let (state, writer) = state();
    let at = Timestamp::now();
    writer.update(|m| {
        m.apply(&Event::Sample(
            Sample::new("account_balance_hbar", &[("account", "0.0.1001"), ("label", "a \"quoted\"\\ name")], 5.0, at)
                .into(),
        ));
    });
    let response = get(&state, "/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "text/plain; version=0.0.4; charset=utf-8");
    assert_eq!(response.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let announced = http_body::Body::size_hint(response.body()).exact();
    let text = body(response).await;
    assert_eq!(announced, Some(text.len() as u64), "an exact length, for Content-Length");
    assert!(
        text.contains("hmon_account_balance_hbar{account=\"0.0.1001\",label=\"a \\\"quoted\\\"\\\\ name\"} 5"),
        "{text}"
    );
    assert!(text.contains("hmon_build_info{version=\"9.9.9\"} 1"), "{text}");
    super::metrics::tests::assert_promtool_accepts(&text);
}

/// The text is kept between scrapes, but every change of the model shows in the next one, and the uptime moves on.
#[tokio::test]
async fn metrics_follows_every_model_change_and_the_uptime() {
    let (mut state, writer) = state();
    state.started = Instant::now() - std::time::Duration::from_secs(100);
    let balance = |value: f64| {
        let at = Timestamp::now();
        writer.update(|m| {
            m.apply(&Event::Sample(Sample::new("account_balance_hbar", &[("account", "0.0.7")], value, at).into()))
        });
    };
    let uptime = |text: &str| -> f64 {
        let line = text.lines().find(|l| l.starts_with("hmon_uptime_seconds ")).expect("an uptime sample");
        line.rsplit(' ').next().unwrap().parse().unwrap()
    };
    balance(1.0);
    let first = body(get(&state, "/metrics").await).await;
    assert!(first.contains("hmon_account_balance_hbar{account=\"0.0.7\"} 1\n"), "{first}");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let second = body(get(&state, "/metrics").await).await;
    assert!(uptime(&second) > uptime(&first), "{first}\n{second}");
    assert_eq!(second.replace(&uptime(&second).to_string(), ""), first.replace(&uptime(&first).to_string(), ""));
    balance(2.0);
    let third = body(get(&state, "/metrics").await).await;
    assert!(third.contains("hmon_account_balance_hbar{account=\"0.0.7\"} 2\n"), "{third}");
    let expected =
        super::metrics::render(&state.model.read(), "9.9.9", std::time::Duration::from_secs_f64(uptime(&third)));
    assert_eq!(third, expected);
}

#[tokio::test]
async fn unknown_paths_are_404_json() {
    let (state, _writer) = state();
    let response = get(&state, "/nope?token=x").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let (code, message) = json_error(response).await;
    assert_eq!(code, "not_found");
    assert!(message.contains("/nope") && !message.contains("token"), "{message}");
}

#[tokio::test]
async fn a_wrong_method_is_405_json_with_allow() {
    let (mut state, _writer) = state();
    state.access.token = Some(token::ApiToken::new("t0ken", "test").unwrap());
    for uri in ["/metrics", "/-/healthy", "/-/ready"] {
        let request =
            Request::post(uri).header(header::HOST, "localhost").header(header::AUTHORIZATION, "Bearer t0ken");
        let response = app(state.clone()).oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{uri}");
        let allow = response.headers().get(header::ALLOW).map(|v| v.to_str().unwrap().to_string());
        assert!(allow.as_deref().is_some_and(|a| a.contains("GET")), "{uri}: Allow {allow:?}");
        assert_eq!(json_error(response).await.0, "method_not_allowed");
    }
    assert_eq!(send(&state, "HEAD", "/-/healthy", Some("localhost")).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn on_loopback_a_foreign_host_is_refused() {
    let (state, _writer) = state();
    for host in ["evil.example", "evil.example:8754", "127.0.0.1.nip.io:8754"] {
        let response = send(&state, "GET", "/metrics", Some(host)).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{host}");
        assert_eq!(json_error(response).await.0, "host_not_allowed");
    }
    for host in ["localhost:8754", "127.0.0.1", "[::1]:1"] {
        assert_eq!(send(&state, "GET", "/-/healthy", Some(host)).await.status(), StatusCode::OK, "{host}");
    }
    // Not on loopback (so with a token), the check is off: the token protects against DNS rebinding.
    let open = AppState { loopback_only: false, ..state };
    assert_eq!(send(&open, "GET", "/-/healthy", Some("hmon.example")).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let (state, _writer) = state();
    let request = Request::builder()
        .method("GET")
        .uri("/-/healthy")
        .header(header::HOST, "localhost")
        .header(header::CONTENT_LENGTH, BODY_LIMIT + 1)
        .body(Body::from(vec![b'x'; BODY_LIMIT + 1]))
        .unwrap();
    let response = app(state).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(json_error(response).await.0, "payload_too_large");
}

#[test]
fn the_listen_address_comes_from_the_flag_then_the_file_and_stays_on_loopback_without_a_token() {
    for token in [false, true] {
        assert_eq!(listen_addr(None, None, token).unwrap().to_string(), DEFAULT_LISTEN);
        assert_eq!(listen_addr(None, Some("127.0.0.1:1"), token).unwrap().port(), 1);
        assert_eq!(listen_addr(Some("[::1]:2"), Some("127.0.0.1:1"), token).unwrap().port(), 2);
    }
    for (flag, file, said) in [
        (Some("0.0.0.0:8754"), None, "--listen"),
        (None, Some("192.0.2.1:80"), "[serve] listen"),
        (Some("[::]:80"), None, "HMON_API_TOKEN"),
        (None, Some("192.0.2.1:80"), "[serve] token_file"),
    ] {
        let err = listen_addr(flag, file, false).unwrap_err();
        assert_eq!(crate::error::exit_code(&err.clone().into()).code(), 3);
        assert!(err.to_string().contains(said) && err.to_string().contains("not a loopback address"), "{err}");
        // With a token, the same address is accepted.
        assert!(listen_addr(flag, file, true).unwrap().ip().is_unspecified() == flag.is_some(), "{flag:?}");
    }
    for (flag, said) in [(Some("localhost:80"), "not an address"), (Some("127.0.0.1"), "not an address")] {
        let err = listen_addr(flag, None, true).unwrap_err();
        assert_eq!(crate::error::exit_code(&err.clone().into()).code(), 3);
        assert!(err.to_string().contains(said), "{err}");
    }
}

mod auth_paths;
