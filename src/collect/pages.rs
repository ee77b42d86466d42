//! Reading the network stream's pages within a cycle's budget: one after the other from the cursor, or, when
//! many pages wait, in windows of consensus time read side by side.
//!
//! One page after the other, each request waits for the previous answer (its last timestamp is the next cursor):
//! 100 transactions per round trip, so a 200 ms round trip caps the stream at 500 transactions a second, whatever
//! the rate limit allows. Windows (`timestamp=gt:A&timestamp=lte:B`) do not depend on each other, so up to
//! [`MAX_WINDOWS`] are read at once. Each window gets a share of the budget and a span of consensus time that the
//! network's measured rate says fits in it; the windows' transactions are used in order, up to the first window
//! that could not be read to its end (the later ones are dropped and read again next cycle).

use std::time::Duration;

use futures::future::join_all;

use crate::mirror::models::Transaction;
use crate::mirror::{MirrorClient, MirrorError};
use crate::timestamp::Timestamp;

/// Transactions per page (the API's maximum).
pub const PAGE: usize = 100;

/// Windows read at once at most.
pub const MAX_WINDOWS: usize = 8;

/// Pages expected per window before the span is split further.
const PAGES_PER_WINDOW: f64 = 4.0;

/// The share of a window's page budget its span is sized for: room for a burst.
const FILL: f64 = 0.8;

/// A window of the stream: after `after`, up to `until` (open at the head when `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub after: Timestamp,
    pub until: Option<Timestamp>,
}

/// How to read the stream from `cursor` with `pages` requests, at `rate` transactions a second (if measured), when
/// the mirror's newest transaction is thought to be at `head` (consensus time).
pub fn windows(cursor: Timestamp, head: Timestamp, rate: Option<f64>, pages: usize) -> Vec<Window> {
    let open = vec![Window { after: cursor, until: None }];
    let Some(rate) = rate.filter(|r| r.is_finite() && *r > 0.0) else { return open };
    let gap = cursor.seconds_until(head);
    let expected = rate * gap / PAGE as f64;
    if gap <= 0.0 || expected <= PAGES_PER_WINDOW || pages < 2 {
        return open;
    }
    let n = ((expected / PAGES_PER_WINDOW).ceil() as usize).clamp(2, MAX_WINDOWS.min(pages));
    let per_window = (pages / n) as f64;
    let fits = per_window * PAGE as f64 * FILL / rate;
    // Reach the head when the budget allows it, else cover what it allows and stop short of the head.
    let (span, reaches_head) = if fits * n as f64 >= gap { (gap / n as f64, true) } else { (fits, false) };
    let step = Duration::from_secs_f64(span.max(1e-9));
    (0..n)
        .map(|i| {
            let after = cursor.plus(step * i as u32);
            let last = i + 1 == n;
            Window { after, until: (!(last && reaches_head)).then(|| after.plus(step)) }
        })
        .collect()
}

/// What reading the windows gave.
#[derive(Debug, Default)]
pub struct Fetched {
    /// The transactions, oldest first, without a gap: every transaction after the cursor up to the last one.
    pub transactions: Vec<Transaction>,
    /// Pages those came in (0: nothing could be read).
    pub pages: usize,
    /// Whether the head was reached: the last window was open and read to a short page.
    pub at_head: bool,
    pub error: Option<String>,
}

/// One window's pages.
struct Read {
    transactions: Vec<Transaction>,
    pages: usize,
    /// Read to a short page.
    complete: bool,
    error: Option<String>,
}

/// Reads `windows`, side by side, with `pages` requests in all.
pub async fn fetch(client: &MirrorClient, windows: &[Window], pages: usize) -> Fetched {
    let per_window = (pages / windows.len().max(1)).max(1);
    let reads = join_all(windows.iter().map(|w| read_window(client, *w, per_window))).await;
    let mut out = Fetched::default();
    for (read, window) in reads.into_iter().zip(windows) {
        out.transactions.extend(read.transactions);
        out.pages += read.pages;
        out.error = read.error;
        if !read.complete {
            return out;
        }
        out.at_head = window.until.is_none();
    }
    out
}

async fn read_window(client: &MirrorClient, window: Window, pages: usize) -> Read {
    let mut read = Read { transactions: Vec::new(), pages: 0, complete: false, error: None };
    let mut after = window.after;
    for _ in 0..pages {
        let page = match client.network_transactions_until(after, window.until, PAGE).await {
            Ok(page) => page,
            Err(e) => {
                read.error = Some(describe(&e, after));
                return read;
            }
        };
        read.pages += 1;
        let full = page.len() >= PAGE;
        let last = page.last().and_then(|t| t.consensus_timestamp.parse::<Timestamp>().ok());
        read.transactions.extend(page);
        if !full {
            read.complete = true;
            return read;
        }
        match last {
            Some(t) if t > after => after = t,
            _ => {
                read.error = Some(format!("network transactions: a full page after {after} moved nothing"));
                return read;
            }
        }
    }
    read
}

fn describe(e: &MirrorError, after: Timestamp) -> String {
    format!("network transactions after {after}: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(secs: i64) -> Timestamp {
        Timestamp { secs, nanos: 0 }
    }

    #[test]
    fn a_few_pages_are_read_one_after_the_other() {
        let open = vec![Window { after: ts(100), until: None }];
        assert_eq!(windows(ts(100), ts(110), None, 160), open, "no rate yet");
        assert_eq!(windows(ts(100), ts(110), Some(40.0), 160), open, "4 pages");
        assert_eq!(windows(ts(100), ts(110), Some(1000.0), 1), open, "one request");
        assert_eq!(windows(ts(100), ts(90), Some(1000.0), 160), open, "a head behind the cursor");
    }

    #[test]
    fn many_pages_are_split_into_windows_up_to_the_head() {
        // 1,000 tx/s for 10 s: 100 pages, in 8 windows of 1.25 s; the last one open to reach the head.
        let w = windows(ts(100), ts(110), Some(1000.0), 160);
        assert_eq!(w.len(), 8);
        assert_eq!((w[0].after, w[0].until), (ts(100), Some(Timestamp { secs: 101, nanos: 250_000_000 })));
        assert!(w.windows(2).all(|p| p[0].until == Some(p[1].after)), "no gap, no overlap: {w:?}");
        assert_eq!((w[7].after, w[7].until), (Timestamp { secs: 108, nanos: 750_000_000 }, None));
    }

    #[test]
    fn a_stream_far_behind_reads_what_the_budget_allows_and_stops_short() {
        // An hour behind at 100 tx/s: 3,600 pages wait; 160 requests in 8 windows of 20 pages, each sized for 16.
        let w = windows(ts(0), ts(3600), Some(100.0), 160);
        assert_eq!(w.len(), 8);
        assert_eq!(w[0].until, Some(ts(16)));
        assert_eq!(w[7].until, Some(ts(128)), "bounded: the head is out of reach");
    }
}
