"""Tool error bodies for the dev2 split, in encodings the first corpus does not use: JSON-RPC
2.0, OData (v2 and v4), Slack `ok:false`, ASP.NET/Zalando problem+json, SOAP 1.2 with
WS-Security subcodes, Python tracebacks, Feign and .NET exception texts, Spring Boot error
JSON, Kubernetes Status objects, JSON:API `errors`, Salesforce error arrays, Twilio and Okta
errors, raw `WWW-Authenticate` responses, Hasura JWT errors, an SSO login page served with 200,
IIS and Cloudflare error pages, curl/psql texts; and other "empty" results."""

import json

from lang2 import ERROR_TEXT2, ERROR_WORD2

HTTP = {"auth_expired": 401, "auth_invalid": 401, "forbidden": 403, "unavailable": 503,
        "timeout": 504, "internal": 500, "rate_limited": 429}
REASON = {401: "Unauthorized", 403: "Forbidden", 503: "Service Unavailable", 504: "Gateway Timeout",
          500: "Internal Server Error", 429: "Too Many Requests"}

JSONRPC = {"auth_expired": (-32001, "token_expired"), "auth_invalid": (-32001, "invalid_credentials"),
           "forbidden": (-32003, "forbidden"), "unavailable": (-32000, "upstream_unavailable"),
           "timeout": (-32000, "upstream_timeout"), "internal": (-32603, "internal"),
           "rate_limited": (-32029, "rate_limited")}
ODATA = {"auth_expired": "InvalidAuthenticationToken", "auth_invalid": "InvalidAuthenticationToken",
         "forbidden": "Authorization_RequestDenied", "unavailable": "serviceNotAvailable",
         "timeout": "timeout", "internal": "generalException", "rate_limited": "TooManyRequests"}
SLACK = {"auth_expired": ["token_expired", "token_revoked"], "auth_invalid": ["invalid_auth", "not_authed"],
         "forbidden": ["missing_scope", "not_in_channel"], "unavailable": ["service_unavailable"],
         "timeout": ["request_timeout"], "internal": ["internal_error", "fatal_error"], "rate_limited": ["ratelimited"]}
SOAP12 = {"auth_expired": ("env:Sender", "wsse:MessageExpired"), "auth_invalid": ("env:Sender", "wsse:FailedAuthentication"),
          "forbidden": ("env:Sender", "ns1:AccessDenied"), "unavailable": ("env:Receiver", "ns1:ServiceUnavailable"),
          "timeout": ("env:Receiver", "ns1:Timeout"), "internal": ("env:Receiver", "ns1:InternalError"),
          "rate_limited": ("env:Receiver", "ns1:Throttled")}
K8S = {"auth_expired": "Unauthorized", "auth_invalid": "Unauthorized", "forbidden": "Forbidden",
       "unavailable": "ServiceUnavailable", "timeout": "Timeout", "internal": "InternalError",
       "rate_limited": "TooManyRequests"}
JSONAPI = {"auth_expired": "token_expired", "auth_invalid": "invalid_api_key", "forbidden": "forbidden",
           "unavailable": "service_unavailable", "timeout": "gateway_timeout", "internal": "internal_error",
           "rate_limited": "throttled"}
SALESFORCE = {"auth_expired": "INVALID_SESSION_ID", "auth_invalid": "INVALID_AUTH_HEADER",
              "forbidden": "INSUFFICIENT_ACCESS_OR_READONLY", "unavailable": "SERVER_UNAVAILABLE",
              "timeout": "REQUEST_RUNNING_TOO_LONG", "internal": "UNKNOWN_EXCEPTION",
              "rate_limited": "REQUEST_LIMIT_EXCEEDED"}
TWILIO = {"auth_expired": 20003, "auth_invalid": 20003, "forbidden": 20403, "unavailable": 20503,
          "timeout": 20504, "internal": 20500, "rate_limited": 20429}
OKTA = {"auth_expired": ("E0000011", "Invalid token provided"), "auth_invalid": ("E0000011", "Invalid token provided"),
        "forbidden": ("E0000006", "You do not have permission to perform the requested action"),
        "unavailable": ("E0000010", "Service is in read only mode"),
        "timeout": ("E0000009", "Internal Server Error"), "internal": ("E0000009", "Internal Server Error"),
        "rate_limited": ("E0000047", "API call exceeded rate limit due to too many requests.")}
HASURA = {"auth_expired": ("invalid-jwt", "Could not verify JWT: JWTExpired"),
          "auth_invalid": ("invalid-jwt", "Could not verify JWT: JWSError JWSInvalidSignature"),
          "forbidden": ("access-denied", "field \"orders\" not found in type: 'query_root'"),
          "unavailable": ("postgres-error", "connection error"),
          "timeout": ("postgres-error", "canceling statement due to statement timeout"),
          "internal": ("unexpected", "database query error"),
          "rate_limited": ("rate-limited", "too many requests")}
FEIGN = {401: "Unauthorized", 403: "Forbidden", 503: "ServiceUnavailable", 504: "GatewayTimeout",
         500: "InternalServerError", 429: "TooManyRequests"}
CLOUDFLARE = {"auth_expired": (401, "Access denied"), "auth_invalid": (401, "Access denied"),
              "forbidden": (1020, "Access denied"), "unavailable": (521, "Web server is down"),
              "timeout": (522, "Connection timed out"), "internal": (520, "Web server is returning an unknown error"),
              "rate_limited": (1015, "You are being rate limited")}

# Exception classes the tools raise (the `error` form), by kind: some say what happened, others
# are the generic HTTP client errors real code raises.
EXCEPTION2 = {
    "auth_expired": ["TokenExpiredError", "ExpiredSignatureError", "RefreshError", "InvalidGrantError",
                     "MsalUiRequiredException", "HTTPStatusError", "ClientResponseError", "SlackApiError",
                     "FeignException", "ApiException"],
    "auth_invalid": ["SlackApiError", "HTTPStatusError", "ApiException", "ClientResponseError"],
    "forbidden": ["HTTPStatusError", "ApiException", "ClientResponseError"],
    "unavailable": ["ClientConnectorError", "ServerDisconnectedError", "HTTPStatusError", "RetryError"],
    "timeout": ["ReadTimeout", "ConnectTimeout", "TimeoutException", "HTTPStatusError"],
    "internal": ["HTTPStatusError", "JSONRPCError", "ODataError", "Fault"],
    "rate_limited": ["HTTPStatusError", "SlackApiError", "ApiException"],
}

AUTH_FORMATS2 = ["jsonrpc", "odata", "slack", "problem_aspnet", "soap12", "traceback", "feign", "spring", "k8s",
                 "jsonapi", "salesforce", "twilio", "okta", "www_auth", "hasura", "sso_login", "dotnet", "plain_local",
                 "odata_v4", "mcp_rpc"]
FAIL_FORMATS2 = ["jsonrpc", "odata", "slack", "problem_aspnet", "soap12", "traceback", "feign", "spring", "k8s",
                 "jsonapi", "salesforce", "twilio", "html_iis", "cloudflare", "curl", "psql", "dotnet", "plain_local",
                 "odata_v4", "mcp_rpc"]
# Formats that carry no HTTP status of their own (set no http.response.status_code).
NO_STATUS = {"jsonrpc", "slack", "hasura", "mcp_rpc", "curl", "psql", "traceback", "sso_login"}


def j(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def host(rng):
    return rng.choice(["api.tripmate.example", "pd.example.net", "shop-api.example.com", "ledger.example.net",
                       "graph.example.com"])


def pick_text(kind, lang, rng):
    if rng.random() < 0.5:  # most real APIs answer in English whatever the user's language
        return rng.choice(ERROR_TEXT2[kind]["en"])
    return rng.choice(ERROR_TEXT2[kind].get(lang) or ERROR_TEXT2[kind]["en"])


def render(kind, fmt, lang, rng, text=None):
    """An error body for `kind` in `fmt` (its message `text`, or one picked for `lang`).
    Returns (body, http_status or None, text)."""
    text = text or pick_text(kind, lang, rng)
    status = HTTP[kind]
    h = host(rng)
    path = "/v%d/%s/%d" % (rng.randint(1, 3), rng.choice(["bookings", "orders", "invoices", "incidents", "items"]),
                           rng.randint(1000, 99999))
    if fmt == "jsonrpc":
        code, reason = JSONRPC[kind]
        body = j({"jsonrpc": "2.0", "id": rng.randint(1, 400), "error": {"code": code, "message": text,
                                                                          "data": {"reason": reason}}})
    elif fmt == "mcp_rpc":  # an MCP server's protocol-level error (no `content` at all)
        code, reason = JSONRPC[kind]
        body = j({"jsonrpc": "2.0", "id": rng.randint(1, 400), "error": {"code": code, "message": "%s: %s" % (
            reason, text)}})
    elif fmt == "odata":
        body = j({"error": {"code": ODATA[kind], "message": {"lang": "en-US", "value": text},
                            "innererror": {"request-id": "%08x-%04x" % (rng.getrandbits(32), rng.getrandbits(16)),
                                           "date": "2026-12-07T18:%02d:11" % rng.randint(0, 59)}}})
    elif fmt == "odata_v4":
        body = j({"error": {"code": ODATA[kind], "message": text, "target": None, "details": [],
                            "innererror": {"code": kind.replace("_", "")}}})
    elif fmt == "slack":
        body = j({"ok": False, "error": rng.choice(SLACK[kind]),
                  "response_metadata": {"messages": []}} if rng.random() < 0.4 else
                 {"ok": False, "error": rng.choice(SLACK[kind])})
    elif fmt == "problem_aspnet":  # ASP.NET Core ProblemDetails: often no detail at all
        rfc = {401: "15.5.2", 403: "15.5.4", 503: "15.6.4", 504: "15.6.5", 500: "15.6.1", 429: "6"}[status]
        p = {"type": "https://tools.ietf.org/html/rfc9110#section-" + rfc, "title": REASON[status], "status": status,
             "traceId": "00-%032x-%016x-00" % (rng.getrandbits(128), rng.getrandbits(64))}
        if rng.random() < 0.5:
            p["detail"] = text
        body = j(p)
    elif fmt == "soap12":
        code, sub = SOAP12[kind]
        body = ('<?xml version="1.0" encoding="utf-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
                'xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" '
                'xmlns:ns1="urn:ledger:faults"><env:Body><env:Fault><env:Code><env:Value>%s</env:Value><env:Subcode>'
                '<env:Value>%s</env:Value></env:Subcode></env:Code><env:Reason><env:Text xml:lang="%s">%s</env:Text>'
                '</env:Reason></env:Fault></env:Body></env:Envelope>' % (code, sub, lang, text))
    elif fmt == "traceback":
        frames = ('Traceback (most recent call last):\n  File "/app/tools/client.py", line %d, in call\n'
                  '    resp.raise_for_status()\n  File "/usr/lib/python3.12/site-packages/requests/models.py", '
                  'line 1024, in raise_for_status\n    raise HTTPError(http_error_msg, response=self)\n'
                  % rng.randint(40, 200))
        last = {
            "auth_expired": rng.choice(["requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://%s%s" % (h, path),
                                        "jwt.exceptions.ExpiredSignatureError: Signature has expired",
                                        "google.auth.exceptions.RefreshError: ('invalid_grant: Token has been expired or revoked.', {'error': 'invalid_grant', 'error_description': 'Token has been expired or revoked.'})"]),
            "auth_invalid": "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://%s%s" % (h, path),
            "forbidden": "requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: https://%s%s" % (h, path),
            "unavailable": ("requests.exceptions.ConnectionError: HTTPSConnectionPool(host='%s', port=443): Max retries "
                            "exceeded with url: %s (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection "
                            "object at 0x7f3a2c1d0>: Failed to establish a new connection: [Errno 111] Connection "
                            "refused'))" % (h, path)),
            "timeout": "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='%s', port=443): Read timed out. (read timeout=30)" % h,
            "internal": "requests.exceptions.HTTPError: 500 Server Error: Internal Server Error for url: https://%s%s" % (h, path),
            "rate_limited": "requests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url: https://%s%s" % (h, path),
        }[kind]
        body = frames + last
    elif fmt == "feign":
        if kind == "timeout":
            body = "feign.RetryableException: Read timed out executing GET https://%s%s" % (h, path)
        else:
            inner = j({"error": "invalid_token", "error_description": text}) if kind.startswith("auth") else j(
                {"message": text})
            body = "feign.FeignException$%s: [%d %s] during [GET] to [https://%s%s] [LedgerClient#get(String)]: [%s]" % (
                FEIGN[status], status, REASON[status], h, path, inner)
    elif fmt == "dotnet":
        body = ("System.Net.Http.HttpRequestException: Response status code does not indicate success: %d (%s).\n"
                "   at System.Net.Http.HttpResponseMessage.EnsureSuccessStatusCode()\n"
                "   at Tools.Client.GetAsync(String path) in /src/Tools/Client.cs:line %d" % (
                    status, REASON[status], rng.randint(20, 300)))
    elif fmt == "spring":
        body = j({"timestamp": "2026-12-07T18:%02d:04.120+00:00" % rng.randint(0, 59), "status": status,
                  "error": REASON[status], "message": text, "path": path})
    elif fmt == "k8s":
        msg = text
        if kind == "forbidden":
            msg = ('deployments.apps "%s" is forbidden: User "system:serviceaccount:ops:opspilot" cannot get '
                   'resource "deployments" in API group "apps" in the namespace "prod"' % rng.choice(["billing", "ledger"]))
        elif kind.startswith("auth"):
            msg = "Unauthorized"
        body = j({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": msg,
                  "reason": K8S[kind], "code": status})
    elif fmt == "jsonapi":
        body = j({"errors": [{"status": str(status), "code": JSONAPI[kind], "title": REASON[status], "detail": text}]})
    elif fmt == "salesforce":
        body = j([{"message": text if kind != "auth_expired" else rng.choice([text, "Session expired or invalid"]),
                   "errorCode": SALESFORCE[kind]}])
    elif fmt == "twilio":
        code = TWILIO[kind]
        body = j({"code": code, "message": "Authenticate" if kind.startswith("auth") else text,
                  "more_info": "https://www.twilio.com/docs/errors/%d" % code, "status": status})
    elif fmt == "okta":
        code, summary = OKTA[kind]
        body = j({"errorCode": code, "errorSummary": summary, "errorLink": code,
                  "errorId": "oae%s" % "".join(rng.choice("abcdefXYZ0123456789") for _ in range(20)), "errorCauses": []})
    elif fmt == "www_auth":
        if kind.startswith("auth"):
            err = "invalid_token"
            body = ('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm="api", error="%s", '
                    'error_description="%s"\r\nContent-Length: 0\r\n\r\n' % (err, text))
        else:
            body = "HTTP/1.1 %d %s\r\nRetry-After: %d\r\nContent-Length: 0\r\n\r\n" % (status, REASON[status],
                                                                                       rng.choice([30, 120]))
    elif fmt == "hasura":
        code, msg = HASURA[kind]
        body = j({"errors": [{"extensions": {"path": "$", "code": code}, "message": msg}]})
    elif fmt == "sso_login":  # the gateway followed a redirect to the identity provider: 200 + a login page
        body = ('<!DOCTYPE html><html dir="ltr" lang="%s"><head><title>Sign in to your account</title>'
                '<meta name="robots" content="none"></head><body><form name="f1" method="post" '
                'action="https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=%s&amp;'
                'prompt=login"><div>Sign in</div><input type="email" name="loginfmt" placeholder="Email, phone, or '
                'Skype"><input type="submit" value="Next"></form></body></html>' % (lang, "%08x" % rng.getrandbits(32)))
    elif fmt == "html_iis":
        if status == 503:
            body = ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n'
                    '<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n<META HTTP-EQUIV="Content-Type" '
                    'Content="text/html; charset=us-ascii"></HEAD>\r\n<BODY><h2>Service Unavailable</h2>\r\n'
                    '<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n</BODY></HTML>\r\n')
        else:
            body = ('<!DOCTYPE html><html><head><title>%d - %s</title></head><body><div id="header"><h1>Server Error'
                    '</h1></div><div id="content"><div class="content-container"><fieldset><h2>%d - %s.</h2><h3>%s'
                    '</h3></fieldset></div></div></body></html>' % (status, REASON[status], status, REASON[status], text))
    elif fmt == "cloudflare":
        code, title = CLOUDFLARE[kind]
        body = ('<!DOCTYPE html><html lang="en-US"><head><title>%s | %d: %s</title></head><body><div id="cf-wrapper">'
                '<h1><span class="cf-error-type">Error</span> <span class="cf-error-code">%d</span></h1>'
                '<h2 class="cf-subheadline">%s</h2><span>Cloudflare Ray ID: <strong>%016x</strong></span></div>'
                '</body></html>' % (h, code, title, code, title, rng.getrandbits(64)))
    elif fmt == "curl":
        body = {"timeout": "curl: (28) Operation timed out after 30001 milliseconds with 0 bytes received",
                "unavailable": "curl: (7) Failed to connect to %s port 443 after 3 ms: Couldn't connect to server" % h,
                "internal": "curl: (22) The requested URL returned error: 500",
                "rate_limited": "curl: (22) The requested URL returned error: 429",
                "forbidden": "curl: (22) The requested URL returned error: 403",
                "auth_expired": "curl: (22) The requested URL returned error: 401",
                "auth_invalid": "curl: (22) The requested URL returned error: 401"}[kind]
    elif fmt == "psql":
        body = {"timeout": "ERROR:  canceling statement due to statement timeout",
                "unavailable": 'psql: error: connection to server at "db-2" (10.0.3.7), port 5432 failed: Connection refused',
                "internal": "ERROR:  could not read block 4711 in file \"base/16384/24576\": read only 0 of 8192 bytes",
                "rate_limited": "FATAL:  sorry, too many clients already",
                "forbidden": "ERROR:  permission denied for table invoices",
                "auth_expired": 'FATAL:  password authentication failed for user "ledgerbot"',
                "auth_invalid": 'FATAL:  password authentication failed for user "ledgerbot"'}[kind]
    elif fmt == "plain_local":
        body = rng.choice(["%s %d: %s" % (ERROR_WORD2[lang], status, text), "%s - %s" % (ERROR_WORD2[lang], text)])
    else:
        raise ValueError(fmt)
    return body, (None if fmt in NO_STATUS else status), text


def exception(kind, fmt, body, status, rng):
    """(exception type, message) as the tool's client library would raise it."""
    etype = rng.choice(EXCEPTION2[kind])
    h = host(rng)
    if etype == "HTTPStatusError" and status:
        msg = ("Client error '%d %s' for url 'https://%s/v2/resource'\nFor more information check: "
               "https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/%d" % (status, REASON[status], h, status)
               if status < 500 else "Server error '%d %s' for url 'https://%s/v2/resource'" % (status, REASON[status], h))
    elif etype == "ClientResponseError" and status:
        msg = "%d, message='%s', url=URL('https://%s/v2/resource')" % (status, REASON[status], h)
    elif etype == "SlackApiError":
        msg = ("The request to the Slack API failed. (url: https://www.slack.com/api/conversations.history)\n"
               "The server responded with: %s" % body.replace('"ok":false', "'ok': False"))
    else:
        msg = body if len(body) < 600 else body[-300:]
    return etype, msg


# Empty results: the call "succeeded" but carried nothing where the tool normally returns data.
EMPTY2 = [
    lambda rng, key, lang: j({"value": []}),
    lambda rng, key, lang: j({"hits": {"total": {"value": 0, "relation": "eq"}, "max_score": None, "hits": []}}),
    lambda rng, key, lang: "[]",
    lambda rng, key, lang: j({"totalSize": 0, "done": True, "records": []}),
    lambda rng, key, lang: "",
    lambda rng, key, lang: j({"data": {key: None}}),
    lambda rng, key, lang: j({"jsonrpc": "2.0", "id": rng.randint(1, 99), "result": None}),
    lambda rng, key, lang: '<?xml version="1.0" encoding="UTF-8"?><response><results count="0"/></response>',
    lambda rng, key, lang: "None",
    lambda rng, key, lang: {"en": "No records found.", "it": "Nessun risultato trovato.", "nl": "Geen resultaten gevonden.",
                            "zh": "未找到记录。", "ko": "조회된 데이터가 없습니다.", "es": "No se encontraron registros."}[lang],
    lambda rng, key, lang: j({"count": 0, "next": None, "previous": None, "results": []}),
    lambda rng, key, lang: j({"ok": True, "items": [], "response_metadata": {"next_cursor": ""}}),
]
# Empty forms of a particular API, used for its tool.
EMPTY_OF = {
    "query_metrics": lambda rng: j({"status": "success", "data": {"resultType": "matrix", "result": []}}),
    "search_logs": lambda rng: j({"took": rng.randint(2, 30), "timed_out": False,
                                  "hits": {"total": {"value": 0, "relation": "eq"}, "max_score": None, "hits": []}}),
    "list_transactions": lambda rng: j({"@odata.context": "$metadata#Transactions", "value": []}),
}


def empty(rng, key, lang, i=None, tool=None):
    if tool in EMPTY_OF and rng.random() < 0.6:
        return EMPTY_OF[tool](rng)
    f = EMPTY2[i % len(EMPTY2)] if i is not None else rng.choice(EMPTY2)
    return f(rng, key, lang)
