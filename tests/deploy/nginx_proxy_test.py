#!/usr/bin/env python3
"""Runs deploy/nginx/microcoin.conf.template for real (scripts/nginx.sh) in front of two tiny
upstreams on loopback and checks what the gateways rely on: requests spread over replicas,
X-Request-ID / X-Forwarded-For passed on, WebSocket upgrades tunnelled, failed idempotent
requests retried on the other replica but a POST that reached one never re-sent, and a dead
replica routed around. Standard library only."""
import base64
import hashlib
import http.client
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NGINX_SH = os.path.join(ROOT, "scripts", "nginx.sh")
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def free_port():
    """A free port below the kernel's ephemeral range (as scripts/infra.sh picks them), so no
    outgoing connection of a test running beside this one can take it before nginx binds it."""
    import random
    low = 32768
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low = int(f.read().split()[0])
    except OSError:
        pass
    if low <= 21000:
        low = 32768
    for _ in range(200):
        port = random.randrange(20000, low)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port")


class Upstream:
    """A stand-in gateway replica: echoes what it received as JSON, upgrades /ws/* to a
    WebSocket that echoes one frame, and drops the connection without answering on /crash."""

    def __init__(self, name):
        self.name = name
        self.hits = {}  # (method, path) -> count
        self.lock = threading.Lock()
        upstream = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as nginx's upstream pool expects

            def log_message(self, *args):
                pass

            def handle_any(self):
                with upstream.lock:
                    key = (self.command, self.path)
                    upstream.hits[key] = upstream.hits.get(key, 0) + 1
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                if self.path == "/crash":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if self.path.startswith("/ws/") and self.headers.get("Upgrade", "").lower() == "websocket":
                    return self.websocket()
                body = json.dumps({
                    "upstream": upstream.name,
                    "method": self.command,
                    "path": self.path,
                    "x_request_id": self.headers.get("X-Request-ID"),
                    "x_forwarded_for": self.headers.get("X-Forwarded-For"),
                    "connection": self.headers.get("Connection"),
                }).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = handle_any

            def websocket(self):
                key = self.headers["Sec-WebSocket-Key"]
                accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
                self.send_response(101)
                self.send_header("Upgrade", "websocket")
                self.send_header("Connection", "Upgrade")
                self.send_header("Sec-WebSocket-Accept", accept)
                self.end_headers()
                self.wfile.flush()
                hello = json.dumps({"upstream": upstream.name,
                                    "x_request_id": self.headers.get("X-Request-ID")}).encode()
                self.wfile.write(ws_frame(hello, mask=False))
                self.wfile.flush()
                payload = read_ws_frame(self.rfile)
                self.wfile.write(ws_frame(payload, mask=False))
                self.wfile.flush()
                self.close_connection = True

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def count(self, method, path):
        with self.lock:
            return self.hits.get((method, path), 0)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def ws_frame(payload, mask):
    head = bytes([0x81])  # FIN + text
    n = len(payload)
    assert n < 126
    if not mask:
        return head + bytes([n]) + payload
    key = os.urandom(4)
    return head + bytes([0x80 | n]) + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def read_ws_frame(f):
    b0, b1 = f.read(2)
    n = b1 & 0x7F
    assert n < 126, "test frames are short"
    key = f.read(4) if b1 & 0x80 else None
    data = f.read(n)
    if key:
        data = bytes(b ^ key[i % 4] for i, b in enumerate(data))
    return data


def workers_of(master_pid):
    """The pids of nginx's workers: the master's children."""
    pids = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        if fields[0] != "Z" and int(fields[1]) == master_pid:
            pids.add(int(entry))
    return pids


def reload_and_settle(run_dir, upstreams):
    """scripts/nginx.sh reload, then wait until every worker of the old configuration is gone:
    until then one of them may still take a new connection and route it by the old list."""
    with open(os.path.join(run_dir, "nginx.pid")) as f:
        master = int(f.read().split()[0])
    old = workers_of(master)
    subprocess.run([NGINX_SH, "reload", "--dir", run_dir, "--upstreams", upstreams],
                   check=True, timeout=30)
    deadline = time.monotonic() + 15  # worker_shutdown_timeout is 10 s
    while time.monotonic() < deadline:
        now = workers_of(master)
        if now and not (now & old):
            return True
        time.sleep(0.05)
    return False


def request(port, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, data
    finally:
        conn.close()


failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def main():
    a, b = Upstream("a"), Upstream("b")
    port = free_port()
    run_dir = tempfile.mkdtemp(prefix="mc-nginx-test-")
    ups = f"127.0.0.1:{a.port},127.0.0.1:{b.port}"
    subprocess.run([NGINX_SH, "start", "--dir", run_dir, "--port", str(port), "--upstreams", ups],
                   check=True, timeout=30)
    try:
        # Spread and headers.
        seen = set()
        for _ in range(6):
            status, data = request(port, "GET", "/api/quotes")
            check(status == 200, "GET through nginx answers 200")
            echo = json.loads(data)
            seen.add(echo["upstream"])
        check(seen == {"a", "b"}, "requests reach both replicas (round robin)")
        check(re.fullmatch(r"[0-9a-f]{32}", echo["x_request_id"] or "") is not None,
              "a request without X-Request-ID gets nginx's 32-hex id")
        check(echo["x_forwarded_for"] == "127.0.0.1", "X-Forwarded-For carries the client address")
        check(echo["connection"] is None, "plain requests send no Connection header (upstream keep-alive)")
        status, data = request(port, "GET", "/api/quotes", {"X-Request-ID": "client-id-42",
                                                            "X-Forwarded-For": "10.0.0.9"})
        echo = json.loads(data)
        check(echo["x_request_id"] == "client-id-42", "the client's X-Request-ID is passed on unchanged")
        check(echo["x_forwarded_for"] == "10.0.0.9, 127.0.0.1", "X-Forwarded-For is appended to")

        # WebSocket upgrade through the proxy.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            key = base64.b64encode(os.urandom(16)).decode()
            s.sendall((f"GET /ws/quotes HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                       f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                       f"Sec-WebSocket-Version: 13\r\nX-Request-ID: ws-1\r\n\r\n").encode())
            f = s.makefile("rb")
            status_line = f.readline().decode()
            headers = {}
            while (line := f.readline().decode().strip()):
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
            check(" 101 " in status_line, "WebSocket upgrade answers 101 through nginx")
            expected = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
            check(headers.get("sec-websocket-accept") == expected, "Sec-WebSocket-Accept comes from the replica")
            hello = json.loads(read_ws_frame(f))
            check(hello["x_request_id"] == "ws-1", "the upgrade request carries X-Request-ID")
            s.sendall(ws_frame(b"ping-42", mask=True))
            check(read_ws_frame(f) == b"ping-42", "frames flow both ways over the tunnel")

        # reload swaps the replica list without a restart (how a rollout or a switch to the
        # monolith moves traffic): after it, only the listed replica gets requests.
        def only(name, tries=50):
            for _ in range(tries):  # old workers may answer a moment after the HUP
                if all(json.loads(request(port, "GET", "/api/quotes")[1])["upstream"] == name
                       for _ in range(6)):
                    return True
                time.sleep(0.1)
            return False
        check(reload_and_settle(run_dir, f"127.0.0.1:{b.port}"),
              "reload to one replica: the old workers leave")
        check(only("b"), "reload to one replica sends every request there")
        check(reload_and_settle(run_dir, ups), "reload back to both: the old workers leave")
        seen = set()
        for _ in range(50):
            seen = {json.loads(request(port, "GET", "/api/quotes")[1])["upstream"] for _ in range(6)}
            if seen == {"a", "b"}:
                break
            time.sleep(0.1)
        check(seen == {"a", "b"}, "reload back to both replicas spreads requests again")

        # A failed GET is retried on the other replica; a POST that reached one is not.
        status, _ = request(port, "GET", "/crash")
        check(status == 502 and a.count("GET", "/crash") == 1 and b.count("GET", "/crash") == 1,
              "an idempotent GET that failed is tried on the other replica (then 502)")
        time.sleep(3.2)  # both replicas are out for fail_timeout=2s (nginx counts whole seconds)
        status, _ = request(port, "POST", "/crash", {"Content-Type": "application/json"}, b"{}")
        posts = a.count("POST", "/crash") + b.count("POST", "/crash")
        check(status == 502 and posts == 1, f"a POST that reached a replica is never re-sent (sent {posts}x)")
        time.sleep(3.2)

        # A dead replica is routed around: every request still succeeds, POST included
        # (connection refused means the request never left nginx).
        b.stop()
        ok = 0
        for i in range(10):
            method = "POST" if i % 2 else "GET"
            status, data = request(port, method, "/api/orders", {"Content-Type": "application/json"}, b"{}")
            ok += status == 200 and json.loads(data)["upstream"] == "a"
        check(ok == 10, f"with one replica dead, {ok}/10 requests succeed on the other")
    finally:
        subprocess.run([NGINX_SH, "stop", "--dir", run_dir], timeout=30)
        a.stop()
    pid_file = os.path.join(run_dir, "nginx.pid")
    check(not os.path.exists(pid_file), "nginx.sh stop ends nginx (pid file gone)")
    if failures:
        print(f"{len(failures)} check(s) failed; nginx files in {run_dir}", file=sys.stderr)
        return 1
    subprocess.run(["rm", "-rf", run_dir])
    return 0


if __name__ == "__main__":
    sys.exit(main())
