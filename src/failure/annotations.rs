//! What a team says about its failure modes (the annotations file) and which evals cover them
//! (the suite manifest). Both are read at start and again when their modification time changes
//! (checked on the processor's tick, once a second), so no SIGHUP is needed; a SIGHUP that
//! changes the config rebuilds the pipeline and reads them afresh.
//!
//! Annotations, YAML, keyed by fingerprint:
//!
//! ```yaml
//! 3f9a0c12ab44:
//!   name: calendar token expires mid-session
//!   confirmed: true
//!   evals: [calendar-auth-001]
//! 7c1d22e0aa90:
//!   ignored: true        # still fingerprinted, no longer a session failure
//! ```
//!
//! Manifest: a YAML or JSON list, or JSON Lines (the `evalcases` exporter's output is one), of
//! objects with an `id` (or `eval_id`) and the fingerprints covered: `fingerprints` (a list) or
//! `fingerprint`, at the top level or inside `metadata`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Deserialize;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Annotation {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub confirmed: bool,
    #[serde(default)]
    pub ignored: bool,
    #[serde(default)]
    pub evals: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AnnotationError {
    #[error("cannot read {path:?}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid {path:?}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// A file re-read when its modification time changes.
#[derive(Debug, Clone)]
pub struct Watched {
    pub path: PathBuf,
    modified: Option<SystemTime>,
}

impl Watched {
    pub fn new(path: PathBuf) -> Self {
        Watched {
            path,
            modified: None,
        }
    }

    /// The file's text when it changed since the last call (first call: whenever it exists).
    pub fn changed(&mut self) -> Result<Option<String>, AnnotationError> {
        let modified = match std::fs::metadata(&self.path) {
            Ok(m) => m.modified().ok(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let was = self.modified.take();
                return Ok(was.map(|_| String::new()));
            }
            Err(source) => {
                return Err(AnnotationError::Read {
                    path: self.path.clone(),
                    source,
                })
            }
        };
        if modified.is_some() && modified == self.modified {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&self.path).map_err(|source| AnnotationError::Read {
            path: self.path.clone(),
            source,
        })?;
        self.modified = modified;
        Ok(Some(text))
    }
}

pub fn parse_annotations(
    text: &str,
    path: &Path,
) -> Result<HashMap<String, Annotation>, AnnotationError> {
    if text.trim().is_empty() {
        return Ok(HashMap::new());
    }
    let map: BTreeMap<String, Annotation> =
        serde_yaml::from_str(text).map_err(|e| AnnotationError::Invalid {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    Ok(map.into_iter().collect())
}

/// Eval ids per fingerprint, from a manifest.
pub fn parse_manifest(
    text: &str,
    path: &Path,
) -> Result<HashMap<String, BTreeSet<String>>, AnnotationError> {
    let invalid = |message: String| AnnotationError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let trimmed = text.trim_start();
    let items: Vec<serde_json::Value> = if trimmed.is_empty() {
        Vec::new()
    } else if trimmed.starts_with('{') {
        // JSON Lines (one object per line), or a single object with the list under `evals`.
        match serde_json::from_str::<serde_json::Value>(trimmed) {
            // A Phoenix upload body lists one metadata object per example.
            Ok(serde_json::Value::Object(o)) => match (o.get("evals"), o.get("metadata")) {
                (Some(serde_json::Value::Array(a)), _)
                | (None, Some(serde_json::Value::Array(a))) => a.clone(),
                _ => vec![serde_json::Value::Object(o)],
            },
            _ => text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| {
                    serde_json::from_str(l).map_err(|e| invalid(format!("line {}: {e}", i + 1)))
                })
                .collect::<Result<_, _>>()?,
        }
    } else {
        let v: serde_json::Value =
            serde_yaml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        match v {
            serde_json::Value::Array(a) => a,
            serde_json::Value::Object(o) => match o.get("evals") {
                Some(serde_json::Value::Array(a)) => a.clone(),
                _ => return Err(invalid("expected a list of evals".into())),
            },
            serde_json::Value::Null => Vec::new(),
            _ => return Err(invalid("expected a list of evals".into())),
        }
    };
    let mut out: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let id = item
            .get("id")
            .or_else(|| item.get("eval_id"))
            .and_then(|v| v.as_str())
            .ok_or_else(|| invalid(format!("eval {}: no `id`", i + 1)))?;
        let mut fps: Vec<&str> = Vec::new();
        for holder in [Some(item), item.get("metadata")].into_iter().flatten() {
            if let Some(list) = holder.get("fingerprints").and_then(|v| v.as_array()) {
                fps.extend(list.iter().filter_map(|v| v.as_str()));
            }
            if let Some(fp) = holder.get("fingerprint").and_then(|v| v.as_str()) {
                fps.push(fp);
            }
        }
        for fp in fps {
            out.entry(fp.to_string())
                .or_default()
                .insert(id.to_string());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_name_confirm_ignore_and_link_evals() {
        let a = parse_annotations(
            "abc:\n  name: token expiry\n  confirmed: true\n  evals: [e1]\ndef:\n  ignored: true\n",
            Path::new("a.yaml"),
        )
        .unwrap();
        assert_eq!(a["abc"].name.as_deref(), Some("token expiry"));
        assert!(a["abc"].confirmed && !a["abc"].ignored);
        assert_eq!(a["abc"].evals, vec!["e1"]);
        assert!(a["def"].ignored);
        let err = parse_annotations("abc:\n  nmae: x\n", Path::new("a.yaml")).unwrap_err();
        assert!(err.to_string().contains("nmae"), "{err}");
    }

    #[test]
    fn manifests_come_as_yaml_json_or_json_lines() {
        let p = Path::new("m");
        let yaml = parse_manifest(
            "- id: e1\n  fingerprints: [a, b]\n- eval_id: e2\n  fingerprint: a\n",
            p,
        )
        .unwrap();
        assert_eq!(yaml["a"].len(), 2);
        assert_eq!(yaml["b"].len(), 1);
        let json = parse_manifest(r#"[{"id":"e1","metadata":{"fingerprint":"c"}}]"#, p).unwrap();
        assert!(json["c"].contains("e1"));
        let lines = parse_manifest(
            "{\"id\":\"x\",\"fingerprint\":\"d\"}\n{\"id\":\"y\",\"fingerprint\":\"d\"}\n",
            p,
        )
        .unwrap();
        assert_eq!(lines["d"].len(), 2);
        assert!(parse_manifest("- fingerprint: a\n", p).is_err());
    }
}
