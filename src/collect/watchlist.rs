//! The watched accounts as the accounts collector indexes them, and the tokens it has met.
//!
//! A network-wide transaction names accounts as `shard.realm.num` strings; matching one against 100,000 watched
//! accounts is a parse (no allocation) and one hash lookup. Accounts are then referred to by their position in
//! the list (a `u32`), which keeps per-account state in plain vectors.

use std::collections::HashMap;
use std::sync::Arc;

use super::accounts::WatchedAccount;
use crate::ids::EntityId;
use crate::metrics::Labels;

/// One watched account, with its id already written out (samples label it every cycle).
#[derive(Debug, Clone)]
pub struct Watched {
    pub id: EntityId,
    pub text: String,
    pub label: String,
    /// `{account, label}`, shared by every sample of the account's series.
    pub labels: Arc<Labels>,
}

/// The watched accounts in configuration order, indexed by id.
#[derive(Debug, Default)]
pub struct WatchList {
    accounts: Vec<Watched>,
    index: HashMap<EntityId, u32>,
}

impl WatchList {
    /// The list of `accounts`; an id given twice is watched once, at its first place, with the first label that
    /// is not empty.
    pub fn new(accounts: Vec<WatchedAccount>) -> Self {
        let mut index: HashMap<EntityId, u32> = HashMap::with_capacity(accounts.len());
        let mut list: Vec<Watched> = Vec::with_capacity(accounts.len());
        for a in accounts {
            match index.get(&a.id) {
                Some(&i) if list[i as usize].label.is_empty() => list[i as usize].label = a.label,
                Some(_) => {}
                None => {
                    index.insert(a.id, list.len() as u32);
                    let text = a.id.to_string();
                    let labels = Labels::from([("account".into(), text.clone()), ("label".into(), a.label.clone())]);
                    list.push(Watched { id: a.id, text, label: a.label, labels: Arc::new(labels) });
                }
            }
        }
        Self { accounts: list, index }
    }

    pub fn len(&self) -> usize {
        self.accounts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// The account at `i` (a position this list gave out).
    pub fn get(&self, i: usize) -> &Watched {
        &self.accounts[i]
    }

    pub fn iter(&self) -> impl Iterator<Item = &Watched> {
        self.accounts.iter()
    }

    /// The position of the account written `text` (`shard.realm.num`), if watched.
    pub fn find(&self, text: &str) -> Option<u32> {
        self.index.get(&parse_entity(text)?).copied()
    }
}

/// Parses `shard.realm.num` without allocating; `None` for anything else (aliases, EVM addresses, garbage).
pub fn parse_entity(text: &str) -> Option<EntityId> {
    let mut parts = text.split('.');
    let mut next = || -> Option<u64> {
        let p = parts.next()?;
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok()
    };
    let id = EntityId { shard: next()?, realm: next()?, num: next()? };
    parts.next().is_none().then_some(id)
}

/// Tokens met in reads and transfers of watched accounts, each once, with their decimals when known.
#[derive(Debug, Default)]
pub struct TokenTable {
    ids: Vec<String>,
    decimals: Vec<Option<i64>>,
    index: HashMap<String, u32>,
}

impl TokenTable {
    /// The number of `token_id`, added if new.
    pub fn intern(&mut self, token_id: &str) -> u32 {
        if let Some(&t) = self.index.get(token_id) {
            return t;
        }
        let t = self.ids.len() as u32;
        self.ids.push(token_id.to_string());
        self.decimals.push(None);
        self.index.insert(token_id.to_string(), t);
        t
    }

    /// The number of `token_id`, if met.
    pub fn lookup(&self, token_id: &str) -> Option<u32> {
        self.index.get(token_id).copied()
    }

    /// The token's id as the mirror writes it.
    pub fn id(&self, token: u32) -> &str {
        &self.ids[token as usize]
    }

    pub fn decimals(&self, token: u32) -> Option<i64> {
        self.decimals[token as usize]
    }

    /// Whether the decimals of `token_id` are known.
    pub fn knows(&self, token_id: &str) -> bool {
        self.index.get(token_id).is_some_and(|&t| self.decimals[t as usize].is_some())
    }

    pub fn set_decimals(&mut self, token_id: &str, decimals: i64) {
        let t = self.intern(token_id);
        self.decimals[t as usize] = Some(decimals);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watched(ids: &[&str]) -> WatchList {
        WatchList::new(ids.iter().map(|id| WatchedAccount { id: id.parse().unwrap(), label: String::new() }).collect())
    }

    #[test]
    fn accounts_are_found_by_their_text_and_only_in_full_form() {
        let list = watched(&["0.0.8", "0.0.98", "1.2.3", "0.0.8"]);
        assert_eq!(list.len(), 3, "watched once");
        assert_eq!((list.find("0.0.8"), list.find("0.0.98"), list.find("1.2.3")), (Some(0), Some(1), Some(2)));
        for other in ["0.0.9", "0.0.", "0.0.8.1", "8", "0x0000000000000000000000000000000000000008", "", "0.0.-8"] {
            assert_eq!(list.find(other), None, "{other}");
        }
        assert_eq!(parse_entity("0.0.99999999999999999999999"), None, "too large is not an id");
        assert_eq!(list.get(1).text, "0.0.98");
    }

    #[test]
    fn tokens_are_interned_once_with_their_decimals() {
        let mut tokens = TokenTable::default();
        let a = tokens.intern("0.0.1000");
        assert_eq!(tokens.intern("0.0.1000"), a);
        let b = tokens.intern("0.0.2000");
        assert_ne!(a, b);
        assert!(!tokens.knows("0.0.1000") && tokens.decimals(a).is_none());
        tokens.set_decimals("0.0.1000", 8);
        tokens.set_decimals("0.0.3000", 2);
        assert_eq!((tokens.decimals(a), tokens.knows("0.0.3000"), tokens.id(b)), (Some(8), true, "0.0.2000"));
    }
}
