//! The sessions of one `hmon serve`: the key their cookies are signed with, the cookie's name (one per
//! instance), and the sessions ended early by a logout.
//!
//! A value is `<expiry>.<nonce>.<mac>`: `mac` is HMAC-SHA256 over the expiry and a random nonce with a key drawn
//! from the OS at start. Nothing is stored per session but the nonces of sessions logged out before their expiry,
//! each kept only until that expiry, so the set holds at most the sessions issued in the last
//! [`SESSION_LIFETIME`].

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{header, HeaderMap, HeaderValue};
use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use subtle::ConstantTimeEq as _;
use tokio::sync::watch;

/// The start of the cookie's name; the listening port follows (`hmon_session_8754`).
pub const COOKIE_PREFIX: &str = "hmon_session_";

/// How long a session lasts, in seconds (12 hours: a working day on one login).
pub const SESSION_LIFETIME: u64 = 12 * 60 * 60;

/// The sessions of one server; clones share them. `Debug` never shows the key.
#[derive(Clone)]
pub struct Sessions(Arc<Shared>);

struct Shared {
    key: [u8; 32],
    /// `hmon_session_<port>`: cookies are kept per host, not per port, so two instances on one host need two
    /// names, or each login would replace the other's cookie.
    cookie: String,
    /// Nonce -> expiry of the sessions logged out before they expired.
    revoked: Mutex<HashMap<String, u64>>,
    /// Counts revocations, so an open event stream learns of one at once.
    revocations: watch::Sender<u64>,
}

/// The session a request was authorized by, put in the request's extensions by [`super::super::auth`]: a
/// long-lived answer (the event stream) ends with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// When it expires, in Unix seconds.
    pub expiry: u64,
    nonce: String,
}

/// What a request's cookies say about its session.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// No cookie of this server's name.
    Absent,
    /// A cookie of this name, but none valid now (forged, expired, logged out, or from before a restart).
    Invalid,
    Valid(Grant),
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sessions({}, key ********)", self.0.cookie)
    }
}

/// The current Unix time in seconds.
pub fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl Sessions {
    /// The sessions of a server listening on `port`, with a fresh random key.
    pub fn new(port: u16) -> Sessions {
        let mut key = [0u8; 32];
        getrandom::getrandom(&mut key).expect("the operating system's random source is readable");
        Sessions(Arc::new(Shared {
            key,
            cookie: format!("{COOKIE_PREFIX}{port}"),
            revoked: Mutex::default(),
            revocations: watch::Sender::new(0),
        }))
    }

    /// The cookie's name, `hmon_session_<port>`.
    pub fn cookie_name(&self) -> &str {
        &self.0.cookie
    }

    fn mac(&self, expiry: u64, nonce: &str) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0.key).expect("HMAC takes a key of any length");
        mac.update(format!("hmon-session-v1|{expiry}|{nonce}").as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// A fresh session value, valid for [`SESSION_LIFETIME`] from `now` (Unix seconds).
    pub fn issue(&self, now: u64) -> String {
        let mut nonce = [0u8; 16];
        getrandom::getrandom(&mut nonce).expect("the operating system's random source is readable");
        let (expiry, nonce) = (now + SESSION_LIFETIME, hex::encode(nonce));
        format!("{expiry}.{nonce}.{}", hex::encode(self.mac(expiry, &nonce)))
    }

    /// The session `value` stands for, if this server issued it, it has not expired at `now` and it was not
    /// logged out.
    pub fn verify(&self, value: &str, now: u64) -> Option<Grant> {
        let mut parts = value.split('.');
        let (Some(expiry), Some(nonce), Some(mac), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let (Ok(expiry), Ok(mac)) = (expiry.parse::<u64>(), hex::decode(mac)) else { return None };
        let genuine = nonce.len() == 32 && bool::from(self.mac(expiry, nonce).as_slice().ct_eq(&mac));
        (genuine && expiry > now && !self.is_revoked(nonce)).then(|| Grant { expiry, nonce: nonce.to_string() })
    }

    /// The session of the request's cookies: several cookies of this name (a browser may keep one per path or
    /// domain) are valid when one of them is.
    pub fn lookup(&self, headers: &HeaderMap) -> Lookup {
        let now = now_secs();
        let mut found = Lookup::Absent;
        for value in cookies(headers, &self.0.cookie) {
            match self.verify(value, now) {
                Some(grant) => return Lookup::Valid(grant),
                None => found = Lookup::Invalid,
            }
        }
        found
    }

    fn is_revoked(&self, nonce: &str) -> bool {
        self.0.revoked.lock().unwrap_or_else(PoisonError::into_inner).contains_key(nonce)
    }

    /// Ends `grant`'s session before its expiry: its cookie no longer verifies, and its event streams end. Entries
    /// past their expiry are dropped at the same time (the cookie's expiry refuses them from then on anyway).
    pub fn revoke(&self, grant: &Grant, now: u64) {
        {
            let mut revoked = self.0.revoked.lock().unwrap_or_else(PoisonError::into_inner);
            revoked.retain(|_, expiry| *expiry > now);
            if grant.expiry > now {
                revoked.insert(grant.nonce.clone(), grant.expiry);
            }
        }
        self.0.revocations.send_modify(|count| *count += 1);
    }

    /// How many logged-out sessions are remembered (each until its expiry).
    pub fn revoked_count(&self) -> usize {
        self.0.revoked.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Completes when `grant`'s session expires or is logged out. The expiry is measured on tokio's clock from
    /// now, so a test with paused time can reach it at once.
    pub fn ended(&self, grant: Grant) -> impl Future<Output = ()> + Send + 'static {
        let sessions = self.clone();
        // Subscribed before the first check, so a revocation between the two is not missed.
        let mut revocations = self.0.revocations.subscribe();
        let left = Duration::from_secs(grant.expiry.saturating_sub(now_secs()));
        async move {
            let expired = tokio::time::sleep(left);
            tokio::pin!(expired);
            while !sessions.is_revoked(&grant.nonce) {
                tokio::select! {
                    () = &mut expired => return,
                    // The sender lives as long as `sessions`: this never fails.
                    _ = revocations.changed() => {}
                }
            }
        }
    }

    /// The `Set-Cookie` value for `value`, living `max_age` seconds.
    pub fn set_cookie(&self, value: &str, max_age: u64, secure: bool) -> HeaderValue {
        let secure = if secure { "; Secure" } else { "" };
        let text = format!("{}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}", self.0.cookie);
        HeaderValue::from_str(&text).expect("a session value is hex digits and dots")
    }
}

/// Every value of cookie `name` in the `Cookie` headers, in order.
fn cookies<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(move |(k, _)| *k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests;
