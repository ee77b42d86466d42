//! Durable transaction cursors for the accounts collector: per account, the newest consensus timestamp already
//! counted, kept in the store database's `kv` table under [`KEY`] as a JSON object of account id ->
//! `"seconds.nanos"`. With them, a run that starts after another (`hmon watch --once` from cron) counts what
//! happened since the previous run instead of starting from the mirror's newest transaction.
//!
//! Reading and writing them never fails a cycle: a problem is logged and the collector goes on without them.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::store::Db;
use crate::timestamp::Timestamp;

/// The `kv` key of the accounts collector's cursors.
pub const KEY: &str = "accounts.cursors";

/// Cursors as stored: account id -> `"seconds.nanos"`.
pub type StoredCursors = BTreeMap<String, String>;

/// Where the cursors live, and what was last read or written there (an unchanged map is not written again).
#[derive(Debug)]
pub struct CursorStore {
    db: Arc<Db>,
    saved: Option<StoredCursors>,
}

impl CursorStore {
    pub fn new(db: Arc<Db>) -> Self {
        Self { db, saved: None }
    }

    /// The stored cursors, off the async threads; none when there are none or they cannot be read (logged).
    /// An entry that is not a timestamp is left out (logged).
    pub async fn load(&mut self) -> HashMap<String, Timestamp> {
        let stored = match self.db.run(|db| db.get_value::<StoredCursors>(KEY)).await {
            Ok(stored) => stored.unwrap_or_default(),
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "cannot read the accounts' transaction cursors; counting from the newest transaction");
                return HashMap::new();
            }
        };
        let mut cursors = HashMap::with_capacity(stored.len());
        for (account, at) in &stored {
            match at.parse::<Timestamp>() {
                Ok(t) => {
                    cursors.insert(account.clone(), t);
                }
                Err(_) => {
                    tracing::warn!(account = %account, "ignoring a stored transaction cursor that is not a timestamp")
                }
            }
        }
        self.saved = Some(stored);
        cursors
    }

    /// The JSON to store for `cursors`, unless they are what was last read or handed over: the pipeline writes it
    /// with the alert state of the same cycle.
    pub fn handover(&mut self, cursors: StoredCursors) -> Option<String> {
        if self.saved.as_ref() == Some(&cursors) {
            return None;
        }
        let json = serde_json::to_string(&cursors).ok()?;
        self.saved = Some(cursors);
        Some(json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn cursors_round_trip_and_bad_entries_are_left_out() {
        let db = Db::in_memory().unwrap();
        let mut store = CursorStore::new(db.clone());
        assert!(store.load().await.is_empty());
        let cursors = StoredCursors::from([
            ("0.0.1".to_string(), "1700000000.000000007".to_string()),
            ("0.0.2".to_string(), "yesterday".to_string()),
        ]);
        let json = store.handover(cursors.clone()).expect("new cursors are handed over");
        assert_eq!(store.handover(cursors.clone()), None, "unchanged cursors are not");
        db.write(|tx| Db::put_value(tx, KEY, &serde_json::from_str::<StoredCursors>(&json)?)).unwrap();
        assert_eq!(db.get_value::<StoredCursors>(KEY).unwrap(), Some(cursors));
        let loaded = CursorStore::new(db.clone()).load().await;
        assert_eq!(loaded, HashMap::from([("0.0.1".to_string(), Timestamp { secs: 1_700_000_000, nanos: 7 })]));
    }

    #[tokio::test]
    async fn unreadable_cursors_mean_none() {
        let db = Db::in_memory().unwrap();
        db.write(|tx| Db::put_value(tx, KEY, &"not a map")).unwrap();
        assert!(CursorStore::new(db).load().await.is_empty());
    }
}
