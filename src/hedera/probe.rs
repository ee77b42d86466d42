//! Free, operator-less liveness probe for consensus nodes.
//!
//! The old liveness check (`CryptoGetAccountBalance`) is throttled to zero on
//! live networks, so a node is probed instead with `CryptoService/getAccountInfo`
//! for account `0.0.2` (in the node account's shard and realm) using
//! `ResponseType::CostAnswer` and no payment. The node only prices the query
//! without executing it, so the probe costs nothing and needs no operator
//! account. An `OK` precheck means the node is up; a connection failure, a gRPC
//! error status, a timeout or any other precheck code means it is down.
//!
//! Every probe opens its own plaintext HTTP/2 (h2c) channel, since each node is
//! a different host, and the whole probe (connect + call) is bounded by the
//! caller's timeout.

use std::error::Error as StdError;
use std::time::{Duration, Instant};

use hiero_sdk_proto::services::{
    account_id, crypto_service_client::CryptoServiceClient, query, response, AccountId, CryptoGetInfoQuery, Query,
    QueryHeader, ResponseCodeEnum, ResponseType,
};
use tonic::transport::Endpoint;

/// Account whose info is requested (the treasury, present on every network).
const PROBE_ACCOUNT_NUM: i64 = 2;

/// Longest gRPC status message kept in an error string.
const MAX_MESSAGE_CHARS: usize = 120;

/// Outcome of probing one node.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeOutcome {
    pub up: bool,
    /// Round-trip time of the query (including connection setup), when the node answered.
    pub latency: Option<Duration>,
    /// Why the node is counted as down (connect refused, timeout after Xms, gRPC status, precheck code name), None when up.
    pub error: Option<String>,
}

impl ProbeOutcome {
    fn up(latency: Duration) -> Self {
        ProbeOutcome { up: true, latency: Some(latency), error: None }
    }

    fn down(latency: Option<Duration>, error: impl Into<String>) -> Self {
        ProbeOutcome { up: false, latency, error: Some(error.into()) }
    }
}

/// Probe one node: connect (plaintext HTTP/2, h2c) to `address` ("host:port"), send
/// CryptoGetInfo for 0.0.2 in the node account's shard/realm with COST_ANSWER, no payment.
/// The whole probe (connect + call) is bounded by `timeout`; it never panics and never hangs.
pub async fn probe_node(address: &str, node_shard: u64, node_realm: u64, timeout: Duration) -> ProbeOutcome {
    let started = Instant::now();
    match tokio::time::timeout(timeout, probe_inner(address, node_shard, node_realm, timeout, started)).await {
        Ok(outcome) => outcome,
        Err(_elapsed) => ProbeOutcome::down(None, timed_out(timeout)),
    }
}

async fn probe_inner(
    address: &str,
    node_shard: u64,
    node_realm: u64,
    timeout: Duration,
    started: Instant,
) -> ProbeOutcome {
    let (Ok(shard), Ok(realm)) = (i64::try_from(node_shard), i64::try_from(node_realm)) else {
        return ProbeOutcome::down(None, format!("invalid shard/realm {node_shard}.{node_realm}"));
    };

    let uri = if address.contains("://") { address.to_owned() } else { format!("http://{address}") };
    let endpoint = match Endpoint::from_shared(uri) {
        Ok(endpoint) => endpoint.connect_timeout(timeout).timeout(timeout),
        Err(_) => return ProbeOutcome::down(None, format!("invalid address {address:?}")),
    };

    let channel = match endpoint.connect().await {
        Ok(channel) => channel,
        Err(err) => return ProbeOutcome::down(None, describe_connect_error(&err, timeout)),
    };

    let mut client = CryptoServiceClient::new(channel);
    let result = client.get_account_info(cost_query(shard, realm)).await;
    let latency = started.elapsed();

    let response = match result {
        Ok(response) => response.into_inner(),
        Err(status) => return ProbeOutcome::down(None, describe_status(&status, timeout)),
    };

    let header = match response.response {
        Some(response::Response::CryptoGetInfo(info)) => info.header,
        Some(_) => return ProbeOutcome::down(Some(latency), "unexpected response type"),
        None => return ProbeOutcome::down(Some(latency), "empty response"),
    };
    let Some(header) = header else {
        return ProbeOutcome::down(Some(latency), "response without header");
    };

    let code = header.node_transaction_precheck_code;
    match ResponseCodeEnum::try_from(code) {
        Ok(ResponseCodeEnum::Ok) => ProbeOutcome::up(latency),
        Ok(other) => ProbeOutcome::down(Some(latency), format!("precheck {}", other.as_str_name())),
        Err(_) => ProbeOutcome::down(Some(latency), format!("precheck code {code}")),
    }
}

/// The unpaid COST_ANSWER `getAccountInfo` query for `shard.realm.2`.
fn cost_query(shard: i64, realm: i64) -> Query {
    Query {
        query: Some(query::Query::CryptoGetInfo(CryptoGetInfoQuery {
            header: Some(QueryHeader { payment: None, response_type: ResponseType::CostAnswer as i32 }),
            account_id: Some(AccountId {
                shard_num: shard,
                realm_num: realm,
                account: Some(account_id::Account::AccountNum(PROBE_ACCOUNT_NUM)),
            }),
        })),
    }
}

fn timed_out(timeout: Duration) -> String {
    format!("timed out after {}ms", timeout.as_millis())
}

/// Short, specific description of a failure to establish the channel.
pub(crate) fn describe_connect_error(err: &(dyn StdError + 'static), timeout: Duration) -> String {
    let mut deepest = err.to_string();
    let mut source: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
                std::io::ErrorKind::ConnectionReset => "connection reset".to_owned(),
                std::io::ErrorKind::TimedOut => timed_out(timeout),
                _ => format!("connect failed: {}", truncate(&io.to_string())),
            };
        }
        if e.downcast_ref::<tonic::TimeoutExpired>().is_some() {
            return timed_out(timeout);
        }
        let text = e.to_string();
        if text.contains("timed out") || text.contains("deadline has elapsed") {
            return timed_out(timeout);
        }
        deepest = text;
        source = e.source();
    }
    format!("connect failed: {}", truncate(&deepest))
}

/// Short, specific description of a failed call.
pub(crate) fn describe_status(status: &tonic::Status, timeout: Duration) -> String {
    // tonic reports its own request timeout as CANCELLED "Timeout expired".
    let is_timeout = status.code() == tonic::Code::DeadlineExceeded
        || (status.code() == tonic::Code::Cancelled && status.message().contains("Timeout expired"));
    if is_timeout {
        return timed_out(timeout);
    }
    if status.code() == tonic::Code::Unavailable {
        // Connection-level failures surface as UNAVAILABLE with an io error inside.
        if let Some(source) = status.source() {
            let described = describe_connect_error(source, timeout);
            if !described.starts_with("connect failed") {
                return described;
            }
        }
    }
    let message = status.message().trim();
    if message.is_empty() {
        format!("gRPC status {:?}", status.code())
    } else {
        format!("gRPC status {:?}: {}", status.code(), truncate(message))
    }
}

fn truncate(text: &str) -> String {
    let single_line = text.replace(['\r', '\n'], " ");
    if single_line.chars().count() <= MAX_MESSAGE_CHARS {
        single_line
    } else {
        let cut: String = single_line.chars().take(MAX_MESSAGE_CHARS).collect();
        format!("{cut}...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_query_asks_for_account_2_with_cost_answer_and_no_payment() {
        let q = cost_query(0, 0);
        let Some(query::Query::CryptoGetInfo(info)) = q.query else {
            panic!("wrong query variant");
        };
        let header = info.header.expect("header");
        assert!(header.payment.is_none());
        assert_eq!(header.response_type, ResponseType::CostAnswer as i32);
        let id = info.account_id.expect("account id");
        assert_eq!((id.shard_num, id.realm_num), (0, 0));
        assert_eq!(id.account, Some(account_id::Account::AccountNum(2)));
    }

    #[test]
    fn cost_query_uses_node_shard_and_realm() {
        let q = cost_query(1, 3);
        let Some(query::Query::CryptoGetInfo(info)) = q.query else {
            panic!("wrong query variant");
        };
        let id = info.account_id.expect("account id");
        assert_eq!((id.shard_num, id.realm_num), (1, 3));
    }

    #[test]
    fn status_messages_are_short_and_specific() {
        let t = Duration::from_millis(500);
        assert_eq!(describe_status(&tonic::Status::cancelled("Timeout expired"), t), "timed out after 500ms");
        assert_eq!(describe_status(&tonic::Status::deadline_exceeded(""), t), "timed out after 500ms");
        assert_eq!(describe_status(&tonic::Status::unimplemented("nope"), t), "gRPC status Unimplemented: nope");
        assert_eq!(describe_status(&tonic::Status::internal(""), t), "gRPC status Internal");
        let long = "x".repeat(500);
        let described = describe_status(&tonic::Status::unknown(long), t);
        assert!(described.len() < 200, "{described}");
    }

    #[test]
    fn connect_error_classification() {
        let t = Duration::from_millis(250);
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(describe_connect_error(&refused, t), "connection refused");
        let slow = std::io::Error::from(std::io::ErrorKind::TimedOut);
        assert_eq!(describe_connect_error(&slow, t), "timed out after 250ms");
    }

    #[tokio::test]
    async fn invalid_address_is_down_not_panic() {
        let outcome = probe_node("not a uri", 0, 0, Duration::from_millis(100)).await;
        assert!(!outcome.up);
        assert!(outcome.error.is_some());
    }

    #[tokio::test]
    async fn out_of_range_shard_is_down_not_panic() {
        let outcome = probe_node("127.0.0.1:1", u64::MAX, 0, Duration::from_millis(100)).await;
        assert!(!outcome.up);
        assert!(outcome.error.unwrap().contains("shard"));
    }
}
