//! OTLP/HTTP: `POST /v1/traces` and `POST /v1/logs` (any path ending so, e.g. Langfuse's
//! `/api/public/otel/v1/traces`), protobuf or JSON, optionally gzip/zstd/deflate-compressed.
//!
//! Answers: 200 with an `Export*ServiceResponse` (partial success when spans were rejected);
//! 400 undecodable; 404 unknown path; 405 not POST; 413 body or decompressed body too large;
//! 415 unknown content type; 429 + `Retry-After` when full; 503 + `Retry-After` while shutting
//! down. Error bodies are a `google.rpc.Status` in the request's format.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use prost::Message;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use super::{decode, ingest, DecodeError, Format, IngestError};
use crate::config::{BearerAuth, HttpServerConfig};
use crate::listener::{self, Protocol};
use crate::pipeline::{Intake, Signal, SubmitError};

const TRANSPORT: &str = "http";

struct State {
    id: String,
    intake: Intake,
    auth: Option<BearerAuth>,
    max_body: usize,
    max_decompressed: usize,
}

/// Bind and serve; the returned task ends when `stop` flips (open connections finish on their
/// own and get 503s from then on).
pub async fn serve(
    id: &str,
    config: &HttpServerConfig,
    auth: Option<BearerAuth>,
    tls: Option<TlsAcceptor>,
    intake: Intake,
    stop: watch::Receiver<bool>,
) -> std::io::Result<(SocketAddr, JoinHandle<()>)> {
    let (tcp, local) = listener::bind(config.endpoint).await?;
    let state = Arc::new(State {
        id: id.to_string(),
        intake,
        auth,
        max_body: config.max_request_body_size,
        max_decompressed: config.max_decompressed_body_size,
    });
    tracing::info!(receiver = id, endpoint = %local, tls = tls.is_some(), "OTLP/HTTP receiver listening");
    let task = listener::spawn(tcp, tls, Protocol::Http, stop, move |req| {
        let state = state.clone();
        async move { handle(&state, req).await }
    });
    Ok((local, task))
}

fn format_of(content_type: Option<&HeaderValue>) -> Option<Format> {
    let ct = content_type?.to_str().ok()?;
    let mime = ct.split(';').next()?.trim().to_ascii_lowercase();
    match mime.as_str() {
        "application/x-protobuf" | "application/protobuf" => Some(Format::Protobuf),
        "application/json" => Some(Format::Json),
        _ => None,
    }
}

/// A `google.rpc.Status` body in the request's format.
fn error(
    status: StatusCode,
    format: Format,
    grpc_code: i32,
    message: &str,
) -> Response<Full<Bytes>> {
    let (body, ct) = match format {
        Format::Protobuf => (
            tonic_types::pb::Status {
                code: grpc_code,
                message: message.to_string(),
                details: Vec::new(),
            }
            .encode_to_vec(),
            "application/x-protobuf",
        ),
        Format::Json => (
            serde_json::to_vec(&serde_json::json!({ "code": grpc_code, "message": message }))
                .unwrap_or_default(),
            "application/json",
        ),
    };
    Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, ct)
        .body(Full::new(Bytes::from(body)))
        .expect("static response parts")
}

fn with_retry_after(mut resp: Response<Full<Bytes>>, secs: u64) -> Response<Full<Bytes>> {
    resp.headers_mut()
        .insert(http::header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
    resp
}

async fn handle(state: &State, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let path = req.uri().path();
    let signal = if path.ends_with("/v1/traces") {
        Signal::Traces
    } else if path.ends_with("/v1/logs") {
        Signal::Logs
    } else {
        return error(
            StatusCode::NOT_FOUND,
            Format::Json,
            5,
            &format!("unknown path {path:?}; use /v1/traces or /v1/logs"),
        );
    };
    let format = format_of(req.headers().get(http::header::CONTENT_TYPE));
    if req.method() != Method::POST {
        return error(
            StatusCode::METHOD_NOT_ALLOWED,
            format.unwrap_or(Format::Json),
            12,
            "use POST",
        );
    }
    if let Some(auth) = &state.auth {
        if !listener::authorized(req.headers().get(http::header::AUTHORIZATION), auth) {
            let mut resp = error(
                StatusCode::UNAUTHORIZED,
                format.unwrap_or(Format::Json),
                16,
                "missing or invalid bearer token",
            );
            resp.headers_mut().insert(
                http::header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer"),
            );
            return resp;
        }
    }
    let Some(format) = format else {
        let ct = req
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("(none)")
            .to_string();
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Format::Json,
            3,
            &format!(
                "unsupported content type {ct:?}; use application/x-protobuf or application/json"
            ),
        );
    };
    if !state.intake.accepts(signal) {
        return error(
            StatusCode::NOT_FOUND,
            format,
            12,
            &format!("no pipeline takes {}", signal.as_str()),
        );
    }
    if state.intake.saturated() {
        return with_retry_after(
            error(
                StatusCode::TOO_MANY_REQUESTS,
                format,
                8,
                "spotter's memory budget is used up, retry later",
            ),
            crate::pipeline::RETRY_AFTER.as_secs(),
        );
    }
    let encoding = req
        .headers()
        .get(http::header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = match Limited::new(req.into_body(), state.max_body)
        .collect()
        .await
    {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                return error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format,
                    8,
                    &format!("request body exceeds the limit of {} bytes", state.max_body),
                );
            }
            return error(
                StatusCode::BAD_REQUEST,
                format,
                3,
                &format!("cannot read request body: {e}"),
            );
        }
    };
    let plain = match decode::decompress(encoding.as_deref(), &body, state.max_decompressed) {
        Ok(p) => p,
        Err(e @ DecodeError::TooLarge { .. }) => {
            return error(StatusCode::PAYLOAD_TOO_LARGE, format, 8, &e.to_string())
        }
        Err(e) => return error(StatusCode::BAD_REQUEST, format, 3, &e.to_string()),
    };
    drop(body);
    match ingest(&state.intake, &state.id, TRANSPORT, signal, format, plain).await {
        Ok(accepted) => {
            let ct = match format {
                Format::Protobuf => "application/x-protobuf",
                Format::Json => "application/json",
            };
            Response::builder()
                .status(StatusCode::OK)
                .header(http::header::CONTENT_TYPE, ct)
                .body(Full::new(accepted.response(signal, format)))
                .expect("static response parts")
        }
        Err(IngestError::Decode(e)) => error(StatusCode::BAD_REQUEST, format, 3, &e.to_string()),
        Err(IngestError::Submit(e @ SubmitError::Overloaded { retry_after })) => with_retry_after(
            error(StatusCode::TOO_MANY_REQUESTS, format, 8, &e.to_string()),
            retry_after.as_secs(),
        ),
        Err(IngestError::Submit(e @ SubmitError::ShuttingDown)) => with_retry_after(
            error(StatusCode::SERVICE_UNAVAILABLE, format, 14, &e.to_string()),
            crate::pipeline::RETRY_AFTER.as_secs(),
        ),
        Err(IngestError::Submit(e @ SubmitError::NoPipeline(_))) => {
            error(StatusCode::NOT_FOUND, format, 12, &e.to_string())
        }
    }
}
