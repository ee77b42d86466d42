//! Alert rules and the manager that evaluates them; `hmon alert` edits the rules in the config file.

pub mod edit;
pub mod manager;
pub mod rule;
pub mod silence;
