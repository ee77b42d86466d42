//! A fake Mirror Node on 127.0.0.1 that serves bodies shaped like the real REST API: pagination across
//! `links.next`, the API's filters and limits, its 400/404 error bodies, and scripted faults (5xx, 429 with
//! `Retry-After`, a server that never answers). Every request is logged for assertions.
//!
//! [`FakeMirror::network`] starts one holding a synthetic network whose balances move with the transactions
//! [`FakeMirror::advance`] adds (see [`network`]); the `/api/v1/accounts` list and the network-wide
//! `/api/v1/transactions` stream serve it as the real API would (see [`accounts`] and [`transactions`]).

#![allow(dead_code)]

mod accounts;
mod network;
mod query;
mod transactions;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderMap, Response, StatusCode, Uri};
use serde_json::{json, Value};

use accounts::{Account, Id};
pub use network::Sim;
use query::Query;

/// A scripted answer that replaces the normal one for a matching request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// This status with the API's error body.
    Status(u16),
    /// 429 with this `Retry-After` value.
    RateLimited(&'static str),
    /// Accept the request and never answer.
    Hang,
    /// An empty page whose `links.next` points onwards (the API does this; clients must not stop).
    EmptyPage,
}

/// A transfer to add with [`FakeMirror::transfer`]: a successful CRYPTOTRANSFER without memo unless changed.
pub struct Tx {
    payer: &'static str,
    to: &'static str,
    amount: i64,
    secs: i64,
    kind: &'static str,
    result: &'static str,
    memo: String,
}

impl Tx {
    /// `payer` sends `amount` tinybars to `to`, reaching consensus at `secs`.7 ns.
    pub fn new(payer: &'static str, to: &'static str, amount: i64, secs: i64) -> Tx {
        Tx { payer, to, amount, secs, kind: "CRYPTOTRANSFER", result: "SUCCESS", memo: String::new() }
    }

    pub fn kind(mut self, kind: &'static str) -> Tx {
        self.kind = kind;
        self
    }

    pub fn result(mut self, result: &'static str) -> Tx {
        self.result = result;
        self
    }

    pub fn memo(mut self, memo: impl Into<String>) -> Tx {
        self.memo = memo.into();
        self
    }
}

/// One logged request.
#[derive(Debug, Clone)]
pub struct Request {
    pub at: std::time::Instant,
    pub path: String,
    pub query: String,
    pub user_agent: String,
}

#[derive(Default)]
struct State {
    accounts: BTreeMap<Id, Account>,
    /// Ordered by consensus time; equal times keep their insertion order.
    transactions: Vec<transactions::Stored>,
    /// The synthetic network's stream, when there is one.
    network: Option<network::Generator>,
    nodes: Vec<Value>,
    blocks: Vec<Value>,
    statics: HashMap<String, (u16, Value)>,
    faults: Vec<(String, VecDeque<Fault>)>,
    holds: Vec<Hold>,
    requests: Vec<Request>,
    /// Bumped on every request, so a held answer can wait for the request it is waiting for.
    arrivals: Option<tokio::sync::watch::Sender<usize>>,
    /// Transactions that show from a given instant on (a mirror's ingest delay).
    pending: Vec<(std::time::Instant, Value)>,
}

/// An answer for `path` that waits until a request for each of `until` has arrived.
#[derive(Debug, Clone)]
struct Hold {
    path: String,
    until: Vec<String>,
    /// Whether each held answer was released by that request (false: it gave up waiting).
    released: Vec<bool>,
}

/// How long a held answer waits before it gives up and answers anyway (recorded as not released), so that a client
/// that never sends the awaited request fails its test instead of hanging it. Tests that hold answers give hmon a
/// `--timeout` above this (the [`crate::Env`] default is 5 s), so hmon does not give up first.
const HOLD_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

pub struct FakeMirror {
    pub url: String,
    state: Arc<Mutex<State>>,
    _server: crate::Served,
}

impl FakeMirror {
    /// Starts an empty mirror with supply, exchange rate and blocks already set.
    pub fn start() -> FakeMirror {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let (arrivals, _) = tokio::sync::watch::channel(0);
        let state = Arc::new(Mutex::new(State { arrivals: Some(arrivals), ..State::default() }));
        let shared = state.clone();
        let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
            let state = shared.clone();
            async move { handle(state, uri, headers).await }
        });
        let server = crate::serve(listener, app);
        let m = FakeMirror { url: format!("http://{}", server.addr), state, _server: server };
        m.set_static("/api/v1/network/supply", 200, json!({
            "released_supply": "4998522227589315800", "timestamp": "1700000000.000000001", "total_supply": "5000000000000000000"
        }));
        m.set_static(
            "/api/v1/network/exchangerate",
            200,
            json!({
                "current_rate": {"cent_equivalent": 450041, "expiration_time": 1651762800, "hbar_equivalent": 30000},
                "next_rate": {"cent_equivalent": 435305, "expiration_time": 1651766400, "hbar_equivalent": 30000},
                "timestamp": "1234567890.900800400"
            }),
        );
        m
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.state.lock().expect("fake mirror state"))
    }

    /// Serves `body` with `status` for exactly this path (any query).
    pub fn set_static(&self, path: &str, status: u16, body: Value) {
        self.with(|s| s.statics.insert(path.to_string(), (status, body)));
    }

    /// Scripts faults for requests whose path and query (`/api/v1/accounts/0.0.7?transactions=false`) start with
    /// `prefix`, used up in order.
    pub fn faults(&self, prefix: &str, faults: Vec<Fault>) {
        self.with(|s| s.faults.push((prefix.to_string(), faults.into())));
    }

    /// Holds every answer for exactly `path` until a request for exactly each of `until` has arrived (or
    /// [`HOLD_LIMIT`] has passed): the answer can only come if the client sent them all without waiting for it.
    pub fn hold_until(&self, path: &str, until: &[&str]) {
        let until = until.iter().map(|u| u.to_string()).collect();
        self.with(|s| s.holds.push(Hold { path: path.into(), until, released: Vec::new() }));
    }

    /// For each held answer to `path`, in order: whether the awaited request released it.
    pub fn held(&self, path: &str) -> Vec<bool> {
        self.with(|s| s.holds.iter().filter(|h| h.path == path).flat_map(|h| h.released.clone()).collect())
    }

    /// Adds an account with `tinybars` and `(token_id, balance, decimals)` token balances.
    pub fn account(&self, id: &str, tinybars: i64, tokens: &[(&str, i64, i64)]) {
        let id = Id::parse(id).expect("an account id like 0.0.1001");
        let mut account = Account::new(id, tinybars, 1_600_000_000_000_000_001, 1_700_000_000_123_456_789);
        for (token, balance, decimals) in tokens {
            account.tokens.insert(Id::parse(token).expect("a token id like 0.0.5000"), (*balance, *decimals));
        }
        self.with(|s| s.accounts.insert(id, account));
    }

    /// Sets an account's hbar balance.
    pub fn set_balance(&self, id: &str, tinybars: i64) {
        self.with(|s| s.account_mut(id).tinybars = tinybars);
    }

    /// Replaces an account's key as the mirror reports it.
    pub fn set_account_key(&self, id: &str, key_type: &str, key_hex: &str) {
        self.with(|s| s.account_mut(id).key = (key_type.to_string(), key_hex.to_string()));
    }

    /// Adds a transaction shaped like the API's: the payer pays `amount` to `to` and a fee to 0.0.3/0.0.98.
    /// Balances do not move: set them with [`FakeMirror::set_balance`].
    pub fn transfer(&self, t: Tx) {
        let tx = self.transfer_body(t);
        self.insert_transactions(vec![tx]);
    }

    /// The body [`FakeMirror::transfer`] adds.
    fn transfer_body(&self, t: Tx) -> Value {
        let Tx { payer, to, amount, secs, kind, result, memo } = t;
        let fee = 100_000;
        let memo_b64 = base64_encode(memo.as_bytes());
        json!({
            "batch_key": null, "bytes": null, "charged_tx_fee": fee, "consensus_timestamp": format!("{secs}.000000007"),
            "entity_id": null, "high_volume": false, "high_volume_pricing_multiplier": 1, "max_custom_fees": [],
            "max_fee": "200000000", "memo_base64": memo_b64, "name": kind, "nft_transfers": [], "node": "0.0.3",
            "nonce": 0, "parent_consensus_timestamp": null, "result": result, "scheduled": false,
            "staking_reward_transfers": [], "token_transfers": [],
            "transaction_hash": "rovr8cn6DzCTVuSAV/YEevfN5jA30FCdFt3Dsg4IUVi/3xTRU0XBsYsZm3L+1Kxv",
            "transaction_id": format!("{payer}-{}-000000000", secs - 5),
            "transfers": [
                {"account": "0.0.3", "amount": fee / 10, "is_approval": false},
                {"account": "0.0.98", "amount": fee - fee / 10, "is_approval": false},
                {"account": payer, "amount": -(amount + fee), "is_approval": false},
                {"account": to, "amount": amount, "is_approval": false}
            ],
            "valid_duration_seconds": "120", "valid_start_timestamp": format!("{}.000000000", secs - 5)
        })
    }

    /// Adds `count` transfers of one tinybar from 0.0.9 to 0.0.8, `step_ms` apart and ending at `end_secs`: a busy
    /// network that moves no other account.
    pub fn busy(&self, count: usize, step_ms: i64, end_secs: i64) {
        let txs = (0..count as i64)
            .map(|i| {
                let at = end_secs * 1000 - (count as i64 - 1 - i) * step_ms;
                let mut tx = self.transfer_body(Tx::new("0.0.9", "0.0.8", 1, at / 1000));
                tx["consensus_timestamp"] = json!(format!("{}.{:09}", at / 1000, (at % 1000) * 1_000_000 + 7));
                tx
            })
            .collect();
        self.insert_transactions(txs);
    }

    /// A handle that adds a transaction body to this mirror, shown from `delay` after the call on (what a test's
    /// mock node does with a transaction it took).
    pub fn publisher(&self) -> Publisher {
        Publisher(Arc::clone(&self.state))
    }

    /// Adds transaction bodies as they are (e.g. a fixture's), without moving balances.
    pub fn insert_transactions(&self, txs: Vec<Value>) {
        self.with(|s| {
            for tx in txs {
                let at = tx["consensus_timestamp"].as_str().and_then(query::nanos).expect("a consensus_timestamp");
                s.insert_transaction(at, tx);
            }
        });
    }

    /// Adds consensus nodes `0..count` with stake, each listing `endpoint(i)` as its gRPC endpoint.
    pub fn nodes(&self, count: usize, endpoint: impl Fn(usize) -> (String, u16)) {
        self.with(|s| {
            for i in 0..count {
                let (host, port) = endpoint(i);
                s.nodes.push(json!({
                    "admin_key": null, "associated_registered_nodes": [], "decline_reward": false,
                    "description": format!("node {i}"), "file_id": "0.0.102", "grpc_proxy_endpoint": null,
                    "max_stake": 4_500_000_000_000_000i64, "memo": format!("0.0.{}", i + 3),
                    "min_stake": 1_000_000_000_000_000i64, "node_account_id": format!("0.0.{}", i + 3),
                    "node_cert_hash": "0x", "node_id": i, "public_key": "0x", "reward_rate_start": 0,
                    "service_endpoints": [{"domain_name": "", "ip_address_v4": host, "port": port}],
                    "stake": 100_000_000_000_000i64 + i as i64, "stake_not_rewarded": 0, "stake_rewarded": 0,
                    "staking_period": null, "timestamp": {"from": "1700000000.000000000", "to": null}
                }));
            }
        });
    }

    /// Adds `n` blocks of `per_block` transactions, 2 s apart, the newest ending at `end_secs`.
    pub fn blocks(&self, n: usize, per_block: i64, end_secs: i64) {
        self.with(|s| {
            for i in 0..n as i64 {
                let to = end_secs - 2 * i;
                s.blocks.push(json!({
                    "count": per_block, "gas_used": 0, "hapi_version": "0.60.0", "hash": "0x00", "logs_bloom": "0x",
                    "name": format!("block{i}.rcd"), "number": 1000 - i, "previous_hash": "0x00", "size": 100,
                    "timestamp": {"from": format!("{}.000000000", to - 2), "to": format!("{to}.000000000")}
                }));
            }
        });
    }

    /// Starts a mirror holding the synthetic network `sim` (its accounts, no transactions yet) besides the
    /// system accounts 0.0.3-0.0.6, 0.0.98, 0.0.800 and 0.0.801.
    pub fn network(sim: Sim) -> FakeMirror {
        let m = FakeMirror::start();
        m.with(|s| s.network = Some(network::Generator::new(&sim, &mut s.accounts)));
        m
    }

    /// Appends `n` random transactions to the network's stream, at increasing consensus times, and moves the
    /// balances by their transfers.
    pub fn advance(&self, n: usize) {
        self.with(|s| {
            let mut generator = s.network.take().expect("advance needs FakeMirror::network");
            let mut made = 0;
            while made < n {
                for (at, tx) in generator.next(&mut s.accounts, n - made) {
                    s.insert_transaction(at, tx);
                    made += 1;
                }
            }
            s.network = Some(generator);
        });
    }

    /// Appends `n` transactions that move no generated account (see [`network::Generator::idle`]): the network's
    /// consensus time goes on while the watched balances stay.
    pub fn idle(&self, n: usize) {
        self.with(|s| {
            let mut generator = s.network.take().expect("idle needs FakeMirror::network");
            for _ in 0..n {
                let (at, tx) = generator.idle(&mut s.accounts);
                s.insert_transaction(at, tx);
            }
            s.network = Some(generator);
        });
    }

    /// A host clock in step with the synthetic network: one second after its newest transaction (a mirror one
    /// second behind consensus), for collectors whose reads are bracketed by the host's time.
    pub fn clock(&self) -> impl Fn() -> hmon::timestamp::Timestamp + Send + Sync + 'static {
        let state = self.state.clone();
        move || {
            let s = state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let at = s.transactions.last().map_or(network::GENESIS, |(at, _)| *at) + 1_000_000_000;
            let (secs, nanos) = (at.div_euclid(1_000_000_000), at.rem_euclid(1_000_000_000));
            hmon::timestamp::Timestamp { secs: secs as i64, nanos: nanos as u32 }
        }
    }

    /// Every account's hbar balance (tinybars) as the fake serves it now.
    pub fn hbar_balances(&self) -> BTreeMap<String, i64> {
        self.with(|s| s.accounts.values().map(|a| (a.id.to_string(), a.tinybars)).collect())
    }

    /// Every (account, token) balance in the token's smallest units, associated tokens only.
    pub fn token_balances(&self) -> BTreeMap<(String, String), i64> {
        self.with(|s| {
            let pairs = s.accounts.values().flat_map(|a| a.tokens.iter().map(move |(t, (b, _))| (a.id, *t, *b)));
            pairs.map(|(a, t, b)| ((a.to_string(), t.to_string()), b)).collect()
        })
    }

    /// The consensus timestamp of the newest transaction, as the API writes it.
    pub fn head(&self) -> Option<String> {
        self.with(|s| s.transactions.last().map(|(at, _)| query::timestamp(*at)))
    }

    /// How many transactions the fake holds.
    pub fn transaction_count(&self) -> usize {
        self.with(|s| s.transactions.len())
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.with(|s| s.requests.clone())
    }

    /// Requests whose path starts with `prefix`.
    pub fn count(&self, prefix: &str) -> usize {
        self.requests().iter().filter(|r| r.path.starts_with(prefix)).count()
    }

    /// Requests for exactly `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.path == path).count()
    }
}

/// Adds transactions to a [`FakeMirror`] from elsewhere (another thread), each shown after a delay.
#[derive(Clone)]
pub struct Publisher(Arc<Mutex<State>>);

impl Publisher {
    pub fn publish_after(&self, tx: Value, delay: std::time::Duration) {
        let due = std::time::Instant::now() + delay;
        self.0.lock().expect("fake mirror state").pending.push((due, tx));
    }
}

impl State {
    /// Moves the pending transactions that are due into the list.
    fn show_due(&mut self) {
        let now = std::time::Instant::now();
        let (due, later): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.pending).into_iter().partition(|(at, _)| *at <= now);
        self.pending = later;
        for (_, tx) in due {
            let at = tx["consensus_timestamp"].as_str().and_then(query::nanos).expect("a consensus_timestamp");
            self.insert_transaction(at, tx);
        }
    }

    fn account_mut(&mut self, id: &str) -> &mut Account {
        let id = Id::parse(id).expect("an account id like 0.0.1001");
        self.accounts.get_mut(&id).expect("an account added before")
    }

    fn insert_transaction(&mut self, at: i128, tx: Value) {
        let i = self.transactions.partition_point(|(t, _)| *t <= at);
        self.transactions.insert(i, (at, tx));
    }
}

fn base64_encode(bytes: &[u8]) -> Value {
    use base64::Engine;
    if bytes.is_empty() {
        return json!("");
    }
    json!(base64::engine::general_purpose::STANDARD.encode(bytes))
}

fn error_body(status: u16, message: &str) -> (u16, Value) {
    (status, json!({"_status": {"messages": [{"message": message}]}}))
}

fn respond(status: u16, body: &Value, headers: &[(&str, &str)]) -> Response<Body> {
    let mut b = Response::builder().status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    b = b.header("content-type", "application/json");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::from(body.to_string())).expect("response")
}

async fn handle(state: Arc<Mutex<State>>, uri: Uri, headers: HeaderMap) -> Response<Body> {
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or("").to_string();
    let (fault, hold) = {
        let mut s = state.lock().expect("state");
        s.show_due();
        let user_agent = headers.get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        s.requests.push(Request {
            at: std::time::Instant::now(),
            path: path.clone(),
            query: query.clone(),
            user_agent,
        });
        if let Some(arrivals) = &s.arrivals {
            arrivals.send_modify(|n| *n += 1);
        }
        let full = if query.is_empty() { path.clone() } else { format!("{path}?{query}") };
        let fault = s
            .faults
            .iter_mut()
            .find(|(p, q)| full.starts_with(p.as_str()) && !q.is_empty())
            .and_then(|(_, q)| q.pop_front());
        let hold = s.holds.iter().position(|h| h.path == path).map(|i| {
            let arrivals = s.arrivals.as_ref().expect("arrivals").subscribe();
            (i, s.holds[i].until.clone(), arrivals)
        });
        (fault, hold)
    };
    if let Some((i, until, mut arrivals)) = hold {
        let arrived = |state: &Mutex<State>| {
            let s = state.lock().expect("state");
            until.iter().all(|u| s.requests.iter().any(|r| r.path == *u))
        };
        let released = tokio::time::timeout(HOLD_LIMIT, async {
            while !arrived(&state) {
                if arrivals.changed().await.is_err() {
                    return false;
                }
            }
            true
        })
        .await
        .unwrap_or(false);
        state.lock().expect("state").holds[i].released.push(released);
    }
    match fault {
        Some(Fault::Hang) => return std::future::pending::<Response<Body>>().await,
        Some(Fault::Status(code)) => {
            let (status, body) = error_body(code, if code >= 500 { "Internal Server Error" } else { "Bad Request" });
            return respond(status, &body, &[]);
        }
        Some(Fault::RateLimited(after)) => {
            let (status, body) = error_body(429, "Too Many Requests");
            return respond(status, &body, &[("retry-after", after)]);
        }
        Some(Fault::EmptyPage) => {
            let next = format!("{path}?{query}&_page=next");
            return respond(200, &json!({"transactions": [], "nodes": [], "tokens": [], "links": {"next": next}}), &[]);
        }
        None => {}
    }
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let s = state.lock().expect("state");
    let (status, body) = route(&s, &path, &params, &Query::parse(&query));
    drop(s);
    // The API repeats `links.next` in a `Link` header.
    match body["links"]["next"].as_str() {
        Some(next) => respond(status, &body, &[("link", &format!("<{next}>; rel=\"next\""))]),
        None => respond(status, &body, &[]),
    }
}

fn route(s: &State, path: &str, params: &[(String, String)], q: &Query) -> (u16, Value) {
    if let Some((status, body)) = s.statics.get(path) {
        return (*status, body.clone());
    }
    let segments: Vec<&str> = path.trim_start_matches("/api/v1/").split('/').collect();
    match segments.as_slice() {
        ["accounts"] => accounts::list(&s.accounts, q),
        ["accounts", id] => account(s, id),
        ["accounts", id, "tokens"] => tokens(s, id, params),
        ["transactions"] => transactions::list(&s.transactions, q),
        ["transactions", id] => transaction(s, id),
        ["network", "nodes"] => nodes(s, params),
        ["blocks"] => {
            let limit = limit(params, 25, 100);
            (200, json!({"blocks": s.blocks.iter().take(limit).collect::<Vec<_>>(), "links": {"next": null}}))
        }
        _ => error_body(404, "Not found"),
    }
}

fn find_account<'a>(s: &'a State, id: &str) -> Option<&'a Account> {
    match Id::parse(id) {
        Some(id) => s.accounts.get(&id),
        None => s.accounts.values().find(|a| a.evm_address() == id),
    }
}

fn valid_account_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('.').collect();
    (parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
        || (id.starts_with("0x") && id.len() == 42)
}

fn account(s: &State, id: &str) -> (u16, Value) {
    if !valid_account_id(id) {
        return error_body(400, "Invalid parameter: idOrAliasOrEvmAddress");
    }
    match find_account(s, id) {
        Some(a) => (200, a.body()),
        None => error_body(404, "Not found"),
    }
}

fn param<'a>(params: &'a [(String, String)], key: &'a str) -> impl Iterator<Item = &'a str> {
    params.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn limit(params: &[(String, String)], default: usize, cap: usize) -> usize {
    param(params, "limit").next().and_then(|l| l.parse().ok()).unwrap_or(default).min(cap)
}

fn query_without(params: &[(String, String)], drop: &dyn Fn(&str, &str) -> bool) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in params.iter().filter(|(k, v)| !drop(k, v) && k != "_page") {
        q.append_pair(k, v);
    }
    q.finish()
}

fn transaction(s: &State, id: &str) -> (u16, Value) {
    let found: Vec<Value> =
        s.transactions.iter().filter(|(_, t)| t["transaction_id"] == id).map(|(_, t)| t.clone()).collect();
    if found.is_empty() {
        return error_body(404, "Not found");
    }
    (200, json!({"transactions": found}))
}

/// How a listing pages: its cursor parameter, default and maximum page size, path and list field.
struct Paging<'a> {
    key: &'a str,
    default: usize,
    cap: usize,
    path: &'a str,
    field: &'a str,
}

fn paged_by_id(items: &[Value], id_of: &dyn Fn(&Value) -> u64, params: &[(String, String)], p: Paging) -> Value {
    let Paging { key, default, cap, path, field } = p;
    let limit = limit(params, default, cap);
    let after: Option<u64> =
        param(params, key).find_map(|v| v.strip_prefix("gt:")).and_then(|v| v.rsplit('.').next()?.parse().ok());
    let page: Vec<Value> = items.iter().filter(|i| after.is_none_or(|a| id_of(i) > a)).take(limit).cloned().collect();
    let next = (page.len() == limit).then(|| {
        let last = page.last().map(id_of).unwrap_or(0);
        let base = query_without(params, &|k, _| k == key);
        format!("{path}?{base}&{key}=gt:{last}")
    });
    json!({field: page, "links": {"next": next}})
}

fn nodes(s: &State, params: &[(String, String)]) -> (u16, Value) {
    let id_of = |n: &Value| n["node_id"].as_u64().unwrap_or(0);
    (
        200,
        paged_by_id(
            &s.nodes,
            &id_of,
            params,
            Paging { key: "node.id", default: 10, cap: 25, path: "/api/v1/network/nodes", field: "nodes" },
        ),
    )
}

fn tokens(s: &State, id: &str, params: &[(String, String)]) -> (u16, Value) {
    let Some(a) = find_account(s, id) else { return error_body(404, "Not found") };
    let rels = a.relationships();
    let id_of = |t: &Value| t["token_id"].as_str().and_then(|t| t.rsplit('.').next()?.parse().ok()).unwrap_or(0);
    let path = format!("/api/v1/accounts/{id}/tokens");
    (
        200,
        paged_by_id(
            &rels,
            &id_of,
            params,
            Paging { key: "token.id", default: 25, cap: 100, path: &path, field: "tokens" },
        ),
    )
}
