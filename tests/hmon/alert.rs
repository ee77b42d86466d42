//! `hmon alert add|list|remove|test` against a real config file and a local receiver.

use crate::receiver::{Answer, Receiver};
use crate::{json_of, run, Env, FAST_RETRIES};

#[test]
fn add_list_remove_edit_the_file_in_place() {
    let env = Env::start();
    let original = format!("# team monitor\n{FAST_RETRIES}\n[[webhooks]] # the on-call channel\nname = \"ops\"\nurl = \"http://127.0.0.1:9/hook\"\n");
    env.write_config(&original);
    let (code, _, stderr) = run(env.hmon().args([
        "alert",
        "add",
        "--name",
        "low",
        "--metric",
        "account_balance_hbar",
        "--label",
        "account=0.0.1001",
        "--condition",
        "<",
        "--threshold",
        "10",
        "--for",
        "5m",
        "--severity",
        "critical",
        "--webhook",
        "ops",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(env.config_path()).unwrap();
    assert!(text.starts_with(&original), "comments and layout kept:\n{text}");
    let listed = json_of(env.hmon().args(["alert", "list", "--json"]));
    assert_eq!(listed[0]["name"], "low");
    assert_eq!(listed[0]["labels"]["account"], "0.0.1001");
    assert_eq!((listed[0]["for"].as_str(), listed[0]["repeat"].as_str()), (Some("5m"), Some("4h")));
    assert_eq!(listed[0]["severity"], "critical");

    let (code, _, stderr) =
        run(env.hmon().args(["alert", "add", "--name", "low", "--metric", "network_tps", "--condition", "changed"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("a rule named 'low' exists already"), "{stderr}");

    let (code, _, _) = run(env.hmon().args(["alert", "remove", "low"]));
    assert_eq!(code, 0);
    assert_eq!(std::fs::read_to_string(env.config_path()).unwrap(), original);
    let (code, _, stderr) = run(env.hmon().args(["alert", "remove", "low"]));
    assert_eq!(code, 4);
    assert!(stderr.contains("no rule named 'low'"), "{stderr}");
}

#[test]
fn add_rejects_bad_definitions_with_exit_2() {
    let env = Env::start();
    let base = ["alert", "add", "--name", "r", "--metric", "account_balance_hbar"];
    let cases: &[(&[&str], &str)] = &[
        (&["--condition", "<"], "needs a threshold"),
        (&["--condition", "changed", "--threshold", "1"], "remove threshold"),
        (&["--condition", "~", "--threshold", "1"], "invalid condition '~'"),
        (&["--condition", "<", "--threshold", "1", "--for", "soon"], "invalid for 'soon'"),
        (&["--condition", "<", "--threshold", "1", "--severity", "urgent"], "invalid severity 'urgent'"),
        (&["--condition", "<", "--threshold", "1", "--webhook", "pager"], "unknown webhook 'pager'"),
        (&["--condition", "<", "--threshold", "1", "--label", "account"], "expected KEY=VALUE"),
        (&["--condition", "<", "--threshold", "1", "--summary", "{oops}"], "unknown placeholder {oops}"),
    ];
    for (extra, message) in cases {
        let (code, _, stderr) = run(env.hmon().args(base).args(*extra));
        assert_eq!(code, 2, "{extra:?}: {stderr}");
        assert!(stderr.contains(message), "{extra:?}: {stderr}");
    }
    assert_eq!(std::fs::read_to_string(env.config_path()).unwrap(), FAST_RETRIES, "nothing written");
}

#[test]
fn test_sends_a_marked_notification_and_reports_the_answer() {
    let env = Env::start();
    let ok = Receiver::start(&[]);
    let broken = Receiver::start(&[Answer::Status(503)]);
    env.write_config(&format!(
        "{FAST_RETRIES}[[webhooks]]\nname = \"ok\"\nurl = \"{}\"\n[[webhooks]]\nname = \"broken\"\nurl = \"{}\"\n\
         [[rules]]\nname = \"low\"\nmetric = \"account_balance_hbar\"\ncondition = \"<\"\nthreshold = 10.0\n",
        ok.url, broken.url
    ));
    let (code, stdout, stderr) = run(env.hmon().args(["alert", "test", "low", "--json"]));
    assert_eq!(code, 1, "one receiver refused: {stderr}");
    let results: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(results[0]["webhook"], "ok");
    assert_eq!((results[0]["ok"].as_bool(), results[0]["status"].as_u64()), (Some(true), Some(200)));
    assert_eq!((results[1]["ok"].as_bool(), results[1]["status"].as_u64()), (Some(false), Some(503)));
    let got = ok.wait_for(1, std::time::Duration::from_secs(10));
    assert_eq!(got[0].body["test"], true);
    assert!(got[0].body["summary"].as_str().unwrap().starts_with("[TEST]"));
    assert_eq!(broken.received().len(), 1, "a test is sent once, without retries");
}
