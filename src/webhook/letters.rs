//! The outbox as `hmon alert queue` and `GET /api/v1/queue` see it: every row, pending or dead ([`QueuedRow`],
//! and [`QueueEntry`], the JSON both print), and putting rows back in line. Edits are single statements, safe beside a running `watch` or `serve` (whose dispatcher
//! notices them on its next re-scan).

use anyhow::Context;
use rusqlite::params;
use serde::Serialize;

use super::Outbox;
use crate::timestamp::Timestamp;

/// One outbox row, pending or a dead letter. `id` and `rule` come from the stored notification (`?` if it no
/// longer decodes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedRow {
    /// The outbox seq: what `hmon alert queue retry|drop` take.
    pub seq: i64,
    pub webhook: String,
    pub key: String,
    /// The notification's id (identical on every attempt).
    pub id: String,
    pub rule: String,
    pub attempts: u32,
    /// When it was queued or last re-queued, milliseconds since the epoch.
    pub created_ms: i64,
    /// The earliest next attempt while pending, milliseconds since the epoch.
    pub next_ms: i64,
    /// Why the last attempt failed (text from the receiver: show it inert).
    pub last_error: Option<String>,
    /// When it was given up on; `None` while pending.
    pub dead_ms: Option<i64>,
}

impl QueuedRow {
    /// Whether it is a dead letter.
    pub fn is_dead(&self) -> bool {
        self.dead_ms.is_some()
    }
}

/// A row as `hmon alert queue --json` and `GET /api/v1/queue` show it: one function makes it, so they cannot
/// disagree. Times are RFC 3339; `status` is `pending` or `dead`; text is exact (JSON escapes it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueEntry {
    /// The outbox seq: what `hmon alert queue retry|drop` take.
    pub id: i64,
    pub webhook: String,
    pub rule: String,
    pub notification_id: String,
    pub status: &'static str,
    pub queued_at: String,
    pub attempts: u32,
    /// While pending.
    pub next_attempt_at: Option<String>,
    pub dead_at: Option<String>,
    pub last_error: Option<String>,
}

impl QueuedRow {
    /// The row as [`QueueEntry`].
    pub fn entry(&self) -> QueueEntry {
        let rfc3339 = |ms| Timestamp::from_millis(ms).to_rfc3339();
        QueueEntry {
            id: self.seq,
            webhook: self.webhook.clone(),
            rule: self.rule.clone(),
            notification_id: self.id.clone(),
            status: if self.is_dead() { "dead" } else { "pending" },
            queued_at: rfc3339(self.created_ms),
            attempts: self.attempts,
            next_attempt_at: (!self.is_dead()).then(|| rfc3339(self.next_ms)),
            dead_at: self.dead_ms.map(rfc3339),
            last_error: self.last_error.clone(),
        }
    }
}

impl Outbox {
    /// Every row, pending and dead, in seq order, as [`QueueEntry`].
    pub fn entries(&self) -> anyhow::Result<Vec<QueueEntry>> {
        Ok(self.rows()?.iter().map(QueuedRow::entry).collect())
    }

    /// Every row, pending and dead, in seq order.
    pub fn rows(&self) -> anyhow::Result<Vec<QueuedRow>> {
        let conn = self.db().lock();
        let mut stmt = conn.prepare(
            "SELECT seq, webhook, ordering_key, notification, attempts, created_ms, next_ms, last_error, dead_ms \
             FROM webhook_outbox ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            let json: String = r.get(3)?;
            let n: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
            let text = |field: &str| n.get(field).and_then(|v| v.as_str()).unwrap_or("?").to_string();
            Ok(QueuedRow {
                seq: r.get(0)?,
                webhook: r.get(1)?,
                key: r.get(2)?,
                id: text("id"),
                rule: text("rule"),
                attempts: u32::try_from(r.get::<_, i64>(4)?.max(0)).unwrap_or(u32::MAX),
                created_ms: r.get(5)?,
                next_ms: r.get(6)?,
                last_error: r.get(7)?,
                dead_ms: r.get(8)?,
            })
        })?;
        rows.collect::<Result<_, _>>().context("cannot read the webhook outbox")
    }

    /// Puts row `seq` (pending or dead) back in line at `now_ms`: due now, with its `give_up_after` clock
    /// restarted and its attempts counted afresh (so `max_attempts` allows it as many again). False when there is
    /// no such row.
    pub fn retry(&self, seq: i64, now_ms: i64) -> anyhow::Result<bool> {
        let changed = self
            .db()
            .lock()
            .execute(
                "UPDATE webhook_outbox SET dead_ms = NULL, next_ms = ?2, created_ms = ?2, attempts = 0 WHERE seq = ?1",
                params![seq, now_ms],
            )
            .context("cannot re-queue a webhook notification")?;
        Ok(changed > 0)
    }

    /// [`Outbox::retry`] for every dead letter; returns their seqs.
    pub fn retry_dead(&self, now_ms: i64) -> anyhow::Result<Vec<i64>> {
        let conn = self.db().lock();
        let mut stmt = conn.prepare(
            "UPDATE webhook_outbox SET dead_ms = NULL, next_ms = ?1, created_ms = ?1, attempts = 0 \
             WHERE dead_ms IS NOT NULL RETURNING seq",
        )?;
        let mut seqs = stmt
            .query_map([now_ms], |r| r.get(0))?
            .collect::<Result<Vec<i64>, _>>()
            .context("cannot re-queue the dead letters")?;
        seqs.sort_unstable();
        Ok(seqs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhook::notification::example;

    #[test]
    fn rows_show_pending_and_dead_and_retry_restarts_the_clock() {
        let outbox = Outbox::memory();
        let a = outbox.push("ops", "k", &example("a", "")).unwrap();
        let b = outbox.push("ops", "k", &example("b", "")).unwrap();
        outbox.record_failure(a.seq, 3, a.created_ms + 40, "HTTP 503").unwrap();
        outbox.bury(b.seq, Some(1), b.created_ms + 5, "HTTP 400: no").unwrap();
        let rows = outbox.rows().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].id.as_str(), rows[0].rule.as_str(), rows[0].attempts), ("a", "low-balance", 3));
        assert_eq!((rows[0].is_dead(), rows[0].last_error.as_deref()), (false, Some("HTTP 503")));
        assert_eq!((rows[1].dead_ms, rows[1].last_error.as_deref()), (Some(b.created_ms + 5), Some("HTTP 400: no")));

        let now = b.created_ms + 1000;
        assert_eq!(outbox.retry_dead(now).unwrap(), [b.seq]);
        assert_eq!(outbox.retry_dead(now).unwrap(), Vec::<i64>::new());
        let back = &outbox.rows().unwrap()[1];
        assert_eq!(
            (back.dead_ms, back.created_ms, back.next_ms, back.attempts),
            (None, now, now, 0),
            "attempts counted afresh"
        );
        let entries = outbox.entries().unwrap();
        assert_eq!((entries[0].status, entries[0].notification_id.as_str()), ("pending", "a"));
        assert_eq!(entries[1].dead_at, None, "retried");
        assert!(outbox.retry(a.seq, now).unwrap());
        assert!(!outbox.retry(b.seq + 100, now).unwrap());
        assert_eq!(outbox.len().unwrap(), 2);
    }
}
