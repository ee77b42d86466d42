//! The forwarding tasks: one builds the list on model changes and on the re-send tick, one per Alertmanager posts
//! it. They run beside the pipeline and only read its model (and write their own counters into it).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::config::{Auth, Options, Target};
use super::payload::{Batch, Memory};
use super::{Forwarding, TargetStats};
use crate::pipeline::model::ModelWriter;
use crate::pipeline::ModelHandle;
use crate::text::Inert;
use crate::timestamp::Timestamp;

/// The wait before the first retry of a failed post (or the re-send delay, if shorter); it doubles up to the
/// re-send delay.
const FIRST_RETRY: Duration = Duration::from_secs(1);
/// How much of an error answer is logged.
const ERROR_BODY: usize = 200;

/// The running forwarder; dropping it stops its tasks.
#[derive(Debug)]
pub struct Forwarder {
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Forwarder {
    /// Starts forwarding the alerts of `model` as `forwarding` says; counters go to the model through `writer`.
    pub fn start(forwarding: Forwarding, model: ModelHandle, writer: ModelWriter) -> anyhow::Result<Forwarder> {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
        let Forwarding { targets, options } = forwarding;
        writer.update(|m| {
            for target in &targets {
                m.alertmanager.per_alertmanager.insert(target.name.clone(), TargetStats::default());
            }
        });
        let (lists, latest) = watch::channel(Arc::new(Batch::default()));
        let first_retry = FIRST_RETRY.min(options.resend_delay);
        let mut tasks: Vec<JoinHandle<()>> = targets
            .into_iter()
            .map(|target| {
                let poster = Poster {
                    target,
                    client: client.clone(),
                    writer: writer.clone(),
                    first_retry,
                    max_retry: options.resend_delay,
                };
                tokio::spawn(poster.run(latest.clone()))
            })
            .collect();
        tasks.push(tokio::spawn(build_lists(model, options, lists, writer)));
        Ok(Forwarder { tasks })
    }
}

/// Builds the list whenever the model changes and sends it on when its shape changed (an alert fired or
/// resolved), or at every re-send tick.
async fn build_lists(mut model: ModelHandle, options: Options, lists: watch::Sender<Arc<Batch>>, writer: ModelWriter) {
    let mut memory = Memory::default();
    let mut tick = tokio::time::interval(options.resend_delay);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_shape = None;
    let mut model_alive = true;
    loop {
        let resend = tokio::select! {
            _ = tick.tick() => true,
            alive = model.changed(), if model_alive => {
                model_alive = alive;
                false
            }
        };
        let alerts = model.read().alerts.clone();
        let batch = memory.round(&alerts, &options, Timestamp::now());
        if !resend && last_shape.as_ref() == Some(&batch.shape) {
            continue;
        }
        last_shape = Some(batch.shape.clone());
        tick.reset();
        let (firing, resolved) = (batch.firing as u64, batch.resolved as u64);
        let counts = model.read().alertmanager.firing == firing && model.read().alertmanager.resolved == resolved;
        if !counts {
            writer.update(|m| (m.alertmanager.firing, m.alertmanager.resolved) = (firing, resolved));
        }
        lists.send_replace(Arc::new(batch));
    }
}

/// Posts the lists to one Alertmanager.
struct Poster {
    target: Target,
    client: reqwest::Client,
    writer: ModelWriter,
    first_retry: Duration,
    max_retry: Duration,
}

impl Poster {
    /// Posts each new list; a failed post is retried with backoff, with the newest list, until one succeeds.
    async fn run(self, mut latest: watch::Receiver<Arc<Batch>>) {
        let mut was_up = true;
        while latest.changed().await.is_ok() {
            let mut wait = self.first_retry;
            loop {
                let batch = latest.borrow_and_update().clone();
                if batch.alerts.is_empty() {
                    break;
                }
                let outcome = self.post(&batch).await;
                let up = outcome.is_ok();
                self.writer.update(|m| {
                    let stats = m.alertmanager.per_alertmanager.entry(self.target.name.clone()).or_default();
                    stats.up = up;
                    if up {
                        stats.sent += 1;
                    } else {
                        stats.errors += 1;
                    }
                });
                match outcome {
                    Ok(()) => {
                        if !was_up {
                            tracing::info!(alertmanager = %self.target.name, "alertmanager reachable again");
                        }
                        was_up = true;
                        break;
                    }
                    Err(reason) => {
                        if was_up {
                            tracing::warn!(alertmanager = %self.target.name, reason = %Inert(&reason), retry_in = ?wait, "cannot post alerts to alertmanager");
                        } else {
                            tracing::debug!(alertmanager = %self.target.name, reason = %Inert(&reason), "alertmanager still failing");
                        }
                        was_up = false;
                    }
                }
                // A newer list does not wait for the backoff.
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    changed = latest.changed() => if changed.is_err() { return },
                }
                wait = (wait * 2).min(self.max_retry);
            }
        }
    }

    /// One `POST /api/v2/alerts` within the target's timeout; the error says why, without secrets.
    async fn post(&self, batch: &Batch) -> Result<(), String> {
        let body = serde_json::to_vec(&batch.alerts).map_err(|e| format!("cannot encode the alerts: {e}"))?;
        let mut request = (self.client.post(self.target.endpoint.clone()))
            .timeout(self.target.timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        request = match &self.target.auth {
            Auth::None => request,
            Auth::Bearer(token) => request.bearer_auth(token.expose()),
            Auth::Basic { username, password } => request.basic_auth(username, Some(password.expose())),
        };
        let mut response = request.send().await.map_err(|e| describe(e.without_url(), self.target.timeout))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let head = match response.chunk().await {
            Ok(Some(bytes)) => String::from_utf8_lossy(&bytes[..bytes.len().min(ERROR_BODY)]).into_owned(),
            _ => String::new(),
        };
        Err(format!("HTTP {status}: {}", head.trim()))
    }
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
