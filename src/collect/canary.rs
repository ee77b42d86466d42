//! The canary as a collector: one try a cycle, through each node in turn, so "the network stopped taking
//! transactions" and "canary failing on node X" are ordinary rules.
//!
//! Every cycle reports each listed node's last try (label `node_account_id`): `canary_success` (1 or 0, with the
//! error), and `canary_submit_seconds`, `canary_handle_seconds`, `canary_e2e_seconds` and `canary_fee_hbar` where
//! that try reached them. A node keeps its last outcome until its next turn, so its series stay current between
//! turns; a node that leaves the list is dropped. `canary_errors{reason}` counts the failed tries since start. A
//! cycle that could try no node (the address book could not be read) reports nothing but its error.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Collector, Cycle};
use crate::canary::sign::Operator;
use crate::canary::{self, Options, Outcome, Target, REASONS};
use crate::ids::EntityId;
use crate::metrics::Sample;
use crate::mirror::MirrorClient;
use crate::network::Network;
use crate::timestamp::Timestamp;

pub struct CanaryCollector {
    client: MirrorClient,
    network: Network,
    operator: Arc<Operator>,
    options: Options,
    /// The nodes to try in turn; empty: the address book's.
    nodes: Vec<EntityId>,
    /// Whose turn is next.
    turn: usize,
    /// Each node's last try.
    last: BTreeMap<String, Outcome>,
    failures: BTreeMap<&'static str, u64>,
}

impl CanaryCollector {
    pub fn new(
        client: MirrorClient,
        network: Network,
        operator: Arc<Operator>,
        options: Options,
        nodes: Vec<EntityId>,
    ) -> Self {
        // A random first turn: restarts do not all spend their first try on the same node.
        let turn = fastrand::usize(..1024);
        Self { client, network, operator, options, nodes, turn, last: BTreeMap::new(), failures: BTreeMap::new() }
    }

    /// This cycle's node: the next in turn among the configured ones, or the address book's. Nodes no longer
    /// listed are forgotten.
    async fn next_target(&mut self) -> Result<Target, String> {
        let book = self.client.nodes().await.map_err(|e| format!("address book: {e}"))?;
        let mut listed = canary::targets(&self.network, &book);
        listed.retain(|t| self.nodes.is_empty() || self.nodes.contains(&t.account));
        if listed.is_empty() {
            return Err("no node to try: the address book lists none with an endpoint among those configured".into());
        }
        self.last.retain(|node, _| listed.iter().any(|t| t.account.to_string() == *node));
        let target = listed[self.turn % listed.len()].clone();
        self.turn = self.turn.wrapping_add(1);
        Ok(target)
    }

    /// Takes in this cycle's try; returns every listed node's last try and the failure counts.
    fn samples(&mut self, outcome: Outcome, now: Timestamp) -> Vec<Sample> {
        if let Some(reason) = outcome.reason {
            *self.failures.entry(reason).or_default() += 1;
        }
        self.last.insert(outcome.node_account_id.clone(), outcome);
        let mut out = Vec::new();
        for (node, o) in &self.last {
            let labels = [("node_account_id", node.as_str())];
            let success = Sample::new("canary_success", &labels, f64::from(u8::from(o.success)), now);
            out.push(success.with_error(o.error.clone()));
            let measured = [
                ("canary_submit_seconds", o.submit_seconds),
                ("canary_handle_seconds", o.handle_seconds),
                ("canary_e2e_seconds", o.e2e_seconds),
                ("canary_fee_hbar", o.fee_tinybars.map(|f| f as f64 / 1e8)),
            ];
            for (name, value) in measured {
                if let Some(v) = value {
                    out.push(Sample::new(name, &labels, v, now));
                }
            }
        }
        for reason in REASONS {
            let count = self.failures.get(reason).copied().unwrap_or(0);
            out.push(Sample::new("canary_errors", &[("reason", reason)], count as f64, now));
        }
        out
    }
}

impl Collector for CanaryCollector {
    fn name(&self) -> &'static str {
        "canary"
    }

    async fn cycle(&mut self, now: Timestamp) -> Cycle {
        let target = match self.next_target().await {
            Ok(target) => target,
            Err(e) => return Cycle { samples: Vec::new(), errors: vec![e], keep: Vec::new() },
        };
        let outcome = canary::try_node(&self.client, &self.operator, &target, &self.options).await;
        let errors = match (&outcome.reason, &outcome.error) {
            (Some(reason), error) => {
                vec![format!("canary through {}: {reason}: {}", target.account, error.as_deref().unwrap_or(""))]
            }
            _ => Vec::new(),
        };
        Cycle { samples: self.samples(outcome, now), errors, keep: Vec::new() }
    }
}
