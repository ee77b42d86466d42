//! `hmon serve` forwarding to the REAL Alertmanager (Debian's `prometheus-alertmanager`, which `.ci/install-deps`
//! provides): the alert arrives with hmon's labels and annotations, resolves there when the condition clears, two
//! `hmon serve` make one alert, and `examples/alertmanager.yml` passes `amtool check-config`. A missing binary
//! fails these tests rather than skipping them.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hmon::timestamp::Timestamp;
use serde_json::Value;

use crate::serve::{get, serve_on_store};
use crate::watch::{config, WAIT};
use crate::{Env, Spawned};

/// A program from Debian's prometheus-alertmanager package: on PATH (install-deps links it there), else /usr/bin.
fn program(name: &str) -> PathBuf {
    let on_path =
        std::env::var_os("PATH").iter().flat_map(std::env::split_paths).map(|dir| dir.join(name)).find(|p| p.is_file());
    let path = on_path.unwrap_or_else(|| Path::new("/usr/bin").join(name));
    assert!(
        path.is_file(),
        "{name} is missing: run `bash .ci/install-deps`, which provides it from Debian's prometheus-alertmanager"
    );
    path
}

/// A running Alertmanager on 127.0.0.1 with clustering off and a null receiver; killed on drop.
struct Alertmanager {
    addr: SocketAddr,
    _process: Spawned,
    _dir: tempfile::TempDir,
}

impl Alertmanager {
    fn start() -> Alertmanager {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("alertmanager.yml");
        let text = "route:\n  receiver: \"null\"\n  group_wait: 1s\nreceivers:\n  - name: \"null\"\n";
        std::fs::write(&config, text).expect("write the config");
        let addr = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            listener.local_addr().expect("its address")
        };
        let child = Command::new(program("prometheus-alertmanager"))
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.path={}", dir.path().join("data").display()))
            .arg(format!("--web.listen-address={addr}"))
            .arg("--cluster.listen-address=")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start prometheus-alertmanager");
        let am = Alertmanager { addr, _process: Spawned(child), _dir: dir };
        wait_for(|| std::net::TcpStream::connect(addr).is_ok() && get(addr, "/-/ready").0 == 200, "/-/ready");
        am
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The alerts Alertmanager holds now (active, not resolved).
    fn alerts(&self) -> Vec<Value> {
        let (status, _, body) = get(self.addr, "/api/v2/alerts");
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<Value>(&body).expect("JSON").as_array().cloned().unwrap_or_default()
    }

    fn named(&self, name: &str) -> Vec<Value> {
        self.alerts().into_iter().filter(|a| a["labels"]["alertname"] == name).collect()
    }
}

/// Polls `done` every 100 ms for up to [`WAIT`].
fn wait_for(mut done: impl FnMut() -> bool, what: &str) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "not within {WAIT:?}: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The watch tests' config with fast cycles, forwarding to `am` with a short re-send delay and `serve` (more
/// `[serve]` keys).
fn forward_config(env: &Env, am: &Alertmanager, serve: &str) {
    config(env, &[], "");
    let mut text = std::fs::read_to_string(env.config_path()).expect("config");
    text.push_str(&format!(
        "\n[collect]\ninterval = \"2s\"\nbalance_refresh = \"2s\"\n\n[serve]\nresend_delay = \"1s\"\n\
         external_labels = {{ cluster = \"test\" }}\n{serve}\n\n[[alertmanagers]]\nurl = \"{}\"\ntimeout = \"2s\"\n",
        am.url()
    ));
    env.write_config(&text);
}

#[test]
fn alerts_reach_the_real_alertmanager_resolve_there_and_two_servers_make_one_alert() {
    let am = Alertmanager::start();
    let env = Env::start();
    env.mirror.account("0.0.1001", 500_000_000, &[]);
    forward_config(&env, &am, "");
    let (first, first_addr, _first_log) = serve_on_store(&env, "first.db", &[]);
    let (second, second_addr, _second_log) = serve_on_store(&env, "second.db", &[]);

    wait_for(|| !am.named("low-balance").is_empty(), "low-balance in Alertmanager");
    let alert = &am.named("low-balance")[0];
    let labels = &alert["labels"];
    assert_eq!(labels["severity"], "warning", "{alert}");
    assert_eq!((labels["account"].as_str(), labels["label"].as_str()), (Some("0.0.1001"), Some("treasury")));
    assert_eq!(labels["cluster"], "test", "{alert}");
    assert_eq!(alert["annotations"]["summary"], "treasury is low: 5 hbar", "{alert}");
    assert_eq!(alert["annotations"]["value"], "5", "{alert}");
    assert_eq!(alert["status"]["state"], "active", "{alert}");
    assert!(alert["generatorURL"].as_str().is_some_and(|u| u.starts_with("http://127.0.0.1:")), "{alert}");
    wait_for(|| am.named("HmonWatchdog").len() == 1, "the watchdog");
    // Once both servers have sent twice (each re-sends every second): still one alert of each.
    let sent = format!("hmon_alertmanager_sent_total{{alertmanager=\"{}\"}}", am.url());
    let sent_twice = |addr| metric(&get(addr, "/metrics").2, &sent).is_some_and(|n| n >= 2.0);
    wait_for(|| sent_twice(first_addr) && sent_twice(second_addr), "both servers sent twice");
    assert_eq!(am.named("low-balance").len(), 1, "{:?}", am.alerts());
    assert_eq!(am.named("HmonWatchdog").len(), 1, "{:?}", am.alerts());
    for addr in [first_addr, second_addr] {
        let (_, _, metrics) = get(addr, "/metrics");
        assert!(metrics.contains(&sent) && !metrics.contains(&format!("{sent} 0\n")), "both sent: {metrics}");
        assert!(metrics.contains("hmon_alertmanager_alerts{state=\"firing\"} 2\n"), "{metrics}");
    }

    // Resolution must come from hmon, not from Alertmanager letting the alert end: one server left, re-sending
    // hourly, so a firing alert is sent to last four hours.
    drop(second);
    let text = std::fs::read_to_string(env.config_path()).expect("config");
    env.write_config(&text.replace("resend_delay = \"1s\"", "resend_delay = \"1h\""));
    let _ = Command::new("kill").args(["-HUP", &first.0.id().to_string()]).status();
    let in_three_hours = Timestamp { secs: Timestamp::now().secs + 3 * 3600, nanos: 0 };
    wait_for(
        || {
            am.named("low-balance").first().and_then(|a| a["endsAt"].as_str().and_then(Timestamp::parse_rfc3339))
                > Some(in_three_hours)
        },
        "low-balance sent to last hours",
    );
    env.mirror.set_balance("0.0.1001", 50_000_000_000);
    wait_for(|| am.named("low-balance").is_empty(), "low-balance resolved in Alertmanager");
    assert_eq!(am.named("HmonWatchdog").len(), 1, "the watchdog keeps firing");
}

/// The value of the series `name{labels}` in `/metrics` text.
fn metric(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[cfg(unix)]
#[test]
fn with_nothing_to_send_up_is_true_and_a_reload_turns_the_watchdog_on_at_once() {
    let am = Alertmanager::start();
    let env = Env::start();
    // 500 hbar: low-balance does not fire; with the watchdog off there is nothing to send.
    env.mirror.account("0.0.1001", 50_000_000_000, &[]);
    forward_config(&env, &am, "watchdog = false");
    let (child, addr, _log) = serve_on_store(&env, "hmon.db", &[]);

    let up = format!("hmon_alertmanager_up{{alertmanager=\"{}\"}}", am.url());
    let sent = format!("hmon_alertmanager_sent_total{{alertmanager=\"{}\"}}", am.url());
    // The empty list Alertmanager takes is the probe: up and counted, with nothing in Alertmanager.
    wait_for(|| metric(&get(addr, "/metrics").2, &sent).is_some_and(|n| n >= 2.0), "two probes taken");
    let metrics = get(addr, "/metrics").2;
    assert_eq!(metric(&metrics, &up), Some(1.0), "{metrics}");
    assert_eq!(metric(&metrics, "hmon_alertmanager_alerts{state=\"firing\"}"), Some(0.0), "{metrics}");
    assert!(am.alerts().is_empty(), "{:?}", am.alerts());

    // The same file with the watchdog on, applied by SIGHUP without a restart.
    forward_config(&env, &am, "");
    let _ = Command::new("kill").args(["-HUP", &child.0.id().to_string()]).status();
    wait_for(|| am.named("HmonWatchdog").len() == 1, "the watchdog after the reload");
    let dog = &am.named("HmonWatchdog")[0];
    assert_eq!(dog["labels"]["cluster"], "test", "{dog}");
}

#[test]
fn the_example_alertmanager_config_passes_amtool() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/alertmanager.yml");
    let out = Command::new(program("amtool"))
        .args(["check-config", example.to_str().expect("utf-8 path")])
        .output()
        .expect("run amtool");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && said.contains("SUCCESS"), "amtool check-config: {said}");
}

#[test]
fn check_counts_alertmanagers_and_refuses_a_bad_entry_without_its_secrets() {
    let env = Env::start();
    config(&env, &[], "");
    let base = std::fs::read_to_string(env.config_path()).expect("config");
    env.write_config(&format!(
        "{base}\n[[alertmanagers]]\nurl = \"http://127.0.0.1:9093\"\nbearer_token = \"am-tok-1\"\n"
    ));
    let (code, stdout, stderr) = crate::run(env.hmon().args(["serve", "--check"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("1 alertmanagers"), "{stdout}");
    for (entry, want) in [
        ("url = \"http://u:am-pw-2@127.0.0.1:9093\"", "use basic_auth"),
        ("url = \"http://127.0.0.1:9093\"\nbearer_token = \"am-tok-1\"\ntimeout = \"soon\"", "timeout"),
        ("url = \"http://127.0.0.1:9093\"\ntoken = \"am-tok-1\"", "unknown field"),
    ] {
        env.write_config(&format!("{base}\n[[alertmanagers]]\n{entry}\n"));
        let (code, _, stderr) = crate::run(env.hmon().args(["serve", "--check"]));
        assert_eq!(code, 3, "{entry}: {stderr}");
        assert!(stderr.contains(want) && !stderr.contains("am-tok-1") && !stderr.contains("am-pw-2"), "{stderr}");
    }
    env.write_config(&format!("{base}\n[serve]\nexternal_labels = {{ \"bad-name\" = \"x\" }}\n"));
    let (code, _, stderr) = crate::run(env.hmon().args(["serve", "--check"]));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("serve.external_labels") && stderr.contains("invalid label name"), "{stderr}");
}

#[test]
fn check_warns_when_alerts_would_link_to_an_unspecified_address() {
    let env = Env::start();
    config(&env, &[], "");
    let base = std::fs::read_to_string(env.config_path()).expect("config");
    let am = "\n[[alertmanagers]]\nurl = \"http://127.0.0.1:9093\"\n";
    for (serve, warned) in [
        ("[serve]\nlisten = \"0.0.0.0:8754\"\n", true),
        ("[serve]\nlisten = \"0.0.0.0:8754\"\nexternal_url = \"https://hmon.example.com/\"\n", false),
        ("[serve]\nlisten = \"127.0.0.1:8754\"\n", false),
    ] {
        env.write_config(&format!("{base}\n{serve}{am}"));
        let (code, _, stderr) = crate::run(env.hmon().env("HMON_API_TOKEN", "t-1").args(["serve", "--check"]));
        assert_eq!(code, 0, "{serve}: {stderr}");
        assert_eq!(stderr.contains("set [serve] external_url"), warned, "{serve}: {stderr}");
    }
}
