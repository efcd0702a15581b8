use super::*;
use crate::pipeline::testing::kv;
use crate::processor::tool::testing::*;

fn processor(yaml: &str) -> FailureModesProcessor {
    let config: Config = serde_yaml::from_str(if yaml.is_empty() { "{}" } else { yaml }).unwrap();
    let mut p =
        FailureModesProcessor::new("failure_modes", config, "processors.failure_modes").unwrap();
    p.start();
    p
}

/// A tool span as `tool_outcome` (and optionally `silent_failure`) left it.
fn failed_call(
    session: &str,
    id: u8,
    tool_name: &str,
    detail: &str,
    silent: bool,
) -> opentelemetry_proto::tonic::trace::v1::Span {
    let mut s = tool(
        session,
        1,
        id,
        tool_name,
        "{\"q\":1}",
        Some(detail),
        T0 + u64::from(id) * SEC,
    );
    s.attributes.push(kv("spotter.tool.outcome", "auth"));
    s.attributes.push(kv("spotter.tool.error_type", "http_401"));
    s.attributes.push(kv("spotter.tool.error_detail", detail));
    if silent {
        s = with_attr(
            s,
            opentelemetry_proto::tonic::common::v1::KeyValue {
                key: "spotter.tool.silent_failure".into(),
                value: Some(crate::semconv::value::boolean(true)),
                ..Default::default()
            },
        );
    }
    s
}

fn run(
    p: &mut FailureModesProcessor,
    spans: Vec<opentelemetry_proto::tonic::trace::v1::Span>,
) -> Vec<opentelemetry_proto::tonic::trace::v1::Span> {
    let mut out = Vec::new();
    p.process(batch(spans), Instant::now(), &mut out);
    all_spans(&out)
}

fn finish(p: &mut FailureModesProcessor, session: &str) -> SessionSummary {
    let mut s = SessionSummary {
        session_id: session.into(),
        last_seen_unix_nano: T0 + 100 * SEC,
        ..Default::default()
    };
    p.enrich_summary(&mut s);
    s
}

#[test]
fn the_same_failure_in_two_sessions_shares_a_fingerprint_and_kinds_do_not() {
    let mut p = processor("");
    let a = run(
        &mut p,
        vec![failed_call(
            "s1",
            1,
            "get_calendar",
            "HTTP 401: token tk_88121 expired for ann@x.io",
            true,
        )],
    );
    let b = run(
        &mut p,
        vec![failed_call(
            "s2",
            2,
            "get_calendar",
            "HTTP 401: token tk_42 expired for bob@y.org",
            true,
        )],
    );
    let fa = attr(&a[0], names::ATTR_FINGERPRINT).unwrap();
    let fb = attr(&b[0], names::ATTR_FINGERPRINT).unwrap();
    assert_eq!(fa, fb);
    assert!(attr(&a[0], names::ATTR_MODE)
        .unwrap()
        .starts_with("silent_failure get_calendar"));
    let s1 = finish(&mut p, "s1");
    let kinds: Vec<&str> = s1.failure_modes.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(kinds, vec!["silent_failure", "tool_error"]);
    assert_ne!(
        s1.failure_modes[0].fingerprint,
        s1.failure_modes[1].fingerprint
    );
    assert_eq!(s1.failure_modes[0].fingerprint, fa);
    let prio = s1.review_priority.unwrap();
    assert!(prio > 0.5 && prio <= 1.0, "{prio}");
    finish(&mut p, "s2");
    let mode = p.registry.get(&fa).unwrap();
    assert_eq!((mode.sessions, mode.state), (2, State::New));
}

#[test]
fn an_ignored_mode_is_still_stamped_and_no_longer_a_session_failure() {
    let dir = std::env::temp_dir().join(format!("spotter-fm-ign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut p = processor("");
    let spans = run(
        &mut p,
        vec![failed_call("s1", 1, "get_calendar", "HTTP 401", true)],
    );
    let fp = attr(&spans[0], names::ATTR_FINGERPRINT).unwrap();
    let tool_fp = finish(&mut p, "s1").failure_modes[1].fingerprint.clone();
    let notes = dir.join("notes.yaml");
    std::fs::write(
        &notes,
        format!(
            "{fp}:\n  name: calendar token expiry\n  ignored: true\n{tool_fp}:\n  ignored: true\n"
        ),
    )
    .unwrap();
    let mut p = processor(&format!("annotations_file: {}", notes.display()));
    let spans = run(
        &mut p,
        vec![failed_call("s3", 1, "get_calendar", "HTTP 401", true)],
    );
    assert_eq!(
        attr(&spans[0], names::ATTR_FINGERPRINT).as_deref(),
        Some(fp.as_str())
    );
    assert_eq!(
        attr(&spans[0], names::ATTR_MODE).as_deref(),
        Some("calendar token expiry")
    );
    assert_eq!(
        attr(&spans[0], names::ATTR_IGNORED).as_deref(),
        Some("true")
    );
    let mut s = finish(&mut p, "s3");
    s.findings.push(Finding {
        kind: "silent_failure".into(),
        first_turn: 1,
        tool: Some("get_calendar".into()),
        detail: "x".into(),
    });
    assert!(s
        .failure_modes
        .iter()
        .all(|m| m.ignored && m.state == State::Ignored));
    assert!(s.is_ignored(&s.findings[0]));
    assert_eq!(s.review_priority, Some(0.0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn summary_findings_without_a_stamped_span_get_a_fingerprint() {
    let mut p = processor("");
    let mut s = SessionSummary {
        session_id: "s".into(),
        findings: vec![Finding {
            kind: "schema_drift".into(),
            first_turn: 2,
            tool: Some("get_weather".into()),
            detail: "renamed temp → main.temp (first seen with service.version 2.1)".into(),
        }],
        ..Default::default()
    };
    p.enrich_summary(&mut s);
    assert_eq!(s.failure_modes.len(), 1);
    assert_eq!(s.failure_modes[0].kind, "schema_drift");
    let mut t = SessionSummary {
        session_id: "t".into(),
        findings: vec![Finding {
            detail: "renamed temp → main.temp (first seen with service.version 2.2)".into(),
            ..s.findings[0].clone()
        }],
        ..Default::default()
    };
    p.enrich_summary(&mut t);
    assert_eq!(
        t.failure_modes[0].fingerprint,
        s.failure_modes[0].fingerprint
    );
}

#[test]
fn failed_model_calls_are_fingerprinted_by_model_and_error() {
    let mut p = processor("");
    let mut span = llm("s", 1, 1, "hi", T0);
    span.status = Some(opentelemetry_proto::tonic::trace::v1::Status {
        message: "rate limit exceeded, retry after 12s (req_9912)".into(),
        code: opentelemetry_proto::tonic::trace::v1::status::StatusCode::Error as i32,
    });
    let out = run(&mut p, vec![span]);
    let mode = attr(&out[0], names::ATTR_MODE).unwrap();
    assert!(mode.starts_with("llm_error"), "{mode}");
    assert!(
        mode.contains("rate limit exceeded, retry after <*>"),
        "{mode}"
    );
}

#[test]
fn bad_options_name_their_key() {
    for (yaml, key) in [
        ("resolve_after: 0s", "resolve_after"),
        ("escalation: {p_value: 2}", "escalation.p_value"),
        ("max_modes: 0", "max_modes"),
    ] {
        let config: Config = serde_yaml::from_str(yaml).unwrap();
        let err = FailureModesProcessor::new("failure_modes", config, "processors.failure_modes")
            .err()
            .unwrap();
        assert!(err.to_string().contains(key), "{err}");
    }
    assert_eq!(
        serde_yaml::from_str::<Config>("resolve_after: 14d")
            .unwrap()
            .resolve_after
            .0,
        Duration::from_secs(14 * 86_400)
    );
}

/// A word made of letters only, distinct for each `i` (digits would be masked).
fn word(mut i: u64) -> String {
    let mut w = String::new();
    loop {
        w.push((b'a' + (i % 26) as u8) as char);
        i /= 26;
        if i == 0 {
            return w;
        }
    }
}

#[test]
fn a_hundred_thousand_distinct_errors_keep_the_registry_at_its_cap() {
    let mut p = processor("max_modes: 1000\nmax_sessions: 64\ntranscripts: false");
    let mut n = 0u64;
    for chunk in 0..100u64 {
        let spans: Vec<_> = (0..1000u64)
            .map(|i| {
                let k = chunk * 1000 + i;
                let mut s = failed_call(
                    &format!("s{}", k % 50),
                    1,
                    "search",
                    &format!("upstream refused: {} {}", word(k), word(k * 7 + 3)),
                    false,
                );
                s.span_id = k.to_be_bytes().to_vec();
                s
            })
            .collect();
        run(&mut p, spans);
        for s in 0..50 {
            finish(&mut p, &format!("s{s}"));
        }
        n += 1000;
    }
    assert_eq!(n, 100_000);
    assert_eq!(p.registry.len(), 1000);
    // Every distinct text is its own mode; each one beyond the cap evicted another.
    assert_eq!(p.registry.evictions, 99_000);
}

#[test]
fn transcripts_are_kept_for_at_most_max_transcripts_live_sessions() {
    let mut p = processor("max_transcripts: 1");
    run(
        &mut p,
        vec![failed_call("a", 1, "get_calendar", "HTTP 401", false)],
    );
    run(
        &mut p,
        vec![failed_call("b", 2, "get_calendar", "HTTP 401", false)],
    );
    assert!(finish(&mut p, "a").transcript.is_some());
    assert!(finish(&mut p, "b").transcript.is_none(), "over the cap");
    run(
        &mut p,
        vec![failed_call("c", 3, "get_calendar", "HTTP 401", false)],
    );
    let c = finish(&mut p, "c");
    let t = c.transcript.expect("room again after a finished");
    assert_eq!(t.tool_calls[0].name, "get_calendar");
    assert_eq!(
        t.tool_calls[0].fingerprint.as_deref(),
        Some(c.failure_modes[0].fingerprint.as_str())
    );
}
