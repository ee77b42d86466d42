//! Accounts as the fake mirror keeps them, their bodies as `/api/v1/accounts/{id}` and `/api/v1/accounts/{id}/tokens`
//! serve them, and the `/api/v1/accounts` list.
//!
//! The list follows `rest/accounts.js getAccounts` (Mirror Node): items are `AccountInfo` (the single account's body
//! without `transactions` and `links`), ordered by id (`order`, default asc); `account.id` takes `eq` values (plain
//! or `eq:`, repeatable, at most 100, an SQL `IN`), `ne`, and `gt|gte|lt|lte` ranges; `limit` defaults to 25 and is
//! capped at 100; `balance=false` gives `"balance": null`; `balance.tokens` holds at most 50 associated tokens,
//! ordered by token id in the list's order; `balance.timestamp` is the consensus time of the account's last hbar
//! change. Unknown parameters are refused with the API's 400 body.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{json, Value};

use super::query::{self, Query};

/// An entity id, ordered as the mirror orders its encoded ids (shard, realm, num).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id {
    pub shard: u64,
    pub realm: u64,
    pub num: u64,
}

impl Id {
    pub const fn num(num: u64) -> Id {
        Id { shard: 0, realm: 0, num }
    }

    /// `0.0.8`, `0.8` or `8`, as the API accepts them (10-bit shard, 16-bit realm, 38-bit num).
    pub fn parse(text: &str) -> Option<Id> {
        let parts: Option<Vec<u64>> = text
            .split('.')
            .map(|p| (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok()).flatten())
            .collect();
        let id = match parts?.as_slice() {
            [num] => Id::num(*num),
            [realm, num] => Id { shard: 0, realm: *realm, num: *num },
            [shard, realm, num] => Id { shard: *shard, realm: *realm, num: *num },
            _ => return None,
        };
        (id.shard < 1 << 10 && id.realm < 1 << 16 && id.num < 1 << 38).then_some(id)
    }

    /// The encoded id the API compares in range filters.
    pub fn encoded(self) -> i128 {
        ((self.shard as i128) << 54) | ((self.realm as i128) << 38) | self.num as i128
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.shard, self.realm, self.num)
    }
}

/// The key the fake gives every account unless told otherwise.
pub const DEFAULT_KEY: (&str, &str) = ("ED25519", "7c2ab2a3a1bb2a33a1b3c1d1e0a4f3a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7");

/// One account: its hbar and token balances and what its body shows besides.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: Id,
    pub tinybars: i64,
    /// Consensus time (ns) of the last hbar change, or of the creation: `balance.timestamp`.
    pub balance_at: i128,
    pub created: i128,
    pub key: (String, String),
    /// Associated tokens: id -> (balance in smallest units, decimals).
    pub tokens: BTreeMap<Id, (i64, i64)>,
}

impl Account {
    pub fn new(id: Id, tinybars: i64, created: i128, balance_at: i128) -> Account {
        let key = (DEFAULT_KEY.0.to_string(), DEFAULT_KEY.1.to_string());
        Account { id, tinybars, balance_at, created, key, tokens: BTreeMap::new() }
    }

    /// `0x` + 40 hex digits: the long-zero address of an account without an EVM alias.
    pub fn evm_address(&self) -> String {
        format!("0x{:08x}{:016x}{:016x}", self.id.shard, self.id.realm, self.id.num)
    }

    /// An item of the `/api/v1/accounts` list (`AccountInfo`); `order_asc` orders its tokens.
    pub fn list_item(&self, with_balance: bool, order_asc: bool) -> Value {
        let balance = with_balance.then(|| {
            let mut tokens: Vec<Value> =
                self.tokens.iter().map(|(t, (b, _))| json!({"token_id": t.to_string(), "balance": b})).collect();
            if !order_asc {
                tokens.reverse();
            }
            tokens.truncate(TOKENS_PER_LISTED_ACCOUNT);
            json!({"balance": self.tinybars, "timestamp": query::timestamp(self.balance_at), "tokens": tokens})
        });
        json!({
            "account": self.id.to_string(), "alias": null, "auto_renew_period": 7776000, "balance": balance,
            "created_timestamp": query::timestamp(self.created), "decline_reward": false, "delegation_address": "0x",
            "deleted": false, "ethereum_nonce": 0, "evm_address": self.evm_address(), "expiry_timestamp": null,
            "key": {"_type": self.key.0, "key": self.key.1}, "max_automatic_token_associations": 0, "memo": "",
            "pending_reward": 0, "receiver_sig_required": false, "staked_account_id": null, "staked_node_id": null,
            "stake_period_start": null
        })
    }

    /// `/api/v1/accounts/{id}`: the list item with the embedded transaction list (empty here) and its links.
    pub fn body(&self) -> Value {
        let mut body = self.list_item(true, true);
        body["transactions"] = json!([]);
        body["links"] = json!({"next": null});
        body
    }

    /// The items of `/api/v1/accounts/{id}/tokens`.
    pub fn relationships(&self) -> Vec<Value> {
        self.tokens
            .iter()
            .map(|(t, (b, d))| {
                json!({"automatic_association": false, "balance": b, "created_timestamp": "1600000000.000000002",
                "decimals": d, "freeze_status": "UNFROZEN", "kyc_status": "NOT_APPLICABLE", "token_id": t.to_string()})
            })
            .collect()
    }
}

/// HIP-367: a list item shows at most 50 token balances (`response.limit.tokenBalance.multipleAccounts`).
pub const TOKENS_PER_LISTED_ACCOUNT: usize = 50;
/// `query.maxRepeatedQueryParameters`.
pub const MAX_REPEATED: usize = 100;

const ACCEPTED: [&str; 6] = ["account.balance", "account.id", "account.publickey", "balance", "limit", "order"];

/// `GET /api/v1/accounts`.
pub fn list(accounts: &BTreeMap<Id, Account>, q: &Query) -> (u16, Value) {
    if let Some(bad) = invalid_parameters(q) {
        return query::invalid(&bad);
    }
    let limit = query::limit(q, 25, 100);
    let asc = query::ascending(q, true);
    let with_balance = q.last("balance").is_none_or(|b| b.eq_ignore_ascii_case("true"));
    let filter = IdFilter::new(q.all("account.id"));
    let balance_ok = |a: &Account| {
        q.all("account.balance").iter().all(|f| {
            let (op, v) = query::operator(f);
            let v: i64 = v.parse().unwrap_or(0);
            compare(op, a.tinybars.cmp(&v))
        })
    };
    let matching: Box<dyn Iterator<Item = &Account>> = if filter.eq.is_empty() {
        let range = filter.span().map(|span| accounts.range(span)).into_iter().flatten();
        if asc {
            Box::new(range.map(|(_, a)| a))
        } else {
            Box::new(range.rev().map(|(_, a)| a))
        }
    } else {
        let mut ids = filter.eq.clone();
        if !asc {
            ids.reverse();
        }
        Box::new(ids.into_iter().filter_map(|id| accounts.get(&id)))
    };
    let page: Vec<&Account> = matching.filter(|a| filter.admits(a.id) && balance_ok(a)).take(limit).collect();
    let next = (page.len() == limit).then(|| page.last()).flatten().and_then(|last| {
        let number = |v: &str| Id::parse(v).map(Id::encoded);
        query::next_link("/api/v1/accounts", q, "account.id", &last.id.to_string(), asc, &number)
    });
    let items: Vec<Value> = page.iter().map(|a| a.list_item(with_balance, asc)).collect();
    (200, json!({"accounts": items, "links": {"next": next}}))
}

/// The 400 messages for this query's bad parameters, in the order the API lists them; `None` when it is good.
fn invalid_parameters(q: &Query) -> Option<Vec<String>> {
    let mut bad = Vec::new();
    for key in q.keys() {
        if !ACCEPTED.contains(&key) {
            bad.push(format!("Unknown query parameter: {key}"));
            continue;
        }
        let values = q.all(key);
        if values.len() > MAX_REPEATED {
            bad.push(format!(
                "Parameter values count exceeds maximum number allowed: {key} count: {} max: {MAX_REPEATED}",
                values.len()
            ));
            continue;
        }
        for v in values {
            let (op, operand) = query::operator(v);
            let op_ok = ["eq", "ne", "gt", "gte", "lt", "lte"].contains(&op);
            let ok = match key {
                "account.id" => op_ok && Id::parse(operand).is_some(),
                "account.balance" => op_ok && operand.parse::<u64>().is_ok_and(|n| n <= i64::MAX as u64),
                "balance" => {
                    op == "eq" && (operand.eq_ignore_ascii_case("true") || operand.eq_ignore_ascii_case("false"))
                }
                "limit" => op == "eq" && operand.parse::<u64>().is_ok_and(|n| n >= 1 && n <= i64::MAX as u64),
                "order" => op == "eq" && (operand.eq_ignore_ascii_case("asc") || operand.eq_ignore_ascii_case("desc")),
                _ => op == "eq" && !operand.is_empty(),
            };
            if !ok {
                bad.push(format!("Invalid parameter: {key}"));
            }
        }
    }
    (!bad.is_empty()).then_some(bad)
}

fn compare(op: &str, ord: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        "gt" => ord == Greater,
        "gte" => ord != Less,
        "lt" => ord == Less,
        "lte" => ord != Greater,
        "ne" => ord != Equal,
        _ => ord == Equal,
    }
}

/// The `account.id` filters of a list request: `eq` values become an `IN` list, the others conditions.
struct IdFilter {
    /// Distinct, ascending.
    eq: Vec<Id>,
    conditions: Vec<(String, Id)>,
}

impl IdFilter {
    fn new(values: &[String]) -> IdFilter {
        let mut eq = Vec::new();
        let mut conditions = Vec::new();
        for v in values {
            let (op, operand) = query::operator(v);
            let Some(id) = Id::parse(operand) else { continue };
            if op == "eq" {
                eq.push(id);
            } else {
                conditions.push((op.to_string(), id));
            }
        }
        eq.sort();
        eq.dedup();
        IdFilter { eq, conditions }
    }

    fn admits(&self, id: Id) -> bool {
        self.conditions.iter().all(|(op, bound)| compare(op, id.cmp(bound)))
    }

    /// A range of ids holding every id the conditions admit (`None`: none), to walk only that part of the map.
    fn span(&self) -> Option<std::ops::RangeInclusive<Id>> {
        let (mut low, mut high) = (Id::num(0), Id { shard: u64::MAX, realm: u64::MAX, num: u64::MAX });
        for (op, id) in &self.conditions {
            match op.as_str() {
                "gt" | "gte" => low = low.max(*id),
                "lt" | "lte" => high = high.min(*id),
                _ => {}
            }
        }
        (low <= high).then_some(low..=high)
    }
}
