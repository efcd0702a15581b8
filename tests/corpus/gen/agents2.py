"""The dev2 split's agents: four services in domains the first corpus does not have (travel
booking, IT operations / incident response, e-commerce returns, accounting). Their tools, result
shapes and naming conventions (Amadeus-like string prices, Prometheus and Elasticsearch bodies,
Xero-like PascalCase invoices, OData lists) differ from the first corpus's agents; a few tool
names are shared with them (get_customer, send_email, search_docs, create_ticket, fetch_url,
get_weather) with yet another result shape per service.

Like agents.py, a tool's `gen(rng)` returns {"args", "result", "summary", "obj"}."""

import string

from agents import S, I, N, Tool, call, day, money, rid

B = {"type": "boolean"}


def pick(rng, xs):
    return rng.choice(xs)


def epoch(rng):
    return 1796000000 + rng.randrange(10 ** 7)


def iso(rng):
    return "2026-%02d-%02dT%02d:%02d:00Z" % (rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                                            rng.choice([0, 15, 30, 45]))


def pnr(rng):
    return "".join(rng.choice(string.ascii_uppercase) for _ in range(6))


# --- shared names, new shapes -------------------------------------------------------------------

def weather2_gen(rng):
    city = pick(rng, ["Rome", "Amsterdam", "Seoul", "Shanghai", "Lisbon", "Milan"])
    t = rng.randint(-3, 33)
    res = {"name": city, "main": {"temp": t + 273.15, "humidity": rng.randint(30, 95)},
           "weather": [{"main": pick(rng, ["Clear", "Clouds", "Rain"]), "description": "scattered clouds"}],
           "dt": epoch(rng)}
    return call({"q": city, "units": "standard"}, res, "%s: %d°C" % (city, t), "the weather in %s" % city)


def send_email2_gen(rng):
    to = pick(rng, ["giulia", "pieter", "wei", "minji", "lucia"]) + "@example.net"
    res = {"accepted": [to], "rejected": [], "messageId": "<%s@mail.example.net>" % rid(rng, "", 10),
           "response": "250 2.0.0 OK queued"}
    return call({"to": to, "subject": pick(rng, ["Your itinerary", "Invoice", "Return label", "Incident update"]),
                 "html": "<p>Hello</p>"}, res, "the email to %s was accepted" % to, "the email to %s" % to)


SEND_EMAIL2 = Tool("send_email", "Send an email through the SMTP relay.", {"to": S, "subject": S, "html": S},
                   send_email2_gen, act="send", required=["to", "subject"])


def search_docs2(topics):
    def gen(rng):
        t = pick(rng, topics)
        res = {"took": rng.randint(2, 40), "hits": [{"path": "/kb/%s.md" % t.replace(" ", "-"), "heading": t.title(),
                                                     "text": "How to handle %s, step by step." % t}]}
        return call({"q": t}, res, "the article on %s explains how to handle it" % t, "the docs on %s" % t)
    return Tool("search_docs", "Full-text search over the internal knowledge base.", {"q": S}, gen)


def get_customer2_gen(rng):
    cid = "C-%06d" % rng.randrange(10 ** 6)
    res = {"customer": {"id": cid, "displayName": pick(rng, ["Giulia Conti", "Pieter de Vries", "Wang Wei",
                                                             "Kim Min-ji", "Lucía Pérez"]),
                        "tier": pick(rng, ["silver", "gold"]), "orders_count": rng.randint(1, 40),
                        "lifetime_value": money(rng, 50, 4000)}}
    return call({"id": cid}, res, "customer %s is %s tier with %d orders" % (
        cid, res["customer"]["tier"], res["customer"]["orders_count"]), "customer %s" % cid)


GET_CUSTOMER2 = Tool("get_customer", "Look up a shop customer.", {"id": S}, get_customer2_gen)


def create_ticket2_gen(rng):
    title = pick(rng, ["Checkout latency", "Disk pressure on db-2", "Certificate renewal", "Flaky canary"])
    key = "OPS-%d" % rng.randint(100, 999)
    res = {"id": str(rng.randint(10000, 99999)), "key": key, "self": "https://jira.example.net/rest/api/2/issue/" + key}
    return call({"summary": title, "project": "OPS"}, res, "ticket %s opened" % key, "a ticket '%s'" % title)


CREATE_TICKET2 = Tool("create_ticket", "Open a Jira issue.", {"summary": S, "project": S}, create_ticket2_gen,
                      act="create")


def fetch_url2_gen(rng):
    url = "https://status.example.net/" + pick(rng, ["api", "payments", "edge"])
    res = {"status_code": 200, "headers": {"content-type": "text/html"},
           "text": "<html><body><h2>All Systems Operational</h2></body></html>"}
    return call({"url": url}, res, "%s shows all systems operational" % url, url)


FETCH_URL2 = Tool("fetch_url", "HTTP GET a URL and return status, headers and text.", {"url": S}, fetch_url2_gen)


# --- TripMate (travel booking) ------------------------------------------------------------------

CITIES = [("FCO", "Rome"), ("AMS", "Amsterdam"), ("ICN", "Seoul"), ("PVG", "Shanghai"), ("MAD", "Madrid"),
          ("LIS", "Lisbon")]


def search_flights_gen(rng):
    (o, _), (d, dn) = rng.sample(CITIES, 2)
    date = day(rng)
    offers = []
    for _ in range(rng.randint(2, 3)):
        carrier = pick(rng, ["AZ", "KL", "KE", "MU", "IB"])
        offers.append({"id": str(rng.randint(1, 99)), "carrier": carrier, "flight_no": "%s%d" % (carrier, rng.randint(100, 999)),
                       "departure": {"iata": o, "at": date + "T%02d:10:00" % rng.randint(6, 20)},
                       "price": {"total": "%.2f" % money(rng, 90, 900), "currency": "EUR"}})
    res = {"meta": {"count": len(offers), "request_id": "%032x" % rng.getrandbits(128)}, "data": offers}
    return call({"origin": o, "destination": d, "date": date}, res, "%d offers %s-%s on %s from %s EUR" % (
        len(offers), o, d, date, min(x["price"]["total"] for x in offers)), "flights %s to %s on %s" % (o, dn, date))


def get_booking_gen(rng):
    p = pnr(rng)
    res = {"pnr": p, "status": "CONFIRMED", "ticketed": True,
           "passengers": [{"name": pick(rng, ["CONTI/GIULIA", "DEVRIES/PIETER", "WANG/WEI"]), "type": "ADT"}],
           "segments": [{"flight_no": "AZ%d" % rng.randint(100, 999), "date": day(rng), "cabin": "Y"}]}
    return call({"pnr": p}, res, "booking %s is confirmed and ticketed" % p, "booking %s" % p)


def flight_status_gen(rng):
    fno = "%s%d" % (pick(rng, ["AZ", "KL", "KE"]), rng.randint(100, 999))
    res = {"flight": fno, "status": "scheduled", "gate": "%s%d" % (pick(rng, "ABCD"), rng.randint(1, 40)),
           "departure": {"scheduled": iso(rng), "delay_min": 0}, "updated_at": epoch(rng)}
    return call({"flight_no": fno, "date": day(rng)}, res, "%s is scheduled from gate %s" % (fno, res["gate"]),
                "flight %s" % fno)


def search_hotels_gen(rng):
    city = pick(rng, ["Rome", "Amsterdam", "Seoul", "Lisbon"])
    hotels = [{"hotel_id": rid(rng, "H", 5), "name": "%s %s" % (pick(rng, ["Hotel", "Albergo", "Stay"]),
                                                               pick(rng, ["Aurora", "Canal", "Hanok", "Sole"])),
               "stars": rng.randint(2, 5), "nightly": money(rng, 60, 400)} for _ in range(3)]
    res = {"results": hotels, "offset": 0, "total": rng.randint(3, 60)}
    return call({"city": city, "checkin": day(rng), "nights": rng.randint(1, 5)}, res,
                "%d hotels in %s from %.0f EUR/night" % (res["total"], city, min(h["nightly"] for h in hotels)),
                "hotels in %s" % city)


def book_hotel_gen(rng):
    h = rid(rng, "H", 5)
    n = rng.randint(1, 5)
    res = {"reservation": {"confirmation": rid(rng, "RSV-", 6), "hotel_id": h, "nights": n, "state": "confirmed"}}
    return call({"hotel_id": h, "checkin": day(rng), "nights": n}, res, "reservation %s confirmed" %
                res["reservation"]["confirmation"], "hotel %s for %d nights" % (h, n))


def rebook_gen(rng):
    p = pnr(rng)
    fno = "KL%d" % rng.randint(100, 999)
    res = {"pnr": p, "new_segment": {"flight_no": fno, "date": day(rng)}, "status": "CONFIRMED", "fare_difference": "0.00"}
    return call({"pnr": p, "new_flight_no": fno}, res, "%s moved to %s" % (p, fno), "booking %s on flight %s" % (p, fno))


def cancel_booking_gen(rng):
    p = pnr(rng)
    res = {"pnr": p, "status": "CANCELLED", "refund": {"amount": "%.2f" % money(rng, 30, 600), "currency": "EUR"}}
    return call({"pnr": p}, res, "booking %s cancelled" % p, "booking %s" % p)


TRIPMATE = {
    "name": "TripMate", "service": "tripmate-agent", "version": "4.0.2", "domain": "travel", "model": "gpt-4o-mini",
    "system": "You are TripMate, a corporate travel assistant. Book only through the tools.",
    "tools": [
        Tool("search_flights", "Search flight offers (GDS).", {"origin": S, "destination": S, "date": S}, search_flights_gen,
             required=["origin", "destination", "date"]),
        Tool("get_booking", "Retrieve a booking (PNR).", {"pnr": S}, get_booking_gen),
        Tool("get_flight_status", "Live status of a flight.", {"flight_no": S, "date": S}, flight_status_gen),
        Tool("search_hotels", "Search hotels in a city; paginate with offset.", {"city": S, "checkin": S, "nights": I,
                                                                                 "offset": I}, search_hotels_gen),
        Tool("book_hotel", "Book a hotel room.", {"hotel_id": S, "checkin": S, "nights": I}, book_hotel_gen, act="book"),
        Tool("rebook_flight", "Move a booking onto another flight.", {"pnr": S, "new_flight_no": S}, rebook_gen,
             act="rebook"),
        Tool("cancel_booking", "Cancel a booking and request the refund.", {"pnr": S}, cancel_booking_gen, act="cancel"),
        Tool("get_weather", "Current weather in a city (OpenWeather).", {"q": S, "units": S}, weather2_gen),
        SEND_EMAIL2, search_docs2(["fare rules", "baggage allowance", "visa on arrival", "travel policy"]),
    ],
}


# --- OpsPilot (IT operations / incident response) -----------------------------------------------

SERVICES = ["checkout-api", "payments-worker", "search-gateway", "auth-service", "billing-cron"]


def list_alerts_gen(rng):
    svc = pick(rng, SERVICES)
    alerts = [{"fingerprint": rid(rng, "", 12), "labels": {"alertname": pick(rng, ["HighLatencyP99", "PodCrashLooping",
                                                                                     "DiskFillingUp"]),
                                                             "service": svc, "severity": pick(rng, ["warning", "page"])},
               "status": {"state": "active"}, "startsAt": iso(rng)} for _ in range(rng.randint(1, 3))]
    return call({"service": svc}, {"alerts": alerts, "count": len(alerts)},
                "%d active alerts on %s" % (len(alerts), svc), "the alerts on %s" % svc)


def get_incident_gen(rng):
    iid = "P%s" % "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(6))
    res = {"incident": {"id": iid, "incident_number": rng.randint(1000, 9999), "title": pick(rng, [
        "Checkout 5xx above SLO", "Search latency regression", "Queue backlog growing"]),
        "status": pick(rng, ["triggered", "acknowledged"]), "urgency": "high",
        "assignments": [{"assignee": {"summary": pick(rng, ["Ana Costa", "Jun Park", "Lars Jansen"])}}],
        "created_at": iso(rng)}}
    return call({"incident_id": iid}, res, "incident %s is %s, assigned to %s" % (
        iid, res["incident"]["status"], res["incident"]["assignments"][0]["assignee"]["summary"]), "incident %s" % iid)


def query_metrics_gen(rng):
    svc = pick(rng, SERVICES)
    q = 'histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket{service="%s"}[5m])) by (le))' % svc
    t0 = epoch(rng)
    vals = [[t0 + 60 * i, "%.3f" % rng.uniform(0.05, 0.9)] for i in range(4)]
    res = {"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {"service": svc}, "values": vals}]}}
    return call({"query": q, "range": "15m"}, res, "p99 latency of %s is %ss" % (svc, vals[-1][1]),
                "the p99 latency of %s" % svc)


def search_logs_gen(rng):
    svc = pick(rng, SERVICES)
    hits = [{"_index": "logs-2026.12", "_source": {"@timestamp": iso(rng), "level": "info", "service": svc,
                                                   "message": pick(rng, ["request completed", "cache warmed",
                                                                         "config reloaded"])}} for _ in range(2)]
    res = {"took": rng.randint(3, 90), "hits": {"total": {"value": rng.randint(2, 500), "relation": "eq"}, "hits": hits}}
    return call({"query": "service:%s" % svc, "since": "1h"}, res, "%d log lines for %s in the last hour, nothing unusual"
                % (res["hits"]["total"]["value"], svc), "the logs of %s" % svc)


def get_deployment_gen(rng):
    name = pick(rng, SERVICES)
    rev = rng.randint(20, 90)
    res = {"metadata": {"name": name, "namespace": "prod"}, "spec": {"replicas": 4},
           "status": {"replicas": 4, "readyReplicas": 4, "updatedReplicas": 4, "observedGeneration": rev},
           "revision": rev}
    return call({"name": name, "namespace": "prod"}, res, "%s runs revision %d with 4/4 replicas ready" % (name, rev),
                "deployment %s" % name)


def restart_gen(rng):
    svc = pick(rng, SERVICES)
    res = {"kind": "Deployment", "name": svc, "restartedAt": iso(rng), "rollout": "started"}
    return call({"service": svc}, res, "%s restarted" % svc, "service %s" % svc)


def rollback_gen(rng):
    name = pick(rng, SERVICES)
    rev = rng.randint(20, 90)
    res = {"name": name, "rolled_back_to": rev, "dry_run": False, "result": "rollback started"}
    return call({"name": name, "revision": rev}, res, "%s rolled back to revision %d" % (name, rev),
                "deployment %s" % name)


def page_oncall_gen(rng):
    team = pick(rng, ["platform-sre", "payments-oncall", "search-team"])
    res = {"incident_key": rid(rng, "ik_", 8), "status": "success", "message": "Event processed", "dedup_key": rid(rng, "", 16)}
    return call({"team": team, "summary": "Checkout error rate above SLO"}, res, "%s was paged" % team,
                "the on-call of %s" % team)


OPSPILOT = {
    "name": "OpsPilot", "service": "opspilot-sre", "version": "1.12.0", "domain": "ops", "model": "gpt-4.1",
    "system": "You are OpsPilot, an incident-response assistant for the SRE team.",
    "tools": [
        Tool("list_alerts", "Active Alertmanager alerts of a service.", {"service": S}, list_alerts_gen),
        Tool("get_incident", "Fetch a PagerDuty incident.", {"incident_id": S}, get_incident_gen),
        Tool("query_metrics", "Run a PromQL range query.", {"query": S, "range": S}, query_metrics_gen),
        Tool("search_logs", "Search the log cluster (Elasticsearch).", {"query": S, "since": S}, search_logs_gen),
        Tool("get_deployment", "Read a Kubernetes deployment and its rollout status.", {"name": S, "namespace": S},
             get_deployment_gen),
        Tool("restart_service", "Rolling-restart a service's deployment.", {"service": S}, restart_gen, act="restart"),
        Tool("rollback_deployment", "Roll a deployment back to a revision; dry_run=true only previews.",
             {"name": S, "revision": I, "dry_run": B}, rollback_gen, act="rollback"),
        Tool("page_oncall", "Trigger a PagerDuty page for a team.", {"team": S, "summary": S}, page_oncall_gen,
             act="page"),
        CREATE_TICKET2, FETCH_URL2, search_docs2(["runbook checkout", "jwt rotation", "disk pressure", "on-call policy"]),
    ],
}


# --- ReturnDesk (e-commerce returns) ------------------------------------------------------------

def order_id(rng):
    return "#%d" % rng.randint(100000, 999999)


def get_order_gen(rng):
    o = order_id(rng)
    items = [{"sku": rid(rng, "SKU-", 5), "title": pick(rng, ["Trail shoes", "Rain jacket", "Desk lamp", "Headphones"]),
              "qty": 1, "price": money(rng, 15, 250)} for _ in range(rng.randint(1, 3))]
    res = {"order_id": o, "fulfillment_status": "fulfilled", "financial_status": "paid", "line_items": items,
           "total_price": "%.2f" % sum(i["price"] for i in items), "currency": "EUR", "delivered_at": iso(rng)}
    return call({"order_id": o}, res, "order %s was delivered, %d items, total %s EUR" % (o, len(items), res["total_price"]),
                "order %s" % o)


def eligibility_gen(rng):
    o = order_id(rng)
    sku = rid(rng, "SKU-", 5)
    res = {"order_id": o, "sku": sku, "eligible": True, "window_ends": day(rng), "reasons": []}
    return call({"order_id": o, "sku": sku}, res, "%s of order %s can be returned until %s" % (sku, o, res["window_ends"]),
                "the return of %s from order %s" % (sku, o))


def get_return_gen(rng):
    rma = rid(rng, "RMA-", 6)
    res = {"rma": rma, "status": "label_sent", "carrier": pick(rng, ["PostNL", "BRT", "CJ Logistics", "SF Express"]),
           "tracking": rid(rng, "TRK", 9), "updated": iso(rng)}
    return call({"rma": rma}, res, "return %s: label sent (%s)" % (rma, res["carrier"]), "return %s" % rma)


def quote_refund_gen(rng):
    o = order_id(rng)
    amt = money(rng, 10, 250)
    res = {"order_id": o, "refundable": "%.2f" % amt, "restocking_fee": "0.00", "currency": "EUR"}
    return call({"order_id": o}, res, "%s EUR of order %s is refundable" % (res["refundable"], o), "order %s" % o)


def list_orders_gen(rng):
    cid = "C-%06d" % rng.randrange(10 ** 6)
    orders = [{"order_id": order_id(rng), "total_price": "%.2f" % money(rng, 20, 300), "status": "fulfilled"}
              for _ in range(3)]
    res = {"orders": orders, "offset": 0, "limit": 3, "total": rng.randint(3, 12), "request_id": rid(rng, "req_", 12)}
    return call({"customer_id": cid, "offset": 0, "limit": 3}, res, "%s has %d orders" % (cid, res["total"]),
                "the orders of %s" % cid)


def return_label_gen(rng):
    o = order_id(rng)
    sku = rid(rng, "SKU-", 5)
    res = {"rma": rid(rng, "RMA-", 6), "label_url": "https://labels.example.net/%s.pdf" % rid(rng, "", 8),
           "order_id": o, "sku": sku}
    return call({"order_id": o, "sku": sku}, res, "return label %s created" % res["rma"],
                "a return label for %s of order %s" % (sku, o))


def issue_refund_gen(rng):
    o = order_id(rng)
    amt = money(rng, 10, 250)
    res = {"refund": {"id": rid(rng, "rf_", 8), "order_id": o, "amount": "%.2f" % amt, "status": "success"}}
    return call({"order_id": o, "amount": amt}, res, "refund of %.2f EUR on %s issued" % (amt, o), "order %s" % o)


RETURNDESK = {
    "name": "ReturnDesk", "service": "returndesk", "version": "3.7.1", "domain": "returns", "model": "gpt-4.1-mini",
    "system": "You are ReturnDesk, a returns and refunds assistant for an online shop.",
    "tools": [
        Tool("get_order", "Fetch an order.", {"order_id": S}, get_order_gen),
        Tool("check_return_eligibility", "Check whether an item can be returned (read-only).",
             {"order_id": S, "sku": S}, eligibility_gen, required=["order_id", "sku"]),
        Tool("get_return", "Status of a return (RMA).", {"rma": S}, get_return_gen),
        Tool("quote_refund", "Compute the refundable amount of an order (read-only, refunds nothing).",
             {"order_id": S}, quote_refund_gen),
        Tool("list_orders", "A customer's orders, offset/limit paginated.", {"customer_id": S, "offset": I, "limit": I},
             list_orders_gen),
        Tool("create_return_label", "Create a prepaid return label and an RMA.", {"order_id": S, "sku": S},
             return_label_gen, act="create", required=["order_id", "sku"]),
        Tool("issue_refund", "Refund an order to the original payment method.", {"order_id": S, "amount": N},
             issue_refund_gen, act="refund"),
        GET_CUSTOMER2, SEND_EMAIL2, search_docs2(["return policy", "refund timelines", "damaged items"]),
    ],
}


# --- LedgerBot (accounting / invoicing) ---------------------------------------------------------

def inv_no(rng):
    return "INV-%04d" % rng.randint(1, 9999)


def get_invoice_gen(rng):
    no = inv_no(rng)
    total = money(rng, 100, 9000)
    res = {"InvoiceID": "%08x-%04x" % (rng.getrandbits(32), rng.getrandbits(16)), "InvoiceNumber": no,
           "Status": "AUTHORISED", "Contact": {"Name": pick(rng, ["Conti Srl", "De Vries BV", "Hanbit Co.", "Nube SL"])},
           "Total": total, "AmountDue": total, "CurrencyCode": "EUR", "DueDate": day(rng)}
    return call({"invoice_number": no}, res, "invoice %s of %.2f EUR is due %s" % (no, total, res["DueDate"]),
                "invoice %s" % no)


def list_transactions_gen(rng):
    acct = pick(rng, ["1200", "1010", "2100"])
    vals = [{"Id": rid(rng, "", 7), "Date": day(rng), "Amount": money(rng, -900, 900), "Description": pick(
        rng, ["Card payment", "SEPA transfer", "Bank fee"])} for _ in range(3)]
    res = {"@odata.context": "$metadata#Transactions", "value": vals}
    return call({"account": acct, "skip": 0}, res, "the last 3 transactions of account %s net %.2f EUR" % (
        acct, sum(v["Amount"] for v in vals)), "the transactions of account %s" % acct)


def account_balance_gen(rng):
    acct = pick(rng, ["1200", "1010", "2100"])
    bal = money(rng, 1000, 90000)
    res = {"account": {"code": acct, "name": pick(rng, ["Bank", "Receivables", "Payables"])}, "balance": bal,
           "currency": "EUR", "as_of": day(rng), "trace_id": "%016x" % rng.getrandbits(64)}
    return call({"account": acct}, res, "account %s balance %.2f EUR" % (acct, bal), "the balance of account %s" % acct)


def report_status_gen(rng):
    rep = rid(rng, "rpt_", 5)
    res = {"report_id": rep, "state": "done", "percent": 100, "download": "https://ledger.example.net/r/%s.xlsx" % rep}
    return call({"report_id": rep}, res, "report %s is ready" % rep, "report %s" % rep)


def reconcile_gen(rng):
    acct = pick(rng, ["1200", "1010"])
    per = "2026-%02d" % rng.randint(1, 11)
    res = {"account": acct, "period": per, "matched": rng.randint(20, 200), "unmatched": 0, "reconciled": True}
    return call({"account": acct, "period": per}, res, "account %s reconciled for %s" % (acct, per),
                "account %s for %s" % (acct, per))


def void_invoice_gen(rng):
    no = inv_no(rng)
    res = {"Invoices": [{"InvoiceNumber": no, "Status": "VOIDED"}]}
    return call({"invoice_number": no}, res, "invoice %s voided" % no, "invoice %s" % no)


def journal_gen(rng):
    amt = money(rng, 100, 5000)
    ref = rid(rng, "JE-", 5)
    res = {"ManualJournalID": "%08x" % rng.getrandbits(32), "Narration": "Accrual %s" % ref, "Status": "POSTED"}
    return call({"narration": "Accrual %s" % ref, "debit": "6100", "credit": "2100", "amount": amt}, res,
                "journal %s posted" % ref, "the accrual journal %s (%.2f EUR)" % (ref, amt))


def send_invoice_gen(rng):
    no = inv_no(rng)
    res = {"InvoiceNumber": no, "SentToContact": True}
    return call({"invoice_number": no}, res, "invoice %s sent" % no, "invoice %s" % no)


LEDGERBOT = {
    "name": "LedgerBot", "service": "ledgerbot", "version": "0.9.4", "domain": "accounting", "model": "gpt-4o",
    "system": "You are LedgerBot, a bookkeeping assistant. All changes go through the accounting tools.",
    "tools": [
        Tool("get_invoice", "Fetch an invoice by number.", {"invoice_number": S}, get_invoice_gen),
        Tool("list_transactions", "Bank transactions of an account (OData, $skip paging).", {"account": S, "skip": I},
             list_transactions_gen),
        Tool("get_account_balance", "Balance of a ledger account.", {"account": S}, account_balance_gen),
        Tool("get_report_status", "Status of an export/report job.", {"report_id": S}, report_status_gen),
        Tool("reconcile_account", "Reconcile a bank account for a period.", {"account": S, "period": S}, reconcile_gen,
             act="reconcile", required=["account", "period"]),
        Tool("void_invoice", "Void an invoice.", {"invoice_number": S}, void_invoice_gen, act="void"),
        Tool("post_journal_entry", "Post a manual journal.", {"narration": S, "debit": S, "credit": S, "amount": N},
             journal_gen, act="post"),
        Tool("send_invoice", "Email an invoice to its contact.", {"invoice_number": S}, send_invoice_gen, act="send"),
        GET_CUSTOMER2, search_docs2(["VAT reverse charge", "period close", "credit notes"]),
    ],
}

AGENTS2 = [TRIPMATE, OPSPILOT, RETURNDESK, LEDGERBOT]


# Integrations whose key never worked (every call fails authentication, everywhere).
def _never2(name, desc, arg):
    def gen(rng):
        v = rid(rng, arg[:2].upper() + "-", 4)
        return call({arg: v}, {arg: v, "ok": True}, "%s for %s" % (name, v), "%s %s" % (arg.replace("_", " "), v))
    return Tool(name, desc, {arg: S}, gen)


NEVER2 = {
    "TripMate": _never2("get_visa_requirements", "Visa rules from the travel-document provider.", "country_code"),
    "OpsPilot": _never2("get_cost_report", "Cloud cost report from the FinOps provider.", "account_id"),
    "ReturnDesk": _never2("verify_address", "Validate a shipping address with the address vendor.", "address_id"),
    "LedgerBot": _never2("get_tax_rates", "Tax rates from the tax-engine vendor.", "region_id"),
}
for _a in AGENTS2:
    _a["tools"].append(NEVER2[_a["name"]])

# Tools whose results travel in MCP `content` envelopes; STRUCTURED ones also carry
# `structuredContent` (MCP 2025-06) next to the text.
MCP_TOOLS2 = {("TripMate", "search_hotels"), ("OpsPilot", "search_logs"), ("ReturnDesk", "get_return"),
              ("LedgerBot", "list_transactions")}
STRUCTURED2 = {("ReturnDesk", "get_return"), ("OpsPilot", "search_logs")}

# Optional fields some healthy results carry and others do not (never a drift).
OPTIONAL2 = {
    "get_booking": {"loyalty_number": lambda rng: "AZ%07d" % rng.randrange(10 ** 7), "remarks": lambda rng: None},
    "get_order": {"discount_codes": lambda rng: ["WELCOME10"], "note": lambda rng: None},
    "get_invoice": {"Reference": lambda rng: "PO-%d" % rng.randint(100, 999), "SentToContact": lambda rng: True},
    "get_deployment": {"annotations": lambda rng: {"kubernetes.io/change-cause": "image bump"}},
    "get_incident": {"priority": lambda rng: None},
}

# Fields a drift may touch: present in every healthy result of the tool.
STABLE2 = {
    "search_flights": ["meta", "data"],
    "get_booking": ["status", "ticketed", "passengers", "segments"],
    "get_flight_status": ["status", "gate", "departure", "updated_at"],
    "search_hotels": ["results", "total"],
    "get_weather": ["main", "weather", "dt"],
    "list_alerts": ["alerts", "count"],
    "get_incident": ["incident"],
    "query_metrics": ["status", "data"],
    "search_logs": ["took", "hits"],
    "get_deployment": ["metadata", "spec", "status", "revision"],
    "get_order": ["fulfillment_status", "line_items", "total_price", "delivered_at"],
    "check_return_eligibility": ["eligible", "window_ends", "reasons"],
    "get_return": ["status", "carrier", "tracking", "updated"],
    "quote_refund": ["refundable", "restocking_fee"],
    "list_orders": ["orders", "total"],
    "get_customer": ["customer"],
    "get_invoice": ["Status", "Total", "AmountDue", "DueDate", "Contact"],
    "list_transactions": ["value"],
    "get_account_balance": ["account", "balance", "as_of"],
    "get_report_status": ["state", "percent"],
}


def readers2(agent):
    """Read tools with a JSON object result that always carries data (failure targets)."""
    return [t.name for t in agent["tools"] if t.act is None and t.name in STABLE2]


def actors2(agent):
    return [t for t in agent["tools"] if t.act]
