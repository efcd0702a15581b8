//! A running spotter: listeners that live as long as the process, and behind them one
//! generation of pipelines and exporters built from a [`Plan`]; the reload that replaces the
//! generation (rolling back when the new one cannot start), and the bounded shutdown.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use metrics_exporter_prometheus::PrometheusHandle;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

mod engine;
pub mod plan;

use self::engine::Engine;
pub use self::plan::Plan;
use crate::config::{Config, ConfigError, FileStorageConfig};
use crate::exporter::ExporterRunner;
use crate::extension::file_storage::{Replayed, Wal, WalError};
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
    crate::exporter::evalcases::describe,
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
    metrics: Option<PrometheusHandle>,
    /// Running listeners by config path (`receivers.otlp.protocols.http`,
    /// `service.telemetry.metrics`, `extensions.health_check`).
    listeners: BTreeMap<String, Running>,
    current: Generation,
    /// Generations a reload replaced, draining.
    retiring: Vec<JoinHandle<()>>,
}

/// A running listener.
struct Running {
    /// What it was bound with (endpoint, TLS, connection limits); a change rebinds it.
    identity: String,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    swap: Option<receiver::Swap>,
}

impl Running {
    /// Stop accepting and close its connections cleanly; wait at most until `deadline`.
    async fn stop(self, deadline: tokio::time::Instant) {
        let _ = self.stop.send(true);
        if let Some(t) = self.task {
            let _ = tokio::time::timeout_at(deadline, t).await;
        }
    }
}

/// One generation of pipelines: what a reload builds anew and the old one drains.
struct Generation {
    closed: Arc<AtomicBool>,
    stop_pipelines: watch::Sender<bool>,
    pipeline_tasks: Vec<JoinHandle<()>>,
    exporters: Vec<Arc<ExporterRunner>>,
    wal: Option<Arc<Wal>>,
    wal_config: Option<FileStorageConfig>,
    guard: Arc<MemoryGuard>,
    intakes: BTreeMap<String, Intake>,
    shutdown_timeout: Duration,
}

/// A started generation, the config it came from, the TLS acceptors its listeners take, and
/// what the write-ahead log kept from before.
type Started = (Generation, Config, Tls, Vec<Replayed>);

/// TLS acceptors by listener key.
type Tls = BTreeMap<String, tokio_rustls::TlsAcceptor>;

impl Generation {
    /// Start a plan's exporters and pipelines. The write-ahead log and the memory guard of
    /// `previous` are kept when their settings did not change.
    fn start(plan: Plan, previous: Option<&Generation>) -> Result<Started, StartError> {
        let Plan {
            config,
            pipelines,
            exporters,
            tls,
        } = plan;
        let (wal, replay) = match (&config.file_storage, previous) {
            (Some(fs), Some(prev))
                if prev.wal_config.as_ref().map(|p| &p.directory) == Some(&fs.directory) =>
            {
                (prev.wal.clone(), Vec::new())
            }
            (Some(fs), _) => {
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
            (None, _) => (None, Vec::new()),
        };
        let guard = match previous {
            Some(prev) if prev.guard.limit() == config.memory_limit.max(1) => prev.guard.clone(),
            _ => {
                let guard = MemoryGuard::new(config.memory_limit);
                // The resident-memory sampler ends on its own when the last holder of the guard
                // is gone.
                drop(guard.watch());
                guard
            }
        };
        let (stop_pipelines, stop_pipe_rx) = watch::channel(false);
        let closed = Arc::new(AtomicBool::new(false));
        let mut runners: BTreeMap<String, Arc<ExporterRunner>> = BTreeMap::new();
        for (id, built) in exporters {
            let runner = ExporterRunner::start(&id, built);
            runners.insert(id, runner);
        }
        let mut senders: BTreeMap<String, (Signal, bool, mpsc::Sender<Batch>)> = BTreeMap::new();
        let mut pipeline_tasks = Vec::new();
        for p in pipelines {
            // A traces pipeline whose join takes GenAI log events gets its receivers' logs too.
            let takes_logs = p.takes_logs();
            let engine = Engine {
                id: p.id.clone(),
                chain: Chain::new(p.processors).counted(&p.id, p.signal),
                exporters: p.exporters.iter().map(|e| runners[e].clone()).collect(),
            };
            let (tx, rx) = mpsc::channel(PIPELINE_INTAKE_BATCHES);
            senders.insert(p.id.clone(), (p.signal, takes_logs, tx));
            pipeline_tasks.push(tokio::spawn(engine.run(rx, stop_pipe_rx.clone())));
        }
        let mut intakes = BTreeMap::new();
        for r in &config.receivers {
            let mut traces = Vec::new();
            let mut logs = Vec::new();
            for p in config.pipelines_of_receiver(&r.id) {
                let (signal, takes_logs, tx) = &senders[&p.id];
                match signal {
                    Signal::Traces => traces.push(tx.clone()),
                    Signal::Logs => logs.push(tx.clone()),
                }
                if *takes_logs {
                    logs.push(tx.clone());
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
            intakes.insert(r.id.clone(), intake);
        }
        let generation = Generation {
            closed,
            stop_pipelines,
            pipeline_tasks,
            exporters: runners.into_values().collect(),
            wal,
            wal_config: config.file_storage.clone(),
            guard,
            intakes,
            shutdown_timeout: config.shutdown_timeout,
        };
        Ok((generation, config, tls, replay))
    }

    /// Refuse new data (503 / UNAVAILABLE), run what was accepted through the processors, and
    /// deliver it by `deadline`; what is left then stays in the write-ahead log or is counted
    /// as failed (see `ExporterRunner::drain`).
    async fn drain(self, deadline: Instant) {
        self.closed.store(true, Ordering::SeqCst);
        drop(self.intakes);
        let _ = self.stop_pipelines.send(true);
        let until = tokio::time::Instant::from_std(deadline);
        for t in self.pipeline_tasks {
            let _ = tokio::time::timeout_at(until, t).await;
        }
        let wal = self.wal.clone();
        let give_up = move || {
            if let Some(w) = &wal {
                w.abandon();
            }
        };
        let durable = self.wal.is_some();
        let drains = self
            .exporters
            .iter()
            .map(|e| e.drain(deadline, durable, &give_up));
        futures::future::join_all(drains).await;
    }
}

/// What a reload does with one listener.
enum Step {
    /// Keep it; point it at the new generation.
    Keep(String),
    /// A new listener, already serving the new generation.
    Add(String, Running),
    /// Same address, different TLS or limits: stop the old one, then bind anew.
    Rebind(String),
}

impl Service {
    /// Start everything a plan built; ready once this returns.
    pub async fn start(
        plan: Plan,
        health: Health,
        metrics: Option<PrometheusHandle>,
    ) -> Result<Service, StartError> {
        let (current, config, mut tls, replay) = Generation::start(plan, None)?;
        let mut service = Service {
            bound: BoundAddrs::default(),
            health,
            metrics,
            listeners: BTreeMap::new(),
            current,
            retiring: Vec::new(),
        };
        let steps = match service.prepare(&config, &service.current, &mut tls).await {
            Ok(steps) => steps,
            Err(e) => {
                service.current.drain(Instant::now()).await;
                return Err(e);
            }
        };
        service.commit(&config, steps, &mut tls).await;
        if !replay.is_empty() {
            tokio::spawn(receiver::replay(service.current.intakes.clone(), replay));
        }
        Ok(service)
    }

    /// Replace the running pipelines with a new plan's, keeping the listeners (and every
    /// connection on them) whose address, TLS and limits did not change. The new generation is
    /// started completely first; when anything fails (a bind, the write-ahead log), it is
    /// stopped and the running one keeps serving. The old generation drains in the background.
    pub async fn reload(&mut self, plan: Plan) -> Result<(), StartError> {
        let (next, config, mut tls, replay) = Generation::start(plan, Some(&self.current))?;
        let steps = match self.prepare(&config, &next, &mut tls).await {
            Ok(steps) => steps,
            Err(e) => {
                let deadline = Instant::now() + next.shutdown_timeout;
                self.retiring.push(tokio::spawn(next.drain(deadline)));
                return Err(e);
            }
        };
        let old = std::mem::replace(&mut self.current, next);
        self.commit(&config, steps, &mut tls).await;
        let deadline = Instant::now() + old.shutdown_timeout;
        self.retiring.push(tokio::spawn(old.drain(deadline)));
        self.retiring.retain(|t| !t.is_finished());
        if !replay.is_empty() {
            tokio::spawn(receiver::replay(self.current.intakes.clone(), replay));
        }
        Ok(())
    }

    /// Bind every listener `config` needs that is not running yet; on any failure, stop the
    /// ones bound so far and return the error.
    async fn prepare(
        &self,
        config: &Config,
        generation: &Generation,
        tls: &mut Tls,
    ) -> Result<Vec<Step>, StartError> {
        let mut steps = Vec::new();
        let result = self.prepare_into(config, generation, tls, &mut steps).await;
        if let Err(e) = result {
            let now = tokio::time::Instant::now();
            for step in steps {
                if let Step::Add(_, running) = step {
                    running.stop(now).await;
                }
            }
            return Err(e);
        }
        Ok(steps)
    }

    async fn prepare_into(
        &self,
        config: &Config,
        generation: &Generation,
        tls: &mut Tls,
        steps: &mut Vec<Step>,
    ) -> Result<(), StartError> {
        for (key, identity) in wanted(config) {
            match self.listeners.get(&key) {
                Some(r) if r.identity == identity => steps.push(Step::Keep(key)),
                Some(r) if listen_addr_of(&identity) == listen_addr_of(&r.identity) => {
                    steps.push(Step::Rebind(key))
                }
                _ => {
                    let running = self.bind(config, generation, tls, &key, identity).await?;
                    steps.push(Step::Add(key, running));
                }
            }
        }
        Ok(())
    }

    /// Bind and serve the listener `key` of `config`.
    async fn bind(
        &self,
        config: &Config,
        generation: &Generation,
        tls: &mut Tls,
        key: &str,
        identity: String,
    ) -> Result<Running, StartError> {
        let (stop, stop_rx) = watch::channel(false);
        let mut receivers = config.receivers.clone();
        crate::listener::fit_receivers(&mut receivers);
        for r in &receivers {
            let Some(intake) = generation.intakes.get(&r.id) else {
                continue;
            };
            if let Some(g) = r.grpc.as_ref().filter(|_| *key == grpc_key(&r.id)) {
                let (addr, task, swap) = receiver::otlp_grpc::serve(
                    &r.id,
                    g,
                    r.auth.clone(),
                    tls.remove(key),
                    intake.clone(),
                    stop_rx,
                )
                .await
                .map_err(bind_error(key.to_string(), g.endpoint))?;
                return Ok(Running {
                    identity,
                    addr,
                    stop,
                    task: Some(task),
                    swap: Some(receiver::Swap::Grpc(swap)),
                });
            }
            if let Some(h) = r.http.as_ref().filter(|_| *key == http_key(&r.id)) {
                let (addr, task, swap) = receiver::otlp_http::serve(
                    &r.id,
                    h,
                    r.auth.clone(),
                    tls.remove(key),
                    intake.clone(),
                    stop_rx,
                )
                .await
                .map_err(bind_error(key.to_string(), h.endpoint))?;
                return Ok(Running {
                    identity,
                    addr,
                    stop,
                    task: Some(task),
                    swap: Some(receiver::Swap::Http(swap)),
                });
            }
        }
        let (addr, metrics) = match key {
            METRICS_KEY => (config.telemetry.metrics_address, self.metrics.clone()),
            _ => (config.health_endpoint, None),
        };
        let addr = addr.expect("wanted() lists only configured listeners");
        let local = health_check::serve(addr, self.health.clone(), metrics, stop_rx)
            .await
            .map_err(bind_error(key.to_string(), addr))?;
        Ok(Running {
            identity,
            addr: local,
            stop,
            task: None,
            swap: None,
        })
    }

    /// Point kept listeners at the current generation, start the new ones, rebind changed ones
    /// and stop those the config no longer has.
    async fn commit(&mut self, config: &Config, steps: Vec<Step>, tls: &mut Tls) {
        let mut receivers = config.receivers.clone();
        crate::listener::fit_receivers(&mut receivers);
        let mut keep = BTreeMap::new();
        let grace = tokio::time::Instant::now() + Duration::from_secs(5);
        for step in steps {
            match step {
                Step::Keep(key) => {
                    let running = self.listeners.remove(&key).expect("kept listener runs");
                    if let Some(swap) = &running.swap {
                        for r in &receivers {
                            if let Some(intake) = self.current.intakes.get(&r.id) {
                                swap.update(&key, r, intake.clone());
                            }
                        }
                    }
                    keep.insert(key, running);
                }
                Step::Add(key, running) => {
                    keep.insert(key, running);
                }
                Step::Rebind(key) => {
                    if let Some(old) = self.listeners.remove(&key) {
                        let identity = old.identity.clone();
                        old.stop(grace).await;
                        let identity = wanted(config)
                            .into_iter()
                            .find(|(k, _)| *k == key)
                            .map_or(identity, |(_, i)| i);
                        match self.bind(config, &self.current, tls, &key, identity).await {
                            Ok(running) => {
                                keep.insert(key, running);
                            }
                            Err(e) => tracing::error!(error = %e, "cannot rebind a listener"),
                        }
                    }
                }
            }
        }
        for (_, old) in std::mem::take(&mut self.listeners) {
            old.stop(grace).await;
        }
        self.listeners = keep;
        self.bound = BoundAddrs::default();
        for (key, running) in &self.listeners {
            match key.as_str() {
                METRICS_KEY => self.bound.metrics = Some(running.addr),
                HEALTH_KEY => self.bound.health = Some(running.addr),
                _ => {
                    if let Some((id, proto)) = receiver_of(key) {
                        let map = if proto == "grpc" {
                            &mut self.bound.grpc
                        } else {
                            &mut self.bound.http
                        };
                        map.insert(id.to_string(), running.addr);
                    }
                }
            }
        }
    }

    /// Drain within `shutdown_timeout`: stop the listeners (closing connections cleanly), then
    /// the current and any retiring generation. Returns by the deadline (plus the exporters'
    /// hard stop, see `ExporterRunner::drain`).
    pub async fn shutdown(self) {
        let deadline = Instant::now() + self.current.shutdown_timeout;
        self.health.set_draining();
        self.current.closed.store(true, Ordering::SeqCst);
        let until = tokio::time::Instant::from_std(deadline);
        for (_, running) in self.listeners {
            running.stop(until).await;
        }
        self.current.drain(deadline).await;
        for t in self.retiring {
            let _ = tokio::time::timeout_at(until, t).await;
        }
        tracing::info!("shutdown complete");
    }
}

const METRICS_KEY: &str = "service.telemetry.metrics";
const HEALTH_KEY: &str = "extensions.health_check";

fn grpc_key(id: &str) -> String {
    format!("receivers.{id}.protocols.grpc")
}

fn http_key(id: &str) -> String {
    format!("receivers.{id}.protocols.http")
}

/// The receiver id and protocol of a listener key.
fn receiver_of(key: &str) -> Option<(&str, &str)> {
    let rest = key.strip_prefix("receivers.")?;
    let (id, proto) = rest.rsplit_once(".protocols.")?;
    Some((id, proto))
}

/// The address part of a listener identity (its first word).
fn listen_addr_of(identity: &str) -> &str {
    identity.split(' ').next().unwrap_or_default()
}

/// Every listener `config` asks for, by key, with its identity: the address first, then what
/// else requires a new socket when it changes (TLS files, connection limits).
fn wanted(config: &Config) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for r in &config.receivers {
        if config.pipelines_of_receiver(&r.id).next().is_none() {
            continue;
        }
        if let Some(g) = &r.grpc {
            out.push((
                grpc_key(&r.id),
                format!("{} {:?} {:?}", g.endpoint, g.tls, g.connections),
            ));
        }
        if let Some(h) = &r.http {
            out.push((
                http_key(&r.id),
                format!("{} {:?} {:?}", h.endpoint, h.tls, h.connections),
            ));
        }
    }
    if let Some(addr) = config.telemetry.metrics_address {
        out.push((METRICS_KEY.to_string(), addr.to_string()));
    }
    if let Some(addr) = config.health_endpoint {
        out.push((HEALTH_KEY.to_string(), addr.to_string()));
    }
    out
}
