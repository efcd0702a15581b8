//! Hostile or unlucky clients and reloads, against the built binary (issue 15): connections that
//! outlive a SIGHUP, a reload that cannot start rolling back, slow and unfinished requests, idle
//! connections at the open-files limit, a downstream that never answers at SIGTERM, and input
//! hygiene (control characters in logs, the bearer scheme's case, attribute caps, deep values).
//!
//! Every loop here is bounded in time and count; figures are printed with `--nocapture`.

mod clients;
mod hygiene;
mod reload;
mod shutdown;

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::harness::{self, free_port};
use crate::lifecycle::Daemon;

const BIN: &str = env!("CARGO_BIN_EXE_spotter");

/// Start the binary with its open-files limit lowered to `nofile` (a shell wrapper runs
/// `ulimit -n` and then execs spotter, so the child's pid is spotter's).
pub async fn start_limited(
    name: &str,
    nofile: Option<u32>,
    text: impl Fn(u16, u16, u16, u16) -> String,
) -> Daemon {
    let dir = std::env::temp_dir().join(format!("spotter-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (http, grpc, metrics, health) = (free_port(), free_port(), free_port(), free_port());
    let config = dir.join("spotter.yaml");
    std::fs::write(&config, text(http, grpc, metrics, health)).unwrap();
    let log = std::fs::File::create(dir.join("stderr.log")).unwrap();
    let child = match nofile {
        Some(n) => Command::new("sh")
            .args([
                "-c",
                &format!("ulimit -n {n} && exec \"$0\" --config \"$1\""),
                BIN,
                config.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap(),
        None => Command::new(BIN)
            .args(["--config", config.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap(),
    };
    let d = Daemon {
        child,
        http,
        grpc,
        metrics,
        health,
        config,
        dir,
    };
    d.wait_ready().await;
    d
}

/// The value of one sample on the daemon's /metrics page (0 when absent).
pub async fn metric(daemon: &Daemon, series: &str) -> f64 {
    let page = harness::get(&format!("http://127.0.0.1:{}/metrics", daemon.metrics)).await;
    sample(&page.text(), series)
}

/// The value of `series` (name plus labels exactly as rendered) in a Prometheus text page.
pub fn sample(page: &str, series: &str) -> f64 {
    page.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit_once(' '))
        .filter(|(name, _)| *name == series)
        .filter_map(|(_, v)| v.parse::<f64>().ok())
        .sum()
}

/// CPU time (user + system) the process used, in clock ticks, from /proc/PID/stat.
pub fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the state field.
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

/// POST a protobuf body; the status, or `None` when the connection or the answer failed.
pub async fn try_post(url: &str, body: Vec<u8>) -> Option<u16> {
    use http_body_util::{BodyExt, Full};
    let client: hyper_util::client::legacy::Client<_, Full<bytes::Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http();
    let req = http::Request::post(url)
        .header("content-type", "application/x-protobuf")
        .body(Full::new(bytes::Bytes::from(body)))
        .unwrap();
    let resp = tokio::time::timeout(Duration::from_secs(5), client.request(req))
        .await
        .ok()?
        .ok()?;
    let status = resp.status().as_u16();
    let _ = resp.into_body().collect().await;
    Some(status)
}
