//! Outcome classes of a tool call and the classifier that assigns them.
//!
//! The classifier is pure: it takes a [`CallEvidence`] (span status, exception messages,
//! `error.type`, an HTTP status attribute, the parsed result) and returns a [`Verdict`]. Evidence
//! is weighed in a fixed order:
//! 1. the span's own failure signals: status `ERROR`, `exception` events, `error.type`, an HTTP
//!    status attribute of 400 or more. When any is present the call failed for sure, and the
//!    class comes from status codes, then error codes, then message patterns;
//! 2. status codes and error objects inside a JSON result, at any object depth ([`json`]);
//! 3. error text in a plain-text or HTML result ([`text`]);
//! 4. a result missing fields its learned schema always had (`schema_mismatch`, decided by
//!    `schema_drift`), then an empty result where the tool usually returns data (`empty`).
//!
//! The class rules (status codes, error codes, message patterns per class) live in a
//! [`rules::Ruleset`] that users extend from YAML; their rules take precedence over the built-in
//! ones at each evidence kind.

pub mod json;
pub mod rules;
pub mod text;
pub mod warnings;
pub mod xml;

use serde::Deserialize;

pub use rules::{RuleConfig, Ruleset};

use super::result::ParsedResult;

/// The class of a tool call's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Auth,
    RateLimited,
    Timeout,
    Network,
    NotFound,
    BadRequest,
    ServerError,
    SchemaMismatch,
    Empty,
    Error,
}

impl Outcome {
    pub const ALL: [Outcome; 11] = [
        Outcome::Ok,
        Outcome::Auth,
        Outcome::RateLimited,
        Outcome::Timeout,
        Outcome::Network,
        Outcome::NotFound,
        Outcome::BadRequest,
        Outcome::ServerError,
        Outcome::SchemaMismatch,
        Outcome::Empty,
        Outcome::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Auth => "auth",
            Outcome::RateLimited => "rate_limited",
            Outcome::Timeout => "timeout",
            Outcome::Network => "network",
            Outcome::NotFound => "not_found",
            Outcome::BadRequest => "bad_request",
            Outcome::ServerError => "server_error",
            Outcome::SchemaMismatch => "schema_mismatch",
            Outcome::Empty => "empty",
            Outcome::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }

    pub fn is_ok(self) -> bool {
        self == Outcome::Ok
    }

    /// A hard failure: the call itself did not work. `schema_mismatch` and `empty` are soft:
    /// the call returned, but not the data the agent expects.
    pub fn is_hard_failure(self) -> bool {
        !matches!(self, Outcome::Ok | Outcome::SchemaMismatch | Outcome::Empty)
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What is known about one tool call, gathered from its span by the caller.
#[derive(Debug, Default, Clone)]
pub struct CallEvidence<'a> {
    /// The span status is `ERROR` (or the convention's equivalent level).
    pub status_error: bool,
    pub status_message: Option<&'a str>,
    /// `exception.type` and `exception.message` of `exception` events.
    pub exceptions: Vec<&'a str>,
    /// `error.type`.
    pub error_type: Option<&'a str>,
    /// `http.response.status_code` on the tool span.
    pub http_status: Option<i64>,
    /// The tool's name: a tool that checks the state of something reports that state
    /// ([`reports_state`]).
    pub tool: Option<&'a str>,
    /// The tool result, parsed once per span.
    pub result: Option<&'a ParsedResult>,
    /// Fields the tool's learned schema always had that this result lacks (from `schema_drift`).
    pub schema_missing: Option<&'a str>,
    /// Whether this tool usually returns data (so an empty result is suspicious).
    pub usually_returns_data: bool,
}

/// The classifier's answer for one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub outcome: Outcome,
    /// A short machine-friendly type: an error code, `http_401`, `error.type`, or the class.
    pub error_type: Option<String>,
    /// The human-readable evidence, untruncated (the processor truncates on write).
    pub detail: Option<String>,
}

impl Verdict {
    pub fn ok() -> Self {
        Verdict {
            outcome: Outcome::Ok,
            error_type: None,
            detail: None,
        }
    }
}

/// Evidence of a failure found in one place, before it is given a class.
#[derive(Debug, Default, Clone)]
pub struct FailureSignal {
    /// HTTP-like or gRPC status numbers found with the failure.
    pub statuses: Vec<i64>,
    /// Numeric gRPC codes (1..=16), kept apart from HTTP statuses.
    pub grpc_codes: Vec<i64>,
    /// Error codes (`UNAUTHENTICATED`, `invalid_token`, `ECONNREFUSED`...).
    pub codes: Vec<String>,
    /// Messages that explain the failure.
    pub messages: Vec<String>,
}

impl FailureSignal {
    fn merge(&mut self, other: FailureSignal) {
        self.statuses.extend(other.statuses);
        self.grpc_codes.extend(other.grpc_codes);
        self.codes.extend(other.codes);
        self.messages.extend(other.messages);
    }

    fn detail(&self) -> Option<String> {
        let mut parts: Vec<String> = Vec::new();
        for m in &self.messages {
            let m = m.trim();
            if !m.is_empty() && !parts.iter().any(|p| p == m) {
                parts.push(m.to_string());
            }
        }
        if parts.is_empty() {
            if let Some(s) = self.statuses.first() {
                return Some(format!("status {s}"));
            }
            return self.codes.first().cloned();
        }
        Some(parts.join("; "))
    }

    fn error_type(&self) -> Option<String> {
        if let Some(s) = self.statuses.first() {
            return Some(format!("http_{s}"));
        }
        self.codes.first().cloned()
    }
}

/// Classifies tool calls with a rule table.
#[derive(Debug, Clone, Default)]
pub struct Classifier {
    rules: Ruleset,
}

impl Classifier {
    pub fn new(rules: Ruleset) -> Self {
        Classifier { rules }
    }

    pub fn rules(&self) -> &Ruleset {
        &self.rules
    }

    /// Classify one call.
    pub fn classify(&self, ev: &CallEvidence<'_>) -> Verdict {
        let span_failed = ev.status_error
            || !ev.exceptions.is_empty()
            || ev.error_type.is_some()
            || ev.http_status.is_some_and(|s| s >= 400);
        let report = ev.tool.is_some_and(reports_state);
        let result_signal = ev.result.and_then(|r| self.result_signal(r, report));

        if span_failed {
            let mut signal = FailureSignal::default();
            if let Some(s) = ev.http_status.filter(|s| *s >= 400) {
                signal.statuses.push(s);
            }
            for m in ev.status_message.iter().chain(ev.exceptions.iter()) {
                if !m.contains(char::is_whitespace) {
                    signal.codes.push((*m).to_string());
                }
                signal.messages.push((*m).to_string());
                signal.statuses.extend(text::status_numbers(m));
                // An exception that quotes the response body: the body says what failed.
                if let Some(body) = json::evidence_in_text(m) {
                    signal.merge(body);
                }
            }
            if let Some(t) = ev.error_type {
                signal.codes.push(t.to_string());
            }
            if let Some(r) = result_signal {
                signal.merge(r);
            }
            return self.verdict_for(signal);
        }
        if let Some(signal) = result_signal {
            return self.verdict_for(signal);
        }
        if let Some(missing) = ev.schema_missing {
            return Verdict {
                outcome: Outcome::SchemaMismatch,
                error_type: Some("schema_mismatch".to_string()),
                detail: Some(format!("missing {missing}")),
            };
        }
        if ev.usually_returns_data && ev.result.is_some_and(|r| r.is_empty()) {
            return Verdict {
                outcome: Outcome::Empty,
                error_type: Some("empty".to_string()),
                detail: Some("empty result".to_string()),
            };
        }
        Verdict::ok()
    }

    /// A failure signal inside the result, JSON or text. `report`: the tool reports the state
    /// of something, so its flags and statuses are that state ([`json::failure_signal`]).
    fn result_signal(&self, result: &ParsedResult, report: bool) -> Option<FailureSignal> {
        let outer = match result.json() {
            Some(value) => json::failure_signal(value, &self.rules, report),
            None if result.inner().is_some() => None,
            None => text::failure_signal(result.text()),
        };
        let inner = result.inner();
        match outer {
            // An MCP error (`isError: true`) whose text is the service's own error body
            // (`{"code": 20003, "message": "Authenticate", "status": 401}`): that body's
            // statuses and codes say what failed.
            Some(mut signal) => {
                if let Some(body) = inner.and_then(|i| i.json.as_ref()).and_then(json::evidence) {
                    json::merge_front(&mut signal, body);
                }
                Some(signal)
            }
            // The data inside an MCP envelope or a JSON string states its own failures; an
            // empty body with coded warnings failed for the warnings' reason.
            None => inner
                .and_then(|inner| match &inner.json {
                    Some(value) => json::failure_signal(value, &self.rules, report),
                    None => text::failure_signal(&inner.text),
                })
                .or_else(|| warnings::failure_signal(result.payload()?)),
        }
    }

    /// Give a failure its class: statuses first, then codes, then message patterns. A generic
    /// bad request (400) whose own code or message says the credential was refused
    /// (Firebase's `{"code": 400, "message": "TOKEN_EXPIRED"}`) is that refusal: the status
    /// only says the request was not accepted, the reason says why.
    fn verdict_for(&self, signal: FailureSignal) -> Verdict {
        let by_reason = || {
            signal
                .codes
                .iter()
                .find_map(|c| self.rules.class_of_code(c))
                .or_else(|| {
                    signal
                        .codes
                        .iter()
                        .chain(signal.messages.iter())
                        .find_map(|m| self.rules.class_of_text(m))
                })
        };
        let outcome = signal
            .statuses
            .iter()
            .find_map(|s| self.rules.class_of_status(*s))
            .or_else(|| {
                signal
                    .grpc_codes
                    .iter()
                    .find_map(|c| rules::class_of_grpc_number(*c))
            })
            .or_else(by_reason)
            .unwrap_or(Outcome::Error);
        // A denial of one resource sent as 400 (AWS `AccessDeniedException`) stays what its
        // status says: the credential was accepted.
        let denial = || signal.codes.iter().any(|c| rules::is_denial_code(c));
        let outcome = match outcome {
            Outcome::BadRequest if by_reason() == Some(Outcome::Auth) && !denial() => Outcome::Auth,
            other => other,
        };
        Verdict {
            outcome,
            error_type: signal.error_type().or_else(|| Some(outcome.to_string())),
            detail: signal.detail(),
        }
    }
}

/// A tool whose job is to check the state of a system and report it: a health check, a ping,
/// a probe, a link or uptime check (`check_health`, `ping_host`, `probe_endpoint`,
/// `check_links`, `service_healthcheck`). Its `ok: false`, `healthy: false` or `status: 503` is
/// the state it found, which is data (so is its `error` member: `"disk full"`, `"queue backlog"`);
/// only what says the *check itself* failed (MCP `isError`, a failure about the caller's
/// credentials or quota, the span's own status) is a failure.
pub fn reports_state(tool: &str) -> bool {
    const CHECKS: &[&str] = &[
        "health",
        "healthcheck",
        "healthz",
        "ping",
        "probe",
        "uptime",
        "heartbeat",
        "liveness",
        "readiness",
    ];
    // `check_links`, `test_connection`, `verify_endpoint`: a check of a system, whose failures
    // look like errors (`connection refused`, 503). `check_availability` or `check_eligibility`
    // report business state and keep the ordinary rules.
    const SYSTEMS: &[&str] = &[
        "link",
        "url",
        "endpoint",
        "service",
        "site",
        "website",
        "host",
        "server",
        "connection",
        "connectivity",
        "dns",
        "port",
        "api",
        "status",
        "system",
        "dependency",
        "dependencies",
        "integration",
        "database",
        "db",
    ];
    let is = |w: &str, list: &[&str]| {
        let singular = w.strip_suffix(['s', 'S']).unwrap_or(w);
        list.iter()
            .any(|x| x.eq_ignore_ascii_case(w) || x.eq_ignore_ascii_case(singular))
    };
    if words(tool).any(|w| is(w, CHECKS))
        || tool
            .as_bytes()
            .windows(11)
            .any(|b| b.eq_ignore_ascii_case(b"healthcheck"))
    {
        return true;
    }
    let mut ws = words(tool);
    ws.next()
        .is_some_and(|w| is(w, &["check", "test", "verify"]))
        && ws.any(|w| is(w, SYSTEMS))
}

/// The words of a name in `snake_case`, `kebab-case`, `dotted.names` or `camelCase`, without
/// allocating (this runs for every tool call).
fn words(name: &str) -> impl Iterator<Item = &str> {
    let bytes = name.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        i += 1;
        while i < bytes.len()
            && bytes[i].is_ascii_alphanumeric()
            && (!bytes[i].is_ascii_uppercase() || bytes[i - 1].is_ascii_uppercase())
        {
            i += 1;
        }
        // Only ASCII bytes were stepped over, so both ends are character boundaries.
        name.get(start..i)
    })
}

/// Cut `s` to at most `max` bytes on a character boundary, marking the cut with `…`.
pub fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod probes;
#[cfg(test)]
mod probes_other_stacks;
#[cfg(test)]
mod tests;
