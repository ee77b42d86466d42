//! The API token of `hmon serve`: where it comes from, what makes it acceptable, and how a request's token is
//! compared with it.
//!
//! The token comes from the `HMON_API_TOKEN` environment variable or from the file named by `[serve] token_file`,
//! never from a command-line value (every local user can read a process's arguments). When both are set, the
//! environment wins, as every `HMON_*` variable overrides the config file; the file is then not read, and
//! `serve` warns that it is ignored. A token file must not be readable by group or others, must hold at most
//! [`MAX_FILE_LEN`] bytes, and loses its trailing line breaks. The token itself must not be empty and must be
//! printable ASCII without spaces (it travels in an `Authorization` header). No error or log line ever contains
//! it: errors name the variable or the file, and [`ApiToken`]'s `Debug` is redacted.

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use crate::config::{readable_by_others, LoadedConfig};
use crate::error::Error;
use crate::secret::Secret;

/// The environment variable that holds the token.
pub const ENV: &str = "HMON_API_TOKEN";

/// The largest token file read: a token is a line, not a document.
pub const MAX_FILE_LEN: u64 = 4096;

/// What to say when a token is needed and none is set.
pub const HOW_TO_SET: &str =
    "set one in the HMON_API_TOKEN environment variable or in a file named by [serve] token_file (mode 600)";

/// The token requests must carry. Cheap to clone; `Debug` never shows it.
#[derive(Clone)]
pub struct ApiToken {
    secret: Arc<Secret>,
    /// SHA-256 of the token: comparing digests in constant time hides the token's length as well as its bytes.
    digest: [u8; 32],
}

impl ApiToken {
    /// A token from its text, refused when empty, whitespace only, or not printable ASCII without spaces.
    /// `what` names the source for the error (never the value).
    pub fn new(value: &str, what: &str) -> Result<Self, Error> {
        if value.trim().is_empty() {
            return Err(Error::config(format!("{what} is empty; the API token must not be empty")));
        }
        if !value.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::config(format!(
                "{what}: the API token must be printable ASCII without spaces (it is sent in an Authorization header)"
            )));
        }
        Ok(Self { digest: Sha256::digest(value.as_bytes()).into(), secret: Arc::new(Secret::new(value)) })
    }

    /// Whether `candidate` is the token, in time that depends on neither's content or length.
    pub fn matches(&self, candidate: &[u8]) -> bool {
        let digest: [u8; 32] = Sha256::digest(candidate).into();
        self.digest.ct_eq(&digest).into()
    }

    /// The token itself, for the one place that must use it (tests sending it).
    pub fn expose(&self) -> &str {
        self.secret.expose()
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(********)")
    }
}

/// Where the token in force came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    /// `HMON_API_TOKEN`.
    Env,
    /// `[serve] token_file`, with its path.
    File(PathBuf),
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenSource::Env => f.write_str(ENV),
            TokenSource::File(path) => write!(f, "[serve] token_file {}", path.display()),
        }
    }
}

/// The token in force, where it came from, and a warning when a second source was ignored.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub token: ApiToken,
    pub source: TokenSource,
    pub ignored_file: Option<PathBuf>,
}

/// The value of `HMON_API_TOKEN`, if set (an empty value counts as set). A value that is not UTF-8 is refused.
pub fn from_env() -> Result<Option<String>, Error> {
    match std::env::var(ENV) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::config(format!("{ENV} is not UTF-8 text"))),
    }
}

/// The token from `env` (the value of `HMON_API_TOKEN`, if set) or else `[serve] token_file` of `config`; `None`
/// when neither is set. An empty variable counts as set, and is refused rather than silently meaning "no token".
pub fn resolve(config: &LoadedConfig, env: Option<String>) -> Result<Option<Resolved>, Error> {
    let file = config.file.serve.as_ref().and_then(|s| s.token_file.clone());
    if let Some(value) = env {
        let token = ApiToken::new(&value, ENV)?;
        return Ok(Some(Resolved { token, source: TokenSource::Env, ignored_file: file }));
    }
    let Some(path) = file else { return Ok(None) };
    let token = read_file(&path).map_err(|e| config.error_at(&["serve"], "token_file", e))?;
    Ok(Some(Resolved { token, source: TokenSource::File(path), ignored_file: None }))
}

/// Reads a token file: present, a regular file, not readable by group or others, small; trailing line breaks
/// dropped. The error text names the file, never its content.
pub fn read_file(path: &Path) -> Result<ApiToken, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read the token file {shown}: {}", reason(&e)))?;
    if !meta.is_file() {
        return Err(format!("the token file {shown} is not a regular file"));
    }
    if let Some(mode) = readable_by_others(path) {
        return Err(format!(
            "the token file {shown} is readable by others (mode {mode:o}); run: chmod 600 {shown}, or let only hmon \
             read it"
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_LEN + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read the token file {shown}: {}", reason(&e)))?;
    if bytes.len() as u64 > MAX_FILE_LEN {
        return Err(format!("the token file {shown} is larger than {MAX_FILE_LEN} bytes; it should hold one line"));
    }
    let text = String::from_utf8(bytes).map_err(|_| format!("the token file {shown} is not UTF-8 text"))?;
    ApiToken::new(text.trim_end_matches(['\n', '\r']), &format!("the token file {shown}")).map_err(|e| e.to_string())
}

fn reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests;
