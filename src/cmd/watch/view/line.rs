//! Screen lines measured in terminal columns: styled pieces of text that are cut with `…` to a width instead of
//! wrapping, and simple tables laid out the same way. Widths are display widths (`ℏ` and `…` take one column,
//! most CJK characters two); colour codes are added last and take none.

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::text::inert;

/// How a piece of a line stands out when colour is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Plain,
    Bold,
    Good,
    Bad,
    Warn,
    Dim,
}

impl Style {
    /// The SGR parameter that turns the style on.
    fn sgr(self) -> Option<&'static str> {
        match self {
            Style::Plain => None,
            Style::Bold => Some("1"),
            Style::Good => Some("32"),
            Style::Bad => Some("31"),
            Style::Warn => Some("33"),
            Style::Dim => Some("2"),
        }
    }
}

/// One line of the screen: pieces of text, each made inert on the way in, with their style. Callers that measure
/// or pad text before adding it make it inert first (`crate::text::inert`), so that widths match what is shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Line(Vec<(String, Style)>);

impl Line {
    pub(super) fn new() -> Self {
        Self::default()
    }

    pub(super) fn plain(text: impl Into<String>) -> Self {
        Self::new().add(text, Style::Plain)
    }

    pub(super) fn add(mut self, text: impl Into<String>, style: Style) -> Self {
        let text = text.into();
        let text = match inert(&text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(shown) => shown,
        };
        self.0.push((text, style));
        self
    }

    /// Appends the pieces of `other`.
    pub(super) fn append(mut self, other: Line) -> Self {
        self.0.extend(other.0);
        self
    }

    pub(super) fn width(&self) -> usize {
        self.0.iter().map(|(t, _)| width(t)).sum()
    }

    /// The line as written to the terminal: at most `cols` columns (cut with `…` when wider), with colour codes
    /// around its styled pieces when `color`.
    pub(super) fn show(&self, cols: usize, color: bool) -> String {
        let wide = self.width() > cols;
        let mut room = if wide { cols.saturating_sub(1) } else { cols };
        let mut out = String::new();
        for (text, style) in &self.0 {
            let (piece, rest) = cut(text, room);
            room -= width(piece);
            paint(&mut out, piece, *style, color);
            if rest {
                break;
            }
        }
        if wide && cols > 0 {
            out.push('…');
        }
        out
    }
}

fn paint(out: &mut String, text: &str, style: Style, color: bool) {
    match style.sgr() {
        Some(sgr) if color && !text.is_empty() => {
            out.push_str(&format!("\x1b[{sgr}m{text}\x1b[0m"));
        }
        _ => out.push_str(text),
    }
}

/// The display width of `text` in terminal columns.
pub(super) fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// The longest start of `text` that is at most `room` columns wide, and whether anything was left over.
fn cut(text: &str, room: usize) -> (&str, bool) {
    let mut used = 0;
    let mut end = text.len();
    for (i, c) in text.char_indices() {
        used += c.width().unwrap_or(0);
        if used > room {
            end = i;
            break;
        }
    }
    let mut start = &text[..end];
    // A few sequences (emoji presentation) are wider than their characters; measure the whole to be sure.
    while width(start) > room {
        let mut chars = start.chars();
        chars.next_back();
        start = chars.as_str();
    }
    (start, start.len() < text.len())
}

/// `text` cut to `cols` columns, ending in `…` when it was wider.
pub(super) fn truncate(text: &str, cols: usize) -> Cow<'_, str> {
    if width(text) <= cols {
        return Cow::Borrowed(text);
    }
    if cols == 0 {
        return Cow::Borrowed("");
    }
    Cow::Owned(format!("{}…", cut(text, cols - 1).0))
}

/// `text` (at most `cols` wide) padded with spaces to `cols` columns, on the left when `right` aligned.
pub(super) fn pad(text: &str, cols: usize, right: bool) -> String {
    let fill = " ".repeat(cols.saturating_sub(width(text)));
    if right {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

/// Packs `parts` into lines at most `cols` wide, joined by ` · `; a part is never split (one wider than `cols`
/// gets a line of its own, cut when shown).
pub(super) fn pack(parts: Vec<(String, Style)>, cols: usize) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    for (text, style) in parts {
        match lines.last_mut() {
            Some(line) if line.width() + 3 + width(&text) <= cols => {
                *line = std::mem::take(line).add(" · ", Style::Plain).add(text, style);
            }
            _ => lines.push(Line::new().add(text, style)),
        }
    }
    lines
}

/// A table column: its title and whether its cells are aligned right.
pub(super) struct Column {
    pub title: &'static str,
    pub right: bool,
}

/// Lays out a table without borders, columns two spaces apart: its title line and one line per row. When the
/// natural width is more than `cols`, the columns in `shrink` order are narrowed (down to 6 columns each) and
/// their cells cut with `…`; cells never wrap.
pub(super) fn table(
    columns: &[Column],
    rows: &[Vec<(String, Style)>],
    shrink: &[usize],
    cols: usize,
) -> (Line, Vec<Line>) {
    let mut widths: Vec<usize> = columns.iter().map(|c| width(c.title)).collect();
    for row in rows {
        for (w, (text, _)) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(text));
        }
    }
    let natural = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    let mut excess = natural.saturating_sub(cols);
    for &i in shrink {
        let least = widths[i].min(6);
        let take = excess.min(widths[i] - least);
        widths[i] -= take;
        excess -= take;
    }
    let line = |cells: Vec<(&str, Style)>| {
        let mut line = Line::new();
        for (i, ((text, style), (column, &w))) in cells.into_iter().zip(columns.iter().zip(&widths)).enumerate() {
            if i > 0 {
                line = line.add("  ", Style::Plain);
            }
            line = line.add(pad(&truncate(text, w), w, column.right), style);
        }
        line
    };
    let head = line(columns.iter().map(|c| (c.title, Style::Bold)).collect());
    let body = rows.iter().map(|row| line(row.iter().map(|(t, s)| (t.as_str(), *s)).collect())).collect();
    (head, body)
}
