use serde_json::json;

use super::*;

fn shape(v: serde_json::Value) -> Shape {
    Shape::of(&v)
}

fn origin(session: &str, turn: u32) -> Origin {
    Origin {
        session: Some(session.to_string()),
        turn,
        time_unix_nano: 0,
        service_version: Some(format!("v{turn}")),
        environment: None,
    }
}

fn weather_v1(t: i64) -> Shape {
    shape(json!({"city": "Lisbon", "temperature_c": t, "conditions": "rain", "api_version": "1"}))
}

fn weather_v2(t: i64) -> Shape {
    shape(
        json!({"city": "Rome", "temp": {"value": t, "unit": "C"}, "conditions": "sunny", "api_version": "2"}),
    )
}

#[test]
fn rename_and_nesting_is_a_drift_after_k_of_m() {
    let th = Thresholds::default();
    let mut s = ToolSchema::default();
    assert_eq!(
        s.observe(&weather_v1(20), origin("a", 1), &th),
        Observation::default()
    );
    assert_eq!(
        s.observe(&weather_v1(21), origin("a", 2), &th),
        Observation::default()
    );

    let first = s.observe(&weather_v2(11), origin("a", 3), &th);
    let mismatch = first.mismatch.expect("first new shape mismatches");
    assert_eq!(mismatch.missing_text(), "temperature_c (number)");
    assert!(first.drift.is_none(), "one call is not yet a drift");

    let second = s.observe(&weather_v2(12), origin("a", 4), &th);
    let drift = second.drift.expect("second call confirms");
    assert_eq!(
        drift.diff.describe(),
        "removed: temperature_c (number); added: temp.unit (string), temp.value (number)"
    );
    assert_eq!(drift.diff.changes(), vec![Change::Renamed]);
    assert_eq!(drift.first.service_version.as_deref(), Some("v3"));
    assert_eq!(drift.sessions, vec![("a".to_string(), 3)]);

    // The new shape is accepted now (no mismatch, no second drift), and counted as affected
    // while the incident is active; the old one is still known.
    let next = s.observe(&weather_v2(13), origin("b", 1), &th);
    assert!(next.mismatch.is_none() && next.drift.is_none());
    assert_eq!(next.affected.expect("incident active").diff, drift.diff);
    assert_eq!(
        s.observe(&weather_v1(14), origin("c", 1), &th),
        Observation::default()
    );
    assert_eq!(
        s.observe(&weather_v1(15), origin("c", 2), &th),
        Observation::default()
    );
}

#[test]
fn a_single_odd_result_is_not_a_drift() {
    let th = Thresholds::default();
    let mut s = ToolSchema::default();
    for i in 0..5 {
        s.observe(&weather_v1(i), origin("a", 1), &th);
    }
    let odd = s.observe(&weather_v2(1), origin("a", 2), &th);
    assert!(odd.mismatch.is_some() && odd.drift.is_none());
    for i in 0..5 {
        let o = s.observe(&weather_v1(i), origin("a", 3), &th);
        assert!(o.drift.is_none() && o.mismatch.is_none());
    }
}

#[test]
fn type_change_is_a_drift() {
    let th = Thresholds::default();
    let mut s = ToolSchema::default();
    for p in [10, 12] {
        s.observe(&shape(json!({"sku": "a", "price": p})), origin("a", 1), &th);
    }
    s.observe(
        &shape(json!({"sku": "a", "price": "10.00"})),
        origin("a", 2),
        &th,
    );
    let o = s.observe(
        &shape(json!({"sku": "b", "price": "12.00"})),
        origin("a", 2),
        &th,
    );
    let drift = o.drift.expect("type change confirmed");
    assert_eq!(drift.diff.changes(), vec![Change::TypeChanged]);
    assert_eq!(
        drift.diff.describe(),
        "type changed: price (number → string)"
    );
}

#[test]
fn nullables_new_fields_and_empty_arrays_are_not_drift() {
    let th = Thresholds::default();
    let mut s = ToolSchema::default();
    let hit = json!({"query": "q", "results": [{"title": "t", "score": 0.9}], "next": "x"});
    s.observe(&shape(hit.clone()), origin("a", 1), &th);
    s.observe(&shape(hit), origin("a", 1), &th);
    for v in [
        json!({"query": "q", "results": [], "next": null}),
        json!({"query": "q", "results": [], "next": null}),
        json!({"query": "q", "results": [{"title": "t", "score": 1, "url": "u"}], "next": "y"}),
        json!({"query": "q", "results": [{"title": "t", "score": null}], "next": "y", "took_ms": 3}),
    ] {
        let o = s.observe(&shape(v.clone()), origin("a", 2), &th);
        assert!(o.mismatch.is_none() && o.drift.is_none(), "{v}");
    }
}

#[test]
fn a_vanishing_field_needs_a_longer_baseline() {
    let th = Thresholds::default();
    let order = |eta: bool| {
        let mut v = json!({"order_id": "A1", "status": "shipped"});
        if eta {
            v["eta"] = json!("2025-06-15");
        }
        shape(v)
    };
    // Two results with `eta`, then orders without one: the field is optional, not gone.
    let mut s = ToolSchema::default();
    s.observe(&order(true), origin("a", 1), &th);
    s.observe(&order(true), origin("a", 1), &th);
    for _ in 0..4 {
        let o = s.observe(&order(false), origin("b", 1), &th);
        assert!(o.mismatch.is_none() && o.drift.is_none());
    }
    // After a long baseline that always had it, losing it is a drift.
    let mut s = ToolSchema::default();
    for _ in 0..th.min_observations_removal {
        s.observe(&order(true), origin("a", 1), &th);
    }
    s.observe(&order(false), origin("b", 1), &th);
    let o = s.observe(&order(false), origin("b", 2), &th);
    let drift = o.drift.expect("removal confirmed");
    assert_eq!(drift.diff.changes(), vec![Change::Removed]);
    assert_eq!(drift.diff.describe(), "removed: eta (string)");
}

#[test]
fn a_vanished_field_beside_a_new_null_one_is_not_a_rename() {
    let th = Thresholds::default();
    // Serialisers leave out empty lists and write unset fields as `null`: a result without
    // `discount_codes` but with `note: null` moved nothing, `note` carries no value.
    let order = |codes: bool, note: bool| {
        let mut v = json!({"order_id": "#1", "total_price": "9.90"});
        if codes {
            v["discount_codes"] = json!(["WELCOME10"]);
        }
        if note {
            v["note"] = serde_json::Value::Null;
        }
        shape(v)
    };
    let mut s = ToolSchema::default();
    for turn in 1..=3 {
        s.observe(&order(true, false), origin("a", turn), &th);
    }
    for session in ["b", "c"] {
        let o = s.observe(&order(false, true), origin(session, 1), &th);
        assert!(o.mismatch.is_none() && o.drift.is_none(), "{o:?}");
    }
    // The same field with a value under its new name is a rename.
    let renamed = shape(json!({"order_id": "#1", "total_price": "9.90", "coupons": ["WELCOME10"]}));
    let mut s = ToolSchema::default();
    for turn in 1..=3 {
        s.observe(&order(true, false), origin("a", turn), &th);
    }
    s.observe(&renamed, origin("b", 1), &th);
    let o = s.observe(&renamed, origin("c", 1), &th);
    assert!(o.drift.is_some(), "{o:?}");
}

#[test]
fn removed_objects_are_reported_at_their_top() {
    let th = Thresholds::default();
    let mut s = ToolSchema::default();
    let full = json!({"id": 1, "owner": {"name": "n", "email": "e"}});
    for _ in 0..th.min_observations_removal {
        s.observe(&shape(full.clone()), origin("a", 1), &th);
    }
    let o = s.observe(&shape(json!({"id": 2})), origin("a", 2), &th);
    assert_eq!(o.mismatch.unwrap().missing_text(), "owner (object)");
}

#[test]
fn pinned_variants_report_each_drift_once() {
    let th = Thresholds::default();
    let mut pinned = Variant::default();
    pinned.learn(&weather_v1(1));
    let mut s = ToolSchema::pinned(pinned);
    s.observe(&weather_v2(1), origin("a", 1), &th);
    assert!(s
        .observe(&weather_v2(2), origin("a", 1), &th)
        .drift
        .is_some());
    let later = s.observe(&weather_v2(3), origin("a", 2), &th);
    assert!(later.mismatch.is_some(), "pinned shape still expected");
    s.observe(&weather_v2(4), origin("a", 2), &th);
    assert!(s
        .observe(&weather_v2(5), origin("a", 2), &th)
        .drift
        .is_none());
}

#[test]
fn variants_are_bounded() {
    let th = Thresholds::default();
    let mut s = ToolSchema::default();
    for gen in 0..10 {
        for _ in 0..3 {
            let v = json!({ format!("field_{gen}"): 1, "kind": format!("g{gen}") });
            s.observe(&shape(v), origin("a", gen), &th);
        }
    }
    assert!(s.variants.len() <= MAX_VARIANTS);
}

mod properties {
    use proptest::prelude::*;
    use serde_json::{Map, Value};

    use super::super::*;
    use crate::processor::tool::schema::shape::Shape;

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(Value::from),
            "[a-z]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-c]{1,2}", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
            ]
        })
    }

    fn object() -> impl Strategy<Value = Value> {
        prop::collection::btree_map("[a-e]{1,3}", json_value(), 1..6)
            .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>()))
    }

    proptest! {
        #[test]
        fn a_result_always_matches_the_schema_learned_from_it(v in object(), n in 1usize..12) {
            let th = Thresholds::default();
            let shape = Shape::of(&v);
            let mut s = ToolSchema::default();
            for _ in 0..n {
                let o = s.observe(&shape, Origin::default(), &th);
                prop_assert!(o.mismatch.is_none() && o.drift.is_none());
            }
        }

        #[test]
        fn every_path_has_its_parent(v in object()) {
            let shape = Shape::of(&v);
            for (path, info) in &shape.paths {
                if let Some(p) = &info.parent {
                    prop_assert!(shape.paths.contains_key(p), "{} lacks parent {}", path, p);
                }
            }
        }

        #[test]
        fn learned_results_never_break_their_variant(a in object(), b in object()) {
            // Whatever two shapes teach a variant, each of them still matches it afterwards.
            let (sa, sb) = (Shape::of(&a), Shape::of(&b));
            let mut v = Variant::default();
            v.learn(&sa);
            v.learn(&sb);
            v.learn(&sa);
            prop_assert!(!v.diff(&sa).is_breaking());
            prop_assert!(!v.diff(&sb).is_breaking());
        }
    }
}

fn payment(id: u32, method: serde_json::Value) -> Shape {
    shape(json!({"id": id, "amount": 10.5, "status": "succeeded", "payment_method": method}))
}

#[test]
fn a_field_that_turns_null_for_good_is_a_drift() {
    let th = Thresholds::default();
    let mut s = ToolSchema::default();
    for i in 0..th.min_observations_removal {
        s.observe(&payment(i, json!({"type": "card"})), origin("a", 1), &th);
    }
    let first = s.observe(&payment(100, json!(null)), origin("b", 1), &th);
    assert_eq!(
        first,
        Observation::default(),
        "one null is not yet anything"
    );
    let drift = s
        .observe(&payment(101, json!(null)), origin("b", 2), &th)
        .drift
        .expect("null twice in the session");
    assert_eq!(drift.diff.changes(), vec![Change::Nulled]);
    assert_eq!(
        drift.diff.describe(),
        "became null: payment_method (object)"
    );
}

#[test]
fn a_field_that_is_sometimes_null_or_missing_in_a_session_is_optional_not_drift() {
    let th = Thresholds::default();
    let mut s = ToolSchema::default();
    for i in 0..20 {
        s.observe(&payment(i, json!({"type": "card"})), origin("a", 1), &th);
    }
    // The same session gets null, then the object again, then null: the field is nullable.
    let odd = s.observe(&payment(50, json!(null)), origin("b", 1), &th);
    assert!(odd.drift.is_none());
    assert_eq!(
        s.observe(&payment(51, json!({"type": "sepa"})), origin("b", 2), &th),
        Observation::default()
    );
    for i in 0..10 {
        let o = s.observe(&payment(60 + i, json!(null)), origin("c", i), &th);
        assert!(o.drift.is_none() && o.mismatch.is_none(), "call {i}");
    }
    // And a field that comes and goes in one session is optional.
    let mut s = ToolSchema::default();
    for i in 0..20 {
        s.observe(&weather_v1(i), origin("a", 1), &th);
    }
    let without = shape(json!({"city": "Lisbon", "temperature_c": 3, "conditions": "rain"}));
    s.observe(&without, origin("b", 1), &th);
    s.observe(&weather_v1(4), origin("b", 2), &th);
    for i in 0..10 {
        let o = s.observe(&without, origin("c", i), &th);
        assert!(o.drift.is_none() && o.mismatch.is_none(), "call {i}");
    }
}

#[test]
fn a_session_that_sees_the_change_twice_is_a_drift_though_other_sessions_interleave() {
    let th = Thresholds::default();
    let mut s = ToolSchema::default();
    for i in 0..4 {
        s.observe(&weather_v1(i), origin("a", 1), &th);
    }
    assert!(s
        .observe(&weather_v2(1), origin("new", 1), &th)
        .mismatch
        .is_some());
    // Sessions still served by the old release keep the old shape in between.
    for i in 0..4 {
        let o = s.observe(&weather_v1(i), origin(&format!("old{i}"), 1), &th);
        assert_eq!(o, Observation::default());
    }
    let drift = s
        .observe(&weather_v2(2), origin("new", 2), &th)
        .drift
        .expect("the session saw the change twice");
    assert_eq!(drift.sessions, vec![("new".to_string(), 1)]);
}

#[test]
fn an_error_message_in_place_of_the_data_is_not_a_new_shape() {
    let th = Thresholds::default();
    let mut s = ToolSchema::default();
    for i in 0..4 {
        s.observe(&weather_v1(i), origin("a", 1), &th);
    }
    let error = shape(json!({"message": "Unexpected error while processing the request"}));
    for turn in 0..3 {
        assert_eq!(
            s.observe(&error, origin("a", 2 + turn), &th),
            Observation::default()
        );
    }
    // A new envelope keeps the leaf names: that is a move, and it is reported.
    let wrapped = |t: i64| {
        shape(
            json!({"data": {"city": "Rome", "temperature_c": t, "conditions": "sun", "api_version": "1"}, "meta": {"v": "2"}}),
        )
    };
    assert!(s
        .observe(&wrapped(1), origin("b", 1), &th)
        .mismatch
        .is_some());
    assert!(s.observe(&wrapped(2), origin("b", 2), &th).drift.is_some());
}
