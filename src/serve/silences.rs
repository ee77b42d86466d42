//! `GET/POST /api/v1/silences`, `DELETE /api/v1/silences/{id}`: silences in the store, as `hmon alert silence`
//! manages them, applied to the running pipeline at once.
//!
//! `POST` takes `{"rule": "low-balance", "labels": {"account": "0.0.1001"}, "duration": "2h", "comment": "..."}`
//! (`labels` and `comment` optional) and answers 201 with the silence; `GET` lists the active and coming ones
//! (`?all=true` adds those ended in the last day).

use crate::metrics::Labels;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::api::{self, Params};
use super::rules::daemon;
use super::{body, ApiError, AppState};
use crate::alert::silence::{self, Silence};
use crate::error::Error;
use crate::text::Inert;
use crate::timestamp::{parse_duration, Timestamp};

/// A silence to add.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSilence {
    pub rule: String,
    #[serde(default)]
    pub labels: Labels,
    /// How long, e.g. "2h" or "30m".
    pub duration: String,
    #[serde(default)]
    pub comment: String,
}

/// The silences in force and to come, soonest end first; `?all=true` adds the recently ended.
pub async fn list(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Json<Vec<Silence>>, ApiError> {
    let params = Params::parse(raw.as_deref(), &["all"])?;
    let all = match params.one("all")? {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => return Err(api::bad_request(format!("'all': '{}' is not true or false", api::shown(other)))),
    };
    let now = Timestamp::now();
    let listed = state.db.run(move |db| silence::list(db, now, all)).await;
    listed.map(Json).map_err(|e| store_failed("cannot read the silences", &e))
}

/// Adds a silence: 201 with it; 400 for an unknown rule or an invalid duration or label.
pub async fn add(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let daemon = daemon(&state)?;
    let new: NewSilence = body::json(&headers, &body)?;
    let rules = daemon.rules();
    let known: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
    silence::check_rule(&known, &new.rule).map_err(bad_request)?;
    let duration = parse_duration(&new.duration, "duration").map_err(bad_request)?;
    silence::check_duration(duration).map_err(bad_request)?;
    let now = Timestamp::now();
    let NewSilence { rule, labels, comment, .. } = new;
    let added = state.db.run(move |db| silence::add(db, &rule, &labels, duration, &comment, now)).await;
    let added = added.map_err(|e| match e.downcast_ref::<Error>() {
        Some(usage) => bad_request(usage.clone()),
        None => store_failed("cannot add the silence", &e),
    })?;
    daemon.silences_changed();
    tracing::info!(id = %added.id, rule = %Inert(&added.rule), "silence added over the API");
    Ok((StatusCode::CREATED, Json(added)).into_response())
}

/// Removes a silence; 404 when there is none with that id.
pub async fn remove(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let daemon = daemon(&state)?;
    let key = id.clone();
    let removed = state.db.run(move |db| silence::remove(db, &key)).await;
    if !removed.map_err(|e| store_failed("cannot remove the silence", &e))? {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no silence with id '{}'", Inert(&id))));
    }
    daemon.silences_changed();
    tracing::info!(id = %Inert(&id), "silence removed over the API");
    Ok(Json(json!({ "removed": id })).into_response())
}

fn bad_request(e: Error) -> ApiError {
    api::bad_request(e.to_string())
}

fn store_failed(what: &str, e: &anyhow::Error) -> ApiError {
    tracing::error!(error = %Inert(format_args!("{e:#}")), "{what}");
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "store_unavailable",
        format!("{what}: the store failed; see the server's log"),
    )
}
