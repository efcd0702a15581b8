//! spotter's own telemetry: the describe hook and the recorder built from it ([`catalog`]), the
//! self-metric events of the data path ([`events`]), JSON documents components publish
//! ([`documents`]), and logging. The `/metrics` and health
//! endpoints are served by [`crate::extension::health_check`].

pub mod catalog;
pub mod documents;
pub mod events;
pub mod logging;

pub use catalog::{Catalog, Describe};
