//! What the `session` processor remembers per trace and per session.

use std::sync::Arc;
use std::time::Instant;

use super::assemble::{hex, HeldSpan, TraceKey};
use crate::semconv::keys::otel;
use crate::semconv::{value, SpanRole, SpanView};
use crate::summary::{EndReason, SessionSummary};

/// One trace: its session (once known), its spans while held, its turn once released.
#[derive(Debug, Default)]
pub(super) struct TraceState {
    pub session: Option<Arc<str>>,
    /// Whether `session` came from the root span (which wins over child spans).
    pub session_from_root: bool,
    /// Earliest start seen (the root's start once the root is seen), Unix nanoseconds.
    pub start: u64,
    pub held: Vec<HeldSpan>,
    /// Oldest arrival among the held spans.
    pub received: Option<Instant>,
    /// When the held spans are due; `None` when nothing is held.
    pub deadline: Option<Instant>,
    /// Set once the trace's first spans were released; later spans pass at once.
    pub released: bool,
    pub turn: Option<u32>,
    pub end_marker: bool,
}

impl TraceState {
    /// Take what one arriving span says about its trace.
    pub fn observe(&mut self, session: Option<Arc<str>>, is_root: bool, start: u64) {
        if self.start == 0 || (start != 0 && start < self.start) {
            self.start = start;
        }
        if let Some(s) = session {
            if self.session.is_none() || (is_root && !self.session_from_root) {
                self.session = Some(s);
                self.session_from_root = is_root;
            }
        }
    }
}

/// One live session.
#[derive(Debug)]
pub(super) struct SessionState {
    pub id: Arc<str>,
    pub workflow: Option<String>,
    pub user: Option<String>,
    /// The resource's `service.name` of the latest span that had one.
    pub service: Option<String>,
    pub first_seen: u64,
    pub last_seen: u64,
    /// Turns numbered so far (the highest turn index).
    pub turns: u32,
    /// Start of the latest-starting turn numbered so far.
    pub max_turn_start: u64,
    pub spans: u64,
    pub llm_calls: u64,
    pub tool_calls: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub last_turn: u32,
    pub last_trace: Option<TraceKey>,
    pub last_root_span_id: Option<Vec<u8>>,
    pub last_active: Instant,
}

impl SessionState {
    pub fn new(id: Arc<str>, turns_before: u32, max_turn_start: u64, now: Instant) -> Self {
        SessionState {
            id,
            workflow: None,
            user: None,
            service: None,
            first_seen: 0,
            last_seen: 0,
            turns: turns_before,
            max_turn_start,
            spans: 0,
            llm_calls: 0,
            tool_calls: 0,
            input_tokens: 0,
            output_tokens: 0,
            last_turn: 0,
            last_trace: None,
            last_root_span_id: None,
            last_active: now,
        }
    }

    /// Number the next turn, which started at `start`. Returns the turn and whether it is out of
    /// start-time order (a later-starting turn already has a lower number).
    pub fn next_turn(&mut self, start: u64) -> (u32, bool) {
        self.turns += 1;
        let out_of_order = start < self.max_turn_start;
        self.max_turn_start = self.max_turn_start.max(start);
        (self.turns, out_of_order)
    }

    /// Count one released span of trace `trace`, turn `turn`.
    pub fn account(&mut self, view: &SpanView<'_>, trace: TraceKey, turn: u32, now: Instant) {
        let span = view.span();
        self.spans += 1;
        if let Some(service) = view
            .resource_value(otel::SERVICE_NAME)
            .and_then(value::as_str)
        {
            if self.service.as_deref() != Some(service) {
                self.service = Some(service.to_string());
            }
        }
        self.last_active = now;
        if span.start_time_unix_nano != 0
            && (self.first_seen == 0 || span.start_time_unix_nano < self.first_seen)
        {
            self.first_seen = span.start_time_unix_nano;
        }
        self.last_seen = self
            .last_seen
            .max(span.end_time_unix_nano)
            .max(span.start_time_unix_nano);
        match view.role() {
            SpanRole::Llm => self.llm_calls += 1,
            SpanRole::Tool => self.tool_calls += 1,
            _ => {}
        }
        let usage = view.usage();
        self.input_tokens += usage.input;
        self.output_tokens += usage.output;
        if turn > self.last_turn {
            self.last_turn = turn;
            self.last_trace = Some(trace);
            self.last_root_span_id = None;
        }
        if turn == self.last_turn && view.is_root() {
            self.last_root_span_id = Some(span.span_id.clone());
        }
    }

    pub fn summary(&self, reason: EndReason, default_workflow: &str) -> SessionSummary {
        SessionSummary {
            session_id: self.id.to_string(),
            workflow: self
                .workflow
                .clone()
                .unwrap_or_else(|| default_workflow.to_string()),
            user_id: self.user.clone(),
            service: self.service.clone(),
            first_seen_unix_nano: self.first_seen,
            last_seen_unix_nano: self.last_seen,
            turns: self.turns,
            spans: self.spans,
            llm_calls: self.llm_calls,
            tool_calls: self.tool_calls,
            input_tokens: self.input_tokens,
            output_tokens: self.output_tokens,
            end_reason: Some(reason),
            last_trace_id: self.last_trace.map(|t| hex(&t)),
            last_root_span_id: self.last_root_span_id.as_deref().map(hex),
            ..Default::default()
        }
    }
}
