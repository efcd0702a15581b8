//! The processor registry: one table of every processor kind, its family, a one-line
//! description and its constructor. [`super::build`], the list of kinds and the detection
//! pipeline all derive from it, so adding a processor means its own module plus one entry here.

use super::parse_options as options;
use super::{
    agent_metrics, attributes, baseline, batch, cost, evaluation_events, genai_events, goal,
    outcome, redaction, session, tool, Processor,
};
use crate::config::ConfigError;

/// Builds a processor from its component id, YAML options and their config path.
pub type Build = fn(&str, &serde_yaml::Value, &str) -> Result<Box<dyn Processor>, ConfigError>;

/// What a processor is about; `spotter detection` replays the session and tool families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Groups spans into sessions and turns; every agent processor needs it first.
    Session,
    /// Tool-call intelligence: outcome classes and the failure detectors.
    Tool,
    /// Session-level agent results: cost, outcome, agent metrics.
    Agent,
    /// Generic data handling: batching, attributes, redaction.
    Data,
}

/// One processor kind.
pub struct Kind {
    /// The config kind, the part of a component id before `/`.
    pub name: &'static str,
    /// Former or Collector names accepted for the same kind.
    pub aliases: &'static [&'static str],
    pub family: Family,
    pub description: &'static str,
    pub build: Build,
}

impl Kind {
    pub fn answers_to(&self, kind: &str) -> bool {
        self.name == kind || self.aliases.contains(&kind)
    }
}

/// Every processor kind, in the order the default pipeline runs them.
pub static KINDS: &[Kind] = &[
    Kind {
        name: "genai_events",
        aliases: &[],
        family: Family::Data,
        description: "joins GenAI log events (prompts, answers, tool messages) to their spans",
        build: |id, o, p| {
            boxed(genai_events::GenAiEventsProcessor::new(
                id,
                options(o, p)?,
                p,
            ))
        },
    },
    Kind {
        name: "session",
        aliases: &[],
        family: Family::Session,
        description: "groups spans into sessions and turns, emits a summary per session",
        build: |id, o, p| boxed(session::SessionProcessor::new(id, options(o, p)?, p)),
    },
    Kind {
        name: "schema_drift",
        aliases: &[],
        family: Family::Tool,
        description: "learns each tool's result shape and reports drift that persists",
        build: |id, o, p| {
            boxed(tool::schema_drift::SchemaDriftProcessor::new(
                id,
                options(o, p)?,
                p,
            ))
        },
    },
    Kind {
        name: "tool_outcome",
        aliases: &[],
        family: Family::Tool,
        description: "classifies every tool call's outcome",
        build: |id, o, p| {
            boxed(tool::tool_outcome::ToolOutcomeProcessor::new(
                id,
                options(o, p)?,
                p,
            ))
        },
    },
    Kind {
        name: "auth_rot",
        aliases: &[],
        family: Family::Tool,
        description: "credentials that worked and now fail",
        build: |id, o, p| boxed(tool::auth_rot::AuthRotProcessor::new(id, options(o, p)?, p)),
    },
    Kind {
        name: "silent_failure",
        aliases: &[],
        family: Family::Tool,
        description: "failed tool calls the agent never told the user about",
        build: |id, o, p| {
            boxed(tool::silent_failure::SilentFailureProcessor::new(
                id,
                options(o, p)?,
                p,
            ))
        },
    },
    Kind {
        name: "tool_loop",
        aliases: &["loop"],
        family: Family::Tool,
        description: "repetition without progress: the same request, the same answer, again",
        build: |id, o, p| boxed(tool::tool_loop::LoopProcessor::new(id, options(o, p)?, p)),
    },
    Kind {
        name: "goal",
        aliases: &[],
        family: Family::Tool,
        description: "actions the user asked for, or the answer claimed, that no tool performed",
        build: |id, o, p| boxed(goal::GoalProcessor::new(id, options(o, p)?, p)),
    },
    Kind {
        name: "cost",
        aliases: &[],
        family: Family::Agent,
        description: "prices model calls and measures context-window use",
        build: |id, o, p| boxed(cost::CostProcessor::new(id, options(o, p)?, p)),
    },
    Kind {
        name: "failure_modes",
        aliases: &[],
        family: Family::Agent,
        description: "groups findings into failure modes by fingerprint and keeps their lifecycle",
        build: |id, o, p| {
            boxed(super::failure_modes::FailureModesProcessor::new(
                id,
                options(o, p)?,
                p,
            ))
        },
    },
    Kind {
        name: "outcome",
        aliases: &[],
        family: Family::Agent,
        description: "decides each session's success, failure or unknown, with reasons",
        build: |id, o, p| boxed(outcome::OutcomeProcessor::new(id, options(o, p)?, p)),
    },
    Kind {
        name: "agent_metrics",
        aliases: &[],
        family: Family::Agent,
        description: "the agent series on /metrics, with capped labels",
        build: |id, o, p| {
            boxed(agent_metrics::AgentMetricsProcessor::new(
                id,
                options(o, p)?,
                p,
            ))
        },
    },
    Kind {
        name: "baseline",
        aliases: &[],
        family: Family::Agent,
        description:
            "statistical baselines and alerts per workflow, tool and release, in event time",
        build: |id, o, p| boxed(baseline::BaselineProcessor::new(id, options(o, p)?, p)),
    },
    Kind {
        name: "evaluation_events",
        aliases: &[],
        family: Family::Agent,
        description: "spotter's verdicts as gen_ai.evaluation.result events on the judged spans",
        build: |id, o, p| {
            boxed(evaluation_events::EvaluationEventsProcessor::new(
                id,
                options(o, p)?,
                p,
            ))
        },
    },
    Kind {
        name: "redaction",
        aliases: &[],
        family: Family::Data,
        description: "masks secrets inside strings",
        build: |id, o, p| boxed(redaction::RedactionProcessor::new(id, options(o, p)?, p)),
    },
    Kind {
        name: "batch",
        aliases: &[],
        family: Family::Data,
        description: "groups data into larger requests by count, bytes and time",
        build: |id, o, p| Ok(Box::new(batch::BatchProcessor::new(id, options(o, p)?))),
    },
    Kind {
        name: "attributes",
        aliases: &["resource"],
        family: Family::Data,
        description: "inserts, updates or deletes span or resource attributes",
        build: |id, o, p| boxed(attributes::AttributesProcessor::new(id, options(o, p)?, p)),
    },
];

/// The kind a component id names (`attributes/env` is an `attributes`).
pub fn kind_of(id: &str) -> Option<&'static Kind> {
    let kind = id.split('/').next().unwrap_or(id);
    KINDS.iter().find(|k| k.answers_to(kind))
}

fn boxed<P: Processor + 'static>(
    built: Result<P, ConfigError>,
) -> Result<Box<dyn Processor>, ConfigError> {
    built.map(|p| Box::new(p) as Box<dyn Processor>)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_builds_with_default_options_under_its_names() {
        for kind in KINDS {
            for name in std::iter::once(&kind.name).chain(kind.aliases) {
                let p = (kind.build)(name, &serde_yaml::Value::Null, "processors.x")
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(p.id(), *name);
                assert!(std::ptr::eq(kind_of(&format!("{name}/x")).unwrap(), kind));
            }
        }
        assert!(kind_of("kafka").is_none());
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = KINDS
            .iter()
            .flat_map(|k| std::iter::once(k.name).chain(k.aliases.iter().copied()))
            .collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all);
    }

    #[test]
    fn every_processor_of_the_default_config_is_registered() {
        let config = crate::config::Config::from_yaml(
            crate::config::DEFAULT_CONFIG,
            &std::collections::HashMap::<String, String>::new(),
        )
        .unwrap();
        for id in config.processors.keys() {
            assert!(kind_of(id).is_some(), "{id}");
        }
    }
}
