//! `tool_loop`: repetition without progress. The kind's former name `loop` is still accepted in
//! config.
//!
//! - **Repeats** ([`turn`] has the rules): the same tool with equivalent arguments
//!   ([`repetition::fingerprint`]: key order, whitespace, letter case and number formatting do
//!   not matter, nor the keys in `ignore_argument_keys`) returning the same result or the same
//!   failure `repeats` times within a turn (`scope: turn`, the default) or the session
//!   (`scope: session`), with no different answer after; rephrasings of one request returning the
//!   same barren answer count together; ping-pong between two tools is two such requests.
//!   Polling whose results change, paging with a cursor and retries that end in success made
//!   progress and are not loops. Because progress may come later in the turn, the verdict is
//!   given when the turn is complete (its root span arrived, a later turn began, or the session
//!   ended), or early once `repeats + 2` identical answers leave no doubt.
//! - **Excess**: a turn with at least `excess_min_calls` calls that repeated an earlier answer
//!   or failed, more than `excess_factor` times its workflow's usual count per turn, once the
//!   workflow has a baseline of `excess_baseline_turns` finished turns.
//!
//! The calls of the loop that are in hand and every later span of the session get
//! `spotter.loop = true`; the turn's root span (or the last loop call) gets a `spotter.loop`
//! event (tool, repeats or calls, kind), and `spotter_tool_loops_total{workflow,tool,kind}`
//! counts the detection. The session gets a `tool_loop` finding.
//!
//! Options: `repeats` (default 3), `scope` (`turn` or `session`), `ignore_argument_keys`
//! (default `request_id`, `requestId`, `nonce`, `timestamp`, `idempotency_key`),
//! `excess_factor` (default 4.0), `excess_min_calls` (default 10), `excess_baseline_turns`
//! (default 20), `max_sessions` (default 10000), `max_workflows` (default 256),
//! `max_tool_labels` (default 64), `max_workflow_labels` (default 32).

pub mod answer;
pub mod repetition;
pub mod turn;

use std::num::NonZeroUsize;
use std::time::Instant;

use lru::LruCache;
use serde::Deserialize;

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use self::answer::answer_fingerprint;
use self::repetition::{argument_members, fingerprint, TurnBaseline};
use self::turn::{stems, CallRec, LoopFound, TurnCalls};
use super::call::{edit_spans, outcome_of, parsed_result};
use super::classifier::Classifier;
use super::edit::{boolean, event, SpanEdit};
use super::findings::SessionFindings;
use super::labels::BoundedLabels;
use super::names;
use super::tool_outcome::state_gauge;
use crate::config::ConfigError;
use crate::pipeline::{Batch, Payload};
use crate::processor::Processor;
use crate::semconv::keys::spotter as keys;
use crate::semconv::value;
use crate::semconv::{spans, SpanView};
use crate::summary::{Finding, SessionSummary};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    #[default]
    Turn,
    Session,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub repeats: u32,
    pub scope: Scope,
    pub ignore_argument_keys: Vec<String>,
    pub excess_factor: f64,
    pub excess_min_calls: u32,
    pub excess_baseline_turns: u32,
    pub max_sessions: usize,
    pub max_workflows: usize,
    pub max_tool_labels: usize,
    pub max_workflow_labels: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            repeats: 3,
            scope: Scope::Turn,
            ignore_argument_keys: [
                "request_id",
                "requestId",
                "nonce",
                "timestamp",
                "idempotency_key",
            ]
            .map(String::from)
            .to_vec(),
            excess_factor: 4.0,
            excess_min_calls: 10,
            excess_baseline_turns: 20,
            max_sessions: 10_000,
            max_workflows: 256,
            max_tool_labels: 64,
            max_workflow_labels: 32,
        }
    }
}

/// A loop decided, waiting to be stamped on the spans of its calls.
struct Decided {
    tool: String,
    kind: &'static str,
    count: u32,
    /// (turn, start) of the calls in the loop.
    calls: Vec<(u32, u64)>,
    turn: u32,
    /// Spans of the session from here on are part of the loop.
    since: (u32, u64),
    /// The event is still to be written (on the root, else the last loop call in hand).
    event_pending: bool,
}

struct TurnEntry {
    calls: TurnCalls,
    root_seen: bool,
}

struct SessionState {
    workflow: String,
    /// Open turns by scope key (the turn, or 0 with `scope: session`).
    turns: BTreeMap<u32, TurnEntry>,
    latest: u32,
    /// Turns already added to the workflow baseline.
    counted_up_to: u32,
    looping: bool,
    decided: Option<Decided>,
}

pub struct LoopProcessor {
    id: String,
    config: Config,
    classifier: Classifier,
    sessions: LruCache<String, SessionState>,
    baselines: LruCache<String, TurnBaseline>,
    tools: BoundedLabels,
    workflows: BoundedLabels,
    findings: SessionFindings,
}

fn nonzero(n: usize) -> NonZeroUsize {
    NonZeroUsize::new(n.max(1)).expect("non-zero")
}

/// At most this many open turns per session.
const MAX_OPEN_TURNS: usize = 4;

impl LoopProcessor {
    pub fn new(id: &str, config: Config, path: &str) -> Result<Self, ConfigError> {
        if config.repeats < 2 {
            return Err(ConfigError::invalid(
                format!("{path}.repeats"),
                "must be at least 2",
            ));
        }
        if config.excess_factor <= 1.0 {
            return Err(ConfigError::invalid(
                format!("{path}.excess_factor"),
                "must be greater than 1",
            ));
        }
        Ok(LoopProcessor {
            id: id.to_string(),
            classifier: Classifier::default(),
            sessions: LruCache::new(nonzero(config.max_sessions)),
            baselines: LruCache::new(nonzero(config.max_workflows)),
            tools: BoundedLabels::new(config.max_tool_labels),
            workflows: BoundedLabels::new(config.max_workflow_labels),
            findings: SessionFindings::new(config.max_sessions),
            config,
        })
    }

    fn add_finished(&mut self, workflow: &str, finished: Vec<u32>) {
        if finished.is_empty() {
            return;
        }
        let b = self
            .baselines
            .get_or_insert_mut(workflow.to_string(), TurnBaseline::default);
        for calls in finished {
            b.add(calls);
        }
    }

    /// What loop detection keeps of one tool call.
    fn record(
        &self,
        view: &SpanView<'_>,
        cache: &mut crate::processor::tool::result::ToolResultCache,
    ) -> Option<CallRec> {
        let call = view.tool()?;
        let ignored = &self.config.ignore_argument_keys;
        let parsed = parsed_result(view, &call, cache);
        let (outcome, _) = outcome_of(view, parsed.as_deref(), &self.classifier);
        let args = call.arguments.as_deref();
        let answer = answer_fingerprint(
            &call.name,
            outcome,
            call.result
                .as_deref()
                .unwrap_or_else(|| view.status_message().unwrap_or("")),
        );
        let barren = !outcome.is_ok() || parsed.as_deref().is_some_and(|p| p.is_empty());
        Some(CallRec {
            start: view.span().start_time_unix_nano,
            tool: call.name.to_string(),
            request: fingerprint(&call.name, args, ignored),
            family: family(&call.name, args, ignored),
            stems: stems(&argument_text(args)),
            arguments: argument_members(args, ignored),
            answer,
            barren,
            result_len: call.result.as_deref().map_or(0, str::len),
        })
    }
}

enum Detection {
    Found(LoopFound),
    Excess(u32, f64),
}

impl Processor for LoopProcessor {
    fn id(&self) -> &str {
        &self.id
    }

    fn process(&mut self, mut batch: Batch, _now: Instant, out: &mut Vec<Batch>) {
        let per_session = self.config.scope == Scope::Session;
        // 1. Observe every span of the batch.
        let mut touched: Vec<String> = Vec::new();
        let mut roots: Vec<(String, u32)> = Vec::new();
        {
            let (payload, caches) = batch.parts_mut();
            if let Payload::Traces(req) = payload {
                let cache =
                    caches.get_or_default::<crate::processor::tool::result::ToolResultCache>();
                for view in spans(req) {
                    let Some(session) = view.session_id() else {
                        continue;
                    };
                    let turn = view.turn().unwrap_or(0);
                    let rec = self.record(&view, cache);
                    let workflow = view.workflow().unwrap_or("default").to_string();
                    let state =
                        self.sessions
                            .get_or_insert_mut(session.to_string(), || SessionState {
                                workflow: workflow.clone(),
                                turns: BTreeMap::new(),
                                latest: 0,
                                counted_up_to: 0,
                                looping: false,
                                decided: None,
                            });
                    state.latest = state.latest.max(turn);
                    let scope = if per_session { 0 } else { turn };
                    if !state.turns.contains_key(&scope) && state.turns.len() >= MAX_OPEN_TURNS {
                        state.turns.pop_first();
                    }
                    let entry = state.turns.entry(scope).or_insert_with(|| TurnEntry {
                        calls: TurnCalls::default(),
                        root_seen: false,
                    });
                    if view.is_root() {
                        entry.root_seen = true;
                        roots.push((session.to_string(), turn));
                    }
                    let mut detection = None;
                    if let Some(rec) = rec {
                        let repeated = entry.calls.add(rec);
                        if !state.looping {
                            if let Some(b) = self.baselines.peek(&state.workflow) {
                                if b.turns >= self.config.excess_baseline_turns
                                    && repeated >= self.config.excess_min_calls
                                    && f64::from(repeated) > self.config.excess_factor * b.mean
                                {
                                    detection = Some(Detection::Excess(repeated, b.mean));
                                }
                            }
                        }
                    }
                    if let Some(d) = detection {
                        let start = view.span().start_time_unix_nano;
                        self.detect(&session, turn, start, d);
                    }
                    if !touched.iter().any(|s| *s == *session) {
                        touched.push(session.into_owned());
                    }
                }
            }
        }
        // 2. Decide the turns that are complete, or beyond doubt.
        for session in &touched {
            self.decide_session(session, false);
        }
        // 3. Stamp the spans in hand.
        let sessions = &mut self.sessions;
        edit_spans(&mut batch, |view, _cache| {
            let session = view.session_id()?;
            let state = sessions.peek_mut(session.as_ref())?;
            if !state.looping {
                return None;
            }
            let mut edit = SpanEdit::default();
            let turn = view.turn().unwrap_or(0);
            let start = view.span().start_time_unix_nano;
            let decided = state.decided.as_mut()?;
            let in_loop = view.tool().is_some() && decided.calls.contains(&(turn, start));
            let root_of_turn = view.is_root() && turn == decided.turn;
            if !(in_loop || root_of_turn || (turn, start) >= decided.since) {
                return None;
            }
            edit.set(keys::LOOP, boolean(true));
            let root_in_hand = roots
                .iter()
                .any(|(s, t)| *s == *session && *t == decided.turn);
            let carries_event = decided.event_pending
                && if root_in_hand {
                    root_of_turn
                } else {
                    decided
                        .calls
                        .last()
                        .map_or((turn, start) == decided.since, |c| *c == (turn, start))
                };
            if carries_event {
                decided.event_pending = false;
                edit.events.push(event(
                    names::EVENT_LOOP,
                    view.span().end_time_unix_nano,
                    vec![
                        (names::ATTR_TOOL, value::string(decided.tool.clone())),
                        (names::ATTR_LOOP_KIND, value::string(decided.kind)),
                        (names::ATTR_REPEATS, value::int(i64::from(decided.count))),
                    ],
                ));
            }
            Some(edit)
        });
        state_gauge("tool_loop", "sessions", self.sessions.len());
        state_gauge("tool_loop", "workflows", self.baselines.len());
        out.push(batch);
    }

    fn enrich_summary(&mut self, summary: &mut SessionSummary) {
        self.decide_session(&summary.session_id, true);
        if let Some(state) = self.sessions.pop(&summary.session_id) {
            let finished: Vec<u32> = state
                .turns
                .iter()
                .filter(|(t, _)| **t > state.counted_up_to)
                .map(|(_, e)| e.calls.repeated)
                .collect();
            self.add_finished(&state.workflow, finished);
        }
        self.findings.enrich(summary);
    }
}

impl LoopProcessor {
    /// Decide the open turns of `session`: complete ones (a later turn began, or the root span
    /// arrived), ones beyond doubt, and all of them when the session `ended`.
    fn decide_session(&mut self, session: &str, ended: bool) {
        let repeats = self.config.repeats;
        let per_session = self.config.scope == Scope::Session;
        let Some(state) = self.sessions.peek_mut(session) else {
            return;
        };
        let latest = state.latest;
        let mut found: Option<(u32, LoopFound)> = None;
        let mut finished = Vec::new();
        for (turn, entry) in state.turns.iter_mut() {
            let complete = ended || entry.root_seen || (!per_session && *turn < latest);
            let verdict = if complete {
                entry.calls.verdict(repeats)
            } else {
                entry
                    .calls
                    .verdict(repeats + 2)
                    .filter(|f| f.kind == "repeat")
            };
            if let Some(f) = verdict.filter(|_| !entry.calls.found) {
                entry.calls.found = true;
                if found.is_none() {
                    found = Some((*turn, f));
                }
            }
            if !per_session && *turn < latest && *turn > state.counted_up_to {
                finished.push(entry.calls.repeated);
            }
        }
        if !per_session {
            state.counted_up_to = state.counted_up_to.max(latest.saturating_sub(1));
            state.turns.retain(|t, _| *t >= latest);
        }
        let workflow = state.workflow.clone();
        self.add_finished(&workflow, finished);
        if let Some((turn, f)) = found {
            let turn = if per_session {
                self.sessions.peek(session).map_or(turn, |s| s.latest)
            } else {
                turn
            };
            let start = f.starts.last().copied().unwrap_or(0);
            self.detect(session, turn, start, Detection::Found(f));
        }
    }

    fn detect(&mut self, session: &str, turn: u32, since: u64, d: Detection) {
        let Some(state) = self.sessions.peek_mut(session) else {
            return;
        };
        if state.looping {
            return;
        }
        let (tool, kind, count, detail, calls) = match d {
            Detection::Found(f) => {
                let what = if f.kind == "rephrase" {
                    "rephrased requests"
                } else {
                    "the same arguments"
                };
                (
                    f.tool.clone(),
                    f.kind,
                    f.repeats,
                    format!(
                        "{} called {} times with {what} and the same answer",
                        f.tool, f.repeats
                    ),
                    f.starts.iter().map(|s| (turn, *s)).collect(),
                )
            }
            Detection::Excess(n, mean) => (
                String::new(),
                "excess",
                n,
                format!("{n} unproductive tool calls in one turn, usually {mean:.1}"),
                Vec::new(),
            ),
        };
        state.looping = true;
        state.decided = Some(Decided {
            tool: tool.clone(),
            kind,
            count,
            calls,
            turn,
            since: (turn, since),
            event_pending: true,
        });
        let workflow = state.workflow.clone();
        metrics::counter!(names::TOOL_LOOPS_TOTAL,
            "workflow" => self.workflows.label(&workflow),
            "tool" => self.tools.label(&tool), "kind" => kind)
        .increment(1);
        self.findings.add(
            session,
            Finding {
                kind: names::FINDING_TOOL_LOOP.to_string(),
                first_turn: turn,
                tool: (!tool.is_empty()).then_some(tool),
                detail,
            },
        );
    }
}

/// Tool and argument names (not their text), for grouping rephrasings.
fn family(tool: &str, arguments: Option<&str>, ignored: &[String]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    tool.hash(&mut h);
    let parsed = arguments
        .map(str::trim)
        .filter(|t| t.starts_with('{'))
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok());
    if let Some(serde_json::Value::Object(map)) = parsed {
        let mut keys: Vec<&String> = map
            .keys()
            .filter(|k| !ignored.iter().any(|i| i.eq_ignore_ascii_case(k)))
            .collect();
        keys.sort();
        keys.hash(&mut h);
    }
    h.finish()
}

/// The text of the arguments' string values (or the raw text).
fn argument_text(arguments: Option<&str>) -> String {
    let Some(raw) = arguments else {
        return String::new();
    };
    match serde_json::from_str::<serde_json::Value>(raw.trim()) {
        Ok(v) => {
            let mut out = String::new();
            strings(&v, &mut out, 0);
            out
        }
        Err(_) => raw.to_string(),
    }
}

fn strings(v: &serde_json::Value, out: &mut String, depth: usize) {
    if depth > 4 || out.len() > 512 {
        return;
    }
    match v {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push(' ');
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out, depth + 1)),
        serde_json::Value::Object(m) => m.values().for_each(|x| strings(x, out, depth + 1)),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
