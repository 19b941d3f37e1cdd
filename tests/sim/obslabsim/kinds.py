"""The resources the stand-in API server serves: discovery data, a compact schema per kind
(used for server-side strict field validation and for the OpenAPI v3 documents kubectl reads)
and the Table columns `kubectl get` prints."""

import time

# --- schema DSL: "string" | "integer" | "boolean" | "number" | "any" | "intstr" | "quantity"
#     | {"map": sub} | {"list": sub, "key": mergeKey} | {"obj": {field: sub}}
S, I, B, N, ANY, IS = "string", "integer", "boolean", "number", "any", "intstr"
MAPSTR = {"map": S}


def obj(**props):
    return {"obj": props}


def lst(item, key=None):
    return {"list": item, "key": key}


OWNER_REF = obj(apiVersion=S, kind=S, name=S, uid=S, controller=B, blockOwnerDeletion=B)
MANAGED = obj(manager=S, operation=S, apiVersion=S, time=S, fieldsType=S, fieldsV1=ANY, subresource=S)
OBJECT_META = obj(name=S, generateName=S, namespace=S, selfLink=S, uid=S, resourceVersion=S,
                  generation=I, creationTimestamp=S, deletionTimestamp=S,
                  deletionGracePeriodSeconds=I, labels=MAPSTR, annotations=MAPSTR,
                  ownerReferences=lst(OWNER_REF, "uid"), finalizers=lst(S), managedFields=lst(MANAGED))
LABEL_SELECTOR = obj(matchLabels=MAPSTR, matchExpressions=lst(obj(key=S, operator=S, values=lst(S))))
KEY_REF = obj(name=S, key=S, optional=B)
ENV_VAR = obj(name=S, value=S, valueFrom=obj(
    fieldRef=obj(apiVersion=S, fieldPath=S), resourceFieldRef=obj(containerName=S, resource=S, divisor=ANY),
    configMapKeyRef=KEY_REF, secretKeyRef=KEY_REF))
PROBE_HANDLER = dict(exec=obj(command=lst(S)),
                     httpGet=obj(path=S, port=IS, host=S, scheme=S, httpHeaders=lst(obj(name=S, value=S))),
                     tcpSocket=obj(port=IS, host=S), grpc=obj(port=I, service=S))
PROBE = obj(initialDelaySeconds=I, timeoutSeconds=I, periodSeconds=I, successThreshold=I,
            failureThreshold=I, terminationGracePeriodSeconds=I, **PROBE_HANDLER)
SEC_CTX = obj(runAsUser=I, runAsGroup=I, runAsNonRoot=B, readOnlyRootFilesystem=B, privileged=B,
              allowPrivilegeEscalation=B, capabilities=obj(add=lst(S), drop=lst(S)),
              seccompProfile=obj(type=S, localhostProfile=S), fsGroup=I, supplementalGroups=lst(I))
CONTAINER = obj(
    name=S, image=S, imagePullPolicy=S, command=lst(S), args=lst(S), workingDir=S,
    ports=lst(obj(name=S, containerPort=I, protocol=S, hostPort=I, hostIP=S), "containerPort"),
    env=lst(ENV_VAR, "name"),
    envFrom=lst(obj(prefix=S, configMapRef=obj(name=S, optional=B), secretRef=obj(name=S, optional=B))),
    resources=obj(limits=MAPSTR, requests=MAPSTR, claims=lst(obj(name=S))),
    volumeMounts=lst(obj(name=S, mountPath=S, readOnly=B, subPath=S, mountPropagation=S), "mountPath"),
    livenessProbe=PROBE, readinessProbe=PROBE, startupProbe=PROBE,
    lifecycle=obj(postStart=obj(**PROBE_HANDLER), preStop=obj(**PROBE_HANDLER)),
    securityContext=SEC_CTX, stdin=B, stdinOnce=B, tty=B, restartPolicy=S,
    terminationMessagePath=S, terminationMessagePolicy=S)
VOLUME = obj(name=S, emptyDir=obj(medium=S, sizeLimit=ANY), configMap=ANY, secret=ANY, projected=ANY,
             downwardAPI=ANY, hostPath=obj(path=S, type=S), persistentVolumeClaim=obj(claimName=S, readOnly=B))
POD_SPEC = obj(
    containers=lst(CONTAINER, "name"), initContainers=lst(CONTAINER, "name"),
    volumes=lst(VOLUME, "name"), restartPolicy=S, terminationGracePeriodSeconds=I,
    activeDeadlineSeconds=I, dnsPolicy=S, nodeSelector=MAPSTR, serviceAccountName=S,
    serviceAccount=S, automountServiceAccountToken=B, nodeName=S, hostNetwork=B, hostPID=B,
    shareProcessNamespace=B, securityContext=SEC_CTX, imagePullSecrets=lst(obj(name=S), "name"),
    hostname=S, subdomain=S, affinity=ANY, schedulerName=S, tolerations=lst(ANY),
    priorityClassName=S, priority=I, readinessGates=lst(obj(conditionType=S)),
    enableServiceLinks=B, preemptionPolicy=S, topologySpreadConstraints=lst(ANY), overhead=MAPSTR,
    hostAliases=lst(obj(ip=S, hostnames=lst(S)), "ip"))
CONTAINER_STATE = obj(waiting=obj(reason=S, message=S),
                      running=obj(startedAt=S),
                      terminated=obj(exitCode=I, signal=I, reason=S, message=S, startedAt=S,
                                     finishedAt=S, containerID=S))
CONTAINER_STATUS = obj(name=S, state=CONTAINER_STATE, lastState=CONTAINER_STATE, ready=B,
                       restartCount=I, image=S, imageID=S, containerID=S, started=B)
CONDITION = obj(type=S, status=S, lastProbeTime=S, lastTransitionTime=S, lastUpdateTime=S,
                reason=S, message=S, observedGeneration=I)
POD_STATUS = obj(phase=S, conditions=lst(CONDITION, "type"), message=S, reason=S, hostIP=S,
                 hostIPs=lst(obj(ip=S)), podIP=S, podIPs=lst(obj(ip=S), "ip"), startTime=S,
                 initContainerStatuses=lst(CONTAINER_STATUS), containerStatuses=lst(CONTAINER_STATUS),
                 qosClass=S)
POD_TEMPLATE = obj(metadata=OBJECT_META, spec=POD_SPEC)
DEPLOYMENT = obj(
    spec=obj(replicas=I, selector=LABEL_SELECTOR, template=POD_TEMPLATE,
             strategy=obj(type=S, rollingUpdate=obj(maxUnavailable=IS, maxSurge=IS)),
             minReadySeconds=I, revisionHistoryLimit=I, paused=B, progressDeadlineSeconds=I),
    status=obj(observedGeneration=I, replicas=I, updatedReplicas=I, readyReplicas=I,
               availableReplicas=I, unavailableReplicas=I, terminatingReplicas=I,
               conditions=lst(CONDITION, "type"), collisionCount=I))
SERVICE = obj(
    spec=obj(ports=lst(obj(name=S, protocol=S, appProtocol=S, port=I, targetPort=IS, nodePort=I), "port"),
             selector=MAPSTR, clusterIP=S, clusterIPs=lst(S), type=S, externalIPs=lst(S),
             sessionAffinity=S, loadBalancerIP=S, externalName=S, externalTrafficPolicy=S,
             internalTrafficPolicy=S, ipFamilies=lst(S), ipFamilyPolicy=S, publishNotReadyAddresses=B,
             sessionAffinityConfig=ANY, loadBalancerSourceRanges=lst(S), allocateLoadBalancerNodePorts=B),
    status=obj(loadBalancer=obj(ingress=lst(ANY)), conditions=lst(ANY)))
NAMESPACE = obj(spec=obj(finalizers=lst(S)), status=obj(phase=S, conditions=lst(ANY)))
CONFIGMAP = obj(data=MAPSTR, binaryData=MAPSTR, immutable=B)
NODE = obj(spec=ANY, status=ANY)
EVENT = obj(involvedObject=ANY, reason=S, message=S, source=ANY, firstTimestamp=S, lastTimestamp=S,
            count=I, type=S, eventTime=S, reportingComponent=S, reportingInstance=S, action=S)
PROVIDER_REFS = lst(obj(name=S))
WORKLOAD_MATCH = obj(mode=S)
TARGET_REF = obj(group=S, kind=S, name=S, namespace=S)
TELEMETRY = obj(  # Istio's structural CRD schema for telemetry.istio.io (status is free-form)
    spec=obj(selector=obj(matchLabels=MAPSTR), targetRef=TARGET_REF, targetRefs=lst(TARGET_REF),
             tracing=lst(obj(match=WORKLOAD_MATCH, providers=PROVIDER_REFS, randomSamplingPercentage=N,
                             disableSpanReporting=B, customTags={"map": ANY}, useRequestIdForTraceSampling=B,
                             enableIstioTags=B)),
             accessLogging=lst(obj(match=WORKLOAD_MATCH, providers=PROVIDER_REFS, disabled=B,
                                   filter=obj(expression=S))),
             metrics=lst(ANY)),
    status=ANY)


class Res:
    def __init__(self, group, version, plural, kind, namespaced, short=(), schema=None,
                 subresources=(), categories=(), versions=None, cols=None):
        self.group, self.version, self.plural, self.kind = group, version, plural, kind
        self.namespaced, self.short, self.subresources = namespaced, list(short), list(subresources)
        self.schema, self.categories = schema, list(categories)
        self.versions = versions or [version]
        self.cols = cols or []
        self.singular = kind.lower()

    @property
    def key(self):
        return (self.group + "/" if self.group else "") + self.plural

    def api_version(self, version=None):
        v = version or self.version
        return (self.group + "/" + v) if self.group else v


VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

RESOURCES = [
    Res("", "v1", "namespaces", "Namespace", False, ["ns"], NAMESPACE, ["status"]),
    Res("", "v1", "nodes", "Node", False, ["no"], NODE, ["status"]),
    Res("", "v1", "pods", "Pod", True, ["po"], obj(spec=POD_SPEC, status=POD_STATUS),
        ["status", "log", "exec", "portforward", "attach"], ["all"]),
    Res("", "v1", "services", "Service", True, ["svc"], SERVICE, ["status"], ["all"]),
    Res("", "v1", "configmaps", "ConfigMap", True, ["cm"], CONFIGMAP),
    Res("", "v1", "events", "Event", True, ["ev"], EVENT),
    Res("apps", "v1", "deployments", "Deployment", True, ["deploy"], DEPLOYMENT, ["status", "scale"], ["all"]),
    Res("telemetry.istio.io", "v1", "telemetries", "Telemetry", True, ["telemetry"], TELEMETRY,
        ["status"], ["istio-io", "telemetry-istio-io"], versions=["v1", "v1alpha1"]),
]

BY_KEY = {r.key: r for r in RESOURCES}


def find(group, plural):
    return BY_KEY.get((group + "/" if group else "") + plural)


def find_kind(kind):
    for r in RESOURCES:
        if r.kind == kind:
            return r
    return None


# --- strict field validation -------------------------------------------------------------

def validate(res, body):
    """Unknown or mistyped fields as kube-apiserver words them ("unknown field \"spec.x\"")."""
    errors = []
    top = dict(res.schema["obj"])
    top.update(apiVersion=S, kind=S, metadata=OBJECT_META)
    _check({"obj": top}, body, "", errors)
    return errors


def _check(schema, v, path, errors):
    if schema == ANY or v is None:
        return
    if isinstance(schema, str):
        ok = {S: isinstance(v, str), I: isinstance(v, int) and not isinstance(v, bool),
              B: isinstance(v, bool), N: isinstance(v, (int, float)) and not isinstance(v, bool),
              IS: isinstance(v, (int, str)) and not isinstance(v, bool)}.get(schema, True)
        if not ok:
            want = {S: "string", I: "int32", B: "bool", N: "number", IS: "int-or-string"}[schema]
            errors.append("json: cannot unmarshal %s into Go struct field .%s of type %s"
                          % (_jtype(v), path, want))
        return
    if "obj" in schema:
        if not isinstance(v, dict):
            errors.append("json: cannot unmarshal %s into Go struct field .%s of type object" % (_jtype(v), path))
            return
        for k, sub in v.items():
            p = k if not path else path + "." + k
            if k not in schema["obj"]:
                errors.append('unknown field "%s"' % p)
            else:
                _check(schema["obj"][k], sub, p, errors)
    elif "map" in schema:
        if not isinstance(v, dict):
            errors.append("json: cannot unmarshal %s into Go struct field .%s of type map" % (_jtype(v), path))
            return
        for k, sub in v.items():
            _check(schema["map"], sub, path + "." + k, errors)
    elif "list" in schema:
        if not isinstance(v, list):
            errors.append("json: cannot unmarshal %s into Go struct field .%s of type array" % (_jtype(v), path))
            return
        for n, sub in enumerate(v):
            _check(schema["list"], sub, "%s[%d]" % (path, n), errors)


def _jtype(v):
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def merge_key(path_names, items):
    """The strategic-merge key for a list field (by field name, as in the k8s Go types)."""
    name = path_names[-1] if path_names else ""
    if name == "ports":
        if any(isinstance(i, dict) and "containerPort" in i for i in items):
            return "containerPort"
        if any(isinstance(i, dict) and "port" in i for i in items):
            return "port"
        return None
    return {"containers": "name", "initContainers": "name", "ephemeralContainers": "name",
            "env": "name", "volumes": "name", "volumeMounts": "mountPath", "imagePullSecrets": "name",
            "conditions": "type", "hostAliases": "ip", "ownerReferences": "uid",
            "podIPs": "ip"}.get(name)


PRIMITIVE_MERGE_LISTS = {"finalizers"}


# --- OpenAPI v3 ----------------------------------------------------------------------------

def _oa(schema, name_hint=None):
    if schema == ANY:
        return {"x-kubernetes-preserve-unknown-fields": True}
    if isinstance(schema, str):
        return {S: {"type": "string"}, I: {"type": "integer", "format": "int64"},
                B: {"type": "boolean"}, N: {"type": "number"},
                IS: {"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}]}}[schema]
    if "obj" in schema:
        return {"type": "object", "properties": {k: _oa(v, k) for k, v in schema["obj"].items()}}
    if "map" in schema:
        return {"type": "object", "additionalProperties": _oa(schema["map"])}
    out = {"type": "array", "items": _oa(schema["list"])}
    if schema.get("key"):
        out["x-kubernetes-list-type"] = "map"
        out["x-kubernetes-list-map-keys"] = [schema["key"]]
    return out


def openapi_v3(group, version):
    """An OpenAPI v3 document for one group/version, in the shape kubectl reads: components
    with x-kubernetes-group-version-kind and, per resource path, a PATCH operation whose
    parameters include fieldValidation (so kubectl 1.27+ leaves validation to the server)."""
    schemas, paths = {}, {}
    prefix = "/api/" + version if group == "" else "/apis/%s/%s" % (group, version)
    field_validation = {"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": True},
                        "description": "Ignore, Warn or Strict (served by obslab-sim)"}
    dry_run = {"name": "dryRun", "in": "query", "schema": {"type": "string", "uniqueItems": True}}
    for r in RESOURCES:
        if r.group != group or version not in r.versions:
            continue
        gvk = {"group": group, "version": version, "kind": r.kind}
        sname = "%s.%s.%s" % ("io.k8s.api" if group in ("", "apps") else group, version, r.kind)
        s = _oa(r.schema)
        s["properties"].update(apiVersion={"type": "string"}, kind={"type": "string"},
                               metadata={"type": "object", "x-kubernetes-preserve-unknown-fields": True})
        s["x-kubernetes-group-version-kind"] = [gvk]
        schemas[sname] = s
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/" + sname}}}}
        base = prefix + ("/namespaces/{namespace}/" if r.namespaced else "/") + r.plural
        for p, actions in ((base, ("list", "post")), (base + "/{name}", ("get", "put", "patch", "delete"))):
            item = {"parameters": [field_validation, dry_run]}
            for a in actions:
                method = "get" if a == "list" else a
                op = {"x-kubernetes-action": a, "x-kubernetes-group-version-kind": gvk,
                      "responses": {"200": dict(description="OK", **ref)},
                      "parameters": [field_validation, dry_run] if a in ("post", "put", "patch") else []}
                if a == "patch":
                    # Strategic merge is accepted but not advertised: kubectl then computes
                    # strategic patches from its compiled-in types, which know every merge key.
                    op["requestBody"] = {"content": {t: {"schema": {"type": "object"}} for t in (
                        "application/json-patch+json", "application/merge-patch+json",
                        "application/apply-patch+yaml")}}
                elif a in ("post", "put"):
                    op["requestBody"] = ref
                item[method] = op
            paths[p] = item
    return {"openapi": "3.0.0", "info": {"title": "obslab-sim (simulated Kubernetes)", "version": "v1.32.0"},
            "paths": paths, "components": {"schemas": schemas}}


# --- Table output ----------------------------------------------------------------------------

def age(ts, now=None):
    if not ts:
        return "<unknown>"
    try:
        t = time.mktime(time.strptime(ts, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
    except ValueError:
        return "<unknown>"
    d = max(0, int((now or time.time()) - t))
    if d < 120:
        return "%ds" % d
    m = d // 60
    if m < 10:
        return "%dm%ds" % (m, d % 60) if d % 60 else "%dm" % m
    if m < 180:
        return "%dm" % m
    h = m // 60
    if h < 8:
        return "%dh%dm" % (h, m % 60) if m % 60 else "%dh" % h
    if h < 48:
        return "%dh" % h
    return "%dd" % (h // 24)


def _col(name, typ="string", priority=0, fmt="", desc=""):
    return {"name": name, "type": typ, "format": fmt, "description": desc or name, "priority": priority}


def table_columns(res):
    name = _col("Name", fmt="name", desc="Name must be unique within a namespace.")
    a = _col("Age", desc="CreationTimestamp is a timestamp representing the server time when this object was created.")
    if res.kind == "Pod":
        return [name, _col("Ready"), _col("Status"), _col("Restarts", "string"), a,
                _col("IP", priority=1), _col("Node", priority=1), _col("Nominated Node", priority=1),
                _col("Readiness Gates", priority=1)]
    if res.kind == "Deployment":
        return [name, _col("Ready"), _col("Up-to-date", "integer"), _col("Available", "integer"), a,
                _col("Containers", priority=1), _col("Images", priority=1), _col("Selector", priority=1)]
    if res.kind == "Service":
        return [name, _col("Type"), _col("Cluster-IP"), _col("External-IP"), _col("Port(s)"), a,
                _col("Selector", priority=1)]
    if res.kind == "Namespace":
        return [name, _col("Status"), a]
    if res.kind == "ConfigMap":
        return [name, _col("Data", "integer"), a]
    if res.kind == "Node":
        return [name, _col("Status"), _col("Roles"), a, _col("Version"),
                _col("Internal-IP", priority=1), _col("OS-Image", priority=1)]
    if res.kind == "Event":
        return [_col("Last Seen"), _col("Type"), _col("Reason"), _col("Object"), _col("Message")]
    return [name, a]


def table_cells(res, o):
    md = o.get("metadata", {})
    spec, st = o.get("spec") or {}, o.get("status") or {}
    n, a = md.get("name", ""), age(md.get("creationTimestamp"))
    if res.kind == "Pod":
        cs = st.get("containerStatuses") or []
        ics = [c for c in st.get("initContainerStatuses") or []
               if any(ic.get("name") == c.get("name") and ic.get("restartPolicy") == "Always"
                      for ic in spec.get("initContainers") or [])]
        total = len(spec.get("containers") or []) + len(ics)
        ready = sum(1 for c in cs + ics if c.get("ready"))
        status = st.get("phase", "Pending")
        if md.get("deletionTimestamp"):
            status = "Terminating"
        restarts = sum(c.get("restartCount", 0) for c in cs)
        return [n, "%d/%d" % (ready, total), status, str(restarts), a, st.get("podIP", "<none>"),
                spec.get("nodeName", "<none>"), "<none>", "<none>"]
    if res.kind == "Deployment":
        cs = spec.get("template", {}).get("spec", {}).get("containers") or []
        sel = ",".join("%s=%s" % kv for kv in (spec.get("selector", {}).get("matchLabels") or {}).items())
        return [n, "%d/%d" % (st.get("readyReplicas", 0), spec.get("replicas", 1)),
                st.get("updatedReplicas", 0), st.get("availableReplicas", 0), a,
                ",".join(c.get("name", "") for c in cs), ",".join(c.get("image", "") for c in cs), sel]
    if res.kind == "Service":
        ports = ",".join("%s/%s" % (p.get("port"), p.get("protocol", "TCP")) for p in spec.get("ports") or [])
        sel = ",".join("%s=%s" % kv for kv in (spec.get("selector") or {}).items()) or "<none>"
        return [n, spec.get("type", "ClusterIP"), spec.get("clusterIP", "<none>"), "<none>",
                ports or "<none>", a, sel]
    if res.kind == "Namespace":
        return [n, st.get("phase", "Active"), a]
    if res.kind == "ConfigMap":
        return [n, len(o.get("data") or {}) + len(o.get("binaryData") or {}), a]
    if res.kind == "Node":
        return [n, "Ready", "control-plane", a, (st.get("nodeInfo") or {}).get("kubeletVersion", ""),
                "10.0.0.2", "obslab-sim (simulated node)"]
    if res.kind == "Event":
        io = o.get("involvedObject") or {}
        return [age(o.get("lastTimestamp")), o.get("type", ""), o.get("reason", ""),
                "%s/%s" % (io.get("kind", "").lower(), io.get("name", "")), o.get("message", "")]
    return [n, a]


# --- OpenAPI v2 as protobuf (gnostic openapi_v2.Document), for kubectl 1.27/1.28 --------------
# Those versions fetch /openapi/v2 (protobuf only) to learn whether the server supports the
# fieldValidation query parameter on each kind's PATCH operation. This document carries exactly
# that (paths with PATCH operations, their fieldValidation parameter and the
# x-kubernetes-group-version-kind extension) and no definitions, so kubectl leaves validation to
# the server and computes strategic patches from its compiled-in types.

def _pb_varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def _pb(num, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return _pb_varint(num << 3 | 2) + _pb_varint(len(payload)) + payload


def _pb_bool(num, v):
    return _pb_varint(num << 3) + _pb_varint(1 if v else 0)


def openapi_v2_protobuf():
    paths = b""
    for r in RESOURCES:
        for v in r.versions:
            prefix = "/api/" + v if r.group == "" else "/apis/%s/%s" % (r.group, v)
            path = prefix + ("/namespaces/{namespace}/" if r.namespaced else "/") + r.plural + "/{name}"
            query = _pb(2, "query") + _pb(4, "fieldValidation") + _pb(6, "string") + _pb_bool(20, True)
            param = _pb(8, _pb(1, _pb(2, _pb(3, query))))          # ParametersItem.parameter.non_body.query
            gvk = "group: %s\nkind: %s\nversion: %s\n" % (('"%s"' % r.group) if r.group else '""', r.kind, v)
            ext = _pb(13, _pb(1, "x-kubernetes-group-version-kind") + _pb(2, _pb(2, gvk)))
            op = _pb(5, "patch%s%s" % (r.kind, v)) + param + ext
            paths += _pb(2, _pb(1, path) + _pb(2, _pb(8, op)))    # Paths.path: NamedPathItem{name, PathItem.patch}
    info = _pb(1, "obslab-sim (simulated Kubernetes)") + _pb(2, "v1.32.0")
    return _pb(1, "2.0") + _pb(2, info) + _pb(8, paths)
