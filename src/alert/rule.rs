//! Alert rules: the `[[rules]]` TOML format, its validation, and the conditions rules test.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::metrics::Labels;
use crate::timestamp::parse_duration;
use crate::webhook::Severity;

/// Metric names the collectors produce; a rule on any other name could never fire.
pub const KNOWN_METRICS: &[&str] = &[
    "account_balance_hbar",
    "account_token_balance",
    "account_transactions",
    "accounts_streaming",
    "accounts_stream_lag_seconds",
    "accounts_drift",
    "network_nodes",
    "node_up",
    "node_latency_seconds",
    "network_stake_hbar",
    "mirror_lag_seconds",
    "network_tps",
    "collector_up",
    "collector_errors",
    "collector_duration_seconds",
    "webhook_deliveries",
    "webhook_failures",
    "webhook_dropped",
    "webhook_dead_letters",
    "canary_submit_seconds",
    "canary_handle_seconds",
    "canary_e2e_seconds",
    "canary_success",
    "canary_fee_hbar",
    "canary_errors",
];

/// A `[[rules]]` entry as written in the config file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    pub name: String,
    pub metric: String,
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
    pub condition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    #[serde(rename = "for", default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// What a rule tests on each sample of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
    /// The value differs from the series' own previous value.
    Changed,
    Increased,
    Decreased,
    /// No sample of the metric (and label matchers) arrived for `for`.
    Absent,
}

impl Condition {
    /// Every accepted spelling, for messages.
    pub const ALL: &'static str = ">, >=, <, <=, ==, !=, changed, increased, decreased, absent";

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim() {
            ">" => Self::Gt,
            ">=" => Self::Ge,
            "<" => Self::Lt,
            "<=" => Self::Le,
            "==" => Self::Eq,
            "!=" => Self::Ne,
            "changed" => Self::Changed,
            "increased" => Self::Increased,
            "decreased" => Self::Decreased,
            "absent" => Self::Absent,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Changed => "changed",
            Self::Increased => "increased",
            Self::Decreased => "decreased",
            Self::Absent => "absent",
        }
    }

    /// Whether the condition compares with the series' previous value instead of a threshold.
    pub fn is_change(self) -> bool {
        matches!(self, Self::Changed | Self::Increased | Self::Decreased)
    }

    /// Whether the condition takes no threshold: change conditions and `absent`.
    pub fn takes_no_threshold(self) -> bool {
        self.is_change() || self == Self::Absent
    }

    /// Whether the condition holds for `value` (and the series' previous value, for change conditions). `absent`
    /// never holds for a sample: a sample is the opposite of absence.
    pub fn holds(self, value: f64, threshold: f64, previous: Option<f64>) -> bool {
        match self {
            Self::Gt => value > threshold,
            Self::Ge => value >= threshold,
            Self::Lt => value < threshold,
            Self::Le => value <= threshold,
            Self::Eq => value == threshold,
            Self::Ne => value != threshold,
            Self::Changed => previous.is_some_and(|p| p != value),
            Self::Increased => previous.is_some_and(|p| value > p),
            Self::Decreased => previous.is_some_and(|p| value < p),
            Self::Absent => false,
        }
    }
}

/// A validated rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub name: String,
    pub metric: String,
    pub labels: Labels,
    pub condition: Condition,
    pub threshold: Option<f64>,
    /// How long the condition must hold before the alert fires.
    pub pending: Duration,
    /// How often a firing alert is notified again.
    pub repeat: Duration,
    pub severity: Severity,
    /// Webhook names; `None` means every webhook.
    pub webhooks: Option<Vec<String>>,
    pub summary: String,
}

/// The default re-notification interval while firing.
pub const DEFAULT_REPEAT: Duration = Duration::from_secs(4 * 3600);

/// Placeholders a summary may use; `{labels.NAME}` is also accepted.
pub const PLACEHOLDERS: &[&str] =
    &["{rule}", "{metric}", "{value}", "{threshold}", "{severity}", "{status}", "{condition}"];

impl RuleConfig {
    /// Checks every field; `webhooks` are the names defined in the config.
    pub fn validate(&self, webhooks: &[String]) -> Result<Rule, String> {
        let name = self.name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
            return Err(format!(
                "invalid rule name '{}': use letters, digits, '-', '_' or '.', e.g. low-balance",
                self.name
            ));
        }
        let at = |msg: String| format!("rule '{name}': {msg}");
        if !KNOWN_METRICS.contains(&self.metric.as_str()) {
            return Err(at(format!("unknown metric '{}': expected one of {}", self.metric, KNOWN_METRICS.join(", "))));
        }
        let condition = Condition::parse(&self.condition)
            .ok_or_else(|| at(format!("invalid condition '{}': expected one of {}", self.condition, Condition::ALL)))?;
        match (condition.takes_no_threshold(), self.threshold) {
            (false, None) => return Err(at(format!("condition '{}' needs a threshold", condition.as_str()))),
            (true, Some(_)) if condition == Condition::Absent => {
                return Err(at("condition 'absent' looks for missing samples; remove threshold".into()))
            }
            (true, Some(_)) => {
                return Err(at(format!(
                    "condition '{}' compares with the previous value; remove threshold",
                    condition.as_str()
                )))
            }
            (false, Some(t)) if !t.is_finite() => return Err(at("threshold must be a finite number".into())),
            _ => {}
        }
        if condition == Condition::Absent
            && self.metric.starts_with("collector_")
            && !self.labels.contains_key("collector")
        {
            return Err(at(format!(
                "condition 'absent' on {} needs the collector it watches, e.g. labels = {{ collector = \"mirror\" }}",
                self.metric
            )));
        }
        let duration = |v: &Option<String>, what: &str, default: Duration| -> Result<Duration, String> {
            match v {
                None => Ok(default),
                Some(s) if what == "for" && s.trim() == "0s" => Ok(Duration::ZERO),
                Some(s) => parse_duration(s, what).map_err(|e| at(e.to_string())),
            }
        };
        let pending = duration(&self.pending, "for", Duration::ZERO)?;
        let repeat = duration(&self.repeat, "repeat", DEFAULT_REPEAT)?;
        let severity = match self.severity.as_deref().unwrap_or("warning") {
            "info" => Severity::Info,
            "warning" => Severity::Warning,
            "critical" => Severity::Critical,
            other => return Err(at(format!("invalid severity '{other}': expected info, warning or critical"))),
        };
        if let Some(names) = &self.webhooks {
            if let Some(unknown) = names.iter().find(|n| !webhooks.contains(n)) {
                let known = if webhooks.is_empty() { "none are defined".to_string() } else { webhooks.join(", ") };
                return Err(at(format!("unknown webhook '{unknown}' (defined: {known})")));
            }
        }
        let summary = self.summary.clone().unwrap_or_else(|| default_summary(condition));
        check_template(&summary).map_err(at)?;
        Ok(Rule {
            name: name.to_string(),
            metric: self.metric.clone(),
            labels: self.labels.clone(),
            condition,
            threshold: self.threshold,
            pending,
            repeat,
            severity,
            webhooks: self.webhooks.clone(),
            summary,
        })
    }
}

fn default_summary(condition: Condition) -> String {
    if condition == Condition::Absent {
        "no {metric} data".to_string()
    } else if condition.is_change() {
        format!("{{metric}} {} to {{value}}", condition.as_str())
    } else {
        "{metric} is {value} ({condition} {threshold})".to_string()
    }
}

fn check_template(template: &str) -> Result<(), String> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').ok_or_else(|| format!("unclosed '{{' in summary '{template}'"))? + open;
        let placeholder = &rest[open..=close];
        let ok = PLACEHOLDERS.contains(&placeholder) || placeholder.starts_with("{labels.") && placeholder.len() > 9;
        if !ok {
            return Err(format!(
                "unknown placeholder {placeholder} in summary: expected {} or {{labels.NAME}}",
                PLACEHOLDERS.join(", ")
            ));
        }
        rest = &rest[close + 1..];
    }
    Ok(())
}

/// Fills a summary template in one pass over the template: each placeholder is replaced once, and text that
/// came in through a value (a label holding `{labels.label}` or `{value}`) is never read as a template again.
/// Templates were checked by `check_template`; anything that is not a placeholder stays as written.
pub fn render_summary(rule: &Rule, labels: &Labels, value: f64, status: &str) -> String {
    let mut out = String::with_capacity(rule.summary.len() + 32);
    let mut rest = rule.summary.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| c + open) else { break };
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        match name {
            "rule" => out.push_str(&rule.name),
            "metric" => out.push_str(&rule.metric),
            "value" => out.push_str(&format_value(value)),
            "threshold" => out.push_str(&rule.threshold.map(format_value).unwrap_or_default()),
            "severity" => out.push_str(rule.severity.as_str()),
            "status" => out.push_str(status),
            "condition" => out.push_str(rule.condition.as_str()),
            _ => match name.strip_prefix("labels.") {
                Some(key) => out.push_str(labels.get(key).map_or("", String::as_str)),
                None => out.push_str(&rest[open..=close]),
            },
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A number without float noise: integers plainly, others with up to 8 decimals.
pub fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        crate::hbar::trim_zeros(&format!("{v:.8}")).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(condition: &str, threshold: Option<f64>) -> RuleConfig {
        RuleConfig {
            name: "low".into(),
            metric: "account_balance_hbar".into(),
            condition: condition.into(),
            threshold,
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_rule_gets_defaults() {
        let rule = cfg("<", Some(10.0)).validate(&[]).unwrap();
        assert_eq!((rule.pending, rule.repeat, rule.severity), (Duration::ZERO, DEFAULT_REPEAT, Severity::Warning));
        assert_eq!(rule.summary, "{metric} is {value} ({condition} {threshold})");
    }

    #[test]
    fn every_field_is_checked() {
        let err = |c: RuleConfig| c.validate(&["ops".to_string()]).unwrap_err();
        assert!(err(cfg("<", None)).contains("needs a threshold"));
        assert!(err(cfg("changed", Some(1.0))).contains("remove threshold"));
        assert!(err(cfg("=<", Some(1.0))).contains("expected one of >, >="));
        assert!(
            err(RuleConfig { metric: "balance".into(), ..cfg("<", Some(1.0)) }).contains("unknown metric 'balance'")
        );
        assert!(err(RuleConfig { name: "a b".into(), ..cfg("<", Some(1.0)) }).contains("invalid rule name"));
        assert!(err(RuleConfig { severity: Some("high".into()), ..cfg("<", Some(1.0)) }).contains("invalid severity"));
        assert!(err(RuleConfig { pending: Some("soon".into()), ..cfg("<", Some(1.0)) }).contains("invalid for 'soon'"));
        assert!(err(RuleConfig { webhooks: Some(vec!["pager".into()]), ..cfg("<", Some(1.0)) })
            .contains("unknown webhook 'pager' (defined: ops)"));
        assert!(err(RuleConfig { summary: Some("{nope}".into()), ..cfg("<", Some(1.0)) })
            .contains("unknown placeholder {nope}"));
        assert!(err(RuleConfig { metric: "collector_up".into(), ..cfg("absent", None) })
            .contains("needs the collector it watches"));
        assert!(err(cfg("absent", Some(1.0))).contains("looks for missing samples; remove threshold"));
    }

    #[test]
    fn conditions_compare_as_documented() {
        assert!(Condition::Lt.holds(5.0, 10.0, None));
        assert!(!Condition::Ge.holds(5.0, 10.0, None));
        assert!(!Condition::Changed.holds(5.0, 0.0, None), "no previous value, no change");
        assert!(Condition::Changed.holds(5.0, 0.0, Some(4.0)));
        assert!(Condition::Decreased.holds(3.0, 0.0, Some(4.0)));
        assert!(!Condition::Increased.holds(3.0, 0.0, Some(4.0)));
    }

    #[test]
    fn summaries_fill_value_threshold_and_labels() {
        let mut c = cfg("<", Some(10.0));
        c.summary = Some("{labels.label} ({labels.account}) has {value} ℏ, below {threshold}".into());
        let rule = c.validate(&[]).unwrap();
        let labels: Labels =
            [("account".to_string(), "0.0.1001".to_string()), ("label".into(), "treasury".into())].into();
        assert_eq!(render_summary(&rule, &labels, 5.5, "firing"), "treasury (0.0.1001) has 5.5 ℏ, below 10");
        assert_eq!(format_value(0.1 + 0.2), "0.3");
    }

    #[test]
    fn summaries_render_in_one_pass_whatever_the_labels_hold() {
        let mut c = cfg("<", Some(10.0));
        c.summary = Some("{labels.label}: {value} of {rule}".into());
        let mut rule = c.validate(&[]).unwrap();
        // Validation refuses an unclosed brace; the renderer still leaves one as it is.
        rule.summary.push_str(" {nope");
        let label = |v: &str| -> Labels { [("label".to_string(), v.to_string())].into() };
        // A label that names a placeholder, even itself, is printed as it is: no loop, no second expansion.
        assert_eq!(render_summary(&rule, &label("x{labels.label}"), 5.0, "firing"), "x{labels.label}: 5 of low {nope");
        assert_eq!(render_summary(&rule, &label("{value}"), 5.0, "firing"), "{value}: 5 of low {nope");
        assert_eq!(render_summary(&rule, &label("{rule} {"), 5.0, "firing"), "{rule} {: 5 of low {nope");
    }
}
