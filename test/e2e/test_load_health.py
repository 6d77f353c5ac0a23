"""Overload through the real daprd: 1000 connections for 10 s of task lists
spread over 500 users (reads only: writes would leave an event backlog that
pauses the writes of the tests after this one; the write path under
overload is measured by test/bench/bench_overload.sh). todod must stay healthy in daprd's eyes
(its HealthCheck never waits behind request work), answer no 5xx (a full
work queue is a 429), and serve normally afterwards."""
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from conftest import poll

WORK = pathlib.Path(os.environ.get("TODOD_WORK", "/tmp/todod-work"))
DAPRD_LOG = WORK / "logs" / "daprd.log"
CONNECTIONS = 1000
SECONDS = 10
USERS = 500

# Each wrk thread counts answers by class; done() adds them up.
LUA = r"""
local users, tokens = {}, {}
local n = 0
local threads = {}
for line in io.lines(os.getenv("LOAD_TOKENS")) do
  local u, t = line:match("^(%S+) (%S+)$")
  n = n + 1
  users[n], tokens[n] = u, t
end
function setup(thread) table.insert(threads, thread) end
function init(args) ok, c429, c4xx, c5xx, other, i = 0, 0, 0, 0, 0, 0 end
function request()
  i = i + 1
  local k = (i * 7919) % n + 1
  local path = "/v1.0/invoke/todod/method/api/" .. users[k] .. "/tasks"
  local h = { ["Authorization"] = "Bearer " .. tokens[k] }
  return wrk.format("GET", path .. "?limit=20", h)
end
function response(status, headers, body)
  if status == 200 then ok = ok + 1
  elseif status == 429 then c429 = c429 + 1
  elseif status >= 500 then c5xx = c5xx + 1
  elseif status >= 400 then c4xx = c4xx + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local t = { ok = 0, c429 = 0, c4xx = 0, c5xx = 0, other = 0 }
  for _, th in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + th:get(k) end
  end
  local e = summary.errors
  io.write(string.format("LOAD ok=%d c429=%d c4xx=%d c5xx=%d other=%d socket_errors=%d p99_ms=%.1f\n",
    t.ok, t.c429, t.c4xx, t.c5xx, t.other, e.connect + e.read + e.write + e.timeout,
    latency:percentile(99) / 1000))
end
"""


def test_thousand_connections_stay_healthy_and_get_no_5xx(api, dapr_http):
    assert shutil.which("wrk"), "wrk missing: scripts/install-deps.sh installs it"
    assert DAPRD_LOG.exists(), f"{DAPRD_LOG} missing: is this the stack of scripts/stack.sh?"
    with tempfile.TemporaryDirectory() as d:
        tokens = pathlib.Path(d, "tokens")
        tokens.write_text("".join(f"load-{i} {api.token(f'load-{i}')}\n" for i in range(USERS)))
        script = pathlib.Path(d, "load.lua")
        script.write_text(LUA)
        log_offset = DAPRD_LOG.stat().st_size
        p = subprocess.run(
            ["bash", "-c", 'ulimit -n 65536; exec wrk -t2 -c"$0" -d"$1"s --timeout 10s -s "$2" "$3"',
             str(CONNECTIONS), str(SECONDS), str(script), dapr_http],
            env=dict(os.environ, LOAD_TOKENS=str(tokens)), capture_output=True, text=True,
            timeout=SECONDS + 60)
    assert p.returncode == 0, p.stderr
    line = next((l for l in p.stdout.splitlines() if l.startswith("LOAD ")), None)
    assert line, p.stdout
    counts = dict(kv.split("=") for kv in line.split()[1:])
    print(f"\n{CONNECTIONS} connections, {SECONDS} s: {line}")
    assert int(counts["ok"]) > 0, line
    assert int(counts["c5xx"]) == 0, line
    assert int(counts["c4xx"]) == 0, line
    with open(DAPRD_LOG, errors="replace") as f:
        f.seek(log_offset)
        unhealthy = [l for l in f if "un-healthy" in l or "unhealthy" in l.lower()]
    assert not unhealthy, f"daprd marked todod unhealthy during the load: {unhealthy[:3]}"
    # Serves normally once the load is gone.
    poll(lambda: api.get("api/version").status == 200, deadline_s=10, what="api/version after the load")
    r = api.get("api/load-1/tasks?limit=1", user="load-1")
    assert r.status == 200, r
