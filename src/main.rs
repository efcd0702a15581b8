//! The spotter command line: run the daemon, validate a config, or check readiness.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use spotter::config::{Config, ProcessEnv};
use spotter::extension::Health;
use spotter::service::{self, Plan, Service};
use spotter::telemetry::logging;
use tokio::signal::unix::{signal, SignalKind};

const USAGE: &str = "usage:
  spotter [run] [--config FILE]      run the daemon (default: $SPOTTER_CONFIG, else the
                                     embedded config)
  spotter validate [--config FILE]   check a config; exit 0 or name the offending key
  spotter healthcheck [--config FILE | --endpoint HOST:PORT]
                                     exit 0 when the local /readyz answers ready
  spotter detection [DIR]            replay labelled fixtures (default ../shared/fixtures)
                                     and print precision and recall per failure mode";

struct Args {
    command: String,
    config: Option<PathBuf>,
    endpoint: Option<String>,
    fixtures: Option<PathBuf>,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        command: "run".into(),
        config: None,
        endpoint: None,
        fixtures: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "run" | "validate" | "healthcheck" | "detection" => args.command = a,
            "--config" | "-c" => {
                args.config = Some(it.next().context("--config needs a file")?.into())
            }
            "--endpoint" => args.endpoint = Some(it.next().context("--endpoint needs host:port")?),
            "--help" | "-h" | "help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other if args.command == "detection" && !other.starts_with('-') => {
                args.fixtures = Some(other.into())
            }
            other => match other.strip_prefix("--config=") {
                Some(v) => args.config = Some(v.into()),
                None => bail!("unknown argument {other:?}\n{USAGE}"),
            },
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let result = parse_args().and_then(|args| match args.command.as_str() {
        "validate" => validate(&args),
        "healthcheck" => healthcheck(&args),
        "detection" => {
            let dir = args.fixtures.clone().unwrap_or("../shared/fixtures".into());
            spotter::detection::run(&dir)
                .map(|report| println!("{report}"))
                .map_err(anyhow::Error::from)
        }
        _ => run(&args),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("spotter: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn validate(args: &Args) -> anyhow::Result<()> {
    Plan::load(args.config.as_deref(), &ProcessEnv)?;
    println!("config is valid");
    Ok(())
}

fn healthcheck(args: &Args) -> anyhow::Result<()> {
    use std::io::{Read, Write};
    let endpoint = match &args.endpoint {
        Some(e) => e.clone(),
        None => Config::load(args.config.as_deref(), &ProcessEnv)?
            .health_endpoint
            .context("no health_check extension is enabled in the config")?
            .to_string(),
    };
    let addr: std::net::SocketAddr = endpoint.parse().context("invalid health endpoint")?;
    let timeout = std::time::Duration::from_secs(3);
    let mut s = std::net::TcpStream::connect_timeout(&addr, timeout)?;
    s.set_read_timeout(Some(timeout))?;
    s.write_all(format!("GET /readyz HTTP/1.0\r\nHost: {endpoint}\r\n\r\n").as_bytes())?;
    let mut resp = String::new();
    s.read_to_string(&mut resp)?;
    let status = resp.lines().next().unwrap_or_default();
    if status.split_whitespace().nth(1) == Some("200") {
        Ok(())
    } else {
        bail!("not ready: {status}")
    }
}

fn run(args: &Args) -> anyhow::Result<()> {
    let plan = Plan::load(args.config.as_deref(), &ProcessEnv)?;
    logging::init(
        &plan.config.telemetry.log_level,
        plan.config.telemetry.log_encoding,
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(serve(plan, args.config.clone()))
}

async fn serve(mut plan: Plan, path: Option<PathBuf>) -> anyhow::Result<()> {
    let metrics = service::metrics_recorder();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut sighup = signal(SignalKind::hangup())?;
    loop {
        let health = Health::default();
        let source = plan.config.source.clone();
        let service = Service::start(plan, health.clone(), Some(metrics.clone())).await?;
        health.set_ready();
        tracing::info!(bound = ?service.bound, "spotter is ready");
        let reload = tokio::select! {
            _ = sigterm.recv() => None,
            _ = sigint.recv() => None,
            next = reload_requested(&mut sighup, path.as_deref(), &source) => Some(next),
        };
        match reload {
            None => {
                tracing::info!("signal received, draining");
                service.shutdown().await;
                return Ok(());
            }
            Some(next) => {
                tracing::info!("reloading config: draining the running pipelines first");
                service.shutdown().await;
                plan = next;
            }
        }
    }
}

/// Wait for a SIGHUP whose config is valid and different, and return its plan; invalid ones are
/// logged and ignored.
async fn reload_requested(
    sighup: &mut tokio::signal::unix::Signal,
    path: Option<&std::path::Path>,
    current: &str,
) -> Plan {
    loop {
        sighup.recv().await;
        match Plan::load(path, &ProcessEnv) {
            Ok(next) if next.config.source == current => {
                tracing::info!("SIGHUP: config unchanged, nothing to reload")
            }
            Ok(next) => return next,
            Err(e) => {
                tracing::error!(error = %e, "SIGHUP: new config is invalid, keeping the running one")
            }
        }
    }
}
