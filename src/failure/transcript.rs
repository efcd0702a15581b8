//! What a session said and did, kept (bounded) so a failing session can become a replayable
//! regression case: the user's input and the agent's answer per turn, and every tool call with
//! its arguments, result and outcome. The `failure_modes` processor fills it from spans.

use serde::Serialize;

/// Tool calls kept per session.
pub const MAX_CALLS: usize = 32;
/// Turns kept per session.
pub const MAX_TURNS: usize = 16;
/// Characters kept of one text (input, answer, arguments, result).
pub const MAX_TEXT: usize = 2048;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Turn {
    pub turn: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// Start of the span the input came from and end of the one the answer came from
    /// (bookkeeping of the `failure_modes` processor).
    #[serde(skip)]
    pub input_at: u64,
    #[serde(skip)]
    pub answer_at: u64,
    #[serde(skip)]
    pub input_from_agent: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ToolCallRecord {
    pub turn: u32,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// `spotter.tool.outcome`, when classified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    #[serde(skip)]
    pub start: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Transcript {
    pub turns: Vec<Turn>,
    pub tool_calls: Vec<ToolCallRecord>,
    /// Tool calls beyond [`MAX_CALLS`], not kept.
    pub dropped_calls: u64,
}

pub fn clip(s: &str) -> String {
    if s.len() <= MAX_TEXT {
        return s.to_string();
    }
    let mut end = MAX_TEXT;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// The text of a message's content: a string, or the text parts of a list.
fn content_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(parts) => {
            let texts: Vec<String> = parts
                .iter()
                .filter_map(|p| {
                    p.get("content")
                        .or_else(|| p.get("text"))
                        .and_then(|c| c.as_str())
                        .map(String::from)
                })
                .collect();
            (!texts.is_empty()).then(|| texts.join("\n"))
        }
        _ => None,
    }
}

/// The last message of `role` in a messages text (JSON list of `{role, content|parts}`), or the
/// text itself when it is not such a list.
pub fn last_message(raw: &str, role: &str) -> Option<String> {
    let trimmed = raw.trim_start();
    if !trimmed.starts_with('[') && !trimmed.starts_with('{') {
        return (!raw.trim().is_empty()).then(|| clip(raw));
    }
    let v: serde_json::Value = serde_json::from_str(trimmed).ok()?;
    let list = match &v {
        serde_json::Value::Array(a) => a.clone(),
        serde_json::Value::Object(o) => match o.get("messages") {
            Some(serde_json::Value::Array(a)) => a.clone(),
            _ => vec![v.clone()],
        },
        _ => return None,
    };
    list.iter()
        .rev()
        .filter(|m| {
            m.get("role")
                .and_then(|r| r.as_str())
                .is_none_or(|r| r == role)
        })
        .find_map(|m| {
            m.get("content")
                .or_else(|| m.get("parts"))
                .and_then(content_text)
                .or_else(|| {
                    m.get("message")
                        .and_then(|x| x.get("content"))
                        .and_then(content_text)
                })
        })
        .map(|t| clip(&t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_of_each_convention_shape_give_their_text() {
        let otel = r#"[{"role":"system","parts":[{"type":"text","content":"be nice"}]},{"role":"user","parts":[{"type":"text","content":"where is my order?"}]}]"#;
        assert_eq!(
            last_message(otel, "user").as_deref(),
            Some("where is my order?")
        );
        let openai = r#"[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]"#;
        assert_eq!(last_message(openai, "assistant").as_deref(), Some("hello"));
        assert_eq!(
            last_message("plain text", "user").as_deref(),
            Some("plain text")
        );
        assert_eq!(last_message("[not json", "user"), None);
        assert!(last_message(&"x".repeat(10_000), "user").unwrap().len() <= MAX_TEXT + 4);
    }
}
