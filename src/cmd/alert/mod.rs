//! `hmon alert add|list|remove|test`: manage `[[rules]]` in the config file and try their webhooks;
//! `hmon alert silence` (in [`silence`]) mutes them for a while; `hmon alert queue` (in `queue`): the webhook
//! outbox and its dead letters.

mod queue;
mod silence;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::Context;
use crate::alert::edit;
use crate::alert::manager::new_id;
use crate::alert::rule::{render_summary, RuleConfig};
use crate::alert::silence::Silence;
use crate::error::Error;
use crate::metrics::Labels;
use crate::output::{Cell, Tone};
use crate::pipeline::plan;
use crate::timestamp::Timestamp;
use crate::webhook::{AlertStatus, Dispatcher, Notification};

#[derive(Debug, Subcommand)]
pub enum AlertCommand {
    /// Add a rule to the config file (validated first; comments and layout are kept)
    Add(Box<AddArgs>),
    /// List the rules, and until when each is silenced
    List(ListArgs),
    /// Remove a rule from the config file
    Remove(RemoveArgs),
    /// Send a clearly marked test notification for a rule through its webhooks and show each answer
    Test(RemoveArgs),
    /// Silence a rule's notifications for a while, list the silences, or lift one
    #[command(subcommand)]
    Silence(silence::SilenceCommand),
    /// Show the webhook notifications waiting in the outbox and the dead letters; retry or drop them
    Queue(queue::QueueArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Unique rule name, e.g. low-balance
    #[arg(long)]
    pub name: String,
    /// Metric to watch, e.g. account_balance_hbar
    #[arg(long)]
    pub metric: String,
    /// Only series with this label (repeatable), e.g. --label account=0.0.1001
    #[arg(long = "label", value_name = "KEY=VALUE", value_parser = parse_label)]
    pub labels: Vec<(String, String)>,
    /// One of >, >=, <, <=, ==, !=, changed, increased, decreased, absent (no sample for `--for`)
    #[arg(long)]
    pub condition: String,
    /// The value to compare with (not for changed/increased/decreased/absent)
    #[arg(long, allow_negative_numbers = true)]
    pub threshold: Option<f64>,
    /// How long the condition must hold before firing, e.g. 5m [default: 0s]
    #[arg(long = "for", value_name = "DURATION")]
    pub pending: Option<String>,
    /// How often to notify again while firing [default: 4h]
    #[arg(long, value_name = "DURATION")]
    pub repeat: Option<String>,
    /// info, warning or critical [default: warning]
    #[arg(long)]
    pub severity: Option<String>,
    /// Webhook to notify (repeatable) [default: all webhooks]
    #[arg(long = "webhook", value_name = "NAME")]
    pub webhooks: Vec<String>,
    /// Message template: {value}, {threshold}, {rule}, {metric}, {severity}, {status}, {condition}, {labels.NAME}
    #[arg(long)]
    pub summary: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub store: silence::StoreArg,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The rule's name
    pub name: String,
}

fn parse_label(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() && !v.is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err("expected KEY=VALUE, e.g. account=0.0.1001".to_string()),
    }
}

pub async fn run(ctx: &Context, command: AlertCommand) -> anyhow::Result<()> {
    match command {
        AlertCommand::Add(args) => add(ctx, *args),
        AlertCommand::List(args) => list(ctx, &args),
        AlertCommand::Remove(args) => remove(ctx, &args.name),
        AlertCommand::Test(args) => test(ctx, &args.name).await,
        AlertCommand::Silence(command) => silence::run(ctx, command),
        AlertCommand::Queue(args) => queue::run(ctx, args),
    }
}

fn config_path(ctx: &Context) -> anyhow::Result<std::path::PathBuf> {
    ctx.settings
        .config_path
        .value
        .clone()
        .ok_or_else(|| Error::config("no config directory is known on this system; pass --config PATH").into())
}

fn add(ctx: &Context, args: AddArgs) -> anyhow::Result<()> {
    let config = &ctx.settings.config;
    let rule = RuleConfig {
        name: args.name,
        metric: args.metric,
        labels: args.labels.into_iter().collect(),
        condition: args.condition,
        threshold: args.threshold,
        pending: args.pending,
        repeat: args.repeat,
        severity: args.severity,
        webhooks: (!args.webhooks.is_empty()).then_some(args.webhooks),
        summary: args.summary,
    };
    edit::check_new_rule(&config.file, &rule).map_err(|refusal| Error::usage(refusal.to_string()))?;
    let path = config_path(ctx)?;
    edit::add_rule(&path, &rule)?;
    if ctx.out.json {
        return ctx.out.json(&serde_json::json!({ "added": rule.name, "config": path }));
    }
    ctx.out.text(&format!("added rule '{}' to {}\n", rule.name, path.display()))
}

/// A rule as `alert list --json` prints it.
#[derive(Debug, Serialize)]
struct RuleView<'a> {
    name: &'a str,
    metric: &'a str,
    labels: &'a Labels,
    condition: &'a str,
    threshold: Option<f64>,
    #[serde(rename = "for")]
    pending: String,
    repeat: String,
    severity: &'static str,
    webhooks: Option<&'a Vec<String>>,
    summary: &'a str,
    /// When the active silences stop muting every series of the rule, RFC 3339; null when none does.
    silenced_until: Option<String>,
    /// The active silences of the rule, including those that mute only some of its series.
    silences: Vec<&'a Silence>,
}

fn list(ctx: &Context, args: &ListArgs) -> anyhow::Result<()> {
    let webhooks = plan::webhooks(&ctx.settings.config)?;
    let names: Vec<String> = webhooks.iter().map(|w| w.name.clone()).collect();
    let rules = plan::rules(&ctx.settings.config, &names)?;
    let now = Timestamp::now();
    let active = silence::active_now(ctx, args.store.store.as_deref(), now)?;
    let views: Vec<RuleView> = rules
        .iter()
        .map(|r| {
            let silences: Vec<&Silence> = active.iter().filter(|s| s.rule == r.name).collect();
            RuleView {
                name: &r.name,
                metric: &r.metric,
                labels: &r.labels,
                condition: r.condition.as_str(),
                threshold: r.threshold,
                pending: humantime::format_duration(r.pending).to_string(),
                repeat: humantime::format_duration(r.repeat).to_string(),
                severity: r.severity.as_str(),
                webhooks: r.webhooks.as_ref(),
                summary: &r.summary,
                silenced_until: silence::silenced_until(&r.labels, &silences).map(Timestamp::to_rfc3339),
                silences,
            }
        })
        .collect();
    if ctx.out.json {
        return ctx.out.json(&views);
    }
    let rows: Vec<Vec<Cell>> = views
        .iter()
        .map(|v| {
            let labels: Vec<String> = v.labels.iter().map(|(k, val)| format!("{k}={val}")).collect();
            let when = match v.threshold {
                Some(t) => format!("{} {t}", v.condition),
                None => v.condition.to_string(),
            };
            let tone = if v.severity == "critical" { Tone::Bad } else { Tone::Plain };
            vec![
                v.name.into(),
                v.metric.into(),
                labels.join(",").into(),
                when.into(),
                v.pending.clone().into(),
                v.repeat.clone().into(),
                Cell::tone(v.severity, tone),
                v.webhooks.map_or("(all)".to_string(), |w| w.join(",")).into(),
                silence::silenced_cell(ctx, v.labels, &v.silences, now),
            ]
        })
        .collect();
    let header = ["Rule", "Metric", "Labels", "Condition", "For", "Repeat", "Severity", "Webhooks", "Silenced"];
    ctx.out.table(&header, &rows)
}

fn remove(ctx: &Context, name: &str) -> anyhow::Result<()> {
    let path = config_path(ctx)?;
    if !edit::remove_rule(&path, name)? {
        return Err(Error::not_found(format!("no rule named '{name}' in {}", path.display())).into());
    }
    if ctx.out.json {
        return ctx.out.json(&serde_json::json!({ "removed": name, "config": path }));
    }
    ctx.out.text(&format!("removed rule '{name}' from {}\n", path.display()))
}

/// One webhook's answer to a test notification.
#[derive(Debug, Serialize)]
struct TestResult {
    webhook: String,
    ok: bool,
    status: Option<u16>,
    answer: String,
}

async fn test(ctx: &Context, name: &str) -> anyhow::Result<()> {
    let webhooks = plan::webhooks(&ctx.settings.config)?;
    let names: Vec<String> = webhooks.iter().map(|w| w.name.clone()).collect();
    let rules = plan::rules(&ctx.settings.config, &names)?;
    let rule =
        rules.iter().find(|r| r.name == name).ok_or_else(|| Error::not_found(format!("no rule named '{name}'")))?;
    let targets: Vec<_> =
        webhooks.iter().filter(|w| rule.webhooks.as_ref().is_none_or(|names| names.contains(&w.name))).collect();
    if targets.is_empty() {
        return Err(Error::config(format!("rule '{name}' has no webhook to send to: add a [[webhooks]] entry")).into());
    }
    let value = rule.threshold.unwrap_or(0.0);
    let notification = Notification {
        id: new_id(),
        status: AlertStatus::Firing,
        rule: rule.name.clone(),
        severity: rule.severity,
        metric: rule.metric.clone(),
        labels: rule.labels.clone(),
        value,
        threshold: rule.threshold,
        starts_at: Timestamp::now().to_rfc3339(),
        ends_at: None,
        summary: format!("[TEST] {}", render_summary(rule, &rule.labels, value, "firing")),
        test: true,
    };
    let mut results = Vec::new();
    for hook in targets {
        let result = match Dispatcher::send_once(hook, &notification).await {
            Ok(reply) => TestResult {
                webhook: hook.name.clone(),
                ok: reply.is_success(),
                status: Some(reply.status),
                answer: reply.body,
            },
            Err(e) => TestResult { webhook: hook.name.clone(), ok: false, status: None, answer: e.to_string() },
        };
        results.push(result);
    }
    let failed = results.iter().filter(|r| !r.ok).count();
    if ctx.out.json {
        ctx.out.json(&results)?;
    } else {
        let rows: Vec<Vec<Cell>> = results
            .iter()
            .map(|r| {
                let status = r.status.map_or("-".to_string(), |s| s.to_string());
                let tone = if r.ok { Tone::Good } else { Tone::Bad };
                vec![r.webhook.clone().into(), Cell::tone(status, tone), r.answer.clone().into()]
            })
            .collect();
        ctx.out.table(&["Webhook", "Status", "Answer"], &rows)?;
    }
    if failed > 0 {
        return Err(Error::remote(format!(
            "{failed} of {} webhooks did not accept the test notification",
            results.len()
        ))
        .into());
    }
    Ok(())
}
