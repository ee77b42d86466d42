//! `hmon serve`: the durable pipeline (as `watch --store`) plus an HTTP server for health, readiness and
//! Prometheus metrics, until SIGTERM or Ctrl-C. `--check` validates the configuration and exits, like `nginx -t`.
//!
//! Stopping: the server stops accepting and `/-/ready` answers 503, the collectors stop, requests in flight and
//! deliveries get a few seconds to finish (undelivered notifications stay in the store's outbox), then exit 0. A
//! second signal exits at once (130).

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::signals::{notice, ReloadSignal, StopSignals};
use super::watch::claim_for_network;
use super::Context;
use crate::alertmanager::Forwarding;
use crate::error::Error;
use crate::pipeline::{Outputs, Plan};
use crate::serve::auth::Access;
use crate::serve::daemon::{self, DaemonHandle};
use crate::serve::session::Sessions;
use crate::serve::{self, AppState};
use crate::settings::Settings;
use crate::store::{Db, SqliteStore};
use crate::webhook::ShutdownReport;

#[derive(Debug, Args)]
#[command(after_help = "Status page: open http://<listen address>/ in a browser (http://127.0.0.1:8754/ by \
                        default) for the network's health, the watched accounts, node latency, alerts, silences and \
                        charts of the last hour, updated live. With an API token set, the page asks for the token \
                        once and keeps a session cookie (hmon_session_<port>) that reads but cannot change anything \
                        and ends after 12 hours, at Sign out, or when hmon restarts.\n\n\
                        API token: set HMON_API_TOKEN, or name a file holding it (mode 600) in [serve] token_file; \
                        the variable wins when both are set. Without a token, hmon listens on loopback only, reads are \
                        open and writes are refused; with one, every request but /-/healthy, /-/ready and the page \
                        needs Authorization: Bearer <token> (reads may use the page's session cookie instead).")]
pub struct ServeArgs {
    /// Address to listen on; beyond loopback only with an API token (HMON_API_TOKEN or [serve] token_file)
    /// [default: [serve] listen, else 127.0.0.1:8754]
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,

    /// Keep samples, alert state and the webhook outbox in this SQLite file [default: <data dir>/hmon/hmon.db]
    #[arg(long, value_name = "PATH")]
    pub store: Option<PathBuf>,

    /// Validate the configuration (accounts, rules, webhooks, collection, listen address, API token) and exit: 0
    /// when valid, 3 when not. Opens neither the store nor the network
    #[arg(long)]
    pub check: bool,

    /// Log lines on stderr as text or as JSON objects, one a line (start, stop and, with -v, every request)
    #[arg(long, value_enum, default_value_t = LogFormat::Text, value_name = "FORMAT")]
    pub log_format: LogFormat,
}

/// How `serve` writes its log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per line (tracing-subscriber's JSON format), for journald or a log shipper.
    Json,
}

/// How long deliveries may take to finish when stopping.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// How long stopping the pipeline may take in all before hmon exits anyway (within the 10 s a service manager
/// is promised).
const STOP_LIMIT: Duration = Duration::from_secs(8);
/// How long requests in flight may take to finish when stopping.
const DRAIN_GRACE: Duration = Duration::from_secs(5);

/// What `serve --check --json` prints.
#[derive(Debug, Serialize)]
struct CheckReport {
    valid: bool,
    listen: SocketAddr,
    accounts: usize,
    rules: usize,
    webhooks: usize,
    /// Alertmanagers alerts are forwarded to.
    alertmanagers: usize,
    /// Where the API token comes from (`HMON_API_TOKEN` or `[serve] token_file PATH`), never the token.
    token: Option<String>,
    /// Host names accepted besides the loopback names.
    hosts: Vec<String>,
}

pub async fn run(ctx: &Context, args: ServeArgs) -> anyhow::Result<()> {
    // Listening from the start: a signal during start-up stops cleanly too.
    let signals = (!args.check).then(StopSignals::listen);
    // SIGHUP's default action ends the process: listened from the start too, applied once the daemon runs.
    let hangup = (!args.check).then(ReloadSignal::listen);
    let config = &ctx.settings.config;
    let plan = Plan::from_config(config, &[], None)?;
    let token = serve::token::resolve(config, serve::token::from_env()?)?;
    let api_token = token.as_ref().map(|t| t.token.clone());
    let hosts: Arc<[String]> = serve::host::configured_hosts(config)?.into();
    let from_file = config.file.serve.as_ref().and_then(|s| s.listen.as_deref());
    let addr = serve::listen_addr(args.listen.as_deref(), from_file, token.is_some())?;
    if let Some(ignored) = token.as_ref().and_then(|t| t.ignored_file.as_ref()) {
        ctx.out.warn(&format!("{} is set: [serve] token_file {} is ignored", serve::token::ENV, ignored.display()));
    }
    let token_source = token.map(|t| t.source.to_string());
    // Checked before binding; the default generatorURL names the address bound (it may be port 0 here).
    let forwarding = Forwarding::from_config(config, addr, plan.interval)?;
    if forwarding.as_ref().is_some_and(|f| f.options.external_url.is_none()) && addr.ip().is_unspecified() {
        ctx.out.warn(&format!(
            "alerts sent to Alertmanager link to http://{addr}/, which no browser can open: set [serve] external_url \
             to the address people reach this server at"
        ));
    }
    let Some(mut signals) = signals else {
        let alertmanagers = forwarding.as_ref().map_or(0, |f| f.targets.len());
        return check(ctx, &plan, addr, token_source, &hosts, alertmanagers);
    };

    let listener =
        tokio::net::TcpListener::bind(addr).await.map_err(|e| Error::local(format!("cannot listen on {addr}: {e}")))?;
    let bound = listener.local_addr().map_err(|e| Error::local(format!("cannot listen on {addr}: {e}")))?;

    let path = super::store_path(args.store.as_deref())?;
    let db = Db::open_owned(&path)?;
    claim_for_network(&db, &ctx.settings.network.value.name)?;
    let store = Arc::new(SqliteStore::with_heartbeat(db.clone(), plan.heartbeat));
    // The first reader is dropped at once: kept unread, it would hold the newest events (tens of MB of samples).
    // Alerts are logged by the pipeline itself; event streams subscribe while they are open.
    let (outputs, first_reader) = Outputs::new(plan.accounts.len());
    drop(first_reader);
    let overrides = ctx.overrides.clone();
    let resolve: daemon::Resolve = Box::new(move || Settings::resolve(overrides.clone(), |k| std::env::var(k).ok()));
    let settings = resolve()?;
    let model = outputs.model.handle();
    // The daemon forwards alerts beside the pipeline and applies changes to the forwarding on reload.
    let forwarding = forwarding.map(|f| f.listening_on(bound));
    let canary = match &plan.canary {
        Some(_) => Some(Arc::new(crate::canary::operator::load(&settings, ctx.mirror()?).await?)),
        None => None,
    };
    let start = daemon::Start {
        settings,
        out: ctx.out.clone(),
        resolve,
        db: db.clone(),
        store,
        listen: bound,
        forwarding,
        canary,
    };
    let daemon = daemon::start(start, outputs)
        .with_context(|| format!("cannot start the pipeline on the store {}", db.path()))?;

    let ready = Arc::new(AtomicBool::new(true));
    let (stopping, stopping_rx) = tokio::sync::watch::channel(false);
    let state = AppState {
        model,
        db,
        network: ctx.settings.network.value.name.as_str().into(),
        started: Instant::now(),
        version: env!("CARGO_PKG_VERSION"),
        ready: ready.clone(),
        collectors: plan.collectors().into_iter().map(String::from).collect(),
        loopback_only: bound.ip().is_loopback(),
        daemon: Some(daemon.clone()),
        stopping: stopping_rx,
        // The session cookie is named after the port bound (not 0), so instances on one host keep theirs apart.
        access: Access { token: api_token, hosts, sessions: Sessions::new(bound.port()) },
        metrics: serve::metrics::Cache::default(),
        status: Default::default(),
    };
    let (stop_server, server_stopped) = tokio::sync::oneshot::channel::<()>();
    let mut server = tokio::spawn(serve::run(listener, serve::app(state), async {
        let _ = server_stopped.await;
    }));
    // With JSON logs, stderr holds JSON only: the "serving" event says the same.
    let human = !ctx.out.quiet && args.log_format == LogFormat::Text;
    if human {
        let _ = writeln!(std::io::stderr(), "hmon: listening on http://{bound} (store {})", path.display());
    }
    let token_shown = token_source.as_deref().unwrap_or("none");
    tracing::info!(address = %bound, store = %path.display(), token = %token_shown, "serving");

    let hangup = hangup.unwrap_or_else(ReloadSignal::listen);
    let failure = serve_until_stopped(&mut signals, hangup, &mut server, &daemon).await;
    // A second signal stops at once; the durable outbox keeps what was not delivered.
    tokio::spawn(async move {
        signals.next().await;
        let said = notice("hmon: stopped at once; undelivered notifications stay queued");
        let _ = said.recv_timeout(Duration::from_millis(200));
        std::process::exit(130);
    });
    if human && failure.is_none() {
        notice("hmon: stopping (Ctrl-C again to stop at once)");
    }
    tracing::info!("stopping");
    ready.store(false, Ordering::Release);
    let _ = stopping.send(true);
    let _ = stop_server.send(());
    let drained = async {
        if failure.is_none() && tokio::time::timeout(DRAIN_GRACE, &mut server).await.is_err() {
            tracing::warn!("requests still in flight after {DRAIN_GRACE:?} were cut off");
            server.abort();
        }
    };
    // The pipeline may be busy with a reload: past the limit, exit anyway (the outbox keeps what is undelivered).
    let stopped = tokio::time::timeout(STOP_LIMIT, daemon.stop(STOP_GRACE));
    let (stopped, ()) = tokio::join!(stopped, drained);
    let report = stopped.unwrap_or_else(|_| {
        tracing::warn!("the pipeline did not stop within {STOP_LIMIT:?}; undelivered notifications stay queued");
        ShutdownReport::default()
    });
    if report.left_pending > 0 {
        ctx.out.warn(&format!(
            "{} notifications were not delivered in time: kept in the store for the next run",
            report.left_pending
        ));
    }
    tracing::info!("stopped");
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Serves until a stop signal (`None`) or the server fails (the error); SIGHUP reloads the configuration.
async fn serve_until_stopped(
    signals: &mut StopSignals,
    mut hangup: ReloadSignal,
    server: &mut tokio::task::JoinHandle<std::io::Result<()>>,
    daemon: &DaemonHandle,
) -> Option<anyhow::Error> {
    loop {
        tokio::select! {
            _ = signals.next() => return None,
            _ = hangup.next() => {
                tracing::info!("SIGHUP: reloading the configuration");
                // On its own task: a stop signal is heard while the reload runs. A refusal is logged by the daemon.
                let daemon = daemon.clone();
                tokio::spawn(async move { daemon.reload().await });
            }
            ended = &mut *server => {
                return Some(match ended {
                    Ok(Ok(())) => anyhow::anyhow!("the HTTP server stopped on its own"),
                    Ok(Err(e)) => anyhow::Error::new(e).context("the HTTP server failed"),
                    Err(e) => anyhow::Error::new(e).context("the HTTP server failed"),
                });
            }
        }
    }
}

/// `serve --check`: everything is parsed and valid (the errors on the way out exit 3).
fn check(
    ctx: &Context,
    plan: &Plan,
    listen: SocketAddr,
    token: Option<String>,
    hosts: &[String],
    alertmanagers: usize,
) -> anyhow::Result<()> {
    let report = CheckReport {
        valid: true,
        listen,
        accounts: plan.accounts.len(),
        rules: plan.rules.len(),
        webhooks: plan.webhooks.len(),
        alertmanagers,
        token,
        hosts: hosts.to_vec(),
    };
    if ctx.out.json {
        return ctx.out.json(&report);
    }
    let api = match &report.token {
        Some(source) => format!("API token from {source}"),
        None => "no API token: reads open, writes refused".to_string(),
    };
    ctx.out.text(&format!(
        "configuration is valid: {} accounts, {} rules, {} webhooks, {} alertmanagers; would listen on {listen}; {api}\n",
        report.accounts, report.rules, report.webhooks, report.alertmanagers
    ))
}
