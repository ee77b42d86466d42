//! Silences (placeholder until the silence module lands).

use serde::Serialize;

use crate::metrics::{labels_match, Labels};
use crate::timestamp::Timestamp;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Silence {
    pub id: String,
    pub rule: String,
    pub labels: Labels,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub comment: String,
    pub created_at: Timestamp,
}

impl Silence {
    pub fn matches(&self, rule: &str, labels: &Labels, now: Timestamp) -> bool {
        self.rule == rule && labels_match(&self.labels, labels) && self.starts_at <= now && now < self.ends_at
    }
}

pub fn active(conn: &rusqlite::Connection, now: Timestamp) -> anyhow::Result<Vec<Silence>> {
    let _ = (conn, now);
    Ok(Vec::new())
}
