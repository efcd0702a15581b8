//! The describe hook: every component lists the metrics it emits (name, type, unit, HELP text
//! and, for histograms, buckets) in a `describe` function, in the manner of vector's internal
//! events. The service gathers them into one [`Catalog`] and installs the Prometheus recorder
//! from it, so telemetry never needs to know which components exist.

use std::sync::OnceLock;

use metrics::Unit;
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};

/// A component's describe hook.
pub type Describe = fn(&mut Catalog);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// One metric a component emits.
#[derive(Debug, Clone)]
pub struct Metric {
    pub name: &'static str,
    pub kind: Kind,
    pub unit: Option<Unit>,
    pub help: &'static str,
}

/// Every metric of a set of components, with the histogram buckets they ask for.
#[derive(Debug, Default)]
pub struct Catalog {
    metrics: Vec<Metric>,
    buckets: Vec<(&'static str, &'static [f64])>,
}

const SECONDS_BUCKETS: &[f64] = &[
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0,
    600.0, 1800.0,
];
const USD_BUCKETS: &[f64] = &[
    0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 25.0,
];
const RATIO_BUCKETS: &[f64] = &[0.1, 0.25, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0];
const COUNT_BUCKETS: &[f64] = &[
    1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0, 32.0, 64.0, 128.0,
];

impl Catalog {
    /// The catalog of the given components' hooks.
    pub fn of(hooks: &[Describe]) -> Catalog {
        let mut catalog = Catalog::default();
        for hook in hooks {
            hook(&mut catalog);
        }
        catalog
    }

    fn add(&mut self, name: &'static str, kind: Kind, help: &'static str) -> &mut Self {
        self.metrics.push(Metric {
            name,
            kind,
            unit: None,
            help,
        });
        self
    }

    pub fn counter(&mut self, name: &'static str, help: &'static str) -> &mut Self {
        self.add(name, Kind::Counter, help)
    }

    pub fn gauge(&mut self, name: &'static str, help: &'static str) -> &mut Self {
        self.add(name, Kind::Gauge, help)
    }

    pub fn histogram(&mut self, name: &'static str, help: &'static str) -> &mut Self {
        self.add(name, Kind::Histogram, help)
    }

    /// The unit of the metric added last.
    pub fn unit(&mut self, unit: Unit) -> &mut Self {
        if let Some(m) = self.metrics.last_mut() {
            m.unit = Some(unit);
        }
        self
    }

    /// Buckets of one histogram, instead of the defaults chosen by its name's suffix.
    pub fn buckets(&mut self, name: &'static str, buckets: &'static [f64]) -> &mut Self {
        self.buckets.push((name, buckets));
        self
    }

    pub fn metrics(&self) -> &[Metric] {
        &self.metrics
    }

    /// A Prometheus builder with every histogram's buckets: those a component asked for, else by
    /// name suffix (`_seconds`, `_usd`, `_ratio`), else counts.
    pub fn prometheus_builder(&self) -> Result<PrometheusBuilder, BuildError> {
        let mut builder = PrometheusBuilder::new()
            .set_buckets(COUNT_BUCKETS)?
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)?
            .set_buckets_for_metric(Matcher::Suffix("_usd".into()), USD_BUCKETS)?
            .set_buckets_for_metric(Matcher::Suffix("_ratio".into()), RATIO_BUCKETS)?;
        for (name, buckets) in &self.buckets {
            builder =
                builder.set_buckets_for_metric(Matcher::Full((*name).to_string()), buckets)?;
        }
        Ok(builder)
    }

    /// Give every metric its HELP text and unit on the current recorder.
    pub fn register(&self) {
        for m in &self.metrics {
            match (m.kind, m.unit) {
                (Kind::Counter, Some(u)) => metrics::describe_counter!(m.name, u, m.help),
                (Kind::Counter, None) => metrics::describe_counter!(m.name, m.help),
                (Kind::Gauge, Some(u)) => metrics::describe_gauge!(m.name, u, m.help),
                (Kind::Gauge, None) => metrics::describe_gauge!(m.name, m.help),
                (Kind::Histogram, Some(u)) => metrics::describe_histogram!(m.name, u, m.help),
                (Kind::Histogram, None) => metrics::describe_histogram!(m.name, m.help),
            }
        }
    }
}

static RECORDER: OnceLock<PrometheusHandle> = OnceLock::new();

/// Install the process-wide Prometheus recorder once, built from the components' hooks, and
/// return its handle.
pub fn install(hooks: &[Describe]) -> PrometheusHandle {
    RECORDER
        .get_or_init(|| {
            let catalog = Catalog::of(hooks);
            let recorder = catalog
                .prometheus_builder()
                .expect("bucket lists are non-empty")
                .build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (tests); spotter then renders its own.
            let _ = metrics::set_global_recorder(recorder);
            catalog.register();
            handle
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn component(c: &mut Catalog) {
        c.counter("spotter_test_things_total", "Things.")
            .histogram("spotter_test_wait_seconds", "Waits.")
            .unit(Unit::Seconds)
            .buckets("spotter_test_wait_seconds", &[1.0, 2.0]);
    }

    #[test]
    fn hooks_describe_metrics_and_their_buckets_reach_the_recorder() {
        let catalog = Catalog::of(&[component]);
        assert_eq!(catalog.metrics().len(), 2);
        assert_eq!(catalog.metrics()[1].unit, Some(Unit::Seconds));
        let recorder = catalog.prometheus_builder().unwrap().build_recorder();
        let handle = recorder.handle();
        metrics::with_local_recorder(&recorder, || {
            catalog.register();
            metrics::counter!("spotter_test_things_total").increment(1);
            metrics::histogram!("spotter_test_wait_seconds").record(1.5);
        });
        let text = handle.render();
        assert!(
            text.contains("# HELP spotter_test_things_total Things."),
            "{text}"
        );
        assert!(
            text.contains("spotter_test_wait_seconds_bucket{le=\"2\"} 1"),
            "{text}"
        );
        assert!(!text.contains("le=\"0.001\""), "{text}");
    }
}
