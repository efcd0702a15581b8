use serde_json::json;

use super::*;

fn origin(session: &str, turn: u32) -> Origin {
    Origin {
        session: Some(session.to_string()),
        turn,
        time_unix_nano: 0,
        service_version: Some(format!("v{turn}")),
        environment: None,
    }
}

fn populated(i: u32) -> Shape {
    Shape::of(&json!({"documents": [{"id": i, "title": "policy"}], "query": "leave"}))
}

fn nulled() -> Shape {
    Shape::of(&json!({"documents": null, "query": "leave"}))
}

#[test]
fn a_field_populated_then_null_in_every_result_across_sessions_is_a_drift() {
    let th = Thresholds::default();
    let mut s = ToolSchema::default();
    for i in 0..8 {
        let o = s.observe(&populated(i), origin(&format!("old{i}"), 1), &th);
        assert!(o.drift.is_none());
    }
    // One empty answer per session, three sessions in a row: no single session saw it twice.
    assert!(s
        .observe_empty(&nulled(), origin("n1", 1), &th)
        .drift
        .is_none());
    assert!(s
        .observe_empty(&nulled(), origin("n2", 1), &th)
        .drift
        .is_none());
    let drift = s
        .observe_empty(&nulled(), origin("n3", 1), &th)
        .drift
        .expect("third null in a row confirms the drift");
    assert_eq!(drift.diff.nulled.len(), 1);
    assert_eq!(drift.diff.nulled[0].0, "documents");
    let sessions: Vec<&str> = drift.sessions.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(sessions, ["n1", "n2", "n3"]);
    // While the incident is active, every later session that gets the null is affected.
    let later = s.observe_empty(&nulled(), origin("n4", 1), &th);
    assert!(later.drift.is_none());
    assert!(later.affected.is_some_and(|i| !i.diff.nulled.is_empty()));
}

#[test]
fn a_session_that_sees_its_field_turn_null_twice_is_a_drift() {
    let th = Thresholds::default();
    let mut s = ToolSchema::default();
    for i in 0..6 {
        s.observe(&populated(i), origin("a", i), &th);
    }
    assert!(s
        .observe_empty(&nulled(), origin("a", 7), &th)
        .drift
        .is_none());
    assert!(s
        .observe_empty(&nulled(), origin("a", 8), &th)
        .drift
        .is_some());
}

#[test]
fn a_tool_that_often_answers_null_is_never_a_drift() {
    let th = Thresholds::default();
    let mut s = ToolSchema::default();
    for i in 0..6 {
        s.observe(&populated(i), origin(&format!("p{i}"), 1), &th);
    }
    // A null answer, then data again: null is how this tool says "nothing found".
    assert!(s
        .observe_empty(&nulled(), origin("e0", 1), &th)
        .drift
        .is_none());
    s.observe(&populated(9), origin("p9", 1), &th);
    for i in 0..200 {
        let o = s.observe_empty(&nulled(), origin(&format!("e{i}"), 1), &th);
        assert!(o.drift.is_none() && o.affected.is_none(), "null answer {i}");
        if i % 7 == 6 {
            s.observe(&populated(i), origin(&format!("q{i}"), 1), &th);
        }
    }
}

#[test]
fn empty_results_before_the_schema_is_confident_confirm_nothing() {
    let th = Thresholds::default();
    let mut s = ToolSchema::default();
    for i in 0..3 {
        s.observe(&populated(i), origin("a", i), &th);
    }
    for i in 0..5 {
        let o = s.observe_empty(&nulled(), origin(&format!("e{i}"), 1), &th);
        assert!(o.drift.is_none(), "null answer {i}");
    }
}

#[test]
fn the_null_streak_is_bounded() {
    let th = Thresholds {
        min_observations_removal: u32::MAX,
        ..Thresholds::default()
    };
    let mut s = ToolSchema::default();
    for i in 0..3 {
        s.observe(&populated(i), origin("a", i), &th);
    }
    for i in 0..1000 {
        s.observe_empty(&nulled(), origin(&format!("e{i}"), 1), &th);
    }
    assert!(s.null_streak.len() <= MAX_STREAK);
}
