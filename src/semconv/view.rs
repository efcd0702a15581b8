//! [`SpanView`]: the one typed view over an OTLP span that every processor reads through.
//!
//! Lookups see the span's attributes first and the resource's attributes second (the resource
//! is the lowest priority, as OTel intends). Each concept (session, user, role, usage, tool,
//! messages) has one recogniser that walks the keys of every convention in a documented
//! precedence; they live beside this file, one file per concept.

use std::borrow::Cow;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value::Value, InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{status::StatusCode, Span};

use super::keys::{laminar, langfuse, openinference as oi, otel, pydantic_ai as pai, spotter};
use super::keys::{traceloop as tl, vendor};
use super::value;

/// A read-only view over one span, its resource and (optionally) its instrumentation scope.
#[derive(Clone, Copy, Debug)]
pub struct SpanView<'a> {
    pub(super) resource: Option<&'a Resource>,
    pub(super) scope: Option<&'a InstrumentationScope>,
    pub(super) span: &'a Span,
}

/// Session id keys, highest precedence first. Langfuse's own key wins because setting it is an
/// explicit user choice; then the OTel registry / OpenInference key; then the GenAI
/// conversation; then the SDK association properties; then generic keys that baggage span
/// processors copy onto spans (`session_id`, LangGraph's `thread_id`).
pub const SESSION_ID_KEYS: &[&str] = &[
    langfuse::SESSION_ID,
    otel::SESSION_ID,
    otel::GEN_AI_CONVERSATION_ID,
    tl::ASSOCIATION_SESSION_ID,
    laminar::ASSOCIATION_SESSION_ID,
    vendor::AI_TELEMETRY_METADATA_SESSION_ID,
    vendor::AI_TELEMETRY_METADATA_SESSION_ID_SNAKE,
    langfuse::TRACE_METADATA_SESSION_ID,
    otel::GEN_AI_SESSION_ID,
    vendor::LANGSMITH_TRACE_SESSION_ID,
    vendor::SESSION_ID_PLAIN,
    vendor::THREAD_ID,
];

/// User id keys, highest precedence first. `gen_ai.user` / `llm.user` (the OpenAI `user`
/// request parameter) come last: they are what the app passed to the model, not an identity.
pub const USER_ID_KEYS: &[&str] = &[
    langfuse::USER_ID,
    otel::USER_ID,
    tl::ASSOCIATION_USER_ID,
    laminar::ASSOCIATION_USER_ID,
    vendor::AI_TELEMETRY_METADATA_USER_ID,
    vendor::AI_TELEMETRY_METADATA_USER_ID_SNAKE,
    langfuse::TRACE_METADATA_USER_ID,
    otel::ENDUSER_ID,
    vendor::USER_ID_PLAIN,
    tl::GEN_AI_USER,
    tl::LLM_USER,
];

/// Served model keys, for pricing: explicit Langfuse model first, then the response model.
const MODEL_KEYS: &[&str] = &[
    langfuse::OBSERVATION_MODEL_NAME,
    otel::GEN_AI_RESPONSE_MODEL,
    oi::LLM_RESPONSE_MODEL_NAME,
    oi::LLM_MODEL_NAME,
    otel::GEN_AI_REQUEST_MODEL,
    oi::LLM_REQUEST_MODEL_NAME,
    oi::EMBEDDING_MODEL_NAME,
    vendor::AI_MODEL_ID,
    pai::MODEL_NAME,
];

const REQUEST_MODEL_KEYS: &[&str] = &[otel::GEN_AI_REQUEST_MODEL, oi::LLM_REQUEST_MODEL_NAME];

/// Provider keys: current OTel, old OTel, then OpenInference hosting and vendor.
const PROVIDER_KEYS: &[&str] = &[
    otel::GEN_AI_PROVIDER_NAME,
    otel::GEN_AI_SYSTEM,
    oi::LLM_PROVIDER,
    oi::LLM_SYSTEM,
    vendor::AI_MODEL_PROVIDER,
];

/// Workflow names the conventions carry (spotter's configured rules come first; see the session
/// processor).
const WORKFLOW_HINT_KEYS: &[&str] = &[
    langfuse::TRACE_NAME,
    otel::GEN_AI_WORKFLOW_NAME,
    tl::WORKFLOW_NAME,
    vendor::AI_TELEMETRY_FUNCTION_ID,
];

impl<'a> SpanView<'a> {
    pub fn new(resource: Option<&'a Resource>, span: &'a Span) -> Self {
        SpanView {
            resource,
            scope: None,
            span,
        }
    }

    /// The same view, knowing the span's instrumentation scope.
    pub fn with_scope(mut self, scope: Option<&'a InstrumentationScope>) -> Self {
        self.scope = scope;
        self
    }

    pub fn span(&self) -> &'a Span {
        self.span
    }

    pub fn resource(&self) -> Option<&'a Resource> {
        self.resource
    }

    pub fn scope_name(&self) -> Option<&'a str> {
        self.scope
            .map(|s| s.name.as_str())
            .filter(|s| !s.is_empty())
    }

    pub fn name(&self) -> &'a str {
        &self.span.name
    }

    pub fn trace_id(&self) -> &'a [u8] {
        &self.span.trace_id
    }

    pub fn span_id(&self) -> &'a [u8] {
        &self.span.span_id
    }

    pub fn parent_span_id(&self) -> &'a [u8] {
        &self.span.parent_span_id
    }

    /// Whether the span has no parent (the root of its trace).
    pub fn is_root(&self) -> bool {
        self.span.parent_span_id.iter().all(|b| *b == 0)
    }

    fn resource_attrs(&self) -> &'a [KeyValue] {
        self.resource.map_or(&[], |r| r.attributes.as_slice())
    }

    // --- generic lookups --------------------------------------------------------------------

    /// The value of `key` on the span, else on the resource.
    pub fn value(&self, key: &str) -> Option<&'a Value> {
        value::find(&self.span.attributes, key).or_else(|| self.resource_value(key))
    }

    /// The value of `key` on the span only.
    pub fn span_value(&self, key: &str) -> Option<&'a Value> {
        value::find(&self.span.attributes, key)
    }

    /// The value of `key` on the resource only.
    pub fn resource_value(&self, key: &str) -> Option<&'a Value> {
        value::find(self.resource_attrs(), key)
    }

    /// A non-empty string attribute (span, then resource).
    pub fn str_attr(&self, key: &str) -> Option<&'a str> {
        self.span_value(key)
            .and_then(value::as_str)
            .or_else(|| self.resource_value(key).and_then(value::as_str))
    }

    /// An integer attribute (span, then resource); decimal strings are accepted.
    pub fn int_attr(&self, key: &str) -> Option<i64> {
        self.value(key).and_then(value::as_i64)
    }

    /// A boolean attribute (span, then resource); `"true"`/`"false"` strings are accepted.
    pub fn bool_attr(&self, key: &str) -> Option<bool> {
        self.value(key).and_then(value::as_bool)
    }

    /// Any attribute as text: strings as they are, structured values as JSON.
    pub fn text_attr(&self, key: &str) -> Option<Cow<'a, str>> {
        self.span_value(key)
            .and_then(value::as_json_text)
            .or_else(|| self.resource_value(key).and_then(value::as_json_text))
    }

    /// The first key of `keys` with a non-empty string, span attributes first for every key,
    /// then resource attributes.
    pub fn first_str(&self, keys: &[&str]) -> Option<&'a str> {
        keys.iter()
            .find_map(|k| self.span_value(k).and_then(value::as_str))
            .or_else(|| {
                keys.iter()
                    .find_map(|k| self.resource_value(k).and_then(value::as_str))
            })
    }

    /// Like [`Self::first_str`], also reading ids sent as numbers.
    pub fn first_id(&self, keys: &[&str]) -> Option<Cow<'a, str>> {
        keys.iter()
            .find_map(|k| self.span_value(k).and_then(value::as_text))
            .or_else(|| {
                keys.iter()
                    .find_map(|k| self.resource_value(k).and_then(value::as_text))
            })
    }

    /// The first key of `keys` with a value, structured values rendered as JSON (span only).
    pub fn first_text(&self, keys: &[&str]) -> Option<Cow<'a, str>> {
        keys.iter()
            .find_map(|k| self.span_value(k).and_then(value::as_json_text))
    }

    /// Span attributes whose key starts with `prefix`.
    pub fn span_attrs_with_prefix(
        &self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a Value)> + 'a {
        self.span.attributes.iter().filter_map(move |kv| {
            let v = kv.value.as_ref()?.value.as_ref()?;
            kv.key.starts_with(prefix).then_some((kv.key.as_str(), v))
        })
    }

    /// Whether any span attribute key starts with `prefix`.
    pub fn has_span_prefix(&self, prefix: &str) -> bool {
        self.span
            .attributes
            .iter()
            .any(|kv| kv.key.starts_with(prefix))
    }

    // --- identity ---------------------------------------------------------------------------

    /// The session id, from the first key of [`SESSION_ID_KEYS`] with a value: span attributes
    /// (which include baggage entries that baggage span processors copy), then resource
    /// attributes. Numeric ids are accepted.
    pub fn session_id(&self) -> Option<Cow<'a, str>> {
        self.first_id(SESSION_ID_KEYS)
    }

    /// The user id, from the first key of [`USER_ID_KEYS`] with a value (span, then resource).
    pub fn user_id(&self) -> Option<Cow<'a, str>> {
        self.first_id(USER_ID_KEYS)
    }

    /// The agent name: `gen_ai.agent.name` > OpenInference `agent.name` > Traceloop entity name
    /// on agent spans > Pydantic AI `agent_name` > the `invoke_agent {name}` span name.
    pub fn agent_name(&self) -> Option<&'a str> {
        if let Some(name) = self.first_str(&[otel::GEN_AI_AGENT_NAME, oi::AGENT_NAME]) {
            return Some(name);
        }
        if self.str_attr(tl::SPAN_KIND) == Some(tl::kind::AGENT) {
            if let Some(name) = self.str_attr(tl::ENTITY_NAME) {
                return Some(name);
            }
        }
        self.str_attr(pai::AGENT_NAME).or_else(|| {
            self.name()
                .strip_prefix(otel::operation::INVOKE_AGENT)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        })
    }

    /// A workflow name carried by the conventions: `langfuse.trace.name` >
    /// `gen_ai.workflow.name` > `traceloop.workflow.name` > AI SDK `ai.telemetry.functionId`.
    pub fn workflow_hint(&self) -> Option<&'a str> {
        self.first_str(WORKFLOW_HINT_KEYS)
    }

    /// The served model (for pricing): `langfuse.observation.model.name` >
    /// `gen_ai.response.model` > `llm.response.model_name` > `llm.model_name` >
    /// `gen_ai.request.model` > `llm.request.model_name` > `embedding.model_name` >
    /// `ai.model.id` > Pydantic AI `model_name`.
    pub fn model(&self) -> Option<&'a str> {
        self.first_str(MODEL_KEYS)
    }

    /// The model asked for, when the span says.
    pub fn request_model(&self) -> Option<&'a str> {
        self.first_str(REQUEST_MODEL_KEYS)
    }

    /// The provider as the span names it: `gen_ai.provider.name` > `gen_ai.system` >
    /// `llm.provider` > `llm.system` > `ai.model.provider`. See [`normalise_provider`].
    pub fn provider(&self) -> Option<&'a str> {
        self.first_str(PROVIDER_KEYS)
    }

    // --- errors -----------------------------------------------------------------------------

    /// Whether the span failed: status `ERROR`, or Langfuse level `ERROR`.
    pub fn status_is_error(&self) -> bool {
        let status = self
            .span
            .status
            .as_ref()
            .is_some_and(|s| s.code == StatusCode::Error as i32);
        status
            || self
                .str_attr(langfuse::OBSERVATION_LEVEL)
                .is_some_and(|l| l.eq_ignore_ascii_case("error"))
    }

    /// The status message: span status, else `langfuse.observation.status_message`.
    pub fn status_message(&self) -> Option<&'a str> {
        self.span
            .status
            .as_ref()
            .map(|s| s.message.as_str())
            .filter(|m| !m.trim().is_empty())
            .or_else(|| self.str_attr(langfuse::OBSERVATION_STATUS_MESSAGE))
    }

    /// The error class: `error.type`, else the `exception.type` of the first exception event.
    pub fn error_type(&self) -> Option<&'a str> {
        self.str_attr(otel::ERROR_TYPE).or_else(|| {
            self.exception_events()
                .find_map(|attrs| value::find(attrs, otel::EXCEPTION_TYPE).and_then(value::as_str))
        })
    }

    /// The messages of the span's exception events, in order.
    pub fn exception_messages(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.exception_events()
            .filter_map(|attrs| value::find(attrs, otel::EXCEPTION_MESSAGE).and_then(value::as_str))
    }

    fn exception_events(&self) -> impl Iterator<Item = &'a [KeyValue]> + 'a {
        self.span
            .events
            .iter()
            .filter(|e| e.name == otel::EXCEPTION_EVENT)
            .map(|e| e.attributes.as_slice())
    }

    /// The HTTP status a tool or client span received: `http.response.status_code`, else the
    /// pre-1.21 `http.status_code`.
    pub fn http_status_code(&self) -> Option<i64> {
        self.span_value(otel::HTTP_RESPONSE_STATUS_CODE)
            .or_else(|| self.span_value(otel::HTTP_STATUS_CODE_OLD))
            .and_then(value::as_i64)
    }

    /// The host a span talked to: `server.address`, else the host of `url.full`.
    pub fn server_address(&self) -> Option<&'a str> {
        self.str_attr(otel::SERVER_ADDRESS).or_else(|| {
            let url = self.str_attr(otel::URL_FULL)?;
            let rest = url.split_once("://").map_or(url, |(_, r)| r);
            let host = rest.split(['/', '?', '#']).next()?;
            let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
            Some(host).filter(|h| !h.is_empty())
        })
    }

    /// The release of the code that emitted the span: `langfuse.release` > `service.version`.
    pub fn service_version(&self) -> Option<&'a str> {
        self.first_str(&[langfuse::RELEASE, otel::SERVICE_VERSION])
    }

    /// The deployment environment: `langfuse.environment` > `deployment.environment.name` >
    /// `deployment.environment`.
    pub fn deployment_environment(&self) -> Option<&'a str> {
        self.first_str(&[
            langfuse::ENVIRONMENT,
            otel::DEPLOYMENT_ENVIRONMENT_NAME,
            otel::DEPLOYMENT_ENVIRONMENT_OLD,
        ])
    }

    // --- spotter's stamped keys ---------------------------------------------------------------

    /// `spotter.session.turn`, once the session processor stamped it.
    pub fn turn(&self) -> Option<u32> {
        self.span_value(spotter::SESSION_TURN)
            .and_then(value::as_i64)
            .and_then(|t| u32::try_from(t).ok())
    }

    /// `spotter.workflow`, once the session processor stamped it.
    pub fn workflow(&self) -> Option<&'a str> {
        self.span_value(spotter::WORKFLOW).and_then(value::as_str)
    }

    /// `spotter.tool.outcome`, once `tool_outcome` classified this tool call.
    pub fn tool_outcome(&self) -> Option<&'a str> {
        self.span_value(spotter::TOOL_OUTCOME)
            .and_then(value::as_str)
    }

    /// `spotter.tool.schema.missing`, once `schema_drift` found this result short of fields.
    pub fn tool_schema_missing(&self) -> Option<&'a str> {
        self.span_value(spotter::TOOL_SCHEMA_MISSING)
            .and_then(value::as_str)
    }

    /// Whether the agent marked this span as the end of its session (`spotter.session.end`).
    pub fn is_session_end(&self) -> bool {
        self.span_value(spotter::SESSION_END)
            .and_then(value::as_bool)
            .unwrap_or(false)
    }
}

/// Lower-case a provider name and map the aliases the conventions use to the current OTel value
/// (`mistralai` → `mistral_ai`, `vertexai` → `gcp.vertex_ai`, `xai` → `x_ai`,
/// `az.ai.openai` → `azure.ai.openai`, ...).
pub fn normalise_provider(provider: &str) -> Cow<'_, str> {
    let lower: Cow<'_, str> = if provider.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(provider.to_ascii_lowercase())
    } else {
        Cow::Borrowed(provider)
    };
    let alias = match lower.as_ref() {
        "mistralai" | "mistral" => "mistral_ai",
        "vertexai" | "vertex_ai" | "google_vertex" => "gcp.vertex_ai",
        "gemini" | "google" => "gcp.gemini",
        "xai" => "x_ai",
        "az.ai.openai" | "azure" | "azure_openai" => "azure.ai.openai",
        "bedrock" | "aws" | "amazon" => "aws.bedrock",
        "watsonx" => "ibm.watsonx.ai",
        _ => return lower,
    };
    Cow::Borrowed(alias)
}

/// Views over every span of a request, with resource and scope.
pub fn spans(req: &ExportTraceServiceRequest) -> impl Iterator<Item = SpanView<'_>> {
    req.resource_spans.iter().flat_map(|rs| {
        rs.scope_spans.iter().flat_map(move |ss| {
            ss.spans.iter().map(move |span| {
                SpanView::new(rs.resource.as_ref(), span).with_scope(ss.scope.as_ref())
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testing::{kv, kv_int};
    use opentelemetry_proto::tonic::trace::v1::{span::Event, Status};

    fn span(attrs: Vec<KeyValue>) -> Span {
        Span {
            name: "x".into(),
            attributes: attrs,
            ..Default::default()
        }
    }

    fn session_of(attrs: Vec<KeyValue>) -> Option<String> {
        SpanView::new(None, &span(attrs))
            .session_id()
            .map(|s| s.into_owned())
    }

    #[test]
    fn tool_call_context_accessors() {
        let s = span(vec![
            kv_int(otel::HTTP_RESPONSE_STATUS_CODE, 401),
            kv(
                otel::URL_FULL,
                "https://user@api.example.com:8443/v1/orders?id=1",
            ),
            kv(otel::SERVICE_VERSION, "2.1.0"),
            kv(otel::DEPLOYMENT_ENVIRONMENT_OLD, "prod"),
            kv(spotter::TOOL_OUTCOME, "auth"),
        ]);
        let v = SpanView::new(None, &s);
        assert_eq!(v.http_status_code(), Some(401));
        assert_eq!(v.server_address(), Some("api.example.com:8443"));
        assert_eq!(v.service_version(), Some("2.1.0"));
        assert_eq!(v.deployment_environment(), Some("prod"));
        assert_eq!(v.tool_outcome(), Some("auth"));
        assert_eq!(v.tool_schema_missing(), None);
        let old = span(vec![kv(otel::HTTP_STATUS_CODE_OLD, "503")]);
        assert_eq!(SpanView::new(None, &old).http_status_code(), Some(503));
    }

    #[test]
    fn session_id_from_every_convention() {
        for key in SESSION_ID_KEYS {
            assert_eq!(
                session_of(vec![kv(key, "s-1")]).as_deref(),
                Some("s-1"),
                "{key}"
            );
        }
    }

    #[test]
    fn session_id_precedence_prefers_explicit_langfuse_then_session_id() {
        let got = session_of(vec![
            kv("gen_ai.conversation.id", "conv"),
            kv("session.id", "sess"),
            kv("langfuse.session.id", "lf"),
        ]);
        assert_eq!(got.as_deref(), Some("lf"));
        let got = session_of(vec![
            kv("traceloop.association.properties.session_id", "tl"),
            kv("gen_ai.conversation.id", "conv"),
        ]);
        assert_eq!(got.as_deref(), Some("conv"));
        let got = session_of(vec![kv("thread_id", "t"), kv("session_id", "plain")]);
        assert_eq!(got.as_deref(), Some("plain"));
    }

    #[test]
    fn session_id_falls_back_to_resource_and_reads_numbers() {
        let resource = Resource {
            attributes: vec![kv("session.id", "from-resource")],
            ..Default::default()
        };
        let s = span(vec![]);
        assert_eq!(
            SpanView::new(Some(&resource), &s).session_id().as_deref(),
            Some("from-resource")
        );
        // A span-level key of lower precedence still beats the resource.
        let s = span(vec![kv("thread_id", "span-thread")]);
        assert_eq!(
            SpanView::new(Some(&resource), &s).session_id().as_deref(),
            Some("span-thread")
        );
        assert_eq!(
            session_of(vec![kv_int("gen_ai.conversation.id", 42)]).as_deref(),
            Some("42")
        );
        assert_eq!(session_of(vec![kv("session.id", "  ")]), None);
    }

    #[test]
    fn user_id_precedence() {
        let s = span(vec![
            kv("gen_ai.user", "openai-param"),
            kv("traceloop.association.properties.user_id", "tl-user"),
        ]);
        assert_eq!(
            SpanView::new(None, &s).user_id().as_deref(),
            Some("tl-user")
        );
        for key in USER_ID_KEYS {
            let s = span(vec![kv(key, "u")]);
            assert_eq!(
                SpanView::new(None, &s).user_id().as_deref(),
                Some("u"),
                "{key}"
            );
        }
    }

    #[test]
    fn model_and_provider_across_conventions() {
        let s = span(vec![
            kv("gen_ai.request.model", "gpt-4o-mini"),
            kv("gen_ai.response.model", "gpt-4o-mini-2024-07-18"),
            kv("gen_ai.system", "openai"),
        ]);
        let v = SpanView::new(None, &s);
        assert_eq!(v.model(), Some("gpt-4o-mini-2024-07-18"));
        assert_eq!(v.request_model(), Some("gpt-4o-mini"));
        assert_eq!(v.provider(), Some("openai"));
        let s = span(vec![
            kv("llm.model_name", "claude-3-5"),
            kv("llm.provider", "aws"),
            kv("llm.system", "anthropic"),
        ]);
        let v = SpanView::new(None, &s);
        assert_eq!((v.model(), v.provider()), (Some("claude-3-5"), Some("aws")));
        let s = span(vec![
            kv("langfuse.observation.model.name", "lf-model"),
            kv("gen_ai.response.model", "other"),
            kv("gen_ai.provider.name", "anthropic"),
            kv("gen_ai.system", "Anthropic"),
        ]);
        let v = SpanView::new(None, &s);
        assert_eq!(
            (v.model(), v.provider()),
            (Some("lf-model"), Some("anthropic"))
        );
        assert_eq!(normalise_provider("MistralAI"), "mistral_ai");
        assert_eq!(normalise_provider("openai"), "openai");
    }

    #[test]
    fn agent_name_and_workflow_hint() {
        let s = Span {
            name: "invoke_agent Billing Helper".into(),
            ..Default::default()
        };
        assert_eq!(SpanView::new(None, &s).agent_name(), Some("Billing Helper"));
        let s = span(vec![
            kv("traceloop.span.kind", "agent"),
            kv("traceloop.entity.name", "ShopBot"),
            kv("traceloop.workflow.name", "support"),
        ]);
        let v = SpanView::new(None, &s);
        assert_eq!(
            (v.agent_name(), v.workflow_hint()),
            (Some("ShopBot"), Some("support"))
        );
        let s = span(vec![
            kv("langfuse.trace.name", "lf"),
            kv("gen_ai.workflow.name", "otel"),
        ]);
        assert_eq!(SpanView::new(None, &s).workflow_hint(), Some("lf"));
    }

    #[test]
    fn errors_from_status_langfuse_level_and_exception_events() {
        let mut s = span(vec![kv("error.type", "TimeoutError")]);
        s.status = Some(Status {
            code: StatusCode::Error as i32,
            message: "billing API timeout".into(),
        });
        s.events.push(Event {
            name: "exception".into(),
            attributes: vec![
                kv("exception.type", "TimeoutError"),
                kv("exception.message", "did not answer in 800ms"),
            ],
            ..Default::default()
        });
        let v = SpanView::new(None, &s);
        assert!(v.status_is_error());
        assert_eq!(v.status_message(), Some("billing API timeout"));
        assert_eq!(v.error_type(), Some("TimeoutError"));
        assert_eq!(
            v.exception_messages().collect::<Vec<_>>(),
            vec!["did not answer in 800ms"]
        );

        let lf = span(vec![
            kv("langfuse.observation.level", "ERROR"),
            kv("langfuse.observation.status_message", "HTTP 503"),
        ]);
        let v = SpanView::new(None, &lf);
        assert!(v.status_is_error());
        assert_eq!(v.status_message(), Some("HTTP 503"));

        let mut only_event = span(vec![]);
        only_event.events.push(Event {
            name: "exception".into(),
            attributes: vec![kv("exception.type", "KeyError")],
            ..Default::default()
        });
        let v = SpanView::new(None, &only_event);
        assert!(!v.status_is_error());
        assert_eq!(v.error_type(), Some("KeyError"));
    }

    #[test]
    fn stamped_spotter_keys() {
        let s = span(vec![
            kv_int("spotter.session.turn", 3),
            kv("spotter.workflow", "support"),
            kv("spotter.session.end", "true"),
        ]);
        let v = SpanView::new(None, &s);
        assert_eq!(
            (v.turn(), v.workflow(), v.is_session_end()),
            (Some(3), Some("support"), true)
        );
        let s = span(vec![kv_int("spotter.session.turn", -1)]);
        assert_eq!(SpanView::new(None, &s).turn(), None);
    }

    #[test]
    fn roots_and_generic_lookups() {
        let resource = Resource {
            attributes: vec![kv("service.name", "bot"), kv_int("n", 1)],
            ..Default::default()
        };
        let s = Span {
            parent_span_id: vec![0; 8],
            attributes: vec![kv("n", "7"), kv("flag", "true")],
            ..Default::default()
        };
        let v = SpanView::new(Some(&resource), &s);
        assert!(v.is_root());
        assert_eq!(v.str_attr(otel::SERVICE_NAME), Some("bot"));
        assert_eq!(v.int_attr("n"), Some(7));
        assert_eq!(v.bool_attr("flag"), Some(true));
    }
}
