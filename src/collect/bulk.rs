//! Id-list reads of `/api/v1/accounts` (100 accounts a request): which accounts to read each cycle, and how a
//! read is lined up with what the stream already applied.
//!
//! Accounts with no balance yet are read first (the warm-up), then those a transfer made ambiguous, then, when
//! nothing else waits, one request a cycle of a slow rotation through every account: the drift check. A read is
//! brought up to the stream's cursor with the [`Replay`]'s deltas after its cut; when the balance already known
//! and the read line up at the same point (both include exactly the transfers up to the cursor, or the same
//! `balance.timestamp`), they must agree, and a difference counts as drift. Either way the read wins, unless it is
//! older than what is known.

use std::collections::{HashSet, VecDeque};

use super::ledger::{add_token, Cut, Delta, Fit, Known};
use super::watchlist::TokenTable;
use crate::mirror::models::ListedAccount;
use crate::mirror::MAX_IDS_PER_READ;
use crate::timestamp::Timestamp;

/// The most token balances an id-list read shows per account (HIP-367); an account showing this many may hold
/// more, and its own token list is read.
pub const TOKEN_LIST_CAP: usize = 50;

/// An account's balances as one read showed them.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    pub tinybars: i128,
    pub hbar_cut: Cut,
    pub tokens: Vec<(u32, i128)>,
    pub token_cut: Cut,
    pub tokens_complete: bool,
}

impl Read {
    /// The read of a listed account, asked for after the mirror's head was at least `lo` and answered before `hi`
    /// (both in consensus time); `None` when the mirror shows no balance.
    pub fn of(listed: &ListedAccount, lo: Timestamp, hi: Timestamp, tokens: &mut TokenTable) -> Option<Read> {
        let balance = listed.balance.as_ref()?;
        let tinybars = i128::from(balance.balance?);
        let bracket = Cut::between(lo, hi);
        // The timestamp of the last hbar transfer in the balance: an exact cut. Without one, a bracket.
        let hbar_cut = balance.timestamp.as_deref().and_then(|t| t.parse().ok()).map_or(bracket, Cut::exact);
        let mut held: Vec<(u32, i128)> =
            balance.tokens.iter().map(|t| (tokens.intern(&t.token_id), i128::from(t.balance))).collect();
        held.sort_unstable_by_key(|(t, _)| *t);
        held.dedup_by_key(|(t, _)| *t);
        let tokens_complete = balance.tokens.len() < TOKEN_LIST_CAP;
        Some(Read { tinybars, hbar_cut, tokens: held, token_cut: bracket, tokens_complete })
    }
}

/// What merging a read found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Merged {
    /// The known balances and the read lined up and differed (the read won).
    pub drift: bool,
    /// A transfer fell inside the read's bracket (or did not fit): read the account again.
    pub reread: bool,
}

enum Decision {
    Compare,
    Replace,
    Keep,
}

/// What to do with a new part (hbar or tokens) against the known one, given the stream's cursor.
fn decide(old: Cut, old_doubtful: bool, new: Cut, new_ambiguous: bool, cursor: Timestamp) -> Decision {
    match (new_ambiguous, old_doubtful) {
        (true, false) => return Decision::Keep,
        (_, true) => return Decision::Replace,
        (false, false) => {}
    }
    let both_at_cursor = old.hi <= cursor && new.hi <= cursor;
    if both_at_cursor || (old.lo == old.hi && old == new) {
        Decision::Compare
    } else if new.hi < old.lo {
        Decision::Keep
    } else {
        Decision::Replace
    }
}

/// Brings `value` (at `cut`) up to the end of `deltas`; returns whether one was ambiguous or did not fit.
fn replay(value: &mut i128, cut: &mut Cut, deltas: impl Iterator<Item = (Timestamp, i128)>) -> bool {
    let mut unsure = false;
    for (at, amount) in deltas {
        match cut.place(at) {
            Fit::Included => {}
            Fit::Ambiguous => unsure = true,
            Fit::After => match value.checked_add(amount) {
                Some(sum) => (*value, *cut) = (sum, Cut::exact(at)),
                None => unsure = true,
            },
        }
    }
    unsure
}

/// [`replay`] for a token list.
fn replay_tokens(tokens: &mut Vec<(u32, i128)>, cut: &mut Cut, deltas: &[Delta]) -> bool {
    let mut unsure = false;
    for d in deltas {
        let Some(token) = d.token else { continue };
        match cut.place(d.at) {
            Fit::Included => {}
            Fit::Ambiguous => unsure = true,
            Fit::After if add_token(tokens, token, d.amount) => *cut = Cut::exact(d.at),
            Fit::After => unsure = true,
        }
    }
    unsure
}

/// Whether two token lists hold the same amounts, a token missing from one counting as zero (a read lists
/// associated tokens only; a dissociated one was at zero).
fn same_tokens(a: &[(u32, i128)], b: &[(u32, i128)]) -> bool {
    let nonzero = |l: &[(u32, i128)]| l.iter().filter(|(_, v)| *v != 0).copied().collect::<Vec<_>>();
    nonzero(a) == nonzero(b)
}

/// Merges `read` into the account's known balances, replaying `deltas` (the account's, oldest first, as the
/// [`super::ledger::Replay`] holds them) after the read's cuts. `cursor` is the stream's: every known balance
/// includes exactly the transfers up to it (or up to its own cut, if later).
pub fn merge(slot: &mut Option<Known>, read: Read, deltas: &[Delta], cursor: Option<Timestamp>) -> Merged {
    let cursor = cursor.unwrap_or(Cut::ORIGIN.hi);
    let (mut tinybars, mut hbar_cut) = (read.tinybars, read.hbar_cut);
    let hbar_unsure =
        replay(&mut tinybars, &mut hbar_cut, deltas.iter().filter(|d| d.token.is_none()).map(|d| (d.at, d.amount)));
    let (mut tokens, mut token_cut) = (read.tokens, read.token_cut);
    let read_complete = read.tokens_complete;
    let token_unsure = read_complete && replay_tokens(&mut tokens, &mut token_cut, deltas);
    let mut merged = Merged { drift: false, reread: hbar_unsure || token_unsure };
    let fresh = Known {
        tinybars,
        hbar_cut,
        tokens,
        token_cut,
        tokens_complete: read.tokens_complete,
        hbar_doubt: hbar_unsure,
        token_doubt: token_unsure,
    };
    let Some(old) = slot.as_mut() else {
        *slot = Some(fresh);
        return merged;
    };
    let (hbar_doubt, token_doubt) = (old.hbar_doubt, old.token_doubt);
    match decide(old.hbar_cut, hbar_doubt, fresh.hbar_cut, hbar_unsure, cursor) {
        Decision::Keep => {}
        Decision::Compare | Decision::Replace if old.tinybars == fresh.tinybars => old.hbar_cut = fresh.hbar_cut,
        decision => {
            merged.drift |= matches!(decision, Decision::Compare);
            (old.tinybars, old.hbar_cut) = (fresh.tinybars, fresh.hbar_cut);
        }
    }
    let tokens = (fresh.tokens, fresh.token_cut, fresh.tokens_complete);
    merged.drift |= take_tokens(old, tokens, token_unsure, token_doubt, cursor);
    // An unsure read replaces known balances only when they were in doubt already (see `decide`).
    old.hbar_doubt = hbar_doubt && hbar_unsure;
    // A partial token list says nothing of the doubt: the account's own token list settles it.
    old.token_doubt = token_doubt && (token_unsure || !read_complete);
    merged
}

/// Puts a read's tokens `(list, cut, complete)` in place of `old`'s as [`decide`] says; returns whether they lined
/// up and differed.
fn take_tokens(
    old: &mut Known,
    (tokens, cut, complete): (Vec<(u32, i128)>, Cut, bool),
    unsure: bool,
    was_doubtful: bool,
    cursor: Timestamp,
) -> bool {
    if !complete {
        // A partial list says nothing on top of a complete one: the account's own token list follows.
        if !old.tokens_complete {
            (old.tokens, old.token_cut) = (tokens, cut);
        }
        return false;
    }
    match decide(old.token_cut, was_doubtful, cut, unsure, cursor) {
        Decision::Keep => false,
        decision => {
            let drift =
                matches!(decision, Decision::Compare) && old.tokens_complete && !same_tokens(&old.tokens, &tokens);
            (old.tokens, old.token_cut, old.tokens_complete) = (tokens, cut, true);
            drift
        }
    }
}

/// Merges an account's own token list (complete, with `cut` a bracket like a read's) into its known balances;
/// the hbar part is left alone. Nothing happens to an account with no balances yet.
pub fn merge_token_list(
    slot: &mut Option<Known>,
    mut tokens: Vec<(u32, i128)>,
    mut cut: Cut,
    deltas: &[Delta],
    cursor: Option<Timestamp>,
) -> Merged {
    let Some(old) = slot.as_mut() else { return Merged::default() };
    tokens.sort_unstable_by_key(|(t, _)| *t);
    tokens.dedup_by_key(|(t, _)| *t);
    let unsure = replay_tokens(&mut tokens, &mut cut, deltas);
    let was_doubtful = old.token_doubt;
    let drift = take_tokens(old, (tokens, cut, true), unsure, was_doubtful, cursor.unwrap_or(Cut::ORIGIN.hi));
    old.token_doubt = was_doubtful && unsure;
    Merged { drift, reread: unsure }
}

/// Which accounts to read, and in which order.
#[derive(Debug, Default)]
pub struct ReadQueue {
    /// Accounts to read again soon (an ambiguous transfer), in order, each once.
    again: VecDeque<u32>,
    queued: Vec<bool>,
    /// Accounts whose own token list is to be read (more than the id-list read shows, or unknown decimals).
    token_lists: VecDeque<u32>,
    token_listed: Vec<bool>,
    /// Accounts the mirror did not know at their last read: the warm-up skips them, the rotation retries them.
    pub missing: Vec<bool>,
    /// The next account of the drift-check rotation.
    rotation: usize,
}

impl ReadQueue {
    pub fn new(accounts: usize) -> Self {
        Self {
            queued: vec![false; accounts],
            token_listed: vec![false; accounts],
            missing: vec![false; accounts],
            ..Self::default()
        }
    }

    pub fn read_again(&mut self, account: u32) {
        if !std::mem::replace(&mut self.queued[account as usize], true) {
            self.again.push_back(account);
        }
    }

    pub fn read_token_list(&mut self, account: u32) {
        if !std::mem::replace(&mut self.token_listed[account as usize], true) {
            self.token_lists.push_back(account);
        }
    }

    /// Up to `requests` id lists for this cycle: accounts to read again, then those with no balance (`unknown`),
    /// then, unless the warm-up is on, one slice of the rotation if the budget has room. Returns the lists and
    /// whether accounts with no balance are left for later cycles.
    pub fn plan(&mut self, requests: usize, unknown: impl Fn(u32) -> bool) -> (Vec<Vec<u32>>, bool) {
        let accounts = self.missing.len();
        let room = requests.saturating_mul(MAX_IDS_PER_READ);
        let mut picked: Vec<u32> = Vec::new();
        while picked.len() < room {
            let Some(a) = self.again.pop_front() else { break };
            self.queued[a as usize] = false;
            picked.push(a);
        }
        let again: HashSet<u32> = picked.iter().copied().collect();
        let (mut warming, mut more_unknown) = (false, false);
        for a in (0..accounts as u32).filter(|&a| unknown(a) && !self.missing[a as usize] && !again.contains(&a)) {
            if picked.len() >= room {
                more_unknown = true;
                break;
            }
            warming = true;
            picked.push(a);
        }
        let mut lists: Vec<Vec<u32>> = picked.chunks(MAX_IDS_PER_READ).map(<[u32]>::to_vec).collect();
        if !warming && lists.len() < requests && accounts > 0 {
            let slice: Vec<u32> =
                (0..MAX_IDS_PER_READ.min(accounts)).map(|i| ((self.rotation + i) % accounts) as u32).collect();
            self.rotation = (self.rotation + slice.len()) % accounts;
            lists.push(slice);
        }
        (lists, more_unknown)
    }

    /// Up to `requests` accounts whose own token list to read this cycle, among those that still `need` it
    /// (the others leave the queue).
    pub fn token_lists(&mut self, requests: usize, need: impl Fn(u32) -> bool) -> Vec<u32> {
        let mut out = Vec::new();
        while out.len() < requests {
            let Some(a) = self.token_lists.pop_front() else { break };
            self.token_listed[a as usize] = false;
            if need(a) {
                out.push(a);
            }
        }
        out
    }

    /// Whether anything waits besides the rotation.
    pub fn pending(&self) -> bool {
        !self.again.is_empty() || !self.token_lists.is_empty()
    }
}

#[cfg(test)]
#[path = "bulk_tests.rs"]
mod tests;
