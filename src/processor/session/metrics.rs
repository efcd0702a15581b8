//! The `session` processor's self-metrics: names in one place, one function per event.
//!
//! Every metric carries the processor id as `processor`, so two session processors in two
//! pipelines stay apart. Label sets are bounded (`reason` has four values).

use metrics::{counter, gauge};

use crate::summary::EndReason;

/// Sessions currently tracked.
pub const SESSIONS_LIVE: &str = "spotter_sessions_live";
/// Sessions started.
pub const SESSIONS_STARTED: &str = "spotter_sessions_started_total";
/// Sessions ended, by `reason` (`inactivity`, `end_marker`, `evicted`, `shutdown`).
pub const SESSIONS_ENDED: &str = "spotter_sessions_ended_total";
/// Sessions ended because the session cap was reached.
pub const SESSIONS_EVICTED: &str = "spotter_sessions_evicted_total";
/// Spans held back waiting for their trace's session or turn order.
pub const SPANS_HELD: &str = "spotter_session_spans_held";
/// Spans released before their trace's session was known (fallback or none).
pub const SPANS_WITHOUT_SESSION: &str = "spotter_session_spans_without_session_total";
/// Traces whose turn was numbered after a later-starting turn (arrived beyond the wait).
pub const TURNS_OUT_OF_ORDER: &str = "spotter_session_turns_out_of_order_total";
/// Traces released before their wait was over, because a bound was reached.
pub const TRACES_RELEASED_EARLY: &str = "spotter_session_traces_released_early_total";
/// Summaries dropped because nobody polled them.
pub const SUMMARIES_DROPPED: &str = "spotter_session_summaries_dropped_total";

/// HELP text for the session processor's metrics (rendered only for metrics that were emitted).
pub fn describe(c: &mut crate::telemetry::Catalog) {
    c.gauge(
        SESSIONS_LIVE,
        "Sessions the session processor is tracking now.",
    );
    c.counter(SESSIONS_STARTED, "Sessions started.");
    c.counter(
        SESSIONS_ENDED,
        "Sessions ended, by reason (inactivity, end_marker, evicted, shutdown).",
    );
    c.counter(
        SESSIONS_EVICTED,
        "Sessions ended early because the session cap was reached.",
    );
    c.gauge(
        SPANS_HELD,
        "Spans held back waiting for their trace's session or turn order.",
    );
    c.counter(
        SPANS_WITHOUT_SESSION,
        "Spans released before their trace's session was known.",
    );
    c.counter(
        TURNS_OUT_OF_ORDER,
        "Traces numbered as a turn after a later-starting turn (arrived beyond the wait).",
    );
    c.counter(
        TRACES_RELEASED_EARLY,
        "Traces released before their wait was over because a bound was reached.",
    );
    c.counter(
        SUMMARIES_DROPPED,
        "Session summaries dropped because nobody polled them.",
    );
}

fn reason_label(reason: EndReason) -> &'static str {
    match reason {
        EndReason::Inactivity => "inactivity",
        EndReason::EndMarker => "end_marker",
        EndReason::Evicted => "evicted",
        EndReason::Shutdown => "shutdown",
    }
}

pub(super) fn session_started(processor: &str) {
    counter!(SESSIONS_STARTED, "processor" => processor.to_string()).increment(1);
}

pub(super) fn session_ended(processor: &str, reason: EndReason) {
    counter!(SESSIONS_ENDED, "processor" => processor.to_string(), "reason" => reason_label(reason))
        .increment(1);
    if reason == EndReason::Evicted {
        counter!(SESSIONS_EVICTED, "processor" => processor.to_string()).increment(1);
    }
}

pub(super) fn gauges(processor: &str, live: usize, held_spans: usize) {
    gauge!(SESSIONS_LIVE, "processor" => processor.to_string()).set(live as f64);
    gauge!(SPANS_HELD, "processor" => processor.to_string()).set(held_spans as f64);
}

pub(super) fn spans_without_session(processor: &str, n: u64) {
    counter!(SPANS_WITHOUT_SESSION, "processor" => processor.to_string()).increment(n);
}

pub(super) fn turn_out_of_order(processor: &str) {
    counter!(TURNS_OUT_OF_ORDER, "processor" => processor.to_string()).increment(1);
}

pub(super) fn trace_released_early(processor: &str) {
    counter!(TRACES_RELEASED_EARLY, "processor" => processor.to_string()).increment(1);
}

pub(super) fn summary_dropped(processor: &str) {
    counter!(SUMMARIES_DROPPED, "processor" => processor.to_string()).increment(1);
}
