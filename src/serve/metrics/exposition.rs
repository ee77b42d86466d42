//! The Prometheus text format 0.0.4, written by hand: metric families (one `# HELP` and one `# TYPE` line, then
//! every sample of the family), names checked, label values escaped, values in the form Prometheus parses.
//!
//! Label values come from the network (account labels, token and node ids) and are untrusted: one bad value
//! would fail the whole scrape, so every value is written so that any string parses and reads back the same.

use std::fmt::Write as _;

/// What a family counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Only goes up (a restart starts it again); its name ends in `_total`.
    Counter,
    /// Goes up and down.
    Gauge,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
        }
    }
}

/// One metric family: its samples, each with its label set rendered (`{a="1",b="2"}`, or empty).
#[derive(Debug)]
pub(super) struct Family {
    name: String,
    kind: Kind,
    help: String,
    rows: Vec<(String, f64)>,
}

impl Family {
    /// A family without samples. `name` must be a valid metric name (checked by the caller with
    /// [`is_metric_name`]; the names here are hmon's own).
    pub(super) fn new(name: String, kind: Kind, help: impl Into<String>) -> Self {
        debug_assert!(is_metric_name(&name), "invalid metric name {name}");
        Self { name, kind, help: help.into(), rows: Vec::new() }
    }

    pub(super) fn name(&self) -> &str {
        &self.name
    }

    /// Adds a sample. A label name that Prometheus would reject, or one given twice, leaves the sample out
    /// (dropping just the label could make it collide with another series) and returns false. If a label set
    /// comes twice, the first value added is kept.
    pub(super) fn add<'a>(&mut self, labels: impl IntoIterator<Item = (&'a str, &'a str)>, value: f64) -> bool {
        let mut labels: Vec<(&str, &str)> = labels.into_iter().collect();
        labels.sort_unstable_by_key(|(name, _)| *name);
        if labels.iter().any(|(name, _)| !is_label_name(name)) || labels.windows(2).any(|w| w[0].0 == w[1].0) {
            return false;
        }
        let mut rendered = String::new();
        for (i, (name, value)) in labels.iter().enumerate() {
            rendered.push(if i == 0 { '{' } else { ',' });
            rendered.push_str(name);
            rendered.push_str("=\"");
            escape_label_value(value, &mut rendered);
            rendered.push('"');
        }
        if !labels.is_empty() {
            rendered.push('}');
        }
        self.rows.push((rendered, value));
        true
    }

    /// Writes the family to `out`: nothing when it has no samples, else its `# HELP` and `# TYPE` lines and its
    /// samples ordered by label set, each label set once.
    pub(super) fn write(mut self, out: &mut String) {
        if self.rows.is_empty() {
            return;
        }
        // Stable, so the first value added for a label set is the one kept.
        self.rows.sort_by(|a, b| a.0.cmp(&b.0));
        self.rows.dedup_by(|later, earlier| later.0 == earlier.0);
        let _ = write!(out, "# HELP {} ", self.name);
        escape_help(&self.help, out);
        let _ = writeln!(out, "\n# TYPE {} {}", self.name, self.kind.as_str());
        for (labels, value) in &self.rows {
            out.push_str(&self.name);
            out.push_str(labels);
            out.push(' ');
            write_value(*value, out);
            out.push('\n');
        }
    }
}

/// Whether `name` is a metric name hmon writes: `[a-zA-Z_][a-zA-Z0-9_]*` (colons, which Prometheus also allows,
/// are meant for recording rules).
pub(super) fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `name` is a label name Prometheus accepts from a target: `[a-zA-Z_][a-zA-Z0-9_]*`, and not starting
/// with `__` (reserved for Prometheus itself).
pub(super) fn is_label_name(name: &str) -> bool {
    is_metric_name(name) && !name.starts_with("__")
}

/// Writes a label value: `\` as `\\`, `"` as `\"` and a newline as `\n`, the three escapes of the format; every
/// other character as it is (the format has no other escape), except NUL: Prometheus's scrape parser ends a
/// value at NUL and fails the scrape, so it becomes U+FFFD, the replacement character.
pub(super) fn escape_label_value(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\0' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

/// Writes HELP text: `\` as `\\` and a newline as `\n` (and NUL as U+FFFD, as in label values).
pub(super) fn escape_help(help: &str, out: &mut String) {
    for c in help.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\0' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

/// Writes a sample value as Prometheus (Go's `strconv.ParseFloat`) reads it: `NaN`, `+Inf`, `-Inf`, else the
/// shortest decimal that reads back to the same number, in exponent form when very large or small (so 1e300 is
/// not 301 digits).
pub(super) fn write_value(value: f64, out: &mut String) {
    let _ = if value.is_nan() {
        write!(out, "NaN")
    } else if value.is_infinite() {
        write!(out, "{}", if value > 0.0 { "+Inf" } else { "-Inf" })
    } else if value == 0.0 {
        // Negative zero too: "-0" is valid but reads as a bug.
        write!(out, "0")
    } else if (1e-4..1e16).contains(&value.abs()) {
        write!(out, "{value}")
    } else {
        write!(out, "{value:e}")
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(value: &str) -> String {
        let mut out = String::new();
        escape_label_value(value, &mut out);
        out
    }

    fn value(v: f64) -> String {
        let mut out = String::new();
        write_value(v, &mut out);
        out
    }

    #[test]
    fn label_values_use_exactly_the_three_escapes() {
        assert_eq!(escaped(r#"a"b"#), r#"a\"b"#);
        assert_eq!(escaped(r"\"), r"\\");
        assert_eq!(escaped(r"C:\new"), r"C:\\new");
        assert_eq!(escaped("two\nlines"), r"two\nlines");
        assert_eq!(escaped("\\n"), r"\\n", "a backslash then n is not a newline");
        assert_eq!(escaped(r#"\""#), r#"\\\""#);
        // No other escape exists in the format: the rest stays as it is.
        assert_eq!(escaped("}{,= \t\r\x1b[31m\u{7f}\u{9b}"), "}{,= \t\r\x1b[31m\u{7f}\u{9b}");
        assert_eq!(escaped("\u{202e}évil\u{fffd}\u{feff}🦀"), "\u{202e}évil\u{fffd}\u{feff}🦀");
        assert_eq!(escaped("nul\0here"), "nul\u{fffd}here");
        assert_eq!(escaped(""), "");
    }

    /// Reads an escaped label value back the way Prometheus's text parser does.
    fn unescape(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            assert!(c != '"' && c != '\n', "unescaped {c:?} in {text:?}");
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('\\') => out.push('\\'),
                Some('"') => out.push('"'),
                Some('n') => out.push('\n'),
                other => panic!("invalid escape {other:?} in {text:?}"),
            }
        }
        out
    }

    #[test]
    fn any_label_value_reads_back_the_same() {
        let values =
            ["", r"\", r"\\", "\\\"", "\"\\", "a\\nb", "\n\n\r\n", "\\\n", "\u{1}\x1b}{=,", "é\u{10ffff}\u{fffd}"];
        for value in values {
            assert_eq!(unescape(&escaped(value)), value);
        }
        assert_eq!(unescape(&escaped("a\0b")), "a\u{fffd}b", "NUL, which no scrape accepts, is replaced");
    }

    #[test]
    fn help_escapes_backslash_and_newline_only() {
        let mut out = String::new();
        escape_help("a \"quoted\" C:\\dir\nsecond", &mut out);
        assert_eq!(out, "a \"quoted\" C:\\\\dir\\nsecond");
    }

    #[test]
    fn label_names_follow_prometheus() {
        for ok in ["a", "_a", "account", "node_id", "A9_b"] {
            assert!(is_label_name(ok), "{ok}");
        }
        for bad in ["", "9a", "__name__", "__x", "a-b", "a.b", "a:b", "é", "a b", "a\"", "a}"] {
            assert!(!is_label_name(bad), "{bad}");
        }
        assert!(!is_metric_name("9lives") && !is_metric_name("a-b") && is_metric_name("__internal"));
    }

    #[test]
    fn values_are_what_prometheus_parses() {
        assert_eq!(value(f64::NAN), "NaN");
        assert_eq!(value(f64::INFINITY), "+Inf");
        assert_eq!(value(f64::NEG_INFINITY), "-Inf");
        assert_eq!(value(0.0), "0");
        assert_eq!(value(-0.0), "0");
        assert_eq!(value(1.0), "1");
        assert_eq!(value(-12.5), "-12.5");
        assert_eq!(value(0.1), "0.1");
        assert_eq!(value(50_000_000_000.0), "50000000000");
        assert_eq!(value(1e300), "1e300");
        assert_eq!(value(1.5e-7), "1.5e-7");
        assert_eq!(value(f64::MAX), "1.7976931348623157e308");
        assert_eq!(value(f64::MIN_POSITIVE), "2.2250738585072014e-308");
        for v in [0.1 + 0.2, 1.0 / 3.0, 123_456_789.123_456_78, 9_007_199_254_740_993.0, 1e-5, 5e-324, 1e16] {
            assert_eq!(value(v).parse::<f64>().unwrap(), v, "{v} reads back");
        }
    }

    #[test]
    fn a_family_groups_orders_and_deduplicates_its_samples() {
        let mut family = Family::new("hmon_x".into(), Kind::Gauge, "X.");
        assert!(family.add([("b", "2"), ("a", "1")], 2.0));
        assert!(family.add([], 3.0));
        assert!(family.add([("a", "0")], 1.0));
        assert!(family.add([("a", "1"), ("b", "2")], 9.0), "a repeated label set is accepted, then dropped");
        assert!(!family.add([("__name__", "y")], 4.0));
        assert!(!family.add([("a", "1"), ("a", "2")], 5.0));
        assert!(!family.add([("bad-name", "1")], 6.0));
        let mut out = String::new();
        family.write(&mut out);
        assert_eq!(
            out,
            "# HELP hmon_x X.\n# TYPE hmon_x gauge\nhmon_x 3\nhmon_x{a=\"0\"} 1\nhmon_x{a=\"1\",b=\"2\"} 2\n"
        );
    }

    #[test]
    fn an_empty_family_writes_nothing() {
        let mut out = String::new();
        Family::new("hmon_x".into(), Kind::Counter, "X.").write(&mut out);
        assert_eq!(out, "");
    }
}
