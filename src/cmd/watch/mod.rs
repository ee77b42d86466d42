//! `hmon watch`: run the collectors and the alert pipeline in the foreground.
//!
//! On a terminal, a live view redraws in place; with `--json` or in a pipe, JSON Lines, one event per line.
//! Ctrl-C or SIGTERM stops the collectors, lets in-flight deliveries finish (or leaves them in the durable
//! outbox) and exits 0; a second one exits at once (130). `--once` exits 1 when a collector failed or a
//! notification is still undelivered.

mod view;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;
use tokio::sync::{broadcast, oneshot};

use super::signals::{notice, StopSignals};
use super::Context;
use crate::error::Error;
use crate::pipeline::{self, Event, Monitor, Parts, Plan};
use crate::store::{Db, MetricStore, SqliteStore};
use crate::text::Inert;
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

    /// Run one collection cycle, evaluate the rules, deliver the notifications, then exit (for cron: state,
    /// cursors and the outbox are kept in the store file from run to run)
    #[arg(long)]
    pub once: bool,

    /// Keep samples, alert state and the webhook outbox in this SQLite file [default: memory; with --once,
    /// <data dir>/hmon/hmon.db]
    #[arg(long, value_name = "PATH")]
    pub store: Option<PathBuf>,
}

/// How long deliveries may take to finish when stopping (Ctrl-C) and after `--once`.
const STOP_GRACE: Duration = Duration::from_secs(5);
const ONCE_GRACE: Duration = Duration::from_secs(30);
/// How long the output may take to drain after the pipeline stopped (a stalled reader does not hold hmon).
const OUTPUT_GRACE: Duration = Duration::from_secs(2);

pub async fn run(ctx: &Context, args: WatchArgs) -> anyhow::Result<()> {
    // Listening from the start: a signal during start-up stops cleanly too (`--once` keeps the default: it ends).
    let signals = (!args.once).then(StopSignals::listen);
    let interval = args.interval.as_deref().map(|s| parse_duration(s, "--interval")).transpose()?;
    let plan = Plan::from_config(&ctx.settings.config, &args.accounts, interval)?;
    // Durable with --store, and always with --once: cron runs must carry state from one run to the next.
    let path = match (&args.store, args.once) {
        (Some(path), _) => Some(path.clone()),
        (None, true) => Some(super::store_path(None)?),
        (None, false) => None,
    };
    // Without a store file, samples are not kept: nothing in `watch` reads them back (the model holds the newest
    // of each series), and a long list would keep up to a run per change.
    let (db, store): (Arc<Db>, Option<Arc<dyn MetricStore>>) = match &path {
        Some(path) => {
            let db = Db::open_owned(path)?;
            claim_for_network(&db, &ctx.settings.network.value.name)?;
            (db.clone(), Some(Arc::new(SqliteStore::with_heartbeat(db, plan.heartbeat))))
        }
        None => (Db::in_memory()?, None),
    };
    // The canary's credentials are checked before anything runs: a key that is not the account's is refused.
    let canary = match &plan.canary {
        Some(_) => Some(Arc::new(crate::canary::operator::load(&ctx.settings, ctx.mirror()?).await?)),
        None => None,
    };
    let manager =
        pipeline::restore(&plan, &db).with_context(|| format!("cannot read the alert state in {}", db.path()))?;
    let dispatcher = Dispatcher::start(plan.webhooks.clone(), Outbox::new(db.clone()), DispatcherOptions::default())?;
    let live = !ctx.out.json && ctx.out.stdout_tty;
    let network = ctx.settings.network.value.clone();
    let header = format!("{} (mirror {})", network.name, ctx.mirror()?.host());
    let client = ctx.mirror()?.clone();
    let parts = Parts {
        plan: plan.clone(),
        client,
        network,
        store,
        db,
        manager,
        dispatcher,
        once: args.once,
        outputs: None,
        canary,
    };
    let (monitor, events) = Monitor::start(parts);
    let model = monitor.model();
    let mut printer = if live {
        drop(events);
        let (done, finished) = oneshot::channel();
        let view = view::run(monitor.model(), header, plan, ctx.out.clone(), args.once);
        tokio::spawn(async move {
            view.await;
            let _ = done.send(());
        });
        finished
    } else {
        json_lines(events, monitor.model())
    };

    let mut printer_done = false;
    let grace = if let Some(mut signals) = signals {
        // Stop on a signal, or when the reader of our output went away (`hmon watch | head`).
        tokio::select! {
            _ = signals.next() => {}
            _ = &mut printer => printer_done = true,
        }
        // A second Ctrl-C stops at once; the durable outbox keeps what was not delivered.
        tokio::spawn(async move {
            signals.next().await;
            let said = notice("hmon: stopped at once; undelivered notifications stay queued");
            let _ = said.recv_timeout(Duration::from_millis(200));
            std::process::exit(130);
        });
        if !ctx.out.quiet {
            notice("hmon: stopping (Ctrl-C again to stop at once)");
        }
        monitor.stop();
        STOP_GRACE
    } else {
        ONCE_GRACE
    };
    let report = monitor.finish(grace, args.once).await;
    if !printer_done {
        let _ = tokio::time::timeout(OUTPUT_GRACE, printer).await;
    }
    let place = if path.is_some() { "kept in the store for the next run" } else { "lost (no --store)" };
    if !args.once {
        if report.left_pending > 0 {
            ctx.out.warn(&format!("{} notifications were not delivered in time: {place}", report.left_pending));
        }
        return Ok(());
    }
    let mut problems: Vec<String> = model
        .read()
        .collectors
        .iter()
        .filter_map(|(name, health)| {
            let error = health.last_error.as_deref().unwrap_or("failed");
            (!health.up).then(|| format!("collector {name}: {}", Inert(error)))
        })
        .collect();
    let store_failures = model.read().store_failures;
    if store_failures > 0 {
        problems.push(format!("{store_failures} store operations failed (see the errors above)"));
    }
    if report.left_pending > 0 {
        problems.push(format!("{} notifications are not delivered yet: {place}", report.left_pending));
    }
    if report.dead_lettered > 0 {
        problems.push(format!(
            "{} notifications were given up on and kept as dead letters (see hmon alert queue)",
            report.dead_lettered
        ));
    }
    match problems.len() {
        0 => Ok(()),
        _ => Err(Error::remote(problems.join("; ")).into()),
    }
}

/// Marks a store file as holding `network`'s state, or refuses one that holds another network's: alert state and
/// cursors of one network mean nothing on another.
pub(super) fn claim_for_network(db: &Db, network: &str) -> anyhow::Result<()> {
    match db.get_value::<String>("network")? {
        Some(held) if held != network => Err(Error::usage(format!(
            "{} holds the state of network {held}; this run watches {network}: give it a file of its own with \
             --store PATH",
            db.path()
        ))
        .into()),
        Some(_) => Ok(()),
        None => db.write(|tx| Db::put_value(tx, "network", &network)),
    }
}

/// JSON Lines on stdout, on a thread of its own so that a stalled reader stalls nothing else, until the events
/// end or the reader goes away; the receiver hears when it ended. A reader that fell behind is told how many
/// events it missed, then given every series' latest sample from `model`: samples are sent only when they change,
/// so what it missed would not come again.
fn json_lines(mut events: broadcast::Receiver<Event>, model: crate::pipeline::ModelHandle) -> oneshot::Receiver<()> {
    let (done, finished) = oneshot::channel();
    std::thread::spawn(move || {
        loop {
            let lines: Vec<Event> = match events.blocking_recv() {
                Ok(e) => vec![e],
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    let latest = model.read().latest.values().cloned().map(Event::Sample).collect::<Vec<_>>();
                    std::iter::once(Event::Lagged { missed }).chain(latest).collect()
                }
                Err(broadcast::error::RecvError::Closed) => break,
            };
            let mut out = std::io::stdout().lock();
            let written =
                lines.iter().filter_map(|e| serde_json::to_string(e).ok()).try_for_each(|line| writeln!(out, "{line}"));
            if written.and_then(|_| out.flush()).is_err() {
                break;
            }
        }
        let _ = done.send(());
    });
    finished
}
