"""The dev2 split's session builder: the same session/call dicts as sessions.Builder, with the
dev2 agents' tools, encodings (formats2) and phrases (lang2)."""

import copy

import formats2
import lang2
from agents import tool
from agents2 import MCP_TOOLS2, NEVER2, OPTIONAL2, STRUCTURED2, actors2, readers2
from sessions import Builder, dumps


class Builder2(Builder):
    # --- texts --------------------------------------------------------------------------------

    def ask(self, obj):
        return self.pick(lang2.ASK).format(obj=obj)

    def found(self, summary):
        return self.pick(lang2.FOUND).format(s=summary)

    def admit(self, tool_name, cause):
        table = lang2.ADMIT_AUTH if cause in ("auth", "auth_invalid") else lang2.ADMIT
        return self.pick(table).format(tool=tool_name.replace("_", " "), err=lang2.CAUSE[cause][self.lang])

    def admit_action(self, verb, obj, cause):
        return self.pick(lang2.ADMIT_ACTION).format(verb=verb, obj=obj, err=lang2.CAUSE[cause][self.lang])

    def request(self, verb, obj):
        return lang2.REQUEST[verb][self.lang].format(obj=obj)

    def claim(self, verb, obj):
        return self.pick(lang2.CLAIM[verb]).format(obj=obj)

    # --- calls --------------------------------------------------------------------------------

    def healthy(self, name, optional=True):
        t = tool(self.agent, name)
        g = copy.deepcopy(t.gen(self.rng))
        if optional and isinstance(g["result"], dict):
            for k, f in OPTIONAL2.get(name, {}).items():
                if self.rng.random() < 0.35:
                    g["result"][k] = f(self.rng)
        return self.ok_call(name, g["args"], g["result"]), g

    def mcp(self, name):
        return (self.agent["name"], name) in MCP_TOOLS2

    def wrap(self, name, result):
        text = result if isinstance(result, str) else dumps(result)
        if self.mcp(name):
            env = {"content": [{"type": "text", "text": text}], "isError": False}
            if (self.agent["name"], name) in STRUCTURED2 and not isinstance(result, str):
                env["structuredContent"] = result
            return dumps(env)
        return text

    def fail_call(self, name, args, kind, fmt, form, text=None):
        body, status, text = formats2.render(kind, fmt, self.lang, self.rng, text)
        if self.mcp(name) and form == "ok" and fmt != "mcp_rpc":
            body = dumps({"content": [{"type": "text", "text": body}], "isError": True})
        etype, message = formats2.exception(kind, fmt, body, status, self.rng)
        err = {"type": etype, "message": message, "http_status": status}
        return {"id": self.new_id(), "tool": name, "args": args, "result": body, "form": form, "error": err,
                "fmt": fmt, "kind": kind, "text": text}

    def empty_call(self, name, args, key, i=None):
        body = formats2.empty(self.rng, key, self.lang, i, name)
        if self.mcp(name):
            env = {"content": [{"type": "text", "text": body}] if body else [], "isError": False}
            body = dumps(env)
        return {"id": self.new_id(), "tool": name, "args": args, "result": body, "form": "ok", "error": None,
                "kind": "empty"}

    # --- turns --------------------------------------------------------------------------------

    def readers(self):
        never = NEVER2[self.agent["name"]].name
        return [n for n in readers2(self.agent) if n != never]

    def healthy_turn(self, name=None, parallel=False):
        rs = self.readers()
        name = name or self.rng.choice(rs)
        c, g = self.healthy(name)
        if parallel:
            other = self.rng.choice([r for r in rs if r != name])
            c2, g2 = self.healthy(other)
            return self.turn(self.ask(g["obj"] + " / " + g2["obj"]), [[c, c2]],
                             self.found(g["summary"] + "; " + g2["summary"]))
        return self.turn(self.ask(g["obj"]), [[c]], self.found(g["summary"]))

    def action_turn(self, name=None):
        name = name or self.rng.choice([t.name for t in actors2(self.agent)])
        t = tool(self.agent, name)
        c, g = self.healthy(name)
        return self.turn(self.request(t.act, g["obj"]), [[c]], self.claim(t.act, g["obj"]))

    def thanks_turn(self):
        return self.turn(self.pick(lang2.THANKS), [], self.pick(lang2.WELCOME))
