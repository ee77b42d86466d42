//! Every route of `hmon serve` and the layers around them.

use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware;
use axum::routing::{delete, get, post};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use super::{
    alerts, auth, error, events, health, host, log_request, metrics, page, queue, rules, samples, session, silences,
    status, AppState, BODY_LIMIT, REQUEST_TIMEOUT,
};

/// The router with every route and layer.
pub fn app(state: AppState) -> Router {
    let loopback_only = state.loopback_only;
    let access = state.access.clone();
    let router = Router::new()
        // The status page and its browser session.
        .route("/", get(page::index))
        .route(page::SCRIPT, get(page::script))
        .route(page::STYLE, get(page::style))
        .route(page::ICON, get(page::icon))
        .route("/-/session", get(session::status))
        .route("/-/login", post(session::login))
        .route("/-/logout", post(session::logout))
        .route("/-/healthy", get(health::healthy))
        .route("/-/ready", get(health::ready))
        .route("/metrics", get(metrics::handler))
        // The read-only JSON API.
        .route("/api/v1/status", get(status::handler))
        .route("/api/v1/samples", get(samples::samples))
        .route("/api/v1/series", get(samples::series))
        .route("/api/v1/alerts", get(alerts::handler))
        .route("/api/v1/queue", get(queue::handler))
        .route("/-/reload", post(rules::reload))
        .route("/api/v1/rules", get(rules::list).post(rules::add))
        .route("/api/v1/rules/{name}", get(rules::get_one).delete(rules::remove))
        .route("/api/v1/silences", get(silences::list).post(silences::add))
        .route("/api/v1/silences/{id}", delete(silences::remove))
        .route("/api/v1/events", get(events::stream))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .with_state(state);
    // The token check covers every route and the fallback; on loopback the Host check runs before it.
    let router = router.layer(middleware::from_fn_with_state(access.clone(), auth::require_token));
    let router =
        if loopback_only { router.layer(middleware::from_fn_with_state(access, host::loopback_host)) } else { router };
    router
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, REQUEST_TIMEOUT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(middleware::from_fn(error::json_errors))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        // Answers hold data behind the token or the session: no cache, shared or the browser's (its back/forward
        // cache included), keeps them. The page and its assets say otherwise themselves.
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(middleware::from_fn(log_request))
}
