//! `hmon canary`: one cheap transaction per node tried, timed from submission to receipt to the mirror.

use clap::Args;
use futures::{stream, StreamExt};

use super::Context;
use crate::canary::settings::CanarySettings;
use crate::canary::{self, Outcome, Target};
use crate::error::Error;
use crate::hbar;
use crate::ids::EntityId;
use crate::mirror::models::NetworkNode;
use crate::output::{Cell, Tone};

/// Tries made at once with `--all-nodes`: each polls the mirror about twice a second.
const AT_ONCE: usize = 4;

#[derive(Debug, Args)]
pub struct CanaryArgs {
    /// Send through this node, by its account id (repeatable); default: one node of the address book, at random
    #[arg(long = "node", value_name = "ACCOUNT")]
    pub nodes: Vec<String>,

    /// Send through every node of the address book, one transaction each
    #[arg(long, conflicts_with = "nodes")]
    pub all_nodes: bool,

    /// How long each try may wait, from sending to the record on the mirror (default: [canary] timeout, else 60s;
    /// at most 5m)
    #[arg(long, value_name = "DURATION")]
    pub wait: Option<String>,
}

pub async fn run(ctx: &Context, args: CanaryArgs) -> anyhow::Result<()> {
    let mut settings = CanarySettings::from_config(&ctx.settings.config)?;
    if let Some(text) = &args.wait {
        settings.options.timeout = crate::canary::settings::parse_timeout(text, "--wait")?;
    }
    let wanted = args
        .nodes
        .iter()
        .map(|n| {
            n.parse::<EntityId>().map_err(|_| Error::usage(format!("--node '{n}' is not a node account id (0.0.N)")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mirror = ctx.mirror()?;
    // Credentials first: nothing is sent with a key that is not the account's.
    let operator = canary::operator::load(&ctx.settings, mirror).await?;
    let book = mirror.nodes().await?;
    let targets = choose(ctx, &book, &wanted, args.all_nodes)?;
    let spinner = ctx.out.spinner(&format!("sending {} canary transaction(s)", targets.len()));
    let options = settings.options;
    let outcomes: Vec<Outcome> = stream::iter(&targets)
        .map(|t| canary::try_node(mirror, &operator, t, &options))
        .buffered(AT_ONCE)
        .collect()
        .await;
    spinner.finish_and_clear();
    if ctx.out.json {
        ctx.out.json(&outcomes)?;
    } else {
        let header = ["Node", "Result", "Submit", "Handle", "End to end", "Consensus", "Fee", "Transaction", "Error"];
        let rows: Vec<Vec<Cell>> = outcomes.iter().map(row).collect();
        ctx.out.table(&header, &rows)?;
    }
    let failed = outcomes.iter().filter(|o| !o.success).count();
    if failed > 0 {
        return Err(Error::remote(format!("{failed} of {} canary tries failed", outcomes.len())).into());
    }
    Ok(())
}

/// The nodes to try: those named (each must be in the address book), all of them, or one at random.
fn choose(ctx: &Context, book: &[NetworkNode], wanted: &[EntityId], all: bool) -> Result<Vec<Target>, Error> {
    let network = &ctx.settings.network.value;
    let listed = canary::targets(network, book);
    if listed.is_empty() {
        return Err(Error::remote(format!("the address book of {} lists no node with an endpoint", network.name)));
    }
    if all {
        return Ok(listed);
    }
    if wanted.is_empty() {
        return Ok(vec![listed[fastrand::usize(..listed.len())].clone()]);
    }
    wanted
        .iter()
        .map(|w| {
            listed.iter().find(|t| t.account == *w).cloned().ok_or_else(|| {
                let known: Vec<String> = listed.iter().take(5).map(|t| t.account.to_string()).collect();
                Error::usage(format!(
                    "--node {w} is not a node of {} with an endpoint (the address book lists {}{})",
                    network.name,
                    known.join(", "),
                    if listed.len() > 5 { ", ..." } else { "" }
                ))
            })
        })
        .collect()
}

fn row(o: &Outcome) -> Vec<Cell> {
    let seconds = |s: Option<f64>| -> Cell {
        match s {
            Some(s) => format!("{s:.3} s").into(),
            None => Cell::tone("-", Tone::Dim),
        }
    };
    let result = match o.success {
        true => Cell::tone("ok", Tone::Good),
        false => Cell::tone(o.reason.unwrap_or("failed"), Tone::Bad),
    };
    vec![
        o.node_account_id.clone().into(),
        result,
        seconds(o.submit_seconds),
        seconds(o.handle_seconds),
        seconds(o.e2e_seconds),
        o.consensus_timestamp.clone().unwrap_or_else(|| "-".into()).into(),
        o.fee_tinybars.map_or_else(|| "-".to_string(), |f| format!("{} ℏ", hbar::trim_zeros(&hbar::hbar(f)))).into(),
        o.transaction_id.clone().unwrap_or_else(|| "-".into()).into(),
        o.error.clone().unwrap_or_default().into(),
    ]
}
