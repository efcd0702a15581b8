//! The `session` processor's YAML options and their resolved form.

use std::time::Duration;

use regex::Regex;
use serde::Deserialize;

use crate::config::{ConfigError, DurationStr};
use crate::semconv::keys::{langfuse, openinference as oi, otel, traceloop as tl, vendor};
use crate::semconv::SpanView;

/// What to do with a trace whose session is still unknown when its wait is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fallback {
    /// One trace is one session: the trace id (hex) becomes the session id.
    TraceId,
    /// Leave the spans without a session.
    None,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// How long spans of a trace are held after its first span arrived, so that the trace's
    /// session can be found on a later span (a parent exported last) and its turn ordered among
    /// the session's other traces. `0s` releases at once.
    pub wait: DurationStr,
    /// Attribute keys that name a session for agents that send no recognised session id; tried
    /// after every convention's keys, span then resource.
    pub session_from: Vec<String>,
    /// When no session id is found: `trace_id` (default) or `none`.
    pub fallback: Fallback,
    /// A session ends after this long without spans.
    pub inactivity_timeout: DurationStr,
    /// Most sessions tracked at once; the least recently active is ended (`evicted`) beyond.
    pub max_sessions: usize,
    /// Most traces remembered (trace → session and turn); held traces are released early when
    /// evicted.
    pub max_traces: usize,
    /// Most spans held back at once; the oldest traces are released early beyond.
    pub max_held_spans: usize,
    /// How `spotter.workflow` is chosen.
    pub workflow: WorkflowConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            wait: DurationStr(Duration::from_secs(2)),
            session_from: Vec::new(),
            fallback: Fallback::TraceId,
            inactivity_timeout: DurationStr(Duration::from_secs(300)),
            max_sessions: 10_000,
            max_traces: 100_000,
            max_held_spans: 200_000,
            workflow: WorkflowConfig::default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkflowConfig {
    /// The workflow of sessions no rule matches.
    pub default: String,
    /// Rules, first match wins. When absent, the built-in rules read the conventions' workflow
    /// keys, then the agent name, then the resource's `service.name`.
    pub rules: Option<Vec<RuleConfig>>,
}

impl Default for WorkflowConfig {
    fn default() -> Self {
        WorkflowConfig {
            default: "default".to_string(),
            rules: None,
        }
    }
}

/// One workflow rule: where to look, an optional pattern, and the name to give.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RuleConfig {
    /// An attribute key, read on the trace's spans (root first) and then their resource.
    pub attribute: Option<String>,
    /// Match the root span's name instead of an attribute.
    pub root_span_name: bool,
    /// A regular expression the value must match; absent means any non-empty value.
    pub matches: Option<String>,
    /// The workflow to give; `$1`-style captures of `matches` are expanded. Absent means the
    /// value itself.
    pub name: Option<String>,
}

/// Where a resolved rule looks.
#[derive(Debug, Clone)]
pub(super) enum RuleSource {
    Attribute(String),
    AgentName,
    RootSpanName,
}

#[derive(Debug, Clone)]
pub(super) struct Rule {
    pub source: RuleSource,
    pub pattern: Option<Regex>,
    pub name: Option<String>,
}

impl Rule {
    /// The workflow this rule gives for `value`, if it matches.
    pub fn apply(&self, value: &str) -> Option<String> {
        let value = value.trim();
        if value.is_empty() || value.starts_with("unknown_service") {
            return None;
        }
        match (&self.pattern, &self.name) {
            (None, None) => Some(value.to_string()),
            (None, Some(name)) => Some(name.clone()),
            (Some(re), name) => {
                let caps = re.captures(value)?;
                Some(match name {
                    Some(template) => {
                        let mut out = String::new();
                        caps.expand(template, &mut out);
                        out
                    }
                    None => value.to_string(),
                })
            }
        }
    }

    /// The value this rule reads from a span, if any.
    pub fn read<'a>(&self, view: &SpanView<'a>) -> Option<&'a str> {
        match &self.source {
            RuleSource::Attribute(key) => view.str_attr(key),
            RuleSource::AgentName => view.agent_name(),
            RuleSource::RootSpanName => view.is_root().then(|| view.name()),
        }
    }
}

/// Options after validation.
#[derive(Debug, Clone)]
pub(super) struct Resolved {
    pub wait: Duration,
    pub session_from: Vec<String>,
    pub fallback: Fallback,
    pub inactivity_timeout: Duration,
    pub max_sessions: usize,
    pub max_traces: usize,
    pub max_held_spans: usize,
    pub default_workflow: String,
    pub rules: Vec<Rule>,
}

fn builtin_rules() -> Vec<Rule> {
    let attr = |k: &str| Rule {
        source: RuleSource::Attribute(k.to_string()),
        pattern: None,
        name: None,
    };
    vec![
        attr(langfuse::TRACE_NAME),
        attr(otel::GEN_AI_WORKFLOW_NAME),
        attr(tl::WORKFLOW_NAME),
        attr(vendor::AI_TELEMETRY_FUNCTION_ID),
        Rule {
            source: RuleSource::AgentName,
            pattern: None,
            name: None,
        },
        attr(oi::AGENT_NAME),
        attr(otel::SERVICE_NAME),
    ]
}

impl Config {
    pub(super) fn resolve(self, path: &str) -> Result<Resolved, ConfigError> {
        for (name, value) in [
            ("max_sessions", self.max_sessions),
            ("max_traces", self.max_traces),
            ("max_held_spans", self.max_held_spans),
        ] {
            if value == 0 {
                return Err(ConfigError::invalid(
                    format!("{path}.{name}"),
                    "must be at least 1",
                ));
            }
        }
        if self.inactivity_timeout.0.is_zero() {
            return Err(ConfigError::invalid(
                format!("{path}.inactivity_timeout"),
                "must be longer than 0s",
            ));
        }
        let rules = match self.workflow.rules {
            None => builtin_rules(),
            Some(rules) => rules
                .into_iter()
                .enumerate()
                .map(|(i, r)| resolve_rule(r, &format!("{path}.workflow.rules[{i}]")))
                .collect::<Result<_, _>>()?,
        };
        Ok(Resolved {
            wait: self.wait.0,
            session_from: self.session_from,
            fallback: self.fallback,
            inactivity_timeout: self.inactivity_timeout.0,
            max_sessions: self.max_sessions,
            max_traces: self.max_traces,
            max_held_spans: self.max_held_spans,
            default_workflow: self.workflow.default,
            rules,
        })
    }
}

fn resolve_rule(r: RuleConfig, path: &str) -> Result<Rule, ConfigError> {
    let source = match (r.attribute, r.root_span_name) {
        (Some(key), false) if !key.is_empty() => RuleSource::Attribute(key),
        (None, true) => RuleSource::RootSpanName,
        _ => {
            return Err(ConfigError::invalid(
                path,
                "a rule needs exactly one of `attribute` or `root_span_name: true`",
            ))
        }
    };
    let pattern = r
        .matches
        .map(|m| {
            Regex::new(&m).map_err(|e| {
                ConfigError::invalid(format!("{path}.matches"), format!("invalid regex: {e}"))
            })
        })
        .transpose()?;
    Ok(Rule {
        source,
        pattern,
        name: r.name,
    })
}
