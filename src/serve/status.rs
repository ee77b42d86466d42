//! `GET /api/v1/status`: the network at a glance, from the pipeline's read model only (no store reads), written
//! straight to JSON while the model's read guard is held (no copy of the model is made).
//!
//! The shape (stable, snake_case; times RFC 3339; a value not known yet is `null`):
//!
//! ```json
//! {
//!   "uptime_seconds": 3600, "network": "mainnet", "version": "0.1.0",
//!   "updated_at": "2026-11-24T12:00:00Z",
//!   "mirror_lag_seconds": 2.5, "network_tps": 12.3,
//!   "nodes": { "up": 30, "total": 31,
//!              "down": [{ "node_id": "3", "node_account_id": "0.0.6", "error": "timed out after 5000ms" }],
//!              "latency": [{ "node_id": "0", "node_account_id": "0.0.3", "seconds": 0.12 }] },
//!   "accounts": [{ "account": "0.0.1001", "label": "treasury", "balance_hbar": 5.0,
//!                  "updated_at": "...", "tokens": [{ "token": "0.0.5", "balance": 12.0, "updated_at": "..." }] }],
//!   "alerts": { "firing": [ALERT], "pending": [ALERT] },
//!   "silences": [{ "id", "rule", "labels", "starts_at", "ends_at", "comment", "created_at" }],
//!   "collectors": { "mirror": { "up": true, "last_cycle": "...", "last_error": null, "failed_cycles": 0 } }
//! }
//! ```
//!
//! `nodes.latency` has the last probe's round trip of each node that answered it; a down node's `error` says
//! why its last probe failed (raw text from the network or the OS, `null` when unknown). `ALERT` is `{rule, labels, severity, state, since, value, silenced, summary}`. An account's `updated_at` is
//! when its balance was last read (the newest sample), not when it last changed: `/api/v1/samples` answers that
//! (a run's `timestamp`). `updated_at` at the top is the newest sample or collector cycle the model has seen.

use std::collections::BTreeMap;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde::Serialize;

use std::sync::{Arc, Mutex, PoisonError};

use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use bytes::Bytes;

use super::api::{internal, Params};
use super::{ApiError, AppState};
use crate::alert::manager::AlertView;
use crate::alert::silence::Silence;
use crate::metrics::{Labels, Sample};
use crate::pipeline::model::{CollectorHealth, Model};
use crate::timestamp::Timestamp;

/// The whole answer, borrowing from the model.
#[derive(Serialize)]
struct Status<'a> {
    network: &'a str,
    version: &'a str,
    updated_at: Option<Timestamp>,
    mirror_lag_seconds: Option<f64>,
    network_tps: Option<f64>,
    nodes: Nodes<'a>,
    accounts: Vec<Account<'a>>,
    alerts: Alerts<'a>,
    silences: &'a [Silence],
    collectors: &'a BTreeMap<String, CollectorHealth>,
}

#[derive(Serialize, Default)]
struct Nodes<'a> {
    up: usize,
    total: usize,
    down: Vec<Node<'a>>,
    latency: Vec<Latency<'a>>,
}

#[derive(Serialize)]
struct Latency<'a> {
    node_id: &'a str,
    node_account_id: &'a str,
    seconds: f64,
}

#[derive(Serialize)]
struct Node<'a> {
    node_id: &'a str,
    node_account_id: &'a str,
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct Account<'a> {
    account: &'a str,
    label: Option<&'a str>,
    balance_hbar: Option<f64>,
    updated_at: Option<Timestamp>,
    tokens: Vec<Token<'a>>,
}

#[derive(Serialize)]
struct Token<'a> {
    token: &'a str,
    balance: f64,
    updated_at: Timestamp,
}

#[derive(Serialize)]
struct Alerts<'a> {
    firing: Vec<&'a AlertView>,
    pending: Vec<&'a AlertView>,
}

/// The label `key` of `labels`, or "".
fn label<'a>(labels: &'a Labels, key: &str) -> &'a str {
    labels.get(key).map_or("", String::as_str)
}

/// Adds a balance or token balance sample to its account.
fn add_account_sample<'a>(accounts: &mut BTreeMap<&'a str, Account<'a>>, s: &'a Sample) {
    let id = label(&s.labels, "account");
    let account = accounts.entry(id).or_insert_with(|| Account {
        account: id,
        label: None,
        balance_hbar: None,
        updated_at: None,
        tokens: Vec::new(),
    });
    if s.name == "account_balance_hbar" {
        account.label = s.labels.get("label").map(String::as_str);
        (account.balance_hbar, account.updated_at) = (Some(s.value), Some(s.timestamp));
    } else {
        let token = label(&s.labels, "token");
        account.tokens.push(Token { token, balance: s.value, updated_at: s.timestamp });
    }
}

/// The status of `model` in one pass over its latest samples.
fn status<'a>(model: &'a Model, state: &'a AppState) -> Status<'a> {
    let mut nodes = Nodes::default();
    let mut accounts: BTreeMap<&str, Account<'a>> = BTreeMap::new();
    let (mut lag, mut tps) = (None, None);
    let mut updated = model.collectors.values().filter_map(|c| c.last_cycle).max();
    for s in model.latest.values() {
        updated = updated.max(Some(s.timestamp));
        match &*s.name {
            "mirror_lag_seconds" => lag = Some(s.value),
            "network_tps" => tps = Some(s.value),
            "node_up" => {
                nodes.total += 1;
                if s.value == 1.0 {
                    nodes.up += 1;
                } else {
                    let (node_id, node_account_id) = (label(&s.labels, "node_id"), label(&s.labels, "node_account_id"));
                    nodes.down.push(Node { node_id, node_account_id, error: s.error.as_deref() });
                }
            }
            "node_latency_seconds" => nodes.latency.push(Latency {
                node_id: label(&s.labels, "node_id"),
                node_account_id: label(&s.labels, "node_account_id"),
                seconds: s.value,
            }),
            "account_balance_hbar" | "account_token_balance" => add_account_sample(&mut accounts, s),
            _ => {}
        }
    }
    // A node that stopped answering keeps its last latency sample in the model: it is not a current latency.
    let down: Vec<&str> = nodes.down.iter().map(|n| n.node_id).collect();
    nodes.latency.retain(|l| !down.contains(&l.node_id));
    let alerts = Alerts {
        firing: model.alerts.iter().filter(|a| a.state == "firing").collect(),
        pending: model.alerts.iter().filter(|a| a.state == "pending").collect(),
    };
    Status {
        network: &state.network,
        version: state.version,
        updated_at: updated,
        mirror_lag_seconds: lag,
        network_tps: tps,
        nodes,
        accounts: accounts.into_values().collect(),
        alerts,
        silences: &model.silences,
        collectors: &model.collectors,
    }
}

/// `GET /api/v1/status`: the document is serialized once per model change (see [`Cache`]); only
/// `uptime_seconds` is written per request.
pub async fn handler(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    Params::parse(query.as_deref(), &[])?;
    let rest = state.status.get(&state)?;
    let head = Bytes::from(format!("{{\"uptime_seconds\":{},", state.started.elapsed().as_secs()));
    let body = super::metrics::shared_body([head, rest]);
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response())
}

/// The latest status document but for `uptime_seconds`, without its opening brace, and the model version it
/// shows: rendered once per model change, shared by every request.
#[derive(Debug, Clone, Default)]
pub struct Cache(Arc<Mutex<Option<(u64, Bytes)>>>);

impl Cache {
    fn get(&self, state: &AppState) -> Result<Bytes, ApiError> {
        let mut cached = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // The version first: the model read after it is at least that new, so the text is never older than its key.
        let version = state.model.version();
        if let Some((at, text)) = cached.as_ref() {
            if *at == version {
                return Ok(text.clone());
            }
        }
        let text = serde_json::to_vec(&status(&state.model.read(), state))
            .map_err(|e| internal("encode the answer", &e.into()))?;
        // `{"network":...}` becomes `"network":...}`: the handler writes `{"uptime_seconds":N,` before it.
        let rest = Bytes::from(text).slice(1..);
        *cached = Some((version, rest.clone()));
        Ok(rest)
    }
}
