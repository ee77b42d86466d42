//! [`Labels`]: a series' label set, a map from label names to values kept as one sorted vector.
//!
//! Label sets are small (one to three labels) and there is one per series, so at 100,000 watched accounts their
//! footprint matters: a sorted vector costs one allocation the size of its entries, where a `BTreeMap` node
//! costs over 500 bytes whatever it holds. It behaves as the map it replaces: the same iteration order (by name),
//! the same ordering, hash and JSON (an object).

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Label names to values, ordered by name so a label set has one canonical form.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Labels(Vec<(String, String)>);

impl Labels {
    pub const fn new() -> Labels {
        Labels(Vec::new())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(name))
    }

    /// The value of label `name`.
    pub fn get(&self, name: &str) -> Option<&String> {
        self.find(name).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_ok()
    }

    /// Sets label `name`; returns its previous value.
    pub fn insert(&mut self, name: String, value: String) -> Option<String> {
        match self.find(&name) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (name, value));
                None
            }
        }
    }

    pub fn remove(&mut self, name: &str) -> Option<String> {
        self.find(name).ok().map(|i| self.0.remove(i).1)
    }

    /// Keeps the labels for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut String) -> bool) {
        self.0.retain_mut(|(k, v)| keep(k, v));
    }

    /// (name, value) pairs by name.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.0.iter())
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(_, v)| v)
    }
}

/// The pairs of a [`Labels`], by name.
pub struct Iter<'a>(std::slice::Iter<'a, (String, String)>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a String);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Labels {
    type Item = (&'a String, &'a String);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for Labels {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<(String, String)> for Labels {
    /// A label given twice keeps its last value, as a map's insert would.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Labels {
        let mut labels = Labels::new();
        labels.extend(pairs);
        // Most label sets are built once and kept (one per watched account): no room to grow.
        labels.0.shrink_to_fit();
        labels
    }
}

impl Extend<(String, String)> for Labels {
    fn extend<I: IntoIterator<Item = (String, String)>>(&mut self, pairs: I) {
        for (k, v) in pairs {
            self.insert(k, v);
        }
    }
}

impl<const N: usize> From<[(String, String); N]> for Labels {
    fn from(pairs: [(String, String); N]) -> Labels {
        pairs.into_iter().collect()
    }
}

impl std::ops::Index<&str> for Labels {
    type Output = String;

    /// The value of label `name`; panics if there is none, like a map's index.
    fn index(&self, name: &str) -> &String {
        self.get(name).unwrap_or_else(|| panic!("no label {name:?}"))
    }
}

impl Hash for Labels {
    /// As a `BTreeMap` of the same pairs hashes.
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.0.len());
        for pair in &self.0 {
            pair.hash(state);
        }
    }
}

impl fmt::Debug for Labels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Labels {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Labels, D::Error> {
        let map = std::collections::BTreeMap::<String, String>::deserialize(deserializer)?;
        Ok(Labels(map.into_iter().collect()))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn behaves_as_the_map_it_replaces() {
        let given = pairs(&[("label", "hot"), ("account", "0.0.7"), ("token", "0.0.9"), ("label", "cold")]);
        let labels: Labels = given.clone().into_iter().collect();
        let map: BTreeMap<String, String> = given.into_iter().collect();
        assert_eq!(labels.iter().collect::<Vec<_>>(), map.iter().collect::<Vec<_>>());
        assert_eq!(serde_json::to_string(&labels).unwrap(), serde_json::to_string(&map).unwrap());
        let back: Labels = serde_json::from_str(r#"{"b":"2","a":"1"}"#).unwrap();
        assert_eq!(back, pairs(&[("a", "1"), ("b", "2")]).into_iter().collect::<Labels>());
        let hash = |h: &dyn Fn(&mut std::collections::hash_map::DefaultHasher)| {
            let mut s = std::collections::hash_map::DefaultHasher::new();
            h(&mut s);
            s.finish()
        };
        assert_eq!(hash(&|s| labels.hash(s)), hash(&|s| map.hash(s)));
        assert_eq!((labels.get("label").map(String::as_str), labels["account"].as_str()), (Some("cold"), "0.0.7"));
        assert_eq!(format!("{labels:?}"), format!("{map:?}"));
    }

    #[test]
    fn orders_as_the_map_does() {
        let sets = [&[("a", "1")][..], &[("a", "1"), ("b", "0")], &[("a", "2")], &[("b", "")], &[]];
        let mut ours: Vec<Labels> = sets.iter().map(|s| pairs(s).into_iter().collect()).collect();
        let mut maps: Vec<BTreeMap<String, String>> = sets.iter().map(|s| pairs(s).into_iter().collect()).collect();
        ours.sort();
        maps.sort();
        let ours: Vec<Vec<(&String, &String)>> = ours.iter().map(|l| l.iter().collect()).collect();
        let maps: Vec<Vec<(&String, &String)>> = maps.iter().map(|m| m.iter().collect()).collect();
        assert_eq!(ours, maps);
    }

    #[test]
    fn edits_keep_the_order() {
        let mut labels = Labels::new();
        assert_eq!(labels.insert("z".into(), "1".into()), None);
        assert_eq!(labels.insert("a".into(), "2".into()), None);
        assert_eq!(labels.insert("z".into(), "3".into()), Some("1".into()));
        assert_eq!(labels.keys().map(String::as_str).collect::<Vec<_>>(), ["a", "z"]);
        assert_eq!(labels.remove("a"), Some("2".into()));
        labels.retain(|_, v| v != "3");
        assert!(labels.is_empty() && !labels.contains_key("z"));
    }
}
