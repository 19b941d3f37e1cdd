"""The stand-in Kubernetes API server: plain HTTP/1.1, JSON only, enough for kubectl 1.32
(discovery, OpenAPI v3, CRUD with strict field validation and dry-run, patches, watch, logs,
exec over WebSocket, port-forward over SPDY/3.1 or SPDY tunnelled in a WebSocket) plus the
simulation's control endpoint under /_sim/."""

import copy
import json
import re
import select
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import SIM_NAME, kinds, patch as patchlib, portforward, protobuf, selectors, websocket
from .cluster import K8S_VERSION, ApiError, parse_rfc3339, rfc3339nano

TABLE_RE = re.compile(r"as=Table")


class RawStream:
    """The socket of an upgraded HTTP connection as read(n) / write(bytes)."""

    def __init__(self, rfile, wfile):
        self.read, self.wfile = rfile.read, wfile

    def write(self, data):
        self.wfile.write(data)


class ApiServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, sim):
        self.sim = sim
        self.outage_lock = threading.Lock()
        self.connections_left = None  # None: no outage planned
        super().__init__(addr, ApiHandler)

    def plan_outage(self, after):
        """Stop listening once `after` more client connections were accepted (each kubectl run
        opens one): later connections are refused, as by an API server that went away."""
        with self.outage_lock:
            self.connections_left = max(0, int(after))
        if self.connections_left == 0:
            self.stop_listening()

    def stop_listening(self):
        # Connections already open finish; the listening socket closes, so new ones are refused.
        threading.Thread(target=self.shutdown, daemon=True).start()
        self.socket.close()

    def verify_request(self, request, client_address):
        with self.outage_lock:
            if self.connections_left is None:
                return True
            self.connections_left -= 1
            last = self.connections_left == 0
        if last:
            self.stop_listening()
        return self.connections_left >= 0


class ApiHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = SIM_NAME
    sys_version = ""

    def log_message(self, fmt, *args):
        if self.server.sim.verbose:
            super().log_message(fmt, *args)

    # --- plumbing ------------------------------------------------------------------------
    @property
    def sim(self):
        return self.server.sim

    @property
    def cluster(self):
        return self.server.sim.cluster

    def send_json(self, code, obj, headers=None):
        body = (json.dumps(obj) + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Obslab-Sim", "simulated")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_text(self, code, text, ctype="text/plain; charset=utf-8"):
        body = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def start_chunked(self, ctype):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("X-Obslab-Sim", "simulated")
        self.end_headers()

    def chunk(self, data):
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

    def end_chunked(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def abort_connection(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def client_gone(self):
        try:
            r, _, _ = select.select([self.connection], [], [], 0)
            if r:
                return self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True
        return False

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            return self.rfile.read(n)
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        return b""

    def do_GET(self):
        self.dispatch("GET")

    def do_HEAD(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def dispatch(self, method):
        url = urllib.parse.urlsplit(self.path)
        self.q = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
        self.qall = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        path = url.path.rstrip("/") or "/"
        try:
            if path.startswith("/_sim"):
                body = self.read_body() if method in ("POST", "PUT", "PATCH") else b""
                code, obj = self.sim.control(method, path, self.q, json.loads(body) if body.strip() else {})
                if isinstance(obj, str):
                    self.send_text(code, obj)
                else:
                    self.send_json(code, obj)
                return
            if self.route_meta(method, path):
                return
            self.route_resource(method, path)
        except ApiError as e:
            self.send_json(e.code, e.status())
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except (ValueError, patchlib.PatchError) as e:
            self.send_json(400, ApiError(400, "BadRequest", str(e)).status())

    # --- discovery, version, openapi ------------------------------------------------------
    def route_meta(self, method, path):
        if method != "GET":
            return False
        host = "127.0.0.1:%d" % self.server.server_address[1]
        if path == "/version":
            self.send_json(200, K8S_VERSION)
        elif path in ("/healthz", "/livez", "/readyz"):
            self.send_text(200, "ok")
        elif path == "/api":
            self.send_json(200, {"kind": "APIVersions", "versions": ["v1"],
                                 "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}]})
        elif path == "/apis":
            groups = {}
            for r in kinds.RESOURCES:
                if r.group:
                    groups.setdefault(r.group, r.versions)
            self.send_json(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                {"name": g, "versions": [{"groupVersion": g + "/" + v, "version": v} for v in vs],
                 "preferredVersion": {"groupVersion": g + "/" + vs[0], "version": vs[0]}}
                for g, vs in groups.items()]})
        elif path == "/api/v1" or re.fullmatch(r"/apis/[^/]+/[^/]+", path):
            group, version = ("", "v1") if path == "/api/v1" else path.split("/")[2:4]
            resources = []
            for r in kinds.RESOURCES:
                if r.group != group or version not in r.versions:
                    continue
                resources.append({"name": r.plural, "singularName": r.singular, "namespaced": r.namespaced,
                                  "kind": r.kind, "verbs": kinds.VERBS, "shortNames": r.short,
                                  "categories": r.categories or None, "storageVersionHash": "sim"})
                for sub in r.subresources:
                    verbs = {"log": ["get"], "exec": ["create", "get"], "portforward": ["create", "get"],
                             "attach": ["create", "get"]}.get(sub, ["get", "patch", "update"])
                    sk = {"scale": "Scale", "log": "Pod", "exec": "PodExecOptions",
                          "portforward": "PodPortForwardOptions", "attach": "PodAttachOptions"}.get(sub, r.kind)
                    resources.append({"name": r.plural + "/" + sub, "singularName": "", "namespaced": r.namespaced,
                                      "kind": sk, "verbs": verbs})
            if not resources:
                raise ApiError(404, "NotFound", "the server could not find the requested resource")
            for x in resources:
                if x.get("categories") is None:
                    x.pop("categories", None)
            self.send_json(200, {"kind": "APIResourceList", "apiVersion": "v1",
                                 "groupVersion": (group + "/" + version) if group else version,
                                 "resources": resources})
        elif path == "/openapi/v2" and "protobuf" in self.headers.get("Accept", ""):
            body = kinds.openapi_v2_protobuf()
            self.send_response(200)
            self.send_header("Content-Type", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif path == "/openapi/v3":
            paths = {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=SIM1"}}
            for r in kinds.RESOURCES:
                for v in r.versions:
                    if r.group:
                        paths["apis/%s/%s" % (r.group, v)] = {"serverRelativeURL": "/openapi/v3/apis/%s/%s?hash=SIM1" % (r.group, v)}
            self.send_json(200, {"paths": paths})
        elif path.startswith("/openapi/v3/"):
            rest = path[len("/openapi/v3/"):].split("/")
            if rest[0] == "api" and len(rest) == 2:
                group, version = "", rest[1]
            elif rest[0] == "apis" and len(rest) == 3:
                group, version = rest[1], rest[2]
            else:
                raise ApiError(404, "NotFound", "the server could not find the requested resource")
            doc = kinds.openapi_v3(group, version)
            if not doc["paths"]:
                raise ApiError(404, "NotFound", "the server could not find the requested resource")
            self.send_json(200, doc)
        else:
            return False
        return True

    # --- resources -----------------------------------------------------------------------
    def parse_resource_path(self, path):
        parts = path.strip("/").split("/")
        if parts[0] == "api" and len(parts) >= 3 and parts[1] == "v1":
            group, version, rest = "", "v1", parts[2:]
        elif parts[0] == "apis" and len(parts) >= 4:
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        ns = None
        if len(rest) >= 3 and rest[0] == "namespaces" and rest[2] not in ("status", "finalize"):
            ns, rest = rest[1], rest[2:]
        res = kinds.find(group, rest[0])
        if res is None or version not in res.versions:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        if res.namespaced and ns is None and len(rest) > 1:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        name = rest[1] if len(rest) > 1 else None
        sub = rest[2] if len(rest) > 2 else None
        return res, version, ns, name, sub

    def route_resource(self, method, path):
        res, version, ns, name, sub = self.parse_resource_path(path)
        if sub == "log" and res.kind == "Pod":
            return self.pod_logs(ns, name)
        if sub in ("exec", "attach") and res.kind == "Pod":
            return self.pod_exec(ns, name)
        if sub == "portforward" and res.kind == "Pod":
            return self.pod_portforward(ns, name)
        if sub == "scale" and res.kind == "Deployment":
            return self.scale(method, ns, name)
        if sub not in (None, "status"):
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        dry = self.q.get("dryRun") == "All"
        if method == "GET" and name is None:
            if self.q.get("watch") in ("true", "1"):
                return self.watch(res, ns)
            return self.list_objects(res, ns, version)
        if method == "GET":
            o = self.cluster.get(res, ns, name)
            if o is None:
                raise self.cluster.not_found(res, name)
            return self.send_object(res, o, version)
        if method == "POST" and name is None:
            body = self.json_body()
            warnings = self.validate(res, body)
            if res.kind == "Pod" and not dry:
                o = self.cluster.create_pod(ns, body, internal=False)
            else:
                o = self.cluster.create(res, ns, body, dry_run=dry)
            return self.send_object(res, o, version, 201, warnings)
        if method == "PUT" and name:
            body = self.json_body()
            warnings = self.validate(res, body)
            o = self.cluster.update(res, ns, name, body, dry_run=dry, check_rv=True)
            return self.send_object(res, o, version, 200, warnings)
        if method == "PATCH" and name:
            return self.patch(res, ns, name, version, dry)
        if method == "DELETE" and name:
            body = self.read_body()
            opts = json.loads(body) if body.strip() else {}
            cascade = (opts.get("propagationPolicy") or self.q.get("propagationPolicy")) != "Orphan"
            o = self.cluster.delete(res, ns, name, dry_run=dry, cascade=cascade)
            return self.send_object(res, o, version)
        if method == "DELETE" and name is None:
            self.read_body()
            deleted = []
            for o in self.filtered(res, ns):
                deleted.append(self.cluster.delete(res, o["metadata"].get("namespace"), o["metadata"]["name"], dry_run=dry))
            return self.send_json(200, {"kind": res.kind + "List", "apiVersion": res.api_version(version),
                                        "metadata": {"resourceVersion": str(self.cluster.rv)}, "items": deleted})
        raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")

    def json_body(self):
        raw = self.read_body()
        if (self.headers.get("Content-Type") or "").startswith("application/vnd.kubernetes.protobuf"):
            try:
                return protobuf.decode(raw)
            except protobuf.ProtobufError as e:
                raise ApiError(415, "UnsupportedMediaType",
                               "obslab-sim decodes protobuf bodies only for Namespace and ConfigMap (got %s); "
                               "use kubectl apply -f (JSON) for this object" % e)
        try:
            body = json.loads(raw)
        except ValueError as e:
            raise ApiError(400, "BadRequest", "the body of the request was in an unknown format - "
                           "accepted media types include: application/json (obslab-sim): %s" % e)
        if not isinstance(body, dict):
            raise ApiError(400, "BadRequest", "the body must be a JSON object")
        return body

    def validate(self, res, body):
        mode = self.q.get("fieldValidation", "Warn")
        if mode == "Ignore":
            return []
        errors = kinds.validate(res, body)
        if not errors:
            return []
        if mode == "Strict":
            raise ApiError(400, "BadRequest", '%s in version "%s" cannot be handled as a %s: strict decoding error: %s'
                           % (res.kind, res.version, res.kind, ", ".join(errors)))
        return errors

    def send_object(self, res, o, version, code=200, warnings=()):
        headers = {}
        if warnings:
            headers["Warning"] = ", ".join('299 - "%s"' % w.replace('"', '\\"') for w in warnings)
        if version != res.version and o.get("apiVersion"):
            o["apiVersion"] = res.api_version(version)
        if TABLE_RE.search(self.headers.get("Accept", "")):
            return self.send_json(code, self.table(res, [o]), headers)
        self.send_json(code, o, headers)

    def table(self, res, items, with_columns=True):
        t = {"kind": "Table", "apiVersion": "meta.k8s.io/v1",
             "metadata": {"resourceVersion": str(self.cluster.rv)},
             "rows": [{"cells": kinds.table_cells(res, o),
                       "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                  "metadata": o["metadata"]}} for o in items]}
        if with_columns:
            t["columnDefinitions"] = kinds.table_columns(res)
        return t

    def filtered(self, res, ns):
        lsel = selectors.parse_labels(self.q.get("labelSelector", ""))
        fsel = selectors.parse_fields(self.q.get("fieldSelector", ""))
        return [o for o in self.cluster.list(res, ns)
                if selectors.match_labels(lsel, o) and selectors.match_fields(fsel, o)]

    def list_objects(self, res, ns, version):
        with self.cluster.lock:
            items = self.filtered(res, ns)
            rv = str(self.cluster.rv)
        if TABLE_RE.search(self.headers.get("Accept", "")):
            t = self.table(res, items)
            t["metadata"]["resourceVersion"] = rv
            return self.send_json(200, t)
        for o in items:
            o.pop("apiVersion", None)
            o.pop("kind", None)
        self.send_json(200, {"kind": res.kind + "List", "apiVersion": res.api_version(version),
                             "metadata": {"resourceVersion": rv}, "items": items})

    def patch(self, res, ns, name, version, dry):
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        raw = self.read_body()
        try:
            p = json.loads(raw)
        except ValueError:
            from . import yamlmini
            p = yamlmini.load(raw.decode())
        with self.cluster.lock:
            cur = self.cluster.get(res, ns, name)
            if cur is None:
                if ctype == "application/apply-patch+yaml":
                    self.validate(res, p)
                    if res.kind == "Pod" and not dry:
                        o = self.cluster.create_pod(ns, p, internal=False)
                    else:
                        o = self.cluster.create(res, ns, p, dry_run=dry)
                    return self.send_object(res, o, version, 201)
                raise self.cluster.not_found(res, name)
            if ctype == "application/json-patch+json":
                new = patchlib.json_patch(cur, p)
            elif ctype == "application/merge-patch+json" or ctype == "application/apply-patch+yaml":
                new = patchlib.merge_patch(cur, p)
            elif ctype == "application/strategic-merge-patch+json":
                new = patchlib.strategic_merge(cur, p)
            else:
                raise ApiError(415, "UnsupportedMediaType", "the server does not support the media type %r" % ctype)
            new.setdefault("metadata", {})["resourceVersion"] = cur["metadata"]["resourceVersion"]
            warnings = self.validate(res, {k: v for k, v in new.items()})
            o = self.cluster.update(res, ns, name, new, dry_run=dry)
        self.send_object(res, o, version, 200, warnings)

    def scale(self, method, ns, name):
        res = kinds.BY_KEY["apps/deployments"]
        d = self.cluster.get(res, ns, name)
        if d is None:
            raise self.cluster.not_found(res, name)
        if method in ("PATCH", "PUT"):
            p = self.json_body()
            replicas = (p.get("spec") or {}).get("replicas")
            if replicas is not None:
                d["spec"]["replicas"] = int(replicas)
                d = self.cluster.update(res, ns, name, d)
        sel = ",".join("%s=%s" % kv for kv in (d["spec"].get("selector", {}).get("matchLabels") or {}).items())
        self.send_json(200, {"kind": "Scale", "apiVersion": "autoscaling/v1",
                             "metadata": {"name": name, "namespace": ns, "uid": d["metadata"]["uid"],
                                          "resourceVersion": d["metadata"]["resourceVersion"],
                                          "creationTimestamp": d["metadata"]["creationTimestamp"]},
                             "spec": {"replicas": d["spec"].get("replicas", 1)},
                             "status": {"replicas": d.get("status", {}).get("replicas", 0), "selector": sel}})

    # --- watch ---------------------------------------------------------------------------
    def watch(self, res, ns):
        lsel = selectors.parse_labels(self.q.get("labelSelector", ""))
        fsel = selectors.parse_fields(self.q.get("fieldSelector", ""))
        table = bool(TABLE_RE.search(self.headers.get("Accept", "")))
        timeout = float(self.q.get("timeoutSeconds") or 1800)
        deadline = time.time() + min(timeout, 3600)
        rv = self.q.get("resourceVersion", "")
        cl = self.cluster
        sent_columns = [False]

        def encode(typ, o):
            if table:
                obj = self.table(res, [o], with_columns=not sent_columns[0])
                sent_columns[0] = True
            else:
                obj = o
            return (json.dumps({"type": typ, "object": obj}) + "\n").encode()

        def wanted(evns, o):
            return (ns is None or not res.namespaced or evns == ns) and \
                selectors.match_labels(lsel, o) and selectors.match_fields(fsel, o)

        with cl.lock:
            pending = []
            if rv in ("", "0"):
                for o in self.filtered(res, ns):
                    pending.append(encode("ADDED", o))
                since = cl.rv
            else:
                try:
                    since = int(rv)
                except ValueError:
                    raise ApiError(400, "BadRequest", "invalid resourceVersion %r" % rv)
                if cl.events and since < cl.events[0][0] - 1 and since < cl.rv:
                    pending.append((json.dumps({"type": "ERROR", "object": ApiError(
                        410, "Expired", "too old resource version: %d (%d)" % (since, cl.events[0][0])).status()}) + "\n").encode())
                    since = None
        self.start_chunked("application/json")
        for data in pending:
            self.chunk(data)
        if since is None:
            return self.end_chunked()
        while time.time() < deadline and not self.sim.stopping:
            out = []
            with cl.lock:
                i = len(cl.events)
                while i > 0 and cl.events[i - 1][0] > since:
                    i -= 1
                for (erv, key, evns, typ, o) in cl.events[i:]:
                    if key == res.key and wanted(evns, o):
                        out.append(encode(typ, o))
                if cl.events:
                    since = max(since, cl.rv)
                if not out:
                    cl.cond.wait(0.5)
            for data in out:
                self.chunk(data)
            if not out and self.client_gone():
                self.close_connection = True
                return
        self.end_chunked()

    # --- logs ----------------------------------------------------------------------------
    def pod_logs(self, ns, name):
        cl = self.cluster
        pod = cl.get(kinds.BY_KEY["pods"], ns, name)
        if pod is None:
            raise cl.not_found(kinds.BY_KEY["pods"], name)
        containers = [c["name"] for c in pod["spec"].get("containers") or []]
        inits = [c["name"] for c in pod["spec"].get("initContainers") or []]
        container = self.q.get("container")
        if not container:
            if len(containers) == 1:
                container = containers[0]
            else:
                raise ApiError(400, "BadRequest", "a container name must be specified for pod %s, choose one of: [%s]%s"
                               % (name, " ".join(containers), " or one of the init containers: [%s]" % " ".join(inits) if inits else ""))
        if container not in containers + inits:
            raise ApiError(400, "BadRequest", "container %s is not valid for pod %s" % (container, name))
        if self.q.get("previous") in ("true", "1"):
            raise ApiError(400, "BadRequest", 'previous terminated container "%s" in pod "%s" not found' % (container, name))
        buf = cl.logs.get((ns, name, container))
        follow = self.q.get("follow") in ("true", "1")
        stamps = self.q.get("timestamps") in ("true", "1")
        since_ns = None
        if self.q.get("sinceTime"):
            since_ns = parse_rfc3339(self.q["sinceTime"])
        elif self.q.get("sinceSeconds"):
            since_ns = time.time_ns() - int(self.q["sinceSeconds"]) * 1_000_000_000
        tail = int(self.q["tailLines"]) if self.q.get("tailLines") not in (None, "") else None
        limit = int(self.q["limitBytes"]) if self.q.get("limitBytes") else None

        def fmt(ts, text):
            return ((rfc3339nano(ts) + " " if stamps else "") + text + "\n").encode()

        with cl.lock:
            lines = [(ts, t) for ts, t in buf.lines if since_ns is None or ts >= since_ns] if buf else []
            if tail is not None:
                lines = lines[-tail:] if tail > 0 else []
            pos = len(buf.lines) if buf else 0
            drops = buf.drops if buf else 0
        sent = 0
        self.start_chunked("text/plain")
        data = b"".join(fmt(ts, t) for ts, t in lines)
        if limit is not None:
            data = data[:limit]
        self.chunk(data)
        sent += len(data)
        if not follow or buf is None:
            return self.end_chunked()
        while not self.sim.stopping:
            with cl.lock:
                new = buf.lines[pos:]
                pos = len(buf.lines)
                ended, dropped = buf.ended, buf.drops != drops
                if not new and not ended and not dropped:
                    cl.cond.wait(0.5)
            if new:
                data = b"".join(fmt(ts, t) for ts, t in new)
                if limit is not None:
                    data = data[:max(0, limit - sent)]
                self.chunk(data)
                sent += len(data)
                if limit is not None and sent >= limit:
                    return self.end_chunked()
            if dropped:
                return self.abort_connection()
            if ended:
                return self.end_chunked()
            if not new and self.client_gone():
                self.close_connection = True
                return
        self.end_chunked()

    # --- port-forward (portforward.py) -------------------------------------------------------
    def pod_portforward(self, ns, name):
        cl = self.cluster
        pod = cl.get(kinds.BY_KEY["pods"], ns, name)
        if pod is None:
            raise cl.not_found(kinds.BY_KEY["pods"], name)
        if (pod.get("status") or {}).get("phase") != "Running":
            raise ApiError(400, "BadRequest", "pod %s is not running (obslab-sim)" % name)
        registry = self.sim.portforwards
        upgrade = self.headers.get("Upgrade", "").lower()
        client = self.headers.get("User-Agent", "")

        def cut():
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if upgrade == "websocket":
            offered = [p.strip() for v in self.headers.get_all("Sec-WebSocket-Protocol") or [] for p in v.split(",")]
            tunnel = [p for p in offered if p.startswith(portforward.TUNNEL_PREFIX) and p.endswith(".k8s.io")]
            if not registry.websocket or not tunnel:
                # What kube-apiserver says; kubectl takes it as an upgrade failure and falls back to SPDY.
                return self.send_text(400, "unable to upgrade: no tunneling spdy protocols provided\n")
            wanted = portforward.TUNNEL_PREFIX + portforward.PROTOCOL
            if wanted not in tunnel:
                return self.send_text(403, "unable to upgrade: unable to negotiate protocol: client supports %s, "
                                           "server accepts [%s]\n" % (tunnel, portforward.PROTOCOL))
            self.close_connection = True
            stream = websocket.ByteStream(websocket.accept(self, wanted))
            return registry.serve(portforward.Session(registry, stream, cut, ns, pod, "websocket", client))
        if "spdy/3.1" in upgrade and "upgrade" in self.headers.get("Connection", "").lower():
            versions = [p.strip() for v in self.headers.get_all("X-Stream-Protocol-Version") or [] for p in v.split(",")]
            if versions and portforward.PROTOCOL not in versions:
                self.send_response(403)
                self.send_header("X-Accepted-Stream-Protocol-Versions", portforward.PROTOCOL)
                body = ("unable to upgrade: unable to negotiate protocol: client supports %s, server accepts [%s]\n"
                        % (versions, portforward.PROTOCOL)).encode()
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return self.wfile.write(body)
            self.close_connection = True
            self.send_response(101, "Switching Protocols")
            self.send_header("Connection", "Upgrade")
            self.send_header("Upgrade", "SPDY/3.1")
            if versions:
                self.send_header("X-Stream-Protocol-Version", portforward.PROTOCOL)
            self.end_headers()
            self.wfile.flush()
            return registry.serve(portforward.Session(registry, RawStream(self.rfile, self.wfile), cut, ns, pod,
                                                      "spdy", client))
        raise ApiError(400, "BadRequest", "Upgrade request required")

    # --- exec over WebSocket ---------------------------------------------------------------
    def pod_exec(self, ns, name):
        cl = self.cluster
        pod = cl.get(kinds.BY_KEY["pods"], ns, name)
        if pod is None:
            raise cl.not_found(kinds.BY_KEY["pods"], name)
        command = self.qall.get("command", [])
        containers = [c["name"] for c in pod["spec"].get("containers") or []]
        container = self.q.get("container") or (containers[0] if len(containers) == 1 else None)
        if container is None:
            raise ApiError(400, "BadRequest", "a container name must be specified for pod %s, choose one of: [%s]"
                           % (name, " ".join(containers)))
        if container not in containers:
            raise ApiError(400, "BadRequest", "container %s is not valid for pod %s" % (container, name))
        if self.headers.get("Upgrade", "").lower() != "websocket":
            raise ApiError(400, "BadRequest", "Upgrade request required (obslab-sim serves exec over WebSocket "
                           "only: v5.channel.k8s.io / v4.channel.k8s.io; SPDY is not served)")
        offered = [p.strip() for p in self.headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]
        proto = next((p for p in ("v5.channel.k8s.io", "v4.channel.k8s.io") if p in offered), None)
        if proto is None:
            raise ApiError(400, "BadRequest", "no supported WebSocket subprotocol among %s" % offered)
        self.close_connection = True
        ws = websocket.accept(self, proto)
        stdin_wanted = self.q.get("stdin") in ("true", "1")
        stop = threading.Event()

        def reader():
            try:
                while not stop.is_set():
                    op, data = ws.recv()
                    if op is None or op == 8:
                        break
            except OSError:
                pass
            stop.set()
        threading.Thread(target=reader, daemon=True).start()

        def out(text):
            ws.send_channel(1, text.encode())

        def err(text):
            ws.send_channel(2, text.encode())
        code = self.sim.exec_command(pod, container, command, out, err, stop)
        if code == 0:
            status = {"metadata": {}, "status": "Success"}
        else:
            status = {"metadata": {}, "status": "Failure", "reason": "NonZeroExitCode",
                      "message": "command terminated with non-zero exit code: error executing command %s, exit code %d"
                                 % (json.dumps(command), code),
                      "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]}}
        try:
            if proto.startswith("v5") and stdin_wanted:
                pass
            ws.send_channel(3, json.dumps(status).encode())
            ws.close()
        except OSError:
            pass
        stop.set()
