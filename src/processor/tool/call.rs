//! Reading one tool call off its span view: the parsed result (through the batch's cache), the
//! classifier's evidence, and the outcome other processors already wrote.

use std::sync::Arc;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;

use super::classifier::{CallEvidence, Classifier, Outcome, Verdict};
use super::result::{span_key, ParsedResult, ToolResultCache};
use crate::pipeline::{Batch, Payload};
use crate::semconv::{SpanView, ToolCall};

/// The parse of this tool span's result, shared through the batch cache.
pub fn parsed_result(
    view: &SpanView<'_>,
    call: &ToolCall<'_>,
    cache: &mut ToolResultCache,
) -> Option<Arc<ParsedResult>> {
    let text = call.result.as_deref()?;
    Some(cache.get_or_parse(span_key(view.trace_id(), view.span_id()), text))
}

/// The classifier's evidence from a span.
pub fn evidence<'a>(view: &SpanView<'a>, parsed: Option<&'a ParsedResult>) -> CallEvidence<'a> {
    CallEvidence {
        status_error: view.status_is_error(),
        status_message: view.status_message(),
        exceptions: view.exception_messages().collect(),
        error_type: view.error_type(),
        http_status: view.http_status_code(),
        tool: Some(view.tool_name()),
        result: parsed,
        schema_missing: view.tool_schema_missing(),
        usually_returns_data: false,
    }
}

/// The outcome of a tool call: what `tool_outcome` wrote, else the classifier's verdict.
pub fn outcome_of(
    view: &SpanView<'_>,
    parsed: Option<&ParsedResult>,
    classifier: &Classifier,
) -> (Outcome, Option<Verdict>) {
    if let Some(o) = view.tool_outcome().and_then(Outcome::parse) {
        return (o, None);
    }
    let ev = evidence(view, parsed);
    let verdict = classifier.classify(&ev);
    (verdict.outcome, Some(verdict))
}

/// Visit every span of a trace batch with its view, applying the edit the visitor returns.
pub fn edit_spans(
    batch: &mut Batch,
    mut visit: impl FnMut(&SpanView<'_>, &mut ToolResultCache) -> Option<super::edit::SpanEdit>,
) {
    let (payload, caches) = batch.parts_mut();
    let Payload::Traces(req) = payload else {
        return;
    };
    let tool_results = caches.get_or_default::<ToolResultCache>();
    edit_request(req, |view| visit(view, tool_results));
}

fn edit_request(
    req: &mut ExportTraceServiceRequest,
    mut visit: impl FnMut(&SpanView<'_>) -> Option<super::edit::SpanEdit>,
) {
    for rs in req.resource_spans.iter_mut() {
        let resource = rs.resource.as_ref();
        for ss in rs.scope_spans.iter_mut() {
            let scope = ss.scope.as_ref();
            for span in ss.spans.iter_mut() {
                let edit = {
                    let view = SpanView::new(resource, span).with_scope(scope);
                    visit(&view)
                };
                if let Some(edit) = edit {
                    edit.apply(span);
                }
            }
        }
    }
}

/// Span duration in seconds.
pub fn duration_seconds(view: &SpanView<'_>) -> Option<f64> {
    let s = view.span();
    (s.end_time_unix_nano > s.start_time_unix_nano)
        .then(|| (s.end_time_unix_nano - s.start_time_unix_nano) as f64 / 1e9)
}
