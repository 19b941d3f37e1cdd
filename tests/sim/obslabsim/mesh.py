"""The simulated Istio mesh: sidecar injection, what tracing a sidecar would really do given the
mesh config / Telemetry / its start-up proxy config (FORMATS.md §9), traffic between workloads,
access-log lines in the configured format and the matching spans for the stand-in Jaeger."""

import copy
import json
import random
import re
import threading
import time
import uuid

from . import SIM_LABEL, kinds, yamlmini
from .cluster import ApiError

ROOT_NS = "istio-system"
DEFAULT_TEXT_FORMAT = ('[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" '
                       '%RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% '
                       '"%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% '
                       '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" '
                       '"%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW% '
                       '%UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% '
                       '%REQUESTED_SERVER_NAME% %ROUTE_NAME%')
DEFAULT_JSON_FORMAT = {
    "start_time": "%START_TIME%", "route_name": "%ROUTE_NAME%", "method": "%REQ(:METHOD)%",
    "path": "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%", "protocol": "%PROTOCOL%", "response_code": "%RESPONSE_CODE%",
    "response_flags": "%RESPONSE_FLAGS%", "response_code_details": "%RESPONSE_CODE_DETAILS%",
    "connection_termination_details": "%CONNECTION_TERMINATION_DETAILS%",
    "bytes_received": "%BYTES_RECEIVED%", "bytes_sent": "%BYTES_SENT%", "duration": "%DURATION%",
    "upstream_service_time": "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%", "x_forwarded_for": "%REQ(X-FORWARDED-FOR)%",
    "user_agent": "%REQ(USER-AGENT)%", "request_id": "%REQ(X-REQUEST-ID)%", "authority": "%REQ(:AUTHORITY)%",
    "upstream_host": "%UPSTREAM_HOST%", "upstream_cluster": "%UPSTREAM_CLUSTER_RAW%",
    "upstream_local_address": "%UPSTREAM_LOCAL_ADDRESS%", "downstream_local_address": "%DOWNSTREAM_LOCAL_ADDRESS%",
    "downstream_remote_address": "%DOWNSTREAM_REMOTE_ADDRESS%", "requested_server_name": "%REQUESTED_SERVER_NAME%",
    "upstream_transport_failure_reason": "%UPSTREAM_TRANSPORT_FAILURE_REASON%"}
NUMERIC_OPS = {"RESPONSE_CODE", "BYTES_RECEIVED", "BYTES_SENT", "DURATION"}
USER_AGENT = "curl/8.11.0 (obslab-sim)"
OP_RE = re.compile(r"%START_TIME(?:\(([^)]*)\))?%|%([A-Z0-9_]+)(?:\(([^)]*)\))?(?::(\d+))?%")


def version_tuple(v):
    nums = re.findall(r"\d+", v or "")
    return tuple(int(n) for n in nums[:3]) if nums else (0, 0, 0)


def deep_merge(a, b):
    if not isinstance(a, dict) or not isinstance(b, dict):
        return copy.deepcopy(b)
    out = copy.deepcopy(a)
    for k, v in b.items():
        out[k] = deep_merge(out.get(k), v) if isinstance(v, dict) else copy.deepcopy(v)
    return out


def hex_id(nbytes):
    return "%0*x" % (nbytes * 2, random.getrandbits(nbytes * 8) or 1)


def _now_us():
    return time.time_ns() // 1000


class Mesh:
    def __init__(self, cluster, jaeger, interval=0.5):
        self.cluster, self.jaeger = cluster, jaeger
        self.interval = interval
        self.traffic_enabled = True
        self.seq = {}              # pod uid -> last request number
        self.rr = 0
        self.values = {}           # IstioOperator values of the last install
        self.istioctl_version = "1.24.0"
        self.stats = {"requests": 0, "spans": 0, "spans_dropped": 0}
        cluster.injector = self.inject
        cluster.on_pod_started = self.pod_started
        cluster.on_pod_deleted.append(self.pod_deleted)
        self._mesh_cache = (None, {})
        self._stop = threading.Event()
        self._thread = None

    # --- control plane state ---------------------------------------------------------------
    def istio_version(self):
        d = self.cluster.get(kinds.BY_KEY["apps/deployments"], ROOT_NS, "istiod")
        if not d:
            return None
        for c in d["spec"]["template"]["spec"].get("containers") or []:
            if "pilot" in c.get("image", ""):
                return c["image"].rsplit(":", 1)[-1]
        return None

    def mesh_config(self):
        cm = self.cluster.get(kinds.BY_KEY["configmaps"], ROOT_NS, "istio")
        if not cm:
            return {}
        rv = cm["metadata"]["resourceVersion"]
        if self._mesh_cache[0] == rv:
            return self._mesh_cache[1]
        try:
            mc = yamlmini.load((cm.get("data") or {}).get("mesh", "")) or {}
        except yamlmini.YamlError:
            mc = {}
        self._mesh_cache = (rv, mc)
        return mc

    def set_mesh_config(self, mc):
        text = yamlmini.dump(mc)
        cm = self.cluster.get(kinds.BY_KEY["configmaps"], ROOT_NS, "istio")
        if cm is None:
            cm = {"apiVersion": "v1", "kind": "ConfigMap",
                  "metadata": {"name": "istio", "namespace": ROOT_NS,
                               "labels": {"istio.io/rev": "default", "install.operator.istio.io/owning-resource": "unknown"}},
                  "data": {"mesh": text, "meshNetworks": "networks: {}"}}
            self.cluster.create(kinds.BY_KEY["configmaps"], ROOT_NS, cm, internal=True)
        else:
            cm.setdefault("data", {})["mesh"] = text
            self.cluster.update(kinds.BY_KEY["configmaps"], ROOT_NS, "istio", cm)

    def namespace_labels(self, ns):
        o = self.cluster.get(kinds.BY_KEY["namespaces"], "", ns)
        return (o or {}).get("metadata", {}).get("labels") or {}

    def native_sidecars(self):
        env = ((self.values.get("pilot") or {}).get("env") or {})
        return self.cluster.native_sidecars or str(env.get("ENABLE_NATIVE_SIDECARS", "")).lower() == "true"

    # --- injection -----------------------------------------------------------------------------
    def inject(self, ns, pod):
        version = self.istio_version()
        nsl = self.namespace_labels(ns)
        md = pod["metadata"]
        labels, ann = md.setdefault("labels", {}), md.setdefault("annotations", {})
        if version and nsl.get("istio.io/dataplane-mode") == "ambient":
            ann["ambient.istio.io/redirection"] = "enabled"
            return None
        enabled = nsl.get("istio-injection") == "enabled" or "istio.io/rev" in nsl
        if nsl.get("istio-injection") == "disabled":
            enabled = False
        elif labels.get("sidecar.istio.io/inject") == "true":
            enabled = True
        if labels.get("sidecar.istio.io/inject") == "false" or ann.get("sidecar.istio.io/inject") == "false":
            enabled = False
        if not version or not enabled or ns in ("kube-system", "kube-public"):
            return None
        spec = pod["spec"]
        if any(c.get("name") == "istio-proxy" for c in (spec.get("containers") or []) + (spec.get("initContainers") or [])):
            return None
        mc = self.mesh_config()
        pc = copy.deepcopy(mc.get("defaultConfig") or {})
        if ann.get("proxy.istio.io/config"):
            try:
                pc = deep_merge(pc, yamlmini.load(ann["proxy.istio.io/config"]) or {})
            except yamlmini.YamlError:
                pass
        pc.setdefault("discoveryAddress", "istiod.istio-system.svc:15012")
        native = self.native_sidecars()
        app = (spec.get("containers") or [{}])[0].get("name", "")
        proxy = {"name": "istio-proxy", "image": "docker.io/istio/proxyv2:" + version,
                 "args": ["proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local",
                          "--proxyLogLevel=warning", "--proxyComponentLogLevel=misc:error", "--log_output_level=default:info"],
                 "env": [{"name": "PROXY_CONFIG", "value": json.dumps(pc, sort_keys=True)},
                         {"name": "ISTIO_META_APP_CONTAINERS", "value": ",".join(c["name"] for c in spec.get("containers") or [])},
                         {"name": "ISTIO_META_OBSLAB_SIM", "value": "simulated sidecar (test equipment)"}],
                 "ports": [{"containerPort": 15090, "name": "http-envoy-prom", "protocol": "TCP"}],
                 "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}
        init = {"name": "istio-init", "image": "docker.io/istio/proxyv2:" + version,
                "args": ["istio-iptables", "-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT", "-i", "*",
                         "-x", "", "-b", "*", "-d", "15090,15021,15020", "--log_output_level=default:info"]}
        inits = list(spec.get("initContainers") or [])
        if native:
            proxy["restartPolicy"] = "Always"
            spec["initContainers"] = [init, proxy] + inits
        else:
            spec["initContainers"] = [init] + inits
            spec["containers"] = list(spec.get("containers") or []) + [proxy]
        ann.setdefault("kubectl.kubernetes.io/default-container", app)
        ann.setdefault("kubectl.kubernetes.io/default-logs-container", app)
        ann["sidecar.istio.io/status"] = json.dumps({"initContainers": ["istio-init"] + (["istio-proxy"] if native else []),
                                                     "containers": [] if native else ["istio-proxy"],
                                                     "volumes": ["istio-envoy", "istio-data", "istio-podinfo", "istio-token", "istiod-ca-cert"],
                                                     "imagePullSecrets": None, "revision": "default"})
        labels["security.istio.io/tlsMode"] = "istio"
        labels["service.istio.io/canonical-name"] = labels.get("app", md.get("name", ""))
        labels["service.istio.io/canonical-revision"] = labels.get("version", "latest")
        return {"proxy_config": pc, "version": version, "native": native}

    def has_sidecar(self, pod):
        return pod["metadata"]["uid"] in self.cluster.sidecars

    def pod_started(self, pod):
        ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
        snap = self.cluster.sidecars.get(pod["metadata"]["uid"])
        stamp = lambda: time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".%06dZ" % (time.time_ns() // 1000 % 1_000_000)
        if snap:
            w = lambda t: self.cluster.write_log(ns, name, "istio-proxy", "%s\tinfo\t%s" % (stamp(), t))
            w("obslab-sim: simulated istio-proxy (test equipment, not a real Envoy)")
            w('FLAG: --concurrency="2"')
            w("Version %s-obslab-sim" % snap["version"])
            w("Proxy role: sidecar~%s~%s.%s~%s.svc.cluster.local" % (pod["status"]["podIP"], name, ns, ns))
            w("Envoy proxy is ready")
            self.cluster.write_log(ns, name, "istio-init", "%s\tinfo\tobslab-sim: simulated istio-init: iptables rules applied" % stamp())
        for c in pod["spec"].get("containers") or []:
            text = " ".join((c.get("command") or []) + (c.get("args") or []))
            if "http-echo" in c.get("image", "") or "-text" in text:
                self.cluster.write_log(ns, name, c["name"], "%s [INFO] server is listening on :5678 (obslab-sim)"
                                       % time.strftime("%Y/%m/%d %H:%M:%S", time.gmtime()))
            if c.get("name") in ("ztunnel",):
                self.cluster.write_log(ns, name, c["name"], "%s\tinfo\tobslab-sim: simulated ztunnel" % stamp())

    def pod_deleted(self, pod):
        labels = pod["metadata"].get("labels") or {}
        if pod["metadata"].get("namespace") == ROOT_NS and labels.get("app") == "jaeger":
            self.jaeger.clear()  # the add-on keeps spans in memory only

    # --- tracing and logging as a sidecar would do them ------------------------------------------
    def _telemetry_for(self, pod, field):
        res = kinds.BY_KEY["telemetry.istio.io/telemetries"]
        ns = pod["metadata"]["namespace"]
        labels = pod["metadata"].get("labels") or {}
        best, best_rank = None, -1
        for t in self.cluster.list(res):
            tns = t["metadata"]["namespace"]
            spec = t.get("spec") or {}
            sel = ((spec.get("selector") or {}).get("matchLabels")) or ((spec.get("targetRef") or {}) and None)
            if tns == ns and sel:
                rank = 3 if all(labels.get(k) == v for k, v in sel.items()) else -1
            elif tns == ns and tns != ROOT_NS:
                rank = 2
            elif tns == ROOT_NS and not sel:
                rank = 1
            else:
                rank = -1
            if rank > best_rank and spec.get(field):
                best, best_rank = spec.get(field), rank
        return best

    def _provider(self, mc, name):
        for p in mc.get("extensionProviders") or []:
            if p.get("name") == name:
                return p
        return None

    def tracing_for(self, pod):
        """What the pod's sidecar does about tracing: a dict with kind (zipkin|opentelemetry|None),
        address (host, port), sampling (percent), reason (why not, when kind is None)."""
        snap = self.cluster.sidecars.get(pod["metadata"]["uid"])
        if not snap:
            return {"kind": None, "reason": "no sidecar"}
        mc = self.mesh_config()
        pc = snap["proxy_config"]
        pc_tracing = pc.get("tracing") or {}
        sampling = pc_tracing.get("sampling")
        if sampling is None:
            sampling = (self.values.get("pilot") or {}).get("traceSampling", 1.0)
        if mc.get("enableTracing") is False:
            return {"kind": None, "reason": "meshConfig.enableTracing is false"}
        tel = self._telemetry_for(pod, "tracing")
        provider_names = None
        if tel:
            entry = tel[0] if isinstance(tel, list) and tel else {}
            if entry.get("randomSamplingPercentage") is not None:
                sampling = entry["randomSamplingPercentage"]
            if entry.get("disableSpanReporting"):
                return {"kind": None, "reason": "Telemetry disables span reporting"}
            provider_names = [p.get("name") for p in entry.get("providers") or []]
            if not provider_names:
                provider_names = list((mc.get("defaultProviders") or {}).get("tracing") or [])
            if not provider_names:
                return {"kind": None, "reason": "Telemetry tracing names no provider and meshConfig.defaultProviders.tracing is empty"}
        elif (mc.get("defaultProviders") or {}).get("tracing"):
            provider_names = list(mc["defaultProviders"]["tracing"])
        if provider_names:
            p = self._provider(mc, provider_names[0])
            if p is None:
                return {"kind": None, "reason": "provider %r is not in meshConfig.extensionProviders" % provider_names[0]}
            for kind in ("zipkin", "opentelemetry"):
                if kind in p:
                    cfg = p[kind] or {}
                    return {"kind": kind, "address": (str(cfg.get("service", "")), int(cfg.get("port") or 0)),
                            "http": "http" in cfg, "sampling": float(sampling), "provider": p.get("name"),
                            "source": "Telemetry API" if tel else "meshConfig.defaultProviders"}
            return {"kind": None, "reason": "provider %r type is not simulated" % provider_names[0]}
        address = (pc_tracing.get("zipkin") or {}).get("address")
        if not address and version_tuple(snap["version"]) < (1, 22, 0):
            address = "zipkin.istio-system:9411"
        if not address:
            return {"kind": None, "reason": "no tracing provider: Istio >= 1.22 has no default Zipkin address"}
        host, _, port = address.rpartition(":")
        return {"kind": "zipkin", "address": (host, int(port or 9411)), "http": False, "sampling": float(sampling),
                "source": "defaultConfig.tracing.zipkin (read at sidecar start)"}

    def resolve_service(self, host, port, from_ns):
        host = host.split("://")[-1]
        for suffix in (".svc.cluster.local", ".svc"):
            if host.endswith(suffix):
                host = host[: -len(suffix)]
        name, _, ns = host.partition(".")
        ns = ns or from_ns
        svc = self.cluster.get(kinds.BY_KEY["services"], ns, name)
        if not svc:
            return None, None, None
        sp = next((p for p in svc["spec"].get("ports") or [] if int(p.get("port", 0)) == int(port)), None)
        if sp is None:
            return svc, None, []
        pods = self.cluster.running_pods(ns, svc["spec"].get("selector") or {})
        return svc, sp, pods

    def target_port(self, sp, pod):
        tp = sp.get("targetPort", sp.get("port"))
        if isinstance(tp, str) and not tp.isdigit():
            for c in pod["spec"].get("containers") or []:
                for p in c.get("ports") or []:
                    if p.get("name") == tp:
                        return int(p["containerPort"])
            return 0
        return int(tp)

    def collector_ok(self, tr, from_ns):
        if not tr.get("kind"):
            return False
        host, port = tr["address"]
        svc, sp, pods = self.resolve_service(host, port, from_ns)
        if not svc or not sp or not pods:
            return False
        tp = self.target_port(sp, pods[0])
        want = {"zipkin": {9411}, "opentelemetry": {4318} if tr.get("http") else {4317}}[tr["kind"]]
        return tp in want

    def access_log_for(self, pod):
        """(encoding, format) of the sidecar's access log to stdout, or None."""
        if not self.cluster.sidecars.get(pod["metadata"]["uid"]):
            return None
        mc = self.mesh_config()
        ver = version_tuple(self.cluster.sidecars[pod["metadata"]["uid"]]["version"])
        default_text = DEFAULT_TEXT_FORMAT if ver >= (1, 23, 0) else DEFAULT_TEXT_FORMAT.replace("_CLUSTER_RAW%", "_CLUSTER%")
        mesh_fmt = ("JSON", mc.get("accessLogFormat") or None) if mc.get("accessLogEncoding") == "JSON" \
            else ("TEXT", mc.get("accessLogFormat") or default_text)
        tel = self._telemetry_for(pod, "accessLogging")
        if tel:
            entry = tel[0] if isinstance(tel, list) and tel else {}
            if entry.get("disabled"):
                return None
            for p in entry.get("providers") or [{"name": "envoy"}]:
                if p.get("name") == "envoy":
                    return mesh_fmt
                prov = self._provider(mc, p.get("name"))
                if prov and "envoyFileAccessLog" in prov:
                    lf = (prov["envoyFileAccessLog"] or {}).get("logFormat") or {}
                    if "labels" in lf:
                        return ("JSON", json.dumps(lf["labels"]))
                    return ("TEXT", lf.get("text") or default_text)
            return None
        if mc.get("accessLogFile") in ("/dev/stdout", "/dev/stderr"):
            return mesh_fmt
        return None

    # --- traffic -------------------------------------------------------------------------------
    @staticmethod
    def app_text(pod):
        c = (pod["spec"].get("containers") or [{}])[0]
        return " ".join((c.get("command") or []) + (c.get("args") or []))

    def traffic_sources(self):
        out = []
        for p in self.cluster.list(kinds.BY_KEY["pods"]):
            text = self.app_text(p)
            if p["status"].get("phase") == "Running" and "curl" in text and re.search(r"while (true|:)", text):
                out.append(p)
        return out

    def headers_from_script(self, text):
        """The headers a frontend script sends, with fresh ids as its `od /dev/urandom` would make."""
        h = {}
        for m in re.finditer(r"-H\s+[\"']([^\"':]+):\s*([^\"']*)[\"']", text):
            k, v = m.group(1).strip().lower(), m.group(2).strip()
            if k == "x-b3-traceid":
                v = hex_id(16) if "32" in v or "N16" in v else hex_id(8)
            elif k in ("x-b3-spanid", "x-b3-parentspanid"):
                v = hex_id(8)
            elif k == "traceparent" and "$" in v:
                v = "00-%s-%s-01" % (hex_id(16), hex_id(8))
            h[k] = v
        return h

    def start(self):
        self._thread = threading.Thread(target=self._loop, name="sim-traffic", daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()

    def _loop(self):
        while not self._stop.wait(self.interval):
            if not self.traffic_enabled:
                continue
            try:
                self.generate(1)
            except Exception as e:  # keep the loop alive; the sim is test equipment
                print("obslab-sim: traffic error: %r" % e, flush=True)

    def generate(self, count=1, source=None):
        n = 0
        for _ in range(count):
            for pod in self.traffic_sources():
                if source and pod["metadata"]["name"] != source and pod["metadata"].get("labels", {}).get("app") != source:
                    continue
                text = self.app_text(pod)
                urls = re.findall(r"https?://[^\s\"';\\]+", text)
                for url in urls[:1]:
                    self.request(pod, url, self.headers_from_script(text))
                    n += 1
        return n

    def next_seq(self, pod):
        uid = pod["metadata"]["uid"]
        with self.cluster.lock:
            self.seq[uid] = self.seq.get(uid, 0) + 1
            return self.seq[uid]

    def request(self, src, url, headers, app_log=True):
        """One HTTP request from src's app container through the mesh. Returns (status, body)."""
        cl = self.cluster
        with cl.lock:
            src = cl.get(kinds.BY_KEY["pods"], src["metadata"]["namespace"], src["metadata"]["name"]) or src
            seq = self.next_seq(src)
            self.stats["requests"] += 1
            ns = src["metadata"]["namespace"]
            m = re.match(r"https?://([^/:]+)(?::(\d+))?(/[^?]*)?(\?.*)?$", url)
            host, port = m.group(1), int(m.group(2) or 80)
            path = (m.group(3) or "/") + ((m.group(4) + "&") if m.group(4) else "?") + "seq=%d" % seq
            app = (src["spec"].get("containers") or [{}])[0].get("name", "")
            svc, sp, pods = self.resolve_service(host, port, ns)
            if svc is None:
                if app_log:
                    cl.write_log(ns, src["metadata"]["name"], app, "curl: (6) Could not resolve host: %s" % host)
                return 0, ""
            h = dict(headers)
            h.update({":method": "GET", ":path": path, ":authority": host if port == 80 else "%s:%d" % (host, port),
                      "user-agent": USER_AGENT})
            svc_fqdn = "%s.%s.svc.cluster.local" % (svc["metadata"]["name"], svc["metadata"]["namespace"])
            dst = None
            if pods:
                dst = pods[self.rr % len(pods)]
                self.rr += 1
            status, body = (200, "hello from %s" % svc["metadata"]["name"]) if dst else (503, "no healthy upstream")
            if dst:
                for c in dst["spec"].get("containers") or []:
                    for arg in c.get("args") or []:
                        if str(arg).startswith(("-text=", "--text=")):
                            body = str(arg).split("=", 1)[1]
            t0 = _now_us()
            dur_total = random.randint(2, 6)
            src_ip = src["status"]["podIP"]
            eport = random.randint(33000, 60000)
            dst_ip = dst["status"]["podIP"] if dst else "-"
            dst_port = self.target_port(sp, dst) if dst and sp else port
            ctx = {"seq": seq, "status": status, "bytes_sent": len(body) + 1, "svc_fqdn": svc_fqdn,
                   "svc_ip": "%s:%d" % (svc["spec"].get("clusterIP"), port), "port": port}
            client_span = None
            # --- client sidecar (outbound) ---
            if self.has_sidecar(src) and self.namespace_labels(ns).get("istio.io/dataplane-mode") != "ambient":
                tr = self.tracing_for(src)
                client_span = self._trace_hop(src, tr, h, "client", ctx, None, t0, dur_total * 1000)
                h.setdefault("x-request-id", self._request_id(client_span))
                fields = dict(ctx, direction="outbound", start_us=t0, duration=dur_total,
                              upstream_host="%s:%d" % (dst_ip, dst_port) if dst else "-",
                              upstream_cluster="outbound|%d||%s" % (port, svc_fqdn),
                              upstream_local="%s:%d" % (src_ip, eport + 1) if dst else "-",
                              downstream_local="%s:%d" % (svc["spec"].get("clusterIP"), port),
                              downstream_remote="%s:%d" % (src_ip, eport), sni="-",
                              flags="-" if dst else "UH", details="via_upstream" if dst else "no_healthy_upstream",
                              trace_id=client_span["trace_id"] if client_span else None)
                self._log_access(src, h, fields)
            else:
                h.setdefault("x-request-id", str(uuid.uuid4()))
            # --- server sidecar (inbound) ---
            if dst:
                if self.has_sidecar(dst) and self.namespace_labels(dst["metadata"]["namespace"]).get("istio.io/dataplane-mode") != "ambient":
                    tr = self.tracing_for(dst)
                    server_span = self._trace_hop(dst, tr, h, "server", ctx, client_span, t0 + 500, dur_total * 1000 - 1000)
                    fields = dict(ctx, direction="inbound", start_us=t0, duration=max(1, dur_total - 1),
                                  upstream_host="%s:%d" % (dst_ip, dst_port),
                                  upstream_cluster="inbound|%d||" % dst_port, upstream_local="127.0.0.6:%d" % (eport + 2),
                                  downstream_local="%s:%d" % (dst_ip, dst_port),
                                  downstream_remote="%s:%d" % (src_ip, eport + 1),
                                  sni="outbound_.%d_._.%s" % (port, svc_fqdn), flags="-", details="via_upstream",
                                  trace_id=server_span["trace_id"] if server_span else None)
                    self._log_access(dst, h, fields)
                self._ztunnel_log(src, dst, ctx)
                dapp = (dst["spec"].get("containers") or [{}])[0].get("name", "")
                cl.write_log(dst["metadata"]["namespace"], dst["metadata"]["name"], dapp,
                             '%s %s:%d %s:%d "GET %s HTTP/1.1" %d %d "%s" 21.4µs' % (
                                 time.strftime("%Y/%m/%d %H:%M:%S", time.gmtime()), host, port, src_ip, eport + 1,
                                 path, status, len(body) + 1, USER_AGENT))
            if app_log:
                cl.write_log(ns, src["metadata"]["name"], app, body)
            return status, body

    def _ztunnel_log(self, src, dst, ctx):
        if self.namespace_labels(dst["metadata"]["namespace"]).get("istio.io/dataplane-mode") != "ambient":
            return
        for z in self.cluster.running_pods(ROOT_NS, {"app": "ztunnel"}):
            self.cluster.write_log(ROOT_NS, z["metadata"]["name"], "istio-proxy",
                                   '%s\tinfo\taccess\tconnection complete\tsrc.addr=%s:%d src.workload="%s" '
                                   'dst.addr=%s dst.service="%s" direction="inbound" bytes_sent=%d duration="%dms" seq=%d' % (
                                       time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".000000Z",
                                       src["status"]["podIP"], 40000 + ctx["seq"] % 20000, src["metadata"]["name"],
                                       dst["status"]["podIP"], ctx["svc_fqdn"], ctx["bytes_sent"], 3, ctx["seq"]))
            break

    def _request_id(self, span):
        rid = list(str(uuid.uuid4()))
        rid[14] = "9" if span and span.get("sampled") else "4"
        return "".join(rid)

    def _trace_hop(self, pod, tr, h, kind, ctx, parent_span, start_us, dur_us):
        """Extract/inject trace context the way the sidecar's tracer would; report the span when
        sampled and the collector is reachable. Mutates the request headers h."""
        if not tr.get("kind"):
            return None
        sampled = None
        if tr["kind"] == "zipkin":
            b3 = h.get("b3")
            trace_id, parent_id = h.get("x-b3-traceid"), h.get("x-b3-spanid")
            if h.get("x-b3-sampled") in ("0", "1", "true", "false"):
                sampled = h["x-b3-sampled"] in ("1", "true")
            if b3 and "-" in b3:
                parts = b3.split("-")
                trace_id, parent_id = parts[0], parts[1]
                if len(parts) > 2:
                    sampled = parts[2] in ("1", "d")
            if h.get("x-b3-flags") == "1":
                sampled = True
            if not trace_id:
                trace_id = hex_id(16)  # Istio turns on 128-bit trace ids
        else:
            tp = h.get("traceparent", "")
            m = re.match(r"^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})", tp)
            if m:
                trace_id, parent_id = m.group(1), m.group(2)
                sampled = bool(int(m.group(3), 16) & 1)
            else:
                trace_id, parent_id = hex_id(16), None  # B3-only clients start a new trace here
        if sampled is None:
            sampled = random.random() * 100 < tr["sampling"]
        span_id = hex_id(8)
        if tr["kind"] == "zipkin":
            h["x-b3-traceid"], h["x-b3-spanid"], h["x-b3-sampled"] = trace_id, span_id, "1" if sampled else "0"
            if parent_id:
                h["x-b3-parentspanid"] = parent_id
            else:
                h.pop("x-b3-parentspanid", None)
        else:
            h["traceparent"] = "00-%s-%s-%s" % (trace_id.rjust(32, "0"), span_id, "01" if sampled else "00")
        span = {"trace_id": trace_id, "span_id": span_id, "parent": parent_id, "sampled": sampled}
        if "x-request-id" not in h:
            h["x-request-id"] = self._request_id(span)  # Envoy makes it where the request enters the mesh
        if sampled:
            if self.collector_ok(tr, pod["metadata"]["namespace"]):
                self._report(pod, kind, span, ctx, h, start_us, dur_us)
                self.stats["spans"] += 1
            else:
                self.stats["spans_dropped"] += 1
        return span

    def _report(self, pod, kind, span, ctx, h, start_us, dur_us):
        labels = pod["metadata"].get("labels") or {}
        ns = pod["metadata"]["namespace"]
        app = labels.get("service.istio.io/canonical-name") or labels.get("app") or pod["metadata"]["name"]
        service = "%s.%s" % (app, ns)
        op = "%s:%d%s" % (ctx["svc_fqdn"], ctx["port"], "/*")
        tag = lambda k, v: {"key": k, "type": "string", "value": v}
        tags = [tag("node_id", "sidecar~%s~%s.%s~%s.svc.cluster.local" % (pod["status"]["podIP"], pod["metadata"]["name"], ns, ns)),
                tag("zone", ""), tag("guid:x-request-id", h.get("x-request-id", "")),
                tag("http.url", "http://%s%s" % (h.get(":authority"), h.get(":path"))),
                tag("http.method", "GET"), tag("downstream_cluster", "-"), tag("user_agent", USER_AGENT),
                tag("http.protocol", "HTTP/1.1"), tag("peer.address", pod["status"]["podIP"]),
                tag("request_size", "0"), tag("response_size", str(ctx["bytes_sent"])),
                tag("component", "proxy"), tag("upstream_cluster",
                                               "outbound|%d||%s" % (ctx["port"], ctx["svc_fqdn"]) if kind == "client" else "inbound|%d||" % ctx["port"]),
                tag("upstream_cluster.name", "outbound|%d||%s" % (ctx["port"], ctx["svc_fqdn"]) if kind == "client" else "inbound|%d||" % ctx["port"]),
                tag("http.status_code", str(ctx["status"])), tag("response_flags", "-" if ctx["status"] < 500 else "UH"),
                tag("istio.canonical_service", app), tag("istio.canonical_revision", labels.get("service.istio.io/canonical-revision", "latest")),
                tag("istio.mesh_id", "cluster.local"), tag("istio.namespace", ns), tag("span.kind", kind),
                tag("sim.obslab.dev/simulated", "true"), tag("sim.seq", str(ctx["seq"]))]
        if ctx["status"] >= 500:
            tags.append({"key": "error", "type": "bool", "value": True})
        self.jaeger.add({"traceID": span["trace_id"], "spanID": span["span_id"], "parentSpanID": span["parent"],
                         "operationName": op, "startTime": start_us, "duration": max(1, dur_us), "tags": tags,
                         "logs": [], "process": {"serviceName": service, "tags": [
                             tag("hostname", pod["metadata"]["name"]), tag("ip", pod["status"]["podIP"]),
                             tag("obslab-sim", "simulated")]}})

    def _log_access(self, pod, h, f):
        cfg = self.access_log_for(pod)
        if not cfg:
            return
        enc, fmt = cfg
        start = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(f["start_us"] // 1_000_000)) + ".%03dZ" % (f["start_us"] // 1000 % 1000)
        ver = version_tuple(self.cluster.sidecars[pod["metadata"]["uid"]]["version"])
        plain_cluster = f["upstream_cluster"] + (";" if (1, 22, 0) <= ver < (1, 23, 0) else "")

        def op(name, arg, trunc, typed):
            if name == "START_TIME":
                return start if not arg else _strftime(arg, f["start_us"])
            if name in ("REQ", "RESP"):
                v = None
                if name == "REQ":
                    for alt in (arg or "").split("?"):
                        v = h.get(alt.strip().lower())
                        if v is not None:
                            break
                elif (arg or "").upper() == "X-ENVOY-UPSTREAM-SERVICE-TIME" and f["status"] == 200:
                    v = str(max(1, f["duration"] - 1))
                if v is not None and trunc:
                    v = v[: int(trunc)]
                return v
            vals = {"PROTOCOL": "HTTP/1.1", "RESPONSE_CODE": f["status"], "RESPONSE_FLAGS": f["flags"],
                    "RESPONSE_CODE_DETAILS": f["details"], "CONNECTION_TERMINATION_DETAILS": None,
                    "UPSTREAM_TRANSPORT_FAILURE_REASON": None, "BYTES_RECEIVED": 0, "BYTES_SENT": f["bytes_sent"],
                    "DURATION": f["duration"], "UPSTREAM_HOST": f["upstream_host"], "UPSTREAM_CLUSTER": plain_cluster,
                    "UPSTREAM_CLUSTER_RAW": f["upstream_cluster"], "UPSTREAM_LOCAL_ADDRESS": f["upstream_local"],
                    "DOWNSTREAM_LOCAL_ADDRESS": f["downstream_local"], "DOWNSTREAM_REMOTE_ADDRESS": f["downstream_remote"],
                    "DOWNSTREAM_PEER_ADDRESS": f["downstream_remote"],
                    "REQUESTED_SERVER_NAME": None if f["sni"] == "-" else f["sni"], "ROUTE_NAME": "default",
                    "TRACE_ID": f.get("trace_id") or "", "HOSTNAME": pod["metadata"]["name"],
                    "UPSTREAM_PEER_URI_SAN": None}
            v = vals.get(name)
            if name in ("UPSTREAM_HOST", "UPSTREAM_LOCAL_ADDRESS") and v == "-":
                v = None
            return v

        def render(template, typed):
            whole = OP_RE.fullmatch(template)
            if typed and whole:
                name = "START_TIME" if whole.group(0).startswith("%START_TIME") else whole.group(2)
                v = op(name, whole.group(1) if name == "START_TIME" else whole.group(3), whole.group(4), True)
                if name in NUMERIC_OPS and v is not None:
                    return int(v)
                return None if v in (None, "") else str(v)

            def sub(m):
                name = "START_TIME" if m.group(0).startswith("%START_TIME") else m.group(2)
                v = op(name, m.group(1) if name == "START_TIME" else m.group(3), m.group(4), False)
                if name == "TRACE_ID":
                    return v or ""
                return "-" if v in (None, "") else str(v)
            return OP_RE.sub(sub, template)

        if enc == "JSON":
            try:
                spec = json.loads(fmt) if fmt else DEFAULT_JSON_FORMAT
            except ValueError:
                spec = DEFAULT_JSON_FORMAT
            keys = list(spec.items())
            if not fmt:
                random.shuffle(keys)  # Istio builds the JSON from a Go map: key order is not stable
            line = json.dumps({k: render(v, True) if isinstance(v, str) else v for k, v in keys}, ensure_ascii=False)
        else:
            line = render(fmt.rstrip("\n"), False)
        self.cluster.write_log(pod["metadata"]["namespace"], pod["metadata"]["name"], "istio-proxy", line)

    # --- exec ----------------------------------------------------------------------------------
    def exec_command(self, pod, container, argv, out, err, stop):
        text = " ".join(argv)
        if container == "istio-proxy":
            err("obslab-sim: exec in istio-proxy is not simulated\n")
            return 126
        if "curl" in text:
            urls = re.findall(r"https?://[^\s\"';\\]+", text)
            if not urls:
                urls = ["http://" + u for u in re.findall(r"curl\s+(?:-\S+\s+)*([a-z][\w.-]*)(?=[\s;]|$)", text)]
            if not urls:
                err("curl: no URL specified\n")
                return 2
            loop = bool(re.search(r"while (true|:)", text))
            quiet = bool(re.search(r">\s*/dev/null", text))
            headers = self.headers_from_script(text)
            if argv and argv[0] == "curl":
                # A direct `kubectl exec … -- curl URL -H 'k: v'` (no script): the headers as given,
                # so a request whose trace id was chosen in advance keeps it.
                headers = {}
                for i, a in enumerate(argv[:-1]):
                    if a == "-H" and ":" in argv[i + 1]:
                        k, _, v = argv[i + 1].partition(":")
                        headers[k.strip().lower()] = v.strip()
            code = 0
            while True:
                for url in urls:
                    status, body = self.request(pod, url, headers if headers else {}, app_log=False)
                    if status == 0:
                        err("curl: (6) Could not resolve host\n") if "-s" not in text else None
                        code = 6
                    elif not quiet:
                        out(body + "\n")
                if not loop or stop.wait(self.interval):
                    return code if not loop else 0
        m = re.fullmatch(r"(?:sh|bash) -c exit (\d+)", text.strip())
        if m:
            return int(m.group(1))
        if argv and argv[0] == "echo":
            out(" ".join(argv[1:]) + "\n")
            return 0
        if argv and argv[0] == "hostname":
            out(pod["metadata"]["name"] + "\n")
            return 0
        if argv and argv[0] in ("true",):
            return 0
        if argv and argv[0] == "env":
            for k, v in (("HOSTNAME", pod["metadata"]["name"]), ("OBSLAB_SIM", "simulated")):
                out("%s=%s\n" % (k, v))
            return 0
        err("obslab-sim: command not simulated: %s\n" % text)
        return 127

    # --- istioctl back end -----------------------------------------------------------------------
    def install(self, iop, version):
        spec = (iop or {}).get("spec") or {}
        profile = spec.get("profile") or "default"
        cl = self.cluster
        with cl.lock:
            if not cl.get(kinds.BY_KEY["namespaces"], "", ROOT_NS):
                cl.create(kinds.BY_KEY["namespaces"], "", {"metadata": {"name": ROOT_NS}})
            self.values = copy.deepcopy(spec.get("values") or {})
            if profile == "demo":
                self.values = deep_merge({"pilot": {"traceSampling": 100}}, self.values)
            mc = {"defaultConfig": {"discoveryAddress": "istiod.istio-system.svc:15012"},
                  "enablePrometheusMerge": True, "rootNamespace": ROOT_NS, "trustDomain": "cluster.local"}
            if profile == "demo":
                mc["accessLogFile"] = "/dev/stdout"
                if version_tuple(version) >= (1, 22, 0):
                    mc["extensionProviders"] = [{"name": "jaeger", "opentelemetry": {
                        "service": "jaeger-collector.istio-system.svc.cluster.local", "port": 4317}}]
            mc = deep_merge(mc, spec.get("meshConfig") or {})
            if "extensionProviders" in (spec.get("meshConfig") or {}) and profile == "demo":
                mc["extensionProviders"] = spec["meshConfig"]["extensionProviders"]
            self.set_mesh_config(mc)
            components = [("Istio core", "⛵️"), ("Istiod", "🧠")]
            self._deploy(ROOT_NS, "istiod", {"app": "istiod", "istio": "pilot"}, "docker.io/istio/pilot:" + version,
                         "discovery", [("grpc-xds", 15010), ("https-dns", 15012), ("https-webhook", 443), ("http-monitoring", 15014)],
                         svc_ports=[(15010, 15010), (15012, 15012), (443, 15017), (15014, 15014)])
            comps = spec.get("components") or {}
            ingress = profile in ("default", "demo")
            for g in comps.get("ingressGateways") or []:
                ingress = bool(g.get("enabled", True))
            if profile == "ambient":
                components += [("CNI", "🪢"), ("Ztunnel", "🔒")]
                self._deploy(ROOT_NS, "ztunnel", {"app": "ztunnel"}, "docker.io/istio/ztunnel:" + version, "istio-proxy",
                             [], svc_ports=None)
            if ingress:
                components.append(("Ingress gateways", "🛬"))
                self._deploy(ROOT_NS, "istio-ingressgateway", {"app": "istio-ingressgateway", "istio": "ingressgateway"},
                             "docker.io/istio/proxyv2:" + version, "istio-proxy", [("http2", 8080)],
                             svc_ports=[(80, 8080), (443, 8443)])
            if profile == "demo":
                components.append(("Egress gateways", "🛫"))
                self._deploy(ROOT_NS, "istio-egressgateway", {"app": "istio-egressgateway", "istio": "egressgateway"},
                             "docker.io/istio/proxyv2:" + version, "istio-proxy", [("http2", 8080)],
                             svc_ports=[(80, 8080), (443, 8443)])
        return {"profile": profile, "components": components, "version": version}

    def _deploy(self, ns, name, labels, image, container, ports, svc_ports=None, env=None, annotations=None):
        d = {"apiVersion": "apps/v1", "kind": "Deployment",
             "metadata": {"name": name, "namespace": ns, "labels": dict(labels)},
             "spec": {"replicas": 1, "selector": {"matchLabels": dict(labels)},
                      "template": {"metadata": {"labels": dict(labels, **{"sidecar.istio.io/inject": "false"}),
                                                "annotations": dict(annotations or {})},
                                   "spec": {"containers": [{"name": container, "image": image,
                                                            "ports": [{"name": n, "containerPort": p} for n, p in ports],
                                                            "env": env or []}]}}}}
        self.cluster.apply_object(d, ns)
        if svc_ports:
            self.cluster.apply_object({"apiVersion": "v1", "kind": "Service",
                                       "metadata": {"name": name, "namespace": ns, "labels": dict(labels)},
                                       "spec": {"selector": dict(labels),
                                                "ports": [{"name": "port-%d" % p, "port": p, "targetPort": t}
                                                          for p, t in svc_ports]}}, ns)

    def deploy_jaeger(self, v2=False):
        """The Istio Jaeger add-on's objects (FORMATS.md §6)."""
        image = "docker.io/jaegertracing/jaeger:2.17.0" if v2 else "docker.io/jaegertracing/all-in-one:1.70.0"
        env = [] if v2 else [{"name": "QUERY_BASE_PATH", "value": "/jaeger"}, {"name": "BADGER_EPHEMERAL", "value": "false"}]
        with self.cluster.lock:
            if not self.cluster.get(kinds.BY_KEY["namespaces"], "", ROOT_NS):
                self.cluster.create(kinds.BY_KEY["namespaces"], "", {"metadata": {"name": ROOT_NS}})
            self._deploy(ROOT_NS, "jaeger", {"app": "jaeger"}, image, "jaeger",
                         [("query", 16686), ("zipkin", 9411), ("otlp-grpc", 4317), ("otlp-http", 4318)], env=env,
                         annotations={"prometheus.io/scrape": "true", "prometheus.io/port": "14269"})
            svc = lambda name, ports: self.cluster.apply_object({
                "apiVersion": "v1", "kind": "Service",
                "metadata": {"name": name, "namespace": ROOT_NS, "labels": {"app": "jaeger"}},
                "spec": {"selector": {"app": "jaeger"},
                         "ports": [{"name": n, "port": p, "targetPort": t} for n, p, t in ports]}}, ROOT_NS)
            svc("tracing", [("http-query", 80, 16686), ("grpc-query", 16685, 16685)])
            svc("zipkin", [("http-query", 9411, 9411)])
            svc("jaeger-collector", [("jaeger-collector-http", 14268, 14268), ("jaeger-collector-grpc", 14250, 14250),
                                     ("http-zipkin", 9411, 9411), ("grpc-otel", 4317, 4317), ("http-otel", 4318, 4318)])

    def analyze(self, namespace=None):
        msgs = []
        nss = [namespace] if namespace else [n["metadata"]["name"] for n in self.cluster.list(kinds.BY_KEY["namespaces"])
                                             if n["metadata"]["name"] not in ("kube-system", "kube-public", "kube-node-lease", ROOT_NS)]
        for ns in nss:
            nsl = self.namespace_labels(ns)
            injected = nsl.get("istio-injection") == "enabled" or "istio.io/rev" in nsl
            ambient = nsl.get("istio.io/dataplane-mode") == "ambient"
            if not injected and not ambient and nsl.get("istio-injection") != "disabled":
                msgs.append({"code": "IST0102", "level": "Info", "origin": "Namespace %s" % ns,
                             "message": "The namespace is not enabled for Istio injection. Run 'kubectl label namespace %s "
                                        "istio-injection=enabled' to enable it, or 'kubectl label namespace %s "
                                        "istio-injection=disabled' to explicitly mark it as not needing injection." % (ns, ns)})
            if injected:
                for p in self.cluster.list(kinds.BY_KEY["pods"], ns):
                    labels = p["metadata"].get("labels") or {}
                    if labels.get("sidecar.istio.io/inject") == "false":
                        continue
                    names = [c["name"] for c in (p["spec"].get("containers") or []) + (p["spec"].get("initContainers") or [])]
                    if "istio-proxy" not in names:
                        n = "%s.%s" % (p["metadata"]["name"], ns)
                        msgs.append({"code": "IST0103", "level": "Warning", "origin": "Pod %s" % n,
                                     "message": "The pod %s is missing the Istio proxy. This can often be resolved by "
                                                "restarting or redeploying the workload." % n})
        return msgs

    def bootstrap(self, ns, name):
        pod = self.cluster.get(kinds.BY_KEY["pods"], ns, name)
        if pod is None:
            # istioctl takes deploy/NAME too: the first running pod of that deployment.
            dep = self.cluster.get(kinds.BY_KEY["apps/deployments"], ns, name)
            match = ((dep or {}).get("spec", {}).get("selector") or {}).get("matchLabels") or {}
            pods = [p for p in self.cluster.list(kinds.BY_KEY["pods"], ns)
                    if dep and not p["metadata"].get("deletionTimestamp")
                    and all((p["metadata"].get("labels") or {}).get(k) == v for k, v in match.items())]
            pod = pods[0] if pods else None
            if pod is not None:
                name = pod["metadata"]["name"]
        if pod is None:
            raise ApiError(404, "NotFound", 'pods "%s" not found' % name)
        snap = self.cluster.sidecars.get(pod["metadata"]["uid"])
        if not snap:
            raise ApiError(400, "BadRequest", "failed to execute command on sidecar: pod %s.%s has no istio-proxy "
                           "container (obslab-sim)" % (name, ns))
        pc = snap["proxy_config"]
        app = (pod["metadata"].get("labels") or {}).get("app", name)
        bs = {"node": {"id": "sidecar~%s~%s.%s~%s.svc.cluster.local" % (pod["status"]["podIP"], name, ns, ns),
                       "cluster": "%s.%s" % (app, ns),
                       "metadata": {"ISTIO_VERSION": snap["version"], "PROXY_CONFIG": pc, "NAMESPACE": ns,
                                    "NAME": name, "OBSLAB_SIM": "simulated sidecar (test equipment)"},
                       "userAgentName": "envoy", "userAgentBuildVersion": {"version": {"majorNumber": 1, "minorNumber": 32}}},
              "staticResources": {"clusters": [{"name": "prometheus_stats", "type": "STATIC"},
                                               {"name": "agent", "type": "STATIC"},
                                               {"name": "xds-grpc", "type": "STATIC"}]},
              "admin": {"address": {"socketAddress": {"address": "127.0.0.1", "portValue": 15000}}}}
        address = ((pc.get("tracing") or {}).get("zipkin") or {}).get("address")
        if not address and version_tuple(snap["version"]) < (1, 22, 0):
            address = "zipkin.istio-system:9411"
        if address and self.mesh_config().get("enableTracing", True) is not False:
            host, _, port = address.rpartition(":")
            bs["tracing"] = {"http": {"name": "envoy.tracers.zipkin", "typedConfig": {
                "@type": "type.googleapis.com/envoy.config.trace.v3.ZipkinConfig", "collectorCluster": "zipkin",
                "collectorEndpoint": "/api/v2/spans", "traceId128bit": True, "sharedSpanContext": False,
                "collectorEndpointVersion": "HTTP_JSON"}}}
            bs["staticResources"]["clusters"].append({"name": "zipkin", "type": "STRICT_DNS", "connectTimeout": "1s",
                                                      "loadAssignment": {"clusterName": "zipkin", "endpoints": [{"lbEndpoints": [{"endpoint": {"address": {"socketAddress": {"address": host, "portValue": int(port or 9411)}}}}]}]}})
        return {"bootstrap": bs}


def _strftime(fmt, us):
    secs = us // 1_000_000

    def frac(m):
        n = int(m.group(1) or 9)
        return ("%06d000" % (us % 1_000_000))[:n]
    out = re.sub(r"%(\d)?f", frac, fmt)
    out = out.replace("%s", str(secs))
    try:
        return time.strftime(out, time.gmtime(secs))
    except ValueError:
        return out
