//! Taking requests apart into held spans and putting released spans back into requests.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

use crate::pipeline::{Batch, Ticket};

/// The resource and scope a span came with, shared by the spans of one `ScopeSpans`.
#[derive(Debug)]
pub(super) struct Origin {
    pub resource: Option<Resource>,
    pub resource_schema_url: String,
    pub scope: Option<InstrumentationScope>,
    pub scope_schema_url: String,
    /// The memory guard's admission for the request these spans came in, kept while any of
    /// them is held so held spans stay counted.
    pub tickets: Vec<Arc<Ticket>>,
}

/// A span held back, with where it came from.
#[derive(Debug)]
pub(super) struct HeldSpan {
    pub origin: Arc<Origin>,
    pub span: Span,
}

/// Collects released spans and rebuilds one request, one `ResourceSpans` per origin.
#[derive(Default)]
pub(super) struct Assembler {
    groups: Vec<(Arc<Origin>, Vec<Span>)>,
    index: HashMap<*const Origin, usize>,
    received: Option<Instant>,
}

impl Assembler {
    pub fn push(&mut self, origin: &Arc<Origin>, span: Span, received: Instant) {
        self.received = Some(self.received.map_or(received, |r| r.min(received)));
        let ptr = Arc::as_ptr(origin);
        let i = *self.index.entry(ptr).or_insert_with(|| {
            self.groups.push((Arc::clone(origin), Vec::new()));
            self.groups.len() - 1
        });
        self.groups[i].1.push(span);
    }

    /// The rebuilt batches, none if no span was pushed: at most [`MAX_RELEASE_SPANS`] spans
    /// each, so a release of many held traces at once (a tick after a busy spell, shedding)
    /// passes the later processors in parts whose transient memory (parsed tool results) is
    /// bounded.
    pub fn finish(self) -> Vec<Batch> {
        let Some(received) = self.received else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut part = Part::default();
        for (origin, spans) in self.groups {
            let mut spans = spans.into_iter().peekable();
            while spans.peek().is_some() {
                let room = MAX_RELEASE_SPANS - part.spans;
                let chunk: Vec<Span> = spans.by_ref().take(room).collect();
                part.push(&origin, chunk);
                if part.spans == MAX_RELEASE_SPANS {
                    out.push(std::mem::take(&mut part).finish(received));
                }
            }
        }
        if part.spans > 0 {
            out.push(part.finish(received));
        }
        out
    }
}

/// Spans in one batch the session processor releases; larger releases are cut into several.
pub(super) const MAX_RELEASE_SPANS: usize = 256;

/// One released batch being rebuilt.
#[derive(Default)]
struct Part {
    resource_spans: Vec<ResourceSpans>,
    tickets: Vec<Arc<Ticket>>,
    spans: usize,
}

impl Part {
    fn push(&mut self, origin: &Origin, spans: Vec<Span>) {
        for t in &origin.tickets {
            if !self.tickets.iter().any(|h| Arc::ptr_eq(h, t)) {
                self.tickets.push(t.clone());
            }
        }
        self.spans += spans.len();
        self.resource_spans.push(ResourceSpans {
            resource: origin.resource.clone(),
            scope_spans: vec![ScopeSpans {
                scope: origin.scope.clone(),
                spans,
                schema_url: origin.scope_schema_url.clone(),
            }],
            schema_url: origin.resource_schema_url.clone(),
        });
    }

    fn finish(self, received: Instant) -> Batch {
        let resource_spans = self.resource_spans;
        let mut batch = Batch::traces(ExportTraceServiceRequest { resource_spans }, received);
        batch.tickets = self.tickets;
        batch
    }
}

/// A trace id as a fixed-size key; ids of another length are cut or zero-padded.
pub(super) type TraceKey = [u8; 16];

pub(super) fn trace_key(id: &[u8]) -> TraceKey {
    let mut key = [0u8; 16];
    let n = id.len().min(16);
    key[..n].copy_from_slice(&id[..n]);
    key
}

pub(super) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extension::memory_limiter::MemoryGuard;

    fn origin(name: &str, guard: &Arc<MemoryGuard>) -> Arc<Origin> {
        Arc::new(Origin {
            resource: None,
            resource_schema_url: name.to_string(),
            scope: None,
            scope_schema_url: String::new(),
            tickets: vec![Arc::new(guard.admit(10).unwrap())],
        })
    }

    #[test]
    fn a_large_release_is_cut_into_bounded_batches_keeping_order_and_tickets() {
        let guard = MemoryGuard::new(1 << 20);
        let (a, b) = (origin("a", &guard), origin("b", &guard));
        let now = Instant::now();
        let mut assembler = Assembler::default();
        let total = 2 * MAX_RELEASE_SPANS + 88;
        for i in 0..total {
            let span = Span {
                name: i.to_string(),
                ..Default::default()
            };
            assembler.push(if i < 300 { &a } else { &b }, span, now);
        }
        let batches = assembler.finish();
        let sizes: Vec<usize> = batches.iter().map(Batch::items).collect();
        assert_eq!(sizes, vec![MAX_RELEASE_SPANS, MAX_RELEASE_SPANS, 88]);
        let names: Vec<String> = batches
            .iter()
            .flat_map(|b| match b.payload() {
                crate::pipeline::Payload::Traces(r) => r.resource_spans.clone(),
                crate::pipeline::Payload::Logs(_) => unreachable!(),
            })
            .flat_map(|rs| rs.scope_spans)
            .flat_map(|ss| ss.spans)
            .map(|s| s.name)
            .collect();
        let want: Vec<String> = (0..total).map(|i| i.to_string()).collect();
        assert_eq!(names, want, "every span once, in order");
        let tickets: Vec<usize> = batches.iter().map(|b| b.tickets.len()).collect();
        assert_eq!(
            tickets,
            vec![1, 2, 1],
            "each part holds the tickets of its spans"
        );
    }

    #[test]
    fn nothing_pushed_releases_nothing() {
        assert!(Assembler::default().finish().is_empty());
    }
}
