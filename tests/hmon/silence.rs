//! `hmon alert silence add|list|remove` and the `Silenced` column of `hmon alert list`, on the store file under
//! the test's own data directory (or one given with `--store`).

use serde_json::Value;

use crate::{json_of, run, Env, FAST_RETRIES};

/// Two rules: `low` watches one account, `tps` every series of its metric.
fn env_with_rules() -> Env {
    let env = Env::start();
    env.write_config(&format!(
        "{FAST_RETRIES}[[rules]]\nname = \"low\"\nmetric = \"account_balance_hbar\"\nlabels = {{ account = \
         \"0.0.1001\" }}\ncondition = \"<\"\nthreshold = 10.0\n\n[[rules]]\nname = \"tps\"\nmetric = \
         \"network_tps\"\ncondition = \"changed\"\n"
    ));
    env
}

fn default_store(env: &Env) -> std::path::PathBuf {
    env.dir.path().join("data/hmon/hmon.db")
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array().expect("a JSON array").iter().map(|s| s["id"].as_str().expect("an id")).collect()
}

#[test]
fn add_list_remove_round_trip() {
    let env = env_with_rules();
    let long = json_of(env.hmon().args([
        "alert",
        "silence",
        "add",
        "--rule",
        "low",
        "--for",
        "2h",
        "--comment",
        "node upgrade",
        "--json",
    ]));
    assert_eq!(long["rule"], "low");
    assert_eq!(long["labels"], serde_json::json!({}));
    assert_eq!(long["comment"], "node upgrade");
    let starts = long["starts_at"].as_str().unwrap();
    let ends = long["ends_at"].as_str().unwrap();
    assert!(starts.ends_with('Z') && ends > starts, "{long}");
    assert_eq!(long["created_at"], long["starts_at"]);
    assert!(default_store(&env).exists(), "the default store is under the data directory");

    let (code, stdout, stderr) =
        run(env.hmon().args(["alert", "silence", "add", "--rule", "tps", "--label", "network=testnet", "--for", "1h"]));
    assert_eq!(code, 0, "{stderr}");
    let short = stdout.trim_end().to_string();
    assert!(short.len() >= 8 && short.bytes().all(|b| b.is_ascii_hexdigit()), "only the id: {stdout:?}");

    let listed = json_of(env.hmon().args(["alert", "silence", "list", "--json"]));
    assert_eq!(ids(&listed), [short.as_str(), long["id"].as_str().unwrap()], "soonest end first");
    assert_eq!(listed[0]["labels"]["network"], "testnet");
    assert_eq!(listed[1], long);

    let (code, stdout, _) = run(env.hmon().args(["alert", "silence", "list"]));
    assert_eq!(code, 0);
    let first: Vec<&str> = stdout.lines().next().unwrap().split('\t').collect();
    assert_eq!(first.len(), 5, "id, rule, labels, ends, comment: {stdout}");
    assert_eq!(&first[..3], [short.as_str(), "tps", "network=testnet"]);
    assert!(first[3].ends_with('Z'), "RFC 3339 in a pipe: {stdout}");

    let removed = json_of(env.hmon().args(["alert", "silence", "remove", &short, "--json"]));
    assert_eq!(removed["removed"], short.as_str());
    let listed = json_of(env.hmon().args(["alert", "silence", "list", "--all", "--json"]));
    assert_eq!(ids(&listed), [long["id"].as_str().unwrap()]);
}

#[test]
fn bad_input_exits_2_with_what_was_wrong_and_writes_nothing() {
    let env = env_with_rules();
    let cases: &[(&[&str], &str)] = &[
        (&["--rule", "high", "--for", "1h"], "unknown rule 'high': the config's rules are: low, tps"),
        (&["--rule", "low", "--for", "soon"], "invalid --for 'soon': expected a duration"),
        (&["--rule", "low", "--for", "0s"], "invalid --for '0s': must be greater than zero"),
        (&["--rule", "low", "--for", "20000d"], "a silence lasts from 1ms to 3650d"),
        (&["--rule", "low", "--for", "1h", "--label", "account"], "expected KEY=VALUE"),
        (&["--rule", "low", "--for", "1h", "--label", "a=1", "--label", "a=2"], "label 'a' is given twice"),
        (&["--rule", "low"], "--for <DURATION>"),
    ];
    for (extra, message) in cases {
        let (code, stdout, stderr) = run(env.hmon().args(["alert", "silence", "add"]).args(*extra));
        assert_eq!(code, 2, "{extra:?}: {stderr}");
        assert!(stderr.contains(message), "{extra:?}: {stderr}");
        assert_eq!(stdout, "", "{extra:?}");
    }
    assert!(!default_store(&env).exists(), "no store file for a refused silence");

    env.write_config(FAST_RETRIES);
    let (code, _, stderr) = run(env.hmon().args(["alert", "silence", "add", "--rule", "low", "--for", "1h"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown rule 'low': the config has no [[rules]]"), "{stderr}");
}

#[test]
fn a_silence_that_contradicts_the_rule_is_allowed() {
    let env = env_with_rules();
    let (code, _, stderr) = run(env.hmon().args([
        "alert",
        "silence",
        "add",
        "--rule",
        "low",
        "--label",
        "account=0.0.2002",
        "--for",
        "1h",
    ]));
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn removing_an_unknown_id_exits_4() {
    let env = env_with_rules();
    let (code, _, stderr) = run(env.hmon().args(["alert", "silence", "remove", "0123456789"]));
    assert_eq!(code, 4, "{stderr}");
    assert!(stderr.contains("no silence with id '0123456789'"), "{stderr}");
    assert!(!default_store(&env).exists(), "not created to look for nothing");

    run(env.hmon().args(["alert", "silence", "add", "--rule", "low", "--for", "1h"]));
    let (code, _, stderr) = run(env.hmon().args(["alert", "silence", "remove", "0123456789"]));
    assert_eq!(code, 4, "{stderr}");
    let (code, _, stderr) = run(env.hmon().args(["alert", "silence", "remove", "low"]));
    assert_eq!(code, 2, "not an id at all: {stderr}");
    assert!(stderr.contains("invalid silence id 'low': expected 10 hex digits"), "{stderr}");
}

#[test]
fn alert_list_shows_until_when_each_rule_is_silenced() {
    let env = env_with_rules();
    let rules = json_of(env.hmon().args(["alert", "list", "--json"]));
    assert_eq!(rules[0]["silenced_until"], Value::Null);
    assert_eq!(rules[0]["silences"], serde_json::json!([]));
    assert!(!default_store(&env).exists(), "listing does not create the store");

    let whole = json_of(env.hmon().args([
        "alert",
        "silence",
        "add",
        "--rule",
        "low",
        "--label",
        "account=0.0.1001",
        "--for",
        "2h",
        "--json",
    ]));
    let part = json_of(env.hmon().args([
        "alert",
        "silence",
        "add",
        "--rule",
        "tps",
        "--label",
        "network=testnet",
        "--for",
        "1h",
        "--json",
    ]));
    let rules = json_of(env.hmon().args(["alert", "list", "--json"]));
    assert_eq!((rules[0]["name"].as_str(), rules[1]["name"].as_str()), (Some("low"), Some("tps")));
    assert_eq!(rules[0]["silenced_until"], whole["ends_at"], "the rule's own label: every series is muted");
    assert_eq!(rules[0]["silences"], serde_json::json!([whole]));
    assert_eq!(rules[1]["silenced_until"], Value::Null, "only the testnet series are muted");
    assert_eq!(rules[1]["silences"], serde_json::json!([part]));
    assert_eq!(rules[0]["for"], "0s", "the existing keys stay");

    let (code, stdout, _) = run(env.hmon().args(["alert", "list"]));
    assert_eq!(code, 0);
    let silenced: Vec<&str> = stdout.lines().map(|l| l.rsplit('\t').next().unwrap()).collect();
    assert_eq!(
        silenced,
        [
            format!("until {}", whole["ends_at"].as_str().unwrap()),
            format!("partly until {}", part["ends_at"].as_str().unwrap())
        ]
    );
}

#[test]
fn tables_on_a_terminal_show_the_end_as_a_clock_and_a_distance() {
    let env = env_with_rules();
    let (code, _, _) = run(env.hmon().args(["alert", "silence", "add", "--rule", "low", "--for", "3d"]));
    assert_eq!(code, 0);
    let (code, screen) = env.on_terminal(&["alert", "silence", "list"]);
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("Ends") && screen.contains("in 2d 23h (") && screen.contains(" UTC)"), "{screen}");
    let (code, screen) = env.on_terminal(&["alert", "list"]);
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("Silenced") && screen.contains("until 20"), "a date three days on: {screen}");
}

#[test]
fn an_explicit_store_is_used_and_a_missing_one_is_not_created() {
    let env = env_with_rules();
    let store = env.dir.path().join("elsewhere/watch.db");
    let store = store.to_str().unwrap();
    let (code, stdout, stderr) = run(env.hmon().args(["alert", "silence", "list", "--store", store]));
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    assert!(stderr.contains("there is no store file") && stderr.contains("watch.db"), "{stderr}");
    assert!(!std::path::Path::new(store).exists());

    let added = json_of(
        env.hmon().args(["alert", "silence", "add", "--rule", "tps", "--for", "1h", "--store", store, "--json"]),
    );
    let listed = json_of(env.hmon().args(["alert", "silence", "list", "--store", store, "--json"]));
    assert_eq!(ids(&listed), [added["id"].as_str().unwrap()]);
    let rules = json_of(env.hmon().args(["alert", "list", "--store", store, "--json"]));
    assert_eq!(rules[1]["silenced_until"], added["ends_at"]);
    let listed = json_of(env.hmon().args(["alert", "silence", "list", "--json"]));
    assert_eq!(listed, serde_json::json!([]), "the default store has none");
}
