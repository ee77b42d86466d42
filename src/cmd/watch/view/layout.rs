//! The screen of the live view as text: a pure function of what is known, the plan, the time and the terminal's
//! size, so that it can be tested at any size.
//!
//! No line is wider than the terminal. In the alternate screen the view also fits the terminal's height, with the
//! last row left free so that the cursor never scrolls it. Parts are kept in this order of priority: the header,
//! the network summary (with the down nodes named), firing alerts, the accounts, the node grid and recent
//! errors. What does not fit is announced with its count, never dropped silently; text that came from the
//! network is made inert first.

use super::line::{pack, pad, table, Column, Line, Style};
use super::State;
use crate::alert::rule::format_value;
use crate::pipeline::Plan;
use crate::text::inert;
use crate::timestamp::Timestamp;
use crate::webhook::Severity;

/// A terminal's size in character cells. `rows: None` for output that scrolls (`watch --once`): the width is
/// fitted, the height is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Size {
    pub cols: usize,
    pub rows: Option<usize>,
}

impl Size {
    /// What is assumed when the terminal does not tell.
    pub const FALLBACK: Size = Size { cols: 80, rows: Some(24) };

    /// The size of the terminal on stdout, or [`Size::FALLBACK`].
    pub fn of_stdout() -> Size {
        Size::reported(terminal_size::terminal_size_of(std::io::stdout()).map(|(w, h)| (w.0, h.0)))
    }

    /// From (columns, rows) as a terminal reports them; unknown or zero means [`Size::FALLBACK`].
    pub fn reported(size: Option<(u16, u16)>) -> Size {
        match size {
            Some((cols, rows)) if cols > 0 && rows > 0 => Size { cols: cols.into(), rows: Some(rows.into()) },
            _ => Size::FALLBACK,
        }
    }
}

/// The whole screen: one `\n`-terminated line per screen line; see the module documentation.
pub(super) fn layout(state: &State, plan: &Plan, header: &str, now: Timestamp, size: Size, color: bool) -> String {
    let cols = size.cols.max(1);
    let nodes = nodes(state);
    let mut top = header_lines(header, now, cols);
    top.extend(summary_lines(state, &nodes, cols));
    let sections = [alerts(state), accounts(state, plan, cols), node_grid(&nodes, cols), errors(state)];

    let parts = sections.iter().filter(|s| s.full() > 0).count();
    let limit = size.rows.map(|rows| rows.saturating_sub(1));
    if let Some(limit) = limit {
        // On a very small terminal, the last row goes to saying what is left out rather than to the summary.
        let reserve = usize::from(parts > 0 && limit > 1 && top.len() >= limit);
        top.truncate(limit - reserve);
    }
    let room = limit.map(|l| l - top.len());
    let mut blocks = vec![top];
    match room {
        Some(room) if room < parts => {
            // Not even a row for each part: the rows left say what is left out.
            let mut left = vec!["… left out".to_string()];
            left.extend(sections.iter().filter(|s| s.full() > 0).map(|s| s.count(s.total())));
            left.push("heighten the terminal".into());
            let mut note = pack(left.into_iter().map(|t| (t, Style::Dim)).collect(), cols);
            note.truncate(room);
            blocks.push(note);
        }
        _ => {
            for (section, height) in sections.iter().zip(allot(&sections, room)) {
                blocks.push(section.lines(height));
            }
        }
    }
    blocks.retain(|b| !b.is_empty());

    // Blank lines between the parts, as far as rows are left.
    let used: usize = blocks.iter().map(Vec::len).sum();
    let mut blanks = limit.map_or(usize::MAX, |l| l - used);
    let mut screen = String::new();
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 && blanks > 0 {
            screen.push('\n');
            blanks -= 1;
        }
        for line in block {
            screen.push_str(&line.show(cols, color));
            screen.push('\n');
        }
    }
    screen
}

/// A part of the screen that can be shortened: its head (shown with any of its items), its items, and what it
/// says instead of those left out.
struct Section {
    head: Vec<Line>,
    /// Each line with how many things (accounts, nodes, ...) it shows.
    items: Vec<(Line, usize)>,
    /// The things, singular and plural.
    noun: (&'static str, &'static str),
    /// How to see more.
    hint: &'static str,
}

impl Section {
    fn new(noun: (&'static str, &'static str), hint: &'static str) -> Self {
        Self { head: Vec::new(), items: Vec::new(), noun, hint }
    }

    /// Its height when nothing is left out; 0 when there is nothing to show.
    fn full(&self) -> usize {
        if self.items.is_empty() {
            0
        } else {
            self.head.len() + self.items.len()
        }
    }

    fn total(&self) -> usize {
        self.items.iter().map(|(_, n)| n).sum()
    }

    fn count(&self, n: usize) -> String {
        format!("{n} {}", if n == 1 { self.noun.0 } else { self.noun.1 })
    }

    /// Its lines in `height` rows: everything, or the head, as many items as fit and a line counting the rest,
    /// or only that line.
    fn lines(&self, height: usize) -> Vec<Line> {
        let note = |text: String| Line::new().add(format!("… {text} ({})", self.hint), Style::Dim);
        if height >= self.full() {
            return self.head.iter().cloned().chain(self.items.iter().map(|(l, _)| l.clone())).collect();
        }
        if height < self.head.len() + 2 {
            return if height == 0 { Vec::new() } else { vec![note(format!("{} left out", self.count(self.total())))] };
        }
        let items = &self.items[..height - self.head.len() - 1];
        let hidden = self.total() - items.iter().map(|(_, n)| n).sum::<usize>();
        let mut lines: Vec<Line> = self.head.iter().cloned().chain(items.iter().map(|(l, _)| l.clone())).collect();
        lines.push(note(format!("{} more {}", hidden, if hidden == 1 { self.noun.0 } else { self.noun.1 })));
        lines
    }
}

/// The height of each section within `room` rows (all of them without a limit), in order of priority. Each
/// section with something to show keeps a row to say what it leaves out (`room` must allow that), and never gets
/// a height it cannot use.
fn allot(sections: &[Section], room: Option<usize>) -> Vec<usize> {
    let Some(mut left) = room else { return sections.iter().map(Section::full).collect() };
    let mut waiting = sections.iter().filter(|s| s.full() > 0).count();
    let mut heights = Vec::new();
    for s in sections {
        let full = s.full();
        let mut height = 0;
        if full > 0 {
            waiting -= 1;
            height = full.min(left.saturating_sub(waiting));
            if height < full && height < s.head.len() + 2 {
                height = height.min(1);
            }
        }
        left -= height;
        heights.push(height);
    }
    heights
}

fn header_lines(header: &str, now: Timestamp, cols: usize) -> Vec<Line> {
    let mut parts = vec![("hmon watch".to_string(), Style::Bold)];
    parts.extend(header.split(" · ").map(|p| (inert(p).into_owned(), Style::Plain)));
    parts.push((now.to_rfc3339(), Style::Plain));
    pack(parts, cols)
}

/// A node as the view shows it: labels made inert, ordered by number.
struct Node {
    id: String,
    account: String,
    up: bool,
    latency: Option<f64>,
    /// Why the last probe failed, inert and cut to [`NODE_ERROR_CHARS`].
    error: Option<String>,
}

/// How much of a down node's error the summary shows: enough for "timed out after 5000ms" or a precheck code.
const NODE_ERROR_CHARS: usize = 40;

/// `text` made inert and cut to `chars` characters (an ellipsis marks a cut).
fn short(text: &str, chars: usize) -> String {
    let text = inert(text);
    match text.char_indices().nth(chars) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.into_owned(),
    }
}

/// The probed nodes by `node_id` as a number (`2` before `10`); ids that are not numbers come last, by text.
fn nodes(state: &State) -> Vec<Node> {
    let mut nodes: Vec<(Result<u64, String>, Node)> = state
        .of("node_up")
        .map(|s| {
            let id = s.labels.get("node_id").map_or("", String::as_str);
            let account = s.labels.get("node_account_id").map_or("", String::as_str);
            let latency = state.value("node_latency_seconds", &[("node_account_id", account), ("node_id", id)]);
            let up = s.value > 0.0;
            let node = Node {
                id: inert(id).into_owned(),
                account: inert(account).into_owned(),
                up,
                latency: latency.filter(|_| up),
                error: s.error.as_deref().filter(|_| !up).map(|e| short(e, NODE_ERROR_CHARS)),
            };
            (id.trim().parse::<u64>().map_err(|_| id.to_string()), node)
        })
        .collect();
    nodes.sort_by(|a, b| a.0.cmp(&b.0));
    nodes.into_iter().map(|(_, n)| n).collect()
}

/// Mirror lag, TPS, nodes up, stake and alerts firing, then the down nodes by name.
fn summary_lines(state: &State, nodes: &[Node], cols: usize) -> Vec<Line> {
    let fmt = |v: Option<f64>, unit: &str| v.map_or("…".to_string(), |v| format!("{v:.1}{unit}"));
    let up = nodes.iter().filter(|n| n.up).count();
    let node_part = if nodes.is_empty() {
        let known = state.value("network_nodes", &[]).map_or("…".into(), format_value);
        (format!("nodes {known}"), Style::Plain)
    } else {
        (format!("nodes {up}/{} up", nodes.len()), if up == nodes.len() { Style::Good } else { Style::Bad })
    };
    let firing = state.firing().count();
    let mut parts = vec![
        (format!("mirror lag {}", fmt(state.value("mirror_lag_seconds", &[]), " s")), Style::Plain),
        (format!("TPS {}", fmt(state.value("network_tps", &[]), "")), Style::Plain),
        node_part,
        (
            format!(
                "stake {}",
                state
                    .value("network_stake_hbar", &[])
                    .map_or("…".into(), |v| format!("{} ℏ", format_value(v.round())))
            ),
            Style::Plain,
        ),
        (
            format!("{firing} alert{} firing", if firing == 1 { "" } else { "s" }),
            if firing > 0 { Style::Bad } else { Style::Plain },
        ),
    ];
    let silences = state.silences.len();
    if silences > 0 {
        parts.push((format!("{silences} silence{} in force", if silences == 1 { "" } else { "s" }), Style::Dim));
    }
    let mut lines = pack(parts, cols);
    let down: Vec<String> = nodes
        .iter()
        .filter(|n| !n.up)
        .map(|n| match &n.error {
            Some(error) => format!("node {} ({}: {error})", n.id, n.account),
            None => format!("node {} ({})", n.id, n.account),
        })
        .collect();
    if !down.is_empty() {
        lines.push(down_line(&down, cols));
    }
    lines
}

/// `down: node 4 (0.0.7: timed out after 5000ms), node 11 (0.0.14)`, as many as fit in `cols`, then how many more.
fn down_line(down: &[String], cols: usize) -> Line {
    let line = |shown: usize| {
        let mut text = down[..shown].join(", ");
        if shown < down.len() {
            let more = down.len() - shown;
            text.push_str(&format!("{}… {more} more (widen the terminal)", if shown > 0 { ", " } else { "" }));
        }
        Line::new().add("down: ", Style::Bold).add(text, Style::Bad)
    };
    (0..=down.len()).rev().map(line).find(|l| l.width() <= cols).unwrap_or_else(|| line(0))
}

fn alerts(state: &State) -> Section {
    let rank = |s: Severity| match s {
        Severity::Critical => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    };
    let mut firing: Vec<_> = state.firing().collect();
    firing.sort_by_key(|n| rank(n.severity));
    let mut section = Section::new(("firing alert", "firing alerts"), "heighten the terminal");
    for n in firing {
        let style = match n.severity {
            Severity::Critical => Style::Bad,
            Severity::Warning => Style::Warn,
            Severity::Info => Style::Plain,
        };
        let started = n.since.to_rfc3339();
        let since = started.get(..19).unwrap_or(&started);
        let mut line = Line::new()
            .add(format!("[{}]", n.severity.as_str()), style)
            .add(format!(" {} since {}: {}", inert(&n.rule), inert(since), inert(&n.summary)), Style::Plain);
        if n.silenced {
            line = line.add(" [silenced]", Style::Dim);
        }
        if !n.labels.is_empty() {
            let labels: Vec<String> = n.labels.iter().map(|(k, v)| format!("{}={}", inert(k), inert(v))).collect();
            line = line.add(format!(" ({})", labels.join(", ")), Style::Dim);
        }
        section.items.push((line, 1));
    }
    section
}

fn accounts(state: &State, plan: &Plan, cols: usize) -> Section {
    let rows: Vec<Vec<(String, Style)>> = plan
        .accounts
        .iter()
        .map(|a| {
            let id = a.id.to_string();
            let labels = [("account", id.as_str()), ("label", a.label.as_str())];
            let balance =
                state.value("account_balance_hbar", &labels).map_or("…".into(), |v| format!("{} ℏ", format_value(v)));
            let txs = state.value("account_transactions", &labels).map_or("-".into(), format_value);
            let label = inert(&a.label).into_owned();
            vec![(id, Style::Plain), (label, Style::Plain), (balance, Style::Plain), (txs, Style::Plain)]
        })
        .collect();
    let columns = [
        Column { title: "Account", right: false },
        Column { title: "Label", right: false },
        Column { title: "Balance", right: true },
        Column { title: "New tx", right: true },
    ];
    let (head, body) = table(&columns, &rows, &[1, 0, 2, 3], cols);
    let mut section = Section::new(("account", "accounts"), "heighten the terminal");
    if !body.is_empty() {
        section.head.push(head);
    }
    section.items = body.into_iter().map(|l| (l, 1)).collect();
    section
}

/// The nodes in columns, row by row in node order: id, account, up or down, and latency when up.
fn node_grid(nodes: &[Node], cols: usize) -> Section {
    let latency = |n: &Node| n.latency.map_or("-".to_string(), |l| format!("{:.1} ms", l * 1e3));
    let widest = |f: &dyn Fn(&Node) -> usize| nodes.iter().map(f).max().unwrap_or(0);
    let id_w = widest(&|n| super::line::width(&n.id));
    let account_w = widest(&|n| super::line::width(&n.account));
    let latency_w = widest(&|n| super::line::width(&latency(n)));
    let cell = |n: &Node| {
        let (status, style) = if n.up { ("up", Style::Good) } else { ("down", Style::Bad) };
        Line::new()
            .add(format!("{} {} ", pad(&n.id, id_w, true), pad(&n.account, account_w, false)), Style::Plain)
            .add(pad(status, 4, false), style)
            .add(format!(" {}", pad(&latency(n), latency_w, true)), Style::Plain)
    };
    let cell_w = id_w + account_w + latency_w + 7;
    let per_line = ((cols + 2) / (cell_w + 2)).max(1);
    let mut section = Section::new(("node", "nodes"), "widen or heighten the terminal");
    for chunk in nodes.chunks(per_line) {
        let mut line = Line::new();
        for (i, n) in chunk.iter().enumerate() {
            if i > 0 {
                line = line.add("  ", Style::Plain);
            }
            line = line.append(cell(n));
        }
        section.items.push((line, chunk.len()));
    }
    section
}

fn errors(state: &State) -> Section {
    let mut section = Section::new(("recent error", "recent errors"), "heighten the terminal");
    if !state.errors.is_empty() {
        section.head.push(Line::new().add("Recent errors:", Style::Bold));
    }
    section.items = state.errors.iter().map(|e| (Line::plain(format!("  {}", inert(e))), 1)).collect();
    section
}
