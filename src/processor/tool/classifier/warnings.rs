//! A successful-looking body whose data is empty and whose `warnings` carry error codes.
//!
//! Some APIs never fail at the transport: they answer 200 with the data they could gather and
//! explain what went wrong in a `warnings` list (`{"data": [], "warnings": [{"code":
//! "SOURCE_ERROR", "message": "..."}], "meta": {"partial": true}}`). When the data is empty, the
//! warnings are the reason there is none: the call failed, and its class comes from the
//! warnings' codes and messages like any error's. A warning beside real data (a deprecation
//! notice, a partial result) is only a warning, and a warning without a code is prose.

use serde_json::{Map, Value};

use super::json::normalise_key;
use super::FailureSignal;
use crate::processor::tool::result::value_is_empty;

/// Warnings read from one body, at most.
const MAX_WARNINGS: usize = 8;

/// The failure stated by a body of empty data and coded warnings, if it is one.
pub fn failure_signal(value: &Value) -> Option<FailureSignal> {
    let obj = value.as_object()?;
    let (warnings_key, warnings) = obj
        .iter()
        .find(|(k, _)| matches!(normalise_key(k).as_str(), "warnings" | "warning"))?;
    let items: Vec<&Map<String, Value>> = match warnings {
        Value::Array(a) => a
            .iter()
            .take(MAX_WARNINGS)
            .filter_map(Value::as_object)
            .collect(),
        Value::Object(o) => vec![o],
        _ => return None,
    };
    let mut signal = FailureSignal::default();
    for w in items {
        let code = w
            .iter()
            .filter(|(k, _)| {
                matches!(
                    normalise_key(k).as_str(),
                    "code" | "errorcode" | "type" | "reason"
                )
            })
            .find_map(|(_, v)| v.as_str());
        let Some(code) = code.filter(|c| is_code(c)) else {
            continue;
        };
        signal.codes.push(code.to_string());
        let message = w
            .iter()
            .filter(|(k, _)| {
                matches!(
                    normalise_key(k).as_str(),
                    "message" | "detail" | "description"
                )
            })
            .find_map(|(_, v)| v.as_str());
        if let Some(m) = message {
            signal.messages.push(m.to_string());
        }
    }
    if signal.codes.is_empty() {
        return None;
    }
    // The rest of the body: data (and metadata) with nothing in it.
    let rest: Map<String, Value> = obj
        .iter()
        .filter(|(k, _)| *k != warnings_key)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    value_is_empty(&Value::Object(rest)).then_some(signal)
}

/// A machine code: one token of letters, digits and `_`, `.`, `-`, with a letter.
fn is_code(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty()
        && t.len() <= 64
        && t.chars().any(char::is_alphabetic)
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_data_with_a_coded_warning_is_a_failure_with_its_reason() {
        let body = json!({"data": [], "warnings": [{"code": "SOURCE_ERROR",
            "message": "Internal error, our engineers have been notified", "source": "core-api"}],
            "meta": {"partial": true}});
        let s = failure_signal(&body).expect("a failure");
        assert_eq!(s.codes, vec!["SOURCE_ERROR".to_string()]);
        assert_eq!(
            s.messages,
            vec!["Internal error, our engineers have been notified".to_string()]
        );
        let bare = json!({"results": null, "warnings": {"type": "CREDENTIALS_EXPIRED"}});
        assert!(failure_signal(&bare).is_some());
    }

    #[test]
    fn a_warning_beside_real_data_is_only_a_warning() {
        let body = json!({"lease": {"id": "L-1", "rent": 900}, "warnings": [{"code":
            "DEPRECATED_FIELD", "message": "This endpoint version is deprecated"}]});
        assert!(failure_signal(&body).is_none());
        let rows = json!({"data": [{"id": 1}], "warnings": [{"code": "PARTIAL_RESULTS"}]});
        assert!(failure_signal(&rows).is_none());
    }

    #[test]
    fn warnings_without_a_code_or_without_warnings_are_not_failures() {
        assert!(failure_signal(&json!({"data": [], "warnings": []})).is_none());
        assert!(failure_signal(&json!({"data": [], "warnings": ["slow source"]})).is_none());
        assert!(failure_signal(
            &json!({"data": [], "warnings": [{"code": "some words here", "message": "x"}]})
        )
        .is_none());
        assert!(failure_signal(&json!({"data": []})).is_none());
    }
}
