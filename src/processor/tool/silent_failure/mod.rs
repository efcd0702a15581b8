//! `silent_failure`: a tool call failed, and the rest of its turn did not tell the user.
//!
//! A failure is a tool call whose outcome is in `outcomes` (default: every hard failure, and
//! `empty`, a tool that usually returns data returning none; `schema_mismatch` has its own
//! detector). It is **silent** when, in the same turn ([`turn::TurnFacts::verdict`]):
//! - the turn's final answer (its root span's output, else the last model output after the
//!   failure) does not convey it (the `acknowledgements` lexicon, in English, German, French,
//!   Spanish, Italian, Portuguese, Dutch, Polish, Russian, Swedish, Turkish, Indonesian, Chinese,
//!   Japanese and Korean: "sorry", "unable", "couldn't", "no results", "leider", "désolé",
//!   "no se pudo", "не удалось", "misslyckades", "bulunamadı", "tidak berhasil", "无法",
//!   "죄송"...), a word of admission inside a conditional clause ("if a payment ever fails",
//!   [`hypothetical`]) or an error noun under a negation ("没有错误", "keine Fehler",
//!   [`negated`]) not counting;
//! - no later call served the same request (the same tool with equivalent arguments, values
//!   equal once case, spaces and punctuation are set aside: [`request`]; or corrected arguments
//!   after a `bad_request`);
//! - no escalation tool (`escalation_tools`, matched on the words of the tool name: escalate,
//!   handoff, create_ticket, page_oncall...) was called.
//!
//! With no output after the failure at all there is nothing to judge, and no verdict.
//!
//! **When the verdict is given.** Batches arrive in arrival order, and the rest of a turn may
//! come later than the failed call. The processor keeps facts per (session, turn) and decides a
//! turn's failures when the first of these happens:
//! 1. the turn's root span arrives (it ends last: the turn is complete);
//! 2. a span of a later turn of the same session arrives;
//! 3. `verdict_wait` (default `30s`) passed since the failure arrived;
//! 4. the session's summary is enriched, or the pipeline shuts down.
//!
//! **What it holds.** Only failed tool spans whose turn is still open are held back, at most
//! `max_held_spans` (default 1000) of them and never longer than `verdict_wait`; everything else
//! passes at once. A held span leaves with its verdict. When the hold bound is reached, a failed
//! span passes unjudged and `spotter_silent_failure_released_unjudged_total` counts it; its
//! verdict still reaches the metric, the finding and, if it arrives in time, the root span.
//! A held span keeps the memory guard's admission tickets of the batch it came in until it
//! leaves.
//!
//! **What it writes.** A silent failure's tool span gets `spotter.tool.silent_failure = true`.
//! The `spotter.silent_failure` event (tool, outcome, detail) goes on the turn's root (agent)
//! span when the verdict was given on its arrival, and otherwise on the tool span.
//! `spotter_silent_failures_total{workflow,tool}` counts them, and the session gets a
//! `silent_failure` finding.
//!
//! Options: `outcomes`, `acknowledgements` (regular expressions, case-insensitive),
//! `escalation_tools` (regular expressions), `verdict_wait`, `max_held_spans`, `max_turns`
//! (default 10000 open turns), `max_sessions` (default 10000), `max_tool_labels` (default 64),
//! `max_workflow_labels` (default 32).

pub mod hypothetical;
pub mod negated;
pub mod request;
pub mod turn;

use std::collections::{HashMap, HashSet, VecDeque};
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lru::LruCache;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use serde::Deserialize;

use self::turn::{output_text, Failure, Lexicon, TurnFacts, Verdict};
use super::call::{edit_spans, outcome_of, parsed_result};
use super::classifier::{truncate, Classifier, Outcome};
use super::edit::{boolean, event, SpanEdit};
use super::findings::SessionFindings;
use super::labels::BoundedLabels;
use super::names;
use super::result::{span_key, SpanKey, ToolResultCache};
use super::tool_outcome::state_gauge;
use crate::config::{ConfigError, DurationStr};
use crate::pipeline::Ticket;
use crate::pipeline::{Batch, Payload};
use crate::processor::Processor;
use crate::semconv::keys::spotter as keys;
use crate::semconv::value;
use crate::semconv::{spans, SpanRole, SpanView};
use crate::summary::{Finding, SessionSummary};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub outcomes: Vec<Outcome>,
    pub acknowledgements: Vec<String>,
    pub escalation_tools: Vec<String>,
    pub verdict_wait: DurationStr,
    pub max_held_spans: usize,
    pub max_turns: usize,
    pub max_sessions: usize,
    pub max_tool_labels: usize,
    pub max_workflow_labels: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            outcomes: Outcome::ALL
                .into_iter()
                .filter(|o| o.is_hard_failure() || *o == Outcome::Empty)
                .collect(),
            acknowledgements: turn::DEFAULT_ACKNOWLEDGEMENTS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            escalation_tools: turn::DEFAULT_ESCALATION_TOOLS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            verdict_wait: DurationStr(Duration::from_secs(30)),
            max_held_spans: 1000,
            max_turns: 10_000,
            max_sessions: 10_000,
            max_tool_labels: 64,
            max_workflow_labels: 32,
        }
    }
}

type TurnKey = (String, u32);

struct TurnEntry {
    facts: TurnFacts,
    workflow: String,
}

/// A silent failure's verdict, waiting for its tool span.
#[derive(Debug, Clone)]
struct SilentMark {
    failure: Failure,
    /// The event goes on the tool span (the root span was not in hand).
    event_on_tool: bool,
}

struct Held {
    span_key: SpanKey,
    resource: Option<Resource>,
    scope: Option<InstrumentationScope>,
    schema_url: String,
    span: Span,
    received: Instant,
    deadline: Instant,
    /// Tickets split off the admission of the batch the span came in: the span's own bytes, and
    /// the batch's write-ahead log records, which stay until the span is delivered.
    tickets: Vec<Arc<Ticket>>,
}

pub struct SilentFailureProcessor {
    id: String,
    outcomes: Vec<Outcome>,
    wait: Duration,
    max_held: usize,
    lexicon: Lexicon,
    classifier: Classifier,
    turns: LruCache<TurnKey, TurnEntry>,
    latest_turn: LruCache<String, u32>,
    /// Turns with undecided failures, by the time they must be decided (arrival order).
    deadlines: VecDeque<(Instant, TurnKey)>,
    /// Verdicts for failed spans not yet seen leaving: `Some` when silent.
    judged: LruCache<SpanKey, Option<SilentMark>>,
    held: VecDeque<Held>,
    tools: BoundedLabels,
    workflows: BoundedLabels,
    findings: SessionFindings,
}

fn nonzero(n: usize) -> NonZeroUsize {
    NonZeroUsize::new(n.max(1)).expect("non-zero")
}

impl SilentFailureProcessor {
    pub fn new(id: &str, config: Config, path: &str) -> Result<Self, ConfigError> {
        let lexicon = Lexicon::new(&config.acknowledgements, &config.escalation_tools)
            .map_err(|(key, msg)| ConfigError::invalid(format!("{path}.{key}"), msg))?;
        Ok(SilentFailureProcessor {
            id: id.to_string(),
            outcomes: config.outcomes,
            wait: config.verdict_wait.0,
            max_held: config.max_held_spans,
            lexicon,
            classifier: Classifier::default(),
            turns: LruCache::new(nonzero(config.max_turns)),
            latest_turn: LruCache::new(nonzero(config.max_sessions)),
            deadlines: VecDeque::new(),
            judged: LruCache::new(nonzero(config.max_turns)),
            held: VecDeque::new(),
            tools: BoundedLabels::new(config.max_tool_labels),
            workflows: BoundedLabels::new(config.max_workflow_labels),
            findings: SessionFindings::new(config.max_sessions),
        })
    }

    /// Record what one span shows. Returns the span's turn key when it is a failure that must
    /// wait for its verdict.
    fn observe(
        &mut self,
        view: &SpanView<'_>,
        cache: &mut ToolResultCache,
        now: Instant,
        roots: &mut HashSet<TurnKey>,
    ) {
        let Some(session) = view.session_id() else {
            return;
        };
        let turn = view.turn().unwrap_or(0);
        let key: TurnKey = (session.into_owned(), turn);
        let latest = self.latest_turn.get_or_insert_mut(key.0.clone(), || turn);
        *latest = (*latest).max(turn);
        let workflow = view.workflow().unwrap_or("default");
        let entry = self.turns.get_or_insert_mut(key.clone(), || TurnEntry {
            facts: TurnFacts::default(),
            workflow: workflow.to_string(),
        });
        let start = view.span().start_time_unix_nano;
        if view.is_root() {
            let ack = view
                .output_messages()
                .map(|o| output_text(&o))
                .filter(|t| !t.trim().is_empty())
                .map(|t| self.lexicon.acknowledges(&t));
            entry.facts.root = Some(ack);
            roots.insert(key.clone());
        }
        match view.role() {
            SpanRole::Tool => {
                let Some(call) = view.tool() else { return };
                let parsed = parsed_result(view, &call, cache);
                let (outcome, verdict) = outcome_of(view, parsed.as_deref(), &self.classifier);
                let request = request::request_key(&call.name, call.arguments.as_deref());
                if self.outcomes.contains(&outcome) {
                    let detail = verdict
                        .and_then(|v| v.detail)
                        .or_else(|| view.status_message().map(str::to_string));
                    if entry.facts.failures.is_empty() {
                        self.deadlines.push_back((now + self.wait, key.clone()));
                    }
                    // A failure arriving after its turn was decided reopens it.
                    entry.facts.decided = false;
                    entry.facts.add_failure(Failure {
                        span: span_key(view.trace_id(), view.span_id()),
                        tool: call.name.to_string(),
                        request,
                        outcome: outcome.as_str(),
                        detail,
                        start,
                    });
                } else if !outcome.is_hard_failure() {
                    entry.facts.add_success(&call.name, request, start);
                }
                if self.lexicon.is_escalation(&call.name) {
                    entry.facts.add_escalation(start);
                }
            }
            SpanRole::Llm | SpanRole::Agent if !view.is_root() => {
                if let Some(text) = view
                    .output_messages()
                    .map(|o| output_text(&o))
                    .filter(|t| !t.trim().is_empty())
                {
                    let ack = self.lexicon.acknowledges(&text);
                    entry.facts.add_output(start, ack);
                }
            }
            _ => {}
        }
    }

    /// Give the verdicts of one turn. `root_in_hand`: the root span is in the batch being
    /// processed, so the event can go on it.
    fn decide(&mut self, key: &TurnKey, root_in_hand: bool) -> Vec<Failure> {
        let Some(entry) = self.turns.get_mut(key) else {
            return Vec::new();
        };
        if entry.facts.decided {
            return Vec::new();
        }
        entry.facts.decided = true;
        let workflow = entry.workflow.clone();
        let mut silent = Vec::new();
        let failures = std::mem::take(&mut entry.facts.failures);
        for f in &failures {
            let verdict = entry.facts.verdict(f);
            if verdict == Verdict::Silent {
                silent.push(f.clone());
            }
            let mark = (verdict == Verdict::Silent).then(|| SilentMark {
                failure: f.clone(),
                event_on_tool: !root_in_hand,
            });
            self.judged.push(f.span, mark);
        }
        for f in &silent {
            metrics::counter!(names::SILENT_FAILURES_TOTAL,
                "workflow" => self.workflows.label(&workflow),
                "tool" => self.tools.label(&f.tool))
            .increment(1);
            self.findings.add(
                &key.0,
                Finding {
                    kind: names::FINDING_SILENT_FAILURE.to_string(),
                    first_turn: key.1,
                    tool: Some(f.tool.clone()),
                    detail: format!(
                        "{} failed ({}{}) and the turn's answer did not say so",
                        f.tool,
                        f.outcome,
                        f.detail
                            .as_deref()
                            .map(|d| format!(": {}", truncate(d, 120)))
                            .unwrap_or_default()
                    ),
                },
            );
        }
        silent
    }

    /// Decide every open turn of `session` before `below` (or all of them).
    fn decide_session(&mut self, session: &str, below: Option<u32>) {
        let Some(latest) = self.latest_turn.peek(session).copied() else {
            return;
        };
        let end = below.unwrap_or(latest + 1);
        for t in 0..end {
            let key = (session.to_string(), t);
            if self.turns.peek(&key).is_some_and(|e| !e.facts.decided) {
                self.decide(&key, false);
            }
        }
    }

    fn release_due(&mut self, now: Instant, out: &mut Vec<Batch>) {
        let mut keep = VecDeque::with_capacity(self.held.len());
        let mut released = Vec::new();
        while let Some(h) = self.held.pop_front() {
            let judged = self.judged.contains(&h.span_key);
            if judged || h.deadline <= now {
                released.push(h);
            } else {
                keep.push_back(h);
            }
        }
        self.held = keep;
        for mut h in released {
            let tickets = std::mem::take(&mut h.tickets);
            match self.judged.pop(&h.span_key) {
                Some(Some(mark)) => mark_span(&mut h.span, &mark),
                Some(None) => {}
                None => metrics::counter!(names::SILENT_FAILURE_UNJUDGED_TOTAL).increment(1),
            }
            let mut batch = Batch::traces(
                ExportTraceServiceRequest {
                    resource_spans: vec![ResourceSpans {
                        resource: h.resource,
                        scope_spans: vec![ScopeSpans {
                            scope: h.scope,
                            spans: vec![h.span],
                            schema_url: h.schema_url,
                        }],
                        schema_url: String::new(),
                    }],
                },
                h.received,
            );
            batch.tickets = tickets;
            out.push(batch);
        }
    }

    /// Move failed spans of undecided turns out of the batch into the hold.
    fn hold(&mut self, batch: &mut Batch, to_hold: &HashMap<SpanKey, TurnKey>, now: Instant) {
        let received = batch.received;
        let tickets = batch.tickets.clone();
        let Payload::Traces(req) = batch.payload_mut() else {
            return;
        };
        for rs in req.resource_spans.iter_mut() {
            for ss in rs.scope_spans.iter_mut() {
                let spans = std::mem::take(&mut ss.spans);
                for span in spans {
                    let sk = span_key(&span.trace_id, &span.span_id);
                    match to_hold.get(&sk) {
                        Some(_) if self.held.len() < self.max_held => {
                            // The held span gets tickets of its own size: holding it must not
                            // keep its whole request's memory admitted for `verdict_wait`.
                            let bytes = crate::pipeline::footprint::of_span(&span);
                            let tickets = tickets
                                .iter()
                                .enumerate()
                                .map(|(i, t)| Arc::new(t.split_off(if i == 0 { bytes } else { 0 })))
                                .collect();
                            self.held.push_back(Held {
                                span_key: sk,
                                resource: rs.resource.clone(),
                                scope: ss.scope.clone(),
                                schema_url: ss.schema_url.clone(),
                                span,
                                received,
                                deadline: now + self.wait,
                                tickets,
                            });
                        }
                        Some(_) => {
                            metrics::counter!(names::SILENT_FAILURE_UNJUDGED_TOTAL).increment(1);
                            ss.spans.push(span);
                        }
                        None => ss.spans.push(span),
                    }
                }
            }
            rs.scope_spans.retain(|ss| !ss.spans.is_empty());
        }
        req.resource_spans.retain(|rs| !rs.scope_spans.is_empty());
    }
}

fn mark_span(span: &mut Span, mark: &SilentMark) {
    let mut edit = SpanEdit::default();
    edit.set(keys::TOOL_SILENT_FAILURE, boolean(true));
    if mark.event_on_tool {
        edit.events
            .push(silent_event(&mark.failure, span.end_time_unix_nano));
    }
    edit.apply(span);
}

fn silent_event(f: &Failure, time: u64) -> opentelemetry_proto::tonic::trace::v1::span::Event {
    let mut attrs = vec![
        (names::ATTR_TOOL, value::string(f.tool.clone())),
        (names::ATTR_OUTCOME, value::string(f.outcome)),
    ];
    if let Some(d) = &f.detail {
        attrs.push((names::ATTR_ERROR_DETAIL, value::string(truncate(d, 256))));
    }
    event(names::EVENT_SILENT_FAILURE, time, attrs)
}

impl Processor for SilentFailureProcessor {
    fn id(&self) -> &str {
        &self.id
    }

    fn process(&mut self, mut batch: Batch, now: Instant, out: &mut Vec<Batch>) {
        let mut roots: HashSet<TurnKey> = HashSet::new();
        let mut touched: Vec<TurnKey> = Vec::new();
        let (payload, caches) = batch.parts_mut();
        if let Payload::Traces(req) = payload {
            let tool_results = caches.get_or_default::<ToolResultCache>();
            for view in spans(req) {
                self.observe(&view, tool_results, now, &mut roots);
                if let (Some(s), t) = (view.session_id(), view.turn().unwrap_or(0)) {
                    let key = (s.into_owned(), t);
                    if !touched.contains(&key) {
                        touched.push(key);
                    }
                }
            }
        }
        // Decide turns that are complete: their root arrived, or a later turn began.
        let mut silent: Vec<(TurnKey, Vec<Failure>)> = Vec::new();
        let mut sessions: Vec<String> = touched.iter().map(|(s, _)| s.clone()).collect();
        sessions.dedup();
        for s in &sessions {
            if let Some(latest) = self.latest_turn.peek(s).copied() {
                self.decide_session(s, Some(latest));
            }
        }
        for key in &touched {
            let root_seen = self.turns.peek(key).is_some_and(|e| e.facts.root.is_some());
            if root_seen {
                let list = self.decide(key, roots.contains(key));
                if !list.is_empty() && roots.contains(key) {
                    silent.push((key.clone(), list));
                }
            }
        }
        // Stamp spans in hand; put events on roots in hand.
        let root_events: HashMap<TurnKey, Vec<Failure>> = silent.into_iter().collect();
        let judged = &mut self.judged;
        edit_spans(&mut batch, |view, _cache| {
            let sk = span_key(view.trace_id(), view.span_id());
            let mut edit = SpanEdit::default();
            if let Some(mark) = judged.peek(&sk).cloned() {
                judged.pop(&sk);
                if let Some(mark) = mark {
                    edit.set(keys::TOOL_SILENT_FAILURE, boolean(true));
                    if mark.event_on_tool {
                        edit.events
                            .push(silent_event(&mark.failure, view.span().end_time_unix_nano));
                    }
                }
            }
            if view.is_root() {
                let key = (view.session_id()?.into_owned(), view.turn().unwrap_or(0));
                for f in root_events.get(&key).into_iter().flatten() {
                    edit.events
                        .push(silent_event(f, view.span().end_time_unix_nano));
                }
            }
            (!edit.is_empty()).then_some(edit)
        });
        // Hold failed spans whose turn is still open.
        let mut to_hold: HashMap<SpanKey, TurnKey> = HashMap::new();
        for key in &touched {
            if let Some(entry) = self.turns.peek(key) {
                if !entry.facts.decided {
                    for f in &entry.facts.failures {
                        to_hold.insert(f.span, key.clone());
                    }
                }
            }
        }
        if !to_hold.is_empty() {
            self.hold(&mut batch, &to_hold, now);
        }
        if !batch.is_empty() {
            out.push(batch);
        }
        self.release_due(now, out);
        state_gauge("silent_failure", "turns", self.turns.len());
        state_gauge("silent_failure", "held_spans", self.held.len());
    }

    fn next_deadline(&self) -> Option<Instant> {
        let held = self.held.front().map(|h| h.deadline);
        let turn = self.deadlines.front().map(|(d, _)| *d);
        match (held, turn) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn on_tick(&mut self, now: Instant, out: &mut Vec<Batch>) {
        while self.deadlines.front().is_some_and(|(d, _)| *d <= now) {
            let (_, key) = self.deadlines.pop_front().expect("front exists");
            self.decide(&key, false);
        }
        self.release_due(now, out);
    }

    fn shutdown(&mut self, out: &mut Vec<Batch>) {
        while let Some((_, key)) = self.deadlines.pop_front() {
            self.decide(&key, false);
        }
        let far = Instant::now() + Duration::from_secs(365 * 86_400);
        self.release_due(far, out);
    }

    fn enrich_summary(&mut self, summary: &mut SessionSummary) {
        self.decide_session(&summary.session_id.clone(), None);
        self.findings.enrich(summary);
    }
}

#[cfg(test)]
mod tests;
