"""A small YAML subset reader and writer (the stdlib has none).

Enough for Kubernetes manifests and IstioOperator files: block mappings and sequences, plain,
single- and double-quoted scalars, literal/folded block scalars, simple flow collections,
comments and `---` document separators. Anchors, tags and multi-line flow collections are
not supported and raise YamlError."""

import json
import re


class YamlError(ValueError):
    pass


def _scalar(text):
    t = text.strip()
    if t == "" or t in ("~", "null", "Null", "NULL"):
        return None
    if t in ("true", "True", "TRUE"):
        return True
    if t in ("false", "False", "FALSE"):
        return False
    if t.startswith('"'):
        if not t.endswith('"') or len(t) < 2:
            raise YamlError("unterminated double-quoted string: %s" % t)
        return json.loads(t)
    if t.startswith("'"):
        if not t.endswith("'") or len(t) < 2:
            raise YamlError("unterminated single-quoted string: %s" % t)
        return t[1:-1].replace("''", "'")
    if t.startswith("[") or t.startswith("{"):
        return _flow(t)
    if re.fullmatch(r"[-+]?[0-9]+", t):
        return int(t)
    if re.fullmatch(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?", t):
        return float(t)
    return t


def _flow(text):
    pos = 0

    def skip():
        nonlocal pos
        while pos < len(text) and text[pos] in " \t":
            pos += 1

    def value():
        nonlocal pos
        skip()
        c = text[pos]
        if c == "{":
            pos += 1
            out = {}
            skip()
            if text[pos] == "}":
                pos += 1
                return out
            while True:
                k = atom(":")
                skip()
                if text[pos] != ":":
                    raise YamlError("expected ':' in flow mapping: %s" % text)
                pos += 1
                out[k] = value()
                skip()
                if text[pos] == ",":
                    pos += 1
                    continue
                if text[pos] == "}":
                    pos += 1
                    return out
                raise YamlError("bad flow mapping: %s" % text)
        if c == "[":
            pos += 1
            out = []
            skip()
            if text[pos] == "]":
                pos += 1
                return out
            while True:
                out.append(value())
                skip()
                if text[pos] == ",":
                    pos += 1
                    continue
                if text[pos] == "]":
                    pos += 1
                    return out
                raise YamlError("bad flow sequence: %s" % text)
        return atom(",]}")

    def atom(stops):
        nonlocal pos
        skip()
        if text[pos] in "\"'":
            q = text[pos]
            end = pos + 1
            while end < len(text):
                if text[end] == "\\" and q == '"':
                    end += 2
                    continue
                if text[end] == q:
                    if q == "'" and end + 1 < len(text) and text[end + 1] == "'":
                        end += 2
                        continue
                    break
                end += 1
            s = text[pos:end + 1]
            pos = end + 1
            return _scalar(s)
        start = pos
        while pos < len(text) and text[pos] not in stops and not (
                text[pos] == ":" and (pos + 1 >= len(text) or text[pos + 1] in " ,]}")):
            pos += 1
        return _scalar(text[start:pos])

    try:
        v = value()
        skip()
    except IndexError:
        raise YamlError("unterminated flow collection: %s" % text) from None
    if pos != len(text):
        raise YamlError("trailing text after flow collection: %s" % text)
    return v


def _strip_comment(line):
    # A '#' starts a comment at line start or after whitespace, outside quotes.
    q = None
    for i, c in enumerate(line):
        if q:
            if c == q:
                q = None
        elif c in "\"'" and (i == 0 or line[i - 1] in " \t:-[{,"):
            q = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


_KEY = re.compile(r"""^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"\-?:,\[\]{}][^#]*?|-[^\s][^#]*?)\s*:(?:\s+|$)(.*)$""")


class _Parser:
    def __init__(self, text):
        self.lines = []  # (indent, content, raw)
        for raw in text.split("\n"):
            raw = raw.rstrip("\r")
            self.lines.append(raw)
        self.i = 0

    def _next_content(self):
        while self.i < len(self.lines):
            raw = self.lines[self.i]
            s = _strip_comment(raw)
            if s.strip() == "":
                self.i += 1
                continue
            return len(s) - len(s.lstrip(" ")), s.strip()
        return None

    def documents(self):
        docs = []
        while True:
            # skip to document start
            nxt = self._next_content()
            if nxt is None:
                break
            ind, s = nxt
            if s == "---" or s.startswith("--- "):
                self.i += 1
                continue
            if s == "...":
                self.i += 1
                continue
            docs.append(self.node(ind))
        return docs

    def node(self, indent):
        nxt = self._next_content()
        if nxt is None:
            return None
        ind, s = nxt
        if ind < indent or s == "---" or s.startswith("--- "):
            return None
        if s.startswith("- ") or s == "-":
            return self.seq(ind)
        if _KEY.match(s):
            return self.mapping(ind)
        self.i += 1
        return _scalar(s)

    def seq(self, indent):
        out = []
        while True:
            nxt = self._next_content()
            if nxt is None:
                return out
            ind, s = nxt
            if ind != indent or not (s.startswith("- ") or s == "-"):
                if ind > indent:
                    raise YamlError("bad indentation at line %d" % (self.i + 1))
                return out
            rest = s[1:].lstrip(" ")
            if rest == "":
                self.i += 1
                out.append(self.node(indent + 1))
                continue
            # Re-read the item's content as if it were indented at its own column.
            col = indent + (len(s) - len(rest))
            if _KEY.match(rest) and not rest.startswith(("[", "{", '"', "'")) or (
                    _KEY.match(rest) and rest[0] in "\"'" and re.match(r"^(\"[^\"]*\"|'[^']*')\s*:", rest)):
                self.lines[self.i] = " " * col + rest
                out.append(self.mapping(col))
                continue
            if rest.startswith("- "):
                self.lines[self.i] = " " * col + rest
                out.append(self.seq(col))
                continue
            self.i += 1
            out.append(self._value_text(rest, indent))
        return out

    def _value_text(self, v, indent):
        if v.startswith("|") or v.startswith(">"):
            return self.block_scalar(v, indent)
        if v.startswith("&") or v.startswith("*") or (v.startswith("!") and not v.startswith("!=")):
            raise YamlError("anchors, aliases and tags are not supported (line %d)" % self.i)
        return _scalar(v)

    def mapping(self, indent):
        out = {}
        while True:
            nxt = self._next_content()
            if nxt is None:
                return out
            ind, s = nxt
            if ind != indent:
                if ind > indent:
                    raise YamlError("bad indentation at line %d: %s" % (self.i + 1, s))
                return out
            if s.startswith("- ") or s == "-" or s == "---" or s.startswith("--- "):
                return out
            m = _KEY.match(s)
            if not m:
                raise YamlError("expected 'key: value' at line %d: %s" % (self.i + 1, s))
            key = _scalar(m.group(1))
            if not isinstance(key, str):
                key = str(key).lower() if isinstance(key, bool) else str(key)
            rest = m.group(2).strip()
            self.i += 1
            if rest == "":
                nxt = self._next_content()
                if nxt is None:
                    out[key] = None
                    continue
                cind, cs = nxt
                if cind > indent or (cind == indent and (cs.startswith("- ") or cs == "-")):
                    out[key] = self.node(cind)
                else:
                    out[key] = None
            else:
                out[key] = self._value_text(rest, indent)

    def block_scalar(self, header, indent):
        folded = header.startswith(">")
        chomp = "clip"
        if "-" in header:
            chomp = "strip"
        elif "+" in header:
            chomp = "keep"
        lines = []
        block_indent = None
        while self.i < len(self.lines):
            raw = self.lines[self.i]
            if raw.strip() == "":
                lines.append("")
                self.i += 1
                continue
            ind = len(raw) - len(raw.lstrip(" "))
            if block_indent is None:
                if ind <= indent:
                    break
                block_indent = ind
            if ind < block_indent:
                break
            lines.append(raw[block_indent:])
            self.i += 1
        # trailing blank lines belong to chomping
        trailing = 0
        while lines and lines[-1] == "":
            lines.pop()
            trailing += 1
        if folded:
            text = ""
            for n, ln in enumerate(lines):
                if n == 0:
                    text = ln
                elif ln == "" or ln.startswith(" "):
                    text += "\n" + ln
                else:
                    text += ("" if text.endswith("\n") else " ") + ln
        else:
            text = "\n".join(lines)
        if chomp == "strip":
            return text
        if chomp == "keep":
            return text + "\n" * (trailing + 1)
        return text + "\n" if lines else ""


def load_all(text):
    """All documents in text (None documents dropped)."""
    return [d for d in _Parser(text).documents() if d is not None]


def load(text):
    docs = load_all(text)
    return docs[0] if docs else None


_PLAIN_OK = re.compile(r"^[A-Za-z_/.][A-Za-z0-9_./%@()\-]*( [A-Za-z0-9_./%@()\-]+)*$")


def _emit_scalar(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    s = str(v)
    if _PLAIN_OK.match(s) and _scalar(s) == s and not s.endswith(":"):
        return s
    return json.dumps(s)


def dump(v, indent=0):
    """Block-style YAML for dicts/lists/scalars."""
    pad = " " * indent
    if isinstance(v, dict):
        if not v:
            return pad + "{}\n"
        out = ""
        for k, val in v.items():
            key = _emit_scalar(str(k))
            if isinstance(val, dict) and val:
                out += "%s%s:\n%s" % (pad, key, dump(val, indent + 2))
            elif isinstance(val, list) and val:
                out += "%s%s:\n%s" % (pad, key, dump(val, indent))
            elif isinstance(val, str) and "\n" in val:
                body = "".join(pad + "  " + ln + "\n" if ln else "\n" for ln in val.rstrip("\n").split("\n"))
                out += "%s%s: |%s\n%s" % (pad, key, "" if val.endswith("\n") else "-", body)
            else:
                out += "%s%s: %s\n" % (pad, key, _emit_scalar(val) if not isinstance(val, (dict, list)) else ("{}" if isinstance(val, dict) else "[]"))
        return out
    if isinstance(v, list):
        if not v:
            return pad + "[]\n"
        out = ""
        for item in v:
            if isinstance(item, (dict, list)) and item:
                inner = dump(item, indent + 2)
                out += pad + "- " + inner[indent + 2:]
            else:
                out += pad + "- " + (_emit_scalar(item) if not isinstance(item, (dict, list)) else "{}") + "\n"
        return out
    return pad + _emit_scalar(v) + "\n"
