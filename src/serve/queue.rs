//! `GET /api/v1/queue`: the webhook outbox, pending notifications and dead letters, oldest first, as
//! `{"notifications": [ENTRY...]}` where each `ENTRY` is exactly what `hmon alert queue --json` prints
//! ([`crate::webhook::QueueEntry`]: `{id, webhook, rule, notification_id, status, queued_at, attempts,
//! next_attempt_at, dead_at, last_error}`); both come from [`crate::webhook::Outbox::entries`].

use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde::Serialize;

use super::api::{internal, json, Params};
use super::{ApiError, AppState};
use crate::webhook::{Outbox, QueueEntry};

#[derive(Serialize)]
struct Queue {
    notifications: Vec<QueueEntry>,
}

/// `GET /api/v1/queue`.
pub async fn handler(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    Params::parse(raw.as_deref(), &[])?;
    let outbox = Outbox::new(state.db.clone());
    let notifications =
        state.db.run(move |_| outbox.entries()).await.map_err(|e| internal("read the webhook outbox", &e))?;
    json(&Queue { notifications })
}
