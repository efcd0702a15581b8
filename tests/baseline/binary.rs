//! The real binary end to end: synthetic OTLP sessions with event timestamps over HTTP, the
//! alert read back from `/v1/anomalies`, `/metrics` and a real Alertmanager's own API, and the
//! baseline state surviving SIGKILL.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use prost::Message;
use serde_json::Value;

use crate::generator::{request, Generator, Traffic, DAY, HOUR, SEC};

const BIN: &str = env!("CARGO_BIN_EXE_spotter");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn call(
    method: &str,
    url: &str,
    body: Vec<u8>,
    content_type: &str,
) -> Option<(u16, Vec<u8>)> {
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let req = http::Request::builder()
        .method(method)
        .uri(url)
        .header("content-type", content_type)
        .body(Full::new(Bytes::from(body)))
        .ok()?;
    let resp = tokio::time::timeout(Duration::from_secs(30), client.request(req))
        .await
        .ok()?
        .ok()?;
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await.ok()?.to_bytes().to_vec();
    Some((status, body))
}

async fn get_json(url: &str) -> Option<Value> {
    let (status, body) = call("GET", url, Vec::new(), "application/json").await?;
    (status == 200)
        .then(|| serde_json::from_slice(&body).ok())
        .flatten()
}

async fn get_text(url: &str) -> String {
    call("GET", url, Vec::new(), "text/plain")
        .await
        .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// Poll `check` every 200 ms for up to `secs` seconds.
async fn eventually<T, F: std::future::Future<Output = Option<T>>>(
    secs: u64,
    mut check: impl FnMut() -> F,
) -> Option<T> {
    for _ in 0..secs * 5 {
        if let Some(v) = check().await {
            return Some(v);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    None
}

struct Alertmanager {
    child: Child,
    port: u16,
}

impl Alertmanager {
    async fn start(dir: &Path) -> Alertmanager {
        let port = free_port();
        let config = dir.join("alertmanager.yml");
        std::fs::write(
            &config,
            "route:\n  receiver: none\nreceivers:\n  - name: none\n",
        )
        .unwrap();
        let child = Command::new("prometheus-alertmanager")
            .args([
                &format!("--config.file={}", config.display()),
                &format!("--storage.path={}", dir.join("am-data").display()),
                &format!("--web.listen-address=127.0.0.1:{port}"),
                "--cluster.listen-address=",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus-alertmanager is installed (tests/run.sh installs it)");
        let am = Alertmanager { child, port };
        let url = format!("http://127.0.0.1:{port}/-/ready");
        eventually(30, || async {
            call("GET", &url, Vec::new(), "text/plain")
                .await
                .filter(|r| r.0 == 200)
        })
        .await
        .expect("alertmanager ready");
        am
    }
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Spotter {
    child: Child,
    config: PathBuf,
    dir: PathBuf,
    http: u16,
    metrics: u16,
}

impl Spotter {
    fn spawn(config: &Path, dir: &Path) -> Child {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("spotter.log"))
            .unwrap();
        Command::new(BIN)
            .args(["--config", config.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spotter starts")
    }

    async fn start(dir: &Path, alertmanager: u16) -> Spotter {
        let (http, grpc, metrics, health) = (free_port(), free_port(), free_port(), free_port());
        let state = dir.join("state").join("baseline.json");
        let config = dir.join("spotter.yaml");
        std::fs::write(
            &config,
            format!(
                r#"receivers:
  otlp:
    protocols:
      grpc: {{ endpoint: "127.0.0.1:{grpc}" }}
      http: {{ endpoint: "127.0.0.1:{http}", max_request_body_size: 64MiB, max_decompressed_body_size: 64MiB }}
processors:
  session:
    wait: 0s
  tool_outcome: {{}}
  cost: {{}}
  outcome: {{}}
  baseline:
    state_file: {state}
    persist_interval: 1s
    alertmanager: http://127.0.0.1:{alertmanager}
exporters:
  debug:
    verbosity: basic
extensions:
  health_check:
    endpoint: 127.0.0.1:{health}
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [session, tool_outcome, cost, outcome, baseline]
      exporters: [debug]
  telemetry:
    metrics:
      address: 127.0.0.1:{metrics}
    logs:
      level: warn
"#,
                state = state.display()
            ),
        )
        .unwrap();
        let child = Self::spawn(&config, dir);
        let s = Spotter {
            child,
            config,
            dir: dir.to_path_buf(),
            http,
            metrics,
        };
        s.wait_ready().await;
        s
    }

    async fn wait_ready(&self) {
        let url = format!("http://127.0.0.1:{}/metrics", self.metrics);
        eventually(60, || async {
            call("GET", &url, Vec::new(), "text/plain")
                .await
                .filter(|r| r.0 == 200)
        })
        .await
        .unwrap_or_else(|| panic!("spotter ready; log: {}", self.log()));
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("spotter.log")).unwrap_or_default()
    }

    fn crash(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    async fn restart(&mut self) {
        self.child = Self::spawn(&self.config, &self.dir);
        self.wait_ready().await;
    }

    async fn send(&self, g: &mut Generator, traffic: &Traffic, from: u64, to: u64, n: &mut u64) {
        let sessions = g.sessions(traffic, from, to);
        for chunk in sessions.chunks(400) {
            let body = request(chunk, *n, false).encode_to_vec();
            *n += chunk.len() as u64;
            let url = format!("http://127.0.0.1:{}/v1/traces", self.http);
            let mut tries = 0;
            loop {
                let r = call("POST", &url, body.clone(), "application/x-protobuf").await;
                match r {
                    Some((200, _)) => break,
                    other if tries < 50 => {
                        tries += 1;
                        let _ = other;
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                    other => panic!("OTLP refused: {other:?}; log: {}", self.log()),
                }
            }
        }
    }

    async fn anomalies(&self) -> Value {
        get_json(&format!("http://127.0.0.1:{}/v1/anomalies", self.metrics))
            .await
            .expect("/v1/anomalies answers JSON")
    }

    async fn metrics(&self) -> String {
        get_text(&format!("http://127.0.0.1:{}/metrics", self.metrics)).await
    }
}

impl Drop for Spotter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn firing_failure_rate(v: &Value) -> Option<Value> {
    v["active"]
        .as_array()?
        .iter()
        .find(|a| {
            a["signal"] == "session_failure_rate"
                && a["workflow"] == "shop"
                && a["state"] == "firing"
        })
        .cloned()
}

fn metric_value(text: &str, name: &str, labels: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|l| l.starts_with(name) && labels.iter().all(|x| l.contains(x)))
        .find_map(|l| l.rsplit(' ').next()?.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_rise_replayed_through_the_binary_reaches_anomalies_metrics_and_alertmanager_and_survives_sigkill(
) {
    let dir = std::env::temp_dir().join(format!("spotter-baseline-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let am = Alertmanager::start(&dir).await;
    let mut spotter = Spotter::start(&dir, am.port).await;

    // Event time ends now, so Alertmanager sees current alerts; eight days of steady history at
    // 60 sessions an hour, then failures jump from 5% to 40%.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let shift = now / HOUR * HOUR - 2 * HOUR;
    let start = shift - 8 * DAY;
    let base = Traffic::steady("shop", 60.0);
    let mut worse = base.clone();
    worse.failure = 0.40;
    let mut g = Generator::new(42);
    let mut n = 0;
    spotter.send(&mut g, &base, start, shift, &mut n).await;
    let quiet = spotter.anomalies().await;
    assert!(firing_failure_rate(&quiet).is_none(), "{quiet}");
    spotter
        .send(&mut g, &worse, shift, shift + 90 * 60 * SEC, &mut n)
        .await;

    let alert = eventually(30, || async {
        firing_failure_rate(&spotter.anomalies().await)
    })
    .await
    .unwrap_or_else(|| panic!("no alert; log: {}", spotter.log()));
    assert!(
        (alert["expected"].as_f64().unwrap() - 0.05).abs() < 0.02,
        "{alert}"
    );
    assert!(alert["observed"].as_f64().unwrap() > 0.2, "{alert}");
    assert!(alert["p_value"].as_f64().unwrap() < 0.01, "{alert}");
    assert_eq!(alert["window"], "1h+6h");
    let fired_at = alert["firing_since_unix_nano"].as_u64().unwrap();
    assert!(
        fired_at > shift && fired_at <= shift + 90 * 60 * SEC,
        "{alert}"
    );

    let metrics = spotter.metrics().await;
    let active = ["workflow=\"shop\"", "signal=\"session_failure_rate\""];
    assert_eq!(
        metric_value(&metrics, "spotter_anomaly_active{", &active),
        Some(1.0),
        "{metrics}"
    );
    assert!(metric_value(&metrics, "spotter_anomaly_observed{", &active).unwrap() > 0.2);

    // Alertmanager has it, through its own API.
    let am_url = format!("http://127.0.0.1:{}/api/v2/alerts", am.port);
    let in_am = eventually(30, || async {
        let v = get_json(&am_url).await?;
        v.as_array()?
            .iter()
            .find(|a| {
                a["labels"]["signal"] == "session_failure_rate" && a["labels"]["workflow"] == "shop"
            })
            .cloned()
    })
    .await
    .expect("alert in Alertmanager");
    assert_eq!(in_am["labels"]["alertname"], "SpotterBaselineAnomaly");
    assert_eq!(in_am["status"]["state"], "active");
    assert!(in_am["annotations"]["expected"].as_str().is_some());

    // SIGKILL once the state file holds the firing alert, then restart: history and
    // baselines stay.
    let state = dir.join("state").join("baseline.json");
    eventually(30, || async {
        let saved: Value = serde_json::from_slice(&std::fs::read(&state).ok()?).ok()?;
        saved["alerts"]
            .as_array()?
            .iter()
            .find(|a| a["signal"] == "session_failure_rate" && a["state"] == "firing")
            .map(|_| ())
    })
    .await
    .expect("state saved with the firing alert");
    spotter.crash();
    spotter.restart().await;
    let after = spotter.anomalies().await;
    assert!(
        after["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["signal"] == "session_failure_rate" && a["state"] == "firing"),
        "{after}"
    );
    assert!(firing_failure_rate(&after).is_some(), "{after}");
    // The restored baseline keeps judging: half an hour more of the same rise keeps the alert
    // firing against the old 5% (a fresh baseline would have no history and no verdict).
    spotter
        .send(
            &mut g,
            &worse,
            shift + 90 * 60 * SEC,
            shift + 120 * 60 * SEC,
            &mut n,
        )
        .await;
    let still = eventually(30, || async {
        let v = spotter.anomalies().await;
        firing_failure_rate(&v)
            .filter(|a| a["evaluated_at_unix_nano"].as_u64() > Some(shift + 100 * 60 * SEC))
    })
    .await
    .unwrap_or_else(|| panic!("not re-evaluated after restart; log: {}", spotter.log()));
    assert!(
        (still["expected"].as_f64().unwrap() - 0.05).abs() < 0.02,
        "{still}"
    );
    drop(spotter);
    drop(am);
    let _ = std::fs::remove_dir_all(&dir);
}
