//! Watched accounts: balances, token balances and new transactions, economically.
//!
//! Each cycle asks `/transactions` about many accounts at once (several `account.id` values per request, from a
//! cursor per batch), re-reads balances only of accounts that had transactions, and refreshes the rest slowly,
//! a slice per cycle. With little activity a cycle costs about `N/batch + N/refresh_cycles` requests, not `N`.
//!
//! An account's balances are emitted only when this cycle confirmed them: its batch's `/transactions` query
//! succeeded (showing whether it changed) and, if its balance was read this cycle, the read succeeded. Its
//! `account_transactions` count is emitted only when its batch's query succeeded. A failing mirror thus leaves
//! gaps instead of cached values passed off as fresh.
//!
//! With a cursor store ([`AccountsCollector::with_cursor_store`]) the cursors outlive the process.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use futures::{stream, StreamExt};

use super::cursors::{CursorStore, StoredCursors, KEY};
use super::{Collector, Cycle};
use crate::ids::{AccountRef, EntityId};
use crate::metrics::Sample;
use crate::mirror::{MirrorClient, TransactionQuery};
use crate::store::Db;
use crate::timestamp::Timestamp;

/// An account to watch, with an optional human label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedAccount {
    pub id: EntityId,
    pub label: String,
}

/// How economical to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountsTuning {
    /// Accounts per `/transactions` request.
    pub batch_size: usize,
    /// Every account's balance is re-read at least once in this many cycles.
    pub refresh_cycles: usize,
    /// Balance requests in flight at once.
    pub concurrency: usize,
}

impl Default for AccountsTuning {
    fn default() -> Self {
        Self { batch_size: 50, refresh_cycles: 30, concurrency: 4 }
    }
}

#[derive(Debug, Clone, Default)]
struct Known {
    tinybars: i64,
    /// token id -> balance in smallest units.
    tokens: BTreeMap<String, i64>,
}

/// Collects `account_balance_hbar`, `account_token_balance` and `account_transactions`.
pub struct AccountsCollector {
    client: MirrorClient,
    accounts: Vec<WatchedAccount>,
    tuning: AccountsTuning,
    /// Per batch of accounts: the newest consensus timestamp already counted.
    cursors: Vec<Option<Timestamp>>,
    /// Per account, the newest consensus timestamp a previous run counted: a batch's cursor is the oldest of its
    /// accounts', and this keeps the others from counting a transaction twice.
    floors: HashMap<String, Timestamp>,
    cursor_store: Option<CursorStore>,
    known: HashMap<String, Known>,
    decimals: HashMap<String, i64>,
    refresh_next: usize,
    started: bool,
}

impl AccountsCollector {
    pub fn new(client: MirrorClient, accounts: Vec<WatchedAccount>, tuning: AccountsTuning) -> Self {
        let tuning = AccountsTuning { batch_size: tuning.batch_size.clamp(1, 100), ..tuning };
        let batches = accounts.len().div_ceil(tuning.batch_size);
        Self {
            client,
            accounts,
            tuning,
            cursors: vec![None; batches],
            floors: HashMap::new(),
            cursor_store: None,
            known: HashMap::new(),
            decimals: HashMap::new(),
            refresh_next: 0,
            started: false,
        }
    }

    /// Keeps the transaction cursors in `db` (`kv` key `accounts.cursors`): the first cycle starts from them, and
    /// every cycle saves them (off the async threads; a failure is logged, never fatal). A batch starts from the
    /// oldest stored cursor of its accounts when all of them have one, otherwise from the mirror's newest
    /// transaction.
    pub fn with_cursor_store(mut self, db: Arc<Db>) -> Self {
        self.cursor_store = Some(CursorStore::new(db));
        self
    }

    /// The batches of account ids, in the order of the cursors.
    fn batches(&self) -> Vec<Vec<String>> {
        self.accounts.chunks(self.tuning.batch_size).map(|c| c.iter().map(|a| a.id.to_string()).collect()).collect()
    }

    /// Starts each batch from its accounts' stored cursors, when there is a store and all of them have one.
    async fn load_cursors(&mut self) {
        let Some(store) = &mut self.cursor_store else { return };
        let stored = store.load().await;
        for (i, ids) in self.batches().into_iter().enumerate() {
            let all: Option<Vec<Timestamp>> = ids.iter().map(|id| stored.get(id).copied()).collect();
            self.cursors[i] = all.and_then(|at| at.into_iter().min());
        }
        let watched: HashSet<String> = self.accounts.iter().map(|a| a.id.to_string()).collect();
        self.floors = stored.into_iter().filter(|(id, _)| watched.contains(id)).collect();
    }

    /// Every watched account's cursor to store: its batch's, or the one it was loaded with if later (or if its
    /// batch has none yet); `None` when nothing changed since the last hand-over.
    fn cursors_to_keep(&mut self) -> Option<(String, String)> {
        let mut cursors = StoredCursors::new();
        for (i, ids) in self.batches().into_iter().enumerate() {
            for id in ids {
                let at = match (self.cursors[i], self.floors.get(&id)) {
                    (Some(c), Some(f)) => c.max(*f),
                    (Some(c), None) => c,
                    (None, Some(f)) => *f,
                    (None, None) => continue,
                };
                cursors.insert(id, at.to_string());
            }
        }
        let json = self.cursor_store.as_mut()?.handover(cursors)?;
        Some((KEY.to_string(), json))
    }

    /// Starts the batches without a cursor from the mirror's newest transaction (its clock, not ours); until
    /// that is known, they count nothing.
    async fn start_cursors(&mut self, now: Timestamp, errors: &mut Vec<String>) {
        match self.client.latest_transaction().await {
            Ok(latest) => {
                let start = latest.and_then(|t| t.consensus_timestamp.parse().ok()).unwrap_or(now);
                self.cursors.iter_mut().filter(|c| c.is_none()).for_each(|c| *c = Some(start));
            }
            Err(e) => errors.push(format!("newest transaction: {e}")),
        }
    }

    /// Counts new transactions per account since each batch's cursor (batches with one), and moves the cursors.
    async fn new_transactions(&mut self, errors: &mut Vec<String>) -> Counted {
        let mut counted = Counted::default();
        for (i, ids) in self.batches().into_iter().enumerate() {
            let Some(cursor) = self.cursors[i] else { continue };
            let query = TransactionQuery {
                account_ids: ids.clone(),
                after: Some(cursor),
                ascending: true,
                ..Default::default()
            };
            match self.client.transactions(&query, 10_000, |_| {}).await {
                Ok(txs) => {
                    let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
                    for tx in &txs {
                        let at = tx.consensus_timestamp.parse::<Timestamp>().ok();
                        let payer = tx.transaction_id.split('-').next().unwrap_or("");
                        let mut involved: HashSet<&str> = tx.transfers.iter().map(|t| t.account.as_str()).collect();
                        involved.extend(tx.token_transfers.iter().map(|t| t.account.as_str()));
                        involved.insert(payer);
                        for account in involved.into_iter().filter(|a| wanted.contains(a)) {
                            let seen = at.zip(self.floors.get(account)).is_some_and(|(at, floor)| at <= *floor);
                            if !seen {
                                *counted.counts.entry(account.to_string()).or_insert(0) += 1;
                            }
                        }
                        if let Some(t) = at {
                            self.cursors[i] = Some(self.cursors[i].map_or(t, |c| c.max(t)));
                        }
                    }
                    counted.accounts.extend(ids);
                }
                Err(e) => errors.push(format!("transactions of {} accounts: {e}", ids.len())),
            }
        }
        counted
    }

    /// Re-reads balances of `ids`, concurrently (bounded); returns whether each read succeeded.
    async fn refresh(&mut self, ids: Vec<String>, errors: &mut Vec<String>) -> HashMap<String, bool> {
        let client = &self.client;
        let decimals = &self.decimals;
        let results: Vec<(String, anyhow::Result<Reading>)> = stream::iter(ids)
            .map(|id| async move {
                let r = read_balance(client, &id, decimals).await;
                (id, r)
            })
            .buffer_unordered(self.tuning.concurrency)
            .collect()
            .await;
        let mut read = HashMap::with_capacity(results.len());
        for (id, result) in results {
            match result {
                Ok(Reading { known, decimals }) => {
                    self.decimals.extend(decimals);
                    self.known.insert(id.clone(), known);
                    read.insert(id, true);
                }
                Err(e) => {
                    errors.push(format!("balance of {id}: {e:#}"));
                    read.insert(id, false);
                }
            }
        }
        read
    }

    /// Samples of the accounts this cycle confirmed: balances of those read this cycle, or else whose batch's
    /// transactions query succeeded; transaction counts of those whose batch's query succeeded.
    fn samples(&self, now: Timestamp, counted: &Counted, read: &HashMap<String, bool>) -> Vec<Sample> {
        let mut out = Vec::with_capacity(self.accounts.len() * 2);
        for a in &self.accounts {
            let id = a.id.to_string();
            let labels = [("account", id.as_str()), ("label", a.label.as_str())];
            let confirmed = read.get(&id).copied().unwrap_or_else(|| counted.accounts.contains(&id));
            if let Some(k) = self.known.get(&id).filter(|_| confirmed) {
                out.push(Sample::new("account_balance_hbar", &labels, k.tinybars as f64 / 1e8, now));
                for (token, balance) in &k.tokens {
                    let decimals = self.decimals.get(token).copied().unwrap_or(0).clamp(0, 30) as i32;
                    let whole = *balance as f64 / 10f64.powi(decimals);
                    out.push(Sample::new("account_token_balance", &[("account", &id), ("token", token)], whole, now));
                }
            }
            if counted.accounts.contains(&id) {
                let n = counted.counts.get(&id).copied().unwrap_or(0);
                out.push(Sample::new("account_transactions", &labels, n as f64, now));
            }
        }
        out
    }
}

impl Collector for AccountsCollector {
    fn name(&self) -> &'static str {
        "accounts"
    }

    async fn cycle(&mut self, now: Timestamp) -> Cycle {
        let mut errors = Vec::new();
        if !self.started {
            self.load_cursors().await;
        }
        let counted = self.new_transactions(&mut errors).await;
        if self.cursors.iter().any(Option::is_none) {
            self.start_cursors(now, &mut errors).await;
        }
        let due = match self.started {
            true => self.due(&counted.counts),
            false => self.accounts.iter().map(|a| a.id.to_string()).collect(),
        };
        self.started = true;
        let read = self.refresh(due, &mut errors).await;
        let keep = self.cursors_to_keep().into_iter().collect();
        Cycle { samples: self.samples(now, &counted, &read), errors, keep }
    }
}

impl AccountsCollector {
    /// Accounts to re-read this cycle: those with new transactions, this cycle's slice of the slow full
    /// refresh, and any whose balance has never been read.
    fn due(&mut self, counts: &HashMap<String, u64>) -> Vec<String> {
        let mut due: Vec<String> = counts.keys().cloned().collect();
        let slice = self.accounts.len().div_ceil(self.tuning.refresh_cycles.max(1));
        for _ in 0..slice.min(self.accounts.len()) {
            let id = self.accounts[self.refresh_next % self.accounts.len()].id.to_string();
            self.refresh_next = (self.refresh_next + 1) % self.accounts.len();
            if !due.contains(&id) {
                due.push(id);
            }
        }
        let unread: Vec<String> = self
            .accounts
            .iter()
            .map(|a| a.id.to_string())
            .filter(|id| !self.known.contains_key(id) && !due.contains(id))
            .collect();
        due.extend(unread);
        due
    }
}

/// What this cycle's `/transactions` queries found.
#[derive(Debug, Default)]
struct Counted {
    /// New transactions per account (accounts without any are absent).
    counts: HashMap<String, u64>,
    /// The accounts whose batch was queried successfully.
    accounts: HashSet<String>,
}

/// One account's balances, and the decimals of tokens seen for the first time.
struct Reading {
    known: Known,
    decimals: Vec<(String, i64)>,
}

/// One account's balance; token decimals are fetched only for tokens not seen before.
async fn read_balance(client: &MirrorClient, id: &str, decimals: &HashMap<String, i64>) -> anyhow::Result<Reading> {
    let account_ref = AccountRef::Id(id.parse()?);
    let account = client.account(&account_ref).await?;
    let balance = account.balance.unwrap_or_default();
    let tokens: BTreeMap<String, i64> = balance.tokens.iter().map(|t| (t.token_id.clone(), t.balance)).collect();
    let mut learned = Vec::new();
    if tokens.keys().any(|t| !decimals.contains_key(t)) {
        for rel in client.account_tokens(id).await? {
            learned.push((rel.token_id, rel.decimals));
        }
    }
    Ok(Reading { known: Known { tinybars: balance.balance, tokens }, decimals: learned })
}
