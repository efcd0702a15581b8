//! Names and histogram buckets of the agent metrics (the `cost`, `outcome` and `agent_metrics`
//! processors), in one place.
//!
//! The Prometheus recorder renders a histogram as buckets only when it is told the buckets for
//! that metric; [`HISTOGRAM_BUCKETS`] lists them, and [`describe`] hands them to the catalog the
//! recorder is built from.

// Sessions, recorded when a session ends.
pub const SESSIONS_TOTAL: &str = "spotter_sessions_total";
pub const SESSION_FAILURES_TOTAL: &str = "spotter_session_failures_total";
pub const SESSION_COST_USD: &str = "spotter_session_cost_usd";
pub const SESSION_DURATION_SECONDS: &str = "spotter_session_duration_seconds";
pub const SESSION_TURNS: &str = "spotter_session_turns";
pub const SESSION_TOOL_CALLS: &str = "spotter_session_tool_calls";
pub const SESSION_LLM_CALLS: &str = "spotter_session_llm_calls";
pub const TURN_DURATION_SECONDS: &str = "spotter_turn_duration_seconds";
pub const TOOL_CALLS_PER_SESSION: &str = "spotter_tool_calls_per_session";

// Model calls, recorded per leaf LLM span.
pub const LLM_CALL_DURATION_SECONDS: &str = "spotter_llm_call_duration_seconds";
pub const LLM_TOKENS_TOTAL: &str = "spotter_llm_tokens_total";
/// Cost per priced call; its `_sum` is the running cost in USD (the `metrics` crate's counters
/// hold integers, so a fractional USD total is a histogram sum).
pub const LLM_COST_USD: &str = "spotter_llm_cost_usd";

// The cost processor.
pub const COST_UNPRICED_SPANS_TOTAL: &str = "spotter_cost_unpriced_spans_total";
pub const CONTEXT_UTILIZATION_RATIO: &str = "spotter_context_utilization_ratio";
pub const CONTEXT_SATURATED_TOTAL: &str = "spotter_context_saturated_total";
pub const CONTEXT_TRUNCATION_SUSPECTED_TOTAL: &str = "spotter_context_truncation_suspected_total";

// Per-session state kept by the agent processors.
pub const AGENT_STATE_EVICTIONS_TOTAL: &str = "spotter_agent_state_evictions_total";

const USD: &[f64] = &[
    0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    25.0,
];
const CALL_USD: &[f64] = &[
    0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0,
];
const SESSION_SECONDS: &[f64] = &[
    1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0, 7200.0, 14400.0,
];
const TURN_SECONDS: &[f64] = &[
    0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0,
];
const CALL_SECONDS: &[f64] = &[0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0, 120.0];
const TURNS: &[f64] = &[1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0, 32.0, 64.0];
const CALLS: &[f64] = &[
    0.0, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 34.0, 55.0, 89.0, 144.0,
];
const CALLS_OF_ONE_TOOL: &[f64] = &[1.0, 2.0, 3.0, 4.0, 5.0, 7.0, 10.0, 15.0, 20.0, 30.0, 50.0];
const RATIO: &[f64] = &[
    0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0,
];

/// Every histogram of the agent metrics with its buckets.
pub const HISTOGRAM_BUCKETS: &[(&str, &[f64])] = &[
    (SESSION_COST_USD, USD),
    (SESSION_DURATION_SECONDS, SESSION_SECONDS),
    (SESSION_TURNS, TURNS),
    (SESSION_TOOL_CALLS, CALLS),
    (SESSION_LLM_CALLS, CALLS),
    (TURN_DURATION_SECONDS, TURN_SECONDS),
    (TOOL_CALLS_PER_SESSION, CALLS_OF_ONE_TOOL),
    (LLM_CALL_DURATION_SECONDS, CALL_SECONDS),
    (LLM_COST_USD, CALL_USD),
    (CONTEXT_UTILIZATION_RATIO, RATIO),
];

/// Every agent metric (HELP text and unit) and the agent histograms' buckets.
pub fn describe(c: &mut crate::telemetry::Catalog) {
    use metrics::Unit;
    c.counter(
        SESSIONS_TOTAL,
        "Finished agent sessions by workflow and outcome.",
    );
    c.counter(
        SESSION_FAILURES_TOTAL,
        "Failed agent sessions by workflow and failure reason (a session may have several).",
    );
    c.histogram(SESSION_COST_USD, "Cost of one session in USD.");
    c.histogram(
        SESSION_DURATION_SECONDS,
        "Wall time from a session's first span to its last.",
    )
    .unit(Unit::Seconds);
    c.histogram(SESSION_TURNS, "Turns of one session.");
    c.histogram(SESSION_TOOL_CALLS, "Tool calls of one session.");
    c.histogram(SESSION_LLM_CALLS, "Model calls of one session.");
    c.histogram(
        TURN_DURATION_SECONDS,
        "Latency of one turn, by the length of the session it belongs to.",
    )
    .unit(Unit::Seconds);
    c.histogram(
        TOOL_CALLS_PER_SESSION,
        "Calls of one tool within one session.",
    );
    c.histogram(LLM_CALL_DURATION_SECONDS, "Duration of one model call.")
        .unit(Unit::Seconds);
    c.counter(LLM_TOKENS_TOTAL, "Tokens of model calls by type (input includes cached_input and cache_write; output includes reasoning).");
    c.histogram(
        LLM_COST_USD,
        "Cost of one priced model call in USD; _sum is the total cost.",
    );
    c.counter(
        COST_UNPRICED_SPANS_TOTAL,
        "Model calls whose model has no price in the pricing table.",
    );
    c.histogram(
        CONTEXT_UTILIZATION_RATIO,
        "Input tokens of a model call divided by the model's context window.",
    );
    c.counter(
        CONTEXT_SATURATED_TOTAL,
        "Model calls above the context saturation threshold.",
    );
    c.counter(CONTEXT_TRUNCATION_SUSPECTED_TOTAL, "Model calls whose input stopped growing near the context window while the session went on.");
    c.counter(
        AGENT_STATE_EVICTIONS_TOTAL,
        "Per-session state dropped by an agent processor because its session cap was reached.",
    );
    for (name, buckets) in HISTOGRAM_BUCKETS {
        c.buckets(name, buckets);
    }
}
