//! `receivers.<id>.protocols.{grpc,http}` connection options: the timeouts and caps that keep a
//! slow, idle or unfinished client from holding spotter's memory, file descriptors or tasks.

use std::time::Duration;

use serde::Deserialize;

use super::units::DurationStr;
use super::ConfigError;

/// Timeouts and caps of one receiver protocol's connections (resolved, with defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// A connection must deliver a request's headers within this; a new connection its first
    /// request. Default 10s.
    pub read_header_timeout: Duration,
    /// A request's whole body must arrive within this after its headers. Default 30s.
    pub read_timeout: Duration,
    /// A connection with no request in progress is closed after this. Default 60s.
    pub idle_timeout: Duration,
    /// Connections served at once; more wait in the kernel's backlog. Default 1024 (lowered to
    /// fit the open-files limit, see `listener`).
    pub max_connections: usize,
    /// HTTP/2 streams per connection (gRPC). Default 100.
    pub max_concurrent_streams: u32,
    /// HTTP/2 keepalive: ping a quiet connection after `keepalive_time`, close it when no
    /// answer comes within `keepalive_timeout`. Defaults 60s and 20s.
    pub keepalive_time: Duration,
    pub keepalive_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            read_header_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
            max_concurrent_streams: 100,
            keepalive_time: Duration::from_secs(60),
            keepalive_timeout: Duration::from_secs(20),
        }
    }
}

/// The connection keys both protocols take, as parsed.
#[derive(Debug, Default)]
pub(super) struct ConnectionRaw {
    pub read_header_timeout: Option<DurationStr>,
    pub read_timeout: Option<DurationStr>,
    pub idle_timeout: Option<DurationStr>,
    pub max_connections: Option<usize>,
    pub max_concurrent_streams: Option<u32>,
    pub keepalive: Option<KeepaliveRaw>,
}

/// `keepalive` of the gRPC protocol (the Collector's keys).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct KeepaliveRaw {
    #[serde(default)]
    server_parameters: ServerParametersRaw,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerParametersRaw {
    time: Option<DurationStr>,
    timeout: Option<DurationStr>,
    max_connection_idle: Option<DurationStr>,
}

impl ConnectionRaw {
    /// Fill in defaults and check every value is usable; `path` is the protocol's key path.
    pub fn resolve(self, path: &str) -> Result<ConnectionLimits, ConfigError> {
        let d = ConnectionLimits::default();
        let positive = |v: Option<DurationStr>, key: &str, default: Duration| match v {
            None => Ok(default),
            Some(DurationStr(t)) if t.is_zero() => Err(ConfigError::invalid(
                format!("{path}.{key}"),
                "must be more than 0s",
            )),
            Some(DurationStr(t)) => Ok(t),
        };
        let params = self.keepalive.unwrap_or_default().server_parameters;
        let idle = match (self.idle_timeout, params.max_connection_idle) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::invalid(
                    format!("{path}.keepalive.server_parameters.max_connection_idle"),
                    "set idle_timeout or max_connection_idle, not both",
                ))
            }
            (Some(t), None) => positive(Some(t), "idle_timeout", d.idle_timeout)?,
            (None, t) => positive(
                t,
                "keepalive.server_parameters.max_connection_idle",
                d.idle_timeout,
            )?,
        };
        let limits = ConnectionLimits {
            read_header_timeout: positive(
                self.read_header_timeout,
                "read_header_timeout",
                d.read_header_timeout,
            )?,
            read_timeout: positive(self.read_timeout, "read_timeout", d.read_timeout)?,
            idle_timeout: idle,
            max_connections: self.max_connections.unwrap_or(d.max_connections),
            max_concurrent_streams: self
                .max_concurrent_streams
                .unwrap_or(d.max_concurrent_streams),
            keepalive_time: positive(
                params.time,
                "keepalive.server_parameters.time",
                d.keepalive_time,
            )?,
            keepalive_timeout: positive(
                params.timeout,
                "keepalive.server_parameters.timeout",
                d.keepalive_timeout,
            )?,
        };
        if limits.max_connections == 0 {
            return Err(ConfigError::invalid(
                format!("{path}.max_connections"),
                "must be at least 1",
            ));
        }
        if limits.max_concurrent_streams == 0 {
            return Err(ConfigError::invalid(
                format!("{path}.max_concurrent_streams"),
                "must be at least 1",
            ));
        }
        Ok(limits)
    }
}
