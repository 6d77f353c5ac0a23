"""The official MCP clients and the official conformance suite against todod's
MCP endpoint through the real daprd. The clients come from
scripts/install-mcp-clients.sh ($TODOD_CACHE/mcp): the TypeScript SDK client
(@modelcontextprotocol/sdk on Node 20), the Python SDK client (`mcp` from
PyPI), and @modelcontextprotocol/conformance on Node 22 (npm package `node`).
Missing clients are a failure, not a skip."""
import http.server
import os
import pathlib
import shutil
import subprocess
import threading
import urllib.error
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CACHE = pathlib.Path(os.environ.get("TODOD_CACHE", pathlib.Path.home() / ".cache/todod")) / "mcp"
WORK = pathlib.Path(os.environ.get("TODOD_WORK", "/tmp/todod-work"))


def need(path):
    if not path.exists():
        pytest.fail(f"{path} is missing: run scripts/install-mcp-clients.sh")
    return path


@pytest.fixture
def endpoint(api):
    return api.base + "mcp"


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=180, **kw)
    print(p.stdout[-6000:], p.stderr[-3000:])
    return p


def test_typescript_sdk_client(api, endpoint, user):
    need(CACHE / "node/node_modules/@modelcontextprotocol/sdk")
    # ESM resolves packages next to the script: run a copy beside the cache's node_modules.
    d = WORK / "mcp-ts"
    d.mkdir(parents=True, exist_ok=True)
    link = d / "node_modules"
    if not link.exists():
        link.symlink_to(CACHE / "node/node_modules")
    shutil.copy(ROOT / "test/mcp/ts_client.mjs", d / "ts_client.mjs")
    p = run(["node", str(d / "ts_client.mjs"), endpoint, api.token(user)])
    assert p.returncode == 0 and " 0 failed" in p.stdout, p.stdout + p.stderr


def test_python_sdk_client(api, endpoint, user):
    py = need(CACHE / "venv/bin/python")
    p = run([str(py), str(ROOT / "test/mcp/py_client.py"), endpoint, api.token(user)])
    assert p.returncode == 0 and " 0 failed" in p.stdout, p.stdout + p.stderr


class _AuthProxy(http.server.BaseHTTPRequestHandler):
    """Adds the bearer token the conformance runner cannot send, nothing else."""
    target = token = None

    def _forward(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        req = urllib.request.Request(self.target, data=body, method=self.command)
        for k, v in self.headers.items():
            if k.lower() not in ("host", "content-length", "connection"):
                req.add_header(k, v)
        req.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, headers, data = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, headers, data = e.code, e.headers, e.read()
        self.send_response(status)
        for k, v in headers.items():
            if k.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_POST = do_GET = do_DELETE = _forward

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("scenario", ["server-initialize", "tools-list", "ping"])
def test_conformance(api, endpoint, user, scenario):
    node22 = need(CACHE / "node/node_modules/.bin/node")
    cli = need(CACHE / "node/node_modules/@modelcontextprotocol/conformance/dist/index.js")
    handler = type("H", (_AuthProxy,), {"target": endpoint, "token": api.token(user)})
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        url = f"http://127.0.0.1:{srv.server_address[1]}/mcp"
        p = run([str(node22), str(cli), "server", "--url", url, "--scenario", scenario,
                 "--expected-failures", str(ROOT / "test/mcp/conformance-baseline.yml")])
    finally:
        srv.shutdown()
        srv.server_close()
    assert p.returncode == 0, p.stdout + p.stderr
