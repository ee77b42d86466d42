//! Webhook delivery against local receivers on 127.0.0.1: retries, dead letters, Retry-After, hanging receivers,
//! per-key order, signatures, the durable outbox and its schedule across restarts, rows changed by another
//! process, and `send_once`. Outcomes are awaited on the dispatcher's
//! events or the receiver's channel, with a generous timeout as a guard; nothing sleeps to wait for a result.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use hmon::config::Secret;
use hmon::store::Db;
use hmon::timestamp::Timestamp;
use hmon::webhook::sign::verify;
use hmon::webhook::{
    push_in, AlertStatus, DeliveryError, DeliveryEvent, Dispatcher, DispatcherOptions, Entry, Format, Notification,
    Outbox, Severity, Webhook,
};
use tokio::sync::{broadcast, mpsc};

const GUARD: Duration = Duration::from_secs(20);

/// What the receiver does with request number `n` (0-based).
#[derive(Clone, Copy)]
struct Plan {
    status: u16,
    retry_after: Option<&'static str>,
    delay: Duration,
    hang: bool,
}

fn answer(status: u16) -> Plan {
    Plan { status, retry_after: None, delay: Duration::ZERO, hang: false }
}

struct Seen {
    at: Instant,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Seen {
    fn id(&self) -> String {
        serde_json::from_slice::<serde_json::Value>(&self.body).unwrap()["id"].as_str().unwrap().to_string()
    }
}

type PlanFn = dyn Fn(usize, &HeaderMap, &[u8]) -> Plan + Send + Sync;

struct Receiver {
    count: AtomicUsize,
    plan: Box<PlanFn>,
    seen: mpsc::UnboundedSender<Seen>,
}

async fn handle(State(r): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> impl IntoResponse {
    let n = r.count.fetch_add(1, Ordering::SeqCst);
    let plan = (r.plan)(n, &headers, &body);
    let _ = r.seen.send(Seen { at: Instant::now(), headers, body: body.to_vec() });
    if plan.hang {
        std::future::pending::<()>().await;
    }
    tokio::time::sleep(plan.delay).await;
    let mut out = HeaderMap::new();
    if let Some(ra) = plan.retry_after {
        out.insert("retry-after", ra.parse().unwrap());
    }
    (StatusCode::from_u16(plan.status).unwrap(), out, "x".repeat(500))
}

/// Starts a receiver on `addr` (or a free port) and returns its address and the requests it sees.
async fn receiver_at(
    addr: &str,
    plan: impl Fn(usize, &HeaderMap, &[u8]) -> Plan + Send + Sync + 'static,
) -> (SocketAddr, mpsc::UnboundedReceiver<Seen>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let state = Arc::new(Receiver { count: AtomicUsize::new(0), plan: Box::new(plan), seen: tx });
    let app = axum::Router::new().route("/{*path}", axum::routing::post(handle)).with_state(state);
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let local = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (local, rx)
}

async fn receiver(
    plan: impl Fn(usize, &HeaderMap, &[u8]) -> Plan + Send + Sync + 'static,
) -> (SocketAddr, mpsc::UnboundedReceiver<Seen>) {
    receiver_at("127.0.0.1:0", plan).await
}

fn hook(name: &str, addr: SocketAddr) -> Webhook {
    Webhook {
        name: name.into(),
        url: format!("http://{addr}/services/T0/B0/tokentoken"),
        format: Format::Json,
        headers: BTreeMap::new(),
        secret: None,
        timeout: Duration::from_secs(5),
        give_up_after: Duration::from_secs(60),
        backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        max_attempts: None,
    }
}

/// `workers` workers and a re-scan every 50 ms.
fn fast(workers: usize) -> DispatcherOptions {
    DispatcherOptions { workers, rescan: Duration::from_millis(50) }
}

fn note(id: &str) -> Notification {
    Notification {
        id: id.into(),
        status: AlertStatus::Firing,
        rule: "low-balance".into(),
        severity: Severity::Critical,
        metric: "account_balance_hbar".into(),
        labels: [("account".to_string(), "0.0.1001".to_string())].into(),
        value: 5.0,
        threshold: Some(10.0),
        starts_at: "2026-01-02T03:04:05Z".into(),
        ends_at: None,
        summary: "balance low".into(),
        test: false,
    }
}

/// The next Delivered or Dropped event, with the Retrying events seen before it.
async fn outcome(events: &mut broadcast::Receiver<DeliveryEvent>) -> (DeliveryEvent, Vec<DeliveryEvent>) {
    let mut retries = Vec::new();
    loop {
        let e = tokio::time::timeout(GUARD, events.recv()).await.expect("no delivery outcome in time").unwrap();
        match e {
            DeliveryEvent::Retrying { .. } => retries.push(e),
            _ => return (e, retries),
        }
    }
}

async fn next_seen(rx: &mut mpsc::UnboundedReceiver<Seen>) -> Seen {
    tokio::time::timeout(GUARD, rx.recv()).await.expect("no request in time").unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_with_the_same_id_until_accepted() {
    let (addr, mut seen) = receiver(|n, _, _| answer(if n < 2 { 500 } else { 200 })).await;
    let d = Dispatcher::start(vec![hook("ops", addr)], Outbox::memory(), fast(4)).unwrap();
    let mut events = d.subscribe();
    d.enqueue("ops", "low-balance/0.0.1001", &note("n-1")).unwrap();
    let (done, retries) = outcome(&mut events).await;
    assert_eq!(done, DeliveryEvent::Delivered { webhook: "ops".into(), id: "n-1".into(), status: 200, attempts: 3 });
    assert_eq!(retries.len(), 2);
    for _ in 0..3 {
        let s = next_seen(&mut seen).await;
        assert_eq!(s.id(), "n-1");
        assert_eq!(s.headers["content-type"], "application/json");
        assert!(s.headers["user-agent"].to_str().unwrap().starts_with("hmon/"));
    }
    assert!(seen.try_recv().is_err());
    let stats = d.stats();
    assert_eq!((stats.delivered, stats.failed_attempts, stats.retries, stats.dropped, stats.pending), (1, 2, 2, 0, 0));
    assert_eq!(stats.per_webhook["ops"].delivered, 1);
    let json = serde_json::to_value(&retries[0]).unwrap();
    assert_eq!((json["event"].as_str(), json["attempt"].as_u64()), (Some("retrying"), Some(1)));
    assert!(json["wait_ms"].as_u64().unwrap() <= 100, "{json}");
    for e in retries {
        let DeliveryEvent::Retrying { reason, .. } = e else { unreachable!() };
        assert!(reason.starts_with("HTTP 500") && !reason.contains("tokentoken"), "{reason}");
    }
    d.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_errors_become_dead_letters_at_once() {
    let (addr, mut seen) = receiver(|n, _, _| answer(if n == 0 { 400 } else { 200 })).await;
    let outbox = Outbox::memory();
    let d = Dispatcher::start(vec![hook("ops", addr)], outbox.clone(), fast(4)).unwrap();
    let mut events = d.subscribe();
    d.enqueue("ops", "k", &note("bad")).unwrap();
    let (done, retries) = outcome(&mut events).await;
    let DeliveryEvent::Dropped { id, attempts, reason, .. } = done else { panic!("{done:?}") };
    assert_eq!((id.as_str(), attempts, retries.len()), ("bad", 1, 0));
    assert!(reason.starts_with("HTTP 400"), "{reason}");
    // A later delivery on the same key comes next: had the first been retried, its retry would come first.
    d.enqueue("ops", "k", &note("good")).unwrap();
    assert!(matches!(outcome(&mut events).await.0, DeliveryEvent::Delivered { .. }));
    let ids = [next_seen(&mut seen).await.id(), next_seen(&mut seen).await.id()];
    assert_eq!(ids, ["bad", "good"]);
    assert!(seen.try_recv().is_err());
    let stats = d.stats();
    assert_eq!(
        (stats.dropped, stats.dead_letters, stats.delivered, stats.failed_attempts, stats.retries),
        (1, 1, 1, 1, 0)
    );
    let rows = outbox.rows().unwrap();
    assert_eq!(rows.len(), 1, "the rejected one is kept");
    assert!(rows[0].is_dead() && rows[0].last_error.as_deref() == Some(reason.as_str()), "{rows:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_down_longer_than_five_attempts_gets_it_once_when_back() {
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap(); // now closed: refused
    let d = Dispatcher::start(vec![hook("ops", addr)], Outbox::memory(), fast(2)).unwrap();
    let mut events = d.subscribe();
    d.enqueue("ops", "k", &note("n-patient")).unwrap();
    // The old budget was 5 attempts in all; this one fails 6 times and is still retried.
    for n in 1..=6 {
        let e = tokio::time::timeout(GUARD, events.recv()).await.expect("no event in time").unwrap();
        assert!(matches!(&e, DeliveryEvent::Retrying { attempt, .. } if *attempt == n), "{e:?}");
    }
    let (_, mut seen) = receiver_at(&addr.to_string(), |_, _, _| answer(200)).await;
    let (done, _) = outcome(&mut events).await;
    let DeliveryEvent::Delivered { id, attempts, .. } = done else { panic!("{done:?}") };
    assert_eq!(id, "n-patient");
    assert!(attempts >= 7, "{attempts}");
    assert_eq!(next_seen(&mut seen).await.id(), "n-patient");
    assert!(seen.try_recv().is_err(), "delivered once");
    assert_eq!((d.stats().dropped, d.stats().pending), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_letter_put_back_in_line_by_another_process_is_sent_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hmon.db");
    let (addr, mut seen) = receiver(|n, _, _| answer(if n == 0 { 400 } else { 200 })).await;
    let outbox = Outbox::open_sqlite(&path).unwrap();
    let d = Dispatcher::start(vec![hook("ops", addr)], outbox.clone(), fast(2)).unwrap();
    let mut events = d.subscribe();
    d.enqueue("ops", "k", &note("n-dead")).unwrap();
    let (done, _) = outcome(&mut events).await;
    assert!(matches!(&done, DeliveryEvent::Dropped { attempts: 1, .. }), "{done:?}");
    let rows = outbox.rows().unwrap();
    assert_eq!((rows.len(), rows[0].id.as_str(), rows[0].is_dead()), (1, "n-dead", true));
    assert!(rows[0].last_error.as_deref().unwrap_or("").starts_with("HTTP 400: xxx"), "{rows:?}");
    assert_eq!((d.stats().dead_letters, d.stats().pending), (1, 0));

    // `hmon alert queue retry` from another process: the re-scan picks it up.
    let other = Outbox::open_sqlite(&path).unwrap();
    assert!(other.retry(rows[0].seq, Timestamp::now().as_millis()).unwrap());
    let (done, _) = outcome(&mut events).await;
    assert_eq!(done, DeliveryEvent::Delivered { webhook: "ops".into(), id: "n-dead".into(), status: 200, attempts: 1 });
    assert_eq!([next_seen(&mut seen).await.id(), next_seen(&mut seen).await.id()], ["n-dead", "n-dead"]);
    assert!(outbox.rows().unwrap().is_empty());
    let stats = d.stats();
    assert_eq!((stats.dead_letters, stats.dropped, stats.delivered), (0, 1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_the_pipeline_committed_are_queued_once() {
    let (addr, mut seen) = receiver(|_, _, _| answer(200)).await;
    let db = Db::in_memory().unwrap();
    // No re-scan during the test: only `queued` can hand these over.
    let opts = DispatcherOptions { workers: 2, rescan: Duration::from_secs(3600) };
    let d = Dispatcher::start(vec![hook("ops", addr)], Outbox::new(db.clone()), opts).unwrap();
    let mut events = d.subscribe();
    let now = Timestamp::now().as_millis();
    let entries = db
        .write_synced(|tx| {
            ["p-1", "p-2"]
                .iter()
                .map(|id| Ok(Entry::queued(push_in(tx, "ops", "k", &note(id), now)?, "ops", "k", note(id), now)))
                .collect::<anyhow::Result<Vec<Entry>>>()
        })
        .unwrap();
    d.queued(entries.clone()).unwrap();
    d.queued(entries).unwrap(); // handed over twice: still sent once each
    d.enqueue("ops", "k", &note("p-3")).unwrap(); // after both on the same key: its delivery closes the test
    for want in ["p-1", "p-2", "p-3"] {
        let (done, _) = outcome(&mut events).await;
        assert!(matches!(&done, DeliveryEvent::Delivered { id, .. } if id == want), "{done:?}");
    }
    let ids = [next_seen(&mut seen).await.id(), next_seen(&mut seen).await.id(), next_seen(&mut seen).await.id()];
    assert_eq!(ids, ["p-1", "p-2", "p-3"]);
    assert!(seen.try_recv().is_err());
    let err = d.queued(vec![Entry::queued(99, "nope", "k", note("x"), now)]).unwrap_err().to_string();
    assert!(err.contains("no webhook named 'nope'"), "{err}");
}

/// A webhook whose first retry waits an hour: nothing retries it within a test unless it is made due.
fn patient(addr: SocketAddr) -> Webhook {
    Webhook {
        give_up_after: Duration::from_secs(7200),
        backoff: Duration::from_secs(3600),
        max_backoff: Duration::from_secs(3600),
        ..hook("ops", addr)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_retry_schedule_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hmon.db");
    let (addr, mut seen) = receiver(|n, _, _| answer(if n == 0 { 503 } else { 200 })).await;
    let patient = patient(addr);
    let d = Dispatcher::start(vec![patient.clone()], Outbox::open_sqlite(&path).unwrap(), fast(1)).unwrap();
    let mut events = d.subscribe();
    d.enqueue("ops", "k1", &note("r-1")).unwrap();
    let e = tokio::time::timeout(GUARD, events.recv()).await.unwrap().unwrap();
    let DeliveryEvent::Retrying { attempt: 1, wait, .. } = e else { panic!("{e:?}") };
    assert!(wait >= Duration::from_secs(1800), "{wait:?}");
    assert_eq!(d.shutdown(Duration::from_secs(1)).await.left_pending, 1);
    let outbox = Outbox::open_sqlite(&path).unwrap();
    let before = outbox.rows().unwrap();
    assert_eq!(before[0].attempts, 1);
    assert!(before[0].next_ms >= Timestamp::now().as_millis() + 1_700_000, "{before:?}");
    assert!(before[0].last_error.as_deref().unwrap_or("").starts_with("HTTP 503"), "{before:?}");

    // One worker: a dispatcher that ignored next_ms would send r-1 (queued first) before r-2.
    let d = Dispatcher::start(vec![patient], outbox.clone(), fast(1)).unwrap();
    let mut events = d.subscribe_from_start();
    d.enqueue("ops", "k2", &note("r-2")).unwrap();
    let (done, _) = outcome(&mut events).await;
    assert!(matches!(&done, DeliveryEvent::Delivered { id, .. } if id == "r-2"), "{done:?}");
    assert_eq!([next_seen(&mut seen).await.id(), next_seen(&mut seen).await.id()], ["r-1", "r-2"]);
    assert_eq!(outbox.rows().unwrap(), before, "r-1 untouched: not tried again before its time");
    assert_eq!(d.stats().pending, 1);
    // Its time comes (here: another process makes it due now); the re-scan wakes the parked key.
    assert!(Outbox::open_sqlite(&path).unwrap().retry(before[0].seq, Timestamp::now().as_millis()).unwrap());
    let (done, _) = outcome(&mut events).await;
    assert_eq!(done, DeliveryEvent::Delivered { webhook: "ops".into(), id: "r-1".into(), status: 200, attempts: 1 });
    assert!(outbox.is_empty().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_dropped_by_another_process_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hmon.db");
    let (addr, mut seen) = receiver(|n, _, _| answer(if n == 0 { 503 } else { 200 })).await;
    let patient = patient(addr);
    let d = Dispatcher::start(vec![patient], Outbox::open_sqlite(&path).unwrap(), fast(2)).unwrap();
    let mut events = d.subscribe();
    d.enqueue("ops", "k", &note("gone")).unwrap();
    let e = tokio::time::timeout(GUARD, events.recv()).await.unwrap().unwrap();
    assert!(matches!(&e, DeliveryEvent::Retrying { id, .. } if id == "gone"), "{e:?}");
    // `hmon alert queue drop` from another process while "gone" waits an hour at the head of its key.
    let other = Outbox::open_sqlite(&path).unwrap();
    assert!(other.remove(other.rows().unwrap()[0].seq).unwrap());
    d.enqueue("ops", "k", &note("next")).unwrap();
    let (done, retries) = outcome(&mut events).await;
    assert_eq!(done, DeliveryEvent::Delivered { webhook: "ops".into(), id: "next".into(), status: 200, attempts: 1 });
    assert!(retries.is_empty(), "{retries:?}");
    assert_eq!([next_seen(&mut seen).await.id(), next_seen(&mut seen).await.id()], ["gone", "next"]);
    assert!(seen.try_recv().is_err());
    let stats = d.stats();
    assert_eq!((stats.pending, stats.dropped, stats.dead_letters, stats.delivered), (0, 0, 0, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_honoured() {
    let (addr, mut seen) =
        receiver(|n, _, _| if n == 0 { Plan { retry_after: Some("1"), ..answer(429) } } else { answer(200) }).await;
    let d = Dispatcher::start(vec![hook("ops", addr)], Outbox::memory(), fast(2)).unwrap();
    let mut events = d.subscribe();
    d.enqueue("ops", "k", &note("n-429")).unwrap();
    let (done, retries) = outcome(&mut events).await;
    assert!(matches!(done, DeliveryEvent::Delivered { attempts: 2, .. }), "{done:?}");
    assert!(matches!(retries[..], [DeliveryEvent::Retrying { wait, .. }] if wait == Duration::from_secs(1)));
    let (first, second) = (next_seen(&mut seen).await, next_seen(&mut seen).await);
    let gap = second.at - first.at;
    assert!(gap >= Duration::from_millis(950), "{gap:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_hanging_on_more_keys_than_workers_holds_up_no_other_webhook() {
    let (hang_addr, mut hang_seen) = receiver(|_, _, _| Plan { hang: true, ..answer(200) }).await;
    let (ok_addr, _ok_seen) = receiver(|_, _, _| answer(200)).await;
    let slow = Webhook { timeout: Duration::from_secs(2), max_attempts: Some(1), ..hook("stuck", hang_addr) };
    let d = Dispatcher::start(vec![slow, hook("chat", ok_addr)], Outbox::memory(), fast(2)).unwrap();
    let mut events = d.subscribe();
    for key in ["k1", "k2", "k3"] {
        d.enqueue("stuck", key, &note(key)).unwrap();
    }
    next_seen(&mut hang_seen).await;
    next_seen(&mut hang_seen).await; // two keys hang: as many as a webhook has workers
    d.enqueue("chat", "k1", &note("c-1")).unwrap();
    // "chat" has workers of its own: delivered before the first of the stuck ones gives up.
    let (done, _) = outcome(&mut events).await;
    assert!(matches!(&done, DeliveryEvent::Delivered { webhook, .. } if webhook == "chat"), "{done:?}");
    let _ = d.shutdown(Duration::from_millis(50)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_receiver_does_not_hold_up_others() {
    let (hang_addr, mut hang_seen) = receiver(|_, _, _| Plan { hang: true, ..answer(200) }).await;
    let (ok_addr, _ok_seen) = receiver(|_, _, _| answer(200)).await;
    let slow = Webhook { timeout: Duration::from_secs(1), max_attempts: Some(2), ..hook("stuck", hang_addr) };
    let d = Dispatcher::start(vec![slow, hook("chat", ok_addr)], Outbox::memory(), fast(2)).unwrap();
    let mut events = d.subscribe();
    d.enqueue("stuck", "k1", &note("s-1")).unwrap();
    d.enqueue("stuck", "k1", &note("s-2")).unwrap();
    next_seen(&mut hang_seen).await; // the stuck receiver holds one worker now
    d.enqueue("chat", "k1", &note("c-1")).unwrap();
    // Order, not time, proves it: "chat" is delivered while "stuck" is still waiting out its first timeout (its
    // drop needs two), so a pool that queued "chat" behind "stuck" would report the drop first.
    let (done, _) = outcome(&mut events).await;
    assert!(matches!(&done, DeliveryEvent::Delivered { webhook, .. } if webhook == "chat"), "{done:?}");
    let (done, _) = outcome(&mut events).await;
    let DeliveryEvent::Dropped { id, attempts, reason, .. } = done else { panic!("{done:?}") };
    assert_eq!((id.as_str(), attempts), ("s-1", 2));
    assert!(reason.contains("did not answer within 1s") && !reason.contains("tokentoken"), "{reason}");
    let report = d.shutdown(Duration::from_millis(50)).await;
    assert_eq!(report.left_pending, 1, "s-2 is still in flight or queued");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_key_is_delivered_in_order_and_keys_interleave() {
    let (addr, mut seen) = receiver(|n, _, _| Plan {
        delay: Duration::from_millis(fastrand::u64(0..15)),
        ..answer(if n % 7 == 3 { 503 } else { 200 })
    })
    .await;
    let d = Dispatcher::start(vec![hook("ops", addr)], Outbox::memory(), fast(4)).unwrap();
    let mut events = d.subscribe();
    for i in 0..20 {
        d.enqueue("ops", "k1", &note(&format!("k1-{i:02}"))).unwrap();
        d.enqueue("ops", "k2", &note(&format!("k2-{i:02}"))).unwrap();
    }
    for _ in 0..40 {
        assert!(matches!(outcome(&mut events).await.0, DeliveryEvent::Delivered { .. }));
    }
    let mut arrivals = Vec::new();
    while let Ok(s) = seen.try_recv() {
        arrivals.push(s.id());
    }
    for key in ["k1", "k2"] {
        let mut mine: Vec<&String> = arrivals.iter().filter(|id| id.starts_with(key)).collect();
        mine.dedup(); // a 503 makes the same notification arrive twice in a row
        let want: Vec<String> = (0..20).map(|i| format!("{key}-{i:02}")).collect();
        assert_eq!(mine, want.iter().collect::<Vec<_>>(), "{key} out of order: {arrivals:?}");
    }
    let first_k2 = arrivals.iter().position(|id| id.starts_with("k2")).unwrap();
    let last_k1 = arrivals.iter().rposition(|id| id.starts_with("k1")).unwrap();
    assert!(first_k2 < last_k1, "keys did not interleave: {arrivals:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_requests_verify_at_the_receiver() {
    let (addr, mut seen) = receiver(|_, headers, body| {
        let ts = headers.get("x-hmon-timestamp").and_then(|v| v.to_str().ok()).unwrap_or("");
        let sig = headers.get("x-hmon-signature").and_then(|v| v.to_str().ok()).unwrap_or("");
        answer(if verify(b"whsec-shared", ts, body, sig) { 204 } else { 401 })
    })
    .await;
    let mut signed = hook("ops", addr);
    signed.secret = Some(Secret::new("whsec-shared"));
    signed.headers.insert("Authorization".into(), "Bearer tok-1".into());
    signed.format = Format::Slack;
    let d = Dispatcher::start(vec![signed], Outbox::memory(), fast(2)).unwrap();
    let mut events = d.subscribe();
    d.enqueue("ops", "k", &note("n-sig")).unwrap();
    let (done, _) = outcome(&mut events).await;
    assert!(matches!(done, DeliveryEvent::Delivered { status: 204, .. }), "{done:?}");
    let s = next_seen(&mut seen).await;
    assert_eq!(s.headers["authorization"], "Bearer tok-1");
    let ts: i64 = s.headers["x-hmon-timestamp"].to_str().unwrap().parse().unwrap();
    assert!((ts - hmon::timestamp::Timestamp::now().secs).abs() < 60);
    let body: serde_json::Value = serde_json::from_slice(&s.body).unwrap();
    assert!(body["text"].as_str().unwrap().starts_with("[FIRING] low-balance (critical)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_outbox_delivers_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hmon.db");
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap(); // now closed: refused
    let d = Dispatcher::start(vec![hook("ops", addr)], Outbox::open_sqlite(&db).unwrap(), fast(2)).unwrap();
    let mut events = d.subscribe();
    d.enqueue("ops", "k", &note("n-durable")).unwrap();
    let e = tokio::time::timeout(GUARD, events.recv()).await.unwrap().unwrap();
    let DeliveryEvent::Retrying { reason, .. } = e else { panic!("{e:?}") };
    assert!(reason.starts_with(&format!("cannot connect to http://{addr}")) && !reason.contains("tokentoken"));
    let report = d.shutdown(Duration::from_millis(50)).await;
    assert_eq!((report.left_pending, report.durable), (1, true));

    let (_, mut seen) = receiver_at(&addr.to_string(), |_, _, _| answer(200)).await;
    let outbox = Outbox::open_sqlite(&db).unwrap();
    assert!(outbox.pending().unwrap()[0].attempts >= 1, "attempts before the restart are kept");
    // Delivery may start before anyone could subscribe: watch the receiver, then let shutdown finish it.
    let d = Dispatcher::start(vec![hook("ops", addr)], outbox.clone(), fast(2)).unwrap();
    assert_eq!(next_seen(&mut seen).await.id(), "n-durable");
    let stats = d.clone();
    let report = d.shutdown(GUARD).await;
    assert_eq!((report.left_pending, report.aborted), (0, 0));
    assert!(outbox.is_empty().unwrap());
    assert_eq!((stats.stats().delivered, stats.stats().pending), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_once_returns_the_answer_or_the_error() {
    let (addr, mut seen) = receiver(|_, _, _| answer(418)).await;
    let w = Webhook { format: Format::Discord, ..hook("ops", addr) };
    let reply = Dispatcher::send_once(&w, &Notification { test: true, ..note("n-test") }).await.unwrap();
    assert_eq!((reply.status, reply.body.len()), (418, 200));
    let body: serde_json::Value = serde_json::from_slice(&next_seen(&mut seen).await.body).unwrap();
    assert!(body["content"].as_str().unwrap().starts_with("[TEST] [FIRING]"));

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let err = Dispatcher::send_once(&hook("ops", closed), &note("n")).await.unwrap_err();
    assert!(matches!(err, DeliveryError::Connect { .. }), "{err:?}");
    assert!(!err.to_string().contains("tokentoken"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enqueue_rejects_unknown_webhooks_and_fails_after_shutdown() {
    let (addr, _seen) = receiver(|_, _, _| answer(200)).await;
    let d = Dispatcher::start(vec![hook("ops", addr)], Outbox::memory(), fast(1)).unwrap();
    let err = d.enqueue("nope", "k", &note("n")).unwrap_err().to_string();
    assert!(err.contains("no webhook named 'nope' (configured: ops)"), "{err}");
    let other = d.clone();
    d.shutdown(Duration::from_millis(10)).await;
    assert!(other.enqueue("ops", "k", &note("n")).unwrap_err().to_string().contains("shut down"));
    let dup = Dispatcher::start(vec![hook("a", addr), hook("a", addr)], Outbox::memory(), fast(1));
    assert!(dup.err().unwrap().to_string().contains("two webhooks are named 'a'"));
}
