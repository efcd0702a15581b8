//! Pass-through and agent-pipeline benchmark: realistic agent spans over OTLP/HTTP protobuf (or
//! OTLP/gRPC) into a release spotter pinned to core 0, out through its exporter to a decoding
//! sink; the generator and the sink share core 1.
//!
//! ```text
//! cargo bench --bench passthrough -- [--mode gzip|none|steady|agent|grpc|steady1k|steady10k|all|issue]
//!     [--spans N] [--spans-per-request N] [--concurrency N] [--rate SPANS_PER_S]
//!     [--duration SECS] [--steady-batch N] [--gzip-level N] [--settle SECS] [--config FILE]
//!     [--spotter BIN] [--rotel BIN] [--no-pin]
//! ```
//!
//! Modes: `gzip` and `none` send `--spans` spans as fast as spotter takes them, exporting with
//! and without gzip; `steady` sends `--rate` spans/s for `--duration` seconds and reports the
//! added latency (client send time to sink receipt, batching wait included). Every mode starts a
//! fresh collector and sink and reports its CPU seconds (/proc/PID/stat), its peak RSS (VmHWM)
//! and spans per CPU-second (spans/s ÷ CPU utilisation).
//!
//! The agent modes use the full default pipeline (`benches/agent.yaml`):
//! - `agent`: max rate, gzip export; peak RSS, and RSS idle before and `--settle` seconds after;
//! - `steady1k` / `steady10k`: 1,000 / 10,000 spans/s for `--duration` seconds from 1,200 /
//!   6,000 live sessions taking turns (one trace per turn); RSS at the end, added latency of all
//!   spans and of the spans whose session spotter already knows (later turns);
//! - `grpc`: `[batch]` pass-through with gRPC in and gRPC out (gzip), `benches/grpc.yaml`.
//!
//! `issue` runs `agent`, `grpc`, `steady1k` and `steady10k`. With `--rotel PATH/rotel-agent`,
//! every max-rate mode also runs Rotel's pass-through on the same load, right after spotter, and
//! prints the ratio of spans per CPU-second. `bash benches/rotel.sh` installs Rotel from PyPI
//! into `.venv-bench` and prints that path:
//! `cargo bench --bench passthrough -- --mode issue --rotel "$(bash benches/rotel.sh)"`.
//!
//! `--config` takes a spotter config (default `benches/passthrough.yaml`) for the pass-through
//! modes, reading its addresses and compression from `SPOTTER_BENCH_*` variables.

mod load;
mod process;
mod sink;
mod workload;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use bytes::Bytes;
use prost::Message;

use load::Transport;

const PINNED_ENV: &str = "SPOTTER_BENCH_PINNED";

struct Args {
    modes: Vec<String>,
    spans: u64,
    spans_per_request: usize,
    concurrency: usize,
    rate: u64,
    duration: u64,
    steady_batch: usize,
    gzip_level: u32,
    settle: u64,
    config: PathBuf,
    root: PathBuf,
    spotter: PathBuf,
    /// Also measure Rotel's `rotel-agent` (same workload, sink and pinning).
    rotel: Option<PathBuf>,
    pin: bool,
    sink_role: bool,
}

fn parse_args() -> anyhow::Result<Args> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut a = Args {
        modes: vec!["gzip".into(), "none".into(), "steady".into()],
        spans: 200_000,
        spans_per_request: 100,
        concurrency: 8,
        rate: 10_000,
        duration: 20,
        steady_batch: 50,
        gzip_level: 1,
        settle: 60,
        config: root.join("benches/passthrough.yaml"),
        root,
        spotter: PathBuf::from(env!("CARGO_BIN_EXE_spotter")),
        rotel: None,
        pin: true,
        sink_role: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            // cargo bench passes --bench to harness-less targets.
            "--bench" => {}
            "--mode" => {
                let m = value()?;
                a.modes = match m.as_str() {
                    "all" => vec!["gzip".into(), "none".into(), "steady".into()],
                    "issue" => vec![
                        "agent".into(),
                        "grpc".into(),
                        "steady1k".into(),
                        "steady10k".into(),
                    ],
                    "gzip" | "none" | "steady" | "agent" | "grpc" | "steady1k" | "steady10k" => {
                        vec![m]
                    }
                    other => bail!("unknown mode {other:?}"),
                }
            }
            "--spans" => a.spans = value()?.parse()?,
            "--spans-per-request" => a.spans_per_request = value()?.parse()?,
            "--concurrency" => a.concurrency = value()?.parse()?,
            "--rate" => a.rate = value()?.parse()?,
            "--duration" => a.duration = value()?.parse()?,
            "--steady-batch" => a.steady_batch = value()?.parse()?,
            "--gzip-level" => a.gzip_level = value()?.parse()?,
            "--settle" => a.settle = value()?.parse()?,
            "--config" => a.config = value()?.into(),
            "--spotter" => a.spotter = value()?.into(),
            "--rotel" => a.rotel = Some(value()?.into()),
            "--no-pin" => a.pin = false,
            "--role" => a.sink_role = value()? == "sink",
            other => bail!("unknown argument {other:?}"),
        }
    }
    Ok(a)
}

/// Re-run this process on core 1 (generator and sink), leaving core 0 to the collector.
fn pin_to_core_1(args: &Args) -> anyhow::Result<()> {
    if !args.pin || std::env::var_os(PINNED_ENV).is_some() {
        return Ok(());
    }
    let me = std::env::current_exe()?;
    let err = Command::new("taskset")
        .arg("-c")
        .arg("1")
        .arg(me)
        .args(std::env::args().skip(1))
        .env(PINNED_ENV, "1")
        .exec();
    bail!("cannot re-run under taskset (use --no-pin to run unpinned): {err}")
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The processors of every pipeline in the config, for the report.
fn processors(config: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(config)
        .with_context(|| format!("cannot read {}", config.display()))?;
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text)?;
    let mut out = Vec::new();
    if let Some(pipelines) = yaml["service"]["pipelines"].as_mapping() {
        for (name, p) in pipelines {
            let list: Vec<&str> = p["processors"]
                .as_sequence()
                .map(|s| s.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            out.push(format!(
                "{}: [{}]",
                name.as_str().unwrap_or("?"),
                list.join(", ")
            ));
        }
    }
    Ok(out.join("; "))
}

/// The collector under test.
#[derive(Debug, Clone)]
enum Collector {
    /// spotter with this config.
    Spotter(PathBuf),
    /// Rotel's pass-through (default batching), exporting over this protocol.
    Rotel(PathBuf, Transport),
}

impl Collector {
    fn name(&self) -> &'static str {
        match self {
            Collector::Spotter(_) => "spotter",
            Collector::Rotel(..) => "Rotel",
        }
    }
}

struct Running {
    spotter: Child,
    sink: Child,
    sink_addr: String,
    http: String,
    grpc: String,
    log: PathBuf,
}

impl Running {
    fn stop(mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.spotter.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.spotter.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.spotter.kill();
        let _ = self.spotter.wait();
        let _ = self.sink.kill();
        let _ = self.sink.wait();
    }
}

fn start(
    args: &Args,
    collector: &Collector,
    compression: &str,
    tag: &str,
) -> anyhow::Result<Running> {
    let mut sink = Command::new(std::env::current_exe()?)
        .args(["--role", "sink"])
        .stdout(Stdio::piped())
        .spawn()?;
    let mut line = String::new();
    BufReader::new(sink.stdout.take().expect("piped"))
        .read_line(&mut line)
        .context("sink did not start")?;
    let sink_addr = line
        .trim()
        .strip_prefix("listening ")
        .context("sink said something else")?
        .to_string();

    let http = format!("127.0.0.1:{}", free_port()?);
    let health = format!("127.0.0.1:{}", free_port()?);
    // Tags are labels ("1000 spans/s, …"): keep only what a file name can hold.
    let file_tag: String = tag
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let log = std::env::temp_dir().join(format!("spotter-bench-{file_tag}.log"));
    let grpc = format!("127.0.0.1:{}", free_port()?);
    let program = match collector {
        Collector::Spotter(_) => &args.spotter,
        Collector::Rotel(bin, _) => bin,
    };
    let mut cmd = if args.pin {
        let mut c = Command::new("taskset");
        c.arg("-c").arg("0").arg(program);
        c
    } else {
        Command::new(program)
    };
    match collector {
        Collector::Spotter(config) => {
            cmd.arg("--config")
                .arg(config)
                .env("SPOTTER_BENCH_HTTP", &http)
                .env("SPOTTER_BENCH_GRPC", &grpc)
                .env("SPOTTER_BENCH_HEALTH", &health)
                .env(
                    "SPOTTER_BENCH_METRICS",
                    format!("127.0.0.1:{}", free_port()?),
                )
                .env("SPOTTER_BENCH_SINK", format!("http://{sink_addr}"))
                .env("SPOTTER_BENCH_COMPRESSION", compression)
                .env("SPOTTER_BENCH_LEVEL", args.gzip_level.to_string());
        }
        Collector::Rotel(_, protocol) => {
            let protocol = match protocol {
                Transport::Http => "http",
                Transport::Grpc => "grpc",
            };
            cmd.arg("start")
                .args(["--otlp-grpc-endpoint", &grpc])
                .args(["--otlp-http-endpoint", &http])
                .args(["--exporter", "otlp"])
                .args(["--otlp-exporter-protocol", protocol])
                .arg("--otlp-exporter-endpoint")
                .arg(format!("http://{sink_addr}"))
                .args(["--otlp-exporter-compression", compression])
                .arg("--pid-file")
                .arg(std::env::temp_dir().join(format!("rotel-bench-{file_tag}.pid")));
        }
    }
    let spotter = cmd
        .stdout(std::fs::File::create(&log)?)
        .stderr(std::fs::File::create(&log)?.try_clone()?)
        .spawn()
        .with_context(|| format!("cannot start {}", program.display()))?;
    let mut running = Running {
        spotter,
        sink,
        sink_addr,
        http,
        grpc,
        log,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = running.spotter.try_wait()? {
            let log = std::fs::read_to_string(&running.log).unwrap_or_default();
            bail!("{} exited with {status}:\n{log}", collector.name());
        }
        let ready = match collector {
            Collector::Spotter(_) => {
                http_get(&health, "/readyz").is_ok_and(|(code, _)| code == 200)
            }
            // Rotel has no readiness endpoint: wait until both receivers accept.
            Collector::Rotel(..) => {
                std::net::TcpStream::connect(&running.http).is_ok()
                    && std::net::TcpStream::connect(&running.grpc).is_ok()
            }
        };
        if ready {
            break;
        }
        if Instant::now() > deadline {
            running.stop();
            bail!("{} was not ready within 20s", collector.name());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(running)
}

/// A tiny blocking HTTP/1.0 GET, enough for /readyz and the sink's /stats.
fn http_get(addr: &str, path: &str) -> anyhow::Result<(u16, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes())?;
    let mut resp = String::new();
    s.read_to_string(&mut resp)?;
    let code = resp
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = resp
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    Ok((code, body))
}

fn sink_stats(running: &Running) -> anyhow::Result<serde_json::Value> {
    let (_, body) = http_get(&running.sink_addr, "/stats")?;
    Ok(serde_json::from_str(&body)?)
}

/// Wait until the sink has seen `spans`; returns when the last one arrived (approximately).
fn wait_for_sink(running: &Running, spans: u64, timeout: Duration) -> anyhow::Result<Instant> {
    let deadline = Instant::now() + timeout;
    loop {
        let got = sink_stats(running)?["spans"].as_u64().unwrap_or(0);
        if got >= spans {
            return Ok(Instant::now());
        }
        if Instant::now() > deadline {
            bail!("sink got {got} of {spans} spans within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

struct Measure {
    pid: u32,
    ticks: f64,
    cpu0: f64,
}

impl Measure {
    fn begin(running: &Running) -> anyhow::Result<Self> {
        let pid = running.spotter.id();
        let ticks = process::clock_ticks();
        Ok(Measure {
            pid,
            ticks,
            cpu0: process::cpu_seconds(pid, ticks)?,
        })
    }

    fn cpu(&self) -> anyhow::Result<f64> {
        Ok(process::cpu_seconds(self.pid, self.ticks)? - self.cpu0)
    }
}

fn gzip_label(args: &Args, collector: &Collector) -> String {
    match collector {
        Collector::Spotter(_) => format!("gzip level {}", args.gzip_level),
        Collector::Rotel(..) => "gzip (Rotel's level)".to_string(),
    }
}

/// What one max-rate run measured.
struct MaxRate {
    per_cpu_second: f64,
}

/// Send `pool` round-robin as fast as the collector takes it.
#[allow(clippy::too_many_arguments)]
fn max_rate(
    args: &Args,
    rt: &tokio::runtime::Runtime,
    pool: &Arc<Vec<Bytes>>,
    collector: &Collector,
    transport: Transport,
    compression: &str,
    settle: u64,
    tag: &str,
) -> anyhow::Result<MaxRate> {
    let running = start(args, collector, compression, tag)?;
    let requests = args.spans / args.spans_per_request as u64;
    let spans = requests * args.spans_per_request as u64;
    let url: http::Uri = match transport {
        Transport::Http => format!("http://{}/v1/traces", running.http),
        Transport::Grpc => format!(
            "http://{}/opentelemetry.proto.collector.trace.v1.TraceService/Export",
            running.grpc
        ),
    }
    .parse()?;
    let measure = Measure::begin(&running)?;
    let idle = process::status_mib(measure.pid, "VmRSS")?;
    let t0 = Instant::now();
    let outcome = rt.block_on(load::max_rate(
        url,
        transport,
        pool.clone(),
        requests,
        args.concurrency,
    ));
    let done = wait_for_sink(&running, spans, Duration::from_secs(300))?;
    let wall = done.duration_since(t0).as_secs_f64();
    let cpu = measure.cpu()?;
    let hwm = process::status_mib(measure.pid, "VmHWM")?;
    let after = process::status_mib(measure.pid, "VmRSS")?;
    let stats = sink_stats(&running)?;
    let settled = if settle > 0 {
        std::thread::sleep(Duration::from_secs(settle));
        Some(process::status_mib(measure.pid, "VmRSS")?)
    } else {
        None
    };
    running.stop();

    let raw = spans as f64 / wall;
    let util = cpu / wall;
    let per_cpu_second = spans as f64 / cpu.max(1e-9);
    let label = if compression == "gzip" {
        gzip_label(args, collector)
    } else {
        "uncompressed".to_string()
    };
    let via = match transport {
        Transport::Http => "OTLP/HTTP in",
        Transport::Grpc => "OTLP/gRPC in",
    };
    println!(
        "\n== {}: max rate, {via}, {label} export ({tag}) ==",
        collector.name()
    );
    println!(
        "  {spans} spans in {wall:.2} s: {raw:.0} spans/s raw; CPU {cpu:.2} s \
         ({:.0}% of one core) -> {per_cpu_second:.0} spans per CPU-second \
         ({:.1} ms CPU per 1,000 spans)",
        util * 100.0,
        1e6 / per_cpu_second
    );
    println!(
        "  RSS idle {idle:.1} MiB, peak (VmHWM) {hwm:.1} MiB, right after {after:.1} MiB{}; \
         push-backs {}; client errors {}; sink: {} requests, {:.1} MB on the wire \
         ({:.1} MB decoded)",
        settled
            .map(|r| format!(", {settle} s later {r:.1} MiB"))
            .unwrap_or_default(),
        outcome.pushbacks.load(Ordering::Relaxed),
        outcome.errors.load(Ordering::Relaxed),
        stats["requests"],
        stats["wire_bytes"].as_f64().unwrap_or(0.0) / 1e6,
        stats["decoded_bytes"].as_f64().unwrap_or(0.0) / 1e6,
    );
    Ok(MaxRate { per_cpu_second })
}

fn ratio(spotter: &MaxRate, rotel: &MaxRate, what: &str) {
    println!(
        "  => {what}: spotter {:.0} vs Rotel {:.0} spans per CPU-second: {:.2}x Rotel",
        spotter.per_cpu_second,
        rotel.per_cpu_second,
        spotter.per_cpu_second / rotel.per_cpu_second.max(1e-9)
    );
}

/// Send requests made by `next` at `rate` spans/s for `duration` seconds.
fn steady(
    args: &Args,
    rt: &tokio::runtime::Runtime,
    collector: &Collector,
    rate: u64,
    mut next: impl FnMut()
        -> opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest,
    label: &str,
) -> anyhow::Result<()> {
    let running = start(args, collector, "gzip", label)?;
    let url: http::Uri = format!("http://{}/v1/traces", running.http).parse()?;
    let interval = Duration::from_secs_f64(args.steady_batch as f64 / rate as f64);
    let duration = Duration::from_secs(args.duration);
    let measure = Measure::begin(&running)?;
    let outcome = Arc::new(load::Outcome::default());
    let t0 = Instant::now();
    let sent = rt.block_on(load::steady(
        url,
        &mut next,
        interval,
        duration,
        outcome.clone(),
    ));
    let sending = t0.elapsed().as_secs_f64();
    let rss_end = process::status_mib(measure.pid, "VmRSS")?;
    wait_for_sink(&running, sent, Duration::from_secs(60))?;
    let wall = t0.elapsed().as_secs_f64();
    let cpu = measure.cpu()?;
    let hwm = process::status_mib(measure.pid, "VmHWM")?;
    let stats = sink_stats(&running)?;
    running.stop();

    let rate = sent as f64 / sending;
    let util = cpu / wall;
    let lat = &stats["latency_ms"];
    println!(
        "\n== {}: steady {label} for {} s, {} export ==",
        collector.name(),
        args.duration,
        gzip_label(args, collector)
    );
    println!(
        "  sent {sent} spans at {rate:.0} spans/s; CPU {cpu:.2} s ({:.1}% of one core) -> \
         {:.0} spans per CPU-second",
        util * 100.0,
        sent as f64 / cpu.max(1e-9)
    );
    println!(
        "  RSS at the end of sending {rss_end:.1} MiB, peak (VmHWM) {hwm:.1} MiB; \
         push-backs {}; client errors {}",
        outcome.pushbacks.load(Ordering::Relaxed),
        outcome.errors.load(Ordering::Relaxed)
    );
    println!(
        "  added latency (send -> sink receipt), all spans: p50 {} ms, p90 {} ms, p99 {} ms, \
         max {} ms",
        lat["p50"], lat["p90"], lat["p99"], lat["max"]
    );
    let known = &stats["known_latency_ms"];
    println!(
        "  spans whose session was known ({} spans): p50 {} ms, p99 {} ms",
        stats["known_spans"], known["p50"], known["p99"]
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    if args.sink_role {
        return sink::run();
    }
    pin_to_core_1(&args)?;
    for program in std::iter::once(&args.spotter).chain(&args.rotel) {
        if !program.exists() {
            bail!("binary {} not found", program.display());
        }
    }
    let agent = args.root.join("benches/agent.yaml");
    let grpc = args.root.join("benches/grpc.yaml");
    println!("spotter benchmark");
    println!("  spotter:    {}", args.spotter.display());
    println!("  config:     {}", args.config.display());
    println!("  processors: {}", processors(&args.config)?);
    println!(
        "  agent:      {} ({})",
        agent.display(),
        processors(&agent)?
    );
    if let Some(rotel) = &args.rotel {
        println!(
            "  Rotel:      {} (default batching, beside spotter)",
            rotel.display()
        );
    }
    println!(
        "  pinning:    {}",
        if args.pin {
            "collector on core 0; generator and sink on core 1"
        } else {
            "off"
        }
    );

    // Pre-encoded requests for the max-rate modes: distinct sessions, reused round-robin.
    let mut w = workload::Workload::new(42);
    let now = sink::now_ns();
    let pool_requests = (20_000 / args.spans_per_request).max(8);
    let pool: Vec<Bytes> = (0..pool_requests)
        .map(|_| Bytes::from(w.request(args.spans_per_request, now).encode_to_vec()))
        .collect();
    let pool_bytes: usize = pool.iter().map(|b| b.len()).sum();
    println!(
        "  workload:   agent sessions (agent/llm/tool spans), {} B per span on average \
         ({} spans per request, {} distinct requests)",
        pool_bytes / (pool_requests * args.spans_per_request),
        args.spans_per_request,
        pool_requests
    );
    let grpc_pool: Arc<Vec<Bytes>> = Arc::new(pool.iter().map(|b| load::grpc_frame(b)).collect());
    let pool = Arc::new(pool);
    let templates: Vec<_> = (0..200)
        .map(|_| w.request(args.steady_batch, now))
        .collect();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let spotter = Collector::Spotter(args.config.clone());
    let rotel = |t| args.rotel.clone().map(|r| Collector::Rotel(r, t));
    for mode in &args.modes {
        match mode.as_str() {
            "gzip" | "none" => {
                let c = mode.as_str();
                let s = max_rate(&args, &rt, &pool, &spotter, Transport::Http, c, 0, c)?;
                if let Some(r) = rotel(Transport::Http) {
                    let r = max_rate(&args, &rt, &pool, &r, Transport::Http, c, 0, c)?;
                    ratio(&s, &r, &format!("[batch] pass-through, {c}"));
                }
            }
            "agent" => {
                let full = Collector::Spotter(agent.clone());
                let s = max_rate(
                    &args,
                    &rt,
                    &pool,
                    &full,
                    Transport::Http,
                    "gzip",
                    args.settle,
                    "agent",
                )?;
                if let Some(r) = rotel(Transport::Http) {
                    let r = max_rate(&args, &rt, &pool, &r, Transport::Http, "gzip", 0, "agent")?;
                    ratio(&s, &r, "full agent pipeline vs Rotel pass-through, gzip");
                }
            }
            "grpc" => {
                let batch = Collector::Spotter(grpc.clone());
                let s = max_rate(
                    &args,
                    &rt,
                    &grpc_pool,
                    &batch,
                    Transport::Grpc,
                    "gzip",
                    0,
                    "grpc",
                )?;
                if let Some(r) = rotel(Transport::Grpc) {
                    let r = max_rate(
                        &args,
                        &rt,
                        &grpc_pool,
                        &r,
                        Transport::Grpc,
                        "gzip",
                        0,
                        "grpc",
                    )?;
                    ratio(&s, &r, "[batch] pass-through, gRPC in and out, gzip");
                }
            }
            "steady1k" | "steady10k" => {
                let (rate, sessions) = if mode == "steady1k" {
                    (1_000, 1_200)
                } else {
                    (10_000, 6_000)
                };
                let mut turns = workload::Turns::new(&mut w, sessions, Duration::from_secs(3));
                let batch = args.steady_batch;
                let full = Collector::Spotter(agent.clone());
                let label = format!("{rate} spans/s, {sessions} live sessions");
                steady(&args, &rt, &full, rate, || turns.request(batch), &label)?;
            }
            _ => {
                let mut i = 0usize;
                let next = || {
                    i += 1;
                    templates[i % templates.len()].clone()
                };
                let label = format!("{} spans/s", args.rate);
                steady(&args, &rt, &spotter, args.rate, next, &label)?;
            }
        }
    }
    Ok(())
}
