//! Operator keys: parsed with hiero-sdk's explicit parsers, checked against the account's key on the mirror.
//!
//! Error messages never contain the key or anything derived from its private part.

use hiero_sdk::PrivateKey;

use crate::config::Secret;
use crate::error::Error;
use crate::ids::AccountRef;
use crate::mirror::models::Key;
use crate::settings::Settings;

/// The operator credentials of `settings`, parsed: `None` when neither the account nor the key is set. An invalid
/// id or key, or half a pair, is a config error naming where it came from (never the key).
pub fn operator_credentials(settings: &Settings) -> Result<Option<(AccountRef, OperatorKey)>, Error> {
    let network = &settings.network.value;
    let id = match &settings.operator_id {
        Some(id) => Some(
            AccountRef::parse(&id.value, &network.name, network.ledger_id.as_deref())
                .map_err(|e| Error::config(format!("operator account id ({}): {e}", id.source)))?,
        ),
        None => None,
    };
    let key = match &settings.operator_key {
        Some(k) => Some(
            OperatorKey::parse(&k.value, settings.key_type.as_deref())
                .map_err(|e| Error::config(format!("operator private key ({}): {e}", k.source)))?,
        ),
        None => None,
    };
    match (id, key) {
        (None, None) => Ok(None),
        (Some(id), Some(key)) => Ok(Some((id, key))),
        (Some(_), None) => Err(Error::config(
            "the operator account id is set but its private key is not (set [operator] private_key or OPERATOR_KEY)",
        )),
        (None, Some(_)) => Err(Error::config(
            "the operator private key is set but its account id is not (set [operator] account_id or OPERATOR_ID)",
        )),
    }
}

/// The operator account the mirror does not know.
pub fn unknown_operator(account: &AccountRef, network: &str) -> Error {
    Error::config(format!("the operator account {account} does not exist on {network}"))
}

/// The operator key that is not the account's (`account` as the mirror names it).
pub fn key_mismatch(account: &str) -> Error {
    Error::config(format!(
        "the operator private key does not belong to account {account}: its public key differs from the account's key"
    ))
}

/// The algorithm of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Ed25519,
    Ecdsa,
}

impl KeyKind {
    pub fn name(self) -> &'static str {
        match self {
            KeyKind::Ed25519 => "ED25519",
            KeyKind::Ecdsa => "ECDSA_SECP256K1",
        }
    }
}

/// A parsed operator key. A raw 32-byte hex key without `key_type` could be either kind, so both readings are
/// kept until the account's public key on the mirror tells them apart.
pub struct OperatorKey {
    /// How the key was written: "DER", or "raw hex".
    pub encoding: &'static str,
    candidates: Vec<(KeyKind, PrivateKey)>,
}

impl std::fmt::Debug for OperatorKey {
    /// Shows what kind of key it is, never the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OperatorKey").field("encoding", &self.encoding).field("kinds", &self.kinds()).finish()
    }
}

impl OperatorKey {
    /// Parses DER (hex, `302e...` / `3030...`) or raw 32-byte hex; `key_type` (`ed25519` or `ecdsa`) settles a
    /// raw key's kind.
    pub fn parse(secret: &Secret, key_type: Option<&str>) -> Result<Self, Error> {
        let text = secret.expose().trim();
        let text = text.strip_prefix("0x").unwrap_or(text);
        let kind = match key_type.map(str::to_ascii_lowercase).as_deref() {
            None => None,
            Some("ed25519") => Some(KeyKind::Ed25519),
            Some("ecdsa") | Some("ecdsa_secp256k1") | Some("secp256k1") => Some(KeyKind::Ecdsa),
            Some(other) => {
                return Err(Error::config(format!("invalid operator key_type '{other}': expected ed25519 or ecdsa")))
            }
        };
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) || !text.len().is_multiple_of(2) {
            return Err(Error::config(
                "the operator private key is not hex: expected a DER-encoded key (302e...) or 32 raw bytes in hex",
            ));
        }
        if text.len() == 64 {
            let mut candidates = Vec::new();
            if kind != Some(KeyKind::Ecdsa) {
                if let Ok(k) = PrivateKey::from_str_ed25519(text) {
                    candidates.push((KeyKind::Ed25519, k));
                }
            }
            if kind != Some(KeyKind::Ed25519) {
                if let Ok(k) = PrivateKey::from_str_ecdsa(text) {
                    candidates.push((KeyKind::Ecdsa, k));
                }
            }
            if candidates.is_empty() {
                return Err(Error::config("the operator private key is not a valid ED25519 or ECDSA key"));
            }
            return Ok(Self { encoding: "raw hex", candidates });
        }
        let key = PrivateKey::from_str_der(text).map_err(|_| {
            Error::config(
                "the operator private key is not a valid key: expected a DER-encoded ED25519 or ECDSA key \
                 (hex, starting 302e or 3030) or 32 raw bytes in hex",
            )
        })?;
        let detected = if key.is_ecdsa() { KeyKind::Ecdsa } else { KeyKind::Ed25519 };
        if kind.is_some_and(|k| k != detected) {
            return Err(Error::config(format!(
                "the operator private key is {} but key_type says otherwise",
                detected.name()
            )));
        }
        Ok(Self { encoding: "DER", candidates: vec![(detected, key)] })
    }

    /// The private key of kind `kind`, as [`OperatorKey::check`] matched it.
    pub fn signing_key(&self, kind: KeyKind) -> Option<&PrivateKey> {
        self.candidates.iter().find(|(k, _)| *k == kind).map(|(_, key)| key)
    }

    /// The kinds this key may be (one unless it is an ambiguous raw key).
    pub fn kinds(&self) -> Vec<KeyKind> {
        self.candidates.iter().map(|(k, _)| *k).collect()
    }

    /// Compares with the account's public key as the mirror reports it.
    pub fn check(&self, account_key: Option<&Key>) -> KeyMatch {
        let Some(key) = account_key else { return KeyMatch::NoKey };
        if key.key_type == "ProtobufEncoded" {
            return KeyMatch::Complex;
        }
        let want = key.key.trim_start_matches("0x").to_ascii_lowercase();
        for (kind, private) in &self.candidates {
            let public = private.public_key().to_bytes_raw();
            let hex: String = public.iter().map(|b| format!("{b:02x}")).collect();
            if hex == want && kind.name() == key.key_type {
                return KeyMatch::Matches(*kind);
            }
        }
        KeyMatch::Mismatch
    }
}

/// The result of comparing an operator key with the account's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMatch {
    Matches(KeyKind),
    Mismatch,
    /// A threshold key or key list: not comparable with one private key.
    Complex,
    /// The account has no key (e.g. a system account).
    NoKey,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn mirror_key(private: &PrivateKey) -> Key {
        let kind = if private.is_ecdsa() { "ECDSA_SECP256K1" } else { "ED25519" };
        Key { key_type: kind.into(), key: hex(&private.public_key().to_bytes_raw()) }
    }

    #[test]
    fn der_keys_of_both_kinds_parse_and_match_their_account() {
        for private in [PrivateKey::generate_ed25519(), PrivateKey::generate_ecdsa()] {
            let secret = Secret::new(private.to_string_der());
            let key = OperatorKey::parse(&secret, None).unwrap();
            assert_eq!(key.encoding, "DER");
            assert!(matches!(key.check(Some(&mirror_key(&private))), KeyMatch::Matches(_)));
            let other = mirror_key(&PrivateKey::generate_ed25519());
            assert_eq!(key.check(Some(&other)), KeyMatch::Mismatch);
        }
    }

    #[test]
    fn a_raw_key_is_told_apart_by_the_account_key() {
        let private = PrivateKey::generate_ecdsa();
        let raw = format!("0x{}", hex(&private.to_bytes_raw()));
        let key = OperatorKey::parse(&Secret::new(raw.clone()), None).unwrap();
        assert_eq!(key.kinds(), [KeyKind::Ed25519, KeyKind::Ecdsa]);
        assert_eq!(key.check(Some(&mirror_key(&private))), KeyMatch::Matches(KeyKind::Ecdsa));
        let typed = OperatorKey::parse(&Secret::new(raw), Some("ed25519")).unwrap();
        assert_eq!(typed.check(Some(&mirror_key(&private))), KeyMatch::Mismatch);
    }

    #[test]
    fn bad_keys_are_config_errors_that_do_not_echo_the_key() {
        for bad in ["nothex!", "302e0201", "abcd"] {
            let err = OperatorKey::parse(&Secret::new(bad), None).unwrap_err();
            assert_eq!(err.kind(), crate::error::Exit::Config);
            assert!(!err.to_string().contains(bad), "{err}");
        }
        let complex = Key { key_type: "ProtobufEncoded".into(), key: "2a".into() };
        let key = OperatorKey::parse(&Secret::new(PrivateKey::generate_ed25519().to_string_der()), None).unwrap();
        assert_eq!(key.check(Some(&complex)), KeyMatch::Complex);
        assert_eq!(key.check(None), KeyMatch::NoKey);
    }
}
