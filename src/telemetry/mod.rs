//! spotter's own telemetry: the describe hook and the recorder built from it ([`catalog`]), the
//! self-metric events of the data path ([`events`]), and logging. The `/metrics` and health
//! endpoints are served by [`crate::extension::health_check`].

pub mod catalog;
pub mod events;
pub mod logging;

pub use catalog::{Catalog, Describe};
