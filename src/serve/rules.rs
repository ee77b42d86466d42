//! `GET/POST /api/v1/rules`, `GET/DELETE /api/v1/rules/{name}`: the `[[rules]]` of the running configuration.
//!
//! A rule is JSON with the keys of a `[[rules]]` table (`name`, `metric`, `labels`, `condition`, `threshold`,
//! `for`, `repeat`, `severity`, `webhooks`, `summary`). Adding or removing one edits the config file as
//! `hmon alert add`/`remove` do (comments kept, atomic) and applies it at once (see [`super::daemon`]).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::{body, daemon::DaemonHandle, ApiError, AppState};
use crate::alert::rule::RuleConfig;
use crate::text::Inert;

/// Every configured rule, in file order.
pub async fn list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let daemon = daemon(&state)?;
    Ok(Json(&*daemon.rules()).into_response())
}

/// One rule by name.
pub async fn get_one(State(state): State<AppState>, Path(name): Path<String>) -> Result<Json<RuleConfig>, ApiError> {
    let daemon = daemon(&state)?;
    let rules = daemon.rules();
    rules.iter().find(|r| r.name == name).cloned().map(Json).ok_or_else(|| no_rule(&name))
}

/// Adds a rule: 201 with its location; 400 when invalid, 409 when its name is taken.
pub async fn add(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let daemon = daemon(&state)?;
    let rule: RuleConfig = body::json(&headers, &body)?;
    let name = rule.name.clone();
    let reloaded = daemon.add_rule(rule).await?;
    tracing::info!(rule = %Inert(&name), "rule added over the API");
    let location =
        format!("/api/v1/rules/{}", url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>());
    let answer = Json(json!({ "added": name, "rules": reloaded.rules, "restarted": reloaded.restarted }));
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], answer).into_response())
}

/// Removes a rule; 404 when there is none of that name.
pub async fn remove(State(state): State<AppState>, Path(name): Path<String>) -> Result<Response, ApiError> {
    let daemon = daemon(&state)?;
    let reloaded = daemon.remove_rule(name.clone()).await?;
    tracing::info!(rule = %Inert(&name), "rule removed over the API");
    Ok(Json(json!({ "removed": name, "rules": reloaded.rules, "restarted": reloaded.restarted })).into_response())
}

/// `POST /-/reload`: reads the config file again; 409 (and the old configuration carries on) when it is invalid.
pub async fn reload(State(state): State<AppState>) -> Result<Response, ApiError> {
    let daemon = daemon(&state)?;
    Ok(Json(daemon.reload().await?).into_response())
}

pub(super) fn daemon(state: &AppState) -> Result<&DaemonHandle, ApiError> {
    state
        .daemon
        .as_ref()
        .ok_or_else(|| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "not_running", "the pipeline is not running"))
}

fn no_rule(name: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no rule named '{}'", Inert(name)))
}
