//! Integration tests: the real listeners and the built binary, driven over loopback sockets.
//!
//! - `fixtures`: every captured payload is accepted and forwarded unchanged;
//! - `bad_input`: malformed, mistyped, oversized and bomb payloads get the right status;
//! - `delivery`: downstream outages are retried to exactly-once arrival, and a full queue pushes
//!   back on clients without dropping accepted data;
//! - `lifecycle`: the binary's SIGTERM drain, SIGHUP reload, `validate` and `healthcheck`;
//! - `metrics`: /metrics parses and matches what was sent;
//! - `failure_modes`: a failure mode's lifecycle over 30 days of event time, SIGKILL included.

mod bad_input;
mod delivery;
mod durability;
mod failure_modes;
mod fixtures;
mod harness;
mod lifecycle;
mod memory;
mod metrics;
mod passthrough;
mod security;
mod sessions;
mod sink;
