//! The detection report over the captured, labelled fixtures (`../shared/fixtures`): every
//! in-scope failure mode reaches precision and recall of at least 0.95, and no `ok` session gets
//! a finding, whether the requests arrive as captured, one span per request, or reversed.

use std::path::Path;

use spotter::detection::{run_replay, run_with, Daemons, Delivery, Report};

fn check(report: &Report) {
    println!("{report}");
    assert!(
        report.missing.is_empty(),
        "every labelled session has a summary"
    );
    for m in &report.modes {
        assert!(
            m.precision() >= 0.95 && m.recall() >= 0.95,
            "{}: precision {:.2} recall {:.2}\n{report}",
            m.mode,
            m.precision(),
            m.recall()
        );
    }
    assert_eq!(report.ok_with_findings, 0, "{report}");
    assert!(report.ok_sessions >= 20);
}

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
}

#[test]
fn detection_on_the_fixtures_meets_the_bar() {
    check(&run_with(&fixtures(), Delivery::Original).expect("replay"));
}

#[test]
fn detection_holds_with_one_span_per_request() {
    check(&run_with(&fixtures(), Delivery::OneSpanPerRequest).expect("replay"));
}

#[test]
fn detection_holds_with_reversed_requests() {
    check(&run_with(&fixtures(), Delivery::Reversed).expect("replay"));
}

// --- the wide corpus (tests/corpus/out/{dev,test}) and the report as a gate ------------------

fn corpus(split: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/out")
        .join(split)
}

fn labelled(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("labels.jsonl"))
        .expect("labels.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("label line"))
        .collect()
}

#[test]
fn corpus_report_covers_every_labelled_session_of_both_splits() {
    for split in ["dev", "test"] {
        let dir = corpus(split);
        let labels = labelled(&dir);
        let report = run_with(&dir, Delivery::Original).expect("replay");
        assert!(
            report.missing.is_empty(),
            "{split}: labelled sessions without a summary: {:?}",
            report.missing
        );
        assert_eq!(report.sessions.len(), labels.len(), "{split}");
        for mode in spotter::detection::MODES {
            let m = report.mode(mode).expect("scored mode");
            assert!(
                m.true_positives + m.false_negatives >= 8,
                "{split}: {mode} has {} labelled sessions",
                m.true_positives + m.false_negatives
            );
        }
        assert!(report.ok_sessions >= 100, "{split}: {}", report.ok_sessions);
        assert!(labels.iter().all(|l| l["split"] == split), "{split}");
    }
    // one daemon receiving every agent and library, requests interleaved in capture order
    let dir = corpus("test");
    let one = run_replay(&dir, Delivery::Original, Daemons::One).expect("replay");
    assert!(one.missing.is_empty(), "one daemon: {:?}", one.missing);
    assert_eq!(one.sessions.len(), labelled(&dir).len());
}

/// The second dev split (tests/corpus/out/dev2, agents written without reading the rules): every
/// labelled session replays into a summary, per library and through one daemon, and no mode falls
/// below the scores the rules reached on it (first scored at auth_rot 0.90, schema_drift 0.90,
/// silent_failure 0.38, tool_loop 0.77, goal_not_met 0.33, 32 of 136 healthy sessions flagged).
#[test]
fn corpus_dev2_does_not_fall_below_todays_scores() {
    const FLOORS: &[(&str, f64)] = &[
        ("auth_rot", 0.99),
        ("schema_drift", 0.99),
        ("silent_failure", 0.95),
        ("tool_loop", 0.98),
        ("goal_not_met", 0.99),
    ];
    let dir = corpus("dev2");
    let labels = labelled(&dir);
    assert!(labels.iter().all(|l| l["split"] == "dev2"));
    for daemons in [Daemons::PerLibrary, Daemons::One] {
        let report = run_replay(&dir, Delivery::Original, daemons).expect("replay");
        println!("{report}");
        assert!(report.missing.is_empty(), "dev2: {:?}", report.missing);
        assert_eq!(report.sessions.len(), labels.len());
        assert_floors(&report, FLOORS, 0.01);
    }
}

/// The third tuning split (tests/corpus/out/dev3, four agents written blind: CSV/TSV/markdown,
/// YAML and MCP embedded resources; answers in en, pl, ru, tr, sv, id and de): every labelled
/// session replays into a summary, per library and through one daemon, and no mode falls below
/// today's score. First scored (blind) at auth_rot 0.84, schema_drift 0.80, silent_failure 0.35,
/// tool_loop 1.00, goal_not_met 0.29, with 21 of 136 healthy sessions flagged.
#[test]
fn corpus_dev3_does_not_fall_below_todays_scores() {
    const FLOORS: &[(&str, f64)] = &[
        ("auth_rot", 0.87),
        ("schema_drift", 0.97),
        ("silent_failure", 0.95),
        ("tool_loop", 0.98),
        ("goal_not_met", 0.99),
    ];
    let dir = corpus("dev3");
    let labels = labelled(&dir);
    assert!(labels.iter().all(|l| l["split"] == "dev3"));
    for daemons in [Daemons::PerLibrary, Daemons::One] {
        let report = run_replay(&dir, Delivery::Original, daemons).expect("replay");
        println!("{report}");
        assert!(report.missing.is_empty(), "dev3: {:?}", report.missing);
        assert_eq!(report.sessions.len(), labels.len());
        assert_floors(&report, FLOORS, 0.01);
    }
}

/// The bar of issue 9 on the agents the detectors were not tuned on.
#[test]
#[ignore = "the lead un-ignores this once the detectors meet the bar on the corpus (issue 9)"]
fn corpus_test_agents_meet_the_bar() {
    let report = run_with(&corpus("test"), Delivery::Original).expect("replay");
    println!("{report}");
    let below: Vec<String> = report
        .below(0.95)
        .iter()
        .map(|m| format!("{} F1 {:.2}", m.mode, m.f1()))
        .collect();
    assert!(below.is_empty(), "{below:?}\n{report}");
    assert!(report.ok_false_positive_rate() <= 0.01, "{report}");
}

/// What the detectors reach today on the agents they were not tuned on (issue 9, measured
/// 2026-12-07: F1 auth_rot 0.87, schema_drift 0.65, silent_failure 0.71, tool_loop 1.00,
/// goal_not_met 0.53; healthy sessions flagged 0.19; after the auth_rot/schema_drift rework and
/// after goal_not_met matched the request's verb and silent_failure read answers recorded as JSON
/// strings, and after silent_failure judged empty results by a short history, health checks'
/// reports stayed data and schema_drift stopped learning empty results: see the floors), less
/// a small allowance. A change that
/// helps the dev agents and costs the test agents fails here; raise the floors as they improve.
#[test]
fn corpus_test_agents_do_not_fall_below_todays_scores() {
    const FLOORS: &[(&str, f64)] = &[
        ("auth_rot", 0.95),
        ("schema_drift", 0.92),
        ("silent_failure", 0.86),
        ("tool_loop", 0.98),
        ("goal_not_met", 0.98),
    ];
    let report = run_with(&corpus("test"), Delivery::Original).expect("replay");
    assert_floors(&report, FLOORS, 0.01);
}

/// Every mode's F1 at or above its floor, and at most `max_fp_rate` of healthy sessions flagged.
fn assert_floors(report: &Report, floors: &[(&str, f64)], max_fp_rate: f64) {
    for (mode, floor) in floors {
        let m = report.mode(mode).expect("scored mode");
        assert!(
            m.f1() >= *floor,
            "{mode}: F1 {:.2} < {floor}\n{report}",
            m.f1()
        );
    }
    assert!(report.ok_false_positive_rate() <= max_fp_rate, "{report}");
}

/// A labelled folder made of the sample's `otel-proto` captures, with labels chosen by `relabel`.
fn sample_folder(name: &str, relabel: impl Fn(usize, &str) -> String) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("spotter-gate-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::os::unix::fs::symlink(fixtures().join("otel-proto"), dir.join("otel-proto"))
        .expect("link");
    let mut out = String::new();
    for (i, mut l) in labelled(&fixtures())
        .into_iter()
        .filter(|l| l["library"] == "otel-proto" && l["label"] == "ok")
        .enumerate()
    {
        l["label"] = relabel(i, "ok").into();
        out.push_str(&format!("{l}\n"));
    }
    std::fs::write(dir.join("labels.jsonl"), out).expect("labels");
    dir
}

fn detection_cli(dir: &Path, extra: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_spotter"))
        .arg("detection")
        .arg(dir)
        .args(extra)
        .output()
        .expect("run spotter detection")
}

#[test]
fn detection_cli_passes_a_folder_that_meets_the_bar() {
    let dir = sample_folder("pass", |_, l| l.to_string());
    let out = detection_cli(&dir, &["--min-f1", "0.95", "--max-fp-rate", "0"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("f1") && stdout.contains("goal_not_met"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn detection_cli_fails_when_a_mode_is_below_the_bar() {
    // a healthy session labelled as a loop: nothing is found, so tool_loop's recall and F1 are 0
    let dir = sample_folder(
        "fail",
        |i, l| if i == 0 { "tool_loop".into() } else { l.into() },
    );
    let out = detection_cli(&dir, &["--min-f1", "0.5"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("tool_loop F1 0.00"), "{stderr}");
    let ungated = detection_cli(&dir, &[]);
    assert!(
        ungated.status.success(),
        "without a bar the report only prints"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
