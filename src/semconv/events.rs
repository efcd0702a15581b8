//! The GenAI event recogniser: log records (or span events) that carry a model call's messages,
//! turned into the message lists the current conventions put on the span, so that processors
//! read one shape whichever way the instrumentation sent the content.
//!
//! Recognised events (name in `LogRecord.event_name`, else the `event.name` attribute):
//! - v1.27–v1.36, one event per message, content in the body: `gen_ai.system.message`,
//!   `gen_ai.user.message`, `gen_ai.assistant.message` (`{content?, tool_calls?}`),
//!   `gen_ai.tool.message` (`{content, id}`, `id` the tool call it answers) and `gen_ai.choice`
//!   (`{index, finish_reason, message: {role?, content?, tool_calls?}}`);
//! - v1.37+ `gen_ai.client.inference.operation.details`, whose attributes carry
//!   `gen_ai.input.messages`, `gen_ai.output.messages` and `gen_ai.system_instructions`
//!   (structured, or JSON strings);
//! - v1.26 `gen_ai.content.prompt` / `gen_ai.content.completion` (attributes `gen_ai.prompt` /
//!   `gen_ai.completion`, JSON strings).
//!
//! Messages come out in the v1.37 shape: `{"role", "parts": [{"type": "text", "content"} |
//! {"type": "tool_call", "id", "name", "arguments"} | {"type": "tool_call_response", "id",
//! "response"}], "finish_reason"?}`. A message with no content (capture off) has no parts and is
//! left out.

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use opentelemetry_proto::tonic::logs::v1::LogRecord;
use serde_json::{json, Map, Value as Json};

use super::keys::otel::{self, event};
use super::value;

/// One GenAI event, copied out of its log record.
#[derive(Debug, Clone, PartialEq)]
pub struct GenAiEvent {
    pub name: String,
    pub time_unix_nano: u64,
    pub attributes: Vec<KeyValue>,
    pub body: Option<AnyValue>,
}

/// What one event contributes to a model call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A message sent to the model.
    Input,
    /// The model's answer (or the whole call, input and output).
    Output,
}

/// The event name of a log record: `event_name`, else the `event.name` attribute.
pub fn event_name(record: &LogRecord) -> Option<&str> {
    if !record.event_name.is_empty() {
        return Some(&record.event_name);
    }
    value::find(&record.attributes, otel::EVENT_NAME).and_then(value::as_str)
}

/// Whether `name` is a GenAI event that carries messages, and which side.
pub fn kind_of(name: &str) -> Option<EventKind> {
    match name {
        event::SYSTEM_MESSAGE
        | event::USER_MESSAGE
        | event::ASSISTANT_MESSAGE
        | event::TOOL_MESSAGE
        | event::CONTENT_PROMPT => Some(EventKind::Input),
        event::CHOICE | event::INFERENCE_DETAILS | event::CONTENT_COMPLETION => {
            Some(EventKind::Output)
        }
        _ => None,
    }
}

impl GenAiEvent {
    /// The GenAI message event in `record`, if it is one.
    pub fn from_record(record: &LogRecord) -> Option<GenAiEvent> {
        let name = event_name(record)?;
        kind_of(name)?;
        let time = match record.time_unix_nano {
            0 => record.observed_time_unix_nano,
            t => t,
        };
        Some(GenAiEvent {
            name: name.to_string(),
            time_unix_nano: time,
            attributes: record
                .attributes
                .iter()
                .filter(|kv| kv.key != otel::EVENT_NAME)
                .cloned()
                .collect(),
            body: record.body.clone(),
        })
    }

    fn body_json(&self) -> Json {
        self.body
            .as_ref()
            .and_then(|b| b.value.as_ref())
            .map_or(Json::Null, value::to_json)
    }

    fn attr_json(&self, key: &str) -> Option<Json> {
        let v = value::find(&self.attributes, key)?;
        Some(match v {
            opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(s) => {
                serde_json::from_str(s).unwrap_or_else(|_| Json::String(s.clone()))
            }
            other => value::to_json(other),
        })
    }

    /// The event's body members as span event attributes: strings as they are, anything
    /// structured as JSON text; a body that is not a map becomes `content`.
    pub fn body_attributes(&self) -> Vec<(String, AnyValue)> {
        match self.body_json() {
            Json::Null => Vec::new(),
            Json::Object(members) => members
                .into_iter()
                .map(|(k, v)| (k, json_attribute(v)))
                .collect(),
            other => vec![("content".to_string(), json_attribute(other))],
        }
    }
}

fn json_attribute(v: Json) -> AnyValue {
    match v {
        Json::String(s) => value::string(s),
        Json::Bool(b) => value::boolean(b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => value::int(i),
            None => value::double(n.as_f64().unwrap_or_default()),
        },
        other => value::string(other.to_string()),
    }
}

/// A model call's messages, rebuilt from its events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conversation {
    pub input: Vec<Json>,
    pub output: Vec<Json>,
    pub system_instructions: Option<Json>,
}

impl Conversation {
    /// The messages of `events`, taken in the order given (sort them by time first).
    pub fn from_events(events: &[GenAiEvent]) -> Conversation {
        let mut c = Conversation::default();
        for e in events {
            let body = e.body_json();
            match e.name.as_str() {
                event::SYSTEM_MESSAGE => c.push_input(message(&body, "system")),
                event::USER_MESSAGE => c.push_input(message(&body, "user")),
                event::ASSISTANT_MESSAGE => c.push_input(message(&body, "assistant")),
                event::TOOL_MESSAGE => c.push_input(tool_message(&body)),
                event::CHOICE => {
                    let inner = body.get("message").cloned().unwrap_or(Json::Null);
                    let mut m = message(&inner, "assistant");
                    if let (Some(m), Some(reason)) = (m.as_mut(), body.get("finish_reason")) {
                        m["finish_reason"] = reason.clone();
                    }
                    if let Some(m) = m {
                        c.output.push(m);
                    }
                }
                event::INFERENCE_DETAILS => {
                    if let Some(Json::Array(msgs)) = e.attr_json(otel::GEN_AI_INPUT_MESSAGES) {
                        c.input.extend(msgs);
                    }
                    if let Some(Json::Array(msgs)) = e.attr_json(otel::GEN_AI_OUTPUT_MESSAGES) {
                        c.output.extend(msgs);
                    }
                    if let Some(s) = e.attr_json(otel::GEN_AI_SYSTEM_INSTRUCTIONS) {
                        c.system_instructions = Some(s);
                    }
                }
                event::CONTENT_PROMPT => c.input.extend(listed(e.attr_json(otel::GEN_AI_PROMPT))),
                event::CONTENT_COMPLETION => c
                    .output
                    .extend(listed(e.attr_json(otel::GEN_AI_COMPLETION))),
                _ => {}
            }
        }
        c
    }

    fn push_input(&mut self, m: Option<Json>) {
        if let Some(m) = m {
            self.input.push(m);
        }
    }
}

/// A v1.26 prompt or completion: a list of messages, or one text.
fn listed(v: Option<Json>) -> Vec<Json> {
    match v {
        Some(Json::Array(msgs)) => msgs,
        Some(Json::String(s)) if !s.is_empty() => {
            vec![json!({"role": "user", "parts": [text(Json::String(s))]})]
        }
        _ => Vec::new(),
    }
}

fn text(content: Json) -> Json {
    let content = match content {
        Json::String(s) => Json::String(s),
        Json::Array(items) => {
            // OpenAI content arrays: keep their text, in order.
            let texts: Vec<&str> = items
                .iter()
                .filter_map(|i| i.get("text").and_then(Json::as_str))
                .collect();
            if texts.is_empty() {
                Json::String(Json::Array(items.clone()).to_string())
            } else {
                Json::String(texts.join("\n"))
            }
        }
        other => Json::String(other.to_string()),
    };
    json!({"type": "text", "content": content})
}

/// An OpenAI-shaped message body (`{role?, content?, tool_calls?}`) in the v1.37 shape; `None`
/// when it carries nothing.
fn message(body: &Json, implied_role: &str) -> Option<Json> {
    let role = body
        .get("role")
        .and_then(Json::as_str)
        .unwrap_or(implied_role);
    let mut parts = Vec::new();
    match body {
        Json::String(s) if !s.is_empty() => parts.push(text(body.clone())),
        Json::Object(_) => {
            if let Some(c) = body.get("content").filter(|c| !is_blank(c)) {
                parts.push(text(c.clone()));
            }
            if let Some(Json::Array(calls)) = body.get("tool_calls") {
                parts.extend(calls.iter().map(tool_call));
            }
        }
        _ => {}
    }
    if parts.is_empty() {
        return None;
    }
    Some(json!({"role": role, "parts": parts}))
}

fn tool_message(body: &Json) -> Option<Json> {
    let content = body.get("content").filter(|c| !is_blank(c))?;
    let mut part = Map::new();
    part.insert("type".into(), "tool_call_response".into());
    if let Some(id) = body.get("id") {
        part.insert("id".into(), id.clone());
    }
    part.insert("response".into(), content.clone());
    Some(json!({"role": "tool", "parts": [Json::Object(part)]}))
}

/// `{id, type, function: {name, arguments}}` as a `tool_call` part; arguments that are a JSON
/// string are parsed, as the v1.37 shape keeps them structured.
fn tool_call(call: &Json) -> Json {
    let function = call.get("function").unwrap_or(call);
    let arguments = match function.get("arguments") {
        Some(Json::String(s)) => {
            serde_json::from_str(s).unwrap_or_else(|_| Json::String(s.clone()))
        }
        Some(other) => other.clone(),
        None => Json::Null,
    };
    json!({
        "type": "tool_call",
        "id": call.get("id").cloned().unwrap_or(Json::Null),
        "name": function.get("name").cloned().unwrap_or(Json::Null),
        "arguments": arguments,
    })
}

fn is_blank(v: &Json) -> bool {
    match v {
        Json::Null => true,
        Json::String(s) => s.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::common::v1::any_value::Value;
    use opentelemetry_proto::tonic::common::v1::KeyValueList;

    fn kvlist(members: &[(&str, AnyValue)]) -> AnyValue {
        AnyValue {
            value: Some(Value::KvlistValue(KeyValueList {
                values: members
                    .iter()
                    .map(|(k, v)| KeyValue {
                        key: k.to_string(),
                        value: Some(v.clone()),
                        ..Default::default()
                    })
                    .collect(),
            })),
        }
    }

    fn record(name: &str, body: Option<AnyValue>) -> LogRecord {
        LogRecord {
            event_name: name.into(),
            body,
            time_unix_nano: 1,
            ..Default::default()
        }
    }

    #[test]
    fn per_message_events_become_input_and_output_messages() {
        let call = kvlist(&[
            ("id", value::string("call_1")),
            ("type", value::string("function")),
            (
                "function",
                kvlist(&[
                    ("name", value::string("refund")),
                    ("arguments", value::string(r#"{"order":7}"#)),
                ]),
            ),
        ]);
        let records = [
            record(
                event::SYSTEM_MESSAGE,
                Some(kvlist(&[("content", value::string("be kind"))])),
            ),
            record(
                event::USER_MESSAGE,
                Some(kvlist(&[("content", value::string("refund order 7"))])),
            ),
            record(
                event::ASSISTANT_MESSAGE,
                Some(kvlist(&[(
                    "tool_calls",
                    AnyValue {
                        value: Some(Value::ArrayValue(
                            opentelemetry_proto::tonic::common::v1::ArrayValue {
                                values: vec![call],
                            },
                        )),
                    },
                )])),
            ),
            record(
                event::TOOL_MESSAGE,
                Some(kvlist(&[
                    ("content", value::string(r#"{"error":"forbidden"}"#)),
                    ("id", value::string("call_1")),
                ])),
            ),
            record(
                event::CHOICE,
                Some(kvlist(&[
                    ("index", value::int(0)),
                    ("finish_reason", value::string("stop")),
                    (
                        "message",
                        kvlist(&[
                            ("role", value::string("assistant")),
                            ("content", value::string("Done, refunded.")),
                        ]),
                    ),
                ])),
            ),
        ];
        let events: Vec<GenAiEvent> = records.iter().filter_map(GenAiEvent::from_record).collect();
        let c = Conversation::from_events(&events);
        assert_eq!(
            Json::Array(c.input),
            json!([
                {"role": "system", "parts": [{"type": "text", "content": "be kind"}]},
                {"role": "user", "parts": [{"type": "text", "content": "refund order 7"}]},
                {"role": "assistant", "parts": [{"type": "tool_call", "id": "call_1", "name": "refund", "arguments": {"order": 7}}]},
                {"role": "tool", "parts": [{"type": "tool_call_response", "id": "call_1", "response": "{\"error\":\"forbidden\"}"}]},
            ])
        );
        assert_eq!(
            Json::Array(c.output),
            json!([{"role": "assistant", "parts": [{"type": "text", "content": "Done, refunded."}], "finish_reason": "stop"}])
        );
    }

    #[test]
    fn the_event_name_attribute_names_a_record_without_event_name() {
        let mut r = record("", Some(kvlist(&[("content", value::string("hi"))])));
        r.attributes.push(KeyValue {
            key: otel::EVENT_NAME.into(),
            value: Some(value::string(event::USER_MESSAGE)),
            ..Default::default()
        });
        let e = GenAiEvent::from_record(&r).expect("a user message event");
        assert_eq!(e.name, event::USER_MESSAGE);
        assert!(e.attributes.is_empty(), "event.name is not repeated");
    }

    #[test]
    fn inference_details_carry_structured_or_string_messages() {
        let mut r = record(event::INFERENCE_DETAILS, None);
        r.attributes.push(KeyValue {
            key: otel::GEN_AI_OUTPUT_MESSAGES.into(),
            value: Some(value::string(
                r#"[{"role":"assistant","parts":[{"type":"text","content":"hello"}]}]"#,
            )),
            ..Default::default()
        });
        let user = kvlist(&[
            ("role", value::string("user")),
            (
                "parts",
                AnyValue {
                    value: Some(Value::ArrayValue(
                        opentelemetry_proto::tonic::common::v1::ArrayValue {
                            values: vec![kvlist(&[
                                ("type", value::string("text")),
                                ("content", value::string("hi")),
                            ])],
                        },
                    )),
                },
            ),
        ]);
        r.attributes.push(KeyValue {
            key: otel::GEN_AI_INPUT_MESSAGES.into(),
            value: Some(AnyValue {
                value: Some(Value::ArrayValue(
                    opentelemetry_proto::tonic::common::v1::ArrayValue { values: vec![user] },
                )),
            }),
            ..Default::default()
        });
        let c = Conversation::from_events(&[GenAiEvent::from_record(&r).unwrap()]);
        assert_eq!(
            c.input,
            vec![json!({"role": "user", "parts": [{"type": "text", "content": "hi"}]})]
        );
        assert_eq!(c.output[0]["parts"][0]["content"], "hello");
    }

    #[test]
    fn events_without_content_add_no_messages_and_others_are_not_genai_events() {
        let r = record(event::USER_MESSAGE, None);
        let c = Conversation::from_events(&[GenAiEvent::from_record(&r).unwrap()]);
        assert!(c.input.is_empty());
        assert!(GenAiEvent::from_record(&record("app.login", None)).is_none());
        assert!(GenAiEvent::from_record(&record("", None)).is_none());
    }
}
