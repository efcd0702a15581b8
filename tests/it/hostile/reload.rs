//! SIGHUP reloads keep the connections agents hold, and a config that cannot start rolls back.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use prost::Message;

use super::{metric, start_limited};
use crate::delivery::unique_request;
use crate::lifecycle::Daemon;
use crate::sink::Sink;

/// The daemon's config with the batch timeout changed: a valid config that differs.
fn changed(daemon: &Daemon, sink: std::net::SocketAddr) -> String {
    Daemon::config_text(
        sink,
        daemon.http,
        daemon.grpc,
        daemon.metrics,
        daemon.health,
    )
    .replace("timeout: 100ms", "timeout: 50ms")
}

/// Send SIGHUP and wait until the reload is counted (at most 10 s).
async fn reload(daemon: &Daemon, result: &str) -> f64 {
    let series = format!("spotter_config_reloads_total{{result=\"{result}\"}}");
    let before = metric(daemon, &series).await;
    daemon.signal("HUP");
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if let Ok(Ok(page)) = tokio::time::timeout(
            Duration::from_secs(1),
            tokio::net::TcpStream::connect(("127.0.0.1", daemon.metrics)),
        )
        .await
        {
            drop(page);
            let now = metric(daemon, &series).await;
            if now > before {
                return now;
            }
        }
    }
    before
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(port: u16) -> Sender {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    send
}

/// POST one request on `send`; the status and whether the server said `Connection: close`.
async fn post_on(send: &mut Sender, port: u16, seq: u32) -> Option<(u16, bool)> {
    send.ready().await.ok()?;
    let req = http::Request::post(format!("http://127.0.0.1:{port}/v1/traces"))
        .header("host", format!("127.0.0.1:{port}"))
        .header("content-type", "application/x-protobuf")
        .body(Full::new(Bytes::from(
            unique_request(seq, 2).encode_to_vec(),
        )))
        .unwrap();
    let resp = tokio::time::timeout(Duration::from_secs(10), send.send_request(req))
        .await
        .ok()?
        .ok()?;
    let close = resp
        .headers()
        .get(http::header::CONNECTION)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"));
    let status = resp.status().as_u16();
    let _ = resp.into_body().collect().await;
    Some((status, close))
}

#[tokio::test]
async fn a_keep_alive_http_connection_keeps_working_across_a_reload() {
    let sink = Sink::start().await;
    let daemon = Daemon::start(sink.addr, "hostile-reload-http").await;
    let mut send = connect(daemon.http).await;
    assert_eq!(post_on(&mut send, daemon.http, 0).await, Some((200, false)));

    std::fs::write(&daemon.config, changed(&daemon, sink.addr)).unwrap();
    let reloads = reload(&daemon, "success").await;

    // Over 3 s, the same connection; at most one clean close (Connection: close) and a
    // reconnect is allowed.
    let (mut ok, mut clean_closes, mut other) = (0, 0, Vec::new());
    for seq in 1..=30u32 {
        match post_on(&mut send, daemon.http, seq).await {
            Some((200, close)) => {
                ok += 1;
                if close {
                    clean_closes += 1;
                    send = connect(daemon.http).await;
                }
            }
            Some((status, close)) => {
                other.push(status);
                if close {
                    clean_closes += 1;
                    send = connect(daemon.http).await;
                }
            }
            None => other.push(0),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!("reload, keep-alive HTTP: {ok}/30 ok, {clean_closes} clean close(s), other {other:?}");
    assert_eq!(
        ok, 30,
        "every request after the reload succeeds; other: {other:?}"
    );
    assert_eq!(reloads, 1.0, "the reload is counted; log: {}", daemon.log());
    assert!(clean_closes <= 1);
    assert_eq!(sink.wait_for_spans(62, Duration::from_secs(10)).await, 62);
}

#[tokio::test]
async fn a_grpc_channel_keeps_working_across_a_reload() {
    let sink = Sink::start().await;
    let daemon = Daemon::start(sink.addr, "hostile-reload-grpc").await;
    let mut client = TraceServiceClient::connect(format!("http://127.0.0.1:{}", daemon.grpc))
        .await
        .unwrap();
    client.export(unique_request(0, 2)).await.unwrap();

    std::fs::write(&daemon.config, changed(&daemon, sink.addr)).unwrap();
    let reloads = reload(&daemon, "success").await;

    let mut failures = Vec::new();
    for seq in 1..=30u32 {
        let sent = tokio::time::timeout(
            Duration::from_secs(10),
            client.export(unique_request(seq, 2)),
        )
        .await;
        match sent {
            Ok(Ok(_)) => {}
            Ok(Err(status)) => failures.push(format!("{:?}", status.code())),
            Err(_) => failures.push("timeout".into()),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "reload, gRPC channel: {}/30 ok, failures {failures:?}",
        30 - failures.len()
    );
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(reloads, 1.0, "the reload is counted; log: {}", daemon.log());
    assert_eq!(sink.wait_for_spans(62, Duration::from_secs(10)).await, 62);
}

#[tokio::test]
async fn a_reload_to_a_port_in_use_keeps_the_old_config_serving() {
    let sink = Sink::start().await;
    let sink_addr = sink.addr;
    let mut daemon = start_limited("reload-taken", None, |http, grpc, metrics, health| {
        Daemon::config_text(sink_addr, http, grpc, metrics, health)
    })
    .await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let text = changed(&daemon, sink.addr).replace(
        &format!("127.0.0.1:{}", daemon.http),
        &format!("127.0.0.1:{port}"),
    );
    std::fs::write(&daemon.config, text).unwrap();
    let failures = reload(&daemon, "failure").await;
    assert!(
        daemon.child.try_wait().unwrap().is_none(),
        "spotter is still running; log: {}",
        daemon.log()
    );
    assert_eq!(failures, 1.0, "the failed reload is counted");
    assert!(
        daemon.log().contains(&port.to_string()),
        "the log says why: {}",
        daemon.log()
    );
    let r = crate::harness::post(
        &format!("http://127.0.0.1:{}/v1/traces", daemon.http),
        "application/x-protobuf",
        None,
        unique_request(1, 2).encode_to_vec(),
    )
    .await;
    assert_eq!(r.status, 200, "the old config still serves");
    let mut grpc = TraceServiceClient::connect(format!("http://127.0.0.1:{}", daemon.grpc))
        .await
        .unwrap();
    grpc.export(unique_request(2, 2)).await.unwrap();
    assert_eq!(sink.wait_for_spans(4, Duration::from_secs(10)).await, 4);
    drop(taken);
}
