//! The HTTP transport to a mirror node: one shared connection pool, timeouts, retries and pagination.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::limit::RateLimiter;
use super::models::{ErrorBody, Page};
use super::retry::{parse_retry_after, RetryPolicy};
use super::MirrorError;

/// How the client behaves; see [`RetryPolicy`] for the retry side.
#[derive(Debug, Clone, Copy)]
pub struct ClientOptions {
    /// Bound on one attempt, from connecting to the last byte of the body.
    pub timeout: Duration,
    pub retry: RetryPolicy,
}

/// A mirror node REST client. Cheap to clone; clones share one connection pool. `Debug` shows the host only:
/// the base URL may carry credentials.
#[derive(Clone)]
pub struct MirrorClient {
    http: reqwest::Client,
    base: String,
    host: String,
    opts: ClientOptions,
    limiter: Option<Arc<RateLimiter>>,
    sent: Arc<AtomicU64>,
}

impl std::fmt::Debug for MirrorClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MirrorClient").field("host", &self.host).field("opts", &self.opts).finish_non_exhaustive()
    }
}

/// Pages followed at most for one listing, as a guard against a server whose `next` never ends.
const MAX_PAGES: usize = 100_000;

impl MirrorClient {
    /// A client for the mirror at `base` (`scheme://host[:port][/prefix]`, already normalised).
    pub fn new(base: &str, opts: ClientOptions) -> anyhow::Result<Self> {
        // Loading the system's CA roots costs tens of milliseconds; a plaintext mirror (local, private) needs none.
        let tls = base.starts_with("https:");
        let http = reqwest::Client::builder()
            .tls_built_in_root_certs(tls)
            .user_agent(concat!("hmon/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(opts.timeout.min(Duration::from_secs(5)))
            .timeout(opts.timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .build()?;
        let host = url::Url::parse(base)
            .ok()
            .and_then(|u| {
                u.host_str().map(|h| match u.port() {
                    Some(p) => format!("{h}:{p}"),
                    None => h.to_string(),
                })
            })
            .unwrap_or_else(|| "the mirror node".to_string());
        let base = base.trim_end_matches('/').to_string();
        Ok(Self { http, base, host, opts, limiter: None, sent: Arc::new(AtomicU64::new(0)) })
    }

    /// Limits this client (and its clones) to `per_second` requests a second, retries included.
    pub fn with_rate_limit(mut self, per_second: f64) -> Self {
        self.limiter = Some(Arc::new(RateLimiter::per_second(per_second)));
        self
    }

    /// HTTP requests sent so far by this client and its clones, retries included.
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// `host[:port]` of the mirror, for messages (never the full URL, which could carry credentials).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// GETs `path` (starting with `/api/v1/`) and decodes the JSON body, retrying where that is safe.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, MirrorError> {
        let url = format!("{}{path}", self.base);
        let body = self.fetch(&url, path).await?;
        serde_json::from_slice(&body).map_err(|e| MirrorError::Decode {
            host: self.host.clone(),
            path: strip_query(path).to_string(),
            reason: e.to_string(),
        })
    }

    /// Follows `links.next` from `first` until it is null or `limit` items are in; empty pages do not stop it.
    /// `progress` hears the running count after each page.
    pub async fn collect<P: Page>(
        &self,
        first: String,
        limit: Option<usize>,
        mut progress: impl FnMut(usize),
    ) -> Result<Vec<P::Item>, MirrorError> {
        let mut items = Vec::new();
        let mut path = first;
        for _ in 0..MAX_PAGES {
            let page: P = self.get(&path).await?;
            let (mut batch, next) = page.split();
            if let Some(limit) = limit {
                batch.truncate(limit.saturating_sub(items.len()));
            }
            items.extend(batch);
            progress(items.len());
            if limit.is_some_and(|l| items.len() >= l) {
                return Ok(items);
            }
            match next {
                Some(next) if next != path => path = self.relative(&next),
                Some(_) => return Err(self.decode_error(&path, "links.next points at the same page")),
                None => return Ok(items),
            }
        }
        Err(self.decode_error(&path, "more than 100000 pages"))
    }

    /// `links.next` is relative to the host (`/api/v1/...`); keep any prefix the base URL has.
    fn relative(&self, next: &str) -> String {
        if next.starts_with('/') {
            return next.to_string();
        }
        next.strip_prefix(&self.base).map_or_else(|| format!("/{next}"), str::to_string)
    }

    fn decode_error(&self, path: &str, reason: &str) -> MirrorError {
        MirrorError::Decode { host: self.host.clone(), path: strip_query(path).to_string(), reason: reason.into() }
    }

    async fn fetch(&self, url: &str, path: &str) -> Result<bytes::Bytes, MirrorError> {
        let policy = self.opts.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let outcome = self.attempt(url).await;
            tracing::debug!(path, attempt, elapsed_ms = started.elapsed().as_millis() as u64, outcome = %describe(&outcome), "mirror request");
            let (failure, retry_after) = match outcome {
                Ok((status, _, body)) if status.is_success() => return Ok(body),
                Ok((status, headers, body)) => {
                    let messages = serde_json::from_slice::<ErrorBody>(&body).map(|b| b.describe()).unwrap_or_default();
                    if status == StatusCode::NOT_FOUND {
                        return Err(MirrorError::NotFound { path: strip_query(path).to_string(), messages });
                    }
                    if status != StatusCode::TOO_MANY_REQUESTS && !status.is_server_error() {
                        return Err(MirrorError::Rejected {
                            host: self.host.clone(),
                            status: status.as_u16(),
                            messages,
                        });
                    }
                    let retry_after = headers
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, SystemTime::now()));
                    (Failure::Status(status.as_u16()), retry_after)
                }
                Err(e) if e.is_timeout() => (Failure::Timeout, None),
                Err(e) => (Failure::Transport(transport_reason(&e)), None),
            };
            if attempt >= policy.max_attempts {
                return Err(self.give_up(failure, attempt));
            }
            let backoff = policy.backoff(attempt, fastrand::f64());
            let wait = match retry_after {
                Some(asked) if asked > policy.max_retry_after => {
                    return Err(MirrorError::RateLimited {
                        host: self.host.clone(),
                        attempts: attempt,
                        retry_after: Some(asked),
                    });
                }
                Some(asked) => asked.max(backoff),
                None => backoff,
            };
            tracing::debug!(path, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(&self, url: &str) -> Result<(StatusCode, HeaderMap, bytes::Bytes), reqwest::Error> {
        if let Some(limiter) = &self.limiter {
            limiter.acquire().await;
        }
        self.sent.fetch_add(1, Ordering::Relaxed);
        let resp = self.http.get(url).header("Accept", "application/json").send().await?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await?;
        Ok((status, headers, body))
    }

    fn give_up(&self, failure: Failure, attempts: u32) -> MirrorError {
        let host = self.host.clone();
        match failure {
            Failure::Status(429) => MirrorError::RateLimited { host, attempts, retry_after: None },
            Failure::Status(status) => MirrorError::Server { host, status, attempts },
            Failure::Timeout => MirrorError::Timeout { host, attempts, timeout: self.opts.timeout },
            Failure::Transport(reason) => MirrorError::Connect { host, attempts, reason },
        }
    }
}

enum Failure {
    Status(u16),
    Timeout,
    Transport(String),
}

fn describe(outcome: &Result<(StatusCode, HeaderMap, bytes::Bytes), reqwest::Error>) -> String {
    match outcome {
        Ok((status, _, body)) => format!("HTTP {} ({} bytes)", status.as_u16(), body.len()),
        Err(e) => transport_reason(e),
    }
}

/// A short cause without the URL (reqwest's own Display includes it).
fn transport_reason(e: &reqwest::Error) -> String {
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    let mut last = None;
    while let Some(s) = source {
        last = Some(s.to_string());
        source = s.source();
    }
    match (e.is_connect(), last) {
        (true, Some(reason)) => format!("connection failed ({reason})"),
        (true, None) => "connection failed".to_string(),
        (false, Some(reason)) => reason,
        (false, None) => "request failed".to_string(),
    }
}

fn strip_query(path: &str) -> &str {
    path.split('?').next().unwrap_or(path)
}
