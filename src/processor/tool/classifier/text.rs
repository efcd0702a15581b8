//! Failure evidence in plain-text and HTML results.
//!
//! Free text is full of the word "error" in healthy answers (a help article about error handling,
//! a log excerpt the user asked for), so text counts as a failure only when it *is* an error
//! message, not when it mentions one:
//! - its first line starts like an error: `Error:`, `ERROR 1045`, `[error]`, `Exception:`,
//!   `Traceback`, `fatal:`, `HTTP 401`, `HTTP/1.1 503`, `403 Forbidden`, `status code 500`, or a
//!   `SomethingError: message` / `SomethingException: message` line;
//! - or the whole result is one short line that states a failure (`Connection refused`,
//!   `Unauthorized`, `Rate limit exceeded`);
//! - or it is an HTML page whose `<title>` or first `<h1>` names an HTTP error status or an error
//!   (`502 Bad Gateway`, `Access Denied`, `Error`), as proxies and gateways return.

use std::sync::OnceLock;

use regex::Regex;

use super::FailureSignal;

/// Only the start of a text result is examined.
const HEAD_BYTES: usize = 2048;
/// A whole result this short may state a failure without an error prefix.
const SHORT_RESULT: usize = 120;

fn error_prefix() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?ix)^\s*(?:
                \[?(?:error|err|fatal|exception|failure|failed)\]?\s*(?:[:!\-\]]|\d{3,5}\b|\(\d+\))
              | traceback\s*\(most\ recent
              | http(?:/\d(?:\.\d)?)?\s*[45]\d\d\b
              | [45]\d\d\s*[-:]?\s*(?:bad|unauthori|forbidden|not\ |method|request|too\ many|internal|service|gateway|payment|conflict|gone|unprocessable|precondition|proxy|error|unavailable|insufficient)
              | status(?:\s*code)?\s*[:=]?\s*[45]\d\d\b
              | (?:[a-z_][\w.]*)?(?:error|exception|timeout|fault|failure|refused)\s*:\s*\S
              | request\ failed\b
              | (?:call|request|tool)\ (?:failed|errored)\b
            )",
        )
        .expect("error prefix regex")
    })
}

fn short_failure() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)^\W*(?:unauthori[sz]ed|forbidden|access denied|permission denied|not found|bad request|too many requests|rate limit(?:ed| exceeded)?|quota exceeded|(?:request |connection |gateway )?timed? ?out|timeout|connection (?:refused|reset|closed)|service unavailable|bad gateway|internal server error|invalid (?:api key|token|credentials)|(?:token|credentials|session) (?:has )?expired)\b",
        )
        .expect("short failure regex")
    })
}

fn status_number() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?:^\s*|\b(?:http(?:/\d(?:\.\d)?)?|status(?:\s*code)?|code|error|returned|with)\s*[:=#]?\s*)([45]\d\d)\b",
        )
        .expect("status number regex")
    })
}

fn html_heading() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?is)<(title|h1)[^>]*>(.*?)</(?:title|h1)>").expect("html heading regex")
    })
}

fn html_error_heading() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b[45]\d\d\b|^\W*(?:error\s*(?:$|[:\-–|(]|\d)|access denied|forbidden|unauthori[sz]ed|not found|page not found|service (?:temporarily )?unavailable|bad gateway|gateway time-?out|too many requests|internal server error|server error|request timed? ?out|attention required|just a moment)")
            .expect("html error heading regex")
    })
}

/// HTTP-like status numbers stated in an error message (`HTTP 401`, `status code 429`, `503 ...`).
pub fn status_numbers(message: &str) -> Vec<i64> {
    status_number()
        .captures_iter(head(message))
        .filter_map(|c| c.get(1)?.as_str().parse().ok())
        .collect()
}

fn head(text: &str) -> &str {
    if text.len() <= HEAD_BYTES {
        return text;
    }
    let mut end = HEAD_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A failure stated by a plain-text or HTML result, if any.
pub fn failure_signal(text: &str) -> Option<FailureSignal> {
    let text = head(text);
    let trimmed = text.trim_start();
    if is_html(trimmed) {
        return html_failure(trimmed);
    }
    let first_line = trimmed.lines().next().unwrap_or("").trim();
    if first_line.is_empty() {
        return None;
    }
    let single_short = trimmed.trim_end().len() <= SHORT_RESULT && !trimmed.trim().contains('\n');
    let is_error = error_prefix().is_match(first_line)
        || (single_short && short_failure().is_match(first_line));
    if !is_error {
        return None;
    }
    let message = trimmed.trim();
    let message = if message.len() > 500 {
        first_line
    } else {
        message
    };
    Some(FailureSignal {
        statuses: status_numbers(first_line),
        messages: vec![message.to_string()],
        ..Default::default()
    })
}

fn is_html(t: &str) -> bool {
    let start = t.get(..15).unwrap_or(t).to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html")
}

fn html_failure(html: &str) -> Option<FailureSignal> {
    let heading = html_heading()
        .captures_iter(html)
        .filter_map(|c| c.get(2).map(|m| strip_tags(m.as_str())))
        .find(|h| html_error_heading().is_match(h))?;
    Some(FailureSignal {
        statuses: status_numbers(&heading)
            .into_iter()
            .chain(bare_status(&heading))
            .collect(),
        messages: vec![heading],
        ..Default::default()
    })
}

/// A 4xx/5xx number anywhere in a short heading (`Error 502 - Bad Gateway`).
fn bare_status(heading: &str) -> Option<i64> {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\b([45]\d\d)\b").expect("bare status regex"))
        .captures(heading)
        .and_then(|c| c.get(1)?.as_str().parse().ok())
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fails(t: &str) -> bool {
        failure_signal(t).is_some()
    }

    #[test]
    fn error_lines_are_failures() {
        for t in [
            "Error: invalid api key",
            "ERROR 1045 (28000): Access denied for user 'bot'",
            "[error] upstream closed connection",
            "HTTP 401: Unauthorized: access token expired",
            "HTTP/1.1 503 Service Unavailable",
            "403 Forbidden",
            "status code 429",
            "ConnectionRefusedError: [Errno 111] Connection refused",
            "requests.exceptions.ReadTimeout: HTTPSConnectionPool read timed out",
            "Traceback (most recent call last):\n  File \"x.py\"",
            "fatal: could not read from remote repository",
            "Connection refused",
            "Unauthorized",
            "Rate limit exceeded, retry in 20s",
            "Request failed with status code 500",
        ] {
            assert!(fails(t), "{t}");
        }
    }

    #[test]
    fn text_that_mentions_errors_is_not_a_failure() {
        for t in [
            "Error handling in our API: when a call returns 401 Unauthorized, refresh the token.",
            "The 404 page is shown when a link is broken.",
            "404 page design guide: keep it friendly",
            "500 results found for 'shoes'",
            "Errors are logged to stderr. See the troubleshooting guide.",
            "Found 3 errors in the report: none of them critical.",
            "To fix 'connection refused', check that the server is running.\nThen retry.",
            "It is 23°C and sunny in Lisbon.",
            "Unauthorized access attempts are blocked by the firewall, which protects all accounts from intruders and logs every event.",
            "",
        ] {
            assert!(!fails(t), "{t}");
        }
    }

    #[test]
    fn html_error_pages_are_failures_and_content_pages_are_not() {
        let gateway = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
        let s = failure_signal(gateway).unwrap();
        assert_eq!(s.statuses.first(), Some(&502));
        let denied = "<html><head><title>Access Denied</title></head><body>You don't have permission</body></html>";
        assert!(fails(denied));
        for article in [
            "<!doctype html><html><head><title>Handling errors gracefully</title></head><body><h1>Guide</h1></body></html>",
            "<html><head><title>Error handling guide</title></head><body><h1>Retries</h1></body></html>",
        ] {
            assert!(!fails(article), "{article}");
        }
        let error_page = "<html><head><title>Error</title></head><body><h1>Something went wrong</h1></body></html>";
        assert!(fails(error_page));
        let plain =
            "<html><head><title>Weather in Lisbon</title></head><body><h1>Sunny</h1></body></html>";
        assert!(!fails(plain));
    }

    #[test]
    fn status_numbers_are_read_from_messages() {
        assert_eq!(status_numbers("HTTP 401: Unauthorized"), vec![401]);
        assert_eq!(status_numbers("503 Service Unavailable"), vec![503]);
        assert_eq!(status_numbers("failed with status code 429"), vec![429]);
        assert!(status_numbers("order A404 shipped in 404 boxes").is_empty());
    }
}
