"""JSON merge patch (RFC 7386), JSON patch (RFC 6902) and the parts of Kubernetes' strategic
merge patch that kubectl sends (merge keys, $patch, $setElementOrder, $retainKeys,
$deleteFromPrimitiveList)."""

import copy

from . import kinds


class PatchError(ValueError):
    pass


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def _ptr(path):
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchError("invalid JSON pointer %r" % path)
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _walk(doc, parts):
    cur = doc
    for p in parts:
        if isinstance(cur, list):
            cur = cur[int(p)]
        elif isinstance(cur, dict):
            cur = cur[p]
        else:
            raise KeyError(p)
    return cur


def json_patch(doc, ops):
    doc = copy.deepcopy(doc)
    if not isinstance(ops, list):
        raise PatchError("json patch must be a list of operations")
    for op in ops:
        kind = op.get("op")
        parts = _ptr(op.get("path", ""))
        try:
            if kind == "test":
                if _walk(doc, parts) != op.get("value"):
                    raise PatchError("testing value %s failed" % op.get("path"))
                continue
            if kind in ("copy", "move"):
                src = _ptr(op.get("from", ""))
                value = copy.deepcopy(_walk(doc, src))
                if kind == "move":
                    parent = _walk(doc, src[:-1])
                    if isinstance(parent, list):
                        parent.pop(int(src[-1]))
                    else:
                        del parent[src[-1]]
                kind, op = "add", dict(op, value=value)
            if not parts:
                if kind in ("add", "replace"):
                    doc = copy.deepcopy(op.get("value"))
                    continue
                raise PatchError("cannot remove the root")
            parent = _walk(doc, parts[:-1])
            last = parts[-1]
            if kind == "add":
                if isinstance(parent, list):
                    if last == "-":
                        parent.append(copy.deepcopy(op["value"]))
                    else:
                        parent.insert(int(last), copy.deepcopy(op["value"]))
                else:
                    parent[last] = copy.deepcopy(op["value"])
            elif kind == "remove":
                if isinstance(parent, list):
                    parent.pop(int(last))
                else:
                    del parent[last]
            elif kind == "replace":
                if isinstance(parent, list):
                    parent[int(last)] = copy.deepcopy(op["value"])
                else:
                    if last not in parent:
                        raise KeyError(last)
                    parent[last] = copy.deepcopy(op["value"])
            else:
                raise PatchError("unknown json patch operation %r" % kind)
        except (KeyError, IndexError, ValueError, TypeError) as e:
            if isinstance(e, PatchError):
                raise
            raise PatchError("the server rejected our request due to an error in our request: "
                             "json patch %s operation does not apply: doc is missing path: %s"
                             % (kind, op.get("path"))) from None
    return doc


def strategic_merge(target, patch, path=()):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
    if patch.get("$patch") == "delete":
        return None
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    retain = patch.get("$retainKeys")
    orders = {}
    for k, v in patch.items():
        if k.startswith("$setElementOrder/"):
            orders[k.split("/", 1)[1]] = v
        elif k.startswith("$deleteFromPrimitiveList/"):
            name = k.split("/", 1)[1]
            out[name] = [x for x in out.get(name) or [] if x not in v]
        elif k in ("$patch", "$retainKeys"):
            continue
        elif v is None:
            out.pop(k, None)
        elif isinstance(v, list):
            out[k] = _merge_list(out.get(k), v, path + (k,))
        elif isinstance(v, dict):
            merged = strategic_merge(out.get(k), v, path + (k,))
            if merged is None:
                out.pop(k, None)
            else:
                out[k] = merged
        else:
            out[k] = copy.deepcopy(v)
    for name, order in orders.items():
        cur = out.get(name)
        if isinstance(cur, list):
            key = kinds.merge_key(path + (name,), order + cur)
            out[name] = _reorder(cur, order, key)
    if retain is not None:
        out = {k: v for k, v in out.items() if k in retain}
    return out


def _merge_list(cur, patch, path):
    cur = cur if isinstance(cur, list) else []
    name = path[-1]
    key = kinds.merge_key(path, patch + cur)
    if key is None:
        if name in kinds.PRIMITIVE_MERGE_LISTS:
            return cur + [x for x in patch if x not in cur]
        return [x for x in copy.deepcopy(patch) if not (isinstance(x, dict) and "$patch" in x)]
    out = copy.deepcopy(cur)
    for item in patch:
        if not isinstance(item, dict):
            continue
        if item.get("$patch") == "replace":
            return [copy.deepcopy({k: v for k, v in i.items() if k != "$patch"}) for i in patch
                    if isinstance(i, dict) and i.get("$patch") != "replace" or i is item and len(i) > 1]
        idx = next((n for n, e in enumerate(out) if isinstance(e, dict) and e.get(key) == item.get(key)), None)
        if item.get("$patch") == "delete":
            if idx is not None:
                out.pop(idx)
            continue
        if idx is None:
            out.append(strategic_merge({}, item, path))
        else:
            out[idx] = strategic_merge(out[idx], item, path)
    return out


def _reorder(items, order, key):
    if key is None:
        return items
    pos = {}
    for n, o in enumerate(order):
        if isinstance(o, dict):
            pos[o.get(key)] = n
    ordered = [i for i in items if isinstance(i, dict) and i.get(key) in pos]
    ordered.sort(key=lambda i: pos[i.get(key)])
    rest = [i for i in items if not (isinstance(i, dict) and i.get(key) in pos)]
    return ordered + rest
