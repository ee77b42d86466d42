//! `hmon alert queue [list|retry|drop]`: the webhook outbox of a store file, pending notifications and dead
//! letters, and putting them back in line or deleting them. Safe beside a running `watch` or `serve` that owns the
//! file (short single-statement edits on a shared connection); its dispatcher notices within a few seconds.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{ArgGroup, Args, Subcommand};

use crate::cmd::{store_path, Context};
use crate::error::Error;
use crate::output::{Cell, Tone};
use crate::store::Db;
use crate::timestamp::Timestamp;
use crate::webhook::{Outbox, QueueEntry, QueuedRow};

#[derive(Debug, Args)]
pub struct QueueArgs {
    #[command(subcommand)]
    pub action: Option<QueueAction>,

    /// The store file (as given to `hmon watch --store`) [default: <data dir>/hmon/hmon.db]
    #[arg(long, global = true, value_name = "PATH")]
    pub store: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum QueueAction {
    /// List pending notifications and dead letters (the default)
    List,
    /// Put a notification, or every dead letter, back in line: due now, its give_up_after clock restarted
    Retry(RetryArgs),
    /// Delete a notification from the outbox for good
    Drop(DropArgs),
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("which").required(true).args(["id", "all_dead"])))]
pub struct RetryArgs {
    /// The notification's ID, as `hmon alert queue` lists it
    #[arg(value_parser = parse_id)]
    pub id: Option<i64>,
    /// Every dead letter
    #[arg(long)]
    pub all_dead: bool,
}

#[derive(Debug, Args)]
pub struct DropArgs {
    /// The notification's ID, as `hmon alert queue` lists it
    #[arg(value_parser = parse_id)]
    pub id: i64,
}

fn parse_id(s: &str) -> Result<i64, String> {
    match s.trim().parse::<i64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err("expected a positive number from the ID column of `hmon alert queue`".to_string()),
    }
}

pub fn run(ctx: &Context, args: QueueArgs) -> anyhow::Result<()> {
    let path = store_path(args.store.as_deref())?;
    match args.action.unwrap_or(QueueAction::List) {
        QueueAction::List => list(ctx, &path),
        QueueAction::Retry(r) => retry(ctx, &path, r),
        QueueAction::Drop(d) => drop_row(ctx, &path, d.id),
    }
}

/// The outbox in the store file, or `None` when there is no such file (nothing was ever queued there).
fn open(path: &Path) -> anyhow::Result<Option<Outbox>> {
    if !path.exists() {
        return Ok(None);
    }
    Ok(Some(Outbox::new(Db::open_shared(path)?)))
}

fn no_such(id: i64, path: &Path) -> anyhow::Error {
    Error::not_found(format!(
        "no notification with ID {id} in the outbox of {}: `hmon alert queue --store {0}` lists them",
        path.display()
    ))
    .into()
}

fn list(ctx: &Context, path: &Path) -> anyhow::Result<()> {
    let rows = match open(path)? {
        Some(outbox) => outbox.rows()?,
        None => {
            ctx.out.warn(&format!("{} does not exist: nothing is queued there", path.display()));
            Vec::new()
        }
    };
    let views: Vec<QueueEntry> = rows.iter().map(QueuedRow::entry).collect();
    if ctx.out.json {
        return ctx.out.json(&views);
    }
    let now = Timestamp::now().as_millis();
    let relative = ctx.out.stdout_tty;
    let table: Vec<Vec<Cell>> = rows.iter().zip(&views).map(|(r, v)| row_cells(r, v, now, relative)).collect();
    ctx.out.table(&["ID", "Webhook", "Rule", "Status", "Age", "Attempts", "Next try", "Last error"], &table)
}

/// One table row: relative times on a terminal, RFC 3339 in a pipe. The Output table makes every cell inert.
fn row_cells(r: &QueuedRow, v: &QueueEntry, now: i64, relative: bool) -> Vec<Cell> {
    let age = if relative { span(now - r.created_ms) } else { v.queued_at.clone() };
    let next = match (&v.next_attempt_at, relative) {
        (None, _) => "-".to_string(),
        (Some(_), true) if r.next_ms <= now => "now".to_string(),
        (Some(_), true) => format!("in {}", span(r.next_ms - now)),
        (Some(at), false) => at.clone(),
    };
    let status = if r.is_dead() { Cell::tone("dead", Tone::Bad) } else { Cell::from("pending") };
    vec![
        r.seq.to_string().into(),
        r.webhook.clone().into(),
        r.rule.clone().into(),
        status,
        age.into(),
        r.attempts.to_string().into(),
        next.into(),
        r.last_error.clone().unwrap_or_default().into(),
    ]
}

/// A span of milliseconds to the second, e.g. `1h 5m 3s`.
fn span(ms: i64) -> String {
    humantime::format_duration(Duration::from_secs(u64::try_from(ms / 1000).unwrap_or(0))).to_string()
}

fn retry(ctx: &Context, path: &Path, args: RetryArgs) -> anyhow::Result<()> {
    let now = Timestamp::now().as_millis();
    let retried = match (open(path)?, args.id) {
        (Some(outbox), Some(id)) => {
            if !outbox.retry(id, now)? {
                return Err(no_such(id, path));
            }
            vec![id]
        }
        (Some(outbox), None) => outbox.retry_dead(now)?,
        (None, Some(id)) => return Err(no_such(id, path)),
        (None, None) => Vec::new(),
    };
    if ctx.out.json {
        return ctx.out.json(&serde_json::json!({ "retried": retried }));
    }
    if retried.is_empty() {
        return ctx.out.text("no dead letters to retry\n");
    }
    let ids: Vec<String> = retried.iter().map(i64::to_string).collect();
    let what = if retried.len() == 1 { "notification" } else { "notifications" };
    ctx.out.text(&format!(
        "re-queued {} {what} (ID {}): a running hmon sends them within a few seconds, otherwise the next one \
         started with --store {}\n",
        retried.len(),
        ids.join(", "),
        path.display()
    ))
}

fn drop_row(ctx: &Context, path: &Path, id: i64) -> anyhow::Result<()> {
    let Some(outbox) = open(path)? else { return Err(no_such(id, path)) };
    if !outbox.remove(id)? {
        return Err(no_such(id, path));
    }
    if ctx.out.json {
        return ctx.out.json(&serde_json::json!({ "dropped": id }));
    }
    ctx.out.text(&format!("dropped notification {id} from the outbox of {}\n", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_positive_numbers() {
        assert_eq!(parse_id(" 12 "), Ok(12));
        for bad in ["0", "-3", "abc", ""] {
            assert!(parse_id(bad).unwrap_err().contains("ID column"), "{bad}");
        }
    }

    #[test]
    fn spans_are_whole_seconds() {
        assert_eq!(span(3_723_400), "1h 2m 3s");
        assert_eq!(span(-5), "0s");
    }
}
