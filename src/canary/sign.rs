//! Building and signing the canary's transaction with hiero-sdk, without a client or a network: hmon sends the
//! bytes itself, so one try is exactly one submission.

use hiero_sdk::{AccountId, Hbar, PrivateKey, TopicMessageSubmitTransaction, TransactionId, TransferTransaction};

use crate::ids::EntityId;

/// The operator: the account that pays, and the key that signs. `Debug` never shows the key.
pub struct Operator {
    pub account: EntityId,
    key: PrivateKey,
}

impl std::fmt::Debug for Operator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Operator").field("account", &self.account).finish_non_exhaustive()
    }
}

impl Operator {
    pub fn new(account: EntityId, key: PrivateKey) -> Operator {
        Operator { account, key }
    }
}

/// What one try sends: 1 tinybar from the operator to the node's account, or a message to `topic`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Transfer,
    Topic(EntityId),
}

/// A signed transaction, ready to send to one node.
pub struct Signed {
    /// The mirror's form: `0.0.X-SECS-NNNNNNNNN` (nanoseconds padded to 9 digits).
    pub mirror_id: String,
    /// The valid start: (seconds, nanoseconds).
    pub valid_start: (i64, i32),
    /// `SignedTransaction` bytes, for `Transaction.signed_transaction_bytes`.
    pub bytes: Vec<u8>,
}

fn sdk_account(id: EntityId) -> AccountId {
    AccountId::new(id.shard, id.realm, id.num)
}

/// Builds, freezes and signs the try's transaction for `node`, paying at most `max_fee` tinybars. The SDK's
/// transaction id backdates the valid start by a few seconds, as it does for every transaction.
pub fn build(operator: &Operator, node: EntityId, kind: Kind, max_fee: i64) -> Result<Signed, String> {
    let payer = sdk_account(operator.account);
    let id = TransactionId::generate(payer);
    let bytes = crate::panic::shield(|| -> Result<Vec<u8>, String> {
        match kind {
            Kind::Transfer => {
                let mut tx = TransferTransaction::new();
                tx.hbar_transfer(payer, Hbar::from_tinybars(-1))
                    .hbar_transfer(sdk_account(node), Hbar::from_tinybars(1))
                    .node_account_ids([sdk_account(node)])
                    .transaction_id(id)
                    .max_transaction_fee(Hbar::from_tinybars(max_fee))
                    .transaction_memo("hmon canary");
                tx.freeze().map_err(|e| e.to_string())?;
                tx.sign(operator.key.clone());
                tx.to_signed_transaction_bytes().map_err(|e| e.to_string())
            }
            Kind::Topic(topic) => {
                let mut tx = TopicMessageSubmitTransaction::new();
                tx.topic_id(hiero_sdk::TopicId::new(topic.shard, topic.realm, topic.num))
                    .message(b"hmon canary".to_vec())
                    .node_account_ids([sdk_account(node)])
                    .transaction_id(id)
                    .max_transaction_fee(Hbar::from_tinybars(max_fee));
                tx.freeze().map_err(|e| e.to_string())?;
                tx.sign(operator.key.clone());
                tx.to_signed_transaction_bytes().map_err(|e| e.to_string())
            }
        }
    })
    .map_err(|panic| format!("internal error in hiero-sdk: {panic}"))?
    .map_err(|e| format!("cannot build the transaction: {e}"))?;
    let start = id.valid_start;
    let (secs, nanos) = (start.unix_timestamp(), start.nanosecond());
    let mirror_id = format!("{}-{secs}-{nanos:09}", operator.account);
    Ok(Signed { mirror_id, valid_start: (secs, nanos as i32), bytes })
}
