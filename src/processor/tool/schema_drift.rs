//! `schema_drift`: learns the shape of each tool's JSON results and reports when it changes.
//!
//! For every healthy tool result that is a JSON object (JSON carried as a string, as in MCP text
//! content, included), the processor infers its key paths and types ([`super::schema::shape`])
//! and compares them with the learned variants ([`super::schema::baseline`], which explains the
//! rules). Schemas are keyed by the service, the tool and the tool's argument signature (its
//! argument names): the same tool name in two agents is two APIs, and a tool whose result shape
//! depends on the arguments it was given (`expand`, `include`, `fields`...) has one schema per
//! way of calling it. It writes:
//! - `spotter.tool.schema.missing` on a result that lacks fields (or has types) its established
//!   schema always had; `tool_outcome` then classifies the call `schema_mismatch` (if
//!   `tool_outcome` already ran, this processor rewrites its `ok` outcome itself);
//! - on the call that confirms a drift (K of the last M calls show the same change):
//!   `spotter.tool.schema_drift = true` and a `spotter.tool.schema_drift` event with the diff
//!   (`removed: temperature_c (number); added: temp.value (number), temp.unit (string)`), the
//!   change kinds, and the `service.version` / deployment environment of the first result with
//!   the new shape; `spotter_tool_schema_drift_total{tool,change}` counts it;
//! - a `spotter.tool.schema_fields_added` event when a matching result brings new fields
//!   (informational; counted with `change="added"`).
//!
//! Every session whose results showed the new shape gets a `schema_drift` finding: the ones that
//! confirmed the drift, and, while its incident is active, every later one that receives a result
//! of the new shape (that span gets `spotter.tool.schema_drift = true` too, and the event with
//! `incident = "active"`), so the impact can be counted.
//!
//! Learned schemas are saved to `state_file` (atomically: a temporary file, then rename) every
//! `save_interval` when they changed, and on shutdown, and loaded on start. A corrupt state file
//! is reported, moved aside to `<file>.corrupt` and replaced; spotter starts with empty schemas.
//!
//! Options:
//! - `min_observations` (default 2): results before a tool's schema is established;
//! - `min_observations_removal` (default 5): results before a field that merely vanished or
//!   turned null (no rename, no type change) counts as removed; with the settling of fields that
//!   come back in the same session, 10,000 healthy calls of tools with optional (present in 5%
//!   to 97% of results), nullable and argument-dependent members give no drift
//!   (`tests/healthy_runs.rs`);
//! - `settle_calls` (default 100) and `settle_after` (default `24h`): a drift's incident settles,
//!   and its shape is no longer reported, once only the new shape has been seen for that many
//!   results in a row or for that span of event time (span end times, not the wall clock),
//!   whichever comes first;
//! - `persistence` (default 2) of `window` (default 3): K of the last M calls fleet-wide, or K
//!   calls of one session;
//! - `state_file` (default none: schemas live in memory only), `save_interval` (default `30s`);
//! - `max_tools` (default 1000): tools with a schema, least recently used forgotten;
//! - `pinned`: a JSON Schema per tool (`type`, `properties`, `required`, `items`) that results
//!   are held to instead of a learned baseline;
//! - `max_tool_labels` (default 64), `max_sessions` (default 10000).
//!
//! ```yaml
//! processors:
//!   schema_drift:
//!     state_file: /var/lib/spotter/schemas.json
//!     pinned:
//!       get_weather:
//!         type: object
//!         required: [city, temperature_c]
//!         properties: { city: { type: string }, temperature_c: { type: number } }
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::de::IgnoredAny;
use serde::Deserialize;

use super::call::{edit_spans, outcome_of, parsed_result};
use super::classifier::{Classifier, Outcome};
use super::edit::{boolean, event, SpanEdit};
use super::findings::SessionFindings;
use super::labels::BoundedLabels;
use super::names;
use super::schema::baseline::{Origin, Thresholds, ToolSchema, Variant};
use super::schema::pinned::variant_from_schema;
use super::schema::shape::Shape;
use super::schema::store::{SchemaStateError, SchemaStore};
use crate::config::{ConfigError, DurationStr};
use crate::pipeline::Batch;
use crate::processor::Processor;
use crate::semconv::keys::otel;
use crate::semconv::keys::spotter as keys;
use crate::semconv::value;
use crate::summary::{Finding, SessionSummary};
use crate::telemetry::logging::Escaped;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub min_observations: u32,
    pub min_observations_removal: u32,
    pub settle_calls: u32,
    pub settle_after: DurationStr,
    pub persistence: usize,
    pub window: usize,
    pub state_file: Option<PathBuf>,
    pub save_interval: DurationStr,
    pub max_tools: usize,
    pub pinned: BTreeMap<String, serde_json::Value>,
    pub max_tool_labels: usize,
    pub max_sessions: usize,
}

impl Default for Config {
    fn default() -> Self {
        let th = Thresholds::default();
        Config {
            min_observations: th.min_observations,
            min_observations_removal: th.min_observations_removal,
            settle_calls: th.settle_calls,
            settle_after: DurationStr(Duration::from_nanos(th.settle_after_nanos)),
            persistence: th.persistence,
            window: th.window,
            state_file: None,
            save_interval: DurationStr(Duration::from_secs(30)),
            max_tools: 1000,
            pinned: BTreeMap::new(),
            max_tool_labels: 64,
            max_sessions: 10_000,
        }
    }
}

pub struct SchemaDriftProcessor {
    id: String,
    thresholds: Thresholds,
    state_file: Option<PathBuf>,
    save_interval: Duration,
    next_save: Option<Instant>,
    store: SchemaStore,
    pinned: HashMap<String, Variant>,
    classifier: Classifier,
    tools: BoundedLabels,
    findings: SessionFindings,
}

impl SchemaDriftProcessor {
    /// Build the processor; its state file is loaded by `start`.
    pub fn new(id: &str, config: Config, path: &str) -> Result<Self, ConfigError> {
        if config.min_observations == 0 {
            return Err(ConfigError::invalid(
                format!("{path}.min_observations"),
                "must be at least 1",
            ));
        }
        if config.persistence == 0 || config.persistence > config.window {
            return Err(ConfigError::invalid(
                format!("{path}.persistence"),
                format!("must be between 1 and window ({})", config.window),
            ));
        }
        let mut pinned = HashMap::new();
        for (tool, schema) in &config.pinned {
            let v = variant_from_schema(schema)
                .map_err(|e| ConfigError::invalid(format!("{path}.pinned.{tool}"), e))?;
            pinned.insert(tool.clone(), v);
        }
        let store = SchemaStore::new(config.max_tools);
        Ok(SchemaDriftProcessor {
            id: id.to_string(),
            thresholds: Thresholds {
                min_observations: config.min_observations,
                min_observations_removal: config.min_observations_removal,
                settle_calls: config.settle_calls.max(1),
                settle_after_nanos: u64::try_from(config.settle_after.0.as_nanos())
                    .unwrap_or(u64::MAX)
                    .max(1),
                persistence: config.persistence,
                window: config.window,
            },
            state_file: config.state_file,
            save_interval: config.save_interval.0,
            next_save: None,
            store,
            pinned,
            classifier: Classifier::default(),
            tools: BoundedLabels::new(config.max_tool_labels),
            findings: SessionFindings::new(config.max_sessions),
        })
    }

    /// Load the state file, if any (a load problem is reported, not fatal).
    fn load_state(&mut self) {
        if let Some(file) = self.state_file.clone() {
            match self.store.load(&file) {
                Ok(n) => tracing::info!(file = %file.display(), tools = n, "schema state loaded"),
                Err(e) => report(&e),
            }
        }
        metrics::gauge!(names::SCHEMA_TOOLS).set(self.store.len() as f64);
    }

    /// The learned schema under a key from [`schema_key`] (for tests and the detection report).
    pub fn schema(&self, key: &str) -> Option<&ToolSchema> {
        self.store.get(key)
    }

    fn save(&mut self) {
        let Some(file) = self.state_file.clone() else {
            return;
        };
        if let Err(e) = self.store.save(&file) {
            report(&e);
        }
        self.next_save = None;
    }
}

/// Where a tool's results are learned: `service/tool(arg1,arg2)`, with the argument names
/// sorted (their values are data). Arguments that are not a JSON object give `tool()`.
/// The values are skipped while parsing, never built: this runs for every tool call.
pub fn schema_key(service: &str, tool: &str, arguments: Option<&str>) -> String {
    let names: Vec<String> = arguments
        .and_then(|a| serde_json::from_str::<BTreeMap<String, IgnoredAny>>(a).ok())
        .map(|m| m.into_keys().collect())
        .unwrap_or_default();
    format!("{service}/{tool}({})", names.join(","))
}

/// Mark a result short of its schema: `spotter.tool.schema.missing`, and, when `tool_outcome`
/// already classified it `ok` or `empty`, the outcome `schema_mismatch`.
fn mark_mismatch(edit: &mut SpanEdit, outcome: Option<&str>, missing: String) {
    edit.set(keys::TOOL_SCHEMA_MISSING, value::string(missing.clone()));
    if outcome == Some(Outcome::Ok.as_str()) || outcome == Some(Outcome::Empty.as_str()) {
        edit.set(
            keys::TOOL_OUTCOME,
            value::string(Outcome::SchemaMismatch.as_str()),
        );
        edit.set(keys::TOOL_ERROR_TYPE, value::string("schema_mismatch"));
        edit.set(
            keys::TOOL_ERROR_DETAIL,
            value::string(format!("missing {missing}")),
        );
    }
}

fn report(e: &SchemaStateError) {
    let kind = match e {
        SchemaStateError::Read { .. } => "read",
        SchemaStateError::Corrupt { .. } => "corrupt",
        SchemaStateError::Write { .. } => "write",
    };
    metrics::counter!(names::SCHEMA_STATE_ERRORS_TOTAL, "error" => kind).increment(1);
    tracing::warn!(error = %e, "schema state");
}

impl Processor for SchemaDriftProcessor {
    fn id(&self) -> &str {
        &self.id
    }

    fn start(&mut self) {
        self.load_state();
    }

    fn process(&mut self, mut batch: Batch, now: Instant, out: &mut Vec<Batch>) {
        let mut changed = false;
        edit_spans(&mut batch, |view, cache| {
            let call = view.tool()?;
            let parsed = parsed_result(view, &call, cache)?;
            // An empty result (`{}`, `{"table": null}`, an envelope with no text) teaches
            // nothing (`tool_outcome` may call it `empty`); only a field that was always
            // populated turning null in every result from some point on is a drift
            // ([`super::schema::nulled`]).
            let empty = parsed.is_empty();
            // The data the tool returned, inside its envelope (MCP text content, a JSON string).
            // A table or YAML text's columns and keys are its shape too.
            let json = parsed.data().filter(|j| j.is_object() || j.is_array())?;
            let (outcome, _) = outcome_of(view, Some(&parsed), &self.classifier);
            if outcome.is_hard_failure() {
                return None;
            }
            let shape = Shape::of(json);
            let session = view.session_id().map(|s| s.into_owned());
            let turn = view.turn().unwrap_or(0);
            let origin = Origin {
                session: session.clone(),
                turn,
                time_unix_nano: view.span().end_time_unix_nano,
                service_version: view.service_version().map(str::to_string),
                environment: view.deployment_environment().map(str::to_string),
            };
            let pinned = self.pinned.get(call.name.as_ref());
            let key = schema_key(
                view.str_attr(otel::SERVICE_NAME).unwrap_or(""),
                &call.name,
                call.arguments.as_deref(),
            );
            let (schema, _evicted) = self.store.entry(&key, || match pinned {
                Some(v) => ToolSchema::pinned(v.clone()),
                None => ToolSchema::default(),
            });
            let observation = if empty {
                schema.observe_empty(&shape, origin, &self.thresholds)
            } else {
                schema.observe(&shape, origin, &self.thresholds)
            };
            changed = true;

            let mut edit = SpanEdit::default();
            if empty {
                // The empty result is the drift (the data field turned null), not "no data":
                // the call is `schema_mismatch`, which `silent_failure` leaves to this detector.
                let nulled = observation
                    .drift
                    .as_ref()
                    .map(|d| &d.diff)
                    .or(observation.affected.as_ref().map(|i| &i.diff))
                    .filter(|d| !d.nulled.is_empty());
                if let Some(diff) = nulled {
                    mark_mismatch(&mut edit, view.tool_outcome(), diff.missing_text());
                }
            }
            if let Some(diff) = &observation.mismatch {
                mark_mismatch(&mut edit, view.tool_outcome(), diff.missing_text());
            }
            let tool_label = self.tools.label(&call.name);
            let time = view.span().end_time_unix_nano;
            if let Some(drift) = &observation.drift {
                let text = drift.diff.describe();
                let changes: Vec<&str> = drift.diff.changes().iter().map(|c| c.as_str()).collect();
                for c in &changes {
                    metrics::counter!(names::SCHEMA_DRIFT_TOTAL,
                        "tool" => tool_label.clone(), "change" => *c)
                    .increment(1);
                }
                let mut attrs = vec![
                    (names::ATTR_TOOL, value::string(call.name.to_string())),
                    (names::ATTR_DIFF, value::string(text.clone())),
                    (names::ATTR_CHANGES, value::string(changes.join(","))),
                ];
                if let Some(v) = &drift.first.service_version {
                    attrs.push((names::ATTR_FIRST_SERVICE_VERSION, value::string(v.clone())));
                }
                if let Some(env) = &drift.first.environment {
                    attrs.push((names::ATTR_FIRST_ENVIRONMENT, value::string(env.clone())));
                }
                edit.set(keys::TOOL_SCHEMA_DRIFT, boolean(true));
                edit.events
                    .push(event(names::EVENT_SCHEMA_DRIFT, time, attrs));
                tracing::info!(
                    tool = %Escaped(&call.name),
                    diff = %Escaped(&text),
                    "tool schema drift"
                );

                let version = drift
                    .first
                    .service_version
                    .as_deref()
                    .map(|v| format!(" (first seen with service.version {v})"))
                    .unwrap_or_default();
                let mut sessions = drift.sessions.clone();
                if let Some(s) = &session {
                    if !sessions.iter().any(|(q, _)| q == s) {
                        sessions.push((s.clone(), turn));
                    }
                }
                for (s, first_turn) in sessions {
                    self.findings.add(
                        &s,
                        Finding {
                            kind: names::FINDING_SCHEMA_DRIFT.to_string(),
                            first_turn,
                            tool: Some(call.name.to_string()),
                            detail: format!("{text}{version}"),
                        },
                    );
                }
            }
            if let Some(incident) = &observation.affected {
                let text = incident.diff.describe();
                let mut attrs = vec![
                    (names::ATTR_TOOL, value::string(call.name.to_string())),
                    (names::ATTR_DIFF, value::string(text.clone())),
                    ("incident", value::string("active")),
                ];
                if let Some(v) = &incident.first.service_version {
                    attrs.push((names::ATTR_FIRST_SERVICE_VERSION, value::string(v.clone())));
                }
                edit.set(keys::TOOL_SCHEMA_DRIFT, boolean(true));
                edit.events
                    .push(event(names::EVENT_SCHEMA_DRIFT, time, attrs));
                if let Some(s) = &session {
                    let version = incident
                        .first
                        .service_version
                        .as_deref()
                        .map(|v| format!(" (first seen with service.version {v})"))
                        .unwrap_or_default();
                    self.findings.add(
                        s,
                        Finding {
                            kind: names::FINDING_SCHEMA_DRIFT.to_string(),
                            first_turn: turn,
                            tool: Some(call.name.to_string()),
                            detail: format!("{text}{version}; incident active"),
                        },
                    );
                }
            }
            if !observation.added.is_empty() && observation.mismatch.is_none() {
                let list: Vec<String> = observation
                    .added
                    .iter()
                    .map(|(p, t)| format!("{p} ({})", t.describe()))
                    .collect();
                metrics::counter!(names::SCHEMA_DRIFT_TOTAL,
                    "tool" => tool_label, "change" => "added")
                .increment(1);
                edit.events.push(event(
                    names::EVENT_SCHEMA_FIELDS_ADDED,
                    time,
                    vec![
                        (names::ATTR_TOOL, value::string(call.name.to_string())),
                        (
                            names::ATTR_DIFF,
                            value::string(format!("added: {}", list.join(", "))),
                        ),
                    ],
                ));
            }
            (!edit.is_empty()).then_some(edit)
        });
        if changed && self.state_file.is_some() && self.next_save.is_none() {
            self.next_save = Some(now + self.save_interval);
        }
        metrics::gauge!(names::SCHEMA_TOOLS).set(self.store.len() as f64);
        out.push(batch);
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.next_save
    }

    fn on_tick(&mut self, now: Instant, _out: &mut Vec<Batch>) {
        if self.next_save.is_some_and(|t| t <= now) {
            self.save();
        }
    }

    fn shutdown(&mut self, _out: &mut Vec<Batch>) {
        if self.store.is_dirty() {
            self.save();
        }
    }

    fn enrich_summary(&mut self, summary: &mut SessionSummary) {
        self.findings.enrich(summary);
    }
}

#[cfg(test)]
mod tests;
