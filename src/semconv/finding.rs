//! spotter's findings on one span, read back from the attributes the tool and cost processors
//! wrote, so that vendor profiles can show them in the vendor's own terms (a level and status
//! message in Langfuse, metadata in Phoenix).

use super::keys::spotter as keys;
use super::value;
use super::view::SpanView;

/// How bad a span's findings are, in the terms most backends share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something to look at on a call that itself worked (a loop, a saturated context).
    Warning,
    /// The call failed, or failed in a way the agent hid.
    Error,
}

/// One finding: its name (the `spotter.*` key's last part) and a sentence for people.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub name: &'static str,
    pub message: String,
    pub severity: Severity,
}

/// A flag set by a processor: present and not false.
fn flag(view: &SpanView<'_>, key: &str) -> bool {
    view.span_value(key)
        .is_some_and(|v| value::as_bool(v) != Some(false))
}

impl SpanView<'_> {
    /// The findings spotter's processors left on this span, most severe first.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        let tool = self.str_attr(super::keys::openinference::TOOL_NAME);
        let outcome = self.tool_outcome();
        if let Some(outcome) = outcome.filter(|o| *o != "ok") {
            let detail = self
                .span_value(keys::TOOL_ERROR_TYPE)
                .and_then(value::as_str)
                .map(|t| format!(" ({t})"))
                .unwrap_or_default();
            let name = self
                .tool()
                .map(|t| t.name.into_owned())
                .or(tool.map(str::to_string));
            out.push(Finding {
                name: "tool_outcome",
                message: match name {
                    Some(n) => format!("tool {n} failed: {outcome}{detail}"),
                    None => format!("tool call failed: {outcome}{detail}"),
                },
                severity: Severity::Error,
            });
        }
        if flag(self, keys::TOOL_SILENT_FAILURE) {
            out.push(Finding {
                name: "silent_failure",
                message: "silent failure: the turn went on as if this call had succeeded".into(),
                severity: Severity::Error,
            });
        }
        if flag(self, keys::AUTH_ROT) {
            out.push(Finding {
                name: "auth_rot",
                message: "auth rot: this tool authenticated before and now fails authentication"
                    .into(),
                severity: Severity::Error,
            });
        }
        if flag(self, keys::TOOL_SCHEMA_DRIFT) {
            let missing = self
                .tool_schema_missing()
                .map(|m| format!(" (missing {m})"))
                .unwrap_or_default();
            out.push(Finding {
                name: "schema_drift",
                message: format!("schema drift: the tool's result changed shape{missing}"),
                severity: Severity::Error,
            });
        }
        if flag(self, keys::LOOP) {
            out.push(Finding {
                name: "loop",
                message: "tool loop: the same call repeated in this session".into(),
                severity: Severity::Warning,
            });
        }
        if flag(self, keys::CONTEXT_TRUNCATION_SUSPECTED) {
            out.push(Finding {
                name: "context_truncation_suspected",
                message: "context truncation suspected: the input stopped growing near the window"
                    .into(),
                severity: Severity::Warning,
            });
        } else if flag(self, keys::CONTEXT_SATURATED) {
            out.push(Finding {
                name: "context_saturated",
                message: "context saturated: the input fills most of the model's window".into(),
                severity: Severity::Warning,
            });
        }
        if flag(self, keys::COST_UNPRICED) {
            out.push(Finding {
                name: "cost_unpriced",
                message: "unpriced: no price known for this model".into(),
                severity: Severity::Warning,
            });
        }
        out.sort_by_key(|f| std::cmp::Reverse(f.severity));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testing::kv;
    use opentelemetry_proto::tonic::common::v1::KeyValue;
    use opentelemetry_proto::tonic::trace::v1::Span;

    fn span(attrs: Vec<KeyValue>) -> Span {
        Span {
            name: "x".into(),
            attributes: attrs,
            ..Default::default()
        }
    }

    #[test]
    fn a_failed_tool_call_hidden_from_the_user_is_two_errors() {
        let s = span(vec![
            kv("gen_ai.operation.name", "execute_tool"),
            kv("gen_ai.tool.name", "search_docs"),
            kv("spotter.tool.outcome", "server_error"),
            kv("spotter.tool.error_type", "http_500"),
            kv("spotter.tool.silent_failure", "true"),
        ]);
        let f = SpanView::new(None, &s).findings();
        let names: Vec<&str> = f.iter().map(|f| f.name).collect();
        assert_eq!(names, ["tool_outcome", "silent_failure"]);
        assert_eq!(
            f[0].message,
            "tool search_docs failed: server_error (http_500)"
        );
        assert!(f.iter().all(|f| f.severity == Severity::Error));
    }

    #[test]
    fn a_clean_call_has_no_findings_and_a_loop_is_a_warning() {
        let clean = span(vec![kv("spotter.tool.outcome", "ok")]);
        assert!(SpanView::new(None, &clean).findings().is_empty());
        let looping = span(vec![
            kv("spotter.tool.outcome", "ok"),
            kv("spotter.loop", "true"),
        ]);
        let f = SpanView::new(None, &looping).findings();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
    }
}
