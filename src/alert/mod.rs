//! Alert rules, their silences and the manager that evaluates them; `hmon alert` edits the rules in the config
//! file and the silences in the store.

pub mod edit;
pub mod manager;
pub mod rule;
pub mod silence;
mod state;
pub mod stored;
