//! Configuration: YAML text → `${env:…}` substitution → raw serde types → validated [`Config`].
//!
//! The shape is the OpenTelemetry Collector's: `receivers`, `processors`, `exporters`,
//! `extensions` and `service` (`pipelines`, `telemetry`). Config only describes: it never builds a
//! component. Processor and exporter options stay as YAML until the plan
//! ([`crate::service::Plan`]) has each component parse them into its own typed `Config` (unknown
//! keys rejected, see [`parse_component`]), so each component documents its own options beside
//! its code. Every error names the key path and, where it can be found, the line.

mod connection;
mod env;
mod locate;
mod raw;
mod signal;
mod units;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;

use serde::de::DeserializeOwned;

pub use connection::ConnectionLimits;
pub use env::{substitute, Environment, ProcessEnv};
pub use locate::line_of;
pub use raw::{LogEncoding, PipelineRaw};
pub use signal::Signal;
pub use units::{ByteSize, DurationStr};

/// The embedded default configuration (`config/default.yaml`).
pub const DEFAULT_CONFIG: &str = include_str!("../../config/default.yaml");

/// Everything that can be wrong with a configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path:?}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("line {line}: {message}")]
    Env { line: usize, message: String },
    #[error("{}{message}", line_prefix(*line))]
    Syntax {
        line: Option<usize>,
        message: String,
    },
    #[error("{path}{}: {message}", line_suffix(*line))]
    Invalid {
        path: String,
        line: Option<usize>,
        message: String,
    },
    #[error("{path}: unknown {family} type {kind:?}")]
    UnknownComponent {
        path: String,
        kind: String,
        family: &'static str,
    },
}

fn line_prefix(line: Option<usize>) -> String {
    line.map(|l| format!("line {l}: ")).unwrap_or_default()
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(" (line {l})")).unwrap_or_default()
}

impl ConfigError {
    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError::Invalid {
            path: path.into(),
            line: None,
            message: message.into(),
        }
    }

    /// The key path the error is about, if any.
    pub fn path(&self) -> Option<&str> {
        match self {
            ConfigError::Invalid { path, .. } | ConfigError::UnknownComponent { path, .. } => {
                Some(path)
            }
            _ => None,
        }
    }

    /// Fill in the line of the offending key from the config text.
    pub fn with_line(self, text: &str) -> Self {
        match self {
            ConfigError::Invalid {
                path,
                line: None,
                message,
            } => {
                let line = line_of(text, &path);
                ConfigError::Invalid {
                    path,
                    line,
                    message,
                }
            }
            ConfigError::UnknownComponent { path, kind, family } => {
                let line = line_of(text, &path);
                ConfigError::Invalid {
                    message: format!("unknown {family} type {kind:?}"),
                    path,
                    line,
                }
            }
            other => other,
        }
    }
}

/// Parse a component's options, rejecting unknown keys and naming the full key path.
pub fn parse_component<T: DeserializeOwned + Default>(
    options: &serde_yaml::Value,
    path: &str,
) -> Result<T, ConfigError> {
    if options.is_null() {
        return Ok(T::default());
    }
    serde_path_to_error::deserialize(options.clone()).map_err(|e| {
        let inner = e.path().to_string();
        let full = if inner == "." || inner.is_empty() {
            path.to_string()
        } else {
            format!("{path}.{inner}")
        };
        ConfigError::invalid(full, strip_location(&e.into_inner().to_string()))
    })
}

fn strip_location(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// One OTLP receiver (`otlp` or `otlp/<name>`).
#[derive(Debug, Clone, PartialEq)]
pub struct ReceiverConfig {
    pub id: String,
    pub grpc: Option<GrpcServerConfig>,
    pub http: Option<HttpServerConfig>,
    pub limits: ReceiverLimits,
    pub auth: Option<BearerAuth>,
}

/// `receivers.<id>.limits`: applied to every request before it is queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiverLimits {
    /// String attribute values longer than this are cut, with a marker saying how much.
    pub max_attribute_value_size: usize,
    /// Spans beyond this many in one request are rejected (partial success).
    pub max_spans_per_request: usize,
    /// Span attributes beyond this many are dropped and added to the span's
    /// `dropped_attributes_count`.
    pub max_attributes_per_span: usize,
}

impl Default for ReceiverLimits {
    fn default() -> Self {
        ReceiverLimits {
            max_attribute_value_size: 256 << 10,
            max_spans_per_request: 50_000,
            max_attributes_per_span: 1024,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GrpcServerConfig {
    pub endpoint: SocketAddr,
    pub max_recv_msg_size: usize,
    pub tls: Option<TlsServerSettings>,
    pub connections: ConnectionLimits,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpServerConfig {
    pub endpoint: SocketAddr,
    pub max_request_body_size: usize,
    pub max_decompressed_body_size: usize,
    pub tls: Option<TlsServerSettings>,
    pub connections: ConnectionLimits,
}

/// `tls` options of a receiver protocol: PEM files of the certificate chain and private key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsServerSettings {
    pub cert_file: String,
    pub key_file: String,
}

/// `extensions.file_storage`: the write-ahead log every accepted request goes to first.
#[derive(Debug, Clone, PartialEq)]
pub struct FileStorageConfig {
    pub directory: std::path::PathBuf,
    pub fsync: FsyncPolicy,
    /// Bytes on disk before clients are pushed back.
    pub max_size: u64,
    pub segment_size: u64,
}

/// When appended records reach the disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FsyncPolicy {
    /// `fdatasync` before the client is acknowledged (default).
    #[default]
    Always,
    /// Left to the OS: survives a process crash, not a power loss.
    Never,
}

/// `receivers.<id>.auth`: clients must send `Authorization: Bearer <token>`.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerAuth {
    pub token: String,
}

impl std::fmt::Debug for BearerAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BearerAuth([redacted])")
    }
}

/// A pipeline after validation: every component it names exists.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineConfig {
    pub id: String,
    pub signal: Signal,
    pub receivers: Vec<String>,
    pub processors: Vec<String>,
    pub exporters: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TelemetryConfig {
    pub metrics_address: Option<SocketAddr>,
    pub log_level: String,
    pub log_encoding: LogEncoding,
}

/// A validated configuration. Component options are kept as YAML, already checked by building
/// each component once.
#[derive(Debug, Clone)]
pub struct Config {
    pub receivers: Vec<ReceiverConfig>,
    pub processors: BTreeMap<String, serde_yaml::Value>,
    pub exporters: BTreeMap<String, serde_yaml::Value>,
    pub pipelines: Vec<PipelineConfig>,
    pub health_endpoint: Option<SocketAddr>,
    /// The memory guard's budget of bytes in flight (`extensions.memory_limiter.limit_mib`).
    pub memory_limit: usize,
    /// The write-ahead log, when `extensions.file_storage` is enabled.
    pub file_storage: Option<FileStorageConfig>,
    pub telemetry: TelemetryConfig,
    /// Graceful shutdown limit.
    pub shutdown_timeout: std::time::Duration,
    /// The text the config was built from (after substitution), for reload comparisons.
    pub source: String,
}

impl Config {
    /// Load a file, or the embedded default when `path` is `None`.
    pub fn load(path: Option<&Path>, env: &dyn Environment) -> Result<Config, ConfigError> {
        let text = match path {
            Some(p) => std::fs::read_to_string(p).map_err(|source| ConfigError::Read {
                path: p.display().to_string(),
                source,
            })?,
            None => DEFAULT_CONFIG.to_string(),
        };
        Config::from_yaml(&text, env)
    }

    /// Substitute, parse and validate YAML text.
    pub fn from_yaml(text: &str, env: &dyn Environment) -> Result<Config, ConfigError> {
        let text = substitute(text, env)?;
        raw::resolve(&text).map_err(|e| e.with_line(&text))
    }

    pub fn pipelines_of_receiver<'a>(
        &'a self,
        receiver: &'a str,
    ) -> impl Iterator<Item = &'a PipelineConfig> + 'a {
        self.pipelines
            .iter()
            .filter(move |p| p.receivers.iter().any(|r| r == receiver))
    }
}

#[cfg(test)]
mod tests;
