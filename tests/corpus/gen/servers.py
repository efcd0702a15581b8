"""Two loopback servers: a fake OpenAI-compatible model that answers from the plan, and a
capture server that stores every OTLP/HTTP request byte for byte with a .meta.json beside it."""

import gzip
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODELS = {"PayDesk": "gpt-4o-mini", "CRMPilot": "gpt-4.1-mini", "CodeSmith": "gpt-4.1", "ShipTrack": "gpt-4o-mini",
          "PeopleOps": "gpt-4.1-mini", "ClinicDesk": "gpt-4o", "DataLens": "gpt-4.1"}
RESPONSE_MODEL = {"gpt-4o-mini": "gpt-4o-mini-2024-07-18", "gpt-4.1-mini": "gpt-4.1-mini-2025-04-14",
                  "gpt-4.1": "gpt-4.1-2025-04-14", "gpt-4o": "gpt-4o-2024-08-06"}


class ModelServer:
    """POST /v1/chat/completions; the header x-corpus-step "<session>/<turn>/<step>" selects the
    scripted reply: the step's tool calls, or the turn's final answer after the last step."""

    def __init__(self, sessions):
        self.sessions = {s["id"]: s for s in sessions}
        self.counter = 0
        self.lock = threading.Lock()
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                req = json.loads(body or b"{}")
                key = self.headers.get("x-corpus-step", "")
                out = outer.reply(key, req)
                data = json.dumps(out).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def reply(self, key, req):
        sid, t, step = key.rsplit("/", 2)
        s = self.sessions[sid]
        turn = s["turns"][int(t)]
        step = int(step)
        with self.lock:
            self.counter += 1
            n = self.counter
        prompt = sum(len(json.dumps(m, ensure_ascii=False)) for m in req.get("messages", [])) // 4 + 40
        model = req.get("model", "gpt-4o-mini")
        if step < len(turn["steps"]):
            calls = [{"id": c["id"], "type": "function",
                      "function": {"name": c["tool"], "arguments": json.dumps(c["args"], ensure_ascii=False)}}
                     for c in turn["steps"][step]]
            msg = {"role": "assistant", "content": None, "tool_calls": calls}
            finish = "tool_calls"
            completion = 12 * len(calls)
        else:
            msg = {"role": "assistant", "content": turn["answer"]}
            finish = "stop"
            completion = max(8, len(turn["answer"]) // 4)
        return {"id": "chatcmpl-corpus%07d" % n, "object": "chat.completion", "created": 1796000000 + n,
                "model": RESPONSE_MODEL.get(model, model), "system_fingerprint": "fp_corpus01",
                "choices": [{"index": 0, "message": msg, "finish_reason": finish, "logprobs": None}],
                "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                          "total_tokens": prompt + completion,
                          "prompt_tokens_details": {"cached_tokens": 0},
                          "completion_tokens_details": {"reasoning_tokens": 0}}}

    def close(self):
        self.httpd.shutdown()


class Capture:
    """One capture server per (library, split) folder; request numbers are global per split, in
    arrival order. A body that arrived uncompressed is stored gzip-compressed (`.gz`, with
    "stored_encoding": "gzip" in its meta) to keep the committed corpus small."""

    counters = {}
    lock = threading.Lock()

    def __init__(self, root, split, library):
        self.dir = os.path.join(root, split, library)
        os.makedirs(self.dir, exist_ok=True)
        self.split = split
        self.library = library
        self.requests = 0
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.endswith("/v1/traces"):
                    outer.store(self.path, dict(self.headers), body)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.httpd.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def store(self, path, headers, body):
        ctype = headers.get("content-type") or headers.get("Content-Type") or ""
        enc = headers.get("Content-Encoding") or headers.get("content-encoding")
        with Capture.lock:
            seq = Capture.counters.get(self.split, 0) + 1
            Capture.counters[self.split] = seq
            self.requests += 1
            ext = ".json" if "json" in ctype else ".pb"
            stored = None
            if enc == "gzip":
                name = "%05d%s.gz" % (seq, ext)
                data = body
            else:
                name = "%05d%s.gz" % (seq, ext)
                data = gzip.compress(body, compresslevel=9, mtime=0)
                stored = "gzip"
            with open(os.path.join(self.dir, name), "wb") as f:
                f.write(data)
            kept = {k: v for k, v in headers.items() if k.lower() not in ("authorization",)}
            meta = {"seq": seq, "label": self.library, "path": path, "content_type": ctype.split(";")[0],
                    "content_encoding": enc, "bytes": len(body), "received_unix_nano": time.time_ns(),
                    "file": name, "headers": kept,
                    "had_authorization_header": any(k.lower() == "authorization" for k in headers)}
            if stored:
                meta["stored_encoding"] = stored
            with open(os.path.join(self.dir, "%05d.meta.json" % seq), "w") as f:
                json.dump(meta, f, indent=1)

    def close(self):
        self.httpd.shutdown()
