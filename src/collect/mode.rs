//! Which way the accounts collector follows its accounts, chosen each cycle by what each way costs in mirror
//! requests, and how many requests a cycle may spend.
//!
//! Per-account batches cost about `ceil(N / batch_size)` `/transactions` requests a cycle plus the slice of
//! balances re-read (`ceil(N / refresh_cycles)`): they grow with the list. The network stream costs about
//! `ceil(rate × interval / 100) + 1` pages (the last one short), a short page for each glimpse between two cycles
//! ([`GLIMPSE_EVERY`]), plus one id-list read for the drift check: it grows
//! with the network's transaction rate, whatever the list. A switch needs the other way to be clearly cheaper
//! ([`SWITCH_RATIO`]), so a rate hovering near the break-even point does not flip the mode every cycle. Lists no
//! longer than one batch always use batches.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// How the accounts are followed this cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `/transactions?account.id=...` per batch of accounts, balances re-read one account at a time.
    Batches,
    /// Every transaction of the network from one cursor; balances read 100 accounts a request.
    Stream,
}

/// `[collect] mode`: which modes the collector may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModeSetting {
    /// The cheaper one, cycle by cycle.
    #[default]
    Auto,
    Batches,
    Stream,
}

impl FromStr for ModeSetting {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(Self::Auto),
            "batches" => Ok(Self::Batches),
            "stream" => Ok(Self::Stream),
            other => Err(format!("'{other}' is not a mode: expected \"auto\", \"batches\" or \"stream\"")),
        }
    }
}

impl fmt::Display for ModeSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Auto => "auto",
            Self::Batches => "batches",
            Self::Stream => "stream",
        })
    }
}

/// A switch happens when the other mode costs at most this share of the current one.
pub const SWITCH_RATIO: f64 = 0.8;

/// Id-list reads the stream spends each cycle on the drift check.
pub const REFRESH_READS: u64 = 1;

/// The share of `rate_limit × interval` the accounts collector plans to spend; the rest is left to the other
/// collectors (mirror health, nodes) and to retries.
pub const BUDGET_SHARE: f64 = 0.8;

/// Requests a cycle of per-account batches costs for `accounts` when nothing moves.
pub fn batch_cost(accounts: usize, batch_size: usize, refresh_cycles: usize) -> u64 {
    (accounts.div_ceil(batch_size.max(1)) + accounts.div_ceil(refresh_cycles.max(1))) as u64
}

/// How often the stream is read between two cycles, at its head, so that a change is seen within seconds
/// whatever the interval: the public mirror caches answers for 1-2 s.
pub const GLIMPSE_EVERY: Duration = super::MIN_INTERVAL;

/// The glimpses between two cycles `interval` apart.
pub fn glimpses(interval: Duration) -> u64 {
    (interval.as_secs_f64() / GLIMPSE_EVERY.as_secs_f64()).ceil().clamp(1.0, 1e9) as u64 - 1
}

/// Requests a cycle of the stream costs at `rate` transactions a second: full pages, the cycle's and each
/// glimpse's short page at the head, and the drift check.
pub fn stream_cost(rate: f64, interval: Duration) -> u64 {
    let per_cycle = (rate.max(0.0) * interval.as_secs_f64() / 100.0).ceil();
    // Saturating: a nonsense rate (infinite) must not wrap.
    (per_cycle.min(1e15) as u64) + 1 + glimpses(interval) + REFRESH_READS
}

/// Requests one cycle may plan to spend: at least a stream page and a read.
pub fn cycle_budget(rate_limit: f64, interval: Duration) -> usize {
    ((rate_limit * interval.as_secs_f64() * BUDGET_SHARE).floor().min(1e9) as usize).max(2)
}

/// The mode for the next cycle. `costs` are (batches, stream) in requests a cycle; the stream's is `None` while the
/// network's rate is unknown, and then the mode stays.
pub fn choose(
    setting: ModeSetting,
    current: Mode,
    accounts: usize,
    batch_size: usize,
    costs: (u64, Option<u64>),
) -> Mode {
    match setting {
        ModeSetting::Batches => return Mode::Batches,
        ModeSetting::Stream => return Mode::Stream,
        ModeSetting::Auto if accounts <= batch_size => return Mode::Batches,
        ModeSetting::Auto => {}
    }
    let (batches, Some(stream)) = costs else { return current };
    let clearly_cheaper = |a: u64, b: u64| a as f64 <= SWITCH_RATIO * b as f64;
    match current {
        Mode::Batches if clearly_cheaper(stream, batches) => Mode::Stream,
        Mode::Stream if clearly_cheaper(batches, stream) => Mode::Batches,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEN: Duration = Duration::from_secs(10);

    #[test]
    fn costs_follow_the_list_or_the_network() {
        assert_eq!(batch_cost(100_000, 50, 30), 2000 + 3334);
        assert_eq!(batch_cost(50, 50, 30), 1 + 2);
        assert_eq!(batch_cost(0, 50, 30), 0);
        assert_eq!(stream_cost(0.0, TEN), 6, "a quiet network: five short pages (four glimpses) and the drift check");
        assert_eq!(stream_cost(100.0, TEN), 10 + 6);
        assert_eq!(stream_cost(1001.0, TEN), 101 + 6);
        assert_eq!(stream_cost(f64::INFINITY, TEN), 1_000_000_000_000_006);
        assert_eq!(stream_cost(f64::NAN, TEN), 6);
        assert_eq!(stream_cost(0.0, GLIMPSE_EVERY), 2, "no glimpse fits in an interval this short");
        assert_eq!(glimpses(Duration::from_secs(3)), 1);
        assert_eq!(glimpses(Duration::from_secs(300)), 149);
    }

    #[test]
    fn the_budget_leaves_room_for_the_other_collectors() {
        assert_eq!(cycle_budget(20.0, TEN), 160);
        assert_eq!(cycle_budget(0.1, Duration::from_secs(2)), 2);
    }

    #[test]
    fn a_switch_needs_the_other_mode_to_be_clearly_cheaper() {
        let auto = |current, costs| choose(ModeSetting::Auto, current, 1000, 50, costs);
        assert_eq!(auto(Mode::Batches, (100, Some(81))), Mode::Batches);
        assert_eq!(auto(Mode::Batches, (100, Some(80))), Mode::Stream);
        assert_eq!(auto(Mode::Stream, (100, Some(99))), Mode::Stream, "cheaper, but not clearly: stay");
        assert_eq!(auto(Mode::Stream, (100, Some(124))), Mode::Stream);
        assert_eq!(auto(Mode::Stream, (100, Some(125))), Mode::Batches);
        assert_eq!(auto(Mode::Stream, (100, None)), Mode::Stream, "rate unknown: stay");
        assert_eq!(auto(Mode::Batches, (100, None)), Mode::Batches);
    }

    #[test]
    fn small_lists_and_settings_are_not_negotiable() {
        assert_eq!(choose(ModeSetting::Auto, Mode::Stream, 50, 50, (3, Some(2))), Mode::Batches);
        assert_eq!(choose(ModeSetting::Batches, Mode::Stream, 100_000, 50, (5000, Some(2))), Mode::Batches);
        assert_eq!(choose(ModeSetting::Stream, Mode::Batches, 1, 50, (1, Some(1000))), Mode::Stream);
    }

    #[test]
    fn settings_parse_and_print() {
        for s in ["auto", "batches", "stream"] {
            assert_eq!(s.parse::<ModeSetting>().unwrap().to_string(), s);
        }
        assert_eq!(
            "fast".parse::<ModeSetting>().unwrap_err(),
            "'fast' is not a mode: expected \"auto\", \"batches\" or \"stream\""
        );
    }
}
