//! Network faults: retries where safe, none where not, and a stuck server never hangs hmon.
//!
//! `balance 0.0.1001` is the vehicle: faults are scripted for its account request only (`...?`), which also shows
//! that the account's own failure is what is reported, whatever its concurrent tokens request got.

use std::time::Duration;

use crate::fake_mirror::{Fault, Tx};
use crate::mock_node::dead_address;
use crate::{json_of, run, Env, Spawned, LIMIT};

/// The account request of `balance 0.0.1001`, not its tokens request.
const ACCOUNT: &str = "/api/v1/accounts/0.0.1001?";

#[test]
fn server_errors_are_retried_until_success() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 1, &[]);
    env.mirror.faults(ACCOUNT, vec![Fault::Status(503), Fault::Status(500)]);
    let out = json_of(env.hmon().args(["balance", "0.0.1001", "--json"]));
    assert_eq!(out[0]["tinybars"], 1);
    assert_eq!(env.mirror.hits("/api/v1/accounts/0.0.1001"), 3);
}

#[test]
fn retry_after_is_honoured() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 1, &[]);
    env.mirror.faults(ACCOUNT, vec![Fault::RateLimited("1")]);
    json_of(env.hmon().args(["balance", "0.0.1001", "--json"]));
    let reqs: Vec<_> = env.mirror.requests().into_iter().filter(|r| r.path == "/api/v1/accounts/0.0.1001").collect();
    assert_eq!(reqs.len(), 2);
    let waited = reqs[1].at - reqs[0].at;
    assert!(waited >= Duration::from_millis(950), "waited only {waited:?} (backoff alone is 5 ms)");
}

#[test]
fn an_unreasonable_retry_after_fails_at_once_and_says_so() {
    let env = Env::start();
    env.mirror.faults(ACCOUNT, vec![Fault::RateLimited("120")]);
    let (code, _, stderr) = run(env.hmon().args(["balance", "0.0.1001"]));
    assert_eq!(code, 1);
    assert!(stderr.contains("is rate-limiting requests (HTTP 429); it asks to wait 2m"), "{stderr}");
    assert_eq!(env.mirror.hits("/api/v1/accounts/0.0.1001"), 1);
}

#[test]
fn persistent_rate_limiting_gives_up_after_the_attempts() {
    let env = Env::start();
    env.mirror.faults(ACCOUNT, vec![Fault::RateLimited("0"); 5]);
    let (code, _, stderr) = run(env.hmon().args(["balance", "0.0.1001"]));
    assert_eq!(code, 1);
    assert!(stderr.contains("(HTTP 429) on each of 3 attempts"), "{stderr}");
    assert_eq!(env.mirror.hits("/api/v1/accounts/0.0.1001"), 3);
}

#[test]
fn client_errors_are_not_retried() {
    let env = Env::start();
    env.mirror.faults(ACCOUNT, vec![Fault::Status(400)]);
    let (code, _, stderr) = run(env.hmon().args(["balance", "0.0.1001"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("rejected the request (HTTP 400): Bad Request"), "{stderr}");
    assert_eq!(env.mirror.hits("/api/v1/accounts/0.0.1001"), 1);
    let (code, _, _) = run(env.hmon().args(["balance", "0.0.4242"]));
    assert_eq!(code, 4);
    assert_eq!(env.mirror.hits("/api/v1/accounts/0.0.4242"), 1, "404 is not retried");
}

#[test]
fn a_server_that_never_answers_times_out_and_names_the_host() {
    let env = Env::start();
    env.mirror.faults(ACCOUNT, vec![Fault::Hang; 3]);
    // The command's own time limit (crate::LIMIT) kills a hmon that hangs, which fails the exit-code check.
    let (code, stdout, stderr) = run(env.hmon().args(["balance", "0.0.1001", "--json", "--timeout", "300ms"]));
    let host = env.mirror.url.trim_start_matches("http://");
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr.trim(),
        format!("hmon: error: {host} did not answer within 300ms (3 attempts); check the host or raise --timeout")
    );
}

#[test]
fn an_unreachable_mirror_is_a_network_error() {
    let env = Env::start();
    let dead = dead_address();
    let (code, _, stderr) =
        run(env.hmon().env("HMON_MIRROR_URL", format!("http://{dead}")).args(["balance", "0.0.1001"]));
    assert_eq!(code, 1);
    assert!(stderr.starts_with(&format!("hmon: error: cannot reach {dead}: connection failed")), "{stderr}");
    assert!(stderr.trim_end().ends_with("(3 attempts)"), "{stderr}");
}

#[test]
fn a_closed_pipe_exits_quietly() {
    use std::io::{BufRead, BufReader};
    let env = Env::start();
    for i in 0..1000 {
        env.mirror.transfer(Tx::new("0.0.1001", "0.0.2002", i, 1_700_000_000 + i).memo("padding padding padding"));
    }
    let mut child = env.std_command(assert_cmd::cargo::cargo_bin("hmon"));
    let child = child
        .args(["records", "0.0.1001", "--limit", "1000"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Spawned(child);
    let mut first = String::new();
    BufReader::new(child.0.stdout.take().unwrap()).read_line(&mut first).unwrap();
    // The reader is gone now, like `| head -1`.
    let out = child.output_within(LIMIT);
    assert!(first.starts_with("20"), "{first}");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn log_lines_are_coloured_only_on_a_terminal_and_never_with_no_color_or_color_never() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 1, &[]);
    let log_line = |screen: &str| -> String {
        screen.lines().find(|l| l.contains("mirror request")).unwrap_or_else(|| panic!("no log line: {screen}")).into()
    };
    let (code, screen) = env.on_terminal(&["-v", "balance", "0.0.1001"]);
    assert_eq!(code, 0, "{screen}");
    assert!(log_line(&screen).contains("\x1b["), "a terminal gets colour: {screen:?}");
    for (args, vars) in [
        (&["-v", "balance", "0.0.1001"][..], &[("NO_COLOR", "1")][..]),
        (&["-v", "--color", "never", "balance", "0.0.1001"], &[]),
    ] {
        let (code, screen) = env.on_terminal_with(args, vars);
        assert_eq!(code, 0, "{screen}");
        assert!(!log_line(&screen).contains('\x1b'), "{args:?} {vars:?}: {screen:?}");
    }
    let (code, _, stderr) = run(env.hmon().args(["-v", "balance", "0.0.1001"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("mirror request") && !stderr.contains('\x1b'), "a pipe gets none: {stderr:?}");
    let (_, _, stderr) = run(env.hmon().args(["-v", "--color", "always", "balance", "0.0.1001"]));
    assert!(stderr.contains("\x1b["), "--color always colours a pipe too: {stderr:?}");
}
