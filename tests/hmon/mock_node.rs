//! Mock consensus nodes on 127.0.0.1 for the integration tests.
//!
//! * [`MockNode`]: a real gRPC `CryptoService` answering `getAccountInfo`
//!   COST_ANSWER queries with a fixed precheck code and a cost of 100 tinybars.
//! * [`dead_address`]: an address where nothing listens (connection refused).
//! * [`SilentNode`]: a TCP listener that accepts connections and never answers.
//!
//! Each server runs on its own background thread (MockNode with its own tokio
//! runtime), because the tests are synchronous and run the `hmon` binary with
//! `assert_cmd`. Servers stop when their guard is dropped.

#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use hiero_sdk_proto::services::{
    account_id,
    consensus_service_server::{ConsensusService, ConsensusServiceServer},
    crypto_service_server::{CryptoService, CryptoServiceServer},
    query, response, CryptoGetInfoResponse, Query, Response, ResponseCodeEnum, ResponseHeader, Transaction,
    TransactionResponse,
};
use tonic::{Request, Status};

/// Cost, in tinybars, the mock quotes for every COST_ANSWER query.
pub const MOCK_COST_TINYBARS: u64 = 100;

/// A recorded query: account id (shard, realm, num) and response type.
pub type RecordedQuery = ((i64, i64, i64), i32);

/// What the mock records about the queries it receives.
#[derive(Default)]
struct Recorder {
    calls: AtomicUsize,
    last_query: Mutex<Option<RecordedQuery>>,
}

struct MockCryptoService {
    precheck: ResponseCodeEnum,
    recorder: Arc<Recorder>,
    /// How the node takes transactions, when it does.
    script: Option<Arc<Script>>,
    taken: Arc<Mutex<Vec<Taken>>>,
}

/// How a canary-ready mock node answers transactions and receipt queries.
pub struct Script {
    /// The node's own account (0.0.N).
    pub account: i64,
    /// The operator's public key: a transaction it did not sign is refused with INVALID_SIGNATURE.
    pub operator: hiero_sdk::PublicKey,
    /// The answer to a correctly signed submission.
    pub precheck: ResponseCodeEnum,
    /// How long the submission takes to answer.
    pub submit_delay: Duration,
    /// From acceptance to the receipt's final status; `None`: the receipt never comes.
    pub handle_after: Option<Duration>,
    /// The receipt's final status.
    pub receipt_status: ResponseCodeEnum,
    /// Told of every transaction accepted.
    pub on_accept: Option<OnAccept>,
    /// Take the transaction, then never answer (a lost answer: the sender cannot know it went through).
    pub lose_answer: bool,
}

/// What a test does with each transaction a node accepted.
pub type OnAccept = Box<dyn Fn(&Taken) + Send + Sync>;

/// A transaction the node accepted.
#[derive(Debug, Clone)]
pub struct Taken {
    /// Payer account number and valid start (seconds, nanos).
    pub payer: i64,
    pub valid_start: (i64, i32),
    /// (account number, amount) of each hbar transfer.
    pub transfers: Vec<(i64, i64)>,
    /// The topic a message went to (0.0.N), for a topic message.
    pub topic: Option<i64>,
    /// The fee the payer allowed, in tinybars.
    pub max_fee: u64,
    pub at: std::time::Instant,
}

impl MockCryptoService {
    async fn answer_get_account_info(&self, request: Request<Query>) -> Result<tonic::Response<Response>, Status> {
        self.recorder.calls.fetch_add(1, Ordering::SeqCst);
        let Some(query::Query::CryptoGetInfo(info)) = request.into_inner().query else {
            return Err(Status::invalid_argument("expected a CryptoGetInfo query"));
        };
        let response_type = info.header.map(|h| h.response_type).unwrap_or_default();
        let account = info.account_id.map(|id| {
            let num = match id.account {
                Some(account_id::Account::AccountNum(num)) => num,
                _ => -1,
            };
            (id.shard_num, id.realm_num, num)
        });
        *self.recorder.last_query.lock().unwrap() = Some((account.unwrap_or((-1, -1, -1)), response_type));

        Ok(tonic::Response::new(Response {
            response: Some(response::Response::CryptoGetInfo(CryptoGetInfoResponse {
                header: Some(ResponseHeader {
                    node_transaction_precheck_code: self.precheck as i32,
                    response_type,
                    cost: MOCK_COST_TINYBARS,
                    state_proof: Vec::new(),
                }),
                account_info: None,
            })),
        }))
    }
}

impl MockCryptoService {
    async fn answer_crypto_transfer(
        &self,
        request: Request<Transaction>,
    ) -> Result<tonic::Response<TransactionResponse>, Status> {
        self.take(request, false).await
    }

    /// Checks a transfer or a topic message (`topic`) as a node would (signature, node, what it does) and answers
    /// the script's precheck.
    async fn take(
        &self,
        request: Request<Transaction>,
        topic: bool,
    ) -> Result<tonic::Response<TransactionResponse>, Status> {
        use hiero_sdk_proto::services::{signature_pair, transaction_body, SignedTransaction, TransactionBody};
        use prost::Message;
        self.recorder.calls.fetch_add(1, Ordering::SeqCst);
        let Some(script) = &self.script else { return Err(Status::unimplemented("mock node: crypto_transfer")) };
        let answer = |code: ResponseCodeEnum| {
            tonic::Response::new(TransactionResponse { node_transaction_precheck_code: code as i32, cost: 0 })
        };
        let tx = request.into_inner();
        let signed = SignedTransaction::decode(&*tx.signed_transaction_bytes)
            .map_err(|e| Status::invalid_argument(format!("not a SignedTransaction: {e}")))?;
        let body = TransactionBody::decode(&*signed.body_bytes)
            .map_err(|e| Status::invalid_argument(format!("not a TransactionBody: {e}")))?;
        let raw = script.operator.to_bytes_raw();
        let signed_by_operator = signed.sig_map.iter().flat_map(|m| &m.sig_pair).any(|pair| {
            raw.starts_with(&pair.pub_key_prefix)
                && match &pair.signature {
                    Some(signature_pair::Signature::Ed25519(sig) | signature_pair::Signature::EcdsaSecp256k1(sig)) => {
                        script.operator.verify(&signed.body_bytes, sig).is_ok()
                    }
                    _ => false,
                }
        });
        if !signed_by_operator {
            return Ok(answer(ResponseCodeEnum::InvalidSignature));
        }
        let num = |id: Option<&hiero_sdk_proto::services::AccountId>| match id.and_then(|a| a.account.as_ref()) {
            Some(account_id::Account::AccountNum(n)) => *n,
            _ => -1,
        };
        if num(body.node_account_id.as_ref()) != script.account {
            return Ok(answer(ResponseCodeEnum::InvalidNodeAccount));
        }
        let id = body.transaction_id.clone().unwrap_or_default();
        let start = id.transaction_valid_start.unwrap_or_default();
        let (transfers, topic_num) = match &body.data {
            Some(transaction_body::Data::CryptoTransfer(t)) if !topic => {
                let amounts = t.transfers.iter().flat_map(|l| &l.account_amounts);
                (amounts.map(|a| (num(a.account_id.as_ref()), a.amount)).collect(), None)
            }
            Some(transaction_body::Data::ConsensusSubmitMessage(m)) if topic => {
                (Vec::new(), Some(m.topic_id.as_ref().map_or(-1, |t| t.topic_num)))
            }
            _ => return Err(Status::invalid_argument("not the transaction this service takes")),
        };
        tokio::time::sleep(script.submit_delay).await;
        if script.precheck != ResponseCodeEnum::Ok {
            return Ok(answer(script.precheck));
        }
        let taken = Taken {
            payer: num(id.account_id.as_ref()),
            valid_start: (start.seconds, start.nanos),
            transfers,
            topic: topic_num,
            max_fee: body.transaction_fee,
            at: std::time::Instant::now(),
        };
        {
            let mut all = self.taken.lock().unwrap();
            if all.iter().any(|t| (t.payer, t.valid_start) == (taken.payer, taken.valid_start)) {
                return Ok(answer(ResponseCodeEnum::DuplicateTransaction));
            }
            all.push(taken.clone());
        }
        if let Some(tell) = &script.on_accept {
            tell(&taken);
        }
        if script.lose_answer {
            std::future::pending::<()>().await;
        }
        Ok(answer(ResponseCodeEnum::Ok))
    }

    /// The receipt of a transaction taken: UNKNOWN until the script's handling time has passed.
    async fn answer_receipt(&self, request: Request<Query>) -> Result<tonic::Response<Response>, Status> {
        use hiero_sdk_proto::services::{TransactionGetReceiptResponse, TransactionReceipt};
        let Some(script) = &self.script else { return Err(Status::unimplemented("mock node: receipts")) };
        let Some(query::Query::TransactionGetReceipt(q)) = request.into_inner().query else {
            return Err(Status::invalid_argument("expected a receipt query"));
        };
        let id = q.transaction_id.unwrap_or_default();
        let payer = match id.account_id.and_then(|a| a.account) {
            Some(account_id::Account::AccountNum(n)) => n,
            _ => -1,
        };
        let start = id.transaction_valid_start.unwrap_or_default();
        let found = self
            .taken
            .lock()
            .unwrap()
            .iter()
            .find(|t| (t.payer, t.valid_start) == (payer, (start.seconds, start.nanos)))
            .cloned();
        let (precheck, status) = match found {
            None => (ResponseCodeEnum::ReceiptNotFound, ResponseCodeEnum::Unknown),
            Some(t) if script.handle_after.is_some_and(|after| t.at.elapsed() >= after) => {
                (ResponseCodeEnum::Ok, script.receipt_status)
            }
            Some(_) => (ResponseCodeEnum::Ok, ResponseCodeEnum::Unknown),
        };
        Ok(tonic::Response::new(Response {
            response: Some(response::Response::TransactionGetReceipt(TransactionGetReceiptResponse {
                header: Some(ResponseHeader {
                    node_transaction_precheck_code: precheck as i32,
                    response_type: 0,
                    cost: 0,
                    state_proof: Vec::new(),
                }),
                receipt: Some(TransactionReceipt { status: status as i32, ..Default::default() }),
                ..Default::default()
            })),
        }))
    }
}

#[tonic::async_trait]
impl ConsensusService for MockCryptoService {
    async fn submit_message(
        &self,
        request: Request<Transaction>,
    ) -> Result<tonic::Response<TransactionResponse>, Status> {
        self.take(request, true).await
    }

    async fn create_topic(&self, _: Request<Transaction>) -> Result<tonic::Response<TransactionResponse>, Status> {
        Err(Status::unimplemented("mock node: create_topic"))
    }

    async fn update_topic(&self, _: Request<Transaction>) -> Result<tonic::Response<TransactionResponse>, Status> {
        Err(Status::unimplemented("mock node: update_topic"))
    }

    async fn delete_topic(&self, _: Request<Transaction>) -> Result<tonic::Response<TransactionResponse>, Status> {
        Err(Status::unimplemented("mock node: delete_topic"))
    }

    async fn get_topic_info(&self, _: Request<Query>) -> Result<tonic::Response<Response>, Status> {
        Err(Status::unimplemented("mock node: get_topic_info"))
    }
}

/// Implements `CryptoService` for a type: the listed real methods delegate to
/// inherent methods, every other rpc returns `Status::unimplemented`. (The
/// whole impl is generated here so `#[async_trait]` sees the expanded methods.)
macro_rules! crypto_service {
    (
        $ty:ty;
        delegate { $($real:ident($rreq:ty) -> $rresp:ty => $inherent:ident;)* }
        unimplemented { $($name:ident($req:ty) -> $resp:ty;)* }
    ) => {
        #[tonic::async_trait]
        impl CryptoService for $ty {
            $(
                async fn $real(
                    &self,
                    request: Request<$rreq>,
                ) -> Result<tonic::Response<$rresp>, Status> {
                    self.$inherent(request).await
                }
            )*
            $(
                async fn $name(
                    &self,
                    _request: Request<$req>,
                ) -> Result<tonic::Response<$resp>, Status> {
                    Err(Status::unimplemented(concat!("mock node: ", stringify!($name))))
                }
            )*
        }
    };
}

crypto_service! {
    MockCryptoService;
    delegate {
        get_account_info(Query) -> Response => answer_get_account_info;
        crypto_transfer(Transaction) -> TransactionResponse => answer_crypto_transfer;
        get_transaction_receipts(Query) -> Response => answer_receipt;
    }
    unimplemented {
        create_account(Transaction) -> TransactionResponse;
        update_account(Transaction) -> TransactionResponse;
        crypto_delete(Transaction) -> TransactionResponse;
        approve_allowances(Transaction) -> TransactionResponse;
        delete_allowances(Transaction) -> TransactionResponse;
        add_live_hash(Transaction) -> TransactionResponse;
        delete_live_hash(Transaction) -> TransactionResponse;
        get_live_hash(Query) -> Response;
        get_account_records(Query) -> Response;
        crypto_get_balance(Query) -> Response;
        get_tx_record_by_tx_id(Query) -> Response;
    }
}

/// A mock consensus node serving `CryptoService` over plaintext gRPC on 127.0.0.1.
pub struct MockNode {
    pub addr: SocketAddr,
    recorder: Arc<Recorder>,
    taken: Arc<Mutex<Vec<Taken>>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl MockNode {
    /// Start a mock node answering getAccountInfo COST_ANSWER queries with precheck
    /// `precheck` (e.g. ResponseCodeEnum::Ok or ::Busy) and a cost of 100 tinybars.
    /// Runs on its own background thread with its own tokio runtime, bound to 127.0.0.1:0.
    pub fn start(precheck: ResponseCodeEnum) -> MockNode {
        Self::serve(precheck, None)
    }

    /// Start a mock node that also takes signed transfers and answers receipt queries as `script` says.
    pub fn canary(script: Script) -> MockNode {
        Self::serve(ResponseCodeEnum::Ok, Some(Arc::new(script)))
    }

    fn serve(precheck: ResponseCodeEnum, script: Option<Arc<Script>>) -> MockNode {
        // Bind synchronously so the address is known (and connectable: the
        // kernel queues connections) before the server task even starts.
        let listener = StdTcpListener::bind("127.0.0.1:0").expect("bind mock node");
        let addr = listener.local_addr().expect("mock node address");
        listener.set_nonblocking(true).expect("non-blocking mock node listener");

        let recorder = Arc::new(Recorder::default());
        let taken = Arc::new(Mutex::new(Vec::new()));
        let service = Arc::new(MockCryptoService {
            precheck,
            recorder: Arc::clone(&recorder),
            script,
            taken: Arc::clone(&taken),
        });
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();

        let thread = std::thread::Builder::new()
            .name(format!("mock-node-{}", addr.port()))
            .spawn(move || {
                let runtime =
                    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("mock node runtime");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    let incoming = tonic::transport::server::TcpIncoming::from_listener(listener, true, None)
                        .expect("incoming stream");
                    let server = tonic::transport::Server::builder()
                        .add_service(CryptoServiceServer::from_arc(Arc::clone(&service)))
                        .add_service(ConsensusServiceServer::from_arc(service))
                        .serve_with_incoming(incoming);
                    // Stop abruptly on shutdown (no graceful drain): dropping the
                    // runtime afterwards cancels any open connection tasks.
                    tokio::select! {
                        result = server => {
                            if let Err(err) = result {
                                eprintln!("mock node {addr} stopped: {err}");
                            }
                        }
                        _ = shutdown_rx => {}
                    }
                });
            })
            .expect("spawn mock node thread");

        MockNode { addr, recorder, taken, shutdown: Some(shutdown_tx), thread: Some(thread) }
    }

    /// The transactions it accepted.
    pub fn taken(&self) -> Vec<Taken> {
        self.taken.lock().unwrap().clone()
    }

    /// How many getAccountInfo queries and transaction submissions it got.
    pub fn calls(&self) -> usize {
        self.recorder.calls.load(Ordering::SeqCst)
    }

    /// The last query's account id (shard, realm, num) and response type, to
    /// assert the probe asked for 0.0.2 with COST_ANSWER. A missing account id
    /// is recorded as (-1, -1, -1), an alias instead of a number as num -1.
    pub fn last_query(&self) -> Option<((i64, i64, i64), i32)> {
        *self.recorder.last_query.lock().unwrap()
    }

    /// "127.0.0.1:port", the form hmon's address book and flags use.
    pub fn address(&self) -> String {
        self.addr.to_string()
    }
}

impl Drop for MockNode {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A 127.0.0.1 address where nothing listens (bind a listener on :0, take its port, drop it).
pub fn dead_address() -> SocketAddr {
    let listener = StdTcpListener::bind("127.0.0.1:0").expect("bind for dead address");
    listener.local_addr().expect("dead address")
}

/// A 127.0.0.1 TCP listener that accepts connections and never answers (to test
/// per-node timeouts). Kept alive for the returned guard's lifetime; accepted
/// connections stay open (and silent) until then.
pub struct SilentNode {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SilentNode {
    pub fn start() -> SilentNode {
        let listener = StdTcpListener::bind("127.0.0.1:0").expect("bind silent node");
        let addr = listener.local_addr().expect("silent node address");
        listener.set_nonblocking(true).expect("non-blocking silent node listener");
        let stop = Arc::new(AtomicBool::new(false));
        let stop_flag = Arc::clone(&stop);

        let thread = std::thread::Builder::new()
            .name(format!("silent-node-{}", addr.port()))
            .spawn(move || {
                let mut held = Vec::new();
                while !stop_flag.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => held.push(stream),
                        Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
                drop(held);
            })
            .expect("spawn silent node thread");

        SilentNode { addr, stop, thread: Some(thread) }
    }

    /// "127.0.0.1:port", the form hmon's address book and flags use.
    pub fn address(&self) -> String {
        self.addr.to_string()
    }
}

impl Drop for SilentNode {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
