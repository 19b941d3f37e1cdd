"""The simulation: one cluster, one mesh, one Jaeger store, two HTTP servers, named scenarios and
the control endpoint (/_sim/... on the API server's port)."""

import copy
import json
import os
import threading

from . import SIM_NAME, kinds, yamlmini
from .apiserver import ApiServer
from .cluster import ApiError, Cluster
from .jaeger import JaegerServer, JaegerStore
from .mesh import ROOT_NS, Mesh, deep_merge
from .portforward import PortForwards

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFESTS = os.path.join(os.path.dirname(HERE), "manifests")


def manifest(name):
    with open(os.path.join(MANIFESTS, name), encoding="utf-8") as f:
        return f.read()


class Sim:
    def __init__(self, interval=0.5, rollout_delay=0.3, jaeger_mode="v1", verbose=False, jaeger_ui="auto"):
        self.cluster = Cluster(rollout_delay=rollout_delay)
        self.jaeger = JaegerStore()
        self.mesh = Mesh(self.cluster, self.jaeger, interval=interval)
        self.jaeger_mode = jaeger_mode
        self.jaeger_ui = jaeger_ui
        self.verbose = verbose
        self.stopping = False
        self.scenario = None
        self.api = self.jaeger_server = None
        self.shutdown_requested = threading.Event()
        self.portforwards = PortForwards(self.pod_endpoint)
        self.cluster.on_pod_deleted.append(self.portforwards.pod_deleted)

    def serve(self, host="127.0.0.1", api_port=0, jaeger_port=0):
        self.api = ApiServer((host, api_port), self)
        self.jaeger_server = JaegerServer((host, jaeger_port), self.jaeger, mode=self.jaeger_mode, ui=self.jaeger_ui)
        for srv, name in ((self.api, "sim-api"), (self.jaeger_server, "sim-jaeger")):
            threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, name=name, daemon=True).start()
        self.mesh.start()

    def ports(self):
        a = self.api.server_address[1]
        j = self.jaeger_server.server_address[1]
        ui = self.jaeger_server.ui_info()
        return {"api": "http://127.0.0.1:%d" % a, "jaeger": "http://127.0.0.1:%d" % j,
                "jaeger_ui": "http://127.0.0.1:%d/jaeger" % j, "api_port": a, "jaeger_port": j,
                "jaeger_mode": self.jaeger_mode, "jaeger_ui_version": ui["version"],
                "jaeger_ui_dir": ui["dir"], "jaeger_ui_missing": ui["missing"],
                "scenario": self.scenario, "simulated": True}

    def stop(self):
        self.stopping = True
        self.cluster.closed = True
        self.mesh.stop()
        with self.cluster.lock:
            self.cluster.cond.notify_all()
        for srv in (self.api, self.jaeger_server):
            if srv:
                srv.shutdown()
                srv.server_close()

    def kubeconfig(self):
        return ("# obslab-sim: SIMULATED cluster (test equipment), not a real Kubernetes cluster\n"
                "apiVersion: v1\nkind: Config\nclusters:\n- name: obslab-sim\n  cluster:\n    server: %s\n"
                "contexts:\n- name: obslab-sim\n  context:\n    cluster: obslab-sim\n    user: obslab-sim\n"
                "    namespace: default\ncurrent-context: obslab-sim\nusers:\n- name: obslab-sim\n  user: {}\n"
                "preferences: {}\n" % self.ports()["api"])

    def pod_endpoint(self, labels, port):
        """Where a forwarded pod port answers: the Jaeger query server behind app=jaeger's 16686."""
        if labels.get("app") == "jaeger" and port == 16686 and self.jaeger_server:
            return ("127.0.0.1", self.jaeger_server.server_address[1])
        return None

    def exec_command(self, pod, container, argv, out, err, stop):
        return self.mesh.exec_command(pod, container, argv, out, err, stop)

    # --- scenarios ---------------------------------------------------------------------------
    def load_scenario(self, name):
        fn = SCENARIOS.get(name)
        if fn is None:
            raise KeyError("unknown scenario %r (known: %s)" % (name, ", ".join(sorted(SCENARIOS))))
        enabled = self.mesh.traffic_enabled
        self.mesh.traffic_enabled = False
        delay = self.cluster.rollout_delay
        self.cluster.rollout_delay = 0
        try:
            _base(self)
            fn(self)
        finally:
            self.cluster.rollout_delay = delay
            self.mesh.traffic_enabled = enabled
        self.scenario = name

    # --- control endpoint ----------------------------------------------------------------------
    def control(self, method, path, q, body):
        cl, mesh = self.cluster, self.mesh
        parts = path.strip("/").split("/")[1:]
        route = "/".join(parts)
        ns = q.get("namespace") or body.get("namespace") or "default"
        if method == "GET" and route in ("", "state"):
            pods = []
            for p in cl.list(kinds.BY_KEY["pods"]):
                pods.append({"namespace": p["metadata"]["namespace"], "name": p["metadata"]["name"],
                             "sidecar": p["metadata"]["uid"] in cl.sidecars,
                             "tracing": mesh.tracing_for(p), "access_log": mesh.access_log_for(p)})
            return 200, {"simulated": True, "server": SIM_NAME, "scenario": self.scenario, "ports": self.ports(),
                         "istio_version": mesh.istio_version(), "istioctl_version": mesh.istioctl_version,
                         "mesh_config": mesh.mesh_config(), "stats": mesh.stats,
                         "traffic": {"enabled": mesh.traffic_enabled, "interval": mesh.interval},
                         "spans": self.jaeger.span_count(), "pods": pods}
        if method == "GET" and route == "ports":
            return 200, self.ports()
        if method == "GET" and route == "scenarios":
            return 200, {"scenarios": {k: (v.__doc__ or "").strip() for k, v in sorted(SCENARIOS.items())}}
        if method == "POST" and route == "traffic":
            n = mesh.generate(int(body.get("count", 1)), body.get("source"))
            return 200, {"requests": n}
        if method == "POST" and route == "traffic/config":
            if "interval" in body:
                mesh.interval = float(body["interval"])
            if "enabled" in body:
                mesh.traffic_enabled = bool(body["enabled"])
            return 200, {"enabled": mesh.traffic_enabled, "interval": mesh.interval}
        if method == "POST" and route == "logs/drop":
            n = cl.drop_streams(ns, body["pod"], body.get("container"), end=bool(body.get("end")))
            return 200, {"streams": n}
        if method == "POST" and route == "logs/write":
            # Test lines into one container's log (PodFollower's no-line-lost test): "lines", or
            # "count" numbered lines "PREFIX n=K" from "from". Returns how many the log took (none
            # once the pod is gone).
            lines = list(body.get("lines") or [])
            start = int(body.get("from", 1))
            lines += ["%s n=%d" % (body.get("prefix", "line"), start + i) for i in range(int(body.get("count", 0)))]
            written = sum(1 for t in lines if cl.write_log(ns, body["pod"], body.get("container", "istio-proxy"), t))
            return 200, {"written": written}
        if method == "POST" and route == "pods/kill":
            o = cl.delete(kinds.BY_KEY["pods"], ns, body["pod"])
            return 200, {"killed": o["metadata"]["name"]}
        if method == "POST" and route == "mesh-config":
            mc = body["replace"] if "replace" in body else deep_merge(mesh.mesh_config(), body.get("merge") or {})
            mesh.set_mesh_config(mc)
            return 200, {"mesh_config": mesh.mesh_config()}
        if method == "POST" and route == "jaeger/clear":
            self.jaeger.clear()
            return 200, {"spans": 0}
        if method == "POST" and route == "jaeger/load":
            n = self.jaeger.load_v1(body["path"])
            return 200, {"traces": n}
        if method == "POST" and route == "jaeger/fault":
            try:
                return 200, self.jaeger_server.set_fault(body.get("kind", "none"), body.get("delay", 0),
                                                          body.get("count"), body.get("scope", "api"))
            except (TypeError, ValueError) as e:
                raise ApiError(400, "BadRequest", str(e))
        if method == "GET" and route == "portforward":
            return 200, self.portforwards.state()
        if method == "POST" and route == "portforward/drop":
            return 200, {"dropped": self.portforwards.drop(body.get("namespace"), body.get("pod"))}
        if method == "POST" and route == "portforward/config":
            if "websocket" in body:
                self.portforwards.websocket = bool(body["websocket"])
            return 200, {"websocket": self.portforwards.websocket}
        if method == "GET" and route == "jaeger/requests":
            return 200, {"requests": list(self.jaeger_server.requests)}
        if method == "POST" and route == "jaeger/requests/clear":
            self.jaeger_server.requests.clear()
            return 200, {"requests": []}
        if method == "POST" and route == "jaeger/ui":
            try:
                return 200, self.jaeger_server.set_ui(body.get("version", "auto"))
            except ValueError as e:
                raise ApiError(400, "BadRequest", str(e))
        if method == "GET" and route == "jaeger/ui":
            return 200, self.jaeger_server.ui_info()
        if method == "GET" and route == "tracing":
            pod = cl.get(kinds.BY_KEY["pods"], ns, q["pod"])
            if not pod:
                raise ApiError(404, "NotFound", 'pods "%s" not found' % q["pod"])
            return 200, {"tracing": mesh.tracing_for(pod), "access_log": mesh.access_log_for(pod)}
        if method == "POST" and route == "api/outage":
            self.api.plan_outage(body.get("after_connections", 0))
            return 200, {"after_connections": int(body.get("after_connections", 0))}
        if method == "POST" and route == "shutdown":
            self.shutdown_requested.set()
            return 200, {"stopping": True}
        # --- stand-in istioctl back end ---
        if method == "POST" and route == "istio/install":
            version = body.get("version") or mesh.istioctl_version
            return 200, mesh.install(body.get("iop") or {}, version)
        if method == "GET" and route == "istio/version":
            dp = {}
            for p in cl.list(kinds.BY_KEY["pods"]):
                snap = cl.sidecars.get(p["metadata"]["uid"])
                if snap:
                    dp[snap["version"]] = dp.get(snap["version"], 0) + 1
            for g in ("istio-ingressgateway", "istio-egressgateway"):
                for p in cl.running_pods(ROOT_NS, {"app": g}):
                    v = mesh.istio_version()
                    dp[v] = dp.get(v, 0) + 1
            return 200, {"client": mesh.istioctl_version, "control_plane": mesh.istio_version(), "data_plane": dp}
        if method == "GET" and route == "istio/analyze":
            return 200, {"messages": mesh.analyze(None if q.get("all") in ("true", "1") else ns),
                         "istio_version": mesh.istio_version() or mesh.istioctl_version}
        if method == "GET" and route == "istio/bootstrap":
            return 200, mesh.bootstrap(ns, q["pod"])
        if method == "GET" and route == "istio/dashboard":
            addon = q.get("addon", "jaeger")
            pods = cl.running_pods(ROOT_NS, {"app": addon}) or cl.running_pods(ns, {"app": addon})
            if not pods:
                raise ApiError(404, "NotFound", "no pods found with selector app=%s" % addon)
            if addon != "jaeger":
                raise ApiError(400, "BadRequest", "obslab-sim only simulates the jaeger dashboard")
            return 200, {"pod": pods[0]["metadata"]["name"], "target": self.ports()["jaeger"],
                         "path": "/jaeger"}
        raise ApiError(404, "NotFound", "obslab-sim control endpoint: no route %s %s" % (method, path))


# --- scenario builders -------------------------------------------------------------------------

def _base(sim):
    cl = sim.cluster
    for n in ("default", "kube-system", "kube-public", "kube-node-lease"):
        if not cl.get(kinds.BY_KEY["namespaces"], "", n):
            cl.create(kinds.BY_KEY["namespaces"], "", {"metadata": {"name": n}})
    if not cl.get(kinds.BY_KEY["nodes"], "", "obslab-sim-node"):
        cl.create(kinds.BY_KEY["nodes"], "", {"metadata": {"name": "obslab-sim-node", "labels": {
            "kubernetes.io/hostname": "obslab-sim-node", "node-role.kubernetes.io/control-plane": ""}},
            "status": {"nodeInfo": {"kubeletVersion": "v1.32.4-obslab-sim", "osImage": "obslab-sim (simulated node)"},
                       "conditions": [{"type": "Ready", "status": "True"}]}})


def _install(sim, version, iop_text=None, iop=None, modify=None):
    doc = copy.deepcopy(iop) if iop is not None else (yamlmini.load(iop_text) if iop_text else
                                                        {"apiVersion": "install.istio.io/v1alpha1", "kind": "IstioOperator",
                                                         "spec": {"profile": "demo"}})
    if modify:
        modify(doc["spec"])
    sim.mesh.istioctl_version = version
    sim.mesh.install(doc, version)


def _label(sim, ns="default", **labels):
    o = sim.cluster.get(kinds.BY_KEY["namespaces"], "", ns)
    o["metadata"]["labels"].update({k.replace("_", "-") if k == "istio_injection" else k: v for k, v in labels.items()})
    sim.cluster.update(kinds.BY_KEY["namespaces"], "", ns, o)


def _apps(sim, ns="default", frontend=None):
    sim.cluster.apply_manifest_text(manifest("backend.yaml"), ns)
    sim.cluster.apply_manifest_text(frontend or manifest("frontend.yaml"), ns)


def _telemetry(sim, text=None):
    sim.cluster.apply_manifest_text(text or manifest("telemetry-tracing.yaml"), ROOT_NS)


def _healthy_telemetry(sim, modify=None, jaeger=True, injection=True, native=False, apps=True):
    def mod(spec):
        if native:
            spec.setdefault("values", {}).setdefault("pilot", {}).setdefault("env", {})["ENABLE_NATIVE_SIDECARS"] = "true"
        if modify:
            modify(spec)
    _install(sim, "1.24.0", manifest("istio-tracing-telemetry.yaml"), modify=mod)
    _telemetry(sim)
    if jaeger:
        sim.mesh.deploy_jaeger()
    if injection:
        _label(sim, **{"istio-injection": "enabled"})
    if apps:
        _apps(sim)


def sc_empty(sim):
    """A cluster with no Istio: the default namespace only."""


def sc_workshop_start(sim):
    """The lab's starting point: Istio 1.24 (demo profile) without tracing settings, the Jaeger add-on,
    default namespace labelled for injection, no workloads yet."""
    _install(sim, "1.24.0")
    sim.mesh.deploy_jaeger()
    _label(sim, **{"istio-injection": "enabled"})


def sc_healthy_legacy(sim):
    """Istio 1.21 with meshConfig.defaultConfig.tracing.zipkin.address and 100 % sampling (the tutorial's
    IstioOperator), trace ids in the access log, frontend and backend with sidecars, Jaeger deployed."""
    _install(sim, "1.21.2", manifest("istio-tracing-legacy.yaml"))
    sim.mesh.deploy_jaeger()
    _label(sim, **{"istio-injection": "enabled"})
    _apps(sim)


def sc_healthy_telemetry(sim):
    """Istio 1.24 with a zipkin extension provider and a mesh-wide Telemetry at 100 %."""
    _healthy_telemetry(sim)


def sc_tracing_disabled(sim):
    """Istio 1.24, provider and Telemetry present but meshConfig.enableTracing: false."""
    _healthy_telemetry(sim, modify=lambda s: s["meshConfig"].update(enableTracing=False))


def sc_sampling_1pct(sim):
    """Istio 1.21 legacy tracing at 1 % sampling; the frontend sends B3 ids without x-b3-sampled, so
    about one request in a hundred is traced."""
    _install(sim, "1.21.2", manifest("istio-tracing-legacy.yaml"),
             modify=lambda s: s["meshConfig"]["defaultConfig"]["tracing"].update(sampling=1))
    sim.mesh.deploy_jaeger()
    _label(sim, **{"istio-injection": "enabled"})
    _apps(sim, frontend=manifest("frontend.yaml").replace(' -H "x-b3-sampled: 1"', ""))


def sc_no_provider(sim):
    """Istio 1.24 with the tutorial's settings minus the Zipkin address: since 1.22 there is no default
    tracer, so no spans (and the B3 ids in the log stay the app's own)."""
    def mod(spec):
        del spec["meshConfig"]["defaultConfig"]["tracing"]["zipkin"]
    _install(sim, "1.24.0", manifest("istio-tracing-legacy.yaml"), modify=mod)
    sim.mesh.deploy_jaeger()
    _label(sim, **{"istio-injection": "enabled"})
    _apps(sim)


def sc_provider_bad_service(sim):
    """Istio 1.24, the Telemetry names a zipkin provider whose service:port does not exist."""
    def mod(spec):
        spec["meshConfig"]["extensionProviders"][0]["zipkin"] = {"service": "zipkin.observability.svc.cluster.local", "port": 9411}
    _healthy_telemetry(sim, modify=mod)


def sc_otel_provider_b3_client(sim):
    """Istio 1.24 with an OpenTelemetry provider (W3C traceparent) while the frontend sends B3: spans
    reach Jaeger under new trace ids, so the B3 ids in the access log match nothing."""
    def mod(spec):
        spec["meshConfig"]["extensionProviders"] = [{"name": "jaeger-zipkin", "opentelemetry": {
            "service": "jaeger-collector.istio-system.svc.cluster.local", "port": 4317}}]
    _healthy_telemetry(sim, modify=mod)


def sc_stale_pods(sim):
    """Istio 1.24: workloads started without tracing, then the tutorial's defaultConfig (Zipkin address,
    100 %) was installed but the pods were never restarted, so their sidecars still do not trace."""
    def mod(spec):
        spec["meshConfig"].pop("defaultConfig")
    _install(sim, "1.24.0", manifest("istio-tracing-legacy.yaml"), modify=mod)
    sim.mesh.deploy_jaeger()
    _label(sim, **{"istio-injection": "enabled"})
    _apps(sim)
    _install(sim, "1.24.0", manifest("istio-tracing-legacy.yaml"))


def sc_no_injection(sim):
    """Healthy Istio 1.24 tracing config, but the default namespace is not labelled for injection:
    frontend and backend run without sidecars (IST0102)."""
    _healthy_telemetry(sim, injection=False)


def sc_pod_without_sidecar(sim):
    """The backend was deployed before the namespace was labelled and never restarted (IST0103)."""
    _healthy_telemetry(sim, injection=False, apps=False)
    sim.cluster.apply_manifest_text(manifest("backend.yaml"), "default")
    _label(sim, **{"istio-injection": "enabled"})
    sim.cluster.apply_manifest_text(manifest("frontend.yaml"), "default")


def sc_native_sidecars(sim):
    """Healthy Istio 1.24 tracing with native sidecars: istio-proxy is an init container with
    restartPolicy Always."""
    _healthy_telemetry(sim, native=True)


def sc_ambient(sim):
    """Istio 1.24 ambient profile; the default namespace is in ambient mode: no sidecars, ztunnel logs
    L4 connections, no access-log lines or spans from istio-proxy containers."""
    def mod(spec):
        spec["profile"] = "ambient"
    _install(sim, "1.24.0", manifest("istio-tracing-telemetry.yaml"), modify=mod)
    _telemetry(sim)
    sim.mesh.deploy_jaeger()
    _label(sim, **{"istio.io/dataplane-mode": "ambient"})
    _apps(sim)


def sc_no_trace_id_in_log(sim):
    """Healthy Istio 1.24 tracing, but the access log uses Istio's default TEXT format, which has no
    trace id (only x-request-id)."""
    _healthy_telemetry(sim, modify=lambda s: s["meshConfig"].pop("accessLogFormat"))


def sc_json_access_log(sim):
    """Healthy Istio 1.24 tracing with accessLogEncoding: JSON and Istio's default JSON keys."""
    def mod(spec):
        spec["meshConfig"].pop("accessLogFormat")
        spec["meshConfig"]["accessLogEncoding"] = "JSON"
    _healthy_telemetry(sim, modify=mod)


def sc_no_jaeger(sim):
    """Healthy Istio 1.24 tracing config, but the Jaeger add-on is not deployed: spans have nowhere to go
    and `istioctl dashboard jaeger` finds no pod."""
    _healthy_telemetry(sim, jaeger=False)


SCENARIOS = {
    "empty": sc_empty, "workshop-start": sc_workshop_start, "healthy-legacy": sc_healthy_legacy,
    "healthy-telemetry": sc_healthy_telemetry, "tracing-disabled": sc_tracing_disabled,
    "sampling-1pct": sc_sampling_1pct, "no-provider": sc_no_provider,
    "provider-bad-service": sc_provider_bad_service, "otel-provider-b3-client": sc_otel_provider_b3_client,
    "stale-pods": sc_stale_pods, "no-injection": sc_no_injection, "pod-without-sidecar": sc_pod_without_sidecar,
    "native-sidecars": sc_native_sidecars, "ambient": sc_ambient, "no-trace-id-in-log": sc_no_trace_id_in_log,
    "json-access-log": sc_json_access_log, "no-jaeger": sc_no_jaeger,
}
