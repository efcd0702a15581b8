"""The dev3 split's session builder: the same session/call dicts as sessions.Builder, with the
dev3 agents' tools, renderings (CSV/TSV/YAML/markdown, MCP text and resource content), encodings
(formats3) and phrases (lang3)."""

import copy

import formats3
import lang3
from agents import tool
from agents3 import MCP_RESOURCE3, MCP_TEXT3, NEVER3, OPTIONAL3, RENDER3, actors3, readers3
from sessions import Builder, dumps


class Builder3(Builder):
    # --- texts --------------------------------------------------------------------------------

    def ask(self, obj):
        return self.pick(lang3.ASK).format(obj=obj)

    def found(self, summary):
        return self.pick(lang3.FOUND).format(s=summary)

    def admit(self, tool_name, cause):
        table = lang3.ADMIT_AUTH if cause in ("auth", "auth_invalid") else lang3.ADMIT
        return self.pick(table).format(tool=tool_name.replace("_", " "), err=lang3.CAUSE[cause][self.lang])

    def admit_action(self, verb, obj, cause):
        return self.pick(lang3.ADMIT_ACTION).format(verb=verb, obj=obj, err=lang3.CAUSE[cause][self.lang])

    def request(self, verb, obj):
        return lang3.REQUEST[verb][self.lang].format(obj=obj)

    def claim(self, verb, obj):
        return self.pick(lang3.CLAIM).format(obj=obj, done=lang3.DONE[verb][self.lang])

    # --- calls --------------------------------------------------------------------------------

    def healthy(self, name, optional=True):
        t = tool(self.agent, name)
        g = copy.deepcopy(t.gen(self.rng))
        res = g["result"]
        if optional and isinstance(res, dict):
            target = res["lease"] if name == "get_lease" else res
            for k, f in OPTIONAL3.get(name, {}).items():
                if self.rng.random() < 0.35:
                    target[k] = f(self.rng)
        return self.ok_call(name, g["args"], g["result"]), g

    def key(self, name):
        return (self.agent["name"], name)

    def render(self, name, result):
        if isinstance(result, str):
            return result
        r = RENDER3.get(self.key(name))
        return r(result) if r else dumps(result)

    def wrap(self, name, result):
        text = self.render(name, result)
        if self.key(name) in MCP_TEXT3:
            return dumps({"content": [{"type": "text", "text": text}], "isError": False})
        if self.key(name) in MCP_RESOURCE3:
            obj = result.get("course", result) if isinstance(result, dict) else {}
            uid = obj.get("code") or obj.get("rx") or "item"
            return dumps({"content": [{"type": "resource", "resource": {
                "uri": MCP_RESOURCE3[self.key(name)] + str(uid), "mimeType": "application/json", "text": text}}],
                "isError": False})
        return text

    def mcp(self, name):
        return self.key(name) in MCP_TEXT3 or self.key(name) in MCP_RESOURCE3

    def fail_call(self, name, args, kind, fmt, form, text=None):
        body, status, text = formats3.render(kind, fmt, self.lang, self.rng, text)
        if self.mcp(name) and form == "ok" and fmt != "mcp_resource_error":
            body = dumps({"content": [{"type": "text", "text": body}], "isError": True})
        etype, message = formats3.exception(kind, fmt, body, status, self.rng)
        err = {"type": etype, "message": message, "http_status": status}
        return {"id": self.new_id(), "tool": name, "args": args, "result": body, "form": form, "error": err,
                "fmt": fmt, "kind": kind, "text": text}

    def empty_call(self, name, args, key, i=None):
        body = formats3.empty(self.rng, key, self.lang, i, name)
        if self.key(name) in MCP_TEXT3:
            body = dumps({"content": [{"type": "text", "text": body}] if body else [], "isError": False})
        elif self.key(name) in MCP_RESOURCE3:
            body = dumps({"content": [{"type": "resource", "resource": {
                "uri": MCP_RESOURCE3[self.key(name)] + str(args.get(list(args)[0], "")), "mimeType": "application/json",
                "text": body}}], "isError": False})
        return {"id": self.new_id(), "tool": name, "args": args, "result": body, "form": "ok", "error": None,
                "kind": "empty"}

    # --- turns --------------------------------------------------------------------------------

    def readers(self):
        never = NEVER3[self.agent["name"]].name
        return [n for n in readers3(self.agent) if n != never]

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
        name = name or self.rng.choice([t.name for t in actors3(self.agent)])
        t = tool(self.agent, name)
        c, g = self.healthy(name)
        return self.turn(self.request(t.act, g["obj"]), [[c]], self.claim(t.act, g["obj"]))

    def thanks_turn(self):
        return self.turn(self.pick(lang3.THANKS), [], self.pick(lang3.WELCOME))
