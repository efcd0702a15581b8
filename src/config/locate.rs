//! Find the line of a dotted key path (`exporters.otlp/x.headers`) in YAML text.
//!
//! serde_yaml reports lines for syntax errors only; errors found while validating component
//! options know the key path but not the line. This walks the text by indentation to point at
//! the key, which is right for the block-style YAML people write for collectors.

/// The 1-based line of `path` in `text`, or of its deepest ancestor that can be found.
pub fn line_of(text: &str, path: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found: Option<usize> = None;
    let mut start = 0usize;
    let mut parent_indent: Option<usize> = None;
    for segment in path.split('.').filter(|s| !s.is_empty()) {
        let segment = segment.split('[').next().unwrap_or(segment);
        let mut hit = None;
        for (i, line) in lines.iter().enumerate().skip(start) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = line.len() - trimmed.len();
            if let Some(p) = parent_indent {
                if i > start && indent <= p && found.is_some() {
                    break;
                }
            }
            let key = trimmed.trim_start_matches("- ");
            let key = key.strip_prefix('"').unwrap_or(key);
            if let Some(after) = key.strip_prefix(segment) {
                let after = after.strip_prefix('"').unwrap_or(after);
                if after.starts_with(':') {
                    hit = Some((i, indent));
                    break;
                }
            }
        }
        match hit {
            Some((i, indent)) => {
                found = Some(i + 1);
                start = i + 1;
                parent_indent = Some(indent);
            }
            None => break,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: x\nexporters:\n  otlp/a:\n    endpoint: y\n    headers:\n      k: v\n";

    #[test]
    fn finds_nested_keys() {
        assert_eq!(
            line_of(TEXT, "receivers.otlp.protocols.grpc.endpoint"),
            Some(5)
        );
        assert_eq!(line_of(TEXT, "exporters.otlp/a.headers"), Some(9));
    }

    #[test]
    fn falls_back_to_deepest_ancestor() {
        assert_eq!(line_of(TEXT, "exporters.otlp/a.missing"), Some(7));
    }

    #[test]
    fn does_not_match_sibling_subtrees() {
        assert_eq!(line_of(TEXT, "exporters.otlp/a.endpoint"), Some(8));
    }
}
