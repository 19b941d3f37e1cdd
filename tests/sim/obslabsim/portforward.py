"""`kubectl port-forward` served as the API server and the kubelet serve it (test equipment).

Two ways in, one protocol: kubectl >= 1.31 opens a WebSocket whose subprotocol
`SPDY/3.1+portforward.k8s.io` tunnels a SPDY/3.1 session in binary messages (the API server only
relays the bytes; the SPDY session is with the kubelet); with KUBECTL_PORT_FORWARD_WEBSOCKETS=false,
kubectl <= 1.30 and Debian's 1.20 it is plain SPDY/3.1 after an HTTP `Upgrade: SPDY/3.1` (101,
`X-Stream-Protocol-Version: portforward.k8s.io`). In the session kubectl opens, per local
connection, an error stream and a data stream (odd ids), both with headers `streamType`
(error|data), `port` and `requestID`; the server answers each SYN_STREAM with a SYN_REPLY, pairs
them by requestID, connects to the pod's port and copies bytes both ways in DATA frames. When
either side ends, the other gets a second to finish (containerd's rule), then both streams are
closed with FIN; a failure is written as text on the error stream first ("error forwarding port
P to pod NAME, uid UID: ..."), after which kubectl (1.27 and newer; not 1.20) closes the session and exits.

Which pod ports answer: the sim's Jaeger query server behind pod port 16686 of `app=jaeger` pods;
other ports are refused the way a closed port in the pod would be. The control endpoint drops
sessions on demand (kubectl: "lost connection to pod"), and deleting a pod ends its forwarded
connections and makes new ones fail (the kubelet keeps the session; the sandbox is gone)."""

import itertools
import queue
import socket
import threading
import time

from . import SIM_NAME, spdy

PROTOCOL = "portforward.k8s.io"
TUNNEL_PREFIX = "SPDY/3.1+"
STREAM_CREATION_TIMEOUT = 30.0  # the kubelet's default
GRACE = 1.0                     # after one direction ends, how long the other may finish
CHUNK = 32 * 1024


class Session:
    """One upgraded connection: reads frames on the calling thread until the connection ends."""

    def __init__(self, registry, transport, close_socket, ns, pod, protocol, client):
        self.registry, self.transport, self.close_socket = registry, transport, close_socket
        self.ns, self.pod_name, self.uid = ns, pod["metadata"]["name"], pod["metadata"]["uid"]
        self.pod_labels = dict(pod["metadata"].get("labels") or {})
        self.protocol, self.client = protocol, client
        self.id = next(registry.ids)
        self.framer = spdy.Framer(transport.read)
        self.wlock = threading.Lock()
        self.lock = threading.Lock()
        self.streams = {}       # stream id -> Pair
        self.pairs = {}         # request id -> Pair
        self.pod_gone = False
        self.closed = False
        self.opened = time.time()
        self.stats = {"pairs": 0, "errors": 0, "bytes_in": 0, "bytes_out": 0, "pings": 0}
        self.last_stream = 0

    # --- writing ---------------------------------------------------------------------------
    def send(self, data):
        with self.wlock:
            if self.closed:
                return False
            try:
                self.transport.write(data)
                return True
            except OSError:
                self.closed = True
                return False

    def send_data(self, stream, payload=b"", fin=False):
        return self.send(spdy.Framer.data(stream, payload, fin))

    # --- the read loop -----------------------------------------------------------------------
    def serve(self):
        try:
            while True:
                f = self.framer.next()
                if f.kind == "SYN_STREAM":
                    self.on_syn_stream(f)
                elif f.kind == "DATA":
                    self.on_data(f)
                elif f.kind == "RST_STREAM":
                    self.on_reset(f.stream)
                elif f.kind == "PING":
                    self.stats["pings"] += 1
                    if f.ping_id & 1:  # the client's (odd); the server's own would be even
                        self.send(self.framer.ping(f.ping_id))
                elif f.kind == "GOAWAY":
                    break
                # SETTINGS, WINDOW_UPDATE, HEADERS, SYN_REPLY: nothing for the server to do
        except (EOFError, spdy.ProtocolError, OSError):
            pass
        finally:
            self.shutdown()

    def on_syn_stream(self, f):
        sid = f.stream
        h = {k: v[0] for k, v in f.headers.items() if v}
        if sid % 2 == 0 or sid <= self.last_stream:
            self.send(self.framer.rst_stream(sid, spdy.PROTOCOL_ERROR))
            return
        self.last_stream = sid
        problem = None
        port = h.get("port", "")
        kind = h.get("streamtype", "")
        if not port:
            problem = '"port" header is required'
        elif not port.isdigit() or not 0 < int(port) < 65536:
            problem = "unable to parse %r as a port" % port
        elif kind not in ("error", "data"):
            problem = '"streamType" header is required' if not kind else "invalid stream type %r" % kind
        if problem:
            # the kubelet rejects the stream (spdystream's Reset: RST_STREAM CANCEL), no reply
            self.send(self.framer.rst_stream(sid, spdy.CANCEL))
            return
        self.send(self.framer.syn_reply(sid))
        # Clients older than request ids pair streams by id: error N, data N+2 (the kubelet's rule).
        rid = h.get("requestid") or str(sid if kind == "error" else sid - 2)
        with self.lock:
            pair = self.pairs.get(rid)
            if pair is None:
                pair = self.pairs[rid] = Pair(self, rid, int(port))
                pair.timer = threading.Timer(STREAM_CREATION_TIMEOUT, pair.creation_timeout)
                pair.timer.daemon = True
                pair.timer.start()
            self.streams[sid] = pair
        if pair.add(kind, sid, f.fin):
            with self.lock:
                self.stats["pairs"] += 1
            threading.Thread(target=pair.run, name="sim-pf-%d-%s" % (self.id, rid), daemon=True).start()

    def on_data(self, f):
        with self.lock:
            pair = self.streams.get(f.stream)
        if pair:
            pair.inbound(f.stream, f.data, f.fin)

    def on_reset(self, sid):
        with self.lock:
            pair = self.streams.get(sid)
        if pair:
            pair.reset()

    def forget(self, pair):
        with self.lock:
            self.pairs.pop(pair.rid, None)
            for sid in (pair.error_id, pair.data_id):
                self.streams.pop(sid, None)

    # --- ending ----------------------------------------------------------------------------
    def drop(self):
        """Cut the connection as a network failure would: no GOAWAY, no close frame."""
        with self.wlock:
            self.closed = True
        self.close_socket()

    def shutdown(self):
        with self.wlock:
            self.closed = True
        with self.lock:
            pairs = list(self.pairs.values())
        for p in pairs:
            p.reset()
        self.registry.remove(self)

    def pod_deleted(self):
        self.pod_gone = True
        with self.lock:
            pairs = list(self.pairs.values())
        for p in pairs:
            p.fail("read tcp4 127.0.0.1:%d->127.0.0.1:%d: read: connection reset by peer" % (40000 + self.id, p.port))

    def info(self):
        with self.lock:
            active = len(self.pairs)
        return {"id": self.id, "namespace": self.ns, "pod": self.pod_name, "protocol": self.protocol,
                "client": self.client, "active": active, "opened": self.opened, **self.stats}


class Pair:
    """The error and data streams of one forwarded connection, and the socket to the pod's port."""

    def __init__(self, session, rid, port):
        self.session, self.rid, self.port = session, rid, port
        self.error_id = self.data_id = None
        self.lock = threading.Lock()
        self.complete = threading.Event()
        self.queue = queue.Queue(maxsize=256)  # client -> pod; bounded: a stuck pod stalls the reader
        self.sock = None
        self.timer = None
        self.failed = False
        self.done = threading.Event()
        self.data_fin = False

    def add(self, kind, sid, fin):
        with self.lock:
            if kind == "error":
                if self.error_id is not None:
                    self.session.send_data(sid, b"error stream already assigned")
                    return False
                self.error_id = sid
            else:
                if self.data_id is not None:
                    return False
                self.data_id = sid
                if fin:
                    self.queue.put(None)
            ready = self.error_id is not None and self.data_id is not None
        if ready:
            self.complete.set()
            if self.timer:
                self.timer.cancel()
        return ready

    def creation_timeout(self):
        if not self.complete.is_set():
            if self.error_id is not None:
                self.session.send_data(self.error_id, b"timed out waiting for streams")
                self.session.send_data(self.error_id, fin=True)
            self.session.forget(self)

    def inbound(self, sid, data, fin):
        if sid != self.data_id:
            return  # the error stream carries nothing from the client
        if data:
            self.session.stats["bytes_in"] += len(data)
            self.put(data)
        if fin:
            self.put(None)

    def put(self, item):
        try:
            self.queue.put(item, timeout=30)
        except queue.Full:
            self.reset()

    def reset(self):
        """The client reset a stream, or the session ended: stop copying at once."""
        self.close_sock()
        self.done.set()
        try:
            self.queue.put_nowait(None)
        except queue.Full:
            pass

    def fail(self, reason):
        """The pod went away under a forwarded connection."""
        with self.lock:
            self.failed = reason
        self.close_sock()

    def close_sock(self):
        s = self.sock
        if s is not None:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def run(self):
        sess = self.session
        try:
            target = None if sess.pod_gone else sess.registry.endpoint(sess.pod_labels, self.port)
            if sess.pod_gone:
                err = 'failed to find sandbox "%s" in store: not found (%s: the pod was deleted)' % (sess.uid, SIM_NAME)
            elif target is None:
                err = ("failed to connect to localhost:%d inside namespace of pod %s (%s): connection refused"
                       % (self.port, sess.pod_name, SIM_NAME))
            else:
                err = None
                try:
                    self.sock = socket.create_connection(target, timeout=5)
                    self.sock.settimeout(None)
                except OSError as e:
                    err = "failed to connect to localhost:%d inside the pod: %s" % (self.port, e)
            if err is None and not self.done.is_set():
                err = self.copy()
            if err:
                sess.stats["errors"] += 1
                sess.send_data(self.error_id, ("error forwarding port %d to pod %s, uid %s: %s"
                                               % (self.port, sess.pod_name, sess.uid, err)).encode())
        finally:
            if self.sock is not None:
                self.sock.close()
            self.end_data()
            sess.send_data(self.error_id, fin=True)
            sess.forget(self)

    def end_data(self):
        with self.lock:
            if self.data_fin:
                return
            self.data_fin = True
        self.session.send_data(self.data_id, fin=True)

    def copy(self):
        """Both directions until both end (or one ends and the other does not within GRACE)."""
        up = threading.Thread(target=self.upstream, daemon=True)
        up.start()
        sess = self.session
        while True:
            try:
                data = self.sock.recv(CHUNK)
            except OSError:
                data = b""
            if not data:
                break
            sess.stats["bytes_out"] += len(data)
            if not sess.send_data(self.data_id, data):
                self.close_sock()
                break
        self.end_data()
        up.join(GRACE)
        with self.lock:
            return self.failed or None

    def upstream(self):
        while True:
            item = self.queue.get()
            if item is None:
                try:
                    self.sock.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                return
            try:
                self.sock.sendall(item)
            except OSError:
                return


class PortForwards:
    """The sessions the API server holds, and what the control endpoint does with them."""

    def __init__(self, endpoint):
        self.endpoint = endpoint  # fn(pod labels, port) -> (host, port) or None
        self.ids = itertools.count(1)
        self.lock = threading.Lock()
        self.sessions = []
        self.websocket = True     # False: refuse the WebSocket tunnel (an API server before 1.30)
        self.totals = {"websocket": 0, "spdy": 0, "dropped": 0}

    def serve(self, session):
        with self.lock:
            self.sessions.append(session)
            self.totals[session.protocol] += 1
        session.serve()

    def remove(self, session):
        with self.lock:
            if session in self.sessions:
                self.sessions.remove(session)

    def drop(self, ns=None, pod=None):
        with self.lock:
            hit = [s for s in self.sessions if (ns is None or s.ns == ns) and (pod is None or s.pod_name == pod)]
            self.totals["dropped"] += len(hit)
        for s in hit:
            s.drop()
        return len(hit)

    def pod_deleted(self, pod):
        md = pod["metadata"]
        with self.lock:
            hit = [s for s in self.sessions if s.ns == md.get("namespace") and s.pod_name == md["name"]]
        # not on the caller's thread: it holds the cluster lock
        for s in hit:
            threading.Thread(target=s.pod_deleted, daemon=True).start()

    def state(self):
        with self.lock:
            return {"websocket": self.websocket, "totals": dict(self.totals),
                    "sessions": [s.info() for s in self.sessions]}
