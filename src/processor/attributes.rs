//! `attributes` (and `resource`): insert, update, upsert or delete attributes.
//!
//! Options:
//! - `actions`: a list, applied in order, each with
//!   - `key`: the attribute key;
//!   - `action`: `insert` (only when absent), `update` (only when present), `upsert` (always) or
//!     `delete`;
//!   - `value`: a string, integer, float or boolean (required except for `delete`);
//!   - `target`: `span` (default for `attributes`) or `resource` (default for `resource`).
//!
//! Example, stamping the environment on every span's resource:
//! ```yaml
//! processors:
//!   resource/env:
//!     actions:
//!       - { key: deployment.environment, value: prod, action: upsert }
//! ```
//! Log records are left alone.

use std::time::Instant;

use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use serde::Deserialize;

use super::Processor;
use crate::config::ConfigError;
use crate::pipeline::{Batch, Payload};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub actions: Vec<ActionConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionConfig {
    pub key: String,
    pub action: ActionKind,
    #[serde(default)]
    pub value: Option<serde_yaml::Value>,
    #[serde(default)]
    pub target: Option<Target>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionKind {
    Insert,
    Update,
    Upsert,
    Delete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Span,
    Resource,
}

#[derive(Debug, Clone)]
struct Action {
    key: String,
    kind: ActionKind,
    value: Option<AnyValue>,
    target: Target,
}

pub struct AttributesProcessor {
    id: String,
    actions: Vec<Action>,
}

impl AttributesProcessor {
    pub fn new(id: &str, config: Config, path: &str) -> Result<Self, ConfigError> {
        let default_target = if id.split('/').next() == Some("resource") {
            Target::Resource
        } else {
            Target::Span
        };
        let mut actions = Vec::with_capacity(config.actions.len());
        for (i, a) in config.actions.into_iter().enumerate() {
            let apath = format!("{path}.actions[{i}]");
            if a.key.is_empty() {
                return Err(ConfigError::invalid(
                    format!("{apath}.key"),
                    "must not be empty",
                ));
            }
            let value = match (&a.action, a.value) {
                (ActionKind::Delete, _) => None,
                (_, None) => {
                    return Err(ConfigError::invalid(
                        format!("{apath}.value"),
                        format!("action {:?} needs a value", a.action),
                    ))
                }
                (_, Some(v)) => Some(yaml_to_any(&v).ok_or_else(|| {
                    ConfigError::invalid(
                        format!("{apath}.value"),
                        "must be a string, number or boolean",
                    )
                })?),
            };
            actions.push(Action {
                key: a.key,
                kind: a.action,
                value,
                target: a.target.unwrap_or(default_target),
            });
        }
        Ok(AttributesProcessor {
            id: id.to_string(),
            actions,
        })
    }
}

fn yaml_to_any(v: &serde_yaml::Value) -> Option<AnyValue> {
    let value = match v {
        serde_yaml::Value::String(s) => any_value::Value::StringValue(s.clone()),
        serde_yaml::Value::Bool(b) => any_value::Value::BoolValue(*b),
        serde_yaml::Value::Number(n) => match n.as_i64() {
            Some(i) => any_value::Value::IntValue(i),
            None => any_value::Value::DoubleValue(n.as_f64()?),
        },
        _ => return None,
    };
    Some(AnyValue { value: Some(value) })
}

fn apply(attrs: &mut Vec<KeyValue>, action: &Action) {
    let pos = attrs.iter().position(|kv| kv.key == action.key);
    match (action.kind, pos) {
        (ActionKind::Delete, Some(i)) => {
            attrs.remove(i);
        }
        (ActionKind::Update | ActionKind::Upsert, Some(i)) => {
            attrs[i].value = action.value.clone();
        }
        (ActionKind::Insert | ActionKind::Upsert, None) => attrs.push(KeyValue {
            key: action.key.clone(),
            value: action.value.clone(),
            ..Default::default()
        }),
        _ => {}
    }
}

impl Processor for AttributesProcessor {
    fn id(&self) -> &str {
        &self.id
    }

    fn process(&mut self, mut batch: Batch, _now: Instant, out: &mut Vec<Batch>) {
        if let Payload::Traces(req) = batch.payload_mut() {
            for rs in &mut req.resource_spans {
                for action in self.actions.iter().filter(|a| a.target == Target::Resource) {
                    let resource = rs.resource.get_or_insert_with(Default::default);
                    apply(&mut resource.attributes, action);
                }
                for ss in &mut rs.scope_spans {
                    for span in &mut ss.spans {
                        for action in self.actions.iter().filter(|a| a.target == Target::Span) {
                            apply(&mut span.attributes, action);
                        }
                    }
                }
            }
        }
        out.push(batch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testing::trace_batch;

    fn build(yaml: &str, id: &str) -> AttributesProcessor {
        let cfg: Config = serde_yaml::from_str(yaml).unwrap();
        AttributesProcessor::new(id, cfg, "processors.x").unwrap()
    }

    fn string_attr<'a>(attrs: &'a [KeyValue], key: &str) -> Option<&'a str> {
        attrs.iter().find(|kv| kv.key == key).and_then(|kv| {
            match kv.value.as_ref()?.value.as_ref()? {
                any_value::Value::StringValue(s) => Some(s.as_str()),
                _ => None,
            }
        })
    }

    #[test]
    fn insert_update_upsert_delete() {
        let mut p = build(
            r#"actions:
  - { key: env, value: prod, action: insert }
  - { key: span.index, value: 99, action: update }
  - { key: missing, value: x, action: update }
  - { key: deployment.environment, value: staging, action: upsert, target: resource }
  - { key: service.name, action: delete, target: resource }
"#,
            "attributes/env",
        );
        let now = Instant::now();
        let mut out = Vec::new();
        p.process(trace_batch(2, now), now, &mut out);
        let Payload::Traces(req) = out[0].payload() else {
            panic!()
        };
        let rs = &req.resource_spans[0];
        let res = &rs.resource.as_ref().unwrap().attributes;
        assert_eq!(string_attr(res, "deployment.environment"), Some("staging"));
        assert!(string_attr(res, "service.name").is_none());
        for span in &rs.scope_spans[0].spans {
            assert_eq!(string_attr(&span.attributes, "env"), Some("prod"));
            assert!(span.attributes.iter().all(|kv| kv.key != "missing"));
            let idx = span
                .attributes
                .iter()
                .find(|kv| kv.key == "span.index")
                .unwrap();
            assert_eq!(
                idx.value.as_ref().unwrap().value,
                Some(any_value::Value::IntValue(99))
            );
        }
    }

    #[test]
    fn missing_value_is_a_config_error_naming_the_path() {
        let cfg: Config =
            serde_yaml::from_str("actions:\n  - { key: a, action: upsert }\n").unwrap();
        let err = AttributesProcessor::new("attributes", cfg, "processors.attributes")
            .err()
            .unwrap();
        assert!(
            err.to_string()
                .contains("processors.attributes.actions[0].value"),
            "{err}"
        );
    }

    #[test]
    fn resource_processor_defaults_to_resource_target() {
        let mut p = build(
            "actions:\n  - { key: team, value: a, action: upsert }\n",
            "resource",
        );
        let now = Instant::now();
        let mut out = Vec::new();
        p.process(trace_batch(1, now), now, &mut out);
        let Payload::Traces(req) = out[0].payload() else {
            panic!()
        };
        let res = &req.resource_spans[0].resource.as_ref().unwrap().attributes;
        assert_eq!(string_attr(res, "team"), Some("a"));
    }
}
