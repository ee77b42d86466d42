//! The status page in a real browser: headless Chromium (over WebDriver, see [`crate::webdriver`]) opens the page
//! of the real `hmon serve` on 127.0.0.1.
//!
//! - With a token: it signs in, sees the fake mirror's changes arrive live (no reload), names the down nodes with
//!   their errors, and when its session is logged out elsewhere it stops everything it runs and asks to
//!   sign in again; signing in starts it again.
//! - Without a token: when the server goes away the page keeps retrying (past the second failure) and comes back
//!   by itself when the server does.
//!
//! The browser console must stay clean. A screenshot is saved to `<target>/status-page*.png` at the end, or when
//! a wait fails.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use hiero_sdk_proto::services::ResponseCodeEnum;

use crate::fake_mirror::Tx;
use crate::mock_node::{dead_address, MockNode};
use crate::serve::{serve_on_store, spawn_serve_with};
use crate::watch::config;
use crate::webdriver::Browser;
use crate::Env;

const TOKEN: &str = "page-token-9c2e";

/// How long the page may take to show a change: two collection cycles of 2 s, with room for a slow machine; and
/// the page's pauses between reconnections (1, 2, 4, 8 s).
const LIVE: Duration = Duration::from_secs(20);

/// Run in the page before its own script: counts the timers it has pending and the event streams it keeps open
/// (`window.hmonProbe`).
const PROBE: &str = r#"(() => {
  const pending = new Set();
  const setTimer = window.setTimeout.bind(window);
  const clearTimer = window.clearTimeout.bind(window);
  window.setTimeout = (callback, delay, ...rest) => {
    const id = setTimer((...args) => { pending.delete(id); callback(...args); }, delay, ...rest);
    pending.add(id);
    return id;
  };
  window.clearTimeout = (id) => { pending.delete(id); clearTimer(id); };
  const streams = [];
  const NativeEventSource = window.EventSource;
  window.EventSource = class extends NativeEventSource {
    constructor(...args) { super(...args); streams.push(this); }
  };
  window.hmonProbe = {
    timers: () => pending.size,
    openStreams: () => streams.filter((s) => s.readyState !== NativeEventSource.CLOSED).length,
  };
})();"#;

/// `<target>/<name>.png` (the integration tests' temporary directory is `<target>/tmp`).
fn screenshot_path(name: &str) -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().map_or(tmp.clone(), PathBuf::from).join(format!("{name}.png"))
}

/// The state the page shows for its connection (`data-state` of the status line).
fn connection(browser: &Browser) -> Value {
    browser.execute("return document.getElementById('connection').dataset.state || null")
}

/// `POST /-/logout` with `Cookie: cookie` from the page's origin, as another tab of the same browser would send it.
fn logout_elsewhere(addr: SocketAddr, cookie: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(LIVE)).expect("a read timeout");
    write!(
        stream,
        "POST /-/logout HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nCookie: {cookie}\r\nContent-Length: 0\r\n\
         Connection: close\r\n\r\n"
    )
    .expect("send the logout");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read the answer");
    answer.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// Fails on console entries above INFO, but for `allowed` ones (messages containing one of them).
fn assert_clean_console(browser: &Browser, allowed: &[&str]) {
    let errors: Vec<_> = browser
        .console()
        .into_iter()
        .filter(|e| e["level"] != "INFO" && e["level"] != "DEBUG")
        .filter(|e| !allowed.iter().any(|a| e["message"].as_str().unwrap_or("").contains(a)))
        .collect();
    assert!(errors.is_empty(), "the browser console has errors or warnings: {errors:#?}");
}

fn sign_in(browser: &Browser, shot: &std::path::Path) {
    browser.wait_for(LIVE, shot, "the sign-in form", |b| {
        b.execute("return !document.getElementById('login').hidden").as_bool().filter(|shown| *shown)
    });
    browser.type_into("#token", TOKEN);
    browser.click("#login-submit");
}

#[cfg(unix)]
#[test]
fn the_status_page_signs_in_follows_changes_live_and_stops_when_its_session_ends() {
    let env = Env::start();
    // 50 hbar: above the rule's 10, so nothing fires until the balance falls.
    env.mirror.account("0.0.1001", 5_000_000_000, &[]);
    // Three consensus nodes: 0.0.3 answers, 0.0.4 is busy, 0.0.5 refuses connections.
    let (up, busy, dead) =
        (MockNode::start(ResponseCodeEnum::Ok), MockNode::start(ResponseCodeEnum::Busy), dead_address());
    let nodes = [up.addr, busy.addr, dead];
    env.mirror.nodes(3, |i| (nodes[i].ip().to_string(), nodes[i].port()));
    // A transaction and blocks of 3 s ago: a mirror lag and a TPS.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs();
    env.mirror.blocks(5, 20, now as i64 - 3);
    env.mirror.transfer(Tx::new("0.0.2", "0.0.98", 1, now as i64 - 3));
    config(&env, &[], "\n[collect]\ninterval = \"2s\"\n");
    let (_serve, addr, _stderr) = serve_on_store(&env, "hmon.db", &[("HMON_API_TOKEN", TOKEN)]);
    let shot = screenshot_path("status-page");

    let browser = Browser::start();
    browser.before_each_page(PROBE);
    browser.goto(&format!("http://{addr}/"));
    sign_in(&browser, &shot);

    let balance = "td[data-balance=\"0.0.1001\"]";
    browser.wait_for(LIVE, &shot, "the balance of 0.0.1001 as 50", |b| b.text(balance).filter(|t| t == "50"));
    assert_eq!(browser.text("#firing tbody").as_deref(), Some("No alert firing"));
    assert!(browser.text("#accounts").is_some_and(|t| t.contains("treasury")));
    // The tab names the network, so two instances' tabs can be told apart.
    let network = browser.text("#network").unwrap_or_default();
    assert!(!network.is_empty());
    assert_eq!(browser.execute("return document.title"), format!("hmon status: {network}").as_str());
    // Down nodes named, each with its own error.
    let row = |node: &str| browser.text(&format!("#nodes tr[data-node=\"{node}\"]")).unwrap_or_default();
    let busy = browser.wait_for(LIVE, &shot, "node 1 down as busy", |b| {
        b.text("#nodes tr[data-node=\"1\"]").filter(|t| t.contains("precheck BUSY"))
    });
    assert!(busy.contains("0.0.4") && busy.contains("down"), "{busy}");
    assert!(row("2").contains("0.0.5") && row("2").contains("connection refused"), "{}", row("2"));
    assert!(!row("0").contains("down"), "{}", row("0"));
    assert_eq!(browser.text("#nodes-up").as_deref(), Some("1 of 3"));
    // Marks the document: a reload would lose the mark.
    browser.execute("window.hmonNotReloaded = true; return null");

    env.mirror.set_balance("0.0.1001", 500_000_000);
    browser.wait_for(LIVE, &shot, "the balance of 0.0.1001 as 5", |b| b.text(balance).filter(|t| t == "5"));
    let changed = browser.text("td[data-changed=\"0.0.1001\"]").unwrap_or_default();
    assert!(!changed.is_empty() && changed != "never", "the time of the change: {changed:?}");
    let firing = browser.wait_for(LIVE, &shot, "low-balance firing", |b| {
        b.text("#firing tr[data-rule=\"low-balance\"]").filter(|t| t.contains("treasury is low"))
    });
    assert!(firing.contains("label=treasury"), "{firing}");
    assert_eq!(browser.execute("return window.hmonNotReloaded === true"), true, "the page was reloaded");
    // The charts: the mirror lag and the balance (two values) in the last hour.
    browser.wait_for(LIVE, &shot, "the balance chart and its text summary", |b| {
        let want = "Balance of 0.0.1001 over the last hour: now 5 hbar, lowest 5 hbar, highest 50 hbar, 1 change.";
        b.text("#balance-summary").filter(|t| t == want)
    });
    assert_eq!(browser.find_all("#balance-chart path.line").len(), 1);
    browser.wait_for(LIVE, &shot, "the lag chart and its text summary", |b| {
        b.text("#lag-summary").filter(|t| t.starts_with("Mirror lag over the last hour: now "))
    });
    assert_eq!(browser.find_all("#lag-chart path.line").len(), 1);
    assert!(
        browser.text("#lag").is_some_and(|t| t != "unknown") && browser.text("#tps").is_some_and(|t| t != "unknown")
    );
    browser.wait_for(LIVE, &shot, "the live stream", |b| (connection(b) == "connected").then_some(()));
    assert_eq!(browser.text("#connection").as_deref(), Some("Live"));
    assert_eq!(browser.execute("return hmonProbe.openStreams()"), 1);
    assert!(browser.execute("return hmonProbe.timers()").as_u64() > Some(0), "the charts' timer runs");
    browser.screenshot(&shot);

    // The session ends elsewhere (another tab logs out): the server revokes it and ends its stream; the page
    // reconnects, learns that its session is over, clears what it showed and stops everything it runs.
    let name = format!("hmon_session_{}", addr.port());
    let value = browser.cookie(&name).unwrap_or_else(|| panic!("no cookie {name}"));
    assert_eq!(logout_elsewhere(addr, &format!("{name}={value}")), 204);
    browser.wait_for(LIVE, &shot, "signed out", |b| (connection(b) == "signed-out").then_some(()));
    assert_eq!(browser.execute("return document.getElementById('content').hidden"), true);
    assert_eq!(browser.execute("return document.getElementById('login').hidden"), false);
    assert!(browser.find_all("#accounts tbody tr").is_empty(), "the balances stay in the page");
    assert_eq!(browser.execute("return document.title"), "hmon status");
    assert_eq!(browser.execute("return hmonProbe.timers()"), 0, "a timer still runs behind the sign-in form");
    assert_eq!(browser.execute("return hmonProbe.openStreams()"), 0, "the stream is still open");

    // Signing in again starts everything again, in the same document.
    sign_in(&browser, &shot);
    browser.wait_for(LIVE, &shot, "the balance again", |b| b.text(balance).filter(|t| t == "5"));
    browser.wait_for(LIVE, &shot, "the live stream again", |b| (connection(b) == "connected").then_some(()));
    assert!(browser.execute("return hmonProbe.timers()").as_u64() > Some(0), "the charts' timer again");
    assert_eq!(browser.execute("return window.hmonNotReloaded === true"), true, "the page was reloaded");
    assert_clean_console(&browser, &[]);
}

#[cfg(unix)]
#[test]
fn the_status_page_keeps_reconnecting_until_the_server_is_back() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 5_000_000_000, &[]);
    config(&env, &[], "\n[collect]\ninterval = \"2s\"\n");
    let (serve, addr, _stderr) = serve_on_store(&env, "hmon.db", &[]);
    let shot = screenshot_path("status-page-reconnect");

    let browser = Browser::start();
    browser.goto(&format!("http://{addr}/"));
    let balance = "td[data-balance=\"0.0.1001\"]";
    browser.wait_for(LIVE, &shot, "the balance as 50", |b| b.text(balance).filter(|t| t == "50"));
    browser.wait_for(LIVE, &shot, "the live stream", |b| (connection(b) == "connected").then_some(()));
    browser.execute("window.hmonNotReloaded = true; return null");

    // The server goes away. The page says so and retries, pausing 1, 2, 4 then 8 s: a fourth attempt is past
    // the point where it used to give up.
    drop(serve);
    let status = browser.wait_for(LIVE, &shot, "a fourth attempt, 8 s after the third", |b| {
        b.text("#connection").filter(|t| t.starts_with("Reconnecting in 8 s (attempt 4)"))
    });
    assert_eq!(connection(&browser), "reconnecting", "{status}");
    assert_eq!(browser.text(balance).as_deref(), Some("50"), "what it showed stays while it reconnects");

    // Back on the same address (a new process, a new store), with a new balance: the page catches up.
    env.mirror.set_balance("0.0.1001", 500_000_000);
    let store = env.dir.path().join("hmon-again.db");
    let listen = addr.to_string();
    let args = ["--listen", listen.as_str(), "--store", store.to_str().expect("utf-8 path")];
    let (_serve, again, _stderr, _) = spawn_serve_with(&env, &args, &[]);
    assert_eq!(again, addr);
    browser.wait_for(LIVE, &shot, "the new balance", |b| b.text(balance).filter(|t| t == "5"));
    browser.wait_for(LIVE, &shot, "the live stream again", |b| (connection(b) == "connected").then_some(()));
    assert_eq!(browser.text("#connection").as_deref(), Some("Live"));
    assert_eq!(browser.execute("return window.hmonNotReloaded === true"), true, "the page was reloaded");
    browser.screenshot(&shot);
    // Chromium logs the stream cut by the kill and each refused connection; nothing else may appear.
    assert_clean_console(&browser, &["ERR_INCOMPLETE_CHUNKED_ENCODING", "ERR_CONNECTION_REFUSED"]);
}
