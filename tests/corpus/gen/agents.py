"""The corpus's agents: seven services in different domains, their tools and healthy tool
results. Some tool names (search_docs, send_email, get_customer, create_ticket, fetch_url,
get_weather) are shared across agents, with different result shapes per service.

A tool's `gen(rng)` returns a healthy call: its arguments, its result (JSON-able), a one-line
summary the agent can answer with, and the object it is about ("invoice INV-1042")."""

import string


def rid(rng, prefix, n=4):
    return prefix + "".join(rng.choice(string.digits) for _ in range(n))


def money(rng, lo=10, hi=900):
    return round(rng.uniform(lo, hi), 2)


def day(rng):
    return "2026-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28))


class Tool:
    def __init__(self, name, desc, params, gen, act=None, required=None):
        self.name = name
        self.desc = desc
        self.params = params
        self.gen = gen
        self.act = act  # the action verb for tools that change something, None for readers
        self.required = required or list(params)[:1]

    def schema(self):
        return {"type": "object", "properties": self.params, "required": self.required}


S = {"type": "string"}
I = {"type": "integer"}
N = {"type": "number"}


def call(args, result, summary, obj):
    return {"args": args, "result": result, "summary": summary, "obj": obj}


# --- shared tool names --------------------------------------------------------------------------

def search_docs(topic_words):
    def gen(rng):
        t = rng.choice(topic_words)
        q = "how does %s work" % t
        res = {"query": q, "results": [{"title": "Guide: %s" % t, "snippet": "Step-by-step guide to %s." % t,
                                         "score": round(rng.uniform(0.6, 0.95), 2)}]}
        return call({"query": q, "top_k": 3}, res, "the guide on %s says: step-by-step guide to %s" % (t, t), "the docs on %s" % t)
    return Tool("search_docs", "Search the knowledge base.", {"query": S, "top_k": I}, gen)


def send_email_gen(rng):
    to = rng.choice(["ana", "li", "sam", "noor", "jo"]) + "@example.org"
    subj = rng.choice(["Your receipt", "Follow-up", "Next steps", "Reminder"])
    res = {"id": rid(rng, "msg_", 8), "status": "queued", "to": [to]}
    return call({"to": to, "subject": subj, "body": "Hello, ..."}, res, "email to %s queued" % to, "the email to %s" % to)


SEND_EMAIL = Tool("send_email", "Send an email to a recipient.", {"to": S, "subject": S, "body": S}, send_email_gen,
                  act="send", required=["to", "subject"])


def get_customer_gen(rng):
    cid = rid(rng, "cus_", 5)
    res = {"id": cid, "name": rng.choice(["Ana Ruiz", "Li Wei", "Sam Okoro", "Noor Haddad"]),
           "email": "c%s@example.org" % cid[-3:], "plan": rng.choice(["free", "pro", "team"]),
           "balance": money(rng, 0, 300), "currency": "EUR", "created": day(rng)}
    return call({"customer_id": cid}, res, "customer %s is on the %s plan, balance %.2f EUR" % (cid, res["plan"], res["balance"]),
                "customer %s" % cid)


GET_CUSTOMER = Tool("get_customer", "Fetch a customer record.", {"customer_id": S}, get_customer_gen)


def create_ticket_gen(rng):
    subj = rng.choice(["Login problem", "Refund request", "Laptop replacement", "Access request"])
    res = {"ticket": {"id": rid(rng, "T-", 5), "subject": subj, "priority": "normal", "state": "open"}}
    return call({"subject": subj, "priority": "normal"}, res, "ticket %s opened" % res["ticket"]["id"], "a ticket about '%s'" % subj)


CREATE_TICKET = Tool("create_ticket", "Create a support ticket.", {"subject": S, "priority": S}, create_ticket_gen,
                     act="create")


def fetch_url_gen(rng):
    url = "https://status.example.com/" + rng.choice(["api", "db", "queue"])
    res = {"url": url, "status": 200, "content_type": "text/plain", "body": "All systems operational"}
    return call({"url": url}, res, "%s reports all systems operational" % url, url)


FETCH_URL = Tool("fetch_url", "Fetch a web page or document over HTTP.", {"url": S}, fetch_url_gen)


def get_weather_gen(rng):
    city = rng.choice(["Lyon", "Porto", "Osaka", "Hamburg", "Valencia"])
    res = {"location": {"city": city}, "current": {"temp_c": rng.randint(-2, 31), "wind_kph": rng.randint(0, 40)},
           "alerts": []}
    return call({"city": city}, res, "%s: %d°C" % (city, res["current"]["temp_c"]), "the weather in %s" % city)


GET_WEATHER = Tool("get_weather", "Weather at a delivery location.", {"city": S}, get_weather_gen)


# --- PayDesk (payments) -----------------------------------------------------------------------

def get_payment_gen(rng):
    pid = rid(rng, "pi_", 6)
    amt = money(rng)
    res = {"id": pid, "amount": amt, "currency": "eur", "status": "succeeded", "customer": rid(rng, "cus_", 5),
           "created": day(rng), "payment_method": {"type": "card", "last4": rid(rng, "", 4)}}
    return call({"payment_id": pid}, res, "payment %s of %.2f EUR succeeded" % (pid, amt), "payment %s" % pid)


def list_invoices_gen(rng):
    cid = rid(rng, "cus_", 5)
    data = [{"id": rid(rng, "in_", 5), "amount_due": money(rng), "status": rng.choice(["paid", "open"])} for _ in range(3)]
    res = {"object": "list", "data": data, "has_more": False}
    return call({"customer_id": cid}, res, "%s has %d invoices, %d open" % (cid, 3, sum(d["status"] == "open" for d in data)),
                "the invoices of %s" % cid)


def refund_gen(rng):
    pid = rid(rng, "pi_", 6)
    amt = money(rng, 5, 200)
    res = {"id": rid(rng, "re_", 6), "payment_intent": pid, "amount": amt, "status": "succeeded"}
    return call({"payment_id": pid, "amount": amt}, res, "refund of %.2f EUR on %s succeeded" % (amt, pid), "payment %s" % pid)


def create_invoice_gen(rng):
    cid = rid(rng, "cus_", 5)
    amt = money(rng)
    res = {"id": rid(rng, "in_", 5), "customer": cid, "amount_due": amt, "status": "draft"}
    return call({"customer_id": cid, "amount": amt, "currency": "eur"}, res, "invoice %s drafted for %s" % (res["id"], cid),
                "an invoice for %s" % cid)


def payout_status_gen(rng):
    po = rid(rng, "po_", 6)
    res = {"id": po, "status": "paid", "arrival_date": day(rng), "amount": money(rng, 100, 5000)}
    return call({"payout_id": po}, res, "payout %s is paid" % po, "payout %s" % po)


PAYDESK = {
    "name": "PayDesk", "service": "paydesk-agent", "version": "2.3.0", "domain": "payments",
    "system": "You are PayDesk, a payments operations assistant. Use the tools; never invent amounts.",
    "tools": [
        Tool("get_payment", "Retrieve a payment intent.", {"payment_id": S}, get_payment_gen),
        Tool("list_invoices", "List a customer's invoices, paginated.", {"customer_id": S, "starting_after": S}, list_invoices_gen),
        Tool("refund_payment", "Refund a payment, fully or partly.", {"payment_id": S, "amount": N}, refund_gen, act="refund"),
        Tool("create_invoice", "Create a draft invoice.", {"customer_id": S, "amount": N, "currency": S}, create_invoice_gen,
             act="create"),
        Tool("get_payout_status", "Status of a payout to the bank.", {"payout_id": S}, payout_status_gen),
        GET_CUSTOMER, SEND_EMAIL, search_docs(["refunds", "disputes", "payouts", "invoices"]),
    ],
}


# --- CRMPilot (CRM) ----------------------------------------------------------------------------

def search_contacts_gen(rng):
    q = rng.choice(["Ruiz", "Okoro", "Haddad", "Wei"])
    hits = [{"id": rid(rng, "ct_", 4), "name": "%s %s" % (rng.choice(["Ana", "Sam", "Li"]), q),
             "company": rng.choice(["Acme", "Globex", "Initech"])} for _ in range(rng.randint(1, 3))]
    res = {"hits": hits, "total": len(hits)}
    return call({"query": q}, res, "%d contacts named %s" % (len(hits), q), "contacts named %s" % q)


def list_deals_gen(rng):
    stage = rng.choice(["proposal", "negotiation"])
    deals = [{"id": rid(rng, "dl_", 4), "value": money(rng, 1000, 90000), "stage": stage} for _ in range(3)]
    res = {"deals": deals, "paging": {"next": None}}
    return call({"stage": stage}, res, "3 deals in %s worth %.0f EUR" % (stage, sum(d["value"] for d in deals)),
                "the deals in %s" % stage)


def update_contact_gen(rng):
    ct = rid(rng, "ct_", 4)
    res = {"id": ct, "updated": True, "fields": ["phone"]}
    return call({"contact_id": ct, "phone": "+33 6 %s" % rid(rng, "", 8)}, res, "contact %s updated" % ct, "contact %s" % ct)


def log_call_gen(rng):
    ct = rid(rng, "ct_", 4)
    res = {"activity_id": rid(rng, "act_", 5), "contact_id": ct, "type": "call"}
    return call({"contact_id": ct, "notes": "Discussed renewal"}, res, "call logged for %s" % ct, "a call note for %s" % ct)


def import_status_gen(rng):
    im = rid(rng, "imp_", 4)
    res = {"import_id": im, "state": "completed", "rows": rng.randint(100, 900)}
    return call({"import_id": im}, res, "import %s completed with %d rows" % (im, res["rows"]), "import %s" % im)


def get_notes_gen(rng):
    ct = rid(rng, "ct_", 4)
    res = {"contact_id": ct, "notes": [{"at": day(rng), "text": "Asked about the renewal discount."}]}
    return call({"contact_id": ct}, res, "the last note on %s: asked about the renewal discount" % ct, "the notes on %s" % ct)


CRMPILOT = {
    "name": "CRMPilot", "service": "crm-pilot", "version": "0.9.4", "domain": "crm",
    "system": "You are CRMPilot, a sales CRM assistant.",
    "tools": [
        GET_CUSTOMER,
        Tool("search_contacts", "Search contacts or companies.", {"query": S, "type": S}, search_contacts_gen),
        Tool("list_deals", "List deals in a pipeline stage, paginated.", {"stage": S, "cursor": S}, list_deals_gen),
        Tool("update_contact", "Update a contact's fields.", {"contact_id": S, "phone": S}, update_contact_gen, act="update"),
        Tool("log_call", "Log a call on a contact.", {"contact_id": S, "notes": S}, log_call_gen, act="create"),
        Tool("get_import_status", "Status of a contact import job.", {"import_id": S}, import_status_gen),
        Tool("get_notes", "Read the notes on a contact.", {"contact_id": S}, get_notes_gen),
        CREATE_TICKET, SEND_EMAIL,
    ],
}


# --- CodeSmith (coding) ------------------------------------------------------------------------

def get_pr_gen(rng):
    n = rng.randint(10, 999)
    repo = rng.choice(["acme/api", "acme/web", "acme/infra"])
    res = {"number": n, "title": rng.choice(["Fix flaky test", "Bump deps", "Add retries"]), "state": "open",
           "mergeable": True, "user": {"login": rng.choice(["octo", "dev1", "sam"])}, "labels": [{"name": "ci"}]}
    return call({"repo": repo, "number": n}, res, "PR #%d in %s is open and mergeable" % (n, repo), "PR #%d" % n)


def list_ci_runs_gen(rng):
    repo = rng.choice(["acme/api", "acme/web"])
    runs = [{"id": rng.randint(10**6, 10**7), "conclusion": "success", "head_branch": "main"} for _ in range(3)]
    res = {"total_count": 3, "workflow_runs": runs}
    return call({"repo": repo, "branch": "main"}, res, "the last 3 runs on main in %s passed" % repo, "the CI runs of %s" % repo)


def job_status_gen(rng):
    job = "job-%d" % rng.randint(1000, 9999)
    res = {"job_id": job, "state": "succeeded", "progress": 100}
    return call({"job_id": job}, res, "%s succeeded" % job, "job %s" % job)


def fetch_logs_gen(rng):
    job = "job-%d" % rng.randint(1000, 9999)
    res = "INFO starting %s\nINFO tests passed: 212\nINFO done in 84s" % job
    return call({"job_id": job}, res, "the log of %s shows 212 tests passed" % job, "the log of %s" % job)


def rerun_gen(rng):
    job = "job-%d" % rng.randint(1000, 9999)
    res = {"job_id": job, "rerun_id": "job-%d" % rng.randint(1000, 9999), "state": "queued"}
    return call({"job_id": job}, res, "%s re-queued as %s" % (job, res["rerun_id"]), "pipeline %s" % job)


def create_issue_gen(rng):
    repo = rng.choice(["acme/api", "acme/web"])
    res = {"number": rng.randint(100, 999), "html_url": "https://git.example.com/%s/issues/1" % repo, "state": "open"}
    return call({"repo": repo, "title": "Flaky test in checkout"}, res, "issue #%d opened in %s" % (res["number"], repo),
                "an issue in %s" % repo)


def search_code_gen(rng):
    q = rng.choice(["retry_policy", "parse_config", "OrderService"])
    res = {"total_count": 2, "items": [{"path": "src/%s.py" % q.lower(), "repository": "acme/api"},
                                        {"path": "tests/test_%s.py" % q.lower(), "repository": "acme/api"}]}
    return call({"query": q}, res, "%s is defined in src/%s.py" % (q, q.lower()), "code matching %s" % q)


def check_links_gen(rng):
    url = "https://docs.example.com/" + rng.choice(["install", "api", "faq"])
    res = {"url": url, "status": 200, "ok": True}
    return call({"url": url}, res, "%s is reachable" % url, "the link %s" % url)


CODESMITH = {
    "name": "CodeSmith", "service": "codesmith", "version": "1.12.0", "domain": "coding",
    "system": "You are CodeSmith, a coding assistant with access to the repository host and CI.",
    "tools": [
        Tool("get_pull_request", "Get a pull request.", {"repo": S, "number": I}, get_pr_gen, required=["repo", "number"]),
        Tool("list_ci_runs", "List CI workflow runs, paginated.", {"repo": S, "branch": S, "page": I}, list_ci_runs_gen),
        Tool("get_job_status", "Status of a CI job.", {"job_id": S}, job_status_gen),
        Tool("fetch_logs", "Fetch the log text of a CI job.", {"job_id": S}, fetch_logs_gen),
        Tool("rerun_pipeline", "Re-run a CI pipeline job.", {"job_id": S}, rerun_gen, act="restart"),
        Tool("create_issue", "Open an issue in a repository.", {"repo": S, "title": S}, create_issue_gen, act="create"),
        Tool("search_code", "Search code in the organisation.", {"query": S}, search_code_gen),
        Tool("check_links", "Check whether a URL is reachable.", {"url": S}, check_links_gen),
        search_docs(["branch protection", "CI caching", "error codes"]),
    ],
}


# --- ShipTrack (logistics) ---------------------------------------------------------------------

def track_gen(rng):
    tn = rid(rng, "1Z", 8)
    res = {"trackingNumber": tn, "status": "in_transit", "eta": day(rng),
           "events": [{"at": "Lyon hub", "code": "DEP"}, {"at": "Paris hub", "code": "ARR"}]}
    return call({"tracking_no": tn}, res, "shipment %s is in transit, ETA %s" % (tn, res["eta"]), "shipment %s" % tn)


def get_rates_gen(rng):
    o, d = rng.sample(["FRA", "LYS", "OPO", "KIX", "VLC"], 2)
    res = {"origin": o, "destination": d, "rates": [{"service": "express", "price": money(rng, 20, 90)},
                                                     {"service": "economy", "price": money(rng, 5, 19)}]}
    return call({"origin": o, "destination": d, "weight_kg": rng.randint(1, 30)}, res,
                "express %s→%s costs %.2f EUR" % (o, d, res["rates"][0]["price"]), "rates %s→%s" % (o, d))


def place_lookup_gen(rng):
    q = rng.choice(["Lyon Part-Dieu", "Porto Campanhã", "Osaka Namba"])
    res = {"query": q, "places": [{"name": q, "type": "station", "lat": round(rng.uniform(30, 50), 4),
                                   "lon": round(rng.uniform(-9, 140), 4)}]}
    return call({"query": q}, res, "%s is a station" % q, "the place %s" % q)


def book_pickup_gen(rng):
    d = day(rng)
    res = {"pickup_id": rid(rng, "PU", 6), "date": d, "window": "09:00-12:00", "confirmed": True}
    return call({"address": "12 Rue Garibaldi, Lyon", "date": d}, res, "pickup %s confirmed for %s" % (res["pickup_id"], d),
                "a pickup on %s" % d)


def cancel_shipment_gen(rng):
    tn = rid(rng, "1Z", 8)
    res = {"trackingNumber": tn, "status": "cancelled"}
    return call({"tracking_no": tn}, res, "shipment %s cancelled" % tn, "shipment %s" % tn)


def list_shipments_gen(rng):
    rows = [{"trackingNumber": rid(rng, "1Z", 8), "status": "delivered"} for _ in range(3)]
    res = {"shipments": rows, "next_page_token": None}
    return call({"account": "ACC-77"}, res, "3 shipments, all delivered", "the shipments of ACC-77")


SHIPTRACK = {
    "name": "ShipTrack", "service": "shiptrack", "version": "3.1.1", "domain": "logistics",
    "system": "You are ShipTrack, a logistics assistant for shippers.",
    "tools": [
        Tool("track_shipment", "Track a shipment.", {"tracking_no": S}, track_gen),
        Tool("get_rates", "Quote shipping rates.", {"origin": S, "destination": S, "weight_kg": N}, get_rates_gen,
             required=["origin", "destination"]),
        Tool("place_lookup", "Look up a place by name.", {"query": S}, place_lookup_gen),
        Tool("book_pickup", "Book a courier pickup.", {"address": S, "date": S}, book_pickup_gen, act="book"),
        Tool("cancel_shipment", "Cancel a shipment.", {"tracking_no": S}, cancel_shipment_gen, act="cancel"),
        Tool("list_shipments", "List an account's shipments, paginated.", {"account": S, "page_token": S}, list_shipments_gen),
        GET_WEATHER, SEND_EMAIL,
    ],
}


# --- PeopleOps (HR) ----------------------------------------------------------------------------

def get_employee_gen(rng):
    e = rid(rng, "E", 5)
    res = {"employeeId": e, "name": rng.choice(["Mia Braun", "Hugo Petit", "Inés Gil", "Kenji Sato"]),
           "department": rng.choice(["Finance", "Engineering", "Sales"]), "manager": rid(rng, "E", 5),
           "startDate": day(rng), "leaveBalance": rng.randint(0, 30)}
    return call({"employee_id": e}, res, "%s works in %s with %d leave days left" % (res["name"], res["department"],
                                                                                      res["leaveBalance"]), "employee %s" % e)


def list_leave_gen(rng):
    e = rid(rng, "E", 5)
    items = [{"request_id": rid(rng, "LR", 4), "days": rng.randint(1, 5), "state": "approved"} for _ in range(2)]
    res = {"items": items, "nextCursor": None}
    return call({"employee_id": e}, res, "%s has 2 approved leave requests" % e, "the leave requests of %s" % e)


def approve_leave_gen(rng):
    r = rid(rng, "LR", 4)
    res = {"request_id": r, "state": "approved", "approved_by": "agent"}
    return call({"request_id": r}, res, "leave request %s approved" % r, "leave request %s" % r)


def schedule_interview_gen(rng):
    cand = rng.choice(["A. Costa", "B. Nakamura", "C. Dubois"])
    slot = "%sT%02d:00" % (day(rng), rng.randint(9, 16))
    res = {"interview_id": rid(rng, "INT", 4), "candidate": cand, "slot": slot, "calendar": "sent"}
    return call({"candidate": cand, "slot": slot}, res, "interview with %s set for %s" % (cand, slot),
                "an interview with %s" % cand)


def search_policies_gen(rng):
    t = rng.choice(["parental leave", "remote work", "expenses"])
    res = {"documents": [{"title": "Policy: %s" % t, "excerpt": "Employees may request %s through the portal." % t}]}
    return call({"query": t}, res, "the %s policy: request it through the portal" % t, "the %s policy" % t)


def background_check_gen(rng):
    c = rid(rng, "BC", 4)
    res = {"check_id": c, "status": "clear", "completed": True}
    return call({"check_id": c}, res, "background check %s is clear" % c, "background check %s" % c)


PEOPLEOPS = {
    "name": "PeopleOps", "service": "peopleops-hr", "version": "5.0.2", "domain": "hr",
    "system": "You are PeopleOps, an HR assistant for employees and recruiters.",
    "tools": [
        Tool("get_employee", "Get an employee record.", {"employee_id": S}, get_employee_gen),
        Tool("list_leave_requests", "List leave requests, paginated.", {"employee_id": S, "cursor": S}, list_leave_gen),
        Tool("approve_leave", "Approve a leave request.", {"request_id": S}, approve_leave_gen, act="approve"),
        Tool("schedule_interview", "Schedule a candidate interview.", {"candidate": S, "slot": S}, schedule_interview_gen,
             act="schedule"),
        Tool("search_policies", "Search HR policy documents.", {"query": S}, search_policies_gen),
        Tool("get_background_check", "Status of a background check.", {"check_id": S}, background_check_gen),
        SEND_EMAIL, CREATE_TICKET,
    ],
}


# --- ClinicDesk (clinic scheduling) ------------------------------------------------------------

def find_slots_gen(rng):
    doc = rng.choice(["Dr. Moreau", "Dr. Tanaka", "Dr. Silva"])
    d = day(rng)
    res = {"doctor": doc, "date": d, "slots": [{"slot_id": rid(rng, "S", 4), "time": "%02d:30" % h} for h in (9, 11, 15)]}
    return call({"doctor": doc, "date": d}, res, "%s has 3 free slots on %s" % (doc, d), "slots with %s" % doc)


def book_appt_gen(rng):
    p = rid(rng, "P", 5)
    s = rid(rng, "S", 4)
    res = {"appointment": {"id": rid(rng, "A", 5), "patient": p, "slot": s, "status": "booked"}}
    return call({"patient_id": p, "slot_id": s}, res, "appointment %s booked" % res["appointment"]["id"],
                "an appointment for %s" % p)


def cancel_appt_gen(rng):
    a = rid(rng, "A", 5)
    res = {"appointment": {"id": a, "status": "cancelled"}}
    return call({"appointment_id": a}, res, "appointment %s cancelled" % a, "appointment %s" % a)


def get_patient_gen(rng):
    p = rid(rng, "P", 5)
    res = {"patient_id": p, "name": rng.choice(["L. Martin", "R. Souza", "Y. Mori"]), "dob": "19%02d-0%d-1%d" % (
        rng.randint(40, 99), rng.randint(1, 9), rng.randint(0, 9)), "next_appointment": day(rng), "insurer": "AOK"}
    return call({"patient_id": p}, res, "patient %s, next appointment %s" % (p, res["next_appointment"]), "patient %s" % p)


def send_sms_gen(rng):
    ph = "+49 151 %s" % rid(rng, "", 7)
    res = {"sid": rid(rng, "SM", 10), "status": "queued", "to": ph}
    return call({"phone": ph, "text": "Reminder: your appointment is tomorrow."}, res, "SMS to %s queued" % ph,
                "an SMS reminder to %s" % ph)


def check_insurance_gen(rng):
    p = rid(rng, "P", 5)
    res = {"patient_id": p, "coverage": {"active": True, "plan": "statutory", "copay": money(rng, 0, 20)}}
    return call({"patient_id": p}, res, "coverage of %s is active" % p, "the insurance of %s" % p)


def get_config_gen(rng):
    k = rng.choice(["reminders", "booking"])
    res = "Service: %s\nEnabled: true\nWindow: 24h" % k
    return call({"key": k}, res, "%s is enabled with a 24h window" % k, "the %s settings" % k)


def lab_result_gen(rng):
    lab = rid(rng, "LAB", 4)
    res = {"order_id": lab, "status": "final", "result": "within normal range"}
    return call({"order_id": lab}, res, "lab order %s is final: within normal range" % lab, "lab order %s" % lab)


CLINICDESK = {
    "name": "ClinicDesk", "service": "clinicdesk", "version": "4.7.0", "domain": "clinic",
    "system": "You are ClinicDesk, the scheduling assistant of a medical practice.",
    "tools": [
        Tool("find_slots", "Find free appointment slots.", {"doctor": S, "date": S}, find_slots_gen),
        Tool("book_appointment", "Book an appointment slot.", {"patient_id": S, "slot_id": S}, book_appt_gen, act="book",
             required=["patient_id", "slot_id"]),
        Tool("cancel_appointment", "Cancel an appointment.", {"appointment_id": S}, cancel_appt_gen, act="cancel"),
        Tool("get_patient", "Get a patient record.", {"patient_id": S}, get_patient_gen),
        Tool("send_sms", "Send an SMS message.", {"phone": S, "text": S}, send_sms_gen, act="send"),
        Tool("check_insurance", "Check a patient's insurance coverage.", {"patient_id": S}, check_insurance_gen),
        Tool("get_config", "Read a practice setting.", {"key": S}, get_config_gen),
        Tool("get_lab_result", "Status of a lab order.", {"order_id": S}, lab_result_gen),
    ],
}


# --- DataLens (data analysis) ------------------------------------------------------------------

def run_query_gen(rng):
    t = rng.choice(["orders", "signups", "sessions"])
    sql = "SELECT date, count(*) FROM %s GROUP BY date ORDER BY date DESC LIMIT 3" % t
    rows = [[day(rng), rng.randint(100, 9000)] for _ in range(3)]
    res = {"columns": ["date", "count"], "rows": rows, "row_count": 3}
    return call({"sql": sql}, res, "the latest daily %s count is %d" % (t, rows[0][1]), "the %s query" % t)


def query_status_gen(rng):
    q = rid(rng, "q_", 6)
    res = {"query_id": q, "state": "FINISHED", "rows": rng.randint(1, 5000)}
    return call({"query_id": q}, res, "query %s finished with %d rows" % (q, res["rows"]), "query %s" % q)


def describe_table_gen(rng):
    t = rng.choice(["orders", "users", "events"])
    res = {"table": t, "columns": [{"name": "id", "type": "bigint"}, {"name": "created_at", "type": "timestamp"}],
           "row_estimate": rng.randint(10**4, 10**7)}
    return call({"table": t}, res, "%s has about %d rows" % (t, res["row_estimate"]), "the table %s" % t)


def export_report_gen(rng):
    r = rid(rng, "rep_", 4)
    res = {"report_id": r, "export": {"format": "csv", "url": "https://files.example.com/%s.csv" % r, "ready": True}}
    return call({"report_id": r, "format": "csv"}, res, "report %s exported as CSV" % r, "report %s" % r)


def health_check_gen(rng):
    svc = rng.choice(["warehouse", "ingest", "scheduler"])
    res = {"service": svc, "ok": True, "latency_ms": rng.randint(5, 90)}
    return call({"service": svc}, res, "%s is healthy" % svc, "the %s service" % svc)


def schedule_report_gen(rng):
    r = rid(rng, "rep_", 4)
    res = {"schedule_id": rid(rng, "sch_", 4), "report_id": r, "cron": "0 7 * * 1"}
    return call({"report_id": r, "cron": "0 7 * * 1"}, res, "report %s scheduled every Monday 07:00" % r,
                "a weekly run of report %s" % r)


DATALENS = {
    "name": "DataLens", "service": "datalens", "version": "0.21.3", "domain": "data",
    "system": "You are DataLens, a data-analysis assistant over the company warehouse.",
    "tools": [
        Tool("run_query", "Run a read-only SQL query.", {"sql": S}, run_query_gen),
        Tool("get_query_status", "Status of an asynchronous query.", {"query_id": S}, query_status_gen),
        Tool("describe_table", "Describe a table; detail=full adds column statistics.", {"table": S, "detail": S},
             describe_table_gen),
        Tool("export_report", "Export a report to a file.", {"report_id": S, "format": S}, export_report_gen, act="export"),
        Tool("health_check", "Check a data service's health.", {"service": S}, health_check_gen),
        Tool("schedule_report", "Schedule a recurring report.", {"report_id": S, "cron": S}, schedule_report_gen,
             act="schedule"),
        FETCH_URL, search_docs(["partitioning", "query quotas", "error codes"]),
    ],
}

AGENTS = [PAYDESK, CRMPILOT, CODESMITH, SHIPTRACK, PEOPLEOPS, CLINICDESK, DATALENS]
SPLIT = {"PayDesk": "dev", "CRMPilot": "dev", "CodeSmith": "dev", "ShipTrack": "dev",
         "PeopleOps": "test", "ClinicDesk": "test", "DataLens": "test"}


def tool(agent, name):
    for t in agent["tools"]:
        if t.name == name:
            return t
    raise KeyError(name)


def readers(agent):
    """Read tools with a JSON object result (targets for failures)."""
    out = []
    for t in agent["tools"]:
        if t.act is None and t.name not in ("search_docs", "fetch_url", "get_config", "fetch_logs"):
            out.append(t)
    return out


def actors(agent):
    return [t for t in agent["tools"] if t.act]


# Integrations whose key never worked: these tools fail authentication on every call in the
# corpus (a configuration error the agent reports, not a credential that rotted).
def _never(name, desc, arg):
    def gen(rng):
        v = rid(rng, arg[:2].upper() + "-", 4)
        return call({arg: v}, {arg: v, "ok": True}, "%s for %s" % (name, v), "%s %s" % (arg.replace("_", " "), v))
    return Tool(name, desc, {arg: S}, gen)


NEVER = {
    "PayDesk": _never("get_fx_rate", "Foreign-exchange rate from the treasury provider.", "pair_id"),
    "CRMPilot": _never("enrich_company", "Enrich a company from the data vendor.", "domain_id"),
    "CodeSmith": _never("get_coverage_report", "Coverage report from the coverage service.", "build_id"),
    "ShipTrack": _never("get_customs_status", "Customs clearance status from the broker.", "declaration_id"),
    "PeopleOps": _never("get_payroll_summary", "Payroll summary from the payroll provider.", "period_id"),
    "ClinicDesk": _never("verify_identity", "Verify a patient's identity with the e-ID provider.", "case_id"),
    "DataLens": _never("query_billing_export", "Query the cloud billing export.", "export_id"),
}
for _a in AGENTS:
    _a["tools"].append(NEVER[_a["name"]])

# Tools whose results travel in MCP `content` envelopes (the JSON is a string inside).
MCP_TOOLS = {("CRMPilot", "search_contacts"), ("ClinicDesk", "find_slots"), ("DataLens", "describe_table"),
             ("CodeSmith", "search_code"), ("PeopleOps", "get_background_check")}

# Optional fields some healthy results carry and others do not (never a drift).
OPTIONAL = {
    "get_customer": {"vat_id": lambda rng: "FR%011d" % rng.randrange(10**11), "phone": lambda rng: None},
    "get_employee": {"middleName": lambda rng: "J.", "endDate": lambda rng: None},
    "get_patient": {"allergies": lambda rng: ["penicillin"], "phone": lambda rng: None},
    "track_shipment": {"signedBy": lambda rng: "M. Durand"},
    "get_payment": {"description": lambda rng: "Order 1042", "refunded_amount": lambda rng: 0},
    "get_pull_request": {"merged_at": lambda rng: None, "milestone": lambda rng: {"title": "v2"}},
    "run_query": {"truncated": lambda rng: False},
}

# Fields a drift may touch: present in every healthy result of the tool.
STABLE = {
    "get_payment": ["amount", "status", "created", "payment_method", "currency"],
    "list_invoices": ["data", "has_more"],
    "get_payout_status": ["status", "arrival_date", "amount"],
    "get_customer": ["name", "email", "plan", "balance", "created"],
    "search_contacts": ["hits", "total"],
    "list_deals": ["deals", "paging"],
    "get_import_status": ["state", "rows"],
    "get_notes": ["notes"],
    "get_pull_request": ["title", "state", "mergeable", "user", "labels"],
    "list_ci_runs": ["total_count", "workflow_runs"],
    "get_job_status": ["state", "progress"],
    "search_code": ["total_count", "items"],
    "check_links": ["status", "ok"],
    "track_shipment": ["status", "eta", "events"],
    "get_rates": ["rates", "origin", "destination"],
    "place_lookup": ["places"],
    "list_shipments": ["shipments"],
    "get_weather": ["current", "location", "alerts"],
    "get_employee": ["name", "department", "manager", "startDate", "leaveBalance"],
    "list_leave_requests": ["items"],
    "search_policies": ["documents"],
    "get_background_check": ["status", "completed"],
    "find_slots": ["slots", "doctor", "date"],
    "get_patient": ["name", "dob", "next_appointment", "insurer"],
    "check_insurance": ["coverage"],
    "get_lab_result": ["status", "result"],
    "run_query": ["columns", "rows", "row_count"],
    "get_query_status": ["state", "rows"],
    "describe_table": ["columns", "row_estimate"],
    "health_check": ["ok", "latency_ms"],
}
