use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::trace::v1::Span;

use super::*;
use crate::processor::tool::testing::*;

fn processor(config: Config) -> SilentFailureProcessor {
    SilentFailureProcessor::new("silent_failure", config, "processors.silent_failure").unwrap()
}

fn run(p: &mut SilentFailureProcessor, spans: Vec<Span>, now: Instant) -> Vec<Span> {
    let mut out = Vec::new();
    p.process(batch(spans), now, &mut out);
    all_spans(&out)
}

fn findings(p: &mut SilentFailureProcessor, session: &str) -> Vec<Finding> {
    let mut s = SessionSummary {
        session_id: session.into(),
        ..Default::default()
    };
    p.enrich_summary(&mut s);
    s.findings
}

fn has_event(s: &Span) -> bool {
    s.events.iter().any(|e| e.name == "spotter.silent_failure")
}

fn failed_search(id: u8, start: u64) -> Span {
    failed_tool(
        "s",
        2,
        id,
        "kb_search",
        r#"{"q": "refunds"}"#,
        "HTTP 503: Service Unavailable",
        start,
    )
}

#[test]
fn a_confident_answer_after_a_failure_is_silent() {
    let mut p = processor(Config::default());
    let now = Instant::now();
    let out = run(
        &mut p,
        vec![
            llm("s", 2, 1, "", T0),
            failed_search(2, T0 + SEC),
            llm(
                "s",
                2,
                3,
                "Refunds are accepted within 90 days, no questions asked.",
                T0 + 2 * SEC,
            ),
            agent(
                "s",
                2,
                4,
                "Refunds are accepted within 90 days, no questions asked.",
                T0,
            ),
        ],
        now,
    );
    assert_eq!(out.len(), 4);
    let tool = by_id(&out, 2);
    assert_eq!(
        attr(tool, "spotter.tool.silent_failure").as_deref(),
        Some("true")
    );
    assert!(!has_event(tool));
    assert!(has_event(by_id(&out, 4)), "event on the turn's agent span");
    let f = findings(&mut p, "s");
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].kind.as_str(), f[0].first_turn), ("silent_failure", 2));
    assert!(f[0].detail.contains("kb_search"));
}

#[test]
fn a_failed_span_waits_for_its_turn_and_leaves_with_the_verdict() {
    let mut p = processor(Config::default());
    let now = Instant::now();
    let first = run(
        &mut p,
        vec![failed_search(2, T0 + SEC), llm("s", 2, 1, "", T0)],
        now,
    );
    assert_eq!(first.len(), 1, "the failed tool span is held");
    assert!(p.next_deadline().is_some());
    let second = run(
        &mut p,
        vec![
            llm(
                "s",
                2,
                3,
                "Refunds are accepted within 90 days.",
                T0 + 2 * SEC,
            ),
            agent("s", 2, 4, "Refunds are accepted within 90 days.", T0),
        ],
        now + Duration::from_millis(200),
    );
    assert_eq!(second.len(), 3);
    assert_eq!(
        attr(by_id(&second, 2), "spotter.tool.silent_failure").as_deref(),
        Some("true")
    );
    assert!(has_event(by_id(&second, 4)));
    assert!(p.held.is_empty());
}

#[test]
fn acknowledged_retried_or_escalated_failures_are_not_silent() {
    let now = Instant::now();
    let cases: Vec<Vec<Span>> = vec![
        vec![
            failed_search(2, T0 + SEC),
            llm(
                "s",
                2,
                3,
                "Sorry, the help center search is not available right now.",
                T0 + 2 * SEC,
            ),
            agent(
                "s",
                2,
                4,
                "Sorry, the help center search is not available right now.",
                T0,
            ),
        ],
        vec![
            failed_search(2, T0 + SEC),
            tool(
                "s",
                2,
                5,
                "kb_search",
                r#"{"q": "refunds"}"#,
                Some(r#"{"hits": [{"t": "Refunds"}]}"#),
                T0 + 2 * SEC,
            ),
            agent("s", 2, 4, "Refunds are accepted within 30 days.", T0),
        ],
        vec![
            failed_search(2, T0 + SEC),
            tool(
                "s",
                2,
                5,
                "escalate_to_human",
                "{}",
                Some(r#"{"ticket": 7}"#),
                T0 + 2 * SEC,
            ),
            agent("s", 2, 4, "A colleague will get back to you.", T0),
        ],
    ];
    for spans in cases {
        let mut p = processor(Config::default());
        let out = run(&mut p, spans, now);
        assert!(out
            .iter()
            .all(|s| attr(s, "spotter.tool.silent_failure").is_none() && !has_event(s)));
        assert!(findings(&mut p, "s").is_empty());
    }
}

#[test]
fn without_the_root_the_verdict_comes_on_timeout_with_the_event_on_the_tool_span() {
    let mut p = processor(Config::default());
    let now = Instant::now();
    let out = run(
        &mut p,
        vec![
            failed_search(2, T0 + SEC),
            llm("s", 2, 3, "Refunds take 90 days.", T0 + 2 * SEC),
        ],
        now,
    );
    assert_eq!(out.len(), 1);
    let deadline = p.next_deadline().expect("waiting");
    assert!(deadline <= now + Duration::from_secs(30));
    let mut released = Vec::new();
    p.on_tick(deadline, &mut released);
    let spans = all_spans(&released);
    assert_eq!(spans.len(), 1);
    assert_eq!(
        attr(&spans[0], "spotter.tool.silent_failure").as_deref(),
        Some("true")
    );
    assert!(has_event(&spans[0]));
    assert_eq!(p.next_deadline(), None);
}

#[test]
fn the_next_turn_closes_the_previous_one() {
    let mut p = processor(Config::default());
    let now = Instant::now();
    run(
        &mut p,
        vec![
            failed_search(2, T0 + SEC),
            llm("s", 2, 3, "Refunds take 90 days.", T0 + 2 * SEC),
        ],
        now,
    );
    let out = run(&mut p, vec![llm("s", 3, 9, "Hi again", T0 + 60 * SEC)], now);
    let tool = out
        .iter()
        .find(|s| s.span_id == vec![2; 8])
        .expect("released");
    assert_eq!(
        attr(tool, "spotter.tool.silent_failure").as_deref(),
        Some("true")
    );
}

#[test]
fn the_hold_is_bounded() {
    let mut p = processor(Config {
        max_held_spans: 0,
        ..Default::default()
    });
    let now = Instant::now();
    let out = run(&mut p, vec![failed_search(2, T0 + SEC)], now);
    assert_eq!(out.len(), 1, "passes unjudged");
    let later = run(
        &mut p,
        vec![
            llm("s", 2, 3, "Refunds take 90 days.", T0 + 2 * SEC),
            agent("s", 2, 4, "Refunds take 90 days.", T0),
        ],
        now,
    );
    assert!(
        has_event(by_id(&later, 4)),
        "the verdict still reaches the agent span"
    );
    assert_eq!(findings(&mut p, "s").len(), 1);
}

#[test]
fn shutdown_releases_everything() {
    let mut p = processor(Config::default());
    run(&mut p, vec![failed_search(2, T0 + SEC)], Instant::now());
    let mut out = Vec::new();
    p.shutdown(&mut out);
    assert_eq!(all_spans(&out).len(), 1);
}

#[test]
fn invalid_lexicons_name_their_key() {
    let err = SilentFailureProcessor::new(
        "silent_failure",
        Config {
            acknowledgements: vec!["(".into()],
            ..Default::default()
        },
        "processors.silent_failure",
    )
    .err()
    .unwrap();
    assert!(
        err.to_string()
            .starts_with("processors.silent_failure.acknowledgements"),
        "{err}"
    );
}

fn verdict_of(spans: Vec<Span>) -> Option<String> {
    let mut p = processor(Config::default());
    let out = run(&mut p, spans, Instant::now());
    attr(by_id(&out, 2), "spotter.tool.silent_failure")
}

#[test]
fn an_answer_merely_containing_issue_does_not_hide_a_failure() {
    let answer = "Your issue is noted: refunds are accepted within 90 days.";
    let v = verdict_of(vec![
        failed_search(2, T0 + SEC),
        agent("s", 2, 4, answer, T0),
    ]);
    assert_eq!(v.as_deref(), Some("true"));
}

#[test]
fn the_same_tool_succeeding_with_other_arguments_does_not_mask_a_failure() {
    let v = verdict_of(vec![
        failed_search(2, T0 + SEC),
        tool(
            "s",
            2,
            3,
            "kb_search",
            r#"{"q": "shipping"}"#,
            Some(r#"{"hits": ["ships in 2 days"]}"#),
            T0 + 2 * SEC,
        ),
        agent("s", 2, 4, "Refunds are accepted within 90 days.", T0),
    ]);
    assert_eq!(v.as_deref(), Some("true"));
}

#[test]
fn a_retry_of_the_same_request_that_succeeds_masks_a_failure() {
    let v = verdict_of(vec![
        failed_search(2, T0 + SEC),
        tool(
            "s",
            2,
            3,
            "kb_search",
            r#"{ "q": "Refunds" }"#,
            Some(r#"{"hits": ["90 days"]}"#),
            T0 + 2 * SEC,
        ),
        agent("s", 2, 4, "Refunds are accepted within 90 days.", T0),
    ]);
    assert_eq!(v, None);
}

/// A lookup of a malformed identifier fails; the same identifier written as the system wants it
/// succeeds: one request, served (and the answer gives real data). Another record is not.
#[test]
fn a_success_for_the_same_identifier_written_differently_masks_a_failure() {
    let lookup = |id: u8, args: &str, start: u64, ok: bool| {
        if ok {
            tool(
                "s",
                2,
                id,
                "get_prescription",
                args,
                Some(r#"{"rx": "RX-150030", "drug": "Sertraline"}"#),
                start,
            )
        } else {
            failed_tool(
                "s",
                2,
                id,
                "get_prescription",
                args,
                "HTTP 503: upstream connect error",
                start,
            )
        }
    };
    let answer = "RX-150030: Sertraline 50 mg, 1 refill left.";
    let corrected = verdict_of(vec![
        lookup(2, r#"{"rx_number": "rx150030"}"#, T0 + SEC, false),
        lookup(3, r#"{"rx_number": "RX-150030"}"#, T0 + 2 * SEC, true),
        agent("s", 2, 4, answer, T0),
    ]);
    assert_eq!(corrected, None);
    let other_record = verdict_of(vec![
        lookup(2, r#"{"rx_number": "rx150031"}"#, T0 + SEC, false),
        lookup(3, r#"{"rx_number": "RX-150030"}"#, T0 + 2 * SEC, true),
        agent("s", 2, 4, answer, T0),
    ]);
    assert_eq!(other_record.as_deref(), Some("true"));
}

/// An answer that gives the data and then a general tip about failures that may happen ("if a
/// payment ever fails…") does not tell the user that this turn's call failed.
#[test]
fn a_tip_about_failures_that_may_happen_does_not_hide_a_failure() {
    let v = verdict_of(vec![
        failed_search(2, T0 + SEC),
        agent(
            "s",
            2,
            4,
            "Refunds take 90 days. Tip: if a payment ever fails or a link expires, just tell me.",
            T0,
        ),
    ]);
    assert_eq!(v.as_deref(), Some("true"));
}

#[test]
fn a_retry_whose_identifier_was_only_reformatted_serves_the_same_request() {
    // `"620296 "` failed, `"#620296"` succeeded: the same order, its identifier corrected.
    let failed_span = failed_tool(
        "s",
        2,
        2,
        "get_order",
        r#"{"order_id": "620296 "}"#,
        "HTTP 504: 522 Connection timed out",
        T0 + SEC,
    );
    let retried = |order: &str| {
        tool(
            "s",
            2,
            3,
            "get_order",
            &format!(r#"{{"order_id": "{order}"}}"#),
            Some(r##"{"order_id": "#620296", "status": "delivered"}"##),
            T0 + 2 * SEC,
        )
    };
    let v = verdict_of(vec![
        failed_span.clone(),
        retried("#620296"),
        agent("s", 2, 4, "Order #620296 was delivered.", T0),
    ]);
    assert_eq!(v, None);
    // Another order is another request.
    let v = verdict_of(vec![
        failed_span,
        retried("#620297"),
        agent("s", 2, 4, "Order #620297 was delivered.", T0),
    ]);
    assert_eq!(v.as_deref(), Some("true"));
}

#[test]
fn a_later_fetch_webpage_or_notify_tool_is_not_an_escalation() {
    for name in ["fetch_webpage", "notify", "notify_customer", "alert_banner"] {
        let v = verdict_of(vec![
            failed_search(2, T0 + SEC),
            tool(
                "s",
                2,
                3,
                name,
                "{}",
                Some(r#"{"done": true}"#),
                T0 + 2 * SEC,
            ),
            agent("s", 2, 4, "Refunds are accepted within 90 days.", T0),
        ]);
        assert_eq!(v.as_deref(), Some("true"), "{name}");
    }
    let v = verdict_of(vec![
        failed_search(2, T0 + SEC),
        tool(
            "s",
            2,
            3,
            "escalate_to_human",
            "{}",
            Some(r#"{"ticket": 7}"#),
            T0 + 2 * SEC,
        ),
        agent("s", 2, 4, "Refunds are accepted within 90 days.", T0),
    ]);
    assert_eq!(v, None);
}

#[test]
fn answers_admitting_the_failure_in_other_languages_are_not_silent() {
    for answer in [
        "Leider ist die Wissensdatenbank gerade nicht erreichbar. Bitte versuchen Sie es später erneut.",
        "Désolé, je n'ai pas pu consulter la base de connaissances.",
        "Lo siento, no se pudo consultar la base de datos.",
        "Purtroppo il servizio non è disponibile al momento.",
        "Infelizmente não foi possível consultar o sistema.",
        "Helaas kon ik de kennisbank niet bereiken.",
    ] {
        let v = verdict_of(vec![failed_search(2, T0 + SEC), agent("s", 2, 4, answer, T0)]);
        assert_eq!(v, None, "{answer}");
    }
}

#[test]
fn a_german_answer_that_hides_the_failure_is_silent() {
    let v = verdict_of(vec![
        failed_search(2, T0 + SEC),
        agent(
            "s",
            2,
            4,
            "Rückgaben sind innerhalb von 90 Tagen möglich.",
            T0,
        ),
    ]);
    assert_eq!(v.as_deref(), Some("true"));
}

#[test]
fn an_empty_result_the_answer_does_not_convey_is_silent() {
    use crate::pipeline::testing::kv;
    let empty = with_attr(
        tool(
            "s",
            2,
            2,
            "kb_search",
            r#"{"q": "refunds"}"#,
            Some(r#"{"results": null}"#),
            T0 + SEC,
        ),
        kv("spotter.tool.outcome", "empty"),
    );
    let v = verdict_of(vec![
        empty.clone(),
        agent("s", 2, 4, "Refunds are accepted within 90 days.", T0),
    ]);
    assert_eq!(v.as_deref(), Some("true"));
    let v = verdict_of(vec![
        empty,
        agent("s", 2, 4, "I found no results about refunds.", T0),
    ]);
    assert_eq!(v, None);
}

fn search_returning(result: &str) -> Span {
    tool(
        "s",
        2,
        2,
        "kb_search",
        r#"{"q": "refunds"}"#,
        Some(result),
        T0 + SEC,
    )
}

#[test]
fn a_failure_stated_in_the_result_text_of_another_stack_is_judged() {
    for result in [
        "panic: runtime error: index out of range [3] with length 3",
        "Ошибка: сервис недоступен",
        "错误：服务暂时不可用",
        r#"{"errcode":40001,"errmsg":"invalid credential"}"#,
        r#"{"data":{"policy":null},"errors":[{"message":"Internal server error"}]}"#,
    ] {
        let hidden = verdict_of(vec![
            search_returning(result),
            agent("s", 2, 4, "Refunds are accepted within 90 days.", T0),
        ]);
        assert_eq!(hidden.as_deref(), Some("true"), "{result}");
    }
}

#[test]
fn answers_admitting_the_failure_in_russian_chinese_korean_or_polish_are_not_silent() {
    for answer in [
        "К сожалению, база знаний сейчас недоступна.",
        "抱歉，知识库暂时无法访问，请稍后再试。",
        "죄송합니다. 지식 베이스에 연결할 수 없습니다.",
        "Niestety, baza wiedzy jest niedostępna.",
    ] {
        let v = verdict_of(vec![
            failed_search(2, T0 + SEC),
            agent("s", 2, 4, answer, T0),
        ]);
        assert_eq!(v, None, "{answer}");
    }
    let hidden = verdict_of(vec![
        failed_search(2, T0 + SEC),
        agent("s", 2, 4, "退款可在90天内申请。", T0),
    ]);
    assert_eq!(hidden.as_deref(), Some("true"));
}

#[test]
fn an_answer_about_errors_as_a_topic_does_not_hide_a_failure() {
    let answer = "Error codes E01-E09 mean overheating; the retry policy is 3 attempts.";
    let v = verdict_of(vec![
        failed_search(2, T0 + SEC),
        agent("s", 2, 4, answer, T0),
    ]);
    assert_eq!(v.as_deref(), Some("true"));
}
