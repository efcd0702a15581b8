//! `redaction`: mask credentials (and, on request, personal data) in everything that leaves
//! spotter, keeping the text around them.
//!
//! What is scanned: every string in span attributes, span event and link attributes, span status
//! messages, resource and scope attributes, and log record bodies and attributes, including
//! strings inside arrays and key-value lists. Inside a string, secrets are found wherever they
//! sit: in JSON, in JSON escaped inside JSON (any depth), in URLs and query strings, in HTTP
//! headers and in plain log text. Session summaries that pass through the pipeline have their
//! finding details and outcome reasons redacted too.
//!
//! What is found:
//! - provider keys: OpenAI (`sk-`, `sk-proj-`), Anthropic (`sk-ant-`), AWS access key ids
//!   (`AKIA`, `ASIA`) and secret keys next to their name, GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`,
//!   `ghr_`, `github_pat_`), Slack (`xoxb-`...), Google (`AIza`), Stripe (`sk_live_`, `rk_live_`,
//!   `sk_test_`);
//! - `Bearer`, `Basic` (must decode to `user:password`) and `Token` credentials, passwords in
//!   URLs (`scheme://user:password@host`), JWTs, PEM private key blocks;
//! - values of fields named like secrets (see [`fields`]): `password`, `client_secret`,
//!   `access_token`, `X-Api-Key`... in JSON, query strings, env lines and headers, and whole
//!   attribute values whose key says they are secret (`http.request.header.authorization`);
//! - optionally emails, phone numbers, and card numbers (Luhn-checked, card scheme prefix and
//!   length);
//! - user patterns from the config.
//!
//! Only the secret is replaced, by `[REDACTED:<kind>:<tag>]`; the tag correlates equal secrets
//! (see [`mask`] for how it is computed). Running redaction twice changes nothing. Benign
//! strings are ruled out by one regex-set pass and are neither copied nor reallocated.
//!
//! # Where it goes in a pipeline
//!
//! Put `redaction` after every processor that reads tool arguments, results or messages and
//! before the exporters (and before `batch`, so it works on small batches as they arrive). The
//! tool-intelligence processors need evidence that redaction would blur: an expired credential
//! shows up as `401`, `"invalid_api_key"` or `token expired` next to the key. Redaction keeps
//! status codes and error text and masks only the secret values, but detectors that compare key
//! fingerprints across calls (auth rotation) must see the spans first. A recommended order:
//!
//! ```yaml
//! service:
//!   pipelines:
//!     traces:
//!       receivers: [otlp]
//!       processors: [session, tool_outcome, auth_rot, schema_drift, cost, redaction, batch]
//!       exporters: [otlp]
//! ```
//!
//! Summaries are enriched in pipeline order, so findings written by earlier processors are
//! redacted by this one before they are published.
//!
//! # Options
//!
//! - `salt`: the salt of the mask tags. Set it (for instance `${env:SPOTTER_REDACTION_SALT}`) to
//!   keep tags stable across restarts and instances; unset or empty, a random salt is drawn at
//!   start.
//! - `emails`, `phone_numbers`, `card_numbers`: also mask these (default `false`).
//! - `secret_fields`: more field names whose values are secret (added to the built-in ones:
//!   `password`, `passwd`, `passphrase`, `secret`, `secret_key`, `token`, `api_key`,
//!   `access_key`, `private_key`, `authorization`, `cookie`). Names match case-insensitively,
//!   ignoring `_`, `-` and `.`, at the end of a field name.
//! - `allow_fields`: field names never treated as secret even though they end like one (added to
//!   the built-in tokenizer special tokens such as `eos_token` and pagination cursors such as
//!   `next_page_token`).
//! - `allow_attributes`: attribute keys never scanned at all; `prefix*` matches by prefix.
//! - `patterns`: a list of `{ name, regex }`. A match is masked with kind `name`; when the regex
//!   has a named group `secret`, only that group is masked. Names are lower-case
//!   `[a-z][a-z0-9_]*` and must not reuse a built-in kind.
//!
//! ```yaml
//! processors:
//!   redaction:
//!     salt: ${env:SPOTTER_REDACTION_SALT:-}
//!     emails: true
//!     secret_fields: [session_key]
//!     allow_attributes: [gen_ai.response.id, "session.*"]
//!     patterns:
//!       - { name: acme_key, regex: 'acme_(?P<secret>[0-9a-f]{32})' }
//! ```
//!
//! Metric: `spotter_redactions_total{kind}`, one per mask written (kinds are the built-in ones
//! plus the configured pattern names, so the label set is bounded).

pub mod fields;
pub mod mask;
pub mod patterns;
pub mod scanner;

#[cfg(test)]
mod corpus;

use std::collections::HashSet;
use std::time::Instant;

use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use regex::Regex;
use serde::Deserialize;

use super::Processor;
use crate::config::ConfigError;
use crate::pipeline::{Batch, Payload};
use crate::summary::SessionSummary;
use fields::{Fields, DEFAULT_ALLOWED_FIELDS, DEFAULT_SECRET_FIELDS};
use mask::{Finding, Masker};
use patterns::Kind;
use scanner::{Optional, Scanner, UserPattern};

/// Masks written, by kind.
pub const REDACTIONS: &str = "spotter_redactions_total";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub salt: Option<String>,
    #[serde(default)]
    pub emails: bool,
    #[serde(default)]
    pub phone_numbers: bool,
    #[serde(default)]
    pub card_numbers: bool,
    #[serde(default)]
    pub secret_fields: Vec<String>,
    #[serde(default)]
    pub allow_fields: Vec<String>,
    #[serde(default)]
    pub allow_attributes: Vec<String>,
    #[serde(default)]
    pub patterns: Vec<PatternConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternConfig {
    pub name: String,
    pub regex: String,
}

/// Attribute keys that are never scanned.
#[derive(Debug, Clone, Default)]
struct AllowedAttributes {
    exact: HashSet<String>,
    prefixes: Vec<String>,
}

impl AllowedAttributes {
    fn contains(&self, key: &str) -> bool {
        self.exact.contains(key) || self.prefixes.iter().any(|p| key.starts_with(p.as_str()))
    }
}

pub struct RedactionProcessor {
    id: String,
    scanner: Scanner,
    allowed: AllowedAttributes,
    scratch: Vec<Finding>,
    counts: Vec<u64>,
}

impl RedactionProcessor {
    pub fn new(id: &str, config: Config, path: &str) -> Result<Self, ConfigError> {
        let mut user = Vec::with_capacity(config.patterns.len());
        for (i, p) in config.patterns.into_iter().enumerate() {
            let ppath = format!("{path}.patterns[{i}]");
            let valid_name = p.name.len() <= 40
                && p.name.starts_with(|c: char| c.is_ascii_lowercase())
                && p.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid_name {
                return Err(ConfigError::invalid(
                    format!("{ppath}.name"),
                    format!(
                        "{:?} must be lower-case letters, digits and '_', starting with a letter",
                        p.name
                    ),
                ));
            }
            let taken = Kind::ALL.iter().any(|k| k.label() == p.name)
                || user.iter().any(|u: &UserPattern| u.name == p.name);
            if taken {
                return Err(ConfigError::invalid(
                    format!("{ppath}.name"),
                    format!("{:?} is already used by another pattern", p.name),
                ));
            }
            let regex = Regex::new(&p.regex).map_err(|e| {
                ConfigError::invalid(format!("{ppath}.regex"), format!("invalid regex: {e}"))
            })?;
            if regex.is_match("") {
                return Err(ConfigError::invalid(
                    format!("{ppath}.regex"),
                    "must not match the empty string",
                ));
            }
            user.push(UserPattern {
                name: p.name,
                regex,
            });
        }
        for (list, key) in [
            (&config.secret_fields, "secret_fields"),
            (&config.allow_fields, "allow_fields"),
        ] {
            if let Some(i) = list.iter().position(|n| fields::normalize(n).is_empty()) {
                return Err(ConfigError::invalid(
                    format!("{path}.{key}[{i}]"),
                    "must contain a letter or digit",
                ));
            }
        }
        let fields = Fields::new(
            DEFAULT_SECRET_FIELDS
                .iter()
                .copied()
                .chain(config.secret_fields.iter().map(String::as_str)),
            DEFAULT_ALLOWED_FIELDS
                .iter()
                .copied()
                .chain(config.allow_fields.iter().map(String::as_str)),
        );
        let masker = match config.salt.as_deref() {
            Some(salt) if !salt.is_empty() => Masker::new(salt.as_bytes().to_vec()),
            _ => Masker::random(),
        };
        let optional = Optional {
            emails: config.emails,
            phone_numbers: config.phone_numbers,
            card_numbers: config.card_numbers,
        };
        let scanner = Scanner::new(optional, user, fields, masker);
        let mut allowed = AllowedAttributes::default();
        for key in config.allow_attributes {
            match key.strip_suffix('*') {
                Some(prefix) => allowed.prefixes.push(prefix.to_string()),
                None => {
                    allowed.exact.insert(key);
                }
            }
        }
        let counts = vec![0; scanner.labels().len()];
        Ok(RedactionProcessor {
            id: id.to_string(),
            scanner,
            allowed,
            scratch: Vec::new(),
            counts,
        })
    }

    /// Redact one batch in place.
    pub fn redact_batch(&mut self, batch: &mut Batch) {
        let mut w = Walker {
            scanner: &self.scanner,
            allowed: &self.allowed,
            scratch: &mut self.scratch,
            counts: &mut self.counts,
        };
        match batch.payload_mut() {
            Payload::Traces(req) => {
                for rs in &mut req.resource_spans {
                    if let Some(r) = rs.resource.as_mut() {
                        w.attributes(&mut r.attributes);
                    }
                    for ss in &mut rs.scope_spans {
                        if let Some(s) = ss.scope.as_mut() {
                            w.attributes(&mut s.attributes);
                        }
                        for span in &mut ss.spans {
                            w.attributes(&mut span.attributes);
                            for e in &mut span.events {
                                w.attributes(&mut e.attributes);
                            }
                            for l in &mut span.links {
                                w.attributes(&mut l.attributes);
                            }
                            if let Some(st) = span.status.as_mut() {
                                w.text(&mut st.message);
                            }
                        }
                    }
                }
            }
            Payload::Logs(req) => {
                for rl in &mut req.resource_logs {
                    if let Some(r) = rl.resource.as_mut() {
                        w.attributes(&mut r.attributes);
                    }
                    for sl in &mut rl.scope_logs {
                        if let Some(s) = sl.scope.as_mut() {
                            w.attributes(&mut s.attributes);
                        }
                        for rec in &mut sl.log_records {
                            w.attributes(&mut rec.attributes);
                            if let Some(body) = rec.body.as_mut() {
                                w.value(body, false);
                            }
                        }
                    }
                }
            }
        }
        self.flush_counts();
    }

    fn flush_counts(&mut self) {
        for (label, n) in self.scanner.labels().iter().zip(self.counts.iter_mut()) {
            if *n > 0 {
                metrics::counter!(REDACTIONS, "kind" => label.clone()).increment(*n);
                *n = 0;
            }
        }
    }
}

/// Walks OTLP values with the scanner and the per-batch scratch space.
struct Walker<'a> {
    scanner: &'a Scanner,
    allowed: &'a AllowedAttributes,
    scratch: &'a mut Vec<Finding>,
    counts: &'a mut [u64],
}

impl Walker<'_> {
    fn attributes(&mut self, attrs: &mut [KeyValue]) {
        for kv in attrs {
            if self.allowed.contains(&kv.key) {
                continue;
            }
            let whole = self.scanner.fields().is_secret(&kv.key);
            if let Some(v) = kv.value.as_mut() {
                self.value(v, whole);
            }
        }
    }

    /// Redact a value; `whole` masks every string in it entirely (its key names a secret).
    fn value(&mut self, v: &mut AnyValue, whole: bool) {
        match v.value.as_mut() {
            Some(any_value::Value::StringValue(s)) => {
                if whole {
                    if let Some(new) = self.scanner.redact_whole(s, self.counts) {
                        *s = new;
                    }
                } else {
                    self.text(s);
                }
            }
            Some(any_value::Value::ArrayValue(a)) => {
                for item in &mut a.values {
                    self.value(item, whole);
                }
            }
            Some(any_value::Value::KvlistValue(kl)) => {
                for kv in &mut kl.values {
                    let nested = whole || self.scanner.fields().is_secret(&kv.key);
                    if let Some(v) = kv.value.as_mut() {
                        self.value(v, nested);
                    }
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, s: &mut String) {
        if let Some(new) = self.scanner.redact(s, self.scratch, self.counts) {
            *s = new;
        }
    }
}

impl Processor for RedactionProcessor {
    fn id(&self) -> &str {
        &self.id
    }

    fn process(&mut self, mut batch: Batch, _now: Instant, out: &mut Vec<Batch>) {
        self.redact_batch(&mut batch);
        out.push(batch);
    }

    fn enrich_summary(&mut self, summary: &mut SessionSummary) {
        let mut w = Walker {
            scanner: &self.scanner,
            allowed: &self.allowed,
            scratch: &mut self.scratch,
            counts: &mut self.counts,
        };
        for f in &mut summary.findings {
            w.text(&mut f.detail);
        }
        for r in &mut summary.outcome_reasons {
            w.text(r);
        }
        self.flush_counts();
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
    use opentelemetry_proto::tonic::common::v1::{ArrayValue, KeyValueList};
    use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
    use opentelemetry_proto::tonic::trace::v1::span::Event;
    use opentelemetry_proto::tonic::trace::v1::Status;

    use super::*;
    use crate::pipeline::testing::{kv, trace_batch};

    fn processor(yaml: &str) -> RedactionProcessor {
        let cfg: Config = serde_yaml::from_str(yaml).unwrap();
        RedactionProcessor::new("redaction", cfg, "processors.redaction").unwrap()
    }

    fn string<'a>(attrs: &'a [KeyValue], key: &str) -> &'a str {
        match attrs
            .iter()
            .find(|kv| kv.key == key)
            .and_then(|kv| kv.value.as_ref()?.value.as_ref())
        {
            Some(any_value::Value::StringValue(s)) => s,
            other => panic!("{key}: {other:?}"),
        }
    }

    const KEY: &str = "sk-proj-Qw3rTy7UiOp1AsDf5GhJk9Lz";

    #[test]
    fn spans_events_status_and_resource_are_redacted() {
        let mut p = processor("salt: fixed");
        let now = Instant::now();
        let mut batch = trace_batch(1, now);
        let Payload::Traces(req) = batch.payload_mut() else {
            unreachable!()
        };
        let rs = &mut req.resource_spans[0];
        rs.resource
            .as_mut()
            .unwrap()
            .attributes
            .push(kv("deploy.token", "plain-deploy-token"));
        let span = &mut rs.scope_spans[0].spans[0];
        span.attributes.push(kv(
            "gen_ai.tool.call.arguments",
            &format!(r#"{{"query":"orders","api_key":"{KEY}"}}"#),
        ));
        span.attributes.push(kv("gen_ai.tool.name", "lookup_order"));
        span.events.push(Event {
            name: "exception".into(),
            attributes: vec![kv(
                "exception.message",
                &format!("401 Unauthorized: Incorrect API key provided: {KEY}"),
            )],
            ..Default::default()
        });
        span.status = Some(Status {
            message: format!("request to https://x/?key={KEY} failed"),
            code: 2,
        });
        let mut out = Vec::new();
        p.process(batch, now, &mut out);
        let Payload::Traces(req) = out[0].payload() else {
            unreachable!()
        };
        let rs = &req.resource_spans[0];
        let res = &rs.resource.as_ref().unwrap().attributes;
        assert!(string(res, "deploy.token").starts_with("[REDACTED:secret_field:"));
        assert_eq!(string(res, "service.name"), "test");
        let span = &rs.scope_spans[0].spans[0];
        let args = string(&span.attributes, "gen_ai.tool.call.arguments");
        assert!(
            args.starts_with(r#"{"query":"orders","api_key":"[REDACTED:openai_key:"#),
            "{args}"
        );
        assert_eq!(string(&span.attributes, "gen_ai.tool.name"), "lookup_order");
        let msg = string(&span.events[0].attributes, "exception.message");
        assert!(
            msg.starts_with("401 Unauthorized: Incorrect API key provided: [REDACTED:openai_key:"),
            "{msg}"
        );
        let status = &span.status.as_ref().unwrap().message;
        assert!(
            status.ends_with("] failed") && !status.contains(KEY),
            "{status}"
        );
        // equal secrets carry equal tags
        let tag = |s: &str| s.split("openai_key:").nth(1).unwrap()[..4].to_string();
        assert_eq!(tag(args), tag(msg));
    }

    #[test]
    fn log_bodies_and_nested_lists_are_redacted() {
        let mut p = processor("");
        let body = AnyValue {
            value: Some(any_value::Value::KvlistValue(KeyValueList {
                values: vec![
                    kv("msg", &format!("calling with Bearer {KEY}")),
                    kv("password", "hunter2"),
                    KeyValue {
                        key: "headers".into(),
                        value: Some(AnyValue {
                            value: Some(any_value::Value::ArrayValue(ArrayValue {
                                values: vec![AnyValue {
                                    value: Some(any_value::Value::StringValue(
                                        "Cookie: sid=abc123".into(),
                                    )),
                                }],
                            })),
                        }),
                        ..Default::default()
                    },
                ],
            })),
        };
        let req = ExportLogsServiceRequest {
            resource_logs: vec![ResourceLogs {
                scope_logs: vec![ScopeLogs {
                    log_records: vec![LogRecord {
                        body: Some(body),
                        attributes: vec![kv("user.email", "a@b.example")],
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        };
        let mut batch = Batch::logs(req, Instant::now());
        p.redact_batch(&mut batch);
        let Payload::Logs(req) = batch.payload() else {
            unreachable!()
        };
        let rec = &req.resource_logs[0].scope_logs[0].log_records[0];
        let Some(any_value::Value::KvlistValue(kl)) = &rec.body.as_ref().unwrap().value else {
            panic!()
        };
        assert!(string(&kl.values, "msg").starts_with("calling with Bearer [REDACTED:openai_key:"));
        assert!(string(&kl.values, "password").starts_with("[REDACTED:secret_field:"));
        let Some(any_value::Value::ArrayValue(a)) = &kl.values[2].value.as_ref().unwrap().value
        else {
            panic!()
        };
        let Some(any_value::Value::StringValue(h)) = &a.values[0].value else {
            panic!()
        };
        assert!(h.starts_with("Cookie: [REDACTED:secret_field:"), "{h}");
        // emails are off by default
        assert_eq!(string(&rec.attributes, "user.email"), "a@b.example");
    }

    #[test]
    fn allow_listed_attributes_are_not_scanned() {
        let mut p = processor("allow_attributes: [debug.raw, \"fixture.*\"]");
        let mut batch = trace_batch(1, Instant::now());
        let span = &mut batch.traces_mut().unwrap().resource_spans[0].scope_spans[0].spans[0];
        span.attributes.push(kv("debug.raw", KEY));
        span.attributes.push(kv("fixture.token", KEY));
        span.attributes.push(kv("other", KEY));
        p.redact_batch(&mut batch);
        let span = &batch.traces_mut().unwrap().resource_spans[0].scope_spans[0].spans[0];
        assert_eq!(string(&span.attributes, "debug.raw"), KEY);
        assert_eq!(string(&span.attributes, "fixture.token"), KEY);
        assert_ne!(string(&span.attributes, "other"), KEY);
    }

    #[test]
    fn summaries_lose_secrets_in_finding_details() {
        let mut p = processor("");
        let mut summary = SessionSummary {
            findings: vec![crate::summary::Finding {
                kind: "auth_rot".into(),
                first_turn: 2,
                tool: Some("github".into()),
                detail: "401 Bad credentials with ghp_aBcD1234EfGh5678IjKl9012MnOp3456QrSt".into(),
            }],
            ..Default::default()
        };
        p.enrich_summary(&mut summary);
        let d = &summary.findings[0].detail;
        assert!(
            d.starts_with("401 Bad credentials with [REDACTED:github_token:"),
            "{d}"
        );
    }

    #[test]
    fn config_errors_name_the_key_path() {
        let bad = [
            (
                "patterns: [{ name: Bad-Name, regex: x }]",
                "processors.redaction.patterns[0].name",
            ),
            (
                "patterns: [{ name: jwt, regex: x }]",
                "processors.redaction.patterns[0].name",
            ),
            (
                "patterns: [{ name: ok, regex: '(' }]",
                "processors.redaction.patterns[0].regex",
            ),
            (
                "patterns: [{ name: ok, regex: 'a*' }]",
                "processors.redaction.patterns[0].regex",
            ),
            (
                "secret_fields: [ok, '--']",
                "processors.redaction.secret_fields[1]",
            ),
        ];
        for (yaml, path) in bad {
            let cfg: Config = serde_yaml::from_str(yaml).unwrap();
            let err = RedactionProcessor::new("redaction", cfg, "processors.redaction")
                .err()
                .unwrap_or_else(|| panic!("{yaml} was accepted"));
            assert!(err.to_string().starts_with(path), "{yaml}: {err}");
        }
        let unknown = serde_yaml::from_str::<Config>("emails: true\nphones: true\n");
        assert!(unknown.is_err());
    }

    #[test]
    fn registered_in_build() {
        let yaml: serde_yaml::Value = serde_yaml::from_str("card_numbers: true").unwrap();
        let p =
            crate::processor::build("redaction/pii", &yaml, "processors.redaction/pii").unwrap();
        assert_eq!(p.id(), "redaction/pii");
    }
}
