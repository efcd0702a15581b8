//! Failure evidence in an XML result: SOAP 1.1/1.2 faults and XML error documents.
//!
//! An XML result is a failure when its first element, below any SOAP `Envelope`/`Header`/`Body`
//! wrapper, is a `Fault`, `Error`, `ErrorResponse`, `Errors` or `err` element (any namespace
//! prefix, any case): `<soap:Fault><faultcode>..</faultcode><faultstring>..</faultstring>`,
//! `<env:Fault><env:Code><env:Value>..`, S3/AWS `<Error><Code>ExpiredToken</Code><Message>..`.
//! An XML document of data whose fields say `failed` or `404` (`<payment><status>failed`) is a
//! record, not a failure. Codes, messages and statuses come from the error element's children.

use std::sync::OnceLock;

use regex::Regex;

use super::FailureSignal;

fn start_tag() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"<(?:[\w.\-]+:)?([\w.\-]+)([^>]*)>").expect("xml tag regex"))
}

fn leaf() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)<(?:[\w.\-]+:)?(code|faultcode|value|errorcode|subcode|message|faultstring|text|msg|description|reason|detail|status|statuscode|httpstatus|httpstatuscode)\b[^>]*>\s*([^<]*?)\s*<")
            .expect("xml leaf regex")
    })
}

fn attribute() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?i)\b(code|msg|message|status)\s*=\s*"([^"]*)""#).expect("xml attr regex")
    })
}

const WRAPPERS: &[&str] = &["envelope", "header", "body"];
const ERROR_ELEMENTS: &[&str] = &["fault", "error", "errorresponse", "errors", "err"];

/// A failure stated by an XML document, if any.
pub fn failure_signal(xml: &str) -> Option<FailureSignal> {
    let mut in_header = false;
    let mut error_at = None;
    for cap in start_tag().captures_iter(xml) {
        let whole = cap.get(0)?;
        let name = cap.get(1)?.as_str().to_ascii_lowercase();
        let raw = whole.as_str();
        if raw.starts_with("<?") || raw.starts_with("<!") {
            continue;
        }
        if name == "header" {
            in_header = !raw.ends_with("/>");
            continue;
        }
        if in_header {
            continue;
        }
        if WRAPPERS.contains(&name.as_str()) {
            continue;
        }
        if ERROR_ELEMENTS.contains(&name.as_str()) {
            error_at = Some((whole.start(), cap.get(2).map_or("", |m| m.as_str())));
        }
        break;
    }
    let (start, attrs) = error_at?;
    let body = &xml[start..];
    let mut s = FailureSignal::default();
    for cap in attribute().captures_iter(attrs) {
        add(&mut s, &cap[1].to_ascii_lowercase(), &cap[2]);
    }
    for cap in leaf().captures_iter(body).take(16) {
        add(&mut s, &cap[1].to_ascii_lowercase(), &cap[2]);
    }
    if s.messages.is_empty() && s.codes.is_empty() {
        s.messages.push("XML fault".to_string());
    }
    Some(s)
}

fn add(s: &mut FailureSignal, field: &str, value: &str) {
    let v = value.trim();
    if v.is_empty() {
        return;
    }
    match field {
        "status" | "statuscode" | "httpstatus" | "httpstatuscode" | "code" | "errorcode" => {
            match v.parse::<i64>() {
                Ok(n) if (400..=599).contains(&n) => s.statuses.push(n),
                Ok(_) => {}
                Err(_) if field != "status" => s.codes.push(v.to_string()),
                Err(_) => {}
            }
        }
        "faultcode" | "value" | "subcode" => s.codes.push(v.to_string()),
        _ => s.messages.push(v.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soap_faults_and_xml_error_documents_are_failures() {
        let soap11 = r#"<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>Authentication failed: token expired</faultstring></soap:Fault></soap:Body></soap:Envelope>"#;
        let s = failure_signal(soap11).expect("soap 1.1 fault");
        assert!(s.messages.iter().any(|m| m.contains("token expired")));
        let soap12 = r#"<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Header/><env:Body><env:Fault><env:Code><env:Value>env:Receiver</env:Value></env:Code><env:Reason><env:Text xml:lang="en">Service unavailable</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>"#;
        assert!(failure_signal(soap12).is_some());
        let s3 = r#"<?xml version="1.0" encoding="UTF-8"?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>"#;
        let s = failure_signal(s3).expect("s3 error");
        assert_eq!(s.codes, vec!["ExpiredToken".to_string()]);
    }

    #[test]
    fn xml_data_with_failure_words_is_not_a_failure() {
        for xml in [
            r#"<?xml version="1.0"?><payment><id>p1</id><status>failed</status><code>card_declined</code></payment>"#,
            r#"<soap:Envelope><soap:Body><GetLinkResponse><status>404</status></GetLinkResponse></soap:Body></soap:Envelope>"#,
            r#"<rss><channel><title>Error handling news</title></channel></rss>"#,
        ] {
            assert!(failure_signal(xml).is_none(), "{xml}");
        }
    }
}
