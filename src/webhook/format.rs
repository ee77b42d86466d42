//! Request bodies: the notification itself (`json`), or a message that Slack or Discord renders for people.
//!
//! Chat messages lead with one line such as `[FIRING] low-balance (critical): account_balance_hbar{account=
//! "0.0.1001"} = 5 (threshold 10)`, then the summary and the details as fields. A test notification is marked
//! `[TEST]`. Text is escaped for the target (Slack mrkdwn), cut to the target's limits, and Discord mentions are
//! disabled so a label value cannot ping `@everyone`.

use serde_json::{json, Value};

use super::notification::{AlertStatus, Notification, Severity};
use super::Format;
use crate::metrics::SeriesKey;
use crate::timestamp::Timestamp;

/// The body to POST for `n` in `format`.
pub fn body(format: Format, n: &Notification) -> Value {
    match format {
        Format::Json => serde_json::to_value(n).unwrap_or(Value::Null),
        Format::Slack => slack(n),
        Format::Discord => discord(n),
    }
}

/// The body to POST for `n` in `format`, as bytes.
pub fn encode(format: Format, n: &Notification) -> serde_json::Result<Vec<u8>> {
    serde_json::to_vec(&body(format, n))
}

/// `[FIRING] rule (severity)`, with `[TEST] ` in front for a test notification.
pub fn title(n: &Notification) -> String {
    let status = match n.status {
        AlertStatus::Firing => "[FIRING]",
        AlertStatus::Resolved => "[RESOLVED]",
    };
    let test = if n.test { "[TEST] " } else { "" };
    format!("{test}{status} {} ({})", n.rule, n.severity)
}

/// The one-line summary: title, then `series = value (threshold t)`.
pub fn headline(n: &Notification) -> String {
    let threshold = n.threshold.map(|t| format!(" (threshold {})", number(t))).unwrap_or_default();
    format!("{}: {} = {}{threshold}", title(n), series(n), number(n.value))
}

fn series(n: &Notification) -> String {
    SeriesKey::new(&n.metric, &n.labels).to_string()
}

/// A value for people: plain decimals in the everyday range, scientific notation outside it.
fn number(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && a.is_finite() && !(1e-4..1e15).contains(&a) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// The alert's time for chat: the end when resolved, else the start; normalised, or `None` if unparsable.
fn when(n: &Notification) -> Option<String> {
    let raw = match n.status {
        AlertStatus::Resolved => n.ends_at.as_deref().unwrap_or(&n.starts_at),
        AlertStatus::Firing => &n.starts_at,
    };
    Timestamp::parse_rfc3339(raw).map(Timestamp::to_rfc3339)
}

/// Name/value pairs shown as fields by both chat formats.
fn details(n: &Notification) -> Vec<(&'static str, String)> {
    let mut out =
        vec![("Status", n.status.to_string()), ("Severity", n.severity.to_string()), ("Value", number(n.value))];
    if let Some(t) = n.threshold {
        out.push(("Threshold", number(t)));
    }
    out.push(("Started", n.starts_at.clone()));
    if let Some(end) = &n.ends_at {
        out.push(("Resolved", end.clone()));
    }
    if !n.labels.is_empty() {
        let lines: Vec<String> = n.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.push(("Labels", lines.join("\n")));
    }
    out
}

fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Slack mrkdwn treats `&`, `<` and `>` as control characters.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn emoji(n: &Notification) -> &'static str {
    match (n.status, n.severity) {
        (AlertStatus::Resolved, _) => ":white_check_mark:",
        (_, Severity::Critical) => ":red_circle:",
        (_, Severity::Warning) => ":warning:",
        (_, Severity::Info) => ":information_source:",
    }
}

fn slack(n: &Notification) -> Value {
    let header = format!("{} {}", emoji(n), title(n));
    let mut blocks = vec![json!({"type": "header", "text": {"type": "plain_text", "text": truncate(&header, 150),
        "emoji": true}})];
    let mut text = format!("`{}` = *{}*", slack_escape(&series(n)), number(n.value));
    if !n.summary.trim().is_empty() {
        text = format!("{}\n{text}", slack_escape(&n.summary));
    }
    blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(&text, 3000)}}));
    let fields: Vec<Value> = details(n)
        .into_iter()
        .map(|(k, v)| json!({"type": "mrkdwn", "text": truncate(&format!("*{k}*\n{}", slack_escape(&v)), 2000)}))
        .collect();
    blocks.push(json!({"type": "section", "fields": fields}));
    let mut context = format!("hmon · id `{}`", slack_escape(&n.id));
    if n.test {
        context = format!("Test notification sent by `hmon alert test` · {context}");
    }
    blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]}));
    json!({"text": truncate(&headline(n), 3000), "blocks": blocks})
}

fn colour(n: &Notification) -> u32 {
    match (n.status, n.severity) {
        (AlertStatus::Resolved, _) => 0x2EB67D,
        (_, Severity::Critical) => 0xE01E5A,
        (_, Severity::Warning) => 0xECB22E,
        (_, Severity::Info) => 0x36C5F0,
    }
}

fn discord(n: &Notification) -> Value {
    let mut fields: Vec<Value> =
        vec![json!({"name": "Metric", "value": truncate(&format!("`{}`", series(n)), 1024), "inline": false})];
    for (k, v) in details(n) {
        fields.push(json!({"name": k, "value": truncate(&v, 1024), "inline": k != "Labels"}));
    }
    let mut footer = format!("hmon · id {}", n.id);
    if n.test {
        footer = format!("Test notification sent by hmon alert test · {footer}");
    }
    let mut embed = json!({"title": truncate(&title(n), 256), "color": colour(n), "fields": fields,
        "footer": {"text": truncate(&footer, 2048)}});
    if !n.summary.trim().is_empty() {
        embed["description"] = json!(truncate(&n.summary, 4096));
    }
    if let Some(t) = when(n) {
        embed["timestamp"] = json!(t);
    }
    json!({"content": truncate(&headline(n), 2000), "allowed_mentions": {"parse": []}, "embeds": [embed]})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firing() -> Notification {
        crate::webhook::notification::example("n-42", "Treasury <main> & fees is low")
    }

    fn resolved() -> Notification {
        Notification {
            status: AlertStatus::Resolved,
            value: 12.5,
            ends_at: Some("2026-01-02T04:00:00Z".into()),
            ..firing()
        }
    }

    #[test]
    fn headline_reads_like_a_sentence() {
        assert_eq!(
            headline(&firing()),
            "[FIRING] low-balance (critical): account_balance_hbar{account=\"0.0.1001\"} = 5 (threshold 10)"
        );
        assert!(headline(&resolved()).starts_with("[RESOLVED] low-balance (critical): "));
        assert!(headline(&Notification { test: true, ..firing() }).starts_with("[TEST] [FIRING] "));
        assert_eq!(number(1e20), "1e20");
        assert_eq!(number(0.25), "0.25");
    }

    #[test]
    fn json_is_the_notification_itself() {
        let n = firing();
        let v = body(Format::Json, &n);
        assert_eq!(v, serde_json::to_value(&n).unwrap());
        assert_eq!(serde_json::from_value::<Notification>(v).unwrap(), n);
    }

    #[test]
    fn slack_has_fallback_text_header_and_fields() {
        let v = body(Format::Slack, &firing());
        assert_eq!(v["text"], headline(&firing()));
        let blocks = v["blocks"].as_array().unwrap();
        assert_eq!(blocks[0]["type"], "header");
        assert_eq!(blocks[0]["text"]["text"], ":red_circle: [FIRING] low-balance (critical)");
        assert!(blocks[1]["text"]["text"].as_str().unwrap().starts_with("Treasury &lt;main&gt; &amp; fees is low\n"));
        let fields: Vec<&str> =
            blocks[2]["fields"].as_array().unwrap().iter().map(|f| f["text"].as_str().unwrap()).collect();
        assert!(fields.contains(&"*Severity*\ncritical") && fields.contains(&"*Threshold*\n10"), "{fields:?}");
        assert!(fields.contains(&"*Labels*\naccount=0.0.1001"), "{fields:?}");
        assert!(!v.to_string().contains("\\\"starts_at\\\""), "no raw JSON in the text");

        let r = body(Format::Slack, &resolved());
        assert!(r["text"].as_str().unwrap().starts_with("[RESOLVED]"));
        assert!(r["blocks"][0]["text"]["text"].as_str().unwrap().starts_with(":white_check_mark: [RESOLVED]"));
        assert!(r["blocks"][2].to_string().contains("*Resolved*\\n2026-01-02T04:00:00Z"));

        let t = body(Format::Slack, &Notification { test: true, ..firing() });
        assert!(t["text"].as_str().unwrap().starts_with("[TEST] "));
        assert!(t["blocks"][3].to_string().contains("Test notification"));
    }

    #[test]
    fn discord_has_content_and_one_coloured_embed() {
        let v = body(Format::Discord, &firing());
        assert_eq!(v["content"], headline(&firing()));
        assert_eq!(v["allowed_mentions"]["parse"], json!([]));
        let e = &v["embeds"][0];
        assert_eq!(e["title"], "[FIRING] low-balance (critical)");
        assert_eq!(e["description"], "Treasury <main> & fees is low");
        assert_eq!(e["color"], 0xE01E5A);
        assert_eq!(e["timestamp"], "2026-01-02T03:04:05Z");
        let names: Vec<&str> = e["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Metric", "Status", "Severity", "Value", "Threshold", "Started", "Labels"]);
        assert_eq!(e["fields"][0]["value"], "`account_balance_hbar{account=\"0.0.1001\"}`");

        let r = body(Format::Discord, &resolved());
        assert_eq!(r["embeds"][0]["color"], 0x2EB67D);
        assert_eq!(r["embeds"][0]["timestamp"], "2026-01-02T04:00:00Z");
        let t = body(Format::Discord, &Notification { test: true, summary: String::new(), ..firing() });
        assert!(t["content"].as_str().unwrap().starts_with("[TEST] "));
        assert!(t["embeds"][0].get("description").is_none());
        assert!(t["embeds"][0]["footer"]["text"].as_str().unwrap().starts_with("Test notification"));
    }

    #[test]
    fn long_text_is_cut_to_limits() {
        let n = Notification { rule: "r".repeat(400), summary: "s".repeat(5000), ..firing() };
        let d = body(Format::Discord, &n);
        assert_eq!(d["embeds"][0]["title"].as_str().unwrap().chars().count(), 256);
        assert_eq!(d["embeds"][0]["description"].as_str().unwrap().chars().count(), 4096);
        let s = body(Format::Slack, &n);
        assert_eq!(s["blocks"][0]["text"]["text"].as_str().unwrap().chars().count(), 150);
    }
}
