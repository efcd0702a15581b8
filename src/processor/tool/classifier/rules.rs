//! The class rules: which status codes, error codes and message patterns mean which outcome.
//!
//! A [`Ruleset`] is a list of rules, each naming an [`Outcome`] and any of:
//! - `status_codes`: HTTP statuses, as numbers (`401`) or classes (`"4xx"`, `"500-599"`);
//! - `codes`: error codes (`UNAUTHENTICATED`, `invalid_token`, `ECONNREFUSED`, exception types
//!   such as `ReadTimeout`). Codes are compared case-insensitively and without `_`, `-`, `.`
//!   or spaces, so `RATE_LIMIT_EXCEEDED` matches `rateLimitExceeded`; a dotted exception type
//!   also matches by its last segment (`requests.exceptions.ReadTimeout`);
//! - `patterns`: regular expressions over error messages (case-insensitive unless the pattern
//!   sets its own flags).
//!
//! Users add rules from YAML (`tool_outcome.rules`); they are consulted before the built-in
//! ones at each kind of evidence (statuses, then codes, then patterns).

use std::collections::HashSet;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use super::Outcome;

/// One rule as written in YAML.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    pub outcome: Outcome,
    #[serde(default)]
    pub status_codes: Vec<StatusSpec>,
    #[serde(default)]
    pub codes: Vec<String>,
    #[serde(default)]
    pub patterns: Vec<String>,
}

/// A status code or range: `401`, `"4xx"`, `"500-599"`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum StatusSpec {
    Code(u16),
    Range(String),
}

impl StatusSpec {
    fn bounds(&self) -> Result<(i64, i64), String> {
        match self {
            StatusSpec::Code(c) => Ok((*c as i64, *c as i64)),
            StatusSpec::Range(s) => {
                let s = s.trim().to_ascii_lowercase();
                if let Some(d) = s.strip_suffix("xx") {
                    let d: i64 = d
                        .parse()
                        .map_err(|_| format!("invalid status class {s:?}"))?;
                    return Ok((d * 100, d * 100 + 99));
                }
                if let Some((a, b)) = s.split_once('-') {
                    let a: i64 = a
                        .trim()
                        .parse()
                        .map_err(|_| format!("invalid range {s:?}"))?;
                    let b: i64 = b
                        .trim()
                        .parse()
                        .map_err(|_| format!("invalid range {s:?}"))?;
                    if a <= b {
                        return Ok((a, b));
                    }
                }
                s.parse::<i64>()
                    .map(|c| (c, c))
                    .map_err(|_| format!("invalid status code {s:?}"))
            }
        }
    }
}

#[derive(Debug, Clone)]
struct Rule {
    outcome: Outcome,
    statuses: Vec<(i64, i64)>,
    codes: HashSet<String>,
    pattern: Option<Regex>,
}

/// The compiled rule table.
#[derive(Debug, Clone)]
pub struct Ruleset {
    rules: Vec<Rule>,
}

impl Default for Ruleset {
    fn default() -> Self {
        Ruleset::builtin()
    }
}

/// Normalise an error code for comparison: ASCII alphanumerics only, upper case.
/// Whether an error code names the refusal of a resource rather than of the credential
/// (`PERMISSION_DENIED`, `Forbidden`, `AccessDeniedException`, `NotAuthorized...`).
pub fn is_denial_code(code: &str) -> bool {
    let code = normalise_code(code);
    [
        "PERMISSIONDENIED",
        "FORBIDDEN",
        "ACCESSDENIED",
        "NOTAUTHORIZED",
    ]
    .iter()
    .any(|d| code.contains(d))
}

pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl Ruleset {
    /// The built-in rules only, compiled once per process: every processor that classifies
    /// tool results (tool_outcome, schema_drift, tool_loop, auth_rot, goal...) starts from them,
    /// and their regexes were a third of a detection run's instructions when each compiled its own.
    pub fn builtin() -> Self {
        static BUILTIN: OnceLock<Ruleset> = OnceLock::new();
        BUILTIN
            .get_or_init(|| Ruleset {
                rules: builtin_rules()
                    .iter()
                    .map(|r| compile(r).expect("built-in rules compile"))
                    .collect(),
            })
            .clone()
    }

    /// User rules first, then the built-in ones. Errors are (key path, message), the path
    /// naming the rule index and field (`rules[2].patterns`).
    pub fn with_user_rules(user: &[RuleConfig]) -> Result<Self, (String, String)> {
        let mut rules = Vec::with_capacity(user.len() + 8);
        for (i, r) in user.iter().enumerate() {
            rules.push(compile(r).map_err(|(field, msg)| (format!("rules[{i}].{field}"), msg))?);
        }
        rules.extend(Ruleset::builtin().rules);
        Ok(Ruleset { rules })
    }

    /// The class of an HTTP status, if any rule names it.
    pub fn class_of_status(&self, status: i64) -> Option<Outcome> {
        self.rules
            .iter()
            .find(|r| r.statuses.iter().any(|(a, b)| (*a..=*b).contains(&status)))
            .map(|r| r.outcome)
    }

    /// The class of an error code or exception type, if any rule names it.
    pub fn class_of_code(&self, code: &str) -> Option<Outcome> {
        let trimmed = code.trim();
        if let Ok(n) = trimmed.parse::<i64>() {
            return (100..=599)
                .contains(&n)
                .then(|| self.class_of_status(n))
                .flatten();
        }
        let whole = normalise_code(trimmed);
        if whole.is_empty() {
            return None;
        }
        let last = trimmed
            .rsplit(['.', ':', '/', '#'])
            .next()
            .map(normalise_code)
            .unwrap_or_default();
        // `ExpiredTokenException`, `UnauthorizedError`: the class suffix adds nothing.
        let bare = strip_class_suffix(&last);
        self.rules
            .iter()
            .find(|r| {
                r.codes.contains(&whole)
                    || (!last.is_empty() && r.codes.contains(&last))
                    || bare.is_some_and(|b| r.codes.contains(b))
            })
            .map(|r| r.outcome)
    }

    /// Whether `code` names a known failure code (used where a bare `code` field may be data).
    pub fn is_failure_code(&self, code: &str) -> bool {
        code.trim().parse::<i64>().is_err() && self.class_of_code(code).is_some()
    }

    /// The class of an error message, from the first rule whose pattern matches.
    pub fn class_of_text(&self, text: &str) -> Option<Outcome> {
        self.rules
            .iter()
            .find(|r| r.pattern.as_ref().is_some_and(|p| p.is_match(text)))
            .map(|r| r.outcome)
    }
}

/// A normalised code without its exception-class suffix, when it has one.
fn strip_class_suffix(code: &str) -> Option<&str> {
    ["EXCEPTION", "ERROR", "FAULT", "FAILURE"]
        .iter()
        .find_map(|s| code.strip_suffix(s))
        .filter(|b| b.len() >= 4)
}

fn compile(r: &RuleConfig) -> Result<Rule, (&'static str, String)> {
    let statuses = r
        .status_codes
        .iter()
        .map(|s| s.bounds().map_err(|e| ("status_codes", e)))
        .collect::<Result<Vec<_>, _>>()?;
    let codes = r.codes.iter().map(|c| normalise_code(c)).collect();
    let pattern = if r.patterns.is_empty() {
        None
    } else {
        let joined = r
            .patterns
            .iter()
            .map(|p| format!("(?:{p})"))
            .collect::<Vec<_>>()
            .join("|");
        Some(
            Regex::new(&format!("(?i){joined}"))
                .map_err(|e| ("patterns", format!("invalid regular expression: {e}")))?,
        )
    };
    Ok(Rule {
        outcome: r.outcome,
        statuses,
        codes,
        pattern,
    })
}

/// The class of a numeric gRPC status code (1..=16).
pub fn class_of_grpc_number(code: i64) -> Option<Outcome> {
    Some(match code {
        1 | 6 | 10 => Outcome::Error,
        2 | 12 | 13 | 14 | 15 => Outcome::ServerError,
        3 | 9 | 11 => Outcome::BadRequest,
        4 => Outcome::Timeout,
        5 => Outcome::NotFound,
        7 | 16 => Outcome::Auth,
        8 => Outcome::RateLimited,
        _ => return None,
    })
}

fn rule(
    outcome: Outcome,
    statuses: &[StatusSpec],
    codes: &[&str],
    patterns: &[&str],
) -> RuleConfig {
    RuleConfig {
        outcome,
        status_codes: statuses.to_vec(),
        codes: codes.iter().map(|s| s.to_string()).collect(),
        patterns: patterns.iter().map(|s| s.to_string()).collect(),
    }
}

fn range(s: &str) -> StatusSpec {
    StatusSpec::Range(s.to_string())
}

/// The built-in table. Order matters: the first matching rule wins at each evidence kind.
fn builtin_rules() -> Vec<RuleConfig> {
    use StatusSpec::Code;
    vec![
        rule(
            Outcome::Auth,
            &[Code(401), Code(403), Code(407), Code(498)],
            &[
                "UNAUTHENTICATED",
                "PERMISSION_DENIED",
                "UNAUTHORIZED",
                "UNAUTHORISED",
                "FORBIDDEN",
                "INVALID_TOKEN",
                "TOKEN_EXPIRED",
                "EXPIRED_TOKEN",
                "ExpiredToken",
                "INVALID_API_KEY",
                "INVALID_GRANT",
                "INVALID_CLIENT",
                "AUTHENTICATION_ERROR",
                "AUTHENTICATION_FAILED",
                "AUTH_ERROR",
                "ACCESS_DENIED",
                "NOT_AUTHORIZED",
                "INVALID_CREDENTIALS",
                "PERMISSION_ERROR",
                "INSUFFICIENT_SCOPE",
                "AuthenticationError",
                "PermissionDeniedError",
                "PermissionError",
                "InvalidAuthenticationToken",
                "CREDENTIALS_EXPIRED",
                "LOGIN_REQUIRED",
                "TOKEN_REVOKED",
                "REVOKED_TOKEN",
                "UNRECOGNIZED_CLIENT",
                "INVALID_CLIENT_TOKEN_ID",
                "INVALID_SIGNATURE",
                "SIGNATURE_DOES_NOT_MATCH",
                "AUTH_FAILURE",
                "MISSING_AUTHENTICATION_TOKEN",
                "NOT_AUTHENTICATED",
                "INVALID_AUTH",
                "INVALID_SESSION",
                "SESSION_EXPIRED",
                "ACCESS_TOKEN_EXPIRED",
                "AUTHENTICATION_REQUIRED",
                "REQUEST_EXPIRED",
                "API_KEY_EXPIRED",
                "TOKEN_EXPIRED_ERROR",
                "JWT_EXPIRED",
                "TokenExpiredError",
                "JsonWebTokenError",
                "INVALID_JWT",
                "BAD_CREDENTIALS",
                "INVALID_AUTHENTICATION",
                "AUTHENTICATION_EXPIRED",
                "NOT_AUTHED",
                "ACCOUNT_INACTIVE",
                "SESSION_INVALID",
                "REAUTHENTICATION_REQUIRED",
            ],
            &[
                r"\b(unauthori[sz]ed|unauthenticated|forbidden|permission[ _-]denied|access[ _-]denied)",
                r"\bnot (authori[sz]ed|authenticated|permitted)\b",
                r"\bauth(entication|orization)?[ _-](failed|failure|error|required)",
                r"\blog ?in required\b",
                r"\b(invalid|expired|revoked|bad|incorrect|missing|wrong)[ _-](api[ _-]?key|access[ _-]?token|token|credentials?|signature|grant|client[ _-]?secret|session)",
                r"\b(api[ _-]?key|access[ _-]?token|token|credentials?|session|signature|password)(?:[ _-]|\b).{0,24}?(expired|invalid|revoked|not valid|disabled|deactivated|suspended)\b",
                r"\binsufficient[ _-](scope|permissions?|privileges?)",
                // `jwt expired`, `Bad credentials`, `Request had invalid authentication
                // credentials`, `please log in again`: a credential refused, in other words.
                r"\b(jwt|bearer|id[ _-]?token|refresh[ _-]?token|oauth[ _-]?token)\b.{0,24}?\b(expired|invalid|revoked|malformed)\b",
                r"\b(invalid|expired|revoked|bad|incorrect|wrong)\s+(\w+\s+)?(credentials?|tokens?|jwt)\b",
                // A credential that could not be verified (`Could not verify JWT: JWTExpired`,
                // Hasura's `invalid-jwt`): the service refused it.
                r"\b(jwt|token|session|credentials?)[ _-]?(expired|revoked)\b|\binvalid[ _-]jwt\b",
                r"\b(could\s+not|cannot|can't|unable\s+to|failed\s+to)\s+(verify|validate|authenticate)\b.{0,16}?\b(jwt|tokens?|credentials?|signature|identity|api[ _-]?key)\b",
                r"\b(please\s+)?(log|sign)\s*in\s+again\b|\bre-?authenticat|\b(login|sign[ _-]?in|authentication)\s+(has\s+)?expired\b",
                // Russian, Polish, Chinese, Japanese, Korean.
                r"доступ\s+запрещ|не\s+авторизован|ошибка\s+(авторизации|аутентификации)|(токен|ключ|сессия|сеанс|учетн\w*\s+данн\w*)\b.{0,24}(истек|истёк|просрочен|недействител|отозван)|срок\s+действия\s+(токена|ключа|сессии)",
                r"\bbrak\s+(dostępu|uprawnień|autoryzacji)|\bodmowa\s+dostępu|\bnieautoryzowan|\b(token|klucz|sesja)\b.{0,24}\b(wygas|nieważn|unieważnion)",
                r"未授权|未经授权|无权限|没有权限|权限不足|拒绝访问|访问被拒绝|认证失败|身份验证失败|(令牌|token|密钥|会话|凭证|凭据)(已)?(过期|失效|无效|被撤销)|登录已过期|請重新登入|未授權|權限不足|(令牌|權杖)(已)?過期",
                r"認証(に)?失敗|認証エラー|アクセスが拒否|権限がありません|(トークン|セッション)(の有効期限が切れ|が無効|が期限切れ)",
                r"인증\s*(실패|오류)|권한이\s*없|접근(이)?\s*거부|(토큰|세션)(이)?\s*(만료|유효하지)",
                // German, French, Spanish, Italian, Portuguese, Dutch: denied access, missing
                // authorisation, an expired or revoked credential.
                r"\b(zugriff|zugang)\s+(verweigert|abgelehnt)|\bnicht\s+(autorisiert|authentifiziert|berechtigt)|\b(token|schlüssel|sitzung|anmeldedaten|zugangsdaten)\b.{0,24}\b(abgelaufen|ungültig|widerrufen)|\bauthentifizierung\s+fehlgeschlagen",
                r"\bacc[eè]s\s+(refus[ée]|interdit)|\bnon\s+(autoris[ée]|authentifi[ée])|\b(jeton|cl[ée]|session|identifiants?)\b.{0,24}\b(expir[ée]e?s?|invalides?|r[ée]voqu[ée]e?s?)|\b[ée]chec\s+(de\s+l'|d')authentification",
                r"\bacceso\s+denegado|\bno\s+autorizado|\b(token|clave|sesi[óo]n|credenciales?)\b.{0,24}\b(caducad[oa]s?|expirad[oa]s?|inv[áa]lid[oa]s?|revocad[oa]s?)",
                r"\baccesso\s+negato|\bnon\s+autorizzato|\b(token|chiave|sessione|credenziali)\b.{0,24}\b(scadut[oaie]|non\s+valid[oaie]|revocat[oaie])",
                r"\bacesso\s+negado|\bn[ãa]o\s+autorizado|\b(token|chave|sess[ãa]o|credenciais)\b.{0,24}\b(expirad[oa]s?|inv[áa]lid[oa]s?|revogad[oa]s?)",
                r"\btoegang\s+geweigerd|\bniet\s+geautoriseerd|\b(token|sleutel|sessie)\b.{0,24}\b(verlopen|ongeldig|ingetrokken)",
            ],
        ),
        rule(
            Outcome::RateLimited,
            &[Code(429)],
            &[
                "RESOURCE_EXHAUSTED",
                "RATE_LIMITED",
                "RATE_LIMIT_EXCEEDED",
                "RATE_LIMIT_ERROR",
                "RateLimitError",
                "TOO_MANY_REQUESTS",
                "THROTTLED",
                "THROTTLING",
                "ThrottlingException",
                "QUOTA_EXCEEDED",
                "INSUFFICIENT_QUOTA",
            ],
            &[
                r"\brate[ _-]?limit",
                r"\btoo many (requests|attempts|calls)\b|\bslow down\b",
                r"\bquota\b",
                r"\bthrottl(ed|ing)\b",
                r"\bresource[ _-]exhausted\b",
                r"\b(usage|request) limit\b",
                r"слишком\s+много\s+запросов|превышен\w*\s+(лимит|квот)|\bzbyt\s+wiele\s+żądań|\bprzekroczono\s+(limit|przydział)|请求(过于)?频繁|超出(速率)?限制|配额(已)?(用尽|超限)|요청(이)?\s*너무\s*많|한도(를)?\s*초과|リクエストが多すぎ|レート制限",
                r"\bzu\s+viele\s+anfragen|\btrop\s+de\s+requ[êe]tes|\bdemasiadas\s+solicitudes|\btroppe\s+richieste|\bmuitas\s+solicita[çc][õo]es",
            ],
        ),
        rule(
            Outcome::Timeout,
            &[Code(408), Code(504), Code(524)],
            &[
                "DEADLINE_EXCEEDED",
                "TIMEOUT",
                "TIMED_OUT",
                "ETIMEDOUT",
                "ESOCKETTIMEDOUT",
                "REQUEST_TIMEOUT",
                "GATEWAY_TIMEOUT",
                "TimeoutError",
                "TimeoutException",
                "ReadTimeout",
                "ConnectTimeout",
                "APITimeoutError",
                "SocketTimeoutException",
            ],
            &[
                r"\btimed?[ _-]?out\b",
                r"\btimeout\b",
                r"\bdeadline[ _-]exceeded\b",
                r"\btook too long\b",
                r"(время\s+ожидания|тайм-?аут)|przekroczono\s+czas|limit\s+czasu|超时|超時|タイムアウト|시간\s*초과|타임아웃",
                r"\bzeit[üu]berschreitung\b|\bd[ée]lai\s+(d'attente\s+)?d[ée]pass[ée]|\btiempo\s+de\s+espera\s+agotado|\btempo\s+(di\s+attesa\s+)?scaduto|\btempo\s+esgotado",
            ],
        ),
        rule(
            Outcome::Network,
            &[],
            &[
                "ECONNREFUSED",
                "ECONNRESET",
                "ECONNABORTED",
                "ENOTFOUND",
                "EAI_AGAIN",
                "EHOSTUNREACH",
                "ENETUNREACH",
                "EPIPE",
                "CONNECTION_ERROR",
                "ConnectError",
                "ConnectionRefusedError",
                "ConnectionResetError",
                "ConnectionError",
                "APIConnectionError",
                "NETWORK_ERROR",
                "DNS_ERROR",
                "UnknownHostException",
                "ConnectException",
            ],
            &[
                r"\bconnection\b.{0,12}\b(refused|reset|closed|aborted|error|failed|lost)\b",
                r"\b(econnrefused|econnreset|enotfound|eai_again|ehostunreach|enetunreach)\b",
                r"\bcould not (resolve|connect)\b",
                r"\b(unable|failed) to (resolve|connect)\b",
                r"\bname or service not known\b",
                r"\b(name|dns) resolution\b",
                r"\bgetaddrinfo\b",
                r"\bno route to host\b",
                r"\bnetwork\b.{0,12}\b(unreachable|error|down)\b",
                r"\b(ssl|tls)\b.{0,20}\b(handshake|error|failed)\b",
                r"\bbroken pipe\b",
                r"\bremote (end|host)\b.{0,20}\bclosed\b",
                r"не\s+удалось\s+(подключиться|соединиться)|соединение\s+(отклонено|разорвано|сброшено)|nie\s+(można|udało\s+się)\s+połączyć|połączenie\s+(odrzucone|zerwane)|连接(被)?(拒绝|超时|失败|重置)|無法連線|接続(が)?(拒否|できません|失敗)|연결(이)?\s*(거부|실패|끊)|연결할\s*수\s*없",
            ],
        ),
        rule(
            Outcome::NotFound,
            &[Code(404), Code(410)],
            &[
                "NOT_FOUND",
                "NO_SUCH_KEY",
                "RESOURCE_NOT_FOUND",
                "ENOENT",
                "NotFoundError",
                "FileNotFoundError",
            ],
            &[
                r"\bnot found\b",
                r"\bno such\b",
                r"\bdoes ?n[o']t exist\b",
                r"\bunknown (id|order|user|resource|file|item|record|key)\b",
                r"не\s+найден|nie\s+znaleziono|未找到|找不到|不存在|見つかりません|찾을\s*수\s*없",
                r"\bnicht\s+gefunden|\bintrouvable\b|\bintrouv[ée]e?\b|\bno\s+encontrad[oa]|\bnon\s+trovat[oa]|\bn[ãa]o\s+encontrad[oa]|\bniet\s+gevonden",
            ],
        ),
        rule(
            Outcome::BadRequest,
            &[Code(400), Code(413), Code(414), Code(415), Code(422)],
            &[
                "INVALID_ARGUMENT",
                "FAILED_PRECONDITION",
                "OUT_OF_RANGE",
                "BAD_REQUEST",
                "INVALID_REQUEST",
                "INVALID_REQUEST_ERROR",
                "VALIDATION_ERROR",
                "ValidationError",
                "UNPROCESSABLE_ENTITY",
                "INVALID_PARAMETER",
                "MISSING_PARAMETER",
                "INVALID_INPUT",
                "BadRequestError",
                "UnprocessableEntityError",
                "ValueError",
                "TypeError",
            ],
            &[
                r"\bbad request\b",
                r"\binvalid (argument|param(eter)?s?|request|input|value|json|payload|field|format|query)\b",
                r"\bvalidation (error|failed)\b",
                r"\bunprocessable\b",
                r"\bmalformed\b",
                r"\bmissing (required )?(param(eter)?|field|argument)s?\b",
                r"\b(is|are) required\b",
                r"\bschema validation\b",
            ],
        ),
        rule(
            Outcome::ServerError,
            &[range("5xx")],
            &[
                "INTERNAL",
                "INTERNAL_ERROR",
                "INTERNAL_SERVER_ERROR",
                "InternalServerError",
                "UNAVAILABLE",
                "SERVICE_UNAVAILABLE",
                "UNKNOWN",
                "DATA_LOSS",
                "UNIMPLEMENTED",
                "BAD_GATEWAY",
                "OVERLOADED",
                "OVERLOADED_ERROR",
                "API_ERROR",
                "SERVER_ERROR",
            ],
            &[
                r"\binternal (server )?error\b",
                r"\bservice\b.{0,8}\bunavailable\b",
                r"\bbad gateway\b",
                r"\bupstream\b",
                r"\boverloaded\b",
                r"\bserver error\b",
                r"\btemporarily unavailable\b",
                r"внутренняя\s+ошибка|(сервис|служба|сервер)\s+(временно\s+)?недоступ|wewnętrzny\s+błąd|(usługa|serwis|serwer)\s+(jest\s+)?(chwilowo\s+|tymczasowo\s+)?niedostępn|服务器(内部)?错误|(服务|系统)(暂时|目前)?不可用|系统繁忙|服務(暫時)?無法使用|내부\s*서버\s*오류|서비스를\s*사용할\s*수\s*없|서버\s*오류",
                r"\binterner\s+serverfehler|\bdienst\s+nicht\s+verf[üu]gbar|\berreur\s+interne|\bservice\s+indisponible|\berror\s+interno|\bservicio\s+no\s+disponible|\berrore\s+interno|\bservizio\s+non\s+disponibile|\bservi[çc]o\s+indispon[íi]vel|内部(サーバー)?エラー|サービス(が)?(利用できません|停止中)",
            ],
        ),
        rule(
            Outcome::Error,
            &[range("4xx")],
            &["ABORTED", "CANCELLED", "ALREADY_EXISTS", "CONFLICT"],
            // A failure that names no cause: `An error has occurred`, `Something went wrong`.
            &[
                r"^\W*(an?\s+)?(unexpected\s+|unknown\s+)?error\s+(has\s+)?occurr?ed\b",
                r"^\W*something\s+went\s+wrong\b",
                r"^\W*(the\s+)?(request|operation|call|query)\s+(has\s+)?failed\b",
            ],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_classes() {
        let r = Ruleset::builtin();
        assert_eq!(r.class_of_status(401), Some(Outcome::Auth));
        assert_eq!(r.class_of_status(403), Some(Outcome::Auth));
        assert_eq!(r.class_of_status(429), Some(Outcome::RateLimited));
        assert_eq!(r.class_of_status(504), Some(Outcome::Timeout));
        assert_eq!(r.class_of_status(404), Some(Outcome::NotFound));
        assert_eq!(r.class_of_status(422), Some(Outcome::BadRequest));
        assert_eq!(r.class_of_status(503), Some(Outcome::ServerError));
        assert_eq!(r.class_of_status(418), Some(Outcome::Error));
        assert_eq!(r.class_of_status(200), None);
    }

    #[test]
    fn codes_compare_loosely_and_by_last_segment() {
        let r = Ruleset::builtin();
        assert_eq!(r.class_of_code("UNAUTHENTICATED"), Some(Outcome::Auth));
        assert_eq!(
            r.class_of_code("rateLimitExceeded"),
            Some(Outcome::RateLimited)
        );
        assert_eq!(
            r.class_of_code("requests.exceptions.ReadTimeout"),
            Some(Outcome::Timeout)
        );
        assert_eq!(r.class_of_code("ECONNREFUSED"), Some(Outcome::Network));
        assert_eq!(r.class_of_code("500"), Some(Outcome::ServerError));
        assert_eq!(r.class_of_code("EUR"), None);
        assert_eq!(r.class_of_code("agent.ToolHTTPError"), None);
    }

    #[test]
    fn patterns_classify_messages() {
        let r = Ruleset::builtin();
        let cases = [
            ("access token expired", Outcome::Auth),
            ("The API key provided is invalid", Outcome::Auth),
            ("Invalid API key", Outcome::Auth),
            ("You exceeded your current quota", Outcome::RateLimited),
            ("request timed out after 30s", Outcome::Timeout),
            ("connection refused", Outcome::Network),
            ("getaddrinfo ENOTFOUND api.example.com", Outcome::Network),
            ("order does not exist", Outcome::NotFound),
            ("field 'city' is required", Outcome::BadRequest),
            ("Service Unavailable", Outcome::ServerError),
        ];
        for (text, want) in cases {
            assert_eq!(r.class_of_text(text), Some(want), "{text}");
        }
        assert_eq!(r.class_of_text("all good"), None);
    }

    #[test]
    fn user_rules_take_precedence_and_report_bad_regex() {
        let user = vec![RuleConfig {
            outcome: Outcome::Auth,
            status_codes: vec![StatusSpec::Code(419)],
            codes: vec!["SESSION_GONE".into()],
            patterns: vec!["vault sealed".into()],
        }];
        let r = Ruleset::with_user_rules(&user).unwrap();
        assert_eq!(r.class_of_status(419), Some(Outcome::Auth));
        assert_eq!(r.class_of_code("session-gone"), Some(Outcome::Auth));
        assert_eq!(r.class_of_text("Vault sealed"), Some(Outcome::Auth));
        let bad = vec![RuleConfig {
            outcome: Outcome::Error,
            status_codes: vec![StatusSpec::Range("6xx-".into())],
            codes: vec![],
            patterns: vec![],
        }];
        let (path, _) = Ruleset::with_user_rules(&bad).unwrap_err();
        assert_eq!(path, "rules[0].status_codes");
        let bad = vec![RuleConfig {
            outcome: Outcome::Error,
            status_codes: vec![],
            codes: vec![],
            patterns: vec!["(".into()],
        }];
        let (path, message) = Ruleset::with_user_rules(&bad).unwrap_err();
        assert_eq!(path, "rules[0].patterns");
        assert!(
            message.starts_with("invalid regular expression"),
            "{message}"
        );
    }

    #[test]
    fn status_ranges_parse() {
        assert_eq!(range("5xx").bounds(), Ok((500, 599)));
        assert_eq!(range("400-404").bounds(), Ok((400, 404)));
        assert_eq!(range("418").bounds(), Ok((418, 418)));
        assert!(range("abc").bounds().is_err());
    }
}
