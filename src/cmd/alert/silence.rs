//! `hmon alert silence add|list|remove`: mute a rule's notifications for a while, in the store beside a running
//! `watch`/`serve`; and the `Silenced` column of `hmon alert list`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use time::macros::format_description;
use time::OffsetDateTime;

use super::parse_label;
use crate::alert::silence::{self, Silence};
use crate::cmd::{store_path, Context};
use crate::error::Error;
use crate::metrics::Labels;
use crate::output::{Cell, Tone};
use crate::store::Db;
use crate::text::inert;
use crate::timestamp::{parse_duration, Timestamp};

#[derive(Debug, Subcommand)]
pub enum SilenceCommand {
    /// Silence a rule's notifications for a while (only its series with the given labels, when given); prints
    /// the new silence's id
    Add(AddArgs),
    /// List the silences that have not ended, soonest end first
    List(ListArgs),
    /// Lift a silence before it ends
    Remove(RemoveArgs),
}

/// The store file the silences live in.
#[derive(Debug, Args)]
pub struct StoreArg {
    /// The store file, as given to `watch --store` [default: <data dir>/hmon/hmon.db]
    #[arg(long, value_name = "PATH")]
    pub store: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The rule to silence, by name (one of the config's [[rules]])
    #[arg(long, value_name = "NAME")]
    pub rule: String,
    /// Only the rule's series with this label (repeatable), e.g. --label account=0.0.1001
    #[arg(long = "label", value_name = "KEY=VALUE", value_parser = parse_label)]
    pub labels: Vec<(String, String)>,
    /// How long, from now, e.g. 30m, 2h, 1d
    #[arg(long = "for", value_name = "DURATION")]
    pub duration: String,
    /// Why, for whoever reads `silence list` later
    #[arg(long, value_name = "TEXT")]
    pub comment: Option<String>,
    #[command(flatten)]
    pub store: StoreArg,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Also list the silences that ended in the last 7 days (older ones are deleted)
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub store: StoreArg,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The silence's id, as `add` printed it
    pub id: String,
    #[command(flatten)]
    pub store: StoreArg,
}

pub fn run(ctx: &Context, command: SilenceCommand) -> anyhow::Result<()> {
    match command {
        SilenceCommand::Add(args) => add(ctx, args),
        SilenceCommand::List(args) => list(ctx, &args),
        SilenceCommand::Remove(args) => remove(ctx, &args),
    }
}

fn add(ctx: &Context, args: AddArgs) -> anyhow::Result<()> {
    let known: Vec<&str> = ctx.settings.config.file.rules.iter().map(|r| r.name.as_str()).collect();
    silence::check_rule(&known, &args.rule)?;
    let mut labels = Labels::new();
    for (key, value) in args.labels {
        if labels.contains_key(&key) {
            return Err(Error::usage(format!("label '{key}' is given twice: give each label once")).into());
        }
        labels.insert(key, value);
    }
    let duration = parse_duration(&args.duration, "--for")?;
    silence::check_duration(duration).map_err(|e| Error::usage(format!("invalid --for '{}': {e}", args.duration)))?;
    let db = Db::open_shared(&store_path(args.store.store.as_deref())?)?;
    let now = Timestamp::now();
    let added = silence::add(&db, &args.rule, &labels, duration, args.comment.as_deref().unwrap_or(""), now)?;
    if ctx.out.json {
        return ctx.out.json(&added);
    }
    if !ctx.out.stdout_tty {
        return ctx.out.text(&format!("{}\n", added.id));
    }
    ctx.out.text(&format!(
        "silenced '{}' until {} ({}): id {}\n",
        inert(&added.rule),
        clock(added.ends_at, now),
        relative(added.starts_at, added.ends_at),
        added.id
    ))
}

fn list(ctx: &Context, args: &ListArgs) -> anyhow::Result<()> {
    let now = Timestamp::now();
    let silences = match open_existing(ctx, args.store.store.as_deref())? {
        Some(db) => silence::list(&db, now, args.all)?,
        None => Vec::new(),
    };
    if ctx.out.json {
        return ctx.out.json(&silences);
    }
    let rows: Vec<Vec<Cell>> = silences
        .iter()
        .map(|s| {
            let ends = if !ctx.out.stdout_tty {
                Cell::from(s.ends_at.to_rfc3339())
            } else if s.ends_at <= now {
                Cell::tone(format!("ended {} ({})", relative(now, s.ends_at), clock(s.ends_at, now)), Tone::Dim)
            } else {
                format!("{} ({})", relative(now, s.ends_at), clock(s.ends_at, now)).into()
            };
            vec![
                s.id.clone().into(),
                s.rule.clone().into(),
                labels_text(&s.labels).into(),
                ends,
                s.comment.clone().into(),
            ]
        })
        .collect();
    ctx.out.table(&["ID", "Rule", "Labels", "Ends", "Comment"], &rows)
}

fn remove(ctx: &Context, args: &RemoveArgs) -> anyhow::Result<()> {
    let id = args.id.trim().to_ascii_lowercase();
    if id.len() != silence::ID_DIGITS || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::usage(format!(
            "invalid silence id '{}': expected {} hex digits, as `hmon alert silence list` shows them",
            inert(args.id.trim()),
            silence::ID_DIGITS
        ))
        .into());
    }
    let removed = match open_existing(ctx, args.store.store.as_deref())? {
        Some(db) => silence::remove(&db, &id)?,
        None => false,
    };
    if !removed {
        return Err(Error::not_found(format!(
            "no silence with id '{}'; `hmon alert silence list --all` shows them",
            args.id
        ))
        .into());
    }
    if ctx.out.json {
        return ctx.out.json(&serde_json::json!({ "removed": id }));
    }
    ctx.out.text(&format!("removed silence {}\n", inert(&id)))
}

/// The silences active now, for `hmon alert list`: none when the store file does not exist (it is not created).
pub(super) fn active_now(ctx: &Context, store: Option<&Path>, now: Timestamp) -> anyhow::Result<Vec<Silence>> {
    match open_existing(ctx, store)? {
        Some(db) => silence::active(&db.lock(), now),
        None => Ok(Vec::new()),
    }
}

/// When the active `silences` of a rule whose own label matcher is `rule_labels` stop muting all of its series:
/// the latest end among those that cover every series; `None` when none does.
pub(super) fn silenced_until(rule_labels: &Labels, silences: &[&Silence]) -> Option<Timestamp> {
    silences.iter().filter(|s| s.covers_all_series(rule_labels)).map(|s| s.ends_at).max()
}

/// A rule's `Silenced` cell in `hmon alert list`: `until ...` (see [`silenced_until`]), else `partly until ...`
/// when some active silence mutes some of its series, else `-`. Times are RFC 3339 when stdout is not a terminal.
pub(super) fn silenced_cell(ctx: &Context, rule_labels: &Labels, silences: &[&Silence], now: Timestamp) -> Cell {
    let shown = |t: Timestamp| if ctx.out.stdout_tty { clock(t, now) } else { t.to_rfc3339() };
    match (silenced_until(rule_labels, silences), silences.iter().map(|s| s.ends_at).max()) {
        (Some(t), _) => Cell::tone(format!("until {}", shown(t)), Tone::Dim),
        (None, Some(t)) => Cell::tone(format!("partly until {}", shown(t)), Tone::Dim),
        (None, None) => "-".into(),
    }
}

/// The store at `--store` or the default path, opened beside any owner, if the file exists. A missing file
/// means no silences; when it was named with `--store`, a warning says so (a typo would otherwise look like an
/// empty store).
fn open_existing(ctx: &Context, store: Option<&Path>) -> anyhow::Result<Option<std::sync::Arc<Db>>> {
    if store.is_none() && crate::store::default_path().is_none() {
        return Ok(None);
    }
    let path = store_path(store)?;
    if !path.exists() {
        if store.is_some() {
            ctx.out.warn(&format!("there is no store file {}; no silences", path.display()));
        }
        return Ok(None);
    }
    Db::open_shared(&path).map(Some)
}

/// `key=value,...`, or `(all)` for a silence of every series.
fn labels_text(labels: &Labels) -> String {
    if labels.is_empty() {
        return "(all)".to_string();
    }
    labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

/// `14:05 UTC` on the day of `now` (UTC), else `2026-05-02 14:05 UTC`.
fn clock(t: Timestamp, now: Timestamp) -> String {
    let utc = |t: Timestamp| OffsetDateTime::from_unix_timestamp(t.secs).ok();
    let (Some(at), Some(today)) = (utc(t), utc(now)) else {
        return t.to_rfc3339();
    };
    let format = if at.date() == today.date() {
        format_description!("[hour]:[minute] UTC")
    } else {
        format_description!("[year]-[month]-[day] [hour]:[minute] UTC")
    };
    at.format(format).unwrap_or_else(|_| t.to_rfc3339())
}

/// `in 1h 59m` or `3h 5m ago`: from `now` to `t`, to the minute (seconds under a minute).
fn relative(now: Timestamp, t: Timestamp) -> String {
    let secs = now.seconds_until(t);
    // Truncated, as a countdown reads: 2h less a moment is `in 1h 59m`.
    let span = secs.abs() as u64;
    let text = match span {
        0..60 => format!("{span}s"),
        60..3600 => format!("{}m", span / 60),
        3600..86_400 => format!("{}h {}m", span / 3600, span % 3600 / 60),
        _ => format!("{}d {}h", span / 86_400, span % 86_400 / 3600),
    };
    if secs >= 0.0 {
        format!("in {text}")
    } else {
        format!("{text} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp { secs: 1_700_000_000, nanos: 0 };

    fn at(secs: i64) -> Timestamp {
        Timestamp { secs, nanos: 0 }
    }

    #[test]
    fn silence_times_read_as_a_clock_and_a_distance() {
        assert_eq!(clock(at(1_700_003_600), NOW), "23:13 UTC");
        assert_eq!(clock(at(1_700_100_000), NOW), "2023-11-16 02:00 UTC");
        assert_eq!(relative(NOW, at(1_700_007_140)), "in 1h 59m");
        assert_eq!(relative(NOW, at(1_700_000_030)), "in 30s");
        assert_eq!(relative(NOW, at(1_699_999_100)), "15m ago");
        assert_eq!(relative(NOW, at(1_700_090_000)), "in 1d 1h");
    }
}
