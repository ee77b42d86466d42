//! `GET /-/healthy` and `GET /-/ready`, apart from the API as in Prometheus and Alertmanager.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use super::{ApiError, AppState};

/// 200 while the process runs and serves.
pub async fn healthy() -> Json<Value> {
    Json(json!({ "status": "healthy" }))
}

/// 200 once the store is open and every collector finished its first cycle; 503 before that and while stopping.
pub async fn ready(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    if state.is_ready() {
        Ok(Json(json!({ "status": "ready" })))
    } else {
        Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "the first collection cycle has not finished yet, or hmon is stopping",
        ))
    }
}
