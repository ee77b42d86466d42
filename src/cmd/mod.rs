//! Subcommands: each parses its options, asks the core for data and prints it. Nothing here retries, pages or
//! parses HTTP; that is the mirror client's job.

pub mod alert;
pub mod balance;
pub mod canary;
pub mod completions;
pub mod config;
pub mod network;
pub mod nodes;
pub mod records;
pub mod serve;
mod signals;
pub mod tx;
mod view;
pub mod watch;

use std::sync::OnceLock;

use anyhow::Context as _;

use crate::cli::{Cli, Command};
use crate::error::Error;
use crate::ids::AccountRef;
use crate::mirror::retry::RetryPolicy;
use crate::mirror::{ClientOptions, MirrorClient, MirrorError};
use crate::output::Output;
use crate::settings::{Overrides, Settings};

/// What every command that talks to a network gets: resolved settings, the output, one shared mirror client.
pub struct Context {
    pub settings: Settings,
    pub out: Output,
    /// What the command line asked for, to resolve the settings again (`serve` reloads).
    pub overrides: Overrides,
    mirror: OnceLock<MirrorClient>,
}

impl Context {
    pub fn new(settings: Settings, out: Output) -> Self {
        Self { settings, out, overrides: Overrides::default(), mirror: OnceLock::new() }
    }

    /// The mirror client, built on first use and shared after that.
    pub fn mirror(&self) -> anyhow::Result<&MirrorClient> {
        if let Some(client) = self.mirror.get() {
            return Ok(client);
        }
        let client = mirror_client(&self.settings)?;
        Ok(self.mirror.get_or_init(|| client))
    }

    /// Parses an account as the user typed it, checking a checksum against the selected network.
    pub fn parse_account(&self, input: &str) -> Result<AccountRef, Error> {
        let net = &self.settings.network.value;
        AccountRef::parse(input, &net.name, net.ledger_id.as_deref())
    }

    /// The selected network's name, for messages.
    pub fn network_name(&self) -> &str {
        &self.settings.network.value.name
    }
}

/// A mirror client for `settings`: its URL, timeout and retries.
pub fn mirror_client(settings: &Settings) -> anyhow::Result<MirrorClient> {
    let tuning = settings.mirror;
    let opts = ClientOptions {
        timeout: settings.timeout.value,
        retry: RetryPolicy { max_attempts: tuning.max_attempts, base: tuning.backoff, ..RetryPolicy::default() },
    };
    MirrorClient::new(&settings.mirror_url.value, opts).context("cannot set up the HTTP client")
}

/// The store file a command uses: `--store PATH`, else the default `<data dir>/hmon/hmon.db`.
pub fn store_path(arg: Option<&std::path::Path>) -> anyhow::Result<std::path::PathBuf> {
    match arg {
        Some(path) => Ok(path.to_path_buf()),
        None => crate::store::default_path()
            .ok_or_else(|| Error::local("no data directory is known on this system; pass --store PATH").into()),
    }
}

/// Turns a mirror "not found" into exit 4 with `what` as the message; other failures keep their own class.
pub fn not_found_as(err: MirrorError, what: impl FnOnce() -> String) -> anyhow::Error {
    match err {
        MirrorError::NotFound { .. } => Error::not_found(what()).into(),
        other => other.into(),
    }
}

/// Runs the command.
pub async fn dispatch(cli: Cli, overrides: Overrides) -> anyhow::Result<()> {
    let out = Output::detect(cli.global.json, cli.global.color, cli.global.quiet);
    match cli.command {
        Command::Completions(args) => return completions::run(&out, args),
        Command::Generate(args) => return completions::generate(args),
        Command::Config(config::ConfigCommand::Path) => return config::path(&out, &overrides),
        _ => {}
    }
    let settings = Settings::resolve(overrides.clone(), |k| std::env::var(k).ok())?;
    for warning in &settings.warnings {
        out.warn(warning);
    }
    let mut ctx = Context::new(settings, out);
    ctx.overrides = overrides;
    match cli.command {
        Command::Balance(args) => balance::run(&ctx, args).await,
        Command::Records(args) => records::run(&ctx, args).await,
        Command::Tx(args) => tx::run(&ctx, args).await,
        Command::Nodes(args) => nodes::run(&ctx, args).await,
        Command::Network(args) => network::run(&ctx, args).await,
        Command::Canary(args) => canary::run(&ctx, args).await,
        Command::Watch(args) => watch::run(&ctx, args).await,
        Command::Serve(args) => serve::run(&ctx, args).await,
        Command::Alert(command) => alert::run(&ctx, command).await,
        Command::Config(command) => config::run(&ctx, command).await,
        Command::Completions(_) | Command::Generate(_) => unreachable!("handled above"),
    }
}
