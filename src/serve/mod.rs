//! What `hmon serve` will expose over HTTP. For now only the Prometheus exposition of the pipeline's read model
//! ([`metrics`]); the daemon that serves it (listener, router, shutdown) comes next and mounts it at `/metrics`.

pub mod metrics;
