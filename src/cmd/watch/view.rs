//! The live terminal view of `watch`: accounts, network and nodes, firing alerts and recent errors, redrawn in
//! place at most four times a second.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::alert::rule::format_value;
use crate::metrics::{Sample, SeriesKey};
use crate::output::{Cell, Output, Tone};
use crate::pipeline::{Event, Plan};
use crate::timestamp::Timestamp;
use crate::webhook::{AlertStatus, DeliveryEvent, Notification};

#[derive(Default)]
struct State {
    latest: BTreeMap<SeriesKey, Sample>,
    firing: BTreeMap<String, Notification>,
    errors: VecDeque<String>,
}

/// Shows the live view until the events end. With `once`, nothing is drawn until then and the final state is
/// printed in the normal screen, so it stays visible.
pub async fn run(mut events: mpsc::UnboundedReceiver<Event>, header: String, plan: Plan, out: Output, once: bool) {
    let mut state = State::default();
    let spinner = out.spinner(if once { "collecting once" } else { "waiting for the first data" });
    let mut dirty = false;
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    let mut stdout = std::io::stdout();
    let mut screen_open = false;
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Some(e) => { state.apply(e); dirty = true; }
                None => break,
            },
            _ = tick.tick(), if !once => {
                if dirty && !state.latest.is_empty() {
                    let header = format!("{header} · Ctrl-C stops");
                    if !screen_open {
                        spinner.finish_and_clear();
                        let _ = write!(stdout, "\x1b[?1049h\x1b[?25l");
                        screen_open = true;
                    }
                    let screen = render(&state, &header, &plan, &out);
                    if write!(stdout, "\x1b[H\x1b[2J{screen}").and_then(|_| stdout.flush()).is_err() {
                        break;
                    }
                    dirty = false;
                }
            }
        }
    }
    spinner.finish_and_clear();
    if screen_open {
        let _ = write!(stdout, "\x1b[?25h\x1b[?1049l");
    }
    if once {
        let _ = write!(stdout, "{}", render(&state, &header, &plan, &out));
    }
    let _ = stdout.flush();
}

impl State {
    fn apply(&mut self, event: Event) {
        match event {
            Event::Sample(s) => {
                self.latest.insert(s.series(), s);
            }
            Event::Alert(n) => {
                let key = format!("{}/{:?}", n.rule, n.labels);
                if n.status == AlertStatus::Firing {
                    self.firing.insert(key, n);
                } else {
                    self.firing.remove(&key);
                }
            }
            Event::CollectorError { collector, message, timestamp } => {
                let time = timestamp.get(11..19).unwrap_or(&timestamp);
                self.errors.push_front(format!("{time} {collector}: {message}"));
                self.errors.truncate(5);
            }
            Event::Delivery(DeliveryEvent::Dropped { webhook, reason, .. }) => {
                let time = Timestamp::now().to_rfc3339();
                self.errors.push_front(format!("{} webhook {webhook}: {reason}", time.get(11..19).unwrap_or(&time)));
                self.errors.truncate(5);
            }
            Event::Delivery(_) => {}
        }
    }

    fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let s = Sample::new(name, labels, 0.0, Timestamp { secs: 0, nanos: 0 });
        self.latest.get(&s.series()).map(|s| s.value)
    }

    fn of(&self, name: &str) -> impl Iterator<Item = &Sample> {
        let name = name.to_string();
        self.latest.values().filter(move |s| s.name == name)
    }
}

fn render(state: &State, header: &str, plan: &Plan, out: &Output) -> String {
    let now = Timestamp { nanos: 0, ..Timestamp::now() };
    let mut s = format!("hmon watch · {header} · {}\n\n", now.to_rfc3339());
    if !plan.accounts.is_empty() {
        let rows: Vec<Vec<Cell>> = plan
            .accounts
            .iter()
            .map(|a| {
                let id = a.id.to_string();
                let labels = [("account", id.as_str()), ("label", a.label.as_str())];
                let balance = state
                    .value("account_balance_hbar", &labels)
                    .map_or("…".into(), |v| format!("{} ℏ", format_value(v)));
                let txs = state.value("account_transactions", &labels).map_or("-".into(), format_value);
                vec![id.clone().into(), a.label.clone().into(), balance.into(), txs.into()]
            })
            .collect();
        s.push_str(&out.render_table(&["Account", "Label", "Balance", "New tx"], &rows));
    }
    let fmt = |v: Option<f64>, unit: &str| v.map_or("…".to_string(), |v| format!("{v:.1}{unit}"));
    let up = state.of("node_up").filter(|s| s.value > 0.0).count();
    let total = state.of("node_up").count();
    s.push_str(&format!(
        "\nMirror lag {} · TPS {} · nodes {} ({up}/{total} up) · stake {}\n",
        fmt(state.value("mirror_lag_seconds", &[]), " s"),
        fmt(state.value("network_tps", &[]), ""),
        state.value("network_nodes", &[]).map_or("…".into(), format_value),
        state.value("network_stake_hbar", &[]).map_or("…".into(), |v| format!("{} ℏ", format_value(v.round()))),
    ));
    let nodes: Vec<Vec<Cell>> = state
        .of("node_up")
        .map(|n| {
            let id = n.labels.get("node_id").cloned().unwrap_or_default();
            let account = n.labels.get("node_account_id").cloned().unwrap_or_default();
            let latency = state.value("node_latency_seconds", &[("node_account_id", &account), ("node_id", &id)]);
            let status = if n.value > 0.0 { Cell::tone("up", Tone::Good) } else { Cell::tone("down", Tone::Bad) };
            vec![id.into(), account.into(), status, latency.map_or("-".into(), |l| format!("{:.1} ms", l * 1e3)).into()]
        })
        .collect();
    if !nodes.is_empty() {
        s.push_str(&out.render_table(&["Node", "Account", "Status", "Latency"], &nodes));
    }
    s.push_str(&format!("\nFiring alerts: {}\n", state.firing.len()));
    for n in state.firing.values() {
        let since = n.starts_at.get(..19).unwrap_or(&n.starts_at);
        s.push_str(&format!("  [{}] {} since {since}: {}\n", n.severity.as_str(), n.rule, n.summary));
    }
    if !state.errors.is_empty() {
        s.push_str("\nRecent errors:\n");
        for e in &state.errors {
            s.push_str(&format!("  {e}\n"));
        }
    }
    s
}
