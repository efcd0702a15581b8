//! An acting tool that answered but turned the action down: the call succeeded, yet its own
//! status says the action was rejected (`{"status": "rejected", "reason": "..."}`, a FHIR
//! appointment `declined`, `{"transfer": {"state": "rejected"}}`). The action did not happen,
//! so the call does not count as doing it. Only the result's own status counts (its top level,
//! or an object one level down that the call returns); statuses inside lists are records the
//! call reports, not its answer.

use serde_json::{Map, Value};

/// Keys that carry a call's own status.
const STATUS_KEYS: &[&str] = &["status", "state", "stage", "result", "outcome", "decision"];

/// Statuses that say the action was turned down. `failed` is not one: a job or a test run that
/// ran and failed did take place.
const REFUSALS: &[&str] = &[
    "rejected",
    "declined",
    "denied",
    "refused",
    "not_allowed",
    "disallowed",
];

/// Whether an acting call's result says the action was turned down.
pub fn turned_down(payload: &Value) -> bool {
    let Value::Object(map) = payload else {
        return false;
    };
    says_refused(map)
        || map
            .values()
            .any(|v| matches!(v, Value::Object(inner) if says_refused(inner)))
}

fn says_refused(map: &Map<String, Value>) -> bool {
    map.iter().any(|(k, v)| {
        STATUS_KEYS.iter().any(|s| k.eq_ignore_ascii_case(s))
            && v.as_str()
                .is_some_and(|s| REFUSALS.iter().any(|r| s.trim().eq_ignore_ascii_case(r)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_call_whose_own_status_rejects_the_action_did_not_do_it() {
        for v in [
            json!({"lease_id": "L-1", "status": "rejected", "reason": "outstanding balance"}),
            json!({"resourceType": "Appointment", "id": "apt-1", "status": "declined"}),
            json!({"transfer": {"rx": "RX-1", "state": "rejected"}}),
            json!({"ticket": {"id": 1, "Status": "DENIED"}}),
        ] {
            assert!(turned_down(&v), "{v}");
        }
    }

    #[test]
    fn statuses_of_done_actions_and_of_listed_records_are_not_refusals() {
        for v in [
            json!({"lease_id": "L-1", "status": "renewed"}),
            json!({"resourceType": "Appointment", "status": "cancelled"}),
            json!({"ticket": {"number": "HK-1", "state": "new"}}),
            json!({"payments": [{"id": "p1", "status": "failed"}], "status": "created"}),
            json!({"note": "rejected items are listed below"}),
            json!({"run_id": "r1", "status": "failed", "failures": 3}),
            json!([{"status": "rejected"}]),
        ] {
            assert!(!turned_down(&v), "{v}");
        }
    }
}
