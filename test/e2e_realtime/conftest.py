"""Fixtures of the real-time tests: WebSocket clients (the `websockets` package
from PyPI, its synchronous client) of todod's /realtime endpoint, through the
real stack that scripts/test.sh starts.

A client gets a single-use ticket with the usual JWT through daprd
(POST api/{user}/realtime/tickets) and opens the socket on todod's own HTTP
port with `?ticket=`. The REST client, token minting and poll() are those of
test/e2e/conftest.py (loaded under its own module name).

Environment (scripts/test.sh sets them):
  TODOD_E2E_DAPR_HTTP, TODOD_E2E_JWT_SECRET   as for test/e2e
  TODOD_E2E_HTTP        todod's HTTP port (the socket URL's host:port; /metrics)
  TODOD_E2E_PROFILE     local or kafka; tests marked `replicas` need kafka and:
  TODOD_E2E_DAPR_HTTP_B, TODOD_E2E_HTTP_B     the second replica (its REPLICA_* ports; the
                        fixture api_b starts it with scripts/stack.sh replica up)
  TODOD_FEED_RETENTION_COUNT, TODOD_TICKET_TTL_S   the values the stack was started with
  TODOD_WORK            the stack's pid files and logs (kill -9 of the replica; the todod log)
"""
import importlib.util
import json
import os
import pathlib
import re
import socket
import subprocess
import time
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORK = pathlib.Path(os.environ.get("TODOD_WORK", "/tmp/todod-work"))
PROFILE = os.environ.get("TODOD_E2E_PROFILE", "local")
HTTP_A = os.environ.get("TODOD_E2E_HTTP", "http://127.0.0.1:%s" % os.environ.get("TODOD_HTTP_PORT", "8080"))
HTTP_B = os.environ.get("TODOD_E2E_HTTP_B")
DAPR_HTTP_B = os.environ.get("TODOD_E2E_DAPR_HTTP_B")

# The fault tests' conftest (loaded under its own name: all these files are "conftest"): the REST
# client, token minting, poll() and fixtures of test/e2e/conftest.py, which it re-exports and whose
# JWT key it defaults from the dev secrets, and kill9(name): SIGKILL the process of
# $TODOD_WORK/<name>.pid and wait until it is gone ("replica/todod": the second replica's todod).
# Its own autouse fixture (a whole-stack check) is not collected here.
_spec = importlib.util.spec_from_file_location("todod_faults_conftest", ROOT / "test/e2e_faults/conftest.py")
_faults = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_faults)
Api, mint, poll, kill9 = _faults.Api, _faults.mint, _faults.poll, _faults.kill9
dapr_http, api, user = _faults.dapr_http, _faults.api, _faults.user  # fixtures, re-exported
record_sensitive = _faults._e2e.record_sensitive  # every ticket issued: the log-redaction suite greps for it


def pytest_configure(config):
    config.addinivalue_line("markers", "replicas: needs two todod + daprd replicas (kafka profile; "
                            "scripts/test.sh deselects these on the local profile)")


@pytest.fixture(scope="module")
def api_b():
    """The REST client of a second replica (its own daprd), which runs for the tests of one module:
    started by scripts/stack.sh replica up, stopped after them. Only then: the self-test probes of
    test/e2e are counted in the memory of the todod that receives them, so those tests need one replica."""
    if PROFILE == "local" or not DAPR_HTTP_B or not HTTP_B:
        pytest.fail("two-replica test on the local profile or without TODOD_E2E_DAPR_HTTP_B/TODOD_E2E_HTTP_B "
                    "(it needs the kafka profile; scripts/test.sh deselects it with -m 'not replicas' "
                    "on the local profile)")
    replica("up")
    yield Api(f"{DAPR_HTTP_B}/v1.0/invoke/todod/method/", os.environ["TODOD_E2E_JWT_SECRET"])
    replica("down")


def ws_url(http_base, ticket):
    return "ws" + http_base[len("http"):] + "/realtime?ticket=" + ticket


# ---------------------------------------------------------------- tickets and sockets

def issue(api, user_id):
    """A fresh ticket of @user_id through @api's daprd: the body (200: daprd's gRPC invocation
    answers every OK with 200, as for todod's other creations)."""
    r = api.post(f"api/{user_id}/realtime/tickets", user=user_id)
    assert r.status == 200, r
    body = r.json()
    record_sensitive("ticket", body.get("ticket", ""))
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", body["ticket"]), body
    assert body["url"].endswith("/realtime?ticket=" + body["ticket"]), body
    return body


def open_ws(url, **kw):
    """A raw websockets connection (no compression: frame sizes are what the test sends)."""
    kw.setdefault("open_timeout", 15)
    kw.setdefault("legacy", True)      # a plain connection (websockets 17: not the reconnecting iterator)
    return connect(url, compression=None, **kw)


def refusal(url, timeout=15):
    """How the server refuses a socket on @url: (HTTP status, body) of a refused upgrade (a missing
    or malformed ticket: no store lookup needed), or (close code, reason) of a socket it accepts and
    then closes before any frame (a ticket refused after its store lookup, which must not block the
    lws thread: 4401; the per-user limit, known after it: 4429). Fails the test if the socket serves:
    a ping sent at once (held until the ticket is redeemed) would get its pong."""
    try:
        ws = open_ws(url)
    except InvalidStatus as e:
        return e.response.status_code, e.response.body.decode(errors="replace")
    try:
        ws.send('{"type":"ping"}')
        first = ws.recv(timeout=timeout)
    except ConnectionClosed as e:
        return (e.rcvd.code, e.rcvd.reason) if e.rcvd else (None, "no close frame")
    except TimeoutError:
        first = "(nothing)"
    ws.close()
    pytest.fail(f"{url[:60]}...: the socket was accepted and served ({first[:100]})")


class Client:
    """One socket of one user: JSON frames in and out, with deadlines."""

    def __init__(self, ws, user_id):
        self.ws, self.user = ws, user_id
        self.cursor = None          # from `subscribed`
        self._fence = 0

    def send(self, obj):
        self.ws.send(obj if isinstance(obj, str) else json.dumps(obj))

    def recv(self, timeout=10):
        """The next frame as JSON (fails the test on timeout)."""
        try:
            raw = self.ws.recv(timeout=timeout)
        except TimeoutError:
            pytest.fail(f"{self.user}: no frame within {timeout}s")
        assert isinstance(raw, str), f"binary frame {raw[:80]!r}"
        return json.loads(raw)

    def expect(self, type_, timeout=10):
        """The next frame, which must be of @type_."""
        m = self.recv(timeout)
        assert m["type"] == type_, f"expected a {type_} frame, got {m}"
        return m

    def subscribe(self, timeout=10, **fields):
        self.send({"type": "subscribe", **fields})
        m = self.expect("subscribed", timeout)
        assert isinstance(m["cursor"], int) and m["cursor"] >= 0, m
        self.cursor = m["cursor"]
        return m

    def events(self, n, timeout=20, types=("event",)):
        """The next @n frames, each of one of @types (fails on anything else or on the deadline)."""
        out, end = [], time.monotonic() + timeout
        while len(out) < n:
            left = end - time.monotonic()
            if left <= 0:
                pytest.fail(f"{self.user}: {len(out)} of {n} frames within {timeout}s: {out[-3:]}")
            m = self.recv(left)
            assert m["type"] in types, f"unexpected frame after {len(out)} of {n}: {m}"
            out.append(m)
        return out

    def fence(self, timeout=10):
        """Ping and read up to the pong: every frame the server queued before it (a list)."""
        self._fence += 1
        fid = f"fence-{self._fence}"
        self.send({"type": "ping", "id": fid})
        before, end = [], time.monotonic() + timeout
        while True:
            m = self.recv(max(0.01, end - time.monotonic()))
            if m["type"] == "pong" and m.get("id") == fid:
                return before
            before.append(m)

    def closed_code(self, timeout=15):
        """Read (and drop) frames until the server closes; the close code it sent (None: no close frame)."""
        end = time.monotonic() + timeout
        try:
            while time.monotonic() < end:
                try:
                    self.ws.recv(timeout=max(0.01, end - time.monotonic()))
                except TimeoutError:
                    break
        except ConnectionClosed as e:
            return e.rcvd.code if e.rcvd else None
        pytest.fail(f"{self.user}: the server did not close the socket within {timeout}s")

    def close(self):
        self.ws.close()


def client(api, user_id, *, http_base=None, subscribe=True, **subscribe_fields):
    """A socket of @user_id with a ticket from @api's daprd, opened on @http_base's todod
    (default: the ticket's own URL), subscribed (with @subscribe_fields) unless told not to."""
    t = issue(api, user_id)
    url = t["url"] if http_base is None else ws_url(http_base, t["ticket"])
    c = Client(open_ws(url), user_id)
    if subscribe:
        c.subscribe(**subscribe_fields)
    return c


@pytest.fixture
def sockets():
    """Clients a test opens are closed after it (append them)."""
    opened = []
    yield opened
    for c in opened:
        try:
            c.close()
        except Exception:
            pass


# ---------------------------------------------------------------- writes, metrics, processes

def create(api, user_id, title="t", **body):
    r = api.post(f"api/{user_id}/tasks", user=user_id, body={"title": title, **body})
    assert r.status == 200, r
    return r.json()


def update(api, user_id, tid, **body):
    r = api.put(f"api/{user_id}/tasks/{tid}", user=user_id, body=body)
    assert r.status == 200, r
    return r.json()


def write_retrying(api, verb, path, user_id, body=None, deadline_s=30):
    """One write, retried while it is refused with 429 (the per-user rate limit); its 200 body."""
    end = time.monotonic() + deadline_s
    while True:
        r = api.request(verb, path, user=user_id, body=body)
        if r.status == 200:
            return r.json()
        assert r.status == 429 and time.monotonic() < end, r
        time.sleep(0.05)  # back-off before retrying a refused write, not synchronisation


def metric(http_base, name, **labels):
    """The value of one sample of todod's /metrics (0 when absent), read with the reference parser."""
    with urllib.request.urlopen(http_base + "/metrics", timeout=10) as r:
        text = r.read().decode()
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            if s.name == name and s.labels == labels:
                return s.value
    return 0.0


def replica(action):
    """scripts/stack.sh replica up|down with the profile of the run (up starts whatever part is down)."""
    env = dict(os.environ, TODOD_PROFILE=PROFILE)
    env.pop("SCHEDULER_RESET", None)
    p = subprocess.run([str(ROOT / "scripts/stack.sh"), "replica", action], env=env, cwd=ROOT,
                       capture_output=True, text=True, timeout=240)
    if p.returncode != 0:
        pytest.fail(f"scripts/stack.sh replica {action} failed:\n{p.stderr[-3000:]}")


def slow_socket(url, rcvbuf=4096, mss=536):
    """A websockets connection that buffers as little as possible while its owner does not read:
    a small receive buffer and MSS set before connect (so the server's send buffer stays small too),
    and a one-frame queue in the client (the library stops reading the socket when it is full)."""
    host, port = url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
    s.settimeout(15)
    s.connect((host, int(port)))
    return open_ws(url, sock=s, max_queue=(1, 0))
