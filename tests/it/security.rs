//! Receiver exposure: bearer-token authentication on both protocols and TLS.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use prost::Message;
use tokio_rustls::rustls;

use crate::delivery::unique_request;
use crate::harness;
use crate::sink::Sink;

const TOKEN: &str = "test-token-0123456789abcdef";

fn with_auth(yaml: String) -> String {
    yaml.replacen(
        "  otlp:\n    protocols:",
        &format!("  otlp:\n    auth:\n      bearer_token: {TOKEN}\n    protocols:"),
        1,
    )
}

#[tokio::test]
async fn bearer_token_is_required_on_http_and_grpc() {
    let sink = Sink::start().await;
    let service = harness::start(&with_auth(harness::config_to_sink(
        sink.addr, "  batch:", "batch", "",
    )))
    .await;
    let url = harness::http_url(&service, "/v1/traces");
    let body = unique_request(1, 2).encode_to_vec();

    let none = harness::post(&url, "application/x-protobuf", None, body.clone()).await;
    assert_eq!(none.status, 401);
    assert_eq!(none.headers.get("www-authenticate").unwrap(), "Bearer");

    let client: hyper_util::client::legacy::Client<_, Full<Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http();
    let send = |token: &str| {
        http::Request::post(&url)
            .header("content-type", "application/x-protobuf")
            .header("authorization", format!("Bearer {token}"))
            .body(Full::new(Bytes::from(body.clone())))
            .unwrap()
    };
    let wrong = client
        .request(send("test-token-0123456789abcdeX"))
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let right = client.request(send(TOKEN)).await.unwrap();
    assert_eq!(right.status(), 200);

    let mut grpc = TraceServiceClient::connect(harness::grpc_url(&service))
        .await
        .unwrap();
    let err = grpc.export(unique_request(2, 2)).await.unwrap_err();
    assert_eq!(err.code(), tonic::Code::Unauthenticated);
    let mut req = tonic::Request::new(unique_request(3, 2));
    req.metadata_mut()
        .insert("authorization", format!("Bearer {TOKEN}").parse().unwrap());
    grpc.export(req).await.expect("the right token is accepted");

    assert_eq!(sink.wait_for_spans(4, Duration::from_secs(5)).await, 4);
    service.shutdown().await;
}

#[tokio::test]
async fn receivers_serve_tls_with_the_configured_certificate() {
    let dir = std::env::temp_dir().join(format!("spotter-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cert =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let (cert_file, key_file) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert_file, cert.cert.pem()).unwrap();
    std::fs::write(&key_file, cert.signing_key.serialize_pem()).unwrap();

    let sink = Sink::start().await;
    let yaml = harness::config_to_sink(sink.addr, "  batch:", "batch", "").replacen(
        "        max_request_body_size: 8MiB\n",
        &format!(
            "        max_request_body_size: 8MiB\n        tls:\n          cert_file: {}\n          key_file: {}\n",
            cert_file.display(),
            key_file.display()
        ),
        1,
    );
    let service = harness::start(&yaml).await;

    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.cert.der().clone()).unwrap();
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_only()
        .enable_http1()
        .build();
    let client: hyper_util::client::legacy::Client<_, Full<Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build(connector);
    let url = format!(
        "https://localhost:{}/v1/traces",
        service.bound.http["otlp"].port()
    );
    let resp = client
        .request(
            http::Request::post(&url)
                .header("content-type", "application/x-protobuf")
                .body(Full::new(Bytes::from(unique_request(1, 3).encode_to_vec())))
                .unwrap(),
        )
        .await
        .expect("TLS request");
    assert_eq!(resp.status(), 200);
    let _ = resp.into_body().collect().await;
    assert_eq!(sink.wait_for_spans(3, Duration::from_secs(5)).await, 3);

    // Plain text to the TLS port gets no OTLP answer.
    let plain = tokio::time::timeout(
        Duration::from_secs(5),
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http::<Full<Bytes>>()
            .request(
                http::Request::post(format!(
                    "http://127.0.0.1:{}/v1/traces",
                    service.bound.http["otlp"].port()
                ))
                .header("content-type", "application/x-protobuf")
                .body(Full::new(Bytes::new()))
                .unwrap(),
            ),
    )
    .await
    .expect("the server closes the connection");
    assert!(plain.is_err() || plain.unwrap().status() != 200);
    service.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
