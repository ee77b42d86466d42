//! The status page and browser sessions in process: the page and its assets with their security headers, the
//! embedded files loading nothing from elsewhere, and the login cookie (what it authorizes, and that a write it
//! authorizes must come from this server's page).

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use tower::ServiceExt as _;

use super::tests::{body, json_error, state};
use super::token::ApiToken;
use super::{app, page, session, AppState};

const TOKEN: &str = "page-test-token-31337";
const HOST: &str = "127.0.0.1:8754";
const ORIGIN: &str = "http://127.0.0.1:8754";

fn with_token() -> AppState {
    let (mut state, _writer) = state();
    state.access.token = Some(ApiToken::new(TOKEN, "test").unwrap());
    state
}

/// `method uri` for [`HOST`] with extra headers and a JSON body.
async fn call(state: &AppState, method: &str, uri: &str, headers: &[(&str, &str)], json: Option<&str>) -> Response {
    let mut request = Request::builder().method(method).uri(uri).header(header::HOST, HOST);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let body = match json {
        Some(text) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(text.to_string())
        }
        None => Body::empty(),
    };
    app(state.clone()).oneshot(request.body(body).unwrap()).await.unwrap()
}

/// Logs in with `token` from the page's origin.
async fn login(state: &AppState, token: &str) -> Response {
    let json = serde_json::json!({ "token": token }).to_string();
    call(state, "POST", "/-/login", &[("origin", ORIGIN)], Some(&json)).await
}

/// The `name=value` of a `Set-Cookie`, to send back as `Cookie`.
fn cookie_of(response: &Response) -> String {
    let set = response.headers()[header::SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_string()
}

#[tokio::test]
async fn the_page_and_its_assets_are_served_with_the_security_headers_even_with_a_token() {
    let state = with_token();
    for (uri, content_type, needle) in [
        ("/", "text/html; charset=utf-8", "<h1>hmon"),
        (page::SCRIPT, "text/javascript; charset=utf-8", "EventSource"),
        (page::STYLE, "text/css; charset=utf-8", "@media"),
        (page::ICON, "image/svg+xml", "<svg"),
    ] {
        let response = call(&state, "GET", uri, &[], None).await;
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        let h = response.headers();
        assert_eq!(h[header::CONTENT_TYPE], content_type, "{uri}");
        assert_eq!(h[header::CONTENT_SECURITY_POLICY], page::CSP, "{uri}");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY", "{uri}");
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer", "{uri}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
        assert!(h.get(header::SET_COOKIE).is_none(), "{uri}: no cookie unless logging in");
        assert!(body(response).await.contains(needle), "{uri}");
    }
    let csp = page::CSP;
    assert!(csp.starts_with("default-src 'none'") && csp.contains("script-src 'self';"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe"), "{csp}");
    assert_eq!(call(&state, "GET", "/assets/other.js", &[], None).await.status(), StatusCode::UNAUTHORIZED);
}

#[test]
fn the_embedded_files_load_nothing_from_elsewhere() {
    // The SVG namespace is a name, never fetched; any other absolute or protocol-relative URL is refused.
    const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";
    for (name, text) in page::FILES {
        let scanned = text.replace(SVG_NAMESPACE, "");
        for needle in ["http://", "https://", "//cdn", "src=\"//", "href=\"//", "url(", "@import", "ws://"] {
            assert!(!scanned.contains(needle), "{name} holds {needle:?}");
        }
    }
    // Inline script or style would need 'unsafe-inline': the page has none.
    assert!(!page::INDEX_HTML.contains("<script>") && !page::INDEX_HTML.contains("style="));
    assert!(!page::INDEX_HTML.contains("<style"));
    // Nor event handler attributes (` onclick=` and the like).
    let handler = page::INDEX_HTML.match_indices(" on").find(|(at, _)| {
        let rest = &page::INDEX_HTML[at + 3..];
        let name_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        name_len > 0 && rest[name_len..].starts_with('=')
    });
    assert_eq!(handler, None, "an inline event handler");
    // Data goes into the page as text only.
    assert!(!page::APP_JS.contains("innerHTML") && !page::APP_JS.contains("insertAdjacentHTML"));
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
async fn the_right_token_sets_a_cookie_that_is_not_the_token_and_a_wrong_one_is_401() {
    let state = with_token();
    let response = login(&state, TOKEN).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let set = response.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(set.starts_with("hmon_session="), "{set}");
    for part in ["; HttpOnly", "; SameSite=Strict", "; Path=/", "; Max-Age=43200"] {
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

#[tokio::test]
async fn the_cookie_authorizes_reads_and_the_event_stream() {
    let state = with_token();
    let cookie = cookie_of(&login(&state, TOKEN).await);
    for uri in ["/api/v1/status", "/api/v1/samples", "/metrics"] {
        assert_eq!(call(&state, "GET", uri, &[], None).await.status(), StatusCode::UNAUTHORIZED, "{uri}");
        let response = call(&state, "GET", uri, &[("cookie", &cookie)], None).await;
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
    }
    // The stream is past the access check (this state runs no daemon, so 503; the browser test reads it live).
    let response = call(&state, "GET", "/api/v1/events", &[("cookie", &cookie)], None).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    // A forged or foreign cookie is not a session.
    let forged = format!("{}0", cookie);
    let response = call(&state, "GET", "/api/v1/status", &[("cookie", &forged)], None).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json_error(response).await.0, "invalid_session");
    let other = with_token();
    assert_eq!(call(&other, "GET", "/api/v1/status", &[("cookie", &cookie)], None).await.status(), 401);
}

#[tokio::test]
async fn a_cookie_write_must_come_from_the_page() {
    let state = with_token();
    let cookie = cookie_of(&login(&state, TOKEN).await);
    let silence = r#"{"rule": "low-balance", "duration": "1h"}"#;
    for headers in [
        vec![("cookie", cookie.as_str())],
        vec![("cookie", cookie.as_str()), ("origin", "http://evil.example")],
        vec![("cookie", cookie.as_str()), ("origin", "null")],
        vec![("cookie", cookie.as_str()), ("sec-fetch-site", "cross-site")],
    ] {
        let response = call(&state, "POST", "/api/v1/silences", &headers, Some(silence)).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{headers:?}");
        assert_eq!(json_error(response).await.0, "cross_site");
    }
    // From the page, the write passes the access check (no daemon runs here: 503, not 401 or 403).
    for from_page in [("origin", ORIGIN), ("sec-fetch-site", "same-origin")] {
        let headers = [("cookie", cookie.as_str()), from_page];
        let response = call(&state, "POST", "/api/v1/silences", &headers, Some(silence)).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{from_page:?}");
    }
    // The bearer header needs no Origin: scripts are not browsers.
    let bearer = format!("Bearer {TOKEN}");
    let response = call(&state, "POST", "/api/v1/silences", &[("authorization", &bearer)], Some(silence)).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    // Logging out expires the cookie.
    let response = call(&state, "POST", "/-/logout", &[("cookie", &cookie), ("origin", ORIGIN)], None).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.headers()[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(session::COOKIE, "hmon_session");
}
