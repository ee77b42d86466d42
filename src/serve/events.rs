//! `GET /api/v1/events`: the pipeline's events as Server-Sent Events, the same objects `hmon watch --json` prints
//! (the SSE event name is the object's `type`). A client that falls behind gets a `resync` event with the number
//! of events it missed, and should fetch `/api/v1/status` again. Streams end when the server shuts down, and a
//! stream opened with the session cookie ends when that session expires or is logged out (the browser then
//! reconnects and learns it must log in again); one opened with the bearer token or with no token (reads open)
//! lasts.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse as _, Response};
use axum::Extension;
use futures::StreamExt as _;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use super::rules::daemon;
use super::session::Grant;
use super::{ApiError, AppState};
use crate::pipeline::Event;

/// How often an idle stream sends a comment, so proxies and clients know it is alive.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub async fn stream(State(state): State<AppState>, session: Option<Extension<Grant>>) -> Result<Response, ApiError> {
    let events = daemon(&state)?.subscribe();
    let session_ended = session.map(|Extension(grant)| state.access.sessions.ended(grant));
    let session_ended = async move {
        match session_ended {
            Some(ended) => ended.await,
            None => std::future::pending().await,
        }
    };
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
                return Some((Ok::<_, Infallible>(sse), (events, stopping)));
            }
        }
    });
    let sse = Sse::new(stream.take_until(session_ended)).keep_alive(KeepAlive::new().interval(KEEP_ALIVE));
    // Sse says `no-cache`; like every answer with data, the stream is not to be stored at all.
    Ok(([(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))], sse).into_response())
}

/// One event as SSE: its `type` as the event name, the JSON object as data.
fn to_sse(event: &Event) -> Option<SseEvent> {
    let value = serde_json::to_value(event).ok()?;
    let name = value.get("type").and_then(|t| t.as_str()).unwrap_or("message").to_string();
    Some(SseEvent::default().event(name).data(value.to_string()))
}
