//! `evalcases`: turns failing sessions into regression cases (Generate in the
//! Observe → Annotate → Generate → Test loop).
//!
//! A session becomes a case when the `outcome` processor called it a failure and the
//! `failure_modes` processor gave it a mode that is not ignored; the case is filed under the
//! session's most specific mode and carries all its fingerprints. By default only the first
//! `per_mode` sessions of each mode are written. Ids are `sha256(fingerprint ‖ trace)`, so the
//! same session always gives the same id; ids already in the output file are not written again
//! after a restart. The pipeline must run `failure_modes` (with `transcripts: true`, the
//! default) and `outcome`.
//!
//! ```yaml
//! exporters:
//!   evalcases:
//!     path: evals/cases.jsonl
//!     format: jsonl          # jsonl | langfuse | braintrust | phoenix
//!     dataset: spotter-regressions
//!     per_mode: 3
//!     push:                  # optional: also send each case to Langfuse or Phoenix
//!       endpoint: http://127.0.0.1:6006
//! ```
//!
//! `jsonl`, `langfuse` and `braintrust` append one JSON object per line; `phoenix` rewrites one
//! upload body (atomically). With `push`, `langfuse` cases go to `/api/public/dataset-items`
//! (HTTP basic auth with `public_key`/`secret_key`) and `phoenix` cases to
//! `/v1/datasets/upload?sync=true`, one request per case; failures are logged and counted in
//! `spotter_evalcases_total{result="push_failed"}`, never retried (the file is the record).

pub mod case;
pub mod formats;
pub mod push;

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::Value;

use super::{Built, ExportError, Exporter};
use crate::config::ConfigError;
use crate::pipeline::Batch;
use crate::summary::SessionSummary;
use formats::Format;

pub const CASES_TOTAL: &str = "spotter_evalcases_total";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub path: PathBuf,
    #[serde(default)]
    pub format: Format,
    #[serde(default = "default_dataset")]
    pub dataset: String,
    #[serde(default = "default_per_mode")]
    pub per_mode: u32,
    #[serde(default = "default_max_cases")]
    pub max_cases: usize,
    #[serde(default)]
    pub push: Option<push::PushConfig>,
}

fn default_dataset() -> String {
    "spotter-regressions".into()
}
fn default_per_mode() -> u32 {
    3
}
fn default_max_cases() -> usize {
    10_000
}

#[derive(Default)]
struct Written {
    ids: HashSet<String>,
    per_mode: HashMap<String, u32>,
    /// Phoenix examples, rewritten as one upload body.
    examples: Vec<Value>,
}

pub struct EvalCasesExporter {
    config: Config,
    written: Mutex<Written>,
    push: Option<push::Pusher>,
}

/// The case id and primary fingerprint of a line or example already written.
fn id_and_mode(v: &Value) -> Option<(String, String)> {
    let meta = v.get("metadata").filter(|m| m.is_object()).unwrap_or(v);
    let id = meta
        .get("id")
        .or_else(|| v.get("id"))?
        .as_str()?
        .to_string();
    let fp = meta.get("fingerprint")?.as_str()?.to_string();
    Some((id, fp))
}

impl EvalCasesExporter {
    pub fn new(config: Config, path: &str) -> Result<Self, ConfigError> {
        if config.path.as_os_str().is_empty() {
            return Err(ConfigError::invalid(
                format!("{path}.path"),
                "a file path is required",
            ));
        }
        let push = match &config.push {
            Some(p) => Some(push::Pusher::new(
                p,
                config.format,
                &config.dataset,
                &format!("{path}.push"),
            )?),
            None => None,
        };
        let mut written = Written::default();
        match std::fs::read_to_string(&config.path) {
            Ok(text) => {
                let values: Vec<Value> = if config.format == Format::Phoenix {
                    serde_json::from_str::<Value>(&text)
                        .ok()
                        .map(|body| examples_of(&body))
                        .unwrap_or_default()
                } else {
                    text.lines()
                        .filter_map(|l| serde_json::from_str(l).ok())
                        .collect()
                };
                for v in &values {
                    if let Some((id, fp)) = id_and_mode(v) {
                        written.ids.insert(id);
                        *written.per_mode.entry(fp).or_default() += 1;
                    }
                }
                if config.format == Format::Phoenix {
                    written.examples = values;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(ConfigError::invalid(
                    format!("{path}.path"),
                    format!("cannot read {:?}: {e}", config.path),
                ))
            }
        }
        Ok(EvalCasesExporter {
            config,
            written: Mutex::new(written),
            push,
        })
    }

    fn write(&self, written: &mut Written, line: &Value) -> std::io::Result<()> {
        let path = &self.config.path;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        if self.config.format == Format::Phoenix {
            written.examples.push(line.clone());
            let body = formats::phoenix_upload(&self.config.dataset, "create", &written.examples);
            crate::extension::state_file::write_atomic(path, &serde_json::to_vec(&body)?)
        } else {
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?;
            let mut text = serde_json::to_vec(line)?;
            text.push(b'\n');
            f.write_all(&text)
        }
    }

    /// Write the case of `summary`, if it is one; returns what happened.
    pub fn record(&self, summary: &SessionSummary) -> &'static str {
        let Some(case) = case::from_summary(summary) else {
            return "not_a_case";
        };
        let Ok(mut written) = self.written.lock() else {
            return "error";
        };
        if written.ids.contains(&case.id) {
            return "duplicate";
        }
        let n = written
            .per_mode
            .get(&case.fingerprint)
            .copied()
            .unwrap_or(0);
        if n >= self.config.per_mode {
            return "mode_full";
        }
        if written.ids.len() >= self.config.max_cases {
            return "full";
        }
        let line = formats::render(&case, self.config.format, &self.config.dataset);
        if let Err(e) = self.write(&mut written, &line) {
            tracing::warn!(path = %self.config.path.display(), "cannot write eval case: {e}");
            return "error";
        }
        written.ids.insert(case.id.clone());
        *written
            .per_mode
            .entry(case.fingerprint.clone())
            .or_default() += 1;
        if let Some(p) = &self.push {
            p.send(line);
        }
        "written"
    }
}

/// The examples of a Phoenix upload body, as [`formats::render`] gives them.
fn examples_of(body: &Value) -> Vec<Value> {
    let list = |k: &str| {
        body.get(k)
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default()
    };
    let (inputs, outputs, metadata) = (list("inputs"), list("outputs"), list("metadata"));
    inputs
        .into_iter()
        .enumerate()
        .map(|(i, input)| {
            serde_json::json!({
                "input": input,
                "output": outputs.get(i).cloned().unwrap_or(Value::Null),
                "metadata": metadata.get(i).cloned().unwrap_or(Value::Null),
            })
        })
        .collect()
}

impl Exporter for EvalCasesExporter {
    fn export<'a>(&'a self, _batch: &'a Batch) -> BoxFuture<'a, Result<(), ExportError>> {
        Box::pin(async { Ok(()) })
    }

    fn summary(&self, summary: &SessionSummary) -> Option<Batch> {
        let result = self.record(summary);
        if result != "not_a_case" {
            metrics::counter!(CASES_TOTAL, "result" => result).increment(1);
        }
        None
    }
}

pub fn describe(c: &mut crate::telemetry::Catalog) {
    c.counter(
        CASES_TOTAL,
        "Failing sessions offered to the evalcases exporter, by result (written, duplicate, mode_full, full, error, pushed, push_failed).",
    );
}

pub fn build(config: Config, path: &str) -> Result<Built, ConfigError> {
    Ok(Built {
        exporter: Box::new(EvalCasesExporter::new(config, path)?),
        queue: Default::default(),
        retry: Default::default(),
        timeout: Duration::from_secs(10),
        profile: None,
    })
}

#[cfg(test)]
mod tests;
