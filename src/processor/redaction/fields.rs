//! Key-shaped secrets: values of fields whose name says they are secret (`password`,
//! `client_secret`, `X-Api-Key`...), whatever the value looks like.
//!
//! A field is secret when its name, lower-cased with `_`, `-` and `.` removed, ends with one of
//! the secret names (`db_password`, `refresh_token`, `x-api-key`), unless the whole name is
//! allow-listed. Ending, not containing: `max_tokens`, `token_type` and `tokenizer` are not
//! secrets. Fields are found
//! - in JSON and Python-literal text, at any escaping depth (`"password": "..."`,
//!   `{\"password\":\"...\"}`, `{'password': '...'}`): the value is masked up to its closing
//!   quote of the same depth;
//! - in query strings, form bodies, command lines and env files (`?api_key=...`,
//!   `--password=...`, `DB_PASSWORD=...`);
//! - at the start of a line as `Name: value` (HTTP headers, YAML);
//! - as OTLP attribute and key-value-list keys (`http.request.header.authorization`).

use std::collections::HashSet;

use regex::Regex;

use super::mask::{Finding, MASK_PREFIX};

/// Secret field names used unless the config adds more.
pub const DEFAULT_SECRET_FIELDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "secret_key",
    "token",
    "api_key",
    "access_key",
    "private_key",
    "authorization",
    "cookie",
];

/// Field names that end like a secret but are not: tokenizer special tokens and pagination
/// cursors.
pub const DEFAULT_ALLOWED_FIELDS: &[&str] = &[
    "bos_token",
    "eos_token",
    "pad_token",
    "unk_token",
    "sep_token",
    "cls_token",
    "mask_token",
    "next_token",
    "page_token",
    "next_page_token",
    "continuation_token",
];

/// The lower-case words of a name: `api_key`, `apiKey` and `API-KEY` give `[api, key]`.
fn chunks(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            prev_lower = false;
            out.push(String::new());
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower {
            out.push(String::new());
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        match out.last_mut() {
            Some(w) => w.push(c.to_ascii_lowercase()),
            None => out.push(c.to_ascii_lowercase().to_string()),
        }
    }
    out.retain(|w| !w.is_empty());
    out
}

/// Lower-case ASCII alphanumerics of a name: `X-Api-Key` → `xapikey`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    out.extend(
        name.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase()),
    );
    out
}

/// The compiled field detector.
#[derive(Debug, Clone)]
pub struct Fields {
    names: Vec<String>,
    literals: Vec<String>,
    allowed: HashSet<String>,
    json: Regex,
    encoded_json: Regex,
    assignment: Regex,
    header: Regex,
}

impl Fields {
    /// `names` and `allowed` are raw names; they are normalized here. Names that normalize to
    /// nothing are ignored (the config rejects them first).
    pub fn new<'a>(
        names: impl IntoIterator<Item = &'a str>,
        allowed: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let names: Vec<&str> = names.into_iter().collect();
        let mut chunked: Vec<Vec<String>> = names
            .iter()
            .map(|n| chunks(n))
            .filter(|c| !c.is_empty())
            .collect();
        chunked.sort();
        chunked.dedup();
        let mut literals: Vec<String> = chunked
            .iter()
            .filter_map(|c| c.iter().max_by_key(|w| w.len()).cloned())
            .collect();
        literals.sort();
        literals.dedup();
        let mut names: Vec<String> = names
            .into_iter()
            .map(normalize)
            .filter(|n| !n.is_empty())
            .collect();
        names.sort();
        names.dedup();
        let allowed = allowed.into_iter().map(normalize).collect();
        // `api_key` is written `api_key`, `apiKey`, `API-KEY` or `apikey`: a separator may sit
        // where the name has a word break, nowhere else.
        let alt = chunked
            .iter()
            .map(|c| c.join("[_.-]?"))
            .collect::<Vec<_>>()
            .join("|");
        // The chunks are alphanumeric, so they need no escaping.
        let json = format!(r#"(?i)(?:{alt})(\\*)["']\s*:\s*(\\*)(["'])"#);
        // `name=value`, `name='value'` or `name="value"` (quotes possibly escaped).
        let assignment = format!(
            r#"(?i)(?:\A|[?&;#,\s/"'(\\])[A-Za-z0-9_.-]{{0,64}}?(?:{alt})=(?:'([^'\r\n]*)'|\\*"([^"\\\r\n]*)\\*"|([^&\s#"'\\<>]+))"#
        );
        // `Name: value` at the start of a line, also where the line starts a (possibly escaped)
        // string or follows an escaped newline.
        let header = format!(
            r#"(?im)(?:^|\\[nr]|\\*")[ \t]*[A-Za-z0-9_.-]{{0,64}}?(?:{alt})[ \t]*:[ \t]*["']?([^\r\n\\"']+)"#
        );
        // URL-encoded JSON (`%22password%22%3A%22...%22`, in query strings and form bodies):
        // the value runs over plain characters and %XX escapes up to the encoded closing quote.
        let encoded_json = format!(
            r#"(?i)(?:{alt})%22(?:%3A|:)(?:%20|\+)*%22((?:[^%&\s"'\\]|%(?:[013-9A-Fa-f][0-9A-Fa-f]|2[013-9A-Fa-f]))*)"#
        );
        Fields {
            names,
            allowed,
            literals,
            encoded_json: Regex::new(&encoded_json).expect("encoded JSON regex is well-formed"),
            json: Regex::new(&json).expect("secret field regex is well-formed"),
            assignment: Regex::new(&assignment).expect("assignment regex is well-formed"),
            header: Regex::new(&header).expect("header regex is well-formed"),
        }
    }

    /// Substrings one of which every field match contains (the longest word of each name).
    pub fn literals(&self) -> &[String] {
        &self.literals
    }

    /// Whether a field or attribute named `key` holds a secret.
    pub fn is_secret(&self, key: &str) -> bool {
        let n = normalize(key);
        !self.allowed.contains(&n) && self.names.iter().any(|name| n.ends_with(name.as_str()))
    }

    /// Push the value ranges of secret fields found in `text`.
    pub fn scan(&self, text: &str, label: usize, rank: usize, out: &mut Vec<Finding>) {
        let bytes = text.as_bytes();
        let json = self
            .json
            .is_match(text)
            .then(|| self.json.captures_iter(text));
        for c in json.into_iter().flatten() {
            let (Some(whole), Some(level), Some(quote)) = (c.get(0), c.get(2), c.get(3)) else {
                continue;
            };
            if !self.is_secret(key_before(text, whole.start(), whole.end())) {
                continue;
            }
            let start = whole.end();
            let end = closing_quote(bytes, start, quote.as_str().as_bytes()[0], level.len());
            push_value(text, start, end, label, rank, out);
        }
        if self.encoded_json.is_match(text) {
            for c in self.encoded_json.captures_iter(text) {
                let (Some(whole), Some(value)) = (c.get(0), c.get(1)) else {
                    continue;
                };
                // The key ends at its encoded closing quote; `%22` before it reads as part of
                // the name (`22password`), which still ends like the secret name.
                if self.is_secret(key_before(text, whole.start(), whole.end())) {
                    push_value(text, value.start(), value.end(), label, rank, out);
                }
            }
        }
        for re in [&self.assignment, &self.header] {
            if !re.is_match(text) {
                continue;
            }
            for c in re.captures_iter(text) {
                let value = c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3));
                let (Some(whole), Some(value)) = (c.get(0), value) else {
                    continue;
                };
                if !self.is_secret(key_of_assignment(&text[whole.start()..value.start()])) {
                    continue;
                }
                let trimmed = text[value.start()..value.end()].trim_end();
                push_value(
                    text,
                    value.start(),
                    value.start() + trimmed.len(),
                    label,
                    rank,
                    out,
                );
            }
        }
    }
}

fn push_value(
    text: &str,
    start: usize,
    end: usize,
    label: usize,
    rank: usize,
    out: &mut Vec<Finding>,
) {
    let start = (start + scheme_len(&text[start..end])).min(end);
    if end > start && !text[start..end].starts_with(MASK_PREFIX) {
        out.push(Finding {
            start,
            end,
            label,
            rank,
        });
    }
}

/// The length of a leading authorization scheme (`Bearer `, `Basic `...) in a secret field's
/// value: the scheme is kept, so the token detectors name the credential and readers still see
/// which kind of authorization failed.
pub fn scheme_len(value: &str) -> usize {
    const SCHEMES: [&str; 6] = ["bearer", "basic", "token", "digest", "apikey", "negotiate"];
    let Some(space) = value.find([' ', '\t']) else {
        return 0;
    };
    let word = &value[..space];
    if !SCHEMES.iter().any(|s| word.eq_ignore_ascii_case(s)) {
        return 0;
    }
    let rest = &value[space..];
    space + (rest.len() - rest.trim_start_matches([' ', '\t']).len())
}

/// The whole JSON key whose matched tail ends at the key's closing quote: walk back from the
/// match over name characters.
fn key_before(text: &str, match_start: usize, match_end: usize) -> &str {
    let bytes = text.as_bytes();
    let mut s = match_start;
    while s > 0 && is_name_byte(bytes[s - 1]) {
        s -= 1;
    }
    let mut e = match_start;
    while e < match_end && is_name_byte(bytes[e]) {
        e += 1;
    }
    &text[s..e]
}

/// The key of `key=` or `Key:` from the text the regex matched before the value.
fn key_of_assignment(prefix: &str) -> &str {
    let trimmed = prefix.trim_end_matches(['=', ':', ' ', '\t', '"', '\'', '\\']);
    let start = trimmed
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        .map(|i| i + 1)
        .unwrap_or(0);
    &trimmed[start..]
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// Where the string value opened at `start` ends, for a quote escaped `level` times.
///
/// At escaping depth `n` (0, 1, 3, 7... backslashes before the quote), the closing quote is
/// preceded by a run of `r` backslashes with `r mod (2n + 2) == n`: `n` of them escape the
/// closing quote itself, the rest are escaped backslashes inside the value. A quote inside the
/// value is escaped once more (`r = 2n + 1`) and so does not end it. Without a closing quote the
/// value runs to the end of the text (truncated attribute values are still masked).
fn closing_quote(bytes: &[u8], start: usize, quote: u8, level: usize) -> usize {
    let modulus = 2 * level + 2;
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate().skip(start) {
        if b == b'\\' {
            run += 1;
            continue;
        }
        if b == quote && run % modulus == level {
            return i - level;
        }
        run = 0;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Fields {
        Fields::new(
            DEFAULT_SECRET_FIELDS.iter().copied(),
            DEFAULT_ALLOWED_FIELDS.iter().copied(),
        )
    }

    fn values(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        fields().scan(text, 0, 0, &mut out);
        out.iter().map(|f| &text[f.start..f.end]).collect()
    }

    #[test]
    fn names_match_by_ending_not_by_containing() {
        let f = fields();
        for secret in [
            "password",
            "DB_PASSWORD",
            "x-api-key",
            "apiKey",
            "client_secret",
            "refresh_token",
            "Authorization",
            "set-cookie",
            "aws_secret_access_key",
        ] {
            assert!(f.is_secret(secret), "{secret}");
        }
        for benign in [
            "max_tokens",
            "token_type",
            "tokenizer",
            "input_tokens",
            "eos_token",
            "secret_name",
            "user",
        ] {
            assert!(!f.is_secret(benign), "{benign}");
        }
    }

    #[test]
    fn name_words_split_at_separators_and_camel_case() {
        assert_eq!(chunks("api_key"), ["api", "key"]);
        assert_eq!(chunks("clientSecret"), ["client", "secret"]);
        assert_eq!(chunks("X-API-KEY"), ["x", "api", "key"]);
        assert_eq!(chunks("--"), Vec::<String>::new());
        assert_eq!(
            values(r#"{"apiKey": "a1", "API-KEY": "a2", "apikey": "a3", "x_Api_Key": "a4"}"#),
            ["a1", "a2", "a3", "a4"]
        );
    }

    #[test]
    fn json_values_at_every_escaping_depth() {
        assert_eq!(
            values(r#"{"password": "hunter2", "user": "bob"}"#),
            ["hunter2"]
        );
        assert_eq!(
            values(r#"{"args": "{\"api_key\":\"k-123\",\"q\":1}"}"#),
            ["k-123"]
        );
        assert_eq!(
            values(r#"{"a": "{\"b\": \"{\\\"client_secret\\\": \\\"cs-9\\\"}\"}"}"#),
            ["cs-9"]
        );
        assert_eq!(values(r#"{'passwd': 'p@ss'}"#), ["p@ss"]);
    }

    #[test]
    fn json_value_with_escaped_quotes_and_backslashes_is_masked_whole() {
        assert_eq!(values(r#"{"password": "a\"b\\", "x": 1}"#), [r#"a\"b\\"#]);
        assert_eq!(
            values(r#"{"s": "{\"token\":\"q\\\"r\\\\\"}"}"#),
            [r#"q\\\"r\\\\"#]
        );
    }

    #[test]
    fn unterminated_value_is_masked_to_the_end() {
        assert_eq!(values(r#"{"password": "abc"#), ["abc"]);
    }

    #[test]
    fn url_encoded_json_values() {
        assert_eq!(
            values("https://x/cb?state=%7B%22password%22%3A%22hunter%202%22%2C%22n%22%3A1%7D"),
            ["hunter%202"]
        );
        assert_eq!(
            values("q=%7B%22api_key%22%3A%20%22k-123%22%7D&x=1"),
            ["k-123"]
        );
        assert!(values("q=%7B%22max_tokens%22%3A%22256%22%7D").is_empty());
    }

    #[test]
    fn query_strings_env_lines_and_headers() {
        assert_eq!(
            values("https://api.example.com/v1?user=bob&api_key=abc123&x=1"),
            ["abc123"]
        );
        assert_eq!(values("export DB_PASSWORD=s3cr3t\nFOO=bar"), ["s3cr3t"]);
        assert_eq!(values("run --password=pw1 now"), ["pw1"]);
        assert_eq!(values("export TOKEN='a b&c'"), ["a b&c"]);
        assert_eq!(values(r#"{"cmd": "login --passwd=\"x y\" -v"}"#), ["x y"]);
        assert_eq!(
            values("GET / HTTP/1.1\r\nX-Api-Key: abc def\r\nAccept: */*"),
            ["abc def"]
        );
        assert_eq!(
            values(r#"{"log": "line1\nSecret: topsecret\nnext"}"#),
            ["topsecret"]
        );
        assert!(values("max_tokens=256&token_type=bearer").is_empty());
    }

    #[test]
    fn already_masked_values_are_left_alone() {
        assert!(values(r#"{"password": "[REDACTED:secret_field:ab12]"}"#).is_empty());
    }

    #[test]
    fn prose_about_tokens_is_not_a_field() {
        assert!(values("the token expired at 10:00, please re-authenticate").is_empty());
        assert!(values("401 Unauthorized: invalid token").is_empty());
    }
}
