//! Regression tests for the probes of issue 9: encodings the classifier missed, and business
//! data it read as failures. Each test is named after what it guards.

use super::*;
use crate::processor::tool::result::ParsedResult;

/// The outcome of a text result of an unnamed tool (shared by the probe modules).
pub(super) fn outcome_of(text: &str) -> Outcome {
    let parsed = ParsedResult::parse(text);
    Classifier::default()
        .classify(&CallEvidence {
            result: Some(&parsed),
            ..Default::default()
        })
        .outcome
}

#[test]
fn a_bare_unauthorized_message_without_status_is_auth() {
    assert_eq!(outcome_of(r#"{"message":"Unauthorized"}"#), Outcome::Auth);
}

#[test]
fn an_expired_access_token_message_without_status_is_auth() {
    assert_eq!(
        outcome_of(r#"{"message":"The access token expired"}"#),
        Outcome::Auth
    );
}

#[test]
fn aws_error_code_keys_match_case_insensitively() {
    assert_eq!(
        outcome_of(
            r#"{"Error":{"Code":"ExpiredToken","Message":"The security token included in the request is expired"}}"#
        ),
        Outcome::Auth
    );
    assert_eq!(
        outcome_of(r#"{"Error":{"Code":"ExpiredToken"}}"#),
        Outcome::Auth
    );
}

#[test]
fn aws_type_exception_names_are_auth() {
    assert_eq!(
        outcome_of(r#"{"__type":"ExpiredTokenException"}"#),
        Outcome::Auth
    );
    assert_eq!(
        outcome_of(
            r#"{"__type":"com.amazon.coral.service#ExpiredTokenException","message":"The security token included in the request is expired"}"#
        ),
        Outcome::Auth
    );
}

#[test]
fn german_auth_errors_are_auth_with_their_status() {
    let parsed = ParsedResult::parse("Fehler 401: Zugriff verweigert");
    let v = Classifier::default().classify(&CallEvidence {
        result: Some(&parsed),
        ..Default::default()
    });
    assert_eq!(v.outcome, Outcome::Auth);
    assert_eq!(v.error_type.as_deref(), Some("http_401"));
}

#[test]
fn french_expired_token_errors_are_auth() {
    assert_eq!(outcome_of("Erreur : jeton expiré"), Outcome::Auth);
}

#[test]
fn errors_in_other_languages_are_classified() {
    for (text, want) in [
        ("Error: token caducado", Outcome::Auth),
        ("Errore: accesso negato", Outcome::Auth),
        ("Erro: token expirado", Outcome::Auth),
        (
            "Fehler: Zeitüberschreitung bei der Anfrage",
            Outcome::Timeout,
        ),
        ("Erreur : trop de requêtes", Outcome::RateLimited),
    ] {
        assert_eq!(outcome_of(text), want, "{text}");
    }
}

#[test]
fn soap_faults_are_classified_by_their_text() {
    let soap = r#"<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>Authentication failed: token expired</faultstring></soap:Fault></soap:Body></soap:Envelope>"#;
    assert_eq!(outcome_of(soap), Outcome::Auth);
    let s3 = r#"<?xml version="1.0" encoding="UTF-8"?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>"#;
    assert_eq!(outcome_of(s3), Outcome::Auth);
    let down = r#"<soap:Envelope><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>Internal error</faultstring></soap:Fault></soap:Body></soap:Envelope>"#;
    assert!(outcome_of(down).is_hard_failure());
}

#[test]
fn null_results_and_no_data_text_are_empty_for_tools_that_return_data() {
    for text in [
        r#"{"results":null}"#,
        "No data available",
        r#"{"content":[{"type":"text","text":"No results found."}]}"#,
    ] {
        let parsed = ParsedResult::parse(text);
        let v = Classifier::default().classify(&CallEvidence {
            result: Some(&parsed),
            usually_returns_data: true,
            ..Default::default()
        });
        assert_eq!(v.outcome, Outcome::Empty, "{text}");
    }
}

#[test]
fn a_failure_inside_an_mcp_text_envelope_is_classified() {
    assert_eq!(
        outcome_of(
            r#"{"content":[{"type":"text","text":"{\"error\":{\"code\":401,\"message\":\"token revoked\"}}"}]}"#
        ),
        Outcome::Auth
    );
}

#[test]
fn forbidden_city_content_is_not_auth() {
    assert_eq!(
        outcome_of("Forbidden City: palace complex in Beijing, home of 24 emperors"),
        Outcome::Ok
    );
    assert_eq!(outcome_of("Forbidden"), Outcome::Auth);
    assert_eq!(
        outcome_of("Forbidden: missing scope orders:write"),
        Outcome::Auth
    );
}

#[test]
fn a_timeout_setting_is_not_a_timeout() {
    assert_eq!(outcome_of("Timeout: 30s"), Outcome::Ok);
    assert_eq!(outcome_of("Timeout: 30s\nRetries: 3"), Outcome::Ok);
    assert_eq!(
        outcome_of("Timeout: the upstream did not answer"),
        Outcome::Timeout
    );
}

#[test]
fn a_failed_payment_record_is_business_data() {
    assert_eq!(
        outcome_of(
            r#"{"id":"pay_81","amount":4200,"currency":"eur","status":"failed","failure_code":"card_declined","failure_message":"Your card was declined."}"#
        ),
        Outcome::Ok
    );
}

#[test]
fn a_link_check_reporting_404_is_business_data() {
    assert_eq!(
        outcome_of(
            r#"{"url":"https://example.com/old","status":404,"checked_at":"2026-01-02T10:00:00Z"}"#
        ),
        Outcome::Ok
    );
    assert_eq!(
        outcome_of(
            r#"{"url":"https://example.com/old","result":{"status":404,"reason":"Not Found"}}"#
        ),
        Outcome::Ok
    );
}

#[test]
fn a_health_check_saying_not_ok_is_business_data() {
    assert_eq!(
        outcome_of(r#"{"service":"payments-db","ok":false,"latency_ms":1200}"#),
        Outcome::Ok
    );
    assert_eq!(
        outcome_of(r#"{"ok":false,"error":"invalid_auth"}"#),
        Outcome::Auth
    );
}

fn outcome_of_tool(tool: &str, text: &str) -> Outcome {
    let parsed = ParsedResult::parse(text);
    Classifier::default()
        .classify(&CallEvidence {
            tool: Some(tool),
            result: Some(&parsed),
            ..Default::default()
        })
        .outcome
}

#[test]
fn a_health_check_reporting_not_ok_with_its_reason_is_business_data() {
    for tool in [
        "health_check",
        "check_service",
        "ping_host",
        "db.healthcheck",
    ] {
        for text in [
            r#"{"ok":false,"error":"disk 97% full"}"#,
            r#"{"ok":false,"status":"degraded","message":"2 of 5 replicas down"}"#,
            r#"{"healthy":false,"status":503,"detail":"connection refused"}"#,
            r#"{"success":false,"errors":["queue backlog 12000"]}"#,
        ] {
            assert_eq!(outcome_of_tool(tool, text), Outcome::Ok, "{tool}: {text}");
        }
        // The check itself refused: the caller's credentials or quota.
        assert_eq!(
            outcome_of_tool(tool, r#"{"ok":false,"error":"invalid_auth"}"#),
            Outcome::Auth
        );
        assert_eq!(
            outcome_of_tool(tool, r#"{"message":"Rate limit exceeded, retry later"}"#),
            Outcome::RateLimited
        );
        assert!(outcome_of_tool(
            tool,
            r#"{"content":[{"type":"text","text":"internal error"}],"isError":true}"#
        )
        .is_hard_failure());
    }
    // The same body from a tool that does not check anything is its own failure.
    assert!(
        outcome_of_tool("get_order", r#"{"ok":false,"error":"disk 97% full"}"#).is_hard_failure()
    );
}

#[test]
fn tools_that_check_state_are_recognised_by_their_name() {
    for t in [
        "health_check",
        "check_links",
        "ping",
        "probe_endpoint",
        "uptime_status",
        "service_healthcheck",
        "get_health",
        "ServiceHealth",
        "test_connection",
        "verify_endpoint",
    ] {
        assert!(reports_state(t), "{t}");
    }
    for t in [
        "get_order",
        "list_invoices",
        "get_job_status",
        "checkout",
        "create_check",
        "shipping_rates",
        "send_email",
        "check_availability",
        "check_eligibility",
    ] {
        assert!(!reports_state(t), "{t}");
    }
}

#[test]
fn log_text_starting_with_error_is_business_data() {
    for text in [
        "ERROR 2026-01-02T10:00:00Z payment-service: timeout contacting bank\nINFO 2026-01-02T10:00:01Z retry ok",
        "2026-01-02 10:00:00 ERROR db: connection refused\n2026-01-02 10:00:05 INFO db: reconnected",
        "ERROR worker crashed\nWARN queue backlog 120\nINFO restarted",
    ] {
        assert_eq!(outcome_of(text), Outcome::Ok, "{text}");
    }
}
