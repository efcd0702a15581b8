//! `batch`: groups data into larger requests, by item count and bytes, with a timeout.
//!
//! Options (the Collector's names, plus a byte trigger):
//! - `send_batch_size` (default 8192): send once this many spans or log records are pending;
//! - `send_batch_max_size` (default 0, no limit): split larger batches into pieces of at most
//!   this many items; must be 0 or at least `send_batch_size`;
//! - `send_batch_max_bytes` (default `4MiB`): send once the pending encoded size reaches this,
//!   since agent spans are large and item counts alone say little;
//! - `timeout` (default `50ms`): send whatever is pending this long after its first item
//!   arrived; `0s` sends every batch at once. Lower than the Collector's 200ms: agent spans are
//!   large and few, so batches fill by bytes quickly, and the wait is most of the latency
//!   spotter adds.
//!
//! It never drops data: `shutdown` sends everything still pending.

use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans};
use serde::Deserialize;

use super::Processor;
use crate::config::{ByteSize, DurationStr};
use crate::pipeline::{Batch, Payload, Signal};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub send_batch_size: usize,
    pub send_batch_max_size: usize,
    pub send_batch_max_bytes: ByteSize,
    pub timeout: DurationStr,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            send_batch_size: 8192,
            send_batch_max_size: 0,
            send_batch_max_bytes: ByteSize(4 << 20),
            timeout: DurationStr(Duration::from_millis(50)),
        }
    }
}

#[derive(Default)]
struct Pending {
    batch: Option<Batch>,
    items: usize,
    bytes: usize,
    deadline: Option<Instant>,
}

pub struct BatchProcessor {
    id: String,
    config: Config,
    traces: Pending,
    logs: Pending,
}

impl BatchProcessor {
    pub fn new(id: &str, config: Config) -> Self {
        BatchProcessor {
            id: id.to_string(),
            config,
            traces: Pending::default(),
            logs: Pending::default(),
        }
    }

    fn flush_pending(pending: &mut Pending, max: usize, out: &mut Vec<Batch>) {
        if let Some(batch) = pending.batch.take() {
            split_into(batch, max, out);
        }
        pending.items = 0;
        pending.bytes = 0;
        pending.deadline = None;
    }
}

impl Processor for BatchProcessor {
    fn id(&self) -> &str {
        &self.id
    }

    fn process(&mut self, batch: Batch, now: Instant, out: &mut Vec<Batch>) {
        let max = self.config.send_batch_max_size;
        if self.config.timeout.0.is_zero() {
            split_into(batch, max, out);
            return;
        }
        let items = batch.items();
        let bytes = batch.encoded_len();
        let pending = match batch.signal() {
            Signal::Traces => &mut self.traces,
            Signal::Logs => &mut self.logs,
        };
        match &mut pending.batch {
            None => {
                pending.deadline = Some(now + self.config.timeout.0);
                let mut batch = batch;
                batch.size_hint = bytes;
                pending.batch = Some(batch);
            }
            Some(held) => held.append(batch),
        }
        pending.items += items;
        pending.bytes += bytes;
        if pending.items >= self.config.send_batch_size
            || pending.bytes as u64 >= self.config.send_batch_max_bytes.0
        {
            Self::flush_pending(pending, max, out);
        }
    }

    fn next_deadline(&self) -> Option<Instant> {
        match (self.traces.deadline, self.logs.deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn on_tick(&mut self, now: Instant, out: &mut Vec<Batch>) {
        let max = self.config.send_batch_max_size;
        for pending in [&mut self.traces, &mut self.logs] {
            if pending.deadline.is_some_and(|d| d <= now) {
                Self::flush_pending(pending, max, out);
            }
        }
    }

    fn shutdown(&mut self, out: &mut Vec<Batch>) {
        let max = self.config.send_batch_max_size;
        Self::flush_pending(&mut self.traces, max, out);
        Self::flush_pending(&mut self.logs, max, out);
    }
}

/// Push `batch` to `out`, split into pieces of at most `max` items when `max > 0`.
fn split_into(mut batch: Batch, max: usize, out: &mut Vec<Batch>) {
    if max == 0 || batch.items() <= max {
        out.push(batch);
        return;
    }
    let (items, bytes) = (batch.items().max(1), batch.size_hint);
    let received = batch.received;
    let tickets = std::mem::take(&mut batch.tickets);
    let pieces: Vec<Batch> = match batch.into_payload() {
        Payload::Traces(req) => split_traces(req, max)
            .into_iter()
            .map(|p| Batch::traces(p, received))
            .collect(),
        Payload::Logs(req) => split_logs(req, max)
            .into_iter()
            .map(|p| Batch::logs(p, received))
            .collect(),
    };
    for mut piece in pieces {
        piece.tickets = tickets.clone();
        piece.size_hint = bytes * piece.items() / items;
        out.push(piece);
    }
}

fn split_traces(req: ExportTraceServiceRequest, max: usize) -> Vec<ExportTraceServiceRequest> {
    let mut pieces = Vec::new();
    let mut current = ExportTraceServiceRequest::default();
    let mut count = 0;
    for rs in req.resource_spans {
        let mut rs_out = ResourceSpans {
            resource: rs.resource.clone(),
            scope_spans: Vec::new(),
            schema_url: rs.schema_url.clone(),
        };
        for ss in rs.scope_spans {
            let mut ss_out = ScopeSpans {
                scope: ss.scope.clone(),
                spans: Vec::new(),
                schema_url: ss.schema_url.clone(),
            };
            for span in ss.spans {
                ss_out.spans.push(span);
                count += 1;
                if count == max {
                    rs_out.scope_spans.push(std::mem::replace(
                        &mut ss_out,
                        ScopeSpans {
                            scope: ss.scope.clone(),
                            spans: Vec::new(),
                            schema_url: ss.schema_url.clone(),
                        },
                    ));
                    current.resource_spans.push(std::mem::replace(
                        &mut rs_out,
                        ResourceSpans {
                            resource: rs.resource.clone(),
                            scope_spans: Vec::new(),
                            schema_url: rs.schema_url.clone(),
                        },
                    ));
                    pieces.push(std::mem::take(&mut current));
                    count = 0;
                }
            }
            if !ss_out.spans.is_empty() {
                rs_out.scope_spans.push(ss_out);
            }
        }
        if !rs_out.scope_spans.is_empty() {
            current.resource_spans.push(rs_out);
        }
    }
    if !current.resource_spans.is_empty() {
        pieces.push(current);
    }
    pieces
}

fn split_logs(req: ExportLogsServiceRequest, max: usize) -> Vec<ExportLogsServiceRequest> {
    use opentelemetry_proto::tonic::logs::v1::{ResourceLogs, ScopeLogs};
    let mut pieces = Vec::new();
    let mut current = ExportLogsServiceRequest::default();
    let mut count = 0;
    for rl in req.resource_logs {
        for sl in rl.scope_logs {
            for record in sl.log_records {
                let needs_new_resource = current.resource_logs.last().is_none_or(|last| {
                    last.resource != rl.resource || last.schema_url != rl.schema_url
                });
                if needs_new_resource {
                    current.resource_logs.push(ResourceLogs {
                        resource: rl.resource.clone(),
                        scope_logs: Vec::new(),
                        schema_url: rl.schema_url.clone(),
                    });
                }
                let last_rl = current.resource_logs.last_mut().expect("pushed above");
                let needs_new_scope = last_rl
                    .scope_logs
                    .last()
                    .is_none_or(|last| last.scope != sl.scope || last.schema_url != sl.schema_url);
                if needs_new_scope {
                    last_rl.scope_logs.push(ScopeLogs {
                        scope: sl.scope.clone(),
                        log_records: Vec::new(),
                        schema_url: sl.schema_url.clone(),
                    });
                }
                last_rl
                    .scope_logs
                    .last_mut()
                    .expect("pushed above")
                    .log_records
                    .push(record);
                count += 1;
                if count == max {
                    pieces.push(std::mem::take(&mut current));
                    count = 0;
                }
            }
        }
    }
    if !current.resource_logs.is_empty() {
        pieces.push(current);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testing::trace_batch;

    fn processor(size: usize, max: usize, timeout_ms: u64) -> BatchProcessor {
        BatchProcessor::new(
            "batch",
            Config {
                send_batch_size: size,
                send_batch_max_size: max,
                timeout: DurationStr(Duration::from_millis(timeout_ms)),
                ..Config::default()
            },
        )
    }

    #[test]
    fn holds_until_size_reached() {
        let mut p = processor(10, 0, 1000);
        let now = Instant::now();
        let mut out = Vec::new();
        p.process(trace_batch(4, now), now, &mut out);
        assert!(out.is_empty());
        p.process(trace_batch(6, now), now, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].items(), 10);
        assert!(p.next_deadline().is_none());
    }

    #[test]
    fn timeout_releases_partial_batch() {
        let mut p = processor(100, 0, 200);
        let now = Instant::now();
        let mut out = Vec::new();
        p.process(trace_batch(3, now), now, &mut out);
        let deadline = p.next_deadline().expect("holding data");
        p.on_tick(deadline - Duration::from_millis(1), &mut out);
        assert!(out.is_empty());
        p.on_tick(deadline, &mut out);
        assert_eq!(out.iter().map(Batch::items).sum::<usize>(), 3);
    }

    #[test]
    fn max_size_splits_without_losing_spans() {
        let mut p = processor(5, 7, 1000);
        let now = Instant::now();
        let mut out = Vec::new();
        p.process(trace_batch(23, now), now, &mut out);
        let sizes: Vec<usize> = out.iter().map(Batch::items).collect();
        assert_eq!(sizes, vec![7, 7, 7, 2]);
    }

    #[test]
    fn shutdown_flushes_everything() {
        let mut p = processor(100, 0, 10_000);
        let now = Instant::now();
        let mut out = Vec::new();
        p.process(trace_batch(3, now), now, &mut out);
        p.process(trace_batch(2, now), now, &mut out);
        p.shutdown(&mut out);
        assert_eq!(out.iter().map(Batch::items).sum::<usize>(), 5);
    }
}
