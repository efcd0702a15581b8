//! Filling a session's [`Transcript`] from its spans.

use crate::failure::transcript::{
    clip, last_message, ToolCallRecord, Transcript, Turn, MAX_CALLS, MAX_TURNS,
};
use crate::semconv::{SpanRole, SpanView};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn turn_mut(t: &mut Transcript, turn: u32) -> Option<&mut Turn> {
    let at = match t.turns.binary_search_by_key(&turn, |t| t.turn) {
        Ok(i) => i,
        Err(i) => {
            if t.turns.len() >= MAX_TURNS {
                return None;
            }
            t.turns.insert(
                i,
                Turn {
                    turn,
                    ..Default::default()
                },
            );
            i
        }
    };
    t.turns.get_mut(at)
}

/// Take what this span says about its turn.
pub fn observe(t: &mut Transcript, view: &SpanView<'_>, fingerprint: Option<&str>) {
    let turn = view.turn().unwrap_or(1);
    let span = view.span();
    match view.role() {
        SpanRole::Tool => {
            let Some(call) = view.tool() else { return };
            if t.tool_calls.len() >= MAX_CALLS {
                t.dropped_calls += 1;
                return;
            }
            let record = ToolCallRecord {
                turn,
                name: call.name.into_owned(),
                arguments: call.arguments.as_deref().map(clip),
                result: call.result.as_deref().map(clip),
                outcome: view.tool_outcome().map(String::from),
                fingerprint: fingerprint.map(String::from),
                start: span.start_time_unix_nano,
            };
            let at = t
                .tool_calls
                .partition_point(|c| (c.turn, c.start) <= (turn, record.start));
            t.tool_calls.insert(at, record);
        }
        role @ (SpanRole::Llm | SpanRole::Agent) => {
            let is_agent = role == SpanRole::Agent;
            let input = view
                .input_messages()
                .and_then(|raw| last_message(&raw, "user"));
            let answer = view
                .output_messages()
                .and_then(|raw| last_message(&raw, "assistant"));
            let trace = hex(view.trace_id());
            let Some(turn_rec) = turn_mut(t, turn) else {
                return;
            };
            if turn_rec.trace_id.is_none() {
                turn_rec.trace_id = Some(trace);
            }
            if let Some(input) = input {
                // The agent span's input is the user's; else the earliest model call's.
                let better = turn_rec.input.is_none()
                    || (is_agent && !turn_rec.input_from_agent)
                    || (is_agent == turn_rec.input_from_agent
                        && span.start_time_unix_nano < turn_rec.input_at);
                if better {
                    turn_rec.input = Some(input);
                    turn_rec.input_at = span.start_time_unix_nano;
                    turn_rec.input_from_agent = is_agent;
                }
            }
            if let Some(answer) = answer {
                if turn_rec.answer.is_none() || span.end_time_unix_nano >= turn_rec.answer_at {
                    turn_rec.answer = Some(answer);
                    turn_rec.answer_at = span.end_time_unix_nano;
                }
            }
        }
        _ => {}
    }
}
