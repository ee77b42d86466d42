//! `hmon serve` end to end: the real binary on 127.0.0.1 against the fake mirror.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::watch::{config, WAIT};
use crate::{run, Env, Spawned};

/// Spawns `hmon serve args` with stderr piped; returns the process (killed on drop), the address it printed and
/// the rest of its stderr, line by line.
fn spawn_serve(env: &Env, args: &[&str]) -> (Spawned, SocketAddr, mpsc::Receiver<String>) {
    let child = env
        .std_command(assert_cmd::cargo::cargo_bin("hmon"))
        .arg("serve")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hmon serve");
    let mut child = Spawned(child);
    let (tx, rx) = mpsc::channel();
    let stderr = child.0.stderr.take().expect("stderr is piped");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx.recv_timeout(left).unwrap_or_else(|e| panic!("no 'listening on' line on stderr: {e}"));
        if let Some(rest) = line.strip_prefix("hmon: listening on http://") {
            let addr = rest.split_whitespace().next().unwrap_or("").parse().expect("a socket address");
            return (child, addr, rx);
        }
    }
}

/// A plain HTTP/1.1 GET: (status, headers in lower case, body).
fn get(addr: SocketAddr, path: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", addr.port()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read the response");
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_string())
}

#[cfg(unix)]
#[test]
fn serve_gets_ready_exposes_metrics_and_stops_on_sigterm() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 500_000_000, &[]);
    config(&env, &[], "");
    let store = env.dir.path().join("state/hmon.db");
    let (mut child, addr, _stderr) =
        spawn_serve(&env, &["--listen", "127.0.0.1:0", "--store", store.to_str().expect("utf-8 path")]);
    assert!(addr.ip().is_loopback() && addr.port() != 0, "{addr}");

    assert_eq!(get(addr, "/-/healthy").0, 200);
    // A readiness poll, bounded: the first cycle of every collector takes as long as it takes.
    let deadline = Instant::now() + WAIT;
    loop {
        let (status, _, body) = get(addr, "/-/ready");
        if status == 200 {
            break;
        }
        assert_eq!(status, 503, "{body}");
        assert!(Instant::now() < deadline, "not ready within {WAIT:?}: {body}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (status, head, body) = get(addr, "/metrics");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/plain; version=0.0.4; charset=utf-8"), "{head}");
    assert!(body.contains("hmon_account_balance_hbar{account=\"0.0.1001\",label=\"treasury\"} 5"), "{body}");
    // The JSON API: the watched account's balance from the fake mirror, in the model and in the store.
    let (status, head, body) = get(addr, "/api/v1/status");
    assert_eq!(status, 200, "{body}");
    assert!(head.contains("content-type: application/json"), "{head}");
    let doc: serde_json::Value = serde_json::from_str(&body).expect("status is JSON");
    let account = &doc["accounts"][0];
    assert_eq!((account["account"].as_str(), account["label"].as_str()), (Some("0.0.1001"), Some("treasury")), "{doc}");
    assert_eq!(account["balance_hbar"].as_f64(), Some(5.0), "{doc}");
    let (status, _, body) = get(addr, "/api/v1/samples?name=account_balance_hbar&label=account:0.0.1001");
    assert_eq!(status, 200, "{body}");
    let doc: serde_json::Value = serde_json::from_str(&body).expect("samples are JSON");
    let run = &doc["samples"][0];
    assert_eq!((run["value"].as_f64(), run["labels"]["label"].as_str()), (Some(5.0), Some("treasury")), "{doc}");
    assert!(doc["next"].is_null(), "{doc}");
    let (status, _, body) = get(addr, "/api/v1/samples?limit=5000");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"bad_request\""), "{body}");
    let (status, _, body) = get(addr, "/nope");
    assert_eq!(status, 404);
    assert!(body.contains("\"not_found\""), "{body}");

    let _ = std::process::Command::new("kill").args(["-TERM", &child.0.id().to_string()]).status();
    let status = child.wait_within(Duration::from_secs(10));
    assert_eq!(status.code(), Some(0));
    assert!(TcpStream::connect(addr).is_err(), "still listening after exit");
    assert!(store.exists(), "the store was opened");
}

#[test]
fn check_validates_the_config_without_opening_the_store() {
    let env = Env::start();
    config(&env, &[], "");
    let (code, stdout, stderr) = run(env.hmon().args(["serve", "--check"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("configuration is valid") && stdout.contains("127.0.0.1:8754"), "{stdout}");
    assert!(!env.dir.path().join("data/hmon/hmon.db").exists(), "--check opened the store");

    let (code, _, stderr) = run(env.hmon().args(["serve", "--check", "--listen", "0.0.0.0:8754"]));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("loopback"), "{stderr}");

    let mut text = std::fs::read_to_string(env.config_path()).unwrap();
    text.push_str("\n[serve]\nlisten = \"nonsense\"\n");
    env.write_config(&text);
    let (code, _, stderr) = run(env.hmon().args(["serve", "--check"]));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("[serve] listen"), "{stderr}");

    env.write_config(&text.replace("listen = \"nonsense\"", "listen = \"[::1]:9\"\ntoken = \"x\""));
    let (code, _, stderr) = run(env.hmon().args(["serve", "--check"]));
    assert_eq!(code, 3, "an unknown key in [serve]: {stderr}");

    env.write_config(&text.replace("threshold = 10.0", "threshold = \"ten\""));
    let (code, _, stderr) = run(env.hmon().args(["serve", "--check"]));
    assert_eq!(code, 3, "a bad rule: {stderr}");
}
