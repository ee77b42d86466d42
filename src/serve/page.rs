//! The status page: `GET /` and its script, style sheet and icon, embedded in the binary (no build step, nothing
//! fetched from elsewhere). The page reads `/api/v1/status`, `/api/v1/samples` and `/api/v1/events` from its own
//! origin; with a token set it asks for it once and logs in ([`super::session`]).
//!
//! Every answer here carries a Content Security Policy that allows only this origin (no inline script or style,
//! no frames, no form posts elsewhere), `X-Frame-Options: DENY` and `Referrer-Policy: no-referrer`. The assets are
//! revalidated on each load (`Cache-Control: no-cache`) so an upgraded hmon serves its own page at once; the page
//! itself is `no-store`, so the browser's back/forward cache does not keep it with the data it showed (after a
//! logout, say).

use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};

/// The page, its script, style sheet and icon: the only files the page loads.
pub const INDEX_HTML: &str = include_str!("page/index.html");
pub const APP_JS: &str = include_str!("page/app.js");
pub const APP_CSS: &str = include_str!("page/app.css");
pub const ICON_SVG: &str = include_str!("page/icon.svg");

/// The paths of the assets.
pub const SCRIPT: &str = "/assets/app.js";
pub const STYLE: &str = "/assets/app.css";
pub const ICON: &str = "/assets/icon.svg";

/// This origin only; `connect-src` covers `fetch` and `EventSource`.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                       connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Every embedded file with its path, for the test that they load nothing from elsewhere.
pub const FILES: &[(&str, &str)] =
    &[("index.html", INDEX_HTML), ("app.js", APP_JS), ("app.css", APP_CSS), ("icon.svg", ICON_SVG)];

/// `body` with its content type, the page's security headers and `cache`.
fn asset(content_type: &'static str, cache: &'static str, body: &'static str) -> Response {
    let headers: [(HeaderName, HeaderValue); 5] = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
    ];
    (headers, body).into_response()
}

/// `GET /`.
pub async fn index() -> Response {
    asset("text/html; charset=utf-8", "no-store", INDEX_HTML)
}

/// `GET /assets/app.js`.
pub async fn script() -> Response {
    asset("text/javascript; charset=utf-8", "no-cache", APP_JS)
}

/// `GET /assets/app.css`.
pub async fn style() -> Response {
    asset("text/css; charset=utf-8", "no-cache", APP_CSS)
}

/// `GET /assets/icon.svg`: served so the browser's icon request finds one (a 404 would be a console error).
pub async fn icon() -> Response {
    asset("image/svg+xml", "no-cache", ICON_SVG)
}
