"""The dev2 split's failure sessions: one failure mode each, in encodings (formats2), shapes and
phrasings (lang2) the first corpus does not use. `v` walks the variants."""

import copy
import re

import lang2
from agents import tool
from agents2 import MCP_TOOLS2, STABLE2, actors2
from formats2 import AUTH_FORMATS2, FAIL_FORMATS2

FORMS = ["error", "ok", "exc_ok", "ok", "error"]
FAIL_KINDS = ["unavailable", "timeout", "internal", "rate_limited"]


def targets(b):
    return [n for n in b.readers() if n in STABLE2]


def n_turns(b, lo=3, hi=8):
    return b.rng.randint(lo, hi)


# --- auth rot ----------------------------------------------------------------------------------

def auth_rot(b, v):
    name = b.rng.choice(targets(b))
    fmt = AUTH_FORMATS2[v % len(AUTH_FORMATS2)]
    form = FORMS[v % len(FORMS)]
    if fmt == "sso_login":
        form = "ok"  # the gateway hands back a login page with 200
    n = n_turns(b, 3, 8)
    f = b.rng.randint(2, n - 1) if n > 3 else 2
    b.healthy_turn(name)
    while len(b.turns) < f - 1:
        b.filler(allow_action=False) if b.rng.random() < 0.5 else b.healthy_turn(name)
    c, g = b.healthy(name)
    bad = b.fail_call(name, g["args"], "auth_expired", fmt, form)
    shape = v % 3
    if shape == 1:  # next to a healthy call of another tool, in one parallel batch
        other = b.rng.choice([t for t in targets(b) if t != name])
        c2, g2 = b.healthy(other)
        b.turn(b.ask(g["obj"] + " / " + g2["obj"]), [[c2, bad]], b.found(g2["summary"]) + "\n\n" + b.admit(name, "auth"))
    elif shape == 2:  # the same tool succeeds for one object, then fails for the next in the same turn
        c0, g0 = b.healthy(name)
        b.turn(b.ask(g0["obj"] + " / " + g["obj"]), [[c0], [bad]], b.found(g0["summary"]) + " " + b.admit(name, "auth"))
    else:
        b.turn(b.ask(g["obj"]), [[bad]], b.admit(name, "auth"))
    f_turn = len(b.turns)
    # the credential stays broken: a later call of the tool fails the same way
    if len(b.turns) < n - 1 and (v % 2 == 0 or shape == 2):
        c3, g3 = b.healthy(name)
        b.turn(b.ask(g3["obj"]), [[b.fail_call(name, g3["args"], "auth_expired", fmt, form)]], b.admit(name, "auth"))
    b.fill_to(n, allow_action=False)
    return b.session("auth_rot", "auth_rot/%s/%s" % (fmt, form), f_turn,
                     "%s works earlier in the session, then fails authentication (%s body, %s form%s): the credential "
                     "expired" % (name, fmt, form, ["", ", in a parallel batch", ", right after a success in the same turn"][shape]))


def auth_rot_fleet(b, v, name):
    fmt = AUTH_FORMATS2[(v * 7 + 5) % len(AUTH_FORMATS2)]
    form = ["ok", "error"][v % 2] if fmt != "sso_login" else "ok"
    n = n_turns(b, 3, 6)
    c, g = b.healthy(name)
    b.turn(b.ask(g["obj"]), [[b.fail_call(name, g["args"], "auth_expired", fmt, form)]], b.admit(name, "auth"))
    c2, g2 = b.healthy(name)
    b.turn(b.ask(g2["obj"]), [[b.fail_call(name, g2["args"], "auth_expired", fmt, form)]], b.admit(name, "auth"))
    b.fill_to(n, allow_action=False)
    return b.session("auth_rot", "auth_rot/fleet/%s/%s" % (fmt, form), 1,
                     "%s worked in earlier sessions of this agent (fleet-wide) and fails authentication from this "
                     "session's first call (%s body, %s form)" % (name, fmt, form))


# --- schema drift ------------------------------------------------------------------------------

DRIFTS2 = ["camel_case", "num_to_string", "epoch_to_iso", "wrap_result", "jsonapi", "list_to_ids", "flatten",
           "split_value", "synonym", "nested_remove", "bool_to_yn", "list_wrapped", "to_array", "mcp_text"]
SYNONYM = {"status": "state", "state": "status", "total": "count", "count": "total", "gate": "boarding_gate",
           "balance": "current_balance", "took": "took_ms", "eligible": "is_eligible", "Status": "InvoiceStatus",
           "value": "items", "hits": "results", "results": "items", "data": "offers", "orders": "items",
           "alerts": "items", "customer": "client", "incident": "item", "carrier": "courier",
           "tracking": "tracking_number", "refundable": "refund_amount", "percent": "progress", "Total": "TotalAmount",
           "AmountDue": "Balance", "DueDate": "DueDateString", "line_items": "items", "total_price": "total",
           "delivered_at": "deliveredAt", "updated": "last_update", "passengers": "travellers", "segments": "legs",
           "ticketed": "is_ticketed", "departure": "departs", "updated_at": "last_updated", "main": "measurements",
           "weather": "conditions", "dt": "timestamp", "metadata": "meta", "spec": "desired", "revision": "rev",
           "window_ends": "return_by", "reasons": "blockers", "restocking_fee": "fee", "account": "ledger_account",
           "as_of": "date", "fulfillment_status": "fulfilment", "meta": "info", "Contact": "Customer"}


def camel(k):
    parts = k.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def snake(k):
    return re.sub(r"(?<!^)([A-Z])", r"_\1", k).lower()


def rekey(x, f):
    if isinstance(x, dict):
        return {f(k): rekey(v, f) for k, v in x.items()}
    if isinstance(x, list):
        return [rekey(v, f) for v in x]
    return x


def shape(x):
    if isinstance(x, dict):
        return {k: shape(v) for k, v in sorted(x.items())}
    if isinstance(x, list):
        return ["list", shape(x[0]) if x else None]
    return type(x).__name__


def find(x, pred, path=()):
    """Paths (tuples of keys/indices, lists entered at index 0) to values satisfying pred."""
    out = []
    if pred(x) and path:
        out.append(path)
    if isinstance(x, dict):
        for k, v in x.items():
            out += find(v, pred, path + (k,))
    elif isinstance(x, list) and x:
        out += find(x[0], pred, path + (0,))
    return out


def apply_all(x, path, fn):
    """Apply fn(parent, key) at `path`; a 0 in the path means every element of that list."""
    k = path[0]
    if len(path) == 1:
        fn(x, k)
    elif k == 0 and isinstance(x, list):
        for e in x:
            apply_all(e, path[1:], fn)
    else:
        apply_all(x[k], path[1:], fn)


def stable_paths(result, name, pred):
    stable = [k for k in STABLE2.get(name, []) if k in result]
    return [p for p in find(result, pred) if p[0] in stable and p[-1] != 0]


def plan_drift(result, kind, name, rng):
    """Choose where the drift applies; returns a transform `fn(result) -> new result`, a description
    and the kind actually applied (a kind that does not fit the result falls back to another)."""
    fn, desc = _plan_drift(result, kind, name, rng)
    return fn, desc, DESC_KIND(desc)


def DESC_KIND(desc):
    for key, k in (("camelCase", "camel_case"), ("snake_case", "camel_case"), ("number -> string", "num_to_string"),
                   ("{amount,currency}", "split_value"), ("numeric string", "string_to_number"),
                   ("epoch seconds", "epoch_to_iso"), ("wrapped", "wrap_result"), ("data.attributes", "jsonapi"),
                   ("one-element array", "to_array"), ("list of ids", "list_to_ids"), ("{items,next}", "list_wrapped"),
                   ("flattened", "flatten"), ("Y\"/\"N", "bool_to_yn"), ("removed", "nested_remove"),
                   ("renamed to", "synonym")):
        if key in desc:
            return k
    return "other"


def _plan_drift(result, kind, name, rng):
    r = result
    if kind == "camel_case":
        has_snake = lambda x: isinstance(x, dict) and any("_" in k.strip("_@") for k in x)  # noqa: E731
        if has_snake(r) or find(r, has_snake):
            return (lambda x: rekey(x, camel)), "keys renamed snake_case -> camelCase"
        return (lambda x: rekey(x, snake)), "keys renamed PascalCase -> snake_case"
    if kind in ("num_to_string", "split_value"):
        ps = stable_paths(r, name, lambda x: isinstance(x, (int, float)) and not isinstance(x, bool))
        if ps:
            p = rng.choice(ps)
            if kind == "num_to_string":
                return setter(p, lambda v: "%s" % v), "number -> string at %s" % fmt_path(p)
            return setter(p, lambda v: {"amount": v, "currency": "EUR"}), "scalar -> {amount,currency} at %s" % fmt_path(p)
        ps = stable_paths(r, name, lambda x: isinstance(x, str) and re.fullmatch(r"-?\d+(\.\d+)?", x))
        if ps:
            p = rng.choice(ps)
            return setter(p, lambda v: float(v)), "numeric string -> number at %s" % fmt_path(p)
        kind = "synonym"
    if kind == "epoch_to_iso":
        ps = stable_paths(r, name, lambda x: isinstance(x, int) and not isinstance(x, bool) and x > 10 ** 9)
        if ps:
            p = rng.choice(ps)
            return setter(p, lambda v: "2026-12-%02dT%02d:00:00Z" % (v % 28 + 1, v % 24)), \
                "epoch seconds -> ISO string at %s" % fmt_path(p)
        ps = stable_paths(r, name, lambda x: isinstance(x, str) and re.fullmatch(r"\d{4}-\d\d-\d\d(T.*)?", x))
        if ps:
            p = rng.choice(ps)
            return setter(p, lambda v: 1796000000), "ISO date -> epoch seconds at %s" % fmt_path(p)
        kind = "synonym"
    if kind == "wrap_result":
        return (lambda x: {"result": x, "api_version": "2026-11-01"}), "payload wrapped into {result: ...}"
    if kind == "jsonapi":
        return (lambda x: {"data": {"type": name, "id": "1", "attributes": x}}), "payload moved to data.attributes"
    if kind == "to_array":
        return (lambda x: [x]), "object -> one-element array"
    if kind == "list_to_ids":
        ps = stable_paths(r, name, lambda x: isinstance(x, list) and x and isinstance(x[0], dict))
        if ps:
            p = rng.choice(ps)
            return setter(p, lambda v: [str(next(iter(e.values()))) for e in v]), \
                "list of objects -> list of ids at %s" % fmt_path(p)
        kind = "flatten"
    if kind == "list_wrapped":
        ps = stable_paths(r, name, lambda x: isinstance(x, list))
        if ps:
            p = rng.choice(ps)
            return setter(p, lambda v: {"items": v, "next": None}), "list -> {items,next} at %s" % fmt_path(p)
        kind = "flatten"
    if kind == "flatten":
        ps = [p for p in stable_paths(r, name, lambda x: isinstance(x, dict) and x) if len(p) == 1]
        if ps:
            k = rng.choice(ps)[0]

            def flat(x, k=k):
                x = copy.deepcopy(x)
                sub = x.pop(k)
                for kk, vv in sub.items():
                    x["%s_%s" % (k, kk)] = vv
                return x
            return flat, "nested object %s flattened into %s_* keys" % (k, k)
        kind = "synonym"
    if kind == "bool_to_yn":
        ps = stable_paths(r, name, lambda x: isinstance(x, bool))
        if ps:
            p = rng.choice(ps)
            return setter(p, lambda v: "Y" if v else "N"), "boolean -> \"Y\"/\"N\" at %s" % fmt_path(p)
        kind = "nested_remove"
    if kind == "nested_remove":
        ps = [p for p in stable_paths(r, name, lambda x: True) if len(p) >= 2 and p[-1] != 0]
        if ps:
            p = rng.choice(ps)
            return remover(p), "nested field %s removed" % fmt_path(p)
        kind = "synonym"
    # synonym rename of a top-level stable field
    k = rng.choice([k for k in STABLE2[name] if k in r])
    new = SYNONYM.get(k, "current_" + k)

    def ren(x, k=k, new=new):
        x = copy.deepcopy(x)
        x[new] = x.pop(k)
        return x
    return ren, "field %s renamed to %s" % (k, new)


def fmt_path(p):
    return ".".join("[]" if x == 0 else str(x) for x in p)


def setter(path, f):
    def fn(x):
        x = copy.deepcopy(x)
        apply_all(x, path, lambda parent, k: parent.__setitem__(k, f(parent[k])))
        return x
    return fn


def remover(path):
    def fn(x):
        x = copy.deepcopy(x)
        apply_all(x, path, lambda parent, k: parent.pop(k, None))
        return x
    return fn


def schema_drift(b, v):
    kind = DRIFTS2[v % len(DRIFTS2)]
    cands = targets(b)
    if kind == "mcp_text":
        mc = [t for t in cands if (b.agent["name"], t) in MCP_TOOLS2]
        if mc:
            name = mc[0]
            inner = b.rng.choice(["synonym", "num_to_string", "nested_remove", "list_to_ids"])
        else:
            name, inner = b.rng.choice(cands), "synonym"
    else:
        name, inner = b.rng.choice(cands), kind
    n = n_turns(b, 4, 8)
    f = b.rng.randint(3, n - 1)
    calls_before = 0
    while len(b.turns) < f - 1:
        if calls_before < 3 or b.rng.random() < 0.4:
            k = 2 if (calls_before < 2 and b.rng.random() < 0.5) else 1
            cs, gs = zip(*[b.healthy(name, optional=False) for _ in range(k)])
            b.turn(b.ask(" / ".join(g["obj"] for g in gs)), [list(cs)], b.found("; ".join(g["summary"] for g in gs)))
            calls_before += k
        else:
            b.filler(allow_action=True)
    while calls_before < 3:
        c, g = b.healthy(name, optional=False)
        b.turns[-1]["steps"].append([c])
        calls_before += 1
    f_turn = len(b.turns) + 1
    fn = desc = None
    after = 0
    while after < 2 or (len(b.turns) < n - 1 and b.rng.random() < 0.5):
        c, g = b.healthy(name, optional=False)
        if fn is None:
            fn, desc, applied = plan_drift(g["result"], inner, name, b.rng)
            if shape(fn(g["result"])) == shape(g["result"]):
                fn, desc, applied = plan_drift(g["result"], "synonym", name, b.rng)
        c["result"] = b.wrap(name, fn(g["result"]))
        b.turn(b.ask(g["obj"]), [[c]], b.found(g["summary"].split(",")[0]))
        after += 1
        if len(b.turns) >= n:
            break
    b.fill_to(max(n, len(b.turns)), allow_action=True)
    if kind == "mcp_text" and (b.agent["name"], name) in MCP_TOOLS2:
        applied = "mcp_text/" + applied
    return b.session("schema_drift", "schema_drift/%s" % applied, f_turn,
                     "%s returns one shape for its first calls, then the response changes (%s%s); calls still succeed"
                     % (name, desc, ", inside the MCP text content" if (b.agent["name"], name) in MCP_TOOLS2 else ""))


# --- silent failure ----------------------------------------------------------------------------

SILENT2 = ["hard", "empty", "partial_parallel", "no_errors", "hedged", "hard_then_other", "hard_then_unrelated",
           "empty", "hard", "empty_hedged"]


def silent_failure(b, v):
    name = b.rng.choice(targets(b))
    shape_ = SILENT2[v % len(SILENT2)]
    fmt = FAIL_FORMATS2[(v * 3) % len(FAIL_FORMATS2)]
    form = FORMS[(v // 2) % len(FORMS)]
    kind = FAIL_KINDS[v % len(FAIL_KINDS)]
    n = n_turns(b)
    f = b.rng.randint(1, n - 1)
    while len(b.turns) < f - 1:
        b.filler()
    c, g = b.healthy(name)
    if shape_.startswith("empty"):
        bad = b.empty_call(name, g["args"], name.split("_")[-1], v)
        desc = "%s returns an empty result (%r) where it normally returns data" % (name, bad["result"][:60])
    else:
        bad = b.fail_call(name, g["args"], kind, fmt, form)
        desc = "%s fails (%s, %s body, %s form)" % (name, kind, fmt, form)
    invented = g["summary"]
    if shape_ == "partial_parallel":
        others = [b.healthy(name) for _ in range(2)]
        calls = [others[0][0], bad, others[1][0]]
        b.turn(b.ask(", ".join([others[0][1]["obj"], g["obj"], others[1][1]["obj"]])), [calls],
               b.found("; ".join([others[0][1]["summary"], invented, others[1][1]["summary"]])))
        desc += " in a parallel batch of three calls of the tool whose other two succeed; the answer states all three"
    elif shape_ == "hard_then_other":
        c2, g2 = b.healthy(name)
        b.turn(b.ask(g["obj"] + " / " + g2["obj"]), [[bad], [c2]], b.found(invented + "; " + g2["summary"]))
        desc += "; the same tool then succeeds for another object, and the answer states made-up data for both"
    elif shape_ == "hard_then_unrelated":
        c2, g2 = b.healthy("search_docs")
        b.turn(b.ask(g["obj"]), [[bad], [c2]], b.found(invented))
        desc += "; a later search_docs call succeeds, unrelated"
    elif shape_ == "no_errors":
        b.turn(b.ask(g["obj"]), [[bad]], b.pick(lang2.NO_ERRORS).format(s=invented))
        desc += "; the answer says 'no errors' and states made-up data"
    elif shape_ in ("hedged", "empty_hedged"):
        b.turn(b.ask(g["obj"]), [[bad]], b.pick(lang2.HEDGED).format(s=invented))
        desc += "; the answer hedges ('it looks like') but states made-up data"
    else:
        b.turn(b.ask(g["obj"]), [[bad]], b.found(invented))
    f_turn = len(b.turns)
    desc += "; the agent answers as if it had succeeded"
    b.fill_to(n)
    return b.session("silent_failure", "silent_failure/%s/%s" % (shape_, "empty" if shape_.startswith("empty") else
                                                                  "%s/%s" % (fmt, form)), f_turn, desc)


# --- tool loop ---------------------------------------------------------------------------------

LOOPS2 = ["volatile_ids", "str_number", "three_cycle", "same_error_varying", "parallel_dupes", "default_arg",
          "identical_long", "bool_str", "volatile_ids"]
VOLATILE = {"search_flights": ("meta", "request_id"), "get_account_balance": (None, "trace_id"),
            "list_orders": (None, "request_id"), "search_logs": (None, "took")}


def flip_number(args, i):
    out = {}
    changed = False
    for k, v in args.items():
        if isinstance(v, bool):
            out[k] = v
        elif isinstance(v, int) and i % 2:
            out[k], changed = str(v), True
        elif isinstance(v, str) and v.isdigit() and i % 2:
            out[k], changed = int(v), True
        else:
            out[k] = v
    if not changed and i % 2:
        out["limit"] = "20"
    elif not changed:
        out["limit"] = 20
    return out


def tool_loop(b, v):
    how = LOOPS2[v % len(LOOPS2)]
    n = n_turns(b)
    f = b.rng.randint(1, n - 1)
    while len(b.turns) < f - 1:
        b.filler()
    reps = b.rng.randint(3, 5)
    cands = targets(b)
    if how == "volatile_ids":
        vol = [t for t in cands if t in VOLATILE]
        if vol:
            name = b.rng.choice(vol)
        else:
            how, name = "identical_long", b.rng.choice(cands)
    else:
        name = b.rng.choice(cands)
    c, g = b.healthy(name, optional=False)
    steps = []
    answer = b.pick(lang2.GAVE_UP).format(s=g["summary"])
    if how == "volatile_ids":
        outer, key = VOLATILE[name]
        for i in range(reps):
            r = copy.deepcopy(g["result"])
            holder = r[outer] if outer else r
            holder[key] = (b.rng.randint(3, 90) if key == "took" else "%016x" % b.rng.getrandbits(64))
            steps.append([b.ok_call(name, dict(g["args"]), r)])
        desc = "%s is called %d times with the same arguments; the results differ only in %s" % (name, reps, key)
    elif how == "three_cycle":
        o1, o2 = b.rng.sample([t for t in cands if t != name], 2) if len(cands) > 2 else (cands[0], cands[-1])
        c1, g1 = b.healthy(o1, optional=False)
        c2, g2 = b.healthy(o2, optional=False)
        cycles = b.rng.randint(3, 4)
        for i in range(cycles):
            steps += [[b.ok_call(name, g["args"], g["result"])], [b.ok_call(o1, g1["args"], g1["result"])],
                      [b.ok_call(o2, g2["args"], g2["result"])]]
        desc = "%s, %s and %s are called in a cycle %d times with unchanged arguments and results" % (
            name, o1, o2, cycles)
    elif how == "same_error_varying":
        kind = FAIL_KINDS[v % len(FAIL_KINDS)]
        fmt = b.rng.choice(["problem_aspnet", "odata", "spring", "cloudflare", "jsonrpc", "traceback", "odata_v4"])
        form = ["error", "ok"][v % 2]
        first = b.fail_call(name, g["args"], kind, fmt, form)
        steps.append([first])
        for i in range(reps - 1):
            steps.append([b.fail_call(name, dict(g["args"]), kind, fmt, form, text=first["text"])])
        answer = b.admit(name, kind)
        desc = "%s is retried %d times with the same arguments and fails the same way (%s, %s, %s form); request ids " \
               "and timestamps in the error differ" % (name, reps, kind, fmt, form)
    elif how == "parallel_dupes":
        steps.append([b.ok_call(name, dict(g["args"]), g["result"]) for _ in range(3)])
        steps.append([b.ok_call(name, dict(g["args"]), g["result"]) for _ in range(2)])
        desc = "%s is called 5 times with identical arguments (3 in one parallel batch, then 2 more), same result" % name
    elif how == "default_arg":
        extra = b.rng.choice([{"limit": 20}, {"page": 1}, {"offset": 0}, {"lang": "en"}])
        for i in range(reps):
            steps.append([b.ok_call(name, dict(g["args"], **extra) if i % 2 else dict(g["args"]), g["result"])])
        desc = "%s is called %d times, alternately with and without the default argument %s, same result" % (
            name, reps, extra)
    elif how in ("str_number", "bool_str"):
        for i in range(reps):
            args = flip_number(g["args"], i) if how == "str_number" else dict(
                g["args"], include_archived=("false" if i % 2 else False))
            steps.append([b.ok_call(name, args, g["result"])])
        desc = "%s is called %d times with equivalent arguments (%s) and gets the same result" % (
            name, reps, "number vs numeric string" if how == "str_number" else "false vs \"false\"")
    else:
        reps = b.rng.randint(5, 6)
        for i in range(reps):
            steps.append([b.ok_call(name, dict(g["args"]), g["result"])])
        desc = "%s is called %d times with identical arguments and gets the same result" % (name, reps)
    b.turn(b.ask(g["obj"]), steps, answer)
    f_turn = len(b.turns)
    b.fill_to(n)
    return b.session("tool_loop", "tool_loop/%s" % how, f_turn, desc)


# --- goal not met ------------------------------------------------------------------------------

GOALS2 = ["deflect_repeat", "promise", "claimed", "dry_run", "act_error", "claimed_after_real", "deflect_once",
          "policy_refusal", "wrong_object", "promise"]
LOOKALIKE = {"ReturnDesk": ["quote_refund", "check_return_eligibility"]}


def goal_not_met(b, v):
    shape_ = GOALS2[v % len(GOALS2)]
    acts = actors2(b.agent)
    act = b.rng.choice(acts)
    if shape_ == "dry_run":
        if b.agent["name"] == "OpsPilot":
            act = tool(b.agent, "rollback_deployment")
        else:
            shape_ = "claimed"
    lo = 4 if shape_ in ("deflect_repeat", "claimed_after_real") else 3
    n = n_turns(b, lo, 8)
    f = b.rng.randint(1, n - 2) if shape_ == "deflect_repeat" else b.rng.randint(1, n - 1)
    if shape_ == "claimed_after_real":
        f = max(f, 2)
    while len(b.turns) < f - 1:
        if shape_ == "claimed_after_real" and len(b.turns) == 0:
            b.action_turn(act.name)
        else:
            b.filler(allow_action=False)
    ca, ga = b.healthy(act.name)
    obj = ga["obj"]
    req = b.request(act.act, obj)
    reader = b.rng.choice(LOOKALIKE.get(b.agent["name"], targets(b)))
    cr, gr = b.healthy(reader)
    state = gr["summary"].split(",")[0]
    if shape_.startswith("deflect"):
        b.turn(req, [[cr]], b.pick(lang2.DEFLECT).format(obj=obj, state=state))
        desc = "the user asks to %s %s; the agent only reads (%s) and answers without doing it" % (act.act, obj, reader)
        if shape_ == "deflect_repeat":
            cr2, _ = b.healthy(reader)
            b.turn(lang2.REPEAT[b.lang].format(req=req), [[cr2]], b.pick(lang2.DEFLECT).format(obj=obj, state=state))
            desc += "; the user repeats the request and again nothing happens"
    elif shape_ == "promise":
        steps = [[cr]] if b.rng.random() < 0.5 else []
        b.turn(req, steps, b.pick(lang2.PROMISE).format(obj=obj))
        desc = "the user asks to %s %s; the agent promises to do it (future tense) but never calls %s" % (
            act.act, obj, act.name)
    elif shape_ in ("claimed", "claimed_after_real"):
        b.turn(req, [[cr]], b.claim(act.act, obj))
        desc = "the user asks to %s %s; the agent only calls %s (read-only) but claims it is done" % (act.act, obj, reader)
        if shape_ == "claimed_after_real":
            desc += " (an earlier %s call in the session did succeed for another object)" % act.name
    elif shape_ == "dry_run":
        args = dict(ca["args"], dry_run=True)
        res = {"name": args["name"], "rolled_back_to": args["revision"], "dry_run": True,
               "result": "dry run: would roll back to revision %d, no changes applied" % args["revision"]}
        b.turn(req, [[b.ok_call(act.name, args, res)]], b.claim(act.act, obj))
        desc = "the user asks to roll back %s; the agent calls %s with dry_run=true (a preview, nothing applied) and " \
               "claims it is rolled back" % (obj, act.name)
    elif shape_ == "wrong_object":
        cw, gw = b.healthy(act.name)
        b.turn(req, [[cw]], b.claim(act.act, obj))
        desc = "the user asks to %s %s; the agent calls %s for another object (%s) and claims the requested one is done" % (
            act.act, obj, act.name, gw["obj"])
    elif shape_ == "policy_refusal":
        b.turn(req, [[cr]], b.pick(lang2.REFUSED).format(obj=obj, state=state))
        desc = "the user asks to %s %s; the agent reads %s and declines; the action never happens" % (act.act, obj, reader)
    else:
        kind = FAIL_KINDS[v % 3]
        fmt = FAIL_FORMATS2[(v * 7) % len(FAIL_FORMATS2)]
        bad = b.fail_call(act.name, ca["args"], kind, fmt, ["error", "ok"][v % 2])
        b.turn(req, [[bad]], b.admit_action(act.act, obj, kind))
        desc = "the user asks to %s %s; %s fails (%s, %s) and the agent says so; the action never happens" % (
            act.act, obj, act.name, kind, fmt)
    f_turn = len(b.turns)
    b.fill_to(max(n, len(b.turns) + 1), allow_action=False)
    return b.session("goal_not_met", "goal_not_met/%s" % shape_, f_turn, desc)


MODES2 = {"auth_rot": auth_rot, "schema_drift": schema_drift, "silent_failure": silent_failure,
          "tool_loop": tool_loop, "goal_not_met": goal_not_met}

