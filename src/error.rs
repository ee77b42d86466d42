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
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> i32 {
        self as i32
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

/// The exit code for an error chain: the first classified error in it decides; anything else is remote (1).
pub fn exit_code(err: &anyhow::Error) -> Exit {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<Error>() {
            return e.kind();
        }
        if let Some(e) = cause.downcast_ref::<crate::mirror::MirrorError>() {
            return e.exit();
        }
    }
    Exit::Remote
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
    fn broken_pipe_is_recognised_through_context() {
        let io = std::io::Error::new(std::io::ErrorKind::BrokenPipe, "pipe");
        let err = anyhow::Error::new(io).context("writing output");
        assert!(is_broken_pipe(&err));
        assert!(!is_broken_pipe(&anyhow::anyhow!("other")));
    }
}
