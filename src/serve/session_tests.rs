//! Browser sessions in process: login and logout, the cookie's name per instance, what the cookie authorizes
//! (reads only), forged and revoked cookies, the event stream ending with its session, and `Cache-Control`.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use futures::StreamExt as _;
use tower::ServiceExt as _;

use super::page_tests::{call, cookie_of, login, with_token, ORIGIN, TOKEN};
use super::session::{Sessions, SESSION_LIFETIME};
use super::tests::{body, json_error, state};
use super::{app, AppState};
use crate::pipeline::Event;

/// The state of another instance on this host: its own key and port.
fn instance_on(port: u16) -> AppState {
    let mut state = with_token();
    state.access.sessions = Sessions::new(port);
    state
}

/// `GET uri` with `Cookie: cookie`: its status and error code (if any).
async fn read_with(state: &AppState, uri: &str, cookie: &str) -> (StatusCode, Option<String>) {
    let response = call(state, "GET", uri, &[("cookie", cookie)], None).await;
    let status = response.status();
    let code = if status.is_success() { None } else { Some(json_error(response).await.0) };
    (status, code)
}

#[tokio::test]
async fn the_session_endpoint_says_whether_to_log_in() {
    let (open, _writer) = state();
    let doc = body(call(&open, "GET", "/-/session", &[], None).await).await;
    assert_eq!(doc, r#"{"session":false,"token_required":false}"#);
    let state = with_token();
    let doc = body(call(&state, "GET", "/-/session", &[], None).await).await;
    assert_eq!(doc, r#"{"session":false,"token_required":true}"#);
    let cookie = cookie_of(&login(&state, TOKEN).await);
    let doc = body(call(&state, "GET", "/-/session", &[("cookie", &cookie)], None).await).await;
    assert_eq!(doc, r#"{"session":true,"token_required":true}"#);
}

#[tokio::test]
async fn the_right_token_sets_a_cookie_named_after_the_port_and_a_wrong_one_is_401() {
    let state = with_token();
    let response = login(&state, TOKEN).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let set = response.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(set.starts_with("hmon_session_8754="), "{set}");
    for part in ["; HttpOnly", "; SameSite=Strict", "; Path=/", &format!("; Max-Age={SESSION_LIFETIME}")] {
        assert!(set.contains(part), "{set}");
    }
    assert!(!set.contains(TOKEN) && !set.contains("Secure"), "{set}");

    let wrong = login(&state, "not-the-token").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.headers().get(header::SET_COOKIE).is_none());
    assert_eq!(json_error(wrong).await.0, "invalid_token");

    // Not from the page: refused before the token is even looked at.
    let json = serde_json::json!({ "token": TOKEN }).to_string();
    let foreign = call(&state, "POST", "/-/login", &[("origin", "http://evil.example")], Some(&json)).await;
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    assert_eq!(json_error(foreign).await.0, "cross_site");
    // Behind a TLS proxy, the cookie is Secure.
    let proxied = call(&state, "POST", "/-/login", &[("origin", ORIGIN), ("x-forwarded-proto", "https")], Some(&json));
    assert!(proxied.await.headers()[header::SET_COOKIE].to_str().unwrap().ends_with("; Secure"));
    // Without a token there is nothing to log in to.
    let (open, _writer) = super::tests::state();
    let response = login(&open, "anything").await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(json_error(response).await.0, "no_token");
}

/// A browser keeps one cookie per name and host, whatever the port: two instances on one host must not share a
/// name, or the second login replaces the first one's cookie.
#[tokio::test]
async fn two_instances_on_one_host_keep_their_own_sessions() {
    let (first, second) = (instance_on(8754), instance_on(8755));
    let mut jar = std::collections::BTreeMap::new();
    for state in [&first, &second] {
        let (name, value) =
            cookie_of(&login(state, TOKEN).await).split_once('=').map(|(n, v)| (n.into(), v.into())).unwrap();
        jar.insert(name, value);
    }
    assert_eq!(jar.len(), 2, "one cookie each: {jar:?}");
    let sent: Vec<String> = jar.iter().map(|(name, value): (&String, &String)| format!("{name}={value}")).collect();
    let sent = sent.join("; ");
    for state in [&first, &second] {
        assert_eq!(read_with(state, "/api/v1/status", &sent).await, (StatusCode::OK, None));
    }
    // A valid value of this instance under another instance's name is not this instance's cookie.
    let value = &jar["hmon_session_8754"];
    let misnamed = format!("hmon_session_8755={value}");
    let answer = read_with(&first, "/api/v1/status", &misnamed).await;
    assert_eq!(answer, (StatusCode::UNAUTHORIZED, Some("missing_token".into())));
}

#[tokio::test]
async fn the_cookie_authorizes_reads() {
    let state = with_token();
    let cookie = cookie_of(&login(&state, TOKEN).await);
    for uri in ["/api/v1/status", "/api/v1/samples", "/api/v1/alerts", "/metrics"] {
        assert_eq!(call(&state, "GET", uri, &[], None).await.status(), StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(read_with(&state, uri, &cookie).await, (StatusCode::OK, None), "{uri}");
        let head = call(&state, "HEAD", uri, &[("cookie", &cookie)], None).await;
        assert_eq!(head.status(), StatusCode::OK, "HEAD {uri}");
    }
    // The stream is past the access check (this state runs no daemon, so 503; see the stream's own test below).
    let response = call(&state, "GET", "/api/v1/events", &[("cookie", &cookie)], None).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}

/// Values under this instance's cookie name that are not a session it issued, or no longer one.
#[tokio::test]
async fn forged_foreign_and_revoked_cookies_are_not_sessions() {
    let state = with_token();
    let cookie = cookie_of(&login(&state, TOKEN).await);
    let (name, value) = cookie.split_once('=').unwrap();
    let [expiry, nonce, mac] = <[&str; 3]>::try_from(value.split('.').collect::<Vec<_>>()).unwrap();
    let another_key = Sessions::new(8754).issue(super::session::now_secs());
    let extended = format!("{}.{nonce}.{mac}", expiry.parse::<u64>().unwrap() + SESSION_LIFETIME);
    let expired = format!("{}.{nonce}.{mac}", super::session::now_secs() - 1);
    for (forged, what) in [
        (another_key.as_str(), "signed with another key (another process, or before a restart)"),
        (&extended, "a later expiry with the original mac"),
        (&expired, "an earlier expiry with the original mac"),
        (&format!("{value}0"), "a character appended"),
        (&format!("{expiry}.{nonce}"), "no mac"),
    ] {
        let answer = read_with(&state, "/api/v1/status", &format!("{name}={forged}")).await;
        assert_eq!(answer, (StatusCode::UNAUTHORIZED, Some("invalid_session".into())), "{what}");
    }
    // Another instance's name is another cookie: not looked at, so no session at all.
    let foreign = format!("hmon_session_8755={another_key}");
    assert_eq!(read_with(&state, "/api/v1/status", &foreign).await.1.as_deref(), Some("missing_token"));
    // A session logged out is over, though its value is genuine.
    assert_eq!(read_with(&state, "/api/v1/status", &cookie).await.0, StatusCode::OK);
    let out = call(&state, "POST", "/-/logout", &[("cookie", &cookie), ("origin", ORIGIN)], None).await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let answer = read_with(&state, "/api/v1/status", &cookie).await;
    assert_eq!(answer, (StatusCode::UNAUTHORIZED, Some("invalid_session".into())), "replayed after logout");
}

/// The page only reads: the cookie opens no write, from the page or not.
#[tokio::test]
async fn the_cookie_cannot_write() {
    let state = with_token();
    let cookie = cookie_of(&login(&state, TOKEN).await);
    let silence = r#"{"rule": "low-balance", "duration": "1h"}"#;
    for (method, uri) in [
        ("POST", "/api/v1/silences"),
        ("DELETE", "/api/v1/silences/s1"),
        ("POST", "/api/v1/rules"),
        ("DELETE", "/api/v1/rules/low-balance"),
        ("POST", "/-/reload"),
        ("GET", "/-/reload"),
    ] {
        for from_page in [("origin", ORIGIN), ("sec-fetch-site", "same-origin"), ("origin", "http://evil.example")] {
            let headers = [("cookie", cookie.as_str()), from_page];
            let response = call(&state, method, uri, &headers, Some(silence)).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{method} {uri} {from_page:?}");
            let (code, message) = json_error(response).await;
            assert_eq!(code, "cookie_cannot_write", "{method} {uri}");
            assert!(message.contains("Authorization: Bearer"), "{message}");
        }
    }
    // The bearer header writes, with or without the cookie beside it (no daemon runs here: 503, past the check).
    let bearer = format!("Bearer {TOKEN}");
    for headers in [vec![("authorization", bearer.as_str())], vec![("authorization", &bearer), ("cookie", &cookie)]] {
        let response = call(&state, "POST", "/api/v1/silences", &headers, Some(silence)).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
}

#[tokio::test]
async fn logout_must_come_from_the_page_and_ends_only_its_own_session() {
    let state = with_token();
    let (cookie, other) = (cookie_of(&login(&state, TOKEN).await), cookie_of(&login(&state, TOKEN).await));
    for foreign in [vec![], vec![("origin", "http://evil.example")], vec![("sec-fetch-site", "cross-site")]] {
        let headers: Vec<_> = [("cookie", cookie.as_str())].into_iter().chain(foreign.iter().copied()).collect();
        let response = call(&state, "POST", "/-/logout", &headers, None).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{foreign:?}");
        assert_eq!(json_error(response).await.0, "cross_site");
        assert_eq!(read_with(&state, "/api/v1/status", &cookie).await.0, StatusCode::OK, "still in after {foreign:?}");
    }
    let response = call(&state, "POST", "/-/logout", &[("cookie", &cookie), ("origin", ORIGIN)], None).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let set = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(set.starts_with("hmon_session_8754=;") && set.contains("Max-Age=0"), "{set}");
    let doc = body(call(&state, "GET", "/-/session", &[("cookie", &cookie)], None).await).await;
    assert_eq!(doc, r#"{"session":false,"token_required":true}"#);
    assert_eq!(read_with(&state, "/api/v1/status", &other).await.0, StatusCode::OK, "another login is not ended");
    // Logging out again, or without a session, still clears the browser's cookie.
    for headers in [vec![("cookie", cookie.as_str()), ("origin", ORIGIN)], vec![("origin", ORIGIN)]] {
        assert_eq!(call(&state, "POST", "/-/logout", &headers, None).await.status(), StatusCode::NO_CONTENT);
    }
    assert_eq!(state.access.sessions.revoked_count(), 1);
}

#[tokio::test]
async fn data_and_session_answers_are_not_stored_by_caches() {
    let state = with_token();
    let cookie = cookie_of(&login(&state, TOKEN).await);
    let bearer = format!("Bearer {TOKEN}");
    for (uri, headers) in [
        ("/api/v1/status", vec![("cookie", cookie.as_str())]),
        ("/api/v1/samples", vec![("cookie", cookie.as_str())]),
        ("/metrics", vec![("cookie", cookie.as_str())]),
        ("/api/v1/status", vec![("authorization", bearer.as_str())]),
        ("/-/session", vec![("cookie", cookie.as_str())]),
        ("/-/session", vec![]),
        ("/api/v1/status", vec![]),
        ("/api/v1/nope", vec![("authorization", bearer.as_str())]),
    ] {
        let response = call(&state, "GET", uri, &headers, None).await;
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store", "{uri} {headers:?}");
    }
    let response = login(&state, TOKEN).await;
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store", "the login's cookie");
}

/// `method uri` to the daemon harness's router with extra headers (Host `localhost`).
async fn send_to(h: &super::write_tests::Harness, method: &str, uri: &str, headers: &[(&str, &str)]) -> Response {
    let mut request = Request::builder().method(method).uri(uri).header(header::HOST, "localhost");
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let mut body = Body::empty();
    if uri == "/-/login" {
        request = request.header(header::CONTENT_TYPE, "application/json");
        body = Body::from(serde_json::json!({ "token": super::write_tests::TOKEN }).to_string());
    }
    app(h.state.clone()).oneshot(request.body(body).unwrap()).await.unwrap()
}

/// Reads `body` until `needle` shows, sending `event` before each read (a stream subscribes when polled first).
async fn read_until(
    body: &mut (impl futures::Stream<Item = Result<bytes::Bytes, axum::Error>> + Unpin),
    h: &super::write_tests::Harness,
    event: &Event,
    needle: &str,
) {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while !seen.contains(needle) {
        let _ = h.outputs.events.send(event.clone());
        match tokio::time::timeout_at(deadline, body.next()).await {
            Ok(Some(Ok(chunk))) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            other => panic!("the stream ended or stalled before {needle}: {other:?}; got {seen:?}"),
        }
    }
}

#[tokio::test]
async fn a_stream_opened_with_the_cookie_ends_at_logout_and_one_with_the_token_does_not() {
    let h = super::write_tests::harness(super::write_tests::CONFIG).await;
    let origin = [("origin", "http://localhost")];
    let cookie = cookie_of(&send_to(&h, "POST", "/-/login", &origin).await);
    let bearer = format!("Bearer {}", super::write_tests::TOKEN);
    let by_cookie = send_to(&h, "GET", "/api/v1/events", &[("cookie", &cookie)]).await;
    let by_token = send_to(&h, "GET", "/api/v1/events", &[("authorization", &bearer), ("cookie", &cookie)]).await;
    for response in [&by_cookie, &by_token] {
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    }
    let (mut by_cookie, mut by_token) =
        (by_cookie.into_body().into_data_stream(), by_token.into_body().into_data_stream());
    let event = |message: &str| Event::collector_error("mirror", message, "t");
    read_until(&mut by_cookie, &h, &event("before"), "\"message\":\"before\"").await;
    read_until(&mut by_token, &h, &event("before"), "\"message\":\"before\"").await;

    let out = send_to(&h, "POST", "/-/logout", &[("cookie", &cookie), origin[0]]).await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    // The cookie's stream drains what was sent and ends, without any event to wake it.
    let ended = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while let Some(chunk) = by_cookie.next().await {
            chunk.unwrap();
        }
    })
    .await;
    assert!(ended.is_ok(), "the cookie's stream did not end at logout");
    // The token's stream carries on.
    read_until(&mut by_token, &h, &event("after"), "\"message\":\"after\"").await;
    // Reconnecting with the cookie is refused.
    let again = send_to(&h, "GET", "/api/v1/events", &[("cookie", &cookie)]).await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
}
