//! The detection report over the captured, labelled fixtures (`../shared/fixtures`): every
//! in-scope failure mode reaches precision and recall of at least 0.95, and no `ok` session gets
//! a finding, whether the requests arrive as captured, one span per request, or reversed.

use std::path::Path;

use spotter::detection::{run_with, Delivery, Report};

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
