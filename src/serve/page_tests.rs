//! The status page in process: the page and its assets with their security headers, and the embedded files
//! loading nothing from elsewhere and putting network text into the page as text only. The helpers here serve the
//! session tests too ([`super::session_tests`]).

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use tower::ServiceExt as _;

use super::tests::{body, state};
use super::token::ApiToken;
use super::{app, page, AppState};

pub(super) const TOKEN: &str = "page-test-token-31337";
const HOST: &str = "127.0.0.1:8754";
pub(super) const ORIGIN: &str = "http://127.0.0.1:8754";

/// A state with [`TOKEN`] set, its sessions named after port 8754.
pub(super) fn with_token() -> AppState {
    let (mut state, _writer) = state();
    state.access.token = Some(ApiToken::new(TOKEN, "test").unwrap());
    state
}

/// `method uri` for [`HOST`] with extra headers and a JSON body.
pub(super) async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    json: Option<&str>,
) -> Response {
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
pub(super) async fn login(state: &AppState, token: &str) -> Response {
    let json = serde_json::json!({ "token": token }).to_string();
    call(state, "POST", "/-/login", &[("origin", ORIGIN)], Some(&json)).await
}

/// The `name=value` of a `Set-Cookie`, to send back as `Cookie`.
pub(super) fn cookie_of(response: &Response) -> String {
    let set = response.headers()[header::SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_string()
}

#[tokio::test]
async fn the_page_and_its_assets_are_served_with_the_security_headers_even_with_a_token() {
    let state = with_token();
    // The page is not kept (the back/forward cache would show its data after a logout); the assets are
    // revalidated on each load.
    for (uri, content_type, cache, needle) in [
        ("/", "text/html; charset=utf-8", "no-store", "<h1>hmon"),
        (page::SCRIPT, "text/javascript; charset=utf-8", "no-cache", "EventSource"),
        (page::STYLE, "text/css; charset=utf-8", "no-cache", "@media"),
        (page::ICON, "image/svg+xml", "no-cache", "<svg"),
    ] {
        let response = call(&state, "GET", uri, &[], None).await;
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        let h = response.headers();
        assert_eq!(h[header::CONTENT_TYPE], content_type, "{uri}");
        assert_eq!(h[header::CONTENT_SECURITY_POLICY], page::CSP, "{uri}");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY", "{uri}");
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer", "{uri}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
        assert_eq!(h[header::CACHE_CONTROL], cache, "{uri}");
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
    // A table wider than a phone scrolls in its box; the box takes the focus, so a keyboard can scroll it.
    let boxes = page::INDEX_HTML.matches("class=\"scroll\"").count();
    assert!(boxes >= 5 && page::INDEX_HTML.matches("class=\"scroll\" tabindex=\"0\"").count() == boxes);
}

/// Where `name` is called in `js` (the whole word, then `(` after optional spaces): the text after each `(`.
fn calls<'a>(js: &'a str, name: &str) -> Vec<&'a str> {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    js.match_indices(name)
        .filter(|(at, _)| !js[..*at].chars().next_back().is_some_and(word))
        .filter_map(|(at, _)| js[at + name.len()..].trim_start().strip_prefix('(').map(str::trim_start))
        .collect()
}

/// The ways `js` could turn text into markup or code: HTML sinks, `eval` and `Function`, timers given a string.
fn markup_or_code_sinks(js: &str) -> Vec<String> {
    let mut found = Vec::new();
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "createContextualFragment",
        "parseFromString",
        "setHTMLUnsafe",
        "srcdoc",
    ] {
        if js.contains(sink) {
            found.push(sink.to_string());
        }
    }
    for function in ["eval", "Function"] {
        if !calls(js, function).is_empty() {
            found.push(format!("{function}()"));
        }
    }
    for timer in ["setTimeout", "setInterval"] {
        if calls(js, timer).iter().any(|argument| argument.starts_with(['\'', '"', '`'])) {
            found.push(format!("{timer} with a string"));
        }
    }
    found
}

#[test]
fn network_text_reaches_the_page_as_text_only() {
    // The check finds each sink, written the ways a script would write it.
    for (js, sink) in [
        ("row.innerHTML = name;", "innerHTML"),
        ("cell.outerHTML = `<td>${x}</td>`;", "outerHTML"),
        ("body.insertAdjacentHTML('beforeend', x);", "insertAdjacentHTML"),
        ("document.write(x);", "document.write"),
        ("document.writeln(x);", "document.write"),
        ("range.createContextualFragment(x)", "createContextualFragment"),
        ("new DOMParser().parseFromString(x, 'text/html')", "parseFromString"),
        ("const v = eval (text);", "eval()"),
        ("window.eval(text)", "eval()"),
        ("const f = new Function('a', body);", "Function()"),
        ("setTimeout('refresh()', 10)", "setTimeout with a string"),
        ("setInterval(`tick()`, 10)", "setInterval with a string"),
    ] {
        assert_eq!(markup_or_code_sinks(js), [sink], "{js}");
    }
    // Words that only contain a sink's name are not one.
    for js in ["x.evaluate(y)", "async function load() {}", "setTimeout(() => go(), 10)", "retrieval(1)"] {
        assert!(markup_or_code_sinks(js).is_empty(), "{js}");
    }
    assert_eq!(markup_or_code_sinks(page::APP_JS), Vec::<String>::new(), "app.js");
}
