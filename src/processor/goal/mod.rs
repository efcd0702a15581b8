//! `goal`: the user asked for an action and it did not happen, although every call may have
//! succeeded. Writes the verdict `goal_not_met` ([`lexicon`] has the words).
//!
//! Two forms:
//! - **claimed but not done**: a turn's final answer asserts a completed side effect ("I've
//!   cancelled your order", "Die Buchung wurde storniert", "予約しました") while no tool that
//!   performs it succeeded in that turn. A first-person claim counts alone; a passive one
//!   ("has been cancelled") only when the user asked for that action in the session, since it
//!   may otherwise report a state the agent merely read. Decided when the turn is complete (its
//!   root span arrived, a later turn began, or the session ended).
//! - **requested but not done**: a user message asks for an action (book, send, cancel, refund,
//!   create, schedule, restart, approve, update, export, delete, pay; in English, German,
//!   French, Spanish, Italian, Portuguese and Japanese), and by the session's end no tool that
//!   performs it succeeded at or after that turn. Decided when the session's summary is made.
//!
//! A tool performs an action when its name's words (else its description) name that action's
//! class, unless its name starts with a reading verb (get, list, search, fetch...) or its
//! MCP annotations say `readOnlyHint: true`. Reading tools never count as doing anything.
//!
//! **What it writes.** `spotter.goal_not_met = true` and `spotter.goal_not_met.reason`
//! (`claimed_not_done: cancel`, ...) on the turn's root span, else its final model span, when
//! they are in hand as the verdict becomes certain; every verdict also becomes a session finding
//! of kind `goal_not_met`. Requested-but-not-done is known only at the session's end, so it is in
//! the summary only.
//!
//! Options: `max_sessions` (default 10000). Place it after `tool_outcome` (it reads the
//! outcome) and before `outcome`.

pub mod lexicon;

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::time::Instant;

use lru::LruCache;
use serde::Deserialize;
use serde_json::Value as Json;

use self::lexicon::{
    claimed_classes, class_names, first_person_claims, is_reader, requested_classes, tool_classes,
    unmet,
};
use crate::config::ConfigError;
use crate::pipeline::{Batch, Payload};
use crate::processor::tool::call::{edit_spans, outcome_of};
use crate::processor::tool::classifier::Classifier;
use crate::processor::tool::edit::{boolean, SpanEdit};
use crate::processor::tool::findings::SessionFindings;
use crate::processor::tool::silent_failure::turn::output_text;
use crate::processor::Processor;
use crate::semconv::keys::spotter as keys;
use crate::semconv::value;
use crate::semconv::{spans, SpanRole, SpanView};
use crate::summary::{Finding, SessionSummary};

/// The finding kind and label.
pub const FINDING_GOAL_NOT_MET: &str = "goal_not_met";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub max_sessions: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_sessions: 10_000,
        }
    }
}

#[derive(Debug, Default)]
struct TurnFacts {
    requested: u16,
    /// Classes of acting tools that succeeded in the turn.
    done: u16,
    /// The final answer: (start, text) of the root span's output, else the latest model output.
    root_answer: Option<String>,
    last_output: Option<(u64, String)>,
    root_seen: bool,
    decided: bool,
}

#[derive(Debug, Default)]
struct SessionFacts {
    turns: BTreeMap<u32, TurnFacts>,
    latest: u32,
    /// (turn, class bits) of requests.
    requests: Vec<(u32, u16)>,
    /// (turn, class bits) of successful actions.
    actions: Vec<(u32, u16)>,
}

/// A verdict waiting for its span.
#[derive(Debug, Clone)]
struct Stamp {
    reason: String,
}

pub struct GoalProcessor {
    id: String,
    classifier: Classifier,
    sessions: LruCache<String, SessionFacts>,
    /// (session, turn) → a claimed-but-not-done verdict to stamp.
    stamps: LruCache<(String, u32), Stamp>,
    findings: SessionFindings,
}

const MAX_TURNS: usize = 64;
const MAX_FACTS: usize = 64;

impl GoalProcessor {
    pub fn new(id: &str, config: Config, _path: &str) -> Result<Self, ConfigError> {
        let n = NonZeroUsize::new(config.max_sessions.max(1)).expect("non-zero");
        Ok(GoalProcessor {
            id: id.to_string(),
            classifier: Classifier::default(),
            sessions: LruCache::new(n),
            stamps: LruCache::new(n),
            findings: SessionFindings::new(config.max_sessions),
        })
    }

    fn observe(&mut self, view: &SpanView<'_>) {
        let Some(session) = view.session_id() else {
            return;
        };
        let turn = view.turn().unwrap_or(0);
        let facts = self
            .sessions
            .get_or_insert_mut(session.into_owned(), SessionFacts::default);
        facts.latest = facts.latest.max(turn);
        if !facts.turns.contains_key(&turn) && facts.turns.len() >= MAX_TURNS {
            facts.turns.pop_first();
        }
        let t = facts.turns.entry(turn).or_default();
        let start = view.span().start_time_unix_nano;
        match view.role() {
            SpanRole::Tool => {
                let Some(call) = view.tool() else { return };
                let description = view.str_attr("gen_ai.tool.description");
                let hint = read_only_hint(view);
                let mut classes = tool_classes(&call.name, description, hint);
                // A tool that neither reads nor names an action we know (`log_call`) may do
                // what was asked: it counts for every class.
                if classes == 0 && hint != Some(true) && !is_reader(&call.name) {
                    classes = u16::MAX;
                }
                if classes == 0 {
                    return;
                }
                let parsed = call
                    .result
                    .as_deref()
                    .map(crate::processor::tool::result::ParsedResult::parse);
                let (outcome, _) = outcome_of(view, parsed.as_ref(), &self.classifier);
                if outcome.is_ok() {
                    t.done |= classes;
                    if facts.actions.len() < MAX_FACTS {
                        facts.actions.push((turn, classes));
                    }
                }
            }
            SpanRole::Llm | SpanRole::Agent => {
                if t.requested == 0 {
                    if let Some(user) = view.input_messages().and_then(|i| last_user_text(&i)) {
                        let r = requested_classes(&user);
                        if r != 0 {
                            t.requested = r;
                            if facts.requests.len() < MAX_FACTS {
                                facts.requests.push((turn, r));
                            }
                        }
                    }
                }
                let answer = view
                    .output_messages()
                    .map(|o| output_text(&o))
                    .filter(|a| !a.trim().is_empty());
                if view.is_root() {
                    t.root_seen = true;
                    if let Some(a) = answer {
                        t.root_answer = Some(a);
                    }
                } else if let Some(a) = answer {
                    if t.last_output.as_ref().is_none_or(|(s, _)| *s <= start) {
                        t.last_output = Some((start, a));
                    }
                }
            }
            _ => {}
        }
    }

    /// Decide claimed-but-not-done for the complete turns of `session`.
    fn decide(&mut self, session: &str, ended: bool) {
        let Some(facts) = self.sessions.peek_mut(session) else {
            return;
        };
        let latest = facts.latest;
        let requested_so_far = |turn: u32, requests: &[(u32, u16)]| {
            requests
                .iter()
                .filter(|(t, _)| *t <= turn)
                .fold(0u16, |a, (_, c)| a | c)
        };
        let mut verdicts = Vec::new();
        let requests = facts.requests.clone();
        for (turn, t) in facts.turns.iter_mut() {
            if t.decided || !(ended || t.root_seen || *turn < latest) {
                continue;
            }
            t.decided = true;
            let answer = t
                .root_answer
                .as_deref()
                .or(t.last_output.as_ref().map(|(_, a)| a.as_str()));
            let Some(answer) = answer else { continue };
            let (first_person, passive) = split_claims(answer);
            let asked = requested_so_far(*turn, &requests);
            let claimed = first_person | (passive & asked);
            let undone = unmet(claimed, t.done);
            if undone != 0 {
                let reason = format!("claimed_not_done: {}", class_names(undone).join(","));
                verdicts.push((*turn, reason));
            }
        }
        for (turn, reason) in verdicts {
            self.findings.add(
                session,
                Finding {
                    kind: FINDING_GOAL_NOT_MET.to_string(),
                    first_turn: turn,
                    tool: None,
                    detail: format!("the answer says it was done, but no tool did it ({reason})"),
                },
            );
            self.stamps
                .push((session.to_string(), turn), Stamp { reason });
        }
    }
}

/// First-person and all claims of an answer, as class bits.
fn split_claims(answer: &str) -> (u16, u16) {
    let all = claimed_classes(answer);
    if all == 0 {
        return (0, 0);
    }
    (first_person_claims(answer), all)
}

/// MCP tool annotations on the span, if any (`readOnlyHint`).
fn read_only_hint(view: &SpanView<'_>) -> Option<bool> {
    for key in [
        "mcp.tool.annotations.readOnlyHint",
        "gen_ai.tool.annotations.readOnlyHint",
    ] {
        if let Some(b) = view.bool_attr(key) {
            return Some(b);
        }
    }
    let ann = view.str_attr("mcp.tool.annotations")?;
    let v: Json = serde_json::from_str(ann).ok()?;
    v.get("readOnlyHint").and_then(Json::as_bool)
}

/// The text of the last user message in a model input (OTel GenAI parts, OpenAI messages,
/// flattened conventions), or the raw input when it is not JSON.
pub fn last_user_text(raw: &str) -> Option<String> {
    let t = raw.trim_start();
    if !(t.starts_with('[') || t.starts_with('{')) {
        return Some(raw.to_string());
    }
    let v: Json = serde_json::from_str(t).ok()?;
    let mut last = None;
    find_user(&v, &mut last, 0);
    last
}

fn find_user(v: &Json, last: &mut Option<String>, depth: usize) {
    if depth > 8 {
        return;
    }
    match v {
        Json::Array(items) => items.iter().for_each(|i| find_user(i, last, depth + 1)),
        Json::Object(map) => {
            let role = map
                .get("role")
                .or_else(|| map.get("message.role"))
                .and_then(Json::as_str);
            if matches!(role, Some("user" | "human")) {
                let text = output_text(&Json::Object(map.clone()).to_string());
                let text = if text.trim().is_empty() {
                    map.get("message.content")
                        .and_then(Json::as_str)
                        .unwrap_or("")
                        .to_string()
                } else {
                    text
                };
                if !text.trim().is_empty() {
                    *last = Some(text.trim().to_string());
                }
                return;
            }
            for child in map.values() {
                if child.is_array() || child.is_object() {
                    find_user(child, last, depth + 1);
                }
            }
        }
        _ => {}
    }
}

impl Processor for GoalProcessor {
    fn id(&self) -> &str {
        &self.id
    }

    fn process(&mut self, mut batch: Batch, _now: Instant, out: &mut Vec<Batch>) {
        let mut touched: Vec<String> = Vec::new();
        if let Payload::Traces(req) = batch.payload() {
            for view in spans(req) {
                self.observe(&view);
                if let Some(s) = view.session_id() {
                    if !touched.iter().any(|t| *t == *s) {
                        touched.push(s.into_owned());
                    }
                }
            }
        }
        for s in &touched {
            self.decide(s, false);
        }
        if self.stamps.is_empty() {
            out.push(batch);
            return;
        }
        // The root span carries the verdict; without it, the turn's last model span.
        let mut finals: BTreeMap<(String, u32), (bool, u64)> = BTreeMap::new();
        if let Payload::Traces(req) = batch.payload() {
            for view in spans(req) {
                let (Some(s), t) = (view.session_id(), view.turn().unwrap_or(0)) else {
                    continue;
                };
                let key = (s.into_owned(), t);
                if !self.stamps.contains(&key) {
                    continue;
                }
                let root = view.is_root();
                let model = matches!(view.role(), SpanRole::Llm | SpanRole::Agent);
                if !(root || model) {
                    continue;
                }
                let start = view.span().start_time_unix_nano;
                let entry = finals.entry(key).or_insert((root, start));
                if !entry.0 && (root || start >= entry.1) {
                    *entry = (root, start);
                }
            }
        }
        let stamps = &mut self.stamps;
        edit_spans(&mut batch, |view, _| {
            let key = (view.session_id()?.into_owned(), view.turn().unwrap_or(0));
            let (root, start) = finals.get(&key)?;
            if view.is_root() != *root || view.span().start_time_unix_nano != *start {
                return None;
            }
            let stamp = stamps.pop(&key)?;
            let mut edit = SpanEdit::default();
            edit.set(keys::GOAL_NOT_MET, boolean(true));
            edit.set(keys::GOAL_NOT_MET_REASON, value::string(stamp.reason));
            Some(edit)
        });
        out.push(batch);
    }

    fn enrich_summary(&mut self, summary: &mut SessionSummary) {
        let session = summary.session_id.clone();
        self.decide(&session, true);
        if let Some(facts) = self.sessions.pop(&session) {
            let mut missing = 0u16;
            let mut first_turn = None;
            let mut repeated = 0u16;
            for (i, (turn, classes)) in facts.requests.iter().enumerate() {
                let done = facts
                    .actions
                    .iter()
                    .filter(|(t, _)| t >= turn)
                    .fold(0u16, |a, (_, c)| a | c);
                let undone = unmet(*classes, done);
                if undone != 0 {
                    missing |= undone;
                    first_turn.get_or_insert(*turn);
                    if facts.requests[..i].iter().any(|(_, c)| c & undone != 0) {
                        repeated |= undone;
                    }
                }
            }
            if missing != 0 {
                let how = if repeated != 0 {
                    "asked more than once; "
                } else {
                    ""
                };
                self.findings.add(
                    &session,
                    Finding {
                        kind: FINDING_GOAL_NOT_MET.to_string(),
                        first_turn: first_turn.unwrap_or(0),
                        tool: None,
                        detail: format!(
                            "requested_not_done: {} ({how}no tool that does it succeeded)",
                            class_names(missing).join(",")
                        ),
                    },
                );
            }
        }
        self.findings.enrich(summary);
    }
}

#[cfg(test)]
mod tests;
