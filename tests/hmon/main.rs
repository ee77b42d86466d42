//! hmon's one integration-test binary: the real `hmon` executable against a fake Mirror Node and mock consensus
//! nodes, all on 127.0.0.1. No test sends traffic anywhere else: every command gets a loopback mirror URL and a
//! private config file, and the user's environment (operator credentials, HMON_*) is removed.

mod fake_mirror;
mod mock_node;
mod receiver;

mod alert;
mod bad_input;
mod balance;
mod collect;
mod config;
mod delivery;
mod generated;
mod network;
mod nodes;
mod records;
mod resilience;
mod tx;
mod watch;

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

use fake_mirror::FakeMirror;

/// A fake mirror, a temporary home and a config file with fast retries.
pub struct Env {
    pub mirror: FakeMirror,
    pub dir: tempfile::TempDir,
}

/// Fast retries so fault tests take milliseconds, not seconds.
pub const FAST_RETRIES: &str = "[mirror]\nmax_attempts = 3\nbackoff = \"5ms\"\n";

impl Env {
    pub fn start() -> Env {
        let env = Env { mirror: FakeMirror::start(), dir: tempfile::tempdir().expect("tempdir") };
        env.write_config(FAST_RETRIES);
        env
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    /// Replaces the config file.
    pub fn write_config(&self, text: &str) {
        std::fs::write(self.config_path(), text).expect("write config");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(self.config_path(), std::fs::Permissions::from_mode(0o600)).expect("chmod");
        }
    }

    /// `hmon` with this env's mirror and config, and nothing of the caller's environment that could leak in.
    pub fn hmon(&self) -> Command {
        let mut cmd = Command::cargo_bin("hmon").expect("hmon binary");
        for var in
            ["OPERATOR_ID", "OPERATOR_KEY", "HMON_NETWORK", "HMON_TIMEOUT", "HMON_LOG", "NO_COLOR", "RUST_BACKTRACE"]
        {
            cmd.env_remove(var);
        }
        cmd.env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg"))
            .env("HMON_MIRROR_URL", &self.mirror.url)
            .env("HMON_CONFIG", self.config_path())
            .env("HMON_TIMEOUT", "5s")
            .timeout(std::time::Duration::from_secs(60));
        cmd
    }
}

/// An axum app served on its own thread and runtime (tests are synchronous); stopped and joined on drop.
pub struct Served {
    pub addr: std::net::SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Serves `app` on `listener` (already bound, so its address is usable at once).
pub fn serve(listener: std::net::TcpListener, app: axum::Router) -> Served {
    listener.set_nonblocking(true).expect("nonblocking");
    let addr = listener.local_addr().expect("local addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            tokio::select! {
                _ = axum::serve(listener, app) => {}
                _ = rx => {}
            }
        });
    });
    Served { addr, shutdown: Some(tx), thread: Some(thread) }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The first response body of a Mirror Node fixture (`tests/fixtures/mirror/<name>`), or of test number `index`.
pub fn fixture(name: &str, index: usize) -> Value {
    let path = format!("{}/tests/fixtures/mirror/{name}", env!("CARGO_MANIFEST_DIR"));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("fixture JSON");
    doc.get("tests").map_or(&doc, |t| &t[index])["responseJson"].clone()
}

/// Runs the command, expects success, and parses stdout as one JSON document.
pub fn json_of(cmd: &mut Command) -> Value {
    let out = cmd.output().expect("run hmon");
    assert!(out.status.success(), "hmon failed ({:?}): {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// Runs the command and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("run hmon");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
