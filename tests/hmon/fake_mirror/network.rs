//! A synthetic network for the fake mirror: generated accounts holding hbar and fungible tokens, and a stream of
//! random transactions shaped like the real API's, deterministic from a seed, whose transfers move the balances.
//!
//! Each transaction is applied to the accounts from its own `transfers` and `token_transfers`, so summing those
//! over the stream from any snapshot gives the balances the fake serves. What it makes (the shapes are those of
//! the Mirror Node's spec fixtures `transactions__no-params.json` and `accounts__id__no-params.json`):
//! - crypto transfers; the payer pays a fee shared by the node account (0.0.3-0.0.6), 0.0.98, 0.0.800 and 0.0.801;
//! - token transfers with an hbar fee, some of them approved (`is_approval`, a spender pays the fee);
//! - failed transfers (`INSUFFICIENT_ACCOUNT_BALANCE`, `INSUFFICIENT_TOKEN_BALANCE`): fee transfers only;
//! - staking reward payouts inside a transfer: 0.0.800 pays the reward (so it is listed twice, as in the spec's
//!   example) and the same amount is repeated in `staking_reward_transfers`, which must not be added again;
//! - approved hbar transfers, transfers that list the payer twice (amount and fee apart), HCS messages;
//! - a `SCHEDULESIGN` followed by its scheduled child (`nonce` 1, `scheduled`, `parent_consensus_timestamp`).
//!
//! Transfers are sorted by account then amount, token transfers by token then account, as the API sorts them.

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::{json, Value};

use super::accounts::{Account, Id};
use super::query::timestamp;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Sim {
    /// The first generated account is 0.0.`first`; the others follow it.
    pub first: u64,
    pub accounts: usize,
    /// Fungible tokens: (id, decimals). Each account is associated with about two thirds of them.
    pub tokens: Vec<(&'static str, i64)>,
    /// Every random choice comes from it: the same seed gives the same accounts and the same stream.
    pub seed: u64,
}

/// Consensus time (ns) where the stream starts; accounts were created up to a day before.
pub const GENESIS: i128 = 1_700_000_000_000_000_000;
/// The node accounts that collect node fees.
pub const NODES: [Id; 4] = [Id::num(3), Id::num(4), Id::num(5), Id::num(6)];
pub const FEE_COLLECTOR: Id = Id::num(98);
pub const STAKING_REWARD: Id = Id::num(800);
pub const NODE_REWARD: Id = Id::num(801);

const HBAR: i64 = 100_000_000;
/// The largest fee a generated transaction charges, in tinybars.
const MAX_FEE: i64 = 500_000;

/// The stream's state between calls.
pub struct Generator {
    rng: fastrand::Rng,
    ids: Vec<Id>,
    tokens: Vec<Id>,
    clock: i128,
    schedules: u64,
}

impl Generator {
    /// Creates the system and generated accounts in `accounts`.
    pub fn new(sim: &Sim, accounts: &mut BTreeMap<Id, Account>) -> Generator {
        let mut rng = fastrand::Rng::with_seed(sim.seed);
        for id in NODES.into_iter().chain([FEE_COLLECTOR, NODE_REWARD]) {
            accounts.insert(id, Account::new(id, 1_000 * HBAR, GENESIS - 86_400_000_000_000, GENESIS));
        }
        let reserve = Account::new(STAKING_REWARD, 100_000_000 * HBAR, GENESIS - 86_400_000_000_000, GENESIS);
        accounts.insert(STAKING_REWARD, reserve);
        let tokens: Vec<(Id, i64)> =
            sim.tokens.iter().map(|(t, d)| (Id::parse(t).expect("a token id like 0.0.5000"), *d)).collect();
        let mut ids = Vec::with_capacity(sim.accounts);
        for i in 0..sim.accounts as u64 {
            let id = Id::num(sim.first + i);
            let created = GENESIS - rng.i128(1..86_400_000_000_000);
            let mut account = Account::new(id, rng.i64(100 * HBAR..=100_000 * HBAR), created, created);
            for (token, decimals) in &tokens {
                if rng.u8(0..3) != 0 {
                    account.tokens.insert(*token, (rng.i64(0..=1_000_000_000), *decimals));
                }
            }
            accounts.insert(id, account);
            ids.push(id);
        }
        assert!(ids.len() >= 4, "a network needs at least 4 accounts");
        Generator { rng, ids, tokens: tokens.into_iter().map(|(t, _)| t).collect(), clock: GENESIS, schedules: 0 }
    }

    /// The next transaction (or, when `room` allows two, possibly a parent and its child), applied to `accounts`.
    pub fn next(&mut self, accounts: &mut BTreeMap<Id, Account>, room: usize) -> Vec<(i128, Value)> {
        self.clock += self.rng.i128(1_000..=50_000_000);
        let at = self.clock;
        let hbar = |id: Id| accounts.get(&id).map_or(0, |x| x.tinybars);
        // A payer that can pay any fee (every generated account can, unless a long run drained it).
        let payer = (0..100).map(|_| self.pick(&[])).find(|id| hbar(*id) >= 100 * MAX_FEE).unwrap_or(self.ids[0]);
        let mut d = Draft {
            name: "CRYPTOTRANSFER",
            payer,
            result: "SUCCESS",
            fee: self.rng.i64(MAX_FEE / 10..=MAX_FEE),
            node: NODES[self.rng.usize(..NODES.len())],
            valid_start: at - self.rng.i128(1_000_000_000..=8_000_000_000),
            ..Draft::default()
        };
        let (a, b, c) = (d.payer, self.pick(&[d.payer]), self.pick(&[d.payer]));
        let c = if c == b { self.pick(&[a, b]) } else { c };
        let amount = self.rng.i64(1..=(hbar(a) / 100).max(1));
        let roll = self.rng.u8(0..100);
        let mut child = None;
        match roll {
            0..25 => {
                d.transfer(a, b, amount, hbar(a));
            }
            25..33 => {
                if d.transfer(a, b, amount, hbar(a)) {
                    let reward = self.rng.i64(1..=50_000_000);
                    d.credit(b, reward);
                    d.transfers.push((STAKING_REWARD, -reward, false));
                    d.rewards.push((b, reward));
                }
            }
            33..40 => {
                // The spender `a` pays the fee; the owner `b` gave it an allowance.
                let owned = self.rng.i64(1..=(hbar(b) / 100).max(1));
                d.transfers.extend([(a, -d.fee, false), (b, -owned, true), (c, owned, false)]);
            }
            40..46 if hbar(a) >= amount + d.fee => {
                d.transfers.extend([(a, -amount, false), (a, -d.fee, false), (b, amount, false)]);
            }
            46..54 => d.fail(a, "INSUFFICIENT_ACCOUNT_BALANCE"),
            54..74 => match self.token_move(accounts, a) {
                Some((token, from, to, units, approved)) => {
                    d.transfers.push((a, -d.fee, false));
                    d.tokens.extend([(token, from, -units, approved), (token, to, units, false)]);
                }
                None => d.message(a, Id::num(9_000_000)),
            },
            74..78 => d.fail(a, "INSUFFICIENT_TOKEN_BALANCE"),
            78..86 if room >= 2 => {
                self.schedules += 1;
                d.name = "SCHEDULESIGN";
                d.entity = Some(Id::num(8_000_000 + self.schedules));
                d.transfers.push((a, -d.fee, false));
                let moved = self.rng.i64(1..=(hbar(b) / 100).max(1));
                let transfers = vec![(b, -moved, false), (c, moved, false)];
                let (name, entity, parent) = ("CRYPTOTRANSFER", None, Some(at));
                child = Some(Draft { name, entity, nonce: 1, scheduled: true, parent, fee: 0, transfers, ..d.clone() });
            }
            _ => d.message(a, Id::num(9_000_000 + self.rng.u64(0..3))),
        }
        let mut out = vec![(at, d.render(at, self.hash()))];
        if let Some(child) = child {
            self.clock += 1;
            out.push((self.clock, child.render(self.clock, self.hash())));
        }
        for (at, tx) in &out {
            apply(accounts, *at, tx);
        }
        out
    }

    /// A transaction that touches no generated account: node 0.0.3 pays a topic message of its own, the fee
    /// shared out as usual. It moves the network's consensus time on without moving a watched balance.
    pub fn idle(&mut self, accounts: &mut BTreeMap<Id, Account>) -> (i128, Value) {
        self.clock += self.rng.i128(1_000..=50_000_000);
        let at = self.clock;
        let mut d = Draft {
            name: "CRYPTOTRANSFER",
            payer: NODES[0],
            result: "SUCCESS",
            fee: self.rng.i64(MAX_FEE / 10..=MAX_FEE),
            node: NODES[1],
            valid_start: at - 1_000_000_000,
            ..Draft::default()
        };
        d.message(NODES[0], Id::num(9_000_000));
        let tx = d.render(at, self.hash());
        apply(accounts, at, &tx);
        (at, tx)
    }

    /// A generated account other than those in `not`.
    fn pick(&mut self, not: &[Id]) -> Id {
        loop {
            let id = self.ids[self.rng.usize(..self.ids.len())];
            if !not.contains(&id) {
                return id;
            }
        }
    }

    /// A token move for a transaction paid by `payer`: (token, from, to, units, approved), `from` holding units
    /// and `to` associated; an approved move is `from`'s allowance spent by the payer. `None` if none is found.
    fn token_move(&mut self, accounts: &BTreeMap<Id, Account>, payer: Id) -> Option<(Id, Id, Id, i64, bool)> {
        let token = *self.tokens.get(self.rng.usize(..self.tokens.len().max(1)))?;
        let approved = self.rng.u8(0..5) == 0;
        let held = |id: &Id| accounts[id].tokens.get(&token).map_or(0, |(b, _)| *b);
        let from = if approved { (0..20).map(|_| self.pick(&[payer])).find(|id| held(id) > 0)? } else { payer };
        if held(&from) == 0 {
            return None;
        }
        let to = (0..20).map(|_| self.pick(&[payer, from])).find(|id| accounts[id].tokens.contains_key(&token))?;
        Some((token, from, to, self.rng.i64(1..=held(&from)), approved))
    }

    fn hash(&mut self) -> String {
        let bytes: Vec<u8> = (0..48).map(|_| self.rng.u8(..)).collect();
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }
}

/// One transaction before it is written out.
#[derive(Debug, Clone, Default)]
struct Draft {
    name: &'static str,
    payer: Id,
    result: &'static str,
    /// `charged_tx_fee`, shared out by [`Draft::render`].
    fee: i64,
    node: Id,
    entity: Option<Id>,
    transfers: Vec<(Id, i64, bool)>,
    /// (token, account, amount, is_approval)
    tokens: Vec<(Id, Id, i64, bool)>,
    rewards: Vec<(Id, i64)>,
    nonce: i64,
    parent: Option<i128>,
    scheduled: bool,
    valid_start: i128,
}

impl Draft {
    /// `from` pays `to`, or fails for want of balance; whether it went through.
    fn transfer(&mut self, from: Id, to: Id, amount: i64, balance: i64) -> bool {
        if balance < amount + self.fee {
            self.fail(from, "INSUFFICIENT_ACCOUNT_BALANCE");
            return false;
        }
        self.transfers.extend([(from, -(amount + self.fee), false), (to, amount, false)]);
        true
    }

    /// A failed transaction: only the fee moves.
    fn fail(&mut self, payer: Id, result: &'static str) {
        self.result = result;
        self.transfers.push((payer, -self.fee, false));
    }

    fn message(&mut self, payer: Id, topic: Id) {
        self.name = "CONSENSUSSUBMITMESSAGE";
        self.entity = Some(topic);
        self.transfers.push((payer, -self.fee, false));
    }

    /// Adds `amount` to `account`'s (first) entry.
    fn credit(&mut self, account: Id, amount: i64) {
        if let Some(entry) = self.transfers.iter_mut().find(|(id, _, _)| *id == account) {
            entry.1 += amount;
        }
    }

    fn render(mut self, at: i128, hash: String) -> Value {
        if self.fee > 0 {
            let (node, rewards) = (self.fee / 10, self.fee / 20);
            self.transfers.extend([
                (self.node, node, false),
                (FEE_COLLECTOR, self.fee - node - 2 * rewards, false),
                (STAKING_REWARD, rewards, false),
                (NODE_REWARD, rewards, false),
            ]);
        }
        self.transfers.sort_by_key(|(id, amount, _)| (*id, *amount));
        self.tokens.sort_by_key(|(token, account, _, _)| (*token, *account));
        let transfers: Vec<Value> = self
            .transfers
            .iter()
            .map(|(id, amount, approval)| json!({"account": id.to_string(), "amount": amount, "is_approval": approval}))
            .collect();
        let tokens: Vec<Value> = self
            .tokens
            .iter()
            .map(|(t, a, amount, approval)| {
                json!({"token_id": t.to_string(), "account": a.to_string(), "amount": amount, "is_approval": approval})
            })
            .collect();
        let rewards: Vec<Value> =
            self.rewards.iter().map(|(a, amount)| json!({"account": a.to_string(), "amount": amount})).collect();
        let (secs, nanos) = (self.valid_start.div_euclid(1_000_000_000), self.valid_start.rem_euclid(1_000_000_000));
        json!({
            "batch_key": null, "bytes": null, "charged_tx_fee": self.fee, "consensus_timestamp": timestamp(at),
            "entity_id": self.entity.map(|e| e.to_string()), "high_volume": false,
            "high_volume_pricing_multiplier": 1, "max_custom_fees": [], "max_fee": "200000000", "memo_base64": "",
            "name": self.name, "nft_transfers": [], "node": self.node.to_string(), "nonce": self.nonce,
            "parent_consensus_timestamp": self.parent.map(timestamp), "result": self.result,
            "scheduled": self.scheduled, "staking_reward_transfers": rewards, "token_transfers": tokens,
            "transaction_hash": hash, "transaction_id": format!("{}-{secs}-{nanos:09}", self.payer),
            "transfers": transfers, "valid_duration_seconds": "120",
            "valid_start_timestamp": timestamp(self.valid_start)
        })
    }
}

/// Moves the balances of `accounts` by `tx`'s transfers, as the importer does (`staking_reward_transfers` only
/// repeat what `transfers` already hold). Each hbar move sets the account's `balance.timestamp`.
pub fn apply(accounts: &mut BTreeMap<Id, Account>, at: i128, tx: &Value) {
    let entries = |field: &str| tx[field].as_array().cloned().unwrap_or_default();
    for t in entries("transfers") {
        let id = Id::parse(t["account"].as_str().expect("account")).expect("an account id");
        let account = accounts.entry(id).or_insert_with(|| Account::new(id, 0, at, at));
        account.tinybars = account.tinybars.checked_add(t["amount"].as_i64().expect("amount")).expect("no overflow");
        account.balance_at = at;
    }
    for t in entries("token_transfers") {
        let id = Id::parse(t["account"].as_str().expect("account")).expect("an account id");
        let token = Id::parse(t["token_id"].as_str().expect("token_id")).expect("a token id");
        let account = accounts.entry(id).or_insert_with(|| Account::new(id, 0, at, at));
        let held = account.tokens.entry(token).or_insert((0, 0));
        held.0 = held.0.checked_add(t["amount"].as_i64().expect("amount")).expect("no overflow");
    }
}
