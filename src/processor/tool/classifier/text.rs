//! Failure evidence in plain-text and HTML results.
//!
//! Free text is full of the word "error" in healthy answers (a help article about error handling,
//! a log excerpt the user asked for), so text counts as a failure only when it *is* an error
//! message, not when it mentions one:
//! - its first line starts like an error: `Error:`, `ERROR 1045`, `[error]`, `Exception:`,
//!   `Traceback`, `fatal:`, `HTTP 401`, `HTTP/1.1 503`, `403 Forbidden`, `status code 500`, a
//!   `SomethingError: message` / `SomethingException: message` line, a crash (`panic:`,
//!   `Exception in thread`), a command-line tool's own failure (`curl: (7) Failed to connect`,
//!   `psql: error:`), an error naming the failed step (`Error executing tool x:`, `An error
//!   occurred`), or the word for error in another language (`Ошибка:`, `Błąd:`, `错误：`,
//!   `오류:`, `認証エラー:`); but not documentation about a status (`403 Forbidden is returned
//!   when...`);
//! - or the whole result is one short line that states a failure (`Connection refused`,
//!   `Unauthorized`, `Rate limit exceeded`, `Something went wrong`, `API key revoked`,
//!   `Service indisponible`, `请求失败`);
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
                \[?(?:error|err|fatal|exception|failure|failed|fehler|erreur|errore|erro|fout|fallo|[ée]chec|falha|ошибка|сбой|błąd|chyba|hata|fel|virhe|錯誤|错误|エラー|오류|失败|失敗|실패)\]?\s*(?:[:：!\-\]]|\d{3,5}\b|\(\d+\))
              | traceback\s*\(most\ recent
              # Go, Java and Node crashes: `panic: ...`, `Exception in thread main ...`,
              # `Unhandled exception: ...`.
              | panic:\s*\S
              | exception\ in\ thread\b
              | unhandled\ (?:exception|error|rejection)\b
              # A command-line tool reporting its own failure: `curl: (7) Failed to connect`,
              # `psql: error: connection refused`, `git: fatal: ...`.
              | [\w.\-]{1,32}:\s*(?:\(\d+\)\s*(?:error|fatal|failed|failure)\b|(?:error|fatal)\s*:)
              # `Error executing tool search: ...`, `Error while fetching orders: ...`, `An
              # unexpected error occurred`: the error is the call's own.
              | error\s+(?:while\s+|when\s+|during\s+)?(?:execut|call|runn|invok|process|fetch|connect|contact|retriev|read|writ|load|pars|query|request|send|get|post|access)\w*\b
              | (?:an?\s+)?(?:unexpected\s+|internal\s+|unknown\s+|server\s+)?error\s+(?:has\s+)?occurr?ed\b
              # A message that opens with a refused credential: `Request had invalid
              # authentication credentials. Expected OAuth 2 ...`, `Invalid API key provided: ...`,
              # `The access token has expired; obtain a new one ...`.
              | (?:(?:the\s+)?request\s+had\s+)?(?:invalid|expired|revoked|missing)\s+(?:authentication\s+)?(?:api[\ _-]?key|access[\ _-]?token|bearer\ token|token|credentials?)\b
              | (?:the\s+|your\s+)?(?:access\s+|api\s+|auth\s+|bearer\s+)?(?:token|key|credentials?)\s+(?:has\s+|have\s+)?(?:expired|been\s+revoked)\b
              | http(?:/\d(?:\.\d)?)?\s*[45]\d\d\b
              | [45]\d\d\s*[-:]?\s*(?:bad|unauthori|forbidden|not\ |method|request|too\ many|internal|service|gateway|payment|conflict|gone|unprocessable|precondition|proxy|error|unavailable|insufficient)
              | status(?:\s*code)?\s*[:=]?\s*[45]\d\d\b
              # `ValueError: ...`, `java.io.IOException: ...`, and nested classes such as
              # Feign's `feign.FeignException$Unauthorized: [401 Unauthorized] ...`.
              | (?:[a-z_][\w.]*)?(?:error|exception|timeout|fault|failure|refused)(?:\$\w+)?\s*:\s*\S
              | \w{0,8}(?:エラー|错误|錯誤|오류)\s*[:：]
              | rpc\ error:\s*code\s*=\s*\w+
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
            r"(?i)^\W*(?:error|failed|failure|something went wrong|(?:the )?request (?:was |has been )?throttled|slow down|(?:daily |monthly |hourly )?(?:quota|request limit|usage limit) (?:exceeded|reached)|too many (?:requests|attempts|calls)|(?:the )?(?:service|server|system|api) is (?:temporarily |currently )?(?:unavailable|down|overloaded|busy)|(?:you have )?exceeded (?:the |your )?(?:rate limit|quota)|rate limit (?:reached|hit)|unauthori[sz]ed|forbidden|access denied|permission denied|not found|bad request|too many requests|rate limit(?:ed| exceeded)?|quota exceeded|(?:request |connection |gateway )?timed? ?out|timeout|connection (?:refused|reset|closed)|service unavailable|bad gateway|internal server error|invalid (?:api key|token|credentials)|(?:(?:the|your|this)\s+(?:provided\s+|supplied\s+|current\s+)?)?(?:jwt|(?:access |refresh |auth |bearer )?token|api[ _-]?key|credentials?|session|password)\s+(?:has\s+(?:been\s+)?|is\s+|was\s+)?(?:expired|revoked|invalid|disabled|deactivated|timed out)|zugriff verweigert|nicht autorisiert|dienst nicht verf[üu]gbar|acc[eè]s refus[ée]|non autoris[ée]|service indisponible|acceso denegado|no autorizado|servicio no disponible|accesso negato|servizio non disponibile|acesso negado|servi[çc]o indispon[íi]vel|toegang geweigerd|dienst niet beschikbaar|доступ запрещ[её]н|не авторизован|сервис (?:временно )?недоступен|brak dostępu|odmowa dostępu|usługa (?:jest )?(?:chwilowo )?niedostępna|(?:请求|调用|操作|查询|服务)失败|服务(?:暂时)?不可用|未授权|无权限|拒绝访问|访问被拒绝|(?:요청|호출)(?:이|에)? 실패|권한이 없습니다|서비스를 사용할 수 없습니다)(?:\s*$|\s*[.:;,!\-–—(]|\s+(?:for|to|on|by|while|after|when|because|\d))",
        )
        .expect("short failure regex")
    })
}

/// `Timeout: 30s`, `Retries: 3`: a setting and its value, not an error message.
fn setting_line() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)^\s*[\w .\-]{1,40}\s*[:=]\s*-?[\d.,]+\s*(?:ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|%|kb|mb|gb|x)?\s*$")
            .expect("setting regex")
    })
}

/// A setting line whose key is not itself a failure: `Request failed: 502` is an error message
/// with its status, `Timeout: 30s` a setting.
fn is_setting(line: &str) -> bool {
    setting_line().is_match(line)
        && !line.split([':', '=']).next().is_some_and(|key| {
            let key = key.to_ascii_lowercase();
            key.contains("fail") || key.contains("error")
        })
}

/// A log record: a level word beside a timestamp (`ERROR 2024-05-01T10:00:00Z ...`,
/// `2024-05-01 10:00:00 ERROR ...`, `[ERROR] 10:00:01 ...`).
fn log_line() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?ix)^\s*(?:
                \[?(?:error|warn|warning|info|debug|trace|fatal|critical)\]?[\s:|]+\[?(?:\d{4}-\d\d-\d\d|\d\d:\d\d:\d\d)
              | \[?\d{4}-\d\d-\d\d[t\ ]\d\d:\d\d(?::\d\d)?\S*\]?\s+\[?(?:error|warn|warning|info|debug|trace|fatal|critical)\b
              | \[?\d\d:\d\d:\d\d\S*\]?\s+\[?(?:error|warn|warning|info|debug|trace|fatal|critical)\b
            )")
        .expect("log line regex")
    })
}

/// A text that is a log excerpt: its first line is a log record, or several lines start with a
/// level word.
fn is_log(text: &str) -> bool {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let Some(first) = lines.next() else {
        return false;
    };
    if log_line().is_match(first) {
        return true;
    }
    static LEVEL: OnceLock<Regex> = OnceLock::new();
    let level = LEVEL.get_or_init(|| {
        Regex::new(r"^\s*\[?(?:ERROR|WARN|WARNING|INFO|DEBUG|TRACE|FATAL)\b").expect("level regex")
    });
    text.lines().take(20).filter(|l| level.is_match(l)).count() >= 2
}

fn status_number() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?:^\s*|\b(?:http(?:/\d(?:\.\d)?)?|status(?:\s*code)?|code|error|failed|returned|with|fehler|erreur|errore|erro|c[óo]digo|codice|statut)\s*[:=#]?\s*)([45]\d\d)\b",
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
    if trimmed.starts_with('<') {
        return super::xml::failure_signal(trimmed);
    }
    let first_line = trimmed.lines().next().unwrap_or("").trim();
    if first_line.is_empty() || is_setting(first_line) || is_log(trimmed) {
        return None;
    }
    let single_short = trimmed.trim_end().len() <= SHORT_RESULT && !trimmed.trim().contains('\n');
    let is_error = (error_prefix().is_match(first_line) && !status_prose().is_match(first_line))
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
    // gRPC status as text: `rpc error: code = Unauthenticated desc = token expired`.
    let codes = grpc_text_code()
        .captures(first_line)
        .map(|c| vec![c[1].to_string()])
        .unwrap_or_default();
    Some(FailureSignal {
        statuses: status_numbers(first_line),
        codes,
        messages: vec![message.to_string()],
        ..Default::default()
    })
}

/// Documentation about a status, not a response with it: `403 Forbidden is returned when...`,
/// `HTTP 429 means the client is throttled`.
fn status_prose() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)^\W*(?:http(?:/\d(?:\.\d)?)?\s*)?[45]\d\d\b[\w ]{0,30}?\s(?:is|are|means|indicates|occurs|happens|can|should|will|errors? (?:is|are|means|occurs?))\s")
            .expect("status prose regex")
    })
}

fn grpc_text_code() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)rpc error:\s*code\s*=\s*(\w+)").expect("grpc text regex"))
}

fn is_html(t: &str) -> bool {
    let start = t.get(..15).unwrap_or(t).to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html")
}

fn html_failure(html: &str) -> Option<FailureSignal> {
    let Some(heading) = html_heading()
        .captures_iter(html)
        .filter_map(|c| c.get(2).map(|m| strip_tags(m.as_str())))
        .find(|h| html_error_heading().is_match(h))
    else {
        return sign_in_page(html);
    };
    Some(FailureSignal {
        statuses: status_numbers(&heading)
            .into_iter()
            .chain(bare_status(&heading))
            .collect(),
        messages: vec![heading],
        ..Default::default()
    })
}

fn sign_in_heading() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b(?:sign[ -]?in|log[ -]?in|sign[ -]?on|anmeld(?:en|ung)|connexion|se connecter|iniciar sesi[óo]n|inicia sesi[óo]n|accedi|accesso|entrar|inloggen|aanmelden)\b|登录|登入|ログイン|サインイン|로그인")
            .expect("sign-in heading regex")
    })
}

/// A sign-in page served where the tool expected data (a single sign-on redirect that ended on
/// the identity provider's login form): the tool's session or credential lapsed, so the call
/// failed on authentication whatever its HTTP status. It takes a page whose `<title>` or first
/// `<h1>` is about signing in *and* a form to sign in with; an article about logging in has
/// no form.
fn sign_in_page(html: &str) -> Option<FailureSignal> {
    let heading = html_heading()
        .captures_iter(html)
        .take(2)
        .filter_map(|c| c.get(2).map(|m| strip_tags(m.as_str())))
        .find(|h| h.len() <= 80 && sign_in_heading().is_match(h))?;
    let lower = html.to_ascii_lowercase();
    let has_form = lower.contains("<form")
        && (lower.contains("type=\"password\"")
            || lower.contains("type=\"email\"")
            || [
                "login",
                "signin",
                "sign-in",
                "authorize",
                "oauth",
                "saml",
                "sso",
            ]
            .iter()
            .any(|w| lower.contains(w)));
    has_form.then(|| FailureSignal {
        codes: vec!["LOGIN_REQUIRED".to_string()],
        messages: vec![format!("sign-in page instead of data: {heading}")],
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
    fn a_sign_in_page_served_instead_of_data_is_an_auth_failure() {
        let sso = r#"<!DOCTYPE html><html lang="es"><head><title>Sign in to your account</title></head><body><form method="post" action="https://login.example.com/oauth2/authorize?prompt=login"><input type="email" name="loginfmt"><input type="submit" value="Next"></form></body></html>"#;
        let s = failure_signal(sso).expect("a sign-in form is a failure");
        assert_eq!(s.codes, vec!["LOGIN_REQUIRED".to_string()]);
        let anmelden = "<html><head><title>Anmelden</title></head><body><form action=\"/session\"><input type=\"password\" name=\"pw\"></form></body></html>";
        assert!(fails(anmelden));
        // Documentation about signing in has no form to sign in with.
        let article = "<html><head><title>How to sign in with SSO</title></head><body><h1>Sign in</h1><p>Open the portal and choose your provider.</p></body></html>";
        assert!(!fails(article));
        // A page with a search form is data.
        let search = "<html><head><title>Products</title></head><body><form action=\"/search\"><input name=\"q\"></form></body></html>";
        assert!(!fails(search));
    }

    #[test]
    fn status_numbers_are_read_from_messages() {
        assert_eq!(status_numbers("HTTP 401: Unauthorized"), vec![401]);
        assert_eq!(status_numbers("503 Service Unavailable"), vec![503]);
        assert_eq!(status_numbers("failed with status code 429"), vec![429]);
        assert!(status_numbers("order A404 shipped in 404 boxes").is_empty());
    }
}
