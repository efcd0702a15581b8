//! Every shipped vendor config, run as a user runs it, forwards the captured fixtures of every
//! library with the keys, headers and paths that vendor documents.
//!
//! The built binary runs `config/<vendor>.yaml` unchanged except for its listening ports; the
//! vendor endpoint is overridden through the config's own `${env:…}` variable to point at a
//! capture sink on 127.0.0.1 that records each request's path, headers and decoded spans.
//! After the replay spotter gets SIGTERM, so sessions end and held spans are flushed before the
//! captures are read. What each vendor reads, and where it is documented, is in README's vendor
//! table.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::{TokioExecutor, TokioIo};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value::Value, KeyValue};
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use serde_json::Value as Json;

mod common;

const SPOTTER: &str = env!("CARGO_BIN_EXE_spotter");

/// The Phoenix project each library's agent asked for itself (resource
/// `openinference.project.name` in its captured requests), by service name.
fn projects_set_by_agents() -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    for library in common::LIBRARIES {
        for req in common::requests(library)? {
            for rs in &req.resource_spans {
                let attrs = rs.resource.as_ref().map_or(&[][..], |r| &r.attributes[..]);
                if let (Some(service), Some(project)) = (
                    text(attrs, "service.name"),
                    text(attrs, "openinference.project.name"),
                ) {
                    out.insert(service.to_string(), project.to_string());
                }
            }
        }
    }
    Ok(out)
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One request spotter sent to the vendor.
struct Captured {
    path: String,
    headers: HashMap<String, String>,
    traces: Option<ExportTraceServiceRequest>,
}

type Captures = Arc<Mutex<Vec<Captured>>>;

fn decompress(encoding: Option<&str>, body: &[u8]) -> Result<Vec<u8>> {
    Ok(match encoding {
        Some("gzip") => {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(body).read_to_end(&mut out)?;
            out
        }
        Some("zstd") => zstd::decode_all(body)?,
        None | Some("identity") => body.to_vec(),
        Some(other) => bail!("unexpected content-encoding {other:?}"),
    })
}

/// A capture sink answering every OTLP/HTTP export with 200 and an empty response.
async fn capture_sink() -> Result<(u16, Captures)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let captures: Captures = Arc::default();
    let shared = captures.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let captures = shared.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: http::Request<hyper::body::Incoming>| {
                    let captures = captures.clone();
                    async move {
                        let path = req.uri().path().to_string();
                        let headers: HashMap<String, String> = req
                            .headers()
                            .iter()
                            .map(|(k, v)| {
                                (k.as_str().to_string(), v.to_str().unwrap_or("").to_string())
                            })
                            .collect();
                        let body = match req.into_body().collect().await {
                            Ok(b) => b.to_bytes(),
                            Err(_) => Bytes::new(),
                        };
                        let raw =
                            decompress(headers.get("content-encoding").map(String::as_str), &body);
                        let traces = match (path.ends_with("/v1/traces"), raw) {
                            (true, Ok(raw)) => ExportTraceServiceRequest::decode(&raw[..]).ok(),
                            _ => None,
                        };
                        captures.lock().expect("captures").push(Captured {
                            path,
                            headers,
                            traces,
                        });
                        http::Response::builder()
                            .status(200)
                            .header("content-type", "application/x-protobuf")
                            .body(Full::new(Bytes::new()))
                            .map_err(anyhow::Error::from)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok((port, captures))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// One captured fixture request: where it was sent and how.
struct Fixture {
    file: PathBuf,
    path: String,
    content_type: String,
    encoding: Option<String>,
}

fn fixtures() -> Result<Vec<Fixture>> {
    let root = repo().join("../shared/fixtures");
    let mut metas = Vec::new();
    for dir in std::fs::read_dir(&root).with_context(|| format!("{}", root.display()))? {
        let dir = dir?.path();
        if dir.is_dir() {
            for entry in std::fs::read_dir(&dir)? {
                let p = entry?.path();
                if p.to_string_lossy().ends_with(".meta.json") {
                    metas.push(p);
                }
            }
        }
    }
    metas.sort();
    let mut out = Vec::new();
    for meta_path in metas {
        let meta: Json = serde_json::from_slice(&std::fs::read(&meta_path)?)?;
        let dir = meta_path.parent().context("parent")?;
        out.push(Fixture {
            file: dir.join(meta["file"].as_str().context("file")?),
            path: meta["path"].as_str().context("path")?.to_string(),
            content_type: meta["content_type"].as_str().context("type")?.to_string(),
            encoding: meta["content_encoding"].as_str().map(str::to_string),
        });
    }
    Ok(out)
}

async fn send(req: http::Request<Full<Bytes>>) -> Result<u16> {
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let resp = tokio::time::timeout(Duration::from_secs(10), client.request(req)).await??;
    Ok(resp.status().as_u16())
}

/// Run `config/<vendor>.yaml` with `env`, replay every fixture into it, stop it with SIGTERM and
/// return what reached the sink.
async fn forward_fixtures(vendor: &str, env: &[(&str, String)], sink: &Captures) -> Result<()> {
    let shipped = std::fs::read_to_string(repo().join(format!("config/{vendor}.yaml")))?;
    let (grpc, http_port, metrics, health) = (free_port(), free_port(), free_port(), free_port());
    let config = shipped
        .replace("-127.0.0.1}:4317", &format!("-127.0.0.1}}:{grpc}"))
        .replace("-127.0.0.1}:4318", &format!("-127.0.0.1}}:{http_port}"))
        .replace("127.0.0.1:8888", &format!("127.0.0.1:{metrics}"))
        .replace("127.0.0.1:13133", &format!("127.0.0.1:{health}"));
    ensure!(
        config != shipped,
        "{vendor}.yaml: listening ports not found"
    );
    let dir = std::env::temp_dir().join(format!("spotter-vendor-{vendor}-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("config.yaml");
    std::fs::write(&path, config)?;
    let log = dir.join("spotter.log");
    let mut child = Command::new(SPOTTER)
        .args(["--config", &path.display().to_string()])
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log)?)
        .spawn()?;
    let tail = || std::fs::read_to_string(&log).unwrap_or_default();

    let ready = format!("http://127.0.0.1:{health}/readyz");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let req = http::Request::get(&ready).body(Full::new(Bytes::new()))?;
        if send(req).await.ok() == Some(200) {
            break;
        }
        if Instant::now() > deadline || child.try_wait()?.is_some() {
            let _ = child.kill();
            bail!("{vendor}: spotter not ready\n{}", tail());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for f in fixtures()? {
        let mut req = http::Request::post(format!("http://127.0.0.1:{http_port}{}", f.path))
            .header("content-type", &f.content_type);
        if let Some(e) = &f.encoding {
            req = req.header("content-encoding", e);
        }
        let status = send(req.body(Full::new(Bytes::from(std::fs::read(&f.file)?)))?).await?;
        ensure!(
            status == 200,
            "{vendor}: {} got HTTP {status}",
            f.file.display()
        );
    }
    // SIGTERM: sessions end, held spans are released, exporters drain, spotter exits 0.
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()?;
    ensure!(killed.success(), "kill -TERM failed");
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            bail!("{vendor}: spotter did not drain\n{}", tail());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    ensure!(
        status.success(),
        "{vendor}: spotter exited {status}\n{}",
        tail()
    );
    ensure!(
        !sink.lock().expect("captures").is_empty(),
        "{vendor}: nothing reached the sink\n{}",
        tail()
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Every span spotter forwarded, with its resource's attributes.
fn spans(captures: &[Captured]) -> Vec<(&[KeyValue], &Span)> {
    let mut out = Vec::new();
    for c in captures {
        for rs in c.traces.iter().flat_map(|t| &t.resource_spans) {
            let resource = rs.resource.as_ref().map_or(&[][..], |r| &r.attributes[..]);
            for ss in &rs.scope_spans {
                out.extend(ss.spans.iter().map(|s| (resource, s)));
            }
        }
    }
    out
}

fn get<'a>(attrs: &'a [KeyValue], key: &str) -> Option<&'a Value> {
    attrs
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
        .and_then(|v| v.value.as_ref())
}

fn text<'a>(attrs: &'a [KeyValue], key: &str) -> Option<&'a str> {
    match get(attrs, key) {
        Some(Value::StringValue(s)) => Some(s),
        _ => None,
    }
}

fn number(attrs: &[KeyValue], key: &str) -> Option<f64> {
    match get(attrs, key)? {
        Value::IntValue(i) => Some(*i as f64),
        Value::DoubleValue(d) => Some(*d),
        Value::StringValue(s) => s.parse().ok(),
        _ => None,
    }
}

/// The five fixture libraries, by the service name each one's agent ran under.
const SERVICES: &[&str] = &[
    "shopbot-otel-protobuf",
    "shopbot-otel-json",
    "shopbot-openinference",
    "shopbot-traceloop",
    "shopbot-langfuse",
];

/// Spans of one library, the session summary spans left out.
fn library<'a>(
    all: &[(&'a [KeyValue], &'a Span)],
    service: &str,
) -> Vec<(&'a [KeyValue], &'a Span)> {
    all.iter()
        .filter(|(r, s)| {
            text(r, "service.name") == Some(service) && s.name != "spotter.session.summary"
        })
        .copied()
        .collect()
}

fn role(span: &Span) -> Option<&str> {
    text(&span.attributes, "spotter.span.role")
}

/// What every vendor config must carry: every library's spans, the full pipeline's work (tool
/// outcomes, cost, session summaries) and the vendor's path and headers on every request.
fn common_checks(
    vendor: &str,
    captures: &[Captured],
    path: &str,
    headers: &[(&str, &str)],
    summaries: bool,
) -> Result<()> {
    for c in captures.iter().filter(|c| c.path.ends_with("/v1/traces")) {
        ensure!(
            c.path == path,
            "{vendor}: sent to {:?}, not {path:?}",
            c.path
        );
        for (k, v) in headers {
            ensure!(
                c.headers.get(*k).map(String::as_str) == Some(*v),
                "{vendor}: header {k} is {:?}, expected {v:?}",
                c.headers.get(*k)
            );
        }
        ensure!(c.traces.is_some(), "{vendor}: a traces body did not decode");
    }
    let all = spans(captures);
    ensure!(
        all.len() >= 665,
        "{vendor}: only {} spans arrived",
        all.len()
    );
    ensure!(
        all.iter().any(|(_, s)| s.name == "spotter.session.summary") == summaries,
        "{vendor}: session summary spans expected: {summaries}"
    );
    for service in SERVICES {
        let spans = library(&all, service);
        ensure!(!spans.is_empty(), "{vendor}: no span of {service}");
        let tools: Vec<_> = spans
            .iter()
            .filter(|(_, s)| role(s) == Some("tool"))
            .collect();
        ensure!(!tools.is_empty(), "{vendor}/{service}: no tool span");
        for (_, s) in &tools {
            ensure!(
                text(&s.attributes, "spotter.tool.outcome").is_some(),
                "{vendor}/{service}: tool span {:?} without spotter.tool.outcome",
                s.name
            );
        }
        let llm: Vec<_> = spans
            .iter()
            .filter(|(_, s)| role(s) == Some("llm"))
            .collect();
        ensure!(!llm.is_empty(), "{vendor}/{service}: no LLM span");
        ensure!(
            llm.iter()
                .any(|(_, s)| number(&s.attributes, "spotter.cost.usd").is_some_and(|c| c > 0.0)),
            "{vendor}/{service}: no LLM span priced"
        );
    }
    Ok(())
}

/// OTel GenAI keys (the `otel_genai` profile) on every library's LLM and tool spans.
fn otel_genai_checks(vendor: &str, captures: &[Captured]) -> Result<()> {
    let all = spans(captures);
    for service in SERVICES {
        for (_, s) in library(&all, service) {
            let a = &s.attributes;
            match role(s) {
                Some("llm") => {
                    ensure!(
                        text(a, "gen_ai.operation.name").is_some(),
                        "{vendor}/{service}: LLM span {:?} without gen_ai.operation.name",
                        s.name
                    );
                    ensure!(
                        number(a, "gen_ai.usage.input_tokens").is_some_and(|n| n > 0.0)
                            && number(a, "gen_ai.usage.output_tokens").is_some(),
                        "{vendor}/{service}: LLM span {:?} without gen_ai.usage.*",
                        s.name
                    );
                    ensure!(
                        text(a, "gen_ai.response.model").is_some(),
                        "{vendor}/{service}: LLM span {:?} without its model",
                        s.name
                    );
                }
                Some("tool") => {
                    ensure!(
                        text(a, "gen_ai.operation.name") == Some("execute_tool")
                            && text(a, "gen_ai.tool.name").is_some(),
                        "{vendor}/{service}: tool span {:?} without execute_tool / gen_ai.tool.name",
                        s.name
                    );
                }
                _ => {}
            }
            ensure!(
                text(a, "gen_ai.conversation.id").is_some(),
                "{vendor}/{service}: span {:?} without gen_ai.conversation.id",
                s.name
            );
        }
    }
    Ok(())
}

#[tokio::test]
async fn phoenix_config_carries_kinds_tokens_cost_findings_and_projects() -> Result<()> {
    let (port, sink) = capture_sink().await?;
    let env = [
        ("PHOENIX_ENDPOINT", format!("http://127.0.0.1:{port}")),
        ("PHOENIX_API_KEY", "phoenix-key".to_string()),
    ];
    forward_fixtures("phoenix", &env, &sink).await?;
    let captures = sink.lock().unwrap();
    // No summary spans for Phoenix: they would move sessions into a `spotter` project.
    common_checks(
        "phoenix",
        &captures,
        "/v1/traces",
        &[("api_key", "phoenix-key")],
        false,
    )?;
    let all = spans(&captures);
    let own = projects_set_by_agents()?;
    for service in SERVICES {
        let spans = library(&all, service);
        let mut findings = 0;
        // The agent's own project wins; otherwise the service name is the project.
        let project = own.get(*service).map_or(*service, String::as_str);
        for (resource, s) in &spans {
            let a = &s.attributes;
            ensure!(
                text(resource, "openinference.project.name") == Some(project),
                "phoenix/{service}: project is {:?}",
                text(resource, "openinference.project.name")
            );
            ensure!(
                text(a, "openinference.span.kind").is_some_and(|k| k != "UNKNOWN"),
                "phoenix/{service}: span {:?} without a span kind",
                s.name
            );
            ensure!(
                text(a, "session.id").is_some(),
                "phoenix/{service}: span {:?} without session.id",
                s.name
            );
            if role(s) == Some("llm") {
                ensure!(
                    text(a, "openinference.span.kind") == Some("LLM"),
                    "phoenix/{service}: LLM span {:?} is not kind LLM",
                    s.name
                );
                ensure!(
                    number(a, "llm.token_count.prompt").is_some_and(|n| n > 0.0)
                        && number(a, "llm.token_count.completion").is_some()
                        && number(a, "llm.token_count.total").is_some(),
                    "phoenix/{service}: LLM span {:?} without llm.token_count.*",
                    s.name
                );
                ensure!(
                    number(a, "llm.cost.total").is_some_and(|c| c > 0.0),
                    "phoenix/{service}: LLM span {:?} without llm.cost.total",
                    s.name
                );
            }
            if role(s) == Some("tool") {
                ensure!(
                    text(a, "input.value").is_some(),
                    "phoenix/{service}: tool span {:?} without input.value",
                    s.name
                );
            }
            if let Some(m) = text(a, "metadata") {
                let m: Json = serde_json::from_str(m).unwrap_or(Json::Null);
                if m["spotter"]["findings"].is_array() {
                    findings += 1;
                }
            }
        }
        ensure!(
            findings > 0,
            "phoenix/{service}: no span carries spotter's findings in metadata"
        );
    }
    Ok(())
}

#[tokio::test]
async fn langfuse_config_carries_usage_cost_levels_and_ingestion_header() -> Result<()> {
    let (port, sink) = capture_sink().await?;
    let env = [
        ("LANGFUSE_HOST", format!("http://127.0.0.1:{port}")),
        ("LANGFUSE_AUTH", "cGstbGY6c2stbGY=".to_string()),
    ];
    forward_fixtures("langfuse", &env, &sink).await?;
    let captures = sink.lock().unwrap();
    common_checks(
        "langfuse",
        &captures,
        "/api/public/otel/v1/traces",
        &[
            ("authorization", "Basic cGstbGY6c2stbGY="),
            ("x-langfuse-ingestion-version", "4"),
        ],
        true,
    )?;
    let all = spans(&captures);
    for service in SERVICES {
        let mut levels = 0;
        for (_, s) in library(&all, service) {
            let a = &s.attributes;
            ensure!(
                text(a, "langfuse.observation.type").is_some()
                    && text(a, "langfuse.session.id").is_some(),
                "langfuse/{service}: span {:?} without observation type or session",
                s.name
            );
            if role(s) == Some("llm") {
                let usage: Json = text(a, "langfuse.observation.usage_details")
                    .and_then(|u| serde_json::from_str(u).ok())
                    .with_context(|| {
                        format!("langfuse/{service}: {:?} without usage_details", s.name)
                    })?;
                // Ours (`total`), or the OpenAI-style object the Langfuse SDK already sent,
                // which Langfuse maps itself.
                let total = usage["total"].as_u64().or(usage["total_tokens"].as_u64());
                ensure!(total.is_some_and(|t| t > 0), "{usage}");
                let cost: Json = text(a, "langfuse.observation.cost_details")
                    .and_then(|c| serde_json::from_str(c).ok())
                    .with_context(|| {
                        format!("langfuse/{service}: {:?} without cost_details", s.name)
                    })?;
                ensure!(cost["total"].as_f64().is_some_and(|t| t > 0.0), "{cost}");
            }
            // Input and output under a key Langfuse reads, whichever convention sent them.
            if matches!(role(s), Some("llm") | Some("tool")) {
                ensure!(
                    ["langfuse.observation.input", "input.value", "gen_ai.prompt"]
                        .iter()
                        .any(|k| text(a, k).is_some()),
                    "langfuse/{service}: {:?} has no input Langfuse reads",
                    s.name
                );
            }
            if let Some(level) = text(a, "langfuse.observation.level") {
                ensure!(matches!(level, "ERROR" | "WARNING"), "level {level:?}");
                ensure!(
                    text(a, "langfuse.observation.status_message").is_some_and(|m| !m.is_empty()),
                    "langfuse/{service}: level without status message on {:?}",
                    s.name
                );
                levels += 1;
            }
        }
        ensure!(levels > 0, "langfuse/{service}: no finding became a level");
    }
    Ok(())
}

#[tokio::test]
async fn braintrust_config_sends_genai_keys_to_the_otel_path_with_its_parent_header() -> Result<()>
{
    let (port, sink) = capture_sink().await?;
    let env = [
        ("BRAINTRUST_API_URL", format!("http://127.0.0.1:{port}")),
        ("BRAINTRUST_API_KEY", "bt-key".to_string()),
        ("BRAINTRUST_PARENT", "project_name:shopbot".to_string()),
    ];
    forward_fixtures("braintrust", &env, &sink).await?;
    let captures = sink.lock().unwrap();
    common_checks(
        "braintrust",
        &captures,
        "/otel/v1/traces",
        &[
            ("authorization", "Bearer bt-key"),
            ("x-bt-parent", "project_name:shopbot"),
        ],
        true,
    )?;
    otel_genai_checks("braintrust", &captures)
}

#[tokio::test]
async fn datadog_config_sends_genai_keys_marked_for_llm_observability() -> Result<()> {
    let (port, sink) = capture_sink().await?;
    let env = [
        ("DD_OTLP_ENDPOINT", format!("http://127.0.0.1:{port}")),
        ("DD_API_KEY", "dd-key".to_string()),
    ];
    forward_fixtures("datadog", &env, &sink).await?;
    let captures = sink.lock().unwrap();
    common_checks(
        "datadog",
        &captures,
        "/v1/traces",
        &[("dd-api-key", "dd-key"), ("dd-otlp-source", "llmobs")],
        true,
    )?;
    otel_genai_checks("datadog", &captures)
}

#[tokio::test]
async fn honeycomb_config_sends_findings_as_columns_with_team_and_dataset_headers() -> Result<()> {
    let (port, sink) = capture_sink().await?;
    let env = [
        ("HONEYCOMB_ENDPOINT", format!("http://127.0.0.1:{port}")),
        ("HONEYCOMB_API_KEY", "hc-key".to_string()),
        ("HONEYCOMB_DATASET", "shopbot".to_string()),
    ];
    forward_fixtures("honeycomb", &env, &sink).await?;
    let captures = sink.lock().unwrap();
    common_checks(
        "honeycomb",
        &captures,
        "/v1/traces",
        &[
            ("x-honeycomb-team", "hc-key"),
            ("x-honeycomb-dataset", "shopbot"),
        ],
        true,
    )?;
    otel_genai_checks("honeycomb", &captures)?;
    // Findings are plain attributes, i.e. columns: at least one silent failure and one auth rot.
    let all = spans(&captures);
    for key in ["spotter.tool.silent_failure", "spotter.auth_rot"] {
        ensure!(
            all.iter().any(|(_, s)| get(&s.attributes, key).is_some()),
            "honeycomb: no span carries {key}"
        );
    }
    Ok(())
}
