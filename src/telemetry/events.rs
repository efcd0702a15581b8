//! Self-metrics: each internal event is one function that updates its metric in one place.
//!
//! Names follow the OpenTelemetry Collector's (`otelcol_*`), so existing dashboards work; the
//! Prometheus exporter adds `_total` to counters on scrape, as the Collector's does.

use metrics::{counter, gauge, histogram};

pub const RECEIVER_ACCEPTED_SPANS: &str = "otelcol_receiver_accepted_spans_total";
pub const RECEIVER_REFUSED_SPANS: &str = "otelcol_receiver_refused_spans_total";
pub const RECEIVER_ACCEPTED_LOGS: &str = "otelcol_receiver_accepted_log_records_total";
pub const RECEIVER_REFUSED_LOGS: &str = "otelcol_receiver_refused_log_records_total";
pub const RECEIVER_REQUESTS: &str = "otelcol_receiver_requests_total";
pub const PROCESSOR_INCOMING: &str = "otelcol_processor_incoming_items_total";
pub const PROCESSOR_OUTGOING: &str = "otelcol_processor_outgoing_items_total";
pub const EXPORTER_SENT_SPANS: &str = "otelcol_exporter_sent_spans_total";
pub const EXPORTER_SEND_FAILED_SPANS: &str = "otelcol_exporter_send_failed_spans_total";
pub const EXPORTER_ENQUEUE_FAILED_SPANS: &str = "otelcol_exporter_enqueue_failed_spans_total";
pub const EXPORTER_SENT_LOGS: &str = "otelcol_exporter_sent_log_records_total";
pub const EXPORTER_SEND_FAILED_LOGS: &str = "otelcol_exporter_send_failed_log_records_total";
pub const EXPORTER_ENQUEUE_FAILED_LOGS: &str = "otelcol_exporter_enqueue_failed_log_records_total";
pub const EXPORTER_QUEUE_SIZE: &str = "otelcol_exporter_queue_size";
pub const EXPORTER_QUEUE_SIZE_BYTES: &str = "otelcol_exporter_queue_size_bytes";
pub const EXPORTER_QUEUE_CAPACITY: &str = "otelcol_exporter_queue_capacity";
pub const EXPORTER_RETRIES: &str = "spotter_exporter_retries_total";
pub const EXPORTER_LATENCY: &str = "spotter_exporter_added_latency_seconds";
pub const RECEIVER_TRUNCATED: &str = "spotter_receiver_truncated_attributes_total";
pub const RECEIVER_DROPPED_ATTRIBUTES: &str = "spotter_receiver_dropped_attributes_total";
pub const LISTENER_ACCEPT_FAILURES: &str = "spotter_listener_accept_failures_total";
pub const LISTENER_EVICTED: &str = "spotter_listener_evicted_connections_total";
pub const CONFIG_RELOADS: &str = "spotter_config_reloads_total";
pub const PROCESS_UPTIME: &str = "otelcol_process_uptime_seconds_total";
pub const BUILD_INFO: &str = "spotter_build_info";

use super::Catalog;
use crate::config::Signal;

/// A receiver took `items` into the pipeline.
pub fn receiver_accepted(receiver: &str, transport: &'static str, signal: Signal, items: usize) {
    let name = match signal {
        Signal::Traces => RECEIVER_ACCEPTED_SPANS,
        Signal::Logs => RECEIVER_ACCEPTED_LOGS,
    };
    counter!(name, "receiver" => receiver.to_string(), "transport" => transport)
        .increment(items as u64);
}

/// A receiver refused `items` (overload, shutdown, bad payload).
pub fn receiver_refused(receiver: &str, transport: &'static str, signal: Signal, items: usize) {
    let name = match signal {
        Signal::Traces => RECEIVER_REFUSED_SPANS,
        Signal::Logs => RECEIVER_REFUSED_LOGS,
    };
    counter!(name, "receiver" => receiver.to_string(), "transport" => transport)
        .increment(items as u64);
}

/// One request answered, by outcome (`ok`, `refused`, `invalid`, `unavailable`).
pub fn receiver_request(receiver: &str, transport: &'static str, outcome: &'static str) {
    counter!(RECEIVER_REQUESTS, "receiver" => receiver.to_string(), "transport" => transport, "outcome" => outcome)
        .increment(1);
}

pub fn processor_items(
    processor: &str,
    pipeline: &str,
    signal: Signal,
    incoming: usize,
    outgoing: usize,
) {
    let labels = [
        ("processor", processor.to_string()),
        ("pipeline", pipeline.to_string()),
        ("otel_signal", signal.as_str().to_string()),
    ];
    if incoming > 0 {
        counter!(PROCESSOR_INCOMING, &labels).increment(incoming as u64);
    }
    if outgoing > 0 {
        counter!(PROCESSOR_OUTGOING, &labels).increment(outgoing as u64);
    }
}

fn exporter_counter(signal: Signal, spans: &'static str, logs: &'static str) -> &'static str {
    match signal {
        Signal::Traces => spans,
        Signal::Logs => logs,
    }
}

pub fn exporter_sent(exporter: &str, signal: Signal, items: usize, added_latency_secs: f64) {
    counter!(exporter_counter(signal, EXPORTER_SENT_SPANS, EXPORTER_SENT_LOGS), "exporter" => exporter.to_string())
        .increment(items as u64);
    histogram!(EXPORTER_LATENCY, "exporter" => exporter.to_string()).record(added_latency_secs);
}

pub fn exporter_send_failed(exporter: &str, signal: Signal, items: usize) {
    counter!(exporter_counter(signal, EXPORTER_SEND_FAILED_SPANS, EXPORTER_SEND_FAILED_LOGS), "exporter" => exporter.to_string())
        .increment(items as u64);
}

pub fn exporter_enqueue_failed(exporter: &str, pipeline: &str, signal: Signal, items: usize) {
    counter!(exporter_counter(signal, EXPORTER_ENQUEUE_FAILED_SPANS, EXPORTER_ENQUEUE_FAILED_LOGS), "exporter" => exporter.to_string(), "pipeline" => pipeline.to_string())
        .increment(items as u64);
}

pub fn exporter_retry(exporter: &str) {
    counter!(EXPORTER_RETRIES, "exporter" => exporter.to_string()).increment(1);
}

pub fn exporter_queue(exporter: &str, size: usize, bytes: usize, capacity: usize) {
    gauge!(EXPORTER_QUEUE_SIZE, "exporter" => exporter.to_string()).set(size as f64);
    gauge!(EXPORTER_QUEUE_SIZE_BYTES, "exporter" => exporter.to_string()).set(bytes as f64);
    gauge!(EXPORTER_QUEUE_CAPACITY, "exporter" => exporter.to_string()).set(capacity as f64);
}

/// String values cut to the receiver's `max_attribute_value_size`.
pub fn receiver_truncated(receiver: &str, values: usize) {
    counter!(RECEIVER_TRUNCATED, "receiver" => receiver.to_string()).increment(values as u64);
}

/// A listener could not accept a connection (`reason`: `open_files_limit`,
/// `system_open_files_limit`, `out_of_memory` or `other`) and backs off.
pub fn listener_accept_failed(listener: &str, reason: &'static str) {
    counter!(LISTENER_ACCEPT_FAILURES, "listener" => listener.to_string(), "reason" => reason)
        .increment(1);
}

/// A listener at its connection cap closed its oldest idle connection to make room.
pub fn listener_connection_evicted(listener: &str) {
    counter!(LISTENER_EVICTED, "listener" => listener.to_string()).increment(1);
}

/// A SIGHUP reload ended (`result`: `success` or `failure`).
pub fn config_reloaded(result: &'static str) {
    counter!(CONFIG_RELOADS, "result" => result).increment(1);
}

/// Span attributes past `max_attributes_per_span` were dropped.
pub fn receiver_dropped_attributes(receiver: &str, attributes: usize) {
    counter!(RECEIVER_DROPPED_ATTRIBUTES, "receiver" => receiver.to_string())
        .increment(attributes as u64);
}

/// The data path's self-metrics (receivers, processors, exporters, process).
pub fn describe(c: &mut Catalog) {
    c.counter(
        RECEIVER_ACCEPTED_SPANS,
        "Spans pushed into the pipeline by a receiver.",
    );
    c.counter(
        RECEIVER_REFUSED_SPANS,
        "Spans a receiver could not push into the pipeline.",
    );
    c.counter(
        RECEIVER_ACCEPTED_LOGS,
        "Log records pushed into the pipeline by a receiver.",
    );
    c.counter(
        RECEIVER_REFUSED_LOGS,
        "Log records a receiver could not push into the pipeline.",
    );
    c.counter(
        RECEIVER_REQUESTS,
        "Requests answered by a receiver, by outcome.",
    );
    c.counter(
        RECEIVER_TRUNCATED,
        "String attribute values cut to the receiver's size limit.",
    );
    c.counter(
        LISTENER_ACCEPT_FAILURES,
        "Failed accepts of a listener, by reason; the listener backs off after each.",
    );
    c.counter(
        LISTENER_EVICTED,
        "Idle connections a listener closed at its max_connections cap to make room.",
    );
    c.counter(CONFIG_RELOADS, "SIGHUP config reloads, by result.");
    c.counter(
        RECEIVER_DROPPED_ATTRIBUTES,
        "Span attributes dropped past the receiver's max_attributes_per_span.",
    );
    c.counter(PROCESSOR_INCOMING, "Items that entered a processor.");
    c.counter(PROCESSOR_OUTGOING, "Items that left a processor.");
    c.counter(EXPORTER_SENT_SPANS, "Spans delivered by an exporter.");
    c.counter(EXPORTER_SEND_FAILED_SPANS, "Spans an exporter gave up on.");
    c.counter(
        EXPORTER_ENQUEUE_FAILED_SPANS,
        "Spans dropped because an exporter queue was full (drop_newest).",
    );
    c.counter(EXPORTER_SENT_LOGS, "Log records delivered by an exporter.");
    c.counter(
        EXPORTER_SEND_FAILED_LOGS,
        "Log records an exporter gave up on.",
    );
    c.counter(
        EXPORTER_ENQUEUE_FAILED_LOGS,
        "Log records dropped because an exporter queue was full.",
    );
    c.gauge(
        EXPORTER_QUEUE_SIZE,
        "Batches in an exporter's sending queue.",
    );
    c.gauge(
        EXPORTER_QUEUE_SIZE_BYTES,
        "Encoded bytes in an exporter's sending queue.",
    );
    c.gauge(
        EXPORTER_QUEUE_CAPACITY,
        "Capacity of an exporter's sending queue, in batches.",
    );
    c.counter(
        EXPORTER_RETRIES,
        "Export attempts that failed and were retried.",
    );
    c.histogram(
        EXPORTER_LATENCY,
        "Time from receipt to delivery, batching and retries included.",
    );
    c.counter(PROCESS_UPTIME, "Seconds since spotter started.");
    c.gauge(BUILD_INFO, "spotter's version, as a label.");
}
