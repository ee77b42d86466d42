//! Identifiers as users type them: account ids (with HIP-15 checksums), EVM addresses and transaction ids.
//!
//! Parsing is strict and local: a malformed id is a usage error (exit 2) before any request is sent.

use std::fmt;
use std::str::FromStr;

use base64::Engine;

use crate::error::Error;

/// A `shard.realm.num` entity id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityId {
    pub shard: u64,
    pub realm: u64,
    pub num: u64,
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.shard, self.realm, self.num)
    }
}

impl FromStr for EntityId {
    type Err = Error;

    /// Parses exactly `shard.realm.num` (no checksum); see [`AccountRef::parse`] for user input.
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || Error::usage(format!("invalid entity id '{s}': expected shard.realm.num, e.g. 0.0.1234"));
        let mut parts = s.split('.');
        let mut next = || -> Result<u64, Error> {
            let p = parts.next().ok_or_else(bad)?;
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            p.parse().map_err(|_| bad())
        };
        let id = EntityId { shard: next()?, realm: next()?, num: next()? };
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(id)
    }
}

/// The HIP-15 checksum of an entity id on a ledger (`0x00` mainnet, `0x01` testnet, `0x02` previewnet).
pub fn checksum(id: &EntityId, ledger_id: &[u8]) -> String {
    const P3: u64 = 26 * 26 * 26;
    const P5: u64 = 26 * 26 * 26 * 26 * 26;
    const M: u64 = 1_000_003;
    const W: u64 = 31;

    let text = id.to_string();
    let (mut s, mut s0, mut s1) = (0u64, 0u64, 0u64);
    for (i, c) in text.bytes().enumerate() {
        let digit = if c == b'.' { 10 } else { u64::from(c - b'0') };
        s = (W * s + digit) % P3;
        if i % 2 == 0 {
            s0 = (s0 + digit) % 11;
        } else {
            s1 = (s1 + digit) % 11;
        }
    }
    let mut sh = 0u64;
    for b in ledger_id.iter().copied().chain([0u8; 6]) {
        sh = (W * sh + u64::from(b)) % P5;
    }
    let len = text.len() as u64;
    let mut c = ((((len % 5) * 11 + s0) * 11 + s1) * P3 + s + sh) % P5;
    c = (c * M) % P5;
    let mut out = [0u8; 5];
    for slot in out.iter_mut().rev() {
        *slot = b'a' + (c % 26) as u8;
        c /= 26;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An account as a user names it: an entity id or a 20-byte EVM address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountRef {
    Id(EntityId),
    /// Lower-case `0x` + 40 hex digits.
    Evm(String),
}

impl fmt::Display for AccountRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccountRef::Id(id) => id.fmt(f),
            AccountRef::Evm(addr) => f.write_str(addr),
        }
    }
}

impl AccountRef {
    /// Parses `0.0.N`, `0.0.N-abcde` (HIP-15 checksum, verified against `ledger_id`) or `0x` + 40 hex digits.
    ///
    /// `network` names the selected network in error messages; `ledger_id` is `None` for networks whose ledger id
    /// is unknown, where a checksum cannot be verified and is refused.
    pub fn parse(input: &str, network: &str, ledger_id: Option<&[u8]>) -> Result<Self, Error> {
        let s = input.trim();
        if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            if hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Ok(AccountRef::Evm(format!("0x{}", hex.to_ascii_lowercase())));
            }
            return Err(Error::usage(format!("invalid EVM address '{input}': expected 0x followed by 40 hex digits")));
        }
        let expected = "expected shard.realm.num (e.g. 0.0.1234), with an optional checksum \
                        (0.0.1234-abcde), or an EVM address (0x + 40 hex digits)";
        let (id_part, given) = match s.split_once('-') {
            Some((id, sum)) => (id, Some(sum)),
            None => (s, None),
        };
        let id: EntityId =
            id_part.parse().map_err(|_| Error::usage(format!("invalid account id '{input}': {expected}")))?;
        if let Some(given) = given {
            if given.len() != 5 || !given.bytes().all(|b| b.is_ascii_lowercase()) {
                return Err(Error::usage(format!(
                    "invalid checksum in '{input}': a checksum is 5 lower-case letters, e.g. 0.0.1234-abcde"
                )));
            }
            let Some(ledger) = ledger_id else {
                return Err(Error::usage(format!(
                    "cannot verify the checksum in '{input}': network '{network}' has no known ledger id \
                     (set ledger_id for it in the config, or give the id without a checksum)"
                )));
            };
            let want = checksum(&id, ledger);
            if want != given {
                return Err(Error::usage(format!(
                    "wrong checksum in '{input}' for network {network}: expected {id}-{want}; \
                     is the id from another network?"
                )));
            }
        }
        Ok(AccountRef::Id(id))
    }

    /// The path segment the mirror accepts for this account.
    pub fn mirror_path(&self) -> String {
        self.to_string()
    }
}

/// A transaction as a user names it, in the form the mirror's `/transactions/{id}` takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransactionRef {
    /// Mirror form `0.0.8-1234567890-000000006`.
    Id(String),
    /// The 48-byte transaction hash, as lower-case hex.
    Hash(String),
}

impl TransactionRef {
    /// Accepts `0.0.8@1234567890.000000006`, `0.0.8-1234567890-000000006` and the 48-byte hash as hex, `0x` hex
    /// or base64 (standard or URL-safe).
    pub fn parse(input: &str) -> Result<Self, Error> {
        let s = input.trim();
        let expected = "expected a transaction id (0.0.8@1234567890.000000006 or 0.0.8-1234567890-000000006) \
                        or a 48-byte transaction hash (96 hex digits or base64)";
        let bad = || Error::usage(format!("invalid transaction id '{input}': {expected}"));
        if let Some((payer, valid_start)) = s.split_once('@') {
            let payer: EntityId = payer.parse().map_err(|_| bad())?;
            let (secs, frac) = valid_start.split_once('.').ok_or_else(bad)?;
            // After '@' the valid start is a decimal: ".5" is half a second.
            let nanos = digits(frac, 9).then(|| format!("{frac:0<9}")).ok_or_else(bad)?;
            return Ok(TransactionRef::Id(mirror_tx_id(payer, secs, &nanos).ok_or_else(bad)?));
        }
        let dashes: Vec<&str> = s.split('-').collect();
        if dashes.len() == 3 && dashes[0].contains('.') {
            let payer: EntityId = dashes[0].parse().map_err(|_| bad())?;
            // In the mirror form the nanoseconds are an integer: "-5" is 5 ns.
            let nanos = digits(dashes[2], 9).then(|| format!("{:0>9}", dashes[2])).ok_or_else(bad)?;
            return Ok(TransactionRef::Id(mirror_tx_id(payer, dashes[1], &nanos).ok_or_else(bad)?));
        }
        decode_hash(s).map(TransactionRef::Hash).ok_or_else(bad)
    }

    /// The path segment for `/api/v1/transactions/{id}`.
    pub fn mirror_path(&self) -> &str {
        match self {
            TransactionRef::Id(s) | TransactionRef::Hash(s) => s,
        }
    }
}

fn digits(p: &str, max: usize) -> bool {
    !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit())
}

/// `nanos` is already nine digits.
fn mirror_tx_id(payer: EntityId, secs: &str, nanos: &str) -> Option<String> {
    if !digits(secs, 19) {
        return None;
    }
    let secs: i64 = secs.parse().ok()?;
    Some(format!("{payer}-{secs}-{nanos}"))
}

fn decode_hash(s: &str) -> Option<String> {
    let hex_part = s.strip_prefix("0x").unwrap_or(s);
    if hex_part.len() == 96 && hex_part.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(hex_part.to_ascii_lowercase());
    }
    let url_safe: String = s
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(url_safe.trim_end_matches('=')).ok()?;
    (bytes.len() == 48).then(|| bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAINNET: &[u8] = &[0];
    const TESTNET: &[u8] = &[1];

    fn id(num: u64) -> EntityId {
        EntityId { shard: 0, realm: 0, num }
    }

    #[test]
    fn checksums_match_the_sdk_vectors() {
        // First entries of hiero-sdk's generate_checksum_{mainnet,testnet} tables.
        assert_eq!(checksum(&id(0), MAINNET), "uvnqa");
        assert_eq!(checksum(&id(1), MAINNET), "dfkxr");
        assert_eq!(checksum(&id(10), MAINNET), "hiafh");
        assert_eq!(checksum(&id(255), MAINNET), "hpphi");
        assert_eq!(checksum(&id(0), TESTNET), "eiyxj");
        assert_eq!(checksum(&id(255), TESTNET), "rdaor");
    }

    #[test]
    fn account_ids_parse_with_and_without_checksum() {
        let parse = |s| AccountRef::parse(s, "testnet", Some(TESTNET));
        assert_eq!(parse("0.0.1234").unwrap(), AccountRef::Id(id(1234)));
        assert_eq!(parse("0.0.255-rdaor").unwrap(), AccountRef::Id(id(255)));
        let err = parse("0.0.255-hpphi").unwrap_err().to_string();
        assert!(err.contains("wrong checksum") && err.contains("0.0.255-rdaor"), "{err}");
        assert!(parse("0.0.255-RDAOR").is_err());
        assert!(parse("0.0").is_err());
        assert!(parse("0.0.x").is_err());
        assert!(parse("0.0.1.2").is_err());
        assert!(parse("-0.0.1").is_err());
        assert!(parse("0.0.99999999999999999999999").is_err());
    }

    #[test]
    fn checksum_needs_a_known_ledger() {
        let err = AccountRef::parse("0.0.255-rdaor", "local", None).unwrap_err().to_string();
        assert!(err.contains("no known ledger id"), "{err}");
    }

    #[test]
    fn evm_addresses_are_normalised() {
        let a = AccountRef::parse("0xAC384C53F03855FA1B3616052F8BA32C6C2A2FEC", "testnet", None).unwrap();
        assert_eq!(a.to_string(), "0xac384c53f03855fa1b3616052f8ba32c6c2a2fec");
        assert!(AccountRef::parse("0x1234", "testnet", None).is_err());
    }

    #[test]
    fn transaction_ids_take_every_documented_form() {
        let want = TransactionRef::Id("0.0.8-1234567890-000000006".into());
        assert_eq!(TransactionRef::parse("0.0.8@1234567890.000000006").unwrap(), want);
        assert_eq!(TransactionRef::parse("0.0.8-1234567890-000000006").unwrap(), want);
        assert_eq!(
            TransactionRef::parse("0.0.8@1234567890.5").unwrap(),
            TransactionRef::Id("0.0.8-1234567890-500000000".into())
        );
        assert_eq!(
            TransactionRef::parse("0.0.8-1234567890-6").unwrap(),
            TransactionRef::Id("0.0.8-1234567890-000000006".into())
        );
        let hex = "ae8bebf1c9fa0f309356e48057f6047af7cde63037d0509d16ddc3b20e085158bfdf14d15345c1b18b199b72fed4ac6f";
        let hash = TransactionRef::Hash(hex.into());
        assert_eq!(TransactionRef::parse(hex).unwrap(), hash);
        assert_eq!(TransactionRef::parse(&format!("0x{}", hex.to_uppercase())).unwrap(), hash);
        assert_eq!(
            TransactionRef::parse("rovr8cn6DzCTVuSAV_YEevfN5jA30FCdFt3Dsg4IUVi_3xTRU0XBsYsZm3L-1Kxv").unwrap(),
            hash
        );
        assert_eq!(
            TransactionRef::parse("rovr8cn6DzCTVuSAV/YEevfN5jA30FCdFt3Dsg4IUVi/3xTRU0XBsYsZm3L+1Kxv").unwrap(),
            hash
        );
        for bad in ["0.0.8@1234567890", "0.0.8@12.1234567890", "0.0.8-123", "abc", "0.0.8@x.1", ""] {
            assert!(TransactionRef::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
