#!/usr/bin/env python3
"""checkd: the HTTP service of netlab's internet namespace (standard library only).

  GET /ip                          -> {"ip": "<caller address>", "port": <caller port>}
  GET /ip.txt                      -> "<caller address>\n" (text/plain)
  GET /check?port=N&proto=tcp|udp  -> {"ip": ..., "port": N, "proto": ..., "open": true|false,
                                       "state": "open"|"refused"|"filtered", "elapsed_ms": ...}
      Connects back to the caller's own address, never to any other, from the
      address the caller reached, on a fresh port:
      tcp: a connect with a 2 s timeout: open, refused (RST) or filtered (no answer;
           an ICMP error also counts as filtered, with "error" saying which);
      udp: sends a datagram (3 times within 2 s) and waits for one to come back from
           caller:N: open; ICMP port unreachable: refused; nothing: filtered.
      &timeout=S (0.2 .. 5) changes the 2 s, and so does a Sesame-Check-Wait: MS header
      (100 .. 5000 ms), with which Sesame asks for a wait that follows this service's answers.
  GET /health                      -> {"ok": true}

Bounds: the request head must arrive within 5 s and fit in 8 KiB (else 408/431);
no request body is read; at most 32 requests at once (else 503); one request per
connection (Connection: close).
"""
import argparse
import errno
import json
import os
import signal
import socket
import socketserver
import sys
import threading
import time
from urllib.parse import parse_qs, urlsplit

MAX_HEAD = 8192
HEAD_TIMEOUT = 5.0
MAX_CONCURRENT = 32
CHECK_TIMEOUT = 2.0

REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
           408: "Request Timeout", 414: "URI Too Long", 431: "Request Header Fields Too Large",
           503: "Service Unavailable"}


def check_tcp(ip, port, timeout, src):
    t0 = time.monotonic()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.settimeout(timeout)
        s.bind((src, 0))
        s.connect((ip, port))
        return {"open": True, "state": "open"}, t0
    except ConnectionRefusedError:
        return {"open": False, "state": "refused"}, t0
    except socket.timeout:
        return {"open": False, "state": "filtered"}, t0
    except OSError as exc:
        name = errno.errorcode.get(exc.errno, str(exc.errno))
        return {"open": False, "state": "filtered", "error": name}, t0
    finally:
        s.close()


def check_udp(ip, port, timeout, src, tries=3):
    t0 = time.monotonic()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind((src, 0))
        s.connect((ip, port))      # only datagrams from ip:port are received
        deadline = t0 + timeout
        interval = timeout / tries
        sent, next_send = 0, t0
        while True:
            now = time.monotonic()
            if now >= deadline:
                return {"open": False, "state": "filtered"}, t0
            if sent < tries and now >= next_send:
                try:
                    s.send(b"sesame-netlab udp check\n")
                except ConnectionRefusedError:
                    return {"open": False, "state": "refused"}, t0
                sent += 1
                next_send = now + interval
            wait = deadline - now
            if sent < tries:
                wait = min(wait, next_send - now)
            s.settimeout(max(wait, 0.001))
            try:
                s.recv(2048)
                return {"open": True, "state": "open"}, t0
            except socket.timeout:
                continue
            except ConnectionRefusedError:
                return {"open": False, "state": "refused"}, t0
    except OSError as exc:
        return {"open": False, "state": "filtered", "error": errno.errorcode.get(exc.errno, str(exc.errno))}, t0
    finally:
        s.close()


class Handler(socketserver.BaseRequestHandler):
    def setup(self):
        self.sock = self.request
        self.caller = self.client_address[0]

    def send(self, code, body, ctype="application/json", head_only=False):
        if not isinstance(body, str):
            body = json.dumps(body) + "\n"
        data = body.encode()
        head = ("HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
                "Cache-Control: no-store\r\nConnection: close\r\nServer: sesame-netlab-checkd\r\n\r\n"
                % (code, REASONS.get(code, "Error"), ctype, len(data))).encode()
        try:
            self.sock.sendall(head if head_only else head + data)
        except OSError:
            pass
        sys.stderr.write("%s %s %d\n" % (time.strftime("%H:%M:%S"), self.caller, code))

    def read_head(self):
        """-> (method, target) or an HTTP status code"""
        buf = b""
        end = time.monotonic() + HEAD_TIMEOUT
        while b"\r\n\r\n" not in buf and b"\n\n" not in buf:
            left = end - time.monotonic()
            if left <= 0:
                return 408
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(2048)
            except socket.timeout:
                return 408
            except OSError:
                return None
            if not chunk:
                if not buf:
                    return None
                break
            buf += chunk
            if len(buf) > MAX_HEAD:
                return 431
        lines = buf.decode("latin-1").splitlines()
        line = lines[0].strip() if lines else ""
        self.check_wait = None
        for h in lines[1:]:
            name, _, value = h.partition(":")
            if name.strip().lower() == "sesame-check-wait" and value.strip().isdigit():
                self.check_wait = max(0.1, min(int(value.strip()) / 1000.0, 5.0))
        parts = line.split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            return 400
        return parts[0], parts[1]

    def handle(self):
        req = self.read_head()
        if req is None:
            return
        if isinstance(req, int):
            self.send(req, {"error": REASONS.get(req, "bad request")})
            return
        method, target = req
        if method not in ("GET", "HEAD"):
            self.send(405, {"error": "only GET"})
            return
        self.route(target, method == "HEAD")

    def route(self, target, head_only):
        url = urlsplit(target)
        q = parse_qs(url.query, max_num_fields=8)
        if url.path in ("/ip", "/ip.json"):
            return self.send(200, {"ip": self.caller, "port": self.client_address[1]}, head_only=head_only)
        if url.path == "/ip.txt":
            return self.send(200, self.caller + "\n", "text/plain; charset=utf-8", head_only)
        if url.path == "/health":
            return self.send(200, {"ok": True}, head_only=head_only)
        if url.path == "/check":
            try:
                port = int(q.get("port", [""])[0])
                if not 1 <= port <= 65535:
                    raise ValueError
            except ValueError:
                return self.send(400, {"error": "port must be 1..65535"})
            proto = q.get("proto", ["tcp"])[0].lower()
            if proto not in ("tcp", "udp"):
                return self.send(400, {"error": "proto must be tcp or udp"})
            try:
                timeout = float(q.get("timeout", [CHECK_TIMEOUT])[0])
            except ValueError:
                return self.send(400, {"error": "timeout must be a number of seconds"})
            timeout = max(0.2, min(timeout, 5.0))
            if self.check_wait is not None and "timeout" not in q:
                timeout = self.check_wait
            src = self.sock.getsockname()[0]
            fn = check_tcp if proto == "tcp" else check_udp
            res, t0 = fn(self.caller, port, timeout, src)
            res.update({"ip": self.caller, "port": port, "proto": proto, "from": src,
                        "elapsed_ms": int((time.monotonic() - t0) * 1000)})
            return self.send(200, res, head_only=head_only)
        if url.path == "/":
            return self.send(200, "GET /ip  /ip.txt  /check?port=N&proto=tcp|udp  /health\n", "text/plain", head_only)
        return self.send(404, {"error": "not found"})


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def process_request(self, request, client_address):
        # at most MAX_CONCURRENT handler threads; beyond that a short 503, sent without blocking
        if not self.slots.acquire(blocking=False):
            try:
                request.setblocking(False)
                request.send(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


def main():
    ap = argparse.ArgumentParser(description="netlab HTTP service (/ip, /ip.txt, /check)")
    ap.add_argument("--bind", default="0.0.0.0")
    ap.add_argument("--port", type=int, default=80)
    ap.add_argument("--max-seconds", type=float, default=0, help="exit after this long (0: never)")
    a = ap.parse_args()
    srv = Server((a.bind, a.port), Handler)
    srv.slots = threading.BoundedSemaphore(MAX_CONCURRENT)

    def stop(*_):
        os._exit(0)         # stateless: nothing to flush, exit at once

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if a.max_seconds > 0:
        t = threading.Timer(a.max_seconds, stop)
        t.daemon = True
        t.start()
    sys.stderr.write("checkd listening on %s:%d\n" % (a.bind, a.port))
    sys.stderr.flush()
    try:
        srv.serve_forever(poll_interval=0.5)
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
