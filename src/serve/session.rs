//! Browser sessions for the status page: `POST /-/login` trades the API token for a cookie, `POST /-/logout`
//! drops it, `GET /-/session` says whether a token is needed and whether the request carries a valid session.
//!
//! A browser's `EventSource` cannot send `Authorization`, so the page authenticates with a cookie instead. The
//! cookie never holds the token: it is `<expiry>.<nonce>.<mac>`, where `mac` is HMAC-SHA256 over the expiry and a
//! random nonce with a key drawn at start from the OS (one per process). So a leaked cookie does not reveal the
//! token (which also opens the bearer API and is shared by every instance), expires after [`SESSION_LIFETIME`]
//! and dies with the process; the server keeps no session table that could grow. The price: a single cookie
//! cannot be revoked before it expires except by restarting hmon (logout clears it in the browser only).
//!
//! The cookie is `HttpOnly; SameSite=Strict; Path=/`, plus `Secure` when the request came over HTTPS (through a
//! proxy that says so with `X-Forwarded-Proto: https`, or an `Origin` of `https://`): hmon itself serves plain
//! HTTP. A write authorized by the cookie must also come from the page itself ([`same_origin`]), as must a login.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use hmac::{Hmac, Mac as _};
use serde::Deserialize;
use serde_json::json;
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

use super::{ApiError, AppState};

/// The cookie's name.
pub const COOKIE: &str = "hmon_session";

/// How long a session lasts, in seconds (12 hours: a working day on one login).
pub const SESSION_LIFETIME: u64 = 12 * 60 * 60;

/// The key sessions are signed with: random, one per process. `Debug` never shows it.
#[derive(Clone)]
pub struct Sessions {
    key: [u8; 32],
}

impl Default for Sessions {
    fn default() -> Self {
        let mut key = [0u8; 32];
        getrandom::getrandom(&mut key).expect("the operating system's random source is readable");
        Sessions { key }
    }
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sessions(********)")
    }
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl Sessions {
    fn mac(&self, expiry: u64, nonce: &str) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes a key of any length");
        mac.update(format!("hmon-session-v1|{expiry}|{nonce}").as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// A fresh session value, valid for [`SESSION_LIFETIME`] from `now` (Unix seconds).
    pub fn issue(&self, now: u64) -> String {
        let mut nonce = [0u8; 16];
        getrandom::getrandom(&mut nonce).expect("the operating system's random source is readable");
        let (expiry, nonce) = (now + SESSION_LIFETIME, hex::encode(nonce));
        format!("{expiry}.{nonce}.{}", hex::encode(self.mac(expiry, &nonce)))
    }

    /// Whether `value` is a session this process issued that has not expired at `now`.
    pub fn verify(&self, value: &str, now: u64) -> bool {
        let mut parts = value.split('.');
        let (Some(expiry), Some(nonce), Some(mac), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        let (Ok(expiry), Ok(mac)) = (expiry.parse::<u64>(), hex::decode(mac)) else { return false };
        nonce.len() == 32 && expiry > now && bool::from(self.mac(expiry, nonce).as_slice().ct_eq(&mac))
    }

    /// Whether the request's headers carry a valid session cookie.
    pub fn in_headers(&self, headers: &HeaderMap) -> bool {
        cookie(headers, COOKIE).is_some_and(|v| self.verify(v, now_secs()))
    }
}

/// The value of cookie `name` in the `Cookie` headers, if any.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

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

/// A 403 `cross_site` for a cookie-authorized write (or a login) that does not come from this server's page.
pub fn cross_site() -> Response {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "cross_site",
        "a request authorized by the session cookie must come from this server's page (Origin must match Host); \
         scripts should send Authorization: Bearer instead",
    )
    .into_response()
}

/// Whether the request came over HTTPS, as far as the headers tell.
fn over_https(headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    text("x-forwarded-proto").eq_ignore_ascii_case("https") || text("origin").starts_with("https://")
}

/// The `Set-Cookie` value for `value`, living `max_age` seconds.
fn set_cookie(value: &str, max_age: u64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!("{COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&text).expect("a session value is hex digits and dots")
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
    let value = state.access.sessions.issue(now_secs());
    let cookie = set_cookie(&value, SESSION_LIFETIME, over_https(&headers));
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// `POST /-/logout`: 204, and the browser forgets the cookie.
pub async fn logout(headers: HeaderMap) -> Response {
    (StatusCode::NO_CONTENT, [(header::SET_COOKIE, set_cookie("", 0, over_https(&headers)))]).into_response()
}

/// `GET /-/session`: `{"token_required": bool, "session": bool}`, open to all, so the page knows whether to ask
/// for the token without provoking a 401.
pub async fn status(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let required = state.access.token.is_some();
    let session = required && state.access.sessions.in_headers(&headers);
    Json(json!({ "token_required": required, "session": session })).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_verifies_until_it_expires_and_only_with_its_key() {
        let sessions = Sessions::default();
        let value = sessions.issue(1000);
        assert!(sessions.verify(&value, 1000));
        assert!(sessions.verify(&value, 1000 + SESSION_LIFETIME - 1));
        assert!(!sessions.verify(&value, 1000 + SESSION_LIFETIME));
        assert!(!Sessions::default().verify(&value, 1000), "another process's key");
        let (expiry, rest) = value.split_once('.').unwrap();
        let later = format!("{}.{rest}", expiry.parse::<u64>().unwrap() + 1);
        assert!(!sessions.verify(&later, 1000), "a changed expiry");
        for bad in ["", "1.2", "a.b.c", "1.2.3.4", &format!("{value}0")] {
            assert!(!sessions.verify(bad, 0), "{bad}");
        }
        assert_ne!(sessions.issue(1000), value, "each session has its own nonce");
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; hmon_session=x.y.z; b=2"));
        assert_eq!(cookie(&headers, COOKIE), Some("x.y.z"));
        assert_eq!(cookie(&headers, "c"), None);
    }

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
