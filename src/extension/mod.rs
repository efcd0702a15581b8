//! Extensions: capabilities the service provides to pipelines and operators, beside the data
//! path, each configured under `extensions:` or `service.telemetry` (the Collector's names).
//!
//! - [`health`]: liveness and readiness state; [`health_check`] serves it (and `/metrics`);
//! - [`memory_limiter`]: the memory guard, bytes in flight admitted at the receivers;
//! - [`file_storage`]: the write-ahead log every accepted request goes to first.
//!
//! Extensions know nothing of batches, processors or exporters; the pipeline's intake and the
//! receivers use them.

pub mod file_storage;
pub mod health;
pub mod health_check;
pub mod memory_limiter;
pub mod state_file;

pub use health::Health;

use crate::telemetry::Catalog;

/// The extensions' self-metrics.
pub fn describe(c: &mut Catalog) {
    memory_limiter::describe(c);
    file_storage::describe(c);
}
