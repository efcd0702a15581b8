//! Pipelines: the batch type, the graph built from config, and the runner that drives
//! processors and fans batches out to exporters.

mod batch;
pub mod testing;

pub use batch::{Batch, Payload, Signal};
