//! The command line: global options and the subcommand tree. Each subcommand's own options live beside its
//! `run` in `src/cmd/`.

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, Parser, Subcommand};

use crate::cmd;
use crate::output::ColorChoice;
use crate::settings::{Overrides, Setting, Source};

/// Query and monitor a Hedera (Hiero) network from the shell.
#[derive(Debug, Parser)]
#[command(name = "hmon", version, propagate_version = true, max_term_width = 100)]
#[command(after_help = "Exit codes: 0 success, 1 remote or network failure, 2 invalid input, 3 config error, \
                        4 not found, 5 local file or database failure, 70 internal error, 130 stopped at once.\n\
                        Docs: man hmon, or \
                        README.md.")]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes. Help never shows the environment's values (a mirror URL may carry credentials),
/// and neither does `Debug`.
#[derive(Args)]
pub struct GlobalArgs {
    /// Network: mainnet, testnet, previewnet, local, or a name from [networks.NAME] in the config
    /// [default: the config's `network`, else testnet]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        env = "HMON_NETWORK",
        hide_env_values = true,
        value_name = "NAME"
    )]
    pub network: Option<String>,

    /// Mirror node base URL, overriding the network's (e.g. http://127.0.0.1:5551)
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        env = "HMON_MIRROR_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub mirror_url: Option<String>,

    /// Config file [default: <config dir>/hmon/config.toml]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        env = "HMON_CONFIG",
        hide_env_values = true,
        value_name = "PATH"
    )]
    pub config: Option<PathBuf>,

    /// Print JSON on stdout (and nothing else there)
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,

    /// When to use colour; NO_COLOR in the environment also turns it off
    #[arg(long, global = true, help_heading = "Global options", value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print no warnings or progress on stderr, errors only
    #[arg(short, long, global = true, help_heading = "Global options", conflicts_with = "verbose")]
    pub quiet: bool,

    /// Log requests and retries on stderr (-vv for more)
    #[arg(short, long, global = true, help_heading = "Global options", action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Time limit for each network request, e.g. 500ms, 10s [default: the config's `timeout`, else 10s]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        env = "HMON_TIMEOUT",
        hide_env_values = true,
        value_name = "DURATION"
    )]
    pub timeout: Option<String>,
}

impl std::fmt::Debug for GlobalArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GlobalArgs")
            .field("network", &self.network)
            .field("mirror_url", &self.mirror_url.as_deref().map(crate::secret::mask_url))
            .field("config", &self.config)
            .field("json", &self.json)
            .field("color", &self.color)
            .field("quiet", &self.quiet)
            .field("verbose", &self.verbose)
            .field("timeout", &self.timeout)
            .finish()
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show hbar and token balances of one or more accounts
    Balance(cmd::balance::BalanceArgs),
    /// List an account's transactions, newest first
    Records(cmd::records::RecordsArgs),
    /// Show one transaction and its child transactions
    Tx(cmd::tx::TxArgs),
    /// List the network's consensus nodes, optionally probing each one
    Nodes(cmd::nodes::NodesArgs),
    /// One-screen health summary of the network and its mirror node
    Network(cmd::network::NetworkArgs),
    /// Send one cheap transaction through a node and time it to consensus and to the mirror
    Canary(cmd::canary::CanaryArgs),
    /// Run the collectors and alert rules in the foreground: a live view, or JSON Lines in a pipe
    Watch(cmd::watch::WatchArgs),
    /// Run the monitor as a daemon: the durable pipeline plus an HTTP server (status page, JSON API, /metrics)
    Serve(cmd::serve::ServeArgs),
    /// Manage alert rules (add, list, remove, test), silences (silence) and the webhook queue (queue)
    #[command(subcommand)]
    Alert(cmd::alert::AlertCommand),
    /// Show, locate or check the configuration
    #[command(subcommand)]
    Config(cmd::config::ConfigCommand),
    /// Print a shell completion script
    Completions(cmd::completions::CompletionsArgs),
    /// Write completion scripts and man pages into a directory (for packagers)
    #[command(hide = true)]
    Generate(cmd::completions::GenerateArgs),
}

impl GlobalArgs {
    /// The settings the command line asked for, with where each came from (flag or environment).
    pub fn overrides(&self, matches: &ArgMatches) -> Overrides {
        fn setting<T: Clone>(
            matches: &ArgMatches,
            id: &str,
            value: &Option<T>,
            flag: &'static str,
            env: &'static str,
        ) -> Option<Setting<T>> {
            let source = match matches.value_source(id) {
                Some(ValueSource::EnvVariable) => Source::Env(env),
                _ => Source::Flag(flag),
            };
            value.clone().map(|value| Setting { value, source })
        }
        Overrides {
            network: setting(matches, "network", &self.network, "--network", "HMON_NETWORK"),
            mirror_url: setting(matches, "mirror_url", &self.mirror_url, "--mirror-url", "HMON_MIRROR_URL"),
            config: setting(matches, "config", &self.config, "--config", "HMON_CONFIG"),
            timeout: setting(matches, "timeout", &self.timeout, "--timeout", "HMON_TIMEOUT"),
        }
    }
}
