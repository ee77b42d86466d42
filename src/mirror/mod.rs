//! The Mirror Node REST API: typed endpoints over a retrying, paginating client.
//!
//! This module never prints; it returns data or a [`MirrorError`] that says which host failed and how.

mod client;
pub mod limit;
pub mod models;
pub mod retry;

use std::time::Duration;

pub use client::{ClientOptions, MirrorClient};
use models::*;

use crate::error::Exit;
use crate::ids::{AccountRef, EntityId, TransactionRef};
use crate::timestamp::Timestamp;

/// Why a mirror request failed, after whatever retries were safe.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MirrorError {
    #[error("not found ({path}){}", join_messages(.messages))]
    NotFound { path: String, messages: Vec<String> },
    #[error("{host} rejected the request (HTTP {status}){}", join_messages(.messages))]
    Rejected { host: String, status: u16, messages: Vec<String> },
    #[error("{host} answered HTTP {status} on each of {attempts} attempts; try again later")]
    Server { host: String, status: u16, attempts: u32 },
    #[error("{host} is rate-limiting requests (HTTP 429){}", retry_hint(.attempts, .retry_after))]
    RateLimited { host: String, attempts: u32, retry_after: Option<Duration> },
    #[error("{host} did not answer within {} ({attempts} attempts); check the host or raise --timeout", humantime::format_duration(*.timeout))]
    Timeout { host: String, attempts: u32, timeout: Duration },
    #[error("cannot reach {host}: {reason} ({attempts} attempts)")]
    Connect { host: String, attempts: u32, reason: String },
    #[error("unexpected response from {host} for {path}: {reason}")]
    Decode { host: String, path: String, reason: String },
}

fn join_messages(messages: &[String]) -> String {
    if messages.is_empty() {
        String::new()
    } else {
        format!(": {}", messages.join("; "))
    }
}

fn retry_hint(attempts: &u32, retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(d) => format!("; it asks to wait {}, try again then", humantime::format_duration(*d)),
        None => format!(" on each of {attempts} attempts; try again later"),
    }
}

impl MirrorError {
    /// The exit code this failure maps to: not found 4, a rejected request 2, anything else 1.
    pub fn exit(&self) -> Exit {
        match self {
            MirrorError::NotFound { .. } => Exit::NotFound,
            MirrorError::Rejected { status, .. } if *status == 400 => Exit::Usage,
            _ => Exit::Remote,
        }
    }
}

/// Filters for `/api/v1/transactions`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionQuery {
    /// One or more accounts (the API takes several `account.id` values in one request).
    pub account_ids: Vec<String>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// Strictly after this time (a cursor).
    pub after: Option<Timestamp>,
    /// A `TRANSACTIONTYPE` such as `CRYPTOTRANSFER`.
    pub transaction_type: Option<String>,
    /// `success` or `fail`.
    pub result: Option<String>,
    /// Oldest first instead of newest first.
    pub ascending: bool,
}

impl TransactionQuery {
    /// The first page's path, asking for `page_size` items (the API caps it at 100).
    pub fn path(&self, page_size: usize) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for id in &self.account_ids {
            q.append_pair("account.id", id);
        }
        q.append_pair("limit", &page_size.clamp(1, 100).to_string());
        q.append_pair("order", if self.ascending { "asc" } else { "desc" });
        if let Some(t) = self.since {
            q.append_pair("timestamp", &format!("gte:{t}"));
        }
        if let Some(t) = self.until {
            q.append_pair("timestamp", &format!("lte:{t}"));
        }
        if let Some(t) = self.after {
            q.append_pair("timestamp", &format!("gt:{t}"));
        }
        if let Some(t) = &self.transaction_type {
            q.append_pair("transactiontype", t);
        }
        if let Some(r) = &self.result {
            q.append_pair("result", r);
        }
        format!("/api/v1/transactions?{}", q.finish())
    }
}

/// Ids one `/accounts` id-list read asks for at most: the API's cap on a repeated parameter and on a page.
pub const MAX_IDS_PER_READ: usize = 100;

/// The path of one id-list read of `ids` (at most [`MAX_IDS_PER_READ`] of them are asked for).
pub fn accounts_by_id_path(ids: &[EntityId]) -> String {
    let mut path = String::with_capacity(32 + ids.len().min(MAX_IDS_PER_READ) * 24);
    path.push_str("/api/v1/accounts?");
    for id in ids.iter().take(MAX_IDS_PER_READ) {
        path.push_str(&format!("account.id={id}&"));
    }
    path.push_str(&format!("limit={MAX_IDS_PER_READ}"));
    path
}

/// The path of one page of every transaction after `after` (and at or before `until`), oldest first.
pub fn network_transactions_path(after: Timestamp, until: Option<Timestamp>, limit: usize) -> String {
    let until = until.map(|u| format!("&timestamp=lte:{u}")).unwrap_or_default();
    format!("/api/v1/transactions?timestamp=gt:{after}{until}&order=asc&limit={}", limit.clamp(1, 100))
}

impl MirrorClient {
    /// The current balances (hbar, `balance.timestamp`, up to 50 tokens each) of the accounts `ids`, in one
    /// request. Ids the mirror does not know are left out of the answer. At most [`MAX_IDS_PER_READ`] ids are
    /// asked for (callers chunk). `links.next` is not followed: with only `account.id=` values the API puts no
    /// cursor in it, so it would name the same page again, and 100 ids cannot fill more than one page anyway.
    pub async fn accounts_by_id(&self, ids: &[EntityId]) -> Result<Vec<ListedAccount>, MirrorError> {
        debug_assert!(ids.len() <= MAX_IDS_PER_READ, "callers chunk the ids");
        let page: AccountsPage = self.get(&accounts_by_id_path(ids)).await?;
        Ok(page.accounts)
    }

    /// One page (at most `limit`, the API caps it at 100) of the network's transactions after `after`, oldest
    /// first. A page shorter than `limit` means the mirror has nothing newer yet; `links.next` is not used (it is
    /// null at the head, so callers keep their own cursor).
    pub async fn network_transactions(&self, after: Timestamp, limit: usize) -> Result<Vec<Transaction>, MirrorError> {
        self.network_transactions_until(after, None, limit).await
    }

    /// [`MirrorClient::network_transactions`] within a window: after `after`, at or before `until`.
    pub async fn network_transactions_until(
        &self,
        after: Timestamp,
        until: Option<Timestamp>,
        limit: usize,
    ) -> Result<Vec<Transaction>, MirrorError> {
        let page: TransactionsPage = self.get(&network_transactions_path(after, until, limit)).await?;
        Ok(page.transactions)
    }

    /// An account and its current balance (`transactions=false` skips the embedded history).
    pub async fn account(&self, account: &AccountRef) -> Result<Account, MirrorError> {
        self.get(&format!("/api/v1/accounts/{}?transactions=false", account.mirror_path())).await
    }

    /// All token relationships of an account, with balances and decimals.
    pub async fn account_tokens(&self, account_id: &str) -> Result<Vec<TokenRelationship>, MirrorError> {
        self.collect::<TokenRelationshipsPage>(format!("/api/v1/accounts/{account_id}/tokens?limit=100"), None, |_| {})
            .await
    }

    /// Up to `limit` transactions matching `query`, across as many pages as needed.
    pub async fn transactions(
        &self,
        query: &TransactionQuery,
        limit: usize,
        progress: impl FnMut(usize),
    ) -> Result<Vec<Transaction>, MirrorError> {
        self.collect::<TransactionsPage>(query.path(limit), Some(limit), progress).await
    }

    /// A transaction with its child and scheduled transactions.
    pub async fn transaction(&self, id: &TransactionRef) -> Result<Vec<Transaction>, MirrorError> {
        let list: TransactionList = self.get(&format!("/api/v1/transactions/{}", id.mirror_path())).await?;
        Ok(list.transactions)
    }

    /// The newest transaction the mirror has ingested, if any.
    pub async fn latest_transaction(&self) -> Result<Option<Transaction>, MirrorError> {
        let page: TransactionsPage = self.get("/api/v1/transactions?limit=1&order=desc").await?;
        Ok(page.transactions.into_iter().next())
    }

    /// The whole address book (the endpoint returns at most 25 nodes a page).
    pub async fn nodes(&self) -> Result<Vec<NetworkNode>, MirrorError> {
        self.collect::<NodesPage>("/api/v1/network/nodes?limit=25".to_string(), None, |_| {}).await
    }

    /// The newest `limit` blocks, newest first.
    pub async fn blocks(&self, limit: usize) -> Result<Vec<Block>, MirrorError> {
        let page: BlocksPage = self.get(&format!("/api/v1/blocks?limit={}&order=desc", limit.clamp(1, 100))).await?;
        Ok(page.blocks)
    }

    /// Released and total hbar supply.
    pub async fn supply(&self) -> Result<Supply, MirrorError> {
        self.get("/api/v1/network/supply").await
    }

    /// The current and next hbar/USD exchange rates.
    pub async fn exchange_rate(&self) -> Result<ExchangeRateSet, MirrorError> {
        self.get("/api/v1/network/exchangerate").await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transaction_query_paths_match_the_api() {
        let q = TransactionQuery {
            account_ids: vec!["0.0.8".into(), "0.0.9".into()],
            since: Some(Timestamp { secs: 10, nanos: 5 }),
            transaction_type: Some("CRYPTOTRANSFER".into()),
            result: Some("fail".into()),
            ..Default::default()
        };
        assert_eq!(
            q.path(500),
            "/api/v1/transactions?account.id=0.0.8&account.id=0.0.9&limit=100&order=desc\
             &timestamp=gte%3A10.000000005&transactiontype=CRYPTOTRANSFER&result=fail"
        );
    }

    #[test]
    fn bulk_paths_match_the_api() {
        let ids: Vec<EntityId> = (1..=3).map(|num| EntityId { shard: 0, realm: 0, num }).collect();
        assert_eq!(
            accounts_by_id_path(&ids),
            "/api/v1/accounts?account.id=0.0.1&account.id=0.0.2&account.id=0.0.3&limit=100"
        );
        let many: Vec<EntityId> = (1..=150).map(|num| EntityId { shard: 0, realm: 0, num }).collect();
        assert_eq!(accounts_by_id_path(&many).matches("account.id=").count(), 100);
        let at = Timestamp { secs: 1_700_000_000, nanos: 7 };
        assert_eq!(
            network_transactions_path(at, None, 500),
            "/api/v1/transactions?timestamp=gt:1700000000.000000007&order=asc&limit=100"
        );
        assert_eq!(
            network_transactions_path(at, Some(Timestamp { secs: 1_700_000_010, nanos: 0 }), 100),
            "/api/v1/transactions?timestamp=gt:1700000000.000000007&timestamp=lte:1700000010.000000000&order=asc&limit=100"
        );
    }

    #[test]
    fn errors_map_to_exit_codes_and_name_the_host() {
        let nf = MirrorError::NotFound { path: "/api/v1/accounts/0.0.7".into(), messages: vec!["Not found".into()] };
        assert_eq!(nf.exit(), Exit::NotFound);
        let t = MirrorError::Timeout { host: "127.0.0.1:9".into(), attempts: 2, timeout: Duration::from_millis(300) };
        assert_eq!(t.exit(), Exit::Remote);
        assert_eq!(
            t.to_string(),
            "127.0.0.1:9 did not answer within 300ms (2 attempts); check the host or raise --timeout"
        );
        let r =
            MirrorError::Rejected { host: "h".into(), status: 400, messages: vec!["Invalid parameter: limit".into()] };
        assert_eq!(
            (r.exit(), r.to_string().as_str()),
            (Exit::Usage, "h rejected the request (HTTP 400): Invalid parameter: limit")
        );
    }
}
