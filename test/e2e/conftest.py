"""End-to-end fixtures: every request goes through a real daprd's HTTP port.

The stack (PostgreSQL, Dapr scheduler, daprd, todod, and Kafka for the kafka
profile) is started by scripts/test.sh; these tests only need to know where
daprd listens and the development JWT key. Nothing here talks to todod
directly: daprd is the only way in, as for a real client.
"""
import base64
import hashlib
import hmac
import json
import os
import time
import urllib.error
import urllib.request

import pytest


def _env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        pytest.fail(f"environment variable {name} must be set (scripts/test.sh sets it)")
    return value


_SENSITIVE_FILE = os.path.join(os.environ.get("TODOD_WORK", "/tmp/todod-work"), "e2e-sensitive.txt")
_sensitive_seen = set()


def record_sensitive(kind: str, value: str):
    """Remember a credential a test used (kind: jwt, ticket, secret) in
    $TODOD_WORK/e2e-sensitive.txt: after the run, test/logs/check_redaction.py
    proves none of them reached a log."""
    if not value or value in _sensitive_seen:
        return
    _sensitive_seen.add(value)
    with open(_SENSITIVE_FILE, "a", encoding="utf-8") as f:
        f.write(f"{kind}\t{value}\n")


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def mint(secret: str, sub, *, exp_in=600, nbf_in=None, alg="HS256", key=None, extra=None):
    """An HS256 JWT (or a deliberately broken one) for tests."""
    header = {"alg": alg, "typ": "JWT"}
    now = int(time.time())
    claims = {"iat": now}
    if sub is not None:
        claims["sub"] = sub
    if exp_in is not None:
        claims["exp"] = now + exp_in
    if nbf_in is not None:
        claims["nbf"] = now + nbf_in
    claims.update(extra or {})
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    if alg == "none":
        token = signing_input + "."
    else:
        digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}[alg]
        sig = hmac.new((key or secret).encode(), signing_input.encode(), digest).digest()
        token = signing_input + "." + b64url(sig)
    record_sensitive("jwt", token)
    return token


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<Response {self.status} {self.body[:300]!r}>"


class Api:
    """A REST client of todod through daprd's service invocation."""

    def __init__(self, base, secret):
        self.base = base
        self.secret = secret

    def token(self, sub, **kw):
        return mint(self.secret, sub, **kw)

    def request(self, verb, path, *, user=None, token=None, body=None, raw=None,
                headers=None, timeout=30):
        url = self.base + path
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(url, data=data, method=verb)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token is None and user is not None:
            token = self.token(user)
        if token is not None:
            req.add_header("Authorization", "Bearer " + token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return Response(r.status, dict(r.headers), r.read())
        except urllib.error.HTTPError as e:
            return Response(e.code, dict(e.headers), e.read())

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)


@pytest.fixture(scope="session")
def dapr_http():
    return _env("TODOD_E2E_DAPR_HTTP", "http://127.0.0.1:3500")


@pytest.fixture(scope="session")
def api(dapr_http):
    app_id = _env("TODOD_E2E_APP_ID", "todod")
    return Api(f"{dapr_http}/v1.0/invoke/{app_id}/method/", _env("TODOD_E2E_JWT_SECRET"))


@pytest.fixture
def user(request):
    """A user id unique to this test, so tests never see each other's tasks."""
    name = "".join(c if c.isalnum() else "-" for c in request.node.name.lower())[:40]
    return f"u{int(time.time() * 1000) % 10**9}-{name}"


def poll(fn, *, deadline_s, interval_s=0.05, what="condition"):
    """Call fn until it returns a truthy value or the deadline passes."""
    end = time.monotonic() + deadline_s
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() >= end:
            pytest.fail(f"timed out after {deadline_s}s waiting for {what}")
        time.sleep(interval_s)
