//! hmon: a Hedera (Hiero) network monitor.
//!
//! The binary is a thin shell over this library: [`main`] parses the command line, runs one command on a tokio
//! runtime and turns the outcome into an exit code. Commands (`cmd`) parse and print; the core (`mirror`,
//! `hedera`, `settings`) never prints and returns data or typed errors.

pub mod alert;
pub mod alertmanager;
pub mod canary;
pub mod cli;
pub mod cmd;
pub mod collect;
pub mod config;
pub mod error;
pub mod hbar;
pub mod hedera;
pub mod ids;
pub mod metrics;
pub mod mirror;
pub mod network;
pub mod output;
pub mod panic;
pub mod pipeline;
pub mod secret;
pub mod serve;
pub mod settings;
pub mod store;
pub mod text;
pub mod timestamp;
pub mod webhook;

use std::io::Write;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches};

use crate::error::{exit_code, is_broken_pipe, Exit};

/// Runs hmon with the process's arguments and returns the exit code.
pub fn main() -> i32 {
    install_panic_hook();
    let matches = match cli::Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return report_clap_error(e),
    };
    let cli = match cli::Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return report_clap_error(e),
    };
    // The daemon logs its start and stop at info, in the format it was asked for; other commands only warn.
    let daemon = match &cli.command {
        cli::Command::Serve(args) if !args.check => Some(args.log_format),
        _ => None,
    };
    init_logging(cli.global.verbose, cli.global.quiet, output::stderr_color(cli.global.color), daemon);
    let overrides = cli.global.overrides(&matches);

    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return report(&anyhow::Error::new(e).context("cannot start the async runtime")),
    };
    let result = runtime.block_on(cmd::dispatch(cli, overrides));
    // Nothing may keep the process alive: a stuck remote task is abandoned, not awaited.
    runtime.shutdown_timeout(Duration::from_millis(100));
    match result {
        Ok(()) => Exit::Success.code(),
        Err(e) => report(&e),
    }
}

fn report(err: &anyhow::Error) -> i32 {
    if is_broken_pipe(err) {
        return Exit::Success.code();
    }
    error::print(err);
    exit_code(err).code()
}

/// Help and version go to stdout with exit 0; usage errors to stderr as `hmon: error: ...` with exit 2.
fn report_clap_error(err: clap::Error) -> i32 {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = write!(std::io::stdout().lock(), "{}", err.render());
            if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                return Exit::Usage.code();
            }
            Exit::Success.code()
        }
        _ => {
            let rendered = err.render().to_string();
            let text = rendered.strip_prefix("error: ").unwrap_or(&rendered);
            let _ = write!(std::io::stderr().lock(), "hmon: error: {text}");
            Exit::Usage.code()
        }
    }
}

/// A panic is a bug: say so in one line, without a backtrace, and exit 70 (EX_SOFTWARE).
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        // A panic inside `panic::shield` is caught and reported where it happened.
        if panic::shielded() {
            return;
        }
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_string());
        let _ =
            writeln!(std::io::stderr().lock(), "hmon: error: internal error (a bug in hmon, please report it): {what}");
        std::process::exit(Exit::Bug.code());
    }));
}

/// Log lines go to stderr, coloured only where `--color` (or, on auto, a terminal without `NO_COLOR`) says so.
/// `daemon` (for `serve`) raises hmon's default level to info and picks text or JSON lines. `HMON_LOG` overrides
/// the level. No event carries a request's headers, so neither the `Authorization` header nor the token is logged.
fn init_logging(verbose: u8, quiet: bool, color: bool, daemon: Option<cmd::serve::LogFormat>) {
    let level = match (quiet, verbose, daemon.is_some()) {
        (true, _, _) => "error",
        (false, 0, false) => "warn",
        (false, 0, true) => "warn,hmon=info",
        (false, 1, _) => "hmon=debug",
        (false, _, _) => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("HMON_LOG").unwrap_or_else(|_| level.into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false);
    let _ = match daemon {
        Some(cmd::serve::LogFormat::Json) => builder.json().with_current_span(false).try_init(),
        _ => builder.with_ansi(color).try_init(),
    };
}
