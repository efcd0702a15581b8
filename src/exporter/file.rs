//! `file`: writes OTLP/JSON lines, one request per line, rotating by size.
//!
//! Options:
//! - `path` (required): the file to append to; its folder must exist;
//! - `rotation.max_megabytes` (default 100): rotate when the file would grow past this;
//! - `rotation.max_backups` (default 3): keep `path.1` … `path.N`, oldest dropped;
//! - `sessions_path`: where finished session summaries go, one JSON object per line (default:
//!   `path` with `.jsonl` replaced by `.sessions.jsonl`); `sessions: false` turns them off;
//! - `sending_queue`, `retry_on_failure`, `timeout`: as for every exporter.
//!
//! Each line is an `ExportTraceServiceRequest` or `ExportLogsServiceRequest` in OTLP/JSON (hex
//! ids, 64-bit integers as strings), so `otel-cli`, `jq` or another spotter can replay it.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use futures::future::BoxFuture;
use serde::Deserialize;

use super::{queue::QueueSettings, retry::RetrySettings, Built, ExportError, Exporter};
use crate::config::{ConfigError, DurationStr};
use crate::pipeline::{Batch, Payload};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub path: String,
    #[serde(default)]
    pub rotation: Rotation,
    #[serde(default = "yes")]
    pub sessions: bool,
    #[serde(default)]
    pub sessions_path: Option<String>,
    #[serde(default)]
    pub sending_queue: QueueSettings,
    /// Vendor profile: `langfuse`, `openinference` or `otel_genai` (adds keys only).
    #[serde(default)]
    pub profile: Option<crate::semconv::profile::Profile>,
    #[serde(default)]
    pub retry_on_failure: RetrySettings,
    #[serde(default)]
    pub timeout: Option<DurationStr>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Rotation {
    pub max_megabytes: u64,
    pub max_backups: u32,
}

impl Default for Rotation {
    fn default() -> Self {
        Rotation {
            max_megabytes: 100,
            max_backups: 3,
        }
    }
}

struct Output {
    writer: BufWriter<File>,
    written: u64,
}

pub struct FileExporter {
    path: PathBuf,
    max_bytes: u64,
    max_backups: u32,
    out: Mutex<Option<Output>>,
    /// Where session summaries are written, rotated the same way.
    sessions: Option<Box<FileExporter>>,
}

pub fn build(config: Config, path: &str) -> Result<Built, ConfigError> {
    if config.path.trim().is_empty() {
        return Err(ConfigError::invalid(
            format!("{path}.path"),
            "a file path is required",
        ));
    }
    if config.rotation.max_megabytes == 0 {
        return Err(ConfigError::invalid(
            format!("{path}.rotation.max_megabytes"),
            "must be at least 1",
        ));
    }
    let sessions = config.sessions.then(|| {
        let p = config.sessions_path.clone().unwrap_or_else(|| {
            match config.path.strip_suffix(".jsonl") {
                Some(stem) => format!("{stem}.sessions.jsonl"),
                None => format!("{}.sessions.jsonl", config.path),
            }
        });
        Box::new(FileExporter {
            path: PathBuf::from(p),
            max_bytes: config.rotation.max_megabytes * 1024 * 1024,
            max_backups: config.rotation.max_backups,
            out: Mutex::new(None),
            sessions: None,
        })
    });
    let mut queue = config.sending_queue;
    // Lines from one file must not interleave: one writer.
    queue.num_consumers = 1;
    Ok(Built {
        exporter: Box::new(FileExporter {
            path: PathBuf::from(&config.path),
            max_bytes: config.rotation.max_megabytes * 1024 * 1024,
            max_backups: config.rotation.max_backups,
            out: Mutex::new(None),
            sessions,
        }),
        queue,
        retry: config.retry_on_failure,
        timeout: config
            .timeout
            .map(|d| d.0)
            .unwrap_or(Duration::from_secs(5)),
        profile: config.profile,
    })
}

impl FileExporter {
    fn open(&self) -> std::io::Result<Output> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        let written = file.metadata()?.len();
        Ok(Output {
            writer: BufWriter::new(file),
            written,
        })
    }

    fn rotate(&self) -> std::io::Result<()> {
        let name = |n: u32| {
            let mut p = self.path.clone().into_os_string();
            p.push(format!(".{n}"));
            PathBuf::from(p)
        };
        if self.max_backups == 0 {
            return std::fs::remove_file(&self.path);
        }
        let _ = std::fs::remove_file(name(self.max_backups));
        for n in (1..self.max_backups).rev() {
            let from = name(n);
            if from.exists() {
                std::fs::rename(&from, name(n + 1))?;
            }
        }
        std::fs::rename(&self.path, name(1))
    }

    /// Append one line, rotating first when it would not fit.
    pub fn write_line(&self, line: &[u8]) -> std::io::Result<()> {
        let mut guard = self.out.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            *guard = Some(self.open()?);
        }
        let out = guard.as_mut().expect("opened above");
        let len = line.len() as u64 + 1;
        if out.written > 0 && out.written + len > self.max_bytes {
            out.writer.flush()?;
            *guard = None;
            self.rotate()?;
            *guard = Some(self.open()?);
        }
        let out = guard.as_mut().expect("opened above");
        out.writer.write_all(line)?;
        out.writer.write_all(b"\n")?;
        out.writer.flush()?;
        out.written += len;
        Ok(())
    }
}

impl Exporter for FileExporter {
    fn export<'a>(&'a self, batch: &'a Batch) -> BoxFuture<'a, Result<(), ExportError>> {
        Box::pin(async move {
            let line = match batch.payload() {
                Payload::Traces(r) => serde_json::to_vec(r),
                Payload::Logs(r) => serde_json::to_vec(r),
            }
            .map_err(|e| ExportError::permanent("cannot encode OTLP/JSON").with_source(e))?;
            self.write_line(&line).map_err(|e| {
                ExportError::retryable(format!("cannot write {}", self.path.display()))
                    .with_source(e)
            })
        })
    }

    fn summary(&self, summary: &crate::summary::SessionSummary) -> Option<Batch> {
        if let Some(sessions) = &self.sessions {
            match serde_json::to_vec(summary) {
                Ok(line) => {
                    if let Err(e) = sessions.write_line(&line) {
                        tracing::warn!(path = %sessions.path.display(), error = %e, "cannot write a session summary");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot encode a session summary"),
            }
        }
        None
    }

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            if let Some(out) = self.out.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
                let _ = out.writer.flush();
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotates_by_size_and_keeps_backups() {
        let dir = std::env::temp_dir().join(format!("spotter-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.jsonl");
        let exp = FileExporter {
            path: path.clone(),
            max_bytes: 100,
            max_backups: 2,
            out: Mutex::new(None),
            sessions: None,
        };
        for i in 0..10 {
            exp.write_line(format!("{i:040}").as_bytes()).unwrap();
        }
        assert!(path.exists());
        assert!(dir.join("out.jsonl.1").exists());
        assert!(dir.join("out.jsonl.2").exists());
        assert!(!dir.join("out.jsonl.3").exists());
        let current = std::fs::read_to_string(&path).unwrap();
        assert!(current.len() <= 100);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
