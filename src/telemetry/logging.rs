//! Structured logs through `tracing`, as console text or JSON lines.

use std::fmt;
use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::LogEncoding;

/// Install the global subscriber. `RUST_LOG`, when set, overrides `level`. Colours only when
/// stderr is a terminal. Calling it again (tests, reloads) keeps the first subscriber.
pub fn init(level: &str, encoding: LogEncoding) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new(format!("{level},h2=warn,hyper=warn,tower=warn,rustls=warn"))
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = match encoding {
        LogEncoding::Json => builder.json().flatten_event(true).try_init(),
        LogEncoding::Console => builder.try_init(),
    };
}

/// A value from the outside world (a span or tool name, a schema diff) to log with `%`: control
/// characters are written as escapes (`\n`, `\u{1b}`), so a value cannot forge log lines or
/// send terminal sequences.
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        for c in self.0.chars() {
            if c.is_control() {
                for e in c.escape_default() {
                    f.write_char(e)?;
                }
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        let shown = Escaped("web_search\nFORGED\u{1b}[31m\r\u{7}\t é 工具").to_string();
        assert_eq!(shown, "web_search\\nFORGED\\u{1b}[31m\\r\\u{7}\\t é 工具");
    }
}
