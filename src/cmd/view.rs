//! How a transaction is shown by `records` and `tx`: one shape for JSON, CSV and tables.

use base64::Engine;
use serde::Serialize;

use crate::hbar;
use crate::mirror::models::{TokenTransfer, Transaction, Transfer};
use crate::timestamp::Timestamp;

/// A transaction as `--json` prints it. Amounts are integers in tinybars (or token units).
#[derive(Debug, Serialize)]
pub struct TransactionView {
    /// Mirror form: `0.0.8-1234567890-000000006`.
    pub transaction_id: String,
    /// `seconds.nanos`, as the mirror gives it.
    pub consensus_timestamp: String,
    /// The same instant in RFC 3339 (UTC).
    pub time: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub result: String,
    /// The fee charged, in tinybars.
    pub fee_tinybars: i64,
    /// The account's net hbar change in this transaction (fees included); only where an account was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub net_tinybars: Option<i64>,
    /// The memo as text (decoded from the mirror's base64).
    pub memo: String,
    pub transfers: Vec<Transfer>,
    pub token_transfers: Vec<TokenTransfer>,
    pub node: Option<String>,
    pub entity_id: Option<String>,
    pub transaction_hash: Option<String>,
    pub parent_consensus_timestamp: Option<String>,
    pub nonce: i64,
    pub scheduled: bool,
}

impl TransactionView {
    /// Builds the view; `account` (`shard.realm.num`) gives the net change from that account's side.
    pub fn new(tx: Transaction, account: Option<&str>) -> Self {
        let net_tinybars =
            account.map(|a| tx.transfers.iter().filter(|t| t.account == a).map(|t| t.amount).sum::<i64>());
        let time = tx.consensus_timestamp.parse::<Timestamp>().map(|t| t.to_rfc3339()).unwrap_or_default();
        Self {
            memo: decode_memo(tx.memo_base64.as_deref()),
            transaction_id: tx.transaction_id,
            consensus_timestamp: tx.consensus_timestamp,
            time,
            kind: tx.name,
            result: tx.result,
            fee_tinybars: tx.charged_tx_fee,
            net_tinybars,
            transfers: tx.transfers,
            token_transfers: tx.token_transfers,
            node: tx.node,
            entity_id: tx.entity_id,
            transaction_hash: tx.transaction_hash,
            parent_consensus_timestamp: tx.parent_consensus_timestamp,
            nonce: tx.nonce,
            scheduled: tx.scheduled,
        }
    }

    /// `0.0.3:+0.00000012 ℏ, ...` for tables and CSV.
    pub fn transfers_text(&self) -> String {
        self.transfers
            .iter()
            .map(|t| format!("{} {}{}", t.account, if t.amount >= 0 { "+" } else { "" }, hbar::hbar(t.amount)))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The memo's text; bytes that are not UTF-8 are replaced, never dropped silently.
fn decode_memo(b64: Option<&str>) -> String {
    let Some(b64) = b64.filter(|s| !s.is_empty()) else { return String::new() };
    match base64::engine::general_purpose::STANDARD.decode(b64) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn net_change_and_memo_come_from_the_account_side() {
        let tx = Transaction {
            transaction_id: "0.0.8-1-000000002".into(),
            consensus_timestamp: "1234567890.000000006".into(),
            name: "CRYPTOTRANSFER".into(),
            result: "SUCCESS".into(),
            charged_tx_fee: 7,
            memo_base64: Some("aGVsbG8gaG1vbg==".into()),
            transfers: vec![
                Transfer { account: "0.0.8".into(), amount: -107, is_approval: None },
                Transfer { account: "0.0.9".into(), amount: 100, is_approval: None },
                Transfer { account: "0.0.98".into(), amount: 7, is_approval: None },
            ],
            ..Default::default()
        };
        let v = TransactionView::new(tx, Some("0.0.8"));
        assert_eq!((v.net_tinybars, v.fee_tinybars, v.memo.as_str()), (Some(-107), 7, "hello hmon"));
        assert_eq!(v.time, "2009-02-13T23:31:30.000000006Z");
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["type"], "CRYPTOTRANSFER");
        assert_eq!(json["transfers"][1]["amount"], 100);
    }

    #[test]
    fn without_an_account_there_is_no_net_field() {
        let v = TransactionView::new(Transaction::default(), None);
        assert!(serde_json::to_value(&v).unwrap().get("net_tinybars").is_none());
        assert_eq!(decode_memo(Some("!!")), "");
    }
}
