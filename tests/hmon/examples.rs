//! The files under `examples/` work as written: the systemd unit passes `systemd-analyze verify` (where present)
//! and its command line is one hmon accepts, the Prometheus config passes `promtool check config`, and the Grafana
//! dashboard queries only metric families that `/metrics` serves.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::{run, Env};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(example(name)).unwrap_or_else(|e| panic!("examples/{name}: {e}"))
}

/// A unit file's keys by section, each with every value it was given (comments and blank lines left out).
fn unit_keys(text: &str) -> BTreeMap<(String, String), Vec<String>> {
    let mut keys: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut section = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
            continue;
        }
        let (key, value) = line.split_once('=').unwrap_or_else(|| panic!("not key=value: {line}"));
        keys.entry((section.clone(), key.trim().to_string())).or_default().push(value.trim().to_string());
    }
    keys
}

#[test]
fn the_systemd_unit_is_hardened_and_passes_the_token_as_a_credential() {
    let text = read("hmon.service");
    let keys = unit_keys(&text);
    let get = |section: &str, key: &str| -> Vec<String> {
        keys.get(&(section.to_string(), key.to_string())).cloned().unwrap_or_else(|| panic!("no {section}.{key}"))
    };
    for (key, want) in [
        ("DynamicUser", "yes"),
        ("StateDirectory", "hmon"),
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("CapabilityBoundingSet", ""),
        ("Restart", "on-failure"),
        ("ExecReload", "kill -HUP $MAINPID"),
    ] {
        assert_eq!(get("Service", key), [want], "Service.{key}");
    }
    assert!(get("Service", "SystemCallFilter").contains(&"@system-service".to_string()));
    let families = get("Service", "RestrictAddressFamilies").join(" ");
    assert!(families.contains("AF_INET") && !families.contains("AF_NETLINK") && !families.contains("AF_PACKET"));
    let credentials = get("Service", "LoadCredential");
    assert!(credentials.contains(&"api-token:/etc/hmon/api-token".to_string()), "{credentials:?}");
    assert!(credentials.contains(&"config.toml:/etc/hmon/config.toml".to_string()), "{credentials:?}");
    // The config the comment shows names the token where systemd puts the credential (%d).
    assert!(text.contains("token_file = \"/run/credentials/hmon.service/api-token\""), "{text}");
    assert_eq!(get("Install", "WantedBy"), ["multi-user.target"]);

    // The command line is one hmon accepts: run it with --check, %d and %S made real.
    let exec = get("Service", "ExecStart").remove(0);
    let env = Env::start();
    let creds = env.dir.path().join("credentials");
    std::fs::create_dir(&creds).unwrap();
    let token = creds.join("api-token");
    std::fs::write(&token, "unit-token-3c9e\n").unwrap();
    std::fs::write(
        creds.join("config.toml"),
        format!("[serve]\nlisten = \"127.0.0.1:8754\"\ntoken_file = {token:?}\n[[accounts]]\nid = \"0.0.1001\"\n"),
    )
    .unwrap();
    #[cfg(unix)]
    for file in [&token, &creds.join("config.toml")] {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o400)).unwrap();
    }
    let line = exec.replace("%d", creds.to_str().unwrap()).replace("%S", env.dir.path().to_str().unwrap());
    let mut words = line.split_whitespace();
    assert_eq!(words.next(), Some("/usr/local/bin/hmon"), "{exec}");
    let args: Vec<&str> = words.collect();
    let (code, stdout, stderr) = run(env.hmon().env_remove("HMON_CONFIG").args(&args).arg("--check"));
    assert_eq!(code, 0, "{exec}: {stderr}");
    assert!(stdout.contains("API token from [serve] token_file"), "{stdout}");
    assert!(!stdout.contains("unit-token") && !stderr.contains("unit-token"));
}

/// `systemd-analyze verify`, where systemd is installed: no warning at all, with ExecStart pointing at this hmon.
#[test]
fn the_systemd_unit_passes_systemd_analyze_verify_where_present() {
    if Command::new("systemd-analyze").arg("--version").output().is_err() {
        eprintln!("systemd-analyze is not installed: the unit's keys are checked by the test above only");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let hmon = assert_cmd::cargo::cargo_bin("hmon");
    let unit = dir.path().join("hmon.service");
    std::fs::write(&unit, read("hmon.service").replace("/usr/local/bin/hmon", hmon.to_str().unwrap())).unwrap();
    let out = Command::new("systemd-analyze").args(["verify", "--man=no"]).arg(&unit).output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && said.trim().is_empty(), "systemd-analyze verify: {}: {said}", out.status);
}

#[test]
fn the_prometheus_config_passes_promtool_and_scrapes_hmon_with_a_bearer_file() {
    let text = read("prometheus.yml");
    assert!(text.contains(&format!("\"{}\"", hmon::serve::DEFAULT_LISTEN)), "scrapes the default address");
    assert!(text.contains("type: Bearer") && text.contains("credentials_file: hmon-api-token"), "{text}");
    // promtool checks that the credentials file exists, relative to the config: give it one beside the copy.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("prometheus.yml"), &text).unwrap();
    std::fs::write(dir.path().join("hmon-api-token"), "example-token\n").unwrap();
    let out = match Command::new("promtool").args(["check", "config"]).arg(dir.path().join("prometheus.yml")).output() {
        Ok(out) => out,
        Err(e) => panic!(
            "cannot run promtool ({e}): run `bash .ci/install-deps`, which provides it from Debian's prometheus package"
        ),
    };
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && said.contains("SUCCESS"), "promtool check config: {}: {said}", out.status);
}

/// Every `hmon_*` name in `text`.
fn metric_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("hmon_") {
        let before = rest[..at].chars().next_back();
        let tail = &rest[at..];
        let end = tail.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(tail.len());
        if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            names.push(tail[..end].to_string());
        }
        rest = &tail[end..];
    }
    names
}

/// Every query string of a dashboard: panel targets' `expr` and template variables' queries.
fn queries(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("expr" | "query" | "definition", Value::String(s)) => out.push(s.clone()),
                    _ => queries(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| queries(v, out)),
        _ => {}
    }
}

#[test]
fn the_grafana_dashboard_is_importable_and_queries_only_served_metrics() {
    let dashboard: Value = serde_json::from_str(&read("grafana-dashboard.json")).expect("valid JSON");
    let inputs = dashboard["__inputs"].as_array().expect("__inputs");
    assert!(
        inputs
            .iter()
            .any(|i| i["name"] == "DS_PROMETHEUS" && i["type"] == "datasource" && i["pluginId"] == "prometheus"),
        "{inputs:?}"
    );
    let panels = dashboard["panels"].as_array().expect("panels");
    let mut ids: Vec<u64> = panels.iter().map(|p| p["id"].as_u64().expect("a panel id")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), panels.len(), "panel ids are unique");
    for panel in panels {
        assert_eq!(panel["datasource"]["uid"], "${DS_PROMETHEUS}", "{}", panel["title"]);
        assert!(panel["gridPos"]["w"].as_u64().is_some_and(|w| w > 0), "{}", panel["title"]);
        assert!(!panel["targets"].as_array().expect("targets").is_empty(), "{}", panel["title"]);
    }

    let mut all = Vec::new();
    queries(&dashboard, &mut all);
    let served = hmon::serve::metrics::family_names();
    let mut used = Vec::new();
    for query in &all {
        for name in metric_names(query) {
            assert!(served.contains(&name), "{name} (in `{query}`) is not served by /metrics: {served:?}");
            used.push(name);
        }
    }
    for wanted in [
        "hmon_account_balance_hbar",
        "hmon_node_up",
        "hmon_node_latency_seconds",
        "hmon_mirror_lag_seconds",
        "hmon_network_tps",
        "hmon_alerts",
    ] {
        assert!(used.iter().any(|u| u == wanted), "no panel shows {wanted}");
    }
    assert_eq!(metric_names("x hmon_a{b} rate(hmon_c_total[5m]) not_hmon_d"), ["hmon_a", "hmon_c_total"]);
}
