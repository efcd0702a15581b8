//! `session`: groups spans into agent sessions and stamps the canonical agent model on every
//! span.
//!
//! For every span it writes:
//! - `session.id` (the trace's session), plus `gen_ai.conversation.id` when absent;
//! - `spotter.session.turn`: the 1-based turn, one turn being one root trace of the session,
//!   numbered by the trace's start time (several top-level agent invocations inside one trace
//!   are steps of one turn);
//! - `spotter.workflow`: from the workflow rules, decided once per session;
//! - `spotter.span.role` ([`crate::semconv::SpanRole`]);
//! - `user.id` when absent and the session's user is known.
//!
//! **Sessions.** A trace's session is the first session id any of its spans carries (through
//! [`crate::semconv::SpanView::session_id`], then the `session_from` keys), the root span's
//! winning over its children's. Spans of a trace are held for `wait` after the trace's first span
//! arrived (the Collector's groupbytrace model), so a parent exported later or in another
//! request can supply the session, and the session's turns can be put in start order. When the
//! wait is over, a trace with no session gets its trace id as session (`fallback: trace_id`) or
//! none (`fallback: none`); those spans are counted in
//! `spotter_session_spans_without_session_total`. Once a trace is released, its later spans pass
//! at once with the same session and turn.
//!
//! **Only spans waiting for their session are held.** A trace of a live session whose turns
//! are already numbered passes at once as soon as its session is known, when it starts after
//! the session's latest numbered turn and no other trace of the session is held: nothing that
//! arrived before it can belong before it. A session's first traces and traces that start
//! earlier than a numbered turn still wait, so the guarantee below holds as before.
//!
//! **Turn order guarantee.** Turns are numbered when a trace is released, and a released turn is
//! never renumbered. Releasing a trace first releases every held trace of the same session that
//! started earlier. So, *within the wait window of a session's first trace*: if every trace of
//! a session shows its session id before the wait of any later-starting trace of that session
//! runs out (for instance, when all of a session's spans arrive within one `wait` of each other,
//! in any order and batching), turns are numbered 1..n by start time. Later, turns are numbered
//! as their traces pass (see above); a trace that starts before a turn already numbered gets the
//! next free number and is counted in `spotter_session_turns_out_of_order_total`.
//!
//! **Lifecycle.** Sessions live in a bounded LRU (`max_sessions`). A session ends after
//! `inactivity_timeout` without spans, when a span carries `spotter.session.end = true`, when
//! evicted by a newer session, or on shutdown; each end yields a
//! [`crate::summary::SessionSummary`] through `poll_summaries`. A session that comes back after it
//! ended continues its turn numbering (a bounded memory of ended sessions is kept).
//!
//! Options:
//! - `wait` (default `2s`): hold time per trace; `0s` releases at once (turns in arrival order);
//! - `session_from` (default none): extra attribute keys naming the session;
//! - `fallback` (default `trace_id`): `trace_id` or `none`;
//! - `inactivity_timeout` (default `5m`);
//! - `max_sessions` (default 10000), `max_traces` (default 100000), `max_held_spans` (default
//!   200000): bounds; reaching `max_traces` or `max_held_spans` releases the oldest traces early;
//! - `workflow.default` (default `default`) and `workflow.rules`: a list of
//!   `{attribute: KEY | root_span_name: true, matches: REGEX, name: NAME}`, first match wins;
//!   `name` may use `$1` captures and defaults to the value. Without rules, the built-in rules
//!   read `langfuse.trace.name`, `gen_ai.workflow.name`, `traceloop.workflow.name`,
//!   `ai.telemetry.functionId`, the agent name, then the resource's `service.name`.
//!
//! ```yaml
//! processors:
//!   session:
//!     wait: 2s
//!     inactivity_timeout: 5m
//!     workflow:
//!       default: support
//!       rules:
//!         - { attribute: gen_ai.agent.name, matches: "^Shop", name: shop }
//!         - { root_span_name: true, matches: "^invoke_agent (.+)$", name: "$1" }
//! ```
//! Log records pass through untouched.

mod assemble;
mod config;
mod metrics;
mod state;
#[cfg(test)]
mod tests;

pub use metrics::describe;

use std::collections::{HashMap, VecDeque};
use std::mem;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Instant;

use lru::LruCache;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::Span;

pub use self::config::{Config, Fallback, RuleConfig, WorkflowConfig};
pub use self::metrics::*;

use self::assemble::{hex, trace_key, Assembler, HeldSpan, Origin, TraceKey};
use self::config::Resolved;
use self::state::{SessionState, TraceState};
use super::Processor;
use crate::config::ConfigError;
use crate::pipeline::Batch;
use crate::semconv::keys::{otel, spotter};
use crate::semconv::{value, SpanView};
use crate::summary::{EndReason, SessionSummary};

/// Counters the processor keeps for itself (the same events also go to the metrics).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub sessions_started: u64,
    pub sessions_ended: u64,
    pub sessions_evicted: u64,
    pub spans_without_session: u64,
    pub turns_out_of_order: u64,
    pub traces_released_early: u64,
    pub summaries_dropped: u64,
    /// Sessions and traces forgotten because resident memory passed the memory limit.
    pub sessions_shed: u64,
    pub traces_shed: u64,
}

/// Under memory pressure, the share of sessions and traces shed at a time (oldest first), and
/// how often.
const SHED_DIVISOR: usize = 8;
const SHED_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

pub struct SessionProcessor {
    id: String,
    cfg: Resolved,
    traces: LruCache<TraceKey, TraceState>,
    sessions: LruCache<Arc<str>, SessionState>,
    /// Ended sessions: turns numbered and latest turn start, so a returning session continues.
    ended: LruCache<Arc<str>, (u32, u64)>,
    /// Held traces whose session is known, per session.
    held_by_session: HashMap<Arc<str>, Vec<TraceKey>>,
    /// Held traces by due time (monotonic, since `wait` is fixed); stale entries are skipped.
    deadlines: VecDeque<(Instant, TraceKey)>,
    held_spans: usize,
    summaries: VecDeque<SessionSummary>,
    max_pending_summaries: usize,
    stats: Stats,
    last_shed: Option<Instant>,
}

/// What the release of one trace stamps on its spans.
struct Stamp<'s> {
    session: Option<&'s str>,
    turn: Option<u32>,
    workflow: Option<&'s str>,
    user: Option<&'s str>,
}

impl SessionProcessor {
    pub fn new(id: &str, config: Config, path: &str) -> Result<Self, ConfigError> {
        let cfg = config.resolve(path)?;
        let cap = |n: usize| NonZeroUsize::new(n).expect("validated to be at least 1");
        Ok(SessionProcessor {
            id: id.to_string(),
            traces: LruCache::new(cap(cfg.max_traces)),
            sessions: LruCache::new(cap(cfg.max_sessions)),
            ended: LruCache::new(cap(cfg.max_sessions)),
            held_by_session: HashMap::new(),
            deadlines: VecDeque::new(),
            held_spans: 0,
            summaries: VecDeque::new(),
            max_pending_summaries: cfg.max_sessions.max(1024),
            stats: Stats::default(),
            last_shed: None,
            cfg,
        })
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Sessions currently tracked.
    pub fn live_sessions(&self) -> usize {
        self.sessions.len()
    }

    /// Spans currently held back.
    pub fn held_spans(&self) -> usize {
        self.held_spans
    }

    /// Traces currently remembered.
    pub fn tracked_traces(&self) -> usize {
        self.traces.len()
    }

    fn span_session(&self, view: &SpanView<'_>) -> Option<Arc<str>> {
        if let Some(s) = view.session_id() {
            return Some(Arc::from(s.as_ref()));
        }
        self.cfg
            .session_from
            .iter()
            .find_map(|k| view.value(k).and_then(value::as_text))
            .map(|s| Arc::from(s.as_ref()))
    }

    /// Take one arriving span: stamp and pass it if its trace was released, else hold it.
    fn intake(
        &mut self,
        origin: &Arc<Origin>,
        span: Span,
        received: Instant,
        now: Instant,
        immediate: &mut Assembler,
        touched: &mut Vec<TraceKey>,
    ) {
        let key = trace_key(&span.trace_id);
        let view = SpanView::new(origin.resource.as_ref(), &span);
        let session = self.span_session(&view);
        let is_root = view.is_root();
        let end_marker = view.is_session_end();
        let start = span.start_time_unix_nano;

        if !self.traces.contains(&key) {
            if let Some((old_key, old)) = self.traces.push(key, TraceState::default()) {
                if old_key != key && old.deadline.is_some() {
                    // The trace cap pushed out a held trace: put it back at the front of the
                    // line (still remembered) and release it now.
                    self.stats.traces_released_early += 1;
                    metrics::trace_released_early(&self.id);
                    self.release_evicted(old_key, old, now, immediate);
                }
            }
        }
        let state = self.traces.get_mut(&key).expect("just inserted");
        if state.released {
            let (session, turn) = (state.session.clone(), state.turn);
            self.release_span(
                key,
                session.clone(),
                turn,
                origin,
                span,
                received,
                now,
                immediate,
            );
            if let (true, Some(s)) = (end_marker, session) {
                self.end_session(&s, EndReason::EndMarker);
            }
            return;
        }
        let newly_known = state.session.is_none() && session.is_some();
        state.observe(session, is_root, start);
        state.end_marker |= end_marker;
        state.received = Some(state.received.map_or(received, |r| r.min(received)));
        state.held.push(HeldSpan {
            origin: Arc::clone(origin),
            span,
        });
        self.held_spans += 1;
        if state.deadline.is_none() {
            let due = now + self.cfg.wait;
            state.deadline = Some(due);
            self.deadlines.push_back((due, key));
        }
        if newly_known {
            if let Some(s) = state.session.clone() {
                self.held_by_session.entry(s).or_default().push(key);
            }
        }
        if self.can_number_now(key) {
            self.release_one(key, now, immediate);
            return;
        }
        touched.push(key);
    }

    /// Whether a held trace can be released at once: its session is known and live, it starts
    /// after every turn numbered so far, and no other trace of the session is held. Then no
    /// trace that arrived before it can take a turn after it, and waiting would only add latency;
    /// a session's first trace always waits, since its start order is not known yet.
    fn can_number_now(&self, key: TraceKey) -> bool {
        let Some(state) = self.traces.peek(&key) else {
            return false;
        };
        let Some(session) = &state.session else {
            return false;
        };
        let Some(live) = self.sessions.peek(session) else {
            return false;
        };
        let alone = self
            .held_by_session
            .get(session)
            .is_none_or(|held| held.iter().all(|k| *k == key));
        live.turns > 0 && state.start >= live.max_turn_start && alone
    }

    /// Release a held trace the trace cap pushed out of the map. Its later spans, if any, start
    /// a new trace entry.
    fn release_evicted(
        &mut self,
        key: TraceKey,
        mut state: TraceState,
        now: Instant,
        out: &mut Assembler,
    ) {
        if let Some(taken) = Taken::from_state(&mut state) {
            self.number_and_release(key, taken, now, out);
        }
    }

    /// Release a held trace, after any held trace of the same session that started earlier.
    fn release_trace(&mut self, key: TraceKey, now: Instant, out: &mut Assembler) {
        let Some(state) = self.traces.peek(&key) else {
            return;
        };
        if state.deadline.is_none() {
            return;
        }
        if let Some(session) = state.session.clone() {
            let start = state.start;
            let mut earlier: Vec<(u64, TraceKey)> = self
                .held_by_session
                .get(&session)
                .into_iter()
                .flatten()
                .filter(|k| **k != key)
                .filter_map(|k| {
                    let t = self.traces.peek(k)?;
                    (t.deadline.is_some() && t.start <= start).then_some((t.start, *k))
                })
                .collect();
            earlier.sort_unstable();
            for (_, k) in earlier {
                self.release_one(k, now, out);
            }
        }
        self.release_one(key, now, out);
    }

    fn release_one(&mut self, key: TraceKey, now: Instant, out: &mut Assembler) {
        let Some(taken) = self.traces.peek_mut(&key).and_then(Taken::from_state) else {
            return;
        };
        let (session, turn) = self.number_and_release(key, taken, now, out);
        if let Some(state) = self.traces.peek_mut(&key) {
            state.session = session;
            state.turn = turn;
        }
    }

    /// Decide the session and turn of a trace leaving the hold, stamp and count its spans.
    fn number_and_release(
        &mut self,
        key: TraceKey,
        taken: Taken,
        now: Instant,
        out: &mut Assembler,
    ) -> (Option<Arc<str>>, Option<u32>) {
        let Taken {
            held,
            received,
            start,
            end_marker,
            mut session,
        } = taken;
        self.held_spans -= held.len();
        if let Some(s) = &session {
            if let Some(list) = self.held_by_session.get_mut(s) {
                list.retain(|k| *k != key);
                if list.is_empty() {
                    self.held_by_session.remove(s);
                }
            }
        } else {
            self.stats.spans_without_session += held.len() as u64;
            metrics::spans_without_session(&self.id, held.len() as u64);
            if self.cfg.fallback == Fallback::TraceId {
                session = Some(Arc::from(hex(&key)));
            }
        }

        let mut turn = None;
        if let Some(s) = &session {
            self.ensure_session(s, now);
            let sess = self.sessions.get_mut(s).expect("just ensured");
            let (t, out_of_order) = sess.next_turn(start);
            turn = Some(t);
            if out_of_order {
                self.stats.turns_out_of_order += 1;
                metrics::turn_out_of_order(&self.id);
            }
            if sess.workflow.is_none() {
                sess.workflow = Some(decide_workflow(&self.cfg, &held));
            }
            if sess.user.is_none() {
                sess.user = decide_user(&held);
            }
        }
        let received = received.unwrap_or(now);
        for h in held {
            self.release_span(
                key,
                session.clone(),
                turn,
                &h.origin,
                h.span,
                received,
                now,
                out,
            );
        }
        if end_marker {
            if let Some(s) = &session {
                self.end_session(s, EndReason::EndMarker);
            }
        }
        (session, turn)
    }

    /// Stamp one span of a released trace, count it in its session, and queue it for output.
    #[allow(clippy::too_many_arguments)]
    fn release_span(
        &mut self,
        key: TraceKey,
        session: Option<Arc<str>>,
        turn: Option<u32>,
        origin: &Arc<Origin>,
        mut span: Span,
        received: Instant,
        now: Instant,
        out: &mut Assembler,
    ) {
        let resource = origin.resource.as_ref();
        match (&session, turn) {
            (Some(s), Some(t)) => {
                self.ensure_session(s, now);
                let sess = self.sessions.get_mut(s).expect("just ensured");
                // A late span of a released trace may also be the first sight of a later turn
                // after a restart; keep the count of turns at least this one.
                sess.turns = sess.turns.max(t);
                let stamp = Stamp {
                    session: Some(s),
                    turn: Some(t),
                    workflow: Some(
                        sess.workflow
                            .as_deref()
                            .unwrap_or(self.cfg.default_workflow.as_str()),
                    ),
                    user: sess.user.as_deref(),
                };
                stamp_span(&mut span, resource, &stamp);
                sess.account(&SpanView::new(resource, &span), key, t, now);
            }
            _ => {
                let stamp = Stamp {
                    session: None,
                    turn: None,
                    workflow: None,
                    user: None,
                };
                stamp_span(&mut span, resource, &stamp);
            }
        }
        out.push(origin, span, received);
    }

    /// Make sure `id` has live state, starting (and maybe evicting) as needed.
    fn ensure_session(&mut self, id: &Arc<str>, now: Instant) {
        if self.sessions.contains(id) {
            return;
        }
        let (turns, max_start) = self.ended.pop(id).unwrap_or((0, 0));
        let fresh = SessionState::new(Arc::clone(id), turns, max_start, now);
        self.stats.sessions_started += 1;
        metrics::session_started(&self.id);
        if let Some((old_id, old)) = self.sessions.push(Arc::clone(id), fresh) {
            if old_id != *id {
                self.finish(old, EndReason::Evicted);
            }
        }
    }

    fn end_session(&mut self, id: &Arc<str>, reason: EndReason) {
        if let Some(state) = self.sessions.pop(id) {
            self.finish(state, reason);
        }
    }

    fn finish(&mut self, state: SessionState, reason: EndReason) {
        self.stats.sessions_ended += 1;
        if reason == EndReason::Evicted {
            self.stats.sessions_evicted += 1;
        }
        metrics::session_ended(&self.id, reason);
        self.ended
            .put(Arc::clone(&state.id), (state.turns, state.max_turn_start));
        if self.summaries.len() >= self.max_pending_summaries {
            self.summaries.pop_front();
            self.stats.summaries_dropped += 1;
            metrics::summary_dropped(&self.id);
        }
        self.summaries
            .push_back(state.summary(reason, &self.cfg.default_workflow));
    }

    /// Release traces whose wait is over, and the oldest ones beyond `max_held_spans`.
    fn release_due(&mut self, now: Instant, out: &mut Assembler) {
        while let Some(&(due, key)) = self.deadlines.front() {
            let live = self
                .traces
                .peek(&key)
                .is_some_and(|t| t.deadline == Some(due));
            if !live {
                self.deadlines.pop_front();
                continue;
            }
            let over_cap = self.held_spans > self.cfg.max_held_spans;
            if due > now && !over_cap {
                break;
            }
            if due > now {
                self.stats.traces_released_early += 1;
                metrics::trace_released_early(&self.id);
            }
            self.deadlines.pop_front();
            self.release_trace(key, now, out);
        }
    }

    fn expire_sessions(&mut self, now: Instant) {
        while let Some((_, s)) = self.sessions.peek_lru() {
            if s.last_active + self.cfg.inactivity_timeout > now {
                break;
            }
            let (_, state) = self.sessions.pop_lru().expect("peeked");
            self.finish(state, EndReason::Inactivity);
        }
    }

    /// Resident memory is past the limit: release the oldest eighth of the traces (held ones go
    /// on now, later spans of forgotten ones start a new turn) and end the oldest eighth of the
    /// sessions (their summaries go out as evicted). Counted, never silent.
    fn shed(&mut self, now: Instant, out: &mut Assembler) {
        if !crate::extension::memory_limiter::under_pressure()
            || self.last_shed.is_some_and(|t| now < t + SHED_EVERY)
        {
            return;
        }
        self.last_shed = Some(now);
        let traces = self.traces.len().div_ceil(SHED_DIVISOR);
        for _ in 0..traces {
            let Some((key, state)) = self.traces.pop_lru() else {
                break;
            };
            if state.deadline.is_some() {
                self.stats.traces_released_early += 1;
                metrics::trace_released_early(&self.id);
            }
            self.release_evicted(key, state, now, out);
        }
        let sessions = self.sessions.len().div_ceil(SHED_DIVISOR);
        for _ in 0..sessions {
            let Some((_, state)) = self.sessions.pop_lru() else {
                break;
            };
            self.finish(state, EndReason::Evicted);
        }
        self.stats.traces_shed += traces as u64;
        self.stats.sessions_shed += sessions as u64;
        metrics::shed(&self.id, sessions, traces);
    }

    fn after(&mut self, now: Instant, out: &mut Assembler) {
        self.shed(now, out);
        self.release_due(now, out);
        self.expire_sessions(now);
        metrics::gauges(&self.id, self.sessions.len(), self.held_spans);
    }
}

/// What leaves the hold when a trace is released.
struct Taken {
    held: Vec<HeldSpan>,
    received: Option<Instant>,
    start: u64,
    end_marker: bool,
    session: Option<Arc<str>>,
}

impl Taken {
    /// Mark a held trace released and take its spans; `None` if it holds nothing.
    fn from_state(state: &mut TraceState) -> Option<Taken> {
        state.deadline.take()?;
        state.released = true;
        Some(Taken {
            held: mem::take(&mut state.held),
            received: state.received.take(),
            start: state.start,
            end_marker: state.end_marker,
            session: state.session.clone(),
        })
    }
}

/// The workflow of a session, from the first rule that matches any span of its first trace
/// (root span first).
fn decide_workflow(cfg: &Resolved, held: &[HeldSpan]) -> String {
    let views: Vec<SpanView<'_>> = roots_first(held);
    for rule in &cfg.rules {
        for view in &views {
            if let Some(name) = rule.read(view).and_then(|v| rule.apply(v)) {
                return name;
            }
        }
    }
    cfg.default_workflow.clone()
}

fn decide_user(held: &[HeldSpan]) -> Option<String> {
    roots_first(held)
        .iter()
        .find_map(|v| v.user_id().map(|u| u.into_owned()))
}

fn roots_first(held: &[HeldSpan]) -> Vec<SpanView<'_>> {
    let mut views: Vec<SpanView<'_>> = held
        .iter()
        .map(|h| SpanView::new(h.origin.resource.as_ref(), &h.span))
        .collect();
    views.sort_by_key(|v| !v.is_root());
    views
}

/// Write the canonical attributes on one span.
fn stamp_span(span: &mut Span, resource: Option<&Resource>, stamp: &Stamp<'_>) {
    let role = SpanView::new(resource, span).role();
    let attrs: &mut Vec<KeyValue> = &mut span.attributes;
    // Room for exactly what may be added: pushing past a decoded span's full capacity would
    // double it, about 1 KiB more per span (58 MiB of 239 MiB in use at the agent benchmark's
    // peak, uncounted by the memory guard).
    let added = 1
        + 2 * usize::from(stamp.session.is_some())
        + usize::from(stamp.turn.is_some())
        + usize::from(stamp.workflow.is_some())
        + usize::from(stamp.user.is_some());
    attrs.reserve_exact(added);
    if let Some(s) = stamp.session {
        value::upsert(attrs, spotter::SESSION_ID, value::string(s));
        value::insert(attrs, otel::GEN_AI_CONVERSATION_ID, value::string(s));
    }
    if let Some(t) = stamp.turn {
        value::upsert(attrs, spotter::SESSION_TURN, value::int(i64::from(t)));
    }
    if let Some(w) = stamp.workflow {
        value::upsert(attrs, spotter::WORKFLOW, value::string(w));
    }
    value::upsert(attrs, spotter::SPAN_ROLE, value::string(role.as_str()));
    if let Some(u) = stamp.user {
        value::insert(attrs, spotter::USER_ID, value::string(u));
    }
}

impl Processor for SessionProcessor {
    fn id(&self) -> &str {
        &self.id
    }

    fn process(&mut self, mut batch: Batch, now: Instant, out: &mut Vec<Batch>) {
        let received = batch.received;
        let tickets = std::mem::take(&mut batch.tickets);
        let Some(req) = batch.traces_mut() else {
            batch.tickets = tickets;
            out.push(batch);
            return;
        };
        let req = mem::take(req);
        let mut immediate = Assembler::default();
        let mut released = Assembler::default();
        let mut touched = Vec::new();
        for rs in req.resource_spans {
            for ss in rs.scope_spans {
                let origin = Arc::new(Origin {
                    resource: rs.resource.clone(),
                    resource_schema_url: rs.schema_url.clone(),
                    scope: ss.scope,
                    scope_schema_url: ss.schema_url,
                    tickets: tickets.clone(),
                });
                for span in ss.spans {
                    self.intake(&origin, span, received, now, &mut immediate, &mut touched);
                }
            }
        }
        if self.cfg.wait.is_zero() {
            touched.sort_unstable();
            touched.dedup();
            let mut by_start: Vec<(u64, TraceKey)> = touched
                .into_iter()
                .filter_map(|k| self.traces.peek(&k).map(|t| (t.start, k)))
                .collect();
            by_start.sort_unstable();
            for (_, k) in by_start {
                self.release_trace(k, now, &mut released);
            }
        }
        self.after(now, &mut released);
        out.extend(immediate.finish());
        out.extend(released.finish());
    }

    fn next_deadline(&self) -> Option<Instant> {
        let held = self.deadlines.front().map(|(d, _)| *d);
        let idle = self
            .sessions
            .peek_lru()
            .map(|(_, s)| s.last_active + self.cfg.inactivity_timeout);
        match (held, idle) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn on_tick(&mut self, now: Instant, out: &mut Vec<Batch>) {
        let mut released = Assembler::default();
        self.after(now, &mut released);
        out.extend(released.finish());
    }

    fn shutdown(&mut self, out: &mut Vec<Batch>) {
        let now = Instant::now();
        let mut released = Assembler::default();
        while let Some((_, key)) = self.deadlines.pop_front() {
            self.release_trace(key, now, &mut released);
        }
        out.extend(released.finish());
        while let Some((_, state)) = self.sessions.pop_lru() {
            self.finish(state, EndReason::Shutdown);
        }
        metrics::gauges(&self.id, 0, self.held_spans);
    }

    fn poll_summaries(&mut self, _now: Instant, out: &mut Vec<SessionSummary>) {
        out.extend(self.summaries.drain(..));
    }
}
