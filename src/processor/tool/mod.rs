//! Tool-call intelligence: outcome classes, silent failures, auth rot, schema drift and loops.
//!
//! Five processors read tool calls through [`crate::semconv::SpanView`] (name, arguments and the
//! **full** result, whatever the convention) and write what they find in three places: span
//! attributes (`spotter.*`, keys in [`crate::semconv::keys::spotter`]), span events on the span
//! where the finding occurred, and bounded Prometheus metrics ([`names`]). Each also adds its
//! findings to the session's [`crate::summary::SessionSummary`] in `enrich_summary`.
//!
//! Recommended order, after `session` (which stamps session, turn, workflow and role):
//! `schema_drift`, `tool_outcome`, `auth_rot`, `silent_failure`, `tool_loop`.
//! - `schema_drift` before `tool_outcome` lets the outcome be `schema_mismatch` from the start
//!   (it leaves `spotter.tool.schema.missing` on the span). If it runs after, it rewrites an
//!   `ok` outcome attribute to `schema_mismatch` itself, but `spotter_tool_calls_total` has
//!   already counted the call as `ok`.
//! - The later processors read the outcome `tool_outcome` wrote; without it they classify with
//!   the built-in rules, so each processor also works alone.
//!
//! ```yaml
//! processors:
//!   session: { wait: 2s }
//!   schema_drift: { state_file: /var/lib/spotter/schemas.json }
//!   tool_outcome: {}
//!   auth_rot: {}
//!   silent_failure: {}
//!   loop: {}
//! service:
//!   pipelines:
//!     traces:
//!       processors: [session, schema_drift, tool_outcome, auth_rot, silent_failure, tool_loop, outcome, batch]
//! ```
//!
//! **Parse once.** A result is parsed by the first processor that needs it and kept in the
//! batch's caches (a [`result::ToolResultCache`] in `Batch::caches`); the others reuse the parse.
//!
//! **Holding.** Only `silent_failure` holds spans: a failed tool span waits (bounded in count
//! and time) for its turn's verdict; see [`silent_failure`]. The others never hold anything.

pub mod auth_rot;
pub mod call;
pub mod classifier;
pub mod edit;
pub mod findings;
pub mod labels;
pub mod names;
pub mod result;
pub mod schema;
pub mod schema_drift;
pub mod silent_failure;
pub mod tabular;
/// Span builders for tests of the tool processors (unit and integration).
pub mod testing;
pub mod tool_loop;
pub mod tool_outcome;
