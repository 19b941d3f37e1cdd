"""SPDY/3.1 framing as Kubernetes speaks it (moby/spdystream, the SPDY/3 draft): 8-byte frame
headers, control frames (SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS,
WINDOW_UPDATE) and data frames, and header blocks compressed with one zlib stream per direction
primed with the SPDY/3 dictionary and flushed (Z_SYNC_FLUSH) after each block.

Flow control: spdystream, on both the kubectl and the kubelet side, neither sends WINDOW_UPDATE
nor waits for one, so a peer that waited for window updates would stall after 64 KiB. The sim
does what the kubelet does: it accepts and ignores SETTINGS and WINDOW_UPDATE and relies on the
transport's (TCP's) back-pressure."""

import struct
import zlib

VERSION = 3

SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE = 1, 2, 3, 4, 6, 7, 8, 9
CONTROL_TYPES = {SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE}
FLAG_FIN = 0x01
FLAG_UNIDIRECTIONAL = 0x02

# RST_STREAM status codes
PROTOCOL_ERROR, INVALID_STREAM, REFUSED_STREAM, UNSUPPORTED_VERSION, CANCEL, INTERNAL_ERROR = 1, 2, 3, 4, 5, 6

# The SPDY/3 header dictionary: these words, each after its length as a 32-bit big-endian number,
# then the tail as it is (1423 bytes in all; test_sim checks its SHA-256).
_DICT_WORDS = (
    "options head post put delete trace accept accept-charset accept-encoding accept-language accept-ranges "
    "age allow authorization cache-control connection content-base content-encoding content-language "
    "content-length content-location content-md5 content-range content-type date etag expect expires from "
    "host if-match if-modified-since if-none-match if-range if-unmodified-since last-modified location "
    "max-forwards pragma proxy-authenticate proxy-authorization range referer retry-after server te trailer "
    "transfer-encoding upgrade user-agent vary via warning www-authenticate method get status").split() + [
    "200 OK", "version", "HTTP/1.1", "url", "public", "set-cookie", "keep-alive", "origin"]
_DICT_TAIL = (
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
    "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized"
    "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable"
    "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT"
    "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,"
    "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.")
DICTIONARY = b"".join(struct.pack(">I", len(w)) + w.encode() for w in _DICT_WORDS) + _DICT_TAIL.encode()

MAX_HEADER_BLOCK = 1 << 20  # decompressed; Kubernetes' headers are a few dozen bytes


class ProtocolError(Exception):
    pass


class Frame:
    """A decoded frame. Data frames: stream, flags, data. Control frames: kind plus the fields of
    that kind (stream, headers, status, ping_id, last_good, delta)."""

    def __init__(self, kind, flags=0, **fields):
        self.kind, self.flags = kind, flags
        self.stream = fields.pop("stream", 0)
        self.data = fields.pop("data", b"")
        self.headers = fields.pop("headers", None)
        self.__dict__.update(fields)

    @property
    def fin(self):
        return bool(self.flags & FLAG_FIN)

    def __repr__(self):
        return "Frame(%s, stream=%d, flags=%d)" % (self.kind, self.stream, self.flags)


class HeaderCodec:
    """The two zlib streams of one connection (one compresses what we send, one inflates what we
    receive); both last as long as the connection."""

    def __init__(self):
        self.deflate = zlib.compressobj(9, zlib.DEFLATED, 15, 8, zlib.Z_DEFAULT_STRATEGY, DICTIONARY)
        self.inflate = zlib.decompressobj(15, DICTIONARY)

    def encode(self, headers):
        """headers: {name: [values]}; names go out in lower case, values joined by NUL."""
        block = struct.pack(">I", len(headers))
        for name, values in headers.items():
            n = name.lower().encode()
            v = b"\x00".join(x.encode() for x in ([values] if isinstance(values, str) else values))
            block += struct.pack(">I", len(n)) + n + struct.pack(">I", len(v)) + v
        return self.deflate.compress(block) + self.deflate.flush(zlib.Z_SYNC_FLUSH)

    def decode(self, data):
        try:
            raw = self.inflate.decompress(data, MAX_HEADER_BLOCK)
        except zlib.error as e:
            raise ProtocolError("header block does not inflate: %s" % e)
        if self.inflate.unconsumed_tail:
            raise ProtocolError("header block larger than %d bytes" % MAX_HEADER_BLOCK)
        headers, pos = {}, 4
        if len(raw) < 4:
            raise ProtocolError("truncated header block")
        (count,) = struct.unpack_from(">I", raw)
        for _ in range(count):
            name, pos = _string(raw, pos)
            value, pos = _string(raw, pos)
            headers.setdefault(name.decode("latin-1").lower(), []).extend(value.decode("latin-1").split("\x00"))
        return headers


def _string(raw, pos):
    if pos + 4 > len(raw):
        raise ProtocolError("truncated header block")
    (n,) = struct.unpack_from(">I", raw, pos)
    if pos + 4 + n > len(raw):
        raise ProtocolError("truncated header block")
    return raw[pos + 4:pos + 4 + n], pos + 4 + n


class Framer:
    """Reads frames from `read(n)` (exactly n bytes, or fewer at EOF) and encodes frames."""

    def __init__(self, read):
        self.read = read
        self.codec = HeaderCodec()

    def _exact(self, n):
        data = self.read(n)
        if len(data) != n:
            raise EOFError
        return data

    def next(self):
        """The next frame; EOFError at the end of the connection, ProtocolError for garbage."""
        head = self._exact(8)
        word, flags_len = struct.unpack(">II", head)
        flags, length = flags_len >> 24, flags_len & 0xFFFFFF
        body = self._exact(length) if length else b""
        if not word & 0x80000000:
            stream = word & 0x7FFFFFFF
            if stream == 0:
                raise ProtocolError("data frame on stream 0")
            return Frame("DATA", flags, stream=stream, data=body)
        version, kind = (word >> 16) & 0x7FFF, word & 0xFFFF
        if version != VERSION:
            raise ProtocolError("SPDY version %d (only 3 is spoken)" % version)
        if kind not in CONTROL_TYPES:
            raise ProtocolError("unknown control frame type %d" % kind)
        try:
            return self._control(kind, flags, body)
        except struct.error:
            raise ProtocolError("control frame %d too short" % kind)

    def _control(self, kind, flags, body):
        if kind == SYN_STREAM:
            stream, assoc = struct.unpack_from(">II", body)
            return Frame("SYN_STREAM", flags, stream=stream & 0x7FFFFFFF, associated=assoc & 0x7FFFFFFF,
                         priority=body[8] >> 5, headers=self.codec.decode(body[10:]))
        if kind in (SYN_REPLY, HEADERS):
            (stream,) = struct.unpack_from(">I", body)
            return Frame("SYN_REPLY" if kind == SYN_REPLY else "HEADERS", flags, stream=stream & 0x7FFFFFFF,
                         headers=self.codec.decode(body[4:]))
        if kind == RST_STREAM:
            stream, status = struct.unpack_from(">II", body)
            return Frame("RST_STREAM", flags, stream=stream & 0x7FFFFFFF, status=status)
        if kind == SETTINGS:
            (count,) = struct.unpack_from(">I", body)
            entries = [struct.unpack_from(">II", body, 4 + 8 * i) for i in range(count)]
            return Frame("SETTINGS", flags, entries=[(e[0] & 0xFFFFFF, e[1]) for e in entries])
        if kind == PING:
            (ping_id,) = struct.unpack_from(">I", body)
            return Frame("PING", flags, ping_id=ping_id)
        if kind == GOAWAY:
            last, status = struct.unpack_from(">II", body)
            return Frame("GOAWAY", flags, last_good=last & 0x7FFFFFFF, status=status)
        stream, delta = struct.unpack_from(">II", body)
        return Frame("WINDOW_UPDATE", flags, stream=stream & 0x7FFFFFFF, delta=delta & 0x7FFFFFFF)

    # --- encoding (what the server side sends) ---------------------------------------------------
    @staticmethod
    def _control_frame(kind, flags, body):
        return struct.pack(">HHI", 0x8000 | VERSION, kind, (flags << 24) | len(body)) + body

    def syn_reply(self, stream, headers=None, fin=False):
        block = self.codec.encode(headers or {})
        return self._control_frame(SYN_REPLY, FLAG_FIN if fin else 0, struct.pack(">I", stream) + block)

    def rst_stream(self, stream, status):
        return self._control_frame(RST_STREAM, 0, struct.pack(">II", stream, status))

    def ping(self, ping_id):
        return self._control_frame(PING, 0, struct.pack(">I", ping_id))

    def goaway(self, last_good, status=0):
        return self._control_frame(GOAWAY, 0, struct.pack(">II", last_good, status))

    @staticmethod
    def data(stream, payload=b"", fin=False):
        return struct.pack(">II", stream & 0x7FFFFFFF, ((FLAG_FIN if fin else 0) << 24) | len(payload)) + payload

    # --- what a client sends (the self-test speaks to the server with these) ----------------------
    def syn_stream(self, stream, headers, fin=False):
        block = self.codec.encode(headers)
        return self._control_frame(SYN_STREAM, FLAG_FIN if fin else 0, struct.pack(">IIBB", stream, 0, 0, 0) + block)
