//! The network stream: every transaction the mirror has, oldest first, from a cursor (`/api/v1/transactions?
//! timestamp=gt:CURSOR&order=asc`), matched against the watch list and applied to the known balances.
//!
//! Per transaction, an account's hbar change is the sum of every `transfers` entry for it (fees, node and
//! staking-account shares, rewards, failed transactions' fees: all are there), its token change the sum of its
//! `token_transfers` entries, and each `nft_transfers` entry moves a count of one. `staking_reward_transfers` are
//! left out: they repeat what `transfers` already holds. Sums are taken in `i128`, so no amount the API can send
//! overflows them.
//!
//! `account_transactions` counts, per watched account, the transactions that name it (as payer or in any
//! transfer list) after its floor: where a previous run or the per-account batches stopped counting.

use std::collections::HashMap;
use std::time::Duration;

use super::ledger::{Applied, Delta, Ledger, Replay};
use super::watchlist::{TokenTable, WatchList};
use crate::mirror::models::Transaction;
use crate::timestamp::Timestamp;

/// What applying pages did this cycle, besides moving balances.
#[derive(Debug, Default)]
pub struct Effects {
    /// Transactions counted per account (by watch-list position).
    pub counts: Vec<u32>,
    /// Accounts to read again: a transfer was ambiguous against their balance's cut, or did not fit.
    pub reread: Vec<u32>,
    /// Accounts that received a token whose decimals are not known yet.
    pub token_lists: Vec<u32>,
    /// Accounts whose balance (hbar or a token's) a transaction moved, in order met, possibly repeated.
    pub moved: Vec<u32>,
    /// Transactions applied.
    pub transactions: usize,
    /// Transactions that could not be applied (a consensus timestamp that is not one).
    pub skipped: Vec<String>,
}

impl Effects {
    pub fn new(accounts: usize) -> Self {
        Self { counts: vec![0; accounts], ..Self::default() }
    }
}

/// The watched accounts' balances and what is known of their tokens, which the stream moves.
pub struct Book<'a> {
    pub watch: &'a WatchList,
    pub tokens: &'a mut TokenTable,
    pub ledger: &'a mut Ledger,
}

/// The stream's position and what it keeps between cycles.
#[derive(Debug, Default)]
pub struct Stream {
    /// The newest consensus timestamp applied; `None` until the stream has started.
    pub cursor: Option<Timestamp>,
    pub replay: Replay,
    /// Transactions per second of consensus time, smoothed over cycles.
    pub rate: Option<f64>,
    /// Whether the last page was short: nothing newer was on the mirror then.
    pub at_head: bool,
    /// Per account, the newest consensus timestamp already counted (where it differs from `floor`).
    floors: HashMap<u32, Timestamp>,
    /// The same for every account not in `floors`.
    floor: Option<Timestamp>,
    /// The newest of all floors: past it, they no longer matter.
    last_floor: Option<Timestamp>,
    /// Reused for each transaction: hbar sums, token sums and the accounts named.
    hbar: Vec<(u32, i128)>,
    tokens: Vec<(u32, u32, i128)>,
    named: Vec<u32>,
}

impl Stream {
    /// Starts (or restarts) at `at`: the next page is the transactions after it. Transactions are counted for an
    /// account only after its entry in `floors`, else after `floor`.
    pub fn start(&mut self, at: Timestamp, floors: HashMap<u32, Timestamp>, floor: Option<Timestamp>) {
        self.cursor = Some(at);
        self.replay.restart(at);
        self.last_floor = floors.values().copied().chain(floor).max();
        self.floors = floors;
        self.floor = floor;
        self.at_head = false;
    }

    /// Stops following (the collector reads per-account batches now); the rate is kept.
    pub fn stop(&mut self) {
        self.cursor = None;
        self.at_head = false;
        (self.floors, self.floor, self.last_floor) = (HashMap::new(), None, None);
        self.replay = Replay::default();
    }

    /// Applies one page of transactions, oldest first, and moves the cursor past them.
    pub fn apply_page(&mut self, page: &[Transaction], book: &mut Book<'_>, effects: &mut Effects) {
        for tx in page {
            let Ok(at) = tx.consensus_timestamp.parse::<Timestamp>() else {
                effects.skipped.push(format!("transaction {}: invalid consensus timestamp", tx.transaction_id));
                continue;
            };
            if self.cursor.is_some_and(|c| at <= c) {
                continue;
            }
            self.apply(tx, at, book, effects);
            self.cursor = Some(at);
            effects.transactions += 1;
        }
        if let Some(cursor) = self.cursor {
            self.replay.trim(cursor);
            if self.last_floor.is_some_and(|f| f <= cursor) {
                (self.floors, self.floor, self.last_floor) = (HashMap::new(), None, None);
            }
        }
    }

    /// Folds a cycle's measurement into the rate: `transactions` over the consensus time from `from` to the
    /// cursor, or over `elapsed` when the stream reached the head (nothing else happened meanwhile).
    pub fn measure(&mut self, from: Option<Timestamp>, transactions: usize, elapsed: Duration) {
        let consensus = from.zip(self.cursor).map_or(0.0, |(a, b)| a.seconds_until(b));
        let span = if self.at_head { consensus.max(elapsed.as_secs_f64()) } else { consensus };
        if span > 0.0 {
            let sample = transactions as f64 / span;
            self.rate = Some(self.rate.map_or(sample, |r| (r + sample) / 2.0));
        }
    }

    fn counts_for(&self, account: u32, at: Timestamp) -> bool {
        self.floors.get(&account).or(self.floor.as_ref()).is_none_or(|f| at > *f)
    }

    fn apply(&mut self, tx: &Transaction, at: Timestamp, book: &mut Book<'_>, effects: &mut Effects) {
        let (watch, tokens) = (book.watch, &mut *book.tokens);
        self.hbar.clear();
        self.tokens.clear();
        self.named.clear();
        for t in &tx.transfers {
            if let Some(a) = watch.find(&t.account) {
                add(&mut self.hbar, a, t.amount);
                self.named.push(a);
            }
        }
        for t in &tx.token_transfers {
            if let Some(a) = watch.find(&t.account) {
                add_token(&mut self.tokens, a, tokens.intern(&t.token_id), t.amount);
                self.named.push(a);
            }
        }
        for n in &tx.nft_transfers {
            for (side, count) in [(&n.sender_account_id, -1), (&n.receiver_account_id, 1)] {
                if let Some(a) = side.as_deref().and_then(|s| watch.find(s)) {
                    add_token(&mut self.tokens, a, tokens.intern(&n.token_id), count);
                    self.named.push(a);
                }
            }
        }
        // The payer is the transaction id's text before the first '-'.
        if let Some(a) = tx.transaction_id.split('-').next().and_then(|p| watch.find(p)) {
            self.named.push(a);
        }
        self.named.sort_unstable();
        self.named.dedup();
        for &a in &self.named {
            if self.counts_for(a, at) {
                effects.counts[a as usize] += 1;
            }
        }
        for &(account, amount) in &self.hbar {
            effects.moved.push(account);
            self.replay.push(Delta { at, account, token: None, amount });
            if matches!(book.ledger.apply_hbar(account, at, amount), Applied::Ambiguous | Applied::Overflow) {
                effects.reread.push(account);
            }
        }
        for &(account, token, amount) in &self.tokens {
            effects.moved.push(account);
            self.replay.push(Delta { at, account, token: Some(token), amount });
            match book.ledger.apply_token(account, token, at, amount) {
                Applied::Ambiguous | Applied::Overflow => effects.reread.push(account),
                Applied::Added if tokens.decimals(token).is_none() => effects.token_lists.push(account),
                _ => {}
            }
        }
    }
}

fn add(sums: &mut Vec<(u32, i128)>, account: u32, amount: i64) {
    match sums.iter_mut().find(|(a, _)| *a == account) {
        Some((_, sum)) => *sum = sum.saturating_add(i128::from(amount)),
        None => sums.push((account, i128::from(amount))),
    }
}

fn add_token(sums: &mut Vec<(u32, u32, i128)>, account: u32, token: u32, amount: i64) {
    match sums.iter_mut().find(|(a, t, _)| *a == account && *t == token) {
        Some((_, _, sum)) => *sum = sum.saturating_add(i128::from(amount)),
        None => sums.push((account, token, i128::from(amount))),
    }
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
