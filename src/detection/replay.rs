//! Replaying captured OTLP requests through an in-process chain of processors, with a simulated
//! clock, collecting the session summaries they produce.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

use super::DetectionError;
use crate::config::{Config, DEFAULT_CONFIG};
use crate::pipeline::Batch;
use crate::processor::{self, registry, registry::Family};
use crate::summary::SessionSummary;

/// The detection pipeline: the processors of the embedded default config's `traces` pipeline
/// whose kind is of the session or tool family (see [`registry::Family`]), in its order. A new
/// detector joins by its registry entry and its place in `config/default.yaml`.
pub fn pipeline() -> Result<Vec<String>, DetectionError> {
    let config = Config::from_yaml(DEFAULT_CONFIG, &HashMap::<String, String>::new())
        .map_err(|e| DetectionError::Pipeline(e.to_string()))?;
    let traces = config
        .pipelines
        .iter()
        .find(|p| p.id == "traces")
        .ok_or_else(|| DetectionError::Pipeline("no traces pipeline in the default".into()))?;
    Ok(traces
        .processors
        .iter()
        .filter(|id| {
            registry::kind_of(id)
                .is_some_and(|k| matches!(k.family, Family::Session | Family::Tool))
        })
        .cloned()
        .collect())
}

/// Simulated time between two captured requests.
const REQUEST_GAP: Duration = Duration::from_millis(500);

/// Decode one captured request: protobuf or OTLP/JSON, either of them possibly gzip-compressed
/// (`.pb`, `.pb.gz`, `.json`, `.json.gz`; a bare `.gz` is protobuf).
pub fn decode(path: &Path) -> Result<ExportTraceServiceRequest, DetectionError> {
    let read_err = |source| DetectionError::Read {
        path: path.to_path_buf(),
        source,
    };
    let bytes = std::fs::read(path).map_err(read_err)?;
    let name = path.to_string_lossy();
    let decode_err = |message: String| DetectionError::Decode {
        path: path.to_path_buf(),
        message,
    };
    let raw = if name.ends_with(".gz") {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut raw)
            .map_err(|e| decode_err(e.to_string()))?;
        raw
    } else {
        bytes
    };
    if name.trim_end_matches(".gz").ends_with(".json") {
        return serde_json::from_slice(&raw).map_err(|e| decode_err(e.to_string()));
    }
    ExportTraceServiceRequest::decode(&raw[..]).map_err(|e| decode_err(e.to_string()))
}

/// The request files of one library folder, in capture order.
pub fn request_files(dir: &Path) -> Result<Vec<PathBuf>, DetectionError> {
    let entries = std::fs::read_dir(dir).map_err(|source| DetectionError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.to_string_lossy();
            !n.ends_with(".meta.json")
                && (n.ends_with(".pb") || n.ends_with(".gz") || n.ends_with(".json"))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// The capture number of a request file: `seq` in the `.meta.json` beside it (`00012.pb.gz` ->
/// `00012.meta.json`), or `u64::MAX` when there is none.
pub fn capture_seq(file: &Path) -> u64 {
    let Some(stem) = file
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.split('.').next())
    else {
        return u64::MAX;
    };
    std::fs::read(file.with_file_name(format!("{stem}.meta.json")))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v.get("seq").and_then(|s| s.as_u64()))
        .unwrap_or(u64::MAX)
}

/// The detection pipeline driven by the shared [`processor::chain::Chain`] on a simulated
/// clock.
pub struct Chain {
    chain: processor::chain::Chain,
    summaries: Vec<SessionSummary>,
    exported: Vec<Batch>,
    keep_exported: bool,
    now: Instant,
}

impl Chain {
    /// The detection pipeline with default options.
    pub fn detection() -> Result<Self, DetectionError> {
        let processors = pipeline()?
            .iter()
            .map(|id| {
                processor::build(id, &serde_yaml::Value::Null, &format!("processors.{id}"))
                    .map_err(|e| DetectionError::Pipeline(e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut chain = processor::chain::Chain::new(processors);
        chain.start();
        Ok(Chain {
            chain,
            summaries: Vec::new(),
            exported: Vec::new(),
            keep_exported: false,
            now: Instant::now(),
        })
    }

    /// Keep what leaves the last processor, for [`Chain::exported`].
    pub fn keep_exported(mut self) -> Self {
        self.keep_exported = true;
        self
    }

    /// What left the last processor so far (when kept).
    pub fn exported(&self) -> &[Batch] {
        &self.exported
    }

    fn keep(&mut self, batches: Vec<Batch>) {
        if self.keep_exported {
            self.exported.extend(batches);
        }
    }

    fn tick(&mut self) {
        let out = self.chain.tick(self.now);
        self.keep(out);
        let finished = self.chain.summaries(self.now);
        self.summaries.extend(finished);
    }

    /// Feed one request, then let `REQUEST_GAP` pass.
    pub fn feed(&mut self, req: ExportTraceServiceRequest) {
        let out = self.chain.process(Batch::traces(req, self.now), self.now);
        self.keep(out);
        self.advance(REQUEST_GAP);
    }

    /// Feed one request with only a millisecond passing (for one-span-per-request delivery).
    pub fn feed_quick(&mut self, req: ExportTraceServiceRequest) {
        let out = self.chain.process(Batch::traces(req, self.now), self.now);
        self.keep(out);
        self.advance(Duration::from_millis(1));
    }

    /// Let simulated time pass, ticking every processor deadline on the way.
    pub fn advance(&mut self, by: Duration) {
        let end = self.now + by;
        while let Some(d) = self.chain.next_deadline().filter(|d| *d <= end) {
            self.now = self.now.max(d);
            self.tick();
        }
        self.now = end;
        self.tick();
    }

    /// Drain every processor in order and return all session summaries.
    pub fn finish(self) -> Vec<SessionSummary> {
        self.finish_with_exported().0
    }

    /// [`Chain::finish`], also returning what left the last processor (when kept).
    pub fn finish_with_exported(mut self) -> (Vec<SessionSummary>, Vec<Batch>) {
        self.advance(Duration::from_secs(10));
        let out = self.chain.shutdown(self.now);
        self.keep(out);
        let finished = self.chain.summaries(self.now);
        self.summaries.extend(finished);
        (self.summaries, self.exported)
    }
}

/// Every span of `req` in its own request, with its resource and scope.
pub fn split_spans(req: ExportTraceServiceRequest) -> Vec<ExportTraceServiceRequest> {
    use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans};
    let mut out = Vec::new();
    for rs in req.resource_spans {
        for ss in rs.scope_spans {
            for span in ss.spans {
                out.push(ExportTraceServiceRequest {
                    resource_spans: vec![ResourceSpans {
                        resource: rs.resource.clone(),
                        scope_spans: vec![ScopeSpans {
                            scope: ss.scope.clone(),
                            spans: vec![span],
                            schema_url: ss.schema_url.clone(),
                        }],
                        schema_url: rs.schema_url.clone(),
                    }],
                });
            }
        }
    }
    out
}

/// `req` with its resource groups, scopes and spans in reverse order.
pub fn reversed(mut req: ExportTraceServiceRequest) -> ExportTraceServiceRequest {
    req.resource_spans.reverse();
    for rs in &mut req.resource_spans {
        rs.scope_spans.reverse();
        for ss in &mut rs.scope_spans {
            ss.spans.reverse();
        }
    }
    req
}
