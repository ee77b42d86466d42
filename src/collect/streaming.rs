//! The accounts collector's stream mode, one cycle at a time: id-list reads (warm-up, re-reads, token lists, the
//! drift check), then pages of the network stream, within a budget of requests.
//!
//! The stream starts [`START_MARGIN`] before the mirror's newest transaction (or earlier, at a stored cursor), so
//! that it starts before the cut of any read that follows, even one answered from the mirror's cache. Each cycle
//! reads pages until a short page (the head) or the budget runs out; a stream that cannot keep up is not hidden:
//! `accounts_stream_lag_seconds` (now minus the cursor) grows and later cycles catch up. Reads get a bracket from
//! [`START_MARGIN`] before the newest transaction known to [`CLOCK_MARGIN`] after their answer.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{stream as futures_stream, StreamExt};

use super::accounts::{push_balances, Shared};
use super::bulk::{merge, merge_token_list, Merged, Read, ReadQueue, TOKEN_LIST_CAP};
use super::ledger::{Cut, Known};
use super::pages;
use super::stream::{Book, Effects, Stream};
use super::Clock;
use crate::ids::EntityId;
use crate::metrics::Sample;
use crate::mirror::models::ListedAccount;
use crate::mirror::MirrorError;
use crate::timestamp::Timestamp;

/// How far before the mirror's newest transaction the stream starts, and reads' brackets begin: the mirror's cache
/// (10 s on `/accounts`) and a little more.
pub const START_MARGIN: Duration = Duration::from_secs(15);

/// How far after its answer a read's cut may be in consensus time: the host's clock may be a little behind.
pub const CLOCK_MARGIN: Duration = Duration::from_secs(5);

/// A stored cursor further than this behind the mirror's newest transaction is not caught up from (the mirror may
/// only serve 60 days of transactions): the stream starts at the head, and the transactions between go uncounted.
pub const MAX_CATCH_UP: Duration = Duration::from_secs(50 * 86_400);

/// Reads in flight at once: the rate limit paces them, this only hides the round trips.
const IN_FLIGHT: usize = 16;

/// Ids named in the error about accounts the mirror does not know.
const NAMED_MISSING: usize = 5;

/// Stream mode's state between cycles.
#[derive(Debug)]
pub struct Streaming {
    pub stream: Stream,
    queue: ReadQueue,
    /// Where counting starts for each account, for the next start of the stream.
    starts: Vec<Option<Timestamp>>,
    /// The newest consensus timestamp known to be on the mirror.
    head: Option<Timestamp>,
    /// Reads that lined up with the known balances and differed, since start.
    pub drift: u64,
    /// When the last stream page was read, for the rate at the head.
    last_page: Option<Instant>,
    /// Whether the next cycle should start at once: the warm-up or the stream has more to do.
    pub hurry: bool,
    /// Watched accounts named by a transaction in the pages of the last cycle that read any: what per-account
    /// batches would read again.
    pub touched: u64,
    /// The host's time, which bounds what a read can include.
    pub clock: Clock,
    /// What glimpses since the last cycle read of the stream, for the cycle to count and report.
    glimpsed: Option<Effects>,
    glimpse_errors: Vec<String>,
}

impl Streaming {
    pub fn new(accounts: usize) -> Self {
        Self {
            stream: Stream::default(),
            queue: ReadQueue::new(accounts),
            starts: vec![None; accounts],
            head: None,
            drift: 0,
            last_page: None,
            hurry: false,
            touched: 0,
            clock: Clock::default(),
            glimpsed: None,
            glimpse_errors: Vec::new(),
        }
    }

    /// Takes over at the next cycle, counting each account's transactions after its entry of `starts`.
    pub fn take_over(&mut self, starts: Vec<Option<Timestamp>>) {
        self.stream.stop();
        self.starts = starts;
    }

    /// Hands over to the per-account batches.
    pub fn stop(&mut self) {
        self.stream.stop();
        self.hurry = false;
        self.glimpsed = None;
    }

    /// Whether the stream runs with nothing left to catch up: glimpses between cycles keep it near its head (one
    /// that falls short of it, in a burst, leaves the rest to the next).
    pub fn following(&self) -> bool {
        self.stream.cursor.is_some() && !self.hurry
    }

    /// Between two cycles: reads the stream's new pages (at most `pages`) and returns the balances they moved,
    /// stamped `now`. Counts, errors, re-reads and token lists wait for the next cycle.
    pub async fn glimpse(&mut self, shared: &mut Shared, now: Timestamp, pages: usize) -> Vec<Sample> {
        if !self.following() {
            return Vec::new();
        }
        let mut errors = Vec::new();
        let effects = self.follow(shared, pages.max(1), &mut errors).await;
        self.glimpse_errors.append(&mut errors);
        let Some(mut effects) = effects else { return Vec::new() };
        effects.moved.sort_unstable();
        effects.moved.dedup();
        let mut out = Vec::new();
        for &a in &effects.moved {
            if let Some(k) = shared.ledger.get(a) {
                push_balances(&mut out, shared.watch.get(a as usize), k, &shared.tokens, now);
            }
        }
        match &mut self.glimpsed {
            Some(glimpsed) => {
                glimpsed.counts.iter_mut().zip(&effects.counts).for_each(|(sum, n)| *sum += n);
                glimpsed.transactions += effects.transactions;
            }
            None => {
                effects.moved = Vec::new();
                self.glimpsed = Some(effects);
            }
        }
        out
    }

    /// One cycle of at most `requests` requests, `reserve` of them kept for stream pages; `now` stamps the
    /// samples.
    pub async fn cycle(
        &mut self,
        shared: &mut Shared,
        now: Timestamp,
        requests: usize,
        reserve: usize,
        errors: &mut Vec<String>,
    ) -> Vec<Sample> {
        let errors_before = errors.len();
        let mut left = requests;
        let starting = self.stream.cursor.is_none();
        if starting {
            left = left.saturating_sub(1);
            if !self.start(shared, errors).await {
                self.hurry = false;
                return Vec::new();
            }
        }
        // Reads first, but the stream keeps its reserve (at least a page).
        let reserve = reserve.max(1);
        let (lists, more_unknown) = {
            let ledger = &shared.ledger;
            self.queue.plan(left.saturating_sub(reserve), |a| ledger.get(a).is_none())
        };
        left = left.saturating_sub(lists.len());
        if !lists.is_empty() && !starting && !self.stream.at_head && left >= 2 {
            // A recent head narrows the reads' brackets (an old one is safe, only wider).
            left -= 1;
            self.observe_head(shared, errors).await;
        }
        let mut confirmed = vec![false; shared.watch.len()];
        self.read_accounts(shared, lists, &mut confirmed, errors).await;
        // After the reads, which may have met tokens of unknown decimals.
        // An account queued only for decimals that another account's list has since taught is skipped.
        let token_lists = {
            let (ledger, tokens) = (&shared.ledger, &shared.tokens);
            self.queue.token_lists(left.saturating_sub(reserve), |a| {
                // Doubt is settled by the next id-list read, except where that read shows a partial list.
                let partial = |k: &Known| k.tokens.len() >= TOKEN_LIST_CAP;
                ledger.get(a).is_none_or(|k| {
                    !k.tokens_complete
                        || (k.token_doubt && partial(k))
                        || k.tokens.iter().any(|(t, _)| tokens.decimals(*t).is_none())
                })
            })
        };
        left = left.saturating_sub(token_lists.len());
        self.read_token_lists(shared, token_lists, errors).await;
        errors.append(&mut self.glimpse_errors);
        let effects = self.follow(shared, left.max(1), errors).await;
        // What the glimpses read is this cycle's too.
        let effects = match (effects, self.glimpsed.take()) {
            (Some(mut effects), Some(glimpsed)) => {
                effects.counts.iter_mut().zip(&glimpsed.counts).for_each(|(sum, n)| *sum += n);
                effects.transactions += glimpsed.transactions;
                Some(effects)
            }
            (effects, glimpsed) => effects.or(glimpsed),
        };
        if let Some(effects) = &effects {
            self.touched = effects.counts.iter().filter(|c| **c > 0).count() as u64;
        }
        let mut samples = self.samples(shared, now, effects.as_ref(), &confirmed);
        if let Some(cursor) = self.stream.cursor {
            let lag = cursor.seconds_until(self.clock.now()).max(0.0);
            samples.push(Sample::new("accounts_stream_lag_seconds", &[], lag, now));
        }
        let behind = effects.is_some() && !self.stream.at_head;
        // Not after a failure (the mirror gets the interval to recover); accounts it does not know are no failure
        // of this cycle.
        self.hurry = errors.len() == errors_before && (more_unknown || behind);
        self.report_missing(shared, errors);
        samples
    }

    /// Starts the stream before the mirror's newest transaction (or at the oldest stored cursor).
    async fn start(&mut self, shared: &mut Shared, errors: &mut Vec<String>) -> bool {
        let Some(head) = self.observe_head(shared, errors).await else { return false };
        let anchor = head.minus(START_MARGIN);
        let mut at = self.starts.iter().flatten().min().map_or(anchor, |oldest| (*oldest).min(anchor));
        if at.seconds_until(head) > MAX_CATCH_UP.as_secs_f64() {
            tracing::warn!(cursor = %at, "the stored accounts cursor is too old to catch up from: starting at the newest transaction");
            at = anchor;
        }
        let floors: HashMap<u32, Timestamp> =
            self.starts.iter().enumerate().filter_map(|(a, t)| Some((a as u32, (*t)?))).collect();
        // Accounts with no cursor count what happens after the newest transaction, as on a first run.
        let floor = self.starts.iter().any(Option::is_none).then_some(head);
        shared.ledger.raise_cuts(at);
        self.stream.start(at, floors, floor);
        self.starts = Vec::new();
        true
    }

    /// Asks the mirror for its newest transaction; an empty mirror's head is now.
    async fn observe_head(&mut self, shared: &Shared, errors: &mut Vec<String>) -> Option<Timestamp> {
        match shared.client.latest_transaction().await {
            Ok(latest) => {
                let head = latest.and_then(|t| t.consensus_timestamp.parse().ok()).unwrap_or_else(|| self.clock.now());
                self.head = Some(self.head.map_or(head, |h| h.max(head)));
                Some(head)
            }
            Err(e) => {
                errors.push(format!("newest transaction: {e}"));
                None
            }
        }
    }

    /// Where reads asked for now begin their bracket: before any cut they can have.
    fn read_floor(&self) -> Timestamp {
        self.head.max(self.stream.cursor).unwrap_or(Cut::ORIGIN.hi).minus(START_MARGIN)
    }

    /// Reads `lists` of accounts, 100 a request, and merges what came back.
    async fn read_accounts(
        &mut self,
        shared: &mut Shared,
        lists: Vec<Vec<u32>>,
        confirmed: &mut [bool],
        errors: &mut Vec<String>,
    ) {
        let lo = self.read_floor();
        let (client, watch, clock) = (&shared.client, &shared.watch, &self.clock);
        type Answer = (Vec<u32>, Result<Vec<ListedAccount>, MirrorError>, Timestamp);
        let answers: Vec<Answer> = futures_stream::iter(lists)
            .map(|accounts| async move {
                let ids: Vec<EntityId> = accounts.iter().map(|a| watch.get(*a as usize).id).collect();
                let result = client.accounts_by_id(&ids).await;
                (accounts, result, clock.now().plus(CLOCK_MARGIN))
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        for (accounts, result, hi) in answers {
            match result {
                Ok(rows) => self.merge_reads(shared, &accounts, &rows, Cut::between(lo, hi), confirmed),
                Err(e) => {
                    // Read again soon: an account in doubt stays withheld until a read lines up.
                    accounts.iter().for_each(|a| self.queue.read_again(*a));
                    errors.push(format!("balances of {} accounts: {e}", accounts.len()));
                }
            }
        }
    }

    fn merge_reads(
        &mut self,
        shared: &mut Shared,
        accounts: &[u32],
        rows: &[ListedAccount],
        bracket: Cut,
        confirmed: &mut [bool],
    ) {
        let asked: HashSet<u32> = accounts.iter().copied().collect();
        if !self.stream.replay.covers(bracket.lo) {
            // Deltas the reads may lack are gone (never, with the margins as they are): read them again later.
            accounts.iter().for_each(|a| self.queue.read_again(*a));
            return;
        }
        // Rows of accounts not asked for (a server that ignores the filter) are no answer.
        let rows: HashMap<u32, &ListedAccount> = rows
            .iter()
            .filter_map(|r| Some((shared.watch.find(&r.account)?, r)))
            .filter(|(a, _)| asked.contains(a))
            .collect();
        let deltas = self.stream.replay.of(&asked);
        for &a in accounts {
            let read = rows.get(&a).and_then(|r| Read::of(r, bracket.lo, bracket.hi, &mut shared.tokens));
            self.queue.missing[a as usize] = read.is_none();
            let Some(read) = read else { continue };
            let needs_list =
                !read.tokens_complete || read.tokens.iter().any(|(t, _)| shared.tokens.decimals(*t).is_none());
            let own = deltas.get(&a).map_or(&[][..], Vec::as_slice);
            let merged = merge(shared.ledger.slot(a), read, own, self.stream.cursor);
            self.after_merge(shared, a, merged);
            if needs_list {
                self.queue.read_token_list(a);
            }
            confirmed[a as usize] = true;
        }
    }

    fn after_merge(&mut self, shared: &Shared, account: u32, merged: Merged) {
        if merged.drift {
            self.drift += 1;
            tracing::info!(account = %shared.watch.get(account as usize).text, "a read differed from the balance the stream derived; the read wins");
        }
        if merged.reread {
            self.queue.read_again(account);
        }
    }

    /// Reads the own token lists of `accounts` (decimals, and tokens past the id-list read's 50).
    async fn read_token_lists(&mut self, shared: &mut Shared, accounts: Vec<u32>, errors: &mut Vec<String>) {
        let lo = self.read_floor();
        let (client, watch, clock) = (&shared.client, &shared.watch, &self.clock);
        let answers: Vec<_> = futures_stream::iter(accounts)
            .map(|a| async move {
                (a, client.account_tokens(&watch.get(a as usize).text).await, clock.now().plus(CLOCK_MARGIN))
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        let asked: HashSet<u32> = answers.iter().map(|(a, ..)| *a).collect();
        let deltas = self.stream.replay.of(&asked);
        for (a, result, hi) in answers {
            let rels = match result {
                Ok(rels) => rels,
                Err(e) => {
                    errors.push(format!("tokens of {}: {e}", shared.watch.get(a as usize).text));
                    continue;
                }
            };
            let mut list = Vec::with_capacity(rels.len());
            for rel in rels {
                shared.tokens.set_decimals(&rel.token_id, rel.decimals);
                list.push((shared.tokens.intern(&rel.token_id), i128::from(rel.balance)));
            }
            let own = deltas.get(&a).map_or(&[][..], Vec::as_slice);
            let merged = merge_token_list(shared.ledger.slot(a), list, Cut::between(lo, hi), own, self.stream.cursor);
            self.after_merge(shared, a, merged);
        }
    }

    /// Reads up to `pages` pages of the stream ([`pages::windows`]); `None` when not one page could be read.
    async fn follow(&mut self, shared: &mut Shared, pages: usize, errors: &mut Vec<String>) -> Option<Effects> {
        let from = self.stream.cursor?;
        let elapsed = self.last_page.map_or(Duration::ZERO, |t| t.elapsed());
        // Where the head is thought to be: at the head last cycle, as much consensus time later as has passed
        // since; behind, the newest transaction seen.
        let head = match self.stream.at_head {
            true => from.plus(elapsed),
            false => self.head.unwrap_or(from),
        };
        let windows = pages::windows(from, head, self.stream.rate, pages);
        let fetched = pages::fetch(&shared.client, &windows, pages).await;
        errors.extend(fetched.error);
        self.stream.at_head = fetched.at_head;
        if fetched.pages == 0 {
            return None;
        }
        let mut effects = Effects::new(shared.watch.len());
        let mut book = Book { watch: &shared.watch, tokens: &mut shared.tokens, ledger: &mut shared.ledger };
        self.stream.apply_page(&fetched.transactions, &mut book, &mut effects);
        errors.extend(effects.skipped.drain(..).take(NAMED_MISSING));
        for &a in &effects.reread {
            self.queue.read_again(a);
        }
        for &a in &effects.token_lists {
            self.queue.read_token_list(a);
        }
        if self.stream.at_head {
            self.head = self.head.max(self.stream.cursor);
        }
        self.stream.measure(Some(from), effects.transactions, elapsed);
        self.last_page = Some(Instant::now());
        Some(effects)
    }

    /// With the stream read this cycle: every known balance (the stream confirmed it) and every account's count;
    /// without: only the balances read this cycle.
    fn samples(&self, shared: &Shared, now: Timestamp, effects: Option<&Effects>, confirmed: &[bool]) -> Vec<Sample> {
        // Room for every sample of the cycle, the collector's own included: a Vec that outgrows its room doubles.
        let tokens: usize =
            (0..shared.watch.len() as u32).filter_map(|a| shared.ledger.get(a)).map(|k| k.tokens.len()).sum();
        let mut out = Vec::with_capacity(shared.watch.len() * 2 + tokens + 8);
        for (a, w) in shared.watch.iter().enumerate() {
            let confirmed = effects.is_some() || confirmed[a];
            if let Some(k) = shared.ledger.get(a as u32).filter(|_| confirmed) {
                push_balances(&mut out, w, k, &shared.tokens, now);
            }
            if let Some(effects) = effects {
                let labels = Arc::clone(&w.labels);
                out.push(Sample::of("account_transactions", labels, f64::from(effects.counts[a]), now));
            }
        }
        out
    }

    /// One error naming the accounts the mirror did not know at their last read.
    fn report_missing(&self, shared: &Shared, errors: &mut Vec<String>) {
        let missing: Vec<&str> = (0..shared.watch.len())
            .filter(|a| self.queue.missing[*a])
            .map(|a| shared.watch.get(a).text.as_str())
            .collect();
        if missing.is_empty() {
            return;
        }
        let named = missing[..missing.len().min(NAMED_MISSING)].join(", ");
        let more = missing.len().saturating_sub(NAMED_MISSING);
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        errors.push(format!("balances: not found on the mirror: {named}{more}"));
    }
}
