//! Reading OTLP `AnyValue`s the way the conventions write them: strings, numbers sent as
//! strings, and structured values (`kvlistValue`, `arrayValue`) where others send JSON strings.

use std::borrow::Cow;

use opentelemetry_proto::tonic::common::v1::{any_value::Value, AnyValue, KeyValue};
use serde_json::{Map, Number, Value as Json};

/// The first attribute with `key`, if it carries a value.
pub fn find<'a>(attrs: &'a [KeyValue], key: &str) -> Option<&'a Value> {
    attrs
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
        .and_then(|v| v.value.as_ref())
}

/// A non-empty string value.
pub fn as_str(v: &Value) -> Option<&str> {
    match v {
        Value::StringValue(s) if !s.trim().is_empty() => Some(s.as_str()),
        _ => None,
    }
}

/// An integer, also from doubles with no fraction and from decimal strings.
pub fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::IntValue(i) => Some(*i),
        Value::DoubleValue(d) if d.fract() == 0.0 && d.is_finite() => Some(*d as i64),
        Value::StringValue(s) => s.trim().trim_matches('"').parse().ok(),
        _ => None,
    }
}

/// A boolean, also from the strings `true`/`false`.
pub fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::BoolValue(b) => Some(*b),
        Value::StringValue(s) => match s.trim() {
            "true" | "True" | "TRUE" | "1" => Some(true),
            "false" | "False" | "FALSE" | "0" => Some(false),
            _ => None,
        },
        Value::IntValue(i) => Some(*i != 0),
        _ => None,
    }
}

/// A number, also from integers and decimal strings.
pub fn as_f64(v: &Value) -> Option<f64> {
    let f = match v {
        Value::DoubleValue(d) => *d,
        Value::IntValue(i) => *i as f64,
        Value::StringValue(s) => s.trim().trim_matches('"').parse().ok()?,
        _ => return None,
    };
    f.is_finite().then_some(f)
}

/// A scalar as text: strings borrowed, numbers and booleans formatted. Used for ids, which some
/// emitters send as integers.
pub fn as_text(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::StringValue(_) => as_str(v).map(Cow::Borrowed),
        Value::IntValue(i) => Some(Cow::Owned(i.to_string())),
        Value::BoolValue(b) => Some(Cow::Owned(b.to_string())),
        Value::DoubleValue(d) => Some(Cow::Owned(d.to_string())),
        _ => None,
    }
}

/// Any value as text: strings as they are, structured values as compact JSON.
pub fn as_json_text(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::StringValue(_) => as_str(v).map(Cow::Borrowed),
        Value::ArrayValue(_) | Value::KvlistValue(_) => Some(Cow::Owned(to_json(v).to_string())),
        other => as_text(other),
    }
}

/// An OTLP value as JSON. Bytes become an array of numbers; the profiles-only string index is
/// treated as absent.
pub fn to_json(v: &Value) -> Json {
    match v {
        Value::StringValue(s) => Json::String(s.clone()),
        Value::BoolValue(b) => Json::Bool(*b),
        Value::IntValue(i) => Json::Number((*i).into()),
        Value::DoubleValue(d) => Number::from_f64(*d).map_or(Json::Null, Json::Number),
        Value::ArrayValue(a) => Json::Array(a.values.iter().map(any_to_json).collect()),
        Value::KvlistValue(kvs) => Json::Object(
            kvs.values
                .iter()
                .map(|kv| {
                    let value = kv
                        .value
                        .as_ref()
                        .and_then(|v| v.value.as_ref())
                        .map_or(Json::Null, to_json);
                    (kv.key.clone(), value)
                })
                .collect::<Map<_, _>>(),
        ),
        Value::BytesValue(b) => Json::Array(b.iter().map(|x| Json::Number((*x).into())).collect()),
        Value::StringValueStrindex(_) => Json::Null,
    }
}

fn any_to_json(v: &AnyValue) -> Json {
    v.value.as_ref().map_or(Json::Null, to_json)
}

/// A string attribute value.
pub fn string(value: impl Into<String>) -> AnyValue {
    AnyValue {
        value: Some(Value::StringValue(value.into())),
    }
}

/// An integer attribute value.
pub fn int(value: i64) -> AnyValue {
    AnyValue {
        value: Some(Value::IntValue(value)),
    }
}

/// A floating-point attribute value.
pub fn double(value: f64) -> AnyValue {
    AnyValue {
        value: Some(Value::DoubleValue(value)),
    }
}

/// A boolean attribute value.
pub fn boolean(value: bool) -> AnyValue {
    AnyValue {
        value: Some(Value::BoolValue(value)),
    }
}

/// Set `key` to `value`, replacing an existing value.
pub fn upsert(attrs: &mut Vec<KeyValue>, key: &str, value: AnyValue) {
    match attrs.iter_mut().find(|kv| kv.key == key) {
        Some(kv) => kv.value = Some(value),
        None => attrs.push(KeyValue {
            key: key.to_string(),
            value: Some(value),
            ..Default::default()
        }),
    }
}

/// Set `key` to `value` only when the span has no usable value for it yet. Returns whether it
/// wrote.
pub fn insert(attrs: &mut Vec<KeyValue>, key: &str, value: AnyValue) -> bool {
    let present = find(attrs, key)
        .is_some_and(|v| !matches!(v, Value::StringValue(s) if s.trim().is_empty()));
    if present {
        return false;
    }
    upsert(attrs, key, value);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::common::v1::{ArrayValue, KeyValueList};

    #[test]
    fn structured_values_render_as_json() {
        let v = Value::KvlistValue(KeyValueList {
            values: vec![KeyValue {
                key: "customer".into(),
                value: Some(AnyValue {
                    value: Some(Value::ArrayValue(ArrayValue {
                        values: vec![int(1), string("a")],
                    })),
                }),
                ..Default::default()
            }],
        });
        assert_eq!(as_json_text(&v).unwrap(), r#"{"customer":[1,"a"]}"#);
    }

    #[test]
    fn numbers_sent_as_strings_are_read() {
        assert_eq!(as_i64(&Value::StringValue(" 42".into())), Some(42));
        assert_eq!(as_i64(&Value::StringValue("\"3\"".into())), Some(3));
        assert_eq!(as_i64(&Value::DoubleValue(7.0)), Some(7));
        assert_eq!(as_i64(&Value::DoubleValue(7.5)), None);
    }

    #[test]
    fn empty_strings_count_as_absent() {
        assert_eq!(as_str(&Value::StringValue("  ".into())), None);
        let mut attrs = vec![KeyValue {
            key: "k".into(),
            value: Some(string("")),
            ..Default::default()
        }];
        assert!(insert(&mut attrs, "k", string("v")));
        assert!(!insert(&mut attrs, "k", string("w")));
        assert_eq!(find(&attrs, "k").and_then(as_str), Some("v"));
    }
}
