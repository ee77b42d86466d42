//! Who may call the API: one middleware around every route, keyed on the method and the path.
//!
//! - `GET`/`HEAD` of `/-/healthy` and `/-/ready` are always open (load balancers and systemd probes carry no
//!   token).
//! - Writes (every method but `GET` and `HEAD`, and `/-/reload` with any method) need `Authorization: Bearer
//!   <token>`; with no token configured they are refused with 403 `writes_need_token`.
//! - With a token configured, reads need it too; without one (loopback only, see [`super::listen_addr`]), reads are
//!   open.
//! - The status page and its assets ([`super::page`]) and `GET /-/session` are open too: they hold no data.
//!   `POST /-/login` and `POST /-/logout` check the request themselves ([`super::session`]): it must come from
//!   this server's page.
//! - Instead of the header, a browser may present the session cookie that `/-/login` sets, for reads only: a
//!   `GET` or `HEAD` (the event stream included) passes with it, and the session goes into the request's
//!   extensions ([`Grant`]) so the event stream ends with it. A write with the cookie and no header is 403
//!   `cookie_cannot_write`: the page only reads, and the cookie is sent by the browser whoever asks.
//! - A missing token is 401 `missing_token`, a wrong one 401 `invalid_token`, a cookie of this server's name
//!   that is not a valid session (expired, logged out, forged, or from before a restart) 401 `invalid_session`,
//!   all with `WWW-Authenticate: Bearer realm="hmon"`; none says more.
//!
//! A middleware rather than an extractor: an extractor protects only the handlers that name it, so a route added
//! later without it would be open; this layer covers every route and the fallback, present and future.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::session::{Grant, Lookup, Sessions};
use super::token::{ApiToken, HOW_TO_SET};
use super::ApiError;

/// What the server lets in: the API token (if any), the extra host names a loopback listener answers to, and the
/// browser sessions.
#[derive(Debug, Clone)]
pub struct Access {
    /// The token requests must carry; `None`: reads open, writes refused.
    pub token: Option<ApiToken>,
    /// `[serve] hosts`: names accepted in `Host` on a loopback listener besides the loopback names, lower case.
    pub hosts: Arc<[String]>,
    /// The browser sessions: their key (random per process), cookie name (per port) and logouts.
    pub sessions: Sessions,
}

/// The challenge sent with every 401.
const CHALLENGE: &str = "Bearer realm=\"hmon\"";

/// Paths whose reads are open whatever the token: probes, the page (no data in it) and whether to log in.
const OPEN_PATHS: &[&str] =
    &["/-/healthy", "/-/ready", "/-/session", "/", super::page::SCRIPT, super::page::STYLE, super::page::ICON];

/// The endpoints that check a `POST` themselves: login takes the token in its body, logout ends the session it
/// is sent with; both must come from the page.
const SELF_CHECKED: &[&str] = &["/-/login", "/-/logout"];

/// Whether the request changes something: any method but `GET` and `HEAD`, and the reload endpoint whatever its
/// method.
fn is_write(method: &Method, path: &str) -> bool {
    !(method == Method::GET || method == Method::HEAD) || path == "/-/reload"
}

/// The middleware: lets the request through or answers 401 or 403 (see the module's description).
pub async fn require_token(State(access): State<Access>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let write = is_write(request.method(), path);
    if (!write && OPEN_PATHS.contains(&path)) || (request.method() == Method::POST && SELF_CHECKED.contains(&path)) {
        return next.run(request).await;
    }
    let Some(token) = &access.token else {
        if write {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "writes_need_token",
                format!("changes through the API need an API token: {HOW_TO_SET}, then send Authorization: Bearer"),
            )
            .into_response();
        }
        return next.run(request).await;
    };
    match bearer(request.headers().get(header::AUTHORIZATION)) {
        Presented::Token(candidate) if token.matches(candidate) => next.run(request).await,
        Presented::Token(_) | Presented::Malformed => unauthorized("invalid_token", "the API token is invalid"),
        Presented::Missing => match access.sessions.lookup(request.headers()) {
            Lookup::Absent => unauthorized("missing_token", "this request needs Authorization: Bearer <token>"),
            _ if write => cookie_cannot_write(),
            Lookup::Invalid => unauthorized("invalid_session", "the session has expired or is not valid: log in again"),
            Lookup::Valid(grant) => {
                request.extensions_mut().insert::<Grant>(grant);
                next.run(request).await
            }
        },
    }
}

/// A 403 `cookie_cannot_write`: the session cookie only reads.
fn cookie_cannot_write() -> Response {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "cookie_cannot_write",
        "the session cookie only reads: to change anything, send Authorization: Bearer <token>",
    )
    .into_response()
}

/// What the `Authorization` header holds.
enum Presented<'a> {
    Missing,
    /// Present but not `Bearer <token>`.
    Malformed,
    Token(&'a [u8]),
}

/// The token of `Authorization: Bearer <token>` (the scheme in any case, spaces after it).
fn bearer(value: Option<&HeaderValue>) -> Presented<'_> {
    let Some(value) = value else { return Presented::Missing };
    let bytes = value.as_bytes();
    let Some((scheme, rest)) = bytes.iter().position(|&b| b == b' ').map(|i| bytes.split_at(i)) else {
        return Presented::Malformed;
    };
    let token = rest.trim_ascii();
    if !scheme.eq_ignore_ascii_case(b"bearer") || token.is_empty() {
        return Presented::Malformed;
    }
    Presented::Token(token)
}

fn unauthorized(code: &'static str, message: &'static str) -> Response {
    let mut response = ApiError::new(StatusCode::UNAUTHORIZED, code, message).into_response();
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(CHALLENGE));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_are_every_method_but_get_and_head_and_reload_always() {
        for (method, path, write) in [
            (Method::GET, "/metrics", false),
            (Method::HEAD, "/metrics", false),
            (Method::POST, "/api/v1/rules", true),
            (Method::DELETE, "/api/v1/silences/x", true),
            (Method::PUT, "/api/v1/rules/x", true),
            (Method::PATCH, "/api/v1/rules/x", true),
            (Method::OPTIONS, "/metrics", true),
            (Method::GET, "/-/reload", true),
            (Method::POST, "/-/reload", true),
        ] {
            assert_eq!(is_write(&method, path), write, "{method} {path}");
        }
    }

    #[test]
    fn only_a_bearer_scheme_with_a_token_is_a_token() {
        let token = |v: &'static str| match bearer(Some(&HeaderValue::from_static(v))) {
            Presented::Token(t) => Some(String::from_utf8(t.to_vec()).unwrap()),
            Presented::Missing => panic!("present"),
            Presented::Malformed => None,
        };
        assert_eq!(token("Bearer abc").as_deref(), Some("abc"));
        assert_eq!(token("bearer   abc ").as_deref(), Some("abc"));
        for bad in ["Bearer", "Bearer ", "Basic abc", "Bearerabc", "abc", ""] {
            assert_eq!(token(bad), None, "{bad}");
        }
        assert!(matches!(bearer(None), Presented::Missing));
    }
}
