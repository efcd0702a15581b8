//! The classification table: failures in every shape, and healthy data that merely mentions
//! errors.

use super::*;
use crate::processor::tool::result::ParsedResult;

fn classify_result(text: &str) -> Verdict {
    let parsed = ParsedResult::parse(text);
    Classifier::default().classify(&CallEvidence {
        result: Some(&parsed),
        ..Default::default()
    })
}

fn outcome_of(text: &str) -> Outcome {
    classify_result(text).outcome
}

#[test]
fn healthy_json_that_mentions_errors_stays_ok() {
    for text in [
        r#"{"errors": []}"#,
        r#"{"error": null, "data": {"id": 1}}"#,
        r#"{"error_count": 0, "warnings": 0}"#,
        r#"{"stats": {"errors": 0, "error_rate": 0.0}}"#,
        r#"{"ok": true, "result": "done"}"#,
        r#"{"success": true, "message": "Unauthorized charges are refunded within 5 days"}"#,
        r#"{"title": "Error handling", "body": "When the API returns 401, refresh the token. A 503 means retry later."}"#,
        r#"{"results": [{"title": "Handling HTTP 500 errors", "snippet": "error: timeout"}, {"status": 404, "url": "/old"}]}"#,
        r#"{"order_id": "A1", "status": "cancelled", "refund": 10}"#,
        r#"{"item": "lamp", "status": "unavailable"}"#,
        r#"{"status": 200, "body": "ok"}"#,
        r#"{"status": "ok", "code": "EUR"}"#,
        r#"{"error": "", "value": 3}"#,
        r#"{"error": {"code": 0, "message": ""}}"#,
        r#"{"errors": [{"message": "field deprecated"}], "data": {"user": {"id": 1}}}"#,
        r#"{"log": ["ERROR 500 at 10:00", "error: disk full"]}"#,
        r#"{"http": {"status_code": 201}}"#,
        r#"{"city": "Lisbon", "temperature_c": 23, "conditions": "light rain"}"#,
        r#"[{"error": "this is a record in a list"}]"#,
        r#"{"document": "Errors: when a request fails, the error object contains a code."}"#,
    ] {
        assert_eq!(outcome_of(text), Outcome::Ok, "{text}");
    }
}

#[test]
fn json_error_shapes_are_classified() {
    let cases = [
        (
            r#"{"status": 401, "message": "access token expired"}"#,
            Outcome::Auth,
        ),
        (
            r#"{"error": "invalid_token", "error_description": "The access token expired"}"#,
            Outcome::Auth,
        ),
        (
            r#"{"error": {"code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED"}}"#,
            Outcome::Auth,
        ),
        (r#"{"code": "UNAUTHENTICATED"}"#, Outcome::Auth),
        (
            r#"{"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}"#,
            Outcome::Auth,
        ),
        (r#"{"ok": false, "error": "token_revoked"}"#, Outcome::Auth),
        (
            r#"{"ok": false, "error": "ratelimited"}"#,
            Outcome::RateLimited,
        ),
        (
            r#"{"error": {"message": "Rate limit reached for requests", "type": "requests", "code": "rate_limit_exceeded"}}"#,
            Outcome::RateLimited,
        ),
        (
            r#"{"code": 8, "message": "Quota exceeded for quota metric", "details": []}"#,
            Outcome::RateLimited,
        ),
        (
            r#"{"response": {"body": {"error": {"code": 4, "message": "deadline exceeded"}}}}"#,
            Outcome::Timeout,
        ),
        (
            r#"{"success": false, "message": "connect ECONNREFUSED 10.0.0.5:5432"}"#,
            Outcome::Network,
        ),
        (
            r#"{"data": {"result": {"statusCode": 404, "message": "order not found"}}}"#,
            Outcome::NotFound,
        ),
        (
            r#"{"errors": [{"message": "Variable $id is required", "extensions": {"code": "BAD_USER_INPUT"}}], "data": null}"#,
            Outcome::BadRequest,
        ),
        (
            r#"{"detail": [{"loc": ["body", "city"], "msg": "field required"}], "status_code": 422}"#,
            Outcome::BadRequest,
        ),
        (
            r#"{"status": "error", "message": "Internal Server Error"}"#,
            Outcome::ServerError,
        ),
        (
            r#"{"error": {"code": 503, "message": "The service is currently unavailable.", "status": "UNAVAILABLE"}}"#,
            Outcome::ServerError,
        ),
        (
            r#"{"content": [{"type": "text", "text": "Error: permission denied for repo"}], "isError": true}"#,
            Outcome::Auth,
        ),
        (
            r#"{"status": "failed", "reason": "something odd"}"#,
            Outcome::Error,
        ),
        (r#"{"error": true}"#, Outcome::Error),
    ];
    for (text, want) in cases {
        assert_eq!(outcome_of(text), want, "{text}");
    }
}

#[test]
fn text_and_html_errors_are_classified() {
    let cases = [
        ("HTTP 401: Unauthorized: access token expired", Outcome::Auth),
        ("Error: Invalid API key provided", Outcome::Auth),
        ("429 Too Many Requests", Outcome::RateLimited),
        ("requests.exceptions.ReadTimeout: read timed out (read timeout=10)", Outcome::Timeout),
        ("ConnectionRefusedError: [Errno 111] Connection refused", Outcome::Network),
        ("Error: getaddrinfo ENOTFOUND api.weather.example", Outcome::Network),
        ("ERROR: relation \"orders\" does not exist", Outcome::NotFound),
        ("Error: missing required parameter 'city'", Outcome::BadRequest),
        ("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>", Outcome::ServerError),
        ("<html><head><title>403 Forbidden</title></head><body>nginx</body></html>", Outcome::Auth),
        ("<html><head><title>Just a moment...</title></head><body>checking</body></html>", Outcome::Error),
        ("Traceback (most recent call last):\n  File \"tool.py\", line 3\nKeyError: 'x'", Outcome::Error),
    ];
    for (text, want) in cases {
        assert_eq!(outcome_of(text), want, "{text}");
    }
    for text in [
        "Unopened items can be returned within 30 days for a full refund.",
        "Our troubleshooting guide: if you see Error 401, sign in again.",
        "<html><head><title>Return policy</title></head><body><h1>Returns</h1></body></html>",
    ] {
        assert_eq!(outcome_of(text), Outcome::Ok, "{text}");
    }
}

#[test]
fn span_status_comes_first_and_reads_status_from_the_message() {
    let v = Classifier::default().classify(&CallEvidence {
        status_error: true,
        status_message: Some("HTTP 503: Service Unavailable: upstream search timeout"),
        error_type: Some("agent_scenarios.ToolHTTPError"),
        ..Default::default()
    });
    assert_eq!(v.outcome, Outcome::ServerError);
    assert_eq!(v.error_type.as_deref(), Some("http_503"));
    assert!(v.detail.unwrap().contains("upstream search timeout"));

    let v = Classifier::default().classify(&CallEvidence {
        exceptions: vec!["TimeoutError", "billing API did not answer in 800ms"],
        ..Default::default()
    });
    assert_eq!(v.outcome, Outcome::Timeout);

    let v = Classifier::default().classify(&CallEvidence {
        error_type: Some("429"),
        ..Default::default()
    });
    assert_eq!(v.outcome, Outcome::RateLimited);

    let v = Classifier::default().classify(&CallEvidence {
        status_error: true,
        ..Default::default()
    });
    assert_eq!(v.outcome, Outcome::Error);

    let v = Classifier::default().classify(&CallEvidence {
        http_status: Some(404),
        ..Default::default()
    });
    assert_eq!(v.outcome, Outcome::NotFound);
}

#[test]
fn soft_outcomes_follow_hard_evidence() {
    let data = ParsedResult::parse(r#"{"city": "Rome", "temp": {"value": 11}}"#);
    let v = Classifier::default().classify(&CallEvidence {
        result: Some(&data),
        schema_missing: Some("temperature_c (number)"),
        ..Default::default()
    });
    assert_eq!(v.outcome, Outcome::SchemaMismatch);

    let failed = ParsedResult::parse(r#"{"status": 401}"#);
    let v = Classifier::default().classify(&CallEvidence {
        result: Some(&failed),
        schema_missing: Some("temperature_c (number)"),
        ..Default::default()
    });
    assert_eq!(v.outcome, Outcome::Auth);

    let empty = ParsedResult::parse("[]");
    let usual = CallEvidence {
        result: Some(&empty),
        usually_returns_data: true,
        ..Default::default()
    };
    assert_eq!(
        Classifier::default().classify(&usual).outcome,
        Outcome::Empty
    );
    let unusual = CallEvidence {
        usually_returns_data: false,
        ..usual
    };
    assert_eq!(
        Classifier::default().classify(&unusual).outcome,
        Outcome::Ok
    );
}

#[test]
fn user_rules_extend_the_table() {
    let rules = Ruleset::with_user_rules(&[RuleConfig {
        outcome: Outcome::RateLimited,
        status_codes: vec![],
        codes: vec!["SLOW_DOWN_PLEASE".into()],
        patterns: vec![r"\bbackpressure\b".into()],
    }])
    .unwrap();
    let c = Classifier::new(rules);
    let parsed = ParsedResult::parse(r#"{"ok": false, "code": "slow-down-please"}"#);
    let v = c.classify(&CallEvidence {
        result: Some(&parsed),
        ..Default::default()
    });
    assert_eq!(v.outcome, Outcome::RateLimited);
    let parsed = ParsedResult::parse("Error: backpressure on queue");
    let v = c.classify(&CallEvidence {
        result: Some(&parsed),
        ..Default::default()
    });
    assert_eq!(v.outcome, Outcome::RateLimited);
}

#[test]
fn truncate_respects_char_boundaries() {
    assert_eq!(truncate("short", 10), "short");
    let t = truncate("ééééééééé", 7);
    assert!(t.len() <= 7 && t.ends_with('…'), "{t}");
}
