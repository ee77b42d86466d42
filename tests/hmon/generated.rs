//! The committed completions and man pages must match what the CLI generates now.

use crate::run;

#[test]
fn completions_and_man_pages_match_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("hmon").unwrap();
    let (code, _, stderr) = run(cmd.arg("generate").arg(dir.path()));
    assert_eq!(code, 0, "{stderr}");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for sub in ["completions", "man"] {
        let mut fresh: Vec<_> =
            std::fs::read_dir(dir.path().join(sub)).unwrap().map(|e| e.unwrap().file_name()).collect();
        let mut committed: Vec<_> =
            std::fs::read_dir(root.join(sub)).unwrap().map(|e| e.unwrap().file_name()).collect();
        fresh.sort();
        committed.sort();
        assert_eq!(fresh, committed, "{sub}/ files differ; run: cargo run -- generate .");
        for name in fresh {
            let a = std::fs::read(dir.path().join(sub).join(&name)).unwrap();
            let b = std::fs::read(root.join(sub).join(&name)).unwrap();
            assert!(a == b, "{sub}/{} is out of date; run: cargo run -- generate .", name.to_string_lossy());
            checked += 1;
        }
    }
    assert!(checked >= 5 + 8, "expected 5 completion scripts and at least 8 man pages, checked {checked}");
}

#[test]
fn completions_print_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let mut cmd = assert_cmd::Command::cargo_bin("hmon").unwrap();
        let (code, stdout, _) = run(cmd.args(["completions", shell]));
        assert_eq!(code, 0);
        assert!(stdout.contains("balance") && stdout.contains("records"), "{shell}");
    }
}
