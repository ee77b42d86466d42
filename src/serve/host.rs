//! On a loopback listener, only requests addressed to a loopback name are served: a web page that points a name
//! of its own at 127.0.0.1 (DNS rebinding) sends that name as `Host` and is refused.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ApiError;

/// Refuses (403) a request whose `Host` is not `localhost`, `127.0.0.1` or `[::1]`, with any port. A request
/// without `Host` (HTTP/1.0) passes: browsers always send one.
pub async fn loopback_host(request: Request, next: Next) -> Response {
    let allowed = match request.headers().get(header::HOST) {
        None => true,
        Some(value) => value.to_str().is_ok_and(is_loopback_host),
    };
    if !allowed {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "host_not_allowed",
            "this server answers only requests for localhost, 127.0.0.1 or [::1]",
        )
        .into_response();
    }
    next.run(request).await
}

/// Whether a `Host` value names the loopback interface: `localhost`, `127.0.0.1` or `[::1]`, with an optional port.
pub fn is_loopback_host(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        // `[::1]` alone has colons inside the brackets: a port follows only the closing bracket.
        Some((name, port)) if !port.contains(']') => {
            if !port.bytes().all(|b| b.is_ascii_digit()) {
                return false;
            }
            name
        }
        _ => host,
    };
    name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1" || name == "[::1]"
}

#[cfg(test)]
mod tests {
    use super::is_loopback_host;

    #[test]
    fn loopback_names_with_or_without_a_port() {
        for ok in ["localhost", "LocalHost:8754", "127.0.0.1", "127.0.0.1:1", "[::1]", "[::1]:8754", "localhost:"] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in ["evil.example", "evil.example:8754", "127.0.0.1.evil.example", "localhost.evil", "::1", "[::2]"] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
        for bad in ["127.0.0.2", "localhost:80x", "", "[::1]:a", "localhost:8754:1"] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }
}
