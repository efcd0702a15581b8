//! Grouping quality of the failure-mode fingerprints on labelled sessions: the shared fixtures
//! always, and the wide corpus under `tests/corpus/out/{dev,test}` when it is there (or the
//! folders named in `SPOTTER_GROUPING_DIRS`, separated by `:`).
//!
//! Guards: no fingerprint mixes two kinds; the sessions of one library and label that got a
//! finding of that kind share one fingerprint of it (per service, since the service is part of
//! the fingerprint); the number of modes is at most twice the number of distinct
//! (service, kind, tool, cause) tuples. Prints the figures.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use spotter::detection::replay::{self, Chain};
use spotter::summary::SessionSummary;

const CHAIN: &[&str] = &[
    "session",
    "schema_drift",
    "tool_outcome",
    "auth_rot",
    "silent_failure",
    "tool_loop",
    "failure_modes",
    "outcome",
];

fn decode(path: &Path) -> ExportTraceServiceRequest {
    if path.to_string_lossy().ends_with(".json.gz") {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(&std::fs::read(path).unwrap()[..])
            .read_to_end(&mut raw)
            .unwrap();
        return serde_json::from_slice(&raw).unwrap();
    }
    replay::decode(path).unwrap()
}

/// Session id -> (label, scenario).
fn labels(dir: &Path) -> BTreeMap<String, (String, String)> {
    std::fs::read_to_string(dir.join("labels.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["session_id"].as_str().unwrap().to_string(),
                (
                    v["label"].as_str().unwrap().to_string(),
                    v["scenario"].as_str().unwrap_or_default().to_string(),
                ),
            )
        })
        .collect()
}

#[derive(Default)]
struct Figures {
    sessions: usize,
    modes: BTreeMap<String, BTreeSet<String>>,
    tuples: BTreeSet<(String, String, String, String)>,
    split_groups: Vec<String>,
    groups: usize,
}

fn replay_dir(dir: &Path, f: &mut Figures) {
    let labels = labels(dir);
    let mut libraries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    libraries.sort();
    for lib in libraries {
        let mut chain = Chain::with(CHAIN).unwrap();
        for file in replay::request_files(&lib).unwrap() {
            chain.feed(decode(&file));
        }
        let summaries: Vec<SessionSummary> = chain.finish();
        // (label, scenario, tool, cause) -> per session, the fingerprints of the label's kind.
        #[allow(clippy::type_complexity)]
        let mut by_label: BTreeMap<(String, String, String), Vec<BTreeSet<String>>> =
            BTreeMap::new();
        for s in &summaries {
            f.sessions += 1;
            for m in &s.failure_modes {
                f.tuples.insert((
                    m.service.clone(),
                    m.kind.clone(),
                    m.tool.clone(),
                    m.cause.clone(),
                ));
                f.modes
                    .entry(m.fingerprint.clone())
                    .or_default()
                    .insert(m.kind.clone());
            }
            let (label, scenario) = labels.get(&s.session_id).cloned().unwrap_or_default();
            let mut of_kind: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for m in s.failure_modes.iter().filter(|m| m.kind == label) {
                of_kind
                    .entry(format!("{} [{}]", m.tool, m.cause))
                    .or_default()
                    .insert(format!("{} {}", m.fingerprint, m.mode));
            }
            for (tool, fps) in of_kind {
                by_label
                    .entry((label.clone(), scenario.clone(), tool))
                    .or_default()
                    .push(fps);
            }
        }
        for ((label, scenario, tool), sets) in by_label {
            f.groups += 1;
            let common = sets.iter().skip(1).fold(sets[0].clone(), |acc, s| {
                acc.intersection(s).cloned().collect()
            });
            if common.is_empty() {
                let names: BTreeSet<&String> = sets.iter().flatten().collect();
                f.split_groups.push(format!(
                    "{} / {label} / {scenario} / {tool}: {} sessions, modes {names:?}",
                    lib.display(),
                    sets.len()
                ));
            }
        }
    }
}

fn figures(dirs: &[PathBuf]) -> Figures {
    let mut f = Figures::default();
    for d in dirs {
        replay_dir(d, &mut f);
    }
    f
}

fn check(name: &str, dirs: &[PathBuf]) {
    let f = figures(dirs);
    let mixed: Vec<_> = f.modes.iter().filter(|(_, k)| k.len() > 1).collect();
    let mut per_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for kinds in f.modes.values() {
        for k in kinds {
            per_kind.entry(k.as_str()).or_default().0 += 1;
        }
    }
    for t in &f.tuples {
        per_kind.entry(t.1.as_str()).or_default().1 += 1;
    }
    println!(
        "{name}: {} sessions, {} modes for {} distinct (service, kind, tool, cause), {} (library, scenario, tool, cause) groups, {} split, {} mixed",
        f.sessions,
        f.modes.len(),
        f.tuples.len(),
        f.groups,
        f.split_groups.len(),
        mixed.len()
    );
    for (kind, (modes, tuples)) in &per_kind {
        println!("  {kind:<16} {modes:>5} modes {tuples:>5} (service, tool, cause)");
    }
    assert!(mixed.is_empty(), "fingerprints with two kinds: {mixed:?}");
    assert!(
        f.modes.len() <= 2 * f.tuples.len(),
        "{} modes for {} tuples",
        f.modes.len(),
        f.tuples.len()
    );
    assert!(f.split_groups.is_empty(), "{:#?}", f.split_groups);
}

#[test]
fn fingerprints_group_the_shared_fixtures() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    check("fixtures", &[fixtures]);
}

#[test]
fn fingerprints_group_the_wide_corpus_when_present() {
    let dirs: Vec<PathBuf> = match std::env::var("SPOTTER_GROUPING_DIRS") {
        Ok(list) => list.split(':').map(PathBuf::from).collect(),
        Err(_) => ["dev", "test"]
            .iter()
            .map(|s| {
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/corpus/out")
                    .join(s)
            })
            .filter(|p| p.join("labels.jsonl").exists())
            .collect(),
    };
    if dirs.is_empty() {
        println!("no corpus under tests/corpus/out; skipped");
        return;
    }
    check("corpus", &dirs);
}
