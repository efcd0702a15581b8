//! Value-shaped secrets: one regex per kind, plus a check where the regex alone would also match
//! look-alikes (slugs after `sk-`, the English word "basic", timestamps that pass Luhn).
//!
//! Regexes use ASCII word boundaries (`(?-u:\b)`): Unicode boundaries would make the regex engine
//! leave its fast DFA on any non-ASCII text, and every key format here is ASCII.

use base64::Engine;
use regex::Regex;

/// A built-in kind of secret. Its `label` is the `kind` in the mask and in the metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    PrivateKey,
    Jwt,
    AnthropicKey,
    OpenAiKey,
    StripeKey,
    GithubToken,
    SlackToken,
    GoogleApiKey,
    AwsAccessKey,
    AwsSecretKey,
    UrlPassword,
    BearerToken,
    BasicAuth,
    AuthToken,
    SecretField,
    Email,
    Phone,
    CardNumber,
}

impl Kind {
    pub const ALL: [Kind; 18] = [
        Kind::PrivateKey,
        Kind::Jwt,
        Kind::AnthropicKey,
        Kind::OpenAiKey,
        Kind::StripeKey,
        Kind::GithubToken,
        Kind::SlackToken,
        Kind::GoogleApiKey,
        Kind::AwsAccessKey,
        Kind::AwsSecretKey,
        Kind::UrlPassword,
        Kind::BearerToken,
        Kind::BasicAuth,
        Kind::AuthToken,
        Kind::SecretField,
        Kind::Email,
        Kind::Phone,
        Kind::CardNumber,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::PrivateKey => "private_key",
            Kind::Jwt => "jwt",
            Kind::AnthropicKey => "anthropic_key",
            Kind::OpenAiKey => "openai_key",
            Kind::StripeKey => "stripe_key",
            Kind::GithubToken => "github_token",
            Kind::SlackToken => "slack_token",
            Kind::GoogleApiKey => "google_api_key",
            Kind::AwsAccessKey => "aws_access_key",
            Kind::AwsSecretKey => "aws_secret_key",
            Kind::UrlPassword => "url_password",
            Kind::BearerToken => "bearer_token",
            Kind::BasicAuth => "basic_auth",
            Kind::AuthToken => "auth_token",
            Kind::SecretField => "secret_field",
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::CardNumber => "card_number",
        }
    }

    /// Substrings (ASCII case-insensitive) at least one of which every match of the kind's
    /// pattern contains; empty when there is none (digit shapes), so the pattern always runs.
    pub fn literals(self) -> &'static [&'static str] {
        match self {
            Kind::PrivateKey => &["PRIVATE KEY"],
            Kind::Jwt => &["eyJ"],
            Kind::AnthropicKey | Kind::OpenAiKey => &["sk-"],
            Kind::StripeKey => &["_live_", "_test_"],
            Kind::GithubToken => &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
            Kind::SlackToken => &["xox", "xapp-"],
            Kind::GoogleApiKey => &["AIza"],
            Kind::AwsAccessKey => &["AKIA", "ASIA", "ABIA", "ACCA"],
            Kind::AwsSecretKey => &["secret"],
            Kind::UrlPassword => &["://"],
            Kind::BearerToken => &["bearer"],
            Kind::BasicAuth => &["basic"],
            Kind::AuthToken => &["authorization"],
            Kind::Email => &["@"],
            Kind::SecretField | Kind::Phone | Kind::CardNumber => &[],
        }
    }

    /// Whether the kind is only detected when the config asks for it (personal data rather
    /// than credentials).
    pub fn is_optional(self) -> bool {
        matches!(self, Kind::Email | Kind::Phone | Kind::CardNumber)
    }
}

/// What must hold of a regex match before it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    None,
    /// At least two of {digit, upper case, lower case}: random keys, not words or slugs.
    Random,
    /// Decodes (base64) to `user:password`.
    BasicCredentials,
    /// Luhn-valid, with the length and prefix of a real card scheme.
    Card,
}

/// A regex for one kind. `group` is the capture group holding the secret (0 = the whole match);
/// `rank` breaks ties between detectors matching at the same place (lower wins).
#[derive(Debug, Clone)]
pub struct Pattern {
    pub kind: Kind,
    pub regex: &'static str,
    pub group: usize,
    pub check: Check,
}

/// The built-in patterns, most specific first (the order is the tie-break between overlaps).
pub fn builtin() -> Vec<Pattern> {
    let p = |kind, regex, group, check| Pattern {
        kind,
        regex,
        group,
        check,
    };
    vec![
        p(
            Kind::PrivateKey,
            r"(?s)-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|\z)",
            0,
            Check::None,
        ),
        p(
            Kind::Jwt,
            r"(?-u:\b)eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*",
            0,
            Check::None,
        ),
        p(
            Kind::AnthropicKey,
            r"(?-u:\b)sk-ant-[A-Za-z0-9_-]{20,}",
            0,
            Check::Random,
        ),
        p(
            Kind::OpenAiKey,
            r"(?-u:\b)sk-[A-Za-z0-9_-]{20,}",
            0,
            Check::Random,
        ),
        p(
            Kind::StripeKey,
            r"(?-u:\b)(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}",
            0,
            Check::Random,
        ),
        p(
            Kind::GithubToken,
            r"(?-u:\b)(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})",
            0,
            Check::None,
        ),
        p(
            Kind::SlackToken,
            r"(?-u:\b)(?:xox[abprse]-[A-Za-z0-9-]{10,}|xapp-[0-9]-[A-Za-z0-9-]{10,})",
            0,
            Check::Random,
        ),
        p(
            Kind::GoogleApiKey,
            r"(?-u:\b)AIza[0-9A-Za-z_-]{35}",
            0,
            Check::None,
        ),
        p(
            Kind::AwsAccessKey,
            r"(?-u:\b)(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?-u:\b)",
            0,
            Check::None,
        ),
        p(
            Kind::AwsSecretKey,
            r"(?i)(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)[^A-Za-z0-9/+]{1,8}([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|\z)",
            1,
            Check::Random,
        ),
        p(
            Kind::UrlPassword,
            r#"(?i)(?-u:\b)[a-z][a-z0-9+.-]{1,20}://[^\s:/@"'\\?#]{1,128}:([^\s/@"'\\?#]{1,256})@"#,
            1,
            Check::None,
        ),
        p(
            Kind::BearerToken,
            r"(?i)(?-u:\b)bearer(?:[ \t]+|%20|\+)([A-Za-z0-9._~+/-]{8,}=*)",
            1,
            Check::Random,
        ),
        p(
            Kind::BasicAuth,
            r"(?i)(?-u:\b)basic(?:[ \t]+|%20|\+)([A-Za-z0-9+/]{6,}={0,2})",
            1,
            Check::BasicCredentials,
        ),
        p(
            Kind::AuthToken,
            r#"(?i)authorization[^A-Za-z0-9]{1,8}(?:token|apikey|api-key|key|sso-key)[ \t]+([^\s"'\\,;]{8,})"#,
            1,
            Check::None,
        ),
        p(
            Kind::Email,
            r"(?-u:\b)[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}(?-u:\b)",
            0,
            Check::None,
        ),
        p(
            Kind::Phone,
            r"(?:\A|[^0-9A-Za-z+])((?:\+[1-9][0-9]{0,2}[ .-]?)?(?:\([0-9]{3}\)[ ]?|[0-9]{3}[ .-])[0-9]{3}[ .-][0-9]{4}|\+[1-9][0-9]{7,14})(?:\z|[^0-9A-Za-z])",
            1,
            Check::None,
        ),
        p(
            Kind::CardNumber,
            r"(?:\A|[^0-9A-Za-z])((?:[0-9][ -]?){12,18}[0-9])(?:\z|[^0-9A-Za-z])",
            1,
            Check::Card,
        ),
    ]
}

impl Check {
    pub fn holds(self, text: &str) -> bool {
        match self {
            Check::None => true,
            Check::Random => looks_random(text),
            Check::BasicCredentials => is_basic_credentials(text),
            Check::Card => is_card_number(text),
        }
    }
}

fn looks_random(text: &str) -> bool {
    let (mut digit, mut upper, mut lower) = (false, false, false);
    for b in text.bytes() {
        digit |= b.is_ascii_digit();
        upper |= b.is_ascii_uppercase();
        lower |= b.is_ascii_lowercase();
    }
    u8::from(digit) + u8::from(upper) + u8::from(lower) >= 2
}

fn is_basic_credentials(text: &str) -> bool {
    let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(text) else {
        return false;
    };
    match std::str::from_utf8(&raw) {
        Ok(s) => s.contains(':') && !s.starts_with(':') && s.chars().all(|c| !c.is_control()),
        Err(_) => false,
    }
}

/// Luhn-valid, 13 to 19 digits, with the prefix and length of a card scheme (Visa, Mastercard,
/// American Express, Discover, Diners, JCB). The scheme check keeps nanosecond timestamps and
/// other long numbers, a tenth of which pass Luhn by chance, out.
pub fn is_card_number(text: &str) -> bool {
    let mut digits = [0u8; 19];
    let mut n = 0;
    for b in text.bytes() {
        match b {
            b'0'..=b'9' => {
                if n == digits.len() {
                    return false;
                }
                digits[n] = b - b'0';
                n += 1;
            }
            b' ' | b'-' => {}
            _ => return false,
        }
    }
    let d = &digits[..n];
    if !(13..=19).contains(&n) || !scheme_fits(d) {
        return false;
    }
    luhn_sum(d).is_multiple_of(10)
}

/// The Luhn sum of digits (0–9), check digit last: every second digit from the right doubled,
/// digits of the products added. Valid numbers sum to a multiple of 10.
pub(super) fn luhn_sum(d: &[u8]) -> u32 {
    d.iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = u32::from(x);
            match (i % 2 == 1, x * 2) {
                (true, y) if y > 9 => y - 9,
                (true, y) => y,
                (false, _) => x,
            }
        })
        .sum()
}

fn scheme_fits(d: &[u8]) -> bool {
    let prefix = |k: usize| d.iter().take(k).fold(0u32, |a, &x| a * 10 + u32::from(x));
    let len = d.len();
    match d[0] {
        4 => matches!(len, 13 | 16 | 19),
        5 => (51..=55).contains(&prefix(2)) && len == 16,
        2 => (2221..=2720).contains(&prefix(4)) && len == 16,
        3 => {
            let p2 = prefix(2);
            match p2 {
                34 | 37 => len == 15,
                36 | 38 | 39 => len == 14 || len == 16,
                30 => (300..=305).contains(&prefix(3)) && len == 14,
                35 => (3528..=3589).contains(&prefix(4)) && (16..=19).contains(&len),
                _ => false,
            }
        }
        6 => {
            (prefix(4) == 6011 || prefix(2) == 65 || (644..=649).contains(&prefix(3)))
                && (16..=19).contains(&len)
        }
        _ => false,
    }
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub label: usize,
    pub literals: &'static [&'static str],
    pub regex: Regex,
    pub group: usize,
    pub check: Check,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_pattern_compiles_and_every_kind_but_secret_field_has_one() {
        let patterns = builtin();
        for p in &patterns {
            Regex::new(p.regex).unwrap_or_else(|e| panic!("{:?}: {e}", p.kind));
        }
        for kind in Kind::ALL {
            let has = patterns.iter().any(|p| p.kind == kind);
            assert_eq!(has, kind != Kind::SecretField, "{kind:?}");
        }
    }

    #[test]
    fn luhn_and_scheme() {
        assert!(is_card_number("4111 1111 1111 1111"));
        assert!(is_card_number("5500-0000-0000-0004"));
        assert!(is_card_number("378282246310005"));
        assert!(is_card_number("6011111111111117"));
        // Luhn-invalid
        assert!(!is_card_number("4111 1111 1111 1112"));
        // Luhn-valid but no card scheme starts with 1 (a nanosecond timestamp)
        assert!(!is_card_number("1700000000000000008"));
    }

    #[test]
    fn basic_credentials_must_decode_to_user_colon_password() {
        assert!(is_basic_credentials("YWxhZGRpbjpvcGVuc2VzYW1l")); // aladdin:opensesame
        assert!(!is_basic_credentials("authentication"));
        assert!(!is_basic_credentials("aGVsbG8gd29ybGQ=")); // "hello world"
    }

    #[test]
    fn random_looking_needs_two_character_classes() {
        assert!(looks_random("abc123def456"));
        assert!(looks_random("AbCdEfGhIj"));
        assert!(!looks_random("learn-some-long-project-slug"));
        assert!(!looks_random("authentication"));
    }
}
