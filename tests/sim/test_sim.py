"""Self-test of the simulated mesh: starts obslab-sim and drives the real kubectl (and the stand-in
istioctl) against it. Stdlib unittest; polls with deadlines, never sleeps then asserts."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from obslabsim import kinds  # noqa: E402
from obslabsim.sim import SCENARIOS, Sim  # noqa: E402

KUBECTL = shutil.which("kubectl")


def _kubectl_minor():
    """The client's minor version (kubectl 1.20 from Debian lacks what newer ones use)."""
    if not KUBECTL:
        return 0
    try:
        out = subprocess.run([KUBECTL, "version", "--client", "-o", "json"], capture_output=True,
                             text=True, timeout=30)
        return int(re.sub(r"\D", "", json.loads(out.stdout)["clientVersion"]["minor"]) or 0)
    except (OSError, ValueError, KeyError, subprocess.SubprocessError):
        return 0


KUBECTL_MINOR = _kubectl_minor()
# Server-side field validation (fieldValidation=Strict) arrived in kubectl 1.27 (on by default);
# exec over WebSocket in 1.30. Older clients validate nothing here and speak SPDY for exec.
STRICT_VALIDATION = KUBECTL_MINOR >= 27
EXEC_WEBSOCKET = KUBECTL_MINOR >= 30
ISTIOCTL = os.path.join(HERE, "istioctl")
MANIFESTS = os.path.join(HERE, "manifests")
FIXTURES = next((p for p in (os.path.join(HERE, "..", "fixtures"), os.path.join(HERE, "..", "..", "..", "shared", "fixtures"))
                 if os.path.isfile(os.path.join(p, "jaeger-trace.json"))), None)
TEXT_DEFAULT_RE = re.compile(
    r'^\[(?P<start>[^\]]+)\] "(?P<method>\S+) (?P<path>.*) (?P<proto>\S+)" (?P<code>\d+) (?P<flags>\S+) (?P<details>\S+) '
    r'(?P<term>\S+) "(?P<utfr>[^"]*)" (?P<rx>\d+) (?P<tx>\d+) (?P<dur>\d+) (?P<ust>\S+) "(?P<xff>[^"]*)" "(?P<ua>[^"]*)" '
    r'"(?P<reqid>[^"]*)" "(?P<authority>[^"]*)" "(?P<uhost>[^"]*)" (?P<ucluster>\S+) (?P<ulocal>\S+) (?P<dlocal>\S+) '
    r'(?P<dremote>\S+) (?P<sni>\S+) (?P<route>\S+)\s*$')
TUTORIAL_RE = re.compile(r'^\[[^\]]+\] "GET /\?seq=(\d+) HTTP/1.1" (\d+) traceID=(\S+) spanID=(\S+) service=(\S+)$')
STAMP_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z ")


def poll(fn, timeout=10.0, what="condition"):
    """fn() until truthy; its value, or a failure naming what was awaited."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.05)
    raise AssertionError("timed out after %.1fs waiting for %s (last: %r)" % (timeout, what, last))


class SimProcess:
    def __init__(self, scenario, *extra, env=None):
        self.dir = tempfile.mkdtemp(prefix="obslab-sim-test-")
        self.home = os.path.join(self.dir, "home")
        os.makedirs(self.home)
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "obslab-sim"), "--scenario", scenario,
                                      "--state-dir", self.dir, *extra], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.preamble = []  # what it printed before READY (warnings)
        line = self.proc.stdout.readline()
        while line and not line.startswith("READY "):
            self.preamble.append(line)
            line = self.proc.stdout.readline()
        if not line.startswith("READY "):
            self.close()
            raise RuntimeError("obslab-sim did not start: %r" % "".join(self.preamble))
        with open(os.path.join(self.dir, "ports.json"), encoding="utf-8") as f:
            self.ports = json.load(f)
        self.kubeconfig = os.path.join(self.dir, "kubeconfig")
        self.env = {"PATH": os.environ.get("PATH", ""), "HOME": self.home, "KUBECONFIG": self.kubeconfig,
                    "LANG": "C.UTF-8"}

    def stderr_text(self):
        return "".join(self.preamble)

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()  # the sim exits when stdin closes
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def run(self, prog, *args, stdin=None, timeout=20):
        return subprocess.run([prog, *args], input=stdin, env=self.env, capture_output=True, text=True, timeout=timeout)

    def kubectl(self, *args, **kw):
        return self.run(KUBECTL, *args, **kw)

    def istioctl(self, *args, **kw):
        return self.run(sys.executable, ISTIOCTL, *args, **kw)

    def popen(self, prog, *args):
        return subprocess.Popen([prog, *args], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def control(self, method, route, body=None):
        req = urllib.request.Request(self.ports["api"] + "/_sim/" + route, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def http(self, url):
        """(status, content type, body text) of a GET."""
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return r.status, r.headers.get("Content-Type", ""), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type", ""), e.read().decode()

    def jaeger(self, path):
        return self.http(self.ports["jaeger"] + path)

    def pods(self, selector):
        out = self.kubectl("get", "pods", "-l", selector, "-o", "json")
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)["items"]


class Lines:
    """A child process's stdout lines, read by a thread so tests can wait on them with a deadline."""

    def __init__(self, proc):
        import threading
        self.proc, self.lines, self.eof = proc, [], False
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.eof = True
            self.cond.notify_all()

    def wait(self, until, timeout=10.0, what="output"):
        deadline = time.time() + timeout
        with self.cond:
            while not until(self.lines):
                left = deadline - time.time()
                if left <= 0 or self.eof and not until(self.lines):
                    if self.eof and left > 0:
                        raise AssertionError("stream ended while waiting for %s; got %r" % (what, self.lines[-5:]))
                    raise AssertionError("timed out waiting for %s; got %r" % (what, self.lines[-5:]))
                self.cond.wait(left)
            return list(self.lines)

    def wait_eof(self, timeout=10.0):
        with self.cond:
            if not self.cond.wait_for(lambda: self.eof, timeout):
                raise AssertionError("stream did not end within %.1fs" % timeout)
            return list(self.lines)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(5)
        self.thread.join(5)
        self.proc.stdout.close()
        self.proc.stderr.close()


@unittest.skipUnless(KUBECTL, "kubectl not on PATH")
class KubectlAgainstSim(unittest.TestCase):
    """The real kubectl against the stand-in API server, the lab's sequence of commands."""

    @classmethod
    def setUpClass(cls):
        cls.sim = SimProcess("workshop-start", "--interval", "0.1", "--rollout-delay", "0.2")

    @classmethod
    def tearDownClass(cls):
        cls.sim.close()

    def test_01_version_and_discovery(self):
        out = self.sim.kubectl("version", "-o", "json")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("obslab-sim", json.loads(out.stdout)["serverVersion"]["gitVersion"])
        out = self.sim.kubectl("api-resources")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertRegex(out.stdout, r"telemetries\s+telemetry\s+telemetry.istio.io/v1\s+true\s+Telemetry")
        self.assertRegex(out.stdout, r"deployments\s+deploy\s+apps/v1")
        ns = json.loads(self.sim.kubectl("get", "ns", "default", "-o", "json").stdout)
        self.assertEqual(ns["metadata"]["labels"]["sim.obslab.dev/simulated"], "true")
        out = self.sim.kubectl("config", "current-context")
        self.assertEqual(out.stdout.strip(), "obslab-sim")

    def test_02_apply_validate_get_diff(self):
        files = ["-f", os.path.join(MANIFESTS, "backend.yaml"), "-f", os.path.join(MANIFESTS, "frontend.yaml")]
        out = self.sim.kubectl("apply", "--validate=true", *files)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("deployment.apps/frontend created", out.stdout)
        self.assertIn("service/backend created", out.stdout)
        out = self.sim.kubectl("apply", *files)
        self.assertIn("deployment.apps/frontend unchanged", out.stdout)
        pod = self.sim.pods("app=frontend")[0]
        self.assertEqual([c["name"] for c in pod["spec"]["containers"]], ["frontend", "istio-proxy"])
        self.assertEqual(pod["status"]["phase"], "Running")
        out = self.sim.kubectl("get", "pods")
        self.assertRegex(out.stdout, r"frontend-\S+\s+2/2\s+Running")
        # unknown fields: kubectl asks for server-side strict validation, the sim refuses
        with open(os.path.join(MANIFESTS, "backend.yaml"), encoding="utf-8") as f:
            backend = f.read()
        if STRICT_VALIDATION:
            out = self.sim.kubectl("apply", "-f", "-", stdin=backend.replace("  replicas: 1", "  replicas: 1\n  bogusField: 3"))
            self.assertNotEqual(out.returncode, 0)
            self.assertIn('strict decoding error: unknown field "spec.bogusField"', out.stderr)
        # diff: server-side dry run, nothing changes. kubectl before 1.27 first looks the kind up
        # in /openapi/v2's definitions to see whether it supports dry-run; the sim serves no
        # such definitions.
        if not STRICT_VALIDATION:
            return
        out = self.sim.kubectl("diff", "-f", "-", stdin=backend)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        out = self.sim.kubectl("diff", "-f", "-", stdin=backend.replace("-text=hello from backend", "-text=hello v2"))
        self.assertEqual(out.returncode, 1, out.stderr)
        self.assertIn("+        - -text=hello v2", out.stdout)
        self.assertIn("-        - -text=hello from backend", out.stdout)
        d = json.loads(self.sim.kubectl("get", "deploy", "backend", "-o", "json").stdout)
        self.assertEqual(d["metadata"]["generation"], 1, "a dry run must not change the object")

    def test_03_logs_timestamps_since_tail(self):
        name = self.sim.pods("app=frontend")[0]["metadata"]["name"]

        def lines():
            out = self.sim.kubectl("logs", name, "-c", "istio-proxy", "--timestamps")
            got = [l for l in out.stdout.splitlines() if '"GET /' in l]
            return got if len(got) >= 4 else None
        stamped = poll(lines, what="four access-log lines")
        for l in stamped:
            self.assertRegex(l, STAMP_RE)
        tail = self.sim.kubectl("logs", name, "-c", "istio-proxy", "--tail=2").stdout.splitlines()
        self.assertEqual(len(tail), 2)
        # sinceTime is a metav1.Time: the API server sees it with second precision
        since = stamped[2].split(" ", 1)[0]
        out = self.sim.kubectl("logs", name, "-c", "istio-proxy", "--timestamps", "--since-time=" + since)
        got = out.stdout.splitlines()
        self.assertIn(stamped[2], got)
        self.assertTrue(all(l.split(" ", 1)[0][:19] >= since[:19] for l in got))
        out = self.sim.kubectl("logs", name, "-c", "nosuch")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("container nosuch is not valid for pod " + name, out.stderr)

    def test_04_rollout_restart_ends_follow(self):
        old = {p["metadata"]["name"] for p in self.sim.pods("app=frontend")}
        follow = Lines(self.sim.popen(KUBECTL, "logs", "-f", "-l", "app=frontend", "-c", "istio-proxy", "--prefix", "--timestamps"))
        try:
            follow.wait(lambda ls: sum('"GET /' in l for l in ls) >= 3, what="followed lines")
            out = self.sim.kubectl("rollout", "restart", "deploy", "frontend")
            self.assertEqual(out.stdout.strip(), "deployment.apps/frontend restarted", out.stderr)
            out = self.sim.kubectl("rollout", "status", "deploy/frontend", "--timeout=10s")
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn('deployment "frontend" successfully rolled out', out.stdout)
            lines = follow.wait_eof()
            self.assertEqual(follow.proc.wait(5), 0, "kubectl logs -f ends cleanly when the pod goes away")
        finally:
            follow.close()
        prefix = re.compile(r"^\[pod/(frontend-\S+)/istio-proxy\] (\S+) (.*)$")
        seqs = []
        for l in lines:
            m = prefix.match(l)
            self.assertTrue(m, l)
            self.assertIn(m.group(1), old)
            self.assertRegex(m.group(2) + " ", STAMP_RE)
            a = re.search(r"\?seq=(\d+)", m.group(3))
            if a:
                seqs.append(int(a.group(1)))
        self.assertEqual(seqs, list(range(seqs[0], seqs[0] + len(seqs))), "no line may be lost")
        new = {p["metadata"]["name"] for p in self.sim.pods("app=frontend")}
        self.assertEqual(len(new), 1)
        self.assertFalse(new & old, "restart must create pods with new names")
        d = json.loads(self.sim.kubectl("get", "deploy", "frontend", "-o", "json").stdout)
        self.assertIn("kubectl.kubernetes.io/restartedAt", d["spec"]["template"]["metadata"]["annotations"])

    def test_05_watch_and_kill(self):
        watch = Lines(self.sim.popen(KUBECTL, "get", "pods", "-l", "app=backend", "-w", "--output-watch-events"))
        try:
            watch.wait(lambda ls: any(l.startswith("ADDED") for l in ls), what="initial ADDED")
            victim = self.sim.pods("app=backend")[0]["metadata"]["name"]
            self.sim.control("POST", "pods/kill", {"pod": victim})
            watch.wait(lambda ls: any(l.startswith("DELETED") and victim in l for l in ls)
                       and any(l.startswith("ADDED") and victim not in l for l in ls), what="DELETED + ADDED")
        finally:
            watch.close()

    def test_05b_dropped_log_stream(self):
        name = self.sim.pods("app=backend")[0]["metadata"]["name"]
        follow = Lines(self.sim.popen(KUBECTL, "logs", "-f", name, "-c", "istio-proxy"))
        try:
            follow.wait(lambda ls: any('"GET /' in l for l in ls), what="a followed line")
            self.assertEqual(self.sim.control("POST", "logs/drop", {"pod": name, "container": "istio-proxy"})["streams"], 1)
            follow.wait_eof()
            self.assertEqual(follow.proc.wait(5), 1)
            self.assertIn("unexpected EOF", follow.proc.stderr.read())
        finally:
            follow.close()

    @unittest.skipUnless(EXEC_WEBSOCKET, "kubectl before 1.30 runs exec over SPDY, which the sim does not serve")
    def test_06_exec_over_websocket(self):
        out = self.sim.kubectl("exec", "deploy/frontend", "-c", "frontend", "--", "curl", "-s", "http://backend")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), "hello from backend")
        out = self.sim.kubectl("exec", "deploy/frontend", "-c", "frontend", "--", "sh", "-c", "exit 3")
        self.assertEqual(out.returncode, 3, out.stderr)

    def test_09_telemetry_crd(self):
        path = os.path.join(MANIFESTS, "telemetry-tracing.yaml")
        out = self.sim.kubectl("apply", "-f", path)
        self.assertEqual(out.stdout.strip(), "telemetry.telemetry.istio.io/mesh-default created", out.stderr)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        out = self.sim.kubectl("apply", "-f", "-", stdin=text.replace("randomSamplingPercentage: 100", "randomSamplingPercentage: 50"))
        self.assertEqual(out.stdout.strip(), "telemetry.telemetry.istio.io/mesh-default configured", out.stderr)
        if STRICT_VALIDATION:
            out = self.sim.kubectl("apply", "-f", "-", stdin=text.replace("randomSamplingPercentage", "randomSampling"))
            self.assertIn('unknown field "spec.tracing[0].randomSampling"', out.stderr)
        out = self.sim.kubectl("get", "telemetry", "-n", "istio-system", "-o", "jsonpath={.items[0].spec.tracing[0].randomSamplingPercentage}")
        self.assertEqual(out.stdout, "50")

    def test_08_older_kubectl(self):
        """kubectl 1.27/1.28 learn about fieldValidation from /openapi/v2 (protobuf), not v3."""
        real = os.path.realpath(KUBECTL)
        old = [p for p in (real + ".1.27", real + ".1.28") if os.access(p, os.X_OK)]
        if not old:
            self.skipTest("no kubectl 1.27/1.28 binary next to kubectl")
        with open(os.path.join(MANIFESTS, "backend.yaml"), encoding="utf-8") as f:
            backend = f.read()
        for binary in old:
            out = self.sim.run(binary, "apply", "--validate=true", "-f", "-", stdin=backend)
            self.assertEqual(out.returncode, 0, out.stderr)
            out = self.sim.run(binary, "apply", "-f", "-", stdin=backend.replace("  replicas: 1", "  replicas: 1\n  bogus: 1"))
            self.assertIn('strict decoding error: unknown field "spec.bogus"', out.stderr)

    def test_07_label_and_delete(self):
        out = self.sim.kubectl("label", "ns", "default", "team=obs", "--overwrite")
        self.assertEqual(out.returncode, 0, out.stderr)
        ns = json.loads(self.sim.kubectl("get", "ns", "default", "-o", "json").stdout)
        self.assertEqual(ns["metadata"]["labels"]["team"], "obs")
        with open(os.path.join(MANIFESTS, "frontend.yaml"), encoding="utf-8") as f:
            out = self.sim.kubectl("delete", "-f", "-", stdin=f.read())
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn('deployment.apps "frontend" deleted', out.stdout)
        poll(lambda: not self.sim.pods("app=frontend"), what="frontend pods gone")
        out = self.sim.kubectl("get", "deploy", "frontend")
        self.assertIn('Error from server (NotFound): deployments.apps "frontend" not found', out.stderr)


@unittest.skipUnless(KUBECTL, "kubectl not on PATH")
class IstioctlAndTracing(unittest.TestCase):
    """The stand-in istioctl and the tracing rules: spans only once tracing is configured as a real mesh
    would need it (defaultConfig changes need a pod restart)."""

    @classmethod
    def setUpClass(cls):
        cls.sim = SimProcess("workshop-start", "--no-traffic", "--rollout-delay", "0")
        for m in ("backend.yaml", "frontend.yaml"):
            out = cls.sim.kubectl("apply", "-f", os.path.join(MANIFESTS, m))
            assert out.returncode == 0, out.stderr

    @classmethod
    def tearDownClass(cls):
        cls.sim.close()

    def spans(self):
        return self.sim.control("GET", "state")["spans"]

    def test_01_version(self):
        out = self.sim.istioctl("version")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.splitlines(), ["client version: 1.24.0", "control plane version: 1.24.0",
                                                   "data plane version: 1.24.0 (4 proxies)"])

    def test_02_analyze(self):
        out = self.sim.istioctl("analyze")
        self.assertEqual(out.returncode, 0)
        self.assertIn("\u2714 No validation issues found when analyzing namespace: default.", out.stderr)
        out = self.sim.kubectl("create", "namespace", "late")  # a protobuf body
        self.assertEqual(out.stdout.strip(), "namespace/late created", out.stderr)
        self.sim.kubectl("apply", "-n", "late", "-f", os.path.join(MANIFESTS, "backend.yaml"))
        out = self.sim.istioctl("analyze", "-n", "late")
        self.assertEqual(out.returncode, 0)
        self.assertRegex(out.stdout, r"^Info \[IST0102\] \(Namespace late\) The namespace is not enabled for Istio injection")
        self.sim.kubectl("label", "ns", "late", "istio-injection=enabled")
        out = self.sim.istioctl("analyze", "-n", "late")
        pod = self.sim.kubectl("get", "pods", "-n", "late", "-o", "name").stdout.strip().split("/")[1]
        self.assertIn("Warning [IST0103] (Pod %s.late) The pod %s.late is missing the Istio proxy." % (pod, pod), out.stdout)

    def test_03_install_then_restart_enables_spans(self):
        self.assertEqual(self.sim.control("POST", "traffic", {"count": 5})["requests"], 5)
        self.assertEqual(self.spans(), 0, "no tracer before tracing is configured (Istio 1.24)")
        out = self.sim.istioctl("install", "-f", os.path.join(MANIFESTS, "istio-tracing-legacy.yaml"), "-y")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("\u2714 Istiod installed \U0001f9e0", out.stdout)
        self.assertIn("\u2714 Installation complete", out.stdout)
        self.assertIn("simulated", out.stdout)
        mesh = self.sim.kubectl("get", "cm", "istio", "-n", "istio-system", "-o", "jsonpath={.data.mesh}").stdout
        self.assertIn("jaeger-collector.istio-system.svc.cluster.local:9411", mesh)
        self.sim.control("POST", "traffic", {"count": 5})
        self.assertEqual(self.spans(), 0, "defaultConfig is read at sidecar start: no spans before a restart")
        pod = self.sim.pods("app=frontend")[0]["metadata"]["name"]
        bs = json.loads(self.sim.istioctl("proxy-config", "bootstrap", pod).stdout)
        self.assertNotIn("tracing", bs["bootstrap"])
        out = self.sim.kubectl("rollout", "restart", "deploy", "frontend", "backend")
        self.assertEqual(out.returncode, 0, out.stderr)
        poll(lambda: all(p["metadata"]["name"] != pod for p in self.sim.pods("app=frontend")), what="new frontend pod")
        self.sim.control("POST", "traffic", {"count": 5})
        self.assertEqual(self.spans(), 10, "a client and a server span per request")
        pod = self.sim.pods("app=frontend")[0]["metadata"]["name"]
        bs = json.loads(self.sim.istioctl("pc", "bootstrap", pod + ".default").stdout)
        self.assertEqual(bs["bootstrap"]["tracing"]["http"]["name"], "envoy.tracers.zipkin")
        # the trace ids in the tutorial's access-log format are the ones Jaeger has
        log = self.sim.kubectl("logs", pod, "-c", "istio-proxy").stdout.splitlines()
        ids = [m.group(3) for m in map(TUTORIAL_RE.match, log) if m]
        self.assertEqual(len(ids), 5)
        for tid in ids:
            status, _, body = self.sim.jaeger("/jaeger/api/traces/" + tid)
            self.assertEqual(status, 200)
            trace = json.loads(body)["data"][0]
            self.assertEqual(trace["traceID"], tid)
            services = sorted(trace["processes"][s["processID"]]["serviceName"] for s in trace["spans"])
            self.assertEqual(services, ["backend.default", "frontend.default"])

    def test_04_dashboard(self):
        dash = Lines(self.sim.popen(sys.executable, ISTIOCTL, "dashboard", "jaeger", "--browser=false", "--port", "0"))
        try:
            lines = dash.wait(lambda ls: any("skipping opening a browser" in l for l in ls), what="dashboard URL")
            url = next(l for l in lines if l.startswith("http://")).replace("localhost", "127.0.0.1")
            status, _, body = self.sim.http(url + "/jaeger/api/services")
            self.assertEqual(status, 200)
            self.assertIn("frontend.default", json.loads(body)["data"])
        finally:
            dash.close()


class JaegerApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        extra = ["--load-traces", os.path.join(FIXTURES, "jaeger-trace.json")] if FIXTURES else []
        cls.v1 = SimProcess("healthy-telemetry", "--no-traffic", "--jaeger-ui", "standin", *extra)
        cls.v2 = SimProcess("healthy-telemetry", "--no-traffic", "--jaeger-mode", "v2")
        for s in (cls.v1, cls.v2):
            s.control("POST", "traffic", {"count": 3})

    @classmethod
    def tearDownClass(cls):
        cls.v1.close()
        cls.v2.close()

    def test_v1_base_path_and_html_fallback(self):
        status, ctype, body = self.v1.jaeger("/jaeger/api/services")
        self.assertEqual(status, 200)
        services = json.loads(body)["data"]
        self.assertIn("frontend.default", services)
        if FIXTURES:
            self.assertIn("productpage.bookinfo", services)
            status, _, body = self.v1.jaeger("/jaeger/api/traces/3ba55609c3cde49649cd77d1f9dcd936")
            self.assertEqual(len(json.loads(body)["data"][0]["spans"]), 4)
        status, ctype, body = self.v1.jaeger("/api/services")
        self.assertEqual((status, ctype.split(";")[0]), (200, "text/html"))
        self.assertTrue(body.startswith("<!doctype html>"))
        status, _, body = self.v1.jaeger("/jaeger/api/services/frontend.default/operations")
        self.assertEqual(json.loads(body)["data"], ["backend.default.svc.cluster.local:80/*"])

    def test_v1_trace_not_found_and_search(self):
        status, _, body = self.v1.jaeger("/jaeger/api/traces/00000000000000000000000000abcdef")
        self.assertEqual(status, 404)
        self.assertEqual(json.loads(body), {"data": None, "total": 0, "limit": 0, "offset": 0,
                                            "errors": [{"code": 404, "msg": "trace not found"}]})
        status, _, body = self.v1.jaeger("/jaeger/api/traces?service=backend.default&limit=2")
        traces = json.loads(body)["data"]
        self.assertEqual(len(traces), 2)
        span = traces[0]["spans"][0]
        rid = next(t["value"] for t in span["tags"] if t["key"] == "guid:x-request-id")
        q = urllib.request.quote(json.dumps({"guid:x-request-id": rid}))
        status, _, body = self.v1.jaeger("/jaeger/api/traces?service=frontend.default&tags=" + q)
        self.assertEqual([t["traceID"] for t in json.loads(body)["data"]], [traces[0]["traceID"]])
        status, _, body = self.v1.jaeger("/jaeger/api/traces")
        self.assertEqual(status, 400)
        self.assertIn("parameter 'service' is required", body)

    def test_v2_mode(self):
        status, _, body = self.v2.jaeger("/api/services")
        self.assertEqual((status, body), (404, "404 page not found\n"))
        status, _, _ = self.v2.jaeger("/jaeger/api/services")
        self.assertEqual(status, 404)
        status, _, body = self.v2.jaeger("/jaeger/api/v3/services")
        self.assertEqual(status, 200)
        self.assertIn("backend.default", json.loads(body)["services"])
        status, _, body = self.v2.jaeger("/jaeger/api/v3/traces?query.serviceName=backend.default")
        self.assertEqual(status, 400)
        q = "query.serviceName=backend.default&query.startTimeMin=2000-01-01T00:00:00Z&query.startTimeMax=2100-01-01T00:00:00Z"
        status, _, body = self.v2.jaeger("/jaeger/api/v3/traces?" + q)
        spans = [s for rs in json.loads(body)["result"]["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]]
        self.assertEqual(len(spans), 6)
        self.assertTrue(all(len(s["traceId"]) == 32 for s in spans))
        status, _, body = self.v2.jaeger("/jaeger/api/traces/" + spans[0]["traceId"])
        self.assertEqual(status, 200, "trace by id stays in v2")


    def test_faults_switch_on_and_off(self):
        sim = self.v1
        try:
            sim.control("POST", "jaeger/fault", {"kind": "malformed", "count": 1})
            status, ctype, body = sim.jaeger("/jaeger/api/services")
            self.assertEqual((status, ctype), (200, "application/json"))
            self.assertRaises(ValueError, json.loads, body)
            status, _, body = sim.jaeger("/jaeger/api/services")  # count used up: healthy again
            self.assertEqual(status, 200)
            json.loads(body)
            sim.control("POST", "jaeger/fault", {"kind": "html"})
            status, ctype, body = sim.jaeger("/jaeger/api/traces/3ba55609c3cde49649cd77d1f9dcd936")
            self.assertEqual((status, ctype.split(";")[0]), (200, "text/html"))
            sim.control("POST", "jaeger/fault", {"kind": "error"})
            status, _, body = sim.jaeger("/jaeger/api/services")
            self.assertEqual(status, 500)
            self.assertEqual(json.loads(body)["errors"][0]["code"], 500)
            status, ctype, _ = sim.jaeger("/jaeger/search?service=frontend.default")  # UI unaffected
            self.assertEqual((status, ctype.split(";")[0]), (200, "text/html"))
            sim.control("POST", "jaeger/fault", {"kind": "slow", "delay": 0.3, "count": 1})
            t0 = time.monotonic()
            status, _, _ = sim.jaeger("/jaeger/api/services")
            self.assertEqual(status, 200)
            self.assertGreaterEqual(time.monotonic() - t0, 0.3)
            with self.assertRaises(urllib.error.HTTPError) as e:
                sim.control("POST", "jaeger/fault", {"kind": "bogus"})
            self.assertEqual(e.exception.code, 400)
        finally:
            sim.control("POST", "jaeger/fault", {"kind": "none"})
        status, _, _ = sim.jaeger("/jaeger/api/services")
        self.assertEqual(status, 200)

    def test_ui_pages(self):
        status, ctype, body = self.v1.jaeger("/jaeger/trace/00000000000000000000000000abcdef?uiEmbed=v0&uiTheme=dark")
        self.assertEqual((status, ctype.split(";")[0]), (200, "text/html"))
        self.assertIn('id="trace-not-found"', body)
        self.assertIn('data-theme="dark"', body)
        self.assertIn("test equipment", body)
        if FIXTURES:
            status, _, body = self.v1.jaeger("/jaeger/trace/3ba55609c3cde49649cd77d1f9dcd936?uiEmbed=v0")
            self.assertIn('data-span-count="4"', body)
            self.assertIn('data-embed="v0"', body)
        status, _, body = self.v1.jaeger("/jaeger/search?service=backend.default&uiEmbed=v0")
        self.assertIn('data-service="backend.default"', body)
        self.assertIn('class="result"', body)
        self.assertIn('href="https://www.jaegertracing.io/docs/"', body)


class Scenarios(unittest.TestCase):
    """Every scenario loads and shows the behaviour it is named after (in process, no HTTP)."""

    def run_scenario(self, name, requests=20):
        sim = Sim(interval=0.1, rollout_delay=0)
        sim.mesh.traffic_enabled = False
        sim.load_scenario(name)
        sim.mesh.generate(requests)
        return sim

    def proxy_lines(self, sim, app):
        pods = [p for p in sim.cluster.list(kinds.BY_KEY["pods"], "default") if p["metadata"]["labels"].get("app") == app]
        buf = sim.cluster.logs.get(("default", pods[0]["metadata"]["name"], "istio-proxy"))
        return [t for _, t in buf.lines if t.startswith(("[", "{"))] if buf else []

    def test_all_scenarios_load(self):
        for name in SCENARIOS:
            with self.subTest(name):
                sim = self.run_scenario(name, 1)
                self.assertEqual(sim.scenario, name)

    def test_healthy(self):
        for name in ("healthy-legacy", "healthy-telemetry", "native-sidecars"):
            with self.subTest(name):
                sim = self.run_scenario(name)
                self.assertEqual(sim.jaeger.span_count(), 40)
                ids = [TUTORIAL_RE.match(l).group(3) for l in self.proxy_lines(sim, "frontend")]
                self.assertEqual(len(ids), 20)
                self.assertTrue(all(sim.jaeger.get(i) for i in ids))
                seqs = [int(TUTORIAL_RE.match(l).group(1)) for l in self.proxy_lines(sim, "backend")]
                self.assertEqual(seqs, list(range(1, 21)))

    def test_no_spans(self):
        for name, reason in (("tracing-disabled", "enableTracing"), ("no-provider", "1.22"),
                             ("provider-bad-service", None), ("stale-pods", "1.22"), ("no-jaeger", None),
                             ("ambient", "no sidecar")):
            with self.subTest(name):
                sim = self.run_scenario(name)
                self.assertEqual(sim.jaeger.span_count(), 0)
                pod = [p for p in sim.cluster.list(kinds.BY_KEY["pods"], "default") if p["metadata"]["labels"]["app"] == "frontend"][0]
                if reason:
                    self.assertIn(reason, sim.mesh.tracing_for(pod)["reason"])

    def test_stale_pods_trace_after_restart(self):
        sim = self.run_scenario("stale-pods", 1)
        for d in ("frontend", "backend"):
            o = sim.cluster.get(kinds.BY_KEY["apps/deployments"], "default", d)
            o["spec"]["template"].setdefault("metadata", {}).setdefault("annotations", {})["kubectl.kubernetes.io/restartedAt"] = "now"
            sim.cluster.update(kinds.BY_KEY["apps/deployments"], "default", d, o)
        sim.mesh.generate(3)
        self.assertEqual(sim.jaeger.span_count(), 6)

    def test_sampling_1pct(self):
        sim = self.run_scenario("sampling-1pct", 100)
        self.assertLess(sim.jaeger.span_count(), 20)

    def test_otel_provider_new_trace_ids(self):
        sim = self.run_scenario("otel-provider-b3-client")
        self.assertEqual(sim.jaeger.span_count(), 40)
        ids = [TUTORIAL_RE.match(l).group(3) for l in self.proxy_lines(sim, "frontend")]
        self.assertEqual(len(ids), 20)
        self.assertFalse(any(sim.jaeger.get(i) for i in ids), "B3 ids must not match the OTel traces")

    def test_injection_problems(self):
        sim = self.run_scenario("no-injection", 1)
        self.assertEqual([m["code"] for m in sim.mesh.analyze("default")], ["IST0102"])
        self.assertEqual(sim.jaeger.span_count(), 0)
        sim = self.run_scenario("pod-without-sidecar", 1)
        msgs = sim.mesh.analyze("default")
        self.assertEqual([m["code"] for m in msgs], ["IST0103"])
        self.assertIn("backend-", msgs[0]["origin"])

    def test_native_sidecar_shape(self):
        sim = self.run_scenario("native-sidecars", 1)
        pod = sim.cluster.list(kinds.BY_KEY["pods"], "default")[0]
        proxy = [c for c in pod["spec"]["initContainers"] if c["name"] == "istio-proxy"]
        self.assertEqual(proxy[0]["restartPolicy"], "Always")
        self.assertNotIn("istio-proxy", [c["name"] for c in pod["spec"]["containers"]])

    def test_access_log_formats(self):
        sim = self.run_scenario("no-trace-id-in-log", 3)
        lines = self.proxy_lines(sim, "frontend")
        self.assertEqual(len(lines), 3)
        for l in lines:
            m = TEXT_DEFAULT_RE.match(l)
            self.assertTrue(m, l)
            self.assertEqual(m.group("ucluster"), "outbound|80||backend.default.svc.cluster.local")
            self.assertNotRegex(l, r"\b[0-9a-f]{32}\b")
        sim = self.run_scenario("json-access-log", 3)
        for l in self.proxy_lines(sim, "backend"):
            o = json.loads(l)
            self.assertEqual(o["response_code"], 200)
            self.assertIsNone(o["connection_termination_details"])
            self.assertTrue(o["path"].startswith("/?seq="))

    def test_ambient_ztunnel(self):
        sim = self.run_scenario("ambient", 2)
        z = [p for p in sim.cluster.list(kinds.BY_KEY["pods"], "istio-system") if p["metadata"]["labels"]["app"] == "ztunnel"][0]
        lines = [t for _, t in sim.cluster.logs[("istio-system", z["metadata"]["name"], "istio-proxy")].lines if "seq=" in t]
        self.assertEqual(len(lines), 2)


if __name__ == "__main__":
    unittest.main()
