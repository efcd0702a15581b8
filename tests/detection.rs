//! The detection report over the captured, labelled fixtures (`../shared/fixtures`): every
//! in-scope failure mode reaches precision and recall of at least 0.95, and no `ok` session gets
//! a finding.

use std::path::Path;

#[test]
fn detection_on_the_fixtures_meets_the_bar() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    let report = spotter::detection::run(&dir).expect("replay");
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
