//! The log of delivered notifications (`webhook_sent`) and the history of each alert's notifications.
//!
//! The outbox forgets a notification once its receiver accepts it; [`Outbox::delivered`] notes it in
//! `webhook_sent` in the same transaction, and keeps that log bounded (the newest [`SENT_KEPT`] outbox seqs). A
//! delivery costs one insert and two deletes by primary key. [`history`] reads the log and the outbox together:
//! what each (rule, labels) alert was sent, delivered, pending or given up on.

use std::collections::BTreeMap;

use anyhow::Context;
use rusqlite::{params, Connection};
use serde::Serialize;

use super::Outbox;
use crate::metrics::Labels;
use crate::store::db::SENT_KEPT;
use crate::timestamp::Timestamp;

impl Outbox {
    /// Forgets row `seq`, which the receiver accepted at attempt `attempt` at `now_ms`, and notes it in the
    /// delivery log, in one transaction; false when the row was not there (dropped by hand meanwhile).
    pub fn delivered(&self, seq: i64, attempt: u32, now_ms: i64) -> anyhow::Result<bool> {
        self.db()
            .write(|tx| {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO webhook_sent \
                     (seq, notification_id, rule, labels, webhook, status, delivered_ms, attempts) \
                     SELECT seq, COALESCE(json_extract(notification, '$.id'), '?'), \
                     COALESCE(json_extract(notification, '$.rule'), '?'), \
                     COALESCE(json_extract(notification, '$.labels'), '{}'), webhook, \
                     COALESCE(json_extract(notification, '$.status'), '?'), ?2, ?3 \
                     FROM webhook_outbox WHERE seq = ?1 AND json_valid(notification)",
                )?
                .execute(params![seq, now_ms, attempt])?;
                let removed = tx.prepare_cached("DELETE FROM webhook_outbox WHERE seq = ?1")?.execute([seq])?;
                tx.prepare_cached("DELETE FROM webhook_sent WHERE seq <= ?1")?.execute([seq - SENT_KEPT])?;
                Ok(removed > 0)
            })
            .context("cannot move a delivered notification from the webhook outbox to the delivery log")
    }
}

/// Where a notification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// A receiver accepted it.
    Delivered,
    /// In the outbox, waiting for an attempt or its next one.
    Pending,
    /// Given up on; kept in the outbox as a dead letter.
    Dead,
}

/// One notification of an alert to one webhook. In JSON: `{id, webhook, status, delivery, attempts,
/// delivered_at, dead_at, last_error}` (times RFC 3339 or null).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sent {
    /// The outbox seq it had (what `hmon alert queue retry|drop` take while it is there).
    #[serde(skip)]
    pub seq: i64,
    /// The notification's id, as receivers see it.
    pub id: String,
    pub webhook: String,
    /// `firing` or `resolved`.
    pub status: String,
    pub delivery: Delivery,
    /// Delivered: the attempt that was accepted; otherwise the attempts made so far.
    pub attempts: u32,
    pub delivered_at: Option<Timestamp>,
    pub dead_at: Option<Timestamp>,
    /// Why the last attempt failed (text from the receiver: exact in JSON, inert anywhere else).
    pub last_error: Option<String>,
}

/// The newest `per_alert` notifications of every (rule, labels) the log or the outbox holds, newest first.
pub fn history(
    conn: &Connection,
    per_alert: usize,
    rule: Option<&str>,
) -> anyhow::Result<BTreeMap<(String, Labels), Vec<Sent>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, rule, labels, webhook, status, delivery, attempts, delivered_ms, dead_ms, last_error FROM (\
           SELECT *, ROW_NUMBER() OVER (PARTITION BY rule, labels ORDER BY seq DESC) AS n FROM (\
             SELECT seq, notification_id AS id, rule, labels, webhook, status, 'delivered' AS delivery, attempts, \
               delivered_ms, NULL AS dead_ms, NULL AS last_error FROM webhook_sent WHERE ?2 IS NULL OR rule = ?2 \
             UNION ALL \
             SELECT seq, json_extract(notification, '$.id'), json_extract(notification, '$.rule'), \
               COALESCE(json_extract(notification, '$.labels'), '{}'), webhook, \
               json_extract(notification, '$.status'), IIF(dead_ms IS NULL, 'pending', 'dead'), attempts, NULL, \
               dead_ms, last_error FROM webhook_outbox WHERE json_valid(notification) \
               AND (?2 IS NULL OR json_extract(notification, '$.rule') = ?2))) \
         WHERE n <= ?1 ORDER BY seq DESC",
    )?;
    let limit = i64::try_from(per_alert).unwrap_or(i64::MAX);
    let rows = stmt.query_map(rusqlite::params![limit, rule], |r| {
        let delivery = match r.get_ref(6)?.as_str()? {
            "delivered" => Delivery::Delivered,
            "dead" => Delivery::Dead,
            _ => Delivery::Pending,
        };
        let text = |i| r.get::<_, Option<String>>(i).map(|t| t.unwrap_or_else(|| "?".to_string()));
        let sent = Sent {
            seq: r.get(0)?,
            id: text(1)?,
            webhook: r.get(4)?,
            status: text(5)?,
            delivery,
            attempts: u32::try_from(r.get::<_, i64>(7)?.max(0)).unwrap_or(u32::MAX),
            delivered_at: r.get::<_, Option<i64>>(8)?.map(Timestamp::from_millis),
            dead_at: r.get::<_, Option<i64>>(9)?.map(Timestamp::from_millis),
            last_error: r.get(10)?,
        };
        Ok((text(2)?, r.get::<_, String>(3)?, sent))
    })?;
    let mut found: BTreeMap<(String, Labels), Vec<Sent>> = BTreeMap::new();
    for row in rows {
        let (rule, labels, sent) = row.context("cannot read the delivery log")?;
        // Labels that do not decode (never written by hmon) leave the row out rather than the whole answer.
        if let Ok(labels) = serde_json::from_str::<Labels>(&labels) {
            found.entry((rule, labels)).or_default().push(sent);
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhook::notification::example;
    use crate::webhook::AlertStatus;

    #[test]
    fn a_delivery_moves_the_row_to_the_log_and_history_joins_both() {
        let outbox = Outbox::memory();
        let a = outbox.push("ops", "k", &example("a", "")).unwrap();
        let mut resolved = example("b", "");
        resolved.status = AlertStatus::Resolved;
        outbox.push("chat", "k", &resolved).unwrap();
        let mut other = example("c", "");
        other.labels.insert("account".into(), "0.0.2002".into());
        let c = outbox.push("ops", "k2", &other).unwrap();
        outbox.bury(c.seq, Some(4), 77, "HTTP 400: no").unwrap();

        assert!(outbox.delivered(a.seq, 2, 1_000).unwrap());
        assert!(!outbox.delivered(a.seq, 2, 1_000).unwrap(), "already gone");
        assert_eq!((outbox.len().unwrap(), outbox.dead_letters().unwrap()), (1, 1));

        let all = history(&outbox.db().lock(), 10, None).unwrap();
        let key = |account: &str| {
            ("low-balance".to_string(), [("account".to_string(), account.to_string())].into_iter().collect())
        };
        let first = &all[&key("0.0.1001")];
        assert_eq!(first.len(), 2);
        assert_eq!(
            (first[0].id.as_str(), first[0].delivery, first[0].status.as_str()),
            ("b", Delivery::Pending, "resolved")
        );
        assert_eq!((first[1].id.as_str(), first[1].delivery, first[1].attempts), ("a", Delivery::Delivered, 2));
        assert_eq!(first[1].delivered_at, Some(Timestamp::from_millis(1_000)));
        let dead = &all[&key("0.0.2002")][0];
        assert_eq!(
            (dead.delivery, dead.dead_at, dead.last_error.as_deref()),
            (Delivery::Dead, Some(Timestamp::from_millis(77)), Some("HTTP 400: no"))
        );

        let newest = history(&outbox.db().lock(), 1, None).unwrap();
        assert_eq!(newest[&key("0.0.1001")].iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["b"]);
    }

    #[test]
    fn the_log_keeps_only_the_newest_seqs() {
        let outbox = Outbox::memory();
        let first = outbox.push("ops", "k", &example("old", "")).unwrap();
        outbox.delivered(first.seq, 1, 1).unwrap();
        outbox.db().lock().execute("UPDATE sqlite_sequence SET seq = seq + ?1", [SENT_KEPT]).unwrap();
        let later = outbox.push("ops", "k", &example("new", "")).unwrap();
        assert!(later.seq >= first.seq + SENT_KEPT);
        outbox.delivered(later.seq, 1, 2).unwrap();
        let ids: Vec<String> =
            history(&outbox.db().lock(), 10, None).unwrap().into_values().flatten().map(|s| s.id).collect();
        assert_eq!(ids, ["new"]);
    }
}
