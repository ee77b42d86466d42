//! The canary as a collector: one try a cycle, through each node in turn, so "the network stopped taking
//! transactions" and "canary failing on node X" are ordinary rules.
//!
//! Samples: `canary_submit_seconds`, `canary_handle_seconds`, `canary_e2e_seconds` and `canary_fee_hbar` of the
//! cycle's try (what it measured); `canary_success{node_account_id}` of every node tried so far, each its last
//! try's outcome (a node waits for its turn, and its series stays current meanwhile); `canary_errors{reason}`, the
//! tries failed for each reason since start.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::network::probe_address;
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
    /// Each node's last outcome: success, and why not.
    last: BTreeMap<String, (bool, Option<String>)>,
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
        Self { client, network, operator, options, nodes, turn: 0, last: BTreeMap::new(), failures: BTreeMap::new() }
    }

    /// This cycle's node: the next in turn among the configured ones, or the address book's.
    async fn next_target(&mut self) -> Result<Target, String> {
        let book = self.client.nodes().await.map_err(|e| format!("address book: {e}"))?;
        let listed: Vec<Target> = book
            .iter()
            .filter_map(|n| {
                Some(Target { account: n.node_account_id.parse().ok()?, address: probe_address(&self.network, n)? })
            })
            .filter(|t| self.nodes.is_empty() || self.nodes.contains(&t.account))
            .collect();
        if listed.is_empty() {
            return Err("no node to try: the address book lists none with an endpoint among those configured".into());
        }
        let target = listed[self.turn % listed.len()].clone();
        self.turn = self.turn.wrapping_add(1);
        Ok(target)
    }

    fn samples(&mut self, outcome: Option<&Outcome>, now: Timestamp) -> Vec<Sample> {
        let mut out = Vec::new();
        if let Some(o) = outcome {
            let timed = [
                ("canary_submit_seconds", o.submit_seconds),
                ("canary_handle_seconds", o.handle_seconds),
                ("canary_e2e_seconds", o.e2e_seconds),
                ("canary_fee_hbar", o.fee_tinybars.map(|f| f as f64 / 1e8)),
            ];
            for (name, value) in timed {
                if let Some(v) = value {
                    out.push(Sample::new(name, &[], v, now));
                }
            }
            self.last.insert(o.node_account_id.clone(), (o.success, o.error.clone()));
            if let Some(reason) = o.reason {
                *self.failures.entry(reason).or_default() += 1;
            }
        }
        for (node, (success, error)) in &self.last {
            let sample =
                Sample::new("canary_success", &[("node_account_id", node)], f64::from(u8::from(*success)), now);
            out.push(sample.with_error(error.clone()));
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
            Err(e) => return Cycle { samples: self.samples(None, now), errors: vec![e], keep: Vec::new() },
        };
        let outcome = canary::try_node(&self.client, &self.operator, &target, &self.options).await;
        let errors = match (&outcome.reason, &outcome.error) {
            (Some(reason), error) => {
                vec![format!("canary through {}: {reason}: {}", target.account, error.as_deref().unwrap_or(""))]
            }
            _ => Vec::new(),
        };
        Cycle { samples: self.samples(Some(&outcome), now), errors, keep: Vec::new() }
    }
}
