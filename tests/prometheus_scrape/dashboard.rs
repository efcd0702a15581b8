//! The Grafana dashboard `config/grafana/spotter.json`: its panels' queries, made concrete.

use std::path::Path;

use anyhow::{bail, ensure, Context, Result};
use serde_json::Value;

/// One panel query: where it comes from and its PromQL with the dashboard's variables replaced.
pub struct PanelQuery {
    pub panel: String,
    pub ref_id: String,
    pub promql: String,
}

/// What Grafana would put for each variable the dashboard uses: `$workflow` set to All (its
/// `allValue`), `$__rate_interval` wide enough to hold two scrapes of both replays.
const VARIABLES: &[(&str, &str)] = &[
    ("$__rate_interval", "1m"),
    ("$__range", "5m"),
    ("$__interval", "15s"),
    ("${workflow}", ".*"),
    ("$workflow", ".*"),
];

/// Every query of every panel (rows' nested panels included), variables substituted.
pub fn panel_queries(dashboard: &Path) -> Result<Vec<PanelQuery>> {
    let doc: Value = serde_json::from_slice(&std::fs::read(dashboard)?)
        .with_context(|| format!("{} is not JSON", dashboard.display()))?;
    let workflow = doc["templating"]["list"]
        .as_array()
        .context("templating.list")?
        .iter()
        .find(|v| v["name"] == "workflow")
        .context("no $workflow variable")?;
    ensure!(
        workflow["allValue"] == ".*",
        "$workflow's All is not `.*`: {workflow}"
    );
    let mut panels: Vec<&Value> = Vec::new();
    for p in doc["panels"].as_array().context("panels")? {
        panels.push(p);
        if let Some(nested) = p["panels"].as_array() {
            panels.extend(nested);
        }
    }
    let mut ids = std::collections::HashSet::new();
    let mut out = Vec::new();
    for p in panels {
        let title = p["title"]
            .as_str()
            .context("panel without title")?
            .to_string();
        ensure!(
            ids.insert(p["id"].as_u64().context("panel id")?),
            "duplicate panel id in {title:?}"
        );
        ensure!(
            p["gridPos"]["w"].as_u64().is_some(),
            "{title:?} has no gridPos"
        );
        if p["type"] == "row" {
            continue;
        }
        let targets = p["targets"].as_array().context("targets")?;
        ensure!(!targets.is_empty(), "panel {title:?} has no query");
        for t in targets {
            let mut promql = t["expr"]
                .as_str()
                .context("target without expr")?
                .to_string();
            for (var, value) in VARIABLES {
                promql = promql.replace(var, value);
            }
            if promql.contains('$') {
                bail!("panel {title:?}: unsubstituted variable in {promql:?}");
            }
            out.push(PanelQuery {
                panel: title.clone(),
                ref_id: t["refId"].as_str().unwrap_or("?").to_string(),
                promql,
            });
        }
    }
    Ok(out)
}

/// The spotter and Collector series a query reads, by base name (`_bucket`, `_sum`, `_count`
/// stripped).
pub fn metric_names(promql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = promql.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let rest = &promql[i..];
        if starts_word && (rest.starts_with("spotter_") || rest.starts_with("otelcol_")) {
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let name = &rest[..len];
            let base = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|s| name.strip_suffix(s))
                .unwrap_or(name);
            out.push(base.to_string());
            i += len;
        } else {
            i += 1;
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Metric names spotter's source declares: string literals starting with `spotter_` or
/// `otelcol_` anywhere under `src/`.
pub fn declared_metrics(src: &Path) -> Result<String> {
    let mut text = String::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                text.push_str(&std::fs::read_to_string(&path)?);
            }
        }
    }
    Ok(text)
}
