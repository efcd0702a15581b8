//! The plan: a [`Config`] turned into built components, once. `spotter validate` builds the plan
//! and drops it; [`super::Service::start`] runs it. Building has no side effects: processors
//! parse and check their options but load state files only in [`Processor::start`], which the
//! engine calls; exporters do not connect; TLS certificates are read (they are config input) and
//! kept for the listeners.

use std::collections::BTreeMap;

use tokio_rustls::TlsAcceptor;

use crate::config::{Config, ConfigError, Signal, TlsServerSettings};
use crate::exporter::{self, Built};
use crate::processor::{self, Processor};

/// One pipeline's processors, built in order, and the exporters it fans out to.
pub struct PipelinePlan {
    pub id: String,
    pub signal: Signal,
    pub processors: Vec<Box<dyn Processor>>,
    pub exporters: Vec<String>,
}

impl PipelinePlan {
    /// Whether this traces pipeline also takes its receivers' log batches (see
    /// [`Processor::takes_logs`]).
    pub fn takes_logs(&self) -> bool {
        self.signal == Signal::Traces && self.processors.iter().any(|p| p.takes_logs())
    }
}

/// Everything a service needs, built from one config.
pub struct Plan {
    pub config: Config,
    pub pipelines: Vec<PipelinePlan>,
    /// Exporters at least one pipeline names, by id.
    pub exporters: BTreeMap<String, Built>,
    /// TLS acceptors of the receivers, by config path (`receivers.otlp.protocols.grpc`).
    pub tls: BTreeMap<String, TlsAcceptor>,
}

impl Plan {
    /// Build every component of `config`. Components no pipeline uses are built and dropped, so
    /// their mistakes are reported too.
    pub fn new(config: Config) -> Result<Plan, ConfigError> {
        Plan::build(&config)
            .map(|(pipelines, exporters, tls)| Plan {
                config: config.clone(),
                pipelines,
                exporters,
                tls,
            })
            .map_err(|e| e.with_line(&config.source))
    }

    /// Load the config at `path` (or the embedded default) and plan it.
    pub fn load(
        path: Option<&std::path::Path>,
        env: &dyn crate::config::Environment,
    ) -> Result<Plan, ConfigError> {
        Plan::new(Config::load(path, env)?)
    }

    #[allow(clippy::type_complexity)]
    fn build(
        config: &Config,
    ) -> Result<
        (
            Vec<PipelinePlan>,
            BTreeMap<String, Built>,
            BTreeMap<String, TlsAcceptor>,
        ),
        ConfigError,
    > {
        let mut tls = BTreeMap::new();
        for r in &config.receivers {
            let protocols = [
                ("grpc", r.grpc.as_ref().and_then(|g| g.tls.as_ref())),
                ("http", r.http.as_ref().and_then(|h| h.tls.as_ref())),
            ];
            for (protocol, settings) in protocols {
                if let Some(settings) = settings {
                    let path = format!("receivers.{}.protocols.{protocol}", r.id);
                    tls.insert(path.clone(), acceptor(settings, &path)?);
                }
            }
        }

        let mut exporters = BTreeMap::new();
        for (id, options) in &config.exporters {
            let built = exporter::build(id, options, &format!("exporters.{id}"))?;
            if config.pipelines.iter().any(|p| p.exporters.contains(id)) {
                exporters.insert(id.clone(), built);
            }
        }

        let used = |id: &String| config.pipelines.iter().any(|p| p.processors.contains(id));
        for (id, options) in config.processors.iter().filter(|(id, _)| !used(id)) {
            processor::build(id, options, &format!("processors.{id}"))?;
        }
        let mut pipelines = Vec::with_capacity(config.pipelines.len());
        for p in &config.pipelines {
            let mut processors = Vec::with_capacity(p.processors.len());
            for pid in &p.processors {
                let options = config.processors.get(pid).cloned().unwrap_or_default();
                processors.push(processor::build(
                    pid,
                    &options,
                    &format!("processors.{pid}"),
                )?);
            }
            if let Some(at) = processors.iter().position(|p| p.takes_logs()) {
                if p.signal != Signal::Traces || at != 0 {
                    return Err(ConfigError::invalid(
                        format!("service.pipelines.{}.processors", p.id),
                        format!(
                            "{:?} joins log events to spans: it must be the first processor of a traces pipeline",
                            p.processors[at]
                        ),
                    ));
                }
            }
            pipelines.push(PipelinePlan {
                id: p.id.clone(),
                signal: p.signal,
                processors,
                exporters: p.exporters.clone(),
            });
        }
        Ok((pipelines, exporters, tls))
    }
}

fn acceptor(settings: &TlsServerSettings, path: &str) -> Result<TlsAcceptor, ConfigError> {
    crate::listener::tls_acceptor(settings, path)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn plan(text: &str, env: &HashMap<String, String>) -> Result<Plan, ConfigError> {
        Plan::new(Config::from_yaml(text, env)?)
    }

    #[test]
    fn unknown_component_option_names_path_and_line() {
        let text = "receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 127.0.0.1:4317\n        max_recv_msg_sise_mib: 4\nexporters:\n  debug:\nservice:\n  pipelines:\n    traces: {receivers: [otlp], exporters: [debug]}\n";
        let err = plan(text, &HashMap::new())
            .err()
            .expect("an invalid config")
            .to_string();
        assert!(err.contains("receivers.otlp.protocols.grpc"), "{err}");
        assert!(err.contains("max_recv_msg_sise_mib"), "{err}");
        assert!(err.contains("line 6"), "{err}");
    }

    #[test]
    fn a_bad_option_of_an_unused_processor_is_named_with_its_line() {
        let text = "receivers:\n  otlp:\n    protocols:\n      http:\nprocessors:\n  batch:\n    send_batch_sise: 3\nexporters:\n  debug:\nservice:\n  pipelines:\n    traces: {receivers: [otlp], exporters: [debug]}\n";
        let err = plan(text, &HashMap::new())
            .err()
            .expect("an invalid config")
            .to_string();
        assert!(err.contains("processors.batch"), "{err}");
        assert!(err.contains("send_batch_sise"), "{err}");
        assert!(err.contains("line 7"), "{err}");
    }

    #[test]
    fn an_unknown_exporter_type_is_named_with_its_line() {
        let text = "receivers:\n  otlp:\n    protocols:\n      http:\nexporters:\n  kafka:\nservice:\n  pipelines:\n    traces: {receivers: [otlp], exporters: [kafka]}\n";
        let err = plan(text, &HashMap::new())
            .err()
            .expect("an invalid config")
            .to_string();
        assert!(err.contains("exporters.kafka"), "{err}");
        assert!(err.contains("unknown exporter type"), "{err}");
        assert!(err.contains("line 6"), "{err}");
    }

    #[test]
    fn the_log_event_join_must_come_first_in_a_traces_pipeline() {
        let base = "receivers:\n  otlp:\n    protocols:\n      http:\nprocessors:\n  session:\n  genai_events:\nexporters:\n  debug:\nservice:\n  pipelines:\n";
        let late = format!("{base}    traces: {{receivers: [otlp], processors: [session, genai_events], exporters: [debug]}}\n");
        let err = plan(&late, &HashMap::new())
            .err()
            .expect("the join after another processor")
            .to_string();
        assert!(err.contains("service.pipelines.traces.processors"), "{err}");
        assert!(
            err.contains("must be the first processor of a traces pipeline"),
            "{err}"
        );
        let in_logs = format!("{base}    logs: {{receivers: [otlp], processors: [genai_events], exporters: [debug]}}\n");
        assert!(plan(&in_logs, &HashMap::new()).is_err());
        let first = format!("{base}    traces: {{receivers: [otlp], processors: [genai_events, session], exporters: [debug]}}\n");
        let p = plan(&first, &HashMap::new()).expect("the join first");
        assert!(p.pipelines[0].takes_logs());
    }

    #[test]
    fn every_shipped_example_config_plans() {
        let mut env = HashMap::new();
        env.insert("LANGFUSE_AUTH".to_string(), "cGs6c2s=".to_string());
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|x| x.to_str()) != Some("yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            if !text.contains("service:") {
                continue; // pricing and model tables
            }
            let p = plan(&text, &env).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            assert!(!p.pipelines.is_empty(), "{}", path.display());
            checked += 1;
        }
        assert!(checked >= 4, "default, otlp, langfuse and phoenix examples");
    }
}
