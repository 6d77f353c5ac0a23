#!/usr/bin/env python3
"""Per-tool latency of the MCP server next to the same operation by REST, both
through daprd (stdlib only).

  TODOD_RATE_LIMIT_RPS=0 TODOD_MAX_EVENT_LAG_MS=0 scripts/stack.sh up
      # no per-user limit, no write pause: a loaded machine's relay lag would shed the writes
  python3 test/bench/bench_mcp.py [--calls 1000]

Each tool is called --calls times, one call at a time on one keep-alive
connection, and so is its REST twin; set-up calls (e.g. creating the tasks
delete_task removes) are not timed. Prints a table of p50/p99 in ms and one
`RESULT` line per tool. Environment: DAPR_HTTP_PORT (3500), TODOD_E2E_JWT_SECRET
(default: components/local/dev-secrets.json)."""
import argparse
import http.client
import json
import os
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "test/e2e"))
from conftest import mint  # noqa: E402


class Conn:
    def __init__(self, port, token):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.h = {"Authorization": "Bearer " + token, "Content-Type": "application/json",
                  "Accept": "application/json, text/event-stream"}
        self.n = 0

    def req(self, verb, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        t0 = time.perf_counter()
        self.c.request(verb, "/v1.0/invoke/todod/method/" + path, body=data, headers=self.h)
        r = self.c.getresponse()
        raw = r.read()
        dt = time.perf_counter() - t0
        if r.status != 200:
            raise SystemExit(f"{verb} {path}: {r.status} {raw[:300]!r}")
        return dt, (json.loads(raw) if raw else None)

    def tool(self, name, **args):
        self.n += 1
        dt, body = self.req("POST", "mcp", {"jsonrpc": "2.0", "id": self.n, "method": "tools/call",
                                            "params": {"name": name, "arguments": args}})
        res = body["result"]
        if res.get("isError"):
            raise SystemExit(f"{name} {args}: {res['content'][0]['text']}")
        return dt, res["structuredContent"]


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=1000)
    ap.add_argument("--tools", default="", help="comma list: only these tools")
    a = ap.parse_args()
    port = int(os.environ.get("DAPR_HTTP_PORT", "3500"))
    secret = os.environ.get("TODOD_E2E_JWT_SECRET") or json.load(
        open(ROOT / "components/local/dev-secrets.json"))["jwt-secret"]
    user = f"bench-mcp-{int(time.time())}"
    c = Conn(port, mint(secret, user, exp_in=7200))
    N = a.calls
    u = f"api/{user}"
    results = {}

    only = set(filter(None, a.tools.split(",")))

    def measure(name, mcp_fn, rest_fn, setup=None):
        if only and name not in only:
            return
        m, r = [], []
        for i in range(N):
            if setup:
                setup(i)
            m.append(mcp_fn(i))
            if setup:
                setup(i)
            r.append(rest_fn(i))
        results[name] = (m, r)
        print(f"{name:22s} mcp p50 {pct(m, 50):6.2f} p99 {pct(m, 99):6.2f}   "
              f"rest p50 {pct(r, 50):6.2f} p99 {pct(r, 99):6.2f} ms", file=sys.stderr, flush=True)

    def rest_create(title, **kw):
        return c.req("POST", f"{u}/tasks", {"title": title, **kw})[1]["id"]

    base = rest_create("bench base", due_datetime="2031-01-01T09:00:00Z")
    tag = c.req("POST", f"{u}/tags", {"name": "bench"})[1]["id"]
    due = lambda i: f"2031-{1 + i % 12:02d}-{1 + i % 28:02d}T09:00:00Z"

    measure("add_task", lambda i: c.tool("add_task", title=f"m{i}")[0],
            lambda i: c.req("POST", f"{u}/tasks", {"title": f"r{i}"})[0])
    measure("list_tasks", lambda i: c.tool("list_tasks", limit=20)[0],
            lambda i: c.req("GET", f"{u}/tasks?limit=20")[0])
    measure("complete_task", lambda i: c.tool("complete_task", task_id=base)[0],
            lambda i: c.req("PATCH", f"{u}/tasks/{base}/complete")[0])
    victims = []
    measure("delete_task", lambda i: c.tool("delete_task", task_id=victims.pop())[0],
            lambda i: c.req("DELETE", f"{u}/tasks/{victims.pop()}")[0],
            setup=lambda i: victims.append(rest_create("v")))
    measure("update_task", lambda i: c.tool("update_task", task_id=base, title=f"t{i}")[0],
            lambda i: c.req("PUT", f"{u}/tasks/{base}", {"title": f"u{i}"})[0])
    measure("set_task_recurrence",
            lambda i: c.tool("set_task_recurrence", task_id=base,
                             recurrence_pattern="daily" if i % 2 else "weekly")[0],
            lambda i: c.req("PUT", f"{u}/tasks/{base}",
                            {"recurrence_pattern": "weekly" if i % 2 else "daily"})[0])
    series = []
    measure("skip_task_occurrence", lambda i: c.tool("skip_task_occurrence", task_id=series.pop())[0],
            lambda i: c.req("POST", f"{u}/tasks/{series.pop()}/skip-occurrence")[0],
            setup=lambda i: series.append(rest_create("s", due_datetime=due(i), recurrence_pattern="daily")))
    measure("set_task_due_date", lambda i: c.tool("set_task_due_date", task_id=base, due_datetime=due(i))[0],
            lambda i: c.req("PUT", f"{u}/tasks/{base}", {"due_datetime": due(i + 1)})[0])
    measure("create_reminder",
            lambda i: c.tool("create_reminder", task_id=base, before="30m", replace=True)[0],
            lambda i: c.req("PUT", f"{u}/tasks/{base}/reminder", {"before": "30m"})[0])
    measure("list_reminders", lambda i: c.tool("list_reminders", status="pending")[0],
            lambda i: c.req("GET", f"{u}/reminders?status=pending")[0])
    measure("set_task_priority",
            lambda i: c.tool("set_task_priority", task_id=base, priority="High" if i % 2 else "Low")[0],
            lambda i: c.req("PUT", f"{u}/tasks/{base}", {"priority": "Low" if i % 2 else "High"})[0])
    measure("add_tag_to_task", lambda i: c.tool("add_tag_to_task", task_id=base, tag_id=tag)[0],
            lambda i: c.req("POST", f"{u}/tasks/{base}/tags/{tag}")[0])
    measure("remove_tag_from_task",
            lambda i: c.tool("remove_tag_from_task", task_id=base, tag_id=tag)[0],
            lambda i: c.req("DELETE", f"{u}/tasks/{base}/tags/{tag}")[0],
            setup=lambda i: c.req("POST", f"{u}/tasks/{base}/tags/{tag}"))
    measure("list_tags", lambda i: c.tool("list_tags")[0], lambda i: c.req("GET", f"{u}/tags")[0])
    measure("search_tasks", lambda i: c.tool("search_tasks", search="m1", limit=20)[0],
            lambda i: c.req("GET", f"{u}/tasks?search=m1&limit=20")[0])
    measure("get_activity_logs", lambda i: c.tool("get_activity_logs", limit=50)[0],
            lambda i: c.req("GET", f"{u}/activity-logs?limit=50")[0])

    for name, (m, r) in results.items():
        print(f"RESULT tool={name} calls={len(m)} mcp_p50_ms={pct(m, 50):.2f} mcp_p99_ms={pct(m, 99):.2f} "
              f"rest_p50_ms={pct(r, 50):.2f} rest_p99_ms={pct(r, 99):.2f}")


if __name__ == "__main__":
    main()
