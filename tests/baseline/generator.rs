//! Synthetic agent sessions with chosen event timestamps: traffic with daily and weekly
//! seasonality and Poisson noise, failure flags, tool errors, costs and releases, emitted as
//! OTLP (for the binary) or as the summaries and stamped spans the `baseline` processor reads
//! (for fast processor-level runs over many seeds).

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{status, ResourceSpans, ScopeSpans, Span, Status};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use spotter::summary::SessionSummary;

pub const SEC: u64 = 1_000_000_000;
pub const HOUR: u64 = 3600 * SEC;
pub const DAY: u64 = 24 * HOUR;
pub const WEEK: u64 = 7 * DAY;
/// A Monday 00:00 UTC (2026-11-02), so hour-of-week lines up with the calendar.
pub const T0: u64 = 1_793_577_600 * SEC;

/// One synthetic session.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub workflow: String,
    pub version: String,
    pub start_ns: u64,
    /// Turn latencies.
    pub turns: Vec<u64>,
    pub failed: bool,
    pub cost_usd: f64,
    pub tokens: u64,
    /// (tool, failed) per call, spread over the turns.
    pub tool_calls: Vec<(String, bool)>,
}

impl Session {
    pub fn end_ns(&self) -> u64 {
        self.start_ns + self.turns.iter().sum::<u64>() + self.turns.len() as u64 * SEC
    }

    /// The summary the session, cost and outcome processors would leave.
    pub fn summary(&self) -> SessionSummary {
        SessionSummary {
            session_id: self.id.clone(),
            workflow: self.workflow.clone(),
            first_seen_unix_nano: self.start_ns,
            last_seen_unix_nano: self.end_ns(),
            turns: self.turns.len() as u32,
            cost_usd: self.cost_usd,
            input_tokens: self.tokens * 4 / 5,
            output_tokens: self.tokens - self.tokens * 4 / 5,
            tool_calls: self.tool_calls.len() as u64,
            outcome: if self.failed { "failure" } else { "success" }.into(),
            ..SessionSummary::default()
        }
    }
}

/// What traffic looks like at an instant.
#[derive(Clone)]
pub struct Traffic {
    pub workflow: String,
    pub version: String,
    /// Mean sessions per hour before seasonality.
    pub per_hour: f64,
    /// Relative daily and weekly amplitude of the traffic (0.5: ±50%).
    pub daily: f64,
    pub weekly: f64,
    /// Failure probability, and its relative daily swing.
    pub failure: f64,
    pub failure_daily: f64,
    /// Median session cost in USD (lognormal, σ = 0.5), and its relative daily swing.
    pub cost: f64,
    pub cost_daily: f64,
    pub tools: Vec<String>,
    /// Calls of each tool per session and their failure probability.
    pub calls_per_tool: usize,
    pub tool_failure: f64,
    /// Failure probability of particular tools, over `tool_failure`.
    pub tool_failure_of: Vec<(String, f64)>,
}

impl Traffic {
    pub fn steady(workflow: &str, per_hour: f64) -> Traffic {
        Traffic {
            workflow: workflow.into(),
            version: "1.0.0".into(),
            per_hour,
            daily: 0.0,
            weekly: 0.0,
            failure: 0.05,
            failure_daily: 0.0,
            cost: 0.02,
            cost_daily: 0.0,
            tools: vec!["search".into()],
            calls_per_tool: 1,
            tool_failure: 0.05,
            tool_failure_of: Vec::new(),
        }
    }

    /// Daily (peak at 15:00) and weekly (weekdays busier) seasonality.
    pub fn seasonal(mut self) -> Traffic {
        self.daily = 0.6;
        self.weekly = 0.3;
        self.failure_daily = 0.3;
        self.cost_daily = 0.1;
        self
    }

    fn day_phase(t: u64) -> f64 {
        let hour = (t % DAY) as f64 / HOUR as f64;
        ((hour - 15.0) / 24.0 * std::f64::consts::TAU).cos()
    }

    fn rate_at(&self, t: u64) -> f64 {
        let weekday = ((t - T0) / DAY) % 7;
        let week = if weekday >= 5 {
            -self.weekly
        } else {
            self.weekly * 0.4
        };
        (self.per_hour * (1.0 + self.daily * Self::day_phase(t)) * (1.0 + week)).max(0.0)
    }
}

/// Deterministic session stream.
pub struct Generator {
    rng: StdRng,
    next_id: u64,
}

fn poisson(rng: &mut StdRng, lambda: f64) -> u64 {
    if lambda > 50.0 {
        let n: f64 = normal(rng) * lambda.sqrt() + lambda;
        return n.round().max(0.0) as u64;
    }
    let l = (-lambda).exp();
    let (mut k, mut p) = (0, 1.0);
    loop {
        p *= rng.random::<f64>();
        if p <= l {
            return k;
        }
        k += 1;
    }
}

fn normal(rng: &mut StdRng) -> f64 {
    // Box-Muller.
    let (u, v): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random());
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        Generator {
            rng: StdRng::seed_from_u64(seed),
            next_id: 0,
        }
    }

    /// Sessions of `traffic` starting in `[from, to)`, in start order, in one-minute slices.
    pub fn sessions(&mut self, traffic: &Traffic, from: u64, to: u64) -> Vec<Session> {
        let mut out = Vec::new();
        let slice = 60 * SEC;
        let mut t = from;
        while t < to {
            let lambda = traffic.rate_at(t) / 60.0;
            let n = poisson(&mut self.rng, lambda);
            for _ in 0..n {
                let start = t + self.rng.random_range(0..slice);
                out.push(self.session(traffic, start));
            }
            t += slice;
        }
        out.sort_by_key(|s| s.start_ns);
        out
    }

    fn session(&mut self, tr: &Traffic, start: u64) -> Session {
        self.next_id += 1;
        let phase = Traffic::day_phase(start);
        let failure = (tr.failure * (1.0 + tr.failure_daily * phase)).clamp(0.0, 1.0);
        let median = tr.cost * (1.0 + tr.cost_daily * phase);
        let cost = median * (0.5 * normal(&mut self.rng)).exp();
        let n_turns = self.rng.random_range(1..=3);
        let turns = (0..n_turns)
            .map(|_| (2.0 * (0.4 * normal(&mut self.rng)).exp() * SEC as f64) as u64)
            .collect();
        let mut tool_calls = Vec::new();
        for tool in &tr.tools {
            let p = tr
                .tool_failure_of
                .iter()
                .find(|(t, _)| t == tool)
                .map_or(tr.tool_failure, |(_, p)| *p);
            for _ in 0..tr.calls_per_tool {
                tool_calls.push((tool.clone(), self.rng.random_bool(p)));
            }
        }
        Session {
            id: format!("{}-{}", tr.workflow, self.next_id),
            workflow: tr.workflow.clone(),
            version: tr.version.clone(),
            start_ns: start,
            turns,
            failed: self.rng.random_bool(failure),
            cost_usd: cost,
            tokens: (cost * 200_000.0) as u64,
            tool_calls,
        }
    }
}

fn kv(key: &str, value: any_value::Value) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(value) }),
        ..Default::default()
    }
}

fn s(v: &str) -> any_value::Value {
    any_value::Value::StringValue(v.into())
}

fn id(n: u64, salt: u8, len: usize) -> Vec<u8> {
    let mut v = n.to_be_bytes().to_vec();
    v.resize(len, salt);
    v
}

/// One session as OTLP spans. `stamped`: also write the keys spotter's processors would add
/// (session turn, workflow, role, tool outcome), for runs of the baseline processor alone.
pub fn spans(session: &Session, n: u64, stamped: bool) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut t = session.start_ns;
    let per_turn = session
        .tool_calls
        .len()
        .div_ceil(session.turns.len().max(1));
    let cost_per_turn = session.cost_usd / session.turns.len() as f64;
    let tokens_per_turn = session.tokens / session.turns.len() as u64;
    let mut calls = session.tool_calls.iter();
    for (i, latency) in session.turns.iter().enumerate() {
        let turn = i as u64 + 1;
        let trace_id = id(n * 16 + turn, 7, 16);
        let root_id = id(n * 64 + turn * 4, 1, 8);
        let end = t + latency;
        let last = i + 1 == session.turns.len();
        let mut root_attrs = vec![
            kv("session.id", s(&session.id)),
            kv("gen_ai.operation.name", s("invoke_agent")),
            kv("gen_ai.agent.name", s(&session.workflow)),
            kv("gen_ai.workflow.name", s(&session.workflow)),
        ];
        if last {
            root_attrs.push(kv(
                "spotter.session.outcome",
                s(if session.failed { "failure" } else { "success" }),
            ));
            root_attrs.push(kv("spotter.session.end", any_value::Value::BoolValue(true)));
        }
        let stamp = |attrs: &mut Vec<KeyValue>, role: &str| {
            if stamped {
                attrs.push(kv(
                    "spotter.session.turn",
                    any_value::Value::IntValue(turn as i64),
                ));
                attrs.push(kv("spotter.workflow", s(&session.workflow)));
                attrs.push(kv("spotter.span.role", s(role)));
            }
        };
        stamp(&mut root_attrs, "agent");
        let mut llm_attrs = vec![
            kv("session.id", s(&session.id)),
            kv("gen_ai.operation.name", s("chat")),
            kv("gen_ai.request.model", s("gpt-4o-mini")),
            kv("gen_ai.response.model", s("gpt-4o-mini")),
            kv(
                "gen_ai.usage.input_tokens",
                any_value::Value::IntValue((tokens_per_turn * 4 / 5) as i64),
            ),
            kv(
                "gen_ai.usage.output_tokens",
                any_value::Value::IntValue((tokens_per_turn / 5) as i64),
            ),
            kv(
                "gen_ai.usage.cost",
                any_value::Value::DoubleValue(cost_per_turn),
            ),
            kv("gen_ai.response.finish_reasons", s("stop")),
        ];
        stamp(&mut llm_attrs, "llm");
        spans.push(Span {
            trace_id: trace_id.clone(),
            span_id: id(n * 64 + turn * 4 + 1, 2, 8),
            parent_span_id: root_id.clone(),
            name: "chat gpt-4o-mini".into(),
            kind: 3,
            start_time_unix_nano: t + latency / 2,
            end_time_unix_nano: end,
            attributes: llm_attrs,
            ..Default::default()
        });
        for (j, (tool, failed)) in calls.by_ref().take(per_turn).enumerate() {
            let mut attrs = vec![
                kv("session.id", s(&session.id)),
                kv("gen_ai.operation.name", s("execute_tool")),
                kv("gen_ai.tool.name", s(tool)),
                kv("gen_ai.tool.call.id", s(&format!("call-{n}-{turn}-{j}"))),
            ];
            if *failed {
                attrs.push(kv("error.type", s("503")));
            }
            stamp(&mut attrs, "tool");
            if stamped {
                attrs.push(kv(
                    "spotter.tool.outcome",
                    s(if *failed { "server_error" } else { "ok" }),
                ));
            }
            spans.push(Span {
                trace_id: trace_id.clone(),
                span_id: id(n * 64 + turn * 4 + 2, 3 + j as u8, 8),
                parent_span_id: root_id.clone(),
                name: format!("execute_tool {tool}"),
                kind: 1,
                start_time_unix_nano: t + latency / 8,
                end_time_unix_nano: t + latency / 4,
                attributes: attrs,
                status: Some(Status {
                    code: if *failed {
                        status::StatusCode::Error
                    } else {
                        status::StatusCode::Ok
                    } as i32,
                    message: if *failed {
                        "HTTP 503 Service Unavailable".into()
                    } else {
                        String::new()
                    },
                }),
                ..Default::default()
            });
        }
        spans.push(Span {
            trace_id,
            span_id: root_id,
            name: format!("invoke_agent {}", session.workflow),
            kind: 1,
            start_time_unix_nano: t,
            end_time_unix_nano: end,
            attributes: root_attrs,
            ..Default::default()
        });
        t = end + SEC;
    }
    spans
}

/// Sessions as one OTLP request, one resource per (workflow, version).
pub fn request(sessions: &[Session], first_n: u64, stamped: bool) -> ExportTraceServiceRequest {
    let mut out: Vec<ResourceSpans> = Vec::new();
    for (i, session) in sessions.iter().enumerate() {
        let spans = spans(session, first_n + i as u64, stamped);
        let res = out.iter_mut().find(|r| {
            r.resource.as_ref().is_some_and(|res| {
                res.attributes.iter().any(|a| {
                    a.key == "service.version"
                        && a.value.as_ref().and_then(|v| v.value.as_ref())
                            == Some(&s(&session.version))
                }) && res.attributes.iter().any(|a| {
                    a.key == "service.name"
                        && a.value.as_ref().and_then(|v| v.value.as_ref())
                            == Some(&s(&session.workflow))
                })
            })
        });
        match res {
            Some(r) => r.scope_spans[0].spans.extend(spans),
            None => out.push(ResourceSpans {
                resource: Some(Resource {
                    attributes: vec![
                        kv("service.name", s(&session.workflow)),
                        kv("service.version", s(&session.version)),
                    ],
                    ..Default::default()
                }),
                scope_spans: vec![ScopeSpans {
                    spans,
                    ..Default::default()
                }],
                ..Default::default()
            }),
        }
    }
    ExportTraceServiceRequest {
        resource_spans: out,
    }
}
