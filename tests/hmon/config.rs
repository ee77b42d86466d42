use hiero_sdk::PrivateKey;

use crate::{json_of, run, Env, FAST_RETRIES};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn path_prints_the_file_in_use() {
    let env = Env::start();
    let (code, stdout, _) = run(env.hmon().args(["config", "path"]));
    assert_eq!((code, stdout.trim()), (0, env.config_path().to_str().unwrap()));
    let (_, stdout, _) = run(env.hmon().env_remove("HMON_CONFIG").args(["config", "path"]));
    assert_eq!(stdout.trim(), env.dir.path().join("xdg/hmon/config.toml").to_str().unwrap());
}

#[test]
fn show_masks_secrets_and_names_sources() {
    let env = Env::start();
    let key = PrivateKey::generate_ed25519().to_string_der();
    env.write_config(&format!("{FAST_RETRIES}[operator]\naccount_id = \"0.0.1001\"\nprivate_key = \"{key}\"\n"));
    let out = json_of(env.hmon().env("HMON_NETWORK", "previewnet").args(["config", "show", "--json"]));
    let get = |k: &str| out.as_array().unwrap().iter().find(|e| e["key"] == k).cloned().unwrap();
    assert_eq!(get("network")["value"], "previewnet");
    assert_eq!(get("network")["source"], "env HMON_NETWORK");
    assert_eq!(get("mirror_url")["source"], "env HMON_MIRROR_URL");
    assert_eq!(get("timeout")["source"], "env HMON_TIMEOUT");
    assert_eq!(get("operator.account_id")["source"], "file");
    assert_eq!(get("operator.private_key")["value"], "********");
    assert_eq!(get("mirror.max_attempts")["value"], "3");
    assert_eq!(
        (get("serve.listen")["value"].as_str(), get("serve.listen")["source"].as_str()),
        (Some("127.0.0.1:8754"), Some("default"))
    );
    let (_, stdout, stderr) = run(env.hmon().args(["config", "show"]));
    assert!(!stdout.contains(&key[20..]) && !stderr.contains(&key[20..]));
}

#[test]
fn show_names_the_token_file_and_whether_the_token_is_set_never_the_token() {
    let env = Env::start();
    let token_file = env.dir.path().join("api-token");
    env.write_config(&format!("{FAST_RETRIES}[serve]\ntoken_file = {token_file:?}\n"));
    let show = |token: Option<&str>| {
        let mut cmd = env.hmon();
        if let Some(token) = token {
            cmd.env("HMON_API_TOKEN", token);
        }
        let (code, stdout, stderr) = run(cmd.args(["config", "show", "--json"]));
        assert_eq!(code, 0, "{stderr}");
        assert!(!stdout.contains("tok-sekrit") && !stderr.contains("tok-sekrit"), "{stdout}{stderr}");
        let out: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let get = |k: &str| out.as_array().unwrap().iter().find(|e| e["key"] == k).cloned().unwrap();
        (get("serve.token_file"), get("serve.api_token"))
    };
    let (file, token) = show(None);
    assert_eq!((file["value"].as_str(), file["source"].as_str()), (token_file.to_str(), Some("file")));
    assert_eq!((token["value"].as_str(), token["source"].as_str()), (Some("from token_file"), Some("file")));
    let (_, token) = show(Some("tok-sekrit"));
    assert_eq!((token["value"].as_str(), token["source"].as_str()), (Some("set"), Some("env HMON_API_TOKEN")));
    env.write_config(FAST_RETRIES);
    let (file, token) = show(None);
    assert_eq!((file["value"].as_str(), token["value"].as_str()), (None, None));
}

#[test]
fn mirror_url_credentials_are_masked_in_show_check_and_errors() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 1, &[]);
    let url = env.mirror.url.replace("http://", "http://mirror-user:hunter2@");
    let masked = env.mirror.url.replace("http://", "http://***@");
    let out = json_of(env.hmon().env("HMON_MIRROR_URL", &url).args(["config", "show", "--json"]));
    let shown = out.as_array().unwrap().iter().find(|e| e["key"] == "mirror_url").unwrap()["value"].clone();
    assert_eq!(shown, masked.as_str());
    for args in [&["config", "show"][..], &["config", "check"]] {
        let (code, stdout, stderr) = run(env.hmon().env("HMON_MIRROR_URL", &url).args(args));
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.contains(&masked) && !stdout.contains("hunter2") && !stderr.contains("hunter2"), "{stdout}");
    }
    let (code, stdout, _) = run(env.hmon().env("HMON_MIRROR_URL", &url).arg("--help"));
    assert_eq!(code, 0);
    assert!(stdout.contains("HMON_MIRROR_URL") && !stdout.contains("hunter2"), "help hides the value: {stdout}");
    let (code, _, stderr) = run(env.hmon().args(["--mirror-url", "ftp://mirror-user:hunter2@h", "config", "show"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("'ftp://***@h'") && !stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn a_mistyped_secret_is_not_echoed() {
    let env = Env::start();
    env.write_config(
        "[[webhooks]]\nname = \"ops\"\nurl = \"https://hooks.example.com/x\"\nheaders = \"Bearer tok-123\"\n",
    );
    let (code, stdout, stderr) = run(env.hmon().args(["config", "show"]));
    assert_eq!((code, stdout.as_str()), (3, ""));
    assert!(stderr.contains(":4:11: key 'webhooks.headers': invalid type: expected a map, found a string"), "{stderr}");
    assert!(!stderr.contains("tok-123"), "{stderr}");
}

#[test]
fn check_matches_the_key_against_the_account() {
    let env = Env::start();
    let private = PrivateKey::generate_ecdsa();
    env.mirror.account("0.0.1001", 1, &[]);
    env.mirror.set_account_key("0.0.1001", "ECDSA_SECP256K1", &hex(&private.public_key().to_bytes_raw()));
    let out = json_of(
        env.hmon()
            .env("OPERATOR_ID", "0.0.1001")
            .env("OPERATOR_KEY", private.to_string_der())
            .args(["config", "check", "--json"]),
    );
    assert_eq!(out["key_check"], "match (ECDSA_SECP256K1 key of 0.0.1001)");
    assert_eq!(out["key"], "DER (ECDSA_SECP256K1)");

    // A raw hex key is told apart (ED25519 or ECDSA) by the account's key.
    let (code, stdout, stderr) = run(env
        .hmon()
        .env("OPERATOR_ID", "0.0.1001")
        .env("OPERATOR_KEY", hex(&private.to_bytes_raw()))
        .args(["config", "check"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("match (ECDSA_SECP256K1 key of 0.0.1001)"), "{stdout}");
    assert!(!stdout.contains(&hex(&private.to_bytes_raw())) && !stderr.contains(&hex(&private.to_bytes_raw())));
}

#[test]
fn check_rejects_a_key_of_another_account() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 1, &[]);
    let key = PrivateKey::generate_ed25519().to_string_der();
    env.write_config(&format!("{FAST_RETRIES}[operator]\naccount_id = \"0.0.1001\"\nprivate_key = \"{key}\"\n"));
    let (code, stdout, stderr) = run(env.hmon().args(["config", "check", "--json"]));
    assert_eq!((code, stdout.as_str()), (3, ""));
    assert_eq!(
        stderr.trim(),
        "hmon: error: the operator private key does not belong to account 0.0.1001: its public key differs from the account's key"
    );
    assert!(!stderr.contains(&key[20..]));
}

#[test]
fn check_without_a_reachable_mirror_validates_locally_and_warns() {
    let env = Env::start();
    let key = PrivateKey::generate_ed25519().to_string_der();
    let dead = crate::mock_node::dead_address();
    let (code, stdout, stderr) = run(env
        .hmon()
        .env("HMON_MIRROR_URL", format!("http://{dead}"))
        .env("OPERATOR_ID", "0.0.1001")
        .env("OPERATOR_KEY", &key)
        .args(["config", "check", "--json"]));
    assert_eq!(code, 0, "{stderr}");
    let out: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(out["key_check"].as_str().unwrap().starts_with("skipped: cannot reach"), "{out}");
    assert!(
        stderr.starts_with("hmon: warning: operator key not checked against the account: cannot reach"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_world_readable_key_file_warns_once() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::start();
    env.mirror.account("0.0.1001", 1, &[]);
    let key = PrivateKey::generate_ed25519().to_string_der();
    env.write_config(&format!("{FAST_RETRIES}[operator]\naccount_id = \"0.0.1001\"\nprivate_key = \"{key}\"\n"));
    std::fs::set_permissions(env.config_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, _, stderr) = run(env.hmon().args(["balance", "0.0.1001"]));
    assert_eq!(code, 0);
    assert_eq!(stderr.matches("readable by others (mode 644)").count(), 1, "{stderr}");
    let (_, _, stderr) = run(env.hmon().args(["balance", "0.0.1001", "-q"]));
    assert_eq!(stderr, "", "--quiet silences warnings");
}

#[test]
fn a_missing_default_config_means_defaults() {
    let env = Env::start();
    env.mirror.account("0.0.1001", 1, &[]);
    let out = json_of(env.hmon().env_remove("HMON_CONFIG").args(["balance", "0.0.1001", "--json"]));
    assert_eq!(out[0]["tinybars"], 1);
}
