//! The objects a request names and the objects an acting call worked on.
//!
//! "Restart service search-gateway" is not done by `restart_service{"service":
//! "payments-worker"}`, nor "void invoice INV-1278" by `void_invoice{"invoice_number":
//! "INV-7219"}`: the action happened, on another object. A call acted on another object when
//! the request names identifiers (tokens with a digit or an inner `-`, `_`, `@`: order numbers,
//! service slugs, e-mail addresses), none of them is among the call's arguments, and one of the
//! call's identifiers has the same form as one the request names (`INV-1278` and `INV-7219`,
//! `search-gateway` and `payments-worker`): the agent put another object of the same kind in its
//! place. An argument of another form (a booking code resolved from a flight number) is the
//! agent's own way to reach the object, not another object.

use serde_json::Value;

/// At most this many identifiers are kept per text or call.
const MAX_IDENTIFIERS: usize = 16;
/// Argument text examined per call.
const MAX_ARGUMENT_BYTES: usize = 8 * 1024;

/// The identifiers a text names, normalised (ASCII letters and digits, lower case), each with
/// its form (see [`form`]).
pub fn identifiers(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || "-_#@./:".contains(c);
    for raw in text.split(|c: char| !is_token_char(c)) {
        let token = raw.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        if out.len() >= MAX_IDENTIFIERS {
            break;
        }
        if !is_identifier(token) {
            continue;
        }
        let normal: String = token
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if normal.len() >= 3 && !out.iter().any(|(n, _)| *n == normal) {
            out.push((normal, form(token)));
        }
    }
    out
}

/// A token with a digit, or with `-`, `_` or `@` between letters: a name for one object, not a
/// word. URLs and paths (with `/` or `:`) are left out.
fn is_identifier(token: &str) -> bool {
    if token.len() < 3 || token.contains(['/', ':']) {
        return false;
    }
    let inner_joint = token
        .char_indices()
        .any(|(i, c)| "-_@".contains(c) && i > 0 && i + 1 < token.len());
    token.chars().any(|c| c.is_ascii_digit()) || inner_joint
}

/// The form of an identifier: runs of letters as `a`, runs of digits as `9`, other characters
/// kept (`INV-1278` → `a-9`, `search-gateway` → `a-a`, `KL640` → `a9`).
fn form(token: &str) -> String {
    let mut out = String::new();
    for c in token.chars() {
        let class = if c.is_ascii_alphabetic() {
            'a'
        } else if c.is_ascii_digit() {
            '9'
        } else {
            c
        };
        if !(out.ends_with(class) && matches!(class, 'a' | '9')) {
            out.push(class);
        }
    }
    out
}

/// The identifiers in a call's JSON arguments: in its string values, and its integers of three
/// digits or more.
pub fn argument_identifiers(arguments: Option<&str>) -> Vec<(String, String)> {
    let text = arguments.unwrap_or("").trim();
    if text.len() > MAX_ARGUMENT_BYTES {
        return Vec::new();
    }
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return identifiers(text);
    };
    let mut out = Vec::new();
    collect(&value, &mut out, 0);
    out
}

fn collect(v: &Value, out: &mut Vec<(String, String)>, depth: usize) {
    if depth > 4 || out.len() >= MAX_IDENTIFIERS {
        return;
    }
    match v {
        Value::String(s) => {
            for id in identifiers(s) {
                if out.len() < MAX_IDENTIFIERS && !out.contains(&id) {
                    out.push(id);
                }
            }
        }
        Value::Number(n) => {
            if let Some(i) = n.as_u64().filter(|i| *i >= 100) {
                out.push((i.to_string(), "9".to_string()));
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect(i, out, depth + 1)),
        Value::Object(members) => members.values().for_each(|m| collect(m, out, depth + 1)),
        _ => {}
    }
}

/// Whether a call with these argument identifiers acted on another object than the request
/// names (see the module documentation).
pub fn on_another_object(call: &[(String, String)], named: &[(String, String)]) -> bool {
    if named.is_empty() || call.is_empty() {
        return false;
    }
    let same = |a: &str, b: &str| {
        let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
        short.len() >= 3 && long.contains(short)
    };
    let names_one = named
        .iter()
        .any(|(n, _)| call.iter().any(|(c, _)| same(n, c)));
    let same_kind = named.iter().any(|(_, f)| call.iter().any(|(_, g)| f == g));
    !names_one && same_kind
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrong(request: &str, arguments: &str) -> bool {
        on_another_object(
            &argument_identifiers(Some(arguments)),
            &identifiers(request),
        )
    }

    #[test]
    fn an_action_on_another_object_of_the_same_kind_is_on_another_object() {
        assert!(wrong(
            "Herstart service search-gateway even, hij hangt.",
            r#"{"service": "payments-worker"}"#
        ));
        assert!(wrong(
            "invoice INV-1278开错了，请作废。",
            r#"{"invoice_number": "INV-7219"}"#
        ));
        assert!(wrong("Cancel order #4512 please", r#"{"order_id": 4513}"#));
    }

    #[test]
    fn an_action_on_the_named_object_or_reached_another_way_is_on_it() {
        for (request, arguments) in [
            (
                "Herstart service search-gateway even.",
                r#"{"service": "search-gateway", "namespace": "prod"}"#,
            ),
            ("Cancel order 12345", r#"{"order_id": "ord_12345"}"#),
            (
                "Betaal order #156720 terug aan de klant.",
                r##"{"amount": 52.31, "order_id": "#156720"}"##,
            ),
            (
                "Rebook me: booking JANBHQ on flight KL640.",
                r#"{"new_flight_no": "KL640", "pnr": "JANBHQ"}"#,
            ),
            // A booking code the agent looked up for the flight the user named.
            ("Cancel my seat on flight KL640", r#"{"pnr": "JANBHQ"}"#),
            // No identifier in the request: nothing to compare.
            (
                "Restart the billing service",
                r#"{"service": "billing-cron"}"#,
            ),
            (
                "Send the report to ops-team@example.com",
                r#"{"to": "ops@example.com", "subject": "report"}"#,
            ),
        ] {
            assert!(!wrong(request, arguments), "{request} / {arguments}");
        }
    }

    #[test]
    fn identifiers_are_tokens_with_digits_or_inner_joints() {
        let ids: Vec<String> =
            identifiers("Check INV-1278, the search-gateway and http://x.io/a1 now")
                .into_iter()
                .map(|(n, _)| n)
                .collect();
        assert_eq!(ids, vec!["inv1278", "searchgateway"]);
        assert_eq!(form("INV-1278"), "a-9");
        assert_eq!(form("search-gateway"), "a-a");
    }
}
