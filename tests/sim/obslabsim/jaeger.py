"""The stand-in Jaeger query server: the v1 JSON API (and api_v3) behind Istio's `/jaeger` base
path, serving the spans the simulated sidecars reported and traces loaded from fixture files.
Mode "v1" behaves like Jaeger 1.x (un-prefixed paths answer the UI's HTML with 200); mode "v2"
like current Jaeger 2.x main (un-prefixed paths 404, v1 search endpoints removed, api_v3 kept).
Faults (slow, malformed JSON, HTML 200, 500) can be switched on for the API. The UI is the real
Jaeger UI build (jaegerui.py) when its folder is there, else a small stand-in page for the routes
(/trace/ID, /search), marked as test equipment."""

import collections
import copy
import html
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import SIM_NAME, jaegerui

INDEX_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8"><base href="/jaeger/" data-inject-target="BASE_URL"/>
<title>Jaeger UI (obslab-sim: simulated)</title></head>
<body><div id="jaeger-ui-root">obslab-sim stand-in Jaeger: test equipment, not a real Jaeger.</div></body></html>
"""


def canon(trace_id):
    return trace_id.lower().strip().rjust(32, "0")


def display_id(trace_id):
    c = canon(trace_id)
    return c[16:] if c.startswith("0" * 16) else c


class JaegerStore:
    def __init__(self):
        self.lock = threading.Lock()
        self.traces = {}  # canonical id -> list of spans (each with "process")

    def clear(self):
        with self.lock:
            self.traces.clear()

    def add(self, span):
        with self.lock:
            self.traces.setdefault(canon(span["traceID"]), []).append(copy.deepcopy(span))

    def load_v1(self, path):
        """Load traces from a v1 API response file (envelope with data: [trace…])."""
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        n = 0
        for tr in doc.get("data") or []:
            procs = tr.get("processes") or {}
            for s in tr.get("spans") or []:
                s = copy.deepcopy(s)
                s["process"] = procs.get(s.get("processID"), {"serviceName": "unknown", "tags": []})
                parent = next((r["spanID"] for r in s.get("references") or [] if r.get("refType") == "CHILD_OF"), None)
                s.setdefault("parentSpanID", parent)
                self.add(s)
            n += 1
        return n

    def span_count(self):
        with self.lock:
            return sum(len(v) for v in self.traces.values())

    def services(self):
        with self.lock:
            return sorted({s["process"]["serviceName"] for spans in self.traces.values() for s in spans})

    def operations(self, service, kind=None):
        out = {}
        with self.lock:
            for spans in self.traces.values():
                for s in spans:
                    if s["process"]["serviceName"] == service:
                        k = next((t["value"] for t in s.get("tags") or [] if t["key"] == "span.kind"), "")
                        if not kind or kind == k:
                            out[(s["operationName"], k)] = 1
        return sorted(out)

    def get(self, trace_id):
        with self.lock:
            spans = self.traces.get(canon(trace_id))
            return copy.deepcopy(spans) if spans else None

    def all(self):
        with self.lock:
            return {k: copy.deepcopy(v) for k, v in self.traces.items()}


def v1_trace(spans):
    procs, keys = {}, {}
    out = []
    tid = display_id(spans[0]["traceID"])
    for s in sorted(spans, key=lambda s: s["startTime"]):
        pkey = json.dumps(s["process"], sort_keys=True)
        if pkey not in keys:
            keys[pkey] = "p%d" % (len(keys) + 1)
            procs[keys[pkey]] = s["process"]
        refs = [] if not s.get("parentSpanID") else [{"refType": "CHILD_OF", "traceID": tid, "spanID": s["parentSpanID"]}]
        if s.get("references"):
            refs = [dict(r, traceID=display_id(r["traceID"])) for r in s["references"]]
        out.append({"traceID": tid, "spanID": s["spanID"], "operationName": s["operationName"], "references": refs,
                    "startTime": s["startTime"], "duration": s["duration"], "tags": s.get("tags") or [],
                    "logs": s.get("logs") or [], "processID": keys[pkey], "warnings": s.get("warnings")})
        if s.get("flags") is not None:
            out[-1]["flags"] = s["flags"]
    return {"traceID": tid, "spans": out, "processes": procs, "warnings": None}


def otlp_trace(spans):
    by_service = {}
    for s in spans:
        by_service.setdefault(json.dumps(s["process"], sort_keys=True), (s["process"], []))[1].append(s)
    rs = []
    for proc, ss in by_service.values():
        attrs = [{"key": "service.name", "value": {"stringValue": proc["serviceName"]}}] + [
            {"key": t["key"], "value": {"stringValue": str(t["value"])}} for t in proc.get("tags") or []]
        out = []
        for s in ss:
            kind = next((t["value"] for t in s.get("tags") or [] if t["key"] == "span.kind"), "")
            o = {"traceId": canon(s["traceID"]), "spanId": s["spanID"], "name": s["operationName"],
                 "kind": {"server": 2, "client": 3}.get(kind, 1),
                 "startTimeUnixNano": str(s["startTime"] * 1000),
                 "endTimeUnixNano": str((s["startTime"] + s["duration"]) * 1000),
                 "attributes": [{"key": t["key"], "value": {"boolValue": t["value"]} if t.get("type") == "bool"
                                 else {"stringValue": str(t["value"])}} for t in s.get("tags") or []],
                 "status": {"code": 2} if any(t["key"] == "error" and t["value"] for t in s.get("tags") or []) else {}}
            if s.get("parentSpanID"):
                o["parentSpanId"] = s["parentSpanID"]
            out.append(o)
        rs.append({"resource": {"attributes": attrs}, "scopeSpans": [{"scope": {"name": SIM_NAME}, "spans": out}]})
    return {"resourceSpans": rs}


FAULT_KINDS = ("none", "slow", "malformed", "html", "error", "blank")

UI_STYLE = """body{font-family:sans-serif;margin:0;background:#fff;color:#222}
body.dark{background:#1e1e1e;color:#ddd}
#sim-banner{background:#fde9a9;color:#5a4500;padding:6px 12px;font-size:13px}
main{padding:12px 16px}
h1{font-size:18px;margin:4px 0 10px}
.row{display:flex;align-items:center;height:24px;font-size:12px}
.label{width:34%;overflow:hidden;white-space:nowrap;text-overflow:ellipsis;padding-right:8px}
.lane{position:relative;flex:1;height:14px;background:rgba(128,128,128,.12)}
.bar{position:absolute;top:0;height:14px;border-radius:2px}
.err{outline:2px solid #d33}
nav a{margin-right:14px}
#trace-not-found{color:#b00;font-weight:bold}
"""
UI_COLOURS = ("#17b8be", "#f8dcA1", "#b7885e", "#ffcb99", "#f89570", "#829ae3", "#e79fd5", "#1e96be", "#89dac1", "#b3ad9e")


def ui_page(base, route, q, store):
    """The stand-in for Jaeger UI's single-page app: server-side HTML with the same routes, made
    recognisable for tests (data attributes, ids) and carrying links to another origin."""
    one = lambda k, d="": (q.get(k) or [d])[-1]
    theme = "dark" if one("uiTheme") == "dark" else "light"
    embed = one("uiEmbed")
    attrs = {"data-route": route, "data-embed": embed, "data-theme": theme,
             "data-collapse-title": one("uiTimelineCollapseTitle"), "data-hide-minimap": one("uiTimelineHideMinimap")}
    body = []
    title = "Jaeger UI"
    if route.startswith("trace/"):
        tid = route[len("trace/"):]
        attrs["data-route"] = "trace"
        attrs["data-trace-id"] = tid
        spans = store.get(tid)
        title = "Trace %s" % tid
        if not spans:
            body.append('<p id="trace-not-found">Trace not found: %s</p>' % html.escape(tid))
        else:
            t0 = min(s["startTime"] for s in spans)
            total = max(1, max(s["startTime"] + s["duration"] for s in spans) - t0)
            services = sorted({s["process"]["serviceName"] for s in spans})
            root = min(spans, key=lambda s: s["startTime"])
            body.append('<h1 id="trace-title">%s: %s <small>%s</small></h1>' % (
                html.escape(root["process"]["serviceName"]), html.escape(root["operationName"]), html.escape(display_id(tid))))
            body.append('<div id="spans" data-span-count="%d">' % len(spans))
            for s in sorted(spans, key=lambda s: s["startTime"]):
                svc = s["process"]["serviceName"]
                colour = UI_COLOURS[services.index(svc) % len(UI_COLOURS)]
                left = 100.0 * (s["startTime"] - t0) / total
                width = max(0.5, 100.0 * s["duration"] / total)
                err = any(t["key"] == "error" and t["value"] in (True, "true") for t in s.get("tags") or [])
                body.append('<div class="row span" data-span-id="%s"><div class="label">%s %s</div><div class="lane">'
                            '<div class="bar%s" style="left:%.2f%%;width:%.2f%%;background:%s"></div></div></div>'
                            % (html.escape(s["spanID"]), html.escape(svc), html.escape(s["operationName"]),
                               " err" if err else "", left, width, colour))
            body.append("</div>")
    elif route == "search":
        svc = one("service")
        title = "Search"
        attrs["data-service"] = svc
        body.append('<h1 id="search-title">Search: %s</h1>' % html.escape(svc or "all services"))
        body.append('<ul id="results">')
        for tid, spans in sorted(store.all().items()):
            if svc and not any(s["process"]["serviceName"] == svc for s in spans):
                continue
            body.append('<li><a class="result" href="trace/%s?uiEmbed=%s">%s (%d spans)</a></li>'
                        % (display_id(tid), html.escape(embed), display_id(tid), len(spans)))
        body.append("</ul>")
    else:
        attrs["data-route"] = route or "home"
        body.append('<div id="jaeger-ui-root">obslab-sim stand-in Jaeger: test equipment, not a real Jaeger.</div>')
    nav = ('<nav><a id="search-link" href="search?uiEmbed=v0">Search</a>'
           '<a id="external-link" href="https://www.jaegertracing.io/docs/">Jaeger documentation</a>'
           '<button id="open-window" onclick="window.open(\'https://github.com/jaegertracing/jaeger-ui\')">'
           'Jaeger UI on GitHub</button></nav>')
    attr_text = " ".join('%s="%s"' % (k, html.escape(v or "")) for k, v in attrs.items())
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><base href="%s/" data-inject-target="BASE_URL"/>'
            '<title>%s — Jaeger UI (obslab-sim: simulated)</title><style>%s</style></head>'
            '<body class="%s" %s><div id="sim-banner">obslab-sim stand-in Jaeger UI: test equipment, not a real Jaeger</div>'
            '<div id="jaeger-ui-root"><main>%s%s</main></div></body></html>\n') % (base, html.escape(title), UI_STYLE, theme, attr_text, nav, "".join(body))


def _parse_duration_us(text):
    units = (("ms", 1000), ("us", 1), ("µs", 1), ("ns", 0.001), ("s", 1_000_000), ("m", 60_000_000), ("h", 3_600_000_000))
    for u, mul in units:
        if text.endswith(u):
            return float(text[: -len(u)]) * mul
    raise ValueError(text)


class JaegerServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, store, mode="v1", base_path="/jaeger", ui="auto"):
        self.store, self.mode, self.base_path = store, mode, base_path.rstrip("/")
        self.fault_lock = threading.Lock()
        self.fault = None
        self.requests = collections.deque(maxlen=2000)  # "GET /path?query", oldest first
        self.set_ui(ui)
        super().__init__(addr, JaegerHandler)

    def set_ui(self, choice):
        """Serve the real UI build `choice` (jaegerui.UI_CHOICES); the stand-in page when its folder
        is missing (ui_missing says why). Returns what is served now."""
        version, folder, missing = jaegerui.resolve(choice, self.mode)
        self.ui = jaegerui.UiBundle(version, folder) if folder else None
        self.ui_version, self.ui_missing = version, missing
        return self.ui_info()

    def ui_info(self):
        return {"version": self.ui_version, "dir": self.ui.folder if self.ui else None, "missing": self.ui_missing}

    def set_fault(self, kind, delay=0.0, count=None, scope="api"):
        """Make API answers misbehave: kind "slow" (answer after `delay` seconds), "malformed"
        (truncated JSON, 200), "html" (the UI page, 200), "error" (500 in Jaeger's envelope);
        "blank" leaves the UI's page without its scripts (404 for /static/: the page draws
        nothing, the API is fine); "none" clears. `count` limits it to the next N requests;
        scope "api" or "all"."""
        if kind not in FAULT_KINDS:
            raise ValueError("unknown Jaeger fault %r (known: %s)" % (kind, ", ".join(FAULT_KINDS)))
        if scope not in ("api", "all"):
            raise ValueError("fault scope must be api or all, not %r" % scope)
        with self.fault_lock:
            self.fault = None if kind == "none" else {"kind": kind, "delay": float(delay or 0),
                                                      "count": None if count is None else int(count),
                                                      "scope": scope}
            return dict(self.fault or {"kind": "none"})

    def blank_ui(self):
        with self.fault_lock:
            return bool(self.fault and self.fault["kind"] == "blank")

    def take_fault(self, is_api):
        with self.fault_lock:
            f = self.fault
            if not f or f["kind"] == "blank" or (f["scope"] == "api" and not is_api):
                return None
            if f["count"] is not None:
                f["count"] -= 1
                if f["count"] <= 0:
                    self.fault = None
            return dict(f)


class JaegerHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = SIM_NAME + "-jaeger"
    sys_version = ""

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, body, ctype="application/json", headers=None):
        data = body.encode() if isinstance(body, str) else body
        try:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Obslab-Sim", "simulated")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a timeout test on a slow answer)

    def envelope(self, data, code=200, errors=None):
        env = {"data": data, "total": len(data) if isinstance(data, list) else 0, "limit": 0, "offset": 0,
               "errors": errors}
        if code != 200:
            # Jaeger writes errors with http.Error: text/plain and a trailing newline
            return self.reply(code, json.dumps(env) + "\n", "text/plain; charset=utf-8")
        self.reply(200, json.dumps(env))

    def error(self, code, msg):
        self.envelope(None, code, [{"code": code, "msg": msg}])

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        path = url.path
        base = self.server.base_path
        v2 = self.server.mode == "v2"
        self.server.requests.append("%s %s" % (self.command, self.path))
        if base and (path == base or path.startswith(base + "/")):
            path = path[len(base):] or "/"
        elif base:
            if v2:
                return self.reply(404, "404 page not found\n", "text/plain; charset=utf-8")
            return self.index()
        if self.injected_fault(path.startswith("/api/")):
            return
        try:
            if path.startswith("/api/v3/"):
                return self.api_v3(path, q)
            if path.startswith("/api/"):
                return self.api_v1(path, q, v2)
        except ValueError as e:
            return self.error(400, str(e))
        ui = self.server.ui
        if ui:
            if self.server.blank_ui() and path.startswith("/static/"):
                return self.reply(404, "404 page not found\n", "text/plain; charset=utf-8")
            found = ui.static(path) if path.strip("/") != "index.html" else None
            if found:
                return self.reply(200, found[0], found[1], {"Cache-Control": "max-age=31536000"})
            if path.startswith("/static/"):
                return self.reply(404, "404 page not found\n", "text/plain; charset=utf-8")
            return self.index()
        route = path.strip("/")
        if route == "search" or route.startswith("trace/"):
            return self.reply(200, ui_page(base, route, q, self.server.store), "text/html; charset=utf-8")
        self.index()

    def index(self):
        """The UI's index.html (the SPA fallback jaeger-query answers for any UI route)."""
        ui = self.server.ui
        body = ui.index_html(self.server.base_path) if ui else INDEX_HTML
        self.reply(200, body, "text/html; charset=utf-8", {"Cache-Control": "no-cache"})

    def injected_fault(self, is_api):
        """Answers with the switched-on fault, if any; True when it did."""
        f = self.server.take_fault(is_api)
        if not f:
            return False
        if f["kind"] == "slow":
            time.sleep(f["delay"])  # then answer normally
            return False
        if f["kind"] == "malformed":
            self.reply(200, '{"data":[{"traceID":"3ba55609c3cde496","spans":[{"spanID":')
        elif f["kind"] == "html":
            self.index()
        elif f["kind"] == "error":
            self.envelope(None, 500, [{"code": 500, "msg": "obslab-sim: injected storage failure (simulated)"}])
        return True

    def api_v1(self, path, q, v2):
        st = self.server.store
        parts = path.strip("/").split("/")
        one = lambda k, d=None: (q.get(k) or [d])[-1]
        if parts[1:] == ["services"] and not v2:
            s = st.services()
            return self.envelope(s)
        if len(parts) == 4 and parts[1] == "services" and parts[3] == "operations" and not v2:
            ops = sorted({o for o, _ in st.operations(urllib.parse.unquote(parts[2]))})
            return self.envelope(ops)
        if parts[1:] == ["operations"] and not v2:
            if not one("service"):
                return self.error(400, "parameter 'service' is required")
            return self.envelope([{"name": o, "spanKind": k} for o, k in st.operations(one("service"), one("spanKind"))])
        if len(parts) == 3 and parts[1] == "traces":
            spans = st.get(parts[2])
            if not spans:
                return self.error(404, "trace not found")
            return self.envelope([v1_trace(spans)])
        if parts[1:] == ["traces"] and not v2:
            return self.search_v1(q)
        if parts[1:] == ["dependencies"]:
            return self.envelope(self.dependencies())
        return self.error(404, "404 page not found")

    def search_v1(self, q):
        st = self.server.store
        one = lambda k, d=None: (q.get(k) or [d])[-1]
        ids = q.get("traceID") or []
        if ids:
            found, errors = [], []
            for i in ids:
                spans = st.get(i)
                if spans:
                    found.append(v1_trace(spans))
                else:
                    errors.append({"code": 404, "msg": "trace not found", "traceID": i})
            return self.envelope(found, errors=errors or None)
        service = one("service")
        if not service:
            return self.error(400, "parameter 'service' is required")
        now = time.time_ns() // 1000
        try:
            start = int(one("start") or now - 2 * 86400 * 1_000_000)
        except ValueError as e:
            raise ValueError("unable to parse param 'start': %s" % e)
        try:
            end = int(one("end") or now)
        except ValueError as e:
            raise ValueError("unable to parse param 'end': %s" % e)
        limit = int(one("limit") or 100)
        tags = {}
        if one("tags"):
            try:
                tags = json.loads(one("tags"))
            except ValueError as e:
                raise ValueError("malformed 'tags' parameter, cannot unmarshal JSON: %s" % e)
        for t in q.get("tag") or []:
            k, _, v = t.partition(":")
            tags[k] = v
        op = one("operation")
        mind = _parse_duration_us(one("minDuration")) if one("minDuration") else None
        maxd = _parse_duration_us(one("maxDuration")) if one("maxDuration") else None
        hits = []
        for spans in st.all().values():
            match = [s for s in spans if s["process"]["serviceName"] == service and (not op or s["operationName"] == op)
                     and start <= s["startTime"] <= end
                     and (mind is None or s["duration"] >= mind) and (maxd is None or s["duration"] <= maxd)
                     and all(any(t["key"] == k and str(t["value"]) == str(v) for t in (s.get("tags") or []) + s["process"].get("tags", []))
                             for k, v in tags.items())]
            if match:
                hits.append((max(s["startTime"] for s in spans), spans))
        hits.sort(key=lambda h: -h[0])
        return self.envelope([v1_trace(s) for _, s in hits[:limit]])

    def dependencies(self):
        calls = {}
        for spans in self.server.store.all().values():
            by_id = {s["spanID"]: s for s in spans}
            for s in spans:
                p = by_id.get(s.get("parentSpanID") or "")
                if p and p["process"]["serviceName"] != s["process"]["serviceName"]:
                    k = (p["process"]["serviceName"], s["process"]["serviceName"])
                    calls[k] = calls.get(k, 0) + 1
        return [{"parent": a, "child": b, "callCount": n} for (a, b), n in sorted(calls.items())]

    def v3_error(self, code, msg):
        self.reply(code, json.dumps({"error": {"httpCode": code, "message": msg}}))

    def api_v3(self, path, q):
        st = self.server.store
        one = lambda *ks: next((q[k][-1] for k in ks if q.get(k)), None)
        parts = path.strip("/").split("/")[2:]
        if parts == ["services"]:
            return self.reply(200, json.dumps({"services": st.services()}))
        if parts == ["operations"]:
            svc = one("service")
            if not svc:
                return self.v3_error(400, "service name must not be empty")
            return self.reply(200, json.dumps({"operations": [{"name": o, "spanKind": k} for o, k in st.operations(svc, one("spanKind"))]}))
        if len(parts) == 2 and parts[0] == "traces":
            spans = st.get(parts[1])
            if not spans:
                return self.v3_error(404, "No traces found")
            return self.reply(200, json.dumps({"result": otlp_trace(spans)}))
        if parts in (["traces"], ["trace-summaries"]):
            svc = one("query.serviceName", "query.service_name")
            tmin, tmax = one("query.startTimeMin", "query.start_time_min"), one("query.startTimeMax", "query.start_time_max")
            if not tmin or not tmax:
                return self.v3_error(400, "start time min and max are required parameters")
            from .cluster import parse_rfc3339
            lo, hi = parse_rfc3339(tmin) // 1000, parse_rfc3339(tmax) // 1000
            opname = one("query.operationName", "query.operation_name")
            attrs = json.loads(one("query.attributes") or "{}")
            hits = []
            for spans in st.all().values():
                if any((not svc or s["process"]["serviceName"] == svc) and (not opname or s["operationName"] == opname)
                       and lo <= s["startTime"] <= hi
                       and all(any(t["key"] == k and str(t["value"]) == str(v) for t in s.get("tags") or []) for k, v in attrs.items())
                       for s in spans):
                    hits.append(spans)
            depth = int(one("query.searchDepth", "query.search_depth") or 100)
            hits = sorted(hits, key=lambda ss: -max(s["startTime"] for s in ss))[:depth]
            if not hits:
                return self.v3_error(404, "No traces found")
            if parts == ["traces"]:
                merged = {"resourceSpans": []}
                for spans in hits:
                    merged["resourceSpans"] += otlp_trace(spans)["resourceSpans"]
                return self.reply(200, json.dumps({"result": merged}))
            out = []
            for spans in hits:
                root = next((s for s in spans if not s.get("parentSpanID")), min(spans, key=lambda s: s["startTime"]))
                svcs = {}
                for s in spans:
                    e = svcs.setdefault(s["process"]["serviceName"], {"name": s["process"]["serviceName"], "spanCount": 0, "errorSpanCount": 0})
                    e["spanCount"] += 1
                out.append({"traceId": canon(spans[0]["traceID"]), "rootServiceName": root["process"]["serviceName"],
                            "rootOperationName": root["operationName"],
                            "minStartTimeUnixNano": str(min(s["startTime"] for s in spans) * 1000),
                            "maxEndTimeUnixNano": str(max(s["startTime"] + s["duration"] for s in spans) * 1000),
                            "spanCount": len(spans), "errorSpanCount": 0, "services": list(svcs.values())})
            return self.reply(200, json.dumps({"summaries": out}))
        return self.v3_error(404, "404 page not found")
