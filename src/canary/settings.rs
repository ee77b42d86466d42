//! `[canary]` as the canary uses it: validated, with the defaults filled in.

use std::time::Duration;

use super::sign::Kind;
use super::{Options, DEFAULT_MAX_FEE, DEFAULT_TIMEOUT, DEFAULT_TOPIC_MAX_FEE, MAX_TIMEOUT};
use crate::config::LoadedConfig;
use crate::error::Error;
use crate::ids::EntityId;
use crate::timestamp::parse_duration;

/// The collector's interval when `[canary] interval` is not set.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(300);
/// The shortest interval the collector accepts.
pub const MIN_INTERVAL: Duration = Duration::from_secs(10);

/// `[canary]`, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct CanarySettings {
    pub enabled: bool,
    pub interval: Duration,
    /// The nodes the collector tries in turn; empty: the address book's.
    pub nodes: Vec<EntityId>,
    pub options: Options,
}

impl CanarySettings {
    /// Reads `[canary]` of `config`; an error names the key at fault.
    pub fn from_config(config: &LoadedConfig) -> Result<CanarySettings, Error> {
        let section = config.file.canary.clone().unwrap_or_default();
        let at = |key: &str, message: String| config.error_at(&["canary"], key, message);
        let interval = match &section.interval {
            Some(text) => parse_duration(text, "interval").map_err(|e| at("interval", e.to_string()))?,
            None => DEFAULT_INTERVAL,
        };
        if interval < MIN_INTERVAL {
            return Err(at(
                "interval",
                format!("'{}' is too short: the canary runs at most every 10s", section.interval.unwrap_or_default()),
            ));
        }
        let nodes = section
            .nodes
            .iter()
            .flatten()
            .map(|n| n.parse::<EntityId>().map_err(|_| at("nodes", format!("'{n}' is not a node account id (0.0.N)"))))
            .collect::<Result<Vec<_>, _>>()?;
        let kind = match &section.topic {
            Some(t) => Kind::Topic(t.parse().map_err(|_| at("topic", format!("'{t}' is not a topic id (0.0.N)")))?),
            None => Kind::Transfer,
        };
        let max_fee = match &section.max_fee {
            Some(text) => parse_hbar(text).map_err(|e| at("max_fee", e))?,
            None if matches!(kind, Kind::Topic(_)) => DEFAULT_TOPIC_MAX_FEE,
            None => DEFAULT_MAX_FEE,
        };
        let timeout = match &section.timeout {
            Some(text) => parse_timeout(text, "timeout").map_err(|e| at("timeout", e.to_string()))?,
            None => DEFAULT_TIMEOUT,
        };
        let enabled = section.enabled.unwrap_or(false);
        Ok(CanarySettings { enabled, interval, nodes, options: Options::new(kind, max_fee, timeout) })
    }
}

/// A try's time limit: a duration of at most [`MAX_TIMEOUT`] (a receipt is kept about 3 minutes).
pub fn parse_timeout(text: &str, what: &str) -> Result<Duration, Error> {
    let timeout = parse_duration(text, what)?;
    if timeout > MAX_TIMEOUT {
        return Err(Error::usage(format!(
            "invalid {what} '{text}': at most 5m (a transaction is valid for 2 minutes, its receipt kept about 3)"
        )));
    }
    Ok(timeout)
}

/// A positive amount of hbar written as a decimal (`"0.01"`), in tinybars, exactly.
pub fn parse_hbar(text: &str) -> Result<i64, String> {
    let bad = || {
        format!("'{text}' is not an amount of hbar: expected a positive decimal with at most 8 decimals, like \"0.01\"")
    };
    let trimmed = text.trim();
    let (whole, fraction) = trimmed.split_once('.').unwrap_or((trimmed, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 8 {
        return Err(bad());
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
    let fraction: i64 = format!("{fraction:0<8}").parse().map_err(|_| bad())?;
    let tinybars = whole.checked_mul(100_000_000).and_then(|w| w.checked_add(fraction)).ok_or_else(bad)?;
    if tinybars == 0 {
        return Err(format!("'{text}' is no fee at all: the canary needs a positive max_fee"));
    }
    Ok(tinybars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hbar_amounts_are_read_exactly() {
        assert_eq!(parse_hbar("0.01"), Ok(1_000_000));
        assert_eq!(parse_hbar("1"), Ok(100_000_000));
        assert_eq!(parse_hbar(".5"), Ok(50_000_000));
        assert_eq!(parse_hbar("0.00000001"), Ok(1));
        for bad in ["", ".", "-1", "0.000000001", "1e-2", "abc", "0", "99999999999999999999"] {
            assert!(parse_hbar(bad).is_err(), "{bad}");
        }
    }
}
