//! When and how long to wait before trying a read again.

use std::time::{Duration, SystemTime};

/// Exponential backoff with jitter, a bounded number of attempts, and a ceiling on what `Retry-After` may ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included.
    pub max_attempts: u32,
    /// The delay before the first retry; it doubles each time.
    pub base: Duration,
    /// No single backoff delay is longer than this.
    pub cap: Duration,
    /// A `Retry-After` longer than this is not waited out: the request fails at once and says so.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base: Duration::from_millis(250),
            cap: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The delay before retry number `retry` (1 for the first retry): `base * 2^(retry-1)`, capped, then
    /// "equal jitter" (half fixed, half random) so that many clients do not retry in step.
    pub fn backoff(&self, retry: u32, jitter: f64) -> Duration {
        let exp = self.base.saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        let d = exp.min(self.cap);
        d / 2 + d.mul_f64(jitter.clamp(0.0, 1.0) / 2.0)
    }
}

/// Parses a `Retry-After` header: delay-seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_is_capped_and_jittered() {
        let p = RetryPolicy { base: Duration::from_millis(100), cap: Duration::from_millis(500), ..Default::default() };
        assert_eq!(p.backoff(1, 0.0), Duration::from_millis(50));
        assert_eq!(p.backoff(1, 1.0), Duration::from_millis(100));
        assert_eq!(p.backoff(2, 1.0), Duration::from_millis(200));
        assert_eq!(p.backoff(3, 0.5), Duration::from_millis(300));
        assert_eq!(p.backoff(10, 1.0), Duration::from_millis(500));
        assert_eq!(p.backoff(1000, 1.0), Duration::from_millis(500));
    }

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&date, now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after(&httpdate::fmt_http_date(now), now + Duration::from_secs(5)),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
