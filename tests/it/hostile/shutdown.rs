//! SIGTERM with a downstream that accepts connections and never answers: spotter exits within
//! `shutdown_timeout` + 1 s, and every acknowledged span is either kept in the write-ahead log
//! (and replayed at the next start) or counted and logged with its exact number.

use std::time::{Duration, Instant};

use prost::Message;
use tokio::io::AsyncReadExt;

use super::{start_limited, try_post};
use crate::delivery::unique_request;
use crate::lifecycle::Daemon;
use crate::sink::{Recorded, Sink};

const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(2);

/// A downstream that takes connections, reads what comes and never answers.
async fn silent_downstream(addr: std::net::SocketAddr) -> tokio::task::JoinHandle<()> {
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut s, _)) = listener.accept().await {
            held.push(tokio::spawn(async move {
                let mut buf = vec![0u8; 64 << 10];
                while let Ok(n) = s.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                }
            }));
        }
    })
}

fn config(
    sink: std::net::SocketAddr,
    wal: Option<std::path::PathBuf>,
) -> impl Fn(u16, u16, u16, u16) -> String {
    move |http, grpc, metrics, health| {
        let mut text = Daemon::config_text(sink, http, grpc, metrics, health)
            .replace("shutdown_timeout: 20s", "shutdown_timeout: 2s");
        if let Some(dir) = &wal {
            text = text
                .replace(
                    "extensions:\n",
                    &format!(
                        "extensions:\n  file_storage:\n    directory: {}\n    fsync: always\n",
                        dir.display()
                    ),
                )
                .replace(
                    "extensions: [health_check]",
                    "extensions: [health_check, file_storage]",
                );
        }
        text
    }
}

/// Send 40 requests of 10 spans; returns how many spans were acknowledged.
async fn send(daemon: &Daemon) -> usize {
    let url = format!("http://127.0.0.1:{}/v1/traces", daemon.http);
    let mut acked = 0;
    for seq in 0..40u32 {
        if try_post(&url, unique_request(seq, 10).encode_to_vec()).await == Some(200) {
            acked += 10;
        }
    }
    acked
}

/// SIGTERM and time the exit (at most 30 s).
async fn terminate(daemon: &mut Daemon) -> (Duration, std::process::ExitStatus) {
    let started = Instant::now();
    daemon.signal("TERM");
    let status = daemon.wait_exit(Duration::from_secs(30)).await;
    (started.elapsed(), status)
}

#[tokio::test]
async fn sigterm_with_a_silent_downstream_exits_in_time_and_counts_what_it_drops() {
    let down = crate::harness::down_addr();
    let silent = silent_downstream(down).await;
    let mut daemon = start_limited("silent", None, config(down, None)).await;
    let acked = send(&daemon).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (took, status) = terminate(&mut daemon).await;
    let log = daemon.log();
    let counted = log
        .lines()
        .find(|l| l.contains("undelivered"))
        .unwrap_or_default()
        .to_string();
    println!("silent downstream, no WAL: {acked} spans acked, exit after {took:?} ({status}); log: {counted}");
    silent.abort();
    assert_eq!(acked, 400);
    assert!(
        took <= SHUTDOWN_TIMEOUT + Duration::from_secs(1),
        "exit within shutdown_timeout + 1 s: {took:?}; log: {log}"
    );
    assert!(
        counted.contains(&format!("spans={acked}")),
        "the exact count of undelivered spans is logged; log: {log}"
    );
}

#[tokio::test]
async fn sigterm_with_a_silent_downstream_keeps_the_undelivered_in_the_log_for_the_next_start() {
    let down = crate::harness::down_addr();
    let silent = silent_downstream(down).await;
    let wal = std::env::temp_dir().join(format!("spotter-hostile-wal-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&wal);
    let mut daemon = start_limited("silent-wal", None, config(down, Some(wal.clone()))).await;
    let acked = send(&daemon).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (took, status) = terminate(&mut daemon).await;
    silent.abort();
    tokio::time::sleep(Duration::from_millis(100)).await;

    let recorded = std::sync::Arc::new(Recorded::default());
    let sink = Sink::start_at(down, recorded.clone()).await;
    daemon.restart().await;
    sink.wait_for_spans(acked, Duration::from_secs(20)).await;
    let distinct: std::collections::HashSet<Vec<u8>> = recorded.span_ids().into_iter().collect();
    let replayed = distinct.len();
    println!("silent downstream, WAL: {acked} spans acked, exit after {took:?} ({status}), {replayed} delivered after the restart");
    let _ = std::fs::remove_dir_all(&wal);
    assert_eq!(acked, 400);
    assert!(
        took <= SHUTDOWN_TIMEOUT + Duration::from_secs(1),
        "exit within shutdown_timeout + 1 s: {took:?}; log: {}",
        daemon.log()
    );
    assert!(
        replayed >= acked,
        "every acknowledged span arrives after the restart"
    );
}
