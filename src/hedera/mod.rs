//! What hmon takes from hiero-sdk and the consensus-node protocol: operator keys and node liveness probes.

pub mod keys;
pub mod probe;
