//! Untrusted text made inert: what comes from the network (memos, node descriptions, token names, error messages
//! of a mirror or a webhook receiver) is shown with its control characters made visible, so it cannot retitle a
//! window, clear a screen, move the cursor or fake output; and a CSV cell cannot start a spreadsheet formula.
//!
//! `--json` keeps the exact text (JSON escapes control characters itself); every other output path (tables,
//! tab-separated rows, key-value lines, the live view, log lines, error messages, CSV) goes through here.

use std::borrow::Cow;
use std::fmt;
use std::fmt::Write as _;

/// Whether `c` can steer a terminal or reorder what is shown: C0 controls (tab and newline included, which would
/// break a row), DEL, C1 controls (U+009B is a one-byte CSI on some terminals), and the Unicode bidirectional
/// formatting characters that can make text read differently from what it is.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character written as an escape: `\t`, `\n`, `\r`, and `\u{1b}` (for ESC) style for
/// the rest. Text without such characters is returned as it is, without copying.
pub fn inert(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Displays a value through [`inert`], for log fields and `format!`: `tracing::warn!(reason = %Inert(&r))`.
pub struct Inert<T>(pub T);

impl<T: fmt::Display> fmt::Display for Inert<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.to_string();
        f.write_str(&inert(&text))
    }
}

/// A text cell for CSV: made [`inert`], then neutralised against formula injection as the OWASP CSV-injection
/// guidance describes: a cell that would start with `=`, `+`, `-` or `@` gets a leading `'`, so spreadsheets show
/// it as text instead of evaluating it (a leading tab or carriage return, the guidance's other two, is already
/// written `\t` or `\r` by [`inert`]). Only for text columns: numbers stay numbers. The CSV writer must also quote
/// every text cell, so that a separator inside the text cannot start a new cell.
pub fn csv_text(text: &str) -> Cow<'_, str> {
    let shown = inert(text);
    if shown.starts_with(['=', '+', '-', '@']) {
        Cow::Owned(format!("'{shown}"))
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "\x1b]0;owned\x07\x1b[2J=HYPERLINK(\"x\")";

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(inert(HOSTILE), "\\u{1b}]0;owned\\u{7}\\u{1b}[2J=HYPERLINK(\"x\")");
        assert_eq!(inert("a\tb\nc\rd\u{7f}e\u{9b}f"), "a\\tb\\nc\\rd\\u{7f}e\\u{9b}f");
        assert_eq!(inert("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert!(!inert(HOSTILE).chars().any(is_unsafe));
    }

    #[test]
    fn ordinary_text_is_untouched_and_not_copied() {
        for text in ["", "hello hmon", "ℏ 12.5 — café 日本", "C:\\path\\with\\backslashes"] {
            assert!(matches!(inert(text), Cow::Borrowed(t) if t == text), "{text}");
        }
    }

    #[test]
    fn the_display_wrapper_escapes_too() {
        assert_eq!(format!("reason: {}", Inert("HTTP 500: \x1b[2J")), "reason: HTTP 500: \\u{1b}[2J");
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        for (raw, want) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "\\t=1"),
            ("\r=1", "\\r=1"),
            (HOSTILE, "\\u{1b}]0;owned\\u{7}\\u{1b}[2J=HYPERLINK(\"x\")"),
            ("a memo = fine", "a memo = fine"),
            ("0.0.3 +0.00001 ℏ", "0.0.3 +0.00001 ℏ"),
        ] {
            assert_eq!(csv_text(raw), want, "{raw:?}");
        }
    }
}
