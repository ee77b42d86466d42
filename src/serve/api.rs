//! What the `/api/v1` handlers share: query parameters ([`Params`]), parsed from the raw query string with every
//! failure a 400 `bad_request` saying which parameter was wrong and what is expected; unknown parameters refused
//! by name (a typo such as `lable=` would otherwise silently widen the answer); quoted input made inert and cut
//! to [`SHOWN`] characters ([`shown`]). Also the JSON answer ([`json`]) and the 500 for a failed store read
//! ([`internal`]), whose detail goes to the log, never to the client.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::ApiError;
use crate::timestamp::Timestamp;

/// How many characters of a bad value an error message quotes.
pub const SHOWN: usize = 64;

/// The query's `key=value` pairs, decoded, in order.
#[derive(Debug, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

/// A 400 `bad_request` with `message`.
pub fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
}

/// A 500 `internal` for a failed `what`; the error is logged (inert), not sent.
pub fn internal(what: &str, error: &anyhow::Error) -> ApiError {
    tracing::error!(error = %crate::text::Inert(format_args!("{error:#}")), "API: cannot {what}");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("cannot {what}; see the server's log"))
}

/// `value` as a 200 `application/json` answer.
pub fn json(value: &impl Serialize) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(value).map_err(|e| internal("encode the answer", &e.into()))?;
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response())
}

/// `text` as an error message may quote it: inert, at most [`SHOWN`] characters (then `...`).
pub fn shown(text: &str) -> String {
    let mut cut: String = text.chars().take(SHOWN).collect();
    if cut.len() < text.len() {
        cut.push_str("...");
    }
    crate::text::inert(&cut).into_owned()
}

impl Params {
    /// Decodes `raw` (the part after `?`), refusing a parameter not in `allowed`.
    pub fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<Params, ApiError> {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut unknown: Vec<String> = pairs
            .iter()
            .filter(|(k, _)| !allowed.contains(&k.as_str()))
            .map(|(k, _)| format!("'{}'", shown(k)))
            .collect();
        unknown.sort();
        unknown.dedup();
        if !unknown.is_empty() {
            let known: Vec<&str> = allowed.to_vec();
            return Err(bad_request(format!(
                "unknown query parameter {}: this endpoint takes {}",
                unknown.join(", "),
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            )));
        }
        Ok(Params { pairs })
    }

    /// Every value of `key`, in order.
    pub fn all<'a, 'k>(&'a self, key: &'k str) -> impl Iterator<Item = &'a str> + use<'a, 'k> {
        self.pairs.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The one value of `key`, if given; given twice is a 400.
    pub fn one(&self, key: &str) -> Result<Option<&str>, ApiError> {
        let mut values = self.all(key);
        let first = values.next();
        if values.next().is_some() {
            return Err(bad_request(format!("query parameter '{key}' is given more than once; give it once")));
        }
        Ok(first)
    }

    /// `key` as an RFC 3339 time, if given.
    pub fn time(&self, key: &str) -> Result<Option<Timestamp>, ApiError> {
        let Some(text) = self.one(key)? else { return Ok(None) };
        Timestamp::parse_rfc3339(text).map(Some).ok_or_else(|| {
            bad_request(format!(
                "query parameter '{key}': '{}' is not an RFC 3339 time; expected e.g. 2026-11-01T12:00:00Z",
                shown(text)
            ))
        })
    }

    /// `key` as a count from 1 to `max`, `default` when not given.
    pub fn count(&self, key: &str, default: usize, max: usize) -> Result<usize, ApiError> {
        let Some(text) = self.one(key)? else { return Ok(default) };
        match text.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(bad_request(format!(
                "query parameter '{key}': '{}' is not a whole number from 1 to {max}",
                shown(text)
            ))),
        }
    }

    /// The non-empty value of `key`, if given (`key=` alone is a 400).
    pub fn text(&self, key: &str) -> Result<Option<&str>, ApiError> {
        match self.one(key)? {
            Some("") => Err(bad_request(format!("query parameter '{key}' is empty; give a value or leave it out"))),
            other => Ok(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_repeated_and_bad_values_are_named() {
        let err = Params::parse(Some("name=x&lable=a:b&zzz=1"), &["name", "label"]).unwrap_err();
        assert_eq!((err.status, err.code), (StatusCode::BAD_REQUEST, "bad_request"));
        assert!(err.message.contains("'lable', 'zzz'") && err.message.contains("name, label"), "{}", err.message);
        let p = Params::parse(Some("a=1&a=2&t=yesterday&n=0&e="), &["a", "t", "n", "e"]).unwrap();
        assert!(p.one("a").unwrap_err().message.contains("more than once"));
        assert!(p.time("t").unwrap_err().message.contains("'yesterday' is not an RFC 3339 time"));
        assert!(p.count("n", 5, 10).unwrap_err().message.contains("from 1 to 10"));
        assert!(p.text("e").unwrap_err().message.contains("empty"));
        assert_eq!(p.count("missing", 5, 10).unwrap(), 5);
        assert_eq!(p.all("a").collect::<Vec<_>>(), ["1", "2"]);
    }

    #[test]
    fn quoted_input_is_inert_and_short() {
        let long = "x".repeat(1000);
        assert_eq!(shown(&long), format!("{}...", "x".repeat(SHOWN)));
        assert_eq!(shown("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        let p = Params::parse(Some(&format!("t=%1B{long}")), &["t"]).unwrap();
        let message = p.time("t").unwrap_err().message;
        assert!(message.len() < 200 && !message.contains('\u{1b}'), "{message}");
    }
}
