//! The unit of work that flows through a pipeline.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use bytes::Bytes;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

use super::Caches;
pub use crate::config::Signal;
use crate::extension::memory_limiter::Ticket;

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
/// `caches` holds work processors of this pipeline share within the batch, keyed by type (the
/// tool processors keep their parsed tool results there, so each result is parsed once per
/// batch). They are caches only: a processor that builds new batches may start with empty ones,
/// and nothing downstream depends on their content.
///
/// `tickets` hold the memory guard's admission for the data in the batch; they are merged, split
/// and cloned with it, and give their bytes back when the last batch holding them is dropped.
///
/// `wire` keeps the protobuf bodies the payload came from, while nothing has changed it: a
/// repeated top-level field concatenates, so the bodies of merged requests, end to end, are the
/// encoding of the merged request, and a pass-through pipeline exports them without encoding
/// again. A batch made from bodies is decoded only when something asks for its payload; every
/// mutable access forgets the bodies, so they never go stale.
#[derive(Debug, Clone)]
pub struct Batch {
    payload: OnceLock<Payload>,
    signal: Signal,
    wire: Option<Vec<Bytes>>,
    /// Items in `wire`, for a batch not decoded yet.
    wire_items: usize,
    pub received: Instant,
    pub caches: Caches,
    pub tickets: Vec<Arc<Ticket>>,
    /// The encoded size when known (the request body it was decoded from), so queues and the
    /// batch processor need not walk the whole message again; 0 when unknown.
    pub size_hint: usize,
}

impl Batch {
    pub fn traces(req: ExportTraceServiceRequest, received: Instant) -> Self {
        Self::decoded(Payload::Traces(req), received)
    }

    pub fn logs(req: ExportLogsServiceRequest, received: Instant) -> Self {
        Self::decoded(Payload::Logs(req), received)
    }

    fn decoded(payload: Payload, received: Instant) -> Self {
        let signal = match payload {
            Payload::Traces(_) => Signal::Traces,
            Payload::Logs(_) => Signal::Logs,
        };
        Batch {
            payload: OnceLock::from(payload),
            signal,
            wire: None,
            wire_items: 0,
            received,
            caches: Caches::default(),
            tickets: Vec::new(),
            size_hint: 0,
        }
    }

    /// A batch still in its protobuf encoding, decoded when first asked for. The caller vouches
    /// that `body` decodes as a request of `signal` holding `items` spans or records (see
    /// [`crate::receiver::wire::scan`]).
    pub fn encoded(signal: Signal, body: Bytes, items: usize, received: Instant) -> Self {
        Batch {
            payload: OnceLock::new(),
            signal,
            size_hint: body.len(),
            wire: Some(vec![body]),
            wire_items: items,
            received,
            caches: Caches::default(),
            tickets: Vec::new(),
        }
    }

    pub fn signal(&self) -> Signal {
        self.signal
    }

    /// Spans or log records in the batch.
    pub fn items(&self) -> usize {
        match self.payload.get() {
            None => self.wire_items,
            Some(Payload::Traces(r)) => r
                .resource_spans
                .iter()
                .flat_map(|rs| &rs.scope_spans)
                .map(|ss| ss.spans.len())
                .sum(),
            Some(Payload::Logs(r)) => r
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
        match self.payload() {
            Payload::Traces(r) => r.encoded_len(),
            Payload::Logs(r) => r.encoded_len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items() == 0
    }

    /// Take over the admission tickets of a batch merged into this one.
    fn absorb_tickets(&mut self, tickets: Vec<Arc<Ticket>>) {
        for t in tickets {
            if !self.tickets.iter().any(|h| Arc::ptr_eq(h, &t)) {
                self.tickets.push(t);
            }
        }
    }

    /// The decoded payload (decoding it now if it is still encoded).
    ///
    /// Decoding charges the memory guard for what the decoded spans take beyond their encoding.
    pub fn payload(&self) -> &Payload {
        self.payload.get_or_init(|| {
            let payload = decode_wire(self.signal, self.wire.as_deref().unwrap_or_default());
            if let Some(ticket) = self.tickets.first() {
                ticket.grow(super::footprint::of(&payload).saturating_sub(self.size_hint));
            }
            payload
        })
    }

    /// Whether the payload is still only encoded: nothing has read or changed it yet.
    pub fn is_encoded(&self) -> bool {
        self.payload.get().is_none()
    }

    /// The payload to change; forgets the encoding it arrived in.
    pub fn payload_mut(&mut self) -> &mut Payload {
        self.payload();
        self.wire = None;
        self.payload.get_mut().expect("decoded just above")
    }

    pub fn into_payload(mut self) -> Payload {
        self.payload();
        self.payload.take().expect("decoded just above")
    }

    /// The payload to change and the batch's caches beside it; forgets the encoding.
    pub fn parts_mut(&mut self) -> (&mut Payload, &mut Caches) {
        self.payload_mut();
        let payload = self.payload.get_mut().expect("decoded just above");
        (payload, &mut self.caches)
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
    #[cfg(test)]
    fn has_wire(&self) -> bool {
        self.wire.is_some()
    }

    /// Move the data of `other` (same signal) to the end of this batch: payload, admission
    /// tickets, and the encoding when both still have theirs.
    pub fn append(&mut self, mut other: Batch) {
        assert_eq!(
            self.signal, other.signal,
            "batches are only appended to batches of their own signal"
        );
        let bytes = other.encoded_len();
        self.size_hint = self.encoded_len() + bytes;
        // A merged batch is held (batching): parsed tool results would only take memory.
        self.caches = Default::default();
        self.received = self.received.min(other.received);
        self.absorb_tickets(std::mem::take(&mut other.tickets));
        let both_encoded = self.payload.get().is_none() && other.payload.get().is_none();
        if let (true, Some(mine), Some(theirs)) = (both_encoded, &mut self.wire, &mut other.wire) {
            // Neither was decoded: the merged batch stays encoded.
            mine.append(theirs);
            self.wire_items += other.wire_items;
            return;
        }
        // Cloning bodies only counts references.
        let their_wire = other.wire.clone();
        let theirs = other.into_payload();
        self.payload();
        let wire = match (self.wire.take(), their_wire) {
            (Some(mut mine), Some(theirs)) => {
                mine.extend(theirs);
                Some(mine)
            }
            _ => None,
        };
        match (self.payload_mut(), theirs) {
            (Payload::Traces(a), Payload::Traces(b)) => a.resource_spans.extend(b.resource_spans),
            (Payload::Logs(a), Payload::Logs(b)) => a.resource_logs.extend(b.resource_logs),
            _ => unreachable!("signals compared above"),
        }
        self.wire = wire;
    }

    /// The OTLP protobuf encoding of the payload: the original bodies joined when the payload
    /// is unchanged, else a fresh encoding.
    pub fn to_protobuf(&self) -> Vec<u8> {
        match &self.wire {
            Some(chunks) => chunks.concat(),
            None => self.encode(),
        }
    }

    /// The same encoding in pieces, to be sent one after the other: the original bodies (no
    /// copy) when the payload is unchanged, else one fresh encoding.
    pub fn protobuf_chunks(&self) -> Vec<Bytes> {
        match &self.wire {
            Some(chunks) => chunks.clone(),
            None => vec![Bytes::from(self.encode())],
        }
    }

    /// Write the protobuf encoding to `out`: the original bodies when the payload is
    /// unchanged, else a fresh encoding in pieces of about 64 KiB (see [`super::streamed`]).
    pub fn write_protobuf(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match &self.wire {
            Some(chunks) => chunks.iter().try_for_each(|c| out.write_all(c)),
            None => super::streamed::write_protobuf(self.payload(), out),
        }
    }

    fn encode(&self) -> Vec<u8> {
        match self.payload() {
            Payload::Traces(r) => r.encode_to_vec(),
            Payload::Logs(r) => r.encode_to_vec(),
        }
    }
}

/// Decode bodies that [`crate::receiver::wire::scan`] accepted. They decode by construction; if
/// one does not after all (a disagreement between the two decoders, which the `wire` fuzz
/// target looks for), it is logged and left out rather than taking the daemon down.
fn decode_wire(signal: Signal, chunks: &[Bytes]) -> Payload {
    fn each<M: Message + Default>(chunks: &[Bytes], mut add: impl FnMut(M)) {
        for chunk in chunks {
            match M::decode(chunk.clone()) {
                Ok(m) => add(m),
                Err(e) => {
                    tracing::error!(error = %e, bytes = chunk.len(), "a checked OTLP body did not decode; its data is left out of processing")
                }
            }
        }
    }
    match signal {
        Signal::Traces => {
            let mut all = ExportTraceServiceRequest::default();
            each(chunks, |r: ExportTraceServiceRequest| {
                all.resource_spans.extend(r.resource_spans)
            });
            Payload::Traces(all)
        }
        Signal::Logs => {
            let mut all = ExportLogsServiceRequest::default();
            each(chunks, |r: ExportLogsServiceRequest| {
                all.resource_logs.extend(r.resource_logs)
            });
            Payload::Logs(all)
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

    fn encoded(n: usize, now: Instant) -> Batch {
        let body = Bytes::from(trace_request(n).encode_to_vec());
        Batch::encoded(Signal::Traces, body, n, now)
    }

    #[test]
    fn an_encoded_batch_counts_merges_and_exports_without_decoding() {
        let now = Instant::now();
        let mut a = encoded(3, now);
        a.append(encoded(4, now));
        assert_eq!(a.items(), 7);
        assert!(a.payload.get().is_none(), "nothing asked for the spans yet");
        let expected = [
            trace_request(3).encode_to_vec(),
            trace_request(4).encode_to_vec(),
        ]
        .concat();
        assert_eq!(a.to_protobuf(), expected);
        assert_eq!(a.encoded_len(), expected.len());
    }

    #[test]
    fn an_encoded_batch_decodes_on_first_read_and_keeps_its_bodies_until_changed() {
        let now = Instant::now();
        let mut a = encoded(2, now);
        let Payload::Traces(req) = a.payload() else {
            unreachable!()
        };
        assert_eq!(req, &trace_request(2));
        assert!(a.has_wire());
        a.append(received(1, now));
        assert_eq!(a.items(), 3);
        assert!(a.has_wire(), "a read-only batch joined to an unchanged one");
        a.traces_mut().unwrap().resource_spans.clear();
        assert_eq!(a.items(), 0);
        assert!(!a.has_wire());
        assert_eq!(a.to_protobuf(), Vec::<u8>::new());
    }

    #[test]
    fn a_decoded_batch_takes_an_encoded_one_and_the_other_way_round() {
        let now = Instant::now();
        let mut a = Batch::traces(trace_request(2), now);
        a.append(encoded(3, now));
        assert_eq!(a.items(), 5);
        assert!(!a.has_wire());
        let mut b = encoded(3, now);
        b.append(Batch::traces(trace_request(2), now));
        assert_eq!(b.items(), 5);
        assert!(!b.has_wire());
        let Payload::Traces(req) = b.payload() else {
            unreachable!()
        };
        assert_eq!(req.resource_spans.len(), 2);
    }

    #[test]
    fn decoding_charges_the_memory_guard_for_the_decoded_size() {
        let guard = crate::extension::memory_limiter::MemoryGuard::new(1 << 30);
        let mut b = encoded(20, Instant::now());
        let encoded_len = b.encoded_len();
        b.tickets.push(Arc::new(guard.admit(encoded_len).unwrap()));
        assert_eq!(
            guard.in_flight(),
            encoded_len,
            "still encoded: charged as received"
        );
        let decoded = super::super::footprint::of(b.payload());
        assert_eq!(guard.in_flight(), decoded.max(encoded_len));
        assert!(decoded > encoded_len);
        drop(b);
        assert_eq!(guard.in_flight(), 0);
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
