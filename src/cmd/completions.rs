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

/// Sections of `hmon.1` that clap does not know: exit status and environment.
const MAN_EXTRA: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success.
.TP
\fB1\fR
A remote or network failure that persisted after the retries (timeout, connection refused, HTTP 5xx or 429);
for \fBwatch --once\fR, a collector failed or a notification is still undelivered.
.TP
\fB2\fR
A usage error or invalid input: a bad account id, checksum, duration or flag, or a request the mirror rejected.
.TP
\fB3\fR
A config error: an unreadable or invalid config file, or invalid or mismatched operator credentials.
.TP
\fB4\fR
Not found: an unknown account, transaction, rule, silence or queued notification.
.TP
\fB5\fR
A local failure: a file or database hmon must read or write cannot be used (an unwritable config file, an unusable
\fB--store\fR path, a store file another hmon owns, a SQLite error, a full disk).
.TP
\fB70\fR
An internal error: a bug in hmon. Please report it.
.TP
\fB130\fR
\fBwatch\fR stopped at once by a second Ctrl-C or SIGTERM.
.PP
When several accounts fail in one \fBhmon balance\fR, each failure is reported and the most serious decides the
code: 70, then 5, 1, 3, 2, 4.
.SH ENVIRONMENT
.TP
\fBHMON_NETWORK\fR, \fBHMON_MIRROR_URL\fR, \fBHMON_CONFIG\fR, \fBHMON_TIMEOUT\fR
Defaults for \fB--network\fR, \fB--mirror-url\fR, \fB--config\fR and \fB--timeout\fR.
.TP
\fBOPERATOR_ID\fR, \fBOPERATOR_KEY\fR
Operator credentials, used where the config file has none.
.TP
\fBNO_COLOR\fR
Turns colour off, in tables and in log lines.
.TP
\fBHMON_LOG\fR
A log filter for \fB-v\fR (e.g. \fBhmon=debug\fR).
"#;

/// `hmon.1`, then `hmon-<sub>.1` for every visible subcommand, recursively.
fn write_man(cmd: &clap::Command, dir: &Path, name: &str) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    let page = cmd.clone().name(name.to_string());
    let man = clap_mangen::Man::new(page);
    if name == "hmon" {
        man.render_title(&mut buf)?;
        man.render_name_section(&mut buf)?;
        man.render_synopsis_section(&mut buf)?;
        man.render_description_section(&mut buf)?;
        man.render_options_section(&mut buf)?;
        man.render_subcommands_section(&mut buf)?;
        buf.extend_from_slice(MAN_EXTRA.as_bytes());
        man.render_version_section(&mut buf)?;
    } else {
        man.render(&mut buf)?;
    }
    write(&dir.join(format!("{name}.1")), &buf)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        write_man(sub, dir, &format!("{name}-{}", sub.get_name()))?;
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
