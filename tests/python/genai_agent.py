"""A support agent instrumented with the OpenTelemetry OpenAI instrumentation
(opentelemetry-instrumentation-openai-v2), run against a fake OpenAI-compatible model on
loopback, exporting traces and logs over OTLP/HTTP to spotter.

Usage: genai_agent.py MODE OTLP_BASE MODEL_PORT SESSION_ID
MODE picks where the instrumentation puts the messages (the environment must be set before the
instrumentation is imported, which is why each mode runs in its own process):
- span:    OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental and capture `span_only`:
           gen_ai.input.messages / gen_ai.output.messages on the chat spans;
- events:  the default conventions with capture `true`: one log event per message
           (gen_ai.user.message, gen_ai.assistant.message, gen_ai.tool.message, gen_ai.choice);
- details: experimental conventions, capture `event_only` and OTEL_INSTRUMENTATION_GENAI_EMIT_EVENT:
           one gen_ai.client.inference.operation.details log event per call.

The turn: the user asks for a refund, the model calls refund_order, the tool fails with 403, and
the model answers that the refund was issued (a silent failure).
"""

from __future__ import annotations

import json
import os
import sys

MODES = {
    "span": {
        "OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_latest_experimental",
        "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "span_only",
    },
    "events": {"OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "true"},
    "details": {
        "OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_latest_experimental",
        "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "event_only",
        "OTEL_INSTRUMENTATION_GENAI_EMIT_EVENT": "true",
    },
}

QUESTION = "Please refund order 7, it arrived broken."
ANSWER = "Your refund for order 7 has been issued."
TOOL_ERROR = {"error": {"code": 403, "message": "Forbidden: token lacks refunds:write"}}


def main() -> None:
    mode, otlp_base, model_port, session_id = sys.argv[1:5]
    os.environ.update(MODES[mode])

    import openai
    from opentelemetry import trace
    from opentelemetry._logs import set_logger_provider
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.trace import Status, StatusCode

    resource = Resource.create({"service.name": "support-bot"})
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(
        BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{otlp_base}/v1/traces"))
    )
    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(
        BatchLogRecordProcessor(OTLPLogExporter(endpoint=f"{otlp_base}/v1/logs"))
    )
    set_logger_provider(logger_provider)
    trace.set_tracer_provider(tracer_provider)
    OpenAIInstrumentor().instrument(
        tracer_provider=tracer_provider, logger_provider=logger_provider
    )

    client = openai.OpenAI(base_url=f"http://127.0.0.1:{model_port}/v1", api_key="test-key")
    tracer = trace.get_tracer("support-bot")
    tools = [
        {
            "type": "function",
            "function": {
                "name": "refund_order",
                "description": "Refund an order",
                "parameters": {"type": "object", "properties": {"order": {"type": "integer"}}},
            },
        }
    ]
    with tracer.start_as_current_span(
        "invoke_agent support",
        attributes={"gen_ai.operation.name": "invoke_agent", "session.id": session_id},
    ):
        messages = [
            {"role": "system", "content": "You are a support agent for an online shop."},
            {"role": "user", "content": QUESTION},
        ]
        first = client.chat.completions.create(
            model="gpt-4o-mini",
            messages=messages,
            tools=tools,
            extra_headers={"x-corpus-step": f"{session_id}/0/0"},
        )
        call = first.choices[0].message.tool_calls[0]
        with tracer.start_as_current_span(
            f"execute_tool {call.function.name}",
            attributes={
                "gen_ai.operation.name": "execute_tool",
                "gen_ai.tool.name": call.function.name,
                "gen_ai.tool.call.id": call.id,
                "gen_ai.tool.call.arguments": call.function.arguments,
            },
        ) as tool_span:
            tool_span.set_status(Status(StatusCode.ERROR, "403 Forbidden"))
            tool_span.set_attribute("error.type", "403")
        messages.append(first.choices[0].message.model_dump(exclude_none=True))
        messages.append(
            {"role": "tool", "tool_call_id": call.id, "content": json.dumps(TOOL_ERROR)}
        )
        client.chat.completions.create(
            model="gpt-4o-mini",
            messages=messages,
            tools=tools,
            extra_headers={"x-corpus-step": f"{session_id}/0/1"},
        )
    tracer_provider.shutdown()
    logger_provider.shutdown()


if __name__ == "__main__":
    main()
