//! `GET /api/v1/transactions`, as `rest/transactions.js` (Mirror Node) answers it.
//!
//! Without `account.id` it lists every transaction row (children and scheduled executions are rows of their own).
//! `timestamp` takes any number of `eq|ne|gt|gte|lt|lte` filters (two `eq` values match nothing); `order` defaults
//! to desc; `limit` defaults to 25 and is capped at 100; several `transactiontype` values are ORed; `result` is
//! `success` or `fail`. `account.id` matches a transaction through its transfers, its token transfers or its payer
//! (children without a parent timestamp are left out of the payer match). A full page's `links.next` moves the
//! `timestamp` cursor past its last item; any shorter page has none.

use serde_json::{json, Value};

use super::accounts::Id;
use super::query::{self, Query};

/// One stored transaction: its consensus time (ns) and body.
pub type Stored = (i128, Value);

/// `GET /api/v1/transactions` over `txs`, which are ordered by consensus time.
pub fn list(txs: &[Stored], q: &Query) -> (u16, Value) {
    let limit = query::limit(q, 25, 100);
    let asc = query::ascending(q, false);
    let Some((low, high)) = time_span(q) else {
        return (200, json!({"transactions": [], "links": {"next": null}}));
    };
    let start = txs.partition_point(|(at, _)| *at < low);
    let end = txs.partition_point(|(at, _)| *at <= high);
    let window = &txs[start..end.max(start)];
    let accounts = AccountFilter::new(q.all("account.id"));
    let types: Vec<String> = q.all("transactiontype").iter().map(|t| t.to_ascii_uppercase()).collect();
    let result = q.last("result").map(str::to_ascii_lowercase);
    let excluded: Vec<i128> = q
        .all("timestamp")
        .iter()
        .filter_map(|f| match query::operator(f) {
            ("ne", v) => query::nanos(v),
            _ => None,
        })
        .collect();
    let wanted = |(at, t): &&Stored| {
        !excluded.contains(at)
            && (types.is_empty() || types.iter().any(|k| t["name"] == k.as_str()))
            && result.as_deref().is_none_or(|r| (t["result"] == "SUCCESS") == (r == "success"))
            && accounts.matches(t)
    };
    let page: Vec<&Stored> = if asc {
        window.iter().filter(wanted).take(limit).collect()
    } else {
        window.iter().rev().filter(wanted).take(limit).collect()
    };
    let next = (page.len() == limit).then(|| page.last()).flatten().and_then(|(at, _)| {
        query::next_link("/api/v1/transactions", q, "timestamp", &query::timestamp(*at), asc, &query::nanos)
    });
    let items: Vec<Value> = page.into_iter().map(|(_, t)| t.clone()).collect();
    (200, json!({"transactions": items, "links": {"next": next}}))
}

/// The inclusive consensus-time span the `timestamp` filters leave; `None` when they admit nothing.
fn time_span(q: &Query) -> Option<(i128, i128)> {
    let (mut low, mut high) = (i128::MIN, i128::MAX);
    let mut eqs = 0;
    for f in q.all("timestamp") {
        let (op, v) = query::operator(f);
        let Some(at) = query::nanos(v) else { continue };
        match op {
            "gt" => low = low.max(at + 1),
            "gte" => low = low.max(at),
            "lt" => high = high.min(at - 1),
            "lte" => high = high.min(at),
            "ne" => {}
            _ => {
                eqs += 1;
                low = low.max(at);
                high = high.min(at);
            }
        }
    }
    (eqs <= 1 && low <= high).then_some((low, high))
}

/// The `account.id` filters: `eq` values (any of them) and range conditions (all of them).
struct AccountFilter {
    eq: Vec<Id>,
    conditions: Vec<(String, Id)>,
}

impl AccountFilter {
    fn new(values: &[String]) -> AccountFilter {
        let mut f = AccountFilter { eq: Vec::new(), conditions: Vec::new() };
        for v in values {
            let (op, operand) = query::operator(v);
            let Some(id) = Id::parse(operand) else { continue };
            match op {
                "eq" => f.eq.push(id),
                _ => f.conditions.push((op.to_string(), id)),
            }
        }
        f
    }

    fn admits(&self, account: &str) -> bool {
        let Some(id) = Id::parse(account) else { return false };
        (self.eq.is_empty() || self.eq.contains(&id))
            && self.conditions.iter().all(|(op, bound)| match op.as_str() {
                "gt" => id > *bound,
                "gte" => id >= *bound,
                "lt" => id < *bound,
                "lte" => id <= *bound,
                _ => id != *bound,
            })
    }

    fn matches(&self, t: &Value) -> bool {
        if self.eq.is_empty() && self.conditions.is_empty() {
            return true;
        }
        let listed = |field: &str| {
            t[field]
                .as_array()
                .is_some_and(|list| list.iter().any(|x| x["account"].as_str().is_some_and(|a| self.admits(a))))
        };
        // `transactionByPayerExcludeSyntheticCondition`: a child without a parent timestamp is not its payer's.
        let payer_counts = t["nonce"].as_i64().unwrap_or(0) == 0 || !t["parent_consensus_timestamp"].is_null();
        let payer = t["transaction_id"].as_str().and_then(|id| id.split('-').next()).unwrap_or("");
        listed("transfers") || listed("token_transfers") || (payer_counts && self.admits(payer))
    }
}
