//! Network-wide health: mirror lag and TPS (cheap, frequent) and the address book with node probes (slower).

use std::time::Duration;

use futures::{stream, StreamExt};

use super::{Collector, Cycle};
use crate::hedera::probe::{probe_node, ProbeOutcome};
use crate::ids::EntityId;
use crate::metrics::Sample;
use crate::mirror::models::{Block, NetworkNode};
use crate::mirror::MirrorClient;
use crate::network::Network;
use crate::timestamp::Timestamp;

/// `mirror_lag_seconds` and `network_tps`: two requests a cycle.
pub struct MirrorCollector {
    pub client: MirrorClient,
    /// Blocks to average TPS over.
    pub blocks: usize,
}

impl Collector for MirrorCollector {
    fn name(&self) -> &'static str {
        "mirror"
    }

    async fn cycle(&mut self, now: Timestamp) -> Cycle {
        let mut cycle = Cycle::default();
        let (latest, blocks) = tokio::join!(self.client.latest_transaction(), self.client.blocks(self.blocks));
        match latest {
            Ok(Some(tx)) => match tx.consensus_timestamp.parse::<Timestamp>() {
                Ok(t) => cycle.samples.push(Sample::new("mirror_lag_seconds", &[], t.seconds_until(now).max(0.0), now)),
                Err(e) => cycle.errors.push(format!("newest transaction: {e}")),
            },
            // A mirror without any transaction yet (a fresh local network) is empty, not failing.
            Ok(None) => {}
            Err(e) => cycle.errors.push(format!("newest transaction: {e}")),
        }
        match blocks {
            Ok(blocks) => {
                if let Some(tps) = tps(&blocks) {
                    cycle.samples.push(Sample::new("network_tps", &[], tps, now));
                }
            }
            Err(e) => cycle.errors.push(format!("blocks: {e}")),
        }
        cycle
    }
}

/// Transactions per second over the blocks' combined time span.
pub fn tps(blocks: &[Block]) -> Option<f64> {
    let parse = |s: &Option<String>| s.as_deref().and_then(|t| t.parse::<Timestamp>().ok());
    let start = blocks.iter().filter_map(|b| parse(&b.timestamp.from)).min()?;
    let end = blocks.iter().filter_map(|b| parse(&b.timestamp.to).or(parse(&b.timestamp.from))).max()?;
    let span = start.seconds_until(end);
    let count: i64 = blocks.iter().map(|b| b.count).sum();
    (span > 0.0).then(|| count as f64 / span)
}

/// `network_nodes`, `network_stake_hbar`, `node_up` and `node_latency_seconds`.
pub struct NodesCollector {
    pub client: MirrorClient,
    pub network: Network,
    pub probe_timeout: Duration,
}

impl Collector for NodesCollector {
    fn name(&self) -> &'static str {
        "nodes"
    }

    async fn cycle(&mut self, now: Timestamp) -> Cycle {
        let nodes = match self.client.nodes().await {
            Ok(nodes) => nodes,
            Err(e) => {
                return Cycle { samples: Vec::new(), errors: vec![format!("address book: {e}")], keep: Vec::new() }
            }
        };
        let stake: i64 = nodes.iter().filter_map(|n| n.stake).sum();
        let mut samples = vec![
            Sample::new("network_nodes", &[], nodes.len() as f64, now),
            Sample::new("network_stake_hbar", &[], stake as f64 / 1e8, now),
        ];
        let timeout = self.probe_timeout;
        // (node id, node account, where to probe it and its shard/realm when known)
        type Target = (String, String, Option<(String, EntityId)>);
        let targets: Vec<Target> = nodes
            .iter()
            .map(|n| {
                let target = probe_address(&self.network, n).zip(n.node_account_id.parse::<EntityId>().ok());
                (n.node_id.to_string(), n.node_account_id.clone(), target)
            })
            .collect();
        let probes: Vec<(String, String, ProbeOutcome)> = stream::iter(targets)
            .map(|(node_id, account, target)| async move {
                let outcome = match target {
                    Some((addr, acct)) => probe_node(&addr, acct.shard, acct.realm, timeout).await,
                    None => ProbeOutcome { up: false, latency: None, error: Some("no endpoint".into()) },
                };
                (node_id, account, outcome)
            })
            .buffered(64)
            .collect()
            .await;
        for (node_id, account, ProbeOutcome { up, latency, error }) in probes {
            let labels = [("node_id", node_id.as_str()), ("node_account_id", account.as_str())];
            let error = if up { None } else { error };
            samples.push(Sample::new("node_up", &labels, if up { 1.0 } else { 0.0 }, now).with_error(error));
            if let (true, Some(l)) = (up, latency) {
                samples.push(Sample::new("node_latency_seconds", &labels, l.as_secs_f64(), now));
            }
        }
        Cycle { samples, errors: Vec::new(), keep: Vec::new() }
    }
}

/// The address to probe: the config's `[networks.NAME] nodes` entry for this account, else the address book's
/// plaintext endpoint (port 50211), else its first endpoint.
pub fn probe_address(network: &Network, node: &NetworkNode) -> Option<String> {
    if let Some((addr, _)) = network.nodes.iter().find(|(_, account)| **account == node.node_account_id) {
        return Some(addr.clone());
    }
    let endpoints = &node.service_endpoints;
    endpoints.iter().find(|e| e.port == 50211).or(endpoints.first()).and_then(|e| e.address())
}
