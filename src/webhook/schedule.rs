//! What one attempt's answer means ([`Verdict`]) and what follows from it ([`Schedule::next`]): delivered, tried
//! again at a given time, or given up (a dead letter). Pure functions of explicit times, so the whole schedule is
//! tested without waiting.

use std::time::Duration;

use super::{DeliveryError, Reply};

/// A `Retry-After` is honoured up to the longer of `max_backoff` and this; longer asks are cut to it.
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(3600);

/// What one attempt means for a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    Delivered(u16),
    Retry(Failure),
    /// Not worth retrying (a 3xx or a 4xx other than 408 and 429).
    Reject(String),
}

impl Verdict {
    /// 2xx is delivered; 408, 429, 5xx and transport failures are retried; anything else (redirects included,
    /// which are not followed) is rejected at once.
    pub(crate) fn of(result: Result<(Reply, Option<Duration>), DeliveryError>) -> Verdict {
        let (reply, retry_after) = match result {
            Ok(answer) => answer,
            Err(e) => return Verdict::Retry(Failure { reason: e.to_string(), retry_after: None }),
        };
        let reason = reply.describe();
        match reply.status {
            200..=299 => Verdict::Delivered(reply.status),
            408 | 429 | 500..=599 => Verdict::Retry(Failure { reason, retry_after }),
            300..=399 => {
                Verdict::Reject(format!("{reason} (redirects are not followed: set url to the final address)"))
            }
            _ => Verdict::Reject(reason),
        }
    }
}

/// A failed attempt worth retrying: why, and the wait the receiver asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) reason: String,
    pub(crate) retry_after: Option<Duration>,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Next {
    /// Try again at `at_ms` (milliseconds since the epoch), `wait` from now.
    RetryAt { at_ms: i64, wait: Duration },
    /// Give up: the delivery becomes a dead letter with this reason.
    GiveUp(String),
}

/// One webhook's retry schedule (from its `[[webhooks]]` entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub give_up_after: Duration,
    pub backoff: Duration,
    pub max_backoff: Duration,
    pub max_attempts: Option<u32>,
}

impl Schedule {
    /// The wait after failed attempt number `attempt` (1 for the first): `backoff * 2^(attempt-1)`, capped at
    /// `max_backoff`, then "equal jitter" (`jitter` in 0..=1 picks between half and all of it) so that many
    /// deliveries do not retry in step.
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let exp = self.backoff.saturating_mul(1u32 << attempt.saturating_sub(1).min(30));
        let d = exp.min(self.max_backoff);
        d / 2 + d.mul_f64(jitter.clamp(0.0, 1.0) / 2.0)
    }

    /// The longest `Retry-After` honoured: the longer of `max_backoff` and [`RETRY_AFTER_CAP`] (1h).
    pub fn retry_after_cap(&self) -> Duration {
        self.max_backoff.max(RETRY_AFTER_CAP)
    }

    /// What follows failed attempt number `attempts` (a [`Verdict::Retry`] for `reason`, with the receiver's
    /// `retry_after`) of a delivery queued at `created_ms`, at `now_ms`. (A [`Verdict::Reject`] gives up at once.)
    ///
    /// It gives up once `give_up_after` has passed since `created_ms` or `max_attempts` (if set) are used up;
    /// else the next attempt comes after the backoff, or after the receiver's `Retry-After` (cut to
    /// [`Schedule::retry_after_cap`], and never shorter than `backoff`, so `Retry-After: 0` cannot make hmon
    /// spin). No wait goes past the give-up deadline: the last attempt is made at the deadline.
    pub(crate) fn next(&self, failure: Failure, attempts: u32, created_ms: i64, now_ms: i64, jitter: f64) -> Next {
        let Failure { reason, retry_after } = failure;
        if let Some(max) = self.max_attempts.filter(|max| attempts >= *max) {
            return Next::GiveUp(format!("gave up after {attempts} attempts (max_attempts = {max}): {reason}"));
        }
        let deadline = created_ms.saturating_add(millis(self.give_up_after));
        if now_ms >= deadline {
            let tried = humantime::format_duration(Duration::from_secs(self.give_up_after.as_secs()));
            return Next::GiveUp(format!("gave up after {attempts} attempts over {tried} (give_up_after): {reason}"));
        }
        let wait = match retry_after {
            Some(asked) => asked.min(self.retry_after_cap()).max(self.backoff),
            None => self.backoff(attempts, jitter),
        };
        let at_ms = now_ms.saturating_add(millis(wait)).min(deadline);
        let wait = Duration::from_millis(u64::try_from(at_ms - now_ms).unwrap_or(0));
        Next::RetryAt { at_ms, wait }
    }
}

/// A duration in whole milliseconds, saturating.
pub(crate) fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1000;
    const MIN: i64 = 60 * S;

    fn schedule() -> Schedule {
        Schedule {
            give_up_after: Duration::from_secs(24 * 3600),
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(300),
            max_attempts: None,
        }
    }

    fn retry(after: Option<u64>) -> Failure {
        Failure { reason: "HTTP 503".into(), retry_after: after.map(Duration::from_secs) }
    }

    fn reply(status: u16, retry_after: Option<Duration>) -> Result<(Reply, Option<Duration>), DeliveryError> {
        Ok((Reply { status, body: " busy \n now ".into() }, retry_after))
    }

    #[test]
    fn answers_are_delivered_retried_or_rejected() {
        assert_eq!(Verdict::of(reply(204, None)), Verdict::Delivered(204));
        for status in [408, 429, 500, 503] {
            assert!(matches!(Verdict::of(reply(status, None)), Verdict::Retry(_)), "{status}");
        }
        let asked = Some(Duration::from_secs(7));
        assert!(matches!(Verdict::of(reply(503, asked)), Verdict::Retry(f) if f.retry_after == asked));
        assert_eq!(Verdict::of(reply(400, None)), Verdict::Reject("HTTP 400: busy now".into()));
        assert_eq!(Verdict::of(reply(404, None)), Verdict::Reject("HTTP 404: busy now".into()));
        assert!(
            matches!(Verdict::of(reply(301, None)), Verdict::Reject(r) if r.contains("redirects are not followed"))
        );
        let timeout = DeliveryError::Timeout { target: "http://h".into(), timeout: Duration::from_millis(300) };
        assert_eq!(
            Verdict::of(Err(timeout)),
            Verdict::Retry(Failure { reason: "http://h did not answer within 300ms".into(), retry_after: None })
        );
    }

    #[test]
    fn backoff_doubles_up_to_max_backoff_with_equal_jitter() {
        let s = schedule();
        assert_eq!(s.backoff(1, 1.0), Duration::from_secs(1));
        assert_eq!(s.backoff(1, 0.0), Duration::from_millis(500));
        assert_eq!(s.backoff(2, 1.0), Duration::from_secs(2));
        assert_eq!(s.backoff(4, 0.5), Duration::from_secs(6));
        assert_eq!(s.backoff(9, 1.0), Duration::from_secs(256));
        assert_eq!(s.backoff(10, 1.0), Duration::from_secs(300));
        assert_eq!(s.backoff(u32::MAX, 1.0), Duration::from_secs(300));
        assert_eq!(s.backoff(u32::MAX, 0.0), Duration::from_secs(150));
    }

    #[test]
    fn failures_are_retried_on_schedule_until_the_deadline() {
        let s = schedule();
        let t0 = 1_700_000_000 * S;
        assert_eq!(s.next(retry(None), 1, t0, t0, 1.0), Next::RetryAt { at_ms: t0 + S, wait: Duration::from_secs(1) });
        assert_eq!(
            s.next(retry(None), 3, t0, t0 + 10 * S, 1.0),
            Next::RetryAt { at_ms: t0 + 14 * S, wait: Duration::from_secs(4) }
        );
        // An hour of a receiver down is far from giving up; waits stay at max_backoff.
        let hour = t0 + 60 * MIN;
        assert_eq!(
            s.next(retry(None), 20, t0, hour, 1.0),
            Next::RetryAt { at_ms: hour + 5 * MIN, wait: s.max_backoff }
        );
        // The last wait is cut to the deadline, and a failure at the deadline gives up with the last reason.
        let deadline = t0 + 24 * 60 * MIN;
        assert_eq!(
            s.next(retry(None), 300, t0, deadline - MIN, 1.0),
            Next::RetryAt { at_ms: deadline, wait: Duration::from_secs(60) }
        );
        let Next::GiveUp(why) = s.next(retry(None), 301, t0, deadline, 1.0) else { panic!("not given up") };
        assert_eq!(why, "gave up after 301 attempts over 1day (give_up_after): HTTP 503");
    }

    #[test]
    fn max_attempts_is_an_extra_limit() {
        let t0 = 1_700_000_000 * S;
        let limited = Schedule { max_attempts: Some(3), ..schedule() };
        assert!(matches!(limited.next(retry(None), 2, t0, t0, 1.0), Next::RetryAt { .. }));
        assert_eq!(
            limited.next(retry(None), 3, t0, t0, 1.0),
            Next::GiveUp("gave up after 3 attempts (max_attempts = 3): HTTP 503".into())
        );
    }

    #[test]
    fn retry_after_is_honoured_within_bounds() {
        let s = schedule();
        let t0 = 1_700_000_000 * S;
        let at = |after| match s.next(retry(Some(after)), 1, t0, t0, 0.0) {
            Next::RetryAt { at_ms, .. } => at_ms - t0,
            other => panic!("{other:?}"),
        };
        assert_eq!(at(120), 120 * S, "longer than the backoff: honoured");
        assert_eq!(at(0), S, "never shorter than backoff");
        assert_eq!(at(86_400 * 3), 3600 * S, "absurd asks are cut to max(max_backoff, 1h)");
        let patient = Schedule { max_backoff: Duration::from_secs(7200), ..s };
        assert_eq!(patient.retry_after_cap(), Duration::from_secs(7200));
        // Never past the deadline.
        let late = t0 + 24 * 60 * MIN - 10 * S;
        assert_eq!(
            s.next(retry(Some(600)), 5, t0, late, 0.0),
            Next::RetryAt { at_ms: late + 10 * S, wait: Duration::from_secs(10) }
        );
    }
}
