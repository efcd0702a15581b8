"""Healthy dev3 sessions (label `ok`) holding one or two traps: things a naive detector mistakes
for a failure, in the dev3 agents' encodings and phrasings."""

import copy

import lang3
from agents3 import NEVER3, OPTIONAL3, RENDER3, actors3
from failures3 import FAIL_KINDS, targets
from formats3 import FAIL_FORMATS3

RETRYABLE = [f for f in FAIL_FORMATS3 if f not in ("mcp_resource_error",)]

# --- polling, paging, refinement, retries ------------------------------------------------------

POLL3 = {"HomeKey": ("get_work_order", "state", ["received", "assigned", "scheduled", "completed"]),
         "CampusLMS": ("get_export_status", "phase", ["queued", "running", "running", "ready"]),
         "PharmaCare": ("get_refill_status", "stage", ["received", "in_review", "filling", "ready_for_pickup"]),
         "FreightDesk": ("track_container", None, None)}


def trap_poll(b):
    name, field, states = POLL3[b.agent["name"]]
    c, g = b.healthy(name, optional=False)
    k = b.rng.randint(3, 4)
    steps = []
    for i in range(k):
        r = copy.deepcopy(g["result"])
        last = i == k - 1
        if field:
            r[field] = states[-1] if last else states[i]
            if name == "get_export_status":
                r["progress"] = 1.0 if last else round(0.3 * i, 1)
                if not last:
                    r["file"] = None
        else:  # a new milestone each time
            r["events"] = r["events"][:1] + [{"code": code, "location": "NLRTM", "at": "2026-12-07T1%d:00:00Z" % j}
                                             for j, code in enumerate(["DS", "GO", "AV"][:i])]
        if "updated" in r:
            r["updated"] = "2026-12-07T1%d:%02d:00Z" % (i, 10 * i)
        if "updated_ms" in r:
            r["updated_ms"] += 60000 * i
        steps.append([b.ok_call(name, dict(g["args"]), r)])
    b.turn(b.ask(g["obj"]), steps, lang3.WAITING[b.lang].format(obj=g["obj"], s=g["summary"]))
    return "poll:%s x%d, the results change" % (name, k)


def trap_page(b):
    a = b.agent["name"]
    name = {"HomeKey": "list_units", "CampusLMS": "list_submissions", "FreightDesk": "list_manifests",
            "PharmaCare": "list_appointments"}[a]
    pages = b.rng.randint(3, 4)
    steps = []
    total = 0
    base = None
    for p in range(pages):
        c, g = b.healthy(name, optional=False)
        base = base or dict(g["args"])
        args = dict(base)
        r = g["result"]
        last = p == pages - 1
        tok = None if last else "pg_%d_%06x" % (p + 1, b.rng.getrandbits(24))
        if name == "list_units":
            if p:
                args["cursor"] = prev
            r["next_cursor"] = tok
            total += len(r["units"])
        elif name == "list_submissions":
            if p:
                args["page_token"] = prev
            r["nextPageToken"] = tok or ""
            total += len(r["submissions"])
        elif name == "list_manifests":
            if p:
                args["after"] = prev
            r["data"]["manifests"]["pageInfo"] = {"hasNextPage": not last, "endCursor": tok}
            total += len(r["data"]["manifests"]["edges"])
        else:
            if p:
                args["page"] = p + 1
            if not last:
                r["link"] = [{"relation": "next", "url": "Appointment?patient=%s&page=%d" % (base["patient_id"], p + 2)}]
            total += len(r["entry"])
        prev = tok
        steps.append([b.ok_call(name, args, r)])
    b.turn(b.ask(g["obj"]), steps, b.found("%d records over %d pages" % (total, pages)))
    return "page:%s x%d with an advancing cursor" % (name, pages)


def trap_refine(b):
    """A search tool with successively refined arguments; every result differs."""
    name, arg, vals = {"HomeKey": ("search_listings", "max_rent", [3500, 2800, 2400, 2000]),
                       "FreightDesk": ("classify_hs_code", "description", ["batteries", "lithium batteries",
                                                                           "lithium-ion batteries for e-bikes",
                                                                           "lithium-ion battery packs, 36V"]),
                       "PharmaCare": ("find_pharmacy", "radius_mi", [2, 5, 10, 25]),
                       "CampusLMS": ("get_grades", "course_id", ["CS101", "BIO210", "HIS150", "MAT220"])}[b.agent["name"]]
    k = b.rng.randint(3, 4)
    steps = []
    for i in range(k):
        c, g = b.healthy(name, optional=False)
        c["args"] = dict(g["args"], **{arg: vals[i]})
        steps.append([c])
    b.turn(b.ask(g["obj"]), steps, b.found(g["summary"]))
    return "refine:%s x%d with changing %s and results" % (name, k, arg)


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
    fmt = b.rng.choice(RETRYABLE)
    form = b.rng.choice(["error", "ok"])
    fails = b.rng.randint(1, 2)
    steps = [[b.fail_call(name, dict(g["args"]), kind, fmt, form)] for _ in range(fails)]
    steps.append([c])
    b.turn(b.ask(g["obj"]), steps, b.found(g["summary"]))
    return "retry:%s fails %dx (%s, %s, %s) then succeeds with the same arguments" % (name, fails, kind, fmt, form)


def trap_later_success(b):
    name = b.rng.choice(targets(b))
    c, g = b.healthy(name)
    args = dict(g["args"])
    k0 = list(args)[0]
    bad_args = dict(args)
    bad_args[k0] = (args[k0].replace("-", "").lower()) if isinstance(args[k0], str) else str(args[k0]) + "0"
    if b.rng.random() < 0.5:
        bad = b.empty_call(name, bad_args, name.split("_")[-1])
        what = "empty"
    else:
        bad = b.fail_call(name, bad_args, b.rng.choice(FAIL_KINDS), b.rng.choice(RETRYABLE), b.rng.choice(["error", "ok"]))
        what = "failure"
    b.turn(b.ask(g["obj"]), [[bad], [c]], b.found(g["summary"]))
    return "later_success:%s %s with a malformed id, then success for the same request" % (name, what)


# --- failures the agent reports ----------------------------------------------------------------

def trap_admit(b):
    name = b.rng.choice(targets(b))
    c, g = b.healthy(name)
    kind = b.rng.choice(FAIL_KINDS)
    bad = b.fail_call(name, g["args"], kind, b.rng.choice(FAIL_FORMATS3), b.rng.choice(["error", "ok", "exc_ok"]))
    b.turn(b.ask(g["obj"]), [[bad]], b.admit(name, kind))
    return "admit:%s fails (%s, %s) and the answer says so in %s" % (name, kind, bad["fmt"], b.lang)


def trap_admit_soft(b):
    name = b.rng.choice(targets(b))
    c, g = b.healthy(name)
    kind = b.rng.choice(FAIL_KINDS)
    bad = b.fail_call(name, g["args"], kind, b.rng.choice(FAIL_FORMATS3), b.rng.choice(["error", "ok"]))
    b.turn(b.ask(g["obj"]), [[bad]], b.pick(lang3.ADMIT_SOFT).format(obj=g["obj"]))
    return "admit_soft:%s fails (%s, %s); the answer says it has no details, without any error word" % (
        name, kind, bad["fmt"])


def trap_empty_told(b):
    name = b.rng.choice(targets(b))
    c, g = b.healthy(name)
    bad = b.empty_call(name, g["args"], name.split("_")[-1])
    b.turn(b.ask(g["obj"]), [[bad]], b.pick(lang3.NOTHING).format(obj=g["obj"]))
    return "empty_told:%s returns nothing (%r) and the answer says so" % (name, bad["result"][:40])


def trap_resource_403(b):
    name = b.rng.choice(targets(b))
    cs, gs = zip(*[b.healthy(name) for _ in range(3)])
    fmt = b.rng.choice(["graph", "postgrest", "jira", "zendesk", "aws_v3", "apollo", "grpc_gateway", "paypal",
                        "firebase", "node_axios", "php_guzzle"])
    bad = b.fail_call(name, gs[1]["args"], "forbidden", fmt, b.rng.choice(["error", "ok"]))
    par = b.rng.random() < 0.5
    calls = [cs[0], bad, cs[2]]
    steps = [calls] if par else [[x] for x in calls]
    ans = lang3.NO_ACCESS[b.lang].format(ok=gs[0]["obj"] + ", " + gs[2]["obj"], obj=gs[1]["obj"])
    b.turn(b.ask(", ".join(g["obj"] for g in gs)), steps, ans)
    c4, g4 = b.healthy(name)
    b.turn(b.ask(g4["obj"]), [[c4]], b.found(g4["summary"]))
    return "resource_403:%s is forbidden (%s) for one object while its other calls succeed before and after" % (name, fmt)


def trap_never_key(b):
    t = NEVER3[b.agent["name"]]
    g = t.gen(b.rng)
    fmt = b.rng.choice(["graph", "shopify", "paypal", "firebase", "postgrest", "aws_v3", "grpc_gateway", "zendesk",
                        "node_axios", "ruby_faraday", "envoy"])
    form = b.rng.choice(["error", "ok"])
    bad = b.fail_call(t.name, g["args"], "auth_invalid", fmt, form)
    b.turn(b.ask(g["obj"]), [[bad]], b.admit(t.name, "auth_invalid"))
    if b.rng.random() < 0.5:
        g2 = t.gen(b.rng)
        b.turn(b.ask(g2["obj"]), [[b.fail_call(t.name, g2["args"], "auth_invalid", fmt, form)]],
               b.admit(t.name, "auth_invalid"))
    return "never_key:%s has a key that never worked (%s); the agent reports it" % (t.name, fmt)


# --- business data that reads like failure -----------------------------------------------------

def say(b, table):
    return table.get(b.lang) or table["en"]


def trap_business(b):
    a = b.agent["name"]
    r_ = b.rng.random()
    if a == "HomeKey":
        if r_ < 0.5:
            c, g = b.healthy("get_lease", optional=False)
            r = copy.deepcopy(g["result"])
            r["lease"].update(status="expired", end_date="2026-10-31")
            lid = g["args"]["lease_id"]
            ans = say(b, {"en": "Lease %s expired on 2026-10-31; the tenant is now month-to-month." % lid,
                          "ru": "Договор %s истёк 2026-10-31; сейчас аренда помесячная." % lid,
                          "pl": "Umowa %s wygasła 2026-10-31; najem jest teraz miesięczny." % lid,
                          "tr": "%s sözleşmesinin süresi 2026-10-31'de doldu; kiracı artık aylık." % lid,
                          "sv": "Avtal %s löpte ut 2026-10-31; hyresgästen hyr nu månadsvis." % lid,
                          "id": "Kontrak %s sudah berakhir pada 2026-10-31; penyewa kini bulanan." % lid,
                          "de": "Der Mietvertrag %s ist am 2026-10-31 abgelaufen; jetzt monatlich." % lid})
            b.turn(b.ask(g["obj"]), [[b.ok_call("get_lease", g["args"], r)]], ans)
            return "business:get_lease status expired; the answer says the lease expired"
        c, g = b.healthy("get_tenant_ledger", optional=False)
        r = copy.deepcopy(g["result"])
        r["entries"].append({"posted": "2026-11-03", "type": "payment_failed", "amount_cents": 0,
                             "memo": "card declined (insufficient funds)"})
        b.turn(b.ask(g["obj"]), [[b.ok_call("get_tenant_ledger", g["args"], r)]],
               b.found(g["summary"] + "; the November card payment was declined"))
        return "business:get_tenant_ledger a payment_failed entry (card declined)"
    if a == "CampusLMS":
        c, g = b.healthy("get_export_status", optional=False)
        r = dict(g["result"], phase="expired", file=None, message="Export link expired after 7 days; start a new export.")
        job = g["args"]["job_id"]
        ans = say(b, {"en": "Export %s has expired (links last 7 days) — start a new export when you need it." % job,
                      "ru": "Срок экспорта %s истёк (ссылка действует 7 дней) — запустите новый." % job,
                      "pl": "Eksport %s wygasł (link ważny 7 dni) — uruchom nowy." % job,
                      "tr": "%s dışa aktarımının süresi doldu (bağlantı 7 gün geçerli) — yenisini başlatın." % job,
                      "sv": "Exporten %s har gått ut (länken gäller 7 dagar) — starta en ny." % job,
                      "id": "Ekspor %s sudah kedaluwarsa (tautan berlaku 7 hari) — buat ekspor baru." % job,
                      "de": "Der Export %s ist abgelaufen (Links gelten 7 Tage) — starte einen neuen." % job})
        b.turn(b.ask(g["obj"]), [[b.ok_call("get_export_status", g["args"], r)]], ans)
        return "business:get_export_status phase expired (an old export link)"
    if a == "PharmaCare":
        if r_ < 0.5:
            c, g = b.healthy("get_refill_status", optional=False)
            r = dict(g["result"], stage="rejected", reason="insurance declined: prior authorization required")
            b.turn(b.ask(g["obj"]), [[b.ok_call("get_refill_status", g["args"], r)]],
                   b.found("refill %s was rejected: the insurer declined it pending prior authorization" %
                           g["args"]["refill_id"]))
            return "business:get_refill_status stage rejected (insurance declined), looked up, not requested"
        c, g = b.healthy("get_prescription", optional=False)
        r = dict(g["result"], status="expired", expires_on="2026-09-30", refills_remaining=0)
        b.turn(b.ask(g["obj"]), [[b.ok_call("get_prescription", g["args"], r)]],
               b.found("%s expired on 2026-09-30 with no refills left; a new prescription is needed" % g["args"]["rx_number"]))
        return "business:get_prescription status expired"
    c, g = b.healthy("get_customs_entry", optional=False)
    r = dict(g["result"], status="rejected", rejection={"code": "R-17", "text": "Invalid HTS code on line 1"})
    b.turn(b.ask(g["obj"]), [[b.ok_call("get_customs_entry", g["args"], r)]],
           b.found("entry %s was rejected by customs (R-17: invalid HTS code on line 1)" % g["args"]["entry_no"]))
    return "business:get_customs_entry status rejected by customs (read, not filed now)"


SCARY3 = [
    "HTTP 419 Page Expired means the form sat open too long; reload the page and submit again.",
    "If you see PGRST301 JWT expired, sign out of the portal and back in.",
    "Ошибка 401 «Сессия истекла»: выйдите и войдите снова.",
    "Błąd 403 oznacza brak uprawnień do kursu.",
    "Oturum süresi doldu hatası: 30 dakika işlem yapılmazsa oturum kapanır.",
    "\"upstream connect error\" on the tenant portal is shown during nightly maintenance.",
    "AUTHENTICATION_FAILURE from the payment page means the card session timed out; retry the payment.",
]


def trap_text(b):
    docs = [t.name for t in b.agent["tools"] if t.name == "search_docs"]
    if not docs:
        return trap_topic(b)
    c, g = b.healthy("search_docs")
    text = b.rng.choice(SCARY3)
    r = copy.deepcopy(g["result"])
    lst = r.get("articles") or r.get("hits")
    lst[0].update({"excerpt" if "articles" in r else "body": text})
    b.turn(b.ask(g["obj"]), [[b.ok_call("search_docs", g["args"], r)]], b.found(text.rstrip(".")))
    return "text:search_docs content reads like an error: %r" % text[:40]


def trap_topic(b):
    """A healthy answer that talks about failures and expiry as its topic."""
    name = b.rng.choice(targets(b))
    c, g = b.healthy(name)
    b.turn(b.ask(g["obj"]), [[c]], b.pick(lang3.TOPIC).format(s=g["summary"]))
    return "topic:%s healthy; the answer mentions failed payments and expired links as a general tip" % name


# --- shapes ------------------------------------------------------------------------------------

POLY3 = {"HomeKey": ("get_lease", {"view": "summary"},
                     lambda r: {"lease_id": r["lease"]["id"], "status": r["lease"]["status"],
                                "end_date": r["lease"]["end_date"]}),
         "CampusLMS": ("get_enrollment", {"include": "grades"},
                       lambda r: dict(r, enrollments=[dict(e, grade={"letter": "B+", "pct": 88.5})
                                                      for e in r["enrollments"]])),
         "PharmaCare": ("check_interactions", {"detail": "full"},
                        lambda r: {"checked": r["checked"], "pairs": [dict(p, mechanism="CYP3A4", references=[
                            {"pmid": "12345678"}]) for p in r["pairs"]], "sources": ["FDB", "Medi-Span"]}),
         "FreightDesk": ("classify_hs_code", {"top": 1},
                         lambda r: {"query": r["query"], "best": r["candidates"][0]})}


def trap_poly(b):
    name, extra, fn = POLY3[b.agent["name"]]
    for _ in range(b.rng.randint(1, 2)):
        c, g = b.healthy(name)
        b.turn(b.ask(g["obj"]), [[c]], b.found(g["summary"]))
    c, g = b.healthy(name, optional=False)
    args = dict(g["args"], **extra)
    b.turn(b.ask(g["obj"]), [[b.ok_call(name, args, fn(g["result"]))]], b.found(g["summary"].split(",")[0]))
    return "poly:%s returns another shape when called with %s" % (name, sorted(extra))


def trap_optional(b):
    names = [n for n in targets(b) if n in OPTIONAL3] or targets(b)
    name = b.rng.choice(names)
    for _ in range(b.rng.randint(2, 3)):
        c, g = b.healthy(name)
        b.turn(b.ask(g["obj"]), [[c]], b.found(g["summary"]))
    return "optional:%s results with and without optional fields" % name


def trap_warning(b):
    """A healthy 200 with data and a deprecation warning next to it."""
    name = b.rng.choice([n for n in targets(b) if b.key(n) not in RENDER3])
    c, g = b.healthy(name, optional=False)
    r = copy.deepcopy(g["result"])
    r["warnings"] = [{"code": "DEPRECATED_FIELD", "message": "This endpoint version is deprecated and will be removed "
                                                            "on 2027-06-30; migrate to v3."}]
    b.turn(b.ask(g["obj"]), [[b.ok_call(name, g["args"], r)]], b.found(g["summary"]))
    return "warning:%s returns data plus a deprecation warning" % name


# --- actions -----------------------------------------------------------------------------------

def trap_act_retry(b):
    t = b.rng.choice(actors3(b.agent))
    c, g = b.healthy(t.name)
    bad = b.fail_call(t.name, g["args"], b.rng.choice(["unavailable", "timeout", "rate_limited"]),
                      b.rng.choice(RETRYABLE), b.rng.choice(["error", "ok"]))
    b.turn(b.request(t.act, g["obj"]), [[bad], [c]], b.claim(t.act, g["obj"]))
    return "act_retry:%s fails once (%s), the retry succeeds, the answer says done" % (t.name, bad["fmt"])


def trap_confirm(b):
    t = b.rng.choice(actors3(b.agent))
    c, g = b.healthy(t.name)
    b.turn(b.request(t.act, g["obj"]), [], lang3.ASK_CONFIRM[b.lang].format(verb=t.act, obj=g["obj"]))
    b.turn(lang3.CONFIRM[b.lang], [[c]], b.claim(t.act, g["obj"]))
    return "confirm:%s asked for confirmation, then done next turn" % t.name


def trap_repeat_success(b):
    t = b.rng.choice(actors3(b.agent))
    c, g = b.healthy(t.name)
    kind = b.rng.choice(["unavailable", "timeout", "internal"])
    bad = b.fail_call(t.name, g["args"], kind, b.rng.choice(RETRYABLE), b.rng.choice(["error", "ok"]))
    req = b.request(t.act, g["obj"])
    b.turn(req, [[bad]], b.admit_action(t.act, g["obj"], kind))
    b.turn(lang3.REPEAT[b.lang].format(req=req), [[dict(c, id=b.new_id())]], b.claim(t.act, g["obj"]))
    return "repeat_success:%s fails, the user asks again next turn and it succeeds" % t.name


def trap_act_verify(b):
    t = b.rng.choice(actors3(b.agent))
    c, g = b.healthy(t.name)
    reader = b.rng.choice(targets(b))
    b.turn(b.request(t.act, g["obj"]), [[c], [b.healthy(reader)[0]]], b.claim(t.act, g["obj"]))
    return "act_verify:%s done, then a read" % t.name


def trap_howto(b):
    """A 'how do I cancel/...' question answered without acting."""
    t = b.rng.choice(actors3(b.agent))
    c, g = b.healthy(t.name)
    docs = [x.name for x in b.agent["tools"] if x.name == "search_docs"]
    if docs:
        cd, gd = b.healthy("search_docs")
        b.turn(lang3.HOWTO[b.lang].format(verb=t.act, obj=g["obj"]), [[cd]], b.found(gd["summary"]))
    else:
        b.turn(lang3.HOWTO[b.lang].format(verb=t.act, obj=g["obj"]), [], lang3.HOWTO_ANSWER[b.lang].format(
            tool=t.name.replace("_", " ")))
    return "howto:question about how to %s, answered without acting" % t.act


TRAPS3 = [trap_poll, trap_page, trap_refine, trap_many, trap_retry, trap_later_success, trap_admit, trap_admit_soft,
          trap_empty_told, trap_resource_403, trap_never_key, trap_business, trap_text, trap_topic, trap_poly,
          trap_optional, trap_warning, trap_act_retry, trap_confirm, trap_repeat_success, trap_act_verify, trap_howto]


def ok_session(b, v):
    n = b.rng.randint(3, 8)
    chosen = [TRAPS3[v % len(TRAPS3)]]
    if b.rng.random() < 0.5:
        chosen.append(b.rng.choice(TRAPS3))
    notes = []
    pos = sorted(b.rng.sample(range(n - 1), min(len(chosen), n - 1)))
    for i, trap in zip(pos, chosen):
        while len(b.turns) < i:
            b.filler()
        notes.append(trap(b))
    b.fill_to(max(n, len(b.turns) + 1))
    return b.session("ok", "ok/" + "+".join(x.split(":")[0] for x in notes), None, "; ".join(notes))
