//! A client-side request rate limit, so that collectors stay well under a public mirror's per-IP limit.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// Spaces requests at least `1/rate` apart, first come first served.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// At most `per_second` requests a second (clamped to at least 0.1).
    pub fn per_second(per_second: f64) -> Self {
        Self { interval: Duration::from_secs_f64(1.0 / per_second.max(0.1)), next: Mutex::new(None) }
    }

    /// Waits for this request's turn.
    pub async fn acquire(&self) {
        let mut next = self.next.lock().await;
        let now = Instant::now();
        let slot = match *next {
            Some(at) if at > now => at,
            _ => now,
        };
        *next = Some(slot + self.interval);
        drop(next);
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_are_spaced_by_the_rate() {
        let limiter = RateLimiter::per_second(10.0);
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire().await;
        }
        // The first goes at once, the next four 100 ms apart (virtual time: no real waiting).
        assert_eq!(start.elapsed(), Duration::from_millis(400));
    }
}
