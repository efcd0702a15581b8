//! The memory guard: a burst far past the budget is refused with 429s, the process stays within
//! the budget plus a stated margin, and service continues without losing what was accepted.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use opentelemetry_proto::tonic::common::v1::{any_value::Value, AnyValue, KeyValue};
use prost::Message;

use crate::delivery::unique_request;
use crate::harness;
use crate::lifecycle::Daemon;
use crate::sink::Sink;

const LIMIT_MIB: u64 = 8;
/// Stated margin: the guard counts encoded bytes; decoded spans take about 3× that in memory,
/// plus the process's own baseline (runtime, TLS roots, buffers) of under 40 MiB.
const MARGIN_MIB: u64 = 3 * LIMIT_MIB + 40;

fn big_request(seq: u32) -> Vec<u8> {
    let mut req = unique_request(seq, 8);
    for span in &mut req.resource_spans[0].scope_spans[0].spans {
        span.attributes.push(KeyValue {
            key: "gen_ai.output.messages".into(),
            value: Some(AnyValue {
                value: Some(Value::StringValue(format!("{seq:08}").repeat(8 << 10))),
            }),
            ..Default::default()
        });
    }
    req.encode_to_vec()
}

#[tokio::test]
async fn a_burst_ten_times_the_budget_gets_429s_and_memory_stays_bounded() {
    let sink = Sink::start().await;
    sink.recorded.fail_unavailable.store(1, Ordering::SeqCst);
    let sink_addr = sink.addr;
    let daemon = Daemon::start_with("memory", |http, grpc, metrics, health| {
        Daemon::config_text(sink_addr, http, grpc, metrics, health)
            .replace(
                "extensions:\n",
                &format!("extensions:\n  memory_limiter:\n    limit_mib: {LIMIT_MIB}\n"),
            )
            .replace(
                "extensions: [health_check]",
                "extensions: [health_check, memory_limiter]",
            )
    })
    .await;
    let url = format!("http://127.0.0.1:{}/v1/traces", daemon.http);
    let one = big_request(0).len();
    let total_target = (LIMIT_MIB as usize) << 20;
    let requests = 10 * total_target / one + 1;
    let accepted = Arc::new(AtomicUsize::new(0));
    let refused = Arc::new(AtomicUsize::new(0));
    let accepted_seqs = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for worker in 0..8u32 {
        let (url, accepted, refused, seqs) = (
            url.clone(),
            accepted.clone(),
            refused.clone(),
            accepted_seqs.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut seq = worker;
            while (seq as usize) < requests {
                let r = harness::post(&url, "application/x-protobuf", None, big_request(seq)).await;
                match r.status {
                    200 => {
                        accepted.fetch_add(1, Ordering::SeqCst);
                        seqs.lock().unwrap().push(seq);
                    }
                    429 => {
                        assert!(r.headers.contains_key("retry-after"));
                        refused.fetch_add(1, Ordering::SeqCst);
                    }
                    s => panic!("unexpected {s}: {}", r.text()),
                }
                seq += 8;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let (ok, no) = (
        accepted.load(Ordering::SeqCst),
        refused.load(Ordering::SeqCst),
    );
    assert!(
        no > 0,
        "a burst of 10x the budget must be refused in part ({ok} accepted)"
    );
    let accepted_bytes = ok * one;
    assert!(
        accepted_bytes <= total_target + one,
        "accepted {accepted_bytes} bytes past the {LIMIT_MIB} MiB budget"
    );
    let peak_mib = daemon.status_kib("VmHWM") / 1024;
    assert!(
        peak_mib <= LIMIT_MIB + MARGIN_MIB,
        "peak RSS {peak_mib} MiB"
    );
    println!("burst: {requests} requests of {one} bytes, {ok} accepted, {no} refused with 429, peak RSS {peak_mib} MiB");

    // Service continues: the downstream comes back and everything accepted arrives.
    sink.recorded.fail_unavailable.store(0, Ordering::SeqCst);
    let want = ok * 8;
    assert_eq!(
        sink.wait_for_spans(want, Duration::from_secs(30)).await,
        want
    );
    let r = harness::post(&url, "application/x-protobuf", None, big_request(1_000_000)).await;
    assert_eq!(r.status, 200, "accepting again once the budget frees up");
}
