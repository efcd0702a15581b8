//! `genai_events`: joins GenAI log events to their spans, so that instrumentations that send
//! prompts, completions and tool messages as log records (`/v1/logs`) get the same verdicts as
//! those that put them on the span.
//!
//! **Where it runs.** First in a traces pipeline. A traces pipeline with this processor also
//! receives the log batches of its receivers (the intake offers them to it besides every logs
//! pipeline, all or nothing as always), so logs still reach every logs pipeline and exporter
//! unchanged; this processor consumes its copy. The events it reads are those of
//! [`crate::semconv::events`] (the per-message events, `gen_ai.choice`,
//! `gen_ai.client.inference.operation.details`, the v1.26 content events); other log records
//! are left alone.
//!
//! **The join.** A record is matched to its span by trace and span id. The span's messages are
//! rebuilt from its events in time order and written as `gen_ai.input.messages`,
//! `gen_ai.output.messages` and `gen_ai.system_instructions` (JSON, the v1.37 shape), only where
//! the span has none, which is where every processor reads them: `session`, `goal`,
//! `silent_failure` and the tool processors then see exactly what a span-attribute
//! instrumentation would have sent.
//!
//! **The bounded wait, both ways.**
//! - Events that arrive before their span wait for it up to `event_wait` (default `60s`: a span
//!   is exported when the model call ends, its input events when it starts), in an LRU of at
//!   most `max_pending_spans` (default 10000) spans, `max_events_per_span` (default 512)
//!   events each and `max_pending_bytes` (default 64MiB, the events' encoded size) in all. Events that never meet their span are counted in
//!   `spotter_genai_events_unjoined_total{reason}` (`expired`, `evicted`, `over_limit`,
//!   `no_span` for a record without ids, `shutdown`).
//! - A model-call span that arrives with no messages of its own and no answer event yet is held
//!   with its batch up to `span_wait` (default `2s`, `0s` never holds) until its answer event
//!   arrives, at most `max_held_spans` (default 10000) spans; the oldest batch leaves early when
//!   the bound is reached. `spotter_genai_events_span_waits_total{result}` counts waits that
//!   `met` their events, `expired` or were `evicted`. A held batch keeps its admission tickets.
//!   Agents that do not capture content at all pay this wait on model-call spans; `span_wait: 0s`
//!   turns it off, and events that come after their span are then counted as `expired`.
//!
//! **`attach_to_spans`** (default `true`): the joined messages stay on the exported span, and
//! each event is also added as a span event of the same name (its attributes, and its body's
//! members as attributes: strings as they are, structures as JSON), for backends that read
//! spans only. With `false`, the messages are on the span only inside the pipeline: they are
//! removed before export (marked with `spotter.genai_events.joined`), and the spans leave as
//! they came, plus spotter's verdicts.

#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use lru::LruCache;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::trace::v1::span::Event;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use serde::Deserialize;
use serde_json::Value as Json;

use super::tool::result::{span_key, SpanKey};
use crate::config::{ByteSize, ConfigError, DurationStr};
use crate::pipeline::{Batch, Payload, Signal};
use crate::processor::Processor;
use crate::semconv::events::{kind_of, Conversation, EventKind, GenAiEvent};
use crate::semconv::keys::{otel, spotter as keys};
use crate::semconv::{spans, value, SpanRole, SpanView};
use crate::telemetry::Catalog;

/// Counter `{reason}`: GenAI events that never met their span.
pub const UNJOINED_TOTAL: &str = "spotter_genai_events_unjoined_total";
/// Counter: GenAI events joined to their span.
pub const JOINED_TOTAL: &str = "spotter_genai_events_joined_total";
/// Counter `{result}` (`met`, `expired`, `evicted`): model-call spans held for their events.
pub const SPAN_WAITS_TOTAL: &str = "spotter_genai_events_span_waits_total";
/// Gauge: spans whose events wait for them.
pub const PENDING_SPANS: &str = "spotter_genai_events_pending_spans";
/// Gauge: spans held for their events.
pub const HELD_SPANS: &str = "spotter_genai_events_held_spans";

/// HELP text of the join's metrics.
pub fn describe(c: &mut Catalog) {
    c.counter(
        UNJOINED_TOTAL,
        "GenAI log events that never met their span, by reason (expired, evicted, over_limit, no_span, shutdown).",
    );
    c.counter(JOINED_TOTAL, "GenAI log events joined to their span.");
    c.counter(
        SPAN_WAITS_TOTAL,
        "Model-call spans held for their GenAI log events, by result (met, expired, evicted).",
    );
    c.gauge(PENDING_SPANS, "Spans whose GenAI log events wait for them.");
    c.gauge(HELD_SPANS, "Spans held for their GenAI log events.");
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub attach_to_spans: bool,
    pub span_wait: DurationStr,
    pub event_wait: DurationStr,
    pub max_pending_spans: usize,
    pub max_events_per_span: usize,
    pub max_pending_bytes: ByteSize,
    pub max_held_spans: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            attach_to_spans: true,
            span_wait: DurationStr(Duration::from_secs(2)),
            event_wait: DurationStr(Duration::from_secs(60)),
            max_pending_spans: 10_000,
            max_events_per_span: 512,
            max_pending_bytes: ByteSize(64 << 20),
            max_held_spans: 10_000,
        }
    }
}

/// Events that arrived before their span.
struct Pending {
    since: Instant,
    events: Vec<GenAiEvent>,
    /// Encoded size of the records the events came from.
    bytes: usize,
    /// An answer event (`gen_ai.choice`, the operation details) is among them.
    has_output: bool,
}

/// A batch held for the events of some of its spans.
struct Held {
    batch: Batch,
    deadline: Instant,
    waiting: Vec<SpanKey>,
}

pub struct GenAiEventsProcessor {
    id: String,
    attach: bool,
    span_wait: Duration,
    event_wait: Duration,
    max_events_per_span: usize,
    max_pending_bytes: usize,
    max_held_spans: usize,
    pending: LruCache<SpanKey, Pending>,
    pending_bytes: usize,
    held: VecDeque<Held>,
    held_spans: usize,
    /// Whether any span got messages here: only then can an outgoing batch carry the marker.
    joined_any: bool,
}

impl GenAiEventsProcessor {
    pub fn new(id: &str, cfg: Config, path: &str) -> Result<Self, ConfigError> {
        let pending = NonZeroUsize::new(cfg.max_pending_spans).ok_or_else(|| {
            ConfigError::invalid(format!("{path}.max_pending_spans"), "must be at least 1")
        })?;
        if cfg.max_events_per_span == 0 {
            return Err(ConfigError::invalid(
                format!("{path}.max_events_per_span"),
                "must be at least 1",
            ));
        }
        Ok(GenAiEventsProcessor {
            id: id.to_string(),
            attach: cfg.attach_to_spans,
            span_wait: cfg.span_wait.0,
            event_wait: cfg.event_wait.0,
            max_events_per_span: cfg.max_events_per_span,
            max_pending_bytes: usize::try_from(cfg.max_pending_bytes.0).unwrap_or(usize::MAX),
            max_held_spans: cfg.max_held_spans,
            pending: LruCache::new(pending),
            pending_bytes: 0,
            held: VecDeque::new(),
            held_spans: 0,
            joined_any: false,
        })
    }

    /// Keep the GenAI events of a log batch until their spans come.
    fn take_events(&mut self, batch: &Batch, now: Instant) {
        let Payload::Logs(req) = batch.payload() else {
            return;
        };
        for record in req
            .resource_logs
            .iter()
            .flat_map(|rl| &rl.scope_logs)
            .flat_map(|sl| &sl.log_records)
        {
            let Some(event) = GenAiEvent::from_record(record) else {
                continue;
            };
            if record.trace_id.len() != 16
                || record.span_id.len() != 8
                || record.span_id.iter().all(|b| *b == 0)
            {
                unjoined("no_span", 1);
                continue;
            }
            let key = span_key(&record.trace_id, &record.span_id);
            let output = kind_of(&event.name) == Some(EventKind::Output);
            let bytes = record.encoded_len();
            match self.pending.peek_mut(&key) {
                Some(p) if p.events.len() >= self.max_events_per_span => {
                    unjoined("over_limit", 1);
                    continue;
                }
                Some(p) => {
                    p.events.push(event);
                    p.bytes += bytes;
                    p.has_output |= output;
                }
                None => {
                    let entry = Pending {
                        since: now,
                        events: vec![event],
                        bytes,
                        has_output: output,
                    };
                    if let Some((_, evicted)) = self.pending.push(key, entry) {
                        self.pending_bytes = self.pending_bytes.saturating_sub(evicted.bytes);
                        unjoined("evicted", evicted.events.len());
                    }
                }
            }
            self.pending_bytes += bytes;
            // The oldest spans' events go first when the bytes run out (never the newest).
            while self.pending_bytes > self.max_pending_bytes && self.pending.len() > 1 {
                match self.pending.pop_lru() {
                    Some((_, evicted)) => self.forget(evicted, "evicted"),
                    None => break,
                }
            }
        }
    }

    /// Drop pending events, counting them as unjoined for `reason`.
    fn forget(&mut self, p: Pending, reason: &'static str) {
        self.pending_bytes = self.pending_bytes.saturating_sub(p.bytes);
        unjoined(reason, p.events.len());
    }

    /// The model-call spans of `batch` that should wait for their answer event.
    fn waiting_spans(&self, batch: &Batch) -> Vec<SpanKey> {
        let Payload::Traces(req) = batch.payload() else {
            return Vec::new();
        };
        spans(req)
            .filter(|view| self.should_wait(view))
            .map(|view| span_key(view.trace_id(), view.span_id()))
            .collect()
    }

    fn should_wait(&self, view: &SpanView<'_>) -> bool {
        if view.role() != SpanRole::Llm {
            return false;
        }
        let key = span_key(view.trace_id(), view.span_id());
        match self.pending.peek(&key) {
            Some(p) => !p.has_output,
            None => view.input_messages().is_none() && view.output_messages().is_none(),
        }
    }

    /// Write the pending events of `batch`'s spans onto them.
    fn join(&mut self, mut batch: Batch) -> Batch {
        if self.pending.is_empty() {
            return batch;
        }
        let any = match batch.payload() {
            Payload::Traces(req) => {
                spans(req).any(|v| self.pending.contains(&span_key(v.trace_id(), v.span_id())))
            }
            Payload::Logs(_) => false,
        };
        if !any {
            return batch;
        }
        let Some(req) = batch.traces_mut() else {
            return batch;
        };
        for span in req
            .resource_spans
            .iter_mut()
            .flat_map(|rs| &mut rs.scope_spans)
            .flat_map(|ss| &mut ss.spans)
        {
            if let Some(p) = self.pending.pop(&span_key(&span.trace_id, &span.span_id)) {
                self.pending_bytes = self.pending_bytes.saturating_sub(p.bytes);
                metrics::counter!(JOINED_TOTAL).increment(p.events.len() as u64);
                self.joined_any = true;
                attach(span, p.events, self.attach);
            }
        }
        batch
    }

    /// Release the held batches whose spans all have their answer now.
    fn release_met(&mut self, out: &mut Vec<Batch>) {
        let mut i = 0;
        while i < self.held.len() {
            let pending = &self.pending;
            let held = &mut self.held[i];
            let before = held.waiting.len();
            held.waiting
                .retain(|k| !pending.peek(k).is_some_and(|p| p.has_output));
            waits("met", before - held.waiting.len());
            if held.waiting.is_empty() {
                let h = self.held.remove(i).expect("index in range");
                self.release(h, None, out);
            } else {
                i += 1;
            }
        }
    }

    /// Let one held batch go, counting its spans still waiting as `result`.
    fn release(&mut self, h: Held, result: Option<&str>, out: &mut Vec<Batch>) {
        if let Some(result) = result {
            waits(result, h.waiting.len());
        }
        self.held_spans = self.held_spans.saturating_sub(h.batch.items());
        out.push(self.join(h.batch));
    }

    fn publish(&self) {
        metrics::gauge!(PENDING_SPANS).set(self.pending.len() as f64);
        metrics::gauge!(HELD_SPANS).set(self.held_spans as f64);
    }
}

fn unjoined(reason: &'static str, n: usize) {
    if n > 0 {
        metrics::counter!(UNJOINED_TOTAL, "reason" => reason).increment(n as u64);
    }
}

fn waits(result: &str, n: usize) {
    if n > 0 {
        metrics::counter!(SPAN_WAITS_TOTAL, "result" => result.to_string()).increment(n as u64);
    }
}

/// Write `events`' messages onto `span` where it has none, and, when `attach`, the events as
/// span events; otherwise mark the keys added so that [`Processor::finish`] removes them.
fn attach(span: &mut Span, mut events: Vec<GenAiEvent>, attach: bool) {
    events.sort_by_key(|e| e.time_unix_nano);
    let c = Conversation::from_events(&events);
    let mut added = Vec::new();
    let lists = [
        (otel::GEN_AI_INPUT_MESSAGES, c.input),
        (otel::GEN_AI_OUTPUT_MESSAGES, c.output),
    ];
    for (key, msgs) in lists {
        if !msgs.is_empty()
            && value::insert(
                &mut span.attributes,
                key,
                value::string(Json::Array(msgs).to_string()),
            )
        {
            added.push(key);
        }
    }
    if let Some(system) = c.system_instructions {
        let text = match system {
            Json::String(s) => s,
            other => other.to_string(),
        };
        if value::insert(
            &mut span.attributes,
            otel::GEN_AI_SYSTEM_INSTRUCTIONS,
            value::string(text),
        ) {
            added.push(otel::GEN_AI_SYSTEM_INSTRUCTIONS);
        }
    }
    if attach {
        span.events.extend(events.into_iter().map(span_event));
    } else if !added.is_empty() {
        value::upsert(
            &mut span.attributes,
            keys::GENAI_EVENTS_JOINED,
            value::string(added.join(",")),
        );
    }
}

fn span_event(e: GenAiEvent) -> Event {
    let mut attributes = e.attributes.clone();
    for (key, v) in e.body_attributes() {
        if !attributes.iter().any(|kv| kv.key == key) {
            attributes.push(KeyValue {
                key,
                value: Some(v),
                ..Default::default()
            });
        }
    }
    Event {
        time_unix_nano: e.time_unix_nano,
        name: e.name,
        attributes,
        dropped_attributes_count: 0,
    }
}

/// Remove what [`attach`] added only for the processors.
fn strip(span: &mut Span) {
    let Some(added) = value::find(&span.attributes, keys::GENAI_EVENTS_JOINED)
        .and_then(value::as_str)
        .map(|s| s.split(',').map(str::to_string).collect::<Vec<_>>())
    else {
        return;
    };
    span.attributes
        .retain(|kv| kv.key != keys::GENAI_EVENTS_JOINED && !added.contains(&kv.key));
}

impl Processor for GenAiEventsProcessor {
    fn id(&self) -> &str {
        &self.id
    }

    fn takes_logs(&self) -> bool {
        true
    }

    fn process(&mut self, batch: Batch, now: Instant, out: &mut Vec<Batch>) {
        match batch.signal() {
            Signal::Logs => {
                // Consumed: the logs pipelines have their own copy.
                self.take_events(&batch, now);
                self.release_met(out);
            }
            Signal::Traces => {
                let waiting = if self.span_wait.is_zero() {
                    Vec::new()
                } else {
                    self.waiting_spans(&batch)
                };
                if waiting.is_empty() {
                    out.push(self.join(batch));
                } else {
                    self.held_spans += batch.items();
                    self.held.push_back(Held {
                        batch,
                        deadline: now + self.span_wait,
                        waiting,
                    });
                    while self.held_spans > self.max_held_spans {
                        let Some(h) = self.held.pop_front() else {
                            break;
                        };
                        self.release(h, Some("evicted"), out);
                    }
                }
            }
        }
        self.publish();
    }

    fn next_deadline(&self) -> Option<Instant> {
        let held = self.held.iter().map(|h| h.deadline).min();
        let pending = self
            .pending
            .peek_lru()
            .map(|(_, p)| p.since + self.event_wait);
        held.into_iter().chain(pending).min()
    }

    fn on_tick(&mut self, now: Instant, out: &mut Vec<Batch>) {
        let mut i = 0;
        while i < self.held.len() {
            if self.held[i].deadline <= now {
                let h = self.held.remove(i).expect("index in range");
                self.release(h, Some("expired"), out);
            } else {
                i += 1;
            }
        }
        while self
            .pending
            .peek_lru()
            .is_some_and(|(_, p)| p.since + self.event_wait <= now)
        {
            if let Some((_, p)) = self.pending.pop_lru() {
                self.forget(p, "expired");
            }
        }
        self.publish();
    }

    fn shutdown(&mut self, out: &mut Vec<Batch>) {
        while let Some(h) = self.held.pop_front() {
            self.release(h, Some("expired"), out);
        }
        while let Some((_, p)) = self.pending.pop_lru() {
            self.forget(p, "shutdown");
        }
        self.publish();
    }

    fn finish(&mut self, batch: &mut Batch) {
        if self.attach || !self.joined_any || batch.is_encoded() {
            return;
        }
        let marked = match batch.payload() {
            Payload::Traces(req) => {
                spans(req).any(|v| v.span_value(keys::GENAI_EVENTS_JOINED).is_some())
            }
            Payload::Logs(_) => false,
        };
        if !marked {
            return;
        }
        if let Some(req) = batch.traces_mut() {
            req.resource_spans
                .iter_mut()
                .flat_map(|rs| &mut rs.scope_spans)
                .flat_map(|ss| &mut ss.spans)
                .for_each(strip);
        }
    }
}
