//! Browser sessions for the status page: `POST /-/login` trades the API token for a cookie, `POST /-/logout`
//! ends the session, `GET /-/session` says whether a token is needed and whether the request carries a valid
//! session.
//!
//! A browser's `EventSource` cannot send `Authorization`, so the page authenticates with a cookie instead. The
//! cookie never holds the token: it is an HMAC-signed expiry and nonce ([`Sessions`]), with a key drawn at start
//! (one per process). So a leaked cookie does not reveal the token (which also opens the bearer API and is shared
//! by every instance), expires after [`SESSION_LIFETIME`] and dies with the process.
//!
//! The cookie only reads: it authorizes `GET` and `HEAD` (the event stream included) and nothing else; a write
//! presented with it alone is refused ([`super::auth`]), so a script that lands in the page, or a request forged
//! by another site, cannot change rules or silences with it. Logging out revokes the session on the server (the
//! cookie stops working even if it was copied, and its open event streams end), not only in the browser.
//!
//! The cookie is named after the listening port (`hmon_session_8754`): browsers keep cookies per host, not per
//! port, so two instances on one host would otherwise overwrite each other's. It is `HttpOnly; SameSite=Strict;
//! Path=/`, plus `Secure` when the request came over HTTPS (through a proxy that says so with
//! `X-Forwarded-Proto: https`, or an `Origin` of `https://`): hmon itself serves plain HTTP. Login and logout
//! must come from the page itself ([`same_origin`]).

mod sessions;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::json;

pub use sessions::{now_secs, Grant, Lookup, Sessions, SESSION_LIFETIME};

use super::{ApiError, AppState};

/// Whether a request comes from a page of this server: `Sec-Fetch-Site: same-origin`, or an `Origin` whose host
/// and port are the `Host` header's. A request with neither (not from a browser, or from an old one) is not.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    if text("sec-fetch-site").is_some_and(|s| s.eq_ignore_ascii_case("same-origin")) {
        return true;
    }
    let (Some(origin), Some(host)) = (text(header::ORIGIN.as_str()), text(header::HOST.as_str())) else {
        return false;
    };
    let rest = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://"));
    rest.is_some_and(|rest| rest.eq_ignore_ascii_case(host))
}

/// A 403 `cross_site` for a login or logout that does not come from this server's page.
pub fn cross_site() -> Response {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "cross_site",
        "logging in and out must come from this server's page (Origin must match Host); scripts should send \
         Authorization: Bearer instead",
    )
    .into_response()
}

/// Whether the request came over HTTPS, as far as the headers tell.
fn over_https(headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    text("x-forwarded-proto").eq_ignore_ascii_case("https") || text("origin").starts_with("https://")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Login {
    token: String,
}

/// `POST /-/login` with `{"token": "..."}`: 204 with the session cookie, 401 for a wrong token, 409 when no token
/// is set (the page needs no login), 403 when not sent by this server's page.
pub async fn login(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    if !same_origin(&headers) {
        return Ok(cross_site());
    }
    let Some(token) = &state.access.token else {
        return Err(ApiError::new(StatusCode::CONFLICT, "no_token", "no API token is set: the page needs no login"));
    };
    let login: Login = super::body::json(&headers, &body)?;
    if !token.matches(login.token.as_bytes()) {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "invalid_token", "the API token is invalid"));
    }
    let sessions = &state.access.sessions;
    let cookie = sessions.set_cookie(&sessions.issue(now_secs()), SESSION_LIFETIME, over_https(&headers));
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// `POST /-/logout`: revokes the request's session, if it carries a valid one, and the browser forgets the cookie;
/// 204 either way (an expired session is logged out already), 403 when not sent by this server's page.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !same_origin(&headers) {
        return cross_site();
    }
    let sessions = &state.access.sessions;
    if let Lookup::Valid(grant) = sessions.lookup(&headers) {
        sessions.revoke(&grant, now_secs());
    }
    let cookie = sessions.set_cookie("", 0, over_https(&headers));
    (StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response()
}

/// `GET /-/session`: `{"token_required": bool, "session": bool}`, open to all, so the page knows whether to ask
/// for the token without provoking a 401.
pub async fn status(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let required = state.access.token.is_some();
    let session = required && matches!(state.access.sessions.lookup(&headers), Lookup::Valid(_));
    Json(json!({ "token_required": required, "session": session })).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_origin_needs_the_fetch_metadata_or_a_matching_origin() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            h
        };
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(same_origin(&headers(&[("origin", "http://127.0.0.1:8754"), ("host", "127.0.0.1:8754")])));
        assert!(same_origin(&headers(&[("origin", "https://hmon.internal"), ("host", "hmon.internal")])));
        for bad in [
            headers(&[]),
            headers(&[("host", "127.0.0.1:8754")]),
            headers(&[("origin", "http://evil.example"), ("host", "127.0.0.1:8754")]),
            headers(&[("origin", "http://127.0.0.1:1"), ("host", "127.0.0.1:8754")]),
            headers(&[("origin", "null"), ("host", "127.0.0.1:8754")]),
            headers(&[("sec-fetch-site", "cross-site"), ("origin", "http://evil"), ("host", "127.0.0.1")]),
            headers(&[("sec-fetch-site", "same-site")]),
        ] {
            assert!(!same_origin(&bad), "{bad:?}");
        }
    }
}
