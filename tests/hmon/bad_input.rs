//! A table of bad inputs: each gets its documented exit code and a message that says what was wrong and what is
//! expected, on stderr as `hmon: error: ...`, with nothing on stdout and no panic.

use crate::{run, Env};

struct Case {
    args: &'static [&'static str],
    config: Option<&'static str>,
    code: i32,
    message: &'static str,
}

const fn case(args: &'static [&'static str], code: i32, message: &'static str) -> Case {
    Case { args, config: None, code, message }
}

const fn with_config(config: &'static str, args: &'static [&'static str], code: i32, message: &'static str) -> Case {
    Case { args, config: Some(config), code, message }
}

const CASES: &[Case] = &[
    case(&["balance", "0.0"], 2, "invalid account id '0.0': expected shard.realm.num"),
    case(&["balance", "0.0.abc"], 2, "invalid account id '0.0.abc'"),
    case(&["balance", "1234"], 2, "invalid account id '1234'"),
    case(&["balance", "0.0.1.2"], 2, "invalid account id '0.0.1.2'"),
    case(&["balance", "0.0.1001", "0.0.x"], 2, "invalid account id '0.0.x'"),
    case(
        &["balance", "0.0.255-hpphi"],
        2,
        "wrong checksum in '0.0.255-hpphi' for network testnet: expected 0.0.255-rdaor",
    ),
    case(&["balance", "0.0.255-RDAOR"], 2, "invalid checksum in '0.0.255-RDAOR': a checksum is 5 lower-case letters"),
    case(
        &["--network", "local", "balance", "0.0.255-rdaor"],
        2,
        "cannot verify the checksum in '0.0.255-rdaor': network 'local' has no known ledger id",
    ),
    case(&["balance", "0x1234"], 2, "invalid EVM address '0x1234': expected 0x followed by 40 hex digits"),
    case(&["balance"], 2, "the following required arguments were not provided"),
    case(&["records", "0.0.1001", "--limit", "0"], 2, "invalid value '0' for '--limit <N>': must be at least 1"),
    case(&["records", "0.0.1001", "--limit=-5"], 2, "invalid value '-5' for '--limit <N>': must be at least 1"),
    case(&["records", "0.0.1001", "--limit", "many"], 2, "expected a whole number of 1 or more"),
    case(&["records", "0.0.1001", "--since", "yesterday"], 2, "invalid --since 'yesterday': expected an RFC 3339 time"),
    case(&["records", "0.0.1001", "--until", "2h30"], 2, "invalid --until '2h30'"),
    case(&["records", "0.0.1001", "--since", "1h", "--until", "2h"], 2, "is after --until"),
    case(
        &["records", "0.0.1001", "--type", "CRYPTOTRANSFR"],
        2,
        "unknown transaction type (did you mean CRYPTOTRANSFER?)",
    ),
    case(&["records", "0.0.1001", "--result", "maybe"], 2, "invalid value 'maybe' for '--result <RESULT>'"),
    case(&["records", "0.0.1001", "--csv"], 2, "--csv and --json cannot be used together"),
    case(&["tx", "0.0.8@1234567890"], 2, "invalid transaction id '0.0.8@1234567890': expected a transaction id"),
    case(&["tx", "deadbeef"], 2, "invalid transaction id 'deadbeef'"),
    case(&["--timeout", "0s", "balance", "0.0.1"], 2, "invalid --timeout '0s': must be greater than zero"),
    case(&["--timeout", "10", "balance", "0.0.1"], 2, "invalid --timeout '10': expected a duration with a unit"),
    case(
        &["--network", "moonnet", "balance", "0.0.1"],
        2,
        "unknown network 'moonnet': expected one of mainnet, testnet, previewnet, local",
    ),
    case(
        &["--mirror-url", "ftp://example", "balance", "0.0.1"],
        2,
        "invalid mirror URL 'ftp://example': the scheme must be http or https",
    ),
    case(&["--color", "sometimes", "nodes"], 2, "invalid value 'sometimes' for '--color <WHEN>'"),
    case(&["frobnicate"], 2, "unrecognized subcommand 'frobnicate'"),
    case(&["nodes", "--ping", "--ping-timeout", "fast"], 2, "invalid --ping-timeout 'fast'"),
    with_config(
        "network = \"testnet\"\ntimeout = 5\n",
        &["balance", "0.0.1"],
        3,
        "config.toml:2:11: key 'timeout': invalid type: expected a string, found an integer",
    ),
    with_config(
        "netwrk = \"testnet\"\n",
        &["balance", "0.0.1"],
        3,
        "config.toml:1:1: key 'netwrk': unknown field `netwrk`",
    ),
    with_config("[operator\naccount_id = \"0.0.2\"\n", &["balance", "0.0.1"], 3, "invalid config file"),
    with_config(
        "network = \"moonnet\"\n",
        &["balance", "0.0.1"],
        3,
        "config.toml:1: key 'network': unknown network 'moonnet'",
    ),
    with_config(
        "[mirror]\nmax_attempts = 0\n",
        &["balance", "0.0.1"],
        3,
        "config.toml:2: key 'mirror.max_attempts': 0 is out of range",
    ),
    with_config(
        "[operator]\naccount_id = \"0.0.2\"\nprivate_key = \"not-a-key\"\n",
        &["config", "check"],
        3,
        "operator private key (file): the operator private key is not hex",
    ),
    with_config(
        "[operator]\naccount_id = \"0.0.2\"\n",
        &["config", "check"],
        3,
        "the operator account id is set but its private key is not",
    ),
    with_config(
        "[operator]\naccount_id = \"zero\"\nprivate_key = \"302e\"\n",
        &["config", "check"],
        3,
        "operator account id (file): invalid account id 'zero'",
    ),
    with_config(
        "",
        &["config", "check", "--require-operator"],
        3,
        "no operator credentials: set [operator] account_id and private_key",
    ),
];

#[test]
fn every_bad_input_gets_its_exit_code_and_a_clear_message() {
    let env = Env::start();
    let mut failures = Vec::new();
    for case in CASES {
        env.write_config(case.config.unwrap_or(crate::FAST_RETRIES));
        let (code, stdout, stderr) = run(env.hmon().args(case.args).arg("--json"));
        let ok = code == case.code
            && stdout.is_empty()
            && stderr.starts_with("hmon: error: ")
            && stderr.contains(case.message)
            && !stderr.contains("panicked")
            && !stderr.contains("RUST_BACKTRACE");
        if !ok {
            failures.push(format!(
                "{:?}: exit {code} (want {}), stdout {stdout:?}, stderr {stderr:?}",
                case.args, case.code
            ));
        }
    }
    assert!(CASES.len() >= 20);
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), CASES.len(), failures.join("\n"));
    assert!(env.mirror.requests().is_empty(), "bad input must be caught before any request");
}

#[test]
fn a_named_config_file_that_is_missing_is_a_config_error() {
    let env = Env::start();
    let (code, _, stderr) = run(env.hmon().args(["--config", "/nonexistent/hmon.toml", "balance", "0.0.1"]));
    assert_eq!(code, 3);
    assert_eq!(stderr.trim(), "hmon: error: cannot read config file /nonexistent/hmon.toml: no such file");
}

#[test]
fn help_and_version_go_to_stdout_with_success() {
    let env = Env::start();
    let (code, stdout, _) = run(env.hmon().arg("--help"));
    assert_eq!(code, 0);
    assert!(stdout.contains("Exit codes: 0 success"));
    let (code, stdout, _) = run(env.hmon().arg("--version"));
    assert_eq!((code, stdout.trim()), (0, format!("hmon {}", env!("CARGO_PKG_VERSION")).as_str()));
}

#[test]
fn local_failures_exit_5_and_name_the_path() {
    let env = Env::start();
    let file = env.dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let store = file.join("sub/hmon.db");
    let (code, _, stderr) = run(env.hmon().args(["watch", "--once", "--store", store.to_str().unwrap()]));
    assert_eq!(code, 5, "{stderr}");
    assert!(stderr.contains("cannot open the store") && stderr.contains("a-file/sub"), "{stderr}");
    // A config file that cannot be written, even by root: its directory would have to be made under a file.
    let config_home = file.join("xdg");
    let (code, _, stderr) = run(env.hmon().env_remove("HMON_CONFIG").env("XDG_CONFIG_HOME", &config_home).args([
        "alert",
        "add",
        "--name",
        "x",
        "--metric",
        "network_tps",
        "--condition",
        "<",
        "--threshold",
        "1",
    ]));
    assert_eq!(code, 5, "{stderr}");
    assert!(stderr.contains(&format!("cannot create {}", config_home.join("hmon").display())), "{stderr}");
}
