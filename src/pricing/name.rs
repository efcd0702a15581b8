//! Model-name normalisation: from what an instrumentation reports (`bedrock/us.anthropic.
//! claude-sonnet-4-5-20250929-v1:0`, `openai/gpt-4o-2024-08-06`, `models/gemini-2.5-pro`) to the
//! candidate names a table is searched with, most specific first.

use std::sync::LazyLock;

use regex::Regex;

/// Path prefixes that name the host selling the call (LiteLLM and OpenRouter style), with the
/// canonical provider they stand for.
const HOST_PREFIXES: &[(&str, &str)] = &[
    ("openai", "openai"),
    ("azure", "azure"),
    ("azure_ai", "azure"),
    ("anthropic", "anthropic"),
    ("bedrock", "bedrock"),
    ("bedrock_converse", "bedrock"),
    ("vertex_ai", "google"),
    ("vertex_ai_beta", "google"),
    ("gemini", "google"),
    ("google", "google"),
    ("groq", "groq"),
    ("together_ai", "together"),
    ("together", "together"),
    ("fireworks_ai", "fireworks"),
    ("mistral", "mistral"),
    ("mistralai", "mistral"),
    ("deepseek", "deepseek"),
    ("xai", "xai"),
    ("x-ai", "xai"),
    ("openrouter", "openrouter"),
];

/// Provider names as instrumentations report them (`gen_ai.provider.name`, `gen_ai.system`,
/// `llm.provider`), mapped to the canonical names the tables use.
const PROVIDER_NAMES: &[(&str, &str)] = &[
    ("aws.bedrock", "bedrock"),
    ("aws_bedrock", "bedrock"),
    ("amazon-bedrock", "bedrock"),
    ("bedrock", "bedrock"),
    ("az.ai.openai", "azure"),
    ("azure.ai.openai", "azure"),
    ("az.ai.inference", "azure"),
    ("azure.ai.inference", "azure"),
    ("azure", "azure"),
    ("gcp.vertex_ai", "google"),
    ("gcp.gemini", "google"),
    ("gcp.gen_ai", "google"),
    ("vertex_ai", "google"),
    ("vertexai", "google"),
    ("gemini", "google"),
    ("google", "google"),
    ("mistral_ai", "mistral"),
    ("mistralai", "mistral"),
    ("mistral", "mistral"),
    ("x_ai", "xai"),
    ("xai", "xai"),
    ("together_ai", "together"),
    ("together", "together"),
    ("togetherai", "together"),
    ("fireworks", "fireworks"),
    ("fireworks_ai", "fireworks"),
];

static REGION_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(us|eu|apac|global|jp|au|ca|us-gov)\.").expect("regex"));
static VENDOR_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(anthropic|meta|mistral|amazon|deepseek|cohere|ai21|openai|google|qwen|writer|xai)\.",
    )
    .expect("regex")
});
static BEDROCK_VERSION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(-v\d+(:\d+)?|:\d+)$").expect("regex"));
static DATE_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(-\d{4}-\d{2}-\d{2}|-\d{8}|-\d{2}-\d{2}|-\d{4}|-\d{3})$").expect("regex")
});
static STAGE_SUFFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"-(latest|preview|exp)$").expect("regex"));

/// A reported model name, ready for table look-ups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelName {
    /// The name as reported, trimmed and lowercased (what user regexes match).
    pub raw: String,
    /// The canonical provider selling the call: from a host path prefix, else from the
    /// reported provider name.
    pub host: Option<String>,
    /// Names to look up, most specific first, without duplicates.
    pub candidates: Vec<String>,
}

impl ModelName {
    pub fn parse(model: &str, provider: Option<&str>) -> ModelName {
        let raw = model.trim().to_ascii_lowercase();
        let mut host = provider.map(canonical_provider);
        let mut candidates = vec![raw.clone()];
        if raw.contains('/') {
            let segments: Vec<&str> = raw.split('/').filter(|s| !s.is_empty()).collect();
            if let Some((_, canonical)) = segments
                .first()
                .and_then(|first| HOST_PREFIXES.iter().find(|(p, _)| p == first))
            {
                host = Some((*canonical).to_string());
            }
            for i in 1..segments.len() {
                candidates.push(segments[i..].join("/"));
            }
        }
        let mut i = 0;
        while i < candidates.len() {
            if let Some(next) = strip_one(&candidates[i]) {
                if !next.is_empty() && !candidates.contains(&next) {
                    candidates.push(next);
                }
            }
            i += 1;
        }
        ModelName {
            raw,
            host,
            candidates,
        }
    }
}

/// The canonical name of a reported provider; unknown names are kept, lowercased.
pub fn canonical_provider(provider: &str) -> String {
    let p = provider.trim().to_ascii_lowercase();
    PROVIDER_NAMES
        .iter()
        .find(|(name, _)| *name == p)
        .map(|(_, c)| (*c).to_string())
        .unwrap_or(p)
}

/// Remove one decoration from a name, in a fixed order, or `None` when nothing is left to remove.
fn strip_one(name: &str) -> Option<String> {
    if let Some(at) = name.find('@') {
        return Some(name[..at].to_string());
    }
    for re in [
        &*REGION_PREFIX,
        &*VENDOR_PREFIX,
        &*BEDROCK_VERSION,
        &*DATE_SUFFIX,
        &*STAGE_SUFFIX,
    ] {
        if re.is_match(name) {
            let stripped = re.replace(name, "").into_owned();
            if stripped != name && !stripped.is_empty() {
                return Some(stripped);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cands(model: &str) -> Vec<String> {
        ModelName::parse(model, None).candidates
    }

    #[test]
    fn dated_openai_names_reduce_to_the_family() {
        let c = cands("gpt-4o-2024-08-06");
        assert_eq!(c, vec!["gpt-4o-2024-08-06", "gpt-4o"]);
        assert!(cands("gpt-4o-mini-2024-07-18").contains(&"gpt-4o-mini".to_string()));
        assert!(cands("gpt-4-0613").contains(&"gpt-4".to_string()));
    }

    #[test]
    fn bedrock_ids_lose_region_vendor_and_version() {
        let n = ModelName::parse("bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0", None);
        assert_eq!(n.host.as_deref(), Some("bedrock"));
        assert!(
            n.candidates.contains(&"claude-sonnet-4-5".to_string()),
            "{n:?}"
        );
        let n = ModelName::parse("meta.llama3-3-70b-instruct-v1:0", Some("aws.bedrock"));
        assert_eq!(n.host.as_deref(), Some("bedrock"));
        assert!(
            n.candidates.contains(&"llama3-3-70b-instruct".to_string()),
            "{n:?}"
        );
    }

    #[test]
    fn provider_paths_and_vertex_versions() {
        let n = ModelName::parse("openai/gpt-4o", None);
        assert_eq!(n.host.as_deref(), Some("openai"));
        assert_eq!(n.candidates, vec!["openai/gpt-4o", "gpt-4o"]);
        assert!(cands("vertex_ai/claude-opus-4-1@20250805").contains(&"claude-opus-4-1".into()));
        assert!(cands("models/gemini-2.5-pro").contains(&"gemini-2.5-pro".into()));
        let n = ModelName::parse("together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo", None);
        assert_eq!(n.host.as_deref(), Some("together"));
        assert!(n
            .candidates
            .contains(&"llama-3.3-70b-instruct-turbo".into()));
    }

    #[test]
    fn preview_and_latest_suffixes_fall_back_to_the_family() {
        assert!(cands("gemini-2.5-flash-preview-05-20").contains(&"gemini-2.5-flash".into()));
        assert!(cands("mistral-large-latest").contains(&"mistral-large".into()));
        assert!(cands("gemini-2.0-flash-001").contains(&"gemini-2.0-flash".into()));
    }

    #[test]
    fn plain_names_are_left_alone() {
        assert_eq!(cands("GPT-4.1"), vec!["gpt-4.1"]);
        assert_eq!(cands("o3"), vec!["o3"]);
        assert_eq!(cands("gpt-oss-120b"), vec!["gpt-oss-120b"]);
    }

    #[test]
    fn reported_provider_names_are_canonical() {
        assert_eq!(canonical_provider("gcp.vertex_ai"), "google");
        assert_eq!(canonical_provider("OpenAI"), "openai");
        assert_eq!(canonical_provider("my-gateway"), "my-gateway");
    }
}
