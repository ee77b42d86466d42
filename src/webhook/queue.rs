//! The dispatcher's keyed queue: work waiting per key in outbox order, and the keys ready to be worked on.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::Hash;

/// Work waiting per key, ordered by its outbox seq, and the keys ready to be worked on: a key is ready when it
/// has work and none of its work is held (in flight, or parked until its next attempt). Taking from a key holds it
/// until [`KeyedQueue::release`].
pub(crate) struct KeyedQueue<K, T> {
    keys: HashMap<K, VecDeque<(i64, T)>>,
    held: HashSet<K>,
    ready: VecDeque<K>,
}

impl<K, T> Default for KeyedQueue<K, T> {
    fn default() -> Self {
        Self { keys: HashMap::new(), held: HashSet::new(), ready: VecDeque::new() }
    }
}

impl<K: Hash + Eq + Clone, T> KeyedQueue<K, T> {
    /// Adds `item` to `key` in `seq` order (a re-queued older row goes before younger ones still waiting);
    /// true when the key became ready.
    pub(crate) fn push(&mut self, key: K, seq: i64, item: T) -> bool {
        let items = self.keys.entry(key.clone()).or_default();
        let at = items.iter().rposition(|(s, _)| *s < seq).map_or(0, |i| i + 1);
        items.insert(at, (seq, item));
        let became_ready = items.len() == 1 && !self.held.contains(&key);
        if became_ready {
            self.ready.push_back(key);
        }
        became_ready
    }

    /// The head of the next ready key, which is held from now on.
    #[cfg(test)]
    pub(crate) fn take(&mut self) -> Option<(K, T)> {
        self.take_where(|_| true)
    }

    /// The head of the first ready key that `allowed` accepts, which is held from now on; the others stay ready
    /// in their order.
    pub(crate) fn take_where(&mut self, allowed: impl Fn(&K) -> bool) -> Option<(K, T)> {
        let mut i = 0;
        while i < self.ready.len() {
            if !allowed(&self.ready[i]) {
                i += 1;
                continue;
            }
            let Some(key) = self.ready.remove(i) else { break };
            if let Some((_, item)) = self.keys.get_mut(&key).and_then(VecDeque::pop_front) {
                self.held.insert(key.clone());
                return Some((key, item));
            }
        }
        None
    }

    /// Puts a taken item back at the head of its key, which stays held.
    pub(crate) fn put_back(&mut self, key: &K, seq: i64, item: T) {
        self.keys.entry(key.clone()).or_default().push_front((seq, item));
    }

    /// The seq of the item at the head of `key`, if any.
    pub(crate) fn head(&self, key: &K) -> Option<i64> {
        self.keys.get(key).and_then(|items| items.front()).map(|(seq, _)| *seq)
    }

    /// Ends the key's hold; true when it has more work and became ready again.
    pub(crate) fn release(&mut self, key: &K) -> bool {
        self.held.remove(key);
        if self.keys.get(key).is_none_or(VecDeque::is_empty) {
            self.keys.remove(key);
            return false;
        }
        self.ready.push_back(key.clone());
        true
    }

    /// Whether some key is ready.
    pub(crate) fn has_ready(&self) -> bool {
        !self.ready.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_per_key_and_one_held() {
        let mut q = KeyedQueue::default();
        assert!(q.push("a", 1, 'x'));
        assert!(!q.push("a", 2, 'y'));
        assert!(q.push("b", 10, 'z'));
        assert_eq!(q.take(), Some(("a", 'x')));
        assert_eq!(q.take(), Some(("b", 'z')));
        assert_eq!(q.take(), None, "a is held");
        q.put_back(&"a", 1, 'x');
        assert_eq!(q.head(&"a"), Some(1));
        assert!(q.release(&"a"));
        assert!(!q.release(&"b"));
        assert_eq!(q.take(), Some(("a", 'x')));
        assert!(q.release(&"a"));
        assert_eq!(q.take(), Some(("a", 'y')));
        assert!(!q.release(&"a"));
        assert!(!q.has_ready() && q.keys.is_empty() && q.held.is_empty());
    }

    #[test]
    fn an_older_row_goes_before_younger_waiting_ones() {
        let mut q = KeyedQueue::default();
        q.push("a", 5, 5);
        q.push("a", 9, 9);
        assert_eq!(q.take(), Some(("a", 5)));
        q.push("a", 3, 3); // re-queued while 5 is in flight: next in line, before 9
        q.push("a", 7, 7);
        assert!(q.release(&"a"));
        let order: Vec<i32> = std::iter::from_fn(|| {
            let (k, v) = q.take()?;
            q.release(&k);
            Some(v)
        })
        .collect();
        assert_eq!(order, [3, 7, 9]);
    }
}
