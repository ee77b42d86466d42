//! `hmon nodes`: the address book, and with `--ping` a liveness probe of every node.

use std::time::Duration;

use clap::Args;
use futures::{stream, StreamExt};
use serde::Serialize;

use super::Context;
use crate::collect::network::probe_address;
use crate::hbar;
use crate::hedera::probe::probe_node;
use crate::ids::EntityId;
use crate::mirror::models::NetworkNode;
use crate::output::{Cell, Tone};
use crate::timestamp::parse_duration;

#[derive(Debug, Args)]
pub struct NodesArgs {
    /// Probe every node's gRPC endpoint (a free CryptoGetInfo cost query) and report up/down and latency
    #[arg(long)]
    pub ping: bool,

    /// Time limit for each node's probe
    #[arg(long, value_name = "DURATION", default_value = "3s", requires = "ping")]
    pub ping_timeout: String,
}

/// A node as `--json` prints it.
#[derive(Debug, Serialize)]
pub struct NodeView {
    pub node_id: i64,
    pub node_account_id: String,
    pub description: String,
    pub stake_tinybars: Option<i64>,
    /// Exact hbar strings; null where the mirror has no figure.
    pub stake_hbar: Option<String>,
    pub min_stake_hbar: Option<String>,
    pub max_stake_hbar: Option<String>,
    /// `host:port` of each gRPC service endpoint.
    pub endpoints: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ping: Option<PingView>,
}

/// One probe's outcome.
#[derive(Debug, Serialize)]
pub struct PingView {
    pub up: bool,
    /// Milliseconds, when the node answered.
    pub latency_ms: Option<f64>,
    /// The address probed; null when the node lists no endpoint.
    pub address: Option<String>,
    /// Why the node counts as down.
    pub error: Option<String>,
}

pub async fn run(ctx: &Context, args: NodesArgs) -> anyhow::Result<()> {
    let ping_timeout = parse_duration(&args.ping_timeout, "--ping-timeout")?;
    let client = ctx.mirror()?;
    let spinner = ctx.out.spinner("fetching the address book");
    let nodes = client.nodes().await;
    spinner.finish_and_clear();
    let nodes = nodes?;
    let mut views: Vec<NodeView> = nodes.iter().map(view).collect();
    if args.ping {
        let spinner = ctx.out.spinner(&format!("probing {} nodes", nodes.len()));
        let pings: Vec<PingView> =
            stream::iter(&nodes).map(|n| ping(ctx, n, ping_timeout)).buffered(64).collect().await;
        spinner.finish_and_clear();
        for (v, p) in views.iter_mut().zip(pings) {
            v.ping = Some(p);
        }
    }
    if ctx.out.json {
        return ctx.out.json(&views);
    }
    let mut header = vec!["Node", "Account", "Description", "Stake", "Min stake", "Max stake", "Endpoints"];
    if args.ping {
        header.extend(["Status", "Latency"]);
    }
    let rows: Vec<Vec<Cell>> = views.iter().map(row).collect();
    ctx.out.table(&header, &rows)
}

fn view(n: &NetworkNode) -> NodeView {
    NodeView {
        node_id: n.node_id,
        node_account_id: n.node_account_id.clone(),
        description: n.description.clone().unwrap_or_default(),
        stake_tinybars: n.stake,
        stake_hbar: n.stake.map(hbar::hbar),
        min_stake_hbar: n.min_stake.map(hbar::hbar),
        max_stake_hbar: n.max_stake.map(hbar::hbar),
        endpoints: n.service_endpoints.iter().filter_map(|e| e.address()).collect(),
        ping: None,
    }
}

async fn ping(ctx: &Context, n: &NetworkNode, timeout: Duration) -> PingView {
    let Some(address) = probe_address(&ctx.settings.network.value, n) else {
        return PingView { up: false, latency_ms: None, address: None, error: Some("no service endpoint".into()) };
    };
    let Ok(account) = n.node_account_id.parse::<EntityId>() else {
        let error = Some(format!("bad node account id '{}'", n.node_account_id));
        return PingView { up: false, latency_ms: None, address: Some(address), error };
    };
    let outcome = probe_node(&address, account.shard, account.realm, timeout).await;
    PingView {
        up: outcome.up,
        latency_ms: outcome.latency.map(|d| (d.as_secs_f64() * 1e6).round() / 1e3),
        address: Some(address),
        error: outcome.error,
    }
}

fn row(v: &NodeView) -> Vec<Cell> {
    let hbar_cell = |h: &Option<String>| -> Cell {
        match h {
            Some(h) => format!("{} ℏ", hbar::trim_zeros(h)).into(),
            None => Cell::tone("-", Tone::Dim),
        }
    };
    let mut row = vec![
        v.node_id.to_string().into(),
        v.node_account_id.clone().into(),
        v.description.clone().into(),
        hbar_cell(&v.stake_hbar),
        hbar_cell(&v.min_stake_hbar),
        hbar_cell(&v.max_stake_hbar),
        v.endpoints.join(" ").into(),
    ];
    if let Some(p) = &v.ping {
        if p.up {
            row.push(Cell::tone("up", Tone::Good));
            row.push(p.latency_ms.map(|ms| format!("{ms:.1} ms")).unwrap_or_default().into());
        } else {
            row.push(Cell::tone(format!("down: {}", p.error.as_deref().unwrap_or("no answer")), Tone::Bad));
            row.push(Cell::tone("-", Tone::Dim));
        }
    }
    row
}
