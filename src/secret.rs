//! Secrets and the text around them: a [`Secret`] string that never prints, and URLs shown without the
//! `user:password@` they may carry. Kept apart from `config` so that every module can use them without
//! depending on the config file's schema.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;

/// A secret string (private key, token, webhook secret): its `Debug` and `Display` never show the value.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that must use it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(********)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("********")
    }
}

/// `url` with the user info of its authority (`user:password@`) replaced by `***@`, for output and errors.
/// Works on text, so a URL too broken to parse is masked as well (without `://`, everything up to the last `@`
/// before any query goes).
pub fn mask_url(url: &str) -> Cow<'_, str> {
    let (start, ends) = match url.find("://") {
        Some(i) => (i + 3, &['/', '?', '#'][..]),
        None => (0, &['?', '#'][..]),
    };
    let authority_len = url[start..].find(ends).unwrap_or(url.len() - start);
    match url[start..start + authority_len].rfind('@') {
        Some(at) => Cow::Owned(format!("{}***{}", &url[..start], &url[start + at..])),
        None => Cow::Borrowed(url),
    }
}

/// Whether `url` carries user info (a user name or password) in its authority.
pub fn has_credentials(url: &str) -> bool {
    matches!(mask_url(url), Cow::Owned(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("302e-very-secret");
        assert!(!format!("{s:?} {s}").contains("secret"));
        assert_eq!(s.expose(), "302e-very-secret");
    }

    #[test]
    fn urls_lose_their_credentials_and_nothing_else() {
        for (url, shown) in [
            ("https://user:pa55@mirror.example.com/api", "https://***@mirror.example.com/api"),
            ("http://token@127.0.0.1:5551", "http://***@127.0.0.1:5551"),
            ("https://u:p@ss@host/x?y=a@b", "https://***@host/x?y=a@b"),
            ("https:/u:p@broken url", "***@broken url"),
            ("https://mirror.example.com/a@b", "https://mirror.example.com/a@b"),
            ("https://testnet.mirrornode.hedera.com", "https://testnet.mirrornode.hedera.com"),
        ] {
            assert_eq!(mask_url(url), shown, "{url}");
            assert_eq!(has_credentials(url), url != shown, "{url}");
        }
    }
}
