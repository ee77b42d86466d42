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
/// A URL that does not parse (a password holding `/` breaks parsing) loses everything after `://` up to its last
/// `@`: too much rather than too little.
pub fn mask_url(url: &str) -> Cow<'_, str> {
    if let Ok(parsed) = url::Url::parse(url.trim()) {
        if parsed.username().is_empty() && parsed.password().is_none() {
            return Cow::Borrowed(url);
        }
        let mut shown = format!("{}://***@{}", parsed.scheme(), &parsed[url::Position::BeforeHost..]);
        // The parser adds a `/` to a bare host; keep the URL as it was written.
        if parsed.path() == "/" && shown.ends_with('/') && !url.trim_end().ends_with('/') {
            shown.pop();
        }
        return Cow::Owned(shown);
    }
    let start = url.find("://").map_or(0, |i| i + 3);
    match url[start..].rfind('@') {
        Some(at) => Cow::Owned(format!("{}***{}", &url[..start], &url[start + at..])),
        None => Cow::Borrowed(url),
    }
}

/// `scheme://host[:port]` of a URL, or a placeholder when it does not parse: for a webhook URL, whose path and
/// query are often a credential themselves (Slack, Discord).
pub fn url_origin(url: &str) -> String {
    match url::Url::parse(url.trim()) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{}://{h}:{p}", u.scheme()),
            (Some(h), None) => format!("{}://{h}", u.scheme()),
            _ => "<invalid url>".to_string(),
        },
        Err(_) => "<invalid url>".to_string(),
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
    fn origins_keep_scheme_host_and_port_only() {
        assert_eq!(url_origin("http://u:p@127.0.0.1:8080/a?b=c"), "http://127.0.0.1:8080");
        assert_eq!(url_origin("https://hooks.slack.com/services/T0/B0/tok"), "https://hooks.slack.com");
        assert_eq!(url_origin("not a url"), "<invalid url>");
    }

    #[test]
    fn urls_lose_their_credentials_and_nothing_else() {
        for (url, shown) in [
            ("https://user:pa55@mirror.example.com/api", "https://***@mirror.example.com/api"),
            ("http://token@127.0.0.1:5551", "http://***@127.0.0.1:5551"),
            ("https://u:p@ss@host/x?y=a@b", "https://***@host/x?y=a@b"),
            ("https:/u:p@broken url", "***@broken url"),
            ("https://user:pa/ss@host", "https://***@host"),
            ("https://user:pa?ss@host/x", "https://***@host/x"),
            ("ftp://user:hunter2@h", "ftp://***@h"),
            ("http://u:p@127.0.0.1:8080/", "http://***@127.0.0.1:8080/"),
            ("https://mirror.example.com/a@b", "https://mirror.example.com/a@b"),
            ("https://testnet.mirrornode.hedera.com", "https://testnet.mirrornode.hedera.com"),
        ] {
            assert_eq!(mask_url(url), shown, "{url}");
            assert_eq!(has_credentials(url), url != shown, "{url}");
        }
    }
}
