//! Pipelines: the batch type, the intake receivers submit to, the engine that runs processors
//! and fans out to exporters, and the service that builds it all from config and drains it.

pub mod admission;
mod engine;
pub mod footprint;
mod intake;
mod payload;
pub mod service;
pub mod testing;
pub mod wal;

pub use admission::{MemoryGuard, Ticket};
pub use engine::stopped;
pub use intake::{Intake, SubmitError, RETRY_AFTER};
pub use payload::{Batch, Payload, Signal};
pub use service::{BoundAddrs, Service, StartError};
