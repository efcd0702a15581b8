//! Regression tests for probes of failure forms the labelled corpus does not use: other stacks
//! (Go, Java, command-line tools, WeChat-style numbered errors, GraphQL), other vendors' auth
//! errors, and other languages (Russian, Polish, Chinese, Japanese, Korean). Each probe that
//! found a gap is a test, named after what it guards.

use super::*;
use crate::processor::tool::result::ParsedResult;

use super::probes::outcome_of;

fn outcome_of_data_tool(text: &str) -> Outcome {
    let parsed = ParsedResult::parse(text);
    Classifier::default()
        .classify(&CallEvidence {
            result: Some(&parsed),
            usually_returns_data: true,
            ..Default::default()
        })
        .outcome
}

#[test]
fn go_panics_and_uncaught_java_exceptions_are_failures() {
    for text in [
        "panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV]",
        "Exception in thread \"main\" java.lang.IllegalStateException: pool closed",
        "Unhandled exception: System.IO.IOException: pipe broken",
    ] {
        assert!(outcome_of(text).is_hard_failure(), "{text}");
    }
    assert_eq!(
        outcome_of("Exception in thread \"main\" java.net.SocketTimeoutException: Read timed out"),
        Outcome::Timeout
    );
    assert_eq!(
        outcome_of("Panic at the Disco: tour dates 2026"),
        Outcome::Ok
    );
}

#[test]
fn command_line_tools_reporting_their_own_failure_are_failures() {
    assert_eq!(
        outcome_of("curl: (7) Failed to connect to api.example.com port 443: Connection refused"),
        Outcome::Network
    );
    assert!(outcome_of("psql: error: connection to server on socket failed").is_hard_failure());
    // A status line of a record is data.
    assert_eq!(outcome_of("Status: failed"), Outcome::Ok);
    assert_eq!(outcome_of("Build: failed after 3 steps"), Outcome::Ok);
}

#[test]
fn error_messages_naming_the_failed_step_are_failures() {
    assert_eq!(
        outcome_of("Error executing tool search: 500 Internal Server Error"),
        Outcome::ServerError
    );
    assert!(outcome_of("Error while fetching orders from the warehouse").is_hard_failure());
    assert!(outcome_of("An error occurred while processing your request.").is_hard_failure());
    assert!(outcome_of(r#"{"Message":"An error has occurred."}"#).is_hard_failure());
    assert_eq!(
        outcome_of("Error handling in our API: retries use exponential backoff."),
        Outcome::Ok
    );
}

#[test]
fn a_failure_key_with_a_status_is_not_a_setting() {
    assert_eq!(outcome_of("Request failed: 502"), Outcome::ServerError);
    assert_eq!(outcome_of("Error: 503"), Outcome::ServerError);
    assert_eq!(outcome_of("Timeout: 30s"), Outcome::Ok);
    assert_eq!(outcome_of("Retries: 3"), Outcome::Ok);
}

#[test]
fn short_results_stating_an_outage_or_a_limit_are_failures() {
    for (text, want) in [
        (
            "The service is temporarily unavailable. Please try again later.",
            Outcome::ServerError,
        ),
        (
            "Rate limit reached for requests. Limit: 60/min.",
            Outcome::RateLimited,
        ),
        (
            "You have exceeded the rate limit. Please slow down.",
            Outcome::RateLimited,
        ),
        ("Dienst nicht verfügbar", Outcome::ServerError),
        ("Servizio non disponibile", Outcome::ServerError),
        ("Service indisponible", Outcome::ServerError),
    ] {
        assert_eq!(outcome_of(text), want, "{text}");
    }
    for text in ["Something went wrong. Please try again.", "error", "Failed"] {
        assert!(outcome_of(text).is_hard_failure(), "{text}");
    }
    for text in [
        "Error handling",
        "Failure rates by region: EU 0.1%",
        "The service is available in 12 countries.",
    ] {
        assert_eq!(outcome_of(text), Outcome::Ok, "{text}");
    }
}

#[test]
fn errors_in_russian_polish_chinese_japanese_and_korean_are_classified() {
    for (text, want) in [
        ("Ошибка: сервис недоступен", Outcome::ServerError),
        ("Błąd: usługa niedostępna", Outcome::ServerError),
        ("错误：服务暂时不可用", Outcome::ServerError),
        ("오류: 서버에 연결할 수 없습니다", Outcome::Network),
        ("Ошибка: превышен лимит запросов", Outcome::RateLimited),
        ("Błąd: przekroczono czas oczekiwania", Outcome::Timeout),
        ("错误：请求超时", Outcome::Timeout),
    ] {
        assert_eq!(outcome_of(text), want, "{text}");
    }
    for text in ["请求失败", "服务不可用"] {
        assert!(outcome_of(text).is_hard_failure(), "{text}");
    }
    for text in [
        "Сервис работает.",
        "Usługa jest dostępna.",
        "服务正常运行。",
    ] {
        assert_eq!(outcome_of(text), Outcome::Ok, "{text}");
    }
}

#[test]
fn auth_errors_in_russian_polish_chinese_japanese_and_korean_are_auth() {
    for text in [
        "Ошибка: срок действия токена истёк",
        "Ошибка: доступ запрещён",
        "Błąd: token wygasł",
        "Błąd: brak dostępu",
        "错误：令牌已过期",
        "错误：未授权",
        "認証エラー: トークンの有効期限が切れています",
        "오류: 인증 실패",
        r#"{"code":40101,"message":"登录已过期，请重新登录"}"#,
    ] {
        assert_eq!(outcome_of(text), Outcome::Auth, "{text}");
    }
}

#[test]
fn credential_refusals_of_other_vendors_are_auth() {
    for text in [
        "jwt expired",
        "API key revoked",
        "The provided API key has been disabled.",
        "Your session has timed out. Please sign in again.",
        r#"{"name":"TokenExpiredError","message":"jwt expired","expiredAt":"2026-01-01T00:00:00Z"}"#,
        r#"{"ok":false,"error":"token_revoked"}"#,
        r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}"#,
        r#"{"error":{"code":"InvalidAuthenticationToken","message":"Lifetime validation failed, the token is expired."}}"#,
        r#"{"errcode":40001,"errmsg":"invalid credential, access_token is invalid or not latest"}"#,
    ] {
        assert_eq!(outcome_of(text), Outcome::Auth, "{text}");
    }
    // Talking about tokens is not a refusal; an error record without a message is data.
    assert_eq!(
        outcome_of("Token expiry is configurable per client (default 1h)."),
        Outcome::Ok
    );
    assert_eq!(
        outcome_of(r#"{"name":"TokenExpiredError","occurrences":12,"service":"auth"}"#),
        Outcome::Ok
    );
}

#[test]
fn numbered_error_envelopes_are_failures_and_their_zero_is_success() {
    assert!(outcome_of(r#"{"retcode":-1,"retmsg":"system busy"}"#).is_hard_failure());
    assert!(outcome_of(r#"{"errno":-111,"message":"connect ECONNREFUSED"}"#).is_hard_failure());
    assert_eq!(outcome_of(r#"{"errcode":0,"errmsg":"ok"}"#), Outcome::Ok);
    assert_eq!(
        outcome_of(r#"{"errcode":0,"errmsg":"ok","data":{"x":1}}"#),
        Outcome::Ok
    );
}

#[test]
fn a_result_word_of_error_beside_its_reason_is_a_failure() {
    assert_eq!(
        outcome_of(r#"{"result":"error","reason":"upstream timeout"}"#),
        Outcome::Timeout
    );
    assert_eq!(
        outcome_of(r#"{"result":"ok","message":"done"}"#),
        Outcome::Ok
    );
}

#[test]
fn graphql_errors_beside_all_null_data_are_failures_and_partial_data_is_not() {
    assert_eq!(
        outcome_of(
            r#"{"data":{"user":null},"errors":[{"message":"Internal server error","path":["user"]}]}"#
        ),
        Outcome::ServerError
    );
    assert_eq!(
        outcome_of(
            r#"{"data":{"user":{"id":1},"orders":null},"errors":[{"message":"Internal server error","path":["orders"]}]}"#
        ),
        Outcome::Ok
    );
}

#[test]
fn documentation_about_a_status_is_not_a_failure() {
    for text in [
        "403 Forbidden is returned when a user lacks permission.",
        "HTTP 429 means the client sent too many requests.",
        "503 Service Unavailable errors are retried three times.",
    ] {
        assert_eq!(outcome_of(text), Outcome::Ok, "{text}");
    }
    assert_eq!(outcome_of("403 Forbidden"), Outcome::Auth);
    assert_eq!(
        outcome_of("HTTP 503 Service Unavailable"),
        Outcome::ServerError
    );
}

#[test]
fn counted_empty_results_of_other_apis_are_empty() {
    for text in [
        r#"{"records":[],"totalSize":0,"done":true}"#,
        r#"{"rows":[],"rowCount":0}"#,
        r#"{"docs":[],"numFound":0}"#,
    ] {
        assert_eq!(outcome_of_data_tool(text), Outcome::Empty, "{text}");
    }
    // A count above zero says the data was found and lost, not that there was none.
    assert_eq!(
        outcome_of_data_tool(r#"{"records":[],"totalSize":3,"done":true}"#),
        Outcome::Ok
    );
}

#[test]
fn no_results_texts_in_other_phrasings_and_languages_are_empty() {
    for text in [
        "0 rows returned",
        "Found 0 results",
        "Query returned no rows",
        "No records match your query.",
        "該当なし",
        "該当するデータはありません",
        "没有找到",
        "没有找到相关结果",
        "검색 결과가 없습니다",
        "Ничего не найдено",
        "Brak wyników",
        "Nie znaleziono wyników",
    ] {
        assert_eq!(outcome_of_data_tool(text), Outcome::Empty, "{text}");
    }
    assert_eq!(
        outcome_of_data_tool("0 rows affected; 12 rows returned"),
        Outcome::Ok
    );
}

#[test]
fn rate_limit_wording_of_other_apis_is_rate_limited() {
    for text in [
        "Request was throttled. Expected available in 2 seconds.",
        "Slow down: you are sending requests too fast.",
        "Daily quota exceeded. Resets at midnight UTC.",
        "Too many attempts, wait a minute.",
    ] {
        assert_eq!(outcome_of(text), Outcome::RateLimited, "{text}");
    }
    assert_eq!(
        outcome_of("Quota usage this month: 40% of the plan."),
        Outcome::Ok
    );
}

#[test]
fn a_long_message_that_opens_with_a_credential_refusal_is_auth() {
    for text in [
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
        "Invalid API key provided: sk-abc***. You can find your API key at https://platform.example.com/account/api-keys, and rotate it there if it leaked.",
        "The access token has expired.\nObtain a new one from the token endpoint and retry the request with it.",
    ] {
        assert_eq!(outcome_of(text), Outcome::Auth, "{text}");
    }
    assert_eq!(
        outcome_of("Token expiry is configurable per client; the default lifetime of an access token is one hour, and refresh tokens last thirty days."),
        Outcome::Ok
    );
}

#[test]
fn a_kubernetes_status_of_failure_is_a_failure_and_its_success_form_is_not() {
    let unauthorized = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#;
    assert_eq!(outcome_of(unauthorized), Outcome::Auth);
    let unavailable = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server is currently unable to handle the request","reason":"ServiceUnavailable","code":503}"#;
    assert!(outcome_of(unavailable).is_hard_failure(), "{unavailable}");
    let deleted = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"web-1","kind":"pods"}}"#;
    assert_eq!(outcome_of(deleted), Outcome::Ok);
    // A resource whose own status is a word is data.
    let pod = r#"{"kind":"Pod","metadata":{"name":"web-1"},"status":{"phase":"Failed","reason":"Evicted"}}"#;
    assert_eq!(outcome_of(pod), Outcome::Ok);
}

#[test]
fn a_feign_client_exception_in_text_is_a_failure_of_its_status() {
    let unauthorized = "feign.FeignException$Unauthorized: [401 Unauthorized] during [GET] to [http://ledger/api/balance] [LedgerClient#balance(String)]: [{\"error\":\"invalid_token\"}]";
    assert_eq!(outcome_of(unauthorized), Outcome::Auth);
    let internal = "feign.FeignException$InternalServerError: [500 Internal Server Error] during [GET] to [http://ledger/api/invoices] [LedgerClient#invoices()]: []";
    assert!(outcome_of(internal).is_hard_failure(), "{internal}");
}

#[test]
fn empty_pages_of_other_apis_are_empty_whatever_metadata_they_carry() {
    for text in [
        r#"{"ok":true,"items":[],"response_metadata":{"next_cursor":""}}"#,
        r#"{"took":5,"timed_out":false,"_shards":{"total":1},"hits":{"total":{"value":0},"hits":[]}}"#,
        r#"{"data":[],"links":{"self":"/orders?page=1"},"meta":{"total":0}}"#,
    ] {
        assert_eq!(outcome_of_data_tool(text), Outcome::Empty, "{text}");
    }
    // The same envelopes with something in them are data.
    for text in [
        r#"{"ok":true,"items":[{"id":1}],"response_metadata":{"next_cursor":"x"}}"#,
        r#"{"took":5,"timed_out":false,"hits":{"total":{"value":1},"hits":[{"_id":"a"}]}}"#,
    ] {
        assert_eq!(outcome_of_data_tool(text), Outcome::Ok, "{text}");
    }
}

#[test]
fn a_jwt_that_could_not_be_verified_is_auth_in_the_result_and_in_an_exception_quoting_it() {
    let hasura = r#"{"errors":[{"extensions":{"path":"$","code":"invalid-jwt"},"message":"Could not verify JWT: JWTExpired"}]}"#;
    assert_eq!(outcome_of(hasura), Outcome::Auth);
    for message in [
        hasura.to_string(),
        format!("The request to the API failed.\nThe server responded with: {hasura}"),
    ] {
        let verdict = Classifier::default().classify(&CallEvidence {
            status_error: true,
            exceptions: vec![message.as_str()],
            error_type: Some("RefreshError"),
            ..Default::default()
        });
        assert_eq!(verdict.outcome, Outcome::Auth, "{message}");
    }
    let rules = Ruleset::builtin();
    assert_eq!(rules.class_of_text("token_expired"), Some(Outcome::Auth));
    assert_eq!(
        rules.class_of_text("Could not verify JWT: JWTExpired"),
        Some(Outcome::Auth)
    );
    // Verifying something else is not about a credential.
    assert_eq!(rules.class_of_text("could not verify the address"), None);
}

#[test]
fn an_mcp_error_whose_text_is_the_services_error_body_takes_the_bodys_class() {
    let twilio = r#"{"content": [{"type": "text", "text": "{\"code\":20003,\"message\":\"Authenticate\",\"more_info\":\"https://www.twilio.com/docs/errors/20003\",\"status\":401}"}], "isError": true}"#;
    assert_eq!(outcome_of(twilio), Outcome::Auth);
    let busy = r#"{"content": [{"type": "text", "text": "{\"status\": 503, \"message\": \"try later\"}"}], "isError": true}"#;
    assert_eq!(outcome_of(busy), Outcome::ServerError);
    // An MCP error in plain words keeps its words' class.
    let plain = r#"{"content": [{"type": "text", "text": "Connection refused"}], "isError": true}"#;
    assert_eq!(outcome_of(plain), Outcome::Network);
}

#[test]
fn a_bad_request_whose_reason_is_a_refused_credential_is_auth() {
    let firebase = r#"{"error":{"code":400,"message":"TOKEN_EXPIRED","errors":[{"message":"TOKEN_EXPIRED","domain":"global","reason":"invalid"}]}}"#;
    assert_eq!(outcome_of(firebase), Outcome::Auth);
    // A 400 about the request itself stays a bad request.
    for bad in [
        r#"{"error":{"code":400,"message":"INVALID_EMAIL"}}"#,
        r#"{"error":{"code":400,"message":"Missing required field: token_name"}}"#,
        r#"{"status":400,"detail":"date must be ISO 8601"}"#,
    ] {
        assert_eq!(outcome_of(bad), Outcome::BadRequest, "{bad}");
    }
}
