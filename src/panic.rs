//! Panics inside third-party code that hmon calls on purpose (the SDK's transaction building): caught and turned
//! into an error instead of the process-wide "a bug in hmon" exit.
//!
//! The panic hook runs before unwinding, so it must know that the panic is expected: [`shield`] marks the thread
//! for the duration of the call, and the hook stays silent there.

use std::cell::Cell;

thread_local!(static SHIELDED: Cell<u32> = const { Cell::new(0) });

/// Whether the current thread is inside [`shield`].
pub fn shielded() -> bool {
    SHIELDED.with(|depth| depth.get() > 0)
}

struct Enter;

impl Enter {
    fn new() -> Enter {
        SHIELDED.with(|depth| depth.set(depth.get() + 1));
        Enter
    }
}

impl Drop for Enter {
    fn drop(&mut self) {
        SHIELDED.with(|depth| depth.set(depth.get().saturating_sub(1)));
    }
}

/// Runs `f`, returning its panic's message as an error.
pub fn shield<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    let _inside = Enter::new();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shielded_panic_is_an_error_and_the_mark_goes_with_it() {
        let caught = shield(|| -> u32 { panic!("deep in a library") });
        assert_eq!(caught, Err("deep in a library".to_string()));
        assert!(!shielded());
        assert_eq!(shield(|| 7), Ok(7));
    }
}
