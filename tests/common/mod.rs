//! Shared by the fixture-driven integration tests: reading the captured OTLP requests.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

/// The fixture library folders.
pub const LIBRARIES: &[&str] = &[
    "otel-proto",
    "otel-json",
    "openinference",
    "traceloop",
    "langfuse",
];

/// `shared/fixtures` beside the project (CI lays it out the same way).
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
}

/// Decode one captured request: protobuf, gzip protobuf or OTLP/JSON.
pub fn decode(path: &Path) -> Result<ExportTraceServiceRequest> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let name = path.to_string_lossy();
    Ok(if name.ends_with(".json") {
        serde_json::from_slice(&bytes)?
    } else if name.ends_with(".gz") {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut raw)?;
        ExportTraceServiceRequest::decode(&raw[..])?
    } else {
        ExportTraceServiceRequest::decode(&bytes[..])?
    })
}

/// Every request of one library, in capture order.
pub fn requests(library: &str) -> Result<Vec<ExportTraceServiceRequest>> {
    let dir = fixtures_dir().join(library);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|p| !p.to_string_lossy().ends_with(".meta.json"));
    files.sort();
    files.iter().map(|p| decode(p)).collect()
}
