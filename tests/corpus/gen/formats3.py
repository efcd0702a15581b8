"""Tool error bodies for the dev3 split, in encodings neither earlier split uses: Microsoft Graph
(`innerError`), Jira/Zendesk (`errorMessages`, `{"error":"Couldn't authenticate you"}`), Shopify
(`{"errors": "..."}`), PayPal (`{"name":"AUTHENTICATION_FAILURE",...}`), Firebase Auth REST,
PostgREST/Supabase (`PGRST301`, `42501`), AWS SDK v3 errors with `$metadata.httpStatusCode`, Node
(axios), Java (Spring RestTemplate), Ruby (Faraday) and PHP (Guzzle) stack traces, Laravel's 419
"Page Expired", Django, Rails, nginx, Envoy and Apache error pages, gRPC-Gateway JSON with
`google.rpc.ErrorInfo` details, Apollo federation errors, errors carried as `warnings` of an
otherwise-200 `{"data":...}`, a SAML assertion expiry, localized plain text; and other "empty"
results (FHIR empty bundles, Relay connections without edges, `{"total":0}`, CSV headers only,
"(0 rows)", YAML `[]`, MCP resources with no text, localized "no results")."""

import json

from lang3 import ERROR_TEXT3, ERROR_WORD3, NO_RESULTS3

HTTP = {"auth_expired": 401, "auth_invalid": 401, "forbidden": 403, "unavailable": 503,
        "timeout": 504, "internal": 500, "rate_limited": 429}
REASON = {401: "Unauthorized", 403: "Forbidden", 503: "Service Unavailable", 504: "Gateway Timeout",
          500: "Internal Server Error", 429: "Too Many Requests", 502: "Bad Gateway", 419: "Page Expired"}

GRAPH = {"auth_expired": "InvalidAuthenticationToken", "auth_invalid": "InvalidAuthenticationToken",
         "forbidden": "ErrorAccessDenied", "unavailable": "serviceNotAvailable", "timeout": "timeout",
         "internal": "generalException", "rate_limited": "activityLimitReached"}
PAYPAL = {"auth_expired": ("AUTHENTICATION_FAILURE", "Authentication failed due to invalid authentication credentials "
                           "or a missing Authorization header."),
          "auth_invalid": ("AUTHENTICATION_FAILURE", "Authentication failed due to invalid authentication credentials "
                           "or a missing Authorization header."),
          "forbidden": ("NOT_AUTHORIZED", "Authorization failed due to insufficient permissions."),
          "unavailable": ("SERVICE_UNAVAILABLE", "Service Unavailable."),
          "timeout": ("INTERNAL_SERVICE_ERROR", "An internal service error has occurred."),
          "internal": ("INTERNAL_SERVER_ERROR", "An internal server error has occurred."),
          "rate_limited": ("RATE_LIMIT_REACHED", "Too many requests. Blocked due to rate limiting.")}
FIREBASE = {"auth_expired": "TOKEN_EXPIRED", "auth_invalid": "INVALID_ID_TOKEN", "forbidden": "PERMISSION_DENIED",
            "unavailable": "UNAVAILABLE", "timeout": "DEADLINE_EXCEEDED", "internal": "INTERNAL",
            "rate_limited": "QUOTA_EXCEEDED"}
POSTGREST = {"auth_expired": ("PGRST301", "JWT expired"), "auth_invalid": ("PGRST301", "JWSError JWSInvalidSignature"),
             "forbidden": ("42501", "permission denied for table %s"), "unavailable": ("PGRST001",
                                                                                        "Database client error. Retrying the connection."),
             "timeout": ("57014", "canceling statement due to statement timeout"),
             "internal": ("XX000", "internal error"), "rate_limited": ("PGRST000", "Could not connect with the database "
                                                                      "due to too many connections")}
AWS = {"auth_expired": ("ExpiredTokenException", 400, "The security token included in the request is expired"),
       "auth_invalid": ("UnrecognizedClientException", 400, "The security token included in the request is invalid."),
       "forbidden": ("AccessDeniedException", 400, "User: arn:aws:sts::123456789012:assumed-role/agent/session is not "
                     "authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-1:123456789012:"
                     "table/records"),
       "unavailable": ("ServiceUnavailable", 503, "Service is unable to handle request."),
       "timeout": ("TimeoutError", 504, "Connection timed out after 30000 ms"),
       "internal": ("InternalServerError", 500, "Internal server error"),
       "rate_limited": ("ThrottlingException", 400, "Rate exceeded")}
GRPC_GW = {"auth_expired": (16, "ACCESS_TOKEN_EXPIRED"), "auth_invalid": (16, "API_KEY_INVALID"),
           "forbidden": (7, "IAM_PERMISSION_DENIED"), "unavailable": (14, "SERVICE_UNAVAILABLE"),
           "timeout": (4, "TIMEOUT"), "internal": (13, "INTERNAL"), "rate_limited": (8, "RATE_LIMIT_EXCEEDED")}
APOLLO = {"auth_expired": "UNAUTHENTICATED", "auth_invalid": "UNAUTHENTICATED", "forbidden": "FORBIDDEN",
          "unavailable": "SUBREQUEST_HTTP_ERROR", "timeout": "SUBREQUEST_HTTP_ERROR", "internal": "INTERNAL_SERVER_ERROR",
          "rate_limited": "RATE_LIMITED"}
WARN = {"auth_expired": "CREDENTIALS_EXPIRED", "auth_invalid": "CREDENTIALS_INVALID", "forbidden": "ACCESS_DENIED",
        "unavailable": "SOURCE_UNAVAILABLE", "timeout": "SOURCE_TIMEOUT", "internal": "SOURCE_ERROR",
        "rate_limited": "SOURCE_THROTTLED"}
RUBY = {401: "Faraday::UnauthorizedError", 403: "Faraday::ForbiddenError", 503: "Faraday::ServerError",
        504: "Faraday::TimeoutError", 500: "Faraday::ServerError", 429: "Faraday::TooManyRequestsError"}
JAVA = {401: "HttpClientErrorException$Unauthorized", 403: "HttpClientErrorException$Forbidden",
        503: "HttpServerErrorException$ServiceUnavailable", 504: "HttpServerErrorException$GatewayTimeout",
        500: "HttpServerErrorException$InternalServerError", 429: "HttpClientErrorException$TooManyRequests"}

# Exception classes the tools raise (the `error` form), by kind.
EXCEPTION3 = {
    "auth_expired": ["AxiosError", "GraphError", "PostgrestError", "ExpiredTokenException", "FirebaseAuthError",
                     "ClientException", "UnauthorizedError", "HttpClientErrorException", "ApolloError",
                     "TokenExpiredError"],
    "auth_invalid": ["AxiosError", "ClientException", "UnauthorizedError", "GraphError"],
    "forbidden": ["AxiosError", "ClientException", "ForbiddenError", "PostgrestError"],
    "unavailable": ["AxiosError", "ServerException", "ConnectionFailed", "ServiceUnavailable"],
    "timeout": ["AxiosError", "TimeoutError", "ConnectTimeout", "DeadlineExceeded"],
    "internal": ["AxiosError", "ServerException", "ApolloError", "InternalServerError"],
    "rate_limited": ["AxiosError", "ThrottlingException", "TooManyRequestsError"],
}

AUTH_FORMATS3 = ["graph", "jira", "zendesk", "shopify", "paypal", "firebase", "postgrest", "aws_v3", "node_axios",
                 "java_rest", "ruby_faraday", "php_guzzle", "laravel_419", "grpc_gateway", "apollo", "data_warnings",
                 "saml", "session_page", "plain_local", "mcp_resource_error"]
FAIL_FORMATS3 = ["graph", "jira", "zendesk", "shopify", "paypal", "firebase", "postgrest", "aws_v3", "node_axios",
                 "java_rest", "ruby_faraday", "php_guzzle", "grpc_gateway", "apollo", "data_warnings", "nginx", "envoy",
                 "apache", "rails", "django", "plain_local", "mcp_resource_error"]
# Formats that carry no HTTP status of their own (no http.response.status_code on the span).
NO_STATUS = {"apollo", "data_warnings", "session_page", "envoy", "plain_local", "mcp_resource_error", "node_axios",
             "ruby_faraday"}


def j(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def host(rng):
    return rng.choice(["api.homekey.example", "lms.example.edu", "rx-api.pharmacare.example", "graph.microsoft.com",
                       "freight-api.example.net", "xyzcompany.supabase.co"])


def req_id(rng):
    return "%08x-%04x-%04x-%04x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(16),
                                          rng.getrandbits(16), rng.getrandbits(48))


def pick_text(kind, lang, rng):
    if rng.random() < 0.5:
        return rng.choice(ERROR_TEXT3[kind]["en"])
    return rng.choice(ERROR_TEXT3[kind].get(lang) or ERROR_TEXT3[kind]["en"])


def render(kind, fmt, lang, rng, text=None):
    """An error body for `kind` in `fmt`. Returns (body, http_status or None, text)."""
    text = text or pick_text(kind, lang, rng)
    status = HTTP[kind]
    h = host(rng)
    path = "/api/%s/%d" % (rng.choice(["leases", "courses", "rx", "entries", "containers", "records"]),
                           rng.randint(1000, 99999))
    if fmt == "graph":
        body = j({"error": {"code": GRAPH[kind], "message": text, "innerError": {
            "date": "2026-12-07T22:%02d:%02d" % (rng.randint(0, 59), rng.randint(0, 59)), "request-id": req_id(rng),
            "client-request-id": req_id(rng)}}})
    elif fmt == "jira":
        msg = {"auth_expired": "You are not authenticated. Authentication required to perform this operation.",
               "auth_invalid": "You are not authenticated. Authentication required to perform this operation.",
               "forbidden": "You do not have the permission to see the specified issue."}.get(kind, text)
        body = j({"errorMessages": [msg] + ([text] if kind == "auth_expired" and rng.random() < 0.5 else []),
                  "errors": {}})
    elif fmt == "zendesk":
        if kind.startswith("auth"):
            body = j({"error": "Couldn't authenticate you"}) if rng.random() < 0.5 else j(
                {"error": {"title": "Couldn't authenticate you", "message": text}})
        elif kind == "forbidden":
            body = j({"error": "Forbidden", "description": "You do not have access to this page. Please contact the "
                                                           "account owner of this help desk for further help."})
        else:
            body = j({"error": REASON[status].replace(" ", ""), "description": text})
    elif fmt == "shopify":
        if kind.startswith("auth"):
            body = j({"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"})
        else:
            body = j({"errors": text})
    elif fmt == "paypal":
        name, msg = PAYPAL[kind]
        body = j({"name": name, "message": msg, "debug_id": "%013x" % rng.getrandbits(52),
                  "details": [{"issue": name, "description": text}] if rng.random() < 0.5 else [],
                  "links": [{"href": "https://developer.paypal.com/api/rest/authentication/", "rel": "information_link"}]})
    elif fmt == "firebase":
        c = FIREBASE[kind]
        code_ = 400 if kind == "auth_expired" else status
        body = j({"error": {"code": code_, "message": c, "errors": [{"message": c, "domain": "global",
                                                                     "reason": "invalid"}]}})
        status = code_
    elif fmt == "postgrest":
        c, msg = POSTGREST[kind]
        if "%s" in msg:
            msg = msg % rng.choice(["leases", "prescriptions", "entries"])
        body = j({"code": c, "details": None, "hint": None, "message": msg})
    elif fmt == "aws_v3":
        name, st, msg = AWS[kind]
        body = j({"name": name, "$fault": "client" if st < 500 else "server", "$metadata": {
            "httpStatusCode": st, "requestId": req_id(rng), "attempts": rng.randint(1, 3), "totalRetryDelay": 0},
            "__type": "com.amazonaws.dynamodb.v20120810#" + name if rng.random() < 0.5 else name, "message": msg})
        status = st
    elif fmt == "node_axios":
        inner = j({"message": text}) if rng.random() < 0.5 else j({"error": text})
        body = ("AxiosError: Request failed with status code %d\n    at settle (/app/node_modules/axios/lib/core/"
                "settle.js:19:12)\n    at IncomingMessage.handleStreamEnd (/app/node_modules/axios/lib/adapters/"
                "http.js:599:11)\n    at IncomingMessage.emit (node:events:531:35)\n    at Axios.request (/app/node_modules/"
                "axios/lib/core/Axios.js:45:41)\n    at async Tool.run (/app/dist/tools/%s.js:%d:22) {\n  code: '%s',\n"
                "  response: { status: %d, data: %s }\n}" % (
                    status, rng.choice(["lease", "course", "rx", "entry"]), rng.randint(10, 90),
                    "ERR_BAD_REQUEST" if status < 500 else "ERR_BAD_RESPONSE", status, inner))
        if kind == "timeout":
            body = ("AxiosError: timeout of 30000ms exceeded\n    at RedirectableRequest.handleRequestTimeout "
                    "(/app/node_modules/axios/lib/adapters/http.js:647:16)\n    at async Tool.run (/app/dist/tools/"
                    "entry.js:41:22) {\n  code: 'ECONNABORTED'\n}")
        elif kind == "unavailable":
            body = ("Error: connect ECONNREFUSED 10.0.%d.%d:443\n    at TCPConnectWrap.afterConnect [as oncomplete] "
                    "(node:net:1611:16) {\n  errno: -111,\n  code: 'ECONNREFUSED',\n  syscall: 'connect'\n}" % (
                        rng.randint(0, 9), rng.randint(2, 250)))
    elif fmt == "java_rest":
        inner = j({"error": "invalid_token", "error_description": text}) if kind.startswith("auth") else j(
            {"message": text})
        body = ("org.springframework.web.client.%s: %d %s: \"%s\"\n\tat org.springframework.web.client."
                "HttpClientErrorException.create(HttpClientErrorException.java:106)\n\tat org.springframework.web."
                "client.DefaultResponseErrorHandler.handleError(DefaultResponseErrorHandler.java:183)\n\tat "
                "org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:915)\n\tat com.example."
                "tools.RestTool.call(RestTool.java:%d)" % (JAVA[status], status, REASON[status], inner.replace('"', "'"),
                                                           rng.randint(30, 200)))
        if kind == "timeout":
            body = ("org.springframework.web.client.ResourceAccessException: I/O error on GET request for \"https://%s%s\""
                    ": Read timed out\n\tat org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:"
                    "926)\nCaused by: java.net.SocketTimeoutException: Read timed out" % (h, path))
    elif fmt == "ruby_faraday":
        body = ("%s: the server responded with status %d\n/usr/local/bundle/gems/faraday-2.9.0/lib/faraday/response/"
                "raise_error.rb:%d:in `on_complete'\n/app/lib/tools/client.rb:%d:in `fetch'\nresponse body: %s" % (
                    RUBY[status], status, rng.randint(20, 60), rng.randint(10, 90), j({"error": text})))
        if kind == "timeout":
            body = ("Faraday::TimeoutError: Net::ReadTimeout with #<TCPSocket:(closed)>\n/usr/local/lib/ruby/3.3.0/"
                    "net/protocol.rb:229:in `rbuf_fill'\n/app/lib/tools/client.rb:%d:in `fetch'" % rng.randint(10, 90))
        elif kind == "unavailable":
            body = ("Faraday::ConnectionFailed: Failed to open TCP connection to %s:443 (Connection refused - connect(2) "
                    "for \"%s\" port 443)\n/app/lib/tools/client.rb:%d:in `fetch'" % (h, h, rng.randint(10, 90)))
    elif fmt == "php_guzzle":
        resp = j({"error": "token_expired", "message": text}) if kind == "auth_expired" else j({"message": text})
        cls = "ClientException" if status < 500 else "ServerException"
        body = ("PHP Fatal error:  Uncaught GuzzleHttp\\Exception\\%s: %s error: `GET https://%s%s` resulted in a "
                "`%d %s` response:\n%s\n in /var/www/vendor/guzzlehttp/guzzle/src/Exception/RequestException.php:%d\n"
                "Stack trace:\n#0 /var/www/vendor/guzzlehttp/guzzle/src/Middleware.php(72): GuzzleHttp\\Exception\\"
                "RequestException::create()\n#1 /var/www/app/Tools/Client.php(%d): GuzzleHttp\\Client->request()" % (
                    cls, "Client" if status < 500 else "Server", h, path, status, REASON[status], resp,
                    rng.randint(100, 130), rng.randint(20, 99)))
    elif fmt == "laravel_419":  # the session behind a CSRF-protected form expired
        body = ('<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Page Expired</title></head>\n'
                '<body class="antialiased"><div class="flex items-center"><div class="px-4 text-lg text-gray-500 '
                'border-r border-gray-400 tracking-wider">419</div><div class="ml-4 text-lg text-gray-500 uppercase '
                'tracking-wider">Page Expired</div></div></body>\n</html>')
        status = 419
    elif fmt == "grpc_gateway":
        c, reason = GRPC_GW[kind]
        body = j({"code": c, "message": text, "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                                          "reason": reason, "domain": "freight.example.net",
                                                          "metadata": {"service": "entries.v1"}}]})
    elif fmt == "apollo":
        body = j({"errors": [{"message": ("Context creation failed: " if kind.startswith("auth") else "") + text,
                              "extensions": {"code": APOLLO[kind], "serviceName": rng.choice(["accounts", "records",
                                                                                              "inventory"])}}],
                  "data": None})
    elif fmt == "data_warnings":  # 200 OK, nothing in data, the reason is a warning
        body = j({"data": [], "warnings": [{"code": WARN[kind], "message": text, "source": rng.choice(
            ["upstream", "registry", "core-api"])}], "meta": {"partial": True}})
    elif fmt == "saml":
        body = j({"error": "saml_assertion_expired", "message": text if "SAML" in text or "assertion" in text else
                  "SAML assertion expired (NotOnOrAfter 2026-12-07T21:%02d:00Z); re-authenticate with the identity "
                  "provider" % rng.randint(0, 59), "idp": "https://sso.example.com/saml2"})
    elif fmt == "session_page":  # the API gateway answers with the web login page, 200
        body = ('<!doctype html><html><head><title>Session expired</title></head><body><main><h1>Your session has '
                'expired</h1><p>%s</p><a class="btn" href="/login?next=%s">Sign in again</a></main></body></html>' % (
                    text, path))
    elif fmt == "nginx":
        st = {"unavailable": 502, "timeout": 504, "internal": 500, "rate_limited": 429, "forbidden": 403,
              "auth_expired": 401, "auth_invalid": 401}[kind]
        body = ("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n"
                "<hr><center>nginx/1.25.4</center>\r\n</body>\r\n</html>\r\n" % (st, REASON[st], st, REASON[st]))
        status = st
    elif fmt == "envoy":
        body = {"unavailable": "upstream connect error or disconnect/reset before headers. reset reason: connection "
                               "failure, transport failure reason: delayed connect error: 111",
                "timeout": "upstream request timeout",
                "internal": "upstream connect error or disconnect/reset before headers. reset reason: overflow",
                "rate_limited": "local_rate_limited", "forbidden": "RBAC: access denied",
                "auth_expired": "Jwt is expired", "auth_invalid": "Jwt verification fails"}[kind]
    elif fmt == "apache":
        body = ('<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>%d %s</title>\n</head><body>\n'
                '<h1>%s</h1>\n<p>%s</p>\n<hr>\n<address>Apache/2.4.58 (Ubuntu) Server at %s Port 443</address>\n'
                '</body></html>\n' % (status, REASON[status], REASON[status], {
                    503: "The server is temporarily unable to service your request due to maintenance downtime or "
                         "capacity problems. Please try again later.",
                    504: "The gateway did not receive a timely response from the upstream server or application.",
                    500: "The server encountered an internal error or misconfiguration and was unable to complete your "
                         "request.", 429: "Too many requests.",
                    403: "You don't have permission to access this resource.",
                    401: "This server could not verify that you are authorized to access the document requested."}[
                    status], h))
    elif fmt == "rails":
        body = ('<!DOCTYPE html>\n<html>\n<head>\n  <title>We\'re sorry, but something went wrong (%d)</title>\n</head>\n'
                '<body class="rails-default-error-page">\n  <div class="dialog">\n    <div>\n      <h1>We\'re sorry, but '
                'something went wrong.</h1>\n    </div>\n    <p>If you are the application owner check the logs for '
                'more information.</p>\n  </div>\n</body>\n</html>\n' % status)
    elif fmt == "django":
        if kind == "forbidden" or kind.startswith("auth"):
            body = ('<!DOCTYPE html><html lang="en"><head><title>403 Forbidden</title></head><body><div id="summary">'
                    '<h1>Forbidden <span>(403)</span></h1><p>CSRF verification failed. Request aborted.</p></div>'
                    '</body></html>' if kind == "forbidden" else
                    '<!doctype html><html lang="en"><head><title>Server Error (401)</title></head><body><h1>'
                    'Unauthorized (401)</h1><p>%s</p></body></html>' % text)
        else:
            body = ('<!doctype html>\n<html lang="en">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  '
                    '<h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n')
            status = 500
    elif fmt == "plain_local":
        body = rng.choice(["%s %d: %s" % (ERROR_WORD3[lang], status, text), "%s: %s" % (ERROR_WORD3[lang], text), text])
    elif fmt == "mcp_resource_error":
        body = j({"content": [{"type": "text", "text": text}], "isError": True,
                  "_meta": {"status": status, "retryable": kind in ("unavailable", "timeout", "rate_limited")}})
    else:
        raise ValueError(fmt)
    return body, (None if fmt in NO_STATUS else status), text


def exception(kind, fmt, body, status, rng):
    """(exception type, message) as the tool's client library would raise it."""
    etype = rng.choice(EXCEPTION3[kind])
    if fmt in ("node_axios", "java_rest", "ruby_faraday", "php_guzzle"):
        etype = {"node_axios": "AxiosError", "java_rest": "RestClientException", "ruby_faraday": "FaradayError",
                 "php_guzzle": "GuzzleException"}[fmt]
        return etype, body.split("\n")[0]
    if etype == "AxiosError" and status:
        return etype, "Request failed with status code %d" % status
    return etype, body if len(body) < 600 else body[:300]


# Empty results: the call "succeeded" but carried nothing where the tool normally returns data.
EMPTY3 = [
    lambda rng, key, lang: j({"total": 0}),
    lambda rng, key, lang: j({"hits": [], "nbHits": 0, "page": 0}),
    lambda rng, key, lang: j({"data": {key: {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}}}),
    lambda rng, key, lang: "(0 rows)",
    lambda rng, key, lang: j({"resourceType": "Bundle", "type": "searchset", "total": 0}),
    lambda rng, key, lang: NO_RESULTS3[lang],
    lambda rng, key, lang: j({"data": None, "warnings": []}),
    lambda rng, key, lang: j({key: {}}),
    lambda rng, key, lang: "%s: []\n" % key,
    lambda rng, key, lang: j({"items": [], "total_count": 0, "incomplete_results": False}),
    lambda rng, key, lang: j({"result": {"rows": [], "rowCount": 0}}),
    lambda rng, key, lang: "null",
]
# Empty forms of a particular tool's own encoding.
EMPTY_OF = {
    "search_listings": lambda rng: "listing_id,address,beds,rent_usd,available_from\n",
    "get_rate_quote": lambda rng: "carrier\tservice\ttransit_days\tall_in_usd\n",
    "find_pharmacy": lambda rng: "zip: \"%05d\"\npharmacies: []\n" % rng.randint(10000, 99999),
    "get_grades": lambda rng: "| assignment | score | max |\n|---|---|---|",
    "list_appointments": lambda rng: j({"resourceType": "Bundle", "type": "searchset", "total": 0}),
    "list_manifests": lambda rng: j({"data": {"manifests": {"edges": [], "pageInfo": {"hasNextPage": False,
                                                                                       "endCursor": None}}}}),
}


def empty(rng, key, lang, i=None, tool=None):
    if tool in EMPTY_OF and rng.random() < 0.7:
        return EMPTY_OF[tool](rng)
    f = EMPTY3[i % len(EMPTY3)] if i is not None else rng.choice(EMPTY3)
    return f(rng, key, lang)
