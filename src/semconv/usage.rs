//! The token usage recogniser.
//!
//! Follows OTel semantics: `input` includes cached reads and cache writes, `output` includes
//! reasoning. Precedence per field: current OTel key > old OTel / OpenLLMetry key >
//! OpenInference key > Langfuse `usage_details` JSON.
//!
//! Usage is only counted on leaf model calls ([`SpanView::usage`] returns zero for agent, chain
//! and tool spans), so agent-level roll-ups (Pydantic AI's `gen_ai.aggregated_usage.*`, OTel
//! `invoke_agent` spans that repeat their children's usage) are never counted twice.

use serde_json::Value as Json;

use super::keys::{langfuse, openinference as oi, otel, traceloop as tl};
use super::view::SpanView;

/// Token counts of one model call, or of a sum of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Input tokens, cached reads and cache writes included.
    pub input: u64,
    /// Output tokens, reasoning included.
    pub output: u64,
    /// Input tokens read from the provider's cache.
    pub cached_input: u64,
    /// Input tokens written to the provider's cache.
    pub cache_write: u64,
    /// Reasoning tokens.
    pub reasoning: u64,
}

impl Usage {
    pub fn total(&self) -> u64 {
        self.input + self.output
    }

    pub fn is_zero(&self) -> bool {
        *self == Usage::default()
    }

    pub fn add(&mut self, other: &Usage) {
        self.input += other.input;
        self.output += other.output;
        self.cached_input += other.cached_input;
        self.cache_write += other.cache_write;
        self.reasoning += other.reasoning;
    }
}

const INPUT_KEYS: &[&str] = &[
    otel::GEN_AI_USAGE_INPUT_TOKENS,
    otel::GEN_AI_USAGE_PROMPT_TOKENS,
    oi::LLM_TOKEN_COUNT_PROMPT,
];
const OUTPUT_KEYS: &[&str] = &[
    otel::GEN_AI_USAGE_OUTPUT_TOKENS,
    otel::GEN_AI_USAGE_COMPLETION_TOKENS,
    oi::LLM_TOKEN_COUNT_COMPLETION,
];
const CACHE_READ_KEYS: &[&str] = &[
    otel::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
    tl::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
    oi::LLM_TOKEN_COUNT_PROMPT_CACHE_READ,
];
const CACHE_WRITE_KEYS: &[&str] = &[
    otel::GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
    tl::GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
    oi::LLM_TOKEN_COUNT_PROMPT_CACHE_WRITE,
];
const REASONING_KEYS: &[&str] = &[
    otel::GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
    tl::GEN_AI_USAGE_REASONING_TOKENS,
    tl::LLM_USAGE_REASONING_TOKENS,
    oi::LLM_TOKEN_COUNT_COMPLETION_REASONING,
];

impl<'a> SpanView<'a> {
    /// Billable usage: the reported usage on leaf model calls (role `llm` or `embedding`), zero
    /// on every other span. Sum this over a session.
    pub fn usage(&self) -> Usage {
        if self.role().is_model_call() {
            self.reported_usage()
        } else {
            Usage::default()
        }
    }

    /// Whatever usage the span reports, whatever its role.
    pub fn reported_usage(&self) -> Usage {
        let first = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| self.span_value(k).and_then(super::value::as_i64))
                .map(|v| v.max(0) as u64)
        };
        let attrs = (
            first(INPUT_KEYS),
            first(OUTPUT_KEYS),
            first(CACHE_READ_KEYS),
            first(CACHE_WRITE_KEYS),
            first(REASONING_KEYS),
        );
        let details = match attrs {
            (None, None, ..) => self
                .str_attr(langfuse::OBSERVATION_USAGE_DETAILS)
                .and_then(|s| serde_json::from_str::<Json>(s).ok())
                .map(|j| usage_from_details(&j)),
            _ => None,
        };
        let mut usage = details.unwrap_or(Usage {
            input: attrs.0.unwrap_or(0),
            output: attrs.1.unwrap_or(0),
            cached_input: attrs.2.unwrap_or(0),
            cache_write: attrs.3.unwrap_or(0),
            reasoning: attrs.4.unwrap_or(0),
        });
        // Emitters that follow the raw Anthropic API report input without the cache parts; OTel
        // says input includes them. A cache part larger than the input gives that away.
        if usage.cached_input + usage.cache_write > usage.input {
            usage.input += usage.cached_input + usage.cache_write;
        }
        usage
    }
}

fn num(j: &Json, path: &[&str]) -> Option<u64> {
    let mut cur = j;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_u64()
        .or_else(|| cur.as_f64().map(|f| f.max(0.0) as u64))
        .or_else(|| cur.as_str().and_then(|s| s.parse().ok()))
}

/// Read a Langfuse `usage_details` object. It comes in three shapes: Langfuse's own keys
/// (`input` excludes cached tokens), OpenAI's usage object (`prompt_tokens` includes them) and
/// Anthropic's (`input_tokens` excludes them).
fn usage_from_details(j: &Json) -> Usage {
    let first = |paths: &[&[&str]]| paths.iter().find_map(|p| num(j, p));
    let cached_input = first(&[
        &["input_cached_tokens"],
        &["input_cache_read"],
        &["cache_read_input_tokens"],
        &["prompt_tokens_details", "cached_tokens"],
        &["input_tokens_details", "cached_tokens"],
    ])
    .unwrap_or(0);
    let cache_write =
        first(&[&["input_cache_creation"], &["cache_creation_input_tokens"]]).unwrap_or(0);
    let (input, excludes_cache) = if let Some(v) = num(j, &["prompt_tokens"]) {
        (v, false)
    } else if let Some(v) = num(j, &["input"]) {
        (v, true)
    } else if let Some(v) = num(j, &["input_tokens"]) {
        // OpenAI Responses API includes cached tokens; Anthropic's does not and says so by
        // reporting its cache keys.
        let anthropic = j.get("cache_read_input_tokens").is_some()
            || j.get("cache_creation_input_tokens").is_some();
        (v, anthropic)
    } else {
        (0, false)
    };
    let input = if excludes_cache {
        input + cached_input + cache_write
    } else {
        input
    };
    Usage {
        input,
        output: first(&[&["completion_tokens"], &["output"], &["output_tokens"]]).unwrap_or(0),
        cached_input,
        cache_write,
        reasoning: first(&[
            &["output_reasoning_tokens"],
            &["output_reasoning"],
            &["completion_tokens_details", "reasoning_tokens"],
            &["output_tokens_details", "reasoning_tokens"],
            &["reasoning_tokens"],
        ])
        .unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testing::{kv, kv_int};
    use opentelemetry_proto::tonic::common::v1::KeyValue;
    use opentelemetry_proto::tonic::trace::v1::Span;

    fn usage_of(attrs: Vec<KeyValue>) -> Usage {
        let span = Span {
            name: "x".into(),
            attributes: attrs,
            ..Default::default()
        };
        SpanView::new(None, &span).usage()
    }

    #[test]
    fn current_otel_keys() {
        let u = usage_of(vec![
            kv("gen_ai.operation.name", "chat"),
            kv_int("gen_ai.usage.input_tokens", 412),
            kv_int("gen_ai.usage.output_tokens", 23),
            kv_int("gen_ai.usage.cache_read.input_tokens", 256),
            kv_int("gen_ai.usage.cache_creation.input_tokens", 10),
            kv_int("gen_ai.usage.reasoning.output_tokens", 5),
        ]);
        assert_eq!(
            u,
            Usage {
                input: 412,
                output: 23,
                cached_input: 256,
                cache_write: 10,
                reasoning: 5
            }
        );
    }

    #[test]
    fn old_otel_and_traceloop_keys() {
        let u = usage_of(vec![
            kv("llm.request.type", "chat"),
            kv_int("gen_ai.usage.prompt_tokens", 100),
            kv_int("gen_ai.usage.completion_tokens", 20),
            kv_int("gen_ai.usage.cache_read_input_tokens", 40),
            kv_int("gen_ai.usage.reasoning_tokens", 3),
        ]);
        assert_eq!(
            (u.input, u.output, u.cached_input, u.reasoning),
            (100, 20, 40, 3)
        );
    }

    #[test]
    fn openinference_keys() {
        let u = usage_of(vec![
            kv("openinference.span.kind", "LLM"),
            kv_int("llm.token_count.prompt", 220),
            kv_int("llm.token_count.completion", 11),
            kv_int("llm.token_count.prompt_details.cache_read", 64),
            kv_int("llm.token_count.completion_details.reasoning", 2),
        ]);
        assert_eq!(
            (u.input, u.output, u.cached_input, u.reasoning),
            (220, 11, 64, 2)
        );
    }

    #[test]
    fn langfuse_usage_details_in_each_shape() {
        let openai = usage_of(vec![
            kv("langfuse.observation.type", "generation"),
            kv(
                "langfuse.observation.usage_details",
                r#"{"prompt_tokens": 298, "completion_tokens": 24, "prompt_tokens_details": {"cached_tokens": 100}, "completion_tokens_details": {"reasoning_tokens": 4}}"#,
            ),
        ]);
        assert_eq!(
            (
                openai.input,
                openai.output,
                openai.cached_input,
                openai.reasoning
            ),
            (298, 24, 100, 4)
        );
        let native = usage_of(vec![
            kv("langfuse.observation.type", "generation"),
            kv(
                "langfuse.observation.usage_details",
                r#"{"input": 50, "output": 7, "input_cached_tokens": 30}"#,
            ),
        ]);
        assert_eq!((native.input, native.cached_input), (80, 30));
        let anthropic = usage_of(vec![
            kv("langfuse.observation.type", "generation"),
            kv(
                "langfuse.observation.usage_details",
                r#"{"input_tokens": 12, "output_tokens": 9, "cache_read_input_tokens": 1000, "cache_creation_input_tokens": 20}"#,
            ),
        ]);
        assert_eq!((anthropic.input, anthropic.cache_write), (1032, 20));
    }

    #[test]
    fn input_without_cache_parts_is_corrected() {
        let u = usage_of(vec![
            kv("gen_ai.operation.name", "chat"),
            kv_int("gen_ai.usage.input_tokens", 12),
            kv_int("gen_ai.usage.cache_read.input_tokens", 900),
        ]);
        assert_eq!(u.input, 912);
    }

    #[test]
    fn agent_level_usage_is_not_counted_again() {
        let u = usage_of(vec![
            kv("gen_ai.operation.name", "invoke_agent"),
            kv_int("gen_ai.usage.input_tokens", 1000),
            kv_int("gen_ai.aggregated_usage.input_tokens", 1000),
        ]);
        assert!(u.is_zero());
    }
}
