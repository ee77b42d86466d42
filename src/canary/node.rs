//! The canary's two conversations with a consensus node, over plaintext gRPC: submitting the transaction, and
//! asking for its receipt (free: no payment).

use std::time::Duration;

use hiero_sdk_proto::services::{
    account_id, consensus_service_client::ConsensusServiceClient, crypto_service_client::CryptoServiceClient, query,
    response, AccountId, Query, QueryHeader, ResponseCodeEnum, ResponseType, Timestamp, Transaction,
    TransactionGetReceiptQuery, TransactionId,
};
use tonic::transport::{Channel, Endpoint};

use super::sign::Signed;
use crate::ids::EntityId;

/// A channel to `address` (`host:port`, or a URL), connected within `timeout`; each call on it is bounded by
/// `timeout` too.
pub async fn connect(address: &str, timeout: Duration) -> Result<Channel, String> {
    let uri = if address.contains("://") { address.to_owned() } else { format!("http://{address}") };
    let endpoint = Endpoint::from_shared(uri).map_err(|_| format!("invalid node address {address:?}"))?;
    let endpoint = endpoint.connect_timeout(timeout).timeout(timeout);
    endpoint.connect().await.map_err(|e| crate::hedera::probe::describe_connect_error(&e, timeout))
}

/// What the node said to a submission.
pub enum Submitted {
    /// Precheck OK: the node took it.
    Accepted,
    /// The node refused it with this precheck code: it will not reach consensus.
    Refused(ResponseCodeEnum),
    /// No answer (a transport error or the time ran out): it may or may not reach consensus.
    Unknown(String),
}

/// Sends the signed transaction once: to `CryptoService.cryptoTransfer`, or `ConsensusService.submitMessage`
/// for a topic message.
pub async fn submit(channel: &Channel, signed: &Signed, topic: bool, timeout: Duration) -> Submitted {
    let transaction = Transaction { signed_transaction_bytes: signed.bytes.clone(), ..Default::default() };
    let answer = match topic {
        false => CryptoServiceClient::new(channel.clone()).crypto_transfer(transaction).await,
        true => ConsensusServiceClient::new(channel.clone()).submit_message(transaction).await,
    };
    match answer {
        Ok(response) => {
            let code = response.into_inner().node_transaction_precheck_code;
            match ResponseCodeEnum::try_from(code) {
                Ok(ResponseCodeEnum::Ok) => Submitted::Accepted,
                Ok(other) => Submitted::Refused(other),
                Err(_) => Submitted::Unknown(format!("precheck code {code} is not one hmon knows")),
            }
        }
        Err(status) => Submitted::Unknown(crate::hedera::probe::describe_status(&status, timeout)),
    }
}

/// What a receipt query said.
pub enum Receipt {
    /// Not known yet (RECEIPT_NOT_FOUND, status UNKNOWN, BUSY, no answer): ask again.
    Pending,
    /// The receipt's final status.
    Final(ResponseCodeEnum),
}

/// Asks the node for the receipt of the transaction paid by `payer` with `valid_start`.
pub async fn receipt(channel: &Channel, payer: EntityId, valid_start: (i64, i32)) -> Receipt {
    let id = TransactionId {
        account_id: Some(AccountId {
            shard_num: payer.shard as i64,
            realm_num: payer.realm as i64,
            account: Some(account_id::Account::AccountNum(payer.num as i64)),
        }),
        transaction_valid_start: Some(Timestamp { seconds: valid_start.0, nanos: valid_start.1 }),
        scheduled: false,
        nonce: 0,
    };
    let query = Query {
        query: Some(query::Query::TransactionGetReceipt(TransactionGetReceiptQuery {
            header: Some(QueryHeader { payment: None, response_type: ResponseType::AnswerOnly as i32 }),
            transaction_id: Some(id),
            include_duplicates: false,
            include_child_receipts: false,
        })),
    };
    let Ok(answer) = CryptoServiceClient::new(channel.clone()).get_transaction_receipts(query).await else {
        return Receipt::Pending;
    };
    let Some(response::Response::TransactionGetReceipt(got)) = answer.into_inner().response else {
        return Receipt::Pending;
    };
    let precheck = got.header.map(|h| h.node_transaction_precheck_code).unwrap_or(ResponseCodeEnum::Ok as i32);
    if precheck != ResponseCodeEnum::Ok as i32 {
        return Receipt::Pending;
    }
    // As the SDKs do: these say "not yet", not how it ended.
    let pending = [
        ResponseCodeEnum::Unknown,
        ResponseCodeEnum::Ok,
        ResponseCodeEnum::Busy,
        ResponseCodeEnum::ReceiptNotFound,
        ResponseCodeEnum::PlatformNotActive,
    ];
    match got.receipt.map(|r| ResponseCodeEnum::try_from(r.status)) {
        Some(Ok(status)) if !pending.contains(&status) => Receipt::Final(status),
        _ => Receipt::Pending,
    }
}
