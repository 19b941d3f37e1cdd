"""Server side of RFC 6455, just what Kubernetes needs: binary messages whose first byte is the
channel (exec: 0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize; v5 adds 255 = close a
channel), and a byte stream carried in binary messages (port-forward's SPDY tunnel,
`SPDY/3.1+portforward.k8s.io`)."""

import base64
import hashlib
import struct
import threading

_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class WebSocket:
    def __init__(self, rfile, wfile):
        self.rfile, self.wfile = rfile, wfile
        self.wlock = threading.Lock()

    def _send(self, opcode, payload):
        n = len(payload)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([n])
        elif n < 65536:
            head += bytes([126]) + struct.pack(">H", n)
        else:
            head += bytes([127]) + struct.pack(">Q", n)
        with self.wlock:
            self.wfile.write(head + payload)
            self.wfile.flush()

    def send_channel(self, channel, data):
        self._send(2, bytes([channel]) + data)

    def close(self, code=1000):
        self._send(8, struct.pack(">H", code))

    def recv(self):
        """(opcode, payload) of the next message; (None, b"") at EOF. Answers pings."""
        while True:
            h = self.rfile.read(2)
            if len(h) < 2:
                return None, b""
            opcode, masked, n = h[0] & 0x0F, h[1] & 0x80, h[1] & 0x7F
            if n == 126:
                n = struct.unpack(">H", self.rfile.read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self.rfile.read(8))[0]
            mask = self.rfile.read(4) if masked else b""
            data = self.rfile.read(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            if opcode == 9:
                self._send(10, data)
                continue
            if opcode == 10:
                continue
            return opcode, data


MAX_FRAME = 16 << 20


class ByteStream:
    """A WebSocket whose binary messages carry one byte stream, read with read(n) like a file
    (message boundaries mean nothing, as in client-go's TunnelingConnection); write() sends one
    binary message. A close frame, a text message or a broken frame ends the stream (b"")."""

    def __init__(self, ws):
        self.ws = ws
        self.buf = bytearray()
        self.eof = False
        self.closed_by_peer = False

    def _fill(self):
        rf = self.ws.rfile
        h = rf.read(2)
        if len(h) < 2:
            return False
        fin_op, n = h[0], h[1] & 0x7F
        opcode, masked = fin_op & 0x0F, h[1] & 0x80
        if n == 126:
            n = struct.unpack(">H", rf.read(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", rf.read(8))[0]
        if n > MAX_FRAME:
            return False
        mask = rf.read(4) if masked else b""
        data = rf.read(n)
        if len(data) != n:
            return False
        if mask:
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(data)) if n < 64 else _unmask(data, mask)
        if opcode == 9:
            self.ws._send(10, data)
        elif opcode == 8:
            self.closed_by_peer = True
            try:
                self.ws.close()
            except OSError:
                pass
            return False
        elif opcode in (0, 2):
            self.buf += data
        elif opcode != 10:
            return False  # text or unknown: not a tunnel message
        return True

    def read(self, n):
        while len(self.buf) < n and not self.eof:
            try:
                if not self._fill():
                    self.eof = True
            except (OSError, struct.error, ValueError):
                self.eof = True
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def write(self, data):
        self.ws._send(2, data)


def _unmask(data, mask):
    key = int.from_bytes(mask * ((len(data) + 3) // 4), "big") >> (8 * (-len(data) % 4))
    return (int.from_bytes(data, "big") ^ key).to_bytes(len(data), "big")


def accept(handler, protocol):
    key = handler.headers.get("Sec-WebSocket-Key", "")
    digest = base64.b64encode(hashlib.sha1((key + _GUID).encode()).digest()).decode()
    handler.send_response(101, "Switching Protocols")
    handler.send_header("Upgrade", "websocket")
    handler.send_header("Connection", "Upgrade")
    handler.send_header("Sec-WebSocket-Accept", digest)
    handler.send_header("Sec-WebSocket-Protocol", protocol)
    handler.end_headers()
    handler.wfile.flush()
    return WebSocket(handler.rfile, handler.wfile)
