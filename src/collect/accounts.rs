//! Watched accounts: balances, token balances and new transactions, economically at any list size.
//!
//! Two ways to follow the accounts, chosen each cycle by what they cost in mirror requests ([`super::mode`]):
//! - per-account batches ([`super::batches`]) for short lists: `/transactions` for 50 accounts a request,
//!   balances re-read one account at a time;
//! - the network stream ([`super::streaming`]) for long lists: every transaction of the network from one cursor,
//!   applied to balances read 100 accounts a request. Its cost follows the network's transaction rate, not the
//!   list.
//!
//! Both keep the same balances ([`Ledger`]), so a switch re-reads nothing, and both count `account_transactions`
//! from durable cursors (the store's `kv` table, written with the cycle's alert state), so a restart or a switch
//! neither misses nor counts twice a transaction. A balance is emitted only when this cycle confirmed it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::batches::Batches;
use super::cursors::CursorStore;
use super::ledger::{Known, Ledger};
use super::mode::{self, Mode, ModeSetting};
use super::streaming::Streaming;
use super::watchlist::{TokenTable, WatchList, Watched};
use super::{Collector, Cycle};
use crate::ids::EntityId;
use crate::metrics::Sample;
use crate::mirror::MirrorClient;
use crate::store::Db;
use crate::timestamp::Timestamp;

/// An account to watch, with an optional human label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedAccount {
    pub id: EntityId,
    pub label: String,
}

/// How economical to be with per-account batches.
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

/// When the stream may be used, and the budget it plans with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScaleTuning {
    pub mode: ModeSetting,
    /// The mirror client's requests a second (shared with the other collectors).
    pub rate_limit: f64,
    /// The collector's interval.
    pub interval: Duration,
    /// Only one cycle will run (`watch --once`): it reads every balance and follows the stream to its head,
    /// whatever the budget.
    pub single_cycle: bool,
}

impl Default for ScaleTuning {
    /// Per-account batches only, as before the stream existed.
    fn default() -> Self {
        Self { mode: ModeSetting::Batches, rate_limit: 20.0, interval: Duration::from_secs(10), single_cycle: false }
    }
}

/// How often the network's rate is estimated from `/blocks` while batches run (for the mode choice).
const BLOCKS_EVERY: Duration = Duration::from_secs(60);

/// How old a stored cursor may be for a warm-up to start on the stream anyway (then, a few pages replay the gap).
const WARM_UP_GAP: Duration = Duration::from_secs(120);

/// Blocks the rate is averaged over.
const BLOCKS: usize = 10;

/// Requests a single-cycle run may spend (it stops earlier at the stream's head).
const SINGLE_CYCLE_REQUESTS: usize = 20_000;

/// What both modes work on: the mirror, the watch list and the balances known.
#[derive(Debug)]
pub struct Shared {
    pub client: MirrorClient,
    pub watch: WatchList,
    pub tokens: TokenTable,
    pub ledger: Ledger,
}

/// Collects `account_balance_hbar`, `account_token_balance` and `account_transactions`; with the stream allowed,
/// also `accounts_streaming`, `accounts_drift` and (in stream mode) `accounts_stream_lag_seconds`.
pub struct AccountsCollector {
    shared: Shared,
    tuning: AccountsTuning,
    scale: ScaleTuning,
    mode: Mode,
    batches: Batches,
    streaming: Streaming,
    cursor_store: Option<CursorStore>,
    loaded: bool,
    /// The network's rate from `/blocks`, and when it was asked for.
    blocks_rate: Option<f64>,
    blocks_at: Option<Instant>,
}

impl AccountsCollector {
    /// A collector of `accounts` by per-account batches; [`AccountsCollector::with_scale`] allows the stream.
    pub fn new(client: MirrorClient, accounts: Vec<WatchedAccount>, tuning: AccountsTuning) -> Self {
        let tuning = AccountsTuning { batch_size: tuning.batch_size.clamp(1, 100), ..tuning };
        let watch = WatchList::new(accounts);
        let n = watch.len();
        Self {
            shared: Shared { client, watch, tokens: TokenTable::default(), ledger: Ledger::new(n) },
            tuning,
            scale: ScaleTuning::default(),
            mode: Mode::Batches,
            batches: Batches::new(n, tuning),
            streaming: Streaming::new(n),
            cursor_store: None,
            loaded: false,
            blocks_rate: None,
            blocks_at: None,
        }
    }

    /// Allows the network stream as `scale.mode` says, planning with its rate limit and interval.
    pub fn with_scale(mut self, scale: ScaleTuning) -> Self {
        self.scale = scale;
        self
    }

    /// Reads the host's time from `clock` (the system's by default).
    pub fn with_clock(mut self, clock: super::Clock) -> Self {
        self.streaming.clock = clock;
        self
    }

    /// Keeps the transaction cursors in `db` (`kv` keys `accounts.cursors` and `accounts.stream`): the first cycle
    /// starts from them, and every cycle hands them to the pipeline to store (see [`super::cursors`]). A batch
    /// starts from the oldest stored cursor of its accounts when all of them have one, otherwise from the mirror's
    /// newest transaction; the stream from the oldest of all.
    pub fn with_cursor_store(mut self, db: Arc<Db>) -> Self {
        self.cursor_store = Some(CursorStore::new(db));
        self
    }

    /// Each account's stored cursor: the later of its own and the stream's.
    async fn load_cursors(&mut self) -> Vec<Option<Timestamp>> {
        let n = self.shared.watch.len();
        let Some(store) = &mut self.cursor_store else { return vec![None; n] };
        let own = store.load().await;
        let stream = store.load_stream().await;
        self.shared.watch.iter().map(|w| own.get(&w.text).copied().max(stream)).collect()
    }

    /// Whether the stream may ever be used for this list.
    fn scalable(&self) -> bool {
        match self.scale.mode {
            ModeSetting::Batches => false,
            ModeSetting::Stream => true,
            ModeSetting::Auto => self.shared.watch.len() > self.tuning.batch_size,
        }
    }

    /// The mode for this cycle, from the costs of both at the network's rate and the accounts' activity.
    async fn decide(&mut self, errors: &mut Vec<String>) -> Mode {
        let n = self.shared.watch.len();
        let rate = match self.scale.mode {
            ModeSetting::Auto if self.scalable() => match self.mode {
                Mode::Stream => self.streaming.stream.rate.or(self.blocks_rate),
                Mode::Batches => self.rate_from_blocks(errors).await,
            },
            _ => None,
        };
        // Batches also read again every account that had transactions: as many as the last cycle saw.
        let touched = match self.mode {
            Mode::Batches => self.batches.touched,
            Mode::Stream => self.streaming.touched,
        };
        let batches = mode::batch_cost(n, self.tuning.batch_size, self.tuning.refresh_cycles) + touched;
        let warm_up = self.scale.mode == ModeSetting::Auto && self.scalable() && self.shared.ledger.known() == 0;
        if warm_up && self.mode == Mode::Batches && !self.behind() {
            // Nothing known yet: the stream's warm-up reads 100 accounts a request where batches read one, so a
            // list longer than a batch starts there; then the costs decide (a switch keeps the balances).
            return Mode::Stream;
        }
        // A list batches cannot follow within a cycle's budget at any rate: while the network's rate is unknown
        // (a mirror with no blocks yet), the stream is tried at the cheapest rate; it measures its own rate and
        // hands back if batches turn out cheaper.
        let budget = mode::cycle_budget(self.scale.rate_limit, self.scale.interval) as u64;
        let rate =
            rate.or((self.scale.mode == ModeSetting::Auto && self.scalable() && batches > budget).then_some(0.0));
        let costs = (batches, rate.map(|r| mode::stream_cost(r, self.scale.interval)));
        mode::choose(self.scale.mode, self.mode, n, self.tuning.batch_size, costs)
    }

    /// Whether a stored cursor of the batches is older than [`WARM_UP_GAP`]: the stream would start there and read
    /// the whole network's transactions since, so the warm-up is no reason to take it.
    fn behind(&self) -> bool {
        let now = self.streaming.clock.now();
        let starts = self.batches.starts(self.shared.watch.len());
        starts.iter().flatten().any(|at| at.seconds_until(now) > WARM_UP_GAP.as_secs_f64())
    }

    /// The network's rate over the newest blocks, asked for at most every [`BLOCKS_EVERY`].
    async fn rate_from_blocks(&mut self, errors: &mut Vec<String>) -> Option<f64> {
        if self.blocks_at.is_some_and(|at| at.elapsed() < BLOCKS_EVERY) {
            return self.blocks_rate;
        }
        match self.shared.client.blocks(BLOCKS).await {
            Ok(blocks) => self.blocks_rate = super::network::tps(&blocks).or(self.blocks_rate),
            Err(e) => errors.push(format!("network rate (blocks): {e}")),
        }
        // Asked again next cycle until a rate is known (a new mirror may have too few blocks yet).
        if self.blocks_rate.is_some() {
            self.blocks_at = Some(Instant::now());
        }
        self.blocks_rate
    }

    fn switch(&mut self, to: Mode) {
        let n = self.shared.watch.len();
        tracing::info!(accounts = n, mode = ?to, "accounts collector switches mode");
        match to {
            Mode::Stream => self.streaming.take_over(self.batches.starts(n)),
            Mode::Batches => {
                self.batches.take_over(self.streaming.stream.cursor);
                self.streaming.stop();
            }
        }
        self.mode = to;
    }

    /// The cursors to store after this cycle, if they changed.
    fn cursors_to_keep(&mut self) -> Option<(String, String)> {
        let store = self.cursor_store.as_mut()?;
        match self.mode {
            Mode::Stream => store.handover_stream(self.streaming.stream.cursor?),
            Mode::Batches => {
                let starts = self.batches.starts(self.shared.watch.len());
                let cursors = self
                    .shared
                    .watch
                    .iter()
                    .zip(starts)
                    .filter_map(|(w, at)| Some((w.text.clone(), at?.to_string())))
                    .collect();
                Some((super::cursors::KEY.to_string(), store.handover(cursors)?))
            }
        }
    }

    /// `accounts_streaming` and `accounts_drift`, for collectors that may stream.
    fn own_samples(&self, now: Timestamp) -> [Sample; 2] {
        let streaming = if self.mode == Mode::Stream { 1.0 } else { 0.0 };
        [
            Sample::new("accounts_streaming", &[], streaming, now),
            Sample::new("accounts_drift", &[], self.streaming.drift as f64, now),
        ]
    }
}

impl Collector for AccountsCollector {
    fn name(&self) -> &'static str {
        "accounts"
    }

    async fn cycle(&mut self, now: Timestamp) -> Cycle {
        let mut errors = Vec::new();
        if !self.loaded {
            let starts = self.load_cursors().await;
            self.batches.start_from(&starts);
            self.loaded = true;
        }
        let mode = self.decide(&mut errors).await;
        if mode != self.mode {
            self.switch(mode);
        }
        let mut samples = match self.mode {
            Mode::Batches => self.batches.cycle(&mut self.shared, now, &mut errors).await,
            Mode::Stream => {
                let requests = match self.scale.single_cycle {
                    true => SINGLE_CYCLE_REQUESTS,
                    false => mode::cycle_budget(self.scale.rate_limit, self.scale.interval),
                };
                // Pages kept for the stream before any read: enough for an interval at the measured rate (two
                // while it is unknown), at most half the cycle, so the warm-up and re-reads never starve it.
                let pages = self.streaming.stream.rate.map_or(2, |r| {
                    (mode::stream_cost(r, self.scale.interval) - mode::REFRESH_READS).min(usize::MAX as u64) as usize
                });
                let reserve = pages.min(requests / 2);
                self.streaming.cycle(&mut self.shared, now, requests, reserve, &mut errors).await
            }
        };
        if self.scalable() {
            samples.extend(self.own_samples(now));
        }
        let keep = self.cursors_to_keep().into_iter().collect();
        Cycle { samples, errors, keep }
    }

    fn hurry(&self) -> bool {
        self.mode == Mode::Stream && self.streaming.hurry
    }

    fn glimpse_every(&self) -> Option<Duration> {
        let on = self.mode == Mode::Stream && !self.scale.single_cycle && self.streaming.following();
        on.then_some(mode::GLIMPSE_EVERY)
    }

    async fn glimpse(&mut self, now: Timestamp) -> Vec<Sample> {
        if self.mode != Mode::Stream {
            return Vec::new();
        }
        // A glimpse that cannot reach the head within its share (a burst) leaves the rest to the next one.
        let pages = mode::cycle_budget(self.scale.rate_limit, mode::GLIMPSE_EVERY) / 2;
        self.streaming.glimpse(&mut self.shared, now, pages).await
    }
}

/// Pushes an account's `account_balance_hbar` and its `account_token_balance`s (in token id order; tokens whose
/// decimals are unknown, or a list that may be partial, are left out). Balances in doubt (a transfer may or may
/// not be in them) are not pushed: the account is read again, and their samples come back once a read lines up.
pub fn push_balances(out: &mut Vec<Sample>, w: &Watched, k: &Known, tokens: &TokenTable, now: Timestamp) {
    if !k.hbar_doubt {
        out.push(Sample::of("account_balance_hbar", Arc::clone(&w.labels), k.tinybars as f64 / 1e8, now));
    }
    if !k.tokens_complete || k.token_doubt {
        return;
    }
    let mut held: Vec<(&str, f64)> = k
        .tokens
        .iter()
        .filter_map(|(t, amount)| {
            let decimals = tokens.decimals(*t)?.clamp(0, 30) as i32;
            Some((tokens.id(*t), *amount as f64 / 10f64.powi(decimals)))
        })
        .collect();
    held.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (token, whole) in held {
        out.push(Sample::new("account_token_balance", &[("account", &w.text), ("token", token)], whole, now));
    }
}
