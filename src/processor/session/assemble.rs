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

    /// The rebuilt batch, if any span was pushed.
    pub fn finish(self) -> Option<Batch> {
        let received = self.received?;
        let mut tickets: Vec<Arc<Ticket>> = Vec::new();
        for (origin, _) in &self.groups {
            for t in &origin.tickets {
                if !tickets.iter().any(|h| Arc::ptr_eq(h, t)) {
                    tickets.push(t.clone());
                }
            }
        }
        let resource_spans = self
            .groups
            .into_iter()
            .map(|(origin, spans)| ResourceSpans {
                resource: origin.resource.clone(),
                scope_spans: vec![ScopeSpans {
                    scope: origin.scope.clone(),
                    spans,
                    schema_url: origin.scope_schema_url.clone(),
                }],
                schema_url: origin.resource_schema_url.clone(),
            })
            .collect();
        let mut batch = Batch::traces(ExportTraceServiceRequest { resource_spans }, received);
        batch.tickets = tickets;
        Some(batch)
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
