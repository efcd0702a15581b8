//! spotter's own telemetry: self-metric names and events, the Prometheus and health listeners,
//! and logging.

pub mod events;
pub mod health;
pub mod logging;
pub mod server;

pub use health::Health;
