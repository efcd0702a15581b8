"""Tool error bodies in the encodings real APIs use: REST JSON (Google, AWS, Stripe, GitHub,
RFC 7807, OAuth), GraphQL, gRPC status (JSON and text), MCP content envelopes, XML/SOAP, plain
text and HTML error pages; and "empty" results (a lookup that came back with nothing)."""

import json

from lang import ERROR_TEXT, ERROR_WORD

HTTP = {"auth_expired": 401, "auth_invalid": 401, "forbidden": 403, "unavailable": 503,
        "timeout": 504, "internal": 500, "rate_limited": 429}
REASON = {401: "Unauthorized", 403: "Forbidden", 503: "Service Unavailable", 504: "Gateway Timeout",
          500: "Internal Server Error", 429: "Too Many Requests"}
GRPC = {"auth_expired": (16, "Unauthenticated", "UNAUTHENTICATED"),
        "auth_invalid": (16, "Unauthenticated", "UNAUTHENTICATED"),
        "forbidden": (7, "PermissionDenied", "PERMISSION_DENIED"),
        "unavailable": (14, "Unavailable", "UNAVAILABLE"),
        "timeout": (4, "DeadlineExceeded", "DEADLINE_EXCEEDED"),
        "internal": (13, "Internal", "INTERNAL"),
        "rate_limited": (8, "ResourceExhausted", "RESOURCE_EXHAUSTED")}
AWS = {"auth_expired": ("ExpiredTokenException", "ExpiredToken"),
       "auth_invalid": ("UnrecognizedClientException", "InvalidClientTokenId"),
       "forbidden": ("AccessDeniedException", "AccessDenied"),
       "unavailable": ("ServiceUnavailableException", "ServiceUnavailable"),
       "timeout": ("RequestTimeoutException", "RequestTimeout"),
       "internal": ("InternalFailure", "InternalError"),
       "rate_limited": ("ThrottlingException", "Throttling")}
STRIPE = {"auth_expired": ("invalid_request_error", "api_key_expired"),
          "auth_invalid": ("invalid_request_error", "invalid_api_key"),
          "forbidden": ("invalid_request_error", "resource_missing"),
          "unavailable": ("api_error", "service_unavailable"),
          "timeout": ("api_error", "timeout"),
          "internal": ("api_error", "internal_error"),
          "rate_limited": ("rate_limit_error", "rate_limit")}
OAUTH = {"auth_expired": "invalid_token", "auth_invalid": "invalid_client", "forbidden": "insufficient_scope",
         "unavailable": "temporarily_unavailable", "timeout": "temporarily_unavailable",
         "internal": "server_error", "rate_limited": "temporarily_unavailable"}
EXCEPTION = {"auth_expired": ["AuthenticationError", "TokenExpiredError", "PermissionError"],
             "auth_invalid": ["AuthenticationError", "InvalidApiKey"],
             "forbidden": ["PermissionDeniedError", "AccessDenied"],
             "unavailable": ["ServiceUnavailableError", "ConnectionError", "BadGateway"],
             "timeout": ["TimeoutError", "ReadTimeout", "DeadlineExceeded"],
             "internal": ["InternalServerError", "RuntimeError"],
             "rate_limited": ["RateLimitError"]}

FORMATS = ["google", "aws_type", "aws_error", "stripe", "github", "rfc7807", "graphql", "grpc_json",
           "grpc_text", "mcp", "soap", "plain", "html", "oauth", "message_only"]


def j(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def render(kind, fmt, lang, rng):
    """An error body for `kind` in `fmt`, its text in `lang`. Returns (body, http_status, text)."""
    text = rng.choice(ERROR_TEXT[kind].get(lang) or ERROR_TEXT[kind]["en"])
    status = HTTP[kind]
    code, gname, gstatus = GRPC[kind]
    if fmt == "google":
        body = j({"error": {"code": status, "message": text, "status": gstatus}})
    elif fmt == "aws_type":
        body = j({"__type": AWS[kind][0], "message": text})
    elif fmt == "aws_error":
        body = j({"Error": {"Code": AWS[kind][1], "Message": text}, "RequestId": "%08x-1c2d" % rng.getrandbits(32)})
    elif fmt == "stripe":
        typ, c = STRIPE[kind]
        body = j({"error": {"type": typ, "code": c, "message": text}})
    elif fmt == "github":
        body = j({"message": text, "documentation_url": "https://docs.github.com/rest", "status": str(status)})
    elif fmt == "rfc7807":
        body = j({"type": "https://errors.example.net/" + kind.replace("_", "-"), "title": REASON[status],
                  "status": status, "detail": text, "instance": "/v2/req/%06d" % rng.randrange(10**6)})
    elif fmt == "graphql":
        body = j({"data": None, "errors": [{"message": text, "path": ["node"], "extensions": {"code": gstatus}}]})
    elif fmt == "grpc_json":
        body = j({"code": code, "message": text, "details": []})
    elif fmt == "grpc_text":
        body = "rpc error: code = %s desc = %s" % (gname, text)
    elif fmt == "mcp":
        inner = rng.choice(["%s %d: %s" % (ERROR_WORD[lang], status, text), text])
        body = j({"content": [{"type": "text", "text": inner}], "isError": True})
    elif fmt == "soap":
        fault = "soap:Client" if status < 500 else "soap:Server"
        body = ('<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
                "<soap:Body><soap:Fault><faultcode>%s</faultcode><faultstring>%s</faultstring>"
                "<detail><code>%d</code></detail></soap:Fault></soap:Body></soap:Envelope>" % (fault, text, status))
    elif fmt == "plain":
        body = rng.choice(["%s %d: %s" % (ERROR_WORD[lang], status, text), "%s: %s" % (ERROR_WORD[lang], text)])
    elif fmt == "html":
        body = ("<!DOCTYPE html><html><head><title>%d %s</title></head><body><h1>%d %s</h1><p>%s</p>"
                "<hr><address>nginx</address></body></html>" % (status, REASON[status], status, REASON[status], text))
    elif fmt == "oauth":
        body = j({"error": OAUTH[kind], "error_description": text})
    elif fmt == "message_only":
        body = j({"message": text})
    else:
        raise ValueError(fmt)
    return body, status, text


def exception_type(kind, rng):
    return rng.choice(EXCEPTION[kind])


# Empty results: the call "succeeded" but carried no data where the tool normally returns some.
EMPTY = [
    lambda rng, key: j({"results": None}),
    lambda rng, key: j({key: None}),
    lambda rng, key: j({"data": [], "total": 0}),
    lambda rng, key: j({}),
    lambda rng, key: "No data available",
    lambda rng, key: j({"content": [{"type": "text", "text": ""}], "isError": False}),
    lambda rng, key: j({"items": [], "next_cursor": None}),
    lambda rng, key: "null",
]


def empty(rng, key):
    return rng.choice(EMPTY)(rng, key)
