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
use clap::Args;
use serde::Serialize;

use super::signals::{notice, StopSignals};
use super::watch::claim_for_network;
use super::Context;
use crate::error::Error;
use crate::pipeline::{self, Monitor, Parts, Plan};
use crate::serve::{self, AppState};
use crate::store::{Db, SqliteStore};
use crate::webhook::{Dispatcher, DispatcherOptions, Outbox};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on, loopback only for now [default: [serve] listen, else 127.0.0.1:8754]
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,

    /// Keep samples, alert state and the webhook outbox in this SQLite file [default: <data dir>/hmon/hmon.db]
    #[arg(long, value_name = "PATH")]
    pub store: Option<PathBuf>,

    /// Validate the configuration (accounts, rules, webhooks, collection, listen address) and exit: 0 when valid,
    /// 3 when not. Opens neither the store nor the network
    #[arg(long)]
    pub check: bool,
}

/// How long deliveries may take to finish when stopping.
const STOP_GRACE: Duration = Duration::from_secs(5);
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
}

pub async fn run(ctx: &Context, args: ServeArgs) -> anyhow::Result<()> {
    // Listening from the start: a signal during start-up stops cleanly too.
    let signals = (!args.check).then(StopSignals::listen);
    let config = &ctx.settings.config;
    let plan = Plan::from_config(config, &[], None)?;
    let from_file = config.file.serve.as_ref().and_then(|s| s.listen.as_deref());
    let addr = serve::listen_addr(args.listen.as_deref(), from_file)?;
    let Some(mut signals) = signals else {
        return check(ctx, &plan, addr);
    };

    let listener =
        tokio::net::TcpListener::bind(addr).await.map_err(|e| Error::local(format!("cannot listen on {addr}: {e}")))?;
    let bound = listener.local_addr().map_err(|e| Error::local(format!("cannot listen on {addr}: {e}")))?;

    let path = super::store_path(args.store.as_deref())?;
    let db = Db::open_owned(&path)?;
    claim_for_network(&db, &ctx.settings.network.value.name)?;
    let store = Arc::new(SqliteStore::with_heartbeat(db.clone(), plan.heartbeat));
    let manager =
        pipeline::restore(&plan, &db).with_context(|| format!("cannot read the alert state in {}", db.path()))?;
    let dispatcher = Dispatcher::start(plan.webhooks.clone(), Outbox::new(db.clone()), DispatcherOptions::default())?;
    let parts = Parts {
        plan: plan.clone(),
        client: ctx.mirror()?.clone(),
        network: ctx.settings.network.value.clone(),
        store,
        db: db.clone(),
        manager,
        dispatcher,
        once: false,
    };
    // Nobody reads the event stream yet: the model has everything the server shows. The first reader is dropped at
    // once: kept unread, it would hold the newest `EVENT_BUFFER` events (65,536 samples, tens of MB) for nothing.
    let (monitor, first_reader) = Monitor::start(parts);
    drop(first_reader);

    let ready = Arc::new(AtomicBool::new(true));
    let state = AppState {
        model: monitor.model(),
        db,
        network: ctx.settings.network.value.name.as_str().into(),
        started: Instant::now(),
        version: env!("CARGO_PKG_VERSION"),
        ready: ready.clone(),
        collectors: plan.collectors().into_iter().map(String::from).collect(),
        loopback_only: bound.ip().is_loopback(),
        metrics: serve::metrics::Cache::default(),
    };
    let (stop_server, server_stopped) = tokio::sync::oneshot::channel::<()>();
    let mut server = tokio::spawn(serve::run(listener, serve::app(state), async {
        let _ = server_stopped.await;
    }));
    if !ctx.out.quiet {
        let _ = writeln!(std::io::stderr(), "hmon: listening on http://{bound} (store {})", path.display());
    }
    tracing::info!(address = %bound, "serving");

    let mut failure = None;
    tokio::select! {
        _ = signals.next() => {}
        ended = &mut server => {
            failure = Some(match ended {
                Ok(Ok(())) => anyhow::anyhow!("the HTTP server stopped on its own"),
                Ok(Err(e)) => anyhow::Error::new(e).context("the HTTP server failed"),
                Err(e) => anyhow::Error::new(e).context("the HTTP server failed"),
            });
        }
    }
    // A second signal stops at once; the durable outbox keeps what was not delivered.
    tokio::spawn(async move {
        signals.next().await;
        let said = notice("hmon: stopped at once; undelivered notifications stay queued");
        let _ = said.recv_timeout(Duration::from_millis(200));
        std::process::exit(130);
    });
    if !ctx.out.quiet && failure.is_none() {
        notice("hmon: stopping (Ctrl-C again to stop at once)");
    }
    ready.store(false, Ordering::Release);
    let _ = stop_server.send(());
    monitor.stop();
    let drained = async {
        if failure.is_none() && tokio::time::timeout(DRAIN_GRACE, &mut server).await.is_err() {
            tracing::warn!("requests still in flight after {DRAIN_GRACE:?} were cut off");
            server.abort();
        }
    };
    let (report, ()) = tokio::join!(monitor.finish(STOP_GRACE, false), drained);
    if report.left_pending > 0 {
        ctx.out.warn(&format!(
            "{} notifications were not delivered in time: kept in the store for the next run",
            report.left_pending
        ));
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// `serve --check`: everything is parsed and valid (the errors on the way out exit 3).
fn check(ctx: &Context, plan: &Plan, listen: SocketAddr) -> anyhow::Result<()> {
    let report = CheckReport {
        valid: true,
        listen,
        accounts: plan.accounts.len(),
        rules: plan.rules.len(),
        webhooks: plan.webhooks.len(),
    };
    if ctx.out.json {
        return ctx.out.json(&report);
    }
    ctx.out.text(&format!(
        "configuration is valid: {} accounts, {} rules, {} webhooks; would listen on {listen}\n",
        report.accounts, report.rules, report.webhooks
    ))
}
