//! The networks hmon knows by name, and the custom ones a config file adds.

use std::collections::BTreeMap;

/// A network to talk to: where its mirror node is, its ledger id (for checksums) and, optionally, the gRPC
/// addresses of its consensus nodes (address -> node account id) that override the address book's endpoints.
/// `Debug` masks credentials in the mirror URL.
#[derive(Clone, PartialEq, Eq)]
pub struct Network {
    pub name: String,
    pub mirror_url: String,
    pub ledger_id: Option<Vec<u8>>,
    pub nodes: BTreeMap<String, String>,
}

impl std::fmt::Debug for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Network")
            .field("name", &self.name)
            .field("mirror_url", &crate::secret::mask_url(&self.mirror_url))
            .field("ledger_id", &self.ledger_id)
            .field("nodes", &self.nodes)
            .finish()
    }
}

/// Names that need no configuration.
pub const BUILTIN: [&str; 4] = ["mainnet", "testnet", "previewnet", "local"];

impl Network {
    /// A built-in network by name: the public mirror nodes and a local Hiero network (solo / local-node).
    pub fn builtin(name: &str) -> Option<Network> {
        let (mirror_url, ledger_id) = match name {
            "mainnet" => ("https://mainnet-public.mirrornode.hedera.com", Some(vec![0])),
            "testnet" => ("https://testnet.mirrornode.hedera.com", Some(vec![1])),
            "previewnet" => ("https://previewnet.mirrornode.hedera.com", Some(vec![2])),
            "local" => ("http://localhost:5551", None),
            _ => return None,
        };
        Some(Network { name: name.to_string(), mirror_url: mirror_url.to_string(), ledger_id, nodes: BTreeMap::new() })
    }
}

/// Parses a ledger id written as hex (`"00"`, `"0x01"`).
pub fn parse_ledger_id(s: &str) -> Option<Vec<u8>> {
    let hex = s.strip_prefix("0x").unwrap_or(s);
    if hex.is_empty() || !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_have_public_mirrors_and_ledger_ids() {
        let testnet = Network::builtin("testnet").unwrap();
        assert_eq!(testnet.ledger_id, Some(vec![1]));
        assert!(testnet.mirror_url.starts_with("https://testnet."));
        assert!(Network::builtin("nope").is_none());
    }

    #[test]
    fn ledger_ids_are_hex() {
        assert_eq!(parse_ledger_id("0x03"), Some(vec![3]));
        assert_eq!(parse_ledger_id("0001"), Some(vec![0, 1]));
        assert_eq!(parse_ledger_id("1"), None);
        assert_eq!(parse_ledger_id("zz"), None);
    }
}
