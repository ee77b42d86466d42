//! Per-account batches: the accounts collector's way for short lists.
//!
//! Each cycle asks `/transactions` about many accounts at once (several `account.id` values per request, from a
//! cursor per batch), re-reads balances only of accounts that had transactions, and refreshes the rest slowly,
//! a slice per cycle. With little activity a cycle costs about `N/batch + N/refresh_cycles` requests, not `N`.
//!
//! An account's balances are emitted only when this cycle confirmed them: its batch's `/transactions` query
//! succeeded (showing whether it changed) and, if its balance was read this cycle, the read succeeded. Its
//! `account_transactions` count is emitted only when its batch's query succeeded. A failing mirror thus leaves
//! gaps instead of cached values passed off as fresh.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures::{stream, StreamExt};

use super::accounts::{push_balances, AccountsTuning, Shared};
use super::ledger::{Cut, Known};
use super::watchlist::TokenTable;
use crate::ids::AccountRef;
use crate::metrics::Sample;
use crate::mirror::{MirrorClient, TransactionQuery};
use crate::timestamp::Timestamp;

/// The per-account batches' state between cycles.
#[derive(Debug)]
pub struct Batches {
    tuning: AccountsTuning,
    /// Per batch of accounts: the newest consensus timestamp already counted.
    cursors: Vec<Option<Timestamp>>,
    /// Per account, the newest consensus timestamp counted before (a previous run, the stream): a batch's cursor is
    /// the oldest of its accounts', and this keeps the others from counting a transaction twice.
    floors: HashMap<u32, Timestamp>,
    refresh_next: usize,
    /// Whether a cycle ran (the first reads every balance).
    started: bool,
    /// Accounts that had transactions in the last cycle, each read again: the part of the cost that follows the
    /// accounts' activity.
    pub touched: u64,
}

impl Batches {
    pub fn new(accounts: usize, tuning: AccountsTuning) -> Self {
        let batches = accounts.div_ceil(tuning.batch_size);
        Self {
            tuning,
            cursors: vec![None; batches],
            floors: HashMap::new(),
            refresh_next: 0,
            started: false,
            touched: 0,
        }
    }

    /// The accounts (watch-list positions) of each batch, in the order of the cursors.
    fn batches(&self, accounts: usize) -> impl Iterator<Item = std::ops::Range<u32>> + '_ {
        (0..self.cursors.len()).map(move |i| {
            let start = i * self.tuning.batch_size;
            start as u32..(start + self.tuning.batch_size).min(accounts) as u32
        })
    }

    /// Starts each batch from its accounts' cursors (`starts`, by account) when all of them have one; the
    /// others start from the mirror's newest transaction at the next cycle.
    pub fn start_from(&mut self, starts: &[Option<Timestamp>]) {
        let ranges: Vec<_> = self.batches(starts.len()).collect();
        for (i, range) in ranges.into_iter().enumerate() {
            let all: Option<Vec<Timestamp>> = range.map(|a| starts[a as usize]).collect();
            self.cursors[i] = all.and_then(|at| at.into_iter().min());
        }
        self.floors = starts.iter().enumerate().filter_map(|(a, t)| Some((a as u32, (*t)?))).collect();
    }

    /// Takes over from the stream, whose cursor was `cursor`: every batch goes on from it. A stream that never
    /// started (`None`) leaves the batches' cursors as they were.
    pub fn take_over(&mut self, cursor: Option<Timestamp>) {
        if let Some(cursor) = cursor {
            self.cursors.iter_mut().for_each(|c| *c = Some(cursor));
            self.floors.clear();
        }
        // The balances the stream's reads left are kept; accounts without one are read as due.
        self.started = true;
    }

    /// Every account's cursor: its batch's, or its floor if later (or if its batch has none yet).
    pub fn starts(&self, accounts: usize) -> Vec<Option<Timestamp>> {
        let mut out = vec![None; accounts];
        for (i, range) in self.batches(accounts).enumerate() {
            for a in range {
                out[a as usize] = match (self.cursors[i], self.floors.get(&a)) {
                    (Some(c), Some(f)) => Some(c.max(*f)),
                    (c, f) => c.or(f.copied()),
                };
            }
        }
        out
    }

    /// One cycle: new transactions per batch, then the balances due.
    pub async fn cycle(&mut self, shared: &mut Shared, now: Timestamp, errors: &mut Vec<String>) -> Vec<Sample> {
        let counted = self.new_transactions(shared, errors).await;
        self.touched = counted.counts.len() as u64;
        if self.cursors.iter().any(Option::is_none) {
            self.start_cursors(&shared.client, now, errors).await;
        }
        let due = match self.started {
            true => self.due(shared, &counted.counts),
            false => (0..shared.watch.len() as u32).collect(),
        };
        self.started = true;
        let read = refresh(shared, due, self.tuning.concurrency, errors).await;
        samples(shared, now, &counted, &read)
    }

    /// Starts the batches without a cursor from the mirror's newest transaction (its clock, not ours); until
    /// that is known, they count nothing.
    async fn start_cursors(&mut self, client: &MirrorClient, now: Timestamp, errors: &mut Vec<String>) {
        match client.latest_transaction().await {
            Ok(latest) => {
                let start = latest.and_then(|t| t.consensus_timestamp.parse().ok()).unwrap_or(now);
                self.cursors.iter_mut().filter(|c| c.is_none()).for_each(|c| *c = Some(start));
            }
            Err(e) => errors.push(format!("newest transaction: {e}")),
        }
    }

    /// Counts new transactions per account since each batch's cursor (batches with one), and moves the cursors.
    async fn new_transactions(&mut self, shared: &Shared, errors: &mut Vec<String>) -> Counted {
        let mut counted = Counted::default();
        let ranges: Vec<_> = self.batches(shared.watch.len()).collect();
        for (i, range) in ranges.into_iter().enumerate() {
            let Some(cursor) = self.cursors[i] else { continue };
            let ids: Vec<String> = range.clone().map(|a| shared.watch.get(a as usize).text.clone()).collect();
            let query =
                TransactionQuery { account_ids: ids, after: Some(cursor), ascending: true, ..Default::default() };
            match shared.client.transactions(&query, 10_000, |_| {}).await {
                Ok(txs) => {
                    for tx in &txs {
                        let at = tx.consensus_timestamp.parse::<Timestamp>().ok();
                        let payer = tx.transaction_id.split('-').next().unwrap_or("");
                        let mut involved: HashSet<&str> = tx.transfers.iter().map(|t| t.account.as_str()).collect();
                        involved.extend(tx.token_transfers.iter().map(|t| t.account.as_str()));
                        for n in &tx.nft_transfers {
                            involved.extend(
                                [&n.sender_account_id, &n.receiver_account_id]
                                    .into_iter()
                                    .flatten()
                                    .map(String::as_str),
                            );
                        }
                        involved.insert(payer);
                        let wanted =
                            involved.into_iter().filter_map(|a| shared.watch.find(a)).filter(|a| range.contains(a));
                        for a in wanted {
                            let seen = at.zip(self.floors.get(&a)).is_some_and(|(at, floor)| at <= *floor);
                            if !seen {
                                *counted.counts.entry(a).or_insert(0) += 1;
                            }
                        }
                        if let Some(t) = at {
                            self.cursors[i] = Some(self.cursors[i].map_or(t, |c| c.max(t)));
                        }
                    }
                    counted.accounts.extend(range);
                }
                Err(e) => errors.push(format!("transactions of {} accounts: {e}", range.len())),
            }
        }
        counted
    }

    /// Accounts to re-read this cycle: those with new transactions, this cycle's slice of the slow full
    /// refresh, and any whose balance has never been read or is in doubt.
    fn due(&mut self, shared: &Shared, counts: &HashMap<u32, u64>) -> Vec<u32> {
        let n = shared.watch.len();
        let mut due: Vec<u32> = counts.keys().copied().collect();
        let slice = n.div_ceil(self.tuning.refresh_cycles.max(1));
        for _ in 0..slice.min(n) {
            let a = (self.refresh_next % n) as u32;
            self.refresh_next = (self.refresh_next + 1) % n;
            if !due.contains(&a) {
                due.push(a);
            }
        }
        // Never read, or left in doubt by the stream before a switch: read now.
        let unsure = |a: &u32| shared.ledger.get(*a).is_none_or(|k| k.hbar_doubt || k.token_doubt);
        let unread: Vec<u32> = (0..n as u32).filter(|a| unsure(a) && !due.contains(a)).collect();
        due.extend(unread);
        due
    }
}

/// What this cycle's `/transactions` queries found.
#[derive(Debug, Default)]
struct Counted {
    /// New transactions per account (accounts without any are absent).
    counts: HashMap<u32, u64>,
    /// The accounts whose batch was queried successfully.
    accounts: HashSet<u32>,
}

/// Re-reads balances of `due`, concurrently (bounded); returns whether each read succeeded.
async fn refresh(
    shared: &mut Shared,
    due: Vec<u32>,
    concurrency: usize,
    errors: &mut Vec<String>,
) -> HashMap<u32, bool> {
    let (client, tokens, watch) = (&shared.client, &shared.tokens, &shared.watch);
    let results: Vec<(u32, anyhow::Result<Reading>)> = stream::iter(due)
        .map(|a| async move { (a, read_balance(client, &watch.get(a as usize).text, tokens).await) })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let mut read = HashMap::with_capacity(results.len());
    for (a, result) in results {
        match result {
            Ok(reading) => {
                for (token, decimals) in &reading.decimals {
                    shared.tokens.set_decimals(token, *decimals);
                }
                let mut held: Vec<(u32, i128)> =
                    reading.tokens.iter().map(|(t, b)| (shared.tokens.intern(t), i128::from(*b))).collect();
                held.sort_unstable_by_key(|(t, _)| *t);
                held.dedup_by_key(|(t, _)| *t);
                *shared.ledger.slot(a) = Some(Known {
                    tinybars: i128::from(reading.tinybars),
                    hbar_cut: reading.as_of.map_or(Cut::ORIGIN, Cut::exact),
                    tokens: held,
                    token_cut: Cut::ORIGIN,
                    tokens_complete: true,
                    hbar_doubt: false,
                    token_doubt: false,
                });
                read.insert(a, true);
            }
            Err(e) => {
                errors.push(format!("balance of {}: {e:#}", shared.watch.get(a as usize).text));
                read.insert(a, false);
            }
        }
    }
    read
}

/// Samples of the accounts this cycle confirmed: balances of those read this cycle, or else whose batch's
/// transactions query succeeded; transaction counts of those whose batch's query succeeded.
fn samples(shared: &Shared, now: Timestamp, counted: &Counted, read: &HashMap<u32, bool>) -> Vec<Sample> {
    let mut out = Vec::with_capacity(shared.watch.len() * 2);
    for (a, w) in shared.watch.iter().enumerate() {
        let a = a as u32;
        let confirmed = read.get(&a).copied().unwrap_or_else(|| counted.accounts.contains(&a));
        if let Some(k) = shared.ledger.get(a).filter(|_| confirmed) {
            push_balances(&mut out, w, k, &shared.tokens, now);
        }
        if counted.accounts.contains(&a) {
            let n = counted.counts.get(&a).copied().unwrap_or(0);
            out.push(Sample::of("account_transactions", Arc::clone(&w.labels), n as f64, now));
        }
    }
    out
}

/// One account's balance as `/accounts/{id}` shows it, and the decimals of tokens seen for the first time.
struct Reading {
    tinybars: i64,
    /// `balance.timestamp`: the last hbar transfer the balance includes.
    as_of: Option<Timestamp>,
    tokens: Vec<(String, i64)>,
    decimals: Vec<(String, i64)>,
}

/// One account's balance; token decimals are fetched only for tokens not seen before.
async fn read_balance(client: &MirrorClient, id: &str, known: &TokenTable) -> anyhow::Result<Reading> {
    let account_ref = AccountRef::Id(id.parse()?);
    let account = client.account(&account_ref).await?;
    let balance = account.balance.unwrap_or_default();
    let tokens: Vec<(String, i64)> = balance.tokens.iter().map(|t| (t.token_id.clone(), t.balance)).collect();
    let mut decimals = Vec::new();
    if tokens.iter().any(|(t, _)| !known.knows(t)) {
        for rel in client.account_tokens(id).await? {
            decimals.push((rel.token_id, rel.decimals));
        }
    }
    let as_of = balance.timestamp.as_deref().and_then(|t| t.parse().ok());
    Ok(Reading { tinybars: balance.balance, as_of, tokens, decimals })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(secs: i64) -> Timestamp {
        Timestamp { secs, nanos: 0 }
    }

    const TUNING: AccountsTuning = AccountsTuning { batch_size: 2, refresh_cycles: 10, concurrency: 1 };

    #[test]
    fn a_batch_starts_from_its_oldest_cursor_and_keeps_the_others_as_floors() {
        let mut batches = Batches::new(5, TUNING);
        // Batches [0, 1], [2, 3], [4]; account 3 has no cursor.
        batches.start_from(&[Some(ts(10)), Some(ts(7)), Some(ts(9)), None, Some(ts(4))]);
        assert_eq!(batches.cursors, [Some(ts(7)), None, Some(ts(4))]);
        // Each account's own cursor survives: the later of its batch's and its floor.
        assert_eq!(batches.starts(5), [Some(ts(10)), Some(ts(7)), Some(ts(9)), None, Some(ts(4))]);
        batches.cursors[0] = Some(ts(8));
        assert_eq!(batches.starts(5)[..2], [Some(ts(10)), Some(ts(8))]);
    }

    #[test]
    fn taking_over_from_the_stream_goes_on_from_its_cursor() {
        let mut batches = Batches::new(3, TUNING);
        batches.start_from(&[Some(ts(1)), Some(ts(2)), Some(ts(3))]);
        batches.take_over(Some(ts(20)));
        assert_eq!(batches.starts(3), [Some(ts(20)); 3]);
        assert!(batches.started, "no first cycle that reads every balance again");
        let mut fresh = Batches::new(3, TUNING);
        fresh.start_from(&[Some(ts(1)), None, Some(ts(3))]);
        fresh.take_over(None);
        assert_eq!(fresh.starts(3), [Some(ts(1)), None, Some(ts(3))], "a stream that never started changes nothing");
    }
}
