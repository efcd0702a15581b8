//! Metric names, span event names, event attribute keys and finding kinds of the tool
//! processors, in one place. Span attribute keys live in [`crate::semconv::keys::spotter`].

// --- metrics ----------------------------------------------------------------------------------

/// Counter `{workflow, tool, outcome}`.
pub const TOOL_CALLS_TOTAL: &str = "spotter_tool_calls_total";
/// Histogram `{workflow, tool}`, seconds from span start to end.
pub const TOOL_CALL_DURATION_SECONDS: &str = "spotter_tool_call_duration_seconds";
/// Counter `{workflow, tool}`.
pub const SILENT_FAILURES_TOTAL: &str = "spotter_silent_failures_total";
/// Counter: failed tool spans released before their turn's verdict (hold bound or timeout).
pub const SILENT_FAILURE_UNJUDGED_TOTAL: &str = "spotter_silent_failure_released_unjudged_total";
/// Gauge `{tool}`: 1 while the tool's credentials rot, 0 after recovery.
pub const AUTH_ROT: &str = "spotter_tool_auth_rot";
/// Counter `{tool}`: auth failures of tool calls.
pub const AUTH_FAILURES_TOTAL: &str = "spotter_tool_auth_failures_total";
/// Counter `{tool, kind}`: auth rot detections (`mid_session`, `fleet`).
pub const AUTH_ROT_DETECTIONS_TOTAL: &str = "spotter_tool_auth_rot_detections_total";
/// Counter `{tool, change}` (`removed`, `renamed`, `type_changed`, `added`).
pub const SCHEMA_DRIFT_TOTAL: &str = "spotter_tool_schema_drift_total";
/// Counter `{error}` (`read`, `corrupt`, `write`): schema state file problems.
pub const SCHEMA_STATE_ERRORS_TOTAL: &str = "spotter_tool_schema_state_errors_total";
/// Gauge: tools with a learned schema.
pub const SCHEMA_TOOLS: &str = "spotter_tool_schema_tools";
/// Gauge `{processor, state}`: entries in a tool processor's bounded state (LRU caches, held
/// spans), so every bound is visible.
pub const STATE_ENTRIES: &str = "spotter_tool_state_entries";
/// Counter `{workflow, tool, kind}` (`repeat`, `excess`).
pub const TOOL_LOOPS_TOTAL: &str = "spotter_tool_loops_total";

/// HELP text for the tool processors' metrics (rendered only for metrics that were emitted).
pub fn describe(c: &mut crate::telemetry::Catalog) {
    use metrics::Unit;
    c.counter(
        TOOL_CALLS_TOTAL,
        "Tool calls, by workflow, tool and outcome class.",
    );
    c.histogram(
        TOOL_CALL_DURATION_SECONDS,
        "Tool call duration from span start to end, by workflow and tool.",
    )
    .unit(Unit::Seconds);
    c.counter(
        SILENT_FAILURES_TOTAL,
        "Failed tool calls the agent went on from as if they had succeeded, by workflow and tool.",
    );
    c.counter(
        SILENT_FAILURE_UNJUDGED_TOTAL,
        "Failed tool spans released before their turn's verdict (hold bound or wait timeout).",
    );
    c.gauge(
        AUTH_ROT,
        "1 while a tool's credentials are rotting, 0 after recovery.",
    );
    c.counter(
        AUTH_FAILURES_TOTAL,
        "Tool calls that failed authentication, by tool.",
    );
    c.counter(
        AUTH_ROT_DETECTIONS_TOTAL,
        "Authentication rot detected, by tool and kind (mid_session, fleet).",
    );
    c.counter(SCHEMA_DRIFT_TOTAL, "Confirmed changes of a tool's response shape, by tool and change (removed, renamed, type_changed, added).");
    c.counter(
        SCHEMA_STATE_ERRORS_TOTAL,
        "Problems with the schema state file, by error (read, corrupt, write).",
    );
    c.gauge(SCHEMA_TOOLS, "Tools with a learned response schema.");
    c.gauge(
        STATE_ENTRIES,
        "Entries in a tool processor's bounded state (caches, held spans), by processor and state.",
    );
    c.counter(
        TOOL_LOOPS_TOTAL,
        "Tool loops detected, by workflow, tool and kind (repeat, excess).",
    );
}

// --- span events --------------------------------------------------------------------------------

pub const EVENT_SCHEMA_DRIFT: &str = "spotter.tool.schema_drift";
pub const EVENT_SCHEMA_FIELDS_ADDED: &str = "spotter.tool.schema_fields_added";
pub const EVENT_AUTH_ROT: &str = "spotter.auth_rot";
pub const EVENT_SILENT_FAILURE: &str = "spotter.silent_failure";
pub const EVENT_LOOP: &str = "spotter.loop";

// --- event attributes ---------------------------------------------------------------------------

pub const ATTR_TOOL: &str = "spotter.tool.name";
pub const ATTR_DIFF: &str = "spotter.schema.diff";
pub const ATTR_CHANGES: &str = "spotter.schema.changes";
pub const ATTR_FIRST_SERVICE_VERSION: &str = "spotter.schema.first_service_version";
pub const ATTR_FIRST_ENVIRONMENT: &str = "spotter.schema.first_deployment_environment";
pub const ATTR_FIRST_FAILURE_TIME: &str = "first_failure_time";
pub const ATTR_LAST_SUCCESS_TIME: &str = "last_success_time";
pub const ATTR_ROT_KIND: &str = "spotter.auth_rot.kind";
pub const ATTR_ERROR_DETAIL: &str = "spotter.tool.error_detail";
pub const ATTR_OUTCOME: &str = "spotter.tool.outcome";
pub const ATTR_REPEATS: &str = "spotter.loop.repeats";
pub const ATTR_LOOP_KIND: &str = "spotter.loop.kind";
pub const ATTR_TURN: &str = "spotter.session.turn";

// --- finding kinds ------------------------------------------------------------------------------

pub const FINDING_AUTH_ROT: &str = "auth_rot";
pub const FINDING_SCHEMA_DRIFT: &str = "schema_drift";
pub const FINDING_SILENT_FAILURE: &str = "silent_failure";
pub const FINDING_TOOL_LOOP: &str = "tool_loop";
