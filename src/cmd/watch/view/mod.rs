//! The live terminal view of `watch`: accounts, network and nodes, firing alerts and recent errors, redrawn in
//! place at most four times a second and at once when the terminal is resized. The screen is laid out to fit
//! the terminal: see the `layout` module.

mod layout;
mod line;
#[cfg(test)]
mod tests;

use std::io::Write;
use std::time::Duration;

use crate::output::Output;
use crate::pipeline::{Model, ModelHandle, Plan};
use crate::timestamp::Timestamp;
use layout::{layout, Size};

/// What the view shows: the pipeline's model.
type State = Model;

/// Shows the live view of the pipeline's model until the pipeline stops. With `once`, nothing is drawn until
/// then and the final state is printed in the normal screen, so it stays visible: it fits the terminal's width,
/// not its height.
pub async fn run(mut model: ModelHandle, header: String, plan: Plan, out: Output, once: bool) {
    let spinner = out.spinner(if once { "collecting once" } else { "waiting for the first data" });
    let live_header = format!("{header} · Ctrl-C stops");
    let mut dirty = false;
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    let mut resizes = Resizes::listen();
    let mut stdout = std::io::stdout();
    let mut screen_open = false;
    loop {
        let redraw = tokio::select! {
            alive = model.changed() => {
                if !alive {
                    break;
                }
                dirty = true;
                false
            }
            _ = tick.tick(), if !once => dirty && !model.read().latest.is_empty(),
            // A new size is drawn at once, new data or not.
            _ = resizes.next(), if !once => screen_open,
        };
        if redraw {
            if !screen_open {
                spinner.finish_and_clear();
                let _ = write!(stdout, "\x1b[?1049h\x1b[?25l");
                screen_open = true;
            }
            let screen = layout(&model.read(), &plan, &live_header, now(), Size::of_stdout(), out.color);
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
        let screen = layout(&model.read(), &plan, &header, now(), size, out.color);
        let _ = write!(stdout, "{screen}");
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
