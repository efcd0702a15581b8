use std::time::Instant;

use opentelemetry_proto::tonic::trace::v1::Span;

use super::*;
use crate::pipeline::testing::kv;
use crate::processor::tool::testing::*;

fn processor() -> AuthRotProcessor {
    AuthRotProcessor::new("auth_rot", Config::default(), "processors.auth_rot").unwrap()
}

fn run(p: &mut AuthRotProcessor, spans: Vec<Span>) -> Vec<Span> {
    let mut out = Vec::new();
    p.process(batch(spans), Instant::now(), &mut out);
    all_spans(&out)
}

fn summary(p: &mut AuthRotProcessor, session: &str) -> SessionSummary {
    let mut s = SessionSummary {
        session_id: session.into(),
        ..Default::default()
    };
    p.enrich_summary(&mut s);
    s
}

#[test]
fn a_token_that_expires_mid_session_is_rot_from_the_first_failure() {
    let mut p = processor();
    let spans = run(
        &mut p,
        vec![
            tool(
                "s",
                1,
                1,
                "crm_lookup",
                r#"{"id": 1}"#,
                Some(r#"{"id": 1, "name": "Ann"}"#),
                T0,
            ),
            // Another tool's error format: a nested OAuth error object in an OK span.
            tool(
                "s",
                2,
                2,
                "crm_lookup",
                r#"{"id": 2}"#,
                Some(
                    r#"{"error": {"code": "invalid_token", "message": "The access token expired"}}"#,
                ),
                T0 + 60 * SEC,
            ),
            failed_tool(
                "s",
                3,
                3,
                "crm_lookup",
                r#"{"id": 3}"#,
                "HTTP 401: Unauthorized",
                T0 + 120 * SEC,
            ),
        ],
    );
    assert_eq!(attr(by_id(&spans, 1), "spotter.auth_rot"), None);
    for id in [2, 3] {
        let s = by_id(&spans, id);
        assert_eq!(
            attr(s, "spotter.auth_rot").as_deref(),
            Some("true"),
            "span {id}"
        );
        let ev = s
            .events
            .iter()
            .find(|e| e.name == "spotter.auth_rot")
            .expect("event");
        let keys: Vec<&str> = ev.attributes.iter().map(|a| a.key.as_str()).collect();
        assert!(keys.contains(&"first_failure_time") && keys.contains(&"last_success_time"));
    }
    let s = summary(&mut p, "s");
    assert_eq!(s.findings.len(), 1);
    assert_eq!(s.findings[0].kind, "auth_rot");
    assert_eq!(s.findings[0].first_turn, 2);
}

#[test]
fn a_wrong_key_from_the_start_is_auth_but_not_rot() {
    let mut p = processor();
    let spans = run(
        &mut p,
        vec![
            failed_tool(
                "s",
                1,
                1,
                "crm_lookup",
                "{}",
                "HTTP 401: Unauthorized: invalid api key",
                T0,
            ),
            failed_tool(
                "s",
                2,
                2,
                "crm_lookup",
                "{}",
                "HTTP 401: Unauthorized: invalid api key",
                T0 + SEC,
            ),
        ],
    );
    assert!(spans.iter().all(|s| attr(s, "spotter.auth_rot").is_none()));
    assert!(summary(&mut p, "s").findings.is_empty());
}

#[test]
fn keys_include_the_host_when_visible() {
    let mut p = processor();
    let on = |s: Span, host: &str| with_attr(s, kv("server.address", host));
    let spans = run(
        &mut p,
        vec![
            on(
                tool("s", 1, 1, "fetch", "{}", Some(r#"{"ok": true}"#), T0),
                "a.example",
            ),
            on(
                failed_tool("s", 2, 2, "fetch", "{}", "401 Unauthorized", T0 + SEC),
                "b.example",
            ),
            on(
                failed_tool("s", 2, 3, "fetch", "{}", "401 Unauthorized", T0 + 2 * SEC),
                "a.example",
            ),
        ],
    );
    assert_eq!(
        attr(by_id(&spans, 2), "spotter.auth_rot"),
        None,
        "b never worked"
    );
    assert_eq!(
        attr(by_id(&spans, 3), "spotter.auth_rot").as_deref(),
        Some("true")
    );
}

#[test]
fn other_failures_are_not_auth_rot() {
    let mut p = processor();
    let spans = run(
        &mut p,
        vec![
            tool("s", 1, 1, "search", "{}", Some(r#"{"hits": []}"#), T0),
            failed_tool(
                "s",
                2,
                2,
                "search",
                "{}",
                "HTTP 503: Service Unavailable",
                T0 + SEC,
            ),
            tool(
                "s",
                2,
                3,
                "search",
                "{}",
                Some("429 Too Many Requests"),
                T0 + 2 * SEC,
            ),
        ],
    );
    assert!(spans.iter().all(|s| attr(s, "spotter.auth_rot").is_none()));
}

#[test]
fn rfc3339_formats_unix_nanos() {
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
    assert_eq!(
        rfc3339(1_709_251_199_123_000_000),
        "2024-02-29T23:59:59.123Z"
    );
}

#[test]
fn invalid_shares_are_rejected_with_their_key() {
    let config = Config {
        min_share: 1.5,
        ..Default::default()
    };
    let err = AuthRotProcessor::new("auth_rot", config, "processors.auth_rot")
        .err()
        .unwrap();
    assert!(
        err.to_string().starts_with("processors.auth_rot.min_share"),
        "{err}"
    );
}

#[test]
fn a_403_on_another_customers_order_after_successes_is_not_rot() {
    let mut p = processor();
    let spans = run(
        &mut p,
        vec![
            tool(
                "s",
                1,
                1,
                "get_order",
                r#"{"order_id": "A1"}"#,
                Some(r#"{"order_id": "A1", "total": 10}"#),
                T0,
            ),
            tool(
                "s",
                1,
                2,
                "get_order",
                r#"{"order_id": "A2"}"#,
                Some(r#"{"order_id": "A2", "total": 12}"#),
                T0 + SEC,
            ),
            tool(
                "s",
                2,
                3,
                "get_order",
                r#"{"order_id": "B9"}"#,
                Some(
                    r#"{"status": 403, "message": "Forbidden: order B9 belongs to another customer"}"#,
                ),
                T0 + 60 * SEC,
            ),
            tool(
                "s",
                2,
                4,
                "get_order",
                r#"{"order_id": "A3"}"#,
                Some(r#"{"order_id": "A3", "total": 7}"#),
                T0 + 61 * SEC,
            ),
        ],
    );
    assert_eq!(attr(by_id(&spans, 3), "spotter.auth_rot"), None);
    assert!(summary(&mut p, "s").findings.is_empty());
}

/// A permission denial names no credential: the key was accepted and the server refused one
/// object (its ACL changed, or the agent asked for something it may not see), even one that
/// worked a minute ago. The tool's next calls succeed, so nothing rotted.
#[test]
fn a_403_without_credential_wording_is_not_rot_even_on_a_resource_that_worked_before() {
    let mut p = processor();
    let spans = run(
        &mut p,
        vec![
            tool(
                "s",
                1,
                1,
                "get_order",
                r#"{"order_id": "A1"}"#,
                Some(r#"{"order_id": "A1"}"#),
                T0,
            ),
            tool(
                "s",
                2,
                2,
                "get_order",
                r#"{"order_id": "A1"}"#,
                Some(r#"{"status": 403, "message": "Forbidden"}"#),
                T0 + 60 * SEC,
            ),
            failed_tool(
                "s",
                2,
                3,
                "get_order",
                r#"{"order_id": "A1"}"#,
                "rpc error: code = PermissionDenied desc = Keine Berechtigung für diese Ressource",
                T0 + 61 * SEC,
            ),
            tool(
                "s",
                2,
                4,
                "get_order",
                r#"{"order_id": "A1"}"#,
                Some(r#"{"order_id": "A1"}"#),
                T0 + 62 * SEC,
            ),
        ],
    );
    assert!(spans.iter().all(|s| attr(s, "spotter.auth_rot").is_none()));
    assert!(summary(&mut p, "s").findings.is_empty());
}

/// A 403 that says the token expired (AWS answers `ExpiredToken` with 403) is the credential.
#[test]
fn a_403_that_names_an_expired_token_after_success_is_rot() {
    let mut p = processor();
    let spans = run(
        &mut p,
        vec![
            tool(
                "s",
                1,
                1,
                "s3_get",
                r#"{"key": "a"}"#,
                Some(r#"{"size": 1}"#),
                T0,
            ),
            tool(
                "s",
                2,
                2,
                "s3_get",
                r#"{"key": "b"}"#,
                Some(
                    r#"<?xml version="1.0"?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>"#,
                ),
                T0 + 60 * SEC,
            ),
        ],
    );
    assert_eq!(
        attr(by_id(&spans, 2), "spotter.auth_rot").as_deref(),
        Some("true")
    );
}

#[test]
fn an_expired_token_in_aws_encoding_after_success_is_rot() {
    let mut p = processor();
    let spans = run(
        &mut p,
        vec![
            tool(
                "s",
                1,
                1,
                "s3_list",
                r#"{"bucket": "a"}"#,
                Some(r#"{"keys": ["x"]}"#),
                T0,
            ),
            tool(
                "s",
                2,
                2,
                "s3_list",
                r#"{"bucket": "b"}"#,
                Some(
                    r#"{"__type": "ExpiredTokenException", "message": "The security token included in the request is expired"}"#,
                ),
                T0 + 60 * SEC,
            ),
            tool(
                "s",
                3,
                3,
                "s3_list",
                r#"{"bucket": "c"}"#,
                Some("Erreur : jeton expiré"),
                T0 + 90 * SEC,
            ),
        ],
    );
    assert_eq!(
        attr(by_id(&spans, 2), "spotter.auth_rot").as_deref(),
        Some("true")
    );
    assert_eq!(
        attr(by_id(&spans, 3), "spotter.auth_rot").as_deref(),
        Some("true")
    );
}

#[test]
fn a_key_that_never_worked_is_auth_without_rot() {
    let mut p = processor();
    let spans = run(
        &mut p,
        vec![
            tool(
                "s",
                1,
                1,
                "crm",
                "{}",
                Some(r#"{"message": "Unauthorized"}"#),
                T0,
            ),
            tool(
                "s",
                2,
                2,
                "crm",
                "{}",
                Some(r#"{"message": "Unauthorized"}"#),
                T0 + SEC,
            ),
        ],
    );
    assert!(spans.iter().all(|s| attr(s, "spotter.auth_rot").is_none()));
}

#[test]
fn the_same_tool_name_of_another_service_does_not_share_credential_health() {
    use crate::pipeline::testing::kv;
    let mut p = processor();
    let mut ok = batch(vec![tool(
        "a",
        1,
        1,
        "search",
        "{}",
        Some(r#"{"hits": [1]}"#),
        T0,
    )]);
    if let crate::pipeline::Payload::Traces(r) = ok.payload_mut() {
        r.resource_spans[0].resource.as_mut().unwrap().attributes =
            vec![kv("service.name", "crm-bot")];
    }
    let mut out = Vec::new();
    p.process(ok, Instant::now(), &mut out);
    // Same session id reused by another agent's service: its failure is not this key's rot.
    let spans = run(
        &mut p,
        vec![tool(
            "a",
            2,
            2,
            "search",
            "{}",
            Some(r#"{"message": "Unauthorized"}"#),
            T0 + SEC,
        )],
    );
    assert_eq!(attr(by_id(&spans, 2), "spotter.auth_rot"), None);
}

fn in_session(s: &str, span_id: u8, turn: u32, t: u64, result: Option<&str>) -> Span {
    tool(
        s,
        turn,
        span_id,
        "list_deals",
        r#"{"stage": "won"}"#,
        result,
        t,
    )
}

/// The credential worked fleet-wide (earlier sessions), and this session's very first call is
/// refused as expired or revoked, in any encoding or language: a lapsed credential once worked,
/// so this is rot even though the session itself never saw a success.
#[test]
fn an_expired_credential_after_fleet_success_is_rot_from_the_sessions_first_call() {
    let expired = [
        r#"{"error":{"type":"invalid_request_error","code":"api_key_expired","message":"El token de acceso ha caducado"}}"#,
        "rpc error: code = Unauthenticated desc = アクセストークンの有効期限が切れています",
        r#"{"error": "invalid_token", "error_description": "The access token is no longer valid"}"#,
        r#"{"Error": {"Code": "ExpiredToken", "Message": "The security token included in the request is expired"}}"#,
        "Erreur 401 : le jeton d'accès a été révoqué",
    ];
    for (i, body) in expired.iter().enumerate() {
        let mut p = processor();
        let ok = r#"{"deals": [], "paging": {"next": null}}"#;
        run(
            &mut p,
            vec![
                in_session("earlier-a", 1, 1, T0, Some(ok)),
                in_session("earlier-b", 2, 1, T0 + 60 * SEC, Some(ok)),
            ],
        );
        let spans = run(
            &mut p,
            vec![in_session("now", 3, 1, T0 + 600 * SEC, Some(body))],
        );
        assert_eq!(
            attr(by_id(&spans, 3), "spotter.auth_rot").as_deref(),
            Some("true"),
            "case {i}: {body}"
        );
        let s = summary(&mut p, "now");
        assert_eq!(s.findings.len(), 1, "case {i}");
    }
}

/// A key that fails without saying it lapsed ("invalid API key") against a fleet where the
/// same tool works is one user's wrong key, not rot (until the fleet's share rises).
#[test]
fn an_invalid_key_from_the_first_call_against_a_healthy_fleet_is_not_rot() {
    let mut p = processor();
    let ok = r#"{"deals": [], "paging": {"next": null}}"#;
    run(
        &mut p,
        vec![
            in_session("earlier-a", 1, 1, T0, Some(ok)),
            in_session("earlier-b", 2, 1, T0 + 60 * SEC, Some(ok)),
        ],
    );
    let spans = run(
        &mut p,
        vec![in_session(
            "now",
            3,
            1,
            T0 + 600 * SEC,
            Some(
                r#"{"error":{"type":"invalid_request_error","code":"invalid_api_key","message":"Invalid API key provided"}}"#,
            ),
        )],
    );
    assert_eq!(attr(by_id(&spans, 3), "spotter.auth_rot"), None);
}

fn call(id: u8, turn: u32, t: u64, result: &str) -> Span {
    tool(
        "s",
        turn,
        id,
        "get_order",
        &format!(r#"{{"order_id": "A{id}"}}"#),
        Some(result),
        t,
    )
}

/// A refusal that says the credential lapsed is rot in any language, even as a 403.
#[test]
fn a_403_saying_the_token_lapsed_in_russian_polish_chinese_or_korean_after_success_is_rot() {
    for refusal in [
        r#"{"status": 403, "message": "Срок действия токена истёк"}"#,
        r#"{"status": 403, "message": "Сессия истекла, войдите снова"}"#,
        r#"{"status": 403, "message": "Token wygasł"}"#,
        r#"{"status": 403, "message": "令牌已失效"}"#,
        r#"{"status": 403, "message": "세션이 만료되었습니다"}"#,
    ] {
        let mut p = processor();
        let spans = run(
            &mut p,
            vec![
                call(1, 1, T0, r#"{"order_id": "A1", "total": 10}"#),
                call(2, 2, T0 + 60 * SEC, refusal),
            ],
        );
        assert_eq!(
            attr(by_id(&spans, 2), "spotter.auth_rot").as_deref(),
            Some("true"),
            "{refusal}"
        );
    }
}

/// A permission denial about one object is not rot in any language.
#[test]
fn a_per_resource_403_in_russian_polish_chinese_or_korean_is_not_rot() {
    for denial in [
        r#"{"status": 403, "message": "Доступ к заказу B9 запрещён"}"#,
        r#"{"status": 403, "message": "Brak uprawnień do zamówienia B9"}"#,
        r#"{"status": 403, "message": "无权访问订单 B9"}"#,
        r#"{"status": 403, "message": "주문 B9에 대한 접근이 거부되었습니다"}"#,
    ] {
        let mut p = processor();
        let spans = run(
            &mut p,
            vec![
                call(1, 1, T0, r#"{"order_id": "A1", "total": 10}"#),
                call(2, 2, T0 + 60 * SEC, denial),
                call(3, 2, T0 + 61 * SEC, r#"{"order_id": "A3", "total": 7}"#),
            ],
        );
        assert!(
            spans.iter().all(|s| attr(s, "spotter.auth_rot").is_none()),
            "{denial}"
        );
        assert!(summary(&mut p, "s").findings.is_empty(), "{denial}");
    }
}

/// The same lapse said in Swedish, Turkish or Indonesian is rot too, even as a 403.
#[test]
fn a_403_saying_the_token_lapsed_in_swedish_turkish_or_indonesian_after_success_is_rot() {
    for refusal in [
        r#"{"status": 403, "message": "Din session har gått ut, logga in igen"}"#,
        r#"{"status": 403, "message": "Erişim belirtecinin süresi doldu"}"#,
        r#"{"status": 403, "message": "Token akses sudah kedaluwarsa"}"#,
    ] {
        let mut p = processor();
        let spans = run(
            &mut p,
            vec![
                call(1, 1, T0, r#"{"order_id": "A1", "total": 10}"#),
                call(2, 2, T0 + 60 * SEC, refusal),
            ],
        );
        assert_eq!(
            attr(by_id(&spans, 2), "spotter.auth_rot").as_deref(),
            Some("true"),
            "{refusal}"
        );
    }
}
