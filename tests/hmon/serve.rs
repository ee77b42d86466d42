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
pub fn spawn_serve(env: &Env, args: &[&str]) -> (Spawned, SocketAddr, mpsc::Receiver<String>) {
    let (child, addr, rx, _before) = spawn_serve_with(env, args, &[]);
    (child, addr, rx)
}

/// [`spawn_serve`] with environment variables; also returns the stderr lines before the address.
pub fn spawn_serve_with(
    env: &Env,
    args: &[&str],
    vars: &[(&str, &str)],
) -> (Spawned, SocketAddr, mpsc::Receiver<String>, Vec<String>) {
    let (child, rx) = spawn_piped(env, args, vars);
    let mut before = Vec::new();
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx.recv_timeout(left).unwrap_or_else(|e| panic!("no 'listening on' line on stderr: {e}"));
        if let Some(rest) = line.strip_prefix("hmon: listening on http://") {
            let addr = rest.split_whitespace().next().unwrap_or("").parse().expect("a socket address");
            return (child, addr, rx, before);
        }
        before.push(line);
    }
}

/// `hmon serve` on a loopback port of its choosing with the store `name` in the test's directory, and `vars`:
/// the process, its address and the rest of its stderr (dropping the channel would close the pipe).
pub fn serve_on_store(env: &Env, name: &str, vars: &[(&str, &str)]) -> (Spawned, SocketAddr, mpsc::Receiver<String>) {
    let store = env.dir.path().join(name);
    let args = ["--listen", "127.0.0.1:0", "--store", store.to_str().expect("utf-8 path")];
    let (child, addr, rx, _before) = spawn_serve_with(env, &args, vars);
    (child, addr, rx)
}

/// `hmon serve args` with `vars`, stderr piped into a channel line by line.
fn spawn_piped(env: &Env, args: &[&str], vars: &[(&str, &str)]) -> (Spawned, mpsc::Receiver<String>) {
    let child = env
        .std_command(assert_cmd::cargo::cargo_bin("hmon"))
        .arg("serve")
        .args(args)
        .envs(vars.iter().copied())
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
    (child, rx)
}

/// A plain HTTP/1.1 GET: (status, headers in lower case, body).
pub fn get(addr: SocketAddr, path: &str) -> (u16, String, String) {
    get_with(addr, path, "")
}

/// [`get`] with extra header lines (`Name: value\r\n` each).
fn get_with(addr: SocketAddr, path: &str, headers: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{headers}Connection: close\r\n\r\n", addr.port())
        .unwrap();
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
    assert!(head.contains(&format!("content-length: {}\r\n", body.len())), "{head}");
    assert_promtool_accepts(&body);
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
fn serve_help_tells_of_the_status_page_and_its_login() {
    let env = Env::start();
    let (code, stdout, _) = run(env.hmon().args(["serve", "--help"]));
    assert_eq!(code, 0);
    // clap wraps the text at the terminal's width: compare it as one line.
    let text = stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "Status page: open http://<listen address>/ in a browser",
        "the page asks for the token once",
        "session cookie (hmon_session_<port>) that reads but cannot change anything",
        "every request but /-/healthy, /-/ready and the page needs Authorization: Bearer <token>",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{stdout}");
    }
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

/// Sends SIGTERM and waits for exit 0; returns every stderr line after the ones already read.
#[cfg(unix)]
fn stop(mut child: Spawned, stderr: mpsc::Receiver<String>) -> Vec<String> {
    let _ = std::process::Command::new("kill").args(["-TERM", &child.0.id().to_string()]).status();
    assert_eq!(child.wait_within(Duration::from_secs(10)).code(), Some(0));
    // The process has exited: its stderr is closed, so the reader thread ends the channel.
    stderr.iter().collect()
}

#[cfg(unix)]
#[test]
fn with_a_token_metrics_need_it_and_the_token_never_reaches_the_log() {
    const TOKEN: &str = "e2e-Token-7f3a9c1d5b";
    let env = Env::start();
    env.mirror.account("0.0.1001", 500_000_000, &[]);
    config(&env, &[], "");
    let store = env.dir.path().join("hmon.db");
    let args = ["-v", "--listen", "127.0.0.1:0", "--store", store.to_str().expect("utf-8 path")];
    let (child, addr, stderr, before) = spawn_serve_with(&env, &args, &[("HMON_API_TOKEN", TOKEN)]);

    let (status, head, body) = get(addr, "/metrics");
    assert_eq!(status, 401, "{body}");
    assert!(head.contains("www-authenticate: bearer realm=\"hmon\""), "{head}");
    assert!(body.contains("\"missing_token\""), "{body}");
    let (status, _, body) = get_with(addr, "/metrics", "Authorization: Bearer e2e-Token-wrong\r\n");
    assert_eq!(status, 401);
    assert!(body.contains("\"invalid_token\""), "{body}");
    let (status, _, body) = get_with(addr, "/metrics", &format!("Authorization: Bearer {TOKEN}\r\n"));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("hmon_build_info{"), "{body}");
    assert_eq!(get(addr, "/-/healthy").0, 200, "health stays open");

    let mut lines = before;
    lines.extend(stop(child, stderr));
    let all = lines.join("\n");
    assert!(all.contains("http request") && all.contains("status=401"), "-v logs every request: {all}");
    assert!(all.contains("token=HMON_API_TOKEN"), "the start line names the token's source: {all}");
    assert!(!all.contains(TOKEN) && !all.contains("e2e-Token"), "a token reached stderr: {all}");
}

#[cfg(unix)]
#[test]
fn json_logs_put_only_json_on_stderr() {
    let env = Env::start();
    config(&env, &[], "");
    let store = env.dir.path().join("hmon.db");
    let args = ["--log-format", "json", "--listen", "127.0.0.1:0", "--store", store.to_str().expect("utf-8 path")];
    let (child, stderr) = spawn_piped(&env, &args, &[]);
    let event = |line: &str| -> serde_json::Value {
        serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"))
    };
    let addr: SocketAddr = loop {
        let line = stderr.recv_timeout(WAIT).expect("a 'serving' event");
        let doc = event(&line);
        if doc["fields"]["message"] == "serving" {
            assert_eq!(doc["level"], "INFO", "{line}");
            assert_eq!(doc["fields"]["token"], "none", "{line}");
            break doc["fields"]["address"].as_str().expect("the address").parse().expect("a socket address");
        }
    };
    assert_eq!(get(addr, "/-/healthy").0, 200);
    let messages: Vec<String> =
        stop(child, stderr).iter().map(|l| event(l)["fields"]["message"].as_str().unwrap_or("").to_string()).collect();
    assert!(messages.contains(&"stopping".to_string()) && messages.contains(&"stopped".to_string()), "{messages:?}");
}

#[test]
fn check_validates_the_token_and_allows_other_addresses_only_with_one() {
    const TOKEN: &str = "check-Token-41d0c";
    let env = Env::start();
    config(&env, &[], "");
    let base = std::fs::read_to_string(env.config_path()).unwrap();
    let check = |vars: &[(&str, &str)], extra: &[&str]| {
        let mut cmd = env.hmon();
        cmd.envs(vars.iter().copied()).args(["serve", "--check"]).args(extra);
        let (code, stdout, stderr) = run(&mut cmd);
        assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN), "the token was printed: {stdout}{stderr}");
        (code, stdout, stderr)
    };
    let anywhere = ["--listen", "0.0.0.0:8754"];

    let (code, _, stderr) = check(&[], &anywhere);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("not a loopback address") && stderr.contains("HMON_API_TOKEN"), "{stderr}");
    let (code, stdout, stderr) = check(&[], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("no API token: reads open, writes refused"), "{stdout}");

    let (code, stdout, stderr) = check(&[("HMON_API_TOKEN", TOKEN)], &anywhere);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("0.0.0.0:8754") && stdout.contains("API token from HMON_API_TOKEN"), "{stdout}");
    let (code, _, stderr) = check(&[("HMON_API_TOKEN", " ")], &[]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("HMON_API_TOKEN is empty"), "{stderr}");

    let file = env.dir.path().join("api-token");
    std::fs::write(&file, format!("{TOKEN}\n")).unwrap();
    env.write_config(&format!("{base}\n[serve]\ntoken_file = {file:?}\nhosts = [\"hmon.internal\"]\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (code, _, stderr) = check(&[], &anywhere);
        assert_eq!(code, 3, "{stderr}");
        assert!(stderr.contains("readable by others") && stderr.contains("chmod 600"), "{stderr}");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let (code, stdout, stderr) = check(&[], &anywhere);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("API token from [serve] token_file"), "{stdout}");
    let (code, stdout, stderr) = check(&[("HMON_API_TOKEN", "from-env")], &["--json"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("[serve] token_file") && stderr.contains("is ignored"), "both set: {stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (report["token"].as_str(), report["hosts"][0].as_str()),
        (Some("HMON_API_TOKEN"), Some("hmon.internal"))
    );

    std::fs::write(&file, "\n").unwrap();
    let (code, _, stderr) = check(&[], &[]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("key 'serve.token_file'") && stderr.contains("is empty"), "{stderr}");
    std::fs::remove_file(&file).unwrap();
    let (code, _, stderr) = check(&[], &[]);
    assert!(code == 3 && stderr.contains("no such file"), "{stderr}");

    env.write_config(&format!("{base}\n[serve]\nhosts = [\"hmon.internal:8754\"]\n"));
    let (code, _, stderr) = check(&[], &[]);
    assert!(code == 3 && stderr.contains("key 'serve.hosts'"), "{stderr}");
}

/// `promtool check metrics` (from Debian's prometheus package, installed by `.ci/install-deps`) reads `text` and
/// has nothing to say. Missing promtool fails the test: CI must run this check.
fn assert_promtool_accepts(text: &str) {
    let mut child = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run promtool ({e}): run `bash .ci/install-deps`"));
    child.stdin.take().expect("stdin is piped").write_all(text.as_bytes()).expect("write to promtool");
    let out = child.wait_with_output().expect("promtool runs");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && said.trim().is_empty(), "promtool check metrics: {said}\n{text}");
}
