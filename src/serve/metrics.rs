//! `GET /metrics`: the pipeline's read model in the Prometheus text format 0.0.4.
//!
//! Every series of the model's latest samples becomes `hmon_<metric>` with the sample's labels: a gauge, or a
//! counter named `hmon_<metric>_total` for the metrics that only count up. The pipeline's own health comes beside
//! them: build, uptime, alerts by state and severity, silences, the webhook outbox and store failures. Samples
//! carry no timestamps: Prometheus stamps them at the scrape, and a stale one would be dropped as out of order.
//!
//! The text is written here (see [`exposition`]) rather than by a client library: hmon already keeps its metrics
//! in the model, so a registry would be a second copy.
//!
//! The model changes once per collector cycle while scrapes may come far more often: the handler keeps the text of
//! the latest model version ([`Cache`]) and only splices in `hmon_uptime_seconds`, the one family that changes
//! without the model.

mod exposition;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use bytes::Bytes;

use super::AppState;
use crate::metrics::Sample;
use crate::pipeline::model::Model;
use crate::pipeline::ModelHandle;
use crate::webhook::Severity;

use exposition::{is_metric_name, Family, Kind};

/// The `Content-Type` of [`render`]'s text. Prometheus 3 fails a scrape whose content type is missing or unknown.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The prefix of every family.
const PREFIX: &str = "hmon_";

/// The family of the time since start: the only one that changes while the model does not.
const UPTIME: &str = "hmon_uptime_seconds";

/// Each metric the collectors produce: whether it counts up, and its help text.
const METRICS: &[(&str, Kind, &str)] = &[
    ("account_balance_hbar", Kind::Gauge, "Balance of a watched account, in hbar."),
    ("account_token_balance", Kind::Gauge, "Token balance of a watched account, in whole tokens."),
    ("account_transactions", Kind::Gauge, "Transactions of a watched account since the previous cycle."),
    (
        "accounts_streaming",
        Kind::Gauge,
        "Whether the accounts collector follows the network's transaction stream (1) or per-account batches (0).",
    ),
    (
        "accounts_stream_lag_seconds",
        Kind::Gauge,
        "Now minus the newest consensus timestamp the accounts stream has applied (in stream mode only).",
    ),
    (
        "accounts_drift",
        Kind::Counter,
        "Balance reads that lined up with the balance derived from the stream and differed since hmon started; the \
         read wins.",
    ),
    ("network_nodes", Kind::Gauge, "Consensus nodes in the address book."),
    ("network_stake_hbar", Kind::Gauge, "Total stake of the network, in hbar."),
    ("node_up", Kind::Gauge, "Whether the node answered the last probe (1) or not (0)."),
    ("node_latency_seconds", Kind::Gauge, "Round trip of the last probe of the node, when it answered."),
    ("mirror_lag_seconds", Kind::Gauge, "Now minus the newest consensus timestamp on the mirror node."),
    ("network_tps", Kind::Gauge, "Transactions per second over the newest 10 blocks."),
    ("collector_up", Kind::Gauge, "Whether the collector's last cycle succeeded (1) or failed (0)."),
    ("collector_errors", Kind::Counter, "Errors of the collector since hmon started."),
    ("collector_duration_seconds", Kind::Gauge, "How long the collector's last cycle took."),
    ("webhook_deliveries", Kind::Counter, "Notifications the webhook's receiver accepted since hmon started."),
    ("webhook_failures", Kind::Counter, "Delivery attempts to the webhook that failed since hmon started."),
    ("webhook_dropped", Kind::Counter, "Notifications to the webhook given up on since hmon started."),
    ("webhook_dead_letters", Kind::Gauge, "Notifications to the webhook given up on and kept as dead letters."),
    ("canary_submit_seconds", Kind::Gauge, "From sending the node's last canary transaction to its acceptance."),
    ("canary_handle_seconds", Kind::Gauge, "From sending the node's last canary transaction to its SUCCESS receipt."),
    ("canary_e2e_seconds", Kind::Gauge, "From sending the node's last canary transaction to its record on the mirror."),
    (
        "canary_success",
        Kind::Gauge,
        "Whether the last canary transaction through the node succeeded end to end (1) or not (0).",
    ),
    ("canary_fee_hbar", Kind::Gauge, "The fee the node's last canary transaction was charged, in hbar."),
    ("canary_errors", Kind::Counter, "Canary tries failed for the reason since hmon started."),
];

/// The model as Prometheus text, ready to send with [`CONTENT_TYPE`]: families in name order, each with its
/// `# HELP` and `# TYPE` lines and all its samples. `build_version` becomes `hmon_build_info{version}`, `uptime`
/// `hmon_uptime_seconds`.
pub fn render(model: &Model, build_version: &str, uptime: Duration) -> String {
    Rendered::new(model, build_version).with_uptime(uptime)
}

/// The exposition of one state of the model, but for `hmon_uptime_seconds`: the text of the families before it
/// and of those after it.
#[derive(Debug)]
pub struct Rendered {
    before: Bytes,
    after: Bytes,
}

impl Rendered {
    /// Renders `model`; `build_version` becomes `hmon_build_info{version}`.
    pub fn new(model: &Model, build_version: &str) -> Self {
        let mut families = own_families(model, build_version);
        let mut reserved: Vec<String> = families.keys().cloned().collect();
        reserved.push(UPTIME.to_string());
        for sample in model.latest.values() {
            add_sample(&mut families, &reserved, sample);
        }
        // A collector that has run but whose `collector_up` sample is missing still shows whether it is up; a
        // sample of the same collector, added first, wins.
        let up =
            families.entry(family_name("collector_up", Kind::Gauge)).or_insert_with(|| sample_family("collector_up"));
        for (collector, health) in &model.collectors {
            up.add([("collector", collector.as_str())], if health.up { 1.0 } else { 0.0 });
        }
        let (mut before, mut after) = (String::new(), String::new());
        for family in families.into_values() {
            // Families are written in name order: the uptime family goes between those before it and after it.
            let out = if family.name() < UPTIME { &mut before } else { &mut after };
            family.write(out);
        }
        Self { before: Bytes::from(before), after: Bytes::from(after) }
    }

    /// The text of the `hmon_uptime_seconds` family at `uptime`.
    fn uptime(uptime: Duration) -> Bytes {
        let mut family = Family::new(UPTIME.to_string(), Kind::Gauge, "Time since hmon started.");
        family.add([], uptime.as_secs_f64());
        let mut out = String::with_capacity(128);
        family.write(&mut out);
        Bytes::from(out)
    }

    /// The whole text, with `hmon_uptime_seconds` at `uptime` in its place.
    pub fn with_uptime(&self, uptime: Duration) -> String {
        let parts = [self.before.clone(), Self::uptime(uptime), self.after.clone()];
        let mut out = Vec::with_capacity(parts.iter().map(Bytes::len).sum());
        for part in parts {
            out.extend_from_slice(&part);
        }
        String::from_utf8(out).expect("rendered from strings")
    }

    /// The whole text as a response body that shares the rendered parts instead of copying them, with its exact
    /// length (so the answer has a `Content-Length`).
    pub fn body(&self, uptime: Duration) -> axum::body::Body {
        shared_body([self.before.clone(), Self::uptime(uptime), self.after.clone()])
    }
}

/// A response body made of `parts`, sent one after the other without copying them, with its exact length (so the
/// answer has a `Content-Length`).
pub fn shared_body(parts: impl IntoIterator<Item = Bytes>) -> axum::body::Body {
    axum::body::Body::new(Chunks::new(parts))
}

/// A response body of a few shared chunks, sent one after the other.
struct Chunks {
    parts: std::collections::VecDeque<Bytes>,
    left: u64,
}

impl Chunks {
    fn new(parts: impl IntoIterator<Item = Bytes>) -> Self {
        let parts: std::collections::VecDeque<Bytes> = parts.into_iter().filter(|p| !p.is_empty()).collect();
        let left = parts.iter().map(|p| p.len() as u64).sum();
        Chunks { parts, left }
    }
}

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        let next = self.parts.pop_front();
        if let Some(part) = &next {
            self.left -= part.len() as u64;
        }
        std::task::Poll::Ready(next.map(|part| Ok(http_body::Frame::data(part))))
    }

    fn is_end_stream(&self) -> bool {
        self.parts.is_empty()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.left)
    }
}

/// The latest [`Rendered`] exposition and the model version it shows, shared by every request: `/metrics` renders
/// the model once per change, not once per scrape.
#[derive(Debug, Clone, Default)]
pub struct Cache(Arc<Mutex<Option<Cached>>>);

/// A model version and its exposition.
type Cached = (u64, Arc<Rendered>);

impl Cache {
    /// The exposition of `model` as it is now (or newer), rendered only if the model changed since the last call.
    /// Concurrent callers after a change wait for one render instead of each rendering.
    pub fn get(&self, model: &ModelHandle, build_version: &str) -> Arc<Rendered> {
        let mut cached = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // The version first: the model read after it is at least that new, so the text is never older than its key.
        let version = model.version();
        if let Some((at, rendered)) = cached.as_ref() {
            if *at == version {
                return rendered.clone();
            }
        }
        let rendered = Arc::new(Rendered::new(&model.read(), build_version));
        *cached = Some((version, rendered.clone()));
        rendered
    }
}

/// The name of every family `/metrics` can serve: each metric of [`METRICS`] and the pipeline's own families, in
/// name order. For checking what dashboards and alert rules elsewhere query.
pub fn family_names() -> Vec<String> {
    let own = own_families(&Model::default(), "").into_keys().chain([UPTIME.to_string()]);
    let mut names: Vec<String> =
        own.chain(METRICS.iter().map(|(metric, kind, _)| family_name(metric, *kind))).collect();
    names.sort();
    names
}

/// `hmon_<metric>`, with `_total` for a counter.
fn family_name(metric: &str, kind: Kind) -> String {
    match kind {
        Kind::Counter => format!("{PREFIX}{metric}_total"),
        Kind::Gauge => format!("{PREFIX}{metric}"),
    }
}

/// Whether `metric` counts up: as [`METRICS`] says, and a gauge for a metric not described there.
fn kind_of(metric: &str) -> Kind {
    METRICS.iter().find(|(name, ..)| *name == metric).map_or(Kind::Gauge, |(_, kind, _)| *kind)
}

/// The empty family of `metric`, with its help text from [`METRICS`] (or a plain one).
fn sample_family(metric: &str) -> Family {
    match METRICS.iter().find(|(name, ..)| *name == metric) {
        Some((_, kind, help)) => Family::new(family_name(metric, *kind), *kind, *help),
        None => Family::new(family_name(metric, Kind::Gauge), Kind::Gauge, format!("The latest {metric} sample.")),
    }
}

/// Adds `sample` to its family. Left out: a metric name that is not a valid name, that would read as a counter,
/// histogram or summary series (`_total`, `_count`, `_sum`, `_bucket`) without being one, or that would fall into
/// one of the pipeline's own families (`reserved`); and a sample with an invalid label name.
fn add_sample(families: &mut BTreeMap<String, Family>, reserved: &[String], sample: &Sample) {
    let metric = &*sample.name;
    let name = family_name(metric, kind_of(metric));
    let suffixed = ["_total", "_count", "_sum", "_bucket"].iter().any(|s| metric.ends_with(s));
    if !is_metric_name(metric) || suffixed || reserved.contains(&name) {
        return;
    }
    let family = families.entry(name).or_insert_with(|| sample_family(metric));
    family.add(sample.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())), sample.value);
}

/// The pipeline's own families, by name, but for [`UPTIME`].
fn own_families(model: &Model, build_version: &str) -> BTreeMap<String, Family> {
    let mut families = Vec::new();

    let mut build = Family::new(format!("{PREFIX}build_info"), Kind::Gauge, "hmon's version, as a label; always 1.");
    build.add([("version", build_version)], 1.0);
    families.push(build);

    let mut alerts =
        Family::new(format!("{PREFIX}alerts"), Kind::Gauge, "Alerts pending or firing now, by state and severity.");
    for state in ["pending", "firing"] {
        for severity in [Severity::Info, Severity::Warning, Severity::Critical] {
            let count = model.alerts.iter().filter(|a| a.state == state && a.severity == severity).count();
            alerts.add([("state", state), ("severity", severity.as_str())], count as f64);
        }
    }
    families.push(alerts);

    let mut silences = Family::new(format!("{PREFIX}silences"), Kind::Gauge, "Silences in force.");
    silences.add([], model.silences.len() as f64);
    families.push(silences);

    let mut pending = Family::new(
        format!("{PREFIX}webhook_pending"),
        Kind::Gauge,
        "Notifications to the webhook queued, in flight or waiting for their next attempt.",
    );
    for (webhook, stats) in &model.delivery.per_webhook {
        pending.add([("webhook", webhook.as_str())], stats.pending as f64);
    }
    families.push(pending);

    let mut store = Family::new(
        format!("{PREFIX}store_failures_total"),
        Kind::Counter,
        "Reads and writes of hmon's store that failed since hmon started.",
    );
    store.add([], model.store_failures as f64);
    families.push(store);
    families.extend(alertmanager_families(&model.alertmanager));

    families.into_iter().map(|f| (f.name().to_string(), f)).collect()
}

/// `hmon_alertmanager_*`: what the Alertmanager forwarder sent, per Alertmanager, and the alerts in its list.
fn alertmanager_families(stats: &crate::alertmanager::Stats) -> [Family; 5] {
    let family = |name: &str, kind, help: &str| Family::new(format!("{PREFIX}alertmanager_{name}"), kind, help);
    let mut sent = family("sent_total", Kind::Counter, "Posts of the alert list the Alertmanager accepted.");
    let mut invalid = family(
        "invalid_total",
        Kind::Counter,
        "Posts of the alert list the Alertmanager answered 400: it kept the valid alerts and refused the others \
         (hmon logs its answer).",
    );
    let mut errors = family(
        "errors_total",
        Kind::Counter,
        "Posts of the alert list to the Alertmanager that failed (no answer, timeout, a 5xx, or a 4xx other than \
         400).",
    );
    let mut up = family(
        "up",
        Kind::Gauge,
        "Whether the Alertmanager took the latest post (1) or not (0); an empty list is posted at every re-send \
         when there is nothing to send.",
    );
    for (name, target) in &stats.per_alertmanager {
        sent.add([("alertmanager", name.as_str())], target.sent as f64);
        invalid.add([("alertmanager", name.as_str())], target.invalid as f64);
        errors.add([("alertmanager", name.as_str())], target.errors as f64);
        up.add([("alertmanager", name.as_str())], if target.up { 1.0 } else { 0.0 });
    }
    let mut alerts = family(
        "alerts",
        Kind::Gauge,
        "Alerts in the list sent to the Alertmanagers, by state (firing includes the watchdog; resolved ones are \
         sent for 15 minutes).",
    );
    // Without an Alertmanager, nothing is forwarded: the family stays empty (and is left out).
    if !stats.per_alertmanager.is_empty() {
        alerts.add([("state", "firing")], stats.firing as f64);
        alerts.add([("state", "resolved")], stats.resolved as f64);
    }
    [sent, invalid, errors, up, alerts]
}

/// `GET /metrics`: [`render`] with [`CONTENT_TYPE`], from the [`Cache`] while the model has not changed.
pub async fn handler(State(state): State<AppState>) -> impl IntoResponse {
    let body = state.metrics.get(&state.model, state.version).body(state.started.elapsed());
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], body)
}

#[cfg(test)]
pub(crate) mod tests;
