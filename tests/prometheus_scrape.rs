//! A real Prometheus scrapes a running spotter while the captured fixtures are replayed.
//!
//! The built binary runs the default agent pipeline (short session windows so sessions end
//! quickly) with a `file` exporter downstream; Prometheus (the Debian package, on loopback, with
//! spotter's recording rules loaded) scrapes its `/metrics` every second. Through Prometheus's
//! HTTP API the test then asks for the success rate by workflow and the session cost quantiles,
//! checks that the recording rules produce series, and runs `promtool check metrics` over the
//! live text. The fixtures are paced (one request every 250 ms, as an agent would send them over
//! time) so that sessions end across many scrapes and every counter grows between two of them;
//! then every panel query of the Grafana dashboard (`config/grafana/spotter.json`, variables made
//! concrete) must be valid PromQL, read only series spotter serves, and return data. Without `prometheus` installed the test is skipped, unless `CI` is set.

#[path = "prometheus_scrape/dashboard.rs"]
mod dashboard;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

const SPOTTER: &str = env!("CARGO_BIN_EXE_spotter");
const PROMETHEUS: &str = "prometheus";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures_dir() -> PathBuf {
    manifest_dir().join("../shared/fixtures")
}

/// A free loopback port outside the ephemeral range, so no other process under test (nor an
/// outgoing connection) is handed it between our probe and the child's bind.
fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU16, Ordering};
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let base = 28_000 + (std::process::id() % 250) as u16 * 16;
    loop {
        let port = base + NEXT.fetch_add(1, Ordering::SeqCst) % 4000;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// A scratch folder removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch> {
        let dir = std::env::temp_dir().join(format!(
            "spotter-prometheus-scrape-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child process killed on drop, with its stderr in a log file.
struct Running {
    name: &'static str,
    child: std::sync::Mutex<Child>,
    log: PathBuf,
}

impl Running {
    fn spawn(name: &'static str, program: &str, args: &[String], dir: &Path) -> Result<Running> {
        let log = dir.join(format!("{name}.log"));
        let child = Command::new(program)
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log)?)
            .spawn()
            .with_context(|| format!("starting {program}"))?;
        Ok(Running {
            name,
            child: std::sync::Mutex::new(child),
            log,
        })
    }

    fn log(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("--- {} log (tail) ---\n{}", self.name, tail.join("\n"))
    }

    /// Fail with the log if the process has exited.
    fn alive(&self) -> Result<()> {
        let status = self.child.lock().expect("child lock").try_wait()?;
        if let Some(status) = status {
            bail!("{} exited with {status}\n{}", self.name, self.log());
        }
        Ok(())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(child) = self.child.get_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

struct Reply {
    status: u16,
    body: Bytes,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn request(req: http::Request<Full<Bytes>>) -> Result<Reply> {
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let resp = tokio::time::timeout(Duration::from_secs(10), client.request(req))
        .await
        .context("request timed out")??;
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await?.to_bytes();
    Ok(Reply { status, body })
}

async fn get(url: &str) -> Result<Reply> {
    request(http::Request::get(url).body(Full::new(Bytes::new()))?).await
}

/// Poll `probe` every 100 ms until it yields a value, failing after `limit` with `what`.
async fn wait_for<T, F, Fut>(what: &str, limit: Duration, mut probe: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>>>,
{
    let deadline = Instant::now() + limit;
    let mut last_error = None;
    loop {
        match probe().await {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => {}
            Err(e) => last_error = Some(e),
        }
        if Instant::now() >= deadline {
            bail!("timed out waiting for {what}; last error: {last_error:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Percent-encode a query-string value.
fn encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One sample of an instant-vector result: its labels and value.
#[derive(Debug)]
struct Sample {
    labels: serde_json::Map<String, Value>,
    value: f64,
}

/// An instant query through Prometheus's HTTP API.
async fn query(prometheus: u16, promql: &str) -> Result<Vec<Sample>> {
    let url = format!(
        "http://127.0.0.1:{prometheus}/api/v1/query?query={}",
        encode(promql)
    );
    let reply = get(&url).await?;
    ensure!(
        reply.status == 200,
        "query {promql:?}: HTTP {}: {}",
        reply.status,
        reply.text()
    );
    let doc: Value = serde_json::from_slice(&reply.body)?;
    ensure!(doc["status"] == "success", "query {promql:?}: {doc}");
    ensure!(
        doc["data"]["resultType"] == "vector",
        "query {promql:?}: {doc}"
    );
    let mut out = Vec::new();
    for r in doc["data"]["result"].as_array().context("result")? {
        let value = r["value"][1]
            .as_str()
            .context("sample value")?
            .parse::<f64>()?;
        let labels = r["metric"].as_object().context("metric")?.clone();
        out.push(Sample { labels, value });
    }
    Ok(out)
}

fn label<'a>(s: &'a Sample, name: &str) -> &'a str {
    s.labels.get(name).and_then(Value::as_str).unwrap_or("")
}

/// One captured request: where it was sent and how.
struct Fixture {
    file: PathBuf,
    path: String,
    content_type: String,
    encoding: Option<String>,
}

fn fixtures() -> Result<Vec<Fixture>> {
    let mut metas = Vec::new();
    for dir in std::fs::read_dir(fixtures_dir())? {
        let dir = dir?.path();
        if !dir.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&dir)? {
            let p = entry?.path();
            if p.to_string_lossy().ends_with(".meta.json") {
                metas.push(p);
            }
        }
    }
    metas.sort();
    let mut out = Vec::new();
    for meta_path in metas {
        let meta: Value = serde_json::from_slice(&std::fs::read(&meta_path)?)?;
        let dir = meta_path.parent().context("parent")?;
        out.push(Fixture {
            file: dir.join(meta["file"].as_str().context("file")?),
            path: meta["path"].as_str().context("path")?.to_string(),
            content_type: meta["content_type"]
                .as_str()
                .context("content_type")?
                .to_string(),
            encoding: meta["content_encoding"].as_str().map(str::to_string),
        });
    }
    Ok(out)
}

/// Post every fixture to spotter's OTLP/HTTP receiver as its library sent it, `pace` apart.
async fn replay(fixtures: &[Fixture], port: u16, pace: Duration) -> Result<()> {
    for f in fixtures {
        tokio::time::sleep(pace).await;
        let mut req = http::Request::post(format!("http://127.0.0.1:{port}{}", f.path))
            .header("content-type", &f.content_type);
        if let Some(e) = &f.encoding {
            req = req.header("content-encoding", e);
        }
        let reply = request(req.body(Full::new(Bytes::from(std::fs::read(&f.file)?)))?).await?;
        ensure!(
            reply.status == 200,
            "{}: HTTP {}: {}",
            f.file.display(),
            reply.status,
            reply.text()
        );
    }
    Ok(())
}

fn labelled_sessions() -> Result<usize> {
    let text = std::fs::read_to_string(fixtures_dir().join("labels.jsonl"))?;
    Ok(text.lines().filter(|l| !l.trim().is_empty()).count())
}

struct Ports {
    grpc: u16,
    http: u16,
    metrics: u16,
    health: u16,
    prometheus: u16,
}

/// config/default.yaml's pipeline with short session windows, our ports and a file exporter.
fn spotter_config(ports: &Ports, out: &Path, wal: &Path) -> String {
    format!(
        r#"receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:{grpc}
      http:
        endpoint: 127.0.0.1:{http}
processors:
  session:
    wait: 200ms
    inactivity_timeout: 2s
  schema_drift: {{}}
  tool_outcome: {{}}
  auth_rot: {{}}
  silent_failure: {{}}
  tool_loop: {{}}
  cost: {{}}
  outcome: {{}}
  agent_metrics: {{}}
  batch:
    timeout: 50ms
exporters:
  file:
    path: {out}
extensions:
  health_check:
    endpoint: 127.0.0.1:{health}
  memory_limiter:
    limit_mib: 256
  file_storage:
    directory: {wal}
    fsync: never
service:
  extensions: [health_check, memory_limiter, file_storage]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [session, schema_drift, tool_outcome, auth_rot, silent_failure, tool_loop, cost, outcome, agent_metrics, batch]
      exporters: [file]
    logs:
      receivers: [otlp]
      processors: [batch]
      exporters: [file]
  telemetry:
    metrics:
      address: 127.0.0.1:{metrics}
    logs:
      level: warn
"#,
        grpc = ports.grpc,
        http = ports.http,
        health = ports.health,
        metrics = ports.metrics,
        out = out.display(),
        wal = wal.display(),
    )
}

fn prometheus_config(ports: &Ports) -> String {
    let rules = manifest_dir().join("config/prometheus/recording-rules.yaml");
    format!(
        r#"global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - {rules}
scrape_configs:
  - job_name: spotter
    static_configs:
      - targets: ["127.0.0.1:{metrics}"]
"#,
        rules = rules.display(),
        metrics = ports.metrics,
    )
}

fn prometheus_installed() -> bool {
    Command::new(PROMETHEUS)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The sum of every `spotter_sessions_total` sample in a Prometheus text page.
fn sessions_in(text: &str) -> f64 {
    text.lines()
        .filter(|l| {
            l.starts_with("spotter_sessions_total{") || l.starts_with("spotter_sessions_total ")
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// `promtool check metrics` over a page: parse errors fail, lint findings are returned.
fn promtool_check_metrics(text: &str) -> Result<String> {
    use std::io::Write;
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting promtool (Debian package `prometheus`)")?;
    child
        .stdin
        .take()
        .context("stdin")?
        .write_all(text.as_bytes())?;
    let out = child.wait_with_output()?;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // promtool exits 0 when clean, 3 when only lint problems were found, 1 on errors.
    match out.status.code() {
        Some(0) | Some(3) => Ok(said),
        _ => bail!("promtool check metrics failed ({}):\n{said}", out.status),
    }
}

#[tokio::test]
async fn prometheus_scrapes_success_rate_and_cost_quantiles_while_fixtures_replay() -> Result<()> {
    if !prometheus_installed() {
        ensure!(
            std::env::var_os("CI").is_none(),
            "`prometheus` is not installed (apt-get install prometheus) and CI is set"
        );
        eprintln!("skipping: `prometheus` is not installed (apt-get install prometheus)");
        return Ok(());
    }
    let scratch = Scratch::new()?;
    let ports = Ports {
        grpc: free_port(),
        http: free_port(),
        metrics: free_port(),
        health: free_port(),
        prometheus: free_port(),
    };
    let spans_out = scratch.0.join("spans.jsonl");
    let spotter_yaml = scratch.0.join("spotter.yaml");
    std::fs::write(
        &spotter_yaml,
        spotter_config(&ports, &spans_out, &scratch.0.join("wal")),
    )?;
    let prometheus_yaml = scratch.0.join("prometheus.yml");
    std::fs::write(&prometheus_yaml, prometheus_config(&ports))?;

    let spotter = Running::spawn(
        "spotter",
        SPOTTER,
        &["--config".into(), spotter_yaml.display().to_string()],
        &scratch.0,
    )?;
    let prometheus = Running::spawn(
        "prometheus",
        PROMETHEUS,
        &[
            format!("--config.file={}", prometheus_yaml.display()),
            format!("--storage.tsdb.path={}", scratch.0.join("tsdb").display()),
            format!("--web.listen-address=127.0.0.1:{}", ports.prometheus),
        ],
        &scratch.0,
    )?;

    let health = format!("http://127.0.0.1:{}/readyz", ports.health);
    wait_for("spotter to be ready", Duration::from_secs(30), || async {
        spotter.alive()?;
        Ok((get(&health).await?.status == 200).then_some(()))
    })
    .await
    .with_context(|| spotter.log())?;
    let ready = format!("http://127.0.0.1:{}/-/ready", ports.prometheus);
    wait_for(
        "prometheus to be ready",
        Duration::from_secs(60),
        || async {
            prometheus.alive()?;
            Ok((get(&ready).await?.status == 200).then_some(()))
        },
    )
    .await
    .with_context(|| prometheus.log())?;

    // Replay every captured request as its library sent it.
    let fixtures = fixtures()?;
    ensure!(fixtures.len() >= 40, "only {} fixtures", fixtures.len());
    replay(&fixtures, ports.http, Duration::from_millis(250)).await?;

    // Every labelled session ends (inactivity 2s) and is counted on spotter's /metrics...
    let sessions = labelled_sessions()? as f64;
    let metrics_url = format!("http://127.0.0.1:{}/metrics", ports.metrics);
    let page = wait_for(
        "spotter to count every session",
        Duration::from_secs(60),
        || async {
            spotter.alive()?;
            let text = get(&metrics_url).await?.text();
            Ok((sessions_in(&text) >= sessions).then_some(text))
        },
    )
    .await
    .with_context(|| spotter.log())?;
    ensure!(
        sessions_in(&page) == sessions,
        "spotter counted {} sessions, the labels hold {sessions}",
        sessions_in(&page)
    );

    // ...and Prometheus has scraped the final counts.
    wait_for(
        "prometheus to scrape every session",
        Duration::from_secs(60),
        || async {
            prometheus.alive()?;
            let got = query(ports.prometheus, "sum(spotter_sessions_total)").await?;
            Ok(got
                .first()
                .is_some_and(|s| s.value == sessions)
                .then_some(()))
        },
    )
    .await
    .with_context(|| prometheus.log())?;

    // What the daemon decided, for the log.
    for promql in [
        "sum by (workflow, outcome) (spotter_sessions_total)",
        "sum by (workflow, reason) (spotter_session_failures_total)",
    ] {
        for s in query(ports.prometheus, promql).await? {
            let labels: Vec<String> = s.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            eprintln!("{promql}: {{{}}} {}", labels.join(","), s.value);
        }
    }

    // (a) Success rate by workflow.
    let rates = query(
        ports.prometheus,
        r#"sum by (workflow) (spotter_sessions_total{outcome="success"}) / sum by (workflow) (spotter_sessions_total)"#,
    )
    .await?;
    ensure!(!rates.is_empty(), "no success rate by workflow");
    for s in &rates {
        eprintln!(
            "success rate workflow={:?}: {}",
            label(s, "workflow"),
            s.value
        );
        ensure!(
            !label(s, "workflow").is_empty(),
            "success rate without workflow: {s:?}"
        );
        ensure!(
            (0.0..=1.0).contains(&s.value),
            "success rate out of [0,1]: {s:?}"
        );
    }
    // The fixtures hold successful and failed sessions alike: neither extreme overall.
    let overall = query(
        ports.prometheus,
        r#"sum(spotter_sessions_total{outcome="success"}) / sum(spotter_sessions_total)"#,
    )
    .await?;
    let overall = overall.first().context("overall success rate")?.value;
    eprintln!("success rate overall: {overall}");
    ensure!(
        overall > 0.0 && overall < 1.0,
        "overall success rate {overall}"
    );

    // (b) Session cost quantiles by workflow.
    for q in ["0.5", "0.9", "0.99"] {
        let got = query(
            ports.prometheus,
            &format!(
                "histogram_quantile({q}, sum by (le, workflow) (spotter_session_cost_usd_bucket))"
            ),
        )
        .await?;
        ensure!(!got.is_empty(), "no P{q} session cost");
        for s in &got {
            eprintln!(
                "session cost p{q} workflow={:?}: {} USD",
                label(s, "workflow"),
                s.value
            );
            ensure!(
                s.value.is_finite() && s.value > 0.0,
                "session cost P{q} is not a positive amount: {s:?}"
            );
        }
    }
    let mean = query(
        ports.prometheus,
        "sum(spotter_session_cost_usd_sum) / sum(spotter_session_cost_usd_count)",
    )
    .await?;
    eprintln!("session cost mean: {:?} USD", mean.first().map(|s| s.value));

    // The recording rules load cleanly and produce series.
    let rules = get(&format!(
        "http://127.0.0.1:{}/api/v1/rules",
        ports.prometheus
    ))
    .await?;
    let rules: Value = serde_json::from_slice(&rules.body)?;
    let mut loaded = 0;
    for group in rules["data"]["groups"].as_array().context("rule groups")? {
        for rule in group["rules"].as_array().context("rules")? {
            loaded += 1;
            ensure!(rule["health"] != "err", "recording rule failed: {rule}");
        }
    }
    ensure!(loaded > 0, "no recording rules loaded: {rules}");
    let recorded = wait_for(
        "a recording rule series",
        Duration::from_secs(30),
        || async {
            let got = query(ports.prometheus, r#"{__name__=~".+:spotter_.+"}"#).await?;
            Ok((!got.is_empty()).then_some(got))
        },
    )
    .await?;
    let mut names: Vec<&str> = recorded.iter().map(|s| label(s, "__name__")).collect();
    names.sort();
    names.dedup();
    eprintln!("{loaded} recording rules loaded; series from: {names:?}");

    // The live page passes promtool (parse errors fail; lint findings are reported).
    let page = get(&metrics_url).await?.text();
    let lint = promtool_check_metrics(&page)?;
    if lint.trim().is_empty() {
        eprintln!("promtool check metrics: clean");
    } else {
        eprintln!("promtool check metrics lint findings:\n{lint}");
    }

    // The dashboard: every panel's query returns data.
    let live = get(&metrics_url).await?.text();
    let declared = dashboard::declared_metrics(&manifest_dir().join("src"))?;
    let queries = dashboard::panel_queries(&manifest_dir().join("config/grafana/spotter.json"))?;
    ensure!(queries.len() >= 20, "only {} panel queries", queries.len());
    for q in &queries {
        let names = dashboard::metric_names(&q.promql);
        ensure!(
            !names.is_empty(),
            "{:?}/{}: reads no spotter series",
            q.panel,
            q.ref_id
        );
        for name in names {
            ensure!(
                live.contains(&format!("\n{name}")) || declared.contains(&format!("\"{name}\"")),
                "{:?}/{}: {name} is neither on /metrics nor declared in src/",
                q.panel,
                q.ref_id
            );
        }
        let got = query(ports.prometheus, &q.promql)
            .await
            .with_context(|| format!("panel {:?}/{}", q.panel, q.ref_id))?;
        let finite = got.iter().filter(|s| s.value.is_finite()).count();
        eprintln!(
            "panel {:?}/{}: {} series, {finite} finite",
            q.panel,
            q.ref_id,
            got.len()
        );
        ensure!(
            finite > 0,
            "panel {:?}/{} returned no data: {}\n{got:?}",
            q.panel,
            q.ref_id,
            q.promql
        );
    }

    // The spans went on downstream too.
    let written = std::fs::read_to_string(&spans_out).unwrap_or_default();
    ensure!(
        written.lines().count() > 0,
        "the file exporter wrote nothing\n{}",
        spotter.log()
    );
    spotter.alive()?;
    prometheus.alive()?;
    Ok(())
}
