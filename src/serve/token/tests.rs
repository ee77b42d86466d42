//! Where the token comes from, what is refused, and that no error or `Debug` shows it.

use std::os::unix::fs::PermissionsExt as _;

use super::*;
use crate::error::exit_code;

const TOKEN: &str = "s3cr3t-T0ken_value";

/// A config file with `[serve] token_file` naming `token` (written with `mode`) in a temporary directory.
fn setup(token: &[u8], mode: u32) -> (tempfile::TempDir, LoadedConfig, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("api-token");
    std::fs::write(&file, token).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, format!("[serve]\nlisten = \"127.0.0.1:1\"\ntoken_file = {:?}\n", file)).unwrap();
    let loaded = LoadedConfig::load(&config, true).unwrap();
    (dir, loaded, file)
}

fn refused(result: Result<Option<Resolved>, Error>) -> String {
    let err = result.unwrap_err();
    assert_eq!(exit_code(&err.clone().into()).code(), 3, "{err}");
    let text = err.to_string();
    assert!(!text.contains(TOKEN) && !text.contains("s3cr3t"), "the error shows the token: {text}");
    text
}

#[test]
fn a_token_file_loses_its_trailing_line_breaks_only() {
    for (content, want) in [
        (format!("{TOKEN}\n"), TOKEN.to_string()),
        (format!("{TOKEN}\r\n"), TOKEN.to_string()),
        (TOKEN.to_string(), TOKEN.to_string()),
        (format!("{TOKEN}\n\n"), TOKEN.to_string()),
    ] {
        let (_dir, config, file) = setup(content.as_bytes(), 0o600);
        let resolved = resolve(&config, None).unwrap().unwrap();
        assert_eq!(resolved.token.expose(), want);
        assert_eq!(resolved.source, TokenSource::File(file));
        assert!(resolved.ignored_file.is_none());
    }
    let (_dir, config, _file) = setup(b"  padded\n", 0o400);
    let err = refused(resolve(&config, None));
    assert!(err.contains("printable ASCII without spaces"), "{err}");
}

#[test]
fn a_token_file_readable_by_group_or_others_is_refused() {
    for mode in [0o640, 0o604, 0o644] {
        let (_dir, config, file) = setup(TOKEN.as_bytes(), mode);
        let err = refused(resolve(&config, None));
        assert!(err.contains("readable by others") && err.contains(&format!("chmod 600 {}", file.display())), "{err}");
        assert!(err.contains("key 'serve.token_file'"), "{err}");
    }
}

#[test]
fn empty_blank_missing_or_huge_token_files_are_refused() {
    for (content, said) in [
        (&b""[..], "is empty"),
        (b"\n", "is empty"),
        (b"   \t\n", "is empty"),
        (b"two words", "printable ASCII"),
        (b"caf\xc3\xa9", "printable ASCII"),
        (b"\xff\xfe", "not UTF-8"),
    ] {
        let (_dir, config, _file) = setup(content, 0o600);
        let err = refused(resolve(&config, None));
        assert!(err.contains(said), "{content:?}: {err}");
    }
    let (_dir, config, file) = setup(&vec![b'a'; MAX_FILE_LEN as usize + 1], 0o600);
    assert!(refused(resolve(&config, None)).contains("larger than"));
    std::fs::remove_file(&file).unwrap();
    assert!(refused(resolve(&config, None)).contains("no such file"));
    std::fs::create_dir(&file).unwrap();
    assert!(refused(resolve(&config, None)).contains("not a regular file"));
}

#[test]
fn the_environment_wins_over_the_file_which_is_then_not_read() {
    // The file would be refused (readable by others); as the environment wins, it is not even read.
    let (_dir, config, file) = setup(b"file-token", 0o644);
    let resolved = resolve(&config, Some("env-token".into())).unwrap().unwrap();
    assert_eq!(resolved.token.expose(), "env-token");
    assert_eq!(resolved.source, TokenSource::Env);
    assert_eq!(resolved.ignored_file, Some(file));
    assert_eq!(resolved.source.to_string(), "HMON_API_TOKEN");
}

#[test]
fn an_empty_environment_variable_is_refused_not_taken_as_no_token() {
    let config = LoadedConfig::default();
    assert!(resolve(&config, None).unwrap().is_none());
    for blank in ["", "  ", "\n"] {
        let err = refused(resolve(&config, Some(blank.into())));
        assert!(err.starts_with("HMON_API_TOKEN is empty"), "{err}");
    }
    let err = refused(resolve(&config, Some(format!("{TOKEN} x"))));
    assert!(err.contains("HMON_API_TOKEN") && err.contains("printable ASCII"), "{err}");
    assert_eq!(resolve(&config, Some(TOKEN.into())).unwrap().unwrap().token.expose(), TOKEN);
}

#[test]
fn tokens_compare_by_content_and_never_print() {
    let token = ApiToken::new(TOKEN, "test").unwrap();
    assert!(token.matches(TOKEN.as_bytes()));
    for wrong in ["", "s3cr3t", "s3cr3t-T0ken_valuE", "s3cr3t-T0ken_value ", "s3cr3t-T0ken_value-and-more"] {
        assert!(!token.matches(wrong.as_bytes()), "{wrong}");
    }
    let resolved = Resolved { token: token.clone(), source: TokenSource::Env, ignored_file: None };
    let shown = format!("{token:?} {resolved:?}");
    assert!(!shown.contains("s3cr3t") && shown.contains("********"), "{shown}");
}
