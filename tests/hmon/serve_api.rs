//! `hmon serve`'s writing API and lifecycle end to end: a rule added over HTTP lands in the config file with its
//! comments, SIGHUP and `/-/reload` apply a good file and refuse a bad one, SIGTERM ends an open event stream.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use crate::serve::{get, serve_on_store};
use crate::watch::WAIT;
use crate::Env;

pub const TOKEN: &str = "test-token-5f1c";

const CONFIG: &str = "\
# Written by hand; hmon keeps this.
[mirror]
max_attempts = 3
backoff = \"5ms\"

[[accounts]]
id = \"0.0.1001\"
label = \"treasury\"

# The first rule.
[[rules]]
name = \"low-balance\"
metric = \"account_balance_hbar\"
condition = \"<\"
threshold = 10.0
";

/// One HTTP/1.1 request with the API token: (status, body).
pub fn request(addr: SocketAddr, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read the response");
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    (head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0), body.to_string())
}

fn serve(env: &Env) -> (crate::Spawned, SocketAddr, mpsc::Receiver<String>) {
    serve_on_store(env, "hmon.db", &[("HMON_API_TOKEN", TOKEN)])
}

/// Waits for a stderr line containing `what`.
fn wait_line(stderr: &mpsc::Receiver<String>, what: &str) -> String {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let line = stderr.recv_timeout(left).unwrap_or_else(|e| panic!("no stderr line with {what:?}: {e}"));
        if line.contains(what) {
            return line;
        }
    }
}

fn hangup(child: &crate::Spawned) {
    let _ = std::process::Command::new("kill").args(["-HUP", &child.0.id().to_string()]).status();
}

fn rule_names(addr: SocketAddr) -> Vec<String> {
    let (status, body) = request(addr, "GET", "/api/v1/rules", None);
    assert_eq!(status, 200, "{body}");
    let rules: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    rules.as_array().expect("an array").iter().map(|r| r["name"].as_str().unwrap_or("").to_string()).collect()
}

#[cfg(unix)]
#[test]
fn rules_added_over_the_api_and_reloads_change_the_running_daemon() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 500_000_000, &[]);
    env.write_config(CONFIG);
    let (child, addr, stderr) = serve(&env);

    let rule = r#"{"name": "mirror-slow", "metric": "mirror_lag_seconds", "condition": ">", "threshold": 30}"#;
    let (status, body) = request(addr, "POST", "/api/v1/rules", Some(rule));
    assert_eq!(status, 201, "{body}");
    let file = std::fs::read_to_string(env.config_path()).unwrap();
    assert!(file.starts_with("# Written by hand; hmon keeps this.\n"), "{file}");
    assert!(file.contains("# The first rule.") && file.contains("name = \"mirror-slow\""), "{file}");
    assert_eq!(rule_names(addr), ["low-balance", "mirror-slow"]);

    // A bad file is refused, by SIGHUP and by /-/reload, and the running rules carry on.
    env.write_config(&format!("{CONFIG}\n[[rules]]\nname = \"bad\"\n"));
    hangup(&child);
    wait_line(&stderr, "reload refused");
    let (status, body) = request(addr, "POST", "/-/reload", None);
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("config_invalid") && body.contains("the running one carries on"), "{body}");
    assert_eq!(rule_names(addr), ["low-balance", "mirror-slow"]);

    // A good file is applied, by SIGHUP and by /-/reload.
    env.write_config(CONFIG);
    hangup(&child);
    wait_line(&stderr, "configuration reloaded");
    assert_eq!(rule_names(addr), ["low-balance"]);
    env.write_config(&CONFIG.replace("threshold = 10.0", "threshold = 10.0\n\n[collect]\ninterval = \"7s\""));
    let (status, body) = request(addr, "POST", "/-/reload", None);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"restarted\":true"), "{body}");
    assert_eq!(get(addr, "/-/healthy").0, 200);
}

#[cfg(unix)]
#[test]
fn sigterm_ends_an_open_event_stream_and_exits_0() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 500_000_000, &[]);
    env.write_config(CONFIG);
    let (mut child, addr, _stderr) = serve(&env);

    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(stream, "GET /api/v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {TOKEN}\r\n\r\n").unwrap();
    // The stream is open once its head and a first event arrived.
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("event: ") {
        let n = stream.read(&mut buf).expect("read the stream");
        assert!(n > 0, "the stream ended early: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }
    assert!(String::from_utf8_lossy(&seen).starts_with("HTTP/1.1 200"), "{}", String::from_utf8_lossy(&seen));

    let _ = std::process::Command::new("kill").args(["-TERM", &child.0.id().to_string()]).status();
    // The stream ends (chunked encoding's last chunk, then the connection closes) and the process exits 0.
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
            Err(e) => panic!("the stream did not end: {e}"),
        }
    }
    assert!(String::from_utf8_lossy(&seen).ends_with("0\r\n\r\n"), "not a clean end of the stream");
    let status = child.wait_within(Duration::from_secs(10));
    assert_eq!(status.code(), Some(0));
}
