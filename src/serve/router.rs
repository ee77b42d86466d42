//! Every route of `hmon serve` and the layers around them.

use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware;
use axum::routing::get;
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use super::{alerts, queue, samples, status};
use super::{error, health, host, log_request, metrics, AppState, BODY_LIMIT, REQUEST_TIMEOUT};

/// The router with every route and layer.
pub fn app(state: AppState) -> Router {
    let loopback_only = state.loopback_only;
    let router = Router::new()
        .route("/-/healthy", get(health::healthy))
        .route("/-/ready", get(health::ready))
        .route("/metrics", get(metrics::handler))
        // The read-only JSON API.
        .route("/api/v1/status", get(status::handler))
        .route("/api/v1/samples", get(samples::samples))
        .route("/api/v1/series", get(samples::series))
        .route("/api/v1/alerts", get(alerts::handler))
        .route("/api/v1/queue", get(queue::handler))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .with_state(state);
    let router = if loopback_only { router.layer(middleware::from_fn(host::loopback_host)) } else { router };
    router
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, REQUEST_TIMEOUT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(middleware::from_fn(error::json_errors))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(middleware::from_fn(log_request))
}
