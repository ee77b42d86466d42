//! The daemon behind the API: the running pipeline and the configuration it runs, changed one request at a time.
//!
//! One task owns the [`Monitor`] and takes commands in order, so two writes never interleave: a reload
//! (`POST /-/reload`, SIGHUP), a rule added or removed (`POST`/`DELETE /api/v1/rules`), a silence changed. A
//! reload reads the config file again and refuses an invalid one (the running configuration carries on). When only
//! `[[rules]]` changed, the new rules take over between two batches and every rule whose definition did not change
//! keeps its state; any other change restarts the pipeline on the same store, model and event stream (undelivered
//! notifications wait in the outbox meanwhile). The Alertmanager forwarding (`[[alertmanagers]]` and its `[serve]`
//! keys) is the daemon's too: checked with the rest, a change is applied at once without losing what fires. The
//! other `[serve]` keys (listen address, token, hosts) take effect at the next start.
//!
//! A rule added or removed over the API goes through the same check and the same comment-preserving, atomic edit
//! of the config file as `hmon alert add`/`remove`, then a reload; if the edited file does not load, the edit is
//! undone.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

use crate::alert::edit::{self, Refusal};
use crate::alert::rule::RuleConfig;
use crate::alertmanager::{self, Forwarder, Forwarding};
use crate::cmd::Context;
use crate::error::Error;
use crate::output::Output;
use crate::pipeline::{self, Event, Monitor, Outputs, Parts, Plan};
use crate::settings::Settings;
use crate::store::{Db, MetricStore};
use crate::text::Inert;
use crate::webhook::{Dispatcher, DispatcherOptions, Outbox, ShutdownReport};

use super::api::internal;
use super::ApiError;
use crate::canary::sign::Operator;

/// How long deliveries in flight may take to finish when the pipeline restarts.
const RESTART_GRACE: Duration = Duration::from_secs(2);

/// Re-reads the settings (flags, environment and the config file) for a reload.
pub type Resolve = Box<dyn Fn() -> Result<Settings, Error> + Send + Sync>;

/// What the daemon starts from.
pub struct Start {
    pub settings: Settings,
    pub out: Output,
    pub resolve: Resolve,
    pub db: Arc<Db>,
    pub store: Arc<dyn MetricStore>,
    /// The address `serve` answers on (the default `generatorURL` of forwarded alerts).
    pub listen: SocketAddr,
    /// Where and how alerts are forwarded to Alertmanager, checked by the caller; `None` without an Alertmanager.
    pub forwarding: Option<Forwarding>,
    /// The canary's operator, checked by the caller, when the config runs the canary.
    pub canary: Option<Arc<Operator>>,
}

/// What a reload did.
#[derive(Debug, Clone, Serialize)]
pub struct Reloaded {
    /// The rules now evaluated.
    pub rules: usize,
    /// Whether the pipeline was restarted (anything but `[[rules]]` changed) or only its rules replaced.
    pub restarted: bool,
    /// Whether `[serve]` keys other than the forwarding ones changed: those take effect at the next start.
    pub serve_changed: bool,
    /// Whether the Alertmanager forwarding (`[[alertmanagers]]`, its `[serve]` keys, or the interval it derives
    /// `endsAt` from) changed: applied now.
    pub forwarding_changed: bool,
}

/// A request to the daemon task, answered on its channel.
enum Command {
    Reload(oneshot::Sender<Result<Reloaded, ApiError>>),
    AddRule(Box<RuleConfig>, oneshot::Sender<Result<Reloaded, ApiError>>),
    RemoveRule(String, oneshot::Sender<Result<Reloaded, ApiError>>),
    SilencesChanged,
    Stop(Duration, oneshot::Sender<ShutdownReport>),
}

/// The API's side of the daemon: cheap to clone.
#[derive(Clone)]
pub struct DaemonHandle {
    commands: mpsc::Sender<Command>,
    rules: watch::Receiver<Arc<Vec<RuleConfig>>>,
    running: watch::Receiver<Option<Running>>,
    events: broadcast::Sender<Event>,
}

/// The collectors of the running pipeline, for readiness.
pub type Running = Arc<[&'static str]>;

/// The daemon task's state.
struct Daemon {
    ctx: Context,
    resolve: Resolve,
    plan: Plan,
    db: Arc<Db>,
    store: Arc<dyn MetricStore>,
    monitor: Option<Monitor>,
    outputs: Outputs,
    rules: watch::Sender<Arc<Vec<RuleConfig>>>,
    /// The collectors of the running pipeline; `None` while none runs (a restart failed twice).
    running: watch::Sender<Option<Running>>,
    /// The address `serve` answers on.
    listen: SocketAddr,
    /// Forwards the model's alerts to Alertmanager; `None` without an Alertmanager.
    forwarder: Option<Forwarder>,
    /// The canary's operator, checked, when the plan runs the canary.
    canary: Option<Arc<Operator>>,
}

/// Starts the pipeline for `start.settings` and the task that owns it; the model and the event stream are
/// `outputs`'.
pub fn start(start: Start, outputs: Outputs) -> anyhow::Result<DaemonHandle> {
    let Start { settings, out, resolve, db, store, listen, forwarding, canary } = start;
    let plan = Plan::from_config(&settings.config, &[], None)?;
    let ctx = Context::new(settings, out);
    let (rules, rules_rx) = watch::channel(Arc::new(ctx.settings.config.file.rules.clone()));
    let (running, running_rx) = watch::channel(Some(plan.collectors().into()));
    let mut daemon = Daemon {
        ctx,
        resolve,
        plan,
        db,
        store,
        monitor: None,
        outputs,
        rules,
        running,
        listen,
        forwarder: None,
        canary,
    };
    daemon.monitor = Some(daemon.start_monitor()?);
    daemon.forward(forwarding)?;
    let (commands, inbox) = mpsc::channel(16);
    let events = daemon.outputs.events.clone();
    tokio::spawn(daemon.run(inbox));
    Ok(DaemonHandle { commands, rules: rules_rx, running: running_rx, events })
}

impl DaemonHandle {
    /// Reads the config file again and applies it; refused (409) when it is invalid.
    pub async fn reload(&self) -> Result<Reloaded, ApiError> {
        self.ask(Command::Reload).await
    }

    /// Adds a rule to the config file and applies it: 400 when invalid, 409 when the name is taken.
    pub async fn add_rule(&self, rule: RuleConfig) -> Result<Reloaded, ApiError> {
        self.ask(|reply| Command::AddRule(Box::new(rule), reply)).await
    }

    /// Removes a rule from the config file and applies it: 404 when there is none of that name.
    pub async fn remove_rule(&self, name: String) -> Result<Reloaded, ApiError> {
        self.ask(|reply| Command::RemoveRule(name, reply)).await
    }

    /// The pipeline reads the silences again now.
    pub fn silences_changed(&self) {
        let _ = self.commands.try_send(Command::SilencesChanged);
    }

    /// The configured rules as the running configuration has them.
    pub fn rules(&self) -> Arc<Vec<RuleConfig>> {
        self.rules.borrow().clone()
    }

    /// The collectors of the running pipeline (whose first cycle readiness waits for); `None` when no pipeline
    /// runs.
    pub fn running(&self) -> Option<Running> {
        self.running.borrow().clone()
    }

    /// The events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// Stops the pipeline: collectors first, then deliveries get `grace` to finish (the rest stays in the outbox).
    pub async fn stop(&self, grace: Duration) -> ShutdownReport {
        let (reply, answer) = oneshot::channel();
        if self.commands.send(Command::Stop(grace, reply)).await.is_err() {
            return ShutdownReport::default();
        }
        answer.await.unwrap_or_default()
    }

    async fn ask<T>(
        &self,
        command: impl FnOnce(oneshot::Sender<Result<T, ApiError>>) -> Command,
    ) -> Result<T, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(command(reply)).await.map_err(|_| stopping())?;
        // The daemon finishes what it started even if this request is given up (a timeout drops this future).
        answer.await.map_err(|_| stopping())?
    }
}

fn stopping() -> ApiError {
    ApiError::new(axum::http::StatusCode::SERVICE_UNAVAILABLE, "stopping", "hmon is stopping")
}

/// A 503 `code` for a reload step that failed on this side: `error` goes to the log (made inert) as `what`, the
/// answer says only `message`.
fn unavailable(error: &anyhow::Error, what: &str, code: &'static str, message: &'static str) -> ApiError {
    tracing::error!(error = %Inert(format_args!("{error:#}")), "{what}");
    ApiError::new(axum::http::StatusCode::SERVICE_UNAVAILABLE, code, message)
}

impl Daemon {
    async fn run(mut self, mut inbox: mpsc::Receiver<Command>) {
        while let Some(command) = inbox.recv().await {
            match command {
                Command::Reload(reply) => {
                    let _ = reply.send(self.reload().await);
                }
                Command::AddRule(rule, reply) => {
                    let _ = reply.send(self.add_rule(*rule).await);
                }
                Command::RemoveRule(name, reply) => {
                    let _ = reply.send(self.remove_rule(&name).await);
                }
                Command::SilencesChanged => {
                    if let Some(monitor) = &self.monitor {
                        monitor.silences_changed();
                    }
                }
                Command::Stop(grace, reply) => {
                    let report = match self.monitor.take() {
                        Some(monitor) => {
                            monitor.stop();
                            monitor.finish(grace, false).await
                        }
                        None => ShutdownReport::default(),
                    };
                    let _ = reply.send(report);
                    return;
                }
            }
        }
    }

    /// Reads the settings and the config file again and applies them, or refuses them and keeps the old ones.
    async fn reload(&mut self) -> Result<Reloaded, ApiError> {
        let refused = |e: &dyn std::fmt::Display| {
            let message = format!("the configuration was not reloaded, the running one carries on: {e}");
            tracing::error!(error = %Inert(&message), "reload refused");
            ApiError::new(axum::http::StatusCode::CONFLICT, "config_invalid", message)
        };
        let settings = (self.resolve)().map_err(|e| refused(&e))?;
        for warning in &settings.warnings {
            tracing::warn!(warning = %Inert(warning), "config");
        }
        let (old_network, new_network) = (&self.ctx.settings.network.value.name, &settings.network.value.name);
        if old_network != new_network {
            return Err(refused(&format_args!(
                "the network changed from {} to {}; the store holds {} data: restart hmon serve to change networks",
                Inert(old_network),
                Inert(new_network),
                Inert(old_network)
            )));
        }
        let plan = Plan::from_config(&settings.config, &[], None).map_err(|e| refused(&e))?;
        let forwarding =
            Forwarding::from_config(&settings.config, self.listen, plan.interval).map_err(|e| refused(&e))?;
        let old = &self.ctx.settings.config;
        let restart = !settings.config.same_except(old, &["rules", "serve", "alertmanagers"])
            || settings.mirror_url.value != self.ctx.settings.mirror_url.value
            || settings.timeout.value != self.ctx.settings.timeout.value;
        let serve_changed = !settings.config.same_in(old, "serve", alertmanager::config::SERVE_KEYS);
        let forwarding_changed = forwarding.as_ref() != self.forwarder.as_ref().map(Forwarder::forwarding);
        let rules = plan.rules.len();
        // The canary's credentials (for a new pipeline) are checked before anything changes: a key that is not the
        // account's is refused; a mirror that cannot tell is an outage, and the running configuration carries on.
        let canary = match (&plan.canary, restart) {
            (Some(_), true) => {
                let client = crate::cmd::mirror_client(&settings).map_err(|e| refused(&format_args!("{e:#}")))?;
                match crate::canary::operator::load(&settings, &client).await {
                    Ok(operator) => Some(Arc::new(operator)),
                    Err(e) if e.kind() == crate::error::Exit::Config => return Err(refused(&e)),
                    Err(e) => {
                        return Err(unavailable(
                            &anyhow::Error::new(e),
                            "cannot check the canary's operator key against the mirror",
                            "mirror_unavailable",
                            "the canary's operator key could not be checked against the mirror: the running \
                             configuration carries on",
                        ))
                    }
                }
            }
            (Some(_), false) => self.canary.clone(),
            (None, _) => None,
        };
        if restart {
            self.restart(settings, plan, canary).await.map_err(|e| {
                unavailable(
                    &e,
                    "the pipeline could not be restarted",
                    "restart_failed",
                    "the new configuration is valid but its pipeline could not be started; see the server's log",
                )
            })?;
        } else {
            let monitor = self.monitor.as_ref().ok_or_else(stopping)?;
            let (rules, stale, running) = (plan.rules.clone(), plan.stale_cycles, plan.collectors());
            monitor.set_rules(rules, stale, running).await.map_err(|e| {
                unavailable(
                    &e,
                    "cannot replace the rules",
                    "store_unavailable",
                    "the rules could not be replaced (the store could not be read): the old rules carry on",
                )
            })?;
            self.plan = plan;
            self.ctx = Context::new(settings, self.ctx.out.clone());
        }
        self.rules.send_replace(Arc::new(self.ctx.settings.config.file.rules.clone()));
        if forwarding_changed {
            self.forward(forwarding).map_err(|e| {
                unavailable(
                    &e,
                    "cannot start forwarding to alertmanager",
                    "forwarding_failed",
                    "the new configuration is applied but forwarding to Alertmanager could not start; see the \
                     server's log",
                )
            })?;
        }
        if serve_changed {
            tracing::warn!("[serve] changed: listen address, token and hosts take effect at the next start");
        }
        tracing::info!(rules, restarted = restart, forwarding_changed, "configuration reloaded");
        Ok(Reloaded { rules, restarted: restart, serve_changed, forwarding_changed })
    }

    /// Forwards alerts as `forwarding` says from now on: starts the forwarder, gives the running one its new
    /// settings (what fires goes on being re-sent), or stops it when no Alertmanager is left.
    fn forward(&mut self, forwarding: Option<Forwarding>) -> anyhow::Result<()> {
        let count = forwarding.as_ref().map_or(0, |f| f.targets.len());
        match (forwarding, &mut self.forwarder) {
            (Some(forwarding), Some(forwarder)) => forwarder.reconfigure(forwarding),
            (Some(forwarding), None) => {
                let model = &self.outputs.model;
                self.forwarder = Some(Forwarder::start(forwarding, model.handle(), model.clone())?);
            }
            (None, forwarder) => {
                if forwarder.take().is_some() {
                    tracing::info!("no alertmanager is configured any more: forwarding stopped");
                }
                return Ok(());
            }
        }
        tracing::info!(alertmanagers = count, "forwarding alerts to alertmanager");
        Ok(())
    }

    /// Stops the running pipeline and starts one for `plan`; if that fails, starts the old plan again.
    async fn restart(&mut self, settings: Settings, plan: Plan, canary: Option<Arc<Operator>>) -> anyhow::Result<()> {
        let gone: Vec<String> = (self.plan.rules.iter())
            .filter(|old| !plan.rules.iter().any(|new| new.name == old.name))
            .map(|old| old.name.clone())
            .collect();
        if let (Some(monitor), false) = (&self.monitor, gone.is_empty()) {
            // Their states would be forgotten by the new pipeline: resolve what receivers were told fires.
            if let Err(e) = monitor.retire_rules(gone).await {
                tracing::warn!(error = %Inert(format_args!("{e:#}")), "cannot resolve the alerts of removed rules");
            }
        }
        if let Some(monitor) = self.monitor.take() {
            monitor.stop();
            let report = monitor.finish(RESTART_GRACE, false).await;
            if report.left_pending > 0 {
                tracing::info!(pending = report.left_pending, "notifications wait in the outbox over the restart");
            }
        }
        let out = self.ctx.out.clone();
        let old_ctx = std::mem::replace(&mut self.ctx, Context::new(settings, out));
        let old_plan = std::mem::replace(&mut self.plan, plan);
        let old_canary = std::mem::replace(&mut self.canary, canary);
        match self.start_monitor() {
            Ok(monitor) => {
                self.monitor = Some(monitor);
                self.forget_unwatched();
                self.running.send_replace(Some(self.plan.collectors().into()));
                Ok(())
            }
            Err(e) => {
                (self.ctx, self.plan, self.canary) = (old_ctx, old_plan, old_canary);
                match self.start_monitor() {
                    Ok(monitor) => self.monitor = Some(monitor),
                    Err(again) => {
                        tracing::error!(
                            error = %Inert(format_args!("{again:#}")),
                            "the pipeline could not be started again: hmon serve is not ready; restart it"
                        );
                        self.running.send_replace(None);
                    }
                }
                Err(e)
            }
        }
    }

    /// A pipeline for the current plan, on the store, model and event stream of the previous one.
    fn start_monitor(&self) -> anyhow::Result<Monitor> {
        let client = self.ctx.mirror()?.clone();
        let manager = pipeline::restore(&self.plan, &self.db)?;
        let outbox = Outbox::new(self.db.clone());
        let dispatcher = Dispatcher::start(self.plan.webhooks.clone(), outbox, DispatcherOptions::default())?;
        let parts = Parts {
            plan: self.plan.clone(),
            client,
            network: self.ctx.settings.network.value.clone(),
            store: Some(self.store.clone()),
            db: self.db.clone(),
            manager,
            dispatcher,
            once: false,
            outputs: Some(self.outputs.clone()),
            canary: self.canary.clone(),
        };
        let (monitor, _events) = Monitor::start(parts);
        Ok(monitor)
    }

    /// Drops from the model what the new plan no longer collects: accounts no longer watched, collectors no
    /// longer run.
    fn forget_unwatched(&self) {
        let watched: Vec<String> = self.plan.accounts.iter().map(|a| a.id.to_string()).collect();
        let running = self.plan.collectors();
        self.outputs.model.update(|m| {
            m.latest.retain(|_, s| match s.labels.get("account") {
                Some(account) if s.name.starts_with("account_") => watched.contains(account),
                _ => true,
            });
            m.collectors.retain(|name, _| running.contains(&name.as_str()));
        });
    }

    async fn add_rule(&mut self, rule: RuleConfig) -> Result<Reloaded, ApiError> {
        edit::check_new_rule(&self.ctx.settings.config.file, &rule).map_err(|refusal| match refusal {
            Refusal::Invalid(message) => ApiError::new(axum::http::StatusCode::BAD_REQUEST, "invalid_rule", message),
            Refusal::Exists(_) => ApiError::new(axum::http::StatusCode::CONFLICT, "rule_exists", refusal.to_string()),
        })?;
        let path = self.config_path()?;
        self.edit_then_reload(&path, |path| edit::add_rule(path, &rule)).await
    }

    async fn remove_rule(&mut self, name: &str) -> Result<Reloaded, ApiError> {
        if !self.ctx.settings.config.file.rules.iter().any(|r| r.name == name) {
            return Err(ApiError::new(
                axum::http::StatusCode::NOT_FOUND,
                "not_found",
                format!("no rule named '{}'", Inert(name)),
            ));
        }
        let path = self.config_path()?;
        self.edit_then_reload(&path, |path| edit::remove_rule(path, name).map(|_| ())).await
    }

    /// Edits the config file, then reloads it; puts the old file back if the edit fails to load.
    async fn edit_then_reload(
        &mut self,
        path: &std::path::Path,
        change: impl FnOnce(&std::path::Path) -> anyhow::Result<()>,
    ) -> Result<Reloaded, ApiError> {
        let before = match std::fs::read(path) {
            Ok(bytes) => Some(bytes),
            Err(e) if crate::config::is_absent(&e) => None,
            Err(e) => return Err(internal("read the config file", &e.into())),
        };
        change(path).map_err(|e| {
            let io = e.chain().find_map(|cause| cause.downcast_ref::<std::io::Error>());
            match io.map(std::io::Error::kind) {
                Some(std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem) => ApiError::new(
                    axum::http::StatusCode::CONFLICT,
                    "config_read_only",
                    format!(
                        "the config file {} cannot be written by hmon serve (permission denied or a read-only file \
                         system): edit it by hand and reload, or give hmon a config file it may write",
                        path.display()
                    ),
                ),
                _ if e.downcast_ref::<Error>().is_some_and(|e| e.kind() == crate::error::Exit::Config) => {
                    ApiError::new(axum::http::StatusCode::CONFLICT, "config_invalid", format!("{e:#}"))
                }
                _ => internal("edit the config file", &e),
            }
        })?;
        let reloaded = self.reload().await;
        if reloaded.is_err() {
            let undone = match &before {
                Some(bytes) => edit::replace_file(path, bytes),
                None => std::fs::remove_file(path).map_err(Into::into),
            };
            if let Err(e) = undone {
                tracing::error!(error = %Inert(format_args!("{e:#}")), path = %path.display(), "cannot undo a config edit");
            }
        }
        reloaded
    }

    fn config_path(&self) -> Result<PathBuf, ApiError> {
        self.ctx.settings.config_path.value.clone().ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "no_config_file",
                "no config file is known (no config directory on this system): start hmon serve with --config PATH",
            )
        })
    }
}
