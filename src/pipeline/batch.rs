//! The unit of work that flows through a pipeline.

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

use super::admission::Ticket;
use crate::processor::tool::result::ToolResultCache;

/// Which signal a pipeline carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signal {
    Traces,
    Logs,
}

impl Signal {
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Traces => "traces",
            Signal::Logs => "logs",
        }
    }
}

/// Decoded OTLP data of one signal.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    Traces(ExportTraceServiceRequest),
    Logs(ExportLogsServiceRequest),
}

/// A decoded batch on its way through a pipeline.
///
/// `received` is the arrival time of the oldest data in the batch, so exporters can measure the
/// latency spotter added, batching included.
///
/// `tool_results` is a side table of tool results already parsed by a processor of this
/// pipeline, keyed by trace and span id, so the tool processors parse each result once per batch
/// (see [`crate::processor::tool::result`]). It is a cache only: a processor that builds new
/// batches may start with an empty one, and nothing downstream depends on its content.
///
/// `tickets` hold the memory guard's admission for the data in the batch; they are merged, split
/// and cloned with it, and give their bytes back when the last batch holding them is dropped.
///
/// `wire` keeps the protobuf bodies the payload was decoded from, while nothing has changed it:
/// a repeated top-level field concatenates, so the bodies of merged requests, end to end, are the
/// encoding of the merged request, and a pass-through pipeline exports them without encoding
/// again. Every mutable access to the payload forgets them, so they can never go stale.
#[derive(Debug, Clone)]
pub struct Batch {
    payload: Payload,
    wire: Option<Vec<Bytes>>,
    pub received: Instant,
    pub tool_results: ToolResultCache,
    pub tickets: Vec<Arc<Ticket>>,
    /// The encoded size when known (the request body it was decoded from), so queues and the
    /// batch processor need not walk the whole message again; 0 when unknown.
    pub size_hint: usize,
}

impl Batch {
    pub fn traces(req: ExportTraceServiceRequest, received: Instant) -> Self {
        Batch {
            payload: Payload::Traces(req),
            wire: None,
            received,
            tool_results: ToolResultCache::default(),
            tickets: Vec::new(),
            size_hint: 0,
        }
    }

    pub fn logs(req: ExportLogsServiceRequest, received: Instant) -> Self {
        Batch {
            payload: Payload::Logs(req),
            wire: None,
            received,
            tool_results: ToolResultCache::default(),
            tickets: Vec::new(),
            size_hint: 0,
        }
    }

    pub fn signal(&self) -> Signal {
        match self.payload {
            Payload::Traces(_) => Signal::Traces,
            Payload::Logs(_) => Signal::Logs,
        }
    }

    /// Spans or log records in the batch.
    pub fn items(&self) -> usize {
        match &self.payload {
            Payload::Traces(r) => r
                .resource_spans
                .iter()
                .flat_map(|rs| &rs.scope_spans)
                .map(|ss| ss.spans.len())
                .sum(),
            Payload::Logs(r) => r
                .resource_logs
                .iter()
                .flat_map(|rl| &rl.scope_logs)
                .map(|sl| sl.log_records.len())
                .sum(),
        }
    }

    /// Encoded protobuf size, the unit queues and batches are sized in: the size hint when
    /// there is one, else computed by walking the message.
    pub fn encoded_len(&self) -> usize {
        if self.size_hint > 0 {
            return self.size_hint;
        }
        match &self.payload {
            Payload::Traces(r) => r.encoded_len(),
            Payload::Logs(r) => r.encoded_len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match &self.payload {
            Payload::Traces(r) => r.resource_spans.is_empty(),
            Payload::Logs(r) => r.resource_logs.is_empty(),
        }
    }

    /// Take over the admission tickets of a batch merged into this one.
    pub fn absorb_tickets(&mut self, tickets: Vec<Arc<Ticket>>) {
        for t in tickets {
            if !self.tickets.iter().any(|h| Arc::ptr_eq(h, &t)) {
                self.tickets.push(t);
            }
        }
    }

    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    /// The payload to change; forgets the encoding it arrived in.
    pub fn payload_mut(&mut self) -> &mut Payload {
        self.wire = None;
        &mut self.payload
    }

    pub fn into_payload(self) -> Payload {
        self.payload
    }

    /// The payload to change and the parsed tool results beside it; forgets the encoding.
    pub fn parts_mut(&mut self) -> (&mut Payload, &mut ToolResultCache) {
        self.wire = None;
        (&mut self.payload, &mut self.tool_results)
    }

    /// The trace request to change, if this batch carries traces; forgets the encoding.
    pub fn traces_mut(&mut self) -> Option<&mut ExportTraceServiceRequest> {
        match self.payload_mut() {
            Payload::Traces(r) => Some(r),
            Payload::Logs(_) => None,
        }
    }

    /// Record the protobuf body the payload was decoded from, unchanged. The caller vouches that
    /// `body` decodes to exactly the payload.
    pub fn keep_wire(&mut self, body: Bytes) {
        self.size_hint = body.len();
        self.wire = Some(vec![body]);
    }

    /// Whether the original protobuf bodies are still at hand.
    pub fn has_wire(&self) -> bool {
        self.wire.is_some()
    }

    /// Move the data of `other` (same signal) to the end of this batch: payload, admission
    /// tickets, and the encoding when both still have theirs.
    pub fn append(&mut self, other: Batch) {
        let bytes = other.encoded_len();
        self.size_hint = self.encoded_len() + bytes;
        self.received = self.received.min(other.received);
        self.absorb_tickets(other.tickets);
        match (&mut self.wire, other.wire) {
            (Some(mine), Some(theirs)) => mine.extend(theirs),
            (wire, _) => *wire = None,
        }
        match (&mut self.payload, other.payload) {
            (Payload::Traces(a), Payload::Traces(b)) => a.resource_spans.extend(b.resource_spans),
            (Payload::Logs(a), Payload::Logs(b)) => a.resource_logs.extend(b.resource_logs),
            _ => unreachable!("batches are only appended to batches of their own signal"),
        }
    }

    /// The OTLP protobuf encoding of the payload: the original bodies joined when the payload
    /// is unchanged, else a fresh encoding.
    pub fn to_protobuf(&self) -> Vec<u8> {
        if let Some(chunks) = &self.wire {
            let mut out = Vec::with_capacity(chunks.iter().map(Bytes::len).sum());
            for c in chunks {
                out.extend_from_slice(c);
            }
            return out;
        }
        match &self.payload {
            Payload::Traces(r) => r.encode_to_vec(),
            Payload::Logs(r) => r.encode_to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testing::trace_request;

    fn received(n: usize, now: Instant) -> Batch {
        let req = trace_request(n);
        let body = Bytes::from(req.encode_to_vec());
        let mut b = Batch::traces(req, now);
        b.keep_wire(body);
        b
    }

    #[test]
    fn appended_bodies_are_the_encoding_of_the_merged_payload() {
        let now = Instant::now();
        let mut a = received(3, now);
        a.append(received(2, now));
        assert!(a.has_wire());
        assert_eq!(a.items(), 5);
        let Payload::Traces(req) = a.payload() else {
            unreachable!()
        };
        assert_eq!(a.to_protobuf(), req.encode_to_vec());
        assert_eq!(a.encoded_len(), req.encoded_len());
    }

    #[test]
    fn changing_the_payload_forgets_the_original_body() {
        let now = Instant::now();
        let mut a = received(2, now);
        let req = a.traces_mut().unwrap();
        req.resource_spans[0].scope_spans[0].spans[0].name = "renamed".into();
        assert!(!a.has_wire());
        let Payload::Traces(req) = a.payload() else {
            unreachable!()
        };
        assert_eq!(a.to_protobuf(), req.encode_to_vec());
        let decoded = ExportTraceServiceRequest::decode(a.to_protobuf().as_slice()).unwrap();
        assert_eq!(
            decoded.resource_spans[0].scope_spans[0].spans[0].name,
            "renamed"
        );
    }

    #[test]
    fn appending_a_changed_batch_forgets_the_bodies() {
        let now = Instant::now();
        let mut a = received(2, now);
        let mut b = received(2, now);
        b.payload_mut();
        a.append(b);
        assert!(!a.has_wire());
        let mut c = Batch::traces(trace_request(1), now);
        c.append(received(1, now));
        assert!(!c.has_wire());
    }
}
