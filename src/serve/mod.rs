//! `hmon serve`'s HTTP server: health and readiness, the Prometheus exposition of the pipeline's read model, and
//! the read-only JSON API under `/api/v1` (`status`, `samples`, `series`, `alerts`, `queue`: one file each).
//!
//! [`app`] builds the router from an [`AppState`] (so every route is tested in process), [`run`] serves it on a
//! listener its caller bound until a shutdown future completes. Every error is JSON of one shape
//! ([`error::ApiError`]); every response carries `X-Content-Type-Options: nosniff`; request bodies and handler
//! time are bounded; on loopback, a request for a host other than the loopback names is refused ([`host`]).
//! Access is decided by one middleware ([`auth`]) from the API token ([`token`]) or a browser session
//! ([`session`]). `GET /` is a status page embedded in the binary ([`page`]).

mod alerts;
mod api;
pub mod auth;
mod body;
pub mod daemon;
pub mod error;
mod events;
mod health;
pub mod host;
pub mod metrics;
pub mod page;
mod queue;
mod router;
mod rules;
mod samples;
pub mod session;
mod silences;
mod status;
pub mod token;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;

use crate::error::Error;
use crate::pipeline::ModelHandle;
use crate::store::Db;

pub use error::ApiError;
pub use router::app;

/// The default address: loopback only. The port is outside 9100-9999, the range of Prometheus's "default port
/// allocations" list, which is fully given out to other exporters (so any port there collides with one of them).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8754";

/// The largest request body accepted (413 past it). Nothing in this API takes more than a rule or a silence.
pub const BODY_LIMIT: usize = 64 * 1024;

/// How long a handler may take before the request is answered 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// What every handler can read.
#[derive(Clone)]
pub struct AppState {
    /// The pipeline's read model.
    pub model: ModelHandle,
    /// The store the pipeline writes: samples, alert state, silences and the webhook outbox.
    pub db: Arc<Db>,
    /// The network's name, e.g. `mainnet`.
    pub network: Arc<str>,
    /// When the daemon started, for `hmon_uptime_seconds`.
    pub started: Instant,
    /// hmon's version, for `hmon_build_info`.
    pub version: &'static str,
    /// Whether the pipeline runs on an open store: false before, and again once shutting down.
    pub ready: Arc<AtomicBool>,
    /// The collectors whose first cycle must end before `/-/ready` answers 200, when no daemon says which run.
    pub collectors: Arc<[String]>,
    /// Refuse a `Host` other than the loopback names and `access.hosts` (on a loopback listener).
    pub loopback_only: bool,
    /// The running daemon: rules, reload, silences and events; `None` when no pipeline runs (those answer 503).
    pub daemon: Option<daemon::DaemonHandle>,
    /// Becomes true when the server shuts down: open streams end.
    pub stopping: tokio::sync::watch::Receiver<bool>,
    /// The API token and the extra host names ([`auth`]).
    pub access: auth::Access,
    /// The latest `/metrics` text, rendered once per model change.
    pub metrics: metrics::Cache,
    /// The latest `/api/v1/status` document, serialized once per model change.
    pub status: status::Cache,
}

impl AppState {
    /// Whether the store is open and every collector finished its first cycle.
    pub fn is_ready(&self) -> bool {
        if !self.ready.load(Ordering::Acquire) {
            return false;
        }
        // The running pipeline's collectors: a reload may add or remove one.
        let running: Vec<String> = match &self.daemon {
            Some(daemon) => match daemon.running() {
                Some(running) => running.iter().map(|c| c.to_string()).collect(),
                None => return false,
            },
            None => self.collectors.to_vec(),
        };
        let model = self.model.read();
        running.iter().all(|c| model.collectors.get(c).is_some_and(|h| h.last_cycle.is_some()))
    }
}

/// Serves `app` on `listener` until `shutdown` completes; then stops accepting and waits for the requests in
/// flight to finish.
pub async fn run(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt as _;
    // No Nagle delay: an answer's last small segment (after a large one) goes out at once, not after an ACK.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
    });
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// The address to listen on: `--listen`, else `[serve] listen`, else [`DEFAULT_LISTEN`]. An address other than
/// loopback is accepted only when an API token is set (`has_token`); without one, exit 3 with how to set it.
pub fn listen_addr(flag: Option<&str>, config: Option<&str>, has_token: bool) -> Result<SocketAddr, Error> {
    let (text, what) = match (flag, config) {
        (Some(f), _) => (f, "--listen"),
        (None, Some(c)) => (c, "[serve] listen"),
        (None, None) => (DEFAULT_LISTEN, "the default listen address"),
    };
    let addr: SocketAddr = text.parse().map_err(|_| {
        Error::config(format!(
            "{what}: '{}' is not an address and port, e.g. 127.0.0.1:8754 or [::1]:8754",
            crate::text::inert(text)
        ))
    })?;
    if !addr.ip().is_loopback() && !has_token {
        return Err(Error::config(format!(
            "{what}: {addr} is not a loopback address, and no API token is set: listening beyond 127.0.0.1 or [::1] \
             needs one; {}",
            token::HOW_TO_SET
        )));
    }
    Ok(addr)
}

/// One debug line per request: method, path (without the query, at most 200 characters), status and duration.
pub(super) async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path: String = request.uri().path().chars().take(200).collect();
    let start = Instant::now();
    let response = next.run(request).await;
    tracing::debug!(
        method = %method,
        path = %crate::text::Inert(&path),
        status = response.status().as_u16(),
        elapsed_ms = start.elapsed().as_millis() as u64,
        "http request"
    );
    response
}

#[cfg(test)]
mod api_tests;
#[cfg(test)]
mod page_tests;
#[cfg(test)]
mod session_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod write_tests;
