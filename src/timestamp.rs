//! Consensus timestamps (`"<seconds>.<nanos>"`, as the mirror writes them) and the time filters users type.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::Error;

/// A point in time with nanosecond precision, ordered; never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub secs: i64,
    pub nanos: u32,
}

impl Timestamp {
    /// The current wall-clock time.
    pub fn now() -> Self {
        Self::from_system(SystemTime::now())
    }

    /// Converts a `SystemTime` (times before 1970 clamp to the epoch).
    pub fn from_system(t: SystemTime) -> Self {
        let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
        Self { secs: d.as_secs() as i64, nanos: d.subsec_nanos() }
    }

    /// This time minus `d`, saturating.
    pub fn minus(self, d: Duration) -> Self {
        let total = i128::from(self.secs) * 1_000_000_000 + i128::from(self.nanos) - d.as_nanos() as i128;
        Self::from_nanos(total)
    }

    /// This time plus `d`, saturating.
    pub fn plus(self, d: Duration) -> Self {
        let total = i128::from(self.secs) * 1_000_000_000 + i128::from(self.nanos) + d.as_nanos() as i128;
        Self::from_nanos(total)
    }

    fn from_nanos(total: i128) -> Self {
        let secs = total.div_euclid(1_000_000_000);
        let nanos = total.rem_euclid(1_000_000_000) as u32;
        Self { secs: secs.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64, nanos }
    }

    /// Seconds from `self` to `later`, as a float for display and metrics (not for amounts).
    pub fn seconds_until(self, later: Timestamp) -> f64 {
        let a = i128::from(self.secs) * 1_000_000_000 + i128::from(self.nanos);
        let b = i128::from(later.secs) * 1_000_000_000 + i128::from(later.nanos);
        (b - a) as f64 / 1e9
    }

    /// Parses an RFC 3339 time.
    pub fn parse_rfc3339(s: &str) -> Option<Self> {
        OffsetDateTime::parse(s, &Rfc3339).ok().map(|t| Self::from_nanos(t.unix_timestamp_nanos()))
    }

    /// Milliseconds since the epoch (for storage and arithmetic).
    pub fn as_millis(self) -> i64 {
        self.secs.saturating_mul(1000).saturating_add(i64::from(self.nanos / 1_000_000))
    }

    /// From milliseconds since the epoch.
    pub fn from_millis(ms: i64) -> Self {
        Self::from_nanos(i128::from(ms) * 1_000_000)
    }

    /// RFC 3339 in UTC with the precision that is there, e.g. `2009-02-13T23:31:30.000000006Z`.
    pub fn to_rfc3339(self) -> String {
        let total = i128::from(self.secs) * 1_000_000_000 + i128::from(self.nanos);
        OffsetDateTime::from_unix_timestamp_nanos(total)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
            .unwrap_or_else(|| self.to_string())
    }
}

impl fmt::Display for Timestamp {
    /// The mirror's own form: `seconds.nnnnnnnnn`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:09}", self.secs, self.nanos)
    }
}

/// In JSON (API answers, stored state): RFC 3339 in UTC, e.g. `"2026-11-24T12:00:00.5Z"`.
impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse_rfc3339(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid RFC 3339 time '{text}'")))
    }
}

impl FromStr for Timestamp {
    type Err = Error;

    /// Parses the mirror's `seconds[.nanos]` form.
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || Error::usage(format!("invalid timestamp '{s}': expected seconds.nanoseconds"));
        let (secs, frac) = s.split_once('.').unwrap_or((s, ""));
        if secs.is_empty() || !secs.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 9 {
            return Err(bad());
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let nanos = if frac.is_empty() { 0 } else { format!("{frac:0<9}").parse().map_err(|_| bad())? };
        Ok(Self { secs: secs.parse().map_err(|_| bad())?, nanos })
    }
}

/// Parses a user's time bound: RFC 3339 (`2026-11-01T12:00:00Z`), unix seconds (`1700000000` or
/// `1700000000.5`), or a duration ago (`2h`, `30m`, `7d`, `1h 30m`) relative to `now`.
pub fn parse_time_bound(input: &str, flag: &str, now: Timestamp) -> Result<Timestamp, Error> {
    let s = input.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(Timestamp::from_nanos(t.unix_timestamp_nanos()));
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        if let Ok(t) = s.parse::<Timestamp>() {
            return Ok(t);
        }
        if let Ok(d) = humantime::parse_duration(s) {
            return Ok(now.minus(d));
        }
    }
    Err(Error::usage(format!(
        "invalid {flag} '{input}': expected an RFC 3339 time (2026-11-01T12:00:00Z), unix seconds (1700000000) \
         or a duration ago (30m, 2h, 7d)"
    )))
}

/// Parses a positive duration such as `10s`, `500ms` or `2m` for an option named `what`.
pub fn parse_duration(input: &str, what: &str) -> Result<Duration, Error> {
    match humantime::parse_duration(input.trim()) {
        Ok(d) if !d.is_zero() => Ok(d),
        Ok(_) => Err(Error::usage(format!("invalid {what} '{input}': must be greater than zero"))),
        Err(_) => {
            Err(Error::usage(format!("invalid {what} '{input}': expected a duration with a unit, e.g. 500ms, 10s, 2m")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp { secs: 1_700_000_000, nanos: 0 };

    #[test]
    fn mirror_timestamps_round_trip() {
        let t: Timestamp = "1586567700.453054000".parse().unwrap();
        assert_eq!(t, Timestamp { secs: 1_586_567_700, nanos: 453_054_000 });
        assert_eq!(t.to_string(), "1586567700.453054000");
        assert_eq!("12.5".parse::<Timestamp>().unwrap().nanos, 500_000_000);
        assert!("1.2.3".parse::<Timestamp>().is_err());
        assert!("-1.2".parse::<Timestamp>().is_err());
    }

    #[test]
    fn time_bounds_take_rfc3339_unix_and_relative() {
        let p = |s| parse_time_bound(s, "--since", NOW);
        assert_eq!(p("2023-11-14T22:13:20Z").unwrap(), NOW);
        assert_eq!(p("2023-11-14T23:13:20+01:00").unwrap(), NOW);
        assert_eq!(p("1700000000").unwrap(), NOW);
        assert_eq!(p("2h").unwrap(), Timestamp { secs: 1_700_000_000 - 7200, nanos: 0 });
        assert_eq!(p("1h 30m").unwrap().secs, 1_700_000_000 - 5400);
        for bad in ["yesterday", "2h30", "-2h", "2023-13-01T00:00:00Z", ""] {
            let err = p(bad).unwrap_err().to_string();
            assert!(err.contains("--since"), "{bad}: {err}");
        }
    }

    #[test]
    fn rfc3339_keeps_nanoseconds() {
        let t = Timestamp { secs: 1_234_567_890, nanos: 6 };
        assert_eq!(t.to_rfc3339(), "2009-02-13T23:31:30.000000006Z");
    }

    #[test]
    fn durations_must_be_positive_with_units() {
        assert_eq!(parse_duration("500ms", "--timeout").unwrap(), Duration::from_millis(500));
        assert!(parse_duration("0s", "--timeout").is_err());
        assert!(parse_duration("10", "--timeout").is_err());
        assert!(parse_duration("abc", "--timeout").is_err());
    }
}
