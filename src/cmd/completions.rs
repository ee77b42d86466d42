//! `hmon completions` and the hidden `hmon generate`: shell completions and man pages from the CLI definition.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;
use crate::output::Output;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Directory to write `completions/` and `man/` into
    pub dir: PathBuf,
}

/// Shells with a committed completion script, and its file name.
pub const SHELLS: [(Shell, &str); 5] = [
    (Shell::Bash, "hmon.bash"),
    (Shell::Zsh, "_hmon"),
    (Shell::Fish, "hmon.fish"),
    (Shell::Elvish, "hmon.elv"),
    (Shell::PowerShell, "_hmon.ps1"),
];

pub fn run(out: &Output, args: CompletionsArgs) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "hmon", &mut buf);
    out.text(&String::from_utf8_lossy(&buf))
}

pub fn generate(args: GenerateArgs) -> anyhow::Result<()> {
    let completions = args.dir.join("completions");
    let man = args.dir.join("man");
    for dir in [&completions, &man] {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    for (shell, name) in SHELLS {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "hmon", &mut buf);
        write(&completions.join(name), &buf)?;
    }
    let mut cmd = Cli::command();
    cmd.build();
    write_man(&cmd, &man, "hmon")
}

/// `hmon.1`, then `hmon-<sub>.1` for every visible subcommand, recursively.
fn write_man(cmd: &clap::Command, dir: &Path, name: &str) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    let page = cmd.clone().name(name.to_string());
    clap_mangen::Man::new(page).render(&mut buf)?;
    write(&dir.join(format!("{name}.1")), &buf)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        write_man(sub, dir, &format!("{name}-{}", sub.get_name()))?;
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
