//! `hmon config path|show|check`.

use clap::{Args, Subcommand};
use serde::Serialize;

use super::Context;
use crate::error::Error;
use crate::hedera::keys::{key_mismatch, operator_credentials, unknown_operator, KeyMatch, OperatorKey};
use crate::ids::AccountRef;
use crate::mirror::MirrorError;
use crate::output::{Cell, Output, Tone};
use crate::secret::mask_url;
use crate::settings::{Overrides, Setting, Source};

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the config file's path
    Path,
    /// Print the effective configuration, secrets masked, with where each value came from
    Show,
    /// Validate the configuration and the operator key; checks the key against the account when the mirror answers
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Fail (exit 3) when no operator account and key are configured
    #[arg(long)]
    pub require_operator: bool,
}

/// One row of `config show`.
#[derive(Debug, Serialize)]
pub struct Entry {
    pub key: &'static str,
    pub value: Option<String>,
    pub source: Source,
}

pub fn path(out: &Output, overrides: &Overrides) -> anyhow::Result<()> {
    let path = match &overrides.config {
        Some(p) => Some(p.value.clone()),
        None => crate::config::default_path(),
    };
    let Some(path) = path else {
        return Err(Error::config("no config directory is known on this system; pass --config PATH").into());
    };
    if out.json {
        return out.json(&serde_json::json!({ "path": path, "exists": path.exists() }));
    }
    out.text(&format!("{}\n", path.display()))
}

pub async fn run(ctx: &Context, command: ConfigCommand) -> anyhow::Result<()> {
    match command {
        ConfigCommand::Path => Ok(()),
        ConfigCommand::Show => show(ctx),
        ConfigCommand::Check(args) => check(ctx, args).await,
    }
}

fn entry<T>(key: &'static str, s: &Setting<T>, f: impl Fn(&T) -> Option<String>) -> Entry {
    Entry { key, value: f(&s.value), source: s.source.clone() }
}

fn show(ctx: &Context) -> anyhow::Result<()> {
    let s = &ctx.settings;
    let t = &s.mirror;
    let mut entries = vec![
        entry("config_file", &s.config_path, |p| p.as_ref().map(|p| p.display().to_string())),
        Entry { key: "config_loaded", value: Some(s.config.path.is_some().to_string()), source: Source::Default },
        entry("network", &s.network, |n| Some(n.name.clone())),
        entry("mirror_url", &s.mirror_url, |u| Some(mask_url(u).into_owned())),
        entry("timeout", &s.timeout, |d| Some(humantime::format_duration(*d).to_string())),
    ];
    let missing = || Entry { key: "", value: None, source: Source::Default };
    entries.push(s.operator_id.as_ref().map_or_else(
        || Entry { key: "operator.account_id", ..missing() },
        |id| entry("operator.account_id", id, |v| Some(v.clone())),
    ));
    entries.push(s.operator_key.as_ref().map_or_else(
        || Entry { key: "operator.private_key", ..missing() },
        |k| entry("operator.private_key", k, |v| Some(v.to_string())),
    ));
    let tuning_source = if s.config.file.mirror.is_some() { Source::File } else { Source::Default };
    for (key, value) in [
        ("mirror.max_attempts", t.max_attempts.to_string()),
        ("mirror.backoff", humantime::format_duration(t.backoff).to_string()),
        ("mirror.concurrency", t.concurrency.to_string()),
    ] {
        entries.push(Entry { key, value: Some(value), source: tuning_source.clone() });
    }
    let listen = s.config.file.serve.as_ref().and_then(|serve| serve.listen.clone());
    entries.push(Entry {
        key: "serve.listen",
        source: if listen.is_some() { Source::File } else { Source::Default },
        value: Some(listen.unwrap_or_else(|| crate::serve::DEFAULT_LISTEN.to_string())),
    });
    entries.extend(serve_token_entries(s));
    if ctx.out.json {
        return ctx.out.json(&entries);
    }
    let rows: Vec<Vec<Cell>> = entries
        .iter()
        .map(|e| {
            let value = e.value.clone().map_or(Cell::tone("(not set)", Tone::Dim), Cell::from);
            vec![e.key.into(), value, Cell::tone(e.source.to_string(), Tone::Dim)]
        })
        .collect();
    ctx.out.table(&["Setting", "Value", "Source"], &rows)
}

/// `serve.token_file` (the path) and `serve.api_token` (whether `HMON_API_TOKEN` is set): never the token.
fn serve_token_entries(s: &crate::settings::Settings) -> [Entry; 2] {
    use crate::serve::token::ENV;
    let file = s.config.file.serve.as_ref().and_then(|serve| serve.token_file.as_ref());
    let file_entry = Entry {
        key: "serve.token_file",
        value: file.map(|p| p.display().to_string()),
        source: if file.is_some() { Source::File } else { Source::Default },
    };
    let env = std::env::var_os(ENV);
    let token_entry = match (env, file) {
        (Some(v), _) if v.to_str().is_some_and(|v| !v.trim().is_empty()) => {
            Entry { key: "serve.api_token", value: Some("set".into()), source: Source::Env(ENV) }
        }
        (Some(_), _) => Entry {
            key: "serve.api_token",
            value: Some("empty or not text: serve refuses it".into()),
            source: Source::Env(ENV),
        },
        (None, Some(_)) => {
            Entry { key: "serve.api_token", value: Some("from token_file".into()), source: Source::File }
        }
        (None, None) => Entry { key: "serve.api_token", value: None, source: Source::Default },
    };
    [file_entry, token_entry]
}

/// What `config check` found.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub config_file: Option<String>,
    pub network: String,
    pub mirror_url: String,
    pub operator_id: Option<String>,
    /// "DER" or "raw hex", with the key kinds it may be.
    pub key: Option<String>,
    /// `match`, or why the key was not compared (`skipped: ...`).
    pub key_check: String,
}

async fn check(ctx: &Context, args: CheckArgs) -> anyhow::Result<()> {
    let s = &ctx.settings;
    let credentials = operator_credentials(s)?;
    let (operator_id, key) = match &credentials {
        Some((id, key)) => (Some(id), Some(key)),
        None => (None, None),
    };
    let key_check = match (operator_id, key) {
        (None, None) if args.require_operator => {
            return Err(Error::config(
                "no operator credentials: set [operator] account_id and private_key in the config file, or the \
                 OPERATOR_ID and OPERATOR_KEY environment variables",
            )
            .into())
        }
        (Some(id), Some(key)) => compare(ctx, id, key).await?,
        _ => "skipped: no operator configured".to_string(),
    };
    let report = CheckReport {
        config_file: s.config.path.as_ref().map(|p| p.display().to_string()),
        network: ctx.network_name().to_string(),
        mirror_url: mask_url(&s.mirror_url.value).into_owned(),
        operator_id: operator_id.map(|id| id.to_string()),
        key: key.map(|k| {
            let kinds: Vec<&str> = k.kinds().iter().map(|k| k.name()).collect();
            format!("{} ({})", k.encoding, kinds.join(" or "))
        }),
        key_check,
    };
    if key_check_skipped(&report.key_check) {
        ctx.out.warn(&format!(
            "operator key not checked against the account: {}",
            report.key_check.trim_start_matches("skipped: ")
        ));
    }
    if ctx.out.json {
        return ctx.out.json(&report);
    }
    let pairs = vec![
        ("config file", report.config_file.clone().unwrap_or_else(|| "(none: defaults)".into())),
        ("network", format!("{} ({})", report.network, report.mirror_url)),
        ("operator", report.operator_id.clone().unwrap_or_else(|| "(not set)".into())),
        ("key", report.key.clone().unwrap_or_else(|| "(not set)".into())),
        ("key check", report.key_check.clone()),
        ("result", "ok".into()),
    ];
    ctx.out.pairs(&pairs)
}

fn key_check_skipped(s: &str) -> bool {
    s.starts_with("skipped") && s != "skipped: no operator configured"
}

/// Compares the key with the account's public key on the mirror; an unreachable mirror skips the check.
async fn compare(ctx: &Context, id: &AccountRef, key: &OperatorKey) -> anyhow::Result<String> {
    let account = match ctx.mirror()?.account(id).await {
        Ok(a) => a,
        Err(MirrorError::NotFound { .. }) => return Err(unknown_operator(id, ctx.network_name()).into()),
        Err(e) => return Ok(format!("skipped: {e}")),
    };
    match key.check(account.key.as_ref()) {
        KeyMatch::Matches(kind) => Ok(format!("match ({} key of {})", kind.name(), account.account)),
        KeyMatch::Mismatch => Err(key_mismatch(&account.account).into()),
        KeyMatch::Complex => Ok("skipped: the account has a key list or threshold key".into()),
        KeyMatch::NoKey => Ok("skipped: the account has no key".into()),
    }
}
