"""Healthy dev2 sessions (label `ok`) holding one or two traps: things a naive detector mistakes
for a failure, in the dev2 agents' encodings and phrasings."""

import copy

import lang2
from agents2 import NEVER2, OPTIONAL2, actors2
from failures2 import FAIL_KINDS, targets
from formats2 import FAIL_FORMATS2

# --- polling, paging, refinement, retries ------------------------------------------------------

POLL2 = {"TripMate": ("get_flight_status", ["scheduled", "delayed", "boarding", "departed"]),
         "OpsPilot": ("get_deployment", None),
         "ReturnDesk": ("get_return", ["label_sent", "in_transit", "received", "refunded"]),
         "LedgerBot": ("get_report_status", None)}


def trap_poll(b):
    name, states = POLL2[b.agent["name"]]
    c, g = b.healthy(name, optional=False)
    k = b.rng.randint(3, 4)
    steps = []
    for i in range(k):
        r = copy.deepcopy(g["result"])
        last = i == k - 1
        if name == "get_deployment":
            ready = 4 if last else i + 1
            r["status"].update(readyReplicas=ready, updatedReplicas=ready)
        elif name == "get_report_status":
            r.update(state="done" if last else ("queued" if i == 0 else "running"), percent=100 if last else i * 35)
        else:
            r["status"] = states[-1] if last else states[min(i, len(states) - 2)]
            if name == "get_flight_status":
                r["departure"]["delay_min"] = [0, 25, 40, 40][min(i, 3)]
        if "updated" in r:
            r["updated"] = "2026-12-07T1%d:%02d:00Z" % (i, 10 * i)
        steps.append([b.ok_call(name, dict(g["args"]), r)])
    b.turn(b.ask(g["obj"]), steps, lang2.WAITING[b.lang].format(obj=g["obj"], s=g["summary"]))
    return "poll:%s x%d, the results change" % (name, k)


PAGE2 = {"TripMate": ("search_hotels", "offset", "results"), "ReturnDesk": ("list_orders", "offset", "orders"),
         "LedgerBot": ("list_transactions", "skip", "value")}


def trap_page(b):
    if b.agent["name"] not in PAGE2:
        return trap_refine(b)
    name, cur, listkey = PAGE2[b.agent["name"]]
    pages = b.rng.randint(3, 4)
    steps = []
    total = 0
    base = None
    for p in range(pages):
        c, g = b.healthy(name, optional=False)
        base = base or dict(g["args"])
        args = dict(base)
        args[cur] = p * 3
        r = g["result"]
        total += len(r[listkey])
        last = p == pages - 1
        if name == "list_transactions":
            if not last:
                r["@odata.nextLink"] = "https://ledger.example.net/odata/Transactions?$skip=%d" % ((p + 1) * 3)
        else:
            r["offset"] = p * 3
            if name == "search_hotels":
                r["total"] = pages * 3
            else:
                r["total"] = pages * 3
        steps.append([b.ok_call(name, args, r)])
    b.turn(b.ask(g["obj"]), steps, b.found("%d records over %d pages" % (total, pages)))
    return "page:%s x%d with an advancing %s" % (name, pages, cur)


def trap_refine(b):
    """The same search tool with successively refined arguments; every result differs."""
    name = {"OpsPilot": "search_logs", "TripMate": "search_flights", "ReturnDesk": "list_orders",
            "LedgerBot": "list_transactions"}[b.agent["name"]]
    k = b.rng.randint(3, 4)
    steps = []
    for i in range(k):
        c, g = b.healthy(name, optional=False)
        if name == "search_logs":
            base = g["args"]["query"]
            c["args"] = dict(g["args"], query=base + ["", " AND level:warn", " AND level:warn AND path:/pay",
                                                      " AND level:warn AND path:/pay AND status:5*"][i])
        steps.append([c])
    b.turn(b.ask(g["obj"]), steps, b.found(g["summary"]))
    return "refine:%s x%d with changing arguments and results" % (name, k)


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
    fmt = b.rng.choice(FAIL_FORMATS2)
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
    bad_args[k0] = (args[k0].strip("#").lower() + " ") if isinstance(args[k0], str) else str(args[k0]) + "x"
    if b.rng.random() < 0.5:
        bad = b.empty_call(name, bad_args, name.split("_")[-1])
        what = "empty"
    else:
        bad = b.fail_call(name, bad_args, b.rng.choice(FAIL_KINDS), b.rng.choice(FAIL_FORMATS2), b.rng.choice(["error", "ok"]))
        what = "failure"
    b.turn(b.ask(g["obj"]), [[bad], [c]], b.found(g["summary"]))
    return "later_success:%s %s with malformed arguments, then success for the same request" % (name, what)


# --- failures the agent reports ----------------------------------------------------------------

def trap_admit(b):
    name = b.rng.choice(targets(b))
    c, g = b.healthy(name)
    kind = b.rng.choice(FAIL_KINDS)
    bad = b.fail_call(name, g["args"], kind, b.rng.choice(FAIL_FORMATS2), b.rng.choice(["error", "ok", "exc_ok"]))
    b.turn(b.ask(g["obj"]), [[bad]], b.admit(name, kind))
    return "admit:%s fails (%s, %s) and the answer says so in %s" % (name, kind, bad["fmt"], b.lang)


def trap_admit_soft(b):
    name = b.rng.choice(targets(b))
    c, g = b.healthy(name)
    kind = b.rng.choice(FAIL_KINDS)
    bad = b.fail_call(name, g["args"], kind, b.rng.choice(FAIL_FORMATS2), b.rng.choice(["error", "ok"]))
    b.turn(b.ask(g["obj"]), [[bad]], b.pick(lang2.ADMIT_SOFT).format(obj=g["obj"]))
    return "admit_soft:%s fails (%s, %s); the answer says it has no data, without any error word" % (
        name, kind, bad["fmt"])


def trap_empty_told(b):
    name = b.rng.choice(targets(b))
    c, g = b.healthy(name)
    bad = b.empty_call(name, g["args"], name.split("_")[-1])
    b.turn(b.ask(g["obj"]), [[bad]], b.pick(lang2.NOTHING).format(obj=g["obj"]))
    return "empty_told:%s returns nothing (%r) and the answer says so" % (name, bad["result"][:40])


def trap_resource_403(b):
    name = b.rng.choice(targets(b))
    cs, gs = zip(*[b.healthy(name) for _ in range(3)])
    fmt = b.rng.choice(["k8s", "salesforce", "odata", "slack", "jsonapi", "problem_aspnet", "spring", "okta",
                        "traceback", "feign"])
    bad = b.fail_call(name, gs[1]["args"], "forbidden", fmt, b.rng.choice(["error", "ok"]))
    par = b.rng.random() < 0.5
    calls = [cs[0], bad, cs[2]]
    steps = [calls] if par else [[x] for x in calls]
    ans = lang2.NO_ACCESS[b.lang].format(ok=gs[0]["obj"] + ", " + gs[2]["obj"], obj=gs[1]["obj"])
    b.turn(b.ask(", ".join(g["obj"] for g in gs)), steps, ans)
    c4, g4 = b.healthy(name)
    b.turn(b.ask(g4["obj"]), [[c4]], b.found(g4["summary"]))
    return "resource_403:%s is forbidden (%s) for one object while its other calls succeed before and after" % (name, fmt)


def trap_never_key(b):
    t = NEVER2[b.agent["name"]]
    g = t.gen(b.rng)
    fmt = b.rng.choice(["slack", "okta", "twilio", "odata", "problem_aspnet", "www_auth", "jsonrpc", "k8s", "jsonapi",
                        "traceback", "salesforce"])
    form = b.rng.choice(["error", "ok"])
    bad = b.fail_call(t.name, g["args"], "auth_invalid", fmt, form)
    b.turn(b.ask(g["obj"]), [[bad]], b.admit(t.name, "auth_invalid"))
    if b.rng.random() < 0.5:
        g2 = t.gen(b.rng)
        b.turn(b.ask(g2["obj"]), [[b.fail_call(t.name, g2["args"], "auth_invalid", fmt, form)]],
               b.admit(t.name, "auth_invalid"))
    return "never_key:%s has a key that never worked (%s); the agent reports it" % (t.name, fmt)


# --- business data that reads like failure -----------------------------------------------------

def trap_business(b):
    a = b.agent["name"]
    r_ = b.rng.random()
    if a == "TripMate":
        c, g = b.healthy("get_flight_status", optional=False)
        r = dict(g["result"], status="cancelled", cancellation={"reason": "WEATHER", "code": "XX"})
        fno = g["args"]["flight_no"]
        ans = {"en": "Bad news: %s has been cancelled by the airline (weather)." % fno,
               "it": "Purtroppo il volo %s è stato cancellato dalla compagnia (meteo)." % fno,
               "nl": "Helaas: vlucht %s is door de maatschappij geannuleerd (weer)." % fno,
               "zh": "很遗憾，航班%s已被航空公司取消（天气原因）。" % fno,
               "ko": "%s 항공편이 기상 악화로 항공사에 의해 취소되었습니다." % fno,
               "es": "Malas noticias: la aerolínea ha cancelado el vuelo %s (meteorología)." % fno}[b.lang]
        b.turn(b.ask(g["obj"]), [[b.ok_call("get_flight_status", g["args"], r)]], ans)
        return "business:get_flight_status status cancelled (by the airline); the answer says 'has been cancelled'"
    if a == "OpsPilot":
        if r_ < 0.5:
            c, g = b.healthy("search_logs", optional=False)
            r = copy.deepcopy(g["result"])
            for h, msg in zip(r["hits"]["hits"], ["ERROR TokenExpiredError: jwt expired (user=svc-batch)",
                                                  "Traceback (most recent call last): ... 401 Unauthorized"]):
                h["_source"].update(level="error", message=msg)
            b.turn(b.ask(g["obj"]), [[b.ok_call("search_logs", g["args"], r)]],
                   b.found("2 error lines: a batch client's jwt expired and got 401 Unauthorized"))
            return "business:search_logs log lines with 'jwt expired', Traceback, 401"
        c, g = b.healthy("list_alerts", optional=False)
        r = copy.deepcopy(g["result"])
        r["alerts"][0]["labels"].update(alertname="AuthTokenRefreshFailing", severity="critical")
        r["alerts"][0]["annotations"] = {"summary": "401 Unauthorized rate above 5% on auth-service"}
        b.turn(b.ask(g["obj"]), [[b.ok_call("list_alerts", g["args"], r)]],
               b.found("a critical alert fires: 401 Unauthorized rate above 5% on auth-service"))
        return "business:list_alerts critical alert about 401s"
    if a == "ReturnDesk":
        if r_ < 0.5:
            c, g = b.healthy("check_return_eligibility", optional=False)
            r = dict(g["result"], eligible=False, reasons=["outside_return_window", "final_sale"])
            b.turn(b.ask(g["obj"]), [[b.ok_call("check_return_eligibility", g["args"], r)]],
                   b.found("not returnable: the return window has closed and it was a final sale"))
            return "business:check_return_eligibility eligible false"
        c, g = b.healthy("get_order", optional=False)
        r = dict(g["result"], financial_status="refunded", refunds=[{"amount": g["result"]["total_price"],
                                                                     "processed_at": "2026-11-30"}])
        ans = {"en": "Order %s was already refunded on 2026-11-30." % g["args"]["order_id"],
               "it": "L'ordine %s è già stato rimborsato il 2026-11-30." % g["args"]["order_id"],
               "nl": "Bestelling %s is op 2026-11-30 al terugbetaald." % g["args"]["order_id"],
               "zh": "订单%s已于2026-11-30退款。" % g["args"]["order_id"],
               "ko": "주문 %s은(는) 2026-11-30에 이미 환불되었습니다." % g["args"]["order_id"],
               "es": "El pedido %s ya se reembolsó el 2026-11-30." % g["args"]["order_id"]}[b.lang]
        b.turn(b.ask(g["obj"]), [[b.ok_call("get_order", g["args"], r)]], ans)
        return "business:get_order financial_status refunded; the answer says it was refunded (no refund asked)"
    if r_ < 0.5:
        c, g = b.healthy("get_invoice", optional=False)
        r = dict(g["result"], Status="VOIDED", AmountDue=0.0)
        no = g["args"]["invoice_number"]
        ans = {"en": "%s was voided last week, nothing is due." % no, "it": "%s è stata stornata la settimana scorsa." % no,
               "nl": "%s is vorige week gecrediteerd; er staat niets open." % no, "zh": "%s已于上周作废，无应付金额。" % no,
               "ko": "%s은(는) 지난주에 무효 처리되었습니다." % no, "es": "%s se anuló la semana pasada." % no}[b.lang]
        b.turn(b.ask(g["obj"]), [[b.ok_call("get_invoice", g["args"], r)]], ans)
        return "business:get_invoice Status VOIDED; the answer says it was voided (no void asked)"
    c, g = b.healthy("list_transactions", optional=False)
    r = copy.deepcopy(g["result"])
    r["value"][0].update(Status="FAILED", ReturnReason="R01 Insufficient funds", Error="NSF")
    b.turn(b.ask(g["obj"]), [[b.ok_call("list_transactions", g["args"], r)]],
           b.found("one direct debit bounced (R01 insufficient funds)"))
    return "business:list_transactions a transaction with Status FAILED / R01"


SCARY2 = [
    "Errore 401: il token è scaduto — come rinnovarlo",
    "Fout 503 betekent dat de dienst tijdelijk niet beschikbaar is.",
    "401 未授权：访问令牌过期时的处理方法",
    "토큰 만료(401) 오류 해결 방법",
    "If the logs show `jwt expired`, rotate the signing key and restart auth-service.",
    "Error 522: Connection timed out — what it means and how to fix it",
    "Slack returns {\"ok\": false, \"error\": \"token_revoked\"} when a user uninstalls the app.",
    "Session expired or invalid (INVALID_SESSION_ID): re-authenticate the integration user.",
]


def trap_text(b):
    c, g = b.healthy("search_docs")
    text = b.rng.choice(SCARY2)
    r = copy.deepcopy(g["result"])
    r["hits"][0].update(heading="Troubleshooting", text=text)
    b.turn(b.ask(g["obj"]), [[b.ok_call("search_docs", g["args"], r)]], b.found(text.rstrip(".")))
    return "text:search_docs content reads like an error: %r" % text[:40]


def trap_status_page(b):
    if b.agent["name"] != "OpsPilot":
        return trap_text(b)
    c, g = b.healthy("fetch_url")
    r = dict(g["result"], text="<html><body><h2>Resolved - Elevated 503 errors and timeouts on checkout</h2>"
                              "<p>Dec 6: 401 Unauthorized for some API keys; fixed.</p></body></html>")
    b.turn(b.ask(g["obj"]), [[b.ok_call("fetch_url", g["args"], r)]],
           b.found("the 503/timeout incident on checkout is resolved"))
    return "text:fetch_url status page (200) about resolved 503/401 incidents"


# --- shapes ------------------------------------------------------------------------------------

POLY2 = {"TripMate": ("search_flights", {"view": "compact"},
                      lambda r: {"offers": [{"id": o["id"], "total": o["price"]["total"]} for o in r["data"]]}),
         "OpsPilot": ("query_metrics", {"type": "instant"},
                      lambda r: {"status": "success", "data": {"resultType": "vector", "result": [
                          {"metric": x["metric"], "value": x["values"][-1]} for x in r["data"]["result"]]}}),
         "ReturnDesk": ("get_order", {"fields": "order_id,fulfillment_status"},
                        lambda r: {"order_id": r["order_id"], "fulfillment_status": r["fulfillment_status"]}),
         "LedgerBot": ("get_invoice", {"summaryOnly": True},
                       lambda r: {"InvoiceNumber": r["InvoiceNumber"], "Total": r["Total"], "Status": r["Status"]})}


def trap_poly(b):
    name, extra, fn = POLY2[b.agent["name"]]
    for _ in range(b.rng.randint(1, 2)):
        c, g = b.healthy(name)
        b.turn(b.ask(g["obj"]), [[c]], b.found(g["summary"]))
    c, g = b.healthy(name, optional=False)
    args = dict(g["args"], **extra)
    b.turn(b.ask(g["obj"]), [[b.ok_call(name, args, fn(g["result"]))]], b.found(g["summary"].split(",")[0]))
    return "poly:%s returns another shape when called with %s" % (name, sorted(extra))


def trap_optional(b):
    names = [n for n in targets(b) if n in OPTIONAL2] or targets(b)
    name = b.rng.choice(names)
    for _ in range(b.rng.randint(2, 3)):
        c, g = b.healthy(name)
        b.turn(b.ask(g["obj"]), [[c]], b.found(g["summary"]))
    return "optional:%s results with and without optional fields" % name


# --- actions -----------------------------------------------------------------------------------

def trap_act_retry(b):
    t = b.rng.choice(actors2(b.agent))
    c, g = b.healthy(t.name)
    bad = b.fail_call(t.name, g["args"], b.rng.choice(["unavailable", "timeout", "rate_limited"]),
                      b.rng.choice(FAIL_FORMATS2), b.rng.choice(["error", "ok"]))
    b.turn(b.request(t.act, g["obj"]), [[bad], [c]], b.claim(t.act, g["obj"]))
    return "act_retry:%s fails once (%s), the retry succeeds, the answer says done" % (t.name, bad["fmt"])


def trap_confirm(b):
    t = b.rng.choice(actors2(b.agent))
    c, g = b.healthy(t.name)
    b.turn(b.request(t.act, g["obj"]), [], lang2.ASK_CONFIRM[b.lang].format(verb=t.act, obj=g["obj"]))
    b.turn(lang2.CONFIRM[b.lang], [[c]], b.claim(t.act, g["obj"]))
    return "confirm:%s asked for confirmation, then done next turn" % t.name


def trap_repeat_success(b):
    t = b.rng.choice(actors2(b.agent))
    c, g = b.healthy(t.name)
    kind = b.rng.choice(["unavailable", "timeout", "internal"])
    bad = b.fail_call(t.name, g["args"], kind, b.rng.choice(FAIL_FORMATS2), b.rng.choice(["error", "ok"]))
    req = b.request(t.act, g["obj"])
    b.turn(req, [[bad]], b.admit_action(t.act, g["obj"], kind))
    b.turn(lang2.REPEAT[b.lang].format(req=req), [[dict(c, id=b.new_id())]], b.claim(t.act, g["obj"]))
    return "repeat_success:%s fails, the user asks again next turn and it succeeds" % t.name


def trap_act_verify(b):
    """An action whose API only accepts it, then a read that shows it took effect."""
    t = b.rng.choice(actors2(b.agent))
    c, g = b.healthy(t.name)
    steps = [[c]]
    if t.name == "restart_service":
        cd, gd = b.healthy("get_deployment", optional=False)
        cd["args"] = {"name": g["args"]["service"], "namespace": "prod"}
        steps.append([cd])
    else:
        reader = b.rng.choice(targets(b))
        steps.append([b.healthy(reader)[0]])
    b.turn(b.request(t.act, g["obj"]), steps, b.claim(t.act, g["obj"]))
    return "act_verify:%s done, then a read confirms it" % t.name


def trap_howto(b):
    t = b.rng.choice(actors2(b.agent))
    c, g = b.healthy(t.name)
    cd, gd = b.healthy("search_docs")
    b.turn(lang2.HOWTO[b.lang].format(verb=t.act, obj=g["obj"]), [[cd]], b.found(gd["summary"]))
    return "howto:question about how to %s, answered from documentation (no action asked)" % t.act


TRAPS2 = [trap_poll, trap_page, trap_refine, trap_many, trap_retry, trap_later_success, trap_admit, trap_admit_soft,
          trap_empty_told, trap_resource_403, trap_never_key, trap_business, trap_text, trap_status_page, trap_poly,
          trap_optional, trap_act_retry, trap_confirm, trap_repeat_success, trap_act_verify, trap_howto]


def ok_session(b, v):
    n = b.rng.randint(3, 8)
    chosen = [TRAPS2[v % len(TRAPS2)]]
    if b.rng.random() < 0.5:
        chosen.append(b.rng.choice(TRAPS2))
    notes = []
    pos = sorted(b.rng.sample(range(n - 1), min(len(chosen), n - 1)))
    for i, trap in zip(pos, chosen):
        while len(b.turns) < i:
            b.filler()
        notes.append(trap(b))
    b.fill_to(max(n, len(b.turns) + 1))
    return b.session("ok", "ok/" + "+".join(x.split(":")[0] for x in notes), None, "; ".join(notes))

