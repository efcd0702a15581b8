//! The module order: no module of `src/` imports a module above it (see DESIGN.md, "Module
//! order"). Every `crate::…` path in the source is read, comments aside, and each one that runs
//! upward or sideways between top-level modules fails the test with its file, line and path.

use std::path::{Path, PathBuf};

/// Top-level modules from the bottom up. A module may use modules of earlier layers only;
/// modules of one layer are independent of each other.
const ORDER: &[&[&str]] = &[
    &["config"],
    &["telemetry"],
    &["failure"],
    &["client", "grpc", "listener"],
    &["extension"],
    &["pipeline"],
    &["pricing", "semconv", "summary"],
    &["summary_span"],
    &["exporter", "processor", "receiver"],
    &["detection", "service"],
];

#[derive(Debug, PartialEq)]
struct Violation {
    file: String,
    line: usize,
    path: String,
    from: String,
    to: String,
}

fn layer_of(module: &str) -> Option<usize> {
    ORDER.iter().position(|layer| layer.contains(&module))
}

/// The top-level module a source file belongs to; `None` for the crate roots.
fn module_of(relative: &Path) -> Option<String> {
    let mut parts = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy());
    let first = parts.next()?.into_owned();
    match first.as_str() {
        "lib.rs" | "main.rs" => None,
        _ => Some(first.trim_end_matches(".rs").to_string()),
    }
}

/// A line without its comment.
fn code_of(line: &str) -> &str {
    match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    }
}

/// Every `crate::…` path on one line of code, expanded through `{…}` groups:
/// `use crate::{config::X, pipeline::{Batch, Signal}}` gives `crate::config::X` and
/// `crate::pipeline::Batch`, `crate::pipeline::Signal`.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let preceded_by_ident = rest[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
        let tail = &rest[i + "crate::".len()..];
        if !preceded_by_ident {
            expand("crate", tail, &mut out);
        }
        rest = tail;
    }
    out
}

fn expand(prefix: &str, tail: &str, out: &mut Vec<String>) {
    if let Some(group) = tail.strip_prefix('{') {
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    expand_item(prefix, &group[start..i], out);
                    return;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand_item(prefix, &group[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        // A group continued on the next lines: take what this line has.
        expand_item(prefix, &group[start..], out);
        return;
    }
    let end = tail
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '{'))
        .unwrap_or(tail.len());
    let path = &tail[..end];
    match path.find("::{") {
        Some(j) => expand(&format!("{prefix}::{}", &path[..j]), &tail[j + 2..], out),
        None if path.ends_with('{') => expand(prefix, &tail[path.len() - 1..], out),
        None => out.push(format!("{prefix}::{}", path.trim_end_matches(':'))),
    }
}

fn expand_item(prefix: &str, item: &str, out: &mut Vec<String>) {
    let item = item.trim();
    match item {
        "" => {}
        "self" => out.push(prefix.to_string()),
        _ => expand(prefix, item, out),
    }
}

/// The upward and sideways imports of one file's text.
fn check_file(file: &str, module: &str, text: &str) -> Vec<Violation> {
    let Some(from_layer) = layer_of(module) else {
        return vec![Violation {
            file: file.to_string(),
            line: 0,
            path: String::new(),
            from: module.to_string(),
            to: "(module missing from ORDER in tests/architecture.rs)".to_string(),
        }];
    };
    let mut out = Vec::new();
    let mut in_block_comment = false;
    let mut lines = text.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let trimmed = line.trim_start();
        if in_block_comment {
            in_block_comment = !trimmed.contains("*/");
            continue;
        }
        if trimmed.starts_with("/*") {
            in_block_comment = !trimmed.contains("*/");
            continue;
        }
        // A `use crate::{` group spread over several lines is read as one.
        let mut statement = code_of(line).to_string();
        if statement.contains("crate::{") {
            while statement.matches('{').count() > statement.matches('}').count() {
                let Some((_, next)) = lines.next() else { break };
                statement.push(' ');
                statement.push_str(code_of(next));
            }
        }
        for path in crate_paths(&statement) {
            let target = path.split("::").nth(1).unwrap_or("").to_string();
            if target == module || target.is_empty() {
                continue;
            }
            let allowed = layer_of(&target).is_some_and(|to| to < from_layer);
            if !allowed {
                out.push(Violation {
                    file: file.to_string(),
                    line: n + 1,
                    path,
                    from: module.to_string(),
                    to: target,
                });
            }
        }
    }
    out
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable src/") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_imports_a_module_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    assert!(files.len() > 50, "src/ not found at {}", src.display());
    let mut violations = Vec::new();
    for path in &files {
        let relative = path.strip_prefix(&src).expect("under src/");
        let Some(module) = module_of(relative) else {
            continue;
        };
        let text = std::fs::read_to_string(path).expect("readable source");
        let file = format!("src/{}", relative.display());
        violations.extend(check_file(&file, &module, &text));
    }
    let report: Vec<String> = violations
        .iter()
        .map(|v| {
            format!(
                "{}:{}: `{}` imports `{}` ({} may only use modules of lower layers)",
                v.file, v.line, v.path, v.to, v.from
            )
        })
        .collect();
    assert!(
        report.is_empty(),
        "imports against the module order:\n{}",
        report.join("\n")
    );
}

#[test]
fn an_upward_import_is_reported_with_file_line_and_path() {
    let text = "//! Doc mentioning crate::service::Service is fine.\n\
                use crate::pipeline::Signal;\n\
                use crate::{telemetry::events, service::{self, Service}};\n\
                fn f() { crate::processor::build(); }\n\
                use crate::{\n    config::Config,\n    receiver::ingest,\n};\n";
    let found = check_file("src/extension/x.rs", "extension", text);
    let paths: Vec<(&str, usize)> = found.iter().map(|v| (v.path.as_str(), v.line)).collect();
    assert_eq!(
        paths,
        [
            ("crate::pipeline::Signal", 2),
            ("crate::service", 3),
            ("crate::service::Service", 3),
            ("crate::processor::build", 4),
            ("crate::receiver::ingest", 5),
        ]
    );
    assert_eq!(found[0].to, "pipeline");
    assert_eq!(found[0].file, "src/extension/x.rs");
    assert!(check_file("src/service/x.rs", "service", text).is_empty());
    assert!(
        !check_file(
            "src/receiver/x.rs",
            "receiver",
            "use crate::exporter::Built;"
        )
        .is_empty(),
        "modules of one layer must not use each other"
    );
    assert_eq!(check_file("src/nowhere.rs", "nowhere", "").len(), 1);
}
