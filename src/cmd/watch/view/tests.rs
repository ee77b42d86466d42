//! The live view's layout at real terminal sizes, with the 30 nodes of a real network.

use std::time::Duration;

use super::layout::{layout, Size};
use super::line::{truncate, width, Line, Style};
use super::State;
use crate::alert::manager::AlertView;
use crate::collect::accounts::{AccountsTuning, WatchedAccount};
use crate::metrics::Sample;
use crate::pipeline::{Event, Plan};
use crate::timestamp::Timestamp;
use crate::webhook::Severity;

const HEADER: &str = "mainnet (mirror mainnet.mirrornode.hedera.com) · Ctrl-C stops";
const NOW: Timestamp = Timestamp { secs: 1_767_323_045, nanos: 0 };
const DOWN: [u64; 3] = [4, 11, 25];
const HOSTILE: &str = "\x1b]0;owned\x07\x1b[2J";
const HOSTILE_SHOWN: &str = "\\u{1b}]0;owned\\u{7}\\u{1b}[2J";

fn plan(accounts: usize) -> Plan {
    let accounts = (0..accounts)
        .map(|i| WatchedAccount { id: format!("0.0.{}", 1001 + i).parse().unwrap(), label: format!("wallet-{i}") })
        .collect();
    Plan {
        accounts,
        rules: Vec::new(),
        webhooks: Vec::new(),
        interval: Duration::from_secs(10),
        nodes_interval: Duration::from_secs(60),
        tuning: AccountsTuning::default(),
        mode: crate::collect::mode::ModeSetting::Auto,
        rate_limit: 20.0,
        probe_timeout: Duration::from_secs(3),
        retention: Duration::from_secs(86_400),
        stale_cycles: 5,
        heartbeat: Duration::from_secs(300),
        canary: None,
    }
}

fn sample(state: &mut State, name: &str, labels: &[(&str, &str)], value: f64) {
    state.apply(&Event::Sample(Sample::new(name.to_string(), labels, value, NOW).into()));
}

fn error(state: &mut State, collector: &str, message: &str) {
    state.apply(&Event::collector_error(collector, message, "2026-01-02T03:04:05Z"));
}

/// A firing alert as the model holds it.
fn firing(rule: &str, severity: Severity, labels: &[(&str, &str)], summary: &str) -> AlertView {
    AlertView {
        rule: rule.into(),
        labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        severity,
        state: "firing",
        since: Timestamp { secs: 1_767_323_045, nanos: 0 },
        value: Some(5.0),
        silenced: false,
        summary: summary.into(),
    }
}

/// 30 nodes (ids 0..=29, accounts 0.0.3..=0.0.32, [`DOWN`] down), the plan's accounts with balances, two firing
/// alerts and three errors.
fn network(plan: &Plan) -> State {
    let mut state = State::default();
    sample(&mut state, "mirror_lag_seconds", &[], 2.5);
    sample(&mut state, "network_tps", &[], 12.25);
    sample(&mut state, "network_nodes", &[], 30.0);
    sample(&mut state, "network_stake_hbar", &[], 8_123_456_789.4);
    for id in 0..30u64 {
        let (node, account) = (id.to_string(), format!("0.0.{}", id + 3));
        let labels = [("node_id", node.as_str()), ("node_account_id", account.as_str())];
        let up = !DOWN.contains(&id);
        sample(&mut state, "node_up", &labels, if up { 1.0 } else { 0.0 });
        sample(&mut state, "node_latency_seconds", &labels, (10 + id) as f64 / 1000.0);
    }
    for (i, a) in plan.accounts.iter().enumerate() {
        let id = a.id.to_string();
        let labels = [("account", id.as_str()), ("label", a.label.as_str())];
        sample(&mut state, "account_balance_hbar", &labels, 1000.0 + i as f64 * 12.5);
        sample(&mut state, "account_transactions", &labels, i as f64);
    }
    state.alerts.push(firing("low-balance", Severity::Critical, &[("account", "0.0.1001")], "wallet-0 is low: 5 hbar"));
    state.alerts.push(firing("slow-mirror", Severity::Warning, &[], "mirror lag is 2.5 s"));
    error(&mut state, "nodes", "0.0.7: connection refused");
    error(&mut state, "mirror", "HTTP 503 Service Unavailable");
    error(&mut state, "accounts", "timed out after 10s");
    state
}

/// The screen without colour codes, line by line, after checking it fits `size`.
fn fitted(screen: &str, size: Size) -> Vec<String> {
    let lines: Vec<String> = screen.lines().map(strip_colour).collect();
    for line in &lines {
        assert!(width(line) <= size.cols, "wider than {} columns ({}): {line:?}", size.cols, width(line));
    }
    if let Some(rows) = size.rows {
        assert!(lines.len() < rows, "{} lines on {rows} rows:\n{screen}", lines.len());
    }
    assert!(screen.is_empty() || screen.ends_with('\n'));
    lines
}

/// Removes SGR colour sequences, checking that there is no other escape sequence.
fn strip_colour(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find('\x1b') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('m').map(|j| i + j).unwrap_or_else(|| panic!("unfinished escape in {line:?}"));
        let params = &rest[i + 1..end];
        assert!(params.starts_with('[') && params[1..].chars().all(|c| c.is_ascii_digit()), "escape {params:?}");
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The node cells of the grid in screen order: (node id, node account number).
fn grid(lines: &[String]) -> Vec<(u64, u64)> {
    let mut cells = Vec::new();
    for line in lines {
        let words: Vec<&str> = line.split_whitespace().collect();
        for w in words.windows(3) {
            if let (Ok(id), Some(Ok(account)), "up" | "down") =
                (w[0].parse(), w[1].strip_prefix("0.0.").map(str::parse), w[2])
            {
                cells.push((id, account));
            }
        }
    }
    cells
}

/// The number in a line `… N <what> (...)`.
fn announced(lines: &[String], what: &str) -> Option<usize> {
    lines
        .iter()
        .find_map(|l| l.strip_prefix("… ")?.strip_suffix(")")?.split_once(&format!(" {what} ("))?.0.parse().ok())
}

#[test]
fn a_real_network_fits_80x24() {
    let plan = plan(12);
    let state = network(&plan);
    let size = Size { cols: 80, rows: Some(24) };
    for color in [false, true] {
        let lines = fitted(&layout(&state, &plan, HEADER, NOW, size, color), size);
        let text = lines.join("\n");
        assert!(lines[0].starts_with("hmon watch · mainnet (mirror mainnet.mirrornode.hedera.com)"), "{text}");
        assert!(text.contains("2026-01-02T03:04:05Z"), "{text}");
        let summary = "mirror lag 2.5 s · TPS 12.2 · nodes 27/30 up · stake 8123456789 ℏ";
        assert!(lines.iter().any(|l| l.starts_with(summary)), "{text}");
        assert!(text.contains("2 alerts firing"), "{text}");
        assert!(lines.contains(&"down: node 4 (0.0.7), node 11 (0.0.14), node 25 (0.0.28)".to_string()), "{text}");
        assert!(text.contains("[critical] low-balance since 2026-01-02T03:04:05: wallet-0 is low: 5 hbar"), "{text}");
        assert!(text.contains("[warning] slow-mirror since"), "{text}");
        // Every account, in plan order, with its balance.
        let rows: Vec<&String> = lines.iter().filter(|l| l.starts_with("0.0.10")).collect();
        assert_eq!(rows.len(), 12, "{text}");
        assert!(rows[0].contains("wallet-0") && rows[0].contains("1000 ℏ"), "{text}");
        assert!(rows[11].starts_with("0.0.1012") && rows[11].contains("1137.5 ℏ"), "{text}");
        // Some nodes in the grid, from node 0 on in numeric order, and the rest counted.
        let cells = grid(&lines);
        assert!(!cells.is_empty() && cells.len() < 30, "{text}");
        assert!(cells.iter().enumerate().all(|(i, &(id, account))| id == i as u64 && account == id + 3), "{cells:?}");
        assert_eq!(announced(&lines, "more nodes"), Some(30 - cells.len()), "{text}");
        assert!(text.contains("more nodes (widen or heighten the terminal)"), "{text}");
        assert_eq!(announced(&lines, "recent errors left out"), Some(3), "{text}");
        assert!(!text.contains("refused"), "errors are left out here: {text}");
    }
}

#[test]
fn a_real_network_fits_200x60_with_everything_shown() {
    let plan = plan(12);
    let state = network(&plan);
    let size = Size { cols: 200, rows: Some(60) };
    let lines = fitted(&layout(&state, &plan, HEADER, NOW, size, true), size);
    let text = lines.join("\n");
    assert!(lines[0].starts_with("hmon watch · mainnet") && lines[0].ends_with("2026-01-02T03:04:05Z"), "{text}");
    assert!(lines[1].starts_with("mirror lag 2.5 s · TPS 12.2 · nodes 27/30 up"), "{text}");
    assert_eq!(lines[2], "down: node 4 (0.0.7), node 11 (0.0.14), node 25 (0.0.28)");
    for i in 0..12 {
        let row =
            lines.iter().find(|l| l.starts_with(&format!("0.0.{} ", 1001 + i))).unwrap_or_else(|| panic!("{text}"));
        assert!(row.contains(&format!("wallet-{i} ")), "{row}");
    }
    let cells = grid(&lines);
    assert_eq!(cells, (0..30).map(|id| (id, id + 3)).collect::<Vec<_>>(), "{text}");
    let node_10 = lines.iter().find(|l| l.contains(" 0.0.13 ")).unwrap();
    assert!(node_10.contains("10 0.0.13 up   20.0 ms"), "{node_10}");
    let node_11 = lines.iter().find(|l| l.contains(" 0.0.14 ")).unwrap();
    assert!(node_11.contains("11 0.0.14 down       -  12 0.0.15 up"), "no stale latency for a down node: {node_11}");
    for e in ["03:04:05 nodes: 0.0.7: connection refused", "mirror: HTTP 503", "accounts: timed out after 10s"] {
        assert!(text.contains(e), "{e}: {text}");
    }
    assert!(!text.contains("more") && !text.contains("left out"), "{text}");
}

#[test]
fn the_big_screen_shows_more_nodes_than_the_small_one() {
    let plan = plan(12);
    let state = network(&plan);
    let shown = |cols, rows| {
        let size = Size { cols, rows: Some(rows) };
        grid(&fitted(&layout(&state, &plan, HEADER, NOW, size, false), size)).len()
    };
    let (small, big) = (shown(80, 24), shown(200, 60));
    assert!(small > 0 && big == 30 && small < big, "{small} vs {big}");
    // Wider is enough for more nodes: more of them per line.
    assert!(shown(160, 24) > small);
}

#[test]
fn once_fits_the_width_and_shows_everything() {
    let plan = plan(12);
    let state = network(&plan);
    let size = Size { cols: 80, rows: None };
    let lines = fitted(&layout(&state, &plan, "mainnet (mirror m)", NOW, size, false), size);
    assert!(lines.len() > 24);
    assert_eq!(grid(&lines).len(), 30);
    assert_eq!(lines.iter().filter(|l| l.starts_with("0.0.10")).count(), 12);
    assert!(lines.iter().any(|l| l.contains("connection refused")));
    assert!(!lines.iter().any(|l| l.contains("more") || l.contains("left out")));
}

#[test]
fn a_tiny_terminal_still_fits_and_says_what_it_left_out() {
    let plan = plan(12);
    let state = network(&plan);
    for (cols, rows) in [(40, 10), (30, 8), (20, 4), (10, 2), (1, 1)] {
        let size = Size { cols, rows: Some(rows) };
        fitted(&layout(&state, &plan, HEADER, NOW, size, true), size);
    }
    // A row for each part: each says what it leaves out.
    let size = Size { cols: 60, rows: Some(10) };
    let lines = fitted(&layout(&state, &plan, HEADER, NOW, size, false), size);
    assert!(lines[0].starts_with("hmon watch · mainnet") && lines[4].starts_with("down: node 4"), "{lines:#?}");
    assert_eq!(
        lines[5..],
        [
            "… 2 firing alerts left out (heighten the terminal)",
            "… 12 accounts left out (heighten the terminal)",
            "… 30 nodes left out (widen or heighten the terminal)",
            "… 3 recent errors left out (heighten the terminal)"
        ]
    );
    // Not even that: the rows left say it together.
    let size = Size { cols: 60, rows: Some(9) };
    let lines = fitted(&layout(&state, &plan, HEADER, NOW, size, false), size);
    assert_eq!(
        lines[5..],
        ["", "… left out · 2 firing alerts · 12 accounts · 30 nodes", "3 recent errors · heighten the terminal"]
    );
    let size = Size { cols: 60, rows: Some(14) };
    let lines = fitted(&layout(&state, &plan, HEADER, NOW, size, false), size);
    let text = lines.join("\n");
    assert!(text.contains("… 30 nodes left out (widen or heighten the terminal)"), "{text}");
    assert!(text.contains("… 3 recent errors left out (heighten the terminal)"), "{text}");
    let shown = lines.iter().filter(|l| l.starts_with("0.0.10")).count();
    assert!(shown > 0, "{text}");
    assert_eq!(announced(&lines, "more accounts"), Some(12 - shown), "{text}");
    assert!(text.contains("more accounts (heighten the terminal)"), "{text}");
}

#[test]
fn network_text_is_inert_on_screen() {
    let mut plan = plan(1);
    plan.accounts[0].label = format!("label{HOSTILE}");
    let mut state = State::default();
    sample(&mut state, "node_up", &[("node_id", "3"), ("node_account_id", &format!("0.0.6{HOSTILE}"))], 0.0);
    let refused = Sample::new("node_up", &[("node_id", "4"), ("node_account_id", "0.0.7")], 0.0, NOW)
        .with_error(Some(format!("refused{HOSTILE} and a reason far too long to show whole")));
    state.apply(&Event::Sample(refused.into()));
    let account = format!("0.0.1001{HOSTILE}");
    let alert =
        firing(&format!("rule{HOSTILE}"), Severity::Critical, &[("account", &account)], &format!("summary{HOSTILE}"));
    state.alerts.push(alert);
    error(&mut state, "mirror", &format!("HTTP 500: {HOSTILE}"));
    for (size, color) in [(Size { cols: 200, rows: Some(40) }, true), (Size { cols: 160, rows: None }, false)] {
        let screen = layout(&state, &plan, HEADER, NOW, size, color);
        let lines = fitted(&screen, size); // Only colour sequences, or none.
        assert!(!screen.contains('\x07') && !screen.contains("\x1b]") && !screen.contains("\x1b[2J"), "{screen:?}");
        let text = lines.join("\n");
        assert!(text.contains(&format!("03:04:05 mirror: HTTP 500: {HOSTILE_SHOWN}")), "{text}");
        for shown in [&format!("rule{HOSTILE_SHOWN}"), &format!("summary{HOSTILE_SHOWN}"), "label\\u{1b}]0;owned"] {
            assert!(text.contains(shown), "{shown}: {text}");
        }
        assert!(text.contains("node 3 (0.0.6\\u{1b}]0;owned"), "{text}");
        assert!(text.contains("node 4 (0.0.7: refused\\u{1b}]0;owned\\u{7}\\u{1b}[2J and…)"), "{text}");
    }
}

#[test]
fn long_cells_are_cut_not_wrapped() {
    let mut plan = plan(2);
    plan.accounts[1].label = "a label far longer than any terminal is wide ".repeat(4);
    let state = network(&plan);
    let size = Size { cols: 80, rows: Some(40) };
    let lines = fitted(&layout(&state, &plan, HEADER, NOW, size, false), size);
    let row = lines.iter().find(|l| l.starts_with("0.0.1002")).unwrap();
    assert_eq!(row, "0.0.1002  a label far longer than any terminal is wide a labe…  1012.5 ℏ       1");
    assert_eq!(lines.iter().filter(|l| l.starts_with("0.0.100")).count(), 2, "one line per account");
}

#[test]
fn an_unknown_terminal_size_means_80x24() {
    assert_eq!(Size::reported(None), Size { cols: 80, rows: Some(24) });
    assert_eq!(Size::reported(Some((0, 0))), Size::FALLBACK);
    assert_eq!(Size::reported(Some((132, 43))), Size { cols: 132, rows: Some(43) });
}

#[test]
fn widths_are_display_columns() {
    assert_eq!((width("ℏ…"), width("日本"), width("1.5 ℏ")), (2, 4, 5));
    assert_eq!(truncate("1234.5 ℏ", 8), "1234.5 ℏ");
    assert_eq!(truncate("1234.5 ℏ", 5), "1234…");
    assert_eq!(truncate("日本語です", 6), "日本…");
    let line = Line::new().add("down: ", Style::Bold).add("node 4 (0.0.7)", Style::Bad);
    assert_eq!(line.show(12, false), "down: node …");
    assert_eq!(line.show(12, true), "\x1b[1mdown: \x1b[0m\x1b[31mnode \x1b[0m…");
    assert_eq!(line.show(40, false), "down: node 4 (0.0.7)");
}

#[cfg(unix)]
#[tokio::test]
async fn a_terminal_resize_is_heard() {
    let mut resizes = super::Resizes::listen();
    let pid = std::process::id().to_string();
    assert!(std::process::Command::new("kill").args(["-WINCH", &pid]).status().unwrap().success());
    tokio::time::timeout(Duration::from_secs(5), resizes.next()).await.expect("SIGWINCH reaches the view");
}

#[test]
fn silences_and_silenced_alerts_are_shown() {
    let plan = plan(1);
    let mut state = network(&plan);
    state.alerts[0].silenced = true;
    state.silences.push(crate::alert::silence::Silence {
        id: "abc".into(),
        rule: "low-balance".into(),
        labels: Default::default(),
        starts_at: NOW,
        ends_at: Timestamp { secs: NOW.secs + 3600, nanos: 0 },
        comment: String::new(),
        created_at: NOW,
    });
    let size = Size { cols: 200, rows: Some(60) };
    let text = fitted(&layout(&state, &plan, HEADER, NOW, size, false), size).join("\n");
    assert!(text.contains("1 silence in force"), "{text}");
    let silenced = text.lines().find(|l| l.contains("low-balance since")).expect("the alert line");
    assert!(silenced.contains("[silenced]"), "{silenced}");
    assert!(!text.lines().find(|l| l.contains("slow-mirror since")).unwrap().contains("[silenced]"));
}
