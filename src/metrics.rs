//! The unit of monitoring data: a sample `{name, labels, value, timestamp}` of one series.
//!
//! Collectors produce samples, the store keeps them, the alert manager evaluates rules on them and `watch`
//! prints them. A series is a metric name plus its label set.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::timestamp::Timestamp;

mod labels;

pub use labels::Labels;

/// One observation of one series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// Borrowed for the names hmon's collectors use (a sample per account a cycle allocates no name).
    pub name: Cow<'static, str>,
    /// Shared: a collector that reports the same series every cycle builds its label set once.
    pub labels: Arc<Labels>,
    pub value: f64,
    /// When the value was observed; RFC 3339 in JSON.
    pub timestamp: Timestamp,
    /// Why the observation is a failure, when it is one and the collector knows (why `node_up` is 0, say). Raw
    /// text from the network: make it inert before showing it. Not part of the series and not stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Sample {
    pub fn new(name: impl Into<Cow<'static, str>>, labels: &[(&str, &str)], value: f64, timestamp: Timestamp) -> Self {
        let labels: Labels = labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Self::of(name, Arc::new(labels), value, timestamp)
    }

    /// A sample of the series `name{labels}`, sharing `labels`.
    pub fn of(name: impl Into<Cow<'static, str>>, labels: Arc<Labels>, value: f64, timestamp: Timestamp) -> Self {
        Self { name: name.into(), labels, value, timestamp, error: None }
    }

    /// This sample with `error` as the reason it is a failure.
    pub fn with_error(mut self, error: Option<String>) -> Self {
        self.error = error;
        self
    }

    /// The series this sample belongs to.
    pub fn series(&self) -> SeriesKey {
        SeriesKey::new(&self.name, &self.labels)
    }
}

/// A series identity: `name{a="1",b="2"}`, labels sorted. Usable as a map key and readable in logs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SeriesKey(String);

impl SeriesKey {
    pub fn new(name: &str, labels: &Labels) -> Self {
        let inner: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
        Self(format!("{name}{{{}}}", inner.join(",")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SeriesKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether every label in `matcher` is present in `labels` with the same value.
pub fn labels_match(matcher: &Labels, labels: &Labels) -> bool {
    matcher.iter().all(|(k, v)| labels.get(k) == Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_serialize_with_the_documented_keys() {
        let s = Sample::new(
            "account_balance_hbar",
            &[("account", "0.0.1001"), ("label", "treasury")],
            12.5,
            Timestamp { secs: 1_700_000_000, nanos: 0 },
        );
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "name": "account_balance_hbar", "labels": {"account": "0.0.1001", "label": "treasury"},
                "value": 12.5, "timestamp": "2023-11-14T22:13:20Z"
            })
        );
        let back: Sample = serde_json::from_value(json).unwrap();
        assert_eq!(back, s);
        assert_eq!(s.series().as_str(), "account_balance_hbar{account=\"0.0.1001\",label=\"treasury\"}");
    }

    #[test]
    fn matchers_are_subsets() {
        let labels: Labels = [("account".to_string(), "0.0.1".to_string()), ("label".into(), "x".into())].into();
        assert!(labels_match(&Labels::new(), &labels));
        assert!(labels_match(&[("account".to_string(), "0.0.1".to_string())].into(), &labels));
        assert!(!labels_match(&[("account".to_string(), "0.0.2".to_string())].into(), &labels));
    }
}
