//! The unit of work that flows through a pipeline.

use std::sync::Arc;
use std::time::Instant;

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
#[derive(Debug, Clone)]
pub struct Batch {
    pub payload: Payload,
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
            received,
            tool_results: ToolResultCache::default(),
            tickets: Vec::new(),
            size_hint: 0,
        }
    }

    pub fn logs(req: ExportLogsServiceRequest, received: Instant) -> Self {
        Batch {
            payload: Payload::Logs(req),
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

    /// The trace request, if this batch carries traces.
    pub fn traces_mut(&mut self) -> Option<&mut ExportTraceServiceRequest> {
        match &mut self.payload {
            Payload::Traces(r) => Some(r),
            Payload::Logs(_) => None,
        }
    }
}
