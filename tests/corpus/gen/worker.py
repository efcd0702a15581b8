"""One agent process: runs one agent's sessions of one library through that library's real
instrumentation, calling the fake model through the real `openai` client and executing the
scripted tool results. Usage: worker.py PLAN.json LIBRARY AGENT MODEL_URL CAPTURE_URL"""

import json
import os
import sys

from agents import AGENTS, tool as find_tool
from agents2 import AGENTS2
from agents3 import AGENTS3
from plan import schedule
from servers import MODELS

PLAN, LIBRARY, AGENT, MODEL_URL, CAPTURE_URL = sys.argv[1:6]
agent = next(a for a in AGENTS + AGENTS2 + AGENTS3 if a["name"] == AGENT)
MODEL = MODELS.get(AGENT) or agent["model"]
TOOLS = [{"type": "function", "function": {"name": t.name, "description": t.desc, "parameters": t.schema()}}
         for t in agent["tools"]]
RESOURCE = {"service.name": agent["service"], "service.version": agent["version"],
            "deployment.environment.name": "staging"}
WORKFLOW = "%s_turn" % agent["domain"]


class ToolFailure(Exception):
    pass


def exception_class(name):
    return type(name, (ToolFailure,), {"__module__": "%s.tools" % agent["service"].replace("-", "_")})


def tool_error(call):
    e = call["error"]
    return exception_class(e["type"])(e["message"])


def to_model(call):
    """What the agent feeds back to the model for a tool call."""
    if call["error"] and call["form"] == "error":
        return json.dumps({"error": call["error"]["message"]}, ensure_ascii=False)
    return call["result"]


def parse(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def parts_input(messages, finish=None):
    out = []
    for m in messages:
        if m["role"] == "tool":
            out.append({"role": "tool", "parts": [{"type": "tool_call_response", "id": m["tool_call_id"],
                                                   "response": m["content"]}]})
        elif m.get("tool_calls"):
            out.append({"role": "assistant", "parts": [
                {"type": "tool_call", "id": c["id"], "name": c["function"]["name"],
                 "arguments": json.loads(c["function"]["arguments"])} for c in m["tool_calls"]]})
        else:
            out.append({"role": m["role"], "parts": [{"type": "text", "content": m["content"]}]})
    if finish and out:
        out[-1]["finish_reason"] = finish
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


class Runner:
    """The agent loop, shared by every library; subclasses wrap turns, model calls and tools."""

    flush_every = 1

    def __init__(self):
        self.client = self.make_client()
        self.history = {}

    def make_client(self):
        from openai import OpenAI
        return OpenAI(base_url=MODEL_URL + "/v1", api_key="sk-corpus-local", max_retries=0)

    def chat(self, messages, key):
        return self.client.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS, temperature=0.2,
                                                   extra_headers={"x-corpus-step": key})

    def loop(self, s, t):
        turn = s["turns"][t]
        hist = self.history.setdefault(s["id"], [])
        messages = [{"role": "system", "content": agent["system"]}] + hist + [{"role": "user", "content": turn["user"]}]
        usage = [0, 0]
        for i, step in enumerate(turn["steps"]):
            resp = self.llm(s, t, messages, "%s/%d/%d" % (s["id"], t, i))
            usage[0] += resp.usage.prompt_tokens
            usage[1] += resp.usage.completion_tokens
            msg = resp.choices[0].message
            messages.append({"role": "assistant", "content": None, "tool_calls": [
                {"id": c.id, "type": "function", "function": {"name": c.function.name, "arguments": c.function.arguments}}
                for c in msg.tool_calls]})
            for call in step:
                content = self.run_tool(s, t, call)
                messages.append({"role": "tool", "tool_call_id": call["id"], "content": content})
        resp = self.llm(s, t, messages, "%s/%d/%d" % (s["id"], t, len(turn["steps"])))
        usage[0] += resp.usage.prompt_tokens
        usage[1] += resp.usage.completion_tokens
        answer = resp.choices[0].message.content
        hist += [{"role": "user", "content": turn["user"]}, {"role": "assistant", "content": answer}]
        return answer, usage

    def llm(self, s, t, messages, key):
        return self.chat(messages, key)

    def execute(self, call, record_exception=None):
        """The tool itself: returns its text or raises."""
        if call["error"] and call["form"] == "error":
            raise tool_error(call)
        if call["error"] and call["form"] == "exc_ok" and record_exception:
            record_exception(tool_error(call))
        return call["result"]

    def run(self, sessions):
        n = 0
        for s, t in schedule(sessions):
            self.turn(s, t)
            n += 1
            if n % self.flush_every == 0:
                self.flush()
        self.flush()
        self.shutdown()

    def shutdown(self):
        pass


# --- OpenTelemetry SDK, GenAI semantic conventions, hand-written spans --------------------------

class OtelRunner(Runner):
    def __init__(self, json_exporter):
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
        if json_exporter:
            from opentelemetry.exporter.otlp.json.http.trace_exporter import OTLPSpanExporter
            self.flush_every = 2
        else:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        self.provider = TracerProvider(resource=Resource.create(RESOURCE))
        self.provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=CAPTURE_URL + "/v1/traces"),
                                                            schedule_delay_millis=3_600_000,
                                                            max_export_batch_size=4096, max_queue_size=65536))
        self.tracer = self.provider.get_tracer("%s.agent" % agent["service"], agent["version"])
        super().__init__()

    def turn(self, s, t):
        from opentelemetry.trace import SpanKind
        turn = s["turns"][t]
        self.session = s
        with self.tracer.start_as_current_span("invoke_agent %s" % AGENT, kind=SpanKind.INTERNAL) as sp:
            sp.set_attribute("gen_ai.operation.name", "invoke_agent")
            sp.set_attribute("gen_ai.agent.name", AGENT)
            sp.set_attribute("gen_ai.agent.id", agent["service"])
            sp.set_attribute("gen_ai.request.model", MODEL)
            sp.set_attribute("gen_ai.conversation.id", s["id"])
            sp.set_attribute("user.id", s["user_id"])
            sp.set_attribute("gen_ai.input.messages", parts_input([{"role": "user", "content": turn["user"]}]))
            answer, usage = self.loop(s, t)
            sp.set_attribute("gen_ai.output.messages", parts_input([{"role": "assistant", "content": answer}], "stop"))
            sp.set_attribute("gen_ai.usage.input_tokens", usage[0])
            sp.set_attribute("gen_ai.usage.output_tokens", usage[1])

    def llm(self, s, t, messages, key):
        from opentelemetry.trace import SpanKind
        with self.tracer.start_as_current_span("chat %s" % MODEL, kind=SpanKind.CLIENT) as sp:
            sp.set_attribute("gen_ai.operation.name", "chat")
            sp.set_attribute("gen_ai.provider.name", "openai")
            sp.set_attribute("gen_ai.request.model", MODEL)
            sp.set_attribute("gen_ai.request.temperature", 0.2)
            sp.set_attribute("gen_ai.conversation.id", s["id"])
            sp.set_attribute("gen_ai.input.messages", parts_input(messages))
            resp = self.chat(messages, key)
            msg = resp.choices[0].message
            sp.set_attribute("gen_ai.response.model", resp.model)
            sp.set_attribute("gen_ai.response.id", resp.id)
            sp.set_attribute("gen_ai.response.finish_reasons", [resp.choices[0].finish_reason])
            sp.set_attribute("gen_ai.usage.input_tokens", resp.usage.prompt_tokens)
            sp.set_attribute("gen_ai.usage.output_tokens", resp.usage.completion_tokens)
            if msg.tool_calls:
                out = [{"role": "assistant", "content": None, "tool_calls": [
                    {"id": c.id, "function": {"name": c.function.name, "arguments": c.function.arguments}}
                    for c in msg.tool_calls]}]
            else:
                out = [{"role": "assistant", "content": msg.content}]
            sp.set_attribute("gen_ai.output.messages", parts_input(out, resp.choices[0].finish_reason))
            return resp

    def run_tool(self, s, t, call):
        from opentelemetry.trace import SpanKind, Status, StatusCode
        td = find_tool(agent, call["tool"])
        with self.tracer.start_as_current_span("execute_tool %s" % call["tool"], kind=SpanKind.INTERNAL,
                                               record_exception=False, set_status_on_exception=False) as sp:
            sp.set_attribute("gen_ai.operation.name", "execute_tool")
            sp.set_attribute("gen_ai.tool.name", call["tool"])
            sp.set_attribute("gen_ai.tool.call.id", call["id"])
            sp.set_attribute("gen_ai.tool.type", "function")
            sp.set_attribute("gen_ai.tool.description", td.desc)
            sp.set_attribute("gen_ai.tool.call.arguments", json.dumps(call["args"], ensure_ascii=False))
            sp.set_attribute("gen_ai.agent.name", AGENT)
            sp.set_attribute("gen_ai.conversation.id", s["id"])
            try:
                result = self.execute(call, sp.record_exception)
            except ToolFailure as e:
                sp.record_exception(e)
                sp.set_status(Status(StatusCode.ERROR, "%s: %s" % (type(e).__name__, e)))
                sp.set_attribute("error.type", "%s.%s" % (type(e).__module__, type(e).__name__))
                if call["error"].get("http_status"):
                    sp.set_attribute("http.response.status_code", call["error"]["http_status"])
                return to_model(call)
            sp.set_attribute("gen_ai.tool.call.result", result)
            if call["error"] and call["error"].get("http_status") and call["form"] == "exc_ok":
                sp.set_attribute("http.response.status_code", call["error"]["http_status"])
            return result

    def flush(self):
        self.provider.force_flush()

    def shutdown(self):
        self.provider.shutdown()


# --- OpenInference: the OpenAI instrumentor plus hand-written AGENT and TOOL spans ---------------

class OpenInferenceRunner(Runner):
    def __init__(self):
        from openinference.instrumentation.openai import OpenAIInstrumentor
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
        res = dict(RESOURCE, **{"openinference.project.name": agent["service"]})
        self.provider = TracerProvider(resource=Resource.create(res))
        self.provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=CAPTURE_URL + "/v1/traces"),
                                                            schedule_delay_millis=3_600_000,
                                                            max_export_batch_size=4096, max_queue_size=65536))
        OpenAIInstrumentor().instrument(tracer_provider=self.provider)
        self.tracer = self.provider.get_tracer("%s.agent" % agent["service"])
        self.flush_every = 3
        super().__init__()

    def turn(self, s, t):
        from openinference.instrumentation import using_attributes
        turn = s["turns"][t]
        with using_attributes(session_id=s["id"], user_id=s["user_id"], metadata={"turn": t, "agent_version":
                                                                                    agent["version"]}):
            with self.tracer.start_as_current_span(AGENT) as sp:
                sp.set_attribute("openinference.span.kind", "AGENT")
                sp.set_attribute("session.id", s["id"])
                sp.set_attribute("user.id", s["user_id"])
                sp.set_attribute("input.value", turn["user"])
                sp.set_attribute("input.mime_type", "text/plain")
                answer, _ = self.loop(s, t)
                sp.set_attribute("output.value", answer)
                sp.set_attribute("output.mime_type", "text/plain")

    def run_tool(self, s, t, call):
        from opentelemetry.trace import Status, StatusCode
        td = find_tool(agent, call["tool"])
        with self.tracer.start_as_current_span(call["tool"], record_exception=False,
                                               set_status_on_exception=False) as sp:
            sp.set_attribute("openinference.span.kind", "TOOL")
            sp.set_attribute("session.id", s["id"])
            sp.set_attribute("user.id", s["user_id"])
            sp.set_attribute("tool.name", call["tool"])
            sp.set_attribute("tool.description", td.desc)
            sp.set_attribute("tool.parameters", json.dumps(td.schema()))
            sp.set_attribute("input.value", json.dumps(call["args"], ensure_ascii=False))
            sp.set_attribute("input.mime_type", "application/json")
            sp.set_attribute("tool_call.id", call["id"])
            try:
                result = self.execute(call, sp.record_exception)
            except ToolFailure as e:
                sp.record_exception(e)
                sp.set_status(Status(StatusCode.ERROR, "%s: %s" % (type(e).__name__, e)))
                if call["error"].get("http_status"):
                    sp.set_attribute("http.response.status_code", call["error"]["http_status"])
                return to_model(call)
            sp.set_attribute("output.value", result)
            sp.set_attribute("output.mime_type", "application/json" if isinstance(parse(result), (dict, list))
                             else "text/plain")
            sp.set_status(Status(StatusCode.OK))
            return result

    def flush(self):
        self.provider.force_flush()

    def shutdown(self):
        self.provider.shutdown()


# --- Traceloop (OpenLLMetry): workflow/agent/tool decorators, association properties -----------

class TraceloopRunner(Runner):
    def __init__(self):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from traceloop.sdk import Traceloop
        Traceloop.init(app_name=agent["service"], exporter=OTLPSpanExporter(endpoint=CAPTURE_URL + "/v1/traces"),
                       telemetry_enabled=False, resource_attributes=dict(RESOURCE), api_endpoint=CAPTURE_URL)
        self.Traceloop = Traceloop
        self.flush_every = 4
        super().__init__()

    def turn(self, s, t):
        from traceloop.sdk.decorators import agent as tl_agent, workflow
        self.Traceloop.set_association_properties({"session_id": s["id"], "user_id": s["user_id"], "turn": str(t)})

        @workflow(name=WORKFLOW)
        def handle(user):
            @tl_agent(name=AGENT)
            def run(user):
                return self.loop(s, t)[0]
            return run(user)

        handle(s["turns"][t]["user"])

    def run_tool(self, s, t, call):
        from opentelemetry import trace
        from traceloop.sdk.decorators import tool as tl_tool

        @tl_tool(name=call["tool"])
        def fn(**kwargs):
            return parse(self.execute(call, trace.get_current_span().record_exception))

        try:
            fn(**call["args"])
        except ToolFailure:
            return to_model(call)
        return call["result"]

    def flush(self):
        from opentelemetry import trace
        trace.get_tracer_provider().force_flush()

    def shutdown(self):
        from opentelemetry import trace
        trace.get_tracer_provider().shutdown()


# --- Langfuse SDK (OTel based): observations, the OpenAI drop-in, propagated attributes ---------

class LangfuseRunner(Runner):
    def __init__(self):
        os.environ["OTEL_SERVICE_NAME"] = agent["service"]
        os.environ["OTEL_RESOURCE_ATTRIBUTES"] = "service.version=%s,deployment.environment.name=staging" % agent["version"]
        from langfuse import Langfuse
        self.lf = Langfuse(public_key="pk-lf-local-test", secret_key="sk-lf-local-test", host=CAPTURE_URL,
                           environment="staging", release=agent["version"], flush_at=2000, flush_interval=3600)
        super().__init__()

    def make_client(self):
        from langfuse.openai import OpenAI
        return OpenAI(base_url=MODEL_URL + "/v1", api_key="sk-corpus-local", max_retries=0)

    def turn(self, s, t):
        from langfuse import propagate_attributes
        turn = s["turns"][t]
        with self.lf.start_as_current_observation(as_type="agent", name=AGENT, input=turn["user"]) as root:
            with propagate_attributes(session_id=s["id"], user_id=s["user_id"], trace_name=WORKFLOW,
                                      metadata={"turn": str(t)}):
                answer, _ = self.loop(s, t)
                root.update(output=answer)

    def run_tool(self, s, t, call):
        from opentelemetry import trace
        try:
            with self.lf.start_as_current_observation(as_type="tool", name=call["tool"], input=call["args"],
                                                      metadata={"tool_call_id": call["id"]}) as obs:
                try:
                    result = self.execute(call, trace.get_current_span().record_exception)
                except ToolFailure as e:
                    obs.update(level="ERROR", status_message=str(e), output={"error": str(e)})
                    raise
                obs.update(output=parse(result))
                return result
        except ToolFailure:
            return to_model(call)

    def flush(self):
        self.lf.flush()

    def shutdown(self):
        self.lf.shutdown()


# --- Logfire (Pydantic): logfire.instrument_openai, spans with GenAI attributes, baggage ----------

class LogfireRunner(Runner):
    def __init__(self):
        import logfire
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
        logfire.configure(send_to_logfire=False, console=False, scrubbing=False, service_name=agent["service"],
                          service_version=agent["version"], environment="staging", inspect_arguments=False,
                          additional_span_processors=[BatchSpanProcessor(
                              OTLPSpanExporter(endpoint=CAPTURE_URL + "/v1/traces"), schedule_delay_millis=3_600_000,
                              max_export_batch_size=4096, max_queue_size=65536)])
        self.logfire = logfire
        self.flush_every = 2
        super().__init__()
        logfire.instrument_openai(self.client)

    def turn(self, s, t):
        lf = self.logfire
        turn = s["turns"][t]
        with lf.set_baggage(**{"session.id": s["id"], "user.id": s["user_id"]}):
            with lf.span("{agent} turn", agent=AGENT, **{"gen_ai.operation.name": "invoke_agent",
                                                         "gen_ai.agent.name": AGENT,
                                                         "gen_ai.conversation.id": s["id"],
                                                         "input.value": turn["user"]}) as sp:
                answer, _ = self.loop(s, t)
                sp.set_attribute("output.value", answer)

    def run_tool(self, s, t, call):
        from opentelemetry import trace
        lf = self.logfire
        td = find_tool(agent, call["tool"])
        try:
            with lf.span("execute_tool {tool}", tool=call["tool"], **{
                    "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": call["tool"],
                    "gen_ai.tool.call.id": call["id"], "gen_ai.tool.description": td.desc,
                    "gen_ai.tool.call.arguments": json.dumps(call["args"], ensure_ascii=False)}) as sp:
                result = self.execute(call, trace.get_current_span().record_exception)
                sp.set_attribute("gen_ai.tool.call.result", result)
                return result
        except ToolFailure:
            return to_model(call)

    def flush(self):
        self.logfire.force_flush()

    def shutdown(self):
        self.logfire.shutdown()


def main():
    with open(PLAN) as f:
        sessions = [s for s in json.load(f) if s["library"] == LIBRARY and s["agent"] == AGENT]
    runner = {"otel-proto": lambda: OtelRunner(False), "otel-json": lambda: OtelRunner(True),
              "openinference": OpenInferenceRunner, "traceloop": TraceloopRunner,
              "langfuse": LangfuseRunner, "logfire": LogfireRunner}[LIBRARY]()
    runner.run(sessions)


if __name__ == "__main__":
    main()
