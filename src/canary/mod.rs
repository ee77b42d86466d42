//! The canary: one cheap transaction through a chosen node, timed from its submission to its receipt and to its
//! record on the mirror, to prove that the network still processes transactions end to end.
//!
//! A try never sends twice: an unanswered submission is an unknown outcome, settled by looking the transaction id
//! up on the mirror. The times are hmon's own, taken just before sending (the SDK backdates a transaction's valid
//! start by a few seconds).

pub mod node;
pub mod operator;
pub mod settings;
pub mod sign;

use std::time::{Duration, Instant};

use hiero_sdk_proto::services::ResponseCodeEnum;
use serde::Serialize;

use crate::hbar;
use crate::ids::{EntityId, TransactionRef};
use crate::mirror::{MirrorClient, MirrorError};
use node::{Receipt, Submitted};
use sign::{Kind, Operator};

/// How a try is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub kind: Kind,
    /// The most one try may cost, in tinybars.
    pub max_fee: i64,
    /// From the submission to the record on the mirror, at most.
    pub timeout: Duration,
    /// Between two receipt queries.
    pub receipt_every: Duration,
    /// Between two mirror lookups (the public mirror caches answers for 1-2 s).
    pub mirror_every: Duration,
}

/// The default `max_fee`: 0.01 hbar for a transfer (about 0.0001 USD at any recent rate costs far less).
pub const DEFAULT_MAX_FEE: i64 = 1_000_000;
/// The default `max_fee` with a topic: 0.1 hbar (a message costs about 0.0008 USD).
pub const DEFAULT_TOPIC_MAX_FEE: i64 = 10_000_000;
/// The default time a try may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest a try may wait: a transaction is valid for 120 s and a node keeps its receipt about 3 minutes.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(300);
/// How long the last mirror lookup, after the deadline, may take.
const LAST_LOOKUP: Duration = Duration::from_secs(10);

impl Options {
    pub fn new(kind: Kind, max_fee: i64, timeout: Duration) -> Options {
        let (receipt_every, mirror_every) = (Duration::from_millis(250), Duration::from_millis(500));
        Options { kind, max_fee, timeout, receipt_every, mirror_every }
    }
}

/// A node to try: its account and its gRPC address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub account: EntityId,
    pub address: String,
}

/// The nodes of the address book `book` that can be tried: a valid account id and an address to send to
/// ([`crate::collect::network::probe_address`]: the config's entry, else the plaintext endpoint).
pub fn targets(network: &crate::network::Network, book: &[crate::mirror::models::NetworkNode]) -> Vec<Target> {
    let target = |node: &crate::mirror::models::NetworkNode| -> Option<Target> {
        let account = node.node_account_id.parse().ok()?;
        Some(Target { account, address: crate::collect::network::probe_address(network, node)? })
    };
    book.iter().filter_map(target).collect()
}

/// One try's outcome, as `hmon canary --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub node_account_id: String,
    pub address: String,
    /// The mirror's form, `0.0.X-SECS-NNNNNNNNN`; null when no transaction could be built.
    pub transaction_id: Option<String>,
    pub success: bool,
    /// Why the try failed, one word (the `reason` label of `canary_errors`).
    pub reason: Option<&'static str>,
    /// What went wrong, when something did: raw text from the network, among others.
    pub error: Option<String>,
    /// From sending to the node's acceptance (precheck OK).
    pub submit_seconds: Option<f64>,
    /// From sending to a SUCCESS receipt.
    pub handle_seconds: Option<f64>,
    /// From sending to the transaction's record on the mirror.
    pub e2e_seconds: Option<f64>,
    pub consensus_timestamp: Option<String>,
    /// The mirror's result, e.g. `SUCCESS`.
    pub result: Option<String>,
    pub fee_tinybars: Option<i64>,
    /// The fee in hbar, exact.
    pub fee_hbar: Option<String>,
}

impl Outcome {
    fn new(target: &Target) -> Outcome {
        Outcome {
            node_account_id: target.account.to_string(),
            address: target.address.clone(),
            transaction_id: None,
            success: false,
            reason: None,
            error: None,
            submit_seconds: None,
            handle_seconds: None,
            e2e_seconds: None,
            consensus_timestamp: None,
            result: None,
            fee_tinybars: None,
            fee_hbar: None,
        }
    }

    fn fail(&mut self, reason: &'static str, error: impl Into<String>) {
        // The first failure is the reason; what follows only adds to it.
        if self.reason.is_none() {
            self.reason = Some(reason);
            self.error = Some(error.into());
        }
    }
}

/// The `reason` of a precheck code the node refused the transaction with.
fn refused(code: ResponseCodeEnum) -> &'static str {
    match code {
        ResponseCodeEnum::Busy => "busy",
        ResponseCodeEnum::InsufficientPayerBalance => "insufficient_payer_balance",
        ResponseCodeEnum::InsufficientTxFee => "insufficient_tx_fee",
        ResponseCodeEnum::InvalidSignature => "invalid_signature",
        ResponseCodeEnum::PlatformNotActive => "platform_not_active",
        _ => "precheck",
    }
}

/// Every `reason` a try can give.
pub const REASONS: [&str; 14] = [
    "build",
    "connect",
    "busy",
    "insufficient_payer_balance",
    "insufficient_tx_fee",
    "invalid_signature",
    "platform_not_active",
    "precheck",
    "submit_unknown",
    "receipt_status",
    "receipt_timeout",
    "mirror_timeout",
    "result",
    "mirror",
];

/// One try through `target`.
pub async fn try_node(mirror: &MirrorClient, operator: &Operator, target: &Target, options: &Options) -> Outcome {
    let mut out = Outcome::new(target);
    let signed = match sign::build(operator, target.account, options.kind, options.max_fee) {
        Ok(signed) => signed,
        Err(e) => {
            out.fail("build", e);
            return out;
        }
    };
    let call_timeout = options.timeout.min(Duration::from_secs(10));
    let channel = match node::connect(&target.address, call_timeout).await {
        Ok(channel) => channel,
        Err(e) => {
            // Nothing was sent.
            out.fail("connect", e);
            return out;
        }
    };
    let sent = Instant::now();
    let deadline = tokio::time::Instant::now() + options.timeout.min(MAX_TIMEOUT);
    let topic = matches!(options.kind, Kind::Topic(_));
    let answer = node::submit(&channel, &signed, topic, call_timeout).await;
    if !matches!(answer, Submitted::Refused(_)) {
        // It may exist from now on (a refused one never will).
        out.transaction_id = Some(signed.mirror_id.clone());
    }
    match answer {
        Submitted::Accepted => out.submit_seconds = Some(sent.elapsed().as_secs_f64()),
        Submitted::Refused(code) => {
            out.fail(refused(code), format!("precheck {}", code.as_str_name()));
            return out;
        }
        // It may have reached consensus: never sent again, the mirror tells.
        Submitted::Unknown(e) => out.fail("submit_unknown", format!("no answer to the submission: {e}")),
    }
    if out.submit_seconds.is_some() {
        loop {
            match tokio::time::timeout_at(deadline, node::receipt(&channel, operator.account, signed.valid_start)).await
            {
                Ok(Receipt::Final(ResponseCodeEnum::Success)) => {
                    out.handle_seconds = Some(sent.elapsed().as_secs_f64());
                    break;
                }
                Ok(Receipt::Final(status)) => {
                    out.fail("receipt_status", format!("receipt status {}", status.as_str_name()));
                    break;
                }
                Ok(Receipt::Pending) => {}
                Err(_) => {
                    out.fail(
                        "receipt_timeout",
                        format!("no receipt within {}", humantime::format_duration(options.timeout)),
                    );
                    break;
                }
            }
            if tokio::time::timeout_at(deadline, tokio::time::sleep(options.receipt_every)).await.is_err() {
                out.fail(
                    "receipt_timeout",
                    format!("no receipt within {}", humantime::format_duration(options.timeout)),
                );
                break;
            }
        }
    }
    look_up(mirror, &signed.mirror_id, sent, deadline, options, &mut out).await;
    out.success = out.reason.is_none();
    out
}

/// Sleeps `every`, or until `deadline` if that comes first.
async fn sleep_until_or(deadline: tokio::time::Instant, every: Duration) {
    tokio::time::sleep_until(deadline.min(tokio::time::Instant::now() + every)).await;
}

/// Polls the mirror for the transaction until it shows or the deadline passes (then asks once more).
async fn look_up(
    mirror: &MirrorClient,
    id: &str,
    sent: Instant,
    deadline: tokio::time::Instant,
    options: &Options,
    out: &mut Outcome,
) {
    let reference = TransactionRef::Id(id.to_string());
    let mut last_error: Option<String>;
    loop {
        let last = tokio::time::Instant::now() >= deadline;
        // Each lookup ends by the deadline (the last one a little after it), whatever the client's retries.
        let until = if last { tokio::time::Instant::now() + LAST_LOOKUP } else { deadline };
        let answer = match tokio::time::timeout_at(until, mirror.transaction(&reference)).await {
            Ok(answer) => answer,
            Err(_) => {
                last_error = Some("the mirror did not answer in time".to_string());
                if last {
                    break;
                }
                continue;
            }
        };
        match answer {
            Ok(found) => {
                // The transaction itself: not a child (nonce) and not a scheduled one.
                let Some(tx) = found.into_iter().find(|t| t.nonce == 0 && !t.scheduled) else {
                    last_error = Some("the mirror lists only other transactions under this id".to_string());
                    if last {
                        break;
                    }
                    sleep_until_or(deadline, options.mirror_every).await;
                    continue;
                };
                out.e2e_seconds = Some(sent.elapsed().as_secs_f64());
                out.fee_tinybars = Some(tx.charged_tx_fee);
                out.fee_hbar = Some(hbar::hbar(tx.charged_tx_fee));
                out.consensus_timestamp = Some(tx.consensus_timestamp.clone());
                if tx.result != "SUCCESS" {
                    out.fail("result", format!("the mirror's result is {}", tx.result));
                }
                // A submission without an answer that reached consensus after all.
                if out.reason == Some("submit_unknown") && tx.result == "SUCCESS" {
                    (out.reason, out.error) = (None, None);
                }
                out.result = Some(tx.result);
                return;
            }
            // Not there yet: what failed before is no longer the story.
            Err(MirrorError::NotFound { .. }) => last_error = None,
            Err(e) => last_error = Some(e.to_string()),
        }
        if last {
            break;
        }
        sleep_until_or(deadline, options.mirror_every).await;
    }
    let within = humantime::format_duration(options.timeout);
    match last_error {
        Some(e) => out.fail("mirror", format!("not on the mirror within {within}: {e}")),
        None => out.fail("mirror_timeout", format!("not on the mirror within {within}")),
    }
}
