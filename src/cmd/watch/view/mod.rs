//! The live terminal view of `watch`: accounts, network and nodes, firing alerts and recent errors, redrawn in
//! place at most four times a second and at once when the terminal is resized. The screen is laid out to fit
//! the terminal: see the `layout` module.

mod layout;
mod line;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::metrics::{Sample, SeriesKey};
use crate::output::Output;
use crate::pipeline::{Event, Plan};
use crate::timestamp::Timestamp;
use crate::webhook::{AlertStatus, DeliveryEvent, Notification};
use layout::{layout, Size};

#[derive(Default)]
struct State {
    latest: BTreeMap<SeriesKey, Sample>,
    firing: BTreeMap<String, Notification>,
    errors: VecDeque<String>,
}

/// Shows the live view until the events end. With `once`, nothing is drawn until then and the final state is
/// printed in the normal screen, so it stays visible: it fits the terminal's width, not its height.
pub async fn run(mut events: mpsc::UnboundedReceiver<Event>, header: String, plan: Plan, out: Output, once: bool) {
    let mut state = State::default();
    let spinner = out.spinner(if once { "collecting once" } else { "waiting for the first data" });
    let live_header = format!("{header} · Ctrl-C stops");
    let mut dirty = false;
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    let mut resizes = Resizes::listen();
    let mut stdout = std::io::stdout();
    let mut screen_open = false;
    loop {
        let redraw = tokio::select! {
            event = events.recv() => match event {
                Some(e) => { state.apply(e); dirty = true; false }
                None => break,
            },
            _ = tick.tick(), if !once => dirty && !state.latest.is_empty(),
            // A new size is drawn at once, new data or not.
            _ = resizes.next(), if !once => screen_open,
        };
        if redraw {
            if !screen_open {
                spinner.finish_and_clear();
                let _ = write!(stdout, "\x1b[?1049h\x1b[?25l");
                screen_open = true;
            }
            let screen = layout(&state, &plan, &live_header, now(), Size::of_stdout(), out.color);
            if write!(stdout, "\x1b[H\x1b[2J{screen}").and_then(|_| stdout.flush()).is_err() {
                break;
            }
            dirty = false;
        }
    }
    spinner.finish_and_clear();
    if screen_open {
        let _ = write!(stdout, "\x1b[?25h\x1b[?1049l");
    }
    if once {
        let size = Size { rows: None, ..Size::of_stdout() };
        let _ = write!(stdout, "{}", layout(&state, &plan, &header, now(), size, out.color));
    }
    let _ = stdout.flush();
}

/// The time shown in the header, to the second.
fn now() -> Timestamp {
    Timestamp { nanos: 0, ..Timestamp::now() }
}

/// Terminal resizes: SIGWINCH on Unix, nothing elsewhere.
struct Resizes {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
}

impl Resizes {
    fn listen() -> Self {
        Resizes {
            #[cfg(unix)]
            signal: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::window_change()).ok(),
        }
    }

    /// Waits for the next resize; never returns where resizes cannot be heard.
    async fn next(&mut self) {
        #[cfg(unix)]
        if let Some(signal) = &mut self.signal {
            if signal.recv().await.is_some() {
                return;
            }
            self.signal = None;
        }
        std::future::pending::<()>().await
    }
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
