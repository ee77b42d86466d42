//! `GET /api/v1/samples` and `GET /api/v1/series`: the stored samples, read from the store ([`crate::store::query`]).
//!
//! The store keeps each series as runs of one value, and so does this API. A run is
//! `{name, labels, value, timestamp, last_timestamp}`: the value was first seen at `timestamp` and last confirmed
//! at `last_timestamp` (the store writes a confirmation at most once per heartbeat, so a series still going may
//! have been confirmed since); it lasts until its series' next run starts. `value` is `null` for NaN.
//!
//! `/api/v1/samples?name=&label=K:V&since=&until=&limit=&cursor=`: runs, newest first (by `timestamp`).
//! `name` picks a metric (every metric when left out); `label=K:V` keeps series with label `K` equal to `V` and
//! may repeat (all must match); `since` keeps runs still going at or after it (`last_timestamp >= since`),
//! `until` runs that started before it (exclusive); both are RFC 3339. `limit` is 1 to 1000 (default 100).
//! The answer is `{"samples": [RUN...], "next": PATH}` where `next` is the path and query of the following page
//! (the same query with `cursor=`, an opaque place in the order) or `null` on the last page.
//!
//! `/api/v1/series?name=`: `{"series": [RUN...]}`, every stored series (of metric `name`, when given) with its
//! newest run, by name then labels.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde::Serialize;

use super::api::{bad_request, internal, json, shown, Params};
use super::{ApiError, AppState};
use crate::metrics::Labels;
use crate::store::query::{self, Cursor, RunQuery, StoredRun};
use crate::timestamp::Timestamp;

/// Runs per page unless `limit` says otherwise.
pub const DEFAULT_LIMIT: usize = 100;
/// The largest `limit`.
pub const MAX_LIMIT: usize = 1000;

/// One run as the API shows it.
#[derive(Serialize)]
struct Run {
    name: String,
    labels: Labels,
    value: f64,
    timestamp: Timestamp,
    last_timestamp: Timestamp,
}

impl From<StoredRun> for Run {
    fn from(r: StoredRun) -> Self {
        Run {
            name: r.name,
            labels: r.labels,
            value: r.value,
            timestamp: Timestamp::from_millis(r.ts_ms),
            last_timestamp: Timestamp::from_millis(r.last_ms),
        }
    }
}

#[derive(Serialize)]
struct Page {
    samples: Vec<Run>,
    next: Option<String>,
}

#[derive(Serialize)]
struct SeriesList {
    series: Vec<Run>,
}

/// The query of `/api/v1/samples`.
fn run_query(p: &Params) -> Result<RunQuery, ApiError> {
    let mut labels = Labels::new();
    for pair in p.all("label") {
        let Some((k, v)) = pair.split_once(':').filter(|(k, _)| !k.is_empty()) else {
            return Err(bad_request(format!(
                "query parameter 'label': '{}' is not a label matcher; expected NAME:VALUE, e.g. account:0.0.1001",
                shown(pair)
            )));
        };
        if labels.insert(k.to_string(), v.to_string()).is_some_and(|old| old != v) {
            return Err(bad_request(format!("query parameter 'label': '{}' is matched twice", shown(k))));
        }
    }
    let after = match p.text("cursor")? {
        None => None,
        Some(c) => Some(c.parse::<Cursor>().map_err(|()| {
            bad_request(format!("query parameter 'cursor': '{}' is not a cursor; use the 'next' link", shown(c)))
        })?),
    };
    Ok(RunQuery {
        name: p.text("name")?.map(String::from),
        labels,
        since_ms: p.time("since")?.map(Timestamp::as_millis),
        until_ms: p.time("until")?.map(Timestamp::as_millis),
        after,
        limit: p.count("limit", DEFAULT_LIMIT, MAX_LIMIT)?,
    })
}

/// The path of the page after `cursor`: the request's query with its cursor replaced.
fn next_page(raw: Option<&str>, cursor: Cursor) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        if k != "cursor" {
            query.append_pair(&k, &v);
        }
    }
    query.append_pair("cursor", &cursor.to_string());
    format!("/api/v1/samples?{}", query.finish())
}

/// `GET /api/v1/samples`.
pub async fn samples(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref(), &["name", "label", "since", "until", "limit", "cursor"])?;
    let q = run_query(&p)?;
    let page = state.db.run(move |db| query::runs(db, &q)).await.map_err(|e| internal("read the samples", &e))?;
    let next = page.runs.last().filter(|_| page.more).map(|last| next_page(raw.as_deref(), last.cursor()));
    json(&Page { samples: page.runs.into_iter().map(Run::from).collect(), next })
}

/// `GET /api/v1/series`.
pub async fn series(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref(), &["name"])?;
    let name = p.text("name")?.map(String::from);
    let found = state
        .db
        .run(move |db| query::series(db, name.as_deref()))
        .await
        .map_err(|e| internal("read the series", &e))?;
    json(&SeriesList { series: found.into_iter().map(Run::from).collect() })
}
