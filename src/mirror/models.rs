//! Typed bodies of the Mirror Node REST endpoints hmon reads, with the field names and types of the real API.
//!
//! Amounts are integers (tinybars or token units); the few amounts the API sends as strings stay strings here.
//! Unknown fields are ignored and most fields default, so newer API versions keep parsing.

use serde::{Deserialize, Serialize};

/// `links` on every list response.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Links {
    pub next: Option<String>,
}

/// A list response that can be followed across `links.next`.
pub trait Page: serde::de::DeserializeOwned {
    type Item;
    /// The items of this page and the relative URL of the next one.
    fn split(self) -> (Vec<Self::Item>, Option<String>);
}

macro_rules! page {
    ($name:ident, $field:ident, $item:ty) => {
        #[derive(Debug, Clone, Default, Deserialize)]
        pub struct $name {
            #[serde(default)]
            pub $field: Vec<$item>,
            #[serde(default)]
            pub links: Links,
        }

        impl Page for $name {
            type Item = $item;
            fn split(self) -> (Vec<$item>, Option<String>) {
                (self.$field, self.links.next)
            }
        }
    };
}

page!(TransactionsPage, transactions, Transaction);
page!(TokenRelationshipsPage, tokens, TokenRelationship);
page!(NodesPage, nodes, NetworkNode);
page!(BlocksPage, blocks, Block);
page!(AccountsPage, accounts, ListedAccount);

/// `null` as the type's default: the spec lets some lists and amounts be null.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// One item of `GET /api/v1/accounts` (the list): only what balance reads need. Every field may be null in the
/// spec (`balance` and `balance.balance` too), so one odd account cannot spoil the page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListedAccount {
    pub account: String,
    #[serde(default)]
    pub balance: Option<ListedBalance>,
    #[serde(default)]
    pub deleted: Option<bool>,
}

/// `balance` of a listed account: tinybars, the consensus timestamp of the last hbar transfer it includes, and at
/// most 50 token balances (HIP-367).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListedBalance {
    #[serde(default)]
    pub balance: Option<i64>,
    #[serde(default)]
    pub timestamp: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub tokens: Vec<TokenAmount>,
}

/// `GET /api/v1/accounts/{idOrAliasOrEvmAddress}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Account {
    pub account: String,
    #[serde(default)]
    pub balance: Option<AccountBalance>,
    #[serde(default)]
    pub evm_address: Option<String>,
    #[serde(default)]
    pub key: Option<Key>,
    #[serde(default)]
    pub deleted: Option<bool>,
    #[serde(default)]
    pub memo: Option<String>,
}

/// `balance` inside an account.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AccountBalance {
    pub balance: i64,
    #[serde(default)]
    pub timestamp: Option<String>,
    #[serde(default)]
    pub tokens: Vec<TokenAmount>,
}

/// A token balance embedded in an account's `balance.tokens`.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenAmount {
    pub token_id: String,
    pub balance: i64,
}

/// A public key as the mirror shows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Key {
    /// `ED25519`, `ECDSA_SECP256K1` or `ProtobufEncoded`.
    #[serde(rename = "_type")]
    pub key_type: String,
    pub key: String,
}

/// One item of `GET /api/v1/accounts/{id}/tokens`.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenRelationship {
    pub token_id: String,
    pub balance: i64,
    #[serde(default)]
    pub decimals: i64,
}

/// A transaction, from `/transactions` or `/transactions/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Transaction {
    pub transaction_id: String,
    pub consensus_timestamp: String,
    /// The transaction type, e.g. `CRYPTOTRANSFER`.
    pub name: String,
    pub result: String,
    #[serde(default)]
    pub charged_tx_fee: i64,
    #[serde(default)]
    pub memo_base64: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub transfers: Vec<Transfer>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub token_transfers: Vec<TokenTransfer>,
    /// NFTs moved: each entry changes the sender's and the receiver's count of the token by one.
    #[serde(default, deserialize_with = "null_as_default")]
    pub nft_transfers: Vec<NftTransfer>,
    /// For information only: these rewards are already inside `transfers` (as a credit from 0.0.800), so adding
    /// them to a balance would count them twice.
    #[serde(default, deserialize_with = "null_as_default")]
    pub staking_reward_transfers: Vec<StakingRewardTransfer>,
    #[serde(default)]
    pub node: Option<String>,
    #[serde(default)]
    pub transaction_hash: Option<String>,
    #[serde(default)]
    pub entity_id: Option<String>,
    #[serde(default)]
    pub parent_consensus_timestamp: Option<String>,
    #[serde(default)]
    pub nonce: i64,
    #[serde(default)]
    pub scheduled: bool,
    /// The API sends this amount as a string.
    #[serde(default)]
    pub max_fee: Option<String>,
    #[serde(default)]
    pub valid_start_timestamp: Option<String>,
}

/// An hbar transfer within a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Transfer {
    pub account: String,
    pub amount: i64,
    #[serde(default)]
    pub is_approval: Option<bool>,
}

/// A fungible token transfer within a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct TokenTransfer {
    pub token_id: String,
    pub account: String,
    pub amount: i64,
    #[serde(default)]
    pub is_approval: Option<bool>,
}

/// An NFT moved within a transaction; no sender on a mint, no receiver on a burn or wipe.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct NftTransfer {
    pub token_id: String,
    #[serde(default)]
    pub sender_account_id: Option<String>,
    #[serde(default)]
    pub receiver_account_id: Option<String>,
    #[serde(default)]
    pub serial_number: i64,
    #[serde(default)]
    pub is_approval: Option<bool>,
}

/// A staking reward paid within a transaction (already part of its `transfers`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct StakingRewardTransfer {
    pub account: String,
    pub amount: i64,
}

/// `GET /api/v1/transactions/{id}`: the transaction and its child or scheduled transactions.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TransactionList {
    #[serde(default)]
    pub transactions: Vec<Transaction>,
}

/// One consensus node from `GET /api/v1/network/nodes`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NetworkNode {
    pub node_id: i64,
    pub node_account_id: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub memo: Option<String>,
    #[serde(default)]
    pub stake: Option<i64>,
    #[serde(default)]
    pub min_stake: Option<i64>,
    #[serde(default)]
    pub max_stake: Option<i64>,
    #[serde(default)]
    pub stake_rewarded: Option<i64>,
    #[serde(default)]
    pub service_endpoints: Vec<ServiceEndpoint>,
}

/// A node's gRPC endpoint; either of `domain_name` and `ip_address_v4` may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct ServiceEndpoint {
    #[serde(default)]
    pub domain_name: String,
    #[serde(default)]
    pub ip_address_v4: String,
    pub port: u16,
}

impl ServiceEndpoint {
    /// `host:port`, preferring the IP address; `None` when neither host is set.
    pub fn address(&self) -> Option<String> {
        let host = if !self.ip_address_v4.is_empty() { &self.ip_address_v4 } else { &self.domain_name };
        (!host.is_empty()).then(|| format!("{host}:{}", self.port))
    }
}

/// A `{from, to}` timestamp range.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TimestampRange {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// One record file (block) from `GET /api/v1/blocks`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Block {
    pub number: i64,
    #[serde(default)]
    pub count: i64,
    #[serde(default)]
    pub timestamp: TimestampRange,
}

/// `GET /api/v1/network/supply`: amounts as decimal strings of tinybars.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Supply {
    pub released_supply: String,
    pub total_supply: String,
    #[serde(default)]
    pub timestamp: Option<String>,
}

/// One exchange rate: `hbar_equivalent` hbar cost `cent_equivalent` US cents.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExchangeRate {
    pub cent_equivalent: i64,
    pub hbar_equivalent: i64,
    #[serde(default)]
    pub expiration_time: i64,
}

/// `GET /api/v1/network/exchangerate`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExchangeRateSet {
    pub current_rate: ExchangeRate,
    #[serde(default)]
    pub next_rate: Option<ExchangeRate>,
    #[serde(default)]
    pub timestamp: Option<String>,
}

/// The error body every endpoint returns: `{"_status":{"messages":[{"message":...}]}}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorBody {
    #[serde(rename = "_status", default)]
    pub status: ErrorStatus,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorStatus {
    #[serde(default)]
    pub messages: Vec<ErrorMessage>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorMessage {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub detail: Option<serde_json::Value>,
}

impl ErrorBody {
    /// The messages, with details where the API gives them ("Bad Request: Failed to convert 'timestamp'").
    pub fn describe(&self) -> Vec<String> {
        self.status
            .messages
            .iter()
            .map(|m| match &m.detail {
                Some(serde_json::Value::String(d)) if !d.is_empty() => format!("{}: {d}", m.message),
                _ => m.message.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
