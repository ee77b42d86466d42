//! HMAC-SHA256 request signatures, so a receiver can tell a delivery came from this hmon and was not altered.
//!
//! With a secret set, each request carries `X-Hmon-Timestamp: <unix seconds>` and
//! `X-Hmon-Signature: sha256=<lowercase hex HMAC-SHA256 of "<timestamp>.<body>">` under that secret. The
//! timestamp is fresh on every attempt; receivers should also reject timestamps far from their own clock to stop
//! replays, and dedupe on the notification `id`.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Secret;

/// The header holding the unix time the signature was made at.
pub const TIMESTAMP_HEADER: &str = "X-Hmon-Timestamp";
/// The header holding `sha256=<hex>`.
pub const SIGNATURE_HEADER: &str = "X-Hmon-Signature";

const PREFIX: &str = "sha256=";

fn mac(secret: &[u8], timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    };
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `X-Hmon-Signature` value for `body` sent at `timestamp`: `sha256=` and 64 lowercase hex digits.
pub fn sign(secret: &Secret, timestamp: i64, body: &[u8]) -> String {
    let digest = mac(secret.expose().as_bytes(), &timestamp.to_string(), body).finalize().into_bytes();
    format!("{PREFIX}{}", hex::encode(digest))
}

/// Whether `signature` (the `X-Hmon-Signature` value, `sha256=<hex>`) matches `body` sent at `timestamp` (the
/// `X-Hmon-Timestamp` value, as received). Compares in constant time. For receivers and tests.
pub fn verify(secret: &[u8], timestamp: &str, body: &[u8], signature: &str) -> bool {
    let Some(hex_part) = signature.trim().strip_prefix(PREFIX) else { return false };
    let Ok(expected) = hex::decode(hex_part) else { return false };
    mac(secret, timestamp.trim(), body).verify_slice(&expected).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec-test-0123456789";
    const BODY: &[u8] = br#"{"id":"n-1","status":"firing"}"#;
    /// Computed independently:
    /// `python3 -c "import hmac,hashlib; print(hmac.new(b'whsec-test-0123456789',
    ///  b'1700000000.{\"id\":\"n-1\",\"status\":\"firing\"}', hashlib.sha256).hexdigest())"`
    const VECTOR: &str = "sha256=0abfca6a6feedc7c4a308693a96df259b7143076ebfa213d81c56f5f18eb4c57";

    #[test]
    fn matches_an_independent_implementation() {
        assert_eq!(sign(&Secret::new(SECRET), 1_700_000_000, BODY), VECTOR);
    }

    #[test]
    fn verify_accepts_only_the_exact_signature() {
        let s = SECRET.as_bytes();
        assert!(verify(s, "1700000000", BODY, VECTOR));
        assert!(!verify(b"other", "1700000000", BODY, VECTOR));
        assert!(!verify(s, "1700000001", BODY, VECTOR));
        assert!(!verify(s, "1700000000", b"{}", VECTOR));
        assert!(!verify(s, "1700000000", BODY, VECTOR.trim_start_matches("sha256=")));
        assert!(!verify(s, "1700000000", BODY, "sha256=zz"));
        assert!(!verify(s, "1700000000", BODY, &VECTOR[..VECTOR.len() - 2]));
    }
}
