//! The one error type that crosses the library boundary, and the exit-code table.
//!
//! Commands build on `anyhow` and attach context freely; whatever went wrong, somewhere in the chain sits an
//! [`Error`] that says which class of failure it was. [`exit_code`] walks the chain to pick the documented code.

use std::fmt;

/// The documented exit codes. README.md and the man page list the same table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything went well.
    Success = 0,
    /// A remote or network failure that persisted after the retries.
    Remote = 1,
    /// A usage error or invalid input: bad id, bad checksum, bad duration, bad flag.
    Usage = 2,
    /// The configuration file is missing, unreadable or invalid, or credentials are missing.
    Config = 3,
    /// The requested account or transaction does not exist.
    NotFound = 4,
    /// A local failure: a file or database hmon must read or write cannot be used (an unwritable config file in
    /// `alert add`, an unusable `--store` path, a SQLite error, a full disk).
    Local = 5,
    /// A bug in hmon (EX_SOFTWARE): an internal error that should never happen.
    Bug = 70,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// How much a failure of this class needs attention, for choosing one exit code among several failures:
    /// a bug, then local trouble, then the remote (retrying may help), then config, input, and not found.
    fn seriousness(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::NotFound => 1,
            Exit::Usage => 2,
            Exit::Config => 3,
            Exit::Remote => 4,
            Exit::Local => 5,
            Exit::Bug => 6,
        }
    }
}

/// A classified failure. The message says what was wrong and what is expected; it never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: Exit,
    message: String,
}

impl Error {
    /// Invalid input from the user (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self { kind: Exit::Usage, message: message.into() }
    }

    /// A configuration problem (exit 3).
    pub fn config(message: impl Into<String>) -> Self {
        Self { kind: Exit::Config, message: message.into() }
    }

    /// Something asked for does not exist (exit 4).
    pub fn not_found(message: impl Into<String>) -> Self {
        Self { kind: Exit::NotFound, message: message.into() }
    }

    /// A remote or network failure (exit 1).
    pub fn remote(message: impl Into<String>) -> Self {
        Self { kind: Exit::Remote, message: message.into() }
    }

    /// A local file or database that cannot be used (exit 5).
    pub fn local(message: impl Into<String>) -> Self {
        Self { kind: Exit::Local, message: message.into() }
    }

    /// The class of this failure.
    pub fn kind(&self) -> Exit {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The exit code for an error chain: the first classified error in it decides. A network client's error is
/// remote (1), even where an I/O error sits under it; a file or SQLite error is local (5); anything else that
/// nothing classified is taken as remote (1).
pub fn exit_code(err: &anyhow::Error) -> Exit {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<Error>() {
            return e.kind();
        }
        if let Some(e) = cause.downcast_ref::<crate::mirror::MirrorError>() {
            return e.exit();
        }
        if cause.is::<reqwest::Error>() || cause.is::<tonic::Status>() || cause.is::<tonic::transport::Error>() {
            return Exit::Remote;
        }
        if cause.is::<std::io::Error>() || cause.is::<rusqlite::Error>() || cause.is::<tempfile::PersistError>() {
            return Exit::Local;
        }
    }
    Exit::Remote
}

/// Of several failures, the index of the one whose exit code the process should end with: the most serious class
/// (see README, "Exit codes"); among equals, the first.
pub fn most_serious(errors: &[anyhow::Error]) -> Option<usize> {
    let rank = |e: &anyhow::Error| exit_code(e).seriousness();
    (0..errors.len()).rev().max_by_key(|&i| rank(&errors[i]))
}

/// Writes `hmon: error: <the whole chain on one line>` to stderr, with any text from the network made inert.
pub fn print(err: &anyhow::Error) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "hmon: error: {}", crate::text::Inert(format_args!("{err:#}")));
}

/// Whether the chain holds a broken pipe: the reader went away (`hmon ... | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|cause| cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn exit_code_comes_from_the_classified_error_under_context() {
        let err = Err::<(), _>(Error::not_found("no account 0.0.7")).context("fetching balance").unwrap_err();
        assert_eq!(exit_code(&err), Exit::NotFound);
        assert_eq!(format!("{err:#}"), "fetching balance: no account 0.0.7");
    }

    #[test]
    fn unclassified_errors_are_remote_failures() {
        assert_eq!(exit_code(&anyhow::anyhow!("boom")), Exit::Remote);
    }

    #[test]
    fn files_and_databases_are_local_failures_but_network_io_is_remote() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        assert_eq!(exit_code(&anyhow::Error::new(io).context("cannot write in /etc")), Exit::Local);
        let sqlite = rusqlite::Connection::open("/nonexistent-dir/for/hmon.db").unwrap_err();
        assert_eq!(exit_code(&anyhow::Error::new(sqlite).context("cannot open the store")), Exit::Local);
        // A port nothing listens on: bound, then released.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let refused = runtime
            .block_on(async {
                let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build().unwrap();
                client.get(format!("http://127.0.0.1:{port}/")).send().await
            })
            .unwrap_err();
        assert!(std::error::Error::source(&refused).is_some(), "an I/O cause sits under the reqwest error");
        assert_eq!(exit_code(&anyhow::Error::new(refused).context("posting")), Exit::Remote);
    }

    #[test]
    fn the_most_serious_failure_decides_whatever_the_order() {
        let all = || {
            vec![
                anyhow::Error::new(Error::not_found("no account 0.0.7")),
                anyhow::Error::new(Error::remote("timeout a")),
                anyhow::Error::new(Error::usage("rejected")),
                anyhow::Error::new(Error::remote("timeout b")),
            ]
        };
        assert_eq!(most_serious(&all()), Some(1), "the first of the two remote failures");
        let mut reversed = all();
        reversed.reverse();
        assert_eq!(reversed[most_serious(&reversed).unwrap()].to_string(), "timeout b");
        let quiet = [anyhow::Error::new(Error::not_found("n")), anyhow::Error::new(Error::usage("u"))];
        assert_eq!(most_serious(&quiet), Some(1));
        assert!(most_serious(&[]).is_none());
    }

    #[test]
    fn broken_pipe_is_recognised_through_context() {
        let io = std::io::Error::new(std::io::ErrorKind::BrokenPipe, "pipe");
        let err = anyhow::Error::new(io).context("writing output");
        assert!(is_broken_pipe(&err));
        assert!(!is_broken_pipe(&anyhow::anyhow!("other")));
    }
}
