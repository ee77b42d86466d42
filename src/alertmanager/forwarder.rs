//! The forwarding tasks: one builds the list on model changes and on the re-send tick, one per Alertmanager posts
//! it. They run beside the pipeline and only read its model (and write their own counters into it).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::config::{Auth, Options, Target};
use super::payload::{self, Batch, Memory};
use super::{Forwarding, Stats};
use crate::pipeline::model::ModelWriter;
use crate::pipeline::ModelHandle;
use crate::text::{inert, Inert};
use crate::timestamp::Timestamp;

/// The wait before the first retry of a failed post (or the re-send delay, if shorter); it doubles up to the
/// re-send delay.
const FIRST_RETRY: Duration = Duration::from_secs(1);
/// How many characters of an error answer are logged.
const ERROR_BODY: usize = 200;

/// The running forwarder; dropping it stops its tasks and takes its counters out of the model.
#[derive(Debug)]
pub struct Forwarder {
    /// The settings it runs.
    forwarding: Forwarding,
    /// Builds the lists; keeps what fires and what resolved over a [`Forwarder::reconfigure`].
    builder: JoinHandle<()>,
    options: watch::Sender<Options>,
    lists: watch::Sender<Arc<Batch>>,
    /// One per Alertmanager.
    posters: Vec<JoinHandle<()>>,
    client: reqwest::Client,
    writer: ModelWriter,
    /// Set (under the model's lock) when the forwarder is dropped: a task still running on another thread at
    /// that moment writes no counter afterwards.
    stopped: Arc<AtomicBool>,
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        self.builder.abort();
        for poster in &self.posters {
            poster.abort();
        }
        // Nothing is forwarded any more: `/metrics` shows no Alertmanager rather than frozen counters.
        self.writer.update(|m| {
            self.stopped.store(true, Ordering::Relaxed);
            m.alertmanager = Stats::default();
        });
    }
}

impl Forwarder {
    /// Starts forwarding the alerts of `model` as `forwarding` says; counters go to the model through `writer`.
    pub fn start(forwarding: Forwarding, model: ModelHandle, writer: ModelWriter) -> anyhow::Result<Forwarder> {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
        let (options, options_rx) = watch::channel(forwarding.options.clone());
        let (lists, _) = watch::channel(Arc::new(Batch::default()));
        // The posters listen before the builder sends its first list.
        let stopped = Arc::new(AtomicBool::new(false));
        let posters = start_posters(&forwarding, &client, &writer, &lists, &stopped);
        let builder = tokio::spawn(build_lists(model, options_rx, lists.clone(), writer.clone(), stopped.clone()));
        Ok(Forwarder { forwarding, builder, options, lists, posters, client, writer, stopped })
    }

    /// The settings it runs.
    pub fn forwarding(&self) -> &Forwarding {
        &self.forwarding
    }

    /// Runs `forwarding` from now on (a reload): the Alertmanagers are posted to anew (counters of those still
    /// configured carry on), and the list is built again with the new options and sent at once. What fires and
    /// what resolved is kept, so firing alerts go on being re-sent; an alert whose labels changed (new external
    /// labels) is a new alert to Alertmanager, and the old one is sent resolved.
    pub fn reconfigure(&mut self, forwarding: Forwarding) {
        for poster in self.posters.drain(..) {
            poster.abort();
        }
        self.posters = start_posters(&forwarding, &self.client, &self.writer, &self.lists, &self.stopped);
        self.forwarding = forwarding;
        // Wakes the builder even when the options are the same: the new posters get the list at once.
        self.options.send_replace(self.forwarding.options.clone());
    }
}

/// One poster per Alertmanager of `forwarding`, listening to `lists`; the counters of other Alertmanagers leave
/// the model, those of the same ones carry on.
fn start_posters(
    forwarding: &Forwarding,
    client: &reqwest::Client,
    writer: &ModelWriter,
    lists: &watch::Sender<Arc<Batch>>,
    stopped: &Arc<AtomicBool>,
) -> Vec<JoinHandle<()>> {
    let Forwarding { targets, options } = forwarding;
    writer.update(|m| {
        let stats = &mut m.alertmanager.per_alertmanager;
        stats.retain(|name, _| targets.iter().any(|t| &t.name == name));
        for target in targets {
            stats.entry(target.name.clone()).or_default();
        }
    });
    let first_retry = FIRST_RETRY.min(options.resend_delay);
    (targets.iter())
        .map(|target| {
            let poster = Poster {
                target: target.clone(),
                client: client.clone(),
                writer: writer.clone(),
                stopped: stopped.clone(),
                first_retry,
                max_retry: options.resend_delay,
            };
            tokio::spawn(poster.run(lists.subscribe()))
        })
        .collect()
}

/// Builds the list whenever the model changes and sends it on when its shape changed (an alert fired or
/// resolved), at every re-send tick, and when the options change.
///
/// The list is sent at every tick even when it is empty (watchdog off, nothing firing or resolved): the posters
/// then post `[]`, which Alertmanager answers 200 and which changes nothing there. That post is the reachability
/// probe that keeps `hmon_alertmanager_up` true to what it says; without it the gauge would only ever reflect the
/// last time there was something to send.
async fn build_lists(
    mut model: ModelHandle,
    mut options_rx: watch::Receiver<Options>,
    lists: watch::Sender<Arc<Batch>>,
    writer: ModelWriter,
    stopped: Arc<AtomicBool>,
) {
    let mut options = options_rx.borrow_and_update().clone();
    let mut memory = Memory::default();
    let mut tick = resend_tick(options.resend_delay);
    let mut last_shape = None;
    let mut model_alive = true;
    loop {
        let resend = tokio::select! {
            _ = tick.tick() => true,
            alive = model.changed(), if model_alive => {
                model_alive = alive;
                false
            }
            changed = options_rx.changed() => {
                if changed.is_err() {
                    return;
                }
                options = options_rx.borrow_and_update().clone();
                tick = resend_tick(options.resend_delay);
                true
            }
        };
        let (alerts, evaluated_at) = {
            let model = model.read();
            (model.alerts.clone(), model.evaluated_at)
        };
        let now = Timestamp::now();
        // A pipeline that stopped evaluating (a failed restart, a dead task) says nothing new: nothing is
        // refreshed, so Alertmanager lets the alerts and the watchdog end by themselves and a dead man's switch
        // fires. What was firing stays remembered (not resolved), to carry on if evaluation comes back.
        let batch = if payload::evaluating(evaluated_at, &options, now) {
            memory.round(&alerts, &options, now)
        } else {
            Batch::default()
        };
        if !resend && last_shape.as_ref() == Some(&batch.shape) {
            continue;
        }
        last_shape = Some(batch.shape.clone());
        tick.reset();
        let (firing, resolved) = (batch.firing as u64, batch.resolved as u64);
        let counted = {
            let stats = &model.read().alertmanager;
            (stats.firing, stats.resolved) == (firing, resolved)
        };
        if !counted {
            writer.update(|m| {
                if !stopped.load(Ordering::Relaxed) {
                    (m.alertmanager.firing, m.alertmanager.resolved) = (firing, resolved);
                }
            });
        }
        lists.send_replace(Arc::new(batch));
    }
}

/// The re-send tick: its first tick comes at once.
fn resend_tick(every: Duration) -> tokio::time::Interval {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick
}

/// How one post went.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// 2xx: every alert of the list was taken.
    Accepted,
    /// The Alertmanager answered and refused the post (a 4xx but 408 and 429): the same list would be refused
    /// again, so it is not retried; the next list (at the latest at the next re-send) is posted as usual.
    Refused {
        /// 400: Alertmanager took the valid alerts of the list and refused the others; it is up.
        partial: bool,
        /// The status and the head of the answer, made inert.
        reason: String,
    },
    /// No answer, a timeout, a 5xx, 408 or 429: retried with backoff.
    Failed(String),
}

/// Posts the lists to one Alertmanager.
struct Poster {
    target: Target,
    client: reqwest::Client,
    writer: ModelWriter,
    stopped: Arc<AtomicBool>,
    first_retry: Duration,
    max_retry: Duration,
}

impl Poster {
    /// Posts each new list; a failed post is retried with backoff, with the newest list, until one is answered.
    async fn run(self, mut latest: watch::Receiver<Arc<Batch>>) {
        let mut was_up = true;
        let mut last_refusal = None;
        while latest.changed().await.is_ok() {
            let mut wait = self.first_retry;
            loop {
                let batch = latest.borrow_and_update().clone();
                let outcome = self.post(&batch).await;
                self.count(&outcome);
                let reason = match outcome {
                    Outcome::Accepted => {
                        if !was_up {
                            tracing::info!(alertmanager = %self.target.name, "alertmanager reachable again");
                        }
                        (was_up, last_refusal) = (true, None);
                        break;
                    }
                    Outcome::Refused { partial, reason } => {
                        // Logged once per different answer: the same refusal comes back at every re-send.
                        if last_refusal.as_ref() != Some(&reason) {
                            tracing::warn!(alertmanager = %self.target.name, reason = %reason, partial, "alertmanager refused alerts");
                        }
                        (was_up, last_refusal) = (partial, Some(reason));
                        break;
                    }
                    Outcome::Failed(reason) => reason,
                };
                if was_up {
                    tracing::warn!(alertmanager = %self.target.name, reason = %Inert(&reason), retry_in = ?wait, "cannot post alerts to alertmanager");
                } else {
                    tracing::debug!(alertmanager = %self.target.name, reason = %Inert(&reason), "alertmanager still failing");
                }
                was_up = false;
                // A newer list does not wait for the backoff.
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    changed = latest.changed() => if changed.is_err() { return },
                }
                wait = (wait * 2).min(self.max_retry);
            }
        }
    }

    /// Counts `outcome` in the model: `up` is whether the Alertmanager took the list (all of it, or the valid
    /// alerts of it for a 400).
    fn count(&self, outcome: &Outcome) {
        self.writer.update(|m| {
            // After the forwarder stopped, or for an Alertmanager a reload removed (its poster is aborted but may
            // be finishing a post on another thread), nothing is counted.
            let stats = m.alertmanager.per_alertmanager.get_mut(&self.target.name);
            let Some(stats) = stats.filter(|_| !self.stopped.load(Ordering::Relaxed)) else { return };
            match outcome {
                Outcome::Accepted => (stats.up, stats.sent) = (true, stats.sent + 1),
                Outcome::Refused { partial: true, .. } => (stats.up, stats.invalid) = (true, stats.invalid + 1),
                Outcome::Refused { partial: false, .. } | Outcome::Failed(_) => {
                    (stats.up, stats.errors) = (false, stats.errors + 1);
                }
            }
        });
    }

    /// One `POST /api/v2/alerts` within the target's timeout; the reasons say why, without secrets.
    async fn post(&self, batch: &Batch) -> Outcome {
        let body = match serde_json::to_vec(&batch.alerts) {
            Ok(body) => body,
            Err(e) => return Outcome::Failed(format!("cannot encode the alerts: {e}")),
        };
        let mut request = (self.client.post(self.target.endpoint.clone()))
            .timeout(self.target.timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        request = match &self.target.auth {
            Auth::None => request,
            Auth::Bearer(token) => request.bearer_auth(token.expose()),
            Auth::Basic { username, password } => request.basic_auth(username, Some(password.expose())),
        };
        let mut response = match request.send().await {
            Ok(response) => response,
            Err(e) => return Outcome::Failed(describe(e.without_url(), self.target.timeout)),
        };
        let status = response.status();
        if status.is_success() {
            return Outcome::Accepted;
        }
        let head = match response.chunk().await {
            Ok(Some(bytes)) => shown(&bytes),
            _ => String::new(),
        };
        outcome_of(status, format!("HTTP {status}: {head}"))
    }
}

/// What an answer with `status` means; `reason` describes it.
///
/// Alertmanager answers 400 when some alerts of the list are invalid, after it took the valid ones: the list was
/// delivered as far as it can be, and posting it again would be refused the same way. Any other 4xx but 408 and
/// 429 (a wrong path or credentials, a list too large) would be refused again too, but nothing was taken: the
/// Alertmanager is not usable, so it counts as down. 408, 429, 5xx and anything else (a redirect, which is not
/// followed) may pass: retried.
fn outcome_of(status: reqwest::StatusCode, reason: String) -> Outcome {
    if status.is_success() {
        Outcome::Accepted
    } else if status.is_client_error() && !matches!(status.as_u16(), 408 | 429) {
        Outcome::Refused { partial: status == reqwest::StatusCode::BAD_REQUEST, reason }
    } else {
        Outcome::Failed(reason)
    }
}

/// The head of an answer's body for a log line: at most [`ERROR_BODY`] characters, trimmed, control characters
/// made visible.
fn shown(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let mut head: String = text.chars().take(ERROR_BODY).collect();
    if head.len() < text.len() {
        head.push('…');
    }
    inert(&head).into_owned()
}

fn describe(e: reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!("no answer within {}", humantime::format_duration(timeout));
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

#[cfg(test)]
#[path = "forwarder_tests.rs"]
mod tests;
