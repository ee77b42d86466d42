//! hmon's one integration-test binary: the real `hmon` executable against a fake Mirror Node and mock consensus
//! nodes, all on 127.0.0.1. No test sends traffic anywhere else: every command gets a loopback mirror URL and a
//! private config file, and the user's environment (operator credentials, HMON_*) is removed.

mod fake_mirror;
mod mock_node;
mod receiver;

mod alert;
mod alertmanager;
mod bad_input;
mod balance;
mod canary;
mod collect;
mod config;
mod delivery;
mod durable;
mod examples;
mod fake_network;
mod generated;
mod hostile;
mod network;
mod nodes;
mod queue;
mod records;
mod resilience;
mod scale;
mod serve;
mod serve_api;
mod silence;
mod status_page;
mod tx;
mod watch;
mod webdriver;

use std::io::Read as _;
use std::path::PathBuf;
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

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
        let mut cmd = Command::from_std(self.std_command(assert_cmd::cargo::cargo_bin("hmon")));
        cmd.timeout(LIMIT);
        cmd
    }

    /// A process with this env's variables: `program` is `hmon`, or something that runs it (`script`).
    pub fn std_command(&self, program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        for var in [
            "OPERATOR_ID",
            "OPERATOR_KEY",
            "HMON_NETWORK",
            "HMON_TIMEOUT",
            "HMON_LOG",
            "HMON_API_TOKEN",
            "NO_COLOR",
            "RUST_BACKTRACE",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("HMON_MIRROR_URL", &self.mirror.url)
            .env("HMON_CONFIG", self.config_path())
            .env("HMON_TIMEOUT", "5s");
        cmd
    }

    /// Spawns `hmon args` with stdout piped (stderr discarded); killed when the guard drops.
    pub fn spawn(&self, args: &[&str]) -> Spawned {
        let child = self
            .std_command(assert_cmd::cargo::cargo_bin("hmon"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn hmon");
        Spawned(child)
    }

    /// Runs `hmon args` on a pseudo-terminal (util-linux `script`), as a person at a terminal would, and returns
    /// the exit code and everything the terminal received (stdout and stderr together).
    pub fn on_terminal(&self, args: &[&str]) -> (i32, String) {
        self.on_terminal_with(args, &[])
    }

    /// [`Env::on_terminal`] with extra environment variables.
    pub fn on_terminal_with(&self, args: &[&str], vars: &[(&str, &str)]) -> (i32, String) {
        let hmon = assert_cmd::cargo::cargo_bin("hmon");
        let line: Vec<String> =
            std::iter::once(hmon.display().to_string()).chain(args.iter().map(|a| a.to_string())).map(quoted).collect();
        let child = self
            .std_command("script")
            .args(["--quiet", "--return", "--command", &line.join(" "), "/dev/null"])
            .env("TERM", "xterm")
            .env("COLUMNS", "200")
            .envs(vars.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn script (util-linux)");
        let out = Spawned(child).output_within(LIMIT);
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// How long any one hmon process in a test may run before it is killed and the test fails.
pub const LIMIT: Duration = Duration::from_secs(60);

/// `text` as one POSIX shell word.
fn quoted(text: String) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// A child process that is killed and reaped when dropped, so a failing test leaves nothing running.
pub struct Spawned(pub Child);

impl Spawned {
    /// Waits for the process to exit, at most `limit`; past it the process is killed and the test fails. The
    /// standard library has no wait with a time limit, so this looks every 10 ms.
    pub fn wait_within(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.0.try_wait().expect("wait for hmon") {
                return status;
            }
            assert!(Instant::now() < deadline, "the process did not exit within {limit:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Collects stdout and stderr (whichever are piped) and waits at most `limit` for the exit.
    pub fn output_within(mut self, limit: Duration) -> std::process::Output {
        let pipe = |r: Option<Box<dyn std::io::Read + Send>>| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                if let Some(mut r) = r {
                    let _ = r.read_to_end(&mut buf);
                }
                buf
            })
        };
        let stdout = pipe(self.0.stdout.take().map(|s| Box::new(s) as _));
        let stderr = pipe(self.0.stderr.take().map(|s| Box::new(s) as _));
        let status = self.wait_within(limit);
        std::process::Output { status, stdout: stdout.join().expect("stdout"), stderr: stderr.join().expect("stderr") }
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
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
