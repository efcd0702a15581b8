//! Raw serde types for the top level of the config, and the one function that validates them.

use std::collections::BTreeMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

use serde::Deserialize;

use super::connection::{ConnectionRaw, KeepaliveRaw};
use super::Signal;
use super::{
    parse_component, BearerAuth, ByteSize, Config, ConfigError, DurationStr, FileStorageConfig,
    GrpcServerConfig, HttpServerConfig, PipelineConfig, ReceiverConfig, ReceiverLimits,
    TelemetryConfig, TlsServerSettings,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    receivers: BTreeMap<String, serde_yaml::Value>,
    #[serde(default)]
    processors: BTreeMap<String, serde_yaml::Value>,
    #[serde(default)]
    exporters: BTreeMap<String, serde_yaml::Value>,
    #[serde(default)]
    extensions: BTreeMap<String, serde_yaml::Value>,
    service: ServiceRaw,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceRaw {
    #[serde(default)]
    extensions: Vec<String>,
    pipelines: BTreeMap<String, PipelineRaw>,
    #[serde(default)]
    telemetry: TelemetryRaw,
    /// How long a graceful shutdown may take before spotter gives up on what is left.
    #[serde(default)]
    shutdown_timeout: Option<DurationStr>,
}

/// One entry of `service.pipelines`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineRaw {
    #[serde(default)]
    pub receivers: Vec<String>,
    #[serde(default)]
    pub processors: Vec<String>,
    #[serde(default)]
    pub exporters: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TelemetryRaw {
    #[serde(default)]
    metrics: MetricsRaw,
    #[serde(default)]
    logs: LogsRaw,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetricsRaw {
    /// `host:port` of the Prometheus endpoint; `none` (or an empty string) turns it off.
    #[serde(default = "default_metrics_address")]
    address: String,
}

impl Default for MetricsRaw {
    fn default() -> Self {
        MetricsRaw {
            address: default_metrics_address(),
        }
    }
}

fn default_metrics_address() -> String {
    "127.0.0.1:8888".to_string()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LogsRaw {
    #[serde(default = "default_log_level")]
    level: String,
    #[serde(default)]
    encoding: LogEncoding,
}

impl Default for LogsRaw {
    fn default() -> Self {
        LogsRaw {
            level: default_log_level(),
            encoding: LogEncoding::default(),
        }
    }
}

fn default_log_level() -> String {
    "info".to_string()
}

/// How spotter's own logs are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogEncoding {
    #[default]
    Console,
    Json,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct GrpcRaw {
    endpoint: Option<String>,
    tls: Option<TlsServerSettings>,
    /// Largest accepted message, in MiB (the Collector's key). Default 16.
    max_recv_msg_size_mib: Option<u64>,
    read_header_timeout: Option<DurationStr>,
    read_timeout: Option<DurationStr>,
    max_connections: Option<usize>,
    max_concurrent_streams: Option<u32>,
    keepalive: Option<KeepaliveRaw>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpRaw {
    endpoint: Option<String>,
    tls: Option<TlsServerSettings>,
    /// Largest accepted request body as sent (compressed). Default 20MiB.
    max_request_body_size: Option<ByteSize>,
    /// Largest body after decompression; guards against compression bombs. Default 64MiB.
    max_decompressed_body_size: Option<ByteSize>,
    read_header_timeout: Option<DurationStr>,
    read_timeout: Option<DurationStr>,
    idle_timeout: Option<DurationStr>,
    max_connections: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HealthCheckRaw {
    endpoint: Option<String>,
}

/// `extensions.memory_limiter`: spotter counts bytes in flight instead of sampling the heap.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemoryLimiterRaw {
    /// Budget of request bytes in flight, in MiB. Default 256.
    limit_mib: Option<u64>,
}

/// `auth`: a bearer token given inline or, better, in a file (trailing whitespace ignored).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthRaw {
    bearer_token: Option<String>,
    bearer_token_file: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsRaw {
    max_attribute_value_size: Option<ByteSize>,
    max_spans_per_request: Option<usize>,
    max_attributes_per_span: Option<usize>,
}

const DEFAULT_MEMORY_LIMIT_MIB: u64 = 256;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileStorageRaw {
    /// Where the log's segment files live; created if missing. Required.
    directory: Option<String>,
    /// `always` (default: durable before the ack) or `never` (survives a crash, not power loss).
    #[serde(default)]
    fsync: super::FsyncPolicy,
    /// Bytes on disk before clients are pushed back. Default 1GiB.
    max_size: Option<ByteSize>,
    /// Size at which a new segment file is started. Default 64MiB.
    segment_size: Option<ByteSize>,
}

const DEFAULT_GRPC: &str = "127.0.0.1:4317";
const DEFAULT_HTTP: &str = "127.0.0.1:4318";
const DEFAULT_HEALTH: &str = "127.0.0.1:13133";
const DEFAULT_GRPC_MSG_MIB: u64 = 16;
const DEFAULT_HTTP_BODY: u64 = 20 << 20;
const DEFAULT_HTTP_DECOMPRESSED: u64 = 64 << 20;

/// Parse `host:port`, resolving `localhost` without touching DNS for anything else.
pub fn parse_endpoint(value: &str, path: &str) -> Result<SocketAddr, ConfigError> {
    let value = value.trim();
    let value = value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"))
        .unwrap_or(value);
    if let Ok(addr) = value.parse::<SocketAddr>() {
        return Ok(addr);
    }
    if let Some(port) = value.strip_prefix("localhost:") {
        if let Ok(port) = port.parse::<u16>() {
            return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
        }
    }
    if let Some(port) = value.strip_prefix(':') {
        if let Ok(port) = port.parse::<u16>() {
            return Ok(SocketAddr::from(([0, 0, 0, 0], port)));
        }
    }
    value
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| {
            ConfigError::invalid(
                path,
                format!("invalid endpoint {value:?}, expected host:port such as 127.0.0.1:4317"),
            )
        })
}

fn parse_top(text: &str) -> Result<RawConfig, ConfigError> {
    let de = serde_yaml::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let line = inner.location().map(|l| l.line());
        let message = super::strip_location(&inner.to_string());
        if path == "." || path.is_empty() {
            ConfigError::Syntax { line, message }
        } else {
            ConfigError::Invalid {
                path,
                line,
                message,
            }
        }
    })
}

pub(super) fn resolve(text: &str) -> Result<Config, ConfigError> {
    let raw = parse_top(text)?;

    let mut receivers = Vec::new();
    for (id, options) in &raw.receivers {
        receivers.push(resolve_receiver(id, options)?);
    }

    let mut health_endpoint = None;
    let mut memory_limit = (DEFAULT_MEMORY_LIMIT_MIB << 20) as usize;
    let mut file_storage = None;
    for (id, options) in &raw.extensions {
        let path = format!("extensions.{id}");
        let enabled = raw.service.extensions.iter().any(|e| e == id);
        match id.split('/').next().unwrap_or(id) {
            "health_check" => {
                let hc: HealthCheckRaw = parse_component(options, &path)?;
                if enabled {
                    let endpoint = hc.endpoint.as_deref().unwrap_or(DEFAULT_HEALTH);
                    health_endpoint = Some(parse_endpoint(endpoint, &format!("{path}.endpoint"))?);
                }
            }
            "memory_limiter" => {
                let ml: MemoryLimiterRaw = parse_component(options, &path)?;
                let mib = ml.limit_mib.unwrap_or(DEFAULT_MEMORY_LIMIT_MIB);
                if mib == 0 {
                    return Err(ConfigError::invalid(
                        format!("{path}.limit_mib"),
                        "must be at least 1",
                    ));
                }
                if enabled {
                    memory_limit = (mib << 20) as usize;
                }
            }
            "file_storage" => {
                let fs: FileStorageRaw = parse_component(options, &path)?;
                let Some(directory) = fs.directory.filter(|d| !d.trim().is_empty()) else {
                    return Err(ConfigError::invalid(
                        format!("{path}.directory"),
                        "a directory is required",
                    ));
                };
                if enabled {
                    file_storage = Some(FileStorageConfig {
                        directory: directory.into(),
                        fsync: fs.fsync,
                        max_size: fs.max_size.map_or(1 << 30, |b| b.0),
                        segment_size: fs.segment_size.map_or(64 << 20, |b| b.0),
                    });
                }
            }
            kind => {
                return Err(ConfigError::UnknownComponent {
                    path,
                    kind: kind.to_string(),
                    family: "extension",
                })
            }
        }
    }
    for (i, id) in raw.service.extensions.iter().enumerate() {
        if !raw.extensions.contains_key(id) {
            return Err(ConfigError::invalid(
                format!("service.extensions[{i}]"),
                format!("extension {id:?} is not defined under `extensions`"),
            ));
        }
    }

    if raw.service.pipelines.is_empty() {
        return Err(ConfigError::invalid(
            "service.pipelines",
            "at least one pipeline is required",
        ));
    }
    let mut pipelines = Vec::new();
    for (id, p) in &raw.service.pipelines {
        let path = format!("service.pipelines.{id}");
        let signal = match id.split('/').next().unwrap_or(id) {
            "traces" => Signal::Traces,
            "logs" => Signal::Logs,
            other => {
                return Err(ConfigError::invalid(
                    path,
                    format!("unsupported pipeline signal {other:?}, expected traces or logs"),
                ))
            }
        };
        check_refs(&path, "receivers", &p.receivers, |r| {
            raw.receivers.contains_key(r)
        })?;
        check_refs(&path, "processors", &p.processors, |r| {
            raw.processors.contains_key(r)
        })?;
        check_refs(&path, "exporters", &p.exporters, |r| {
            raw.exporters.contains_key(r)
        })?;
        if p.receivers.is_empty() {
            return Err(ConfigError::invalid(
                format!("{path}.receivers"),
                "a pipeline needs at least one receiver",
            ));
        }
        if p.exporters.is_empty() {
            return Err(ConfigError::invalid(
                format!("{path}.exporters"),
                "a pipeline needs at least one exporter",
            ));
        }
        pipelines.push(PipelineConfig {
            id: id.clone(),
            signal,
            receivers: p.receivers.clone(),
            processors: p.processors.clone(),
            exporters: p.exporters.clone(),
        });
    }

    let metrics_address = match raw.service.telemetry.metrics.address.trim() {
        "" | "none" => None,
        a => Some(parse_endpoint(a, "service.telemetry.metrics.address")?),
    };
    let level = raw.service.telemetry.logs.level.to_ascii_lowercase();
    if !["trace", "debug", "info", "warn", "error"].contains(&level.as_str()) {
        return Err(ConfigError::invalid(
            "service.telemetry.logs.level",
            format!("unknown log level {level:?}, expected debug, info, warn or error"),
        ));
    }

    Ok(Config {
        receivers,
        processors: raw.processors,
        exporters: raw.exporters,
        pipelines,
        health_endpoint,
        memory_limit,
        file_storage,
        telemetry: TelemetryConfig {
            metrics_address,
            log_level: level,
            log_encoding: raw.service.telemetry.logs.encoding,
        },
        shutdown_timeout: raw
            .service
            .shutdown_timeout
            .map(|d| d.0)
            .unwrap_or(Duration::from_secs(30)),
        source: text.to_string(),
    })
}

fn check_refs(
    path: &str,
    family: &str,
    names: &[String],
    exists: impl Fn(&str) -> bool,
) -> Result<(), ConfigError> {
    for (i, name) in names.iter().enumerate() {
        if !exists(name) {
            return Err(ConfigError::invalid(
                format!("{path}.{family}[{i}]"),
                format!("{name:?} is not defined under `{family}`"),
            ));
        }
    }
    Ok(())
}

fn resolve_receiver(id: &str, options: &serde_yaml::Value) -> Result<ReceiverConfig, ConfigError> {
    let path = format!("receivers.{id}");
    let kind = id.split('/').next().unwrap_or(id);
    if kind != "otlp" {
        return Err(ConfigError::UnknownComponent {
            path,
            kind: kind.to_string(),
            family: "receiver",
        });
    }
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct OtlpRaw {
        #[serde(default)]
        protocols: BTreeMap<String, serde_yaml::Value>,
        #[serde(default)]
        limits: LimitsRaw,
        #[serde(default)]
        auth: Option<AuthRaw>,
    }
    let raw: OtlpRaw = parse_component(options, &path)?;
    let mut grpc = None;
    let mut http = None;
    for (proto, opts) in &raw.protocols {
        let ppath = format!("{path}.protocols.{proto}");
        match proto.as_str() {
            "grpc" => {
                let g: GrpcRaw = parse_component(opts, &ppath)?;
                let mib = g.max_recv_msg_size_mib.unwrap_or(DEFAULT_GRPC_MSG_MIB);
                if mib == 0 {
                    return Err(ConfigError::invalid(
                        format!("{ppath}.max_recv_msg_size_mib"),
                        "must be at least 1",
                    ));
                }
                grpc = Some(GrpcServerConfig {
                    endpoint: parse_endpoint(
                        g.endpoint.as_deref().unwrap_or(DEFAULT_GRPC),
                        &format!("{ppath}.endpoint"),
                    )?,
                    max_recv_msg_size: (mib as usize) << 20,
                    tls: g.tls,
                    connections: ConnectionRaw {
                        read_header_timeout: g.read_header_timeout,
                        read_timeout: g.read_timeout,
                        max_connections: g.max_connections,
                        max_concurrent_streams: g.max_concurrent_streams,
                        keepalive: g.keepalive,
                        ..ConnectionRaw::default()
                    }
                    .resolve(&ppath)?,
                });
            }
            "http" => {
                let h: HttpRaw = parse_component(opts, &ppath)?;
                http = Some(HttpServerConfig {
                    endpoint: parse_endpoint(
                        h.endpoint.as_deref().unwrap_or(DEFAULT_HTTP),
                        &format!("{ppath}.endpoint"),
                    )?,
                    max_request_body_size: h
                        .max_request_body_size
                        .map(|b| b.0)
                        .unwrap_or(DEFAULT_HTTP_BODY)
                        as usize,
                    max_decompressed_body_size: h
                        .max_decompressed_body_size
                        .map(|b| b.0)
                        .unwrap_or(DEFAULT_HTTP_DECOMPRESSED)
                        as usize,
                    tls: h.tls,
                    connections: ConnectionRaw {
                        read_header_timeout: h.read_header_timeout,
                        read_timeout: h.read_timeout,
                        idle_timeout: h.idle_timeout,
                        max_connections: h.max_connections,
                        ..ConnectionRaw::default()
                    }
                    .resolve(&ppath)?,
                });
            }
            other => {
                return Err(ConfigError::invalid(
                    ppath,
                    format!("unknown protocol {other:?}, expected grpc or http"),
                ))
            }
        }
    }
    if grpc.is_none() && http.is_none() {
        return Err(ConfigError::invalid(
            format!("{path}.protocols"),
            "enable at least one of grpc or http",
        ));
    }
    let defaults = ReceiverLimits::default();
    let limits = ReceiverLimits {
        max_attribute_value_size: raw
            .limits
            .max_attribute_value_size
            .map_or(defaults.max_attribute_value_size, |b| b.0 as usize),
        max_spans_per_request: raw
            .limits
            .max_spans_per_request
            .unwrap_or(defaults.max_spans_per_request),
        max_attributes_per_span: raw
            .limits
            .max_attributes_per_span
            .unwrap_or(defaults.max_attributes_per_span),
    };
    if limits.max_attribute_value_size < 64 {
        return Err(ConfigError::invalid(
            format!("{path}.limits.max_attribute_value_size"),
            "must be at least 64 bytes",
        ));
    }
    let auth = match raw.auth {
        None => None,
        Some(a) => Some(resolve_auth(a, &format!("{path}.auth"))?),
    };
    Ok(ReceiverConfig {
        id: id.to_string(),
        grpc,
        http,
        limits,
        auth,
    })
}

fn resolve_auth(a: AuthRaw, path: &str) -> Result<BearerAuth, ConfigError> {
    let token = match (a.bearer_token, a.bearer_token_file) {
        (Some(t), None) => t,
        (None, Some(f)) => std::fs::read_to_string(&f)
            .map_err(|e| {
                ConfigError::invalid(
                    format!("{path}.bearer_token_file"),
                    format!("cannot read {f:?}: {e}"),
                )
            })?
            .trim_end()
            .to_string(),
        (Some(_), Some(_)) => {
            return Err(ConfigError::invalid(
                path,
                "give bearer_token or bearer_token_file, not both",
            ))
        }
        (None, None) => {
            return Err(ConfigError::invalid(
                path,
                "bearer_token or bearer_token_file is required",
            ))
        }
    };
    if token.len() < 16 {
        return Err(ConfigError::invalid(
            path,
            "the bearer token must be at least 16 characters",
        ));
    }
    Ok(BearerAuth { token })
}
