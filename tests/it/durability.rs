//! The write-ahead log: spans acknowledged while the downstream is down survive SIGKILL and
//! restarts, and a full log pushes back instead of losing data.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use prost::Message;

use crate::delivery::unique_request;
use crate::harness;
use crate::lifecycle::Daemon;
use crate::sink::{Recorded, Sink};

fn durable_config(
    sink: std::net::SocketAddr,
    wal: &std::path::Path,
    max_size: &str,
) -> impl Fn(u16, u16, u16, u16) -> String {
    let wal = wal.display().to_string();
    let max_size = max_size.to_string();
    move |http, grpc, metrics, health| {
        Daemon::config_text(sink, http, grpc, metrics, health)
            .replace(
                "extensions:\n",
                &format!("extensions:\n  file_storage:\n    directory: {wal}\n    fsync: always\n    max_size: {max_size}\n"),
            )
            .replace("extensions: [health_check]", "extensions: [health_check, file_storage]")
            .replace("      initial_interval: 50ms\n", "      initial_interval: 50ms\n      max_interval: 200ms\n      max_elapsed_time: 0s\n")
    }
}

/// Send unique requests until told to stop; record the acknowledged ones and count 429s.
fn load(
    url: String,
    first_seq: u32,
    acked: Arc<Mutex<Vec<u32>>>,
    refused: Arc<AtomicU32>,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut seq = first_seq;
        while !stop.load(Ordering::SeqCst) {
            let client: hyper_util::client::legacy::Client<_, http_body_util::Full<bytes::Bytes>> =
                hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                    .build_http();
            let req = http::Request::post(&url)
                .header("content-type", "application/x-protobuf")
                .body(http_body_util::Full::new(bytes::Bytes::from(
                    unique_request(seq, 4).encode_to_vec(),
                )))
                .unwrap();
            match client.request(req).await {
                Ok(r) if r.status() == 200 => acked.lock().unwrap().push(seq),
                Ok(r) if r.status() == 429 => {
                    refused.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                _ => tokio::time::sleep(Duration::from_millis(10)).await,
            }
            seq += 1;
        }
    })
}

fn wal_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("spotter-wal-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

async fn crash_cycle(max_size: &str, name: &str, expect_refusals: bool) {
    let sink_addr = harness::down_addr();
    let wal = wal_dir(name);
    let mut daemon = Daemon::start_with(name, durable_config(sink_addr, &wal, max_size)).await;
    let url = format!("http://127.0.0.1:{}/v1/traces", daemon.http);
    let acked = Arc::new(Mutex::new(Vec::new()));
    let refused = Arc::new(AtomicU32::new(0));
    for round in 0..3u32 {
        let stop = Arc::new(AtomicBool::new(false));
        let client = load(
            url.clone(),
            round * 100_000,
            acked.clone(),
            refused.clone(),
            stop.clone(),
        );
        tokio::time::sleep(Duration::from_millis(400)).await;
        if expect_refusals {
            // On a loaded machine 400ms of load may not fill the log yet: wait, bounded, until
            // it pushes back, so the crash always hits a full log.
            let until = std::time::Instant::now() + Duration::from_secs(10);
            while refused.load(Ordering::SeqCst) == 0 && std::time::Instant::now() < until {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        daemon.crash();
        stop.store(true, Ordering::SeqCst);
        client.await.unwrap();
        daemon.restart().await;
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 10, "the load ran ({} acked)", acked.len());
    if expect_refusals {
        assert!(
            refused.load(Ordering::SeqCst) > 0,
            "a full log pushes back with 429"
        );
    }
    let recorded = Arc::new(Recorded::default());
    let sink = Sink::start_at(sink_addr, recorded.clone()).await;
    let want: HashSet<Vec<u8>> = acked
        .iter()
        .flat_map(|seq| {
            unique_request(*seq, 4).resource_spans[0].scope_spans[0]
                .spans
                .clone()
        })
        .map(|s| s.span_id)
        .collect();
    let until = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let got: HashSet<Vec<u8>> = recorded.span_ids().into_iter().collect();
        let missing = want.difference(&got).count();
        if missing == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < until,
            "{missing} of {} acknowledged spans lost; log: {}",
            want.len(),
            daemon.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ids = recorded.span_ids();
    let unique: HashSet<_> = ids.iter().collect();
    println!(
        "{name}: {} requests acknowledged across 3 SIGKILLs, {} spans expected, {} received, {} duplicates, {} refusals with 429",
        acked.len(),
        want.len(),
        ids.len(),
        ids.len() - unique.len(),
        refused.load(Ordering::SeqCst)
    );
    drop(sink);
    drop(daemon);
    let _ = std::fs::remove_dir_all(&wal);
}

#[tokio::test]
async fn acknowledged_spans_survive_sigkill_and_restarts_while_the_downstream_is_down() {
    crash_cycle("256MiB", "crash", false).await;
}

#[tokio::test]
async fn a_full_log_refuses_clients_and_loses_nothing_acknowledged() {
    crash_cycle("64KiB", "full", true).await;
}

#[tokio::test]
async fn a_graceful_restart_with_the_downstream_down_keeps_the_backlog() {
    let sink_addr = harness::down_addr();
    let wal = wal_dir("graceful");
    let mut daemon = Daemon::start_with("graceful", move |h, g, m, hc| {
        durable_config(sink_addr, &wal_dir_keep("graceful"), "256MiB")(h, g, m, hc)
            .replace("shutdown_timeout: 20s", "shutdown_timeout: 1s")
    })
    .await;
    let url = format!("http://127.0.0.1:{}/v1/traces", daemon.http);
    for seq in 0..10 {
        let r = harness::post(
            &url,
            "application/x-protobuf",
            None,
            unique_request(seq, 4).encode_to_vec(),
        )
        .await;
        assert_eq!(r.status, 200);
    }
    daemon.signal("TERM");
    assert!(daemon.wait_exit(Duration::from_secs(20)).await.success());
    daemon.restart().await;
    let sink = Sink::start_at(sink_addr, Arc::new(Recorded::default())).await;
    assert_eq!(
        sink.wait_for_spans(40, Duration::from_secs(20)).await,
        40,
        "log: {}",
        daemon.log()
    );
    drop(daemon);
    let _ = std::fs::remove_dir_all(&wal);
}

fn wal_dir_keep(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("spotter-wal-it-{name}-{}", std::process::id()))
}

/// A downstream outage at a steady load: the client (like the OTel SDKs) retries what spotter
/// refuses, and every acknowledged span arrives once the downstream is back. The default suite
/// runs a 5-second outage; `SPOTTER_OUTAGE_SECS=600` runs the 10-minute one.
#[tokio::test]
async fn a_downstream_outage_at_steady_load_loses_nothing() {
    let outage = Duration::from_secs(
        std::env::var("SPOTTER_OUTAGE_SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(5),
    );
    let sink_addr = harness::down_addr();
    let wal = wal_dir("outage");
    let daemon = Daemon::start_with("outage", durable_config(sink_addr, &wal, "2GiB")).await;
    let url = format!("http://127.0.0.1:{}/v1/traces", daemon.http);
    let acked = Arc::new(Mutex::new(Vec::new()));
    let refused = Arc::new(AtomicU32::new(0));
    let (a, r, u) = (acked.clone(), refused.clone(), url.clone());
    // 50 requests/s of 10 spans, each retried until acknowledged.
    let sender = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        let started = tokio::time::Instant::now();
        let mut seq = 0u32;
        let mut retry: Vec<u32> = Vec::new();
        while started.elapsed() < outage + Duration::from_secs(2) {
            tick.tick().await;
            let s = retry.pop().unwrap_or_else(|| {
                seq += 1;
                seq
            });
            let reply = harness::post(
                &u,
                "application/x-protobuf",
                None,
                unique_request(s, 10).encode_to_vec(),
            )
            .await;
            match reply.status {
                200 => a.lock().unwrap().push(s),
                429 => {
                    r.fetch_add(1, Ordering::SeqCst);
                    retry.push(s);
                }
                other => panic!("unexpected {other}"),
            }
        }
        retry
    });
    tokio::time::sleep(outage).await;
    let recorded = Arc::new(Recorded::default());
    let sink = Sink::start_at(sink_addr, recorded.clone()).await;
    let unsent = sender.await.unwrap();
    let acked = acked.lock().unwrap().clone();
    let want = acked.len() * 10;
    let got = sink.wait_for_spans(want, Duration::from_secs(120)).await;
    let ids = recorded.span_ids();
    let unique: HashSet<_> = ids.iter().collect();
    println!(
        "outage {}s: {} requests acknowledged ({} spans), {} refused with 429 and retried, {} still unsent at the end, {} spans received, {} duplicates",
        outage.as_secs(), acked.len(), want, refused.load(Ordering::SeqCst), unsent.len(), got, ids.len() - unique.len()
    );
    assert_eq!(unique.len(), want, "every acknowledged span arrives");
    drop(sink);
    drop(daemon);
    let _ = std::fs::remove_dir_all(&wal);
}

/// A failed tool span that `silent_failure` holds for its turn's verdict has its own small
/// admission, but it must keep its request's write-ahead-log record: the rest of the request
/// is delivered, the daemon is killed, and the held span still arrives after the restart.
#[tokio::test]
async fn a_span_held_for_its_verdict_survives_sigkill_after_the_rest_of_its_request_left() {
    use spotter::processor::tool::testing::{failed_tool, llm, SEC, T0};

    let sink_addr = harness::down_addr();
    let recorded = Arc::new(Recorded::default());
    let sink = Sink::start_at(sink_addr, recorded.clone()).await;
    let wal = wal_dir("held");
    let wal_for_config = wal.clone();
    let mut daemon = Daemon::start_with("held", move |h, g, m, hc| {
        durable_config(sink_addr, &wal_for_config, "256MiB")(h, g, m, hc)
            .replace(
                "processors:\n",
                "processors:\n  tool_outcome: {}\n  silent_failure:\n    verdict_wait: 4s\n",
            )
            .replace(
                "processors: [batch]",
                "processors: [tool_outcome, silent_failure, batch]",
            )
    })
    .await;
    let request = opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest {
        resource_spans: vec![opentelemetry_proto::tonic::trace::v1::ResourceSpans {
            scope_spans: vec![opentelemetry_proto::tonic::trace::v1::ScopeSpans {
                spans: vec![
                    failed_tool("s", 2, 2, "search", "{}", "HTTP 503", T0 + SEC),
                    llm("s", 2, 3, "Refunds take 90 days.", T0 + 2 * SEC),
                ],
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    let url = format!("http://127.0.0.1:{}/v1/traces", daemon.http);
    let r = harness::post(
        &url,
        "application/x-protobuf",
        None,
        request.encode_to_vec(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    // The answer leaves at once; the failed tool span waits for its turn's verdict.
    let until = tokio::time::Instant::now() + Duration::from_secs(3);
    while !recorded.span_ids().contains(&vec![3; 8]) {
        assert!(tokio::time::Instant::now() < until, "log: {}", daemon.log());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!recorded.span_ids().contains(&vec![2; 8]), "still held");
    daemon.crash();
    daemon.restart().await;
    // Replayed from the log, held again, released with its verdict.
    let until = tokio::time::Instant::now() + Duration::from_secs(15);
    while !recorded.span_ids().contains(&vec![2; 8]) {
        assert!(
            tokio::time::Instant::now() < until,
            "the held span was lost with its request's log record; log: {}",
            daemon.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(sink);
    drop(daemon);
    let _ = std::fs::remove_dir_all(&wal);
}
