"""Decoding of the Kubernetes protobuf envelope for the few kinds whose bodies kubectl's typed
clients send as protobuf in the lab (`kubectl create namespace`, `kubectl create configmap`).
Field numbers are those of k8s.io/api and apimachinery's generated.proto."""

MAGIC = b"k8s\x00"


class ProtobufError(ValueError):
    pass


def _varint(buf, pos):
    shift = result = 0
    while True:
        if pos >= len(buf):
            raise ProtobufError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def fields(buf):
    """(field number, wire type, value) for each field; length-delimited values are bytes."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, pos = _varint(buf, pos)
        elif wt == 2:
            n, pos = _varint(buf, pos)
            v = bytes(buf[pos:pos + n])
            pos += n
        elif wt == 1:
            v, pos = buf[pos:pos + 8], pos + 8
        elif wt == 5:
            v, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ProtobufError("unsupported wire type %d" % wt)
        yield num, wt, v


def _map_entry(b):
    k = v = ""
    for num, _, val in fields(b):
        if num == 1:
            k = val.decode()
        elif num == 2:
            v = val.decode() if isinstance(val, bytes) else val
    return k, v


def _object_meta(b):
    md = {}
    for num, _, v in fields(b):
        if num in (1, 2, 3):
            md[{1: "name", 2: "generateName", 3: "namespace"}[num]] = v.decode()
        elif num in (11, 12):
            k, val = _map_entry(v)
            md.setdefault("labels" if num == 11 else "annotations", {})[k] = val
        elif num == 14:
            md.setdefault("finalizers", []).append(v.decode())
    return md


def decode(body):
    """A JSON-like dict for a protobuf-encoded Namespace or ConfigMap; ProtobufError otherwise."""
    if not body.startswith(MAGIC):
        raise ProtobufError("missing k8s protobuf magic")
    api_version = kind = ""
    raw = b""
    for num, _, v in fields(body[len(MAGIC):]):
        if num == 1:
            for n2, _, v2 in fields(v):
                if n2 == 1:
                    api_version = v2.decode()
                elif n2 == 2:
                    kind = v2.decode()
        elif num == 2:
            raw = v
    obj = {"apiVersion": api_version, "kind": kind}
    if kind == "Namespace":
        for num, _, v in fields(raw):
            if num == 1:
                obj["metadata"] = _object_meta(v)
    elif kind == "ConfigMap":
        for num, _, v in fields(raw):
            if num == 1:
                obj["metadata"] = _object_meta(v)
            elif num in (2, 3):
                k, val = _map_entry(v)
                obj.setdefault("data" if num == 2 else "binaryData", {})[k] = val
            elif num == 4:
                obj["immutable"] = bool(v)
    else:
        raise ProtobufError(kind or "unknown kind")
    return obj
