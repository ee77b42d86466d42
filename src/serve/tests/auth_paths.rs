//! Every path through the access middleware, in process: no token (reads open, writes 403), a token (everything
//! but health and readiness needs it), the 401 answers, and the host names a loopback listener accepts.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use tower::ServiceExt as _;

use super::{json_error, send, state};
use crate::serve::token::ApiToken;
use crate::serve::{app, AppState};

const TOKEN: &str = "hmon-test-token-0123456789";

fn with_token() -> AppState {
    let (mut state, _writer) = state();
    state.access.token = Some(ApiToken::new(TOKEN, "test").unwrap());
    state
}

/// `method uri` for host 127.0.0.1, with `Authorization: authorization` when given.
async fn call(state: &AppState, method: &str, uri: &str, authorization: Option<&str>) -> Response {
    let mut request = Request::builder().method(method).uri(uri).header(header::HOST, "127.0.0.1:8754");
    if let Some(value) = authorization {
        request = request.header(header::AUTHORIZATION, value);
    }
    app(state.clone()).oneshot(request.body(Body::empty()).unwrap()).await.unwrap()
}

/// A 401 with the challenge and the JSON shape; returns the code.
async fn assert_unauthorized(response: Response) -> String {
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer realm=\"hmon\"");
    assert_eq!(response.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let (code, message) = json_error(response).await;
    assert!(!message.contains(TOKEN) && !message.contains("wrong-"), "{message}");
    code
}

#[tokio::test]
async fn without_a_token_reads_are_open_and_writes_are_403() {
    let (state, _writer) = state();
    assert_eq!(call(&state, "GET", "/metrics", None).await.status(), StatusCode::OK);
    assert_eq!(call(&state, "GET", "/api/v1/nothing", None).await.status(), StatusCode::NOT_FOUND);
    for (method, uri) in [
        ("POST", "/api/v1/rules"),
        ("DELETE", "/api/v1/silences/s1"),
        ("PUT", "/api/v1/rules/low"),
        ("PATCH", "/api/v1/rules/low"),
        ("POST", "/-/reload"),
        ("GET", "/-/reload"),
        ("POST", "/metrics"),
    ] {
        // A token sent anyway changes nothing: none is configured, so none can match.
        for authorization in [None, Some("Bearer anything")] {
            let response = call(&state, method, uri, authorization).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{method} {uri}");
            assert!(response.headers().get(header::WWW_AUTHENTICATE).is_none());
            let (code, message) = json_error(response).await;
            assert_eq!(code, "writes_need_token");
            assert!(message.contains("HMON_API_TOKEN") && message.contains("[serve] token_file"), "{message}");
        }
    }
}

#[tokio::test]
async fn with_a_token_reads_need_it_too() {
    let state = with_token();
    for uri in ["/metrics", "/api/v1/status", "/nope"] {
        assert_eq!(assert_unauthorized(call(&state, "GET", uri, None).await).await, "missing_token", "{uri}");
        for wrong in ["Bearer wrong-token", "Bearer hmon-test-token-012345678", "Basic aG1vbjp4", "Bearer", TOKEN] {
            let code = assert_unauthorized(call(&state, "GET", uri, Some(wrong)).await).await;
            assert_eq!(code, "invalid_token", "{uri} {wrong}");
        }
    }
    let bearer = format!("Bearer {TOKEN}");
    let response = call(&state, "GET", "/metrics", Some(&bearer)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let lower = format!("bearer  {TOKEN}");
    assert_eq!(call(&state, "GET", "/metrics", Some(&lower)).await.status(), StatusCode::OK);
    assert_eq!(call(&state, "GET", "/nope", Some(&bearer)).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn with_a_token_writes_need_it_and_pass_with_it() {
    let state = with_token();
    for (method, uri) in [("POST", "/api/v1/rules"), ("DELETE", "/api/v1/silences/s1"), ("POST", "/-/reload")] {
        assert_eq!(assert_unauthorized(call(&state, method, uri, None).await).await, "missing_token");
        let wrong = assert_unauthorized(call(&state, method, uri, Some("Bearer wrong-1")).await).await;
        assert_eq!(wrong, "invalid_token");
        // Past the check, the handler answers: no pipeline runs in this state.
        let response = call(&state, method, uri, Some(&format!("Bearer {TOKEN}"))).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{method} {uri}");
    }
}

#[tokio::test]
async fn health_and_readiness_stay_open_with_a_token() {
    let state = with_token();
    for method in ["GET", "HEAD"] {
        assert_eq!(call(&state, method, "/-/healthy", None).await.status(), StatusCode::OK);
        let ready = call(&state, method, "/-/ready", None).await.status();
        assert_eq!(ready, StatusCode::SERVICE_UNAVAILABLE, "open, and not ready: no collector cycled");
    }
    // Their other methods are writes like any other.
    assert_eq!(assert_unauthorized(call(&state, "POST", "/-/healthy", None).await).await, "missing_token");
}

#[tokio::test]
async fn configured_host_names_are_accepted_on_loopback_and_checked_before_the_token() {
    let (mut state, _writer) = state();
    state.access.hosts = vec!["hmon.internal".to_string()].into();
    for host in ["hmon.internal", "HMON.internal:8754", "localhost:1"] {
        assert_eq!(send(&state, "GET", "/metrics", Some(host)).await.status(), StatusCode::OK, "{host}");
    }
    let response = send(&state, "GET", "/metrics", Some("other.internal")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (code, message) = json_error(response).await;
    assert_eq!(code, "host_not_allowed");
    assert!(message.contains("hmon.internal") && message.contains("[serve] hosts"), "{message}");

    // With a token, a foreign Host is refused even with the right token: a page that rebinds a name cannot know
    // the token, but nothing is lost by refusing it first.
    let state =
        AppState { access: crate::serve::auth::Access { hosts: state.access.hosts, ..with_token().access }, ..state };
    let request = Request::get("/metrics")
        .header(header::HOST, "evil.example")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(app(state).oneshot(request).await.unwrap().status(), StatusCode::FORBIDDEN);
}
