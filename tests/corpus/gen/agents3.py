"""The dev3 split's agents: four services in domains neither earlier split has (property
management, education / LMS, pharmacy / telehealth, freight / customs). Written without looking
at spotter's rules. Their results come in shapes the earlier agents do not use: CSV and TSV
tables, YAML, markdown tables, FHIR resources and bundles, a Relay connection, MCP `resource`
content, money in integer cents, epoch milliseconds. A few tool names are shared with earlier
agents (get_customer, send_email, search_docs, create_ticket, get_weather) with yet another
result shape per service.

Like agents.py, a tool's `gen(rng)` returns {"args", "result", "summary", "obj"}; RENDER3 turns
the JSON-able result of a table/YAML tool into the text the tool really returns."""

import string

from agents import S, I, N, Tool, call, rid

B = {"type": "boolean"}
A = {"type": "array", "items": {"type": "string"}}


def pick(rng, xs):
    return rng.choice(xs)


def date(rng, year=2026):
    return "%d-%02d-%02d" % (year, rng.randint(1, 12), rng.randint(1, 28))


def epoch_ms(rng):
    return (1796000000 + rng.randrange(10 ** 7)) * 1000 + rng.randrange(1000)


def stamp(rng):
    return "2026-12-%02dT%02d:%02d:%02d.%03d+00:00" % (rng.randint(1, 7), rng.randint(0, 23), rng.randint(0, 59),
                                                       rng.randint(0, 59), rng.randrange(1000))


def code(rng, n=6):
    return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(n))


# --- renderers: tools whose result is text, not JSON ---------------------------------------------

def to_csv(rows, sep=","):
    cols = list(rows[0]) if rows else []
    out = [sep.join(cols)]
    for r in rows:
        cells = []
        for c in cols:
            v = r.get(c)
            v = "" if v is None else ("true" if v is True else "false" if v is False else str(v))
            cells.append('"%s"' % v if sep in v else v)
        out.append(sep.join(cells))
    return "\n".join(out) + "\n"


def to_yaml(x, indent=0):
    pad = "  " * indent
    lines = []
    if isinstance(x, dict):
        for k, v in x.items():
            if isinstance(v, (dict, list)) and v:
                lines.append("%s%s:" % (pad, k))
                lines.append(to_yaml(v, indent + 1))
            else:
                lines.append("%s%s: %s" % (pad, k, scalar(v)))
    elif isinstance(x, list):
        for v in x:
            if isinstance(v, dict) and v:
                sub = to_yaml(v, indent + 1).split("\n")
                lines.append("%s- %s" % (pad, sub[0].strip()))
                lines += sub[1:]
            else:
                lines.append("%s- %s" % (pad, scalar(v)))
    return "\n".join(lines)


def scalar(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v == [] or v == {}:
        return "[]" if v == [] else "{}"
    if isinstance(v, str) and (":" in v or v[:1].isdigit() or v in ("yes", "no")):
        return '"%s"' % v
    return str(v)


def to_markdown(rows):
    cols = list(rows[0]) if rows else []
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        out.append("| " + " | ".join("" if r.get(c) is None else str(r.get(c)) for c in cols) + " |")
    return "\n".join(out)


# --- HomeKey (property management) -----------------------------------------------------------------

TENANTS = [("Olga", "Sokolova"), ("Marek", "Nowak"), ("Elif", "Yılmaz"), ("Astrid", "Lindqvist"), ("Budi", "Santoso"),
           ("Jonas", "Weber"), ("Grace", "Miller")]
STREETS = ["12 Alder St", "88 Harbor Ave", "301 Pine Ct", "9 Linden Way", "47 Quarry Rd"]


def get_lease_gen(rng):
    lid = "L-%05d" % rng.randrange(10 ** 5)
    fn, ln = pick(rng, TENANTS)
    cents = rng.randrange(90000, 320000, 500)
    res = {"lease": {"id": lid, "unit": "%d%s" % (rng.randint(1, 9), pick(rng, "ABCD")),
                     "tenant": {"first_name": fn, "last_name": ln},
                     "rent": {"amount_cents": cents, "currency": "USD"},
                     "start_date": date(rng), "end_date": date(rng, 2027), "status": "active"}}
    return call({"lease_id": lid}, res, "lease %s (%s %s) is active, rent %.2f USD, ends %s" % (
        lid, fn, ln, cents / 100, res["lease"]["end_date"]), "lease %s" % lid)


def list_units_gen(rng):
    prop = "P-%03d" % rng.randint(1, 400)
    units = [{"unit": "%d%s" % (rng.randint(1, 9), pick(rng, "ABCD")), "beds": rng.randint(0, 3),
              "occupied": rng.random() < 0.7} for _ in range(3)]
    res = {"property": prop, "units": units, "next_cursor": None}
    return call({"property_id": prop}, res, "%s: %d units listed, %d vacant" % (
        prop, len(units), sum(not u["occupied"] for u in units)), "the units of property %s" % prop)


def get_work_order_gen(rng):
    wid = "WO-%d" % rng.randint(10000, 99999)
    res = {"work_order": wid, "state": "scheduled", "trade": pick(rng, ["plumbing", "electrical", "hvac", "appliance"]),
           "vendor": {"name": pick(rng, ["FixRight LLC", "Nordic Pipes", "BrightSpark"]), "phone": "+1-555-01%02d" %
                      rng.randint(0, 99)}, "window": {"from": "2026-12-09T09:00", "to": "2026-12-09T12:00"},
           "updated_ms": epoch_ms(rng)}
    return call({"work_order_id": wid}, res, "%s (%s) is scheduled with %s on 2026-12-09 9-12" % (
        wid, res["trade"], res["vendor"]["name"]), "work order %s" % wid)


def search_listings_gen(rng):
    city = pick(rng, ["Austin", "Denver", "Portland", "Raleigh"])
    beds = rng.randint(1, 3)
    rows = [{"listing_id": "LS%d" % rng.randint(1000, 9999), "address": pick(rng, STREETS) + ", " + city, "beds": beds,
             "rent_usd": rng.randrange(1100, 3400, 25), "available_from": date(rng)} for _ in range(rng.randint(2, 4))]
    return call({"city": city, "beds": beds, "max_rent": 3500}, {"rows": rows},
                "%d listings with %d bedrooms in %s from %d USD" % (len(rows), beds, city, min(r["rent_usd"] for r in rows)),
                "%d-bedroom listings in %s" % (beds, city))


def tenant_ledger_gen(rng):
    tid = "T-%05d" % rng.randrange(10 ** 5)
    entries = [{"posted": date(rng), "type": pick(rng, ["rent", "payment", "late_fee"]),
                "amount_cents": rng.randrange(-250000, 250000, 100)} for _ in range(3)]
    bal = sum(e["amount_cents"] for e in entries)
    res = {"tenant_id": tid, "balance_cents": bal, "entries": entries}
    return call({"tenant_id": tid}, res, "tenant %s balance %.2f USD over %d entries" % (tid, bal / 100, len(entries)),
                "the ledger of tenant %s" % tid)


def get_customer_hk_gen(rng):
    tid = "T-%05d" % rng.randrange(10 ** 5)
    fn, ln = pick(rng, TENANTS)
    res = {"customer_id": tid, "full_name": "%s %s" % (fn, ln), "phone": "+1-555-02%02d" % rng.randint(0, 99),
           "units": ["%d%s" % (rng.randint(1, 9), pick(rng, "ABCD"))], "autopay": rng.random() < 0.6}
    return call({"customer_id": tid}, res, "%s (%s) rents unit %s" % (res["full_name"], tid, res["units"][0]),
                "tenant %s" % tid)


def schedule_viewing_gen(rng):
    ls = "LS%d" % rng.randint(1000, 9999)
    slot = "2026-12-%02dT%02d:00" % (rng.randint(8, 20), rng.randint(9, 17))
    res = {"viewing": {"id": "VW-" + code(rng), "listing_id": ls, "slot": slot, "status": "scheduled"}}
    return call({"listing_id": ls, "slot": slot}, res, "viewing of %s on %s scheduled" % (ls, slot),
                "a viewing of listing %s on %s" % (ls, slot))


def create_ticket_hk_gen(rng):
    unit = "%d%s" % (rng.randint(1, 9), pick(rng, "ABCD"))
    issue = pick(rng, ["leaking faucet", "no heat", "broken dishwasher", "tripped breaker"])
    res = {"ticket": {"number": "HK-%d" % rng.randint(1000, 9999), "queue": "maintenance", "state": "new",
                      "unit": unit}}
    return call({"unit": unit, "issue": issue}, res, "maintenance ticket %s opened" % res["ticket"]["number"],
                "a maintenance ticket for the %s in unit %s" % (issue, unit))


def send_notice_gen(rng):
    tid = "T-%05d" % rng.randrange(10 ** 5)
    kind = pick(rng, ["rent_reminder", "inspection_notice", "water_shutoff"])
    res = {"notice_id": "N-" + code(rng, 8), "kind": kind, "channels": ["email", "portal"], "sent_ms": epoch_ms(rng)}
    return call({"tenant_id": tid, "kind": kind}, res, "%s notice sent to %s" % (kind.replace("_", " "), tid),
                "the %s notice to tenant %s" % (kind.replace("_", " "), tid))


def renew_lease_gen(rng):
    lid = "L-%05d" % rng.randrange(10 ** 5)
    months = pick(rng, [6, 12])
    res = {"lease_id": lid, "term_months": months, "new_end_date": date(rng, 2028), "status": "renewed"}
    return call({"lease_id": lid, "months": months}, res, "lease %s renewed for %d months" % (lid, months),
                "lease %s for %d months" % (lid, months))


def marine_weather_hk_gen(rng):
    city = pick(rng, ["Austin", "Denver", "Portland", "Raleigh"])
    res = {"city": city, "forecast": [{"day": date(rng), "high_f": rng.randint(20, 95), "precip_pct": rng.randint(0, 90)}
                                      for _ in range(2)]}
    return call({"city": city, "days": 2}, res, "%s: high %d°F tomorrow" % (city, res["forecast"][0]["high_f"]),
                "the forecast for %s" % city)


def search_docs_hk(topics):
    def gen(rng):
        t = pick(rng, topics)
        res = {"total": 1, "articles": [{"id": rng.randint(100, 999), "title": t.capitalize(),
                                         "excerpt": "Our policy on %s, in short." % t}]}
        return call({"query": t}, res, "the help article on %s summarises the policy" % t, "the policy on %s" % t)
    return Tool("search_docs", "Search the property manager's policy handbook.", {"query": S}, gen)


HOMEKEY = {
    "name": "HomeKey", "service": "homekey-pm", "version": "2.3.0", "domain": "property", "model": "gpt-4o",
    "system": "You are HomeKey, the assistant of a residential property manager. Act only through the tools.",
    "tools": [
        Tool("get_lease", "Read a lease.", {"lease_id": S}, get_lease_gen),
        Tool("list_units", "Units of a property; pass next_cursor as cursor for the next page.",
             {"property_id": S, "cursor": S}, list_units_gen),
        Tool("get_work_order", "Status of a maintenance work order.", {"work_order_id": S}, get_work_order_gen),
        Tool("search_listings", "Search vacant listings; returns CSV.", {"city": S, "beds": I, "max_rent": I},
             search_listings_gen),
        Tool("get_tenant_ledger", "A tenant's charges and payments (amounts in cents).", {"tenant_id": S},
             tenant_ledger_gen),
        Tool("get_customer", "Tenant profile.", {"customer_id": S}, get_customer_hk_gen),
        Tool("get_weather", "Forecast for a city (used to plan outdoor work).", {"city": S, "days": I},
             marine_weather_hk_gen),
        Tool("schedule_viewing", "Schedule a viewing of a listing.", {"listing_id": S, "slot": S}, schedule_viewing_gen,
             act="schedule", required=["listing_id", "slot"]),
        Tool("create_ticket", "Open a maintenance ticket for a unit.", {"unit": S, "issue": S}, create_ticket_hk_gen,
             act="create", required=["unit", "issue"]),
        Tool("send_notice", "Send a notice to a tenant by email and portal.", {"tenant_id": S, "kind": S}, send_notice_gen,
             act="send", required=["tenant_id", "kind"]),
        Tool("renew_lease", "Renew a lease for a term in months.", {"lease_id": S, "months": I}, renew_lease_gen,
             act="renew"),
        search_docs_hk(["pet deposits", "early termination", "late fees", "subletting"]),
    ],
}


# --- CampusLMS (education / LMS) -------------------------------------------------------------------

COURSES = [("CS101", "Intro to Programming"), ("BIO210", "Cell Biology"), ("HIS150", "World History"),
           ("MAT220", "Linear Algebra"), ("ECO101", "Microeconomics")]
STUDENTS = ["Anya Petrova", "Kacper Wiśniewski", "Deniz Aydın", "Linnea Berg", "Putri Lestari", "Lena Fischer",
            "Tom Baker"]


def get_course_gen(rng):
    c, title = pick(rng, COURSES)
    res = {"course": {"code": c, "title": title, "term": "2026FA", "instructor_ids": ["u%d" % rng.randint(100, 999)
                                                                                     for _ in range(rng.randint(1, 2))],
                      "enrolled": rng.randint(20, 240), "published": True}}
    return call({"course_id": c}, res, "%s %s has %d students enrolled" % (c, title, res["course"]["enrolled"]),
                "course %s" % c)


def list_submissions_gen(rng):
    aid = "A-%d" % rng.randint(100, 999)
    subs = [{"student": pick(rng, STUDENTS), "submitted_at": stamp(rng), "late": rng.random() < 0.2,
             "score": None} for _ in range(3)]
    res = {"assignment_id": aid, "submissions": subs, "nextPageToken": ""}
    return call({"assignment_id": aid}, res, "%d submissions for %s, %d late" % (
        len(subs), aid, sum(s["late"] for s in subs)), "the submissions for assignment %s" % aid)


def get_grades_gen(rng):
    st = pick(rng, STUDENTS)
    c, _ = pick(rng, COURSES)
    rows = [{"assignment": "HW%d" % i, "score": rng.randint(50, 100), "max": 100} for i in range(1, rng.randint(3, 5))]
    avg = sum(r["score"] for r in rows) / len(rows)
    return call({"student": st, "course_id": c}, {"rows": rows}, "%s averages %.0f%% in %s" % (st, avg, c),
                "the grades of %s in %s" % (st, c))


def get_enrollment_gen(rng):
    sid = "S%07d" % rng.randrange(10 ** 7)
    st = pick(rng, STUDENTS)
    cs = rng.sample(COURSES, 2)
    res = {"student": {"id": sid, "name": st}, "enrollments": [{"course": c, "state": "active", "credits": 4}
                                                               for c, _ in cs]}
    return call({"student_id": sid}, res, "%s is enrolled in %s and %s" % (st, cs[0][0], cs[1][0]),
                "the enrollment of student %s" % sid)


def export_status_gen(rng):
    job = "exp_" + code(rng, 8).lower()
    res = {"job": job, "phase": "ready", "progress": 1.0, "file": "https://lms.example.edu/exports/%s.csv" % job}
    return call({"job_id": job}, res, "gradebook export %s is ready" % job, "gradebook export %s" % job)


def search_docs_lms(topics):
    def gen(rng):
        t = pick(rng, topics)
        res = {"query": t, "hits": [{"slug": t.replace(" ", "-"), "title": t.title(), "body": "Instructors can %s from "
                                     "the course settings page." % t}], "hit_count": 1}
        return call({"q": t}, res, "the help center says instructors can %s from course settings" % t, "help on %s" % t)
    return Tool("search_docs", "Search the LMS help center.", {"q": S}, gen)


def send_email_lms_gen(rng):
    st = pick(rng, STUDENTS)
    to = st.split()[0].lower() + "@students.example.edu"
    res = {"status_code": 202, "body": "", "headers": {"X-Message-Id": code(rng, 22)}}
    return call({"to": to, "subject": pick(rng, ["Deadline", "Grade posted", "Welcome"]), "text": "Hi"}, res,
                "the email to %s was accepted" % to, "the email to %s" % to)


def enroll_gen(rng):
    sid = "S%07d" % rng.randrange(10 ** 7)
    c, _ = pick(rng, COURSES)
    res = {"enrollment": {"id": rng.randint(10 ** 5, 10 ** 6), "student_id": sid, "course": c, "state": "active"}}
    return call({"student_id": sid, "course_id": c}, res, "%s enrolled in %s" % (sid, c),
                "student %s in %s" % (sid, c))


def extend_deadline_gen(rng):
    st = pick(rng, STUDENTS)
    aid = "A-%d" % rng.randint(100, 999)
    days = rng.randint(2, 7)
    res = {"override": {"id": rng.randint(1000, 9999), "assignment_id": aid, "student": st, "due_at": stamp(rng)}}
    return call({"student": st, "assignment_id": aid, "days": days}, res, "deadline of %s moved by %d days for %s" % (
        aid, days, st), "the deadline of %s for %s by %d days" % (aid, st, days))


def post_announcement_gen(rng):
    c, _ = pick(rng, COURSES)
    title = pick(rng, ["Midterm room change", "Office hours moved", "Lab 4 released"])
    res = {"id": rng.randint(10 ** 4, 10 ** 5), "title": title, "posted_at": stamp(rng), "published": True}
    return call({"course_id": c, "title": title, "message": "..."}, res, "announcement '%s' posted in %s" % (title, c),
                "the announcement '%s' in %s" % (title, c))


CAMPUS = {
    "name": "CampusLMS", "service": "campus-lms", "version": "5.1.0", "domain": "education", "model": "gpt-4.1-mini",
    "system": "You are the CampusLMS teaching assistant bot. You help instructors manage their courses.",
    "tools": [
        Tool("get_course", "Read a course (MCP resource).", {"course_id": S}, get_course_gen),
        Tool("list_submissions", "Submissions of an assignment, paginated with page_token.",
             {"assignment_id": S, "page_token": S}, list_submissions_gen),
        Tool("get_grades", "A student's grades in a course as a markdown table.", {"student": S, "course_id": S},
             get_grades_gen, required=["student", "course_id"]),
        Tool("get_enrollment", "A student's enrollments.", {"student_id": S}, get_enrollment_gen),
        Tool("get_export_status", "Status of a gradebook export job.", {"job_id": S}, export_status_gen),
        search_docs_lms(["extend a deadline", "drop a student", "reset a quiz attempt", "cross-list sections"]),
        Tool("send_email", "Email a student (SendGrid).", {"to": S, "subject": S, "text": S}, send_email_lms_gen,
             act="send", required=["to", "subject"]),
        Tool("enroll_student", "Enroll a student in a course.", {"student_id": S, "course_id": S}, enroll_gen,
             act="enroll", required=["student_id", "course_id"]),
        Tool("extend_deadline", "Give one student more days on an assignment.", {"student": S, "assignment_id": S,
                                                                               "days": I}, extend_deadline_gen,
             act="extend", required=["student", "assignment_id", "days"]),
        Tool("post_announcement", "Post an announcement to a course.", {"course_id": S, "title": S, "message": S},
             post_announcement_gen, act="post", required=["course_id", "title"]),
    ],
}


# --- PharmaCare (pharmacy / telehealth) ------------------------------------------------------------

DRUGS = [("Atorvastatin", "20 mg"), ("Metformin", "500 mg"), ("Lisinopril", "10 mg"), ("Sertraline", "50 mg"),
         ("Levothyroxine", "75 mcg"), ("Amoxicillin", "500 mg")]


def get_prescription_gen(rng):
    rx = "RX-%d" % rng.randint(100000, 999999)
    d, s = pick(rng, DRUGS)
    res = {"rx": rx, "drug": {"name": d, "strength": s, "ndc": "%05d-%04d-%02d" % (rng.randrange(10 ** 5),
                                                                                    rng.randrange(10 ** 4), rng.randrange(100))},
           "refills_remaining": rng.randint(1, 5), "status": "active", "expires_on": date(rng, 2027),
           "prescriber": {"npi": str(rng.randint(10 ** 9, 2 * 10 ** 9)), "name": pick(rng, ["Dr. Kowalski", "Dr. Öztürk",
                                                                                             "Dr. Ivanova", "Dr. Holm"])}}
    return call({"rx_number": rx}, res, "%s: %s %s, %d refills left, valid until %s" % (
        rx, d, s, res["refills_remaining"], res["expires_on"]), "prescription %s" % rx)


def check_interactions_gen(rng):
    (a, _), (b, _) = rng.sample(DRUGS, 2)
    res = {"checked": 2, "pairs": [{"a": a, "b": b, "severity": pick(rng, ["none", "minor"]),
                                    "note": "No action needed."}]}
    return call({"drugs": [a, b]}, res, "%s + %s: %s interaction" % (a, b, res["pairs"][0]["severity"]),
                "interactions between %s and %s" % (a, b))


def refill_status_gen(rng):
    rid_ = "RF-" + code(rng, 7)
    res = {"refill_id": rid_, "stage": "ready_for_pickup", "store": "#%d" % rng.randint(100, 999),
           "updated": stamp(rng)}
    return call({"refill_id": rid_}, res, "refill %s is ready for pickup at store %s" % (rid_, res["store"]),
                "refill %s" % rid_)


def find_pharmacy_gen(rng):
    z = "%05d" % rng.randint(10000, 99999)
    ph = [{"name": pick(rng, ["CarePlus", "Main St Pharmacy", "HealthHub", "GreenCross"]), "distance_mi": round(
        rng.uniform(0.3, 8), 1), "open_now": True, "drive_thru": rng.random() < 0.5} for _ in range(rng.randint(2, 3))]
    res = {"zip": z, "pharmacies": ph}
    return call({"zip": z, "radius_mi": 10}, res, "%d pharmacies near %s, nearest %s at %.1f mi" % (
        len(ph), z, ph[0]["name"], ph[0]["distance_mi"]), "pharmacies near %s" % z)


def fhir_patient_gen(rng):
    pid = "pat-%d" % rng.randint(10 ** 5, 10 ** 6)
    given, family = pick(rng, [("Olga", "Sokolova"), ("Marek", "Nowak"), ("Elif", "Yılmaz"), ("Astrid", "Lindqvist")])
    res = {"resourceType": "Patient", "id": pid, "name": [{"family": family, "given": [given]}],
           "birthDate": "19%02d-%02d-%02d" % (rng.randint(40, 99), rng.randint(1, 12), rng.randint(1, 28)),
           "telecom": [{"system": "phone", "value": "+1-555-03%02d" % rng.randint(0, 99)}]}
    return call({"patient_id": pid}, res, "patient %s is %s %s, born %s" % (pid, given, family, res["birthDate"]),
                "patient %s" % pid)


def appointments_gen(rng):
    pid = "pat-%d" % rng.randint(10 ** 5, 10 ** 6)
    n = rng.randint(1, 2)
    entries = [{"resource": {"resourceType": "Appointment", "id": "apt-%d" % rng.randint(1000, 9999), "status": "booked",
                             "start": "2026-12-%02dT%02d:30:00Z" % (rng.randint(8, 28), rng.randint(8, 17)),
                             "serviceType": [{"text": pick(rng, ["Video consult", "Medication review"])}]}}
               for _ in range(n)]
    res = {"resourceType": "Bundle", "type": "searchset", "total": n, "entry": entries}
    return call({"patient_id": pid}, res, "%s has %d upcoming appointment(s), next on %s" % (
        pid, n, entries[0]["resource"]["start"][:10]), "the appointments of %s" % pid)


def book_consult_gen(rng):
    pid = "pat-%d" % rng.randint(10 ** 5, 10 ** 6)
    slot = "2026-12-%02dT%02d:00:00Z" % (rng.randint(8, 28), rng.randint(8, 17))
    res = {"resourceType": "Appointment", "id": "apt-%d" % rng.randint(1000, 9999), "status": "booked", "start": slot}
    return call({"patient_id": pid, "slot": slot}, res, "video consult for %s booked at %s" % (pid, slot),
                "a video consult for %s at %s" % (pid, slot))


def request_refill_gen(rng):
    rx = "RX-%d" % rng.randint(100000, 999999)
    res = {"refill_id": "RF-" + code(rng, 7), "rx": rx, "stage": "received", "eta_hours": rng.choice([4, 24])}
    return call({"rx_number": rx}, res, "refill of %s requested (%s)" % (rx, res["refill_id"]), "a refill of %s" % rx)


def transfer_rx_gen(rng):
    rx = "RX-%d" % rng.randint(100000, 999999)
    to = pick(rng, ["CarePlus #214", "HealthHub #88", "GreenCross #301"])
    res = {"transfer": {"rx": rx, "to": to, "state": "completed", "new_rx": "RX-%d" % rng.randint(100000, 999999)}}
    return call({"rx_number": rx, "to_pharmacy": to}, res, "%s transferred to %s" % (rx, to),
                "prescription %s to %s" % (rx, to))


def cancel_appt_gen(rng):
    apt = "apt-%d" % rng.randint(1000, 9999)
    res = {"resourceType": "Appointment", "id": apt, "status": "cancelled", "cancelationReason": {"text": "patient"}}
    return call({"appointment_id": apt}, res, "appointment %s cancelled" % apt, "appointment %s" % apt)


PHARMA = {
    "name": "PharmaCare", "service": "pharmacare-rx", "version": "1.4.2", "domain": "pharmacy", "model": "gpt-4o-mini",
    "system": "You are PharmaCare, a pharmacy and telehealth assistant. Never give dosing advice.",
    "tools": [
        Tool("get_prescription", "Read a prescription.", {"rx_number": S}, get_prescription_gen),
        Tool("check_interactions", "Check drug-drug interactions (read-only).", {"drugs": A, "detail": S},
             check_interactions_gen),
        Tool("get_refill_status", "Status of a refill request.", {"refill_id": S}, refill_status_gen),
        Tool("find_pharmacy", "Pharmacies near a ZIP code; returns YAML.", {"zip": S, "radius_mi": I}, find_pharmacy_gen),
        Tool("get_customer", "Patient record (FHIR Patient).", {"patient_id": S}, fhir_patient_gen),
        Tool("list_appointments", "A patient's appointments (FHIR searchset).", {"patient_id": S}, appointments_gen),
        Tool("book_consult", "Book a telehealth video consult.", {"patient_id": S, "slot": S}, book_consult_gen,
             act="book", required=["patient_id", "slot"]),
        Tool("request_refill", "Submit a refill request to the pharmacy.", {"rx_number": S}, request_refill_gen,
             act="refill"),
        Tool("transfer_prescription", "Transfer a prescription to another pharmacy.", {"rx_number": S, "to_pharmacy": S},
             transfer_rx_gen, act="transfer", required=["rx_number", "to_pharmacy"]),
        Tool("cancel_appointment", "Cancel an appointment.", {"appointment_id": S}, cancel_appt_gen, act="cancel"),
    ],
}


# --- FreightDesk (freight forwarding / customs) ----------------------------------------------------

PORTS = [("NLRTM", "Rotterdam"), ("DEHAM", "Hamburg"), ("PLGDN", "Gdańsk"), ("TRMER", "Mersin"), ("IDTPP", "Tanjung Priok"),
         ("SEGOT", "Gothenburg"), ("USLAX", "Los Angeles")]


def container_no(rng):
    return pick(rng, ["MSCU", "MAEU", "CMAU", "HLXU"]) + "%07d" % rng.randrange(10 ** 7)


def customs_entry_gen(rng):
    e = "%s-%07d-%d" % (code(rng, 3), rng.randrange(10 ** 7), rng.randint(0, 9))
    port, pname = pick(rng, PORTS)
    lines = [{"hts": "%04d.%02d.%04d" % (rng.randint(1000, 9999), rng.randint(10, 99), rng.randint(0, 9999)),
              "value_usd": rng.randint(2000, 90000)} for _ in range(rng.randint(1, 3))]
    res = {"entry_no": e, "port_code": port, "status": "under_review",
           "duties": {"assessed": "%.2f" % (sum(l["value_usd"] for l in lines) * 0.034), "currency": "USD"},
           "lines": lines, "filed_at": epoch_ms(rng)}
    return call({"entry_no": e}, res, "entry %s at %s is under review, duties %s USD" % (
        e, pname, res["duties"]["assessed"]), "customs entry %s" % e)


def classify_gen(rng):
    what = pick(rng, ["laptop computers", "cotton t-shirts", "lithium batteries", "ceramic tiles", "bicycle parts"])
    res = {"query": what, "candidates": [{"code": "%04d.%02d" % (rng.randint(1000, 9999), rng.randint(10, 99)),
                                          "confidence": round(rng.uniform(0.6, 0.97), 2),
                                          "text": "Heading for %s" % what} for _ in range(2)]}
    return call({"description": what}, res, "%s classify as %s (%.0f%%)" % (
        what, res["candidates"][0]["code"], res["candidates"][0]["confidence"] * 100), "the HS code of %s" % what)


def track_container_gen(rng):
    cn = container_no(rng)
    (p1, n1), (p2, n2) = rng.sample(PORTS, 2)
    res = {"container": cn, "events": [{"code": "VD", "location": p1, "at": stamp(rng)},
                                       {"code": "TS", "location": p2, "at": stamp(rng)}], "eta": date(rng),
           "vessel": pick(rng, ["MSC Aurora", "Maersk Kiel", "CMA CGM Rhone"])}
    return call({"container_no": cn}, res, "%s left %s, transshipped at %s, ETA %s" % (cn, n1, n2, res["eta"]),
                "container %s" % cn)


def rate_quote_gen(rng):
    (o, on), (d, dn) = rng.sample(PORTS, 2)
    rows = [{"carrier": c, "service": pick(rng, ["FCL 40HC", "FCL 20GP"]), "transit_days": rng.randint(14, 40),
             "all_in_usd": rng.randrange(1200, 6400, 50)} for c in rng.sample(["MSC", "Maersk", "CMA CGM", "Hapag"], 3)]
    best = min(rows, key=lambda r: r["all_in_usd"])
    return call({"origin": o, "destination": d, "mode": "ocean"}, {"rows": rows},
                "cheapest %s-%s is %s at %d USD, %d days" % (o, d, best["carrier"], best["all_in_usd"],
                                                             best["transit_days"]),
                "ocean rates %s to %s" % (on, dn))


def list_manifests_gen(rng):
    vessel = pick(rng, ["MSC Aurora", "Maersk Kiel", "CMA CGM Rhone"])
    edges = [{"node": {"bl": "BL%d" % rng.randint(10 ** 6, 10 ** 7), "containers": rng.randint(1, 6),
                       "consignee": pick(rng, ["Nordhandel AB", "Polmar Sp. z o.o.", "Anadolu Tekstil", "PT Sinar"])}}
             for _ in range(3)]
    res = {"data": {"manifests": {"edges": edges, "pageInfo": {"hasNextPage": False, "endCursor": None}}}}
    return call({"vessel": vessel}, res, "%d bills of lading on %s" % (len(edges), vessel), "the manifests of %s" % vessel)


def port_weather_gen(rng):
    port, name = pick(rng, PORTS)
    res = {"station": port, "obs": {"wind_kts": rng.randint(2, 45), "gust_kts": rng.randint(5, 55),
                                    "wave_m": round(rng.uniform(0.2, 5), 1)}, "observed_ms": epoch_ms(rng)}
    return call({"port": port}, res, "%s: wind %d kts, waves %.1f m" % (name, res["obs"]["wind_kts"], res["obs"]["wave_m"]),
                "the weather at %s" % name)


def file_entry_gen(rng):
    cn = container_no(rng)
    res = {"entry_no": "%s-%07d-%d" % (code(rng, 3), rng.randrange(10 ** 7), rng.randint(0, 9)), "container": cn,
           "status": "filed", "ack": "ACCEPTED"}
    return call({"container_no": cn, "declaration": "ISF+7501"}, res, "customs entry %s filed for %s" % (
        res["entry_no"], cn), "the customs declaration for %s" % cn)


def book_container_gen(rng):
    (o, on), (d, dn) = rng.sample(PORTS, 2)
    res = {"booking": {"ref": "BKG" + code(rng, 7), "origin": o, "destination": d, "equipment": "40HC",
                       "status": "CONFIRMED"}}
    return call({"origin": o, "destination": d, "equipment": "40HC"}, res, "booking %s %s-%s confirmed" % (
        res["booking"]["ref"], o, d), "a 40HC container from %s to %s" % (on, dn))


def release_hold_gen(rng):
    cn = container_no(rng)
    res = {"container": cn, "hold": "CET", "release_request": {"id": "RR-" + code(rng), "state": "submitted"}}
    return call({"container_no": cn}, res, "release request for %s submitted" % cn, "the hold on container %s" % cn)


def create_ticket_fd_gen(rng):
    subj = pick(rng, ["Demurrage dispute", "Damaged cargo", "Missing commercial invoice"])
    res = {"ticket": {"id": rng.randint(10 ** 5, 10 ** 6), "subject": subj, "status": "new", "via": {"channel": "api"}}}
    return call({"subject": subj, "comment": "..."}, res, "ticket #%d opened" % res["ticket"]["id"],
                "a support ticket about '%s'" % subj)


FREIGHT = {
    "name": "FreightDesk", "service": "freightdesk-cx", "version": "0.12.0", "domain": "freight", "model": "gpt-4.1",
    "system": "You are FreightDesk, a freight-forwarding and customs assistant.",
    "tools": [
        Tool("get_customs_entry", "Read a customs entry.", {"entry_no": S}, customs_entry_gen),
        Tool("classify_hs_code", "Suggest HS codes for a goods description (read-only).", {"description": S},
             classify_gen),
        Tool("track_container", "Container milestones and ETA.", {"container_no": S}, track_container_gen),
        Tool("get_rate_quote", "Spot rates between two ports; returns TSV.", {"origin": S, "destination": S, "mode": S},
             rate_quote_gen, required=["origin", "destination"]),
        Tool("list_manifests", "Bills of lading on a vessel (GraphQL connection; pass after=endCursor).",
             {"vessel": S, "after": S}, list_manifests_gen),
        Tool("get_weather", "Observed wind and waves at a port.", {"port": S}, port_weather_gen),
        Tool("file_entry", "File a customs declaration for a container.", {"container_no": S, "declaration": S},
             file_entry_gen, act="file"),
        Tool("book_container", "Book ocean freight.", {"origin": S, "destination": S, "equipment": S}, book_container_gen,
             act="book", required=["origin", "destination"]),
        Tool("request_hold_release", "Request release of a customs hold on a container.", {"container_no": S},
             release_hold_gen, act="release"),
        Tool("create_ticket", "Open a support ticket (Zendesk).", {"subject": S, "comment": S}, create_ticket_fd_gen,
             act="create"),
    ],
}

AGENTS3 = [HOMEKEY, CAMPUS, PHARMA, FREIGHT]


# Integrations whose key never worked (every call fails authentication, everywhere).
def _never3(name, desc, arg):
    def gen(rng):
        v = "%s-%d" % (arg[:3].upper(), rng.randint(1000, 9999))
        return call({arg: v}, {arg: v, "result": "clear"}, "%s for %s" % (name, v), "%s %s" % (arg.replace("_", " "), v))
    return Tool(name, desc, {arg: S}, gen)


NEVER3 = {
    "HomeKey": _never3("get_credit_report", "Tenant credit report from the screening bureau.", "applicant_id"),
    "CampusLMS": _never3("check_originality", "Originality report from the plagiarism vendor.", "submission_id"),
    "PharmaCare": _never3("verify_coverage", "Insurance coverage check with the PBM.", "member_id"),
    "FreightDesk": _never3("screen_parties", "Denied-party screening vendor.", "party_id"),
}
for _a in AGENTS3:
    _a["tools"].append(NEVER3[_a["name"]])

# Results that are text, not JSON: the JSON-able result is rendered by the tool.
RENDER3 = {
    ("HomeKey", "search_listings"): lambda r: to_csv(r["rows"]),
    ("FreightDesk", "get_rate_quote"): lambda r: to_csv(r["rows"], "\t"),
    ("PharmaCare", "find_pharmacy"): lambda r: to_yaml(r) + "\n",
    ("CampusLMS", "get_grades"): lambda r: to_markdown(r["rows"]),
}
# Tools whose results travel as MCP content: "text" envelopes, or embedded "resource" content.
MCP_TEXT3 = {("HomeKey", "get_work_order"), ("FreightDesk", "track_container")}
MCP_RESOURCE3 = {("CampusLMS", "get_course"): "lms://courses/", ("PharmaCare", "get_prescription"): "rx://prescriptions/"}

# Optional fields some healthy results carry and others do not (never a drift).
OPTIONAL3 = {
    "get_lease": {"parking_space": lambda rng: "P%d" % rng.randint(1, 80), "pets": lambda rng: None},
    "get_prescription": {"substitution_allowed": lambda rng: True, "notes": lambda rng: None},
    "get_customs_entry": {"broker_ref": lambda rng: "BR-%d" % rng.randint(100, 999), "hold_reason": lambda rng: None},
    "get_enrollment": {"advisor": lambda rng: {"name": "Dr. Lund"}},
    "track_container": {"last_free_day": lambda rng: date(rng), "seal": lambda rng: None},
}

# Fields a drift may touch: present in every healthy result of the tool.
STABLE3 = {
    "get_lease": ["lease"],
    "list_units": ["units", "property"],
    "get_work_order": ["state", "trade", "vendor", "window", "updated_ms"],
    "search_listings": ["rows"],
    "get_tenant_ledger": ["balance_cents", "entries"],
    "get_customer": ["customer_id", "full_name", "units", "autopay", "resourceType", "name", "birthDate", "telecom"],
    "get_course": ["course"],
    "list_submissions": ["submissions"],
    "get_grades": ["rows"],
    "get_enrollment": ["student", "enrollments"],
    "get_export_status": ["phase", "progress", "file"],
    "get_prescription": ["drug", "refills_remaining", "status", "expires_on", "prescriber"],
    "check_interactions": ["pairs", "checked"],
    "get_refill_status": ["stage", "store", "updated"],
    "find_pharmacy": ["pharmacies"],
    "list_appointments": ["total", "entry"],
    "get_customs_entry": ["status", "duties", "lines", "filed_at", "port_code"],
    "classify_hs_code": ["candidates"],
    "track_container": ["events", "eta", "vessel"],
    "get_rate_quote": ["rows"],
    "list_manifests": ["data"],
    "get_weather": ["forecast", "city", "station", "obs", "observed_ms"],
}


def readers3(agent):
    """Read tools that always carry data (failure targets)."""
    return [t.name for t in agent["tools"] if t.act is None and t.name in STABLE3]


def actors3(agent):
    return [t for t in agent["tools"] if t.act]
