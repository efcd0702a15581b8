//! The built binary: SIGTERM drains everything acknowledged, SIGHUP reloads or keeps the old
//! config, `validate` names bad keys, `healthcheck` reports readiness.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use prost::Message;

use crate::delivery::unique_request;
use crate::harness::{self, free_port};
use crate::sink::Sink;

const BIN: &str = env!("CARGO_BIN_EXE_spotter");

pub struct Daemon {
    pub child: Child,
    pub http: u16,
    pub grpc: u16,
    pub metrics: u16,
    pub health: u16,
    pub config: PathBuf,
    pub dir: PathBuf,
}

impl Daemon {
    pub fn config_text(
        sink: std::net::SocketAddr,
        http: u16,
        grpc: u16,
        metrics: u16,
        health: u16,
    ) -> String {
        format!(
            r#"receivers:
  otlp:
    protocols:
      grpc: {{ endpoint: "127.0.0.1:{grpc}" }}
      http: {{ endpoint: "127.0.0.1:{http}" }}
processors:
  batch:
    timeout: 100ms
exporters:
  otlp/sink:
    endpoint: http://{sink}
    retry_on_failure:
      initial_interval: 50ms
extensions:
  health_check:
    endpoint: 127.0.0.1:{health}
service:
  extensions: [health_check]
  shutdown_timeout: 20s
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlp/sink]
  telemetry:
    metrics:
      address: 127.0.0.1:{metrics}
"#
        )
    }

    pub async fn start(sink: std::net::SocketAddr, name: &str) -> Daemon {
        Self::start_with(name, |http, grpc, metrics, health| {
            Self::config_text(sink, http, grpc, metrics, health)
        })
        .await
    }

    /// Start with a config made from the chosen (http, grpc, metrics, health) ports.
    pub async fn start_with(name: &str, text: impl Fn(u16, u16, u16, u16) -> String) -> Daemon {
        let dir = std::env::temp_dir().join(format!("spotter-it-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (http, grpc, metrics, health) = (free_port(), free_port(), free_port(), free_port());
        let config = dir.join("spotter.yaml");
        std::fs::write(&config, text(http, grpc, metrics, health)).unwrap();
        let child = Self::spawn(&config, &dir);
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

    fn spawn(config: &std::path::Path, dir: &std::path::Path) -> Child {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("stderr.log"))
            .unwrap();
        Command::new(BIN)
            .args(["--config", config.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spotter binary starts")
    }

    /// SIGKILL the process: no drain, no flush.
    pub fn crash(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Start again with the same config and ports.
    pub async fn restart(&mut self) {
        self.child = Self::spawn(&self.config, &self.dir);
        self.wait_ready().await;
    }

    pub async fn wait_ready(&self) {
        for _ in 0..200 {
            if let Ok(Ok(s)) = tokio::time::timeout(Duration::from_millis(200), async {
                tokio::net::TcpStream::connect(("127.0.0.1", self.health)).await
            })
            .await
            {
                drop(s);
                let r = harness::get(&format!("http://127.0.0.1:{}/readyz", self.health)).await;
                if r.status == 200 {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("spotter never became ready; log: {}", self.log());
    }

    /// A field of /proc/PID/status in KiB, e.g. `VmHWM` (peak RSS).
    pub fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc status"))
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("stderr.log")).unwrap_or_default()
    }

    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{sig}"), &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{sig}");
    }

    pub async fn wait_exit(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let until = std::time::Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                std::time::Instant::now() < until,
                "spotter did not exit; log: {}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test]
async fn sigterm_under_load_drains_everything_acknowledged() {
    let sink = Sink::start().await;
    let mut daemon = Daemon::start(sink.addr, "drain").await;
    let url = format!("http://127.0.0.1:{}/v1/traces", daemon.http);
    let acked = Arc::new(std::sync::Mutex::new(Vec::<u32>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for c in 0..4u32 {
        let (url, acked, stop, sent) = (url.clone(), acked.clone(), stop.clone(), sent.clone());
        clients.push(tokio::spawn(async move {
            let mut seq = c;
            while !stop.load(Ordering::SeqCst) {
                let body = unique_request(seq, 5).encode_to_vec();
                let client: hyper_util::client::legacy::Client<
                    _,
                    http_body_util::Full<bytes::Bytes>,
                > = hyper_util::client::legacy::Client::builder(
                    hyper_util::rt::TokioExecutor::new(),
                )
                .build_http();
                let req = http::Request::post(&url)
                    .header("content-type", "application/x-protobuf")
                    .body(http_body_util::Full::new(bytes::Bytes::from(body)))
                    .unwrap();
                sent.fetch_add(1, Ordering::SeqCst);
                match client.request(req).await {
                    Ok(resp) if resp.status() == 200 => acked.lock().unwrap().push(seq),
                    Ok(_) => {}
                    Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
                }
                seq += 4;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    daemon.signal("TERM");
    let status = daemon.wait_exit(Duration::from_secs(30)).await;
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.await.unwrap();
    }
    assert!(
        status.success(),
        "exit 0 after a drain; log: {}",
        daemon.log()
    );
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 10,
        "the load ran: {} acked of {}",
        acked.len(),
        sent.load(Ordering::SeqCst)
    );
    let got: HashSet<Vec<u8>> = sink.recorded.span_ids().into_iter().collect();
    let mut missing = 0;
    for seq in &acked {
        for span in &unique_request(*seq, 5).resource_spans[0].scope_spans[0].spans {
            if !got.contains(&span.span_id) {
                missing += 1;
            }
        }
    }
    assert_eq!(
        missing,
        0,
        "{} acknowledged requests; every span must reach the sink",
        acked.len()
    );
}

#[tokio::test]
async fn sighup_with_a_bad_config_keeps_the_old_one_and_a_good_one_reloads() {
    let sink = Sink::start().await;
    let daemon = Daemon::start(sink.addr, "reload").await;
    std::fs::write(&daemon.config, "receivers: [not, a, map\n").unwrap();
    daemon.signal("HUP");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let r = harness::post(
        &format!("http://127.0.0.1:{}/v1/traces", daemon.http),
        "application/x-protobuf",
        None,
        unique_request(1, 2).encode_to_vec(),
    )
    .await;
    assert_eq!(r.status, 200, "still serving on the old config");
    assert!(
        daemon.log().contains("keeping the running one"),
        "{}",
        daemon.log()
    );

    // A valid config with a different batch timeout is applied.
    let text = Daemon::config_text(
        sink.addr,
        daemon.http,
        daemon.grpc,
        daemon.metrics,
        daemon.health,
    )
    .replace("timeout: 100ms", "timeout: 50ms");
    std::fs::write(&daemon.config, text).unwrap();
    daemon.signal("HUP");
    tokio::time::sleep(Duration::from_millis(300)).await;
    daemon.wait_ready().await;
    let r = harness::post(
        &format!("http://127.0.0.1:{}/v1/traces", daemon.http),
        "application/x-protobuf",
        None,
        unique_request(2, 2).encode_to_vec(),
    )
    .await;
    assert_eq!(r.status, 200, "serving on the new config");
    assert_eq!(sink.wait_for_spans(4, Duration::from_secs(5)).await, 4);
    assert!(
        daemon.log().contains("reloading config"),
        "{}",
        daemon.log()
    );
}

#[test]
fn validate_names_the_offending_key_and_line() {
    let dir = std::env::temp_dir().join(format!("spotter-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "receivers:\n  otlp:\n    protocols:\n      http:\nexporters:\n  otlphttp:\n    endpoint: http://x\n    compresion: gzip\nservice:\n  pipelines:\n    traces: {receivers: [otlp], exporters: [otlphttp]}\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .args(["validate", "--config", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("exporters.otlphttp"), "{err}");
    assert!(err.contains("compresion"), "{err}");
    assert!(err.contains("line 8"), "{err}");

    let out = Command::new(BIN).args(["validate"]).output().unwrap();
    assert!(out.status.success(), "the embedded default is valid");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn validate_leaves_state_files_alone() {
    let dir = std::env::temp_dir().join(format!("spotter-validate-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Unreadable as state: a start would move it aside, so any load at validation shows.
    let existing = dir.join("schemas.json");
    std::fs::write(&existing, b"not a schema state").unwrap();
    let before = std::fs::metadata(&existing).unwrap().modified().unwrap();
    let missing = dir.join("absent.json");
    let config = dir.join("spotter.yaml");
    std::fs::write(
        &config,
        format!(
            "receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 127.0.0.1:0\n\
             processors:\n  schema_drift:\n    state_file: {}\n  schema_drift/second:\n    state_file: {}\n\
             exporters:\n  debug:\n\
             service:\n  pipelines:\n    traces: {{receivers: [otlp], processors: [schema_drift, schema_drift/second], exporters: [debug]}}\n",
            existing.display(),
            missing.display()
        ),
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let out = Command::new(BIN)
        .args(["validate", "--config", config.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(&existing).unwrap(), b"not a schema state");
    assert_eq!(
        std::fs::metadata(&existing).unwrap().modified().unwrap(),
        before
    );
    assert!(
        !dir.join("schemas.json.corrupt").exists(),
        "nothing moved aside"
    );
    assert!(!missing.exists(), "validate creates no state file");
    let entries = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(entries, 2, "only the config and the state file");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn healthcheck_reports_readiness_of_a_running_daemon() {
    let sink = Sink::start().await;
    let daemon = Daemon::start(sink.addr, "health").await;
    let endpoint = format!("127.0.0.1:{}", daemon.health);
    let ok = Command::new(BIN)
        .args(["healthcheck", "--endpoint", &endpoint])
        .status()
        .unwrap();
    assert!(ok.success());
    let down = format!("127.0.0.1:{}", free_port());
    let fail = Command::new(BIN)
        .args(["healthcheck", "--endpoint", &down])
        .status()
        .unwrap();
    assert!(!fail.success());
}
