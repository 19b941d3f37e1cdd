"""The simulated cluster's state: objects with resource versions and a watch log, a small
deployment controller, sidecar injection and per-container log buffers. One lock guards it all;
one condition variable wakes watchers and log followers."""

import copy
import hashlib
import json
import random
import string
import threading
import time
import uuid

from . import SIM_LABEL, kinds, yamlmini

SYSTEM_NAMESPACES = ("kube-system", "kube-public", "kube-node-lease", "istio-system")
NODE_NAME = "obslab-sim-node"
K8S_VERSION = {"major": "1", "minor": "32", "gitVersion": "v1.32.4-obslab-sim",
               "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
               "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.23.8", "compiler": "gc",
               "platform": "linux/amd64", "emulationMajor": "1", "emulationMinor": "32",
               "minCompatibilityMajor": "1", "minCompatibilityMinor": "31"}


def now_rfc3339():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def rfc3339nano(ns):
    s = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ns // 1_000_000_000))
    frac = ("%09d" % (ns % 1_000_000_000)).rstrip("0")
    return s + ("." + frac if frac else "") + "Z"


def parse_rfc3339(text):
    """ns since epoch for 2006-01-02T15:04:05[.frac](Z|±hh:mm)."""
    t = text.strip()
    frac_ns, off = 0, 0
    if t.endswith("Z"):
        t = t[:-1]
    elif len(t) > 6 and t[-6] in "+-" and t[-3] == ":":
        sign = 1 if t[-6] == "+" else -1
        off = sign * (int(t[-5:-3]) * 3600 + int(t[-2:]) * 60)
        t = t[:-6]
    if "." in t:
        t, frac = t.split(".", 1)
        frac_ns = int((frac + "000000000")[:9])
    base = time.strptime(t, "%Y-%m-%dT%H:%M:%S")
    secs = int(time.mktime(base) - time.timezone) - off
    return secs * 1_000_000_000 + frac_ns


class ApiError(Exception):
    def __init__(self, code, reason, message, details=None):
        super().__init__(message)
        self.code, self.reason, self.message, self.details = code, reason, message, details

    def status(self):
        s = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
             "message": self.message, "reason": self.reason, "code": self.code}
        if self.details:
            s["details"] = self.details
        return s


class LogBuffer:
    def __init__(self):
        self.lines = []      # (ns timestamp, text)
        self.ended = False   # container stopped: followers finish at EOF
        self.drops = 0       # bumped to abort current followers (a dropped connection)


def _rand(n, alphabet="bcdfghjklmnpqrstvwxz2456789"):
    return "".join(random.choice(alphabet) for _ in range(n))


def template_hash(template):
    h = hashlib.sha256(json.dumps(template, sort_keys=True).encode()).hexdigest()
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    n = int(h[:16], 16)
    out = ""
    for _ in range(10):
        out += alphabet[n % len(alphabet)]
        n //= len(alphabet)
    return out


class Cluster:
    def __init__(self, rollout_delay=0.3):
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        self.rv = 100
        self.objs = {}         # (reskey, ns, name) -> object
        self.events = []       # (rv, reskey, ns, type, object)
        self.logs = {}         # (ns, pod, container) -> LogBuffer
        self.sidecars = {}     # pod uid -> snapshot of the proxy config at injection
        self.rollout_delay = rollout_delay
        self.ip_counter = 10
        self.svc_counter = 10
        self.on_pod_deleted = []  # callbacks(pod)
        self.on_pod_created = []
        self.native_sidecars = False
        self.closed = False

    # --- generic store -------------------------------------------------------------------
    def _bump(self):
        self.rv += 1
        return str(self.rv)

    def _record(self, res, typ, o):
        self.events.append((self.rv, res.key, o["metadata"].get("namespace", ""), typ, copy.deepcopy(o)))
        if len(self.events) > 50000:
            del self.events[:10000]
        self.cond.notify_all()

    def get(self, res, ns, name):
        with self.lock:
            o = self.objs.get((res.key, ns if res.namespaced else "", name))
            return copy.deepcopy(o) if o else None

    def list(self, res, ns=None):
        with self.lock:
            out = [copy.deepcopy(o) for (k, n, _), o in self.objs.items()
                   if k == res.key and (ns is None or not res.namespaced or n == ns)]
        out.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
        return out

    def not_found(self, res, name):
        g = res.plural + ("." + res.group if res.group else "")
        return ApiError(404, "NotFound", '%s "%s" not found' % (g, name),
                        {"name": name, "group": res.group, "kind": res.plural})

    def create(self, res, ns, o, dry_run=False, internal=False):
        with self.lock:
            md = o.setdefault("metadata", {})
            if not md.get("name") and md.get("generateName"):
                md["name"] = md["generateName"] + _rand(5)
            name = md.get("name")
            if not name:
                raise ApiError(422, "Invalid", "%s \"\" is invalid: metadata.name: Required value: name or "
                               "generateName is required" % res.kind)
            if res.namespaced:
                md["namespace"] = ns
                if not internal and not self.objs.get(("namespaces", "", ns)):
                    raise ApiError(404, "NotFound", 'namespaces "%s" not found' % ns,
                                   {"name": ns, "kind": "namespaces"})
            else:
                md.pop("namespace", None)
            k = (res.key, ns if res.namespaced else "", name)
            if k in self.objs:
                g = res.plural + ("." + res.group if res.group else "")
                raise ApiError(409, "AlreadyExists", '%s "%s" already exists' % (g, name),
                               {"name": name, "group": res.group, "kind": res.plural})
            o["apiVersion"] = res.api_version(o.get("apiVersion", "").split("/")[-1]
                                              if o.get("apiVersion") else None)
            o["kind"] = res.kind
            md["uid"] = str(uuid.uuid4())
            md["creationTimestamp"] = now_rfc3339()
            md.setdefault("labels", {})
            md["labels"].setdefault(SIM_LABEL, "true")
            md.pop("deletionTimestamp", None)
            if res.kind in ("Deployment",):
                md["generation"] = 1
            self._defaults(res, o, ns)
            if dry_run:
                md["resourceVersion"] = str(self.rv)
                return copy.deepcopy(o)
            md["resourceVersion"] = self._bump()
            self.objs[k] = o
            self._record(res, "ADDED", o)
            self._after_write(res, None, o)
            return copy.deepcopy(self.objs.get(k, o))

    def update(self, res, ns, name, new, dry_run=False, check_rv=False):
        with self.lock:
            k = (res.key, ns if res.namespaced else "", name)
            old = self.objs.get(k)
            if old is None:
                raise self.not_found(res, name)
            md = new.setdefault("metadata", {})
            if check_rv and md.get("resourceVersion") and md["resourceVersion"] != old["metadata"]["resourceVersion"]:
                g = res.plural + ("." + res.group if res.group else "")
                raise ApiError(409, "Conflict", 'Operation cannot be fulfilled on %s "%s": the object has been '
                               'modified; please apply your changes to the latest version and try again' % (g, name))
            for f in ("uid", "creationTimestamp", "name", "namespace"):
                if f in old["metadata"]:
                    md[f] = old["metadata"][f]
            md.setdefault("labels", {})
            md["labels"].setdefault(SIM_LABEL, "true")
            new["apiVersion"], new["kind"] = old["apiVersion"], old["kind"]
            if "generation" in old["metadata"]:
                changed = json.dumps(new.get("spec"), sort_keys=True) != json.dumps(old.get("spec"), sort_keys=True)
                md["generation"] = old["metadata"]["generation"] + (1 if changed else 0)
            if res.kind in ("Deployment", "Pod", "Namespace", "Service") and "status" in old and not new.get("status"):
                new["status"] = old["status"]
            self._defaults(res, new, ns)
            if json.dumps(new, sort_keys=True) == json.dumps(dict(new, metadata=dict(md, resourceVersion=old["metadata"]["resourceVersion"])), sort_keys=True) \
                    and json.dumps(dict(new, metadata=dict(md, resourceVersion="")), sort_keys=True) == \
                    json.dumps(dict(old, metadata=dict(old["metadata"], resourceVersion="")), sort_keys=True):
                return copy.deepcopy(old)  # no-op writes keep the resource version, like etcd
            if dry_run:
                md["resourceVersion"] = old["metadata"]["resourceVersion"]
                return copy.deepcopy(new)
            md["resourceVersion"] = self._bump()
            self.objs[k] = new
            self._record(res, "MODIFIED", new)
            self._after_write(res, old, new)
            return copy.deepcopy(self.objs.get(k, new))

    def delete(self, res, ns, name, dry_run=False, cascade=True):
        with self.lock:
            k = (res.key, ns if res.namespaced else "", name)
            old = self.objs.get(k)
            if old is None:
                raise self.not_found(res, name)
            if dry_run:
                return copy.deepcopy(old)
            del self.objs[k]
            old = copy.deepcopy(old)
            old["metadata"]["resourceVersion"] = self._bump()
            old["metadata"].setdefault("deletionTimestamp", now_rfc3339())
            self._record(res, "DELETED", old)
            self._after_delete(res, old, cascade)
            return old

    # --- defaults and controllers --------------------------------------------------------
    def _defaults(self, res, o, ns):
        for k in ("annotations", "labels"):
            if o["metadata"].get(k) == {}:
                del o["metadata"][k]
        if res.kind == "Namespace":
            o.setdefault("spec", {"finalizers": ["kubernetes"]})
            o["status"] = {"phase": "Active"}
            o["metadata"]["labels"]["kubernetes.io/metadata.name"] = o["metadata"]["name"]
        elif res.kind == "Service":
            spec = o.setdefault("spec", {})
            spec.setdefault("type", "ClusterIP")
            if "clusterIP" not in spec:
                self.svc_counter += 1
                spec["clusterIP"] = "10.96.%d.%d" % (self.svc_counter // 250, self.svc_counter % 250 + 1)
            spec["clusterIPs"] = [spec["clusterIP"]]
            spec.setdefault("sessionAffinity", "None")
            spec.setdefault("internalTrafficPolicy", "Cluster")
            spec.setdefault("ipFamilies", ["IPv4"])
            spec.setdefault("ipFamilyPolicy", "SingleStack")
            for p in spec.get("ports") or []:
                p.setdefault("protocol", "TCP")
                p.setdefault("targetPort", p.get("port"))
            o.setdefault("status", {"loadBalancer": {}})
        elif res.kind == "Deployment":
            spec = o.setdefault("spec", {})
            spec.setdefault("replicas", 1)
            spec.setdefault("revisionHistoryLimit", 10)
            spec.setdefault("progressDeadlineSeconds", 600)
            spec.setdefault("strategy", {"type": "RollingUpdate",
                                         "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}})
            tspec = spec.setdefault("template", {}).setdefault("spec", {})
            for c in tspec.get("containers") or []:
                c.setdefault("imagePullPolicy", "Always" if str(c.get("image", "")).endswith(":latest")
                             or ":" not in str(c.get("image", "")) else "IfNotPresent")
                c.setdefault("terminationMessagePath", "/dev/termination-log")
                c.setdefault("terminationMessagePolicy", "File")
                c.setdefault("resources", {})
                for p in c.get("ports") or []:
                    p.setdefault("protocol", "TCP")
            tspec.setdefault("restartPolicy", "Always")
            tspec.setdefault("terminationGracePeriodSeconds", 30)
            tspec.setdefault("dnsPolicy", "ClusterFirst")
            tspec.setdefault("securityContext", {})
            tspec.setdefault("schedulerName", "default-scheduler")
            o.setdefault("status", {})

    def _after_write(self, res, old, new):
        if res.kind == "Deployment":
            self._reconcile_deployment(new["metadata"]["namespace"], new["metadata"]["name"])
        elif res.kind == "Pod" and old is None:
            for cb in self.on_pod_created:
                cb(new)

    def _after_delete(self, res, old, cascade):
        ns = old["metadata"].get("namespace", "")
        if res.kind == "Pod":
            for key, buf in self.logs.items():
                if key[0] == ns and key[1] == old["metadata"]["name"]:
                    buf.ended = True
            self.sidecars.pop(old["metadata"]["uid"], None)
            self.cond.notify_all()
            for cb in self.on_pod_deleted:
                cb(old)
            owner = (old["metadata"].get("labels") or {}).get("sim.obslab.dev/deployment")
            if owner and ("apps/deployments", ns, owner) in self.objs:
                self._reconcile_deployment(ns, owner)
        elif res.kind == "Deployment" and cascade:
            for p in self._pods_of(ns, old["metadata"]["name"]):
                self.delete(kinds.BY_KEY["pods"], ns, p["metadata"]["name"])
        elif res.kind == "Namespace":
            for (k, n, name) in list(self.objs):
                if n == old["metadata"]["name"] and (k, n, name) in self.objs:
                    self.delete(kinds.BY_KEY[k], n, name)

    def _pods_of(self, ns, deploy):
        return [o for (k, n, _), o in list(self.objs.items())
                if k == "pods" and n == ns and (o["metadata"].get("labels") or {}).get("sim.obslab.dev/deployment") == deploy]

    def _reconcile_deployment(self, ns, name):
        d = self.objs.get(("apps/deployments", ns, name))
        if d is None:
            return
        template = d["spec"].get("template") or {}
        h = template_hash(template)
        want = int(d["spec"].get("replicas", 1))
        pods = self._pods_of(ns, name)
        current = [p for p in pods if p["metadata"]["labels"].get("pod-template-hash") == h]
        old = [p for p in pods if p["metadata"]["labels"].get("pod-template-hash") != h]
        for _ in range(want - len(current)):
            self._create_pod_for(d, h)
        for p in current[want:] if len(current) > want else []:
            self.delete(kinds.BY_KEY["pods"], ns, p["metadata"]["name"])
        if old:
            rv = d["metadata"]["resourceVersion"]

            def finish():
                with self.lock:
                    dd = self.objs.get(("apps/deployments", ns, name))
                    if self.closed or dd is None:
                        return
                    for p in old:
                        if ("pods", ns, p["metadata"]["name"]) in self.objs:
                            self.delete(kinds.BY_KEY["pods"], ns, p["metadata"]["name"])
                    self._update_deployment_status(ns, name)
            if self.rollout_delay > 0:
                t = threading.Timer(self.rollout_delay, finish)
                t.daemon = True
                t.start()
            else:
                finish()
            del rv
        self._update_deployment_status(ns, name)

    def _update_deployment_status(self, ns, name):
        d = self.objs.get(("apps/deployments", ns, name))
        if d is None:
            return
        h = template_hash(d["spec"].get("template") or {})
        pods = self._pods_of(ns, name)
        updated = sum(1 for p in pods if p["metadata"]["labels"].get("pod-template-hash") == h)
        want = int(d["spec"].get("replicas", 1))
        now = now_rfc3339()
        st = {"observedGeneration": d["metadata"].get("generation", 1), "replicas": len(pods),
              "updatedReplicas": updated, "readyReplicas": len(pods), "availableReplicas": len(pods)}
        st = {k: v for k, v in st.items() if v}  # omitempty: absent means 0
        st["observedGeneration"] = d["metadata"].get("generation", 1)
        old_conds = {c["type"]: c for c in (d.get("status") or {}).get("conditions") or []}
        done = updated == want and len(pods) == want
        conds = [
            {"type": "Available", "status": "True" if len(pods) >= want else "False",
             "lastUpdateTime": now, "lastTransitionTime": old_conds.get("Available", {}).get("lastTransitionTime", now),
             "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability."},
            {"type": "Progressing", "status": "True", "lastUpdateTime": now,
             "lastTransitionTime": old_conds.get("Progressing", {}).get("lastTransitionTime", now),
             "reason": "NewReplicaSetAvailable" if done else "ReplicaSetUpdated",
             "message": ('ReplicaSet "%s-%s" has successfully progressed.' if done
                         else 'ReplicaSet "%s-%s" is progressing.') % (name, h)}]
        st["conditions"] = conds
        prev = dict(d.get("status") or {})
        cmp_prev = {k: v for k, v in prev.items() if k != "conditions"}
        cmp_new = {k: v for k, v in st.items() if k != "conditions"}
        if cmp_prev == cmp_new and [c["reason"] for c in prev.get("conditions") or []] == [c["reason"] for c in conds]:
            return
        d["status"] = st
        d["metadata"]["resourceVersion"] = self._bump()
        self._record(kinds.BY_KEY["apps/deployments"], "MODIFIED", d)

    def _create_pod_for(self, d, h):
        ns, name = d["metadata"]["namespace"], d["metadata"]["name"]
        template = copy.deepcopy(d["spec"].get("template") or {})
        md = template.get("metadata") or {}
        labels = dict(md.get("labels") or {})
        labels["pod-template-hash"] = h
        labels["sim.obslab.dev/deployment"] = name
        pod = {"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "%s-%s-%s" % (name, h, _rand(5)), "namespace": ns, "labels": labels,
                            "annotations": dict(md.get("annotations") or {}),
                            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                                 "name": "%s-%s" % (name, h), "uid": d["metadata"]["uid"],
                                                 "controller": True, "blockOwnerDeletion": True}]},
               "spec": template.get("spec") or {}}
        self.create_pod(ns, pod)

    def create_pod(self, ns, pod, internal=True):
        """Admission (sidecar injection), scheduling and start, all at once."""
        with self.lock:
            spec = pod.setdefault("spec", {})
            spec.setdefault("nodeName", NODE_NAME)
            spec.setdefault("restartPolicy", "Always")
            spec.setdefault("serviceAccountName", "default")
            md = pod.setdefault("metadata", {})
            md.setdefault("annotations", {})
            snapshot = self.injector(ns, pod) if self.injector else None
            self.ip_counter += 1
            ip = "10.244.%d.%d" % (self.ip_counter // 250, self.ip_counter % 250 + 1)
            start = now_rfc3339()
            statuses, init_statuses = [], []
            for c in spec.get("initContainers") or []:
                sidecar = c.get("restartPolicy") == "Always"
                init_statuses.append({"name": c["name"], "image": c.get("image", ""),
                                      "imageID": "sim://" + c.get("image", ""),
                                      "containerID": "containerd://" + uuid.uuid4().hex,
                                      "ready": sidecar, "started": sidecar, "restartCount": 0,
                                      "state": {"running": {"startedAt": start}} if sidecar else
                                      {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": start,
                                                      "finishedAt": start}}})
            for c in spec.get("containers") or []:
                statuses.append({"name": c["name"], "image": c.get("image", ""), "imageID": "sim://" + c.get("image", ""),
                                 "containerID": "containerd://" + uuid.uuid4().hex, "ready": True,
                                 "started": True, "restartCount": 0, "state": {"running": {"startedAt": start}}})
            pod["status"] = {"phase": "Running", "hostIP": "10.0.0.2", "hostIPs": [{"ip": "10.0.0.2"}],
                             "podIP": ip, "podIPs": [{"ip": ip}], "startTime": start, "qosClass": "BestEffort",
                             "conditions": [{"type": t, "status": "True", "lastProbeTime": None,
                                             "lastTransitionTime": start}
                                            for t in ("PodReadyToStartContainers", "Initialized", "Ready",
                                                      "ContainersReady", "PodScheduled")],
                             "containerStatuses": statuses}
            if init_statuses:
                pod["status"]["initContainerStatuses"] = init_statuses
            created = self.create(kinds.BY_KEY["pods"], ns, pod, internal=internal)
            if snapshot is not None:
                self.sidecars[created["metadata"]["uid"]] = snapshot
            for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
                self.logs[(ns, created["metadata"]["name"], c["name"])] = LogBuffer()
            if self.on_pod_started:
                self.on_pod_started(created)
            return created

    injector = None        # set by the mesh: fn(ns, pod) -> sidecar snapshot or None (mutates pod)
    on_pod_started = None  # set by the mesh: writes start-up log lines

    # --- logs ----------------------------------------------------------------------------
    def write_log(self, ns, pod, container, text, ts=None):
        with self.lock:
            buf = self.logs.get((ns, pod, container))
            if buf is None or buf.ended:
                return False
            buf.lines.append((ts or time.time_ns(), text))
            self.cond.notify_all()
            return True

    def drop_streams(self, ns, pod, container=None, end=False):
        with self.lock:
            n = 0
            for (bns, bpod, bc), buf in self.logs.items():
                if bns == ns and bpod == pod and (container is None or bc == container):
                    if end:
                        buf.ended = True
                    else:
                        buf.drops += 1
                    n += 1
            self.cond.notify_all()
            return n

    # --- helpers -------------------------------------------------------------------------
    def running_pods(self, ns, selector):
        out = []
        with self.lock:
            for (k, n, _), o in self.objs.items():
                if k != "pods" or n != ns or not selector:
                    continue
                labels = o["metadata"].get("labels") or {}
                if all(labels.get(a) == b for a, b in selector.items()) and o["status"].get("phase") == "Running":
                    out.append(o)
        out.sort(key=lambda o: o["metadata"]["name"])
        return out

    def apply_manifest_text(self, text, ns="default"):
        """Create or replace objects from YAML (used by scenarios and the stand-in istioctl)."""
        for doc in yamlmini.load_all(text):
            self.apply_object(doc, ns)

    def apply_object(self, doc, ns="default"):
        res = kinds.find_kind(doc.get("kind"))
        if res is None:
            return
        o = copy.deepcopy(doc)
        ons = o.get("metadata", {}).get("namespace") or ns
        # as if created by `kubectl apply`, so a later apply computes a clean three-way patch
        applied = copy.deepcopy(doc)
        applied.setdefault("metadata", {}).setdefault("annotations", {})
        if res.namespaced:
            applied["metadata"]["namespace"] = ons
        o["metadata"].setdefault("annotations", {})["kubectl.kubernetes.io/last-applied-configuration"] = \
            json.dumps(applied, sort_keys=True, separators=(",", ":")) + "\n"
        with self.lock:
            existing = self.get(res, ons, o["metadata"]["name"])
            if existing is None:
                self.create(res, ons, o, internal=True)
            else:
                self.update(res, ons, o["metadata"]["name"], o)
