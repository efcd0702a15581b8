"""Building blocks of a scripted session: tool calls (healthy, failing, empty), turns and the
agent's answers, in the session's language.

A session is a plain dict (JSON-able) the model server and the agent workers both read:
  {"id", "agent", "lang", "label", "scenario", "first_failing_turn", "description",
   "turns": [{"user", "steps": [[call, ...], ...], "answer"}]}
and a call is
  {"id", "tool", "args", "result" (the text the tool returns to the model),
   "form": "ok" | "error" | "exc_ok", "error": None | {"type", "message", "http_status"}}
"""

import copy
import json

import formats
from agents import MCP_TOOLS, OPTIONAL, tool
from lang import (ADMIT, ADMIT_ACTION, ASK, CAUSE, CLAIM, DONE, FOUND, REQUEST, THANKS, WELCOME)


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False)


class Builder:
    def __init__(self, agent, lang, rng, sid):
        self.agent = agent
        self.lang = lang
        self.rng = rng
        self.sid = sid
        self.turns = []
        self.n_calls = 0

    # --- texts --------------------------------------------------------------------------------

    def pick(self, table):
        v = table.get(self.lang) or table["en"]
        return self.rng.choice(v) if isinstance(v, list) else v

    def ask(self, obj):
        return self.pick(ASK).format(obj=obj)

    def found(self, summary):
        return self.pick(FOUND).format(s=summary)

    def admit(self, tool_name, cause):
        return self.pick(ADMIT).format(tool=tool_name.replace("_", " "), err=CAUSE[cause][self.lang])

    def admit_action(self, verb, obj, cause):
        return self.pick(ADMIT_ACTION).format(verb=verb, obj=obj, err=CAUSE[cause][self.lang])

    def request(self, verb, obj):
        return REQUEST[verb][self.lang].format(obj=obj)

    def claim(self, verb, obj):
        return self.pick(CLAIM).format(obj=obj, done=DONE[verb][self.lang])

    # --- calls --------------------------------------------------------------------------------

    def healthy(self, name, optional=True):
        """A healthy call of tool `name`: (call dict, generated dict)."""
        t = tool(self.agent, name)
        g = t.gen(self.rng)
        g = copy.deepcopy(g)
        if optional and isinstance(g["result"], dict):
            for k, f in OPTIONAL.get(name, {}).items():
                if self.rng.random() < 0.35:
                    g["result"][k] = f(self.rng)
        return self.ok_call(name, g["args"], g["result"]), g

    def wrap(self, name, result):
        """The text a tool returns: JSON, or an MCP text envelope for MCP tools."""
        text = result if isinstance(result, str) else dumps(result)
        if (self.agent["name"], name) in MCP_TOOLS:
            return dumps({"content": [{"type": "text", "text": text}], "isError": False})
        return text

    def new_id(self):
        self.n_calls += 1
        return "call_%s_%03d" % (self.sid.replace("-", "")[:10], self.n_calls)

    def ok_call(self, name, args, result):
        return {"id": self.new_id(), "tool": name, "args": args, "result": self.wrap(name, result), "form": "ok",
                "error": None}

    def raw_call(self, name, args, text):
        return {"id": self.new_id(), "tool": name, "args": args, "result": text, "form": "ok", "error": None}

    def fail_call(self, name, args, kind, fmt, form):
        """A failing call: the error body in `fmt`, delivered as `form`:
        ok     - the tool returns the error body as its result, span status unset;
        error  - the tool raises, span status ERROR, exception event;
        exc_ok - the tool records the exception but returns the body, span status unset."""
        if (self.agent["name"], name) in MCP_TOOLS and fmt not in ("mcp",) and form == "ok":
            fmt = "mcp"
        body, status, text = formats.render(kind, fmt, self.lang, self.rng)
        etype = formats.exception_type(kind, self.rng)
        if fmt in ("grpc_text", "grpc_json", "graphql", "soap"):
            message = body if len(body) < 400 else text
        else:
            message = self.rng.choice(["HTTP %d: %s" % (status, body), body])
        err = {"type": etype, "message": message,
               "http_status": status if fmt not in ("grpc_text", "grpc_json", "graphql", "mcp") else None}
        return {"id": self.new_id(), "tool": name, "args": args, "result": body, "form": form, "error": err,
                "fmt": fmt, "kind": kind}

    def empty_call(self, name, args, key):
        body = formats.empty(self.rng, key)
        if (self.agent["name"], name) in MCP_TOOLS:
            body = dumps({"content": [{"type": "text", "text": body}], "isError": False})
        return {"id": self.new_id(), "tool": name, "args": args, "result": body, "form": "ok", "error": None,
                "kind": "empty"}

    # --- turns --------------------------------------------------------------------------------

    def turn(self, user, steps, answer):
        t = {"user": user, "steps": [s for s in steps if s], "answer": answer}
        self.turns.append(t)
        return t

    def healthy_turn(self, name=None, parallel=False):
        from agents import readers
        rs = [t.name for t in readers(self.agent) if not t.name.startswith(("get_fx", "enrich", "get_coverage",
                                                                            "get_customs", "get_payroll",
                                                                            "verify_identity", "query_billing"))]
        name = name or self.rng.choice(rs)
        c, g = self.healthy(name)
        if parallel:
            other = self.rng.choice([r for r in rs if r != name])
            c2, g2 = self.healthy(other)
            return self.turn(self.ask(g["obj"] + " / " + g2["obj"]), [[c, c2]],
                             self.found(g["summary"] + "; " + g2["summary"]))
        return self.turn(self.ask(g["obj"]), [[c]], self.found(g["summary"]))

    def action_turn(self, name=None):
        from agents import actors
        name = name or self.rng.choice([t.name for t in actors(self.agent)])
        t = tool(self.agent, name)
        c, g = self.healthy(name)
        return self.turn(self.request(t.act, g["obj"]), [[c]], self.claim(t.act, g["obj"]))

    def thanks_turn(self):
        return self.turn(self.pick(THANKS), [], self.pick(WELCOME))

    def filler(self, allow_action=True):
        r = self.rng.random()
        if r < 0.55:
            return self.healthy_turn(parallel=self.rng.random() < 0.2)
        if r < 0.8 and allow_action:
            return self.action_turn()
        return self.healthy_turn()

    def fill_to(self, n, allow_action=True, end_thanks=True):
        while len(self.turns) < n - (1 if end_thanks else 0):
            self.filler(allow_action)
        if end_thanks and len(self.turns) < n:
            self.thanks_turn()

    def session(self, label, scenario, first_failing_turn, description):
        return {"id": self.sid, "agent": self.agent["name"], "service": self.agent["service"], "lang": self.lang,
                "label": label, "scenario": scenario, "first_failing_turn": first_failing_turn,
                "description": description, "turns": self.turns}
