//! Where results go and how they look, decided once: JSON, a table on a terminal, or tab-separated rows in a pipe.
//!
//! Every cell and value shown as text is made inert first (`crate::text`): tables, rows and pairs carry text from
//! the network. Data goes to stdout, everything else (warnings, progress) to stderr. Writes return errors instead of
//! panicking, so a closed pipe surfaces as `BrokenPipe` and the binary exits quietly.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use comfy_table::{presets, Cell as TableCell, Color, ContentArrangement, Table};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::text::inert;

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether a stream gets colour: `always` and `never` decide; `auto` means a terminal and no `NO_COLOR`.
    pub fn resolve(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

/// Whether log lines on stderr are coloured.
pub fn stderr_color(choice: ColorChoice) -> bool {
    choice.resolve(std::io::stderr().is_terminal())
}

/// How a table cell should stand out when colour is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Good,
    Bad,
    Dim,
}

/// One table cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub tone: Tone,
}

impl Cell {
    pub fn tone(text: impl Into<String>, tone: Tone) -> Self {
        Self { text: text.into(), tone }
    }
}

impl<T: Into<String>> From<T> for Cell {
    fn from(text: T) -> Self {
        Self { text: text.into(), tone: Tone::Plain }
    }
}

/// The output mode and the streams.
#[derive(Debug, Clone)]
pub struct Output {
    pub json: bool,
    pub color: bool,
    /// stdout is a terminal: tables; otherwise tab-separated rows.
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    pub quiet: bool,
}

impl Output {
    /// Looks at the terminals and `NO_COLOR` once.
    pub fn detect(json: bool, color: ColorChoice, quiet: bool) -> Self {
        let stdout_tty = std::io::stdout().is_terminal();
        let color = color.resolve(stdout_tty);
        Self { json, color, stdout_tty, stderr_tty: std::io::stderr().is_terminal(), quiet }
    }

    /// Writes one JSON document: indented on a terminal, one line in a pipe.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) -> anyhow::Result<()> {
        let mut out = std::io::stdout().lock();
        if self.stdout_tty {
            serde_json::to_writer_pretty(&mut out, value)?;
        } else {
            serde_json::to_writer(&mut out, value)?;
        }
        out.write_all(b"\n")?;
        out.flush()?;
        Ok(())
    }

    /// Writes text as it is.
    pub fn text(&self, text: &str) -> anyhow::Result<()> {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
        Ok(())
    }

    /// A table on a terminal; without one, tab-separated rows without the header (for cut, awk, sort).
    pub fn table(&self, header: &[&str], rows: &[Vec<Cell>]) -> anyhow::Result<()> {
        self.text(&self.render_table(header, rows))
    }

    /// The text [`Output::table`] writes.
    pub fn render_table(&self, header: &[&str], rows: &[Vec<Cell>]) -> String {
        if !self.stdout_tty {
            let mut s = String::new();
            for row in rows {
                let cells: Vec<Cow<str>> = row.iter().map(|c| inert(&c.text)).collect();
                s.push_str(&cells.join("\t"));
                s.push('\n');
            }
            return s;
        }
        let mut table = Table::new();
        table.load_preset(presets::UTF8_FULL_CONDENSED);
        // Wrap to the terminal's width when it is known; a terminal reporting no width gets the natural width.
        if table.width().is_some_and(|w| w >= 40) {
            table.set_content_arrangement(ContentArrangement::Dynamic);
        }
        if self.color {
            table.enforce_styling();
            table.set_header(header.iter().map(|h| TableCell::new(h).add_attribute(comfy_table::Attribute::Bold)));
        } else {
            table.force_no_tty();
            table.set_header(header.iter().map(TableCell::new));
        }
        for row in rows {
            table.add_row(row.iter().map(|c| self.cell(c)));
        }
        format!("{table}\n")
    }

    /// Key-value lines for one record: aligned `key: value` on a terminal, `key<TAB>value` in a pipe.
    pub fn pairs(&self, pairs: &[(&str, String)]) -> anyhow::Result<()> {
        let width = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        let mut s = String::new();
        for (k, v) in pairs {
            let v = inert(v);
            if self.stdout_tty {
                s.push_str(&format!("{k:>width$}  {v}\n"));
            } else {
                s.push_str(&format!("{k}\t{v}\n"));
            }
        }
        self.text(&s)
    }

    fn cell(&self, c: &Cell) -> TableCell {
        let cell = TableCell::new(inert(&c.text));
        if !self.color {
            return cell;
        }
        match c.tone {
            Tone::Plain => cell,
            Tone::Good => cell.fg(Color::Green),
            Tone::Bad => cell.fg(Color::Red),
            Tone::Dim => cell.fg(Color::DarkGrey),
        }
    }

    /// `hmon: warning: ...` on stderr, unless `--quiet`.
    pub fn warn(&self, message: &str) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "hmon: warning: {}", inert(message));
        }
    }

    /// A spinner on stderr while something slow runs. It shows only after 300 ms (fast commands never flash one)
    /// and never when stderr is not a terminal or with `--quiet`. Must be called inside the tokio runtime.
    pub fn spinner(&self, message: &str) -> Spinner {
        let bar = ProgressBar::hidden();
        if self.quiet || !self.stderr_tty {
            return Spinner { bar, reveal: None };
        }
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message.to_string());
        let shown = bar.clone();
        let reveal = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            shown.set_draw_target(ProgressDrawTarget::stderr());
            shown.enable_steady_tick(Duration::from_millis(100));
        });
        Spinner { bar, reveal: Some(reveal) }
    }
}

/// A progress spinner; see [`Output::spinner`]. Cleared from the terminal when finished or dropped.
pub struct Spinner {
    bar: ProgressBar,
    reveal: Option<tokio::task::JoinHandle<()>>,
}

impl Spinner {
    pub fn set_message(&self, message: String) {
        self.bar.set_message(message);
    }

    pub fn finish_and_clear(&self) {
        if let Some(reveal) = &self.reveal {
            reveal.abort();
        }
        self.bar.finish_and_clear();
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(tty: bool) -> Output {
        Output { json: false, color: false, stdout_tty: tty, stderr_tty: false, quiet: false }
    }

    #[test]
    fn pipes_get_tab_separated_rows_without_header() {
        let rows = vec![vec![Cell::from("0.0.1"), Cell::from("a\tb\nc")]];
        assert_eq!(out(false).render_table(&["A", "B"], &rows), "0.0.1\ta\\tb\\nc\n");
    }

    #[test]
    fn terminals_get_a_table_with_header() {
        let rows = vec![vec![Cell::from("0.0.1"), Cell::tone("up", Tone::Good)]];
        let text = out(true).render_table(&["Account", "Status"], &rows);
        assert!(text.contains("Account") && text.contains("0.0.1") && text.contains('┆'), "{text}");
        assert!(!text.contains('\u{1b}'), "no colour codes when colour is off");
    }

    #[test]
    fn network_text_reaches_no_output_mode_raw() {
        let hostile = "\x1b]0;owned\x07\x1b[2J=HYPERLINK(\"x\")";
        let rows = vec![vec![Cell::from(hostile), Cell::tone(hostile, Tone::Bad)]];
        for tty in [false, true] {
            for color in [false, true] {
                let o = Output { color, ..out(tty) };
                let text = o.render_table(&["Memo", "Other"], &rows);
                assert!(text.contains("\\u{1b}]0;owned\\u{7}\\u{1b}[2J=HYPERLINK"), "{text}");
                assert!(!text.contains("\x1b]") && !text.contains('\x07') && !text.contains("\x1b[2J"), "{text:?}");
            }
        }
    }
}
