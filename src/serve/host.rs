//! On a loopback listener, only requests addressed to a loopback name are served: a web page that points a name
//! of its own at 127.0.0.1 (DNS rebinding) sends that name as `Host` and is refused. Names listed in
//! `[serve] hosts` (e.g. a name in `/etc/hosts` or a local reverse proxy's) are accepted too, with any port.
//!
//! A listener that is not on loopback needs an API token (see [`super::listen_addr`]), and a rebinding page does
//! not know the token, so there the `Host` check is off: such a server is reached by address, by several names,
//! or through a proxy, none of which hmon can list.

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::auth::Access;
use super::ApiError;
use crate::config::LoadedConfig;
use crate::error::Error;

/// Refuses (403) a request whose `Host` is not `localhost`, `127.0.0.1`, `[::1]` or one of `[serve] hosts`, with
/// any port. A request without `Host` (HTTP/1.0) passes: browsers always send one.
pub async fn loopback_host(State(access): State<Access>, request: Request, next: Next) -> Response {
    let allowed = match request.headers().get(header::HOST) {
        None => true,
        Some(value) => value.to_str().is_ok_and(|host| is_allowed_host(host, &access.hosts)),
    };
    if !allowed {
        let mut names = vec!["localhost", "127.0.0.1", "[::1]"];
        names.extend(access.hosts.iter().map(String::as_str));
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "host_not_allowed",
            format!("this server answers only requests for {} (add names in [serve] hosts)", names.join(", ")),
        )
        .into_response();
    }
    next.run(request).await
}

/// Whether a `Host` value names the loopback interface: `localhost`, `127.0.0.1` or `[::1]`, with an optional port.
pub fn is_loopback_host(host: &str) -> bool {
    is_allowed_host(host, &[])
}

/// Whether a `Host` value is a loopback name or one of `extra` (lower case), with an optional port.
pub fn is_allowed_host(host: &str, extra: &[String]) -> bool {
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
    name.eq_ignore_ascii_case("localhost")
        || name == "127.0.0.1"
        || name == "[::1]"
        || extra.iter().any(|e| name.eq_ignore_ascii_case(e))
}

/// `[serve] hosts`, checked and in lower case (exit 3 naming the key's line on a bad entry).
pub fn configured_hosts(config: &LoadedConfig) -> Result<Vec<String>, Error> {
    let hosts = config.file.serve.as_ref().map(|s| s.hosts.as_slice()).unwrap_or_default();
    hosts.iter().map(|h| parse_host_name(h).map_err(|e| config.error_at(&["serve"], "hosts", e))).collect()
}

/// Checks a `[serve] hosts` entry: a DNS name (letters, digits, `-` and `.`), without a port; returns it in lower
/// case. The error quotes nothing of the value (it is not secret, but may hold anything).
pub fn parse_host_name(name: &str) -> Result<String, &'static str> {
    let valid = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if valid {
        Ok(name.to_ascii_lowercase())
    } else {
        Err("each entry must be a host name such as \"hmon.internal\", without a port")
    }
}

#[cfg(test)]
mod tests {
    use super::{is_allowed_host, is_loopback_host, parse_host_name};

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

    #[test]
    fn configured_names_are_accepted_with_any_port_and_nothing_else() {
        let extra = vec!["hmon.internal".to_string()];
        for ok in ["hmon.internal", "HMON.internal:8754", "localhost:1"] {
            assert!(is_allowed_host(ok, &extra), "{ok}");
        }
        for bad in ["hmon.internal.evil", "evil.hmon.internal", "hmon.internal:x"] {
            assert!(!is_allowed_host(bad, &extra), "{bad}");
        }
    }

    #[test]
    fn host_names_in_the_config_are_names_without_ports() {
        assert_eq!(parse_host_name("Hmon.Internal").unwrap(), "hmon.internal");
        assert_eq!(parse_host_name("box-1").unwrap(), "box-1");
        for bad in ["", "hmon.internal:8754", "a..b", "-a", "a b", "*.example", "http://x", ".x"] {
            assert!(parse_host_name(bad).is_err(), "{bad}");
        }
    }
}
