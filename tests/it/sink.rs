//! A downstream OTLP/gRPC receiver that records what spotter forwards, and can be told to fail.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{
    LogsService, LogsServiceServer,
};
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use tokio::sync::oneshot;
use tonic::{Request, Response, Status};

#[derive(Default)]
pub struct Recorded {
    pub traces: Mutex<Vec<ExportTraceServiceRequest>>,
    pub logs: Mutex<Vec<ExportLogsServiceRequest>>,
    /// Answer UNAVAILABLE while this is non-zero (decremented per refused request when
    /// `fail_count` mode is used, or held by the test).
    pub fail_unavailable: AtomicU32,
    pub refused: AtomicUsize,
    pub metadata: Mutex<Vec<tonic::metadata::MetadataMap>>,
}

impl Recorded {
    pub fn spans(&self) -> usize {
        self.traces
            .lock()
            .unwrap()
            .iter()
            .flat_map(|r| &r.resource_spans)
            .flat_map(|rs| &rs.scope_spans)
            .map(|ss| ss.spans.len())
            .sum()
    }

    /// Every span id received, in arrival order.
    pub fn span_ids(&self) -> Vec<Vec<u8>> {
        self.traces
            .lock()
            .unwrap()
            .iter()
            .flat_map(|r| &r.resource_spans)
            .flat_map(|rs| &rs.scope_spans)
            .flat_map(|ss| &ss.spans)
            .map(|s| s.span_id.clone())
            .collect()
    }
}

#[derive(Clone)]
struct Svc(Arc<Recorded>);

impl Svc {
    fn gate(&self) -> Result<(), Status> {
        let n = self.0.fail_unavailable.load(Ordering::SeqCst);
        if n > 0 {
            self.0.refused.fetch_add(1, Ordering::SeqCst);
            return Err(Status::unavailable("sink is failing on purpose"));
        }
        Ok(())
    }
}

#[tonic::async_trait]
impl TraceService for Svc {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        self.gate()?;
        self.0
            .metadata
            .lock()
            .unwrap()
            .push(request.metadata().clone());
        self.0.traces.lock().unwrap().push(request.into_inner());
        Ok(Response::new(ExportTraceServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl LogsService for Svc {
    async fn export(
        &self,
        request: Request<ExportLogsServiceRequest>,
    ) -> Result<Response<ExportLogsServiceResponse>, Status> {
        self.gate()?;
        self.0.logs.lock().unwrap().push(request.into_inner());
        Ok(Response::new(ExportLogsServiceResponse::default()))
    }
}

/// A running sink; dropping it (or calling `stop`) closes the port.
pub struct Sink {
    pub addr: SocketAddr,
    pub recorded: Arc<Recorded>,
    stop: Option<oneshot::Sender<()>>,
}

impl Sink {
    pub async fn start() -> Sink {
        Self::start_at(
            "127.0.0.1:0".parse().unwrap(),
            Arc::new(Recorded::default()),
        )
        .await
    }

    /// Start on a given address (to come back on the same port after an outage).
    pub async fn start_at(addr: SocketAddr, recorded: Arc<Recorded>) -> Sink {
        let listener = loop {
            match tokio::net::TcpListener::bind(addr).await {
                Ok(l) => break l,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let svc = Svc(recorded.clone());
        tokio::spawn(async move {
            tonic::transport::Server::builder()
                .add_service(
                    TraceServiceServer::new(svc.clone())
                        .accept_compressed(tonic::codec::CompressionEncoding::Gzip)
                        .accept_compressed(tonic::codec::CompressionEncoding::Zstd)
                        .max_decoding_message_size(64 << 20),
                )
                .add_service(
                    LogsServiceServer::new(svc)
                        .accept_compressed(tonic::codec::CompressionEncoding::Gzip),
                )
                .serve_with_incoming_shutdown(
                    tokio_stream::wrappers::TcpListenerStream::new(listener),
                    async {
                        let _ = rx.await;
                    },
                )
                .await
                .unwrap();
        });
        Sink {
            addr,
            recorded,
            stop: Some(tx),
        }
    }

    /// Wait until at least `n` spans arrived, or the timeout passes.
    pub async fn wait_for_spans(&self, n: usize, timeout: Duration) -> usize {
        let until = tokio::time::Instant::now() + timeout;
        loop {
            let got = self.recorded.spans();
            if got >= n || tokio::time::Instant::now() >= until {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}
