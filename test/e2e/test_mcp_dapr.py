"""Dapr's own MCP client against todod: a second daprd (app-id todod-mcp-client,
no app) loads an MCPServer resource pointing at todod's MCP endpoint through
the stack's daprd, with the bearer token from a secret store (secretKeyRef),
and lists and calls tools through the Workflow API
(dapr.internal.mcp.<server>.ListTools / CallTool.<tool>).

Dapr runs these as workflows, which need the placement service and an actor
state store; this test starts its own placement (built by
scripts/install-mcp-clients.sh from the same Dapr module) and gives its daprd
an in-memory actor state store. It uses the stack's scheduler. Both processes
are started and stopped here."""
import json
import os
import pathlib
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import poll

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(os.environ.get("DAPR_BIN_DIR") or
                   pathlib.Path.home() / f".cache/todod/dapr/{os.environ.get('DAPR_VERSION', '1.18.3')}")
WORK = pathlib.Path(os.environ.get("TODOD_WORK", "/tmp/todod-work"))


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def http(verb, url, body=None):
    req = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                 method=verb, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError:
        return 0, b""


@pytest.fixture
def dapr_mcp_client(api, dapr_http, user):
    for b in ("daprd", "placement"):
        if not (BIN / b).exists():
            pytest.fail(f"{BIN / b} missing: run scripts/install-dapr.sh and scripts/install-mcp-clients.sh")
    d = WORK / "dapr-mcp-client"
    res = d / "resources"
    res.mkdir(parents=True, exist_ok=True)
    (d / "secrets.json").write_text(json.dumps(
        {"todod-mcp-bearer": "Bearer " + api.token(user, exp_in=3600)}))
    (res / "actorstore.yaml").write_text("""apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: actorstore
spec:
  type: state.in-memory
  version: v1
  metadata:
  - name: actorStateStore
    value: "true"
""")
    (res / "secretstore.yaml").write_text(f"""apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: mcpsecrets
spec:
  type: secretstores.local.file
  version: v1
  metadata:
  - name: secretsFile
    value: {d / 'secrets.json'}
""")
    (res / "mcpserver.yaml").write_text(f"""apiVersion: dapr.io/v1alpha1
kind: MCPServer
metadata:
  name: todod
spec:
  endpoint:
    streamableHTTP:
      url: {dapr_http}/v1.0/invoke/todod/method/mcp
      headers:
      - name: Authorization
        secretKeyRef:
          name: todod-mcp-bearer
          key: todod-mcp-bearer
      auth:
        secretStore: mcpsecrets
""")
    p_grpc, p_health, p_raft, d_http, d_grpc, d_int = free_ports(6)
    procs = []
    logs = []
    try:
        log = open(d / "placement.log", "w")
        logs.append(log)
        procs.append(subprocess.Popen(
            [str(BIN / "placement"), "--port", str(p_grpc), "--listen-address", "127.0.0.1",
             "--healthz-port", str(p_health), "--healthz-listen-address", "127.0.0.1",
             "--enable-metrics=false", "--initial-cluster", f"dapr-placement-0=127.0.0.1:{p_raft}"],
            stdout=log, stderr=subprocess.STDOUT))
        log = open(d / "daprd.log", "w")
        logs.append(log)
        procs.append(subprocess.Popen(
            [str(BIN / "daprd"), "--mode", "standalone", "--app-id", "todod-mcp-client",
             "--dapr-http-port", str(d_http), "--dapr-grpc-port", str(d_grpc),
             "--dapr-internal-grpc-port", str(d_int), "--dapr-listen-addresses", "127.0.0.1",
             "--dapr-internal-grpc-listen-address", "127.0.0.1", "--resources-path", str(res),
             "--config", str(ROOT / "components/daprd-config.yaml"), "--enable-mtls=false",
             "--enable-metrics=false",
             "--scheduler-host-address", f"127.0.0.1:{os.environ.get('SCHEDULER_PORT', '50006')}",
             "--placement-host-address", f"127.0.0.1:{p_grpc}"],
            stdout=log, stderr=subprocess.STDOUT))
        base = f"http://127.0.0.1:{d_http}"

        def ready():
            assert all(p.poll() is None for p in procs), (d / "daprd.log").read_text()[-3000:]
            return http("GET", base + "/v1.0/healthz")[0] == 204
        poll(ready, deadline_s=90, interval_s=0.2, what="the MCP client daprd")
        yield base
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for log in logs:
            log.close()


def run_workflow(base, name, body):
    status, raw = http("POST", f"{base}/v1.0-beta1/workflows/dapr/{name}/start", body)
    assert status == 202, (status, raw)
    iid = json.loads(raw)["instanceID"]

    def done():
        s, r = http("GET", f"{base}/v1.0-beta1/workflows/dapr/{iid}")
        if s != 200:
            return None
        st = json.loads(r)
        return st if st["runtimeStatus"] in ("COMPLETED", "FAILED", "TERMINATED") else None
    st = poll(done, deadline_s=60, interval_s=0.2, what=f"workflow {name}")
    assert st["runtimeStatus"] == "COMPLETED", st
    return json.loads(st["properties"]["dapr.workflow.output"])


def test_dapr_mcpserver_lists_and_calls_tools(dapr_mcp_client, api, user):
    base = dapr_mcp_client
    tools = run_workflow(base, "dapr.internal.mcp.todod.ListTools", {})["tools"]
    assert len(tools) == 16 and tools[0]["name"] == "add_task"
    out = run_workflow(base, "dapr.internal.mcp.todod.CallTool.add_task",
                       {"arguments": {"title": "from dapr", "priority": "High"}})
    assert not out.get("isError"), out
    task = out["structuredContent"]
    assert task["user_id"] == user and task["priority"] == "High"
    err = run_workflow(base, "dapr.internal.mcp.todod.CallTool.complete_task",
                       {"arguments": {"task_id": 987654321}})
    assert err["isError"] is True and "not found" in err["content"][0]["text"]
    # The task is the token's user's, and its event names the MCP actor.
    r = api.get(f"api/{user}/tasks/{task['id']}", user=user)
    assert r.status == 200 and r.json()["title"] == "from dapr"
    entries = poll(lambda: api.get(f"api/{user}/activity-logs", user=user).json()["entries"],
                   deadline_s=30, what="the activity entry")
    assert entries[0]["actor"] == {"type": "mcp", "id": user}
