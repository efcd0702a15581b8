//! OTLP receivers. The transports are thin: [`otlp_grpc`] and [`otlp_http`] only frame, limit and
//! answer; both call [`ingest`], which decodes once, checks spans, and submits the batch to the
//! shared pipeline [`Intake`].

pub mod decode;
pub mod otlp_grpc;
pub mod otlp_http;
pub mod wire;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsPartialSuccess, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceResponse,
};
use prost::Message;

pub use decode::{DecodeError, Format};

use crate::extension::file_storage::Replayed;
use crate::pipeline::{footprint, Batch, Intake, Signal, SubmitError, Ticket};
use crate::telemetry::events;

/// What a reload replaces in a running receiver listener.
pub enum Swap {
    Grpc(otlp_grpc::Swap),
    Http(otlp_http::Swap),
}

impl Swap {
    /// Point the listener `key` at `intake`, with the options of `receiver` when the key is one
    /// of its protocols.
    pub fn update(&self, key: &str, receiver: &crate::config::ReceiverConfig, intake: Intake) {
        let prefix = format!("receivers.{}.protocols.", receiver.id);
        let Some(proto) = key.strip_prefix(&prefix) else {
            return;
        };
        match (self, proto) {
            (Swap::Grpc(s), "grpc") => {
                if let Some(g) = &receiver.grpc {
                    s.update(&receiver.id, g, receiver.auth.clone(), intake);
                }
            }
            (Swap::Http(s), "http") => {
                if let Some(h) = &receiver.http {
                    s.update(&receiver.id, h, receiver.auth.clone(), intake);
                }
            }
            _ => {}
        }
    }
}

/// Why a request was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error(transparent)]
    Submit(#[from] SubmitError),
}

/// An accepted request: how many items were rejected individually, and why.
#[derive(Debug, Default)]
pub struct Accepted {
    pub rejected: i64,
    pub message: String,
}

impl Accepted {
    /// The OTLP response for this outcome, in the request's format.
    pub fn response(&self, signal: Signal, format: Format) -> Bytes {
        let partial = self.rejected > 0 || !self.message.is_empty();
        match signal {
            Signal::Traces => {
                let resp = ExportTraceServiceResponse {
                    partial_success: partial.then(|| ExportTracePartialSuccess {
                        rejected_spans: self.rejected,
                        error_message: self.message.clone(),
                    }),
                };
                match format {
                    Format::Protobuf => Bytes::from(resp.encode_to_vec()),
                    Format::Json => self.json("rejectedSpans"),
                }
            }
            Signal::Logs => {
                let resp = ExportLogsServiceResponse {
                    partial_success: partial.then(|| ExportLogsPartialSuccess {
                        rejected_log_records: self.rejected,
                        error_message: self.message.clone(),
                    }),
                };
                match format {
                    Format::Protobuf => Bytes::from(resp.encode_to_vec()),
                    Format::Json => self.json("rejectedLogRecords"),
                }
            }
        }
    }

    /// OTLP/JSON response: `{}` on full success, else `partialSuccess` with the count as a
    /// string (int64 in OTLP/JSON).
    fn json(&self, count_key: &str) -> Bytes {
        if self.rejected == 0 && self.message.is_empty() {
            return Bytes::from_static(b"{}");
        }
        let body = serde_json::json!({
            "partialSuccess": {
                count_key: self.rejected.to_string(),
                "errorMessage": self.message,
            }
        });
        Bytes::from(serde_json::to_vec(&body).unwrap_or_default())
    }
}

/// Decode an (already decompressed) body and hand it to the pipelines: admit it into the memory
/// budget, decode, check and limit spans, write it ahead to the log when `file_storage` is on,
/// and submit it. Only after all of that is the request acknowledged. `admitted` is the ticket
/// a transport that counts bytes as it reads them already holds; it is grown to the body's
/// decompressed size, or the request refused when that does not fit.
pub async fn ingest(
    intake: &Intake,
    receiver: &str,
    transport: &'static str,
    signal: Signal,
    format: Format,
    body: Bytes,
    admitted: Option<Ticket>,
) -> Result<Accepted, IngestError> {
    let received = Instant::now();
    let body_len = body.len();
    let admitted = match admitted {
        Some(t) if t.try_grow(body_len.saturating_sub(t.bytes())) => Ok(t),
        Some(_) => Err(SubmitError::Overloaded {
            retry_after: crate::pipeline::RETRY_AFTER,
        }),
        None => intake.admit(body_len),
    };
    let mut ticket = match admitted {
        Ok(t) => t,
        Err(e) => {
            events::receiver_request(receiver, transport, "refused");
            return Err(e.into());
        }
    };
    // A protobuf body that needs no repair stays encoded: processors that read spans decode it
    // on demand, and a pass-through pipeline forwards it as it came.
    let scanned = match format {
        Format::Protobuf => wire::scan(signal, &body, &intake.limits).filter(|s| !s.needs_repair),
        Format::Json => None,
    };
    let (mut batch, mut rejected, limited) = match scanned {
        Some(scan) => (
            Batch::encoded(signal, body.clone(), scan.items, received),
            decode::Rejected::default(),
            decode::Limited::default(),
        ),
        None => {
            let mut batch = match decode::decode(signal, format, &body, received) {
                Ok(b) => b,
                Err(e) => {
                    events::receiver_request(receiver, transport, "invalid");
                    return Err(e.into());
                }
            };
            // Admitted by its encoded size; decoded, it takes more.
            ticket.grow(footprint::of(batch.payload()).saturating_sub(body_len));
            let rejected = decode::reject_invalid_spans(&mut batch);
            let limited = decode::apply_limits(&mut batch, &intake.limits);
            if format == Format::Protobuf
                && rejected.count == 0
                && limited.truncated_values == 0
                && limited.dropped_attributes == 0
            {
                // Nothing was cut or dropped, so the body is still the exact encoding.
                batch.keep_wire(body.clone());
            }
            (batch, rejected, limited)
        }
    };
    if limited.truncated_values > 0 {
        events::receiver_truncated(receiver, limited.truncated_values);
    }
    if limited.dropped_attributes > 0 {
        events::receiver_dropped_attributes(receiver, limited.dropped_attributes);
    }
    if limited.spans_over_cap > 0 {
        rejected.count += limited.spans_over_cap;
        if rejected.message.is_empty() {
            rejected.message = format!(
                "{} span(s) rejected: more than {} spans in one request",
                limited.spans_over_cap, intake.limits.max_spans_per_request
            );
        }
    }
    if rejected.count > 0 {
        events::receiver_refused(receiver, transport, signal, rejected.count as usize);
    }
    let items = batch.items();
    if items == 0 {
        events::receiver_request(receiver, transport, "ok");
        return Ok(Accepted {
            rejected: rejected.count,
            message: rejected.message,
        });
    }
    if let Some(wal) = intake.wal.clone() {
        let id = receiver.to_string();
        let json = format == Format::Json;
        let record = body.clone();
        let appended =
            tokio::task::spawn_blocking(move || wal.append(&id, signal, json, &record)).await;
        match appended {
            Ok(Ok(entry)) => ticket.wal = Some(Arc::new(entry)),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "write-ahead log refused a request");
                events::receiver_refused(receiver, transport, signal, items);
                events::receiver_request(receiver, transport, "refused");
                return Err(SubmitError::Overloaded {
                    retry_after: crate::pipeline::RETRY_AFTER,
                }
                .into());
            }
            Err(e) => {
                tracing::error!(error = %e, "write-ahead log task failed");
                return Err(SubmitError::ShuttingDown.into());
            }
        }
    }
    batch.tickets.push(Arc::new(ticket));
    match intake.submit(batch) {
        Ok(()) => {
            events::receiver_accepted(receiver, transport, signal, items);
            events::receiver_request(receiver, transport, "ok");
            Ok(Accepted {
                rejected: rejected.count,
                message: rejected.message,
            })
        }
        Err(e) => {
            events::receiver_refused(receiver, transport, signal, items);
            let outcome = match e {
                SubmitError::Overloaded { .. } => "refused",
                _ => "unavailable",
            };
            events::receiver_request(receiver, transport, outcome);
            Err(e.into())
        }
    }
}

/// Submit what the write-ahead log kept from before a restart, through the same checks as new
/// data. Records of a receiver that no longer exists go to any receiver taking their signal.
pub async fn replay(intakes: BTreeMap<String, Intake>, records: Vec<Replayed>) {
    let mut replayed = 0usize;
    for r in records {
        let intake = intakes
            .get(&r.receiver)
            .filter(|i| i.accepts(r.signal))
            .or_else(|| intakes.values().find(|i| i.accepts(r.signal)));
        let Some(intake) = intake else {
            tracing::warn!(receiver = %r.receiver, "no receiver takes replayed {} data; kept for a later start", r.signal.as_str());
            std::mem::forget(r.entry);
            continue;
        };
        let format = if r.json {
            Format::Json
        } else {
            Format::Protobuf
        };
        let mut batch = match decode::decode(r.signal, format, &r.payload, Instant::now()) {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "replayed record does not decode, dropped");
                continue;
            }
        };
        let mut ticket = intake.force_admit(r.payload.len());
        ticket.grow(footprint::of(batch.payload()).saturating_sub(r.payload.len()));
        decode::reject_invalid_spans(&mut batch);
        decode::apply_limits(&mut batch, &intake.limits);
        ticket.wal = Some(Arc::new(r.entry));
        batch.tickets.push(Arc::new(ticket));
        if intake.submit_waiting(batch).await.is_err() {
            break;
        }
        replayed += 1;
    }
    tracing::info!(replayed, "write-ahead log replay done");
}
