//! Realistic agent traffic: sessions of agent, LLM and tool spans with gen_ai.* attributes,
//! message JSON and tool results of 200 B to 8 KB, about 2.5 KB per span on the wire.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{
    any_value, AnyValue, ArrayValue, InstrumentationScope, KeyValue,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{
    span, status, ResourceSpans, ScopeSpans, Span, Status,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn value(v: any_value::Value) -> Option<AnyValue> {
    Some(AnyValue { value: Some(v) })
}

fn s(key: &str, v: impl Into<String>) -> KeyValue {
    KeyValue {
        key: key.to_string(),
        value: value(any_value::Value::StringValue(v.into())),
        ..Default::default()
    }
}

fn i(key: &str, v: i64) -> KeyValue {
    KeyValue {
        key: key.to_string(),
        value: value(any_value::Value::IntValue(v)),
        ..Default::default()
    }
}

fn f(key: &str, v: f64) -> KeyValue {
    KeyValue {
        key: key.to_string(),
        value: value(any_value::Value::DoubleValue(v)),
        ..Default::default()
    }
}

fn strings(key: &str, items: &[&str]) -> KeyValue {
    KeyValue {
        key: key.to_string(),
        value: value(any_value::Value::ArrayValue(ArrayValue {
            values: items
                .iter()
                .map(|x| AnyValue {
                    value: Some(any_value::Value::StringValue(x.to_string())),
                })
                .collect(),
        })),
        ..Default::default()
    }
}

const WORDS: &[&str] = &[
    "the",
    "agent",
    "should",
    "search",
    "for",
    "recent",
    "papers",
    "about",
    "retrieval",
    "augmented",
    "generation",
    "and",
    "summarise",
    "their",
    "findings",
    "in",
    "a",
    "table",
    "with",
    "citations",
    "file",
    "repository",
    "function",
    "returns",
    "error",
    "because",
    "config",
    "missing",
    "résumé",
    "naïve",
    "\"quoted\"",
    "line\nbreak",
    "🚀",
    "日本語",
];

fn prose(rng: &mut StdRng, bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 16);
    while out.len() < bytes {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(WORDS[rng.random_range(0..WORDS.len())]);
    }
    out
}

/// Length drawn log-uniformly from `lo..hi` bytes: many small results, some large ones.
fn log_uniform(rng: &mut StdRng, lo: usize, hi: usize) -> usize {
    let (a, b) = ((lo as f64).ln(), (hi as f64).ln());
    rng.random_range(a..b).exp() as usize
}

fn messages_json(rng: &mut StdRng, turns: usize, bytes_per_turn: usize) -> String {
    let mut msgs = vec![serde_json::json!({
        "role": "system",
        "parts": [{"type": "text", "content": "You are a helpful research agent with tools."}]
    })];
    for t in 0..turns {
        let role = if t % 2 == 0 { "user" } else { "assistant" };
        let n = rng.random_range(bytes_per_turn / 2..bytes_per_turn * 3 / 2);
        msgs.push(serde_json::json!({
            "role": role,
            "parts": [{"type": "text", "content": prose(rng, n)}]
        }));
    }
    serde_json::Value::Array(msgs).to_string()
}

const TOOLS: &[&str] = &[
    "web_search",
    "read_file",
    "run_shell",
    "sql_query",
    "fetch_url",
    "write_file",
];
const MODELS: &[&str] = &["gpt-4o", "claude-sonnet-4", "gemini-2.5-pro", "gpt-4o-mini"];

/// Generates agent spans; ids are fresh for every call.
pub struct Workload {
    rng: StdRng,
    session: u64,
}

impl Workload {
    pub fn new(seed: u64) -> Self {
        Workload {
            rng: StdRng::seed_from_u64(seed),
            session: 0,
        }
    }

    fn id<const N: usize>(&mut self) -> Vec<u8> {
        let mut b = [0u8; N];
        self.rng.fill(&mut b[..]);
        b[0] |= 1;
        b.to_vec()
    }

    /// One agent session: an agent span, then turns of an LLM call followed by a tool call.
    fn session(&mut self, now_ns: u64) -> Vec<Span> {
        self.session += 1;
        let trace_id = self.id::<16>();
        let root_id = self.id::<8>();
        let session_id = format!("sess-{:08x}", self.session);
        let model = MODELS[self.rng.random_range(0..MODELS.len())];
        let turns = self.rng.random_range(1..=4);
        let mut spans = Vec::with_capacity(1 + 2 * turns);
        let start = now_ns - 20_000_000_000;
        let mut at = start;
        for turn in 0..turns {
            let llm_id = self.id::<8>();
            let input = messages_json(&mut self.rng, 1 + turn * 2, 420);
            let output = messages_json(&mut self.rng, 1, 480);
            let tool = TOOLS[self.rng.random_range(0..TOOLS.len())];
            let call_id = format!("call_{:016x}", self.rng.random::<u64>());
            let end = at + 900_000_000;
            spans.push(Span {
                trace_id: trace_id.clone(),
                span_id: llm_id,
                parent_span_id: root_id.clone(),
                name: format!("chat {model}"),
                kind: span::SpanKind::Client as i32,
                start_time_unix_nano: at,
                end_time_unix_nano: end,
                attributes: vec![
                    s("gen_ai.operation.name", "chat"),
                    s("gen_ai.provider.name", "openai"),
                    s("gen_ai.request.model", model),
                    s("gen_ai.response.model", model),
                    s("gen_ai.response.id", format!("chatcmpl-{:x}", at)),
                    s("gen_ai.conversation.id", session_id.clone()),
                    f("gen_ai.request.temperature", 0.2),
                    i("gen_ai.request.max_tokens", 4096),
                    i(
                        "gen_ai.usage.input_tokens",
                        self.rng.random_range(300..9000),
                    ),
                    i("gen_ai.usage.output_tokens", self.rng.random_range(20..900)),
                    strings("gen_ai.response.finish_reasons", &["tool_calls"]),
                    s("gen_ai.input.messages", input),
                    s("gen_ai.output.messages", output),
                ],
                status: None,
                flags: 0x100,
                ..Default::default()
            });
            at = end;
            let result_len = log_uniform(&mut self.rng, 200, 8192);
            let failed = self.rng.random_ratio(1, 12);
            let mut attributes = vec![
                s("gen_ai.operation.name", "execute_tool"),
                s("gen_ai.tool.name", tool),
                s("gen_ai.tool.type", "function"),
                s("gen_ai.tool.call.id", call_id),
                s("gen_ai.conversation.id", session_id.clone()),
                s(
                    "gen_ai.tool.call.arguments",
                    serde_json::json!({"query": prose(&mut self.rng, 40), "limit": 5}).to_string(),
                ),
            ];
            let status = if failed {
                attributes.push(s("error.type", "TimeoutError"));
                Some(Status {
                    code: status::StatusCode::Error as i32,
                    message: format!("tool {tool} timed out after 30s"),
                })
            } else {
                attributes.push(s(
                    "gen_ai.tool.call.result",
                    serde_json::json!({"ok": true, "output": prose(&mut self.rng, result_len)})
                        .to_string(),
                ));
                None
            };
            let end = at + 300_000_000;
            spans.push(Span {
                trace_id: trace_id.clone(),
                span_id: self.id::<8>(),
                parent_span_id: root_id.clone(),
                name: format!("execute_tool {tool}"),
                kind: span::SpanKind::Internal as i32,
                start_time_unix_nano: at,
                end_time_unix_nano: end,
                attributes,
                status,
                flags: 0x100,
                ..Default::default()
            });
            at = end;
        }
        spans.push(Span {
            trace_id,
            span_id: root_id,
            name: "invoke_agent research_assistant".to_string(),
            kind: span::SpanKind::Internal as i32,
            start_time_unix_nano: start,
            end_time_unix_nano: at,
            attributes: vec![
                s("gen_ai.operation.name", "invoke_agent"),
                s("gen_ai.agent.name", "research_assistant"),
                s("gen_ai.conversation.id", session_id.clone()),
                s("session.id", session_id),
                i("agent.turns", turns as i64),
            ],
            flags: 0x100,
            ..Default::default()
        });
        spans
    }

    /// `n` spans from as many sessions as it takes, wrapped in one request.
    pub fn request(&mut self, n: usize, now_ns: u64) -> ExportTraceServiceRequest {
        let mut spans = Vec::with_capacity(n);
        while spans.len() < n {
            let mut next = self.session(now_ns);
            next.truncate(n - spans.len());
            spans.extend(next);
        }
        ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: Some(Resource {
                    attributes: vec![
                        s("service.name", "research-agent"),
                        s("service.version", "1.4.2"),
                        s("deployment.environment", "bench"),
                        s("telemetry.sdk.name", "opentelemetry"),
                        s("telemetry.sdk.language", "python"),
                        s("telemetry.sdk.version", "1.45.1"),
                    ],
                    ..Default::default()
                }),
                scope_spans: vec![ScopeSpans {
                    scope: Some(InstrumentationScope {
                        name: "opentelemetry.instrumentation.openai_agents".to_string(),
                        version: "0.1.0".to_string(),
                        ..Default::default()
                    }),
                    spans,
                    schema_url: String::new(),
                }],
                schema_url: String::new(),
            }],
        }
    }
}

/// Live sessions taking turns: each request carries whole traces, one turn of the next session
/// round-robin, so `sessions` sessions stay live and each comes back every `sessions` turns.
/// Spans of a session whose first turn left more than `known_after` ago carry
/// [`crate::sink::KNOWN`]: the collector has numbered that session's turns by then.
pub struct Turns {
    templates: Vec<Vec<Span>>,
    first_sent: Vec<Option<std::time::Instant>>,
    known_after: std::time::Duration,
    next: u64,
    resource: ExportTraceServiceRequest,
}

impl Turns {
    pub fn new(w: &mut Workload, sessions: usize, known_after: std::time::Duration) -> Self {
        let now = crate::sink::now_ns();
        let templates = (0..300).map(|_| w.session(now)).collect();
        let mut resource = w.request(1, now);
        resource.resource_spans[0].scope_spans[0].spans.clear();
        Turns {
            templates,
            first_sent: vec![None; sessions.max(1)],
            known_after,
            next: 0,
            resource,
        }
    }

    /// Whole turns (traces) of consecutive sessions, at least `n` spans.
    pub fn request(&mut self, n: usize) -> ExportTraceServiceRequest {
        let mut req = self.resource.clone();
        let spans = &mut req.resource_spans[0].scope_spans[0].spans;
        let now = std::time::Instant::now();
        while spans.len() < n {
            let k = self.next;
            self.next += 1;
            let slot = (k % self.first_sent.len() as u64) as usize;
            let first = *self.first_sent[slot].get_or_insert(now);
            let known = now.duration_since(first) > self.known_after;
            let session = format!("sess-live-{slot:06}");
            let mut trace_id = [0u8; 16];
            trace_id[..8].copy_from_slice(&(k + 1).to_be_bytes());
            trace_id[8] = 0x5e;
            let template = &self.templates[(k % self.templates.len() as u64) as usize];
            for t in template {
                let mut span = t.clone();
                span.trace_id = trace_id.to_vec();
                for kv in &mut span.attributes {
                    if kv.key == "gen_ai.conversation.id" || kv.key == "session.id" {
                        kv.value = value(any_value::Value::StringValue(session.clone()));
                    }
                }
                if known {
                    span.attributes.push(i(crate::sink::KNOWN, 1));
                }
                spans.push(span);
            }
        }
        req
    }
}

/// Stamp every span's end time (the moment it is sent), keeping its duration.
pub fn stamp_sent(req: &mut ExportTraceServiceRequest, now_ns: u64) {
    for span in req
        .resource_spans
        .iter_mut()
        .flat_map(|rs| rs.scope_spans.iter_mut())
        .flat_map(|ss| ss.spans.iter_mut())
    {
        let dur = span
            .end_time_unix_nano
            .saturating_sub(span.start_time_unix_nano);
        span.end_time_unix_nano = now_ns;
        span.start_time_unix_nano = now_ns.saturating_sub(dur);
    }
}
