//! Text from the network is hostile input: anyone can send a 1-tinybar transfer with a memo of their choosing.
//! Every output mode shows it inert (control characters made visible), `--json` keeps it exact, and CSV cells
//! cannot start a spreadsheet formula. Templates filled with such text cannot loop.

use serde_json::{json, Value};

use crate::fake_mirror::Tx;
use crate::receiver::{Answer, Receiver};
use crate::{fixture, json_of, run, Env, FAST_RETRIES};

/// Retitles the window, clears the screen, and would be a formula in a spreadsheet.
const HOSTILE: &str = "\x1b]0;owned\x07\x1b[2J=HYPERLINK(\"x\")";
/// How hmon shows it.
const SHOWN: &str = "\\u{1b}]0;owned\\u{7}\\u{1b}[2J=HYPERLINK(\"x\")";

/// No terminal control sequence of the hostile text got through (colour codes of hmon's own may).
fn assert_inert(text: &str) {
    assert!(
        !text.contains("\x1b]") && !text.contains('\x07') && !text.contains("\x1b[2J"),
        "raw control text: {text:?}"
    );
}

/// Output for a pipe or a file carries no escape character at all.
fn assert_plain(text: &str) {
    assert!(!text.contains('\x1b') && !text.contains('\x07'), "raw control text: {text:?}");
}

fn env_with_memo(memo: &str) -> Env {
    let env = Env::start();
    env.mirror.transfer(Tx::new("0.0.1001", "0.0.2002", 5, 1_700_000_005).memo(memo));
    env
}

#[test]
fn records_show_a_hostile_memo_inert_in_rows_tables_and_csv_and_exact_in_json() {
    let env = env_with_memo(HOSTILE);

    let (code, stdout, stderr) = run(env.hmon().args(["records", "0.0.1001"]));
    assert_eq!(code, 0, "{stderr}");
    assert_plain(&stdout);
    assert!(stdout.trim_end().ends_with(&format!("\t{SHOWN}")), "the memo is the last field: {stdout}");

    let (code, screen) = env.on_terminal(&["records", "0.0.1001"]);
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("CRYPTOTRANSFER") && screen.contains("\\u{1b}]0;owned"), "{screen}");
    assert_inert(&screen);

    let (code, stdout, stderr) = run(env.hmon().args(["records", "0.0.1001", "--csv"]));
    assert_eq!(code, 0, "{stderr}");
    assert_plain(&stdout);
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(stdout.as_bytes()).records().map(Result::unwrap).collect();
    assert_eq!(&rows[0][7], SHOWN);

    let out = json_of(env.hmon().args(["records", "0.0.1001", "--json"]));
    assert_eq!(out[0]["memo"], HOSTILE, "JSON keeps the exact text");
}

#[test]
fn csv_text_cells_never_start_a_formula_and_numbers_stay_numbers() {
    let memos = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "a; =1, b", "plain memo"];
    let env = Env::start();
    for (i, memo) in memos.iter().enumerate() {
        env.mirror.transfer(Tx::new("0.0.1001", "0.0.2002", 5, 1_700_000_100 - i as i64).memo(*memo));
    }
    let (code, stdout, stderr) = run(env.hmon().args(["records", "0.0.1001", "--csv"]));
    assert_eq!(code, 0, "{stderr}");
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(stdout.as_bytes()).records().map(Result::unwrap).collect();
    let got: Vec<&str> = rows.iter().map(|r| &r[7]).collect();
    assert_eq!(
        got,
        ["'=HYPERLINK(\"http://x\",\"y\")", "'+1+1", "'-2+3", "'@SUM(A1)", "\\t=1", "a; =1, b", "plain memo"]
    );
    for row in &rows {
        assert_eq!((&row[5], &row[6]), ("100000", "-100005"), "amounts are plain numbers, negative ones included");
    }
    // Text cells are quoted (the timestamp too, so no spreadsheet reads it as a float), so a separator in them cannot
    // open a new cell; numbers are not.
    let line = stdout.lines().nth(1).unwrap();
    assert!(line.starts_with("\"1700000100.000000007\",\"2023-"), "{line}");
    assert!(line.contains("\"CRYPTOTRANSFER\",\"SUCCESS\",100000,-100005,\"'=HYPERLINK"), "{line}");
}

#[test]
fn tx_shows_a_hostile_memo_inert_and_json_keeps_it() {
    let env = env_with_memo(HOSTILE);
    let id = "0.0.1001@1700000000.000000000";
    let (code, stdout, stderr) = run(env.hmon().args(["tx", id]));
    assert_eq!(code, 0, "{stderr}");
    assert_plain(&stdout);
    assert!(stdout.contains(&format!("Memo\t{SHOWN}\n")), "{stdout}");
    let (code, screen) = env.on_terminal(&["tx", id]);
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains(&format!("Memo  {SHOWN}")), "{screen}");
    assert_inert(&screen);
    assert_eq!(json_of(env.hmon().args(["tx", id, "--json"]))[0]["memo"], HOSTILE);
}

#[test]
fn a_hostile_node_description_is_inert() {
    let env = Env::start();
    let mut body = fixture("network__nodes__no-params.json", 0);
    body["nodes"][0]["description"] = json!(HOSTILE);
    body["links"]["next"] = Value::Null;
    env.mirror.set_static("/api/v1/network/nodes", 200, body);
    let (code, stdout, stderr) = run(env.hmon().args(["nodes"]));
    assert_eq!(code, 0, "{stderr}");
    assert_plain(&stdout);
    assert!(stdout.lines().next().unwrap().contains(&format!("\t{SHOWN}\t")), "{stdout}");
    assert_eq!(json_of(env.hmon().args(["nodes", "--json"]))[0]["description"], HOSTILE);
}

#[test]
fn a_hostile_mirror_error_message_is_inert_on_stderr() {
    let env = Env::start();
    let body = json!({"_status": {"messages": [{"message": HOSTILE}]}});
    env.mirror.set_static("/api/v1/accounts/0.0.1001", 400, body);
    let (code, stdout, stderr) = run(env.hmon().args(["balance", "0.0.1001"]));
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_plain(&stderr);
    assert!(stderr.contains(SHOWN), "{stderr}");
}

fn watch_config(env: &Env, label: &str, hook: &str) {
    env.write_config(&format!(
        "{FAST_RETRIES}\n[[accounts]]\nid = \"0.0.1001\"\nlabel = {label:?}\n\n\
         [[webhooks]]\nname = \"ops\"\nurl = \"{hook}\"\nmax_attempts = 1\n\n\
         [[rules]]\nname = \"low\"\nmetric = \"account_balance_hbar\"\ncondition = \"<\"\nthreshold = 10.0\n\
         summary = \"{{labels.label}} is low: {{value}}\"\n"
    ));
}

#[test]
fn a_hostile_receiver_answer_is_inert_in_log_lines_and_exact_in_json_events() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 100, &[]);
    let receiver = Receiver::start(&[Answer::Body(400, HOSTILE)]);
    watch_config(&env, "treasury", &receiver.url);
    let (_, stdout, stderr) = run(env.hmon().args(["watch", "--once", "--json"]));
    assert_eq!(receiver.received().len(), 1);
    assert_plain(&stderr);
    assert!(stderr.contains("webhook notification dropped") && stderr.contains(SHOWN), "{stderr}");
    let dropped = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|e| e["type"] == "delivery" && e["event"] == "dropped")
        .unwrap_or_else(|| panic!("no dropped event in: {stdout}\n{stderr}"));
    assert_eq!(dropped["reason"], format!("HTTP 400: {HOSTILE}"));
}

#[test]
fn labels_that_look_like_placeholders_are_printed_as_they_are() {
    for label in ["x{labels.label}", "{value}"] {
        let env = Env::start();
        env.mirror.account("0.0.1001", 100, &[]);
        let receiver = Receiver::start(&[]);
        watch_config(&env, label, &receiver.url);
        let (code, _, stderr) = run(env.hmon().args(["watch", "--once", "--json"]));
        assert_eq!(code, 0, "{stderr}");
        let got = receiver.received();
        assert_eq!(got[0].body["summary"], format!("{label} is low: 0.000001"));
    }
}

#[test]
fn a_hostile_receiver_answer_is_inert_in_alert_test() {
    let env = Env::start();
    let receiver = Receiver::start(&[Answer::Body(500, HOSTILE), Answer::Body(200, HOSTILE)]);
    watch_config(&env, "treasury", &receiver.url);
    let (code, stdout, stderr) = run(env.hmon().args(["alert", "test", "low"]));
    assert_eq!(code, 1, "{stderr}");
    assert_plain(&stdout);
    assert!(stdout.starts_with(&format!("ops\t500\t{SHOWN}")), "{stdout}");
    assert_eq!(json_of(env.hmon().args(["alert", "test", "low", "--json"]))[0]["answer"], HOSTILE);
}
