//! What the accounts collector knows of each watched account's balances, and exactly which transfers that
//! knowledge includes, so that reads and the network stream add up without counting a transfer twice.
//!
//! Each balance carries a [`Cut`]: every transfer at or before `lo` is in it, none after `hi`. A read of
//! `/api/v1/accounts` gives hbar an exact cut (`lo == hi ==` its `balance.timestamp`, the last hbar transfer the
//! balance includes); its tokens have no timestamp, so their cut is a bracket from a little before the request to
//! a little after the answer. A transfer from the stream is then:
//! - at or before `lo`: already in the balance, skipped;
//! - after `hi`: added, and the cut becomes exactly its timestamp (the stream is in consensus order);
//! - in between: ambiguous, not added; the account is read again.
//!
//! The stream keeps the deltas it met for watched accounts for a while ([`Replay`]), so that a read answered from
//! a cache older than the stream's cursor is brought up to the cursor exactly.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Duration;

use crate::timestamp::Timestamp;

/// Which transfers a balance includes: all at or before `lo`, none after `hi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    pub lo: Timestamp,
    pub hi: Timestamp,
}

/// Where a transfer falls against a [`Cut`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    Included,
    Ambiguous,
    After,
}

impl Cut {
    /// Before any transaction: what a balance read without a timestamp gets until the stream lines it up.
    pub const ORIGIN: Cut = Cut::exact(Timestamp { secs: 0, nanos: 0 });

    pub const fn exact(at: Timestamp) -> Cut {
        Cut { lo: at, hi: at }
    }

    /// A bracket; `hi` below `lo` is taken as `lo`.
    pub fn between(lo: Timestamp, hi: Timestamp) -> Cut {
        Cut { lo, hi: hi.max(lo) }
    }

    pub fn place(&self, at: Timestamp) -> Fit {
        if at <= self.lo {
            Fit::Included
        } else if at <= self.hi {
            Fit::Ambiguous
        } else {
            Fit::After
        }
    }

    /// This cut, but including at least every transfer up to `at`.
    pub fn raised_to(self, at: Timestamp) -> Cut {
        Cut { lo: self.lo.max(at), hi: self.hi.max(at) }
    }
}

/// One account's balances.
#[derive(Debug, Clone, PartialEq)]
pub struct Known {
    pub tinybars: i128,
    pub hbar_cut: Cut,
    /// (token number in the [`super::watchlist::TokenTable`], amount in its smallest unit), by token number.
    pub tokens: Vec<(u32, i128)>,
    pub token_cut: Cut,
    /// False while the token list may be cut short (an id-list read shows 50 tokens at most): token balances are
    /// neither emitted nor moved until the account's own token list has been read.
    pub tokens_complete: bool,
    /// An ambiguous hbar transfer was met since the last read: the hbar balance may be off by it until the next
    /// read.
    pub hbar_doubt: bool,
    /// The same for a token transfer: the token balances may be off.
    pub token_doubt: bool,
}

/// What became of a transfer for a watched account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Added,
    /// Already in the balance.
    Included,
    /// Maybe in the balance, maybe not: the account needs a read.
    Ambiguous,
    /// Nothing is known of the account yet (its first read will line up with the [`Replay`]).
    Unknown,
    /// The sum does not fit: the account needs a read.
    Overflow,
}

/// Adds `amount` to the entry of `token` in `tokens` (kept in token order); false if the sum does not fit.
pub fn add_token(tokens: &mut Vec<(u32, i128)>, token: u32, amount: i128) -> bool {
    match tokens.binary_search_by_key(&token, |(t, _)| *t) {
        Ok(i) => match tokens[i].1.checked_add(amount) {
            Some(sum) => {
                tokens[i].1 = sum;
                true
            }
            None => false,
        },
        Err(i) => {
            tokens.insert(i, (token, amount));
            true
        }
    }
}

/// Every watched account's [`Known`] balances, by position in the watch list.
#[derive(Debug, Default)]
pub struct Ledger {
    known: Vec<Option<Known>>,
}

impl Ledger {
    pub fn new(accounts: usize) -> Self {
        Self { known: vec![None; accounts] }
    }

    pub fn get(&self, account: u32) -> Option<&Known> {
        self.known.get(account as usize)?.as_ref()
    }

    pub fn slot(&mut self, account: u32) -> &mut Option<Known> {
        &mut self.known[account as usize]
    }

    /// How many accounts have balances.
    pub fn known(&self) -> usize {
        self.known.iter().filter(|k| k.is_some()).count()
    }

    /// Applies an hbar transfer of `amount` at `at` to `account`.
    pub fn apply_hbar(&mut self, account: u32, at: Timestamp, amount: i128) -> Applied {
        let Some(k) = self.known.get_mut(account as usize).and_then(Option::as_mut) else { return Applied::Unknown };
        match k.hbar_cut.place(at) {
            Fit::Included => Applied::Included,
            Fit::Ambiguous => {
                k.hbar_doubt = true;
                Applied::Ambiguous
            }
            Fit::After => match k.tinybars.checked_add(amount) {
                Some(sum) => {
                    k.tinybars = sum;
                    k.hbar_cut = Cut::exact(at);
                    Applied::Added
                }
                None => Applied::Overflow,
            },
        }
    }

    /// Applies a transfer of `amount` of `token` at `at` to `account`.
    pub fn apply_token(&mut self, account: u32, token: u32, at: Timestamp, amount: i128) -> Applied {
        let Some(k) = self.known.get_mut(account as usize).and_then(Option::as_mut) else { return Applied::Unknown };
        if !k.tokens_complete {
            // The list is partial: its own read lines it up with the replay.
            return Applied::Unknown;
        }
        match k.token_cut.place(at) {
            Fit::Included => Applied::Included,
            Fit::Ambiguous => {
                k.token_doubt = true;
                Applied::Ambiguous
            }
            Fit::After if add_token(&mut k.tokens, token, amount) => {
                k.token_cut = Cut::exact(at);
                Applied::Added
            }
            Fit::After => Applied::Overflow,
        }
    }

    /// Takes every balance as including all transfers up to `at`: what a stream starting at `at` needs of
    /// balances read while it was not running (per-account batches re-read an account after each transaction).
    pub fn raise_cuts(&mut self, at: Timestamp) {
        for k in self.known.iter_mut().flatten() {
            k.hbar_cut = k.hbar_cut.raised_to(at);
            k.token_cut = k.token_cut.raised_to(at);
        }
    }
}

/// A transfer the stream met for a watched account: hbar (`token` none) or a token, summed per transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delta {
    pub at: Timestamp,
    pub account: u32,
    pub token: Option<u32>,
    pub amount: i128,
}

/// How long the stream keeps deltas: far more than a cached read can be older than the cursor (10 s on
/// `/accounts`, plus the margin the stream starts with).
pub const REPLAY_SPAN: Duration = Duration::from_secs(60);

/// The deltas the stream met in the last [`REPLAY_SPAN`] of consensus time, oldest first.
#[derive(Debug, Default)]
pub struct Replay {
    deltas: VecDeque<Delta>,
    /// Deltas at or before this are not (or no longer) here.
    since: Option<Timestamp>,
}

impl Replay {
    /// Forgets everything: the stream starts (again) at `at`.
    pub fn restart(&mut self, at: Timestamp) {
        self.deltas.clear();
        self.since = Some(at);
    }

    pub fn push(&mut self, delta: Delta) {
        self.deltas.push_back(delta);
    }

    /// Drops the deltas older than [`REPLAY_SPAN`] before `cursor`.
    pub fn trim(&mut self, cursor: Timestamp) {
        let floor = cursor.minus(REPLAY_SPAN);
        while self.deltas.front().is_some_and(|d| d.at <= floor) {
            self.deltas.pop_front();
        }
        self.since = Some(self.since.map_or(floor, |s| s.max(floor)));
    }

    /// Whether every delta after `at` that the stream met is still here.
    pub fn covers(&self, at: Timestamp) -> bool {
        self.since.is_none_or(|s| s <= at)
    }

    /// The deltas of `accounts`, each account's oldest first.
    pub fn of(&self, accounts: &HashSet<u32>) -> HashMap<u32, Vec<Delta>> {
        let mut out: HashMap<u32, Vec<Delta>> = HashMap::new();
        for d in self.deltas.iter().filter(|d| accounts.contains(&d.account)) {
            out.entry(d.account).or_default().push(*d);
        }
        out
    }

    pub fn len(&self) -> usize {
        self.deltas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.deltas.is_empty()
    }
}

#[cfg(test)]
#[path = "ledger_tests.rs"]
mod tests;
