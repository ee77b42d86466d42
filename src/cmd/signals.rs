//! The signals that stop a long-running command (`watch`, `serve`).

use std::io::Write;

/// Ctrl-C (SIGINT) and SIGTERM, listened to from the start so that none is missed between two waits.
pub struct StopSignals {
    #[cfg(unix)]
    unix: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl StopSignals {
    pub fn listen() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let unix = signal(SignalKind::interrupt()).ok().zip(signal(SignalKind::terminate()).ok());
            StopSignals { unix }
        }
        #[cfg(not(unix))]
        StopSignals {}
    }

    /// The next Ctrl-C or SIGTERM.
    pub async fn next(&mut self) {
        #[cfg(unix)]
        if let Some((int, term)) = &mut self.unix {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Writes a line to stderr from a thread of its own, so a stalled stderr (`2>&1 | stalled-reader`) cannot hold up
/// stopping; the receiver hears when the line was written.
pub fn notice(line: &'static str) -> std::sync::mpsc::Receiver<()> {
    let (said, heard) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = writeln!(std::io::stderr(), "{line}");
        let _ = said.send(());
    });
    heard
}

/// SIGHUP, which asks a daemon to read its configuration again (never fires where there is none).
pub struct ReloadSignal {
    #[cfg(unix)]
    hangup: Option<tokio::signal::unix::Signal>,
}

impl ReloadSignal {
    pub fn listen() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            ReloadSignal { hangup: signal(SignalKind::hangup()).ok() }
        }
        #[cfg(not(unix))]
        ReloadSignal {}
    }

    /// The next SIGHUP.
    pub async fn next(&mut self) {
        #[cfg(unix)]
        if let Some(hangup) = &mut self.hangup {
            hangup.recv().await;
            return;
        }
        std::future::pending::<()>().await;
    }
}
