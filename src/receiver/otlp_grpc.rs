//! OTLP/gRPC: `TraceService/Export` and `LogsService/Export`, gzip or zstd compressed or not.
//!
//! Answers: OK with an `Export*ServiceResponse` (partial success when spans were rejected);
//! INVALID_ARGUMENT for undecodable messages; RESOURCE_EXHAUSTED for oversized messages, and with
//! a `RetryInfo` when spotter is full; UNAVAILABLE with a `RetryInfo` while shutting down;
//! UNIMPLEMENTED for other methods.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use futures::future::BoxFuture;
use hyper::body::Incoming;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tonic::codec::{CompressionEncoding, EnabledCompressionEncodings};
use tonic::{Code, Status};

use super::{ingest, Format, IngestError};
use crate::config::{BearerAuth, GrpcServerConfig};
use crate::grpc::{status_with_retry, RawCodec};
use crate::listener::{self, Protocol};
use crate::pipeline::{Intake, Signal, SubmitError, RETRY_AFTER};

const TRANSPORT: &str = "grpc";
const TRACES_PATH: &str = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
const LOGS_PATH: &str = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";

struct State {
    id: String,
    intake: Intake,
    auth: Option<BearerAuth>,
    max_message: usize,
    read_timeout: std::time::Duration,
}

impl State {
    fn new(id: &str, config: &GrpcServerConfig, auth: Option<BearerAuth>, intake: Intake) -> Self {
        State {
            id: id.to_string(),
            intake,
            auth,
            max_message: config.max_recv_msg_size,
            read_timeout: config.connections.read_timeout,
        }
    }
}

/// What a reload replaces in a running OTLP/gRPC receiver: the pipelines it feeds and its
/// request options. The listener and its connections (and clients' channels) stay.
pub struct Swap(Arc<listener::Slot<State>>);

impl Swap {
    pub fn update(
        &self,
        id: &str,
        config: &GrpcServerConfig,
        auth: Option<BearerAuth>,
        intake: Intake,
    ) {
        self.0.set(State::new(id, config, auth, intake));
    }
}

/// Bind and serve gRPC (HTTP/2) until `stop` flips; connections then get a GOAWAY.
pub async fn serve(
    id: &str,
    config: &GrpcServerConfig,
    auth: Option<BearerAuth>,
    tls: Option<TlsAcceptor>,
    intake: Intake,
    stop: watch::Receiver<bool>,
) -> std::io::Result<(SocketAddr, JoinHandle<()>, Swap)> {
    let (tcp, local) = listener::bind(config.endpoint).await?;
    let slot = listener::Slot::new(State::new(id, config, auth, intake));
    let state = slot.clone();
    tracing::info!(receiver = id, endpoint = %local, tls = tls.is_some(), "OTLP/gRPC receiver listening");
    let task = listener::spawn(
        tcp,
        tls,
        Protocol::Grpc,
        config.connections,
        &format!("{id}/grpc"),
        stop,
        move |req| route(state.get(), req),
    );
    Ok((local, task, Swap(slot)))
}

struct ExportSvc {
    state: Arc<State>,
    signal: Signal,
}

impl tonic::server::UnaryService<Bytes> for ExportSvc {
    type Response = Bytes;
    type Future = BoxFuture<'static, Result<tonic::Response<Bytes>, Status>>;

    fn call(&mut self, request: tonic::Request<Bytes>) -> Self::Future {
        let state = self.state.clone();
        let signal = self.signal;
        Box::pin(async move {
            let body = request.into_inner();
            match ingest(
                &state.intake,
                &state.id,
                TRANSPORT,
                signal,
                Format::Protobuf,
                body,
                None,
            )
            .await
            {
                Ok(accepted) => Ok(tonic::Response::new(
                    accepted.response(signal, Format::Protobuf),
                )),
                Err(IngestError::Decode(e)) => Err(Status::invalid_argument(e.to_string())),
                Err(IngestError::Submit(e @ SubmitError::Overloaded { retry_after })) => Err(
                    status_with_retry(Code::ResourceExhausted, e.to_string(), retry_after),
                ),
                Err(IngestError::Submit(e @ SubmitError::ShuttingDown)) => Err(status_with_retry(
                    Code::Unavailable,
                    e.to_string(),
                    RETRY_AFTER,
                )),
                Err(IngestError::Submit(e @ SubmitError::NoPipeline(_))) => {
                    Err(Status::unimplemented(e.to_string()))
                }
            }
        })
    }
}

async fn route(
    state: Arc<State>,
    req: http::Request<Incoming>,
) -> http::Response<tonic::body::Body> {
    let signal = match req.uri().path() {
        TRACES_PATH => Signal::Traces,
        LOGS_PATH => Signal::Logs,
        other => {
            return Status::unimplemented(format!("unknown method {other:?}")).into_http();
        }
    };
    if let Some(auth) = &state.auth {
        if !listener::authorized(req.headers().get(http::header::AUTHORIZATION), auth) {
            return Status::unauthenticated("missing or invalid bearer token").into_http();
        }
    }
    if state.intake.saturated() {
        // Refused before the message is read: it would not be admitted anyway.
        crate::telemetry::events::receiver_request(&state.id, TRANSPORT, "refused");
        return status_with_retry(
            Code::ResourceExhausted,
            "spotter's memory budget is used up, retry later".to_string(),
            RETRY_AFTER,
        )
        .into_http();
    }
    let mut accept = EnabledCompressionEncodings::default();
    accept.enable(CompressionEncoding::Gzip);
    accept.enable(CompressionEncoding::Zstd);
    let max = state.max_message;
    let mut grpc = tonic::server::Grpc::new(RawCodec)
        .apply_compression_config(accept, EnabledCompressionEncodings::default())
        .apply_max_message_size_config(Some(max), None);
    let read_timeout = state.read_timeout;
    match tokio::time::timeout(read_timeout, grpc.unary(ExportSvc { state, signal }, req)).await {
        Ok(resp) => resp,
        Err(_) => Status::deadline_exceeded(format!(
            "request not received and handled within {}s",
            read_timeout.as_secs_f64()
        ))
        .into_http(),
    }
}
