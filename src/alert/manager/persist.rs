//! The alert manager's side of persistence: loading stored states, handing over what changed, and the outcome
//! of storing it (committed, or rolled back so the next batch decides again).

use super::*;

impl AlertManager {
    /// Loads persisted states: (rule, label JSON, state JSON) rows. Returns the rows that no longer apply (their
    /// rule is gone, or they do not decode), for the caller to delete.
    ///
    /// A state decided under another definition of its rule (a changed metric, matcher, condition or threshold),
    /// or of a series its collector no longer produces (`running` lists the collectors at work), is retired: its
    /// resolved notification goes out at the first batch if receivers were told it fires, and it is forgotten.
    pub fn restore(&mut self, rows: Vec<(String, String, String)>, running: &[&str]) -> Vec<(String, String)> {
        let mut stale = Vec::new();
        for (rule, labels_json, state_json) in rows {
            let Some(&i) = self.by_name.get(&rule) else {
                tracing::info!(rule = %rule, "forgetting the state of a rule that is no longer configured");
                stale.push((rule, labels_json));
                continue;
            };
            let decoded = serde_json::from_str::<Labels>(&labels_json)
                .and_then(|labels| serde_json::from_str::<SeriesState>(&state_json).map(|s| (labels, s)));
            match decoded {
                Ok((labels, mut state)) => {
                    let r = &self.rules[i];
                    let applies = state.rule.as_deref().is_none_or(|f| f == self.fingerprints[i])
                        && labels_match(&r.labels, &labels)
                        && (r.condition != Condition::Absent || labels == r.labels)
                        && source(&r.metric, &labels).is_none_or(|c| running.contains(&c));
                    let key = (i, series_hash(&r.metric, &labels));
                    state.labels = labels;
                    if !applies {
                        tracing::info!(rule = %rule, "retiring an alert state its rule no longer decides");
                        self.retiring.push(key);
                    } else if state.owes() {
                        // Settled at the first batch: the silence that held it back may be gone.
                        self.held.insert(key);
                        self.dirty.insert(key);
                    }
                    self.states.insert(key, state);
                }
                Err(e) => {
                    tracing::warn!(rule = %rule, error = %e, "forgetting an alert state that does not decode");
                    stale.push((rule, labels_json));
                }
            }
        }
        stale
    }

    /// The states changed since the last call, to persist; they count as in flight until [`Self::committed`] or
    /// [`Self::rolled_back`].
    pub fn take_changes(&mut self) -> Changes {
        let mut changes = Changes::default();
        for key in self.dirty.drain() {
            let rule = &self.rules[key.0].name;
            match self.states.get_mut(&key) {
                Some(state) => {
                    if state.rule.as_deref() != Some(self.fingerprints[key.0].as_str()) {
                        state.rule = Some(self.fingerprints[key.0].clone());
                    }
                    let labels = serde_json::to_string(&state.labels).unwrap_or_else(|_| "{}".into());
                    let json = serde_json::to_string(state).unwrap_or_else(|_| "{}".into());
                    changes.upserts.push((rule.clone(), labels, json));
                }
                None => {
                    if let Some(labels) = self.removed.get(&key) {
                        changes.deletes.push((rule.clone(), labels.clone()));
                    }
                }
            }
            self.in_commit.insert(key);
        }
        changes
    }

    /// The last changes and their notifications are stored.
    pub fn committed(&mut self) {
        for key in self.in_commit.drain() {
            if !self.states.contains_key(&key) {
                self.removed.remove(&key);
            }
        }
        self.undo.clear();
    }

    /// Storing the last changes failed: the states that produced notifications go back to what they were (so
    /// the next batch decides again), and every change stays to be stored next time.
    pub fn rolled_back(&mut self) {
        for (key, before) in self.undo.drain() {
            match before {
                Some(state) => {
                    if state.owes() {
                        // Owed again: settled at the next batch even if its series does not report.
                        self.held.insert(key);
                    }
                    self.states.insert(key, state);
                }
                None => {
                    self.states.remove(&key);
                }
            }
        }
        self.dirty.extend(self.in_commit.drain());
    }
}
