//! Slow, unfinished and idle clients: a slowloris is cut by the header timeout, unfinished
//! bodies count against the memory budget as they arrive, a declared `Content-Length` over the
//! free budget is refused unread, and 1,100 idle connections at the open-files limit leave
//! health and ingest answering without spinning the CPU.

use std::sync::Arc;
use std::time::{Duration, Instant};

use prost::Message;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{cpu_ticks, start_limited, try_post};
use crate::delivery::unique_request;
use crate::harness;
use crate::lifecycle::Daemon;
use crate::sink::Sink;

/// The daemon's config with extra options under `protocols.http` and an extension block.
fn config_with(
    sink: std::net::SocketAddr,
    http_extra: &'static str,
    extensions: &'static str,
) -> impl Fn(u16, u16, u16, u16) -> String {
    move |http, grpc, metrics, health| {
        let mut text = Daemon::config_text(sink, http, grpc, metrics, health).replace(
            &format!("http: {{ endpoint: \"127.0.0.1:{http}\" }}"),
            &format!("http: {{ endpoint: \"127.0.0.1:{http}\"{http_extra} }}"),
        );
        if !extensions.is_empty() {
            text = text.replace("extensions:\n", &format!("extensions:\n{extensions}"));
            let enabled = extensions
                .lines()
                .filter(|l| l.starts_with("  ") && !l.starts_with("    "))
                .map(|l| l.trim().trim_end_matches(':'))
                .collect::<Vec<_>>()
                .join(", ");
            text = text.replace(
                "extensions: [health_check]",
                &format!("extensions: [health_check, {enabled}]"),
            );
        }
        text
    }
}

#[tokio::test]
async fn a_slowloris_client_is_cut_within_the_header_timeout() {
    let sink = Sink::start().await;
    let daemon = start_limited(
        "slowloris",
        None,
        config_with(sink.addr, ", read_header_timeout: 2s", ""),
    )
    .await;
    let request = format!(
        "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/x-protobuf\r\nX-Padding: {}\r\n",
        daemon.http,
        "a".repeat(64)
    );
    let mut stream = TcpStream::connect(("127.0.0.1", daemon.http))
        .await
        .unwrap();
    let started = Instant::now();
    let mut cut = None;
    // One byte a second, for at most 20 s.
    for b in request.bytes().take(20) {
        if stream.write_all(&[b]).await.is_err() {
            cut = Some(started.elapsed());
            break;
        }
        let mut buf = [0u8; 512];
        match tokio::time::timeout(Duration::from_secs(1), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                cut = Some(started.elapsed());
                break;
            }
            Ok(Ok(_)) => {
                // A 408 answer; the close follows.
                cut = Some(started.elapsed());
                break;
            }
            Err(_) => {}
        }
    }
    println!("slowloris cut after {cut:?} (read_header_timeout 2s)");
    let cut = cut.expect("the slow client is cut within 20 s");
    assert!(
        cut < Duration::from_millis(3500),
        "cut within the 2 s header timeout (+1.5 s): {cut:?}"
    );
    let r = harness::post(
        &format!("http://127.0.0.1:{}/v1/traces", daemon.http),
        "application/x-protobuf",
        None,
        unique_request(1, 2).encode_to_vec(),
    )
    .await;
    assert_eq!(r.status, 200, "others are still served");
}

/// Open a connection and send the head of a POST declaring `length` bytes.
async fn declare(port: u16, length: usize) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let head = format!(
        "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-protobuf\r\nContent-Length: {length}\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s
}

/// The status line's code of whatever the server answered within `wait`, if anything.
async fn answer(stream: &mut tokio::net::tcp::OwnedReadHalf, wait: Duration) -> Option<u16> {
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(wait, stream.read(&mut buf))
        .await
        .ok()?
        .ok()?;
    let text = String::from_utf8_lossy(&buf[..n]);
    text.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test]
async fn thirty_unfinished_bodies_stay_within_the_memory_budget() {
    const BODY: usize = 15 << 20;
    let sink = Sink::start().await;
    let daemon = start_limited(
        "unfinished",
        None,
        config_with(
            sink.addr,
            ", max_request_body_size: 20MiB, max_decompressed_body_size: 64MiB",
            "  memory_limiter:\n    limit_mib: 64\n",
        ),
    )
    .await;
    let baseline_kib = daemon.status_kib("VmRSS");
    let body = Arc::new(vec![b'x'; BODY - 1]);
    let mut tasks = Vec::new();
    let started = Instant::now();
    for _ in 0..30 {
        let (port, body) = (daemon.http, body.clone());
        tasks.push(tokio::spawn(async move {
            let (mut rd, mut wr) = declare(port, BODY).await.into_split();
            // Everything but the last byte, in 1 MiB writes, then hold the connection.
            let writer = tokio::spawn(async move {
                for chunk in body.chunks(1 << 20) {
                    if wr.write_all(chunk).await.is_err() {
                        return;
                    }
                }
                tokio::time::sleep(Duration::from_secs(30)).await;
                drop(wr);
            });
            let status = answer(&mut rd, Duration::from_secs(12)).await;
            let at = started.elapsed();
            writer.abort();
            (status, at, rd)
        }));
    }
    // Hold every connection until all have answered or waited 12 s; then read the peak.
    let mut held = Vec::new();
    for t in tasks {
        held.push(t.await.unwrap());
    }
    let peak_kib = daemon.status_kib("VmHWM");
    let rss_kib = daemon.status_kib("VmRSS");
    let refused: Vec<Duration> = held
        .iter()
        .filter(|(s, _, _)| matches!(s, Some(429) | Some(503)))
        .map(|(_, at, _)| *at)
        .collect();
    let slowest = refused.iter().max().copied().unwrap_or_default();
    println!(
        "30 unfinished 15 MiB bodies, limit_mib 64: baseline RSS {} MiB, peak RSS {} MiB, RSS {} MiB, {} refused (slowest refusal after {slowest:?}), answers {:?}",
        baseline_kib >> 10,
        peak_kib >> 10,
        rss_kib >> 10,
        refused.len(),
        held.iter().map(|(s, _, _)| *s).collect::<Vec<_>>()
    );
    drop(held);
    assert!(
        peak_kib >> 10 <= 64 + 64,
        "peak RSS {} MiB within the 64 MiB budget + 64 MiB",
        peak_kib >> 10
    );
    assert!(
        refused.len() >= 25,
        "requests that do not fit are refused ({} of 30)",
        refused.len()
    );
    assert!(
        slowest < Duration::from_secs(5),
        "refused early: {slowest:?}"
    );
}

#[tokio::test]
async fn a_declared_length_over_the_free_budget_is_refused_before_the_body() {
    const BODY: usize = 6 << 20;
    let sink = Sink::start().await;
    let daemon = start_limited(
        "declared",
        None,
        config_with(
            sink.addr,
            ", max_request_body_size: 20MiB",
            "  memory_limiter:\n    limit_mib: 16\n",
        ),
    )
    .await;
    // Two requests that fit take 12 of the 16 MiB and hold their last byte.
    let mut holders = Vec::new();
    for _ in 0..2 {
        let mut s = declare(daemon.http, BODY).await;
        s.write_all(&vec![b'x'; BODY - 1]).await.unwrap();
        holders.push(s);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // A third declares 6 MiB and sends nothing.
    let (mut rd, _wr) = declare(daemon.http, BODY).await.into_split();
    let started = Instant::now();
    let status = answer(&mut rd, Duration::from_secs(5)).await;
    println!(
        "declared Content-Length over the free budget: {status:?} after {:?}",
        started.elapsed()
    );
    assert_eq!(status, Some(429), "429 before any body byte was sent");
    drop(holders);
}

#[tokio::test]
async fn eleven_hundred_idle_connections_leave_health_and_ingest_answering() {
    let sink = Sink::start().await;
    let daemon = start_limited(
        "idle",
        Some(512),
        config_with(sink.addr, ", read_header_timeout: 2s", ""),
    )
    .await;
    let pid = daemon.child.id();
    let mut idle = Vec::with_capacity(1100);
    for _ in 0..1100 {
        match tokio::time::timeout(
            Duration::from_secs(2),
            TcpStream::connect(("127.0.0.1", daemon.http)),
        )
        .await
        {
            Ok(Ok(s)) => idle.push(s),
            _ => break,
        }
    }
    let opened = idle.len();
    tokio::time::sleep(Duration::from_millis(500)).await;

    let before = cpu_ticks(pid);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let spent = cpu_ticks(pid) - before;

    let mut health_ms = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let ok = healthz(daemon.health).await;
        health_ms.push(ok.then(|| started.elapsed().as_millis()));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Ingest on a fresh connection, as an SDK would retry it, within 20 s.
    let started = Instant::now();
    let mut ingest = None;
    while started.elapsed() < Duration::from_secs(20) {
        let sent = try_post(
            &format!("http://127.0.0.1:{}/v1/traces", daemon.http),
            unique_request(1, 2).encode_to_vec(),
        )
        .await;
        if sent == Some(200) {
            ingest = Some(started.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!(
        "{opened} idle connections at nofile 512: CPU {spent} ticks in 1 s, /healthz ms {health_ms:?}, ingest answered after {ingest:?}"
    );
    assert_eq!(opened, 1100);
    assert!(
        spent < 30,
        "spotter does not spin: {spent} ticks of CPU in 1 s"
    );
    assert!(
        health_ms.iter().all(|m| m.is_some_and(|ms| ms < 1000)),
        "/healthz answers within 1 s: {health_ms:?}"
    );
    assert!(ingest.is_some(), "ingest answers");
    drop(idle);
}

/// GET /healthz on a fresh connection; true on a 200 within 3 s.
async fn healthz(port: u16) -> bool {
    let attempt = async {
        let mut s = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .ok()?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.ok()?;
        Some(buf.starts_with(b"HTTP/1.1 200"))
    };
    tokio::time::timeout(Duration::from_secs(3), attempt)
        .await
        .ok()
        .flatten()
        .unwrap_or(false)
}
