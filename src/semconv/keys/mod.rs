//! Attribute keys of every agent instrumentation convention, one module per convention.
//!
//! Each constant names the source that defines it. Keys that several conventions share (for
//! example `session.id`, used by OpenInference, Langfuse and the OTel registry) live in the module
//! of the convention that defined them first, and are re-exported nowhere else: recognisers list
//! them explicitly in their precedence chains.

pub mod laminar;
pub mod langfuse;
pub mod openinference;
pub mod otel;
pub mod pydantic_ai;
pub mod spotter;
pub mod traceloop;
pub mod vendor;
