//! A running spotter: receivers, pipelines and exporters built from one [`Config`], and the
//! ordered shutdown that drains them.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use metrics_exporter_prometheus::PrometheusHandle;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

mod engine;
pub mod plan;

use self::engine::Engine;
pub use self::plan::Plan;
use crate::config::ConfigError;
use crate::exporter::ExporterRunner;
use crate::extension::file_storage::{Wal, WalError};
use crate::extension::{health_check, Health};
use crate::pipeline::{Batch, Intake, MemoryGuard, Signal};
use crate::processor::chain::Chain;
use crate::receiver;
use crate::telemetry::Describe;

/// The describe hooks of every component family: the metrics spotter can emit.
pub const METRICS: &[Describe] = &[
    crate::telemetry::events::describe,
    crate::extension::describe,
    crate::processor::describe,
];

/// Install the process-wide Prometheus recorder with every component's metrics.
pub fn metrics_recorder() -> PrometheusHandle {
    crate::telemetry::catalog::install(METRICS)
}

/// Batches a pipeline's intake holds before receivers are told to back off.
pub const PIPELINE_INTAKE_BATCHES: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Wal(#[from] WalError),
    #[error("cannot listen on {addr} for {what}: {source}")]
    Bind {
        what: String,
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// Name the listener and address a bind failed for.
fn bind_error(what: String, addr: SocketAddr) -> impl FnOnce(std::io::Error) -> StartError {
    move |source| StartError::Bind { what, addr, source }
}

/// The addresses actually bound (port 0 in a config becomes a real port).
#[derive(Debug, Clone, Default)]
pub struct BoundAddrs {
    pub grpc: BTreeMap<String, SocketAddr>,
    pub http: BTreeMap<String, SocketAddr>,
    pub metrics: Option<SocketAddr>,
    pub health: Option<SocketAddr>,
}

pub struct Service {
    pub bound: BoundAddrs,
    health: Health,
    closed: Arc<AtomicBool>,
    stop_listeners: watch::Sender<bool>,
    stop_pipelines: watch::Sender<bool>,
    listener_tasks: Vec<JoinHandle<()>>,
    pipeline_tasks: Vec<JoinHandle<()>>,
    exporters: Vec<Arc<ExporterRunner>>,
    wal: Option<Arc<Wal>>,
    shutdown_timeout: std::time::Duration,
}

impl Service {
    /// Start everything a plan built; ready once this returns.
    pub async fn start(
        plan: Plan,
        health: Health,
        metrics: Option<PrometheusHandle>,
    ) -> Result<Service, StartError> {
        let Plan {
            config,
            pipelines,
            exporters,
            mut tls,
        } = plan;
        let config = &config;
        let (stop_listeners, stop_rx) = watch::channel(false);
        let (stop_pipelines, stop_pipe_rx) = watch::channel(false);
        let closed = Arc::new(AtomicBool::new(false));
        let mut bound = BoundAddrs::default();

        let mut runners: BTreeMap<String, Arc<ExporterRunner>> = BTreeMap::new();
        for (id, built) in exporters {
            let runner = ExporterRunner::start(&id, built);
            runners.insert(id, runner);
        }

        let mut senders: BTreeMap<String, (Signal, mpsc::Sender<Batch>)> = BTreeMap::new();
        let mut pipeline_tasks = Vec::new();
        for p in pipelines {
            let engine = Engine {
                id: p.id.clone(),
                chain: Chain::new(p.processors).counted(&p.id, p.signal),
                exporters: p.exporters.iter().map(|e| runners[e].clone()).collect(),
            };
            let (tx, rx) = mpsc::channel(PIPELINE_INTAKE_BATCHES);
            senders.insert(p.id.clone(), (p.signal, tx));
            pipeline_tasks.push(tokio::spawn(engine.run(rx, stop_pipe_rx.clone())));
        }

        let guard = MemoryGuard::new(config.memory_limit);
        let (wal, replay) = match &config.file_storage {
            Some(fs) => {
                let (wal, replay) =
                    Wal::open(&fs.directory, fs.fsync, fs.max_size, fs.segment_size)?;
                if !replay.is_empty() {
                    tracing::info!(
                        records = replay.len(),
                        "replaying undelivered data from the write-ahead log"
                    );
                }
                (Some(wal), replay)
            }
            None => (None, Vec::new()),
        };
        let mut intakes: BTreeMap<String, Intake> = BTreeMap::new();
        let mut listener_tasks = Vec::new();
        for r in &config.receivers {
            let mut traces = Vec::new();
            let mut logs = Vec::new();
            for p in config.pipelines_of_receiver(&r.id) {
                let (signal, tx) = &senders[&p.id];
                match signal {
                    Signal::Traces => traces.push(tx.clone()),
                    Signal::Logs => logs.push(tx.clone()),
                }
            }
            if traces.is_empty() && logs.is_empty() {
                continue;
            }
            let intake = Intake::new(
                traces,
                logs,
                closed.clone(),
                guard.clone(),
                r.limits,
                wal.clone(),
            );
            intakes.insert(r.id.clone(), intake.clone());
            if let Some(g) = &r.grpc {
                let (addr, task) = receiver::otlp_grpc::serve(
                    &r.id,
                    g,
                    r.auth.clone(),
                    tls.remove(&format!("receivers.{}.protocols.grpc", r.id)),
                    intake.clone(),
                    stop_rx.clone(),
                )
                .await
                .map_err(bind_error(
                    format!("receivers.{}.protocols.grpc", r.id),
                    g.endpoint,
                ))?;
                bound.grpc.insert(r.id.clone(), addr);
                listener_tasks.push(task);
            }
            if let Some(h) = &r.http {
                let (addr, task) = receiver::otlp_http::serve(
                    &r.id,
                    h,
                    r.auth.clone(),
                    tls.remove(&format!("receivers.{}.protocols.http", r.id)),
                    intake.clone(),
                    stop_rx.clone(),
                )
                .await
                .map_err(bind_error(
                    format!("receivers.{}.protocols.http", r.id),
                    h.endpoint,
                ))?;
                bound.http.insert(r.id.clone(), addr);
                listener_tasks.push(task);
            }
        }
        drop(senders);

        if let Some(addr) = config.telemetry.metrics_address {
            let local = health_check::serve(addr, health.clone(), metrics.clone(), stop_rx.clone())
                .await
                .map_err(bind_error("service.telemetry.metrics".into(), addr))?;
            bound.metrics = Some(local);
        }
        if let Some(addr) = config.health_endpoint {
            let local = health_check::serve(addr, health.clone(), None, stop_rx.clone())
                .await
                .map_err(bind_error("extensions.health_check".into(), addr))?;
            bound.health = Some(local);
        }

        if !replay.is_empty() {
            tokio::spawn(receiver::replay(intakes, replay));
        }

        Ok(Service {
            bound,
            wal,
            health,
            closed,
            stop_listeners,
            stop_pipelines,
            listener_tasks,
            pipeline_tasks,
            exporters: runners.into_values().collect(),
            shutdown_timeout: config.shutdown_timeout,
        })
    }

    /// Drain: refuse new data (503 / UNAVAILABLE), stop the listeners, run what was accepted
    /// through the processors, and deliver it within the shutdown deadline.
    pub async fn shutdown(self) {
        let deadline = Instant::now() + self.shutdown_timeout;
        self.health.set_draining();
        self.closed.store(true, Ordering::SeqCst);
        let _ = self.stop_listeners.send(true);
        for t in self.listener_tasks {
            let _ = t.await;
        }
        let _ = self.stop_pipelines.send(true);
        for t in self.pipeline_tasks {
            let _ = t.await;
        }
        let wal = self.wal.clone();
        let give_up = move || {
            if let Some(w) = &wal {
                w.abandon();
            }
        };
        let drains = self.exporters.iter().map(|e| e.drain(deadline, &give_up));
        futures::future::join_all(drains).await;
        tracing::info!("shutdown complete");
    }
}
