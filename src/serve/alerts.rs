//! `GET /api/v1/alerts[?rule=]`: every (rule, series) alert state the store holds, inactive ones included, with
//! whether an active silence mutes it and its recent notifications and their delivery.
//!
//! `{"alerts": [ALERT...]}`, by rule then labels, where `ALERT` is
//! `{rule, labels, state, since, value, no_data, severity, summary, silenced, silences, notifications}`:
//! `state` is `inactive`, `pending` or `firing` (since `since`, null when inactive); `severity` and `summary`
//! come from the alert manager's view of a pending or firing alert (null otherwise); `silences` names the active
//! silences matching it; `notifications` are its newest [`NOTIFICATIONS`] notifications, newest first, each
//! `{id, webhook, status, delivery, attempts, delivered_at, dead_at, last_error}` with `delivery` one of
//! `delivered`, `pending`, `dead` (see [`crate::webhook::sent`]). An alert whose state is gone but whose
//! notifications are still kept is listed as `inactive`.

use std::collections::BTreeMap;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde::Serialize;

use super::api::{internal, json, Params};
use super::{ApiError, AppState};
use crate::alert::manager::{AlertView, Phase};
use crate::alert::stored::{stored, StoredAlert};
use crate::metrics::Labels;
use crate::timestamp::Timestamp;
use crate::webhook::sent::{history, Sent};
use crate::webhook::Severity;

/// Notifications shown per alert.
pub const NOTIFICATIONS: usize = 10;

#[derive(Serialize)]
struct Alert {
    rule: String,
    labels: Labels,
    state: &'static str,
    since: Option<Timestamp>,
    value: Option<f64>,
    no_data: bool,
    severity: Option<Severity>,
    summary: Option<String>,
    silenced: bool,
    silences: Vec<String>,
    notifications: Vec<Sent>,
}

#[derive(Serialize)]
struct AlertList {
    alerts: Vec<Alert>,
}

impl Alert {
    fn new(s: StoredAlert) -> Alert {
        let (state, since) = match s.phase {
            Phase::Inactive => ("inactive", None),
            Phase::Pending { since } => ("pending", Some(since)),
            Phase::Firing { since } => ("firing", Some(since)),
        };
        Alert {
            rule: s.rule,
            labels: s.labels,
            state,
            since,
            value: s.value,
            no_data: s.no_data,
            severity: None,
            summary: None,
            silenced: false,
            silences: Vec::new(),
            notifications: Vec::new(),
        }
    }

    fn inactive(rule: String, labels: Labels) -> Alert {
        Alert::new(StoredAlert { rule, labels, phase: Phase::Inactive, value: None, no_data: false })
    }

    /// Takes the manager's view: it is newer than the store's, which it commits after each batch.
    fn take_view(&mut self, view: &AlertView) {
        self.state = view.state;
        self.since = Some(view.since);
        self.value = view.value.or(self.value);
        self.severity = Some(view.severity);
        self.summary = Some(view.summary.clone());
    }
}

/// `GET /api/v1/alerts`.
pub async fn handler(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref(), &["rule"])?;
    let rule = p.text("rule")?.map(String::from);
    let wanted = rule.clone();
    let (states, mut sent) = state
        .db
        .run(move |db| {
            // One read transaction: the states and the notifications are one snapshot.
            let mut conn = db.lock();
            let tx = conn.transaction()?;
            Ok((stored(&tx, wanted.as_deref())?, history(&tx, NOTIFICATIONS, wanted.as_deref())?))
        })
        .await
        .map_err(|e| internal("read the alert state", &e))?;
    let mut alerts: BTreeMap<(String, Labels), Alert> =
        states.into_iter().map(|s| ((s.rule.clone(), s.labels.clone()), Alert::new(s))).collect();
    for key in sent.keys() {
        alerts.entry(key.clone()).or_insert_with(|| Alert::inactive(key.0.clone(), key.1.clone()));
    }
    let now = Timestamp::now();
    {
        let model = state.model.read();
        for view in &model.alerts {
            let key = (view.rule.clone(), view.labels.clone());
            alerts
                .entry(key)
                .or_insert_with(|| Alert::inactive(view.rule.clone(), view.labels.clone()))
                .take_view(view);
        }
        for alert in alerts.values_mut() {
            let matching = model.silences.iter().filter(|s| s.matches(&alert.rule, &alert.labels, now));
            alert.silences = matching.map(|s| s.id.clone()).collect();
            alert.silenced = !alert.silences.is_empty();
        }
    }
    let mut list = Vec::with_capacity(alerts.len());
    for (key, mut alert) in alerts {
        if rule.as_deref().is_some_and(|r| r != key.0) {
            continue;
        }
        alert.notifications = sent.remove(&key).unwrap_or_default();
        list.push(alert);
    }
    json(&AlertList { alerts: list })
}
