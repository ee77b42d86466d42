//! `hmon network`: a one-screen health summary of the network and its mirror node.

use anyhow::Context as _;
use clap::Args;
use serde::Serialize;

use super::Context;
use crate::collect::network::tps;
use crate::hbar;
use crate::mirror::models::ExchangeRate;
use crate::timestamp::Timestamp;

#[derive(Debug, Args)]
pub struct NetworkArgs {
    /// How many recent blocks to average the TPS over
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=100))]
    pub blocks: u16,
}

/// The summary as `--json` prints it.
#[derive(Debug, Serialize)]
pub struct NetworkSummary {
    pub network: String,
    pub mirror: String,
    /// Seconds between now and the newest transaction on the mirror; null when it has none.
    pub mirror_lag_seconds: Option<f64>,
    pub latest_consensus_timestamp: Option<String>,
    /// Transactions per second over the newest blocks; null without blocks.
    pub tps: Option<f64>,
    pub blocks_sampled: usize,
    pub node_count: usize,
    pub total_stake_tinybars: i64,
    pub total_stake_hbar: String,
    pub released_supply_hbar: String,
    pub total_supply_hbar: String,
    /// US dollars per hbar, from the current exchange rate.
    pub usd_per_hbar: f64,
    pub exchange_rate: RateView,
}

/// The exchange rate as the network states it: `hbar_equivalent` hbar = `cent_equivalent` US cents.
#[derive(Debug, Serialize)]
pub struct RateView {
    pub cent_equivalent: i64,
    pub hbar_equivalent: i64,
    pub expiration_time: i64,
}

pub async fn run(ctx: &Context, args: NetworkArgs) -> anyhow::Result<()> {
    let client = ctx.mirror()?;
    let spinner = ctx.out.spinner("asking the mirror node");
    let (latest, blocks, nodes, supply, rate) = tokio::join!(
        client.latest_transaction(),
        client.blocks(usize::from(args.blocks)),
        client.nodes(),
        client.supply(),
        client.exchange_rate(),
    );
    spinner.finish_and_clear();
    let latest = latest.context("reading the newest transaction")?;
    let blocks = blocks.context("reading recent blocks")?;
    let nodes = nodes.context("reading the address book")?;
    let supply = supply.context("reading the hbar supply")?;
    let rate = rate.context("reading the exchange rate")?.current_rate;

    let now = Timestamp::now();
    let latest_ts = latest.as_ref().and_then(|t| t.consensus_timestamp.parse::<Timestamp>().ok());
    let total_stake: i64 = nodes.iter().filter_map(|n| n.stake).sum();
    let summary = NetworkSummary {
        network: ctx.network_name().to_string(),
        mirror: client.host().to_string(),
        mirror_lag_seconds: latest_ts.map(|t| round3(t.seconds_until(now).max(0.0))),
        latest_consensus_timestamp: latest.map(|t| t.consensus_timestamp),
        tps: tps(&blocks).map(round3),
        blocks_sampled: blocks.len(),
        node_count: nodes.len(),
        total_stake_tinybars: total_stake,
        total_stake_hbar: hbar::hbar(total_stake),
        released_supply_hbar: supply_hbar(&supply.released_supply)?,
        total_supply_hbar: supply_hbar(&supply.total_supply)?,
        usd_per_hbar: usd_per_hbar(&rate),
        exchange_rate: RateView {
            cent_equivalent: rate.cent_equivalent,
            hbar_equivalent: rate.hbar_equivalent,
            expiration_time: rate.expiration_time,
        },
    };
    if ctx.out.json {
        return ctx.out.json(&summary);
    }
    let short = hbar::trim_zeros;
    let pairs = vec![
        ("Network", format!("{} (mirror {})", summary.network, summary.mirror)),
        ("Mirror lag", summary.mirror_lag_seconds.map_or("no transactions".into(), |s| format!("{s:.1} s"))),
        ("TPS", summary.tps.map_or("unknown".into(), |t| format!("{t:.1} (last {} blocks)", summary.blocks_sampled))),
        ("Nodes", summary.node_count.to_string()),
        ("Total stake", format!("{} ℏ", short(&summary.total_stake_hbar))),
        (
            "Supply",
            format!("{} ℏ released of {} ℏ", short(&summary.released_supply_hbar), short(&summary.total_supply_hbar)),
        ),
        ("Exchange rate", format!("{:.6} USD/ℏ", summary.usd_per_hbar)),
    ];
    ctx.out.pairs(&pairs)
}

fn usd_per_hbar(rate: &ExchangeRate) -> f64 {
    if rate.hbar_equivalent == 0 {
        return 0.0;
    }
    rate.cent_equivalent as f64 / rate.hbar_equivalent as f64 / 100.0
}

fn supply_hbar(tinybars: &str) -> anyhow::Result<String> {
    let n: i128 =
        tinybars.trim().parse().with_context(|| format!("the mirror sent a supply of '{tinybars}' tinybars"))?;
    Ok(hbar::format_units(n, 8))
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mirror::models::{Block, TimestampRange};

    fn block(from: &str, to: &str, count: i64) -> Block {
        Block { number: 1, count, timestamp: TimestampRange { from: Some(from.into()), to: Some(to.into()) } }
    }

    #[test]
    fn tps_spans_all_blocks() {
        let blocks = [block("100.0", "102.0", 30), block("102.0", "104.0", 10)];
        assert_eq!(tps(&blocks), Some(10.0));
        assert_eq!(tps(&[]), None);
    }

    #[test]
    fn usd_rate_uses_cents() {
        let rate = ExchangeRate { cent_equivalent: 450041, hbar_equivalent: 30000, expiration_time: 0 };
        assert!((usd_per_hbar(&rate) - 0.15001366).abs() < 1e-6);
        assert_eq!(supply_hbar("5000000000000000000").unwrap(), "50000000000.00000000");
    }
}
