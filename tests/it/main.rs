//! Integration tests: the real listeners and the built binary, driven over loopback sockets.
//!
//! Test modules:
//! - `fixtures`: every captured payload is accepted and forwarded unchanged;
//! - `hostile`: reloads keep connections and roll back, slow/unfinished/idle clients are cut or
//!   refused within their limits, SIGTERM is bounded, and input hygiene (issue 15);
//! - `bad_input`: malformed, mistyped, oversized and bomb payloads get the right status;
//! - `delivery`: downstream outages are retried to exactly-once arrival, and a full queue pushes
//!   back on clients without dropping accepted data;
//! - `durability`: the write-ahead log keeps acknowledged spans across SIGKILL and restarts, and
//!   a full log pushes back;
//! - `lifecycle`: the binary's SIGTERM drain, SIGHUP reload, `validate` and `healthcheck`;
//! - `memory`: the memory guard refuses a burst with 429s and keeps the process in its budget;
//! - `failure_modes`: a failure mode's lifecycle over 30 days of event time, SIGKILL included;
//! - `metrics`: /metrics parses and matches what was sent;
//! - `passthrough`: an unchanging pipeline forwards the bytes it received, unknown fields too;
//! - `security`: bearer-token authentication on both protocols, and TLS;
//! - `sessions`: the session processor stamps every span through the real listeners;
//! - `genai_events`: GenAI log events joined to their spans give the verdicts span attributes
//!   give, in either arrival order, within a bounded wait;
//! - `goal_judge`: the goal processor's optional judge against a fake OpenAI-compatible server
//!   (verdict, garbage, 500, hang, no server): verdicts stamped, spans always delivered.
//!
//! Support modules: `harness` starts spotter (in-process or the built binary) and talks to it;
//! `sink` is a downstream OTLP/gRPC receiver that records what spotter forwards.

mod bad_input;
mod delivery;
mod durability;
mod failure_modes;
mod fixtures;
mod genai_events;
mod goal_judge;
mod harness;
mod hostile;
mod lifecycle;
mod memory;
mod metrics;
mod passthrough;
mod security;
mod sessions;
mod sink;
