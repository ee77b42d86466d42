//! `hmon watch`: run the collectors and the alert pipeline in the foreground.
//!
//! On a terminal, a live view redraws in place; with `--json` or in a pipe, JSON Lines, one event per line.
//! Ctrl-C or SIGTERM stops the collectors, lets in-flight deliveries finish (or leaves them in the durable
//! outbox) and exits 0.

mod view;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;
use tokio::sync::mpsc;

use super::Context;
use crate::pipeline::{Event, Monitor, Parts, Plan};
use crate::store::{MemoryStore, MetricStore, SqliteStore};
use crate::timestamp::parse_duration;
use crate::webhook::{Dispatcher, DispatcherOptions, Outbox};

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// How often to collect account and mirror data, e.g. 10s (at least 2s) [default: [collect] interval, else 10s]
    #[arg(long, value_name = "DURATION")]
    pub interval: Option<String>,

    /// An account to watch, in addition to the config's [[accounts]] (repeatable)
    #[arg(long = "account", value_name = "ACCOUNT")]
    pub accounts: Vec<String>,

    /// Run one collection cycle, evaluate the rules, deliver the notifications, then exit
    #[arg(long)]
    pub once: bool,

    /// Keep samples in this SQLite file instead of memory; also makes the webhook outbox durable
    #[arg(long, value_name = "PATH")]
    pub store: Option<PathBuf>,
}

/// How long deliveries may take to finish when stopping (Ctrl-C) and after `--once`.
const STOP_GRACE: Duration = Duration::from_secs(5);
const ONCE_GRACE: Duration = Duration::from_secs(30);

pub async fn run(ctx: &Context, args: WatchArgs) -> anyhow::Result<()> {
    let interval = args.interval.as_deref().map(|s| parse_duration(s, "--interval")).transpose()?;
    let plan = Plan::from_config(&ctx.settings.config, &args.accounts, interval)?;
    let (store, outbox): (Arc<dyn MetricStore>, Outbox) = match &args.store {
        Some(path) => (
            Arc::new(SqliteStore::open(path)?),
            Outbox::open_sqlite(path).with_context(|| format!("cannot open the outbox in {}", path.display()))?,
        ),
        None => (Arc::new(MemoryStore::default()), Outbox::memory()),
    };
    let dispatcher = Dispatcher::start(plan.webhooks.clone(), outbox, DispatcherOptions::default())?;
    let live = !ctx.out.json && ctx.out.stdout_tty;
    let network = ctx.settings.network.value.clone();
    let header = format!("{} (mirror {})", network.name, ctx.mirror()?.host());
    let parts =
        Parts { plan: plan.clone(), client: ctx.mirror()?.clone(), network, store, dispatcher, once: args.once };
    let (monitor, events) = Monitor::start(parts);
    let mut printer = if live {
        tokio::spawn(view::run(events, header, plan, ctx.out.clone(), args.once))
    } else {
        tokio::spawn(json_lines(events))
    };

    let mut printer_done = false;
    let grace = if args.once {
        ONCE_GRACE
    } else {
        // Stop on a signal, or when the reader of our output went away (`hmon watch | head`).
        tokio::select! {
            _ = stop_signal() => {}
            _ = &mut printer => printer_done = true,
        }
        monitor.stop();
        STOP_GRACE
    };
    let report = monitor.finish(grace, args.once).await;
    if !printer_done {
        let _ = printer.await;
    }
    if report.left_pending > 0 {
        let place = if args.store.is_some() { "kept in the outbox for the next run" } else { "lost (no --store)" };
        ctx.out.warn(&format!("{} notifications were not delivered in time: {place}", report.left_pending));
    }
    Ok(())
}

/// JSON Lines on stdout until the events end or the reader goes away.
async fn json_lines(mut events: mpsc::UnboundedReceiver<Event>) {
    while let Some(event) = events.recv().await {
        let Ok(line) = serde_json::to_string(&event) else { continue };
        let mut out = std::io::stdout().lock();
        if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
            return;
        }
    }
}

/// Ctrl-C or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
