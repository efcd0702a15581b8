//! Every captured payload in shared/fixtures is accepted and forwarded unchanged.

use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

use crate::harness::{self, fixtures_dir};
use crate::sink::Sink;

struct Fixture {
    name: String,
    path: String,
    content_type: String,
    encoding: Option<String>,
    body: Vec<u8>,
    decoded: ExportTraceServiceRequest,
}

fn load_fixtures() -> Vec<Fixture> {
    let mut out = Vec::new();
    let root = fixtures_dir();
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("shared/fixtures exists beside the project")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut metas: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(".meta.json"))
            .collect();
        metas.sort();
        for meta_path in metas {
            let meta: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&meta_path).unwrap()).unwrap();
            let file = dir.join(meta["file"].as_str().unwrap());
            let body = std::fs::read(&file).unwrap();
            let encoding = meta["content_encoding"].as_str().map(str::to_string);
            let content_type = meta["content_type"].as_str().unwrap().to_string();
            let plain = match encoding.as_deref() {
                Some("gzip") => {
                    use std::io::Read;
                    let mut out = Vec::new();
                    flate2::read::GzDecoder::new(&body[..])
                        .read_to_end(&mut out)
                        .unwrap();
                    out
                }
                _ => body.clone(),
            };
            let decoded = if content_type.contains("json") {
                serde_json::from_slice(&plain).unwrap()
            } else {
                ExportTraceServiceRequest::decode(&plain[..]).unwrap()
            };
            out.push(Fixture {
                name: file.display().to_string(),
                path: meta["path"].as_str().unwrap().to_string(),
                content_type,
                encoding,
                body,
                decoded,
            });
        }
    }
    assert!(
        out.len() >= 40,
        "expected the shared fixtures, found {}",
        out.len()
    );
    out
}

#[tokio::test]
async fn every_fixture_is_accepted_and_forwarded_unchanged_over_http() {
    let sink = Sink::start().await;
    let service = harness::start(&harness::config_to_sink(
        sink.addr,
        "  batch:\n    timeout: 0s",
        "batch",
        "    compression: gzip",
    ))
    .await;
    for (i, f) in load_fixtures().iter().enumerate() {
        let reply = harness::post(
            &harness::http_url(&service, &f.path),
            &f.content_type,
            f.encoding.as_deref(),
            f.body.clone(),
        )
        .await;
        assert_eq!(reply.status, 200, "{}: {}", f.name, reply.text());
        // One request in, one request out, in order.
        let until = tokio::time::Instant::now() + Duration::from_secs(10);
        while sink.recorded.traces.lock().unwrap().len() <= i {
            assert!(
                tokio::time::Instant::now() < until,
                "{} never arrived",
                f.name
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let got = sink.recorded.traces.lock().unwrap()[i].clone();
        assert!(got == f.decoded, "{} changed on the way through", f.name);
    }
    service.shutdown().await;
}

#[tokio::test]
async fn protobuf_fixtures_are_forwarded_unchanged_over_grpc() {
    let sink = Sink::start().await;
    let service = harness::start(&harness::config_to_sink(
        sink.addr,
        "  batch:\n    timeout: 0s",
        "batch",
        "    compression: zstd",
    ))
    .await;
    let mut client = TraceServiceClient::connect(harness::grpc_url(&service))
        .await
        .unwrap()
        .send_compressed(tonic::codec::CompressionEncoding::Gzip);
    let fixtures: Vec<_> = load_fixtures()
        .into_iter()
        .filter(|f| !f.content_type.contains("json"))
        .collect();
    for f in &fixtures {
        let resp = client.export(f.decoded.clone()).await.expect("accepted");
        assert!(resp.into_inner().partial_success.is_none());
    }
    let total: usize = fixtures
        .iter()
        .flat_map(|f| &f.decoded.resource_spans)
        .flat_map(|rs| &rs.scope_spans)
        .map(|ss| ss.spans.len())
        .sum();
    assert_eq!(
        sink.wait_for_spans(total, Duration::from_secs(10)).await,
        total
    );
    let got = sink.recorded.traces.lock().unwrap().clone();
    let want: Vec<_> = fixtures.iter().map(|f| f.decoded.clone()).collect();
    assert!(got == want, "gRPC forwarding changed the payloads");
    service.shutdown().await;
}
