"""Healthy sessions (label `ok`) that contain something a naive detector mistakes for a failure.
Each trap is a turn (or a few) dropped into an otherwise ordinary session."""

import copy

from agents import NEVER, tool
from failures import FAIL_FORMATS, FAIL_KINDS, targets
from lang import ASK_CONFIRM, CONFIRM, HOWTO, NO_ACCESS, NOTHING, WAITING


# --- polling, paging, retries, repeated lookups ------------------------------------------------

POLL = {"PayDesk": "get_payout_status", "CRMPilot": "get_import_status", "CodeSmith": "get_job_status",
        "ShipTrack": "track_shipment", "PeopleOps": "get_background_check", "ClinicDesk": "get_lab_result",
        "DataLens": "get_query_status"}
PROGRESS = {
    "get_payout_status": ("status", ["pending", "in_transit", "in_transit", "paid"]),
    "get_import_status": ("state", ["queued", "running", "running", "completed"]),
    "get_job_status": ("state", ["queued", "running", "running", "succeeded"]),
    "track_shipment": ("status", ["label_created", "picked_up", "in_transit", "delivered"]),
    "get_background_check": ("status", ["pending", "in_progress", "in_progress", "clear"]),
    "get_lab_result": ("status", ["registered", "preliminary", "preliminary", "final"]),
    "get_query_status": ("state", ["QUEUED", "RUNNING", "RUNNING", "FINISHED"]),
}


def trap_poll(b):
    name = POLL[b.agent["name"]]
    c, g = b.healthy(name, optional=False)
    field, states = PROGRESS[name]
    k = b.rng.randint(3, 4)
    seq = states[:k - 1] + [states[-1]]
    steps = []
    for i, s in enumerate(seq):
        r = copy.deepcopy(g["result"])
        r[field] = s
        if "progress" in r:
            r["progress"] = [5, 40, 80, 100][min(i, 3)] if s != states[-1] else 100
        if "rows" in r and s != states[-1]:
            r["rows"] = (i + 1) * 100
        steps.append([b.ok_call(name, dict(g["args"]), r)])
    b.turn(b.ask(g["obj"]), steps, b.pick(WAITING).format(obj=g["obj"], s=g["summary"]))
    return "poll:%s x%d, results change" % (name, k)


PAGE = {"PayDesk": ("list_invoices", "starting_after", "data", "has_more"),
        "CRMPilot": ("list_deals", "cursor", "deals", "paging"),
        "CodeSmith": ("list_ci_runs", "page", "workflow_runs", None),
        "ShipTrack": ("list_shipments", "page_token", "shipments", "next_page_token"),
        "PeopleOps": ("list_leave_requests", "cursor", "items", "nextCursor"),
        "ClinicDesk": ("find_slots", None, "slots", None),
        "DataLens": ("run_query", None, "rows", None)}


def trap_page(b):
    name, cur, listkey, nextkey = PAGE[b.agent["name"]]
    if cur is None:
        return trap_many(b)
    pages = b.rng.randint(3, 4)
    steps = []
    total = 0
    for p in range(pages):
        c, g = b.healthy(name, optional=False)
        args = dict(steps[0][0]["args"]) if steps else dict(g["args"])
        args.pop(cur, None)
        if p:
            args[cur] = p + 1 if cur == "page" else "cur_%d_%s" % (p, b.sid[:4])
        r = g["result"]
        total += len(r[listkey])
        last = p == pages - 1
        if nextkey == "has_more":
            r["has_more"] = not last
        elif nextkey == "paging":
            r["paging"] = {"next": None if last else "cur_%d_%s" % (p + 1, b.sid[:4])}
        elif nextkey:
            r[nextkey] = None if last else "cur_%d_%s" % (p + 1, b.sid[:4])
        steps.append([b.ok_call(name, args, r)])
    b.turn(b.ask(g["obj"]), steps, b.found("%d records over %d pages" % (total, pages)))
    return "page:%s x%d with a cursor" % (name, pages)


def trap_many(b):
    name = b.rng.choice(targets(b))
    k = b.rng.randint(3, 4)
    cs, gs = zip(*[b.healthy(name) for _ in range(k)])
    par = b.rng.random() < 0.6
    steps = [list(cs)] if par else [[c] for c in cs]
    b.turn(b.ask(", ".join(g["obj"] for g in gs)), steps, b.found("; ".join(g["summary"] for g in gs)))
    return "many:%s x%d different objects%s" % (name, k, " in parallel" if par else "")


def trap_retry(b):
    name = b.rng.choice(targets(b))
    c, g = b.healthy(name)
    kind = b.rng.choice(FAIL_KINDS)
    fmt = b.rng.choice(FAIL_FORMATS)
    form = b.rng.choice(["error", "ok"])
    fails = b.rng.randint(1, 2)
    steps = [[b.fail_call(name, dict(g["args"]), kind, fmt, form)] for _ in range(fails)]
    steps.append([c])
    b.turn(b.ask(g["obj"]), steps, b.found(g["summary"]))
    return "retry:%s fails %dx (%s, %s) then succeeds with the same arguments" % (name, fails, kind, form)


def trap_later_success(b):
    name = b.rng.choice(targets(b))
    c, g = b.healthy(name)
    args = dict(g["args"])
    k0 = list(args)[0]
    bad_args = dict(args)
    if isinstance(args[k0], str):
        bad_args[k0] = args[k0].lower() + " "
    else:
        bad_args[k0] = str(args[k0])
    if b.rng.random() < 0.5:
        bad = b.empty_call(name, bad_args, name.split("_")[-1])
        what = "empty"
    else:
        bad = b.fail_call(name, bad_args, b.rng.choice(FAIL_KINDS), b.rng.choice(FAIL_FORMATS), b.rng.choice(["error", "ok"]))
        what = "failure"
    b.turn(b.ask(g["obj"]), [[bad], [c]], b.found(g["summary"]))
    return "later_success:%s %s with malformed arguments, then success for the same request" % (name, what)


# --- failures the agent reports ----------------------------------------------------------------

def trap_admit(b):
    name = b.rng.choice(targets(b))
    c, g = b.healthy(name)
    kind = b.rng.choice(["unavailable", "timeout", "internal"])
    bad = b.fail_call(name, g["args"], kind, b.rng.choice(FAIL_FORMATS), b.rng.choice(["error", "ok", "exc_ok"]))
    b.turn(b.ask(g["obj"]), [[bad]], b.admit(name, kind))
    return "admit:%s fails (%s) and the answer says so in %s" % (name, kind, b.lang)


def trap_empty_told(b):
    name = b.rng.choice(targets(b))
    c, g = b.healthy(name)
    bad = b.empty_call(name, g["args"], name.split("_")[-1])
    b.turn(b.ask(g["obj"]), [[bad]], b.pick(NOTHING).format(obj=g["obj"]))
    return "empty_told:%s returns nothing and the answer says so" % name


def trap_resource_403(b):
    name = b.rng.choice(targets(b))
    cs, gs = zip(*[b.healthy(name) for _ in range(3)])
    bad = b.fail_call(name, gs[1]["args"], "forbidden", b.rng.choice(FAIL_FORMATS + ["oauth"]), b.rng.choice(["error", "ok"]))
    par = b.rng.random() < 0.5
    calls = [cs[0], bad, cs[2]]
    steps = [calls] if par else [[x] for x in calls]
    ans = NO_ACCESS[b.lang].format(ok=gs[0]["obj"] + ", " + gs[2]["obj"], obj=gs[1]["obj"])
    b.turn(b.ask(", ".join(g["obj"] for g in gs)), steps, ans)
    c4, g4 = b.healthy(name)
    b.turn(b.ask(g4["obj"]), [[c4]], b.found(g4["summary"]))
    return "resource_403:%s is forbidden for one object while its other calls succeed before and after" % name


def trap_never_key(b):
    t = NEVER[b.agent["name"]]
    g = t.gen(b.rng)
    fmt = b.rng.choice(["google", "stripe", "github", "rfc7807", "oauth", "plain", "aws_type", "grpc_text", "html"])
    bad = b.fail_call(t.name, g["args"], "auth_invalid", fmt, b.rng.choice(["error", "ok"]))
    b.turn(b.ask(g["obj"]), [[bad]], b.admit(t.name, "auth"))
    if b.rng.random() < 0.5:
        g2 = t.gen(b.rng)
        bad2 = b.fail_call(t.name, g2["args"], "auth_invalid", fmt, bad["form"])
        b.turn(b.ask(g2["obj"]), [[bad2]], b.admit(t.name, "auth"))
    return "never_key:%s has a key that never worked (%s); the agent reports it" % (t.name, fmt)


# --- business data that looks like failure ----------------------------------------------------

def trap_business(b):
    a = b.agent["name"]
    if a == "PayDesk":
        c, g = b.healthy("get_payment")
        r = g["result"]
        r.update(status="failed", failure_code="card_declined", failure_message="Your card was declined.")
        c = b.ok_call("get_payment", g["args"], r)
        b.turn(b.ask(g["obj"]), [[c]], b.found("%s: the customer's card was declined, status failed" % g["obj"]))
        return "business:get_payment status failed"
    if a == "CodeSmith":
        if b.rng.random() < 0.5:
            c, g = b.healthy("check_links")
            r = dict(g["result"], status=404, ok=False)
            b.turn(b.ask(g["obj"]), [[b.ok_call("check_links", g["args"], r)]],
                   b.found("%s is broken (404)" % g["args"]["url"]))
            return "business:check_links status 404"
        c, g = b.healthy("fetch_logs")
        log = ("ERROR test_checkout failed: AssertionError expected 200 got 500\n"
               "ERROR 1 failed, 211 passed\nINFO done in 91s")
        b.turn(b.ask(g["obj"]), [[b.raw_call("fetch_logs", g["args"], log)]],
               b.found("the job ran; test_checkout failed (1 of 212)"))
        return "business:fetch_logs text starting with ERROR"
    if a == "DataLens":
        c, g = b.healthy("health_check")
        r = dict(g["result"], ok=False, error="replica lag 340s")
        b.turn(b.ask(g["obj"]), [[b.ok_call("health_check", g["args"], r)]],
               b.found("%s is unhealthy: replica lag 340s" % g["args"]["service"]))
        return "business:health_check ok false"
    if a == "ShipTrack":
        c, g = b.healthy("track_shipment", optional=False)
        r = dict(g["result"], status="exception", exception={"code": "ADDRESS_UNKNOWN", "message": "Delivery failed"})
        b.turn(b.ask(g["obj"]), [[b.ok_call("track_shipment", g["args"], r)]],
               b.found("%s: delivery failed, the address is unknown to the courier" % g["obj"]))
        return "business:track_shipment status exception, delivery failed"
    if a == "CRMPilot":
        c, g = b.healthy("get_import_status")
        r = dict(g["result"], state="failed", errors=[{"row": 12, "error": "invalid email"}])
        b.turn(b.ask(g["obj"]), [[b.ok_call("get_import_status", g["args"], r)]],
               b.found("%s failed: row 12 has an invalid email" % g["obj"]))
        return "business:get_import_status state failed"
    if a == "PeopleOps":
        c, g = b.healthy("get_background_check")
        r = dict(g["result"], status="consider", completed=True, error_count=1)
        b.turn(b.ask(g["obj"]), [[b.ok_call("get_background_check", g["args"], r)]],
               b.found("%s needs review (status consider)" % g["obj"]))
        return "business:get_background_check status consider, error_count 1"
    c, g = b.healthy("get_lab_result")
    r = dict(g["result"], result="abnormal: potassium high", status="final")
    b.turn(b.ask(g["obj"]), [[b.ok_call("get_lab_result", g["args"], r)]],
           b.found("%s is final: potassium high" % g["obj"]))
    return "business:get_lab_result abnormal"


TEXT_TOOL = {"PayDesk": "search_docs", "CRMPilot": "get_notes", "CodeSmith": "search_docs",
             "ShipTrack": "place_lookup", "PeopleOps": "search_policies", "ClinicDesk": "get_config",
             "DataLens": "search_docs"}
SCARY = [
    "401 Unauthorized means the access token expired; request a new token and retry.",
    "Error 503 Service Unavailable is returned during maintenance windows.",
    "Forbidden City: palace complex in Beijing, open 08:30-17:00.",
    "Timeout: 30s. Retries: 3. Backoff: exponential.",
    "An 'invalid_grant' error means the refresh token was revoked by the user.",
    "Fehler 401: Zugriff verweigert - so beheben Sie das Problem.",
    "Erreur : jeton expiré - que faire ?",
    "rpc error: code = Unavailable is retried automatically by the client.",
]


def trap_text(b):
    name = TEXT_TOOL[b.agent["name"]]
    c, g = b.healthy(name)
    text = b.rng.choice(SCARY)
    r = copy.deepcopy(g["result"])
    if name == "search_docs":
        r["results"][0]["snippet"] = text
        r["results"][0]["title"] = "Troubleshooting"
    elif name == "get_notes":
        r["notes"][0]["text"] = text
    elif name == "place_lookup":
        r["places"][0]["name"] = text.split(":")[0] if "Forbidden" in text else r["places"][0]["name"]
        r["places"][0]["type"] = "landmark" if "Forbidden" in text else r["places"][0]["type"]
        r["places"][0]["note"] = text
        r = {k: v for k, v in r.items()}
    elif name == "search_policies":
        r["documents"][0]["excerpt"] = text
    elif name == "get_config":
        r = "Service: %s\nEnabled: true\nTimeout: 30s\nRetries: 3\nOn error: %s" % (g["args"]["key"], text)
    c = b.ok_call(name, g["args"], r) if not isinstance(r, str) else b.raw_call(name, g["args"], r)
    b.turn(b.ask(g["obj"]), [[c]], b.found(text.rstrip(".")))
    return "text:%s content reads like an error: %r" % (name, text[:40])


# --- shapes ------------------------------------------------------------------------------------

POLY = {"CRMPilot": ("search_contacts", {"type": "company"}, lambda r: {"companies": [{"id": "co_1", "name": "Acme",
                                                                                        "employees": 120}], "total": 1}),
        "DataLens": ("describe_table", {"detail": "full"}, lambda r: dict(r, stats={"null_fraction": {"id": 0.0}},
                                                                            partitions=["2026-01"])),
        "ShipTrack": ("get_rates", {"incoterm": "DAP"}, lambda r: dict(r, duties={"estimate": 12.5, "currency": "EUR"},
                                                                       rates={"express": r["rates"][0]["price"]})),
        "PayDesk": ("get_customer", {"expand": "invoices"}, lambda r: dict(r, invoices={"data": [], "has_more": False})),
        "CodeSmith": ("get_pull_request", {"include": "files"}, lambda r: dict(r, files=[{"filename": "a.py",
                                                                                          "additions": 3}])),
        "PeopleOps": ("get_employee", {"fields": "compensation"}, lambda r: {"employeeId": r["employeeId"],
                                                                             "compensation": {"band": "L4"}}),
        "ClinicDesk": ("get_patient", {"view": "summary"}, lambda r: {"patient_id": r["patient_id"],
                                                                      "summary": "2 visits in 2026"})}


def trap_poly(b):
    name, extra, shape = POLY[b.agent["name"]]
    for _ in range(b.rng.randint(1, 2)):
        c, g = b.healthy(name)
        b.turn(b.ask(g["obj"]), [[c]], b.found(g["summary"]))
    c, g = b.healthy(name, optional=False)
    args = dict(g["args"], **extra)
    b.turn(b.ask(g["obj"] + " (%s)" % ", ".join("%s=%s" % kv for kv in extra.items())),
           [[b.ok_call(name, args, shape(g["result"]))]], b.found(g["summary"].split(",")[0]))
    return "poly:%s returns another shape when called with %s" % (name, sorted(extra))


def trap_optional(b):
    from agents import OPTIONAL
    names = [n for n in targets(b) if n in OPTIONAL] or targets(b)
    name = b.rng.choice(names)
    for _ in range(b.rng.randint(2, 3)):
        c, g = b.healthy(name)
        b.turn(b.ask(g["obj"]), [[c]], b.found(g["summary"]))
    return "optional:%s results with and without optional fields" % name


# --- actions -----------------------------------------------------------------------------------

def trap_act_retry(b):
    from agents import actors
    t = b.rng.choice(actors(b.agent))
    c, g = b.healthy(t.name)
    bad = b.fail_call(t.name, g["args"], b.rng.choice(["unavailable", "timeout"]), b.rng.choice(FAIL_FORMATS),
                      b.rng.choice(["error", "ok"]))
    b.turn(b.request(t.act, g["obj"]), [[bad], [c]], b.claim(t.act, g["obj"]))
    return "act_retry:%s fails once, the retry succeeds, the answer says done" % t.name


def trap_confirm(b):
    from agents import actors
    t = b.rng.choice(actors(b.agent))
    c, g = b.healthy(t.name)
    b.turn(b.request(t.act, g["obj"]), [], ASK_CONFIRM[b.lang].format(verb=t.act, obj=g["obj"]))
    b.turn(CONFIRM[b.lang], [[c]], b.claim(t.act, g["obj"]))
    return "confirm:%s asked for confirmation, then done next turn" % t.name


def trap_repeat_success(b):
    from agents import actors
    t = b.rng.choice(actors(b.agent))
    c, g = b.healthy(t.name)
    kind = b.rng.choice(["unavailable", "timeout", "internal"])
    bad = b.fail_call(t.name, g["args"], kind, b.rng.choice(FAIL_FORMATS), b.rng.choice(["error", "ok"]))
    req = b.request(t.act, g["obj"])
    b.turn(req, [[bad]], b.admit_action(t.act, g["obj"], kind))
    c2 = dict(c, id=b.new_id())
    b.turn(req, [[c2]], b.claim(t.act, g["obj"]))
    return "repeat_success:%s fails, the user asks again next turn and it succeeds" % t.name


def trap_howto(b):
    from agents import actors
    t = b.rng.choice(actors(b.agent))
    c, g = b.healthy(t.name)
    doc_tool = TEXT_TOOL[b.agent["name"]]
    cd, gd = b.healthy(doc_tool)
    b.turn(HOWTO[b.lang].format(verb=t.act, obj=g["obj"]), [[cd]], b.found(gd["summary"]))
    return "howto:question about how to %s, answered from documentation (no action asked)" % t.act


def trap_action(b):
    b.action_turn()
    return "action: requested and done"


TRAPS = [trap_poll, trap_page, trap_many, trap_retry, trap_later_success, trap_admit, trap_empty_told,
         trap_resource_403, trap_never_key, trap_business, trap_text, trap_poly, trap_optional, trap_act_retry,
         trap_confirm, trap_repeat_success, trap_howto]


def ok_session(b, v):
    n = b.rng.randint(3, 8)
    first = TRAPS[v % len(TRAPS)]
    chosen = [first]
    if b.rng.random() < 0.5:
        chosen.append(b.rng.choice(TRAPS))
    notes = []
    pos = sorted(b.rng.sample(range(n - 1), min(len(chosen), n - 1)))
    for i, trap in zip(pos, chosen):
        while len(b.turns) < i:
            b.filler()
        notes.append(trap(b))
    b.fill_to(max(n, len(b.turns) + 1))
    return b.session("ok", "ok/" + "+".join(x.split(":")[0] for x in notes), None, "; ".join(notes))
