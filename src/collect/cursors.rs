//! Durable transaction cursors for the accounts collector: per account, the newest consensus timestamp already
//! counted, kept in the store database's `kv` table under [`KEY`] as a JSON object of account id ->
//! `"seconds.nanos"`. With them, a run that starts after another (`hmon watch --once` from cron) counts what
//! happened since the previous run instead of starting from the mirror's newest transaction.
//!
//! In stream mode there is one cursor for every account, the network stream's, kept under [`STREAM_KEY`] as
//! `{"cursor": "seconds.nanos"}`. An account's cursor is then the later of its own entry and the stream's: the one
//! written by whichever mode ran last.
//!
//! Reading and writing them never fails a cycle: a problem is logged and the collector goes on without them.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::store::Db;
use crate::timestamp::Timestamp;

/// The `kv` key of the accounts collector's cursors.
pub const KEY: &str = "accounts.cursors";

/// The `kv` key of the network stream's cursor.
pub const STREAM_KEY: &str = "accounts.stream";

/// The stream's cursor as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredStream {
    /// `"seconds.nanos"`: every transaction up to it was counted.
    pub cursor: String,
}

/// Cursors as stored: account id -> `"seconds.nanos"`.
pub type StoredCursors = BTreeMap<String, String>;

/// Where the cursors live, and what was last read or written there (an unchanged map is not written again).
#[derive(Debug)]
pub struct CursorStore {
    db: Arc<Db>,
    saved: Option<StoredCursors>,
    saved_stream: Option<Timestamp>,
}

impl CursorStore {
    pub fn new(db: Arc<Db>) -> Self {
        Self { db, saved: None, saved_stream: None }
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

    /// The stored stream cursor, if any can be read (a problem is logged).
    pub async fn load_stream(&mut self) -> Option<Timestamp> {
        let stored = match self.db.run(|db| db.get_value::<StoredStream>(STREAM_KEY)).await {
            Ok(stored) => stored?,
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "cannot read the accounts' stream cursor");
                return None;
            }
        };
        match stored.cursor.parse::<Timestamp>() {
            Ok(t) => {
                self.saved_stream = Some(t);
                Some(t)
            }
            Err(_) => {
                tracing::warn!("ignoring a stored stream cursor that is not a timestamp");
                None
            }
        }
    }

    /// The (key, JSON) to store for the stream's `cursor`, unless it is what was last read or handed over.
    pub fn handover_stream(&mut self, cursor: Timestamp) -> Option<(String, String)> {
        if self.saved_stream == Some(cursor) {
            return None;
        }
        let json = serde_json::to_string(&StoredStream { cursor: cursor.to_string() }).ok()?;
        self.saved_stream = Some(cursor);
        Some((STREAM_KEY.to_string(), json))
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
    async fn the_stream_cursor_round_trips() {
        let db = Db::in_memory().unwrap();
        let mut store = CursorStore::new(db.clone());
        assert_eq!(store.load_stream().await, None);
        let at = Timestamp { secs: 1_700_000_000, nanos: 7 };
        let (key, json) = store.handover_stream(at).expect("a new cursor is handed over");
        assert_eq!((key.as_str(), json.as_str()), (STREAM_KEY, r#"{"cursor":"1700000000.000000007"}"#));
        assert_eq!(store.handover_stream(at), None, "an unchanged one is not");
        db.write(|tx| Db::put_value(tx, STREAM_KEY, &serde_json::from_str::<StoredStream>(&json)?)).unwrap();
        assert_eq!(CursorStore::new(db.clone()).load_stream().await, Some(at));
        db.write(|tx| Db::put_value(tx, STREAM_KEY, &StoredStream { cursor: "soon".into() })).unwrap();
        assert_eq!(CursorStore::new(db).load_stream().await, None);
    }

    #[tokio::test]
    async fn unreadable_cursors_mean_none() {
        let db = Db::in_memory().unwrap();
        db.write(|tx| Db::put_value(tx, KEY, &"not a map")).unwrap();
        assert!(CursorStore::new(db).load().await.is_empty());
    }
}
