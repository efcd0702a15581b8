//! The shapes a case is written in: spotter's own JSONL, Langfuse dataset items, Braintrust
//! dataset rows and Phoenix's dataset upload body.
//!
//! - Langfuse `POST /api/public/dataset-items`: `id` (upsert), `datasetName`, `input`,
//!   `expectedOutput`, `metadata`, `sourceTraceId`.
//! - Braintrust `POST /v1/dataset/{id}/insert` `events[]`: `id`, `input`, `expected`,
//!   `metadata`, `tags`.
//! - Phoenix `POST /v1/datasets/upload`: `{name, description, action, inputs[], outputs[],
//!   metadata[]}`, one entry per example in each list.
//!
//! In every vendor shape the input is what a replay needs (the user's turns and the recorded
//! tool calls as mocks), the expected output holds the assertions, and the metadata holds the
//! case id, fingerprints and the rest; so every shape is also a valid coverage manifest.

use serde::Deserialize;
use serde_json::{json, Value};

use super::case::Case;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Jsonl,
    Langfuse,
    Braintrust,
    Phoenix,
}

fn input(c: &Case) -> Value {
    json!({
        "turns": c.turns.iter().map(|t| json!({"turn": t.turn, "input": t.input})).collect::<Vec<_>>(),
        "tool_mocks": c.tool_calls,
    })
}

fn expected(c: &Case) -> Value {
    json!({ "assertions": c.assertions })
}

fn metadata(c: &Case) -> Value {
    json!({
        "id": c.id,
        "schema": c.schema,
        "fingerprint": c.fingerprint,
        "fingerprints": c.fingerprints,
        "mode": c.mode,
        "kind": c.kind,
        "tool": c.tool,
        "session_id": c.session_id,
        "source_trace_id": c.trace_id,
        "workflow": c.workflow,
        "release": c.release,
        "finding": c.finding,
        "outcome_reasons": c.outcome_reasons,
        "recorded_answers": c.turns.iter().map(|t| json!({"turn": t.turn, "answer": t.answer})).collect::<Vec<_>>(),
    })
}

/// One line (or, for Phoenix, one example) of a case.
pub fn render(c: &Case, format: Format, dataset: &str) -> Value {
    match format {
        Format::Jsonl => serde_json::to_value(c).expect("cases serialise"),
        Format::Langfuse => json!({
            "id": c.id,
            "datasetName": dataset,
            "input": input(c),
            "expectedOutput": expected(c),
            "metadata": metadata(c),
            "sourceTraceId": c.trace_id,
        }),
        Format::Braintrust => json!({
            "id": c.id,
            "input": input(c),
            "expected": expected(c),
            "metadata": metadata(c),
            "tags": [ "spotter", c.kind, format!("mode:{}", c.fingerprint) ],
        }),
        Format::Phoenix => json!({
            "input": input(c),
            "output": expected(c),
            "metadata": metadata(c),
        }),
    }
}

/// Phoenix's upload body for `examples` (as [`render`] gives them).
pub fn phoenix_upload(dataset: &str, action: &str, examples: &[Value]) -> Value {
    let field = |k: &str| -> Vec<Value> {
        examples
            .iter()
            .map(|e| e.get(k).cloned().unwrap_or(Value::Null))
            .collect()
    };
    json!({
        "name": dataset,
        "description": "regression cases from production failure modes (spotter evalcases)",
        "action": action,
        "inputs": field("input"),
        "outputs": field("output"),
        "metadata": field("metadata"),
    })
}
