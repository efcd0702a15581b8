//! Metric names, span keys and the failure kinds of the `failure_modes` processor.

pub const SESSIONS_TOTAL: &str = "spotter_failure_mode_sessions_total";
pub const MODES: &str = "spotter_failure_modes";
pub const EVAL_COVERAGE_RATIO: &str = "spotter_eval_coverage_ratio";
pub const EVICTED_TOTAL: &str = "spotter_failure_modes_evicted_total";
pub const STATE_ERRORS_TOTAL: &str = "spotter_failure_modes_state_errors_total";

/// The fingerprint of the most specific finding on a span (12 hex digits).
pub const ATTR_FINGERPRINT: &str = "spotter.failure.fingerprint";
/// The readable name of that finding's mode (the annotated name when there is one).
pub const ATTR_MODE: &str = "spotter.failure.mode";
/// Every fingerprint of the span, when it has more than one finding.
pub const ATTR_FINGERPRINTS: &str = "spotter.failure.fingerprints";
/// Set to true on a span whose failure modes are all marked ignored.
pub const ATTR_IGNORED: &str = "spotter.failure.ignored";
/// On the session summary: how much a session deserves a human look, 0..1.
pub const ATTR_REVIEW_PRIORITY: &str = "spotter.review.priority";

pub use crate::failure::kind::*;

/// The span attribute the goal detector sets (`spotter.goal_not_met`).
pub const GOAL_NOT_MET: &str = "spotter.goal_not_met";

pub fn describe(c: &mut crate::telemetry::Catalog) {
    c.counter(
        SESSIONS_TOTAL,
        "Sessions that had a failure mode, by kind, tool and mode (fingerprint; capped, the rest under other).",
    );
    c.gauge(MODES, "Failure modes in the registry, by state.");
    c.gauge(
        EVAL_COVERAGE_RATIO,
        "Share of active failure modes (not resolved, not ignored) with at least one eval.",
    );
    c.counter(
        EVICTED_TOTAL,
        "Failure modes evicted from the bounded registry (least recently seen first).",
    );
    c.counter(
        STATE_ERRORS_TOTAL,
        "Problems with the failure-mode state, annotations or manifest files, by error.",
    );
}
