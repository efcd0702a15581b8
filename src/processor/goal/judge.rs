//! The optional judge: an OpenAI-compatible chat endpoint asked about the turns the rules leave
//! undecided, off the pipeline task.
//!
//! The processor hands questions over a bounded queue ([`Judge::ask`]; full: the turn passes
//! undecided, counted); one task on the service's Tokio runtime posts them to
//! `{endpoint}/chat/completions`, at most `max_concurrency` at a time, each bounded by
//! `timeout`, and sends every outcome back ([`Judge::answers`]), which the processor drains
//! without waiting. No request is retried: a turn waits at most `wait` for its verdict anyway.
//!
//! The prompt asks for a JSON object `{"goal_met": bool, "reason": string}`; the answer is read
//! defensively ([`parse_response`]): the first JSON object in the message content, code fences
//! or prose around it ignored, `goal_met` as a boolean or `"true"`/`"false"`, the reason cut to
//! 200 characters. Anything else is `garbage`, counted, and the turn passes undecided.

use std::fmt;
use std::sync::mpsc as std_mpsc;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use serde::Deserialize;
use serde_json::{json, Value as Json};
use tokio::sync::{mpsc, Semaphore};

use crate::client::{http_client, ClientOptions, HttpClient};
use crate::config::{ConfigError, DurationStr};

/// Counter `{result}`: judge requests by result (`verdict`, `garbage`, `timeout`,
/// `http_error`, `transport`, `queue_full`, `no_runtime`).
pub const JUDGE_REQUESTS_TOTAL: &str = "spotter_goal_judge_requests_total";
/// Counter: turns released without a verdict because the wait expired or the judge failed.
pub const JUDGE_UNDECIDED_TOTAL: &str = "spotter_goal_judge_undecided_total";

/// The largest response body read from the endpoint.
const MAX_RESPONSE_BYTES: usize = 1 << 20;
/// The longest text of a request or answer sent in a prompt.
const MAX_TEXT: usize = 2000;
/// The most tool calls of a turn listed in a prompt.
pub const MAX_TOOLS: usize = 32;

/// `judge:` in the goal processor's options, as written.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JudgeConfig {
    /// Base URL of an OpenAI-compatible API (`http://127.0.0.1:8000/v1`).
    pub endpoint: String,
    pub model: String,
    /// Sent as `Authorization: Bearer`; write `${env:OPENAI_API_KEY}` rather than the key.
    #[serde(default)]
    pub api_key: Option<String>,
    #[serde(default = "default_timeout")]
    pub timeout: DurationStr,
    /// How long a turn the rules left undecided waits for its verdict before it passes.
    #[serde(default = "default_wait")]
    pub wait: DurationStr,
    #[serde(default = "default_concurrency")]
    pub max_concurrency: usize,
    #[serde(default = "default_queue")]
    pub max_queue: usize,
}

impl fmt::Debug for JudgeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JudgeConfig")
            .field("endpoint", &self.endpoint)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .field("wait", &self.wait)
            .field("max_concurrency", &self.max_concurrency)
            .field("max_queue", &self.max_queue)
            .finish()
    }
}

fn default_timeout() -> DurationStr {
    DurationStr(Duration::from_secs(10))
}
fn default_wait() -> DurationStr {
    DurationStr(Duration::from_secs(15))
}
fn default_concurrency() -> usize {
    4
}
fn default_queue() -> usize {
    256
}

/// The judge's checked settings.
#[derive(Clone)]
pub struct Settings {
    /// `{endpoint}/chat/completions`.
    pub url: http::Uri,
    pub model: String,
    api_key: Option<String>,
    pub timeout: Duration,
    pub wait: Duration,
    pub max_concurrency: usize,
    pub max_queue: usize,
}

impl Settings {
    /// Check `judge:` options; errors name the key under `path` (`processors.goal.judge`).
    pub fn resolve(c: &JudgeConfig, path: &str) -> Result<Settings, ConfigError> {
        let base = c.endpoint.trim().trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ConfigError::invalid(
                format!("{path}.endpoint"),
                format!("expected an http:// or https:// URL, got {:?}", c.endpoint),
            ));
        }
        let url: http::Uri = format!("{base}/chat/completions").parse().map_err(|e| {
            ConfigError::invalid(
                format!("{path}.endpoint"),
                format!("invalid URL {:?}: {e}", c.endpoint),
            )
        })?;
        if c.model.trim().is_empty() {
            return Err(ConfigError::invalid(
                format!("{path}.model"),
                "must name a model",
            ));
        }
        for (key, v) in [
            ("max_concurrency", c.max_concurrency),
            ("max_queue", c.max_queue),
        ] {
            if v == 0 {
                return Err(ConfigError::invalid(
                    format!("{path}.{key}"),
                    "must be at least 1",
                ));
            }
        }
        if c.timeout.0.is_zero() {
            return Err(ConfigError::invalid(
                format!("{path}.timeout"),
                "must be more than 0",
            ));
        }
        Ok(Settings {
            url,
            model: c.model.trim().to_string(),
            api_key: c.api_key.clone().filter(|k| !k.trim().is_empty()),
            timeout: c.timeout.0,
            wait: c.wait.0,
            max_concurrency: c.max_concurrency,
            max_queue: c.max_queue,
        })
    }
}

/// One turn put to the judge.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Question {
    /// The user's message of the turn.
    pub request: String,
    /// The turn's tool calls: name and whether it succeeded.
    pub tools: Vec<(String, bool)>,
    /// The turn's final answer.
    pub answer: String,
}

/// The judge's decision on a turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub goal_met: bool,
    pub reason: String,
}

/// Why a question got no verdict.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JudgeError {
    #[error("judge timed out")]
    Timeout,
    #[error("judge answered HTTP {0}")]
    Http(u16),
    #[error("judge unreachable: {0}")]
    Transport(String),
    #[error("judge answer unreadable: {0}")]
    Garbage(String),
}

impl JudgeError {
    /// The `result` label of [`JUDGE_REQUESTS_TOTAL`].
    pub fn label(&self) -> &'static str {
        match self {
            JudgeError::Timeout => "timeout",
            JudgeError::Http(_) => "http_error",
            JudgeError::Transport(_) => "transport",
            JudgeError::Garbage(_) => "garbage",
        }
    }
}

/// The key a question is asked and answered under: (session, turn).
pub type TurnKey = (String, u32);

type Answer = (TurnKey, Result<Verdict, JudgeError>);

/// The processor's end of the judge.
pub struct Judge {
    tx: mpsc::Sender<(TurnKey, Question)>,
    answers: std_mpsc::Receiver<Answer>,
}

impl Judge {
    /// Start the asking task on the current Tokio runtime; `None` (counted) without one.
    pub fn start(settings: Settings) -> Option<Judge> {
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            metrics::counter!(JUDGE_REQUESTS_TOTAL, "result" => "no_runtime").increment(1);
            tracing::warn!("goal judge: no async runtime, the judge is off");
            return None;
        };
        let (tx, rx) = mpsc::channel(settings.max_queue);
        let (answer_tx, answers) = std_mpsc::channel();
        handle.spawn(run(settings, rx, answer_tx));
        Some(Judge { tx, answers })
    }

    /// Queue a question; false (counted) when the queue is full or the task is gone.
    pub fn ask(&self, key: TurnKey, question: Question) -> bool {
        if self.tx.try_send((key, question)).is_err() {
            metrics::counter!(JUDGE_REQUESTS_TOTAL, "result" => "queue_full").increment(1);
            return false;
        }
        true
    }

    /// The answers that arrived since the last call, without waiting.
    pub fn answers(&self) -> Vec<Answer> {
        self.answers.try_iter().collect()
    }
}

async fn run(
    settings: Settings,
    mut rx: mpsc::Receiver<(TurnKey, Question)>,
    answers: std_mpsc::Sender<Answer>,
) {
    let client = http_client(ClientOptions::default());
    let settings = Arc::new(settings);
    let permits = Arc::new(Semaphore::new(settings.max_concurrency));
    while let Some((key, question)) = rx.recv().await {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            break;
        };
        let (client, settings, answers) = (client.clone(), settings.clone(), answers.clone());
        tokio::spawn(async move {
            let result = ask(&client, &settings, &question).await;
            let label = match &result {
                Ok(_) => "verdict",
                Err(e) => {
                    tracing::debug!(error = %e, "goal judge gave no verdict");
                    e.label()
                }
            };
            metrics::counter!(JUDGE_REQUESTS_TOTAL, "result" => label).increment(1);
            let _ = answers.send((key, result));
            drop(permit);
        });
    }
}

async fn ask(
    client: &HttpClient,
    settings: &Settings,
    question: &Question,
) -> Result<Verdict, JudgeError> {
    let body = serde_json::to_vec(&request_body(&settings.model, question))
        .map_err(|e| JudgeError::Transport(e.to_string()))?;
    let mut req = http::Request::post(settings.url.clone())
        .header(http::header::CONTENT_TYPE, "application/json");
    if let Some(key) = &settings.api_key {
        req = req.header(http::header::AUTHORIZATION, format!("Bearer {key}"));
    }
    let req = req
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| JudgeError::Transport(e.to_string()))?;
    let exchange = async {
        let resp = client
            .request(req)
            .await
            .map_err(|e| JudgeError::Transport(e.to_string()))?;
        let status = resp.status();
        let body = Limited::new(resp.into_body(), MAX_RESPONSE_BYTES)
            .collect()
            .await
            .map_err(|e| JudgeError::Transport(e.to_string()))?
            .to_bytes();
        if !status.is_success() {
            return Err(JudgeError::Http(status.as_u16()));
        }
        parse_response(&body)
    };
    tokio::time::timeout(settings.timeout, exchange)
        .await
        .unwrap_or(Err(JudgeError::Timeout))
}

const SYSTEM_PROMPT: &str = "You review one turn of an AI agent's conversation and decide whether \
the agent did what the user asked. The goal is NOT met when the user asked for an action with a \
side effect (book, schedule, send, cancel, refund, create, update, delete, pay, restart, approve, \
export...) and no successful tool call performed it, or when the agent's answer claims such an \
action was done while no successful tool call did it. Tools that only read (get, list, search, \
fetch, check) never perform an action. A failed action the answer honestly reports is still not \
met. A question answered correctly, or an action performed by a successful tool call, is met. \
Reply with only a JSON object: {\"goal_met\": true or false, \"reason\": \"one short sentence\"}.";

/// The chat completion request for one question.
pub fn request_body(model: &str, q: &Question) -> Json {
    let tools: Vec<Json> = q
        .tools
        .iter()
        .take(MAX_TOOLS)
        .map(|(name, ok)| json!({"tool": name, "succeeded": ok}))
        .collect();
    let turn = json!({
        "user_request": cut(&q.request, MAX_TEXT),
        "tool_calls": tools,
        "agent_answer": cut(&q.answer, MAX_TEXT),
    });
    json!({
        "model": model,
        "temperature": 0,
        "max_tokens": 200,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": turn.to_string()},
        ],
    })
}

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// The verdict in a chat completion response body: the first JSON object in
/// `choices[0].message.content`, whatever surrounds it.
pub fn parse_response(body: &[u8]) -> Result<Verdict, JudgeError> {
    let garbage = |m: &str| JudgeError::Garbage(m.to_string());
    let doc: Json = serde_json::from_slice(body).map_err(|_| garbage("not JSON"))?;
    let content = doc
        .pointer("/choices/0/message/content")
        .and_then(Json::as_str)
        .ok_or_else(|| garbage("no choices[0].message.content"))?;
    // A verdict is short; a long answer is searched only at its start.
    let head: String = content.chars().take(16 * 1024).collect();
    let verdict = first_object(&head).ok_or_else(|| garbage("no JSON object in the answer"))?;
    let goal_met = match verdict.get("goal_met") {
        Some(Json::Bool(b)) => *b,
        Some(Json::String(s)) if s.eq_ignore_ascii_case("true") => true,
        Some(Json::String(s)) if s.eq_ignore_ascii_case("false") => false,
        _ => return Err(garbage("no boolean goal_met")),
    };
    let reason = verdict
        .get("reason")
        .and_then(Json::as_str)
        .map(|r| cut(r.trim(), 200))
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "no reason given".to_string());
    Ok(Verdict { goal_met, reason })
}

/// The first JSON object that parses in `text` (models wrap answers in prose or code fences).
fn first_object(text: &str) -> Option<serde_json::Map<String, Json>> {
    for (start, _) in text.match_indices('{') {
        let mut stream = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Json>();
        if let Some(Ok(Json::Object(map))) = stream.next() {
            return Some(map);
        }
    }
    None
}

/// HELP text of the judge's metrics.
pub fn describe(c: &mut crate::telemetry::Catalog) {
    c.counter(
        JUDGE_REQUESTS_TOTAL,
        "Goal judge requests, by result (verdict, garbage, timeout, http_error, transport, queue_full, no_runtime).",
    );
    c.counter(
        JUDGE_UNDECIDED_TOTAL,
        "Turns the goal rules left undecided that passed without a judge verdict.",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn completion(content: &str) -> Vec<u8> {
        json!({"choices": [{"message": {"role": "assistant", "content": content}}]})
            .to_string()
            .into_bytes()
    }

    #[test]
    fn a_verdict_is_read_through_fences_prose_and_string_booleans() {
        for (content, met) in [
            (
                r#"{"goal_met": false, "reason": "nothing was booked"}"#,
                false,
            ),
            (
                "```json\n{\"goal_met\": true, \"reason\": \"sent\"}\n```",
                true,
            ),
            (
                r#"Sure. {"goal_met": "false", "reason": "x"} Hope this helps {"#,
                false,
            ),
        ] {
            let v = parse_response(&completion(content)).unwrap();
            assert_eq!(v.goal_met, met, "{content}");
        }
        let long = format!(r#"{{"goal_met": false, "reason": "{}"}}"#, "x".repeat(500));
        assert_eq!(
            parse_response(&completion(&long))
                .unwrap()
                .reason
                .chars()
                .count(),
            200
        );
    }

    #[test]
    fn answers_without_a_boolean_verdict_are_garbage() {
        for body in [
            b"<html>oops</html>".to_vec(),
            br#"{"choices": []}"#.to_vec(),
            completion("I think the goal was met."),
            completion(r#"{"goal_met": "maybe"}"#),
            completion(r#"{"reason": "no verdict"}"#),
        ] {
            assert!(
                matches!(parse_response(&body), Err(JudgeError::Garbage(_))),
                "{}",
                String::from_utf8_lossy(&body)
            );
        }
    }

    #[test]
    fn the_prompt_asks_for_a_json_verdict_on_the_turn() {
        let q = Question {
            request: "Please cancel order A1".into(),
            tools: vec![("get_order".into(), true)],
            answer: "Order A1 is processing.".into(),
        };
        let body = request_body("m", &q);
        assert_eq!(body["model"], "m");
        let system = body["messages"][0]["content"].as_str().unwrap();
        assert!(system.contains("\"goal_met\"") && system.contains("\"reason\""));
        let turn: Json =
            serde_json::from_str(body["messages"][1]["content"].as_str().unwrap()).unwrap();
        assert_eq!(turn["user_request"], "Please cancel order A1");
        assert_eq!(turn["tool_calls"][0]["tool"], "get_order");
        assert_eq!(turn["tool_calls"][0]["succeeded"], true);
    }

    #[test]
    fn judge_settings_are_checked_and_name_the_key() {
        let config = |yaml: &str| -> JudgeConfig { serde_yaml::from_str(yaml).unwrap() };
        let ok = Settings::resolve(
            &config("{endpoint: 'http://127.0.0.1:9/v1/', model: m}"),
            "processors.goal.judge",
        )
        .unwrap();
        assert_eq!(ok.url.to_string(), "http://127.0.0.1:9/v1/chat/completions");
        for (yaml, key) in [
            ("{endpoint: '127.0.0.1:9', model: m}", "endpoint"),
            ("{endpoint: 'http://h', model: ' '}", "model"),
            (
                "{endpoint: 'http://h', model: m, max_concurrency: 0}",
                "max_concurrency",
            ),
            (
                "{endpoint: 'http://h', model: m, max_queue: 0}",
                "max_queue",
            ),
            ("{endpoint: 'http://h', model: m, timeout: 0}", "timeout"),
        ] {
            let e = Settings::resolve(&config(yaml), "processors.goal.judge")
                .err()
                .unwrap_or_else(|| panic!("{yaml} accepted"));
            assert!(
                e.to_string()
                    .starts_with(&format!("processors.goal.judge.{key}")),
                "{e}"
            );
        }
        assert!(
            serde_yaml::from_str::<JudgeConfig>("{endpoint: 'http://h', model: m, temp: 1}")
                .is_err()
        );
        let debug = format!(
            "{:?}",
            config("{endpoint: 'http://h', model: m, api_key: sk-secret}")
        );
        assert!(!debug.contains("sk-secret"), "{debug}");
    }
}
