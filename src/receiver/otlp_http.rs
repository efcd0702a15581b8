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
use bytes::BytesMut;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use prost::Message;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use super::{decode, ingest, DecodeError, Format, IngestError};
use crate::config::{BearerAuth, HttpServerConfig};
use crate::listener::{self, Protocol};
use crate::pipeline::{Intake, Signal, SubmitError, Ticket};
use crate::telemetry::events;

const TRANSPORT: &str = "http";

struct State {
    id: String,
    intake: Intake,
    auth: Option<BearerAuth>,
    max_body: usize,
    max_decompressed: usize,
    read_timeout: std::time::Duration,
}

impl State {
    fn new(id: &str, config: &HttpServerConfig, auth: Option<BearerAuth>, intake: Intake) -> Self {
        State {
            id: id.to_string(),
            intake,
            auth,
            max_body: config.max_request_body_size,
            max_decompressed: config.max_decompressed_body_size,
            read_timeout: config.connections.read_timeout,
        }
    }
}

/// What a reload replaces in a running OTLP/HTTP receiver: the pipelines it feeds and its
/// request options. The listener and its connections stay.
pub struct Swap(Arc<listener::Slot<State>>);

impl Swap {
    pub fn update(
        &self,
        id: &str,
        config: &HttpServerConfig,
        auth: Option<BearerAuth>,
        intake: Intake,
    ) {
        self.0.set(State::new(id, config, auth, intake));
    }
}

/// Bind and serve; the returned task ends when `stop` flips, after which every connection is
/// closed cleanly (`Connection: close` after its request in progress).
pub async fn serve(
    id: &str,
    config: &HttpServerConfig,
    auth: Option<BearerAuth>,
    tls: Option<TlsAcceptor>,
    intake: Intake,
    stop: watch::Receiver<bool>,
) -> std::io::Result<(SocketAddr, JoinHandle<()>, Swap)> {
    let (tcp, local) = listener::bind(config.endpoint).await?;
    let slot = listener::Slot::new(State::new(id, config, auth, intake));
    let state = slot.clone();
    tracing::info!(receiver = id, endpoint = %local, tls = tls.is_some(), "OTLP/HTTP receiver listening");
    let task = listener::spawn(
        tcp,
        tls,
        Protocol::Http,
        config.connections,
        &format!("{id}/http"),
        stop,
        move |req| {
            let state = state.get();
            async move { handle(&state, req).await }
        },
    );
    Ok((local, task, Swap(slot)))
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

/// Why a body was not read to its end.
enum BodyRefusal {
    TooLarge,
    Overloaded,
    Slow,
    Broken(String),
}

impl BodyRefusal {
    fn response(self, state: &State, format: Format) -> Response<Full<Bytes>> {
        match self {
            BodyRefusal::TooLarge => error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format,
                8,
                &format!("request body exceeds the limit of {} bytes", state.max_body),
            ),
            BodyRefusal::Overloaded => {
                events::receiver_request(&state.id, TRANSPORT, "refused");
                with_retry_after(
                    error(
                        StatusCode::TOO_MANY_REQUESTS,
                        format,
                        8,
                        "spotter's memory budget cannot take this request now, retry later",
                    ),
                    crate::pipeline::RETRY_AFTER.as_secs(),
                )
            }
            BodyRefusal::Slow => error(
                StatusCode::REQUEST_TIMEOUT,
                format,
                4,
                &format!(
                    "request body not received within {}s",
                    state.read_timeout.as_secs_f64()
                ),
            ),
            BodyRefusal::Broken(e) => error(
                StatusCode::BAD_REQUEST,
                format,
                3,
                &format!("cannot read request body: {e}"),
            ),
        }
    }
}

/// Read and throw away what is left of a refused request's body, at most `max_body` bytes within
/// `read_timeout`, so that a client still sending can finish and read the refusal (429 / 413)
/// instead of a broken pipe. Nothing is kept, so the memory budget is untouched, and the
/// connection caps and timeouts bound how many such drains run.
fn discard_rest(state: &State, mut body: Incoming) {
    let (limit, timeout) = (state.max_body, state.read_timeout);
    tokio::spawn(async move {
        let drain = async {
            let mut seen = 0usize;
            while let Some(Ok(frame)) = body.frame().await {
                if let Ok(data) = frame.into_data() {
                    seen += data.len();
                    if seen > limit {
                        break;
                    }
                }
            }
        };
        let _ = tokio::time::timeout(timeout, drain).await;
    });
}

/// Read a body within `max_body` and `read_timeout`, counting its bytes against the memory
/// guard as they arrive: a declared length is admitted (or refused) before anything is read,
/// and a body that grows past what the budget has free is refused at once.
async fn read_body(
    state: &State,
    body: &mut Incoming,
    declared: Option<usize>,
) -> Result<(Bytes, Ticket), BodyRefusal> {
    if declared.is_some_and(|n| n > state.max_body) {
        return Err(BodyRefusal::TooLarge);
    }
    let ticket = state
        .intake
        .admit(declared.unwrap_or(0))
        .map_err(|_| BodyRefusal::Overloaded)?;
    let read = async {
        let mut buf = BytesMut::with_capacity(declared.unwrap_or(0));
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| BodyRefusal::Broken(e.to_string()))?;
            let Ok(data) = frame.into_data() else {
                continue;
            };
            if buf.len() + data.len() > state.max_body {
                return Err(BodyRefusal::TooLarge);
            }
            let grown = (buf.len() + data.len()).saturating_sub(ticket.bytes());
            if !ticket.try_grow(grown) {
                return Err(BodyRefusal::Overloaded);
            }
            buf.extend_from_slice(&data);
        }
        Ok(buf.freeze())
    };
    match tokio::time::timeout(state.read_timeout, read).await {
        Ok(Ok(bytes)) => Ok((bytes, ticket)),
        Ok(Err(refusal)) => Err(refusal),
        Err(_) => Err(BodyRefusal::Slow),
    }
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
        discard_rest(state, req.into_body());
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
    let declared = req
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut incoming = req.into_body();
    let (body, ticket) = match read_body(state, &mut incoming, declared).await {
        Ok(read) => read,
        Err(refusal) => {
            if matches!(refusal, BodyRefusal::TooLarge | BodyRefusal::Overloaded) {
                discard_rest(state, incoming);
            }
            return refusal.response(state, format);
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
    match ingest(
        &state.intake,
        &state.id,
        TRANSPORT,
        signal,
        format,
        plain,
        Some(ticket),
    )
    .await
    {
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
