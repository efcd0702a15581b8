//! `auth_rot`: tools whose credentials worked and stopped working.
//!
//! Keeps credential health per key (tool name, plus the host from `server.address` / `url.full`
//! when the span has one) across sessions, and flags a tool call that fails with `auth` as rot
//! when ([`health`] has the rules):
//! - **mid-session expiry**: the same session used the key successfully before; or
//! - **fleet-wide rot**: the key's auth-failure share over the sliding `window` rose above its
//!   share over the `baseline` before it (by `min_rise`, to at least `min_share`, from at least
//!   `min_calls` calls), and the key has worked before.
//!
//! **Requests that never authenticated are not rot.** A tool whose first call in a session fails
//! with `auth` while the rest of the fleet is healthy (a wrong or missing key from the start) is
//! classified `auth` by `tool_outcome`, counted in `spotter_tool_auth_failures_total`, but not
//! stamped as rot: nothing expired.
//!
//! On a rotting call it writes `spotter.auth_rot = true` and a `spotter.auth_rot` event with
//! `first_failure_time` (the episode's first failure) and `last_success_time` (RFC 3339), and the
//! kind (`mid_session` or `fleet`). `spotter_tool_auth_rot{tool}` is 1 while the tool rots and
//! 0 after its next success; `spotter_tool_auth_rot_detections_total{tool,kind}` counts episodes.
//! The session gets an `auth_rot` finding.
//!
//! Options: `window` (default `5m`), `baseline` (default `1h`), `min_calls` (default 5),
//! `min_share` (default 0.5), `min_rise` (default 0.3), `max_keys` (default 4096),
//! `max_sessions` (default 10000), `max_tool_labels` (default 64).

pub mod health;

use std::time::{Duration, Instant};

use serde::Deserialize;

use self::health::{AuthHealth, AuthResult, FleetThresholds, RotKind};
use super::call::{edit_spans, outcome_of, parsed_result};
use super::classifier::{Classifier, Outcome, Verdict};
use super::edit::{boolean, event, SpanEdit};
use super::findings::SessionFindings;
use super::labels::BoundedLabels;
use super::names;
use super::result::ParsedResult;
use super::tool_outcome::state_gauge;
use crate::config::{ConfigError, DurationStr};
use crate::pipeline::Batch;
use crate::processor::Processor;
use crate::semconv::keys::spotter as keys;
use crate::semconv::value;
use crate::summary::{Finding, SessionSummary};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub window: DurationStr,
    pub baseline: DurationStr,
    pub min_calls: u32,
    pub min_share: f64,
    pub min_rise: f64,
    pub max_keys: usize,
    pub max_sessions: usize,
    pub max_tool_labels: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            window: DurationStr(Duration::from_secs(300)),
            baseline: DurationStr(Duration::from_secs(3600)),
            min_calls: 5,
            min_share: 0.5,
            min_rise: 0.3,
            max_keys: 4096,
            max_sessions: 10_000,
            max_tool_labels: 64,
        }
    }
}

pub struct AuthRotProcessor {
    id: String,
    health: AuthHealth,
    classifier: Classifier,
    tools: BoundedLabels,
    findings: SessionFindings,
}

impl AuthRotProcessor {
    pub fn new(id: &str, config: Config, path: &str) -> Result<Self, ConfigError> {
        for (key, v) in [
            ("min_share", config.min_share),
            ("min_rise", config.min_rise),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(ConfigError::invalid(
                    format!("{path}.{key}"),
                    "must be between 0 and 1",
                ));
            }
        }
        if config.window.0.is_zero() {
            return Err(ConfigError::invalid(
                format!("{path}.window"),
                "must be positive",
            ));
        }
        let window = config.window.0.as_nanos() as u64;
        let thresholds = FleetThresholds {
            window_nanos: window,
            baseline_nanos: config.baseline.0.as_nanos() as u64,
            bucket_nanos: (window / 5).max(1),
            min_calls: config.min_calls.max(1),
            min_share: config.min_share,
            min_rise: config.min_rise,
        };
        Ok(AuthRotProcessor {
            id: id.to_string(),
            health: AuthHealth::new(config.max_keys, config.max_sessions, thresholds),
            classifier: Classifier::default(),
            tools: BoundedLabels::new(config.max_tool_labels),
            findings: SessionFindings::new(config.max_sessions),
        })
    }
}

impl Processor for AuthRotProcessor {
    fn id(&self) -> &str {
        &self.id
    }

    fn process(&mut self, mut batch: Batch, _now: Instant, out: &mut Vec<Batch>) {
        edit_spans(&mut batch, |view, cache| {
            let call = view.tool()?;
            let parsed = parsed_result(view, &call, cache);
            let (outcome, verdict) = outcome_of(view, parsed.as_deref(), &self.classifier);
            let result = match outcome {
                Outcome::Auth => refusal(view, verdict.as_ref(), parsed.as_deref()),
                Outcome::Ok
                | Outcome::Empty
                | Outcome::SchemaMismatch
                | Outcome::NotFound
                | Outcome::BadRequest => AuthResult::Passed,
                _ => AuthResult::Unknown,
            };
            if result == AuthResult::Unknown {
                return None;
            }
            // A credential belongs to a service's tool and the host it calls.
            let service = view.str_attr("service.name").unwrap_or("");
            let key = match view.server_address() {
                Some(host) => format!("{service}/{}@{host}", call.name),
                None => format!("{service}/{}", call.name),
            };
            let tool_label = self.tools.label(&call.name);
            if result != AuthResult::Passed {
                metrics::counter!(names::AUTH_FAILURES_TOTAL, "tool" => tool_label.clone())
                    .increment(1);
            }
            let session = view.session_id();
            let t = view
                .span()
                .end_time_unix_nano
                .max(view.span().start_time_unix_nano);
            let verdict = self.health.observe(&key, session.as_deref(), t, result);
            if verdict.recovered {
                metrics::gauge!(names::AUTH_ROT, "tool" => tool_label.clone()).set(0.0);
            }
            let rot = verdict.rot?;
            if rot.started {
                metrics::gauge!(names::AUTH_ROT, "tool" => tool_label.clone()).set(1.0);
                metrics::counter!(names::AUTH_ROT_DETECTIONS_TOTAL,
                    "tool" => tool_label, "kind" => rot.kind.as_str())
                .increment(1);
            }
            let mut attrs = vec![
                (names::ATTR_TOOL, value::string(call.name.to_string())),
                (names::ATTR_ROT_KIND, value::string(rot.kind.as_str())),
                (
                    names::ATTR_FIRST_FAILURE_TIME,
                    value::string(rfc3339(rot.first_failure)),
                ),
            ];
            if let Some(s) = rot.last_success {
                attrs.push((names::ATTR_LAST_SUCCESS_TIME, value::string(rfc3339(s))));
            }
            let mut edit = SpanEdit::default();
            edit.set(keys::AUTH_ROT, boolean(true));
            edit.events.push(event(names::EVENT_AUTH_ROT, t, attrs));
            if let Some(s) = session.as_deref() {
                let how = match rot.kind {
                    RotKind::MidSession => "worked earlier in this session",
                    RotKind::Fleet => "worked in earlier sessions",
                };
                self.findings.add(
                    s,
                    Finding {
                        kind: names::FINDING_AUTH_ROT.to_string(),
                        first_turn: view.turn().unwrap_or(0),
                        tool: Some(call.name.to_string()),
                        detail: format!("{} fails authentication; it {how}", call.name),
                    },
                );
            }
            Some(edit)
        });
        let (keys, sessions) = self.health.len();
        state_gauge("auth_rot", "keys", keys);
        state_gauge("auth_rot", "sessions", sessions);
        out.push(batch);
    }

    fn enrich_summary(&mut self, summary: &mut SessionSummary) {
        self.findings.enrich(summary);
    }
}

/// Wording that names the credential itself: expired, revoked or invalid tokens and keys, a
/// failed authentication, in several languages.
fn credential_wording() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"(?i)expir|revok|revoc|révoq|unauthenticated|\b401\b|\btoken|api[ _-]?key|credential|invalid[ _-]?(grant|client)|jeton|abgelaufen|widerrufen|caducad|scadut|verlopen|www-authenticate|unauthori[sz]ed|authentication (failed|required)|失効|期限|トークン|認証|sesión|session|токен|ключ|учетн\w* данн|сесси|аутентифик|klucz|uwierzytel|sesj|令牌|密钥|凭证|凭据|认证|会话|登录|토큰|인증|세션|inloggning|autentiser|oturum|kimlik doğrula|autentikasi|kredensial|sesi login")
            .expect("credential regex")
    })
}

/// Wording that says a credential lapsed: it expired or was revoked (which it can only have
/// done after working), in several languages, or an OAuth error for an issued token
/// (`invalid_token`, `invalid_grant`: RFC 6750 and 6749 use them for expired or revoked ones).
fn lapse_wording() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"(?i)expir|revok|revoc|r[ée]voqu|invalid[ _-]?(token|grant)|abgelaufen|widerrufen|caducad|scadut|verlopen|ingetrokken|revogad|失効|期限切れ|有効期限|만료|过期|過期|ист[её]к|просроч|отозван|wygas|unieważn|失效|撤销|撤銷|(log|sign)\s*in again|重新登录|重新登入|再ログイン|다시 로그인|har gått ut|\butgång|\butgått|återkallad|logga in igen|süresi (?:doldu|dolmuş|sona er)|iptal edilmiş|yeniden giriş|kedaluwarsa|kadaluarsa|kadaluwarsa|dicabut|masuk kembali|login ulang")
            .expect("lapse regex")
    })
}

/// Wording that refuses access to a resource rather than the credential.
fn denial_wording() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"(?i)\b403\b|permission|forbidden|access denied|not allowed|berechtigung|zugriff|accès|acceso|acesso|permiso|permissão|autoris|autoriz|権限|アクセス権|доступ|запрещ|прав доступа|dostęp|uprawnie|权限|權限|拒绝|拒絕|무권한|권한|거부")
            .expect("denial regex")
    })
}

/// What an `auth` failure refused:
/// - [`AuthResult::Denied`]: one resource (HTTP 403, `PERMISSION_DENIED`, "access denied")
///   without anything said about the credential (a missing scope is about the credential);
/// - [`AuthResult::Expired`]: a credential that lapsed (expiry or revocation, in the error's
///   type, code or message);
/// - [`AuthResult::Failed`]: a credential refused for another or no stated reason.
fn refusal(
    view: &crate::semconv::SpanView<'_>,
    verdict: Option<&Verdict>,
    parsed: Option<&ParsedResult>,
) -> AuthResult {
    let error_type = verdict
        .and_then(|v| v.error_type.as_deref())
        .or_else(|| view.str_attr(keys::TOOL_ERROR_TYPE))
        .unwrap_or("");
    let mut text = String::from(error_type);
    text.push('\n');
    for part in [
        verdict.and_then(|v| v.detail.as_deref()),
        view.str_attr(keys::TOOL_ERROR_DETAIL),
        view.status_message(),
        parsed.map(|p| p.text()),
    ]
    .into_iter()
    .flatten()
    {
        let mut end = part.len().min(512);
        while !part.is_char_boundary(end) {
            end -= 1;
        }
        text.push_str(&part[..end]);
        text.push('\n');
    }
    if lapse_wording().is_match(&text) {
        return AuthResult::Expired;
    }
    let denial_type = error_type == "http_403"
        || super::classifier::rules::is_denial_code(error_type)
        || view.http_status_code() == Some(403)
        || denial_wording().is_match(&text);
    let about_credential =
        credential_wording().is_match(&text) || text.to_lowercase().contains("scope");
    if denial_type && !about_credential {
        AuthResult::Denied
    } else {
        AuthResult::Failed
    }
}

/// Unix nanoseconds as RFC 3339 UTC with millisecond precision.
pub fn rfc3339(unix_nano: u64) -> String {
    let secs = unix_nano / 1_000_000_000;
    let millis = (unix_nano % 1_000_000_000) / 1_000_000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests;
