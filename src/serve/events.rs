//! `GET /api/v1/events`: the pipeline's events as Server-Sent Events, the same objects `hmon watch --json` prints
//! (the SSE event name is the object's `type`). A client that falls behind gets a `resync` event with the number
//! of events it missed, and should fetch `/api/v1/status` again. Streams end when the server shuts down.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures::Stream;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use super::rules::daemon;
use super::{ApiError, AppState};
use crate::pipeline::Event;

/// How often an idle stream sends a comment, so proxies and clients know it is alive.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub async fn stream(
    State(state): State<AppState>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let events = daemon(&state)?.subscribe();
    let stopping = state.stopping.clone();
    let stream = futures::stream::unfold((events, stopping), |(mut events, mut stopping)| async move {
        loop {
            if *stopping.borrow() {
                return None;
            }
            let next = tokio::select! {
                next = events.recv() => next,
                // The sender is kept until the process ends: a closed channel means stopping too.
                changed = stopping.changed() => {
                    if changed.is_err() {
                        return None;
                    }
                    continue;
                }
            };
            let sse = match next {
                Ok(event) => to_sse(&event),
                Err(RecvError::Lagged(missed)) => {
                    Some(SseEvent::default().event("resync").data(json!({ "missed": missed }).to_string()))
                }
                Err(RecvError::Closed) => return None,
            };
            if let Some(sse) = sse {
                return Some((Ok(sse), (events, stopping)));
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

/// One event as SSE: its `type` as the event name, the JSON object as data.
fn to_sse(event: &Event) -> Option<SseEvent> {
    let value = serde_json::to_value(event).ok()?;
    let name = value.get("type").and_then(|t| t.as_str()).unwrap_or("message").to_string();
    Some(SseEvent::default().event(name).data(value.to_string()))
}
