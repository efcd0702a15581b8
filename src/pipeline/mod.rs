//! Pipelines' core: the batch type and its per-batch caches, and the intake receivers submit to.
//! The engine that runs processors and fans out to exporters, and the service that builds it all
//! from config and drains it, live in [`crate::service`].

mod caches;
pub mod footprint;
mod intake;
mod payload;
mod streamed;
pub mod testing;

pub use crate::extension::memory_limiter::{MemoryGuard, Ticket};
pub use crate::listener::stopped;
pub use caches::Caches;
pub use intake::{Intake, SubmitError, RETRY_AFTER};
pub use payload::{Batch, Payload, Signal};
