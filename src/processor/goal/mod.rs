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
//!   create, schedule, restart, approve, update, export, delete, pay, extend/renew, enroll,
//!   order, transfer, publish, release; in English, German, French, Spanish, Italian,
//!   Portuguese, Dutch, Japanese, Chinese, Korean, Russian, Polish, Swedish, Indonesian and
//!   Turkish), and by the session's end no tool that performs it succeeded at or after that
//!   turn. Decided when the session's summary is made. A request handed off ("I passed it to
//!   the team") or promised for later is not done. A call that answered but whose own status
//!   turned the action down (`"status": "rejected"`, `declined`, `denied`) did not do it
//!   ([`rejection`]), whether or not the answer tells the user.
//!
//! A tool performs an action when its name's words (else its description) name that action's
//! class, unless its name starts with a reading verb (get, list, search, fetch...) or its
//! MCP annotations say `readOnlyHint: true`. Reading tools never count as doing anything; MCP's
//! `destructiveHint: true` makes a tool acting whatever its name says.
//!
//! **What it writes.** `spotter.goal_not_met = true` and `spotter.goal_not_met.reason`
//! (`claimed_not_done: cancel`, ...) on the turn's root span, else its final model span, when
//! they are in hand as the verdict becomes certain; every verdict also becomes a session finding
//! of kind `goal_not_met`. Requested-but-not-done is known only at the session's end, so it is in
//! the summary only.
//!
//! **The judge** (optional, off by default). With `judge: {endpoint, model}` the turns the
//! rules leave undecided are put to an OpenAI-compatible chat endpoint ([`judge`]): a turn whose
//! request is not done within it, or whose answer claims an action the rules did not count, or
//! whose message names an action in a way the rules could not read as a request. The batch
//! carrying the turn's final span waits for the verdict at most `judge.wait` (polled every
//! 50 ms), then passes undecided; a failed, late or unreadable verdict never loses a span and is
//! counted (`spotter_goal_judge_requests_total{result}`, `spotter_goal_judge_undecided_total`).
//! The judge's verdict is stamped like the rules' (`spotter.goal_not_met` true or false,
//! `.reason`), with `spotter.goal_not_met.source = "judge"` (the rules write `"rules"`); a
//! verdict that the goal was not met is also a session finding when it arrives before the
//! session's summary.
//!
//! Options: `max_sessions` (default 10000); `judge`: `endpoint` (base URL, `/chat/completions`
//! is appended), `model`, `api_key` (sent as a bearer token; use `${env:...}`), `timeout`
//! (10s, per request), `wait` (15s), `max_concurrency` (4), `max_queue` (256). Place it after
//! `tool_outcome` (it reads the outcome) and before `outcome`.

pub mod judge;
pub mod lexicon;
pub mod objects;
mod rejection;

use std::collections::{BTreeMap, VecDeque};
use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use lru::LruCache;
use serde::Deserialize;
use serde_json::Value as Json;

use self::judge::{Judge, JudgeConfig, Question, Settings, TurnKey, JUDGE_UNDECIDED_TOTAL};
use self::lexicon::{
    claimed_classes, class_names, classes_in, first_person_claims, is_reader, requested_classes,
    tool_classes, unmet,
};
use crate::config::ConfigError;
use crate::pipeline::{Batch, Payload};
use crate::processor::tool::call::{edit_spans, outcome_of};
use crate::processor::tool::classifier::{Classifier, Outcome};
use crate::processor::tool::edit::{boolean, SpanEdit};
use crate::processor::tool::findings::SessionFindings;
use crate::processor::tool::names::STATE_ENTRIES;
use crate::processor::tool::silent_failure::turn::{output_text, value_text};
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
    /// The optional judge for turns the rules leave undecided.
    pub judge: Option<JudgeConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_sessions: 10_000,
            judge: None,
        }
    }
}

/// How often held batches look for their verdicts.
const JUDGE_POLL: Duration = Duration::from_millis(50);

#[derive(Debug, Default)]
struct TurnFacts {
    requested: u32,
    /// Classes of acting tools that succeeded in the turn.
    done: u32,
    /// (classes, argument identifiers) of those calls, the first [`MAX_ACTS`].
    acts: Vec<(u32, Vec<(String, String)>)>,
    /// Identifiers the turn's user message names ([`objects::identifiers`]).
    named: Vec<(String, String)>,
    /// The final answer: (start, text) of the root span's output, else the latest model output.
    root_answer: Option<String>,
    last_output: Option<(u64, String)>,
    root_seen: bool,
    decided: bool,
    /// For the judge: the user's message and the tool calls (name, succeeded).
    user: Option<String>,
    tools: Vec<(String, bool)>,
}

impl TurnFacts {
    /// The classes done on the objects the user named: an action done only on another object
    /// of the same kind ([`objects::on_another_object`]) is not done.
    fn done_on_named(&self) -> u32 {
        let (mut wrong, mut right) = (0u32, 0u32);
        for (classes, ids) in &self.acts {
            if objects::on_another_object(ids, &self.named) {
                wrong |= classes;
            } else {
                right |= classes;
            }
        }
        self.done & !(wrong & !right)
    }
}

#[derive(Debug, Default)]
struct SessionFacts {
    turns: BTreeMap<u32, TurnFacts>,
    latest: u32,
    /// (turn, class bits) of requests.
    requests: Vec<(u32, u32)>,
    /// (turn, class bits) of successful actions.
    actions: Vec<(u32, u32)>,
}

/// A verdict waiting for its span.
#[derive(Debug, Clone)]
struct Stamp {
    not_met: bool,
    reason: String,
    /// `rules` or `judge`.
    source: &'static str,
}

/// A batch carrying the final span of turns put to the judge.
struct Held {
    batch: Batch,
    deadline: Instant,
    turns: Vec<TurnKey>,
}

pub struct GoalProcessor {
    id: String,
    classifier: Classifier,
    sessions: LruCache<String, SessionFacts>,
    /// (session, turn) → a claimed-but-not-done verdict to stamp.
    stamps: LruCache<(String, u32), Stamp>,
    findings: SessionFindings,
    judge_settings: Option<Settings>,
    judge: Option<Judge>,
    /// Turns asked and not yet answered.
    pending: LruCache<TurnKey, ()>,
    /// Questions `decide` found, asked at the end of the batch.
    to_ask: Vec<(TurnKey, Question)>,
    held: VecDeque<Held>,
    last_now: Option<Instant>,
}

const MAX_TURNS: usize = 64;
const MAX_FACTS: usize = 64;
/// Acting calls remembered per turn with their arguments' identifiers.
const MAX_ACTS: usize = 16;

impl GoalProcessor {
    pub fn new(id: &str, config: Config, path: &str) -> Result<Self, ConfigError> {
        let n = NonZeroUsize::new(config.max_sessions.max(1)).expect("non-zero");
        let judge_settings = config
            .judge
            .as_ref()
            .map(|j| Settings::resolve(j, &format!("{path}.judge")))
            .transpose()?;
        Ok(GoalProcessor {
            judge_settings,
            judge: None,
            pending: LruCache::new(n),
            to_ask: Vec::new(),
            held: VecDeque::new(),
            last_now: None,
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
                let hint = mcp_hint(view, "readOnlyHint");
                let destructive = mcp_hint(view, "destructiveHint") == Some(true);
                let mut classes = tool_classes(&call.name, description, hint);
                // A tool that neither reads nor names an action we know (`log_call`) may do
                // what was asked: it counts for every class. So does one MCP marks
                // destructive whatever its name says, unless its description names the action.
                if classes == 0 && hint != Some(true) && (destructive || !is_reader(&call.name)) {
                    classes = description
                        .map(classes_in)
                        .filter(|c| *c != 0 && destructive)
                        .unwrap_or(u32::MAX);
                }
                // A decided turn's verdict is out: its bodies would only be kept, never read.
                let judged =
                    self.judge_settings.is_some() && !t.decided && t.tools.len() < judge::MAX_TOOLS;
                if classes == 0 && !judged {
                    return;
                }
                // `tool_outcome` (placed before) stamped the outcome: the result is parsed only
                // when it did not, or to read whether a successful call turned the action down.
                let stamped = view.tool_outcome().and_then(Outcome::parse);
                let parsed = match stamped {
                    Some(o) if !o.is_ok() => None,
                    _ => call
                        .result
                        .as_deref()
                        .map(crate::processor::tool::result::ParsedResult::parse),
                };
                let outcome = match stamped {
                    Some(o) => o,
                    None => outcome_of(view, parsed.as_ref(), &self.classifier).0,
                };
                // A call that answered but turned the action down did not do it.
                let did = outcome.is_ok()
                    && !parsed
                        .as_ref()
                        .and_then(|p| p.payload())
                        .is_some_and(rejection::turned_down);
                if judged {
                    t.tools.push((call.name.to_string(), did));
                }
                if classes != 0 && did {
                    t.done |= classes;
                    if t.acts.len() < MAX_ACTS {
                        let ids = objects::argument_identifiers(call.arguments.as_deref());
                        t.acts.push((classes, ids));
                    }
                    if facts.actions.len() < MAX_FACTS {
                        facts.actions.push((turn, classes));
                    }
                }
            }
            SpanRole::Llm | SpanRole::Agent => {
                if t.requested == 0 {
                    if let Some(user) = view.input_messages().and_then(|i| last_user_text(&i)) {
                        if self.judge_settings.is_some() && t.user.is_none() && !t.decided {
                            t.user = Some(user.chars().take(4000).collect());
                        }
                        if t.named.is_empty() {
                            t.named = objects::identifiers(&user);
                        }
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
                let answer = answer.filter(|_| !t.decided);
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

    /// Put the questions `decide` found to the judge; a full queue passes them undecided.
    fn ask_judge(&mut self) {
        let Some(judge) = self.judge.as_ref() else {
            self.to_ask.clear();
            return;
        };
        for (key, question) in self.to_ask.drain(..) {
            if judge.ask(key.clone(), question) {
                self.pending.put(key, ());
            } else {
                metrics::counter!(JUDGE_UNDECIDED_TOTAL).increment(1);
            }
        }
    }

    /// Apply the judge's answers that arrived: a verdict becomes a stamp (and, when the goal
    /// was not met, a finding); a failure leaves the turn undecided.
    fn take_answers(&mut self) {
        let Some(judge) = self.judge.as_ref() else {
            return;
        };
        for ((session, turn), result) in judge.answers() {
            self.pending.pop(&(session.clone(), turn));
            let Ok(verdict) = result else {
                metrics::counter!(JUDGE_UNDECIDED_TOTAL).increment(1);
                continue;
            };
            let reason = format!("judge: {}", verdict.reason);
            if !verdict.goal_met {
                self.findings.add(
                    &session,
                    Finding {
                        kind: FINDING_GOAL_NOT_MET.to_string(),
                        first_turn: turn,
                        tool: None,
                        detail: format!("the judge found the goal not met ({reason})"),
                    },
                );
            }
            self.stamps.push(
                (session, turn),
                Stamp {
                    not_met: !verdict.goal_met,
                    reason,
                    source: "judge",
                },
            );
        }
    }

    /// Release held batches whose turns are all answered, or whose wait is over (`all`: every
    /// one), stamping what the judge decided.
    fn release(&mut self, now: Instant, all: bool, out: &mut Vec<Batch>) {
        let mut kept = VecDeque::new();
        while let Some(mut held) = self.held.pop_front() {
            let answered = held.turns.iter().all(|k| !self.pending.contains(k));
            if !(all || answered || held.deadline <= now) {
                kept.push_back(held);
                continue;
            }
            let late = held
                .turns
                .iter()
                .filter(|k| self.pending.contains(*k))
                .count();
            if late > 0 {
                metrics::counter!(JUDGE_UNDECIDED_TOTAL).increment(late as u64);
            }
            self.stamp(&mut held.batch);
            out.push(held.batch);
        }
        self.held = kept;
        if self.judge.is_some() {
            metrics::gauge!(STATE_ENTRIES, "processor" => self.id.clone(), "state" => "judge_held_batches")
                .set(self.held.len() as f64);
        }
    }

    /// Write the verdicts waiting in `stamps` on the final spans of their turns in `batch`.
    fn stamp(&mut self, batch: &mut Batch) {
        if self.stamps.is_empty() {
            return;
        }
        let finals = final_spans(batch, |k| self.stamps.contains(k));
        if finals.is_empty() {
            return;
        }
        let stamps = &mut self.stamps;
        edit_spans(batch, |view, _| {
            let key = (view.session_id()?.into_owned(), view.turn().unwrap_or(0));
            let (root, start) = finals.get(&key)?;
            if view.is_root() != *root || view.span().start_time_unix_nano != *start {
                return None;
            }
            let stamp = stamps.pop(&key)?;
            let mut edit = SpanEdit::default();
            edit.set(keys::GOAL_NOT_MET, boolean(stamp.not_met));
            edit.set(keys::GOAL_NOT_MET_REASON, value::string(stamp.reason));
            edit.set(keys::GOAL_NOT_MET_SOURCE, value::string(stamp.source));
            Some(edit)
        });
    }

    /// Decide claimed-but-not-done for the complete turns of `session`.
    fn decide(&mut self, session: &str, ended: bool) {
        let Some(facts) = self.sessions.peek_mut(session) else {
            return;
        };
        let latest = facts.latest;
        let requested_so_far = |turn: u32, requests: &[(u32, u32)]| {
            requests
                .iter()
                .filter(|(t, _)| *t <= turn)
                .fold(0u32, |a, (_, c)| a | c)
        };
        let mut verdicts = Vec::new();
        let mut questions = Vec::new();
        let judging = self.judge.is_some();
        let requests = facts.requests.clone();
        for (turn, t) in facts.turns.iter_mut() {
            if t.decided || !(ended || t.root_seen || *turn < latest) {
                continue;
            }
            t.decided = true;
            // The turn is decided once: its texts go now, so an idle session keeps only its
            // facts (class bits and flags), not its bodies.
            let last_output = t.last_output.take().map(|(_, a)| a);
            let answer = t.root_answer.take().or(last_output);
            let Some(answer) = answer else {
                t.user = None;
                t.tools = Vec::new();
                continue;
            };
            let answer = answer.as_str();
            let (first_person, passive) = split_claims(answer);
            let asked = requested_so_far(*turn, &requests);
            let claimed = first_person | (passive & asked);
            let undone = unmet(claimed, t.done_on_named());
            if undone != 0 {
                let reason = format!("claimed_not_done: {}", class_names(undone).join(","));
                verdicts.push((*turn, reason));
            } else if judging && undecided(t, passive) {
                questions.push((
                    (session.to_string(), *turn),
                    Question {
                        request: t.user.take().unwrap_or_default(),
                        tools: std::mem::take(&mut t.tools),
                        answer: answer.to_string(),
                    },
                ));
            }
            t.user = None;
            t.tools = Vec::new();
        }
        self.to_ask.extend(questions);
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
            self.stamps.push(
                (session.to_string(), turn),
                Stamp {
                    not_met: true,
                    reason,
                    source: "rules",
                },
            );
        }
    }
}

/// The span that carries each wanted turn's verdict in `batch`: the turn's root span, else its
/// latest model span, as (is root, start time).
fn final_spans(batch: &Batch, wanted: impl Fn(&TurnKey) -> bool) -> BTreeMap<TurnKey, (bool, u64)> {
    let mut finals: BTreeMap<TurnKey, (bool, u64)> = BTreeMap::new();
    let Payload::Traces(req) = batch.payload() else {
        return finals;
    };
    for view in spans(req) {
        let (Some(s), t) = (view.session_id(), view.turn().unwrap_or(0)) else {
            continue;
        };
        let key = (s.into_owned(), t);
        let root = view.is_root();
        let model = matches!(view.role(), SpanRole::Llm | SpanRole::Agent);
        if !(root || model) || !wanted(&key) {
            continue;
        }
        let start = view.span().start_time_unix_nano;
        let entry = finals.entry(key).or_insert((root, start));
        if !entry.0 && (root || start >= entry.1) {
            *entry = (root, start);
        }
    }
    finals
}

/// Whether a turn without a rules verdict is one the rules cannot decide: its request is not
/// done within it (the rules can only wait for the session's end), its answer claims an action
/// the rules did not count (a passive claim without a request), or its message names an action
/// without being a question the rules read as a request.
fn undecided(t: &TurnFacts, claims: u32) -> bool {
    let named = t.user.as_deref().is_some_and(|u| {
        t.requested == 0 && classes_in(u) != 0 && !u.trim_end().ends_with(['?', '？'])
    });
    unmet(t.requested, t.done) != 0 || unmet(claims, t.done) != 0 || named
}

/// First-person and all claims of an answer, as class bits.
fn split_claims(answer: &str) -> (u32, u32) {
    let all = claimed_classes(answer);
    if all == 0 {
        return (0, 0);
    }
    (first_person_claims(answer), all)
}

/// An MCP tool annotation on the span, if any (`readOnlyHint`, `destructiveHint`).
fn mcp_hint(view: &SpanView<'_>, hint: &str) -> Option<bool> {
    for prefix in ["mcp.tool.annotations", "gen_ai.tool.annotations"] {
        if let Some(b) = view.bool_attr(&format!("{prefix}.{hint}")) {
            return Some(b);
        }
    }
    let ann = view.str_attr("mcp.tool.annotations")?;
    let v: Json = serde_json::from_str(ann).ok()?;
    v.get(hint).and_then(Json::as_bool)
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
                let text = value_text(v);
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

    fn start(&mut self) {
        if let Some(settings) = self.judge_settings.clone() {
            self.judge = Judge::start(settings);
        }
    }

    fn process(&mut self, mut batch: Batch, now: Instant, out: &mut Vec<Batch>) {
        self.last_now = Some(now);
        self.take_answers();
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
        self.ask_judge();
        self.stamp(&mut batch);
        let waiting: Vec<TurnKey> = final_spans(&batch, |k| self.pending.contains(k))
            .into_keys()
            .collect();
        match self.judge_settings.as_ref() {
            Some(settings) if !waiting.is_empty() => self.held.push_back(Held {
                batch,
                deadline: now + settings.wait,
                turns: waiting,
            }),
            _ => out.push(batch),
        }
        self.release(now, false, out);
    }

    fn next_deadline(&self) -> Option<Instant> {
        let earliest = self.held.iter().map(|h| h.deadline).min()?;
        Some(match self.last_now {
            Some(now) => earliest.min(now + JUDGE_POLL),
            None => earliest,
        })
    }

    fn on_tick(&mut self, now: Instant, out: &mut Vec<Batch>) {
        self.last_now = Some(now);
        self.take_answers();
        self.release(now, false, out);
    }

    fn shutdown(&mut self, out: &mut Vec<Batch>) {
        self.take_answers();
        let now = self.last_now.unwrap_or_else(Instant::now);
        self.release(now, true, out);
    }

    fn enrich_summary(&mut self, summary: &mut SessionSummary) {
        let session = summary.session_id.clone();
        self.take_answers();
        self.decide(&session, true);
        // A verdict now would come after the summary, on spans already gone: not asked.
        self.to_ask.clear();
        if let Some(facts) = self.sessions.pop(&session) {
            let mut missing = 0u32;
            let mut first_turn = None;
            let mut repeated = 0u32;
            for (i, (turn, classes)) in facts.requests.iter().enumerate() {
                let done = facts
                    .actions
                    .iter()
                    .filter(|(t, _)| t >= turn)
                    .fold(0u32, |a, (_, c)| a | c);
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
