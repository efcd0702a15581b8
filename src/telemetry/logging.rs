//! Structured logs through `tracing`, as console text or JSON lines.

use tracing_subscriber::EnvFilter;

use crate::config::LogEncoding;

/// Install the global subscriber. `RUST_LOG`, when set, overrides `level`.
/// Calling it again (tests, reloads) keeps the first subscriber.
pub fn init(level: &str, encoding: LogEncoding) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new(format!("{level},h2=warn,hyper=warn,tower=warn,rustls=warn"))
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match encoding {
        LogEncoding::Json => builder.json().flatten_event(true).try_init(),
        LogEncoding::Console => builder.try_init(),
    };
}
