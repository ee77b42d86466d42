//! Request bodies: JSON only (415 otherwise), parsed into a typed value with a 400 that says what was wrong.

use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use super::ApiError;

/// The longest part of a parse error quoted back: it may quote the request.
const MAX_DETAIL: usize = 300;

/// Parses `body` as JSON into `T`, after checking that `headers` say it is JSON.
pub fn json<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "the request body must be JSON, sent with Content-Type: application/json",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        let detail: String = e.to_string().chars().take(MAX_DETAIL).collect();
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("the request body is not valid: {}", crate::text::inert(&detail)),
        )
    })
}
