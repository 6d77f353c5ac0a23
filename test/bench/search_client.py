#!/usr/bin/env python3
"""Latency of GET /api/{user}/tasks search, filter + sort and keyset paging through daprd.

Run by test/bench/bench_search.sh, which loads the data, starts daprd + todod and passes:
  search_client.py BASE_URL TOKENS_FILE
TOKENS_FILE: one "user token" per line; the first line is the 100k-task user, the others
are typical (1k-task) users, used in turn so no single user's pages stay hot.
Env: BENCH_REQUESTS (measured requests per case, default 300), BENCH_WARMUP (default 30),
BENCH_PAGE_WALKS (full walks of the heavy user's tasks, default 2), BENCH_TYPICAL_WALKS
(typical users walked to the end, default 60), BENCH_WORDS ("common medium rare partial"),
BENCH_ONLY (regex: run only the cases whose name matches), BENCH_PSQL (psql command line
for the match counts; unset: no counts).

One keep-alive HTTP/1.1 connection, requests one after another: the figures are the
latency of a single client, not throughput. Latency = request sent .. body read.
"""
import http.client
import json
import os
import re
import shlex
import subprocess
import sys
import time
import urllib.parse

BASE, TOKENS = sys.argv[1], sys.argv[2]
N = int(os.environ.get("BENCH_REQUESTS", "300"))
WARM = int(os.environ.get("BENCH_WARMUP", "30"))
WALKS = int(os.environ.get("BENCH_PAGE_WALKS", "2"))
TYPICAL_WALKS = int(os.environ.get("BENCH_TYPICAL_WALKS", "60"))
COMMON, MEDIUM, RARE, PARTIAL = os.environ.get("BENCH_WORDS", "meeting dentist axolotl presenta").split()
ONLY = re.compile(os.environ.get("BENCH_ONLY", ""))
PSQL = shlex.split(os.environ.get("BENCH_PSQL", ""))
LIMIT_MS = 20.0   # the requirement: search and filter p95 under 20 ms

url = urllib.parse.urlsplit(BASE)
PREFIX = url.path.rstrip("/")
users = [line.split() for line in open(TOKENS) if line.strip()]
HEAVY, TYPICAL = users[0], users[1:]

conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)


def get(path, token=None):
    """One GET on the kept-alive connection: (seconds, status, body)."""
    headers = {"Authorization": "Bearer " + token} if token else {}
    t0 = time.perf_counter()
    conn.request("GET", PREFIX + path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    return time.perf_counter() - t0, r.status, body


def pct(sorted_ms, p):
    """Nearest-rank percentile."""
    k = max(0, min(len(sorted_ms) - 1, int(-(-p * len(sorted_ms) // 100)) - 1))
    return sorted_ms[k]


def count(sql, *args):
    """A match count straight from PostgreSQL (context for the table), or '-'."""
    if not PSQL:
        return "-"
    lits = ["'" + a.replace("'", "''") + "'" for a in args]
    out = subprocess.run(PSQL + ["-AtXq", "-c", sql.format(*lits)], capture_output=True, text=True)
    return out.stdout.strip() or "?"


def q(**params):
    return "?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


rows_out = []
base_p50 = None


def report(scope, name, ms, rows, hits, errors, check):
    global base_p50
    ms = sorted(ms)
    p50, p95, p99 = pct(ms, 50), pct(ms, 95), pct(ms, 99)
    if name == "baseline":
        base_p50 = p50
    verdict = ("ok" if p95 < LIMIT_MS else "MISS") if check else ""
    ratio = f"{p50 / base_p50:.1f}x" if base_p50 else "-"
    line = (f"{scope:<8} {name:<44} {len(ms):>5} {p50:>8.2f} {p95:>8.2f} {p99:>8.2f} {ms[-1]:>8.2f} "
            f"{ratio:>7} {rows:>6} {hits:>8} {errors:>4} {verdict}")
    rows_out.append(line)
    print(line, flush=True)


def run_case(scope, name, query, hits_sql=None, hits_args=(), check=True):
    """WARM + N requests of one query; typical users rotate."""
    if not ONLY.search(name):
        return
    if scope == "heavy":
        who = [HEAVY]
    else:
        who = TYPICAL
    ms, errors, rows = [], 0, None
    for i in range(WARM + N):
        user, token = who[i % len(who)]
        dt, status, body = get(f"/api/{user}/tasks{query}", token)
        if status != 200:
            errors += 1
            if errors == 1:
                print(f"  {name}: HTTP {status}: {body[:200]!r}", file=sys.stderr)
        elif rows is None:
            rows = len(json.loads(body)["tasks"])
        if i >= WARM:
            ms.append(dt * 1000)
    hits = "-"
    if hits_sql:
        if scope == "heavy":
            hits = count(hits_sql, HEAVY[0], *hits_args)
        else:   # the mean over the typical users used
            ids = ",".join("'" + u + "'" for u, _ in TYPICAL)
            hits = count(hits_sql.replace("= {0}", f"IN ({ids})").replace("SELECT count(*)",
                         f"SELECT round(count(*)::numeric / {len(TYPICAL)})"), "", *hits_args)
    report(scope, name, ms, rows if rows is not None else "-", hits, errors, check)


def walk(user, token, limit, max_pages=None):
    """Follow next_cursor to the end: ([page ms], total s, tasks seen, errors)."""
    ms, seen, errors, cursor = [], 0, 0, None
    t0 = time.perf_counter()
    while max_pages is None or len(ms) < max_pages:
        params = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        dt, status, body = get(f"/api/{user}/tasks{q(**params)}", token)
        ms.append(dt * 1000)
        if status != 200:
            errors += 1
            print(f"  paging {user}: HTTP {status}: {body[:200]!r}", file=sys.stderr)
            break
        page = json.loads(body)
        seen += len(page["tasks"])
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return ms, time.perf_counter() - t0, seen, errors


SEARCH_HITS = ("SELECT count(*) FROM tasks WHERE user_id = {0} AND (search_vector @@ "
               "websearch_to_tsquery('simple', {1}) OR title ILIKE '%%' || {1} || '%%' "
               "OR description ILIKE '%%' || {1} || '%%')").replace("%%", "%")
WORK_HITS = ("SELECT count(*) FROM tasks t WHERE user_id = {0} AND EXISTS (SELECT 1 FROM task_tags tt "
             "JOIN tags g ON g.id = tt.tag_id WHERE tt.task_id = t.id AND g.name = 'work')")
HIGH_HITS = "SELECT count(*) FROM tasks WHERE user_id = {0} AND NOT completed AND priority = 'High'"
DUE_HITS = ("SELECT count(*) FROM tasks WHERE user_id = {0} AND priority IN ('High', 'Medium') "
            "AND due_datetime < now() + interval '7 days'")

print(f"{'scope':<8} {'case':<44} {'n':>5} {'p50_ms':>8} {'p95_ms':>8} {'p99_ms':>8} {'max_ms':>8} "
      f"{'vs_base':>7} {'rows':>6} {'matches':>8} {'err':>4} p95<{LIMIT_MS:g}ms", flush=True)

# Baseline: daprd + todod, no auth, no database.
ms, errors = [], 0
for i in range(WARM + N):
    dt, status, _ = get("/api/version")
    errors += status != 200
    if i >= WARM:
        ms.append(dt * 1000)
report("-", "baseline", ms, "-", "-", errors, False)

for scope in ("heavy", "typical"):
    for label, word in (("common", COMMON), ("medium", MEDIUM), ("rare", RARE), ("partial", PARTIAL)):
        run_case(scope, f"search {label} '{word}'", q(search=word), SEARCH_HITS, (word,))
    run_case(scope, "status=pending&priority=High&sort_by=due_date",
             q(status="pending", priority="High", sort_by="due_date"), HIGH_HITS)
    run_case(scope, "tags=work&sort_by=priority", q(tags="work", sort_by="priority"), WORK_HITS)
    run_case(scope, "filter=priority>=Medium&&due<now+7d",
             q(filter="priority >= Medium && due < now+7d"), DUE_HITS)

# Paging to the end: limit=200, following next_cursor.
if ONLY.search("paging"):
    ms, total, seen, errors = [], [], 0, 0
    walk(HEAVY[0], HEAVY[1], 200, WARM)   # warm-up: the first pages
    for _ in range(WALKS):
        m, t, s, e = walk(HEAVY[0], HEAVY[1], 200)
        ms += m
        total.append(t)
        seen, errors = s, errors + e
    report("heavy", "paging limit=200 (per page)", ms, 200, seen, errors, False)
    print(f"heavy    paging: {seen} tasks in {len(ms) // max(WALKS, 1)} pages, whole walk "
          + ", ".join(f"{t:.2f} s" for t in total), flush=True)
    ms, total, errors = [], [], 0
    for i in range(TYPICAL_WALKS):
        user, token = TYPICAL[i % len(TYPICAL)]
        m, t, s, e = walk(user, token, 200)
        ms += m
        total.append(t * 1000)
        errors += e
    report("typical", "paging limit=200 (per page)", ms, 200, s, errors, False)
    total.sort()
    print(f"typical  paging: whole walk of {s} tasks p50 {pct(total, 50):.1f} ms, "
          f"p95 {pct(total, 95):.1f} ms over {len(total)} walks", flush=True)

conn.close()
