"""Self-test, part 3: port-forward as the API server and kubelet serve it. A SPDY/3.1 client
written here checks the protocol frame by frame; then the real kubectl forwards to the stand-in
Jaeger over the WebSocket tunnel (>= 1.31), plain SPDY (KUBECTL_PORT_FORWARD_WEBSOCKETS=false,
<= 1.30, Debian's 1.20 when $OBSLAB_OLD_KUBECTL names it) and survives what the control endpoint
does to it: a dropped session, a replaced pod, a refused port."""

import hashlib
import http.client
import json
import os
import re
import socket
import time
import unittest
import urllib.error
import urllib.request

from test_sim import KUBECTL, KUBECTL_MINOR, Lines, SimProcess, poll
from obslabsim import spdy

FORWARDING_RE = re.compile(r"^Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)$")


class SpdyClient:
    """Just enough of a kubectl-side SPDY session to test the server."""

    def __init__(self, api, pod, versions=("portforward.k8s.io",), upgrade=True):
        host, port = api.split("//")[1].split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.rfile = self.sock.makefile("rb")
        lines = ["POST /api/v1/namespaces/istio-system/pods/%s/portforward HTTP/1.1" % pod, "Host: %s:%s" % (host, port),
                 "Content-Length: 0", "User-Agent: obslab-sim-selftest"]
        if upgrade:
            lines += ["Connection: Upgrade", "Upgrade: SPDY/3.1"]
        lines += ["X-Stream-Protocol-Version: %s" % v for v in versions]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.status = int(self.rfile.readline().split()[1])
        self.headers = {}
        while True:
            line = self.rfile.readline().decode().strip()
            if not line:
                break
            k, _, v = line.partition(":")
            self.headers[k.strip().lower()] = v.strip()
        self.framer = spdy.Framer(self.rfile.read)

    def send(self, data):
        self.sock.sendall(data)

    def frames_until(self, done, limit=200):
        got = []
        for _ in range(limit):
            got.append(self.framer.next())
            if done(got):
                return got
        raise AssertionError("no end in %r" % got[-5:])

    def close(self):
        self.rfile.close()
        self.sock.close()


def body_of(frames, stream):
    return b"".join(f.data for f in frames if f.kind == "DATA" and f.stream == stream)


def fin(stream):
    return lambda fs: any(f.kind == "DATA" and f.stream == stream and f.fin for f in fs)


class SpdyProtocol(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = SimProcess("healthy-telemetry", "--no-traffic", "--jaeger-ui", "standin")
        cls.sim.control("POST", "traffic", {"count": 1})
        cls.pod = [p for p in cls.sim.control("GET", "state")["pods"] if p["name"].startswith("jaeger-")][0]["name"]

    @classmethod
    def tearDownClass(cls):
        cls.sim.close()

    def test_dictionary_is_spdy3s(self):
        self.assertEqual(len(spdy.DICTIONARY), 1423)
        self.assertEqual(hashlib.sha256(spdy.DICTIONARY).hexdigest(),
                         "51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02")

    def test_upgrade_pair_and_forward(self):
        c = SpdyClient(self.sim.ports["api"], self.pod)
        try:
            self.assertEqual(c.status, 101)
            self.assertEqual((c.headers["upgrade"], c.headers["connection"], c.headers["x-stream-protocol-version"]),
                             ("SPDY/3.1", "Upgrade", "portforward.k8s.io"))
            h = {"streamType": "error", "port": "16686", "requestID": "0"}
            c.send(c.framer.syn_stream(1, h))
            c.send(c.framer.data(1, fin=True))  # kubectl closes its side of the error stream at once
            c.send(c.framer.syn_stream(3, dict(h, streamType="data")))
            c.send(c.framer.ping(1))
            c.send(c.framer.data(3, b"GET /jaeger/api/services HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
            frames = c.frames_until(lambda fs: fin(3)(fs) and fin(1)(fs))
            replies = [f.stream for f in frames if f.kind == "SYN_REPLY"]
            self.assertEqual(replies, [1, 3])
            self.assertEqual([f.ping_id for f in frames if f.kind == "PING"], [1])
            response = body_of(frames, 3).decode()
            self.assertTrue(response.startswith("HTTP/1.1 200 OK"), response[:100])
            self.assertIn("frontend.default", response)
            self.assertEqual(body_of(frames, 1), b"")  # no error
        finally:
            c.close()

    def test_bad_streams_refused_port_and_old_clients(self):
        c = SpdyClient(self.sim.ports["api"], self.pod)
        try:
            c.send(c.framer.syn_stream(1, {"streamType": "data"}))  # no port
            c.send(c.framer.syn_stream(3, {"port": "80", "streamType": "bogus"}))
            frames = c.frames_until(lambda fs: len([f for f in fs if f.kind == "RST_STREAM"]) == 2)
            self.assertEqual([(f.stream, f.status) for f in frames if f.kind == "RST_STREAM"],
                             [(1, spdy.CANCEL), (3, spdy.CANCEL)])
            # nothing listens on 9411 in the sim's Jaeger pod
            c.send(c.framer.syn_stream(5, {"streamType": "error", "port": "9411", "requestID": "7"}))
            c.send(c.framer.syn_stream(7, {"streamType": "data", "port": "9411", "requestID": "7"}))
            frames = c.frames_until(fin(5))
            self.assertRegex(body_of(frames, 5).decode(),
                             r"^error forwarding port 9411 to pod %s, uid [-0-9a-f]+: failed to connect to "
                             r"localhost:9411 .*connection refused$" % self.pod)
            # a client too old to send requestID: error N and data N+2 make a pair
            c.send(c.framer.syn_stream(9, {"streamType": "error", "port": "16686"}))
            c.send(c.framer.syn_stream(11, {"streamType": "data", "port": "16686"}))
            c.send(c.framer.data(11, b"GET /jaeger/api/services HTTP/1.0\r\n\r\n", fin=True))
            frames = c.frames_until(lambda fs: fin(11)(fs) and fin(9)(fs))
            self.assertIn(b"200 OK", body_of(frames, 11))
            # a big answer comes through whole (no flow-control stall after 64 KiB)
            self.sim.control("POST", "traffic", {"count": 150})
            c.send(c.framer.syn_stream(13, {"streamType": "error", "port": "16686", "requestID": "9"}))
            c.send(c.framer.syn_stream(15, {"streamType": "data", "port": "16686", "requestID": "9"}))
            c.send(c.framer.data(15, b"GET /jaeger/api/traces?service=frontend.default&limit=1000 HTTP/1.0\r\n\r\n",
                                 fin=True))
            frames = c.frames_until(fin(15), limit=5000)
            head, _, body = body_of(frames, 15).partition(b"\r\n\r\n")
            length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
            self.assertGreater(length, 100000)
            self.assertEqual(len(body), length)
            self.assertGreaterEqual(len(json.loads(body)["data"]), 150)
        finally:
            c.close()

    def test_negotiation_and_missing_upgrade(self):
        c = SpdyClient(self.sim.ports["api"], self.pod, versions=("channel.k8s.io",))
        self.assertEqual(c.status, 403)
        c.close()
        c = SpdyClient(self.sim.ports["api"], self.pod, upgrade=False)
        self.assertEqual(c.status, 400)
        c.close()


def kubectls():
    """kubectl on PATH, its 1.27/1.30 siblings and whatever $OBSLAB_OLD_KUBECTL names (e.g. an
    unpacked Debian kubernetes-client 1.20)."""
    found = [KUBECTL] if KUBECTL else []
    if KUBECTL:
        real = os.path.realpath(KUBECTL)
        found += [real + s for s in (".1.27", ".1.30") if os.access(real + s, os.X_OK)]
    found += [p for p in os.environ.get("OBSLAB_OLD_KUBECTL", "").split(":") if p and os.access(p, os.X_OK)]
    return found


@unittest.skipUnless(KUBECTL, "kubectl not on PATH")
class KubectlPortForward(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = SimProcess("healthy-telemetry", "--no-traffic", "--jaeger-ui", "standin", "--rollout-delay", "0")
        cls.sim.control("POST", "traffic", {"count": 2})

    @classmethod
    def tearDownClass(cls):
        cls.sim.close()

    def forward(self, *args, binary=None, env=None):
        """(Lines of stdout, local port) of a running `kubectl port-forward`."""
        saved = dict(self.sim.env)
        self.sim.env.update(env or {})
        try:
            proc = self.sim.popen(binary or KUBECTL, "-n", "istio-system", "port-forward", *args, "--address", "127.0.0.1")
        finally:
            self.sim.env = saved
        out = Lines(proc)
        self.addCleanup(out.close)
        lines = out.wait(lambda ls: any(FORWARDING_RE.match(l) for l in ls), timeout=20, what="Forwarding from")
        return out, int(next(FORWARDING_RE.match(l).group(1) for l in lines if FORWARDING_RE.match(l)))

    def get(self, port, path="/jaeger/api/services"):
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=10) as r:
            return r.status, r.read().decode()

    def sessions(self):
        return self.sim.control("GET", "portforward")["sessions"]

    def ended(self, out):
        out.wait_eof(15)
        return out.proc.wait(5), out.proc.stderr.read()

    def test_01_websocket_tunnel(self):
        out, port = self.forward("svc/tracing", "0:80")
        status, body = self.get(port)
        self.assertEqual(status, 200)
        self.assertIn("frontend.default", json.loads(body)["data"])
        mine = [s for s in self.sessions() if s["client"].startswith("kubectl/")]
        self.assertEqual(mine[-1]["protocol"], "websocket" if KUBECTL_MINOR >= 31 else "spdy")
        self.assertTrue(mine[-1]["pod"].startswith("jaeger-"))

    def test_02_plain_spdy(self):
        out, port = self.forward("svc/tracing", "0:80", env={"KUBECTL_PORT_FORWARD_WEBSOCKETS": "false"})
        self.assertEqual(self.get(port)[0], 200)
        self.assertEqual(self.sessions()[-1]["protocol"], "spdy")

    def test_03_pod_target_and_refused_port(self):
        pods = json.loads(self.sim.kubectl("-n", "istio-system", "get", "pods", "-l", "app=jaeger", "-o", "json").stdout)
        pod = pods["items"][0]["metadata"]["name"]
        out, port = self.forward("pod/" + pod, "0:16686")
        self.assertEqual(self.get(port)[0], 200)
        out, port = self.forward("pod/" + pod, "0:9411")
        with self.assertRaises((urllib.error.URLError, http.client.HTTPException, ConnectionError)):
            self.get(port)
        if KUBECTL_MINOR >= 27:  # 1.27 and newer end the session after an error on the error stream (1.20 does not)
            code, err = self.ended(out)
            self.assertEqual(code, 1)
            self.assertIn("error forwarding port 9411 to pod %s" % pod, err)

    def test_04_dropped_session(self):
        out, port = self.forward("svc/tracing", "0:80")
        self.assertEqual(self.get(port)[0], 200)
        self.assertGreaterEqual(self.sim.control("POST", "portforward/drop", {"namespace": "istio-system"})["dropped"], 1)
        code, err = self.ended(out)
        self.assertEqual(code, 1)
        self.assertIn("lost connection to pod", err)

    def test_05_replaced_pod(self):
        out, port = self.forward("svc/tracing", "0:80")
        self.assertEqual(self.get(port)[0], 200)
        old = self.sessions()[-1]["pod"]
        self.sim.control("POST", "pods/kill", {"namespace": "istio-system", "pod": old})
        with self.assertRaises((urllib.error.URLError, http.client.HTTPException, ConnectionError)):
            self.get(port)
        code, err = self.ended(out)
        self.assertEqual(code, 1)
        # Which of the two kubectl says depends on a race, as against a real cluster: the open
        # connection is reset first, or the next stream finds the pod gone.
        self.assertTrue('failed to find sandbox' in err or 'connection reset by peer' in err, err)
        self.assertIn("lost connection to pod", err)
        self.assertIn("lost connection to pod", err)
        # a new forward reaches the new pod
        poll(lambda: [p for p in json.loads(self.sim.kubectl("-n", "istio-system", "get", "pods", "-o", "json").stdout)["items"]
                      if p["metadata"]["name"].startswith("jaeger-") and p["metadata"]["name"] != old], what="new pod")
        out, port = self.forward("svc/tracing", "0:80")
        self.assertEqual(self.get(port)[0], 200)
        self.assertNotEqual(self.sessions()[-1]["pod"], old)

    def test_06_falls_back_to_spdy_when_the_tunnel_is_refused(self):
        self.sim.control("POST", "portforward/config", {"websocket": False})
        try:
            out, port = self.forward("svc/tracing", "0:80")
            self.assertEqual(self.get(port)[0], 200)
            self.assertEqual(self.sessions()[-1]["protocol"], "spdy")
        finally:
            self.sim.control("POST", "portforward/config", {"websocket": True})

    def test_07_other_kubectl_versions(self):
        binaries = kubectls()[1:]
        if not binaries:
            self.skipTest("no other kubectl (siblings kubectl.1.27/1.30, $OBSLAB_OLD_KUBECTL)")
        for binary in binaries:
            with self.subTest(binary):
                out, port = self.forward("svc/tracing", "0:80", binary=binary)
                t0 = time.monotonic()
                self.assertEqual(self.get(port)[0], 200)
                self.assertLess(time.monotonic() - t0, 5)
                self.sim.control("POST", "portforward/drop", {"namespace": "istio-system"})
                code, err = self.ended(out)
                self.assertIn("lost connection to pod", err)


if __name__ == "__main__":
    unittest.main()
