//! The spotter command line: run the daemon, validate a config, or check readiness.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use spotter::config::{Config, ProcessEnv};
use spotter::extension::Health;
use spotter::service::{self, Plan, Service};
use spotter::telemetry::{events, logging};
use tokio::signal::unix::{signal, SignalKind};

const USAGE: &str = "usage:
  spotter [run] [--config FILE]      run the daemon (default: $SPOTTER_CONFIG, else the
                                     embedded config)
  spotter validate [--config FILE]   check a config; exit 0 or name the offending key
  spotter healthcheck [--config FILE | --endpoint HOST:PORT]
                                     exit 0 when the local /readyz answers ready
  spotter detection [DIR] [--min-f1 X] [--max-fp-rate Y] [--one-daemon]
                                     replay a labelled folder (default ../shared/fixtures;
                                     --one-daemon: all libraries through one pipeline),
                                     print precision, recall and F1 per failure mode and the
                                     false-positive rate on healthy sessions; exit non-zero
                                     when a mode's F1 is below X or that rate is above Y";

struct Args {
    command: String,
    config: Option<PathBuf>,
    endpoint: Option<String>,
    fixtures: Option<PathBuf>,
    min_f1: Option<f64>,
    max_fp_rate: Option<f64>,
    one_daemon: bool,
}

fn ratio_arg(flag: &str, value: Option<String>) -> anyhow::Result<f64> {
    let v = value.with_context(|| format!("{flag} needs a number between 0 and 1"))?;
    match v.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => bail!("{flag} needs a number between 0 and 1, not {v:?}"),
    }
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        command: "run".into(),
        config: None,
        endpoint: None,
        fixtures: None,
        min_f1: None,
        max_fp_rate: None,
        one_daemon: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "run" | "validate" | "healthcheck" | "detection" => args.command = a,
            "--config" | "-c" => {
                args.config = Some(it.next().context("--config needs a file")?.into())
            }
            "--endpoint" => args.endpoint = Some(it.next().context("--endpoint needs host:port")?),
            "--min-f1" => args.min_f1 = Some(ratio_arg("--min-f1", it.next())?),
            "--max-fp-rate" => args.max_fp_rate = Some(ratio_arg("--max-fp-rate", it.next())?),
            "--one-daemon" => args.one_daemon = true,
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
        "detection" => detection(&args),
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

/// The detection report, as a gate when `--min-f1` or `--max-fp-rate` is given.
fn detection(args: &Args) -> anyhow::Result<()> {
    let dir = args.fixtures.clone().unwrap_or("../shared/fixtures".into());
    use spotter::detection::{run_replay, Daemons, Delivery};
    let daemons = if args.one_daemon {
        Daemons::One
    } else {
        Daemons::PerLibrary
    };
    let report = run_replay(&dir, Delivery::Original, daemons)?;
    println!("{report}");
    let mut failures = Vec::new();
    if !report.missing.is_empty() {
        failures.push(format!(
            "{} labelled sessions have no summary",
            report.missing.len()
        ));
    }
    if let Some(min) = args.min_f1 {
        for m in report.below(min) {
            failures.push(format!("{} F1 {:.2} < {min:.2}", m.mode, m.f1()));
        }
    }
    if let Some(max) = args.max_fp_rate {
        let rate = report.ok_false_positive_rate();
        if rate > max {
            failures.push(format!("healthy sessions flagged {rate:.3} > {max:.3}"));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        bail!("below the bar: {}", failures.join("; "))
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
    let result = rt.block_on(serve(plan, args.config.clone()));
    // Tasks still running past the drain's deadline (an export stuck in a write) must not hold
    // the exit back.
    rt.shutdown_timeout(std::time::Duration::from_millis(200));
    result
}

async fn serve(plan: Plan, path: Option<PathBuf>) -> anyhow::Result<()> {
    let metrics = service::metrics_recorder();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let health = Health::default();
    let mut source = plan.config.source.clone();
    let mut service = Service::start(plan, health.clone(), Some(metrics)).await?;
    health.set_ready();
    tracing::info!(bound = ?service.bound, "spotter is ready");
    loop {
        tokio::select! {
            _ = sigterm.recv() => break,
            _ = sigint.recv() => break,
            _ = sighup.recv() => reload(&mut service, path.as_deref(), &mut source).await,
        }
    }
    tracing::info!("signal received, draining");
    service.shutdown().await;
    Ok(())
}

/// Apply the config file again: the running pipelines are replaced only once the new ones are
/// up; an invalid config or one that cannot start leaves them serving. Counted by result.
async fn reload(service: &mut Service, path: Option<&std::path::Path>, source: &mut String) {
    let plan = match Plan::load(path, &ProcessEnv) {
        Ok(plan) if plan.config.source == *source => {
            tracing::info!("SIGHUP: config unchanged, nothing to reload");
            return;
        }
        Ok(plan) => plan,
        Err(e) => {
            tracing::error!(error = %e, "SIGHUP: new config is invalid, keeping the running one");
            events::config_reloaded("failure");
            return;
        }
    };
    let next = plan.config.source.clone();
    tracing::info!("reloading config: starting the new pipelines behind the running listeners");
    match service.reload(plan).await {
        Ok(()) => {
            *source = next;
            events::config_reloaded("success");
            tracing::info!(bound = ?service.bound, "config reloaded");
        }
        Err(e) => {
            events::config_reloaded("failure");
            tracing::error!(error = %e, "SIGHUP: new config cannot start, keeping the running one");
        }
    }
}
