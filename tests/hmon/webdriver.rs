//! A minimal W3C WebDriver client over plain HTTP/1.1 on 127.0.0.1: headless Chromium driven by `chromedriver`.
//!
//! Raw JSON over a `TcpStream` rather than a client crate (fantoccini, thirtyfour) or Python's selenium: the
//! handful of commands a test needs is a few lines each, and it adds no dependency, no build time and no second
//! language to the test run. Missing `chromedriver` or `chromium` fails the test (never skips it), naming the
//! Debian packages; `.ci/install-deps` installs both.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};

use crate::Spawned;

/// The key of an element reference in W3C WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A browser session; the session is deleted (Chromium exits) and chromedriver killed on drop.
pub struct Browser {
    /// chromedriver, killed when the browser drops (after the session is deleted).
    _driver: Spawned,
    addr: SocketAddr,
    session: String,
}

/// `program` on PATH, or a failure naming the Debian package to install.
fn require(program: &str, package: &str) -> String {
    let found = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file()))
        .unwrap_or_default();
    let Some(found) = found else {
        panic!("{program} is not on PATH: install the Debian package {package} (.ci/install-deps does)");
    };
    found.display().to_string()
}

impl Browser {
    /// Starts chromedriver on a free loopback port and a headless Chromium session.
    pub fn start() -> Browser {
        let chromedriver = require("chromedriver", "chromium-driver");
        let chromium = require("chromium", "chromium");
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let child = std::process::Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn chromedriver");
        let driver = Spawned(child);
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(20);
        while http(addr, "GET", "/status", None).map_or(true, |(_, v)| v["value"]["ready"] != true) {
            assert!(Instant::now() < deadline, "chromedriver did not get ready on {addr}");
            std::thread::sleep(Duration::from_millis(50));
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1000,1400", "--no-first-run", "--no-default-browser-check"],
            },
        }}});
        let mut browser = Browser { _driver: driver, addr, session: String::new() };
        let answer = browser.call("POST", "/session", Some(capabilities));
        browser.session = answer["sessionId"].as_str().expect("a session id").to_string();
        browser
    }

    /// One command: its `value`, or a panic with WebDriver's error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = if path == "/session" { path.to_string() } else { format!("/session/{}{path}", self.session) };
        let (status, answer) =
            http(self.addr, method, &path, body.as_ref()).unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        assert!(status == 200, "WebDriver {method} {path}: HTTP {status}: {answer}");
        answer["value"].clone()
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    /// The elements matching a CSS selector (none is not an error).
    pub fn find_all(&self, css: &str) -> Vec<String> {
        let found = self.call("POST", "/elements", Some(json!({"using": "css selector", "value": css})));
        found.as_array().into_iter().flatten().filter_map(|e| e[ELEMENT].as_str().map(String::from)).collect()
    }

    /// The rendered text of the first element matching `css`, if any.
    pub fn text(&self, css: &str) -> Option<String> {
        let element = self.find_all(css).into_iter().next()?;
        self.call("GET", &format!("/element/{element}/text"), None).as_str().map(String::from)
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let element = self.find_all(css).into_iter().next().unwrap_or_else(|| panic!("no element {css}"));
        self.call("POST", &format!("/element/{element}/value"), Some(json!({ "text": text })));
    }

    pub fn click(&self, css: &str) {
        let element = self.find_all(css).into_iter().next().unwrap_or_else(|| panic!("no element {css}"));
        self.call("POST", &format!("/element/{element}/click"), Some(json!({})));
    }

    /// Runs `script` in the page and returns its value.
    pub fn execute(&self, script: &str) -> Value {
        self.call("POST", "/execute/sync", Some(json!({ "script": script, "args": [] })))
    }

    /// Runs `source` in every page this browser opens from now on, before the page's own scripts (Chromium's
    /// DevTools protocol through chromedriver; the page's Content Security Policy does not apply to it).
    pub fn before_each_page(&self, source: &str) {
        let command = json!({ "cmd": "Page.addScriptToEvaluateOnNewDocument", "params": { "source": source } });
        self.call("POST", "/goog/cdp/execute", Some(command));
    }

    /// The value of the current page's cookie `name`, HttpOnly ones included (scripts cannot read those).
    pub fn cookie(&self, name: &str) -> Option<String> {
        let found = self.call("GET", "/cookie", None);
        found.as_array()?.iter().find(|c| c["name"] == name).and_then(|c| c["value"].as_str()).map(String::from)
    }

    /// The browser console's entries since the last call (chromedriver's log endpoint).
    pub fn console(&self) -> Vec<Value> {
        self.call("POST", "/se/log", Some(json!({ "type": "browser" }))).as_array().cloned().unwrap_or_default()
    }

    /// Saves a PNG of the viewport to `path`.
    pub fn screenshot(&self, path: &Path) {
        let data = self.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD.decode(data.as_str().unwrap_or("")).expect("base64 PNG");
        std::fs::write(path, png).expect("write the screenshot");
    }

    /// Polls every 100 ms until `check` returns `Some`, at most `limit`; past it, saves a screenshot to `shot` and
    /// fails with `what` and the last text seen.
    pub fn wait_for<T>(
        &self,
        limit: Duration,
        shot: &Path,
        what: &str,
        mut check: impl FnMut(&Browser) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(found) = check(self) {
                return found;
            }
            if Instant::now() > deadline {
                self.screenshot(shot);
                let body = self.text("body").unwrap_or_default();
                panic!("{what}: not within {limit:?} (screenshot: {}); the page says:\n{body}", shot.display());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(self.addr, "DELETE", &format!("/session/{}", self.session), None);
        }
    }
}

/// One HTTP/1.1 request to chromedriver: (status, JSON body).
fn http(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> std::io::Result<(u16, Value)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    // chromedriver answers `Connection: close` but keeps the socket open: read by Content-Length.
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let (head_end, length) = loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::Error::other("the connection closed before the answer's head"));
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..at]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            break (at + 4, length);
        }
    };
    match length {
        Some(length) => {
            while raw.len() < head_end + length {
                let n = stream.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                raw.extend_from_slice(&buf[..n]);
            }
        }
        None => {
            stream.read_to_end(&mut raw)?;
        }
    }
    let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = String::from_utf8_lossy(&raw[head_end..]).into_owned();
    let body = if head.contains("transfer-encoding: chunked") { dechunk(&body) } else { body };
    Ok((status, serde_json::from_str(&body).unwrap_or(Value::Null)))
}

/// The payload of a chunked body.
fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else { break };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}
