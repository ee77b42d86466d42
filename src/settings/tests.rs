use super::*;

fn no_env(_: &str) -> Option<String> {
    None
}

fn with_config(text: &str) -> (tempfile::TempDir, Overrides) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, text).unwrap();
    let over = Overrides { config: Some(Setting::new(path, Source::Flag("--config"))), ..Default::default() };
    (dir, over)
}

#[test]
fn precedence_is_flag_then_file_then_default() {
    let (_d, mut over) = with_config("network = \"mainnet\"\ntimeout = \"3s\"\n");
    let s = Settings::resolve(over.clone(), no_env).unwrap();
    assert_eq!(s.network.value.name, "mainnet");
    assert_eq!(s.network.source, Source::File);
    assert_eq!(s.timeout.value, Duration::from_secs(3));
    assert_eq!(s.mirror_url.source, Source::Default);
    over.network = Some(Setting::new("previewnet".into(), Source::Env("HMON_NETWORK")));
    over.mirror_url = Some(Setting::new("http://127.0.0.1:9/api/v1/".into(), Source::Flag("--mirror-url")));
    let s = Settings::resolve(over, no_env).unwrap();
    assert_eq!(s.network.value.name, "previewnet");
    assert_eq!(s.mirror_url.value, "http://127.0.0.1:9");
}

#[test]
fn operator_falls_back_to_environment() {
    let (_d, over) = with_config("[operator]\naccount_id = \"0.0.5\"\n");
    let env = |k: &str| match k {
        "OPERATOR_ID" => Some("0.0.9".to_string()),
        "OPERATOR_KEY" => Some("abc".to_string()),
        _ => None,
    };
    let s = Settings::resolve(over, env).unwrap();
    assert_eq!(s.operator_id.unwrap().value, "0.0.5");
    let key = s.operator_key.unwrap();
    assert_eq!((key.value.expose(), key.source), ("abc", Source::Env("OPERATOR_KEY")));
}

#[test]
fn unknown_network_is_usage_from_flag_and_config_error_from_file() {
    let (_d, mut over) = with_config("network = \"nope\"\n");
    let err = Settings::resolve(over.clone(), no_env).unwrap_err();
    assert_eq!(err.kind(), crate::error::Exit::Config);
    over.network = Some(Setting::new("bogus".into(), Source::Flag("--network")));
    let err = Settings::resolve(over, no_env).unwrap_err();
    assert_eq!(err.kind(), crate::error::Exit::Usage);
    assert!(err.to_string().contains("unknown network 'bogus'"), "{err}");
}

#[test]
fn custom_networks_need_a_valid_mirror_url() {
    let (_d, over) = with_config("network = \"x\"\n[networks.x]\nledger_id = \"03\"\n");
    let err = Settings::resolve(over, no_env).unwrap_err().to_string();
    assert!(err.contains("key 'networks.x.mirror_url'"), "{err}");
    let (_d, over) = with_config("network = \"x\"\n[networks.x]\nmirror_url = \"ftp://h\"\n");
    let err = Settings::resolve(over, no_env).unwrap_err().to_string();
    assert!(err.contains(":3: key 'networks.x.mirror_url'") && err.contains("http or https"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_readable_file_warns_about_every_secret_it_holds() {
    use std::os::unix::fs::PermissionsExt;
    for (text, named) in [
        ("[operator]\nprivate_key = \"k\"\n", "operator private key"),
        ("[[webhooks]]\nname = \"ops\"\nurl = \"https://h/x\"\nsecret = \"s\"\n", "secret of webhook 'ops'"),
        ("[[webhooks]]\nname = \"ops\"\nurl = \"https://hooks.slack.com/services/T/B/x\"\n", "url of webhook 'ops'"),
        ("[[webhooks]]\nname = \"ops\"\nurl = \"https://h/x\"\nheaders = { A = \"b\" }\n", "headers of webhook 'ops'"),
        ("[networks.testnet]\nmirror_url = \"https://u:p@h\"\n", "credentials in the mirror_url of network 'testnet'"),
    ] {
        let (dir, over) = with_config(text);
        let path = dir.path().join("c.toml");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let s = Settings::resolve(over.clone(), no_env).unwrap();
        assert_eq!(s.warnings.len(), 1, "{text}");
        assert!(s.warnings[0].contains(named) && s.warnings[0].contains("chmod 600"), "{}", s.warnings[0]);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(Settings::resolve(over, no_env).unwrap().warnings.is_empty());
    }
    let (dir, over) = with_config("network = \"mainnet\"\n[[webhooks]]\nname = \"a\"\nurl = \"https://h.example\"\n");
    std::fs::set_permissions(dir.path().join("c.toml"), std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(Settings::resolve(over, no_env).unwrap().warnings.is_empty(), "nothing secret, no warning");
}

#[test]
fn debug_output_holds_no_secret() {
    let (_d, over) = with_config(
        "network = \"lab\"\n[operator]\naccount_id = \"0.0.2\"\nprivate_key = \"302e-key-material\"\n\
         [networks.lab]\nmirror_url = \"https://mirror-user:mirror-pass@127.0.0.1:9\"\n\
         [[webhooks]]\nname = \"ops\"\nurl = \"https://hooks.example.com/T0/tokentoken\"\nsecret = \"whsec-1\"\n\
         headers = { Authorization = \"Bearer tok-123\" }\n",
    );
    let s = Settings::resolve(over, no_env).unwrap();
    let text = format!("{s:?}");
    for secret in ["302e-key-material", "mirror-pass", "mirror-user", "tokentoken", "whsec-1", "tok-123"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert!(text.contains("https://***@127.0.0.1:9") && text.contains("Authorization"), "{text}");
}

#[test]
fn a_bad_mirror_url_is_quoted_without_its_credentials() {
    let err = normalize_mirror_url("ftp://user:hunter2@h").unwrap_err();
    assert!(err.contains("'ftp://***@h'") && !err.contains("hunter2"), "{err}");
}
