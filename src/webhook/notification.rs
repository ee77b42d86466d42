//! What a webhook delivers: one alert notification, firing or resolved, in the shape receivers see in `json`
//! format. The same value is kept in the outbox until it is delivered, so its id survives retries and restarts.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::metrics::Labels;

/// How urgent an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    /// The lowercase name, as in JSON and config files.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an alert has just started or has just ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertStatus {
    Firing,
    Resolved,
}

impl AlertStatus {
    /// The lowercase name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Firing => "firing",
            AlertStatus::Resolved => "resolved",
        }
    }
}

impl fmt::Display for AlertStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One notification; `id` is unique per notification and identical on every retry of it (receivers dedupe on it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub id: String,
    pub status: AlertStatus,
    pub rule: String,
    pub severity: Severity,
    pub metric: String,
    pub labels: Labels,
    pub value: f64,
    pub threshold: Option<f64>,
    /// When the alert started firing, RFC 3339.
    pub starts_at: String,
    /// When it resolved, RFC 3339; `null` while firing.
    pub ends_at: Option<String>,
    pub summary: String,
    /// Sent by `hmon alert test`, not by a rule; omitted from JSON when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub test: bool,
}

impl Notification {
    /// A fresh notification id: 128 random bits as 32 lowercase hex digits.
    pub fn new_id() -> String {
        format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
    }
}

/// A firing `low-balance` notification for 0.0.1001 at 5 (threshold 10), for tests.
#[cfg(test)]
pub(crate) fn example(id: &str, summary: &str) -> Notification {
    Notification {
        id: id.into(),
        status: AlertStatus::Firing,
        rule: "low-balance".into(),
        severity: Severity::Critical,
        metric: "account_balance_hbar".into(),
        labels: [("account".to_string(), "0.0.1001".to_string())].into(),
        value: 5.0,
        threshold: Some(10.0),
        starts_at: "2026-01-02T03:04:05Z".into(),
        ends_at: None,
        summary: summary.into(),
        test: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_with_the_documented_keys_and_omits_test_when_false() {
        let n = example("n-1", "balance low");
        let json = serde_json::to_value(&n).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "id": "n-1", "status": "firing", "rule": "low-balance", "severity": "critical",
                "metric": "account_balance_hbar", "labels": {"account": "0.0.1001"}, "value": 5.0,
                "threshold": 10.0, "starts_at": "2026-01-02T03:04:05Z", "ends_at": null, "summary": "balance low"
            })
        );
        assert_eq!(serde_json::from_value::<Notification>(json).unwrap(), n);
        let t = Notification { test: true, ..n };
        assert_eq!(serde_json::to_value(&t).unwrap()["test"], true);
    }

    #[test]
    fn ids_are_fresh() {
        let (a, b) = (Notification::new_id(), Notification::new_id());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
