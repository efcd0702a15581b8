//! Error templates and fingerprints: the deterministic, model-free grouping of findings.
//!
//! A template is an error text with its variable parts masked, the way Drain's preprocessing and
//! Sentry's message normalisation do it: UUIDs, emails, URLs' query strings and variable path
//! segments, timestamps, hex strings, quoted values and every token that contains a digit
//! become `<*>`. What is left is the wording the code that failed wrote, which is the same for
//! every occurrence of one failure. Masking is a single regex pass plus a token pass; no
//! similarity clustering, so a fingerprint never depends on arrival order.

use std::sync::OnceLock;

use regex::{Captures, Regex};
use sha2::{Digest, Sha256};

/// The longest template kept, in characters; the rest of an error text rarely names its cause.
pub const MAX_TEMPLATE_CHARS: usize = 160;
/// What replaces a variable part.
pub const MASK: &str = "<*>";

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?P<uuid>\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)",
            r"|(?P<email>\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b)",
            r"|(?P<url>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/?#]+)(?P<path>/[^\s?#]*)?(?P<query>[?#][^\s]*)?",
            r"|(?P<ts>\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)",
            r"|(?P<hex>\b0x[0-9a-fA-F]+\b|\b[0-9a-fA-F]{8,}\b)",
            r#"|(?P<quoted>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"#,
        ))
        .expect("the template pattern is valid")
    })
}

/// Whether a URL path segment is variable (an id, a number, a hash, a long token); short
/// versions such as `v2` stay.
fn variable_segment(seg: &str) -> bool {
    (seg.chars().any(|c| c.is_ascii_digit()) && seg.len() > 3) || seg.len() > 24
}

fn mask_url(caps: &Captures<'_>) -> String {
    let mut out = caps["url"].to_string();
    if let Some(path) = caps.name("path") {
        for seg in path.as_str().split('/').skip(1) {
            out.push('/');
            out.push_str(if variable_segment(seg) { MASK } else { seg });
        }
    }
    if caps.name("query").is_some() {
        out.push('?');
        out.push_str(MASK);
    }
    out
}

/// The template of an error text.
pub fn template(text: &str) -> String {
    let re = pattern();
    let mut masked = String::with_capacity(text.len().min(4 * MAX_TEMPLATE_CHARS));
    let mut last = 0;
    for caps in re.captures_iter(text) {
        let whole = caps.get(0).expect("group 0 always matches");
        masked.push_str(&text[last..whole.start()]);
        last = whole.end();
        if caps.name("url").is_some() {
            masked.push_str(&mask_url(&caps));
        } else if caps.name("quoted").is_some() {
            // A quoted string followed by `:` is a key (JSON, YAML); keep it, it names the field.
            let is_key = text[whole.end()..].trim_start().starts_with(':');
            masked.push_str(if is_key { whole.as_str() } else { MASK });
        } else {
            masked.push_str(MASK);
        }
        if masked.len() > 8 * MAX_TEMPLATE_CHARS {
            break;
        }
    }
    if last < text.len() && masked.len() <= 8 * MAX_TEMPLATE_CHARS {
        masked.push_str(&text[last..]);
    }
    let mut out = String::with_capacity(MAX_TEMPLATE_CHARS + 8);
    let mut chars = 0;
    for token in masked.split_whitespace() {
        if chars >= MAX_TEMPLATE_CHARS {
            break;
        }
        // URLs were masked segment by segment already (`/v2/` stays).
        let token =
            if token != MASK && !token.contains("://") && token.chars().any(|c| c.is_ascii_digit())
            {
                mask_digits(token)
            } else {
                token.to_string()
            };
        if !out.is_empty() {
            out.push(' ');
        }
        chars += token.chars().count() + 1;
        out.push_str(&token);
    }
    if out.chars().count() > MAX_TEMPLATE_CHARS {
        out = out.chars().take(MAX_TEMPLATE_CHARS).collect();
    }
    out
}

/// Mask the alphanumeric runs of a token that contain a digit, keeping its punctuation
/// (`order=123,` becomes `order=<*>,`; `id:ab12` becomes `id:<*>`).
fn mask_digits(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().any(|c| c.is_ascii_digit()) {
            if !out.ends_with(MASK) {
                out.push_str(MASK);
            }
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in token.chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' || c == '.' {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Mask only long digit runs (4 or more) of a short machine-friendly code: `http_401` stays,
/// `ERR_1699999999` becomes `ERR_<*>`.
pub fn code(text: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"\d{4,}").expect("valid"));
    let t: String = text.chars().take(64).collect();
    re.replace_all(&t, MASK).into_owned()
}

/// The parts a fingerprint is built from. `kind` comes first, so two kinds never share one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key<'a> {
    pub kind: &'a str,
    pub service: &'a str,
    pub tool: &'a str,
    /// The outcome class or error code (`auth`, `http_401`), unmasked.
    pub cause: &'a str,
    pub template: &'a str,
}

impl Key<'_> {
    /// A short stable id: the first 12 hex digits of SHA-256 over the parts, NUL-separated.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        for part in [
            self.kind,
            self.service,
            self.tool,
            self.cause,
            self.template,
        ] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        let digest = h.finalize();
        digest[..6].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A readable name: `silent_failure get_calendar [auth]: token expired for user <*>`.
    pub fn name(&self) -> String {
        let mut name = self.kind.to_string();
        if !self.tool.is_empty() {
            name.push(' ');
            name.push_str(self.tool);
        }
        if !self.cause.is_empty() {
            name.push_str(&format!(" [{}]", self.cause));
        }
        if !self.template.is_empty() {
            let short: String = self.template.chars().take(80).collect();
            name.push_str(": ");
            name.push_str(&short);
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_parts_are_masked_and_wording_kept() {
        let cases = [
            (
                "order 8812 not found for user 3f2a9c1e-1b2c-4d5e-8f90-aabbccddeeff",
                "order <*> not found for user <*>",
            ),
            (
                "HTTP 401: token expired at 2026-12-07T04:12:25Z for bob@example.com",
                "HTTP <*>: token expired at <*> for <*>",
            ),
            (
                "GET https://api.example.com/v2/orders/A-1234/items?page=3 failed",
                "GET https://api.example.com/v2/orders/<*>/items?<*> failed",
            ),
            (
                "no such key 'ord_77' in bucket \"b\"",
                "no such key <*> in bucket <*>",
            ),
            ("{\"error\": \"quota of 500 exceeded\"}", "{\"error\": <*>}"),
            (
                "checksum deadbeefcafe mismatch at 0x1f",
                "checksum <*> mismatch at <*>",
            ),
            ("took 1.5s, retry in 30s", "took <*>, retry in <*>"),
        ];
        for (text, want) in cases {
            assert_eq!(template(text), want, "{text}");
        }
    }

    #[test]
    fn the_same_failure_with_different_ids_has_one_template() {
        assert_eq!(
            template("calendar 4412 of user u-991: 401 Unauthorized (req 77ab12ff99)"),
            template("calendar 17 of user u-3: 401 Unauthorized (req 0011aa22bb)")
        );
    }

    #[test]
    fn templates_are_bounded_and_total_on_odd_input() {
        let long = "word ".repeat(10_000);
        assert!(template(&long).chars().count() <= MAX_TEMPLATE_CHARS);
        for odd in [
            "",
            "\"",
            "'unterminated",
            "http://",
            "\u{0}\u{ffff}ä 12ä",
            "<*><*>",
        ] {
            let _ = template(odd);
        }
    }

    #[test]
    fn codes_keep_status_numbers() {
        assert_eq!(code("http_401"), "http_401");
        assert_eq!(code("ERR_1699999999"), "ERR_<*>");
    }

    #[test]
    fn kinds_never_share_a_fingerprint() {
        let a = Key {
            kind: "tool_error",
            service: "s",
            tool: "t",
            cause: "auth",
            template: "x",
        };
        let b = Key {
            kind: "silent_failure",
            ..a.clone()
        };
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 12);
        assert_eq!(a.fingerprint(), a.clone().fingerprint());
    }
}
